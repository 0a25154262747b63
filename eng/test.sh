#!/usr/bin/env bash
# Runs every test of the repository: the one command the README gives and CI (.ci/run) runs.
# First installs what the end-to-end tests of the samples (tests/Verification.Samples.Tests) need, when it is
# missing: Debian's Chromium at /usr/bin/chromium (Playwright drives it; no browser is ever downloaded) and the
# locked npm packages of tests/cloudbase-compat, and Debian's redis-server and redis-tools (for
# tests/Verification.Redis.Tests). Then it starts Redis on free loopback ports — a single node and a 3-master
# Redis Cluster — exports their addresses in VERIFICATION_TEST_REDIS and VERIFICATION_TEST_REDIS_CLUSTER, runs
# the tests, then runs every benchmark once in BenchmarkDotNet's dry mode (no timings asserted), and stops those
# servers on exit. Then eng/aot-test.sh publishes the WebApi sample with Native AOT (installing Debian's clang and
# zlib1g-dev when missing) and runs its HTTP flow. Last, eng/consumer-test.sh packs every src/ project and proves the packages install and work
# in a fresh app.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lib_init eng/test.sh

if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium (for the browser tests)"
    apt_install chromium
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    say "installing Debian's redis-server and redis-tools (for the Redis store tests)"
    apt_install redis-server redis-tools
fi

if [ ! -d tests/cloudbase-compat/node_modules ]; then
    say "npm ci in tests/cloudbase-compat (for the CloudBase client test)"
    (cd tests/cloudbase-compat && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Redis for the store tests: every server on its own free loopback port (for the cluster, its bus port free too), data
# in a temporary folder, no persistence, all stopped (by pid) when this script exits.
work_dir
redis_dir="$work"

single_port="$(free_port --bus)"
start_redis "$redis_dir" "$single_port"
export VERIFICATION_TEST_REDIS="127.0.0.1:$single_port"

cluster_nodes=()
for _ in 1 2 3; do
    port="$(free_port --bus)"
    start_redis "$redis_dir" "$port" --cluster-enabled yes --cluster-config-file "$redis_dir/$port/nodes.conf" --cluster-node-timeout 5000
    cluster_nodes+=("127.0.0.1:$port")
done
redis-cli --cluster create "${cluster_nodes[@]}" --cluster-replicas 0 --cluster-yes >"$redis_dir/cluster-create.log" 2>&1 || {
    cat "$redis_dir/cluster-create.log" >&2
    exit 1
}
first_cluster_port="${cluster_nodes[0]##*:}"
cluster_ready() {
    redis-cli -p "$first_cluster_port" cluster info | grep -q 'cluster_state:ok'
}
wait_until 200 0.05 cluster_ready || die "the Redis Cluster did not become ready"
VERIFICATION_TEST_REDIS_CLUSTER="$(IFS=,; echo "${cluster_nodes[*]}")"
export VERIFICATION_TEST_REDIS_CLUSTER

# Every test category (see tests/Directory.Build.props): the Redis, browser and Node tests too, never skipped.
export VERIFICATION_TEST_ALL=true

# A test hung for 5 minutes fails the run instead of holding CI until its limit.
dotnet test Verification.sln --configuration Release --logger "console;verbosity=normal" --blame-hang-timeout 5m --blame-hang-dump-type none "$@"

# The benchmarks must never rot (benchmarks/run.sh runs them for real; docs/performance.md): run every BenchmarkDotNet
# benchmark once in its dry mode, in process, with a few codes per verify iteration, on the test Redis, and the
# throughput, memory and Redis ceiling programs on small counts. Nothing here asserts a timing; a benchmark that throws fails.
bench_log="$redis_dir/benchmarks.log"
bench=(dotnet benchmarks/Verification.Benchmarks/bin/Release/net10.0/Verification.Benchmarks.dll)
if ! {
    dotnet build benchmarks/Verification.Benchmarks --configuration Release -v quiet -nologo &&
    VERIFICATION_BENCH_BATCH=4 VERIFICATION_BENCH_REDIS="$VERIFICATION_TEST_REDIS" \
        "${bench[@]}" --filter '*' --job Dry --inProcess --artifacts "$redis_dir/benchmarks" &&
    "${bench[@]}" throughput 400 HS256 &&
    "${bench[@]}" memory 20000 &&
    VERIFICATION_BENCH_REDIS="$VERIFICATION_TEST_REDIS" "${bench[@]}" redis-ceiling 500 8
} >"$bench_log" 2>&1; then
    cat "$bench_log" >&2
    die "the benchmarks' dry run failed (log above)"
fi

# Native AOT: the WebApi sample published with PublishAot=true (no trim/AOT warning from the library's packages) and
# its send → verify → redeem flow over HTTP, configured by environment variables only (eng/aot-test.sh).
./eng/aot-test.sh

# The packages themselves: packed into a temporary folder and installed into a fresh app (eng/consumer-test.sh).
# It reuses the Release build of the tests above.
./eng/consumer-test.sh
