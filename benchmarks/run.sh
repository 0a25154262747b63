#!/usr/bin/env bash
# Runs every measurement of docs/performance.md and prints the budget table:
#   1. the BenchmarkDotNet suite (send / verify next to their floors, ASP.NET Core Identity, rejections, Redis),
#   2. the throughput program (send + verify on all cores next to the floor loop), RS256 and HS256,
#   3. the in-memory store's bytes per pending record with 1,000,000 live, and after they expire,
#      the single-slot ceiling (sends + verifies per second one Redis master sustains through the store), the
#      allocation evidence,
#   4. an HTTP load run with wrk against the WebApi sample (in-memory store, no-op sender, HS256):
#      POST /auth/v1/verification next to GET /ping (a constant JSON answer) of the same process.
# Installs Debian's wrk and redis-server when missing, starts its own Redis and sample on free loopback ports and
# stops them (by pid) on exit. Results go to benchmarks/results/ (BenchmarkDotNet artifacts, logs, summary.md).
# Extra arguments go to BenchmarkDotNet, e.g. benchmarks/run.sh --filter '*Send*'.
set -euo pipefail
. "$(dirname "$0")/../eng/lib.sh"
lib_init benchmarks/run.sh

for tool in wrk redis-server; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        say "installing Debian's $tool"
        apt_install "$tool"
    fi
done

results="$PWD/benchmarks/results"
rm -rf "$results"
mkdir -p "$results"
work_dir

echo "== load: $(uptime)" | tee "$results/load.txt"

dotnet build benchmarks/Verification.Benchmarks -c Release -v quiet -nologo >"$results/build.log"
dotnet build samples/Verification.Samples.WebApi -c Release -v quiet -nologo >>"$results/build.log"
bench=(dotnet benchmarks/Verification.Benchmarks/bin/Release/net10.0/Verification.Benchmarks.dll)

# Redis for RedisBenchmarks: its own server, no persistence.
redis_port="$(free_port)"
start_redis "$work" "$redis_port"
export VERIFICATION_BENCH_REDIS="127.0.0.1:$redis_port"

echo "== BenchmarkDotNet suite"
"${bench[@]}" --filter '*' --artifacts "$results/bdn" "$@" | tee "$results/bdn.log"

echo "== throughput"
"${bench[@]}" throughput 20000 RS256 | tee "$results/throughput.log"
"${bench[@]}" throughput 50000 HS256 | tee -a "$results/throughput.log"

echo "== in-memory store memory"
"${bench[@]}" memory 1000000 | tee "$results/memory.log"

echo "== single-slot ceiling (one Redis master through the store)"
"${bench[@]}" redis-ceiling 100000 64 | tee "$results/redis-ceiling.log"

echo "== allocations (evidence for the allocation budgets)"
"${bench[@]}" allocations | tee "$results/allocations.log"

echo "== HTTP (wrk)"
http_port="$(free_port)"
management_port="$(free_port)"
# The sample as it ships, with: HS256 (ephemeral key), the no-op sender, warnings-only logging for both endpoints, and
# the limits a load run from one client would trip switched off (per-IP window, global SMS budget; the region's SMS
# budget raised so that its counter is still charged) — every request is one client address, and those limits exist
# to stop exactly that. Without the region's, the run measured captcha_required refusals after its first 500 sends;
# without a larger in-memory store, store_unavailable refusals once its 1,000,000 entries (records and counters,
# about eight per send) were full.
(
    cd samples/Verification.Samples.WebApi
    exec env ASPNETCORE_ENVIRONMENT=Production \
        Verification__Tokens__Algorithm=HS256 \
        Sample__Sender=None \
        Verification__Throttling__PerIp__Limit=0 \
        Verification__Throttling__GlobalSmsPerHour=0 \
        Verification__Throttling__GlobalSmsPerDay=0 \
        Verification__Throttling__GlobalSmsPerRegionPerHour=2147483647 \
        Verification__InMemoryStore__MaxEntries=20000000 \
        Logging__LogLevel__Default=Warning Logging__LogLevel__Verification=Warning \
        dotnet bin/Release/net10.0/Verification.Samples.WebApi.dll --urls "http://127.0.0.1:$http_port" \
        --Sample:ManagementUrl="http://127.0.0.1:$management_port"
) >"$results/sample.log" 2>&1 &
track_pid "$!"
# Ready when the management port's readiness answers (the public port does not serve /healthz).
sample_ready() {
    curl -fs "http://127.0.0.1:$management_port/healthz" >/dev/null 2>&1
}
wait_until 400 0.05 sample_ready || die "the sample's readiness did not answer on $management_port/healthz (log: $results/sample.log)"
base="http://127.0.0.1:$http_port"
wrk_run() { # name, extra wrk args…
    local name="$1"; shift
    wrk -t1 -c16 -d10s --latency "$@" | tee "$results/wrk-$name.log"
}
# Warm-up of both endpoints, then two alternating rounds; the better round of each counts.
# Both endpoints run through a wrk script doing the same Lua work per request (benchmarks/ping.lua, send.lua).
wrk -t1 -c16 -d3s -s benchmarks/ping.lua "$base" >/dev/null
wrk -t1 -c16 -d3s -s benchmarks/send.lua "$base" -- 0 >/dev/null
for round in 1 2; do
    wrk_run "trivial-$round" -s benchmarks/ping.lua "$base"
    wrk_run "send-$round" -s benchmarks/send.lua "$base" -- "$round"
done

echo "== load: $(uptime)" | tee -a "$results/load.txt"
python3 benchmarks/summarize.py "$results" | tee "$results/summary.md"
