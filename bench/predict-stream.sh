#!/usr/bin/env bash
# Batch pricing benchmark: `carprice predict --cars IN.csv --out OUT.csv` on a table of ROWS rows
# (default 1,000,000) made by cycling the sample data's rows, timed with /usr/bin/time -v, RUNS
# times (default 5); prints the median and range of the wall time, rows/s (wall and CPU time) and
# peak memory (maximum resident set size), and the load average before the first run and after
# the last (the wall time depends on the machine's other work: 2 cores).
#
# Environment: ROWS, RUNS, CARPRICE_BIN (a built carprice; default: cargo build --release), CARGO_TARGET_DIR,
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
runs=${RUNS:-5}
load_before=$(cut -d' ' -f1 /proc/loadavg)
results="$work/runs.txt"
: > "$results"
for _ in $(seq "$runs"); do
  report="$work/time.txt"
  /usr/bin/time -v "$CARPRICE_BIN" predict --model "$model" --cars "$table" --out "$work/priced.csv" \
    2> "$report" || { cat "$report" >&2; exit 1; }
  # One line a run: wall time, CPU time (s), peak memory (KB).
  awk -F': ' '
    /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
    END { print wall, user + sys, rss }' "$report" >> "$results"
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
# The median and range of each column, in the table's units.
summary() {
  sort -g -k"$1","$1" "$results" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)], v[1], v[NR] }'
}
read -r wall wall_min wall_max < <(summary 1)
read -r cpu cpu_min cpu_max < <(summary 2)
read -r rss rss_min rss_max < <(summary 3)
awk -v rows="$rows" -v size="$(stat -c %s "$table")" -v runs="$runs" -v load="$load_before to $load_after" \
  -v wall="$wall" -v wall_min="$wall_min" -v wall_max="$wall_max" \
  -v cpu="$cpu" -v cpu_min="$cpu_min" -v cpu_max="$cpu_max" \
  -v rss="$rss" -v rss_min="$rss_min" -v rss_max="$rss_max" 'BEGIN {
    printf "| runs | load average | rows | CSV size | wall time | rows/s (wall) | CPU time | rows/s (CPU) | peak memory |\n"
    printf "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    printf "| %d | %s | %d | %.0f MB | %.2f s (%.2f to %.2f) | %.0f (%.0f to %.0f) | %.2f s (%.2f to %.2f) | %.0f (%.0f to %.0f) | %.1f MB (%.1f to %.1f) |\n",
      runs, load, rows, size / 1e6, wall, wall_min, wall_max, rows / wall, rows / wall_max, rows / wall_min,
      cpu, cpu_min, cpu_max, rows / cpu, rows / cpu_max, rows / cpu_min, rss / 1024, rss_min / 1024, rss_max / 1024
  }'
