# Sourced (never run) by the repository's scripts: eng/test.sh, eng/aot-test.sh, eng/consumer-test.sh and
# benchmarks/run.sh. It holds the part they share:
#   lib_init NAME         cd to the repository root, turn off the .NET CLI's telemetry and banner, and clean up on
#                         exit (below); NAME prefixes every message (say, die);
#   say / die MESSAGE     print "NAME: MESSAGE" (die: to stderr, then exit 1);
#   as_root COMMAND…      run as root: directly when root, else through sudo;
#   apt_install PACKAGE…  install Debian packages quietly (apt-get update first);
#   free_port [--bus]     a random loopback port nothing listens on (--bus: nor on port + 10000, Redis Cluster's bus);
#   wait_until TRIES SECONDS COMMAND…
#                         run COMMAND every SECONDS until it succeeds, at most TRIES times; fails if it never does;
#   start_redis DIR PORT [ARGUMENT…]
#                         a redis-server daemon on 127.0.0.1:PORT (data, pid file and log in DIR/PORT, no
#                         persistence), waited for until it answers PING, stopped on exit;
#   work_dir [TEMPLATE]   sets $work to a new temporary folder that is deleted on exit (unless lib_keep=true);
#   track_pid PID         a process to stop on exit: TERM, then up to 5 s for it to end.
# A script sources it as: . "$(dirname "$0")/lib.sh" && lib_init eng/NAME.sh (benchmarks/: ../eng/lib.sh).

lib_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib_name="${0##*/}"
lib_pids=()
lib_dirs=()
lib_keep=false

lib_init() {
    lib_name="$1"
    cd "$lib_root"
    export DOTNET_CLI_TELEMETRY_OPTOUT=1
    export DOTNET_NOLOGO=1
    trap lib_cleanup EXIT
}

say() {
    echo "$lib_name: $*"
}

die() {
    echo "$lib_name: $*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "$lib_name: '$*' needs root and sudo is missing" >&2
        return 1
    fi
}

apt_install() {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

free_port() {
    local port _
    for _ in $(seq 1000); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
            { [ "${1:-}" != "--bus" ] || ! (exec 3<>"/dev/tcp/127.0.0.1/$((port + 10000))") 2>/dev/null; }; then
            echo "$port"
            return 0
        fi
    done
    echo "$lib_name: no free loopback port" >&2
    return 1
}

wait_until() {
    local tries="$1" interval="$2" _
    shift 2
    for _ in $(seq "$tries"); do
        if "$@"; then
            return 0
        fi
        sleep "$interval"
    done
    return 1
}

redis_answers() {
    redis-cli -p "$1" ping 2>/dev/null | grep -q PONG
}

start_redis() {
    local dir="$1/$2" port="$2"
    shift 2
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "$@"
    if wait_until 200 0.05 redis_answers "$port"; then
        track_pid "$(cat "$dir/redis.pid")"
        return 0
    fi
    echo "$lib_name: redis-server did not start on port $port" >&2
    cat "$dir/redis.log" >&2 || true
    return 1
}

work_dir() {
    work="$(mktemp -d ${1:+"$1"})"
    lib_dirs+=("$work")
}

track_pid() {
    lib_pids+=("$1")
}

lib_cleanup() {
    local pid dir _
    for pid in "${lib_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    # A child of this shell is reaped by wait; any other process (a daemon) is polled until it has gone.
    for pid in "${lib_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    done
    for dir in "${lib_dirs[@]}"; do
        if $lib_keep; then
            echo "$lib_name: left $dir"
        else
            rm -rf "$dir"
        fi
    done
}
