#!/usr/bin/env bash
# Runs carprice: builds the staff web app and serves it with static-host (site + scoring API) on
# http://127.0.0.1:8080 (PORT to change). Installs missing tools first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
cargo build --locked -q --release -p static-host
scripts/build-site.sh
port=${PORT:-8080}
echo "carprice staff app: http://127.0.0.1:$port/  (scoring API: http://127.0.0.1:$port/api/score)"
exec "${CARGO_TARGET_DIR:-target}/release/static-host" --dir dist --port "$port"
