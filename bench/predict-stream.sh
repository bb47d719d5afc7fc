#!/usr/bin/env bash
# Batch pricing benchmark: `carprice predict --cars IN.csv --out OUT.csv` on a table of ROWS rows
# (default 1,000,000) made by cycling the sample data's rows, timed with /usr/bin/time -v; prints
# rows/s (wall and CPU time) and peak memory (maximum resident set size).
#
# Environment: ROWS, CARPRICE_BIN (a built carprice; default: cargo build --release), CARGO_TARGET_DIR,
# CARPRICE_DATA (folder of car-prices.csv, default data/), MODEL (default assets/model.json),
# WORK (folder for the generated table and output, default a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
rows=${ROWS:-1000000}
data=${CARPRICE_DATA:-$root/data}/car-prices.csv
model=${MODEL:-$root/assets/model.json}
work=${WORK:-$(mktemp -d)}

log() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { log "/usr/bin/time is missing: apt-get install time"; exit 1; }
[ -f "$data" ] || { log "no sample data at $data: set CARPRICE_DATA"; exit 1; }
if [ -z "${CARPRICE_BIN:-}" ]; then
  log "building carprice (release)"
  cargo build -q --release -p carprice
  CARPRICE_BIN="$target/release/carprice"
fi
table="$work/cars-$rows.csv"
if [ ! -f "$table" ]; then
  log "generating $table ($rows rows cycling $data)"
  awk -v rows="$rows" 'NR == 1 { print; next } { line[n++] = $0 }
    END { for (i = 0; i < rows; i++) print line[i % n] }' "$data" > "$table"
fi
report="$work/time.txt"
/usr/bin/time -v "$CARPRICE_BIN" predict --model "$model" --cars "$table" --out "$work/priced.csv" \
  2> "$report" || { cat "$report" >&2; exit 1; }
awk -v rows="$rows" -v size="$(stat -c %s "$table")" -F': ' '
  /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
  /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
  END {
    printf "| rows | CSV size | wall time | rows/s (wall) | CPU time | rows/s (CPU) | peak memory |\n"
    printf "| --- | --- | --- | --- | --- | --- | --- |\n"
    printf "| %d | %.0f MB | %.2f s | %.0f | %.2f s | %.0f | %.1f MB |\n", rows, size / 1e6, wall, rows / wall,
      user + sys, rows / (user + sys), rss / 1024
  }' "$report"
