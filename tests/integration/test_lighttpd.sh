#!/usr/bin/env bash
# test_lighttpd.sh — the shipped lighttpd configuration, for real: lighttpd
# in front of the integration world's selfserv pool (harness.sh), driven
# with curl. CTest runs it after the world is up, with ITEST_ENV pointing at
# itest.env.
#
# The lighttpd configuration under test is conf/lighttpd/selfhost.conf
# itself, included from a small main file written here (address, port, pid
# file, logs, user). Only production paths and the TLS port are replaced
# with sed, and each replacement is checked to have happened, so an edit of
# the shipped file cannot quietly leave the test exercising something else:
#   (a)   as shipped: FastCGI to the pool's socket $ITEST_DIR/run/selfserv.sock
#         (owned by the service account, 0660: lighttpd runs as it), and
#         webhooks to the webhook pool's, $ITEST_DIR/run/selfserv-webhook.sock;
#   (b)   block (a) deleted and the "#b " lines enabled: lighttpd starts
#         selfserv itself (bin-path, max-procs);
#   (tls) variant (a) plus the "#tls " lines, with a throwaway certificate
#         (only where lighttpd's mod_openssl is installed).
# Variant (a) also serves the world's web files (the console, /docs/,
# /openapi3.json: web_files.sh checks their types and caching headers).
# Requests carry "Host: api.example.com", the host the file is scoped to.
# Every lighttpd started here (and any responder it spawned) is stopped on
# exit. Exits non-zero when any check fails; prints "SKIP: ..." and exits 0
# only when lighttpd is not installed.
set -uo pipefail

: "${ITEST_ENV:?ITEST_ENV must name the itest.env written by harness.sh start}"
# shellcheck disable=SC1090
. "$ITEST_ENV"

LIGHTTPD=$(command -v lighttpd || true)
[ -z "$LIGHTTPD" ] && [ -x /usr/sbin/lighttpd ] && LIGHTTPD=/usr/sbin/lighttpd
if [ -z "$LIGHTTPD" ]; then
  echo "SKIP: lighttpd not installed"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

. "$ITEST_SRC/deploy/lib/common.sh"   # sh_free_port, SELFHOST_USER
SHIPPED=$ITEST_SRC/conf/lighttpd/selfhost.conf
HOST=api.example.com
passed=0 failed=0 skipped=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
pass() { echo "ok: $*"; passed=$((passed + 1)); }
. "$ITEST_SRC/tests/integration/web_files.sh"   # web_files_check
wf_pass() { pass "$@"; }
wf_fail() { fail "$@"; }

T=$(mktemp -d "$ITEST_DIR/lighttpd.XXXXXX") || { echo "FAIL: cannot create a folder in $ITEST_DIR"; exit 1; }
mkdir -p "$T/www" "$T/default" "$T/tmp"
printf 'selfhost static ok\n' > "$T/www/hello.txt"
# the console, the docs and /openapi3.json: the world's copy of BUILD/www
# (sh_www_build; sh_www_install put it in the world), served from where the
# shipped file says, /usr/share/selfhost/www
if [ -d "$ITEST_DIR/www/console" ]; then
  cp -r "$ITEST_DIR/www/." "$T/www/"
else
  fail "no $ITEST_DIR/www/console: the world has no web files (sh_www_build BUILD before the world starts; ./tests/run.sh does)"
fi
chmod 755 "$T" "$T/www" "$T/default"

# lighttpd must reach the pool's socket (selfhost, 0660): as root it drops to
# the service account after binding; run as that account, it stays itself.
if [ "$(id -u)" -eq 0 ]; then
  chown -R "$SELFHOST_USER:" "$T"
  USER_LINES="server.username = \"$SELFHOST_USER\"
server.groupname = \"$SELFHOST_USER\""
elif [ "$(id -un)" = "$SELFHOST_USER" ]; then
  USER_LINES=""
else
  echo "FAIL: run as root or as $SELFHOST_USER (the pool's socket is $SELFHOST_USER's, mode 0660)"
  exit 1
fi

STARTED=()   # names of the lighttpd instances started (pid file $T/NAME.pid)
stop_all() {
  local name pid kids p
  for name in "${STARTED[@]}"; do
    [ -f "$T/$name.pid" ] || continue
    pid=$(cat "$T/$name.pid")
    [ -n "$pid" ] || continue
    kids=$(pgrep -P "$pid" 2>/dev/null || true)   # responders of variant (b)
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    for p in $kids; do kill "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in $kids; do kill -9 "$p" 2>/dev/null || true; done
  done
  if [ -n "${ITEST_KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap stop_all EXIT

# render VARIANT TLSPORT: the shipped file, adapted to this world.
render() {
  local variant=$1 tls_port=$2 filter
  case $variant in
    a) filter=(-e '') ;;
    b) filter=(-e '/^ *# >>> (a)/,/^ *# <<< (a)/d' -e 's/^#b //') ;;
    tls) filter=(-e 's/^#tls //' -e "s|\$SERVER\[\"socket\"\] == \":443\"|\$SERVER[\"socket\"] == \"127.0.0.1:$tls_port\"|") ;;
  esac
  sed "${filter[@]}" \
      -e "s|/run/selfhost/selfserv.sock|$ITEST_DIR/run/selfserv.sock|g" \
      -e "s|/run/selfhost/selfserv-webhook.sock|$ITEST_DIR/run/selfserv-webhook.sock|g" \
      -e "s|/run/lighttpd/selfserv-webhook.sock|$T/b-selfserv-webhook.sock|g" \
      -e "s|/usr/share/selfhost/www|$T/www|g" \
      -e "s|/usr/local/sbin/selfserv -c /etc/selfhost/selfhost.conf|$ITEST_SELFSERV -c $ITEST_CONFIG|g" \
      -e "s|/run/lighttpd/selfserv.sock|$T/b-selfserv.sock|g" \
      -e "s|/etc/letsencrypt/live/$HOST/fullchain.pem|$T/tls-cert.pem|g" \
      -e "s|/etc/letsencrypt/live/$HOST/privkey.pem|$T/tls-key.pem|g" \
      "$SHIPPED"
}

# expect_in FILE STRING WHAT: the rendered file must hold STRING (runs of
# blanks compare equal, so realigning the shipped file is harmless).
squash() { tr -s ' \t' '  '; }
expect_in() {
  squash < "$1" | grep -F -- "$(squash <<< "$2")" > /dev/null || { fail "$3 ('$2' not in the rendered $(basename "$1"); was $SHIPPED changed?)"; return 1; }
}

# start NAME VARIANT: renders, checks and starts lighttpd NAME on a free
# port (a few tries: the port may be taken between choice and bind).
# Sets PORT (and TLS_PORT for variant tls).
start() {
  local name=$1 variant=$2 conf=$T/$1.conf inc=$T/$1-selfhost.conf
  for _ in 1 2 3; do
    PORT=$(sh_free_port) TLS_PORT=$(sh_free_port)
    render "$variant" "$TLS_PORT" > "$inc"
    cat > "$conf" <<CONF
# written by tests/integration/test_lighttpd.sh; the API part is in $inc
server.bind = "127.0.0.1"
server.port = $PORT
server.document-root = "$T/default"
server.pid-file = "$T/$name.pid"
server.errorlog = "$T/$name-error.log"
server.upload-dirs = ( "$T/tmp" )
$USER_LINES
include "$inc"
CONF
    if ! "$LIGHTTPD" -tt -f "$conf" > "$T/$name-check.log" 2>&1; then
      fail "lighttpd -tt rejects the $name configuration:"
      sed 's/^/    /' "$T/$name-check.log"
      return 1
    fi
    STARTED+=("$name")
    if "$LIGHTTPD" -f "$conf" > "$T/$name-start.log" 2>&1; then
      local up=""
      for _ in $(seq 100); do
        if [ -s "$T/$name.pid" ] && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then
          up=1; break
        fi
        sleep 0.05
      done
      [ -n "$up" ] && { pass "lighttpd $name up on 127.0.0.1:$PORT (pid $(cat "$T/$name.pid"))"; return 0; }
    fi
    grep -q "Address already in use" "$T/$name-start.log" "$T/$name-error.log" 2>/dev/null && continue
    break
  done
  fail "lighttpd $name did not start:"
  cat "$T/$name-start.log" "$T/$name-error.log" 2>/dev/null | tail -n 20 | sed 's/^/    /'
  return 1
}

# req URL [curl args...]: one request; sets CODE, BODY, HEADERS.
req() {
  local url=$1; shift
  CODE=$(curl -sS --max-time 30 -o "$T/body" -D "$T/headers" -w '%{http_code}' \
              -H "Host: $HOST" "$@" "$url" 2> "$T/curl.err") || CODE="curl failed: $(cat "$T/curl.err")"
  BODY=$(cat "$T/body" 2>/dev/null || true)
  HEADERS=$(tr -d '\r' < "$T/headers" 2>/dev/null || true)
}

# check_api NAME BASE_URL [curl args...]: the API answers through lighttpd.
check_api() {
  local name=$1 base=$2; shift 2
  local auth=(-u "$ITEST_DOMAIN:$ITEST_TOKEN")

  req "$base/v2/users/me" "${auth[@]}" "$@"
  if [ "$CODE" = 200 ] && [[ $BODY == *'"name":"root"'* ]]; then
    pass "$name: GET /v2/users/me with credentials -> 200, root"
  else
    fail "$name: GET /v2/users/me with credentials: want 200 with \"name\":\"root\", got $CODE: $BODY"
  fi

  req "$base/v2/users/me?fields=name&x=%2F" "${auth[@]}" "$@"
  if [ "$CODE" = 200 ]; then
    pass "$name: the query string does not change the path (200)"
  else
    fail "$name: GET /v2/users/me?fields=name&x=%2F: want 200, got $CODE: $BODY"
  fi

  req "$base/v2/users/me" "$@"
  if [ "$CODE" = 401 ] && [[ $BODY == '{"code":401'* ]] &&
     grep -qi '^WWW-Authenticate: Basic' <<< "$HEADERS"; then
    pass "$name: GET /v2/users/me without credentials -> 401 JSON + WWW-Authenticate"
  else
    fail "$name: without credentials: want 401, {\"code\":401,...} and WWW-Authenticate, got $CODE: $BODY
$(sed 's/^/    /' <<< "$HEADERS")"
  fi

  req "$base/nope/x" "$@"
  if [ "$CODE" = 404 ] && [[ $BODY == '{"code":404'* ]] &&
     grep -qi '^Content-Type: application/json' <<< "$HEADERS"; then
    pass "$name: GET /nope/x (no file, not the API) -> 404 JSON"
  else
    fail "$name: GET /nope/x: want 404 with a JSON {\"code\":404,...} body, got $CODE: $BODY"
  fi

  req "$base/status" "$@"
  if [ "$CODE" = 200 ] && [ "$BODY" = . ]; then
    pass "$name: GET /status without credentials -> 200 ."
  else
    fail "$name: GET /status: want 200 \".\", got $CODE: $BODY"
  fi

  # /healthz and /metrics (docs/monitoring.md): /metrics to this host only
  req "$base/healthz" "$@"
  if [ "$CODE" = 200 ] && [ "$BODY" = '{"status":"ok"}' ]; then
    pass "$name: GET /healthz without credentials -> 200"
  else
    fail "$name: GET /healthz: want 200 {\"status\":\"ok\"}, got $CODE: $BODY"
  fi
  req "$base/metrics" "$@"
  if [ "$CODE" = 200 ] && grep -qi '^Content-Type: text/plain; version=0.0.4' <<< "$HEADERS" &&
     grep -q '^selfhost_http_requests_total{' <<< "$BODY"; then
    pass "$name: GET /metrics from 127.0.0.1 -> 200, the text format"
  else
    fail "$name: GET /metrics from 127.0.0.1: want 200 text/plain; version=0.0.4, got $CODE: ${BODY:0:200}"
  fi
  req "$base/metrics" --interface 127.0.0.2 "$@"
  if [ "$CODE" = 403 ]; then
    pass "$name: GET /metrics from 127.0.0.2 -> 403"
  else
    fail "$name: GET /metrics from 127.0.0.2: want 403, got $CODE: ${BODY:0:200}"
  fi

  # a webhook call reaches a webhook responder, never an API one: the
  # route's line lands in the webhook pool's log, not the API pool's (the
  # world's pools; lighttpd's own responders of variant b log nowhere, there
  # the webhook backend's sockets are checked instead)
  if [ "$name" = b ]; then
    req "$base/v2/programs/00000000-0000-4000-8000-00000000dead/webhook" "${auth[@]}" -d '{}' "$@"
    if [ "$CODE" = 404 ] && [ -S "$T/b-selfserv-webhook.sock-0" ]; then
      pass "$name: lighttpd runs a webhook backend of its own; a webhook call is answered (404 JSON)"
    else
      fail "$name: the webhook call: want 404 and lighttpd's webhook sockets, got $CODE: $BODY ($(ls "$T" | grep -c webhook) webhook socket(s))"
    fi
  else
  local hooklog=$ITEST_DIR/log/selfserv-webhook.log apilog=$ITEST_DIR/log/selfserv.log
  local line='POST /v2/programs/{uuid}/webhook 404' h0 a0
  h0=$(grep -cF "$line" "$hooklog" 2>/dev/null) a0=$(grep -cF "$line" "$apilog" 2>/dev/null)
  req "$base/v2/programs/00000000-0000-4000-8000-00000000dead/webhook" "${auth[@]}" -d '{}' "$@"
  sleep 0.2
  if [ "$CODE" = 404 ] && [ "$(grep -cF "$line" "$hooklog" 2>/dev/null)" -gt "${h0:-0}" ] &&
     [ "$(grep -cF "$line" "$apilog" 2>/dev/null)" = "${a0:-0}" ]; then
    pass "$name: POST /v2/programs/{uuid}/webhook is served by the webhook pool (404 JSON)"
  else
    fail "$name: the webhook call: want 404 from a webhook responder, got $CODE: $BODY (webhook log $h0 -> $(grep -cF "$line" "$hooklog" 2>/dev/null), API log $a0 -> $(grep -cF "$line" "$apilog" 2>/dev/null))"
  fi
  fi

  req "$base/v2/nope" "${auth[@]}" "$@"
  if [ "$CODE" = 404 ] && [[ $BODY == '{"code":404'* ]] &&
     grep -qi '^Content-Type: application/json' <<< "$HEADERS"; then
    pass "$name: GET /v2/nope -> 404 JSON"
  else
    fail "$name: GET /v2/nope: want 404 with a JSON {\"code\":404,...} body, got $CODE: $BODY"
  fi
}

echo "lighttpd: $("$LIGHTTPD" -v 2>&1 | head -n 1); world: $ITEST_DIR"

# --- (a) as shipped: the spawn-fcgi pool's socket ---------------------------
render a 0 > "$T/a-render.conf"
expect_in "$T/a-render.conf" "\"socket\"          => \"$ITEST_DIR/run/selfserv.sock\"" "(a) socket" &&
expect_in "$T/a-render.conf" '"check-local"     => "disable"' "(a) check-local" &&
expect_in "$T/a-render.conf" "server.document-root = \"$T/www\"" "(a) static files" &&
if start a a; then
  check_api a "http://127.0.0.1:$PORT"

  req "http://127.0.0.1:$PORT/hello.txt"
  if [ "$CODE" = 200 ] && [ "$BODY" = "selfhost static ok" ]; then
    pass "a: static file next to the API -> 200"
  else
    fail "a: GET /hello.txt (static): want 200 'selfhost static ok', got $CODE: $BODY"
  fi

  # the console, the docs and /openapi3.json: types and caching headers
  WF_TMP=$T web_files_check a "http://127.0.0.1:$PORT" -H "Host: $HOST"

  # more than 32 MiB: refused by lighttpd (server.max-request-size) with 413
  CODE=$(head -c $((32 * 1024 * 1024 + 4096)) /dev/zero |
         curl -sS --max-time 60 -o /dev/null -w '%{http_code}' -H "Host: $HOST" \
              -H 'Content-Type: application/json' -u "$ITEST_DOMAIN:$ITEST_TOKEN" \
              --data-binary @- "http://127.0.0.1:$PORT/v2/users/me" 2>/dev/null) || true
  if [ "$CODE" = 413 ]; then
    pass "a: a body over 32 MiB -> 413"
  else
    fail "a: POST of 32 MiB + 4 KiB: want 413 from lighttpd, got '$CODE'"
  fi
fi

# --- (b) lighttpd starts selfserv itself -------------------------------------
render b 0 > "$T/b-render.conf"
expect_in "$T/b-render.conf" "\"bin-path\"        => \"$ITEST_SELFSERV -c $ITEST_CONFIG\"" "(b) bin-path" &&
expect_in "$T/b-render.conf" "\"socket\"          => \"$T/b-selfserv.sock\"" "(b) socket" &&
if grep -q "\"socket\" *=> *\"$ITEST_DIR/run/selfserv.sock\"" "$T/b-render.conf"; then
  fail "(b): block (a) is still in the rendered file (markers '# >>> (a)'/'# <<< (a)' changed?)"
elif start b b; then
  # the API's responders and the webhooks' (one max-procs each)
  n=$(grep -o '"max-procs" *=> *[0-9]*' "$T/b-render.conf" | grep -o '[0-9]*$' | awk '{ s += $1 } END { print s }')
  lpid=$(cat "$T/b.pid")
  for _ in $(seq 50); do
    [ "$(pgrep -P "$lpid" -f "$ITEST_SELFSERV" | wc -l)" -ge "${n:-1}" ] && break
    sleep 0.1
  done
  users=$(ps -o user= -p "$(pgrep -d, -P "$lpid" -f "$ITEST_SELFSERV")" 2>/dev/null | sort -u | tr '\n' ' ')
  if [ "$(pgrep -P "$lpid" -f "$ITEST_SELFSERV" | wc -l)" -eq "${n:-0}" ]; then
    pass "b: lighttpd runs $n selfserv responders (as: $users)"
  else
    fail "b: want ${n:-?} selfserv responders under lighttpd (pid $lpid), found $(pgrep -P "$lpid" -f "$ITEST_SELFSERV" | wc -l); sockets: $(cd "$T" && ls -d b-*.sock* | tr "\n" " ")"
  fi
  check_api b "http://127.0.0.1:$PORT"
fi

# --- (tls) the TLS example, with a throwaway certificate --------------------
modssl=$(find /usr/lib /usr/lib64 /usr/local/lib -path "*lighttpd*" -name mod_openssl.so 2>/dev/null | head -n 1)
if [ -z "$modssl" ]; then
  echo "skip (tls part only): lighttpd's mod_openssl is not installed (Debian: lighttpd-mod-openssl)"
  skipped=$((skipped + 1))
elif ! command -v openssl >/dev/null 2>&1; then
  echo "skip (tls part only): openssl is not installed"
  skipped=$((skipped + 1))
elif ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
       -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
       -keyout "$T/tls-key.pem" -out "$T/tls-cert.pem" > "$T/openssl.log" 2>&1; then
  fail "tls: cannot make a test certificate: $(tail -n 3 "$T/openssl.log")"
else
  chmod 600 "$T/tls-key.pem"   # root-only, like a real key: lighttpd reads it before dropping privileges
  render tls 0 > "$T/tls-render.conf"
  # shellcheck disable=SC2016 # a literal $SERVER below
  expect_in "$T/tls-render.conf" "ssl.pemfile = \"$T/tls-cert.pem\"" "(tls) certificate" &&
  expect_in "$T/tls-render.conf" 'ssl.engine  = "enable"' "(tls) ssl.engine" &&
  expect_in "$T/tls-render.conf" '$SERVER["socket"] == "127.0.0.1:0"' '(tls) the $SERVER["socket"] == ":443" line' &&
  if start tls tls; then
    check_api tls "https://$HOST" --cacert "$T/tls-cert.pem" --connect-to "$HOST:443:127.0.0.1:$TLS_PORT"
    req "http://127.0.0.1:$PORT/v2/users/me?a=1"
    loc=$(sed -n 's/^[Ll]ocation: //p' <<< "$HEADERS")
    if [ "$CODE" = 301 ] && [ "$loc" = "https://$HOST/v2/users/me?a=1" ]; then
      pass "tls: plain HTTP -> 301 to $loc"
    else
      fail "tls: plain HTTP: want 301 to https://$HOST/v2/users/me?a=1, got $CODE to '$loc'"
    fi
  fi
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
if [ "$failed" -gt 0 ]; then
  for f in "$T"/*-error.log; do [ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
fi
echo "$summary"
[ "$failed" -eq 0 ]
