#!/usr/bin/env bash
# Packs the Gac.Build MSBuild package and the gac-build dotnet tool into a local folder feed.
#
#   bash build/pack.sh [feed-dir] [msbuild arguments...]
#
# feed-dir defaults to artifacts/feed. The version is GacVersion from Directory.Build.props; tests and
# pre-releases pass -p:Version=0.1.0-test.2 (NuGet serves a repacked *same* version stale from its
# package cache, so bump it or use a separate NUGET_PACKAGES folder).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

feed="$root/artifacts/feed"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  feed="$1"
  shift
fi
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"

version="$(sed -n 's:.*<GacVersion>\(.*\)</GacVersion>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
for argument in "$@"; do
  case "$argument" in
    -p:Version=*|/p:Version=*|--property:Version=*) version="${argument#*=}" ;;
  esac
done

configuration="${CONFIGURATION:-Release}"
for project in src/Gac.Build.Tasks/Gac.Build.Tasks.csproj src/Gac.Cli/Gac.Cli.csproj; do
  dotnet pack "$root/$project" -c "$configuration" -o "$feed" -nologo -clp:NoSummary "$@"
done

# NuGet serves a package version from its cache once restored, so a repack of the same version would
# never reach the examples on this machine: evict exactly this version (nothing else) from the cache.
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$packages/gac-build/$version" "$packages/gac.build/$version"

echo "packed Gac.Build $version and gac-build $version into $feed"
