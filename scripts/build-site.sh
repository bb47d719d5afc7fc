#!/usr/bin/env bash
# Builds the staff web app into a site folder ready to serve: `trunk build --release`, then
# `carprice stage` puts the bundled model (assets/model.json) into it with its release.json, then
# scripts/precompress.mjs writes a brotli copy of each text file for static-host to send.
# The release pipeline stages its candidate model the same way (.github/workflows/deploy.yml).
# Usage: scripts/build-site.sh [DIST]   (default dist/; CARPRICE_COMMIT names the commit,
#        default GITHUB_SHA or the checkout's HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
commit=${CARPRICE_COMMIT:-${GITHUB_SHA:-$(git rev-parse HEAD 2>/dev/null || true)}}
export PATH="$PWD/node_modules/.bin:$PATH"
cargo fetch --locked -q
trunk build --release --dist "$dist"
cargo run --locked -q -p carprice -- stage --model assets --site "$dist" --commit "$commit"
node scripts/precompress.mjs "$dist"
