#!/usr/bin/env bash
# Runs the real MiniLM sentence encoder (fetched by fetch-test-models.sh) through gac-build with
# every compressor at two ratios, on generated inputs valid by construction, and prints one
# Markdown row per run: exit code, linear parameters, % of compressed dims aligned and the tool's
# fidelity (relative L2 error, cosine of last_hidden_state vs the original) for the unaligned
# compressor and for GAC. Usage: bash build/minilm-matrix.sh [methods] [ratios]
#   e.g. bash build/minilm-matrix.sh "asvd svd prune" "0.15 0.3"   (the default)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
methods="${1:-asvd svd prune}"
ratios="${2:-0.15 0.3}"
command -v jq >/dev/null 2>&1 || { echo "minilm-matrix: jq is needed to read the reports (apt-get install jq)." >&2; exit 1; }

bash "$root/build/fetch-test-models.sh" || exit 1
dotnet build "$root/src/Gac.Cli" -c Release -nologo -clp:NoSummary -v quiet >/dev/null || { echo "minilm-matrix: build failed" >&2; exit 1; }
cli="$root/src/Gac.Cli/bin/Release/net10.0/gac-build.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/.cache/models/minilm/model.onnx" "$work/model.onnx"

echo "| method | ratio | exit | params original | params unaligned | params gac | % aligned unaligned → gac | rel. error unaligned | rel. error gac | cosine unaligned | cosine gac |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for method in $methods; do
    for ratio in $ratios; do
        run="$work/$method-$ratio"
        mkdir -p "$run"
        prune=""
        [[ "$method" == "prune" ]] && prune="  prune: { targets: [mlp, heads] }"
        cat >"$run/gac.yaml" <<YAML
version: 1
model: { path: "../model.onnx" }
calibration: { samples: ${SAMPLES:-8}, seed: 1234 }
compress:
  method: $method
  ratio: $ratio
$prune
alignment: { strategy: gac, profile: generic-8 }
export: { path: "out/model.gac.onnx" }
validation: { warmup: 1, iterations: ${ITERATIONS:-5}, heldout_samples: ${HELDOUT:-8} }
report: { formats: [json] }
YAML
        dotnet "$cli" run "$run/gac.yaml" >"$run/log.txt" 2>&1
        code=$?
        report="$run/out/gac.report.json"
        if [[ -s "$report" ]]; then
            jq -r --arg m "$method" --arg r "$ratio" --arg c "$code" '
                "| \($m) | \($r) | \($c) | \(.plan.parametersOriginal) | \(.plan.parametersUnaligned) | \(.plan.parametersAligned) | "
                + "\(.plan.alignedPercentBefore * 10 | round / 10)% → \(.plan.alignedPercentAfter * 10 | round / 10)% | "
                + "\(.fidelityUnaligned.relativeL2Error * 10000 | round / 10000) | \(.fidelity.relativeL2Error * 10000 | round / 10000) | "
                + "\(.fidelityUnaligned.cosine * 10000 | round / 10000) | \(.fidelity.cosine * 10000 | round / 10000) |"' "$report"
        else
            echo "| $method | $ratio | $code | $(grep -m1 -o 'GAC[0-9]*.*' "$run/log.txt" | cut -c1-120) |"
        fi
    done
done
