#!/usr/bin/env bash
# The consumer test: proves the packages, not the project references, work.
#   1. packs every src/*/*.csproj (Release) into a temporary folder, with a version of its own for this run
#      (<VersionPrefix>-consumer.<time>.<pid>), so that no package cache can hand back an older build;
#   2. creates an app in another temporary folder, outside the repository, whose nuget.config takes Verification.*
#      from that folder only (packageSourceMapping) and everything else from the feeds of the repository's
#      nuget.config, and which references every package that was packed;
#   3. restores it into a private packages folder (the global one is only read, as a fallback folder: nothing of
#      this run is left in it), builds it and runs eng/consumer/Program.cs, which checks the packages' metadata,
#      README, XML docs and SourceLink, then sends codes through AddVerification() with its own capturing senders,
#      extracts and verifies them, directly and over MapVerificationEndpoints(). Exits non-zero on any failure.
# eng/test.sh runs it after the tests; on its own: eng/consumer-test.sh [--keep] (--keep leaves the folders).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lib_init eng/consumer-test.sh

export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${1:-}" = "--keep" ]; then
    lib_keep=true
fi

work_dir "${TMPDIR:-/tmp}/verification-consumer.XXXXXX"
feed="$work/feed"
app="$work/app"
mkdir -p "$feed" "$app" "$work/packages"

prefix="$(dotnet msbuild src/Verification.Core/Verification.Core.csproj -getProperty:VersionPrefix)"
version="$prefix-consumer.$(date -u +%Y%m%d%H%M%S).$$"

# 1. Pack: one solution holding every src project, so that each is built once (and not at all when eng/test.sh has
#    just built them: only the package version differs, which the compiled assemblies do not carry).
projects=(src/*/*.csproj)
dotnet new sln --name Packages --output "$work" >/dev/null
solution="$(echo "$work"/Packages.sln*)"   # .slnx from the .NET 10 SDK on
dotnet sln "$solution" add "${projects[@]}" >/dev/null
say "packing ${#projects[@]} projects as $version"
dotnet pack "$solution" --configuration Release -p:PackageVersion="$version" -p:PackageOutputPath="$feed/" \
    -consoleLoggerParameters:NoSummary -verbosity:quiet

ids=()
for package in "$feed"/*.nupkg; do
    name="$(basename "$package" ".$version.nupkg")"
    ids+=("$name")
done
if [ "${#ids[@]}" -ne "${#projects[@]}" ]; then
    die "${#projects[@]} projects gave ${#ids[@]} packages: ${ids[*]}"
fi

# 2. The app. The repository's feeds: every <add key=… value=…/> of its nuget.config's <packageSources>.
feeds="$(sed -n '/<packageSources>/,/<\/packageSources>/p' nuget.config | grep -o '<add [^>]*>' || true)"
if [ -z "$feeds" ]; then
    die "no package source in nuget.config"
fi
global_packages="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: //')}"
mkdir -p "$global_packages"
{
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<configuration>'
    echo '  <packageSources>'
    echo '    <clear />'
    echo "    <add key=\"verification-local\" value=\"$feed\" />"
    echo "$feeds" | sed 's/^/    /'
    echo '  </packageSources>'
    echo '  <packageSourceMapping>'
    echo '    <packageSource key="verification-local">'
    echo '      <package pattern="Verification.*" />'
    echo '    </packageSource>'
    echo "$feeds" | sed -E 's/.*key="([^"]*)".*/    <packageSource key="\1">\n      <package pattern="*" \/>\n    <\/packageSource>/'
    echo '  </packageSourceMapping>'
    echo '  <fallbackPackageFolders>'
    echo '    <clear />'
    echo "    <add key=\"global-packages\" value=\"$global_packages\" />"
    echo '  </fallbackPackageFolders>'
    echo '</configuration>'
} >"$work/nuget.config"

# Nothing of the repository (or of a folder above the temporary one) leaks into the app's build.
cp global.json "$work/global.json"
echo '<Project />' >"$work/Directory.Build.targets"
echo '<Project />' >"$work/Directory.Packages.props"
{
    echo '<Project>'
    echo '  <ItemGroup>'
    for id in "${ids[@]}"; do
        echo "    <PackageReference Include=\"$id\" Version=\"$version\" />"
    done
    echo '  </ItemGroup>'
    echo '</Project>'
} >"$work/Directory.Build.props"
cp eng/consumer/Verification.ConsumerTest.csproj eng/consumer/Program.cs "$app/"

# 3. Restore into the private folder, build, run.
export NUGET_PACKAGES="$work/packages"
say "restoring ${ids[*]} from the local folder only"
(cd "$app" && dotnet build --configuration Release -consoleLoggerParameters:NoSummary -verbosity:quiet)
for id in "${ids[@]}"; do
    lower="$(echo "$id" | tr '[:upper:]' '[:lower:]')"
    if [ ! -f "$NUGET_PACKAGES/$lower/$version/$lower.$version.nupkg" ]; then
        die "$id $version was not restored from the local folder"
    fi
done
dotnet "$app/bin/Release/net10.0/Verification.ConsumerTest.dll" "$feed" "$version"
