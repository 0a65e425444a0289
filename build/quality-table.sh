#!/usr/bin/env bash
# The quality table of docs/quality.md: every real model the tests use, compressed with each method
# at two ratios, unaligned (the compressor's own dims) against GAC at the same budget. One Markdown
# row per run: exit code, linear parameters, % of compressed dims aligned, and held-out quality of
# both variants in the model's own terms —
#   minilm       all-MiniLM-L6-v2 on examples/minilm/sentences.txt (real English sentences; the spec
#                of AlignedQualityTests; mean sentence cosine to the original over the 64 held-out
#                sentences, higher is better)
#   tiny-llama   examples/language-model (real text; held-out perplexity, lower is better)
#   paddleocr    PP-OCRv4 recognizer on generated inputs a seed apart from calibration's (no real
#                images here; relative L2 error of the logits, lower is better)
# Usage: bash build/quality-table.sh [models] [methods] [ratios]
#   defaults: "minilm tiny-llama paddleocr" "asvd svd prune" "0.15 0.3"
# Latency is not in the table (validation runs once, iterations: 1); quality numbers are deterministic.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${1:-minilm tiny-llama paddleocr}"
methods="${2:-asvd svd prune}"
ratios="${3:-0.15 0.3}"
command -v jq >/dev/null 2>&1 || { echo "quality-table: jq is needed to read the reports (apt-get install jq)." >&2; exit 1; }

bash "$root/build/fetch-test-models.sh" || exit 1
dotnet build "$root/src/Gac.Cli" -c Release -nologo -clp:NoSummary -v quiet >/dev/null || { echo "quality-table: build failed" >&2; exit 1; }
cli="$root/src/Gac.Cli/bin/Release/net10.0/gac-build.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The spec body (model + calibration) and prune targets of each model; the rest is shared.
model_spec() {
    case "$1" in
        minilm) cat <<YAML
model: { path: "$root/.cache/models/minilm/model.onnx" }
calibration:
  text: "$root/examples/minilm/sentences.txt"
  tokenizer: "$root/.cache/models/minilm/vocab.txt"
  samples: 8
  dims: { batch: 8, sequence: 32 }
YAML
        ;;
        tiny-llama) cat <<YAML
model: { path: "$root/examples/models/tiny-llama" }
calibration:
  text: "$root/examples/models/tiny-llama/heldout.txt"
  samples: 8
  dims: { batch: 1, seq: 128 }
YAML
        ;;
        paddleocr) cat <<YAML
model: { path: "$root/.cache/models/ch_PP-OCRv4_rec_infer.onnx" }
calibration:
  samples: 16
  dims: { p2o.DynamicDimension.0: 1, p2o.DynamicDimension.1: 320 }
YAML
        ;;
        *) echo "quality-table: unknown model '$1' (minilm, tiny-llama, paddleocr)" >&2; exit 1 ;;
    esac
}

heldout() { case "$1" in minilm) echo 8 ;; tiny-llama) echo 16 ;; *) echo 32 ;; esac; }
targets() { case "$1" in minilm) echo "[mlp, heads]" ;; tiny-llama) echo "[mlp]" ;; *) echo "[mlp, heads]" ;; esac; }

echo "| model | method | ratio | exit | params original | params unaligned | params gac | aligned unaligned → gac | quality metric | unaligned | gac | calibration pick |"
echo "|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|"
for model in $models; do
    for method in $methods; do
        for ratio in $ratios; do
            run="$work/$model-$method-$ratio"
            mkdir -p "$run"
            prune=""
            [[ "$method" == "prune" ]] && prune="  prune: { targets: $(targets "$model") }"
            {
                echo "version: 1"
                model_spec "$model"
                cat <<YAML
compress:
  method: $method
  ratio: $ratio
$prune
alignment: { strategy: gac, profile: generic-8 }
export: { path: "out/model.gac.onnx" }
gate: { min_aligned_percent: 100 }
validation: { provider: cpu, warmup: 0, iterations: 1, heldout_samples: $(heldout "$model") }
report: { formats: [json] }
YAML
            } >"$run/gac.yaml"
            dotnet "$cli" run "$run/gac.yaml" >"$run/log.txt" 2>&1
            code=$?
            report="$run/out/gac.report.json"
            if [[ -s "$report" ]]; then
                jq -r --arg model "$model" --arg m "$method" --arg r "$ratio" --arg c "$code" '
                    def r4: . * 10000 | round / 10000;
                    def pct: . * 10 | round / 10;
                    (if .fidelity.sentenceCosine != null then ["sentence cosine ↑", (.fidelityUnaligned.sentenceCosine | r4), (.fidelity.sentenceCosine | r4)]
                     elif .fidelity.perplexityCandidate != null then ["perplexity ↓ (original \(.fidelity.perplexityOriginal | r4))", (.fidelityUnaligned.perplexityCandidate | r4), (.fidelity.perplexityCandidate | r4)]
                     else ["relative error ↓", (.fidelityUnaligned.relativeL2Error | r4), (.fidelity.relativeL2Error | r4)] end) as $q
                    | "| \($model) | \($m) | \($r) | \($c) | \(.plan.parametersOriginal) | \(.plan.parametersUnaligned) | \(.plan.parametersAligned) | "
                    + "\(.plan.alignedPercentBefore | pct)% → \(.plan.alignedPercentAfter | pct)% | \($q[0]) | \($q[1]) | \($q[2]) | "
                    + "\(if .selection then "\(.selection.chosen) of \(.selection.candidates | length)" else "objective" end) |"' "$report"
            else
                echo "| $model | $method | $ratio | $code | $(grep -m1 -o 'GAC[0-9]*.*' "$run/log.txt" | cut -c1-120) |"
            fi
        done
    done
done
