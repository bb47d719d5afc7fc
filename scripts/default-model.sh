#!/usr/bin/env bash
# Trains the default model shipped in assets/model.json: the seed split's 135 training rows, with a
# fixed version and creation time so the output is byte-for-byte reproducible. A test runs this and
# compares with the committed file. Usage: scripts/default-model.sh [OUT] (default assets/model.json)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${CARPRICE_DATA:-../shared/data}
[ -d "$data" ] && data="$data/car-prices.csv"
cargo run -q --release -p carprice -- train \
  --data "$data" \
  --test-rows "$(dirname "$data")/seed-split-test-rows.txt" \
  --version 1.0.0 \
  --created 2026-11-27T00:00:00Z \
  --out "${1:-assets/model.json}"
