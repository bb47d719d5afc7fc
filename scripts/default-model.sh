#!/usr/bin/env bash
# Trains the default model shipped in assets/model.json: the seed split's 135 training rows, with a
# fixed version and creation time so the output is byte-for-byte reproducible. A test runs this and
# compares with the committed file. Usage: scripts/default-model.sh [OUT] (default assets/model.json)
# CARPRICE_BIN names an already built carprice binary to use instead of `cargo run`.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${CARPRICE_DATA:-../shared/data}
[ -d "$data" ] && data="$data/car-prices.csv"
carprice=(cargo run -q --release -p carprice --)
[ -n "${CARPRICE_BIN:-}" ] && carprice=("$CARPRICE_BIN")
"${carprice[@]}" train \
  --data "$data" \
  --test-rows "$(dirname "$data")/seed-split-test-rows.txt" \
  --schema assets/car-prices.schema.toml \
  --version 1.0.0 \
  --created 2026-11-27T00:00:00Z \
  --out "${1:-assets/model.json}"
