#!/usr/bin/env bash
# Rehearses the deploy workflow (.github/workflows/deploy.yml) on this machine: Azurite stands in
# for Blob storage and a folder served by static-host for Azure Static Web Apps. Each deploy runs
# the same commands as the workflow: status → fetch → gate → stage (into the trunk-built site) →
# deploy (swap the folder) → smoke check → promote.
#
# Scenarios, in order:
#   1. first model published → gated against the floor → served
#   2. better model published → passes the gate → served
#   3. worse model published → the gate refuses it; the previous model is still served
#   4. corrupted model published → fetch refuses it; the previous model is still served
#   5. rollback → the version before is served again
#   6. code change, no new model → redeployed with the same model
#   7. a rollback while a deploy runs → the deploy's promote refuses to undo it; the next deploy
#      ships the rolled-back-to version
#   8. a rollout (docs/release.md): a worse challenger is refused by the gate → a challenger is
#      published and rolled out in the shadow → canary 50% → halted (and withdrawn) → a second
#      challenger rolled out and promoted; the production record, `carprice status` and the
#      site's release.json + challenger.json are checked at every step. In the browser
#      (scripts/rehearsal-browser.mjs, devices that keep their storage between steps): staff
#      price cars in the shadow and their quotes reach telemetry (static-host stores them in
#      Azurite, as the Functions app does in production) once each; `carprice monitor` reports on
#      them (the report is printed here) and `carprice rollout --check` finds too few quotes to
#      judge; at canary 50% two devices in different buckets see the challenger's and the
#      champion's price, each stable on reload; after the halt the canary device prices with the
#      champion again; after the promotion both devices price with the new champion.
# Each served version is checked over HTTP (release.json + model.json hash) and in Chromium.
# Assumes scripts/setup.sh ran. Prints "rehearsal: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${CARPRICE_DATA:-$ROOT/../shared/data/car-prices.csv}
DATA=${DATA%/}; [ -d "$DATA" ] && DATA=$DATA/car-prices.csv
SEED_ROWS=$(dirname "$DATA")/seed-split-test-rows.txt

WORK=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n\033[1mrehearsal: %s\033[0m (at %d s)\n' "$*" "$SECONDS"; }
passed=0 failed=0
pass() { passed=$((passed + 1)); printf 'rehearsal: ok: %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'rehearsal: FAILED: %s\n' "$*"; }
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "rehearsal: no Chromium at $CHROMIUM: run scripts/setup.sh, or set CHROMIUM" >&2; exit 1; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# wait_port PORT LOG: waits up to 60 s for a server to listen; shows its log if it does not.
wait_port() {
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "rehearsal: nothing listens on port $1; its log:" >&2
  cat "$2" >&2
  return 1
}

say "building carprice, static-host and the site"
cargo build --locked -q -p carprice -p static-host
# Copied out at once: a target directory shared with other checkouts may be rebuilt meanwhile.
BIN=$WORK/bin
mkdir -p "$BIN" && cp "$CARGO_TARGET_DIR/debug/carprice" "$CARGO_TARGET_DIR/debug/static-host" "$BIN/"
carprice() { "$BIN/carprice" "$@"; }
# build_site COMMIT: the site, as the workflow builds it (REHEARSAL_DIST=DIR: copy a built site instead).
build_site() {
  rm -rf "$WORK/dist"
  if [ -n "${REHEARSAL_DIST:-}" ]; then cp -a "$REHEARSAL_DIST" "$WORK/dist"; return; fi
  CARPRICE_COMMIT=$1 "$ROOT/scripts/build-site.sh" "$WORK/dist" >"$WORK/trunk.log" 2>&1 ||
    { cat "$WORK/trunk.log"; return 1; }
}
COMMIT=rehearsal-commit-1
build_site "$COMMIT"

say "starting Azurite and the stand-in for Static Web Apps"
AZURITE_PORT=$(free_port)
"$ROOT/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" \
  --location "$WORK/azurite" --skipApiVersionCheck --loose --silent >"$WORK/azurite.log" 2>&1 &
pids+=($!)
wait_port "$AZURITE_PORT" "$WORK/azurite.log"
export CARPRICE_CONTAINER_URL="http://127.0.0.1:$AZURITE_PORT/devstoreaccount1/models"
CARPRICE_SAS=$(node scripts/azurite-dev.mjs sas)
export CARPRICE_SAS
unset CARPRICE_AUTH
node scripts/azurite-dev.mjs create "$CARPRICE_CONTAINER_URL"
# Telemetry goes to a container of its own, as in production (docs/release.md, "Where it is stored").
TELEMETRY_URL="http://127.0.0.1:$AZURITE_PORT/devstoreaccount1/telemetry"
export CARPRICE_TELEMETRY_SAS=$CARPRICE_SAS
node scripts/azurite-dev.mjs create "$TELEMETRY_URL"

# The deployed site starts as the plain build (the packaged model), like a site before the pipeline.
SITE=$WORK/swa
cp -a "$WORK/dist" "$SITE"
SITE_PORT=$(free_port)
"$BIN/static-host" --dir "$SITE" --port "$SITE_PORT" --telemetry-container-url "$TELEMETRY_URL" >"$WORK/static-host.log" 2>&1 &
pids+=($!)
wait_port "$SITE_PORT" "$WORK/static-host.log"
SITE_URL="http://127.0.0.1:$SITE_PORT/"

# The test data: the 58 held-out rows of the sample data.
awk 'NR==FNR { keep[$1 + 2] = 1; next } FNR == 1 || keep[FNR]' "$SEED_ROWS" "$DATA" >"$WORK/test-data.csv"

# model VERSION SHIFT: the packaged model under another version, with every price scaled by e^SHIFT.
model() {
  node -e 'const fs=require("fs");const m=JSON.parse(fs.readFileSync(process.argv[1]));m.version=process.argv[2];m.intercept+=Number(process.argv[3]);process.stdout.write(JSON.stringify(m,null,2)+"\n")' \
    "$ROOT/assets/model.json" "$1" "$2" >"$WORK/model-$1.json"
}
publish() { model "$1" "$2" && carprice publish --model "$WORK/model-$1.json" --test-data "$WORK/test-data.csv"; }

# deploy TRIGGER: one run of deploy.yml. TRIGGER is `model` (model-published or scheduled poll),
# `code` (push to main), `manual` (workflow_dispatch) or `promote` (workflow_dispatch with
# rollout = promote: the challenger ships as the live model).
deploy() {
  local trigger=$1 latest='' live='' record='' challenger='' mode='' percent='' candidate rollout='' key value
  while IFS='=' read -r key value; do
    case $key in
      latest) latest=$value ;; live) live=$value ;; record) record=$value ;;
      challenger) challenger=$value ;; mode) mode=$value ;; percent) percent=$value ;;
    esac
  done < <(carprice status)
  if [ "$trigger" = promote ]; then
    [ -n "$challenger" ] || { echo "rehearsal: no rollout in progress, nothing to promote" >&2; return 1; }
    candidate=$challenger
  elif [ "$trigger" = model ] && [ -z "$challenger" ]; then
    candidate=$latest
  else
    candidate=${live:-$latest}
  fi
  if [ "$trigger" != promote ] && [ -n "$challenger" ]; then rollout=$challenger/$mode/$percent; fi
  rm -rf "$WORK/release" "$WORK/staging"
  if [ -n "$live" ]; then carprice fetch --version live --out "$WORK/release/production" || return 1; fi
  carprice fetch --version "$candidate" --out "$WORK/release/candidate" || return 1
  if [ -n "$rollout" ]; then carprice fetch --version challenger --out "$WORK/release/challenger" || return 1; fi
  if [ -n "$live" ] && [ "$candidate" != "$live" ]; then
    carprice gate --candidate "$WORK/release/candidate" --production "$WORK/release/production" || return 1
  elif [ -z "$live" ]; then
    carprice gate --candidate "$WORK/release/candidate" || return 1
  fi
  cp -a "$WORK/dist" "$WORK/staging"
  if [ -n "$rollout" ]; then
    carprice stage --model "$WORK/release/candidate" --challenger "$WORK/release/challenger" --site "$WORK/staging" --commit "$COMMIT" || return 1
  else
    carprice stage --model "$WORK/release/candidate" --site "$WORK/staging" --commit "$COMMIT" || return 1
  fi
  # "Static Web Apps": the new site replaces the served folder.
  mv "$SITE" "$WORK/retired" && mv "$WORK/staging" "$SITE" && rm -rf "$WORK/retired"
  node scripts/smoke-check.mjs "$SITE_URL" "$candidate" 30 "$rollout" || return 1
  # BEFORE_PROMOTE: a command run here, as if by someone else while the deploy runs.
  if [ -n "${BEFORE_PROMOTE:-}" ]; then eval "$BEFORE_PROMOTE"; fi
  carprice promote --version "$candidate" --commit "$COMMIT" --expect-record "$record"
}

# serves VERSION: the site serves that model, over HTTP and in the browser.
serves() {
  node scripts/smoke-check.mjs "$SITE_URL" "$1" 5 || return 1
  node scripts/rehearsal-browser.mjs serves "$SITE_URL" "$1"
}

# The browser steps (scripts/rehearsal-browser.mjs): devices kept in $WORK/devices, expected
# prices from this carprice.
export REHEARSAL_DEVICES=$WORK/devices CARPRICE_BIN=$BIN/carprice
# browser_run STEP ARGS…: a browser step; its output ends with "rehearsal-browser: exit STATUS".
browser_run() {
  local status=0
  node scripts/rehearsal-browser.mjs "$@" 2>&1 || status=$?
  echo "rehearsal-browser: exit $status"
}
# tally STEP: counts each check in a browser step's output (on stdin) as passed or failed here.
tally() {
  local line checks=0 failed_checks=0 exited=
  while IFS= read -r line; do
    case $line in
      "rehearsal-browser: ok: "*) pass "${line#rehearsal-browser: ok: }"; checks=$((checks + 1)) ;;
      "rehearsal-browser: FAILED: "*) fail "${line#rehearsal-browser: FAILED: }"; checks=$((checks + 1)); failed_checks=1 ;;
      "rehearsal-browser: exit "*) exited=${line#rehearsal-browser: exit } ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
  # A step that stopped without saying which check failed (or ran none) fails as a whole.
  if [ "$exited" != 0 ] && [ "$failed_checks" = 0 ] || [ "$checks" = 0 ]; then
    fail "browser step $1: exit ${exited:-unknown} after $checks checks"
  fi
}
# browser STEP ARGS…: runs a browser step and counts its checks.
browser() { tally "$1" < <(browser_run "$@"); }

# expect WHAT DEPLOY_OUTCOME SERVED_VERSION: runs a model deploy and checks the outcome.
expect_deploy() {
  local what=$1 trigger=$2 outcome=$3 version=$4 status=0
  deploy "$trigger" || status=$?
  if [ "$outcome" = passes ] && [ $status -ne 0 ]; then fail "$what: the deploy failed"; return; fi
  if [ "$outcome" = refused ] && [ $status -eq 0 ]; then fail "$what: the deploy went through"; return; fi
  if serves "$version"; then pass "$what: the site serves $version"; else fail "$what: the site does not serve $version"; fi
}

say "1. first model: gated against the floor"
publish 1.0.0 -0.05
expect_deploy "first model" model passes 1.0.0

say "2. a better model"
publish 1.1.0 0
expect_deploy "better model" model passes 1.1.0

say "3. a worse model"
publish 1.2.0 0.3
expect_deploy "worse model refused" model refused 1.1.0

say "4. a corrupted model"
publish 1.3.0 0
node scripts/azurite-dev.mjs corrupt "$CARPRICE_CONTAINER_URL/car-price/1.3.0/model.json"
expect_deploy "corrupted model refused" model refused 1.1.0

say "5. rollback"
carprice rollback --from 1.1.0 --commit "$COMMIT"
expect_deploy "rollback" manual passes 1.0.0

say "6. a code change with no new model"
COMMIT=rehearsal-commit-2
build_site "$COMMIT"
expect_deploy "code change" code passes 1.0.0
if curl -fsS "${SITE_URL}release.json" | grep -q "\"commit\": \"$COMMIT\""; then
  pass "code change: release.json names the new commit"
else
  fail "code change: release.json does not name $COMMIT"
fi

say "7. a rollback while a deploy runs"
publish 1.4.0 0
BEFORE_PROMOTE='carprice rollback --from 1.0.0 --to 0.9.0 --commit "$COMMIT"'
publish 0.9.0 0
expect_deploy "promote after a rollback refused" model refused 1.4.0
BEFORE_PROMOTE=
if carprice status | grep -qx 'live=0.9.0'; then
  pass "promote after a rollback: the record still says 0.9.0"
else
  fail "promote after a rollback: the record no longer says 0.9.0"
fi
expect_deploy "the next deploy ships the rollback" manual passes 0.9.0

say "8. a rollout: shadow, canary, halt, promote"
# record_is WHAT JS: the production record `r` (as stored) satisfies the JavaScript expression.
record_is() {
  if node scripts/azurite-dev.mjs read "$CARPRICE_CONTAINER_URL/car-price/production.json" |
    node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));process.exit(eval(process.argv[1])?0:1)' "$2"; then
    pass "$1: the production record is right"
  else
    fail "$1: the production record is not: $(node scripts/azurite-dev.mjs read "$CARPRICE_CONTAINER_URL/car-price/production.json" | tr -d '\n ')"
  fi
}
# status_is WHAT LINES: `carprice status` prints these lines (besides latest= and record=).
status_is() {
  local got
  got=$(carprice status | grep -v '^latest=\|^record=' | tr '\n' ' ')
  if [ "$got" = "$2 " ]; then pass "$1: carprice status says $2"; else fail "$1: carprice status says $got, expected $2"; fi
}
# site_rollout WHAT ROLLOUT: the served release.json names the challenger VERSION/MODE/PERCENT
# (or none) and challenger.json has its hash (or is gone).
site_rollout() {
  if node scripts/smoke-check.mjs "$SITE_URL" 0.9.0 5 "$2" >/dev/null; then
    pass "$1: the site serves 0.9.0 with challenger $2"
  else
    fail "$1: the site does not serve 0.9.0 with challenger $2"
  fi
  if [ "$2" = none ]; then
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "${SITE_URL}challenger.json")" = 404 ]; then
      pass "$1: challenger.json is gone"
    else
      fail "$1: challenger.json is still served"
    fi
  fi
}
LIVE_ONLY='r.live === "0.9.0" && r.challenger === undefined'

publish 1.5.0 0.01
if carprice rollout --version 1.2.0 --mode shadow; then
  fail "a worse challenger: rolled out"
else
  pass "a worse challenger: the gate refuses its rollout"
fi
record_is "a worse challenger" "$LIVE_ONLY"
if carprice rollout --version 0.9.0 --mode shadow; then fail "the live version rolled out against itself"; else pass "the live version is no challenger"; fi

carprice rollout --version 1.5.0 --mode shadow --commit "$COMMIT"
record_is "shadow" 'r.live === "0.9.0" && r.challenger.version === "1.5.0" && r.challenger.mode === "shadow" && r.challenger.percent === 0 && r.history.at(-1).action === "rollout"'
status_is "shadow" "live=0.9.0 challenger=1.5.0 mode=shadow percent=0"
# A newly published model waits while the rollout runs: a model deploy ships the live one with it.
expect_deploy "shadow deploy" model passes 0.9.0
site_rollout "shadow" 1.5.0/shadow/0
browser shadow "$SITE_URL" "$WORK/model-0.9.0.json" "$WORK/model-1.5.0.json" "$TELEMETRY_URL" "$WORK/shadow-quotes.json"
say "8. the monitor report of the shadow's quotes"
# The champion and challenger are fetched from the registry (the versions of the latest quote).
if carprice monitor --telemetry "$TELEMETRY_URL"; then
  pass "monitor: the report is printed"
else
  fail "monitor: no report"
fi
# monitor_is WHAT JS: the report `m` (`carprice monitor --json`) satisfies the JavaScript
# expression, given the quotes `q` the browser step found stored.
monitor_is() {
  if carprice monitor --telemetry "$TELEMETRY_URL" --json |
    node -e 'const fs=require("fs");const m=JSON.parse(fs.readFileSync(0,"utf8"));const q=JSON.parse(fs.readFileSync(process.argv[2],"utf8"));process.exit(eval(process.argv[1])?0:1)' \
      "$2" "$WORK/shadow-quotes.json"; then
    pass "monitor: $1"
  else
    fail "monitor: not $1: $(carprice monitor --telemetry "$TELEMETRY_URL" --json | tr -d '\n ' | cut -c1-400)"
  fi
}
monitor_is "the stored quotes per model and mode, marked not meaningful" \
  'm.champion === "0.9.0" && m.challenger === "1.5.0" && m.quotes === q.length && m.shadow_quotes === q.length && m.canary_quotes === 0 && m.shown_champion === q.length && m.shown_challenger === 0 && m.other_models === 0 && !m.meaningful'
# 1.5.0 prices every car e^0.01 times 0.9.0's price (see `model`).
monitor_is "price ratio e^0.01 on every quote, none beyond ±10%" \
  '[m.ratio.median, m.ratio.p10, m.ratio.p90].every((r) => Math.abs(r - Math.exp(0.01)) < 1e-9) && m.ratio.beyond_10_percent === 0'
monitor_is "the extrapolation share of the stored quotes" \
  'm.extrapolated_share === q.filter((x) => x.extrapolated.length > 0).length / q.length'
monitor_is "drift: every attribute counted on every quote" \
  'm.drift.length === Object.keys(q[0].car).length && m.drift.every((d) => d.values === q.length && d.unreadable === 0 && Number.isFinite(d.psi) && !d.meaningful)'
# Too few quotes to judge: the deploy workflow keeps the rollout as it is.
check_status=0
carprice rollout --check --config infra/rollout-check.toml --telemetry "$TELEMETRY_URL" >"$WORK/check.log" 2>&1 || check_status=$?
if [ "$check_status" = 3 ]; then
  pass "rollout --check: too few quotes to judge (exit 3)"
else
  fail "rollout --check: exit $check_status, expected 3 (too few quotes); $(cat "$WORK/check.log")"
fi

say "8. canary 50%"
carprice rollout --version 1.5.0 --mode canary --percent 50 --commit "$COMMIT"
record_is "canary 50%" 'r.live === "0.9.0" && r.challenger.version === "1.5.0" && r.challenger.mode === "canary" && r.challenger.percent === 50 && r.history.filter((e) => e.action === "rollout").length === 2'
status_is "canary 50%" "live=0.9.0 challenger=1.5.0 mode=canary percent=50"
# The same rollout again (an answer lost) changes nothing.
carprice rollout --version 1.5.0 --mode canary --percent 50 --commit "$COMMIT" | grep -q "already said so" &&
  pass "canary 50% again: recognised" || fail "canary 50% again: not recognised"
if carprice promote --version 1.4.0 --commit "$COMMIT"; then
  fail "another version was promoted during the rollout"
else
  pass "canary 50%: another version is not promoted during the rollout"
fi
expect_deploy "canary deploy" manual passes 0.9.0
site_rollout "canary 50%" 1.5.0/canary/50
browser canary "$SITE_URL" "$WORK/model-0.9.0.json" "$WORK/model-1.5.0.json" 50 "$TELEMETRY_URL"

say "8. halt"
# A showroom page open during the canary stays open across the halt and its deploy: the browser
# step waits on a pipe until the halted release is served.
mkfifo "$WORK/halt.in"
node scripts/rehearsal-browser.mjs halt "$SITE_URL" "$WORK/model-0.9.0.json" "$WORK/model-1.5.0.json" \
  <"$WORK/halt.in" >"$WORK/halt.out" 2>&1 &
halt_browser=$!
pids+=("$halt_browser")
exec 4>"$WORK/halt.in"
for _ in $(seq 600); do
  grep -q '^rehearsal-browser: waiting' "$WORK/halt.out" && break
  kill -0 "$halt_browser" 2>/dev/null || break
  sleep 0.1
done
carprice rollout --halt --commit "$COMMIT"
record_is "halt" 'r.live === "0.9.0" && r.challenger === undefined && r.history.at(-1).action === "halt" && r.withdrawn.includes("1.5.0")'
status_is "halt" "live=0.9.0 challenger= mode= percent="
expect_deploy "halt deploy" manual passes 0.9.0
site_rollout "halt" none
(echo deployed >&4) 2>/dev/null || true # the step may have stopped at a failed check
exec 4>&-
halt_status=0
wait "$halt_browser" || halt_status=$?
echo "rehearsal-browser: exit $halt_status" >>"$WORK/halt.out"
tally halt <"$WORK/halt.out"
carprice rollout --halt | grep -q "nothing to halt" && pass "halt again: nothing to halt" || fail "halt again"
if carprice rollout --version 1.5.0 --mode shadow; then fail "a halted challenger rolled out again"; else pass "a halted challenger is withdrawn"; fi

say "8. a second challenger, promoted"
publish 1.6.0 0.005
carprice rollout --version 1.6.0 --mode canary --percent 10 --commit "$COMMIT"
record_is "second challenger" 'r.challenger.version === "1.6.0" && r.challenger.percent === 10'
expect_deploy "second challenger deploy" manual passes 0.9.0
site_rollout "second challenger" 1.6.0/canary/10
expect_deploy "promote the challenger" promote passes 1.6.0
record_is "promote" 'r.live === "1.6.0" && r.challenger === undefined && r.history.at(-1).action === "promote" && r.history.at(-1).version === "1.6.0"'
status_is "promote" "live=1.6.0 challenger= mode= percent="
if node scripts/smoke-check.mjs "$SITE_URL" 1.6.0 5 none >/dev/null; then
  pass "promote: the site serves 1.6.0 alone"
else
  fail "promote: the site does not serve 1.6.0 alone"
fi
browser alone "$SITE_URL" "$WORK/model-1.6.0.json" in-canary outside
# The champion it replaced is what a rollback goes back to.
carprice rollback --from 1.6.0 --commit "$COMMIT" | grep -q "to 0.9.0" &&
  pass "promote: a rollback goes back to the former champion" || fail "promote: a rollback does not go back to 0.9.0"

echo
echo "rehearsal: $passed passed, $failed failed (${SECONDS} s)"
[ "$failed" -eq 0 ]
