#!/usr/bin/env bash
# Runs every test of the repository: the one command the README gives and CI (.ci/run) runs.
# First installs what the end-to-end tests of the samples (tests/Verification.Samples.Tests) need, when it is
# missing: Debian's Chromium at /usr/bin/chromium (Playwright drives it; no browser is ever downloaded) and the
# locked npm packages of tests/cloudbase-compat. When everything is present this prints nothing of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "eng/test.sh: '$*' needs root and sudo is missing" >&2
        return 1
    fi
}

if [ ! -x /usr/bin/chromium ]; then
    echo "eng/test.sh: installing Debian's chromium (for the browser tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d tests/cloudbase-compat/node_modules ]; then
    echo "eng/test.sh: npm ci in tests/cloudbase-compat (for the CloudBase client test)"
    (cd tests/cloudbase-compat && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

dotnet test Verification.sln --configuration Release --logger "console;verbosity=normal" "$@"
