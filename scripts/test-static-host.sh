#!/usr/bin/env bash
# Runs static-host's tests: unit tests, the API contract, the site rules, robustness (property
# tests, model replacement under load), the Azure Functions package, and conformance against the
# Azure Static Web Apps emulator. Assumes scripts/setup.sh ran (node_modules/.bin/swa).
#
#   STATIC_HOST_SITE=dist scripts/test-static-host.sh   # conformance on the real built site
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/swa ] && [ -z "${SWA_BIN:-}" ]; then
  echo "test-static-host: node_modules/.bin/swa is missing; run scripts/setup.sh first" >&2
  exit 1
fi

passed=0
failed=0
failures=()
run() { # name, command...
  local name=$1
  shift
  printf '\033[1m== %s\033[0m\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

run "format" cargo fmt -p static-host --check
run "clippy" cargo clippy -q -p static-host --no-deps --all-targets -- -D warnings
run "unit tests" cargo test -q -p static-host --lib
run "API contract" cargo test -q -p static-host --test api
run "site rules" cargo test -q -p static-host --test site
run "Functions package" cargo test -q -p static-host --test functions
run "robustness" cargo test -q -p static-host --test robustness
run "telemetry" cargo test -q -p static-host --test telemetry
run "conformance with the emulator (site: ${STATIC_HOST_SITE:-fixture})" \
  cargo test -q -p static-host --test conformance -- --nocapture

echo
for name in "${failures[@]}"; do echo "failed: $name"; done
echo "static-host: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
