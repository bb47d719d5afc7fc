#!/usr/bin/env bash
# Builds and tests the staff web app (assumes scripts/setup.sh ran):
#   1. cargo test -p frontend (the pure logic, natively) and node --test frontend/tests/ (the
#      telemetry sender module, static/telemetry.js)
#   2. the carprice CLI (reference prices for the end-to-end tests), static-host (the server of
#      the end-to-end tests, and the scoring API of endpoint mode) and the site (trunk)
#   3. the Playwright end-to-end suite in Chromium (playwright/), served by static-host
#   4. the budgets (scripts/budgets.sh)
# Ends with one summary line. Set CARPRICE_SITE_SERVER to serve the tests with another server,
# e.g. CARPRICE_SITE_SERVER="node playwright/server.mjs --dir {dir} --port {port}" (the tests of
# endpoint mode and of caching headers always use static-host).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
target_dir=${CARGO_TARGET_DIR:-target}
results=()
failed=0
step() {
  local name=$1
  shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if "$@"; then
    results+=("$name: ok")
  else
    results+=("$name: FAILED")
    failed=1
  fi
}

step "frontend unit tests" cargo test -q -p frontend
step "frontend JavaScript unit tests" node --test frontend/tests/
step "build CLI and static-host" cargo build -q -p carprice --bin carprice -p static-host --bin static-host
step "build site" scripts/build-site.sh
if [ -f dist/index.html ] && [ -x "$target_dir/debug/carprice" ] && [ -x "$target_dir/debug/static-host" ]; then
  step "end-to-end tests" env CARPRICE_BIN="$target_dir/debug/carprice" \
    CARPRICE_STATIC_HOST="$target_dir/debug/static-host" \
    playwright test -c playwright/playwright.config.mjs
  step "budgets" scripts/budgets.sh dist
fi

printf '\n'
summary=$(IFS=';'; echo "${results[*]}")
if [ $failed -eq 0 ]; then
  echo "test-frontend: PASS ($summary)"
else
  echo "test-frontend: FAIL ($summary)"
fi
exit $failed
