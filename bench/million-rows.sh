#!/usr/bin/env bash
# Training cost benchmark: generates synthetic car tables (bench/make_table.py) and times
# `carprice train` on each with /usr/bin/time -v, printing wall time, CPU time (user + system: steadier
# than wall time on a busy machine) and peak memory (maximum resident set size) as a Markdown table. Default: 250,000, 500,000 and 1,000,000 rows of 17
# attributes, then 1,000,000 rows of 9 attributes.
#
# Environment: SIZES (space-separated ROWSxATTRIBUTES, default "250000x17 500000x17 1000000x17
# 1000000x9"), CARPRICE_BIN (a built carprice; default: cargo build --release), CARGO_TARGET_DIR,
# WORK (folder for the generated tables, default a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
sizes=${SIZES:-250000x17 500000x17 1000000x17 1000000x9}
work=${WORK:-$(mktemp -d)}

log() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { log "/usr/bin/time is missing: apt-get install time"; exit 1; }
if [ -z "${CARPRICE_BIN:-}" ]; then
  log "building carprice (release)"
  cargo build -q --release -p carprice
  CARPRICE_BIN="$target/release/carprice"
fi
echo "| rows | attributes | CSV size | wall time | CPU time | peak memory |"
echo "| --- | --- | --- | --- | --- | --- |"
for size in $sizes; do
  rows=${size%x*} attributes=${size#*x}
  table="$work/cars-$rows-$attributes.csv"
  [ -f "$table" ] || { log "generating $table"; python3 bench/make_table.py "$rows" "$attributes" > "$table"; }
  log "training on $rows rows x $attributes attributes"
  /usr/bin/time -v "$CARPRICE_BIN" train --data "$table" --version 1.0.0 \
    --created 2026-11-30T00:00:00Z --out "$work/model-$rows-$attributes.json" 2> "$work/time.txt" \
    || { cat "$work/time.txt" >&2; exit 1; }
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/time.txt")
  peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  megabytes=$(( $(stat -c %s "$table") / 1000000 ))
  printf '| %s | %s | %s MB | %.1f s | %.1f s | %s MB |\n' "$rows" "$attributes" "$megabytes" "$seconds" "$cpu" \
    "$(( peak_kb / 1024 ))"
done
