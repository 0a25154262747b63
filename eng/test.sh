#!/usr/bin/env bash
# Runs every test of the repository: the one command the README gives and CI (.ci/run) runs.
# Today every test needs nothing outside .NET; when tests need servers (Redis, SMTP sinks, Chromium),
# this script installs what is missing from Debian's packages, starts it on loopback, and stops it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

dotnet test Verification.sln --configuration Release --logger "console;verbosity=normal" "$@"
