#!/usr/bin/env bash
# test_quickstart.sh — deploy/quickstart.sh as an operator meets it, run
# twice in a scratch copy of deploy/ and conf/ (its ./var is the copy's),
# with the programs of this build (SELFHOST_BUILD, SELFHOST_NO_BUILD=1: no
# cmake, no npm):
#   - the first run with SELFHOST_PORT, SELFHOST_RATE_PER_HOUR and small
#     pools; the second with none of them keeps that port, rate and pools
#     (var/etc/quickstart.env) and answers on the same port;
#   - the packages it checks for (a dpkg-query that logs its questions
#     first in PATH) are the ones it uses: nginx and PostgreSQL, never
#     lighttpd;
#   - no boot link of a system service (systemd *.wants/, /etc/rc?.d/S*)
#     appears, and no selfctl link is made (SELFHOST_SELFCTL_LINK empty);
#   - the docs' tutorials run under its defaults as written: README's curl
#     line, then every sh block of docs/timeseries.md and
#     docs/access-control.md in order (placeholders such as <alice-uuid>
#     replaced by the uuids the earlier answers gave), each answer 2xx and
#     none a 429 of the rate limit;
#   - `logrotate -f` with its var/etc/logrotate.conf rotates var/log, and a
#     request after that is logged in the new files (nginx, selfserv).
# The packages are installed only when missing (tests/run.sh installs them
# first); the scratch instance is stopped on exit.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$ITEST_SRC/deploy/lib/common.sh"

BUILD=$(dirname "$ITEST_ENV")
QS=$TMP/qs
mkdir -p "$QS/deploy/lib" "$QS/conf/nginx" "$TMP/bin"
cp "$ITEST_SRC/deploy/quickstart.sh" "$QS/deploy/"
cp "$ITEST_SRC/deploy/lib/common.sh" "$QS/deploy/lib/"
cp "$ITEST_SRC/conf/nginx/local.conf.in" "$QS/conf/nginx/"
chmod 755 "$QS"
trap '"$QS/deploy/quickstart.sh" stop >/dev/null 2>&1; rm -rf "$TMP"' EXIT

# dpkg-query, logging the package names asked about
cat > "$TMP/bin/dpkg-query" <<EOF
#!/bin/sh
for a in "\$@"; do case \$a in -*) ;; *) echo "\$a" >> "$TMP/asked" ;; esac; done
exec /usr/bin/dpkg-query "\$@"
EOF
chmod 755 "$TMP/bin/dpkg-query"

quickstart() {
  env PATH="$TMP/bin:$PATH" SELFHOST_BUILD="$BUILD" SELFHOST_NO_BUILD=1 SELFHOST_SELFCTL_LINK= \
    SELFHOST_PG_FSYNC=off "$@" "$QS/deploy/quickstart.sh" > "$TMP/qs.out" 2>&1
}
links_before=$(sh_boot_links)
PORT=$(sh_free_port)

# first run: a port, a rate and pool sizes of its own
quickstart SELFHOST_PORT="$PORT" SELFHOST_RATE_PER_HOUR=1234 SELFHOST_POOL=2 SELFHOST_WEBHOOK_POOL=2
rc=$?
[ $rc -eq 0 ]; verdict "first run succeeds"
[ $rc -eq 0 ] || { tail -20 "$TMP/qs.out"; tail -20 "$QS"/var/log/*.log 2>/dev/null; }
TOKEN=$(cat "$QS/var/etc/demo.token" 2>/dev/null)
code=$(http_code -u "demo:$TOKEN" "http://127.0.0.1:$PORT/v2/users/me")
[ "$code" = 200 ]; verdict "first run answers on SELFHOST_PORT $PORT (got $code)"

# second run: nothing in the environment
quickstart env -u SELFHOST_PORT -u SELFHOST_RATE_PER_HOUR -u SELFHOST_POOL -u SELFHOST_WEBHOOK_POOL
rc=$?
[ $rc -eq 0 ]; verdict "second run without SELFHOST_PORT succeeds"
[ $rc -eq 0 ] || tail -20 "$TMP/qs.out"
grep -q "running on http://127.0.0.1:$PORT " "$TMP/qs.out"; verdict "second run names the same port"
code=$(http_code -u "demo:$TOKEN" "http://127.0.0.1:$PORT/v2/users/me")
[ "$code" = 200 ]; verdict "second run answers on port $PORT (got $code)"
[ "$(cat "$QS/var/etc/demo.token")" = "$TOKEN" ]; verdict "second run keeps the admin token"
grep -qx 'req_per_hour = 1234' "$QS/var/etc/selfhost.conf"; verdict "second run keeps the rate 1234"
[ "$(sh_sup_state "$QS/var" selfserv want)" = 2 ] &&
  [ "$(sh_sup_state "$QS/var" selfserv-webhook want)" = 2 ]
verdict "second run keeps the pool sizes"
# the monitoring endpoints (docs/monitoring.md) through its nginx
[ "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200 ]; verdict "GET /healthz: 200"
for _ in $(seq 20); do code=$(http_code "http://127.0.0.1:$PORT/readyz"); [ "$code" = 200 ] && break; sleep 0.5; done
[ "$code" = 200 ]; verdict_rc $? "GET /readyz: 200, its domain and manager ready (got $code: $(head -c 300 "$TMP/body"))"
code=$(http_code "http://127.0.0.1:$PORT/metrics")
[ "$code" = 200 ] && grep -q '^selfhost_http_requests_total{method="GET",route="/v2/users/me",status="200"} ' "$TMP/body"
verdict "GET /metrics: 200 with the requests counted (got $code)"
[ "$(http_code --interface 127.0.0.2 "http://127.0.0.1:$PORT/metrics")" = 403 ]
verdict "GET /metrics from 127.0.0.2: 403"
grep -qx 'maxburst = 100' "$QS/var/etc/selfhost.conf"; verdict "the default burst is 100"

# what it installs: only what it uses
grep -qx nginx-light "$TMP/asked" && grep -qx postgresql "$TMP/asked" && grep -qx spawn-fcgi "$TMP/asked"
verdict "it checks for nginx, PostgreSQL and spawn-fcgi"
! grep -q lighttpd "$TMP/asked"; verdict "it does not ask for lighttpd"
[ "$(sh_boot_links)" = "$links_before" ]; verdict "no service was enabled at boot"
grep -q "$QS/var/bin/selfctl --help" "$TMP/qs.out"
verdict "selfctl is named by its path when no link is made"

# the tutorials, as written, against this instance under its defaults
tutorial=$TMP/tutorial.sh
{
  awk '/^```sh/ {on = 1; next} /^```/ {on = 0} on && /^curl /' "$ITEST_SRC/README.md"
  for doc in timeseries access-control; do
    awk '/^```sh/ {on = 1; next} /^```/ {on = 0} on' "$ITEST_SRC/docs/$doc.md"
  done
} | sed "s|127\\.0\\.0\\.1:8080|127.0.0.1:$PORT|g" > "$tutorial"
[ "$(grep -c "127.0.0.1:$PORT" "$tutorial")" -ge 3 ]; verdict "the tutorials name the quickstart's address"
n_curl=$(grep -c '^ *\(S=\$(\)\{0,1\}curl ' "$tutorial")
[ "$n_curl" -ge 12 ]; verdict "the tutorials make $n_curl requests (at least 12)"

curl() { command curl -sS -w '%{stderr}%{http_code}\n' "$@" 2>>"$TMP/codes" | tee "$TMP/answer"; echo; }
ALICE="" TOKEN_UUID="" VIEWERS="" S=""
remember() { # the uuids later commands name as <alice-uuid>, <token-uuid>, <viewers>
  local name uuid
  read -r name uuid < <(python3 -c 'import json,sys
try: d = json.load(sys.stdin)
except Exception: sys.exit(0)
if isinstance(d, dict): print(d.get("name", "-").replace(" ", "_"), d.get("uuid", "-"))' < "$TMP/answer")
  case ${name:-} in
    alice) ALICE=$uuid ;; alice_laptop) TOKEN_UUID=$uuid ;; viewers) VIEWERS=$uuid ;;
  esac
}
: > "$TMP/codes"
(
  cd "$QS" || exit 1
  cmd=""
  while IFS= read -r line; do
    cmd+=$line$'\n'
    case $line in *\\) continue ;; esac
    run=${cmd//<alice-uuid>/$ALICE}; run=${run//<token-uuid>/$TOKEN_UUID}
    run=${run//<viewers>/$VIEWERS}; run=${run//<series-uuid>/$S}
    bash -n <<<"$run" 2>/dev/null || continue     # a quote still open
    : > "$TMP/answer"
    printf '%s' "$run" >> "$TMP/tutorial.out"
    eval "$run" >> "$TMP/tutorial.out"
    remember
    cmd=""
  done < "$tutorial"
)
codes=$(grep -c . "$TMP/codes")
[ "$codes" -eq "$n_curl" ]; verdict "every tutorial request was made ($codes of $n_curl)"
[ "$codes" -eq "$n_curl" ] || tail -c 3000 "$TMP/tutorial.out"
! grep -qx 429 "$TMP/codes"; verdict "no tutorial request hit the rate limit"
bad_codes=$(grep -vx '20[014]' "$TMP/codes" | tr '\n' ' ')
[ -z "$bad_codes" ]; verdict "every tutorial answer is 200, 201 or 204 (others: ${bad_codes:-none})"
[ -z "$bad_codes" ] || { cat "$TMP/codes" | tr '\n' ' '; echo; tail -c 2000 "$TMP/tutorial.out"; }

# var/etc/logrotate.conf rotates var/log, and every process keeps logging
# into the new files: a request after the rotation is in the new
# nginx-access.log (nginx reopened it on SIGUSR1) and in the new
# selfserv.log (truncated in place), not in the rotated ones
LOG=$QS/var/log
before=$(grep -c . "$LOG/selfserv.log")
[ "$(stat -c %U "$QS/var/etc/logrotate.conf")" = root ]; verdict "var/etc/logrotate.conf is root's"
logrotate -f -s "$TMP/logrotate.state" "$QS/var/etc/logrotate.conf" > "$TMP/logrotate.out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/logrotate.out" ]; verdict "logrotate -f with var/etc/logrotate.conf succeeds"
[ $rc -eq 0 ] || cat "$TMP/logrotate.out"
[ -s "$LOG/selfserv.log.1" ] && [ -s "$LOG/nginx-access.log.1" ] && [ -s "$LOG/postgresql.log.1" ]
verdict "it rotated selfserv.log, nginx-access.log and postgresql.log"
[ "$(grep -c . "$LOG/selfserv.log.1")" -ge "$before" ]; verdict "selfserv.log.1 holds the lines before the rotation"
marker=/v2/after-logrotate-$$
for _ in $(seq 20); do [ -f "$LOG/nginx-access.log" ] && break; sleep 0.1; done
http_code -u "demo:$TOKEN" "http://127.0.0.1:$PORT$marker" >/dev/null
for _ in $(seq 20); do grep -q "$marker" "$LOG/selfserv.log" 2>/dev/null && break; sleep 0.1; done
grep -q "GET $marker 404" "$LOG/selfserv.log" && ! grep -q "$marker" "$LOG/selfserv.log.1"
verdict "a request after the rotation is in the new selfserv.log"
grep -q "$marker" "$LOG/nginx-access.log" && ! grep -q "$marker" "$LOG/nginx-access.log.1"
verdict "and in the new nginx-access.log"
[ "$(tr -d '\0' < "$LOG/selfserv.log" | wc -c)" = "$(wc -c < "$LOG/selfserv.log")" ]
verdict "the truncated selfserv.log has no hole of NUL bytes (written in append mode)"

"$QS/deploy/quickstart.sh" stop >/dev/null 2>&1
! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; verdict "stop stops nginx"
finish
