-- wrk script of benchmarks/run.sh: POST /auth/v1/verification, each request for a phone number of its own
-- (numbering, status counting and the end report in wrk-common.lua, beside this file).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-common.lua")

function request()
  local body = '{"phone_number":"' .. next_number() .. '","target":"ANY","usage":"SIGN_IN"}'
  return wrk.format("POST", "/auth/v1/verification", {["Content-Type"] = "application/json"}, body)
end
