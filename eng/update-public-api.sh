#!/usr/bin/env bash
# Brings PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt of every src/ project in line with the code, with the
# PublicApiAnalyzers' own output (no entry is written by hand):
#   1. creates both files (starting with '#nullable enable') for a project that has none yet, such as a new package;
#   2. adds every public symbol the files miss (RS0016, as the analyzer spells it) to PublicAPI.Unshipped.txt;
#   3. handles every declared symbol the code no longer has (RS0017): its line is deleted from
#      PublicAPI.Unshipped.txt, or, when it had shipped, '*REMOVED*<symbol>' is added to PublicAPI.Unshipped.txt;
#   4. builds the projects and fails if any public API diagnostic is left (for example RS0026, an overload rule
#      that needs a design decision rather than a list entry).
# Review the diff of the PublicAPI files: it is the public API change of your branch.
#
#   eng/update-public-api.sh                 all src/*/*.csproj
#   eng/update-public-api.sh src/Verification.Testing/Verification.Testing.csproj   only the projects given
#   eng/update-public-api.sh --ship          at a release: moves every Unshipped entry into PublicAPI.Shipped.txt
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

ship=false
projects=()
for arg in "$@"; do
    case "$arg" in
        --ship) ship=true ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *.csproj) projects+=("$arg") ;;
        *) echo "eng/update-public-api.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    esac
done
if [ "${#projects[@]}" -eq 0 ]; then
    projects=(src/*/*.csproj)
fi

header='#nullable enable'

# ensure_files DIR: both files exist and start with the nullable header (RS0037 otherwise).
ensure_files() {
    local file
    for file in "$1/PublicAPI.Shipped.txt" "$1/PublicAPI.Unshipped.txt"; do
        if [ ! -s "$file" ]; then
            printf '%s\n' "$header" >"$file"
            echo "created $file"
        elif [ "$(head -n 1 "$file")" != "$header" ]; then
            { printf '%s\n' "$header"; cat "$file"; } >"$file.tmp" && mv "$file.tmp" "$file"
        fi
    done
}

# sort_entries FILE: header first, then the entries in ordinal order, without duplicates or blank lines.
sort_entries() {
    local file="$1"
    { printf '%s\n' "$header"; grep -v -x -F "$header" "$file" | grep -v '^[[:space:]]*$' | LC_ALL=C sort -u; } >"$file.tmp" || true
    mv "$file.tmp" "$file"
}

if $ship; then
    for project in "${projects[@]}"; do
        dir="$(dirname "$project")"
        ensure_files "$dir"
        shipped="$dir/PublicAPI.Shipped.txt"
        unshipped="$dir/PublicAPI.Unshipped.txt"
        while IFS= read -r line; do
            case "$line" in
                "$header" | "") ;;
                '*REMOVED*'*)
                    grep -v -x -F -- "${line#'*REMOVED*'}" "$shipped" >"$shipped.tmp" || true
                    mv "$shipped.tmp" "$shipped"
                    ;;
                *) printf '%s\n' "$line" >>"$shipped" ;;
            esac
        done <"$unshipped"
        sort_entries "$shipped"
        printf '%s\n' "$header" >"$unshipped"
        echo "shipped $(grep -c -v -x -F "$header" "$shipped" || true) entries in $shipped"
    done
    exit 0
fi

for project in "${projects[@]}"; do
    ensure_files "$(dirname "$project")"
done

# One solution holding exactly these projects, so that each is compiled once per build below.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet new sln --name PublicApi --output "$work" >/dev/null
solution="$(echo "$work"/PublicApi.sln*)"   # .slnx from the .NET 10 SDK on
dotnet sln "$solution" add "${projects[@]}" >/dev/null

# build_log FILE: rebuilds the projects (analyzers report only while compiling) with warnings left as warnings, so
# that a project with API diagnostics does not keep its dependants from being analysed; the output goes to FILE.
build_log() {
    dotnet build "$solution" --configuration Release --no-incremental -p:TreatWarningsAsErrors=false \
        -consoleLoggerParameters:NoSummary >"$1" 2>&1 || true
}

# api_diagnostics ID: "<file>\t<line>\t<project>\t<symbol>" for each ID diagnostic in the build log, once each.
api_diagnostics() {
    grep -E ": (warning|error) $1: Symbol '" "$work/build.log" \
        | sed -E "s/^(.*)\(([0-9]+),[0-9]+\): (warning|error) $1: Symbol '(.*)' is (not part of|part of) the declared (public )?API.* \[([^]]*)\]$/\1\t\2\t\7\t\4/" \
        | sort -u
}

build_log "$work/build.log"
added=0
removed=0

# 2. Public symbols the files miss (RS0016): the analyzer's message carries the symbol exactly as the files spell it.
while IFS=$'\t' read -r _ _ project symbol; do
    printf '%s\n' "$symbol" >>"$(dirname "$project")/PublicAPI.Unshipped.txt"
    echo "added to the public API: $symbol"
    added=$((added + 1))
done < <(api_diagnostics RS0016)

# 3. Declared symbols the code no longer has (RS0017, reported at the symbol's line of the PublicAPI file). Lines
#    are handled from the bottom of each file up so that the line numbers stay right.
while IFS=$'\t' read -r file line _ _; do
    symbol="$(sed -n "${line}p" "$file")"
    if [ "$(basename "$file")" = PublicAPI.Unshipped.txt ]; then
        sed -i "${line}d" "$file"
    else
        printf '*REMOVED*%s\n' "$symbol" >>"$(dirname "$file")/PublicAPI.Unshipped.txt"
    fi
    echo "removed from the public API: $symbol"
    removed=$((removed + 1))
done < <(api_diagnostics RS0017 | sort -t "$(printf '\t')" -k1,1 -k2,2nr)

for project in "${projects[@]}"; do
    sort_entries "$(dirname "$project")/PublicAPI.Unshipped.txt"
done
if [ $((added + removed)) -gt 0 ]; then
    build_log "$work/build.log"
fi

# 4. Anything left is for a human to decide.
if grep -E ': (warning|error) RS00[0-9]{2}:' "$work/build.log" | sed -E 's/ \[[^]]*\]$//' | sort -u | grep .; then
    echo "eng/update-public-api.sh: public API diagnostics remain (above); fix the code or the PublicAPI files" >&2
    exit 1
fi
if grep -E ': error ' "$work/build.log" | sort -u | grep .; then
    echo "eng/update-public-api.sh: the build fails for another reason (above)" >&2
    exit 1
fi
echo "eng/update-public-api.sh: $added entries added, $removed removed; the PublicAPI files match the code."
