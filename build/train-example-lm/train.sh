#!/usr/bin/env bash
# Regenerates examples/models/tiny-llama: fetches the fortune corpus from Debian's fortunes-min
# package (apt-get download + dpkg -x into a temporary folder: no root, nothing installed), builds
# the trainer and runs it. Extra arguments go to the trainer (e.g. --steps 20 for a smoke run, or
# --evaluate to re-measure the checkpoint already in the output folder without training).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${TINY_LLAMA_OUT:-$root/examples/models/tiny-llama}"
package="fortunes-min"

fail() { echo "train-example-lm: $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || fail "apt-get is needed to fetch the corpus (Debian/Ubuntu)."
command -v dpkg >/dev/null 2>&1 || fail "dpkg is needed to unpack the corpus package."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$package" >download.log 2>&1) || { cat "$work/download.log" >&2; fail "'apt-get download $package' failed; run 'apt-get update' or check the mirror."; }
deb="$(find "$work" -maxdepth 1 -name "${package}_*.deb" | head -n 1)"
[[ -n "$deb" ]] || fail "'apt-get download $package' produced no .deb."
dpkg -x "$deb" "$work/root"
echo "corpus: $(dpkg-deb -f "$deb" Package Version | tr '\n' ' ')"
corpus="$work/root/usr/share/games/fortunes"
[[ -s "$corpus/fortunes" ]] || fail "$deb holds no usr/share/games/fortunes/fortunes."

dotnet build "$root/build/train-example-lm" -c Release -nologo -clp:NoSummary -v quiet
dotnet "$root/build/train-example-lm/bin/Release/net10.0/train-example-lm.dll" \
    --corpus "$corpus" --out "$out" "$@"
