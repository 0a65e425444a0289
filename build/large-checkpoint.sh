#!/usr/bin/env bash
# Compresses a generated Hugging Face checkpoint larger than half of this machine's RAM and reports
# the run's peak resident memory (issue: "a checkpoint larger than half of RAM can be compressed").
#
#   bash build/large-checkpoint.sh [work-folder] [generator options, e.g. --gb 2 or --fraction-of-ram 0.53]
#   METHOD=asvd bash build/large-checkpoint.sh /tmp/gac-asvd --gb 3     # the low-rank path, smaller
#   PRESET=llama3-8b bash build/large-checkpoint.sh /tmp/gac-8b           # Meta-Llama-3-8B's shapes: 32 layers,
#       4096/14336, 32 heads on 8 k/v heads, vocab 128256, BF16 (16.1 GB), ASVD 15% + GAC
#   PRESET=llama3-8b LAYERS=2 bash build/large-checkpoint.sh /tmp/gac-8b-2  # the same shapes, 2 layers
#   PRESET=tinyllama-2 bash build/large-checkpoint.sh /tmp/gac-tl2        # 2 TinyLlama layers (2048/5632), ASVD 30%
#   DTYPE=fp32|fp16|bf16|auto sets export.dtype (default auto: the checkpoint's precision; fp16 for PRESET=llama3-8b)
#   CALIBRATION_MODE=block-wise FIDELITY=layer-wise ...                      # calibration.mode / validation.fidelity (default auto)
#
# Structured pruning of MLP channels (GQA heads are not pruned): ASVD streams the same way, but its
# per-layer eigendecompositions take hours on a 2-core machine at this size, pruning minutes.
# Needs disk for the checkpoint, its ONNX export and two compressed variants (about 3.5× the
# checkpoint). Default: 53% of RAM in /tmp/gac-large. About half an hour on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/gac-large}
shift || true
generator=("$@")
ratio=0.3
case "${PRESET:-}" in
  # BF16 weights; the artifact is fp16 by default because this CPU machine cannot validate a bf16 graph
  # (GAC3071: no bfloat16 MatMul in ONNX Runtime's CPU provider). DTYPE=auto keeps bf16 (then --stage compress only).
  llama3-8b) generator=(--shape llama3-8b --layers "${LAYERS:-32}" --dtype BF16); METHOD=${METHOD:-asvd}; ratio=0.15; DTYPE=${DTYPE:-fp16} ;;
  tinyllama-2) generator=(--shape tinyllama --layers 2); METHOD=${METHOD:-asvd} ;;
  "") ;;
  *) echo "unknown PRESET '$PRESET': llama3-8b or tinyllama-2" >&2; exit 2 ;;
esac
[ ${#generator[@]} -eq 0 ] && generator=(--fraction-of-ram 0.53)

dotnet build -c Release src/Gac.Cli -v quiet -nologo
dotnet build -c Release tests/Gac.Benchmarks -v quiet -nologo
mkdir -p "$work"
if [ ! -f "$work/checkpoint/model.safetensors.index.json" ]; then
  dotnet tests/Gac.Benchmarks/bin/Release/net10.0/Gac.Benchmarks.dll large-checkpoint "$work/checkpoint" "${generator[@]}"
fi

method=${METHOD:-prune}
cat > "$work/gac.yaml" <<YAML
version: 1
model:
  path: checkpoint
calibration:
  samples: 2
  mode: ${CALIBRATION_MODE:-auto}
  dims: { batch: 1, seq: 32 }
compress:
  method: $method
  ratio: $ratio
$( [ "$method" = prune ] && printf '  prune:\n    targets: [mlp]\n' )
alignment:
  strategy: gac
  profile: generic-8
  candidates: 1   # one aligned model: measuring several would write the checkpoint's size once per plan
export:
  path: out/model.gac.onnx
  dtype: ${DTYPE:-auto}
validation:
  provider: cpu
  sessions: auto
  fidelity: ${FIDELITY:-auto}
  warmup: 1
  iterations: 3
  heldout_samples: 2
report:
  directory: out
  formats: [json, markdown]
gate:
  min_aligned_percent: 100   # a size/time benchmark: the gate checks what GAC promises, not quality of random weights
YAML

checkpoint_bytes=$(du -cb "$work"/checkpoint/*.safetensors | tail -1 | cut -f1)
ram_bytes=$(( $(grep MemTotal /proc/meminfo | awk '{print $2}') * 1024 ))
echo "checkpoint: $checkpoint_bytes bytes = $(( 100 * checkpoint_bytes / ram_bytes ))% of RAM ($ram_bytes bytes)"
status=0
# Resident memory of the gac-build process every half second, so each phase gets its own peak (below).
sample_rss() {
  local pid="" start tries=0
  start=$(date +%s.%N)
  while [ -z "$pid" ] && [ $((tries += 1)) -lt 300 ]; do pid=$(pgrep -n -f "gac-build.dll run $work/gac.yaml" || true); sleep 0.1; done
  while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
    awk -v s="$start" -v n="$(date +%s.%N)" '/^VmRSS/ { printf "%.1f %d\n", n - s, $2 }' "/proc/$pid/status" 2>/dev/null || true
    sleep 0.5
  done
}
export GAC_PROGRESS_MEMORY=${GAC_PROGRESS_MEMORY:-1}   # each progress line also shows resident (anonymous / file-backed) and managed memory
sample_rss > "$work/rss.txt" &
sampler=$!
/usr/bin/time -v -o "$work/time.txt" dotnet src/Gac.Cli/bin/Release/net10.0/gac-build.dll run "$work/gac.yaml" --progress 2> >(tee "$work/progress.txt" >&2) || status=$?
wait "$sampler" || true
# Per phase: from a step's first progress line to the next step's first line ("[  12.3s import] ..."), its seconds and
# the largest RSS sampled in it (sample times count from the process's start, progress times from the pipeline's: within a second).
awk -F'[][]' 'FNR == NR { if ($0 ~ /^\[/) { split($2, a, " "); t = a[1]; sub("s$", "", t); if (a[2] != last) { n++; name[n] = a[2]; from[n] = t + 0; last = a[2] } } next }
  { for (i = n; i >= 1 && $1 + 0 < from[i]; i--) {} if (i >= 1 && $2 + 0 > peak[i]) peak[i] = $2 + 0 }
  END { for (i = 1; i <= n; i++) printf "  %-10s %8s   peak RSS %6.2f GiB\n", name[i], i < n ? sprintf("%.1f s", from[i + 1] - from[i]) : "(to exit)", peak[i] / 1048576 }' \
  "$work/progress.txt" FS=' ' "$work/rss.txt" > "$work/phases.txt" || true
echo "phases (a step that recurs is listed each time):"; cat "$work/phases.txt"
peak_kb=$(grep "Maximum resident" "$work/time.txt" | awk '{print $NF}')
echo "exit $status; peak RSS $(( peak_kb / 1024 )) MiB = $(( 100 * peak_kb * 1024 / checkpoint_bytes ))% of the checkpoint, $(( 100 * peak_kb * 1024 / ram_bytes ))% of RAM; wall $(grep 'Elapsed (wall' "$work/time.txt" | awk '{print $NF}')"
exit $status
