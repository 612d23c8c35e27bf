#!/usr/bin/env bash
# run.sh — the console and the API docs in a real headless Chromium
# (Debian's chromium, driven by playwright-core from console/node_modules)
# against the integration world, with a program manager and a worker on
# the world's manager socket (CTest holds the resource lock "manager").
# The steps and checks are in console.test.mjs. Screenshots go to
# $SELFHOST_SCREENSHOTS (default: BUILD/browser-screenshots; docs/console/
# holds the ones docs/console.md shows).
set -euo pipefail
. "$ITEST_ENV"
export ITEST_DIR ITEST_URL ITEST_DOMAIN ITEST_TOKEN ITEST_SRC
. "$ITEST_SRC/deploy/lib/common.sh"
here=$(cd "$(dirname "$0")" && pwd)
chromium=${SELFHOST_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || sh_die "no $chromium: apt-get install chromium (./tests/run.sh installs it)"
[ -d "$ITEST_SRC/console/node_modules/playwright-core" ] ||
  sh_die "no console/node_modules: run sh_www_build (deploy/lib/common.sh; ./tests/run.sh does)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$ITEST_URL/console/")
[ "$code" = 200 ] || sh_die "GET /console/ answered $code: the world has no web files (sh_www_build BUILD before the world starts)"

RUN=$ITEST_DIR/run
LOGS=$(mktemp -d /tmp/selfhost-browser.XXXXXX)
chmod 777 "$LOGS"
start_bg() { # NAME CMD… as the service user; pid in $RUN/programs-NAME.pid (the harness kills leftovers)
  local name=$1; shift
  setpriv --reuid="$SELFHOST_USER" --regid="$SELFHOST_USER" --init-groups env HOME=/tmp \
    "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! > "$RUN/programs-$name.pid"
}
stop_all() {
  local pf
  for pf in "$RUN"/programs-browser-*.pid; do
    [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null; rm -f "$pf"
  done
}
trap 'rc=$?; stop_all; if [ $rc -ne 0 ]; then for f in "$LOGS"/*.log; do [ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; fi; rm -rf "$LOGS"' EXIT

start_bg browser-manager "$ITEST_SELFPMGR" -c "$ITEST_CONFIG"
for _ in $(seq 100); do [ -S "$RUN/selfpmgr.sock" ] && break; sleep 0.1; done
[ -S "$RUN/selfpmgr.sock" ] || sh_die "selfpmgr did not start"
start_bg browser-worker "$ITEST_SELFPWRK" -c "$ITEST_CONFIG"

export SELFHOST_CHROMIUM=$chromium
export SELFHOST_SCREENSHOTS=${SELFHOST_SCREENSHOTS:-$(dirname "$ITEST_ENV")/browser-screenshots}
node "$here/console.test.mjs"
