#!/usr/bin/env bash
# A stand-in for gac-build that follows its command-line contract without running the pipeline, so the
# MSBuild task and targets are tested on their own. Its behaviour is scripted by directive lines in the spec:
#   # fake input <path>           listed in `check --format json` inputs (relative to the spec)
#   # fake output <path>          the artifact `run` writes when accepted (unless --output overrides it)
#   # fake check|run|sweep exit <code>  exit code of that command (default 0)
#   # fake check|run|sweep say <line>   printed on stderr by that command (e.g. a canonical diagnostic)
#   # fake run sleep <seconds>    sleeps before finishing (cancellation tests)
# Every invocation appends "<command> <spec> <args...>" to fake-gac-build.log beside the spec.
set -euo pipefail

command="${1:-}"
if [ "$command" = "--version" ]; then echo "0.0.0-fake"; exit 0; fi
spec="${2:?usage: fake-gac-build.sh check|run <spec> [options]}"
shift 2
spec_dir="$(cd "$(dirname "$spec")" && pwd)"
echo "$command $spec $*" >> "$spec_dir/fake-gac-build.log"

output=""; report_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --report-dir) report_dir="$2"; shift 2 ;;
    *) shift ;;
  esac
done

directive() { grep -E "^# fake $1 " "$spec" | sed -E "s/^# fake $1 //" || true; }
resolve() { case "$1" in /*) echo "$1" ;; *) echo "$spec_dir/$1" ;; esac; }
[ -n "$output" ] || { declared="$(directive output | head -n 1)"; [ -z "$declared" ] || output="$(resolve "$declared")"; }

directive "$command say" | while IFS= read -r line; do echo "$line" >&2; done
sleep_for="$(directive "$command sleep" | head -n 1)"; [ -z "$sleep_for" ] || sleep "$sleep_for"
code="$(directive "$command exit" | head -n 1)"; code="${code:-0}"

case "$command" in
  check)
    inputs=""
    while IFS= read -r input; do
      [ -z "$input" ] || inputs="$inputs${inputs:+, }\"$(resolve "$input")\""
    done < <(directive input)
    outputs=""; [ -z "$output" ] || outputs="\"$output\""
    [ "$code" != 0 ] || printf '{\n  "toolVersion": "0.0.0-fake",\n  "inputs": [%s],\n  "outputs": [%s]\n}\n' "$inputs" "$outputs"
    ;;
  run)
    echo "gac-build (fake): compressing $spec"
    if [ "$code" = 0 ]; then
      if [ -n "$output" ]; then mkdir -p "$(dirname "$output")"; sha256sum "$spec" > "$output"; fi
      if [ -n "$report_dir" ]; then mkdir -p "$report_dir"; echo "# accepted" > "$report_dir/gac.report.md"; fi
    elif [ -n "$report_dir" ]; then
      mkdir -p "$report_dir"; echo "# rejected" > "$report_dir/gac.report.md"
    fi
    ;;
  sweep)
    echo "gac-build (fake): sweeping $spec"
    ;;
  *) echo "gac-build: error GAC9001: '$command' is not a fake gac-build command." >&2; exit 2 ;;
esac
exit "$code"
