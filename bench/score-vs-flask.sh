#!/usr/bin/env bash
# Benchmark, side by side in one run: POST /api/score with one car per request, at 64 connections
# (wrk), against static-host (Rust, model-core) and against the old stack (Flask + gunicorn +
# scikit-learn LinearRegression on the same 24 label-encoded inputs). Everything on 127.0.0.1.
# Prints requests/s, p99 latency and peak memory (summed VmHWM of each server's processes), and
# the ratios.
#
# Environment: CARPRICE_DATA (folder of car-prices.csv, default ../shared/data from the repo root),
# DURATION (per measured run, default 20s), CONNECTIONS (default 64), THREADS (wrk, default 2),
# GUNICORN_WORKERS (default 2 x cores + 1, gunicorn's own advice), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

data_dir=${CARPRICE_DATA:-../shared/data}
data="$data_dir/car-prices.csv"
duration=${DURATION:-20s}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
workers=${GUNICORN_WORKERS:-$(( 2 * $(nproc) + 1 ))}
venv=bench/.venv
results=bench/results
target=${CARGO_TARGET_DIR:-$root/target}

log() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ -f "$data" ] || die "no $data: set CARPRICE_DATA to the folder holding car-prices.csv"
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
mkdir -p "$results"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() { # url
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1" -H 'content-type: application/json' -d "$body" && return 0
    sleep 0.1
  done
  die "server at $1 did not come up"
}

# Sum of peak resident memory (VmHWM, kB) of a process and its children.
peak_kb() { # pid
  local pids total=0 kb
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
  for p in $pids; do
    kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$(( total + ${kb:-0} ))
  done
  echo "$total"
}

# Runs wrk and prints "requests_per_second p99_ms"; fails on any non-2xx answer or socket error.
measure() { # name url
  local out="$results/$1.wrk.txt"
  wrk -t"$threads" -c"$connections" -d2s -s "$results/post-one-car.lua" "$2" >/dev/null # warm-up
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$results/post-one-car.lua" "$2" >"$out"
  if grep -qE 'Non-2xx|Socket errors' "$out"; then
    cat "$out" >&2
    die "$1 answered errors during the run"
  fi
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.2f\n", rps, p99 }' "$out"
}

# One car: the first row of the data set, in the published column order, as the old contract wants.
body=$(python3 - "$data" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    row = next(csv.DictReader(f))
row.pop("price")
def value(text):
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text
print(json.dumps({"data": [[value(v) for v in row.values()]]}))
PY
)
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[%s]==]\n' "$body" >"$results/post-one-car.lua"

log "building static-host (release)"
cargo build -q --release -p static-host
log "preparing the Flask stack in $venv (PyPI)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r bench/requirements.txt
"$venv/bin/python" bench/flask_model.py "$data" "$results/flask-model.pkl" >&2

servers=()
cleanup() { for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

rust_port=$(free_port)
"$target/release/static-host" --model assets/model.json --port "$rust_port" >"$results/static-host.log" 2>&1 &
rust_pid=$!
servers+=("$rust_pid")
wait_ready "http://127.0.0.1:$rust_port/api/score"
log "static-host: $(curl -s "http://127.0.0.1:$rust_port/api/score" -H 'content-type: application/json' -d "$body")"
log "measuring static-host for $duration at $connections connections"
read -r rust_rps rust_p99 < <(measure static-host "http://127.0.0.1:$rust_port/api/score")
rust_kb=$(peak_kb "$rust_pid")
kill "$rust_pid"

flask_port=$(free_port)
FLASK_MODEL="$root/$results/flask-model.pkl" "$venv/bin/gunicorn" --chdir bench --workers "$workers" \
  --bind "127.0.0.1:$flask_port" --log-level warning flask_app:app >"$results/gunicorn.log" 2>&1 &
flask_pid=$!
servers+=("$flask_pid")
wait_ready "http://127.0.0.1:$flask_port/api/score"
log "flask: $(curl -s "http://127.0.0.1:$flask_port/api/score" -H 'content-type: application/json' -d "$body")"
log "measuring Flask + gunicorn ($workers workers) for $duration at $connections connections"
read -r flask_rps flask_p99 < <(measure flask "http://127.0.0.1:$flask_port/api/score")
flask_kb=$(peak_kb "$flask_pid")

python3 - "$rust_rps" "$rust_p99" "$rust_kb" "$flask_rps" "$flask_p99" "$flask_kb" "$workers" <<'PY' | tee "$results/summary.md"
import sys
rr, rp, rk, fr, fp, fk, w = sys.argv[1:]
rr, rp, rk, fr, fp, fk = float(rr), float(rp), float(rk), float(fr), float(fp), float(fk)
print("| server | requests/s | p99 latency | peak memory (RSS) |")
print("|---|---:|---:|---:|")
print(f"| static-host (Rust, model-core) | {rr:,.0f} | {rp:.2f} ms | {rk / 1024:.1f} MiB |")
print(f"| Flask + gunicorn ({w} workers) + scikit-learn | {fr:,.0f} | {fp:.2f} ms | {fk / 1024:.1f} MiB |")
print(f"| ratio | {rr / fr:.1f}x the requests/s | {fp / rp:.1f}x lower p99 | {fk / rk:.1f}x less memory |")
goal_rps, goal_mem = rr / fr >= 10, fk / rk >= 5
print()
print(f"Goals: >= 10x requests/s {'met' if goal_rps else 'NOT met'}; >= 5x less memory {'met' if goal_mem else 'NOT met'}.")
PY
