-- wrk script of benchmarks/run.sh: GET /ping with the same client-side work per request as send.lua (a number
-- formatted in Lua for every request, every answer's status counted by a Lua response hook), so that the ratio
-- of the two endpoints compares the server's work, not wrk's Lua on one side only (about 10% of a /ping run).
local blocks = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
                180, 181, 182, 183, 184, 185, 186, 187, 188}
local counter = 0

function request()
  local prefixes = #blocks * 10000
  local prefix = counter % prefixes
  counter = counter + 1
  local number = string.format("+86 %d%04d%04d", blocks[(prefix % #blocks) + 1], math.floor(prefix / #blocks), counter % 10000)
  return wrk.format("GET", "/ping?n=" .. number:sub(2, 3), {["Content-Type"] = "application/json"})
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
