-- wrk script of benchmarks/run.sh: POST /auth/v1/verification, each request for a phone number of its own.
-- Numbers follow Setup.Phone of the benchmarks: neighbouring requests fall in different number prefixes, so that
-- the run stays under the default per-contact and per-prefix limits (the work of checking them is still done).
-- The first script argument (wrk ... -- RUN) keeps the numbers of successive runs apart (the resend cooldown).
local blocks = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
                180, 181, 182, 183, 184, 185, 186, 187, 188}
local threads = 0
local counter = 0
local id = 0
local run = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  run = tonumber(args[1] or "0")
end

function request()
  local prefixes = #blocks * 10000
  local prefix = counter % prefixes
  local suffix = (run * 100 + id * 10 + math.floor(counter / prefixes)) % 10000
  counter = counter + 1
  local number = string.format("+86 %d%04d%04d", blocks[(prefix % #blocks) + 1], math.floor(prefix / #blocks), suffix)
  local body = '{"phone_number":"' .. number .. '","target":"ANY","usage":"SIGN_IN"}'
  return wrk.format("POST", "/auth/v1/verification", {["Content-Type"] = "application/json"}, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
