-- What the wrk scripts of benchmarks/run.sh share (loaded by send.lua and ping.lua), so that both endpoints pay
-- the same Lua work per request: a phone number formatted for every request, every answer's status counted by a
-- response hook, and the count of non-2xx answers and socket errors printed at the end (summarize.py reads it).
-- Numbers follow Setup.Phone of the benchmarks: neighbouring requests fall in different number prefixes, so that
-- the run stays under the default per-contact and per-prefix limits (the work of checking them is still done).
-- The first script argument (wrk ... -- RUN) keeps the numbers of successive runs apart (the resend cooldown).
local blocks = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
                180, 181, 182, 183, 184, 185, 186, 187, 188}
local threads = 0
local counter = 0
local run = 0
id = 0 -- a global: setup() sets it in each thread's own Lua state

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  run = tonumber(args[1] or "0")
end

-- The next number of this thread, e.g. "+86 13000001234".
function next_number()
  local prefixes = #blocks * 10000
  local prefix = counter % prefixes
  local suffix = (run * 100 + id * 10 + math.floor(counter / prefixes)) % 10000
  counter = counter + 1
  return string.format("+86 %d%04d%04d", blocks[(prefix % #blocks) + 1], math.floor(prefix / #blocks), suffix)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
