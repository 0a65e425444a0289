#!/usr/bin/env bash
# GPU device run: Gac.Build's CUDA path measured with a published gac-build on a GPU machine that has no .NET SDK.
#
#   bash build/gpu-device-run.sh --prepare KIT [--dry-run]   # on a machine with the .NET 10 SDK (repository root)
#   bash KIT/gpu-device-run.sh KIT RESULTS [--provider cuda|cpu] [--profile-timeout S] [--synth-run H:I:HEADS:BLOCKS:SEQ]
#                                                                               # on the GPU machine
#
# Why a kit: the compress stage needs TorchSharp's libtorch (461 MB), the CUDA path needs ONNX Runtime's GPU
# build (318 MB), and a GPU machine often has neither an SDK nor a package feed. --prepare builds everything
# that needs no GPU where the SDK is, and the device half runs, unless --synth-run asks for a whole run, only
# commands that never load TorchSharp: `profile`, `validate` of bundles written by `run --stage compress`, `bench`.
#
# --prepare writes KIT/:
#   app/   `dotnet publish src/Gac.Cli -c Release` (framework-dependent; publish leaves libtorch and ONNX
#          Runtime's GPU natives out, so a command that loads TorchSharp needs libtorch-cpu-linux-x64 in the
#          NuGet cache and fails with GAC4060 where it is missing and cannot be restored)
#   ort/   libonnxruntime.so, libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so from the
#          NuGet cache (Microsoft.ML.OnnxRuntime.Gpu.Linux, the version Directory.Packages.props pins);
#          the run loads them through GAC_ORT_NATIVE_PATH
#   work/  examples/models/tiny-transformer.onnx compressed here (ASVD 15% + GAC, profile nvidia-hopper-fp16)
#          into three bundles: export.dtype fp16, fp16 with validation.cuda_graph: true, and bf16; and the
#          trained examples/models/tiny-llama (Hugging Face checkpoint, perplexity gate) as an fp16 bundle
#   gpu-device-run.sh  this script
# --dry-run then runs the device half on the CPU (provider cpu, small profile shapes; the cuda_graph and bf16
# bundles are expected to be refused there with GAC4062 and GAC3071).
#
# The device half needs: Linux x64, an NVIDIA driver, CUDA 13 (libcudart.so.13, libcublas.so.13,
# libcublasLt.so.13, libcurand.so.10) and cuDNN 9 on LD_LIBRARY_PATH (the nvidia-* Python wheels of a
# CUDA 13 PyTorch carry them under site-packages/nvidia/*/lib), and a .NET 10 runtime (`dotnet` on PATH, or
# DOTNET_ROOT). It writes RESULTS/: env.txt, steps.txt, one log per step, profile-fp16-KxN.json (the staircases), and each
# validation's gac.report.{json,md}. A failing step is logged with its exit code and the next one still runs.
#
# Steps on the device: (1) validate the four bundles with --provider cuda (load, IoBinding, fidelity, latency,
# gate, publish); (2) `bench --kernels` on the published fp16 and bf16 models; (3) the [GpuFact] tests of
# tests/Gac.Runtime.Tests; (4) `profile` staircases of Llama-3-8B's GEMM shapes (gate/up 4096x14336, q/o
# 4096x4096, down 14336x4096, k/v 4096x1024; one run and file per shape, all within --profile-timeout) at
# M = 1024 tokens in fp16: ranks 64..2048 every 64 plus every rank from 1000 to 1032, and each dense GEMM;
# (5) with --synth-run H:I:HEADS:BLOCKS:SEQ and libtorch-cpu-linux-x64 in the NuGet cache (NUGET_PACKAGES):
# `synth` a transformer of that shape and `run` it whole (ASVD 15% + GAC, fp16) with the provider, on batch 1 x SEQ.
# (`synth --spectral-decay` at hidden 4096 / MLP 14336 had not written 2 blocks after 5 minutes on 16 cores: size
# the shape, or give the command the time.)
set -euo pipefail

repo_prepare() {
  local kit=$1 dry=$2
  cd "$(dirname "$0")/.."
  local version
  version=$(sed -n 's/.*<GacOnnxRuntimeGpuVersion>\(.*\)<\/GacOnnxRuntimeGpuVersion>.*/\1/p' Directory.Packages.props)
  local natives=${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.onnxruntime.gpu.linux/$version/runtimes/linux-x64/native
  [ -f "$natives/libonnxruntime_providers_cuda.so" ] || { echo "no ONNX Runtime GPU natives in $natives (dotnet restore first)" >&2; exit 2; }
  rm -rf "$kit" && mkdir -p "$kit/ort" "$kit/work/tt" "$kit/work/tl"
  kit=$(cd "$kit" && pwd)
  dotnet publish src/Gac.Cli -c Release -o "$kit/app" -nologo -v quiet
  # Only linux-x64 natives. libtorch stays out (see the header): a command that loads TorchSharp without it in the
  # NuGet cache tries to restore it and fails there with GAC4060, instead of measuring something else.
  find "$kit/app/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
  cp "$natives"/libonnxruntime.so "$natives"/libonnxruntime_providers_shared.so "$natives"/libonnxruntime_providers_cuda.so "$kit/ort/"
  cp "$0" "$kit/gpu-device-run.sh"

  cp examples/models/tiny-transformer.onnx "$kit/work/tt/"
  local name dtype graph
  for name in fp16:fp16:false fp16-graph:fp16:true bf16:bf16:false; do
    IFS=: read -r name dtype graph <<< "$name"
    cat > "$kit/work/tt/$name.yaml" <<YAML
version: 1
model:
  path: tiny-transformer.onnx
calibration:
  samples: 8
  dims: { batch: 1, seq: 64 }
compress:
  method: asvd
  ratio: 0.15
alignment:
  strategy: gac
  profile: nvidia-hopper-fp16
export:
  path: out-$name/tiny-transformer.gac.onnx
  dtype: $dtype
validation:
  provider: cuda
  cuda_graph: $graph
  warmup: 20
  iterations: 200
gate:
  min_aligned_percent: 100
  min_cosine: 0.99
  max_relative_error: 0.1
report:
  directory: out-$name
  formats: [json, markdown]
YAML
  done
  cp -r examples/models/tiny-llama "$kit/work/tl/model"
  cat > "$kit/work/tl/fp16.yaml" <<'YAML'
version: 1
model:
  path: model
calibration:
  samples: 8
  text: model/heldout.txt
  dims: { batch: 1, seq: 128 }
compress:
  method: asvd
  ratio: 0.15
alignment:
  strategy: gac
  profile: nvidia-hopper-fp16
export:
  path: out-fp16/tiny-llama.gac.onnx
  dtype: fp16
validation:
  provider: cuda
  warmup: 20
  iterations: 200
  heldout_samples: 16
gate:
  max_perplexity_increase: "5%"
  min_aligned_percent: 100
report:
  directory: out-fp16
  formats: [json, markdown]
YAML
  local gac="dotnet $PWD/src/Gac.Cli/bin/Release/net10.0/gac-build.dll"
  for name in fp16 fp16-graph bf16; do
    (cd "$kit/work/tt" && $gac run "$name.yaml" --stage compress --bundle "bundle-$name")
  done
  (cd "$kit/work/tl" && $gac run fp16.yaml --stage compress --bundle bundle-fp16)
  # The CUDA facts of tests/Gac.Runtime.Tests ([GpuFact]) under xunit's console runner, which runs on the .NET
  # runtime alone (2.4.1, netcoreapp2.0, rolled forward). Gac.Pipeline.Tests' CUDA fact compresses first (libtorch): not here.
  dotnet build tests/Gac.Runtime.Tests -c Release -nologo -v quiet
  mkdir -p "$kit/tests/runtime" "$kit/tests/xunit-restore"
  cp -r tests/Gac.Runtime.Tests/bin/Release/net10.0/. "$kit/tests/runtime/"
  rm -rf "$kit/tests/runtime/runtimes"   # ONNX Runtime's natives only: the run loads ort/ through GAC_ORT_NATIVE_PATH
  cat > "$kit/tests/xunit-restore/restore.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="xunit.runner.console" Version="[2.4.1]" /></ItemGroup>
</Project>
XML
  dotnet restore "$kit/tests/xunit-restore/restore.csproj" -nologo -v q
  cp -r "${NUGET_PACKAGES:-$HOME/.nuget/packages}/xunit.runner.console/2.4.1/tools/netcoreapp2.0" "$kit/tests/xunit"
  rm -rf "$kit/tests/xunit-restore"
  du -sh "$kit"/*
  if [ "$dry" = 1 ]; then
    device_run "$kit" "$kit/../$(basename "$kit")-dry-results" cpu 600
  fi
}

device_run() {
  local kit=$1 res=$2 provider=$3 profile_timeout=$4 synth=${5:-}
  kit=$(cd "$kit" && pwd)
  mkdir -p "$res" && res=$(cd "$res" && pwd)
  export GAC_ORT_NATIVE_PATH=$kit/ort
  # No restore can run here: an empty package cache makes a missing native a GAC4060 error, not a download.
  export NUGET_PACKAGES=${NUGET_PACKAGES:-$res/.nuget-empty}
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  gac() { dotnet "$kit/app/gac-build.dll" "$@"; }
  failures=()
  step() { # step NAME COMMAND...: runs in the current folder, logs to RESULTS/NAME.log, never aborts the run
    local name=$1; shift
    local start=$SECONDS rc=0
    echo "== $name: $*" | tee -a "$res/steps.txt"
    "$@" > "$res/$name.log" 2>&1 || rc=$?
    echo "   exit $rc, $((SECONDS - start)) s" | tee -a "$res/steps.txt"
    tail -n 25 "$res/$name.log"
    [ "$rc" = 0 ] || failures+=("$name:$rc")
  }

  {
    echo "date: $(date -u +%FT%TZ)"
    # Not `nvidia-smi | head`: head closing the pipe early is a SIGPIPE failure under pipefail, which ended a run.
    nvidia-smi > "$res/nvidia-smi.txt" 2>&1 || echo "nvidia-smi: not available"
    head -n 12 "$res/nvidia-smi.txt"
    nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1 || true
    echo "dotnet: $(dotnet --list-runtimes 2>&1 | tr '\n' ' ')"
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
    echo "CUDA libraries from Python wheels, where pip has them:"
    python3 -m pip list 2>/dev/null | grep -iE '^nvidia-(cublas|cudnn|cuda-runtime|curand)' || echo "  (none listed)"
    echo "libraries the CUDA provider needs that the loader cannot find (none is good):"
    ldd "$kit/ort/libonnxruntime_providers_cuda.so" 2>&1 | grep 'not found' || echo "  none"
    uname -a; nproc
  } > "$res/env.txt" 2>&1
  cat "$res/env.txt"

  cd "$kit/work/tt"
  local name
  for name in fp16 fp16-graph bf16; do
    step "validate-tt-$name" gac validate "bundle-$name" --provider "$provider"
    mkdir -p "$res/tt-$name" && cp "out-$name"/gac.*report.* "$res/tt-$name/" 2>/dev/null || true
  done
  cd "$kit/work/tl"
  step validate-tl-fp16 gac validate bundle-fp16 --provider "$provider"
  mkdir -p "$res/tl-fp16" && cp out-fp16/gac.*report.* "$res/tl-fp16/" 2>/dev/null || true

  cd "$kit/work/tt"
  for name in fp16 bf16; do
    if [ -f "out-$name/tiny-transformer.gac.onnx" ]; then
      step "bench-kernels-tt-$name" gac bench "out-$name/tiny-transformer.gac.onnx" --spec "$name.yaml" --provider "$provider" \
        --warmup 10 --iterations 100 --kernels
    fi
  done

  if [ -d "$kit/tests/runtime" ]; then
    # GpuPathTests run where CUDA loads and skip elsewhere. (Facts about the packaged library's folder assume the test
    # assembly's folder is the app's, which it is not under this runner.)
    step tests-runtime-cuda dotnet exec --roll-forward Major "$kit/tests/xunit/xunit.console.dll" "$kit/tests/runtime/Gac.Runtime.Tests.dll" \
      -class Gac.Runtime.Tests.Providers.GpuPathTests -nocolor -verbose
  fi

  # One profile per shape, so a time limit loses only the shape it stops: each writes its own staircase file.
  local shapes dims tokens iterations warmup shape
  if [ "$provider" = cpu ]; then
    shapes="256x256 256x64"; tokens=16; dims="8:64:8"; warmup=1; iterations=5
  else
    shapes="4096x14336 4096x4096 14336x4096 4096x1024"; tokens=1024; warmup=10; iterations=100
    dims=$( (seq 64 64 2048; seq 1000 1032) | sort -n | uniq | paste -sd, -)
  fi
  local profile_end=$((SECONDS + profile_timeout))
  for shape in $shapes; do
    local left=$((profile_end - SECONDS))
    if [ "$left" -lt 10 ]; then
      echo "== profile-fp16-$shape: skipped, the profile's $profile_timeout s are spent" | tee -a "$res/steps.txt"
      failures+=("profile-fp16-$shape:skipped")
      continue
    fi
    step "profile-fp16-$shape" timeout "$left" dotnet "$kit/app/gac-build.dll" profile --shape "$shape" --tokens "$tokens" --dims "$dims" \
      --dtype fp16 --dense --provider "$provider" --warmup "$warmup" --iterations "$iterations" --output "$res/profile-fp16-$shape.json" --format json
  done

  if [ -n "$synth" ]; then
    # The whole pipeline on this machine (needs libtorch-cpu-linux-x64 in the NuGet cache, NUGET_PACKAGES): a synthetic
    # transformer of the given shape, ASVD 15% + GAC, fp16, validated with the provider on batch 1 x SEQ.
    local h i heads blocks seq
    IFS=: read -r h i heads blocks seq <<< "$synth"
    mkdir -p "$kit/work/synth" && cd "$kit/work/synth"
    step synth gac synth model.onnx --hidden "$h" --intermediate "$i" --heads "$heads" --blocks "$blocks" --storage external \
      --spectral-decay 0.8 --outlier-channels 4 --seed 2604
    cat > gac.yaml <<YAML
version: 1
model:
  path: model.onnx
calibration:
  samples: 4
  dims: { batch: 1, seq: $seq }
compress:
  method: asvd
  ratio: 0.15
alignment:
  strategy: gac
  profile: nvidia-hopper-fp16
export:
  path: out/model.gac.onnx
  dtype: fp16
validation:
  provider: $provider
  shapes: [{ batch: 1, seq: $seq }]
  warmup: 10
  iterations: 100
  heldout_samples: 2
gate:
  min_aligned_percent: 100
report:
  directory: out
  formats: [json, markdown]
YAML
    step "run-synth-$h-$i-$blocks" gac run gac.yaml --provider "$provider" --progress
    mkdir -p "$res/synth" && cp gac.yaml out/gac.*report.* "$res/synth/" 2>/dev/null || true
  fi

  echo "== failed steps (name:exit): ${failures[*]:-none}" | tee -a "$res/steps.txt"
  if [ "$provider" = cpu ]; then
    # On the CPU the cuda_graph bundle must be refused with GAC4062 and the bf16 one with GAC3071, both exit 2.
    grep -q GAC4062 "$res/validate-tt-fp16-graph.log" && grep -q GAC3071 "$res/validate-tt-bf16.log" \
      || { echo "dry run: expected GAC4062 and GAC3071 refusals" >&2; return 1; }
    [ "${#failures[@]}" = 2 ] || { echo "dry run: unexpected failures" >&2; return 1; }
  fi
  return 0
}

if [ "${1:-}" = --prepare ]; then
  [ $# -ge 2 ] || { echo "usage: $0 --prepare KIT [--dry-run]" >&2; exit 2; }
  repo_prepare "$2" "$([ "${3:-}" = --dry-run ] && echo 1 || echo 0)"
  exit 0
fi

[ $# -ge 2 ] || { echo "usage: $0 KIT RESULTS [--provider cuda|cpu] [--profile-timeout S] [--synth-run H:I:HEADS:BLOCKS:SEQ]" >&2; exit 2; }
kit=$1 res=$2; shift 2
provider=cuda profile_timeout=600 synth=""
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) provider=$2; shift ;;
    --profile-timeout) profile_timeout=$2; shift ;;
    --synth-run) synth=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
device_run "$kit" "$res" "$provider" "$profile_timeout" "$synth"
