-- wrk script of benchmarks/run.sh: GET /ping with the same client-side work per request as send.lua (wrk-common.lua),
-- so that the ratio of the two endpoints compares the server's work, not wrk's Lua on one side only (about 10% of a
-- /ping run).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-common.lua")

function request()
  return wrk.format("GET", "/ping?n=" .. next_number():sub(2, 3))
end
