#!/usr/bin/env bash
# Native AOT: publishes the WebApi sample with PublishAot=true and runs send → verify → redeem over HTTP against the
# native binary, configured only by environment variables (it runs in an empty folder, so no appsettings.json is
# read). Fails when the library's packages (src/) cause any trim or AOT warning, or when the flow does not work.
# Installs Debian's clang and zlib1g-dev (the native toolchain Native AOT links with) when they are missing.
# Called by eng/test.sh; runs alone too: ./eng/aot-test.sh, or ./eng/aot-test.sh --published DIR to run the HTTP
# flow against a binary published before into DIR (the publish takes minutes).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lib_init eng/aot-test.sh

if ! command -v clang >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
    say "installing Debian's clang and zlib1g-dev (for Native AOT)"
    apt_install clang zlib1g-dev
fi

case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64 | arm64) rid=linux-arm64 ;;
    *) die "no Native AOT runtime identifier for $(uname -m)" ;;
esac

work_dir

fail() {
    echo "$lib_name: $*" >&2
    if [ -f "$work/app.log" ]; then
        echo "--- the native app's output:" >&2
        tail -n 60 "$work/app.log" >&2
    fi
    exit 1
}

published=""
if [ "${1:-}" = "--published" ]; then
    published="${2:?--published needs the folder of a published sample}"
fi

# Warnings are collected rather than stopping the publish at the first one, so that all of them are shown.
if [ -z "$published" ]; then
    say "publishing samples/Verification.Samples.WebApi with PublishAot=true ($rid)"
    if ! dotnet publish samples/Verification.Samples.WebApi --configuration Release --runtime "$rid" \
        -p:PublishAot=true -p:TreatWarningsAsErrors=false -nologo --output "$work/app" >"$work/publish.log" 2>&1; then
        cat "$work/publish.log" >&2
        fail "the Native AOT publish failed (log above)"
    fi

    warnings="$(grep -E 'warning IL[0-9]{4}' "$work/publish.log" | sed -E 's/ \[[^]]*\.csproj[^]]*\]$//' | sort -u || true)"
    library_warnings="$(printf '%s\n' "$warnings" | grep -E '/src/Verification\.|Verification\.(Core|Extensions|AspNetCore|Captcha|Captcha\.Image|MailKit|Redis|TencentCloud|Twilio|Testing)[.:( ]' | grep -v 'Verification\.Samples' || true)"
    if [ -n "$library_warnings" ]; then
        printf '%s\n' "$library_warnings" >&2
        fail "the library's packages cause trim/AOT warnings (above); they must publish without any"
    fi
    if [ -n "$warnings" ]; then
        say "trim/AOT warnings outside the library's packages (the sample or a dependency):"
        printf '%s\n' "$warnings"
    fi
fi

binary="${published:-$work/app}/Verification.Samples.WebApi"
[ -x "$binary" ] || fail "no native binary at $binary"

port="$(free_port)" || fail "no free loopback port"
management_port="$(free_port)" || fail "no free loopback port"
[ "$port" != "$management_port" ] || fail "no second free loopback port"
base="http://127.0.0.1:$port"
management="http://127.0.0.1:$management_port"

# Configuration by environment variables only: real HS256 keys (no ephemeral key, Production), a project id the
# tokens must carry, and the pickup directory as the sender the script reads codes from.
mkdir -p "$work/run" "$work/pickup"
(
    cd "$work/run"
    exec env -i PATH="$PATH" HOME="$work/run" \
        ASPNETCORE_URLS="$base" \
        Sample__ManagementUrl="$management" \
        DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
        Verification__ProjectId=aot-test \
        Verification__Tokens__Algorithm=HS256 \
        Verification__Tokens__SigningKeys__0__KeyId=aot-1 \
        Verification__Tokens__SigningKeys__0__Secret="$(head -c 32 /dev/urandom | base64)" \
        Verification__Tokens__HashKey="$(head -c 32 /dev/urandom | base64)" \
        Verification__PickupDirectory="$work/pickup" \
        Verification__Messages__ProductName="AOT Test" \
        "$binary"
) >"$work/app.log" 2>&1 &
app_pid=$!
track_pid "$app_pid"

# Up when it answers anything on /ping; fails at once when the app has exited.
app_answers() {
    kill -0 "$app_pid" 2>/dev/null || fail "the native app exited at start"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/ping" 2>/dev/null || true)" != "000" ]
}
wait_until 300 0.1 app_answers || fail "the native app did not answer on $base within 30 s"

# Readiness is served on the management port only.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = "404" ] || fail "the public port serves /healthz"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$management/healthz")" = "200" ] || fail "the management port does not serve /healthz"

post() {
    curl -s -X POST "$base$1" -H 'Content-Type: application/json' -d "$2"
}

field() {
    sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

sent="$(post /auth/v1/verification '{"phone_number": "+86 155 8866 5555", "usage": "REGISTER"}')"
verification_id="$(printf '%s' "$sent" | field verification_id)"
[ -n "$verification_id" ] || fail "send did not answer a verification_id: $sent"

# The id is a JWT signed with the configured key: its payload carries the configured project id.
payload="$(printf '%s' "$verification_id" | cut -d. -f2 | tr '_-' '/+')"
while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done
printf '%s' "$payload" | base64 -d 2>/dev/null | grep -q '"pj":"aot-test"' \
    || fail "the verification id does not carry the ProjectId set by Verification__ProjectId"

pickup_code() {
    code="$(cat "$work"/pickup/*.json 2>/dev/null | field code || true)"
    [ -n "$code" ]
}
wait_until 50 0.1 pickup_code || fail "no message with a code appeared in the pickup directory"

verified="$(post /auth/v1/verification/verify "{\"verification_id\": \"$verification_id\", \"verification_code\": \"$code\"}")"
token="$(printf '%s' "$verified" | field verification_token)"
[ -n "$token" ] || fail "verify did not answer a verification_token: $verified"

redeemed="$(post /auth/v1/signup "{\"phone_number\": \"+86 155 8866 5555\", \"verification_token\": \"$token\"}")"
printf '%s' "$redeemed" | grep -q '"signed_up"' || fail "redeeming the token (sign-up) failed: $redeemed"

again="$(post /auth/v1/signup "{\"verification_token\": \"$token\"}")"
printf '%s' "$again" | grep -q 'invalid_verification_token' || fail "a second redeem of the token was not refused: $again"

say "the Native AOT sample sent, verified and redeemed over HTTP, configured by environment variables only"
