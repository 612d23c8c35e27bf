# stack.sh — a selfhost stack of a test's own, for tests that kill parts of
# it or measure it, so that nothing they do disturbs the world the other
# tests share: a folder under $ITEST_DIR with its own configuration and
# domain file, the two selfserv pools (API and webhooks) under spawn-fcgi +
# selfsup, nginx on a free port, and optionally the program manager and
# workers under selfsup, all started with the very functions the quickstart
# uses (deploy/lib/common.sh). PostgreSQL is the world's unless the test
# starts one of its own (stack_own_pg). Source after lib.sh; stack_stop
# runs on exit.
. "$ITEST_SRC/deploy/lib/common.sh"
export SELFHOST_SELFSUP=$ITEST_SELFSUP

# stack_init NAME [EXTRA_CONFIG]: the folder ($S), its selfhost.conf
# ($S/etc/selfhost.conf; EXTRA_CONFIG lines are appended, e.g. a [worker]
# section) and an empty domain file.
stack_init() {
  S=$(mktemp -d "$ITEST_DIR/$1.XXXXXX")
  mkdir -p "$S/etc" "$S/run" "$S/log"
  cat > "$S/etc/selfhost.conf" <<CONF
[server]
log_level = info
domainfile = domains.conf
max_body = 1048576
state_dir = $S/run
[rate_control]
req_per_hour = 0
[manager]
socket = $S/run/selfpmgr.sock
${2:-}
CONF
  : > "$S/etc/domains.conf"
  chmod 755 "$S"
  chown -R "$SELFHOST_USER:" "$S"
  STACK_CONF=$S/etc/selfhost.conf
  STACK_PG=$ITEST_PGHOST
  trap 'stack_stop' EXIT
}

# stack_own_pg: a PostgreSQL cluster of the stack's own in $S/pgdata (with
# fsync, as in production), socket in $S/run.
stack_own_pg() {
  sh_pg_start "$S"
  STACK_PG=$S/run
}

stack_psql() { psql -X -q -tA -v ON_ERROR_STOP=1 -h "$STACK_PG" -U postgres "$@"; }

# stack_domain NAME: a fresh database and domain NAME; its token in
# TOKEN_<NAME>, its URI in URI_<NAME>.
stack_domain() {
  local name=$1 uri out
  stack_psql -c "DROP DATABASE IF EXISTS \"stack_$name\"" postgres >/dev/null
  stack_psql -c "CREATE DATABASE \"stack_$name\"" postgres >/dev/null
  uri="postgresql:///stack_$name?host=$STACK_PG&user=postgres"
  out=$(sh_as_user "$ITEST_SELFCTL" -c "$STACK_CONF" domain add "$name" --db "$uri") || return 1
  printf -v "TOKEN_$name" '%s' "$(printf '%s\n' "$out" | grep '^secret-token\.')"
  printf -v "URI_$name" '%s' "$uri"
}

# stack_web API_POOL WEBHOOK_POOL: both pools and nginx; the API at $URL.
stack_web() {
  STACK_HOOKS=$2
  sh_fcgi_start "$S" "$1" "$STACK_CONF" "$ITEST_SELFSERV"
  sh_fcgi_start "$S" "$2" "$STACK_CONF" "$ITEST_SELFSERV" selfserv-webhook 4
  local tries
  for tries in 1 2 3 4 5; do
    (SELFHOST_NGINX_LIMIT_REQ="# no per-IP limit in tests" sh_nginx_start "$S" "$(sh_free_port)" "$ITEST_SRC" "$2") &&
      break
  done
  URL=http://127.0.0.1:$(sed -n 's/^ *listen 127.0.0.1:\([0-9]*\);/\1/p' "$S/nginx/nginx.conf")
}

# stack_programs WORKERS: selfpmgr and WORKERS selfpwrk under selfsup, as
# the quickstart runs them; environment overrides (SELFHOST_…) pass on.
stack_programs() {
  sh_programs_start "$S" "$STACK_CONF" "$ITEST_DIR/bin" "$1"
}

stack_stop() {
  [ -n "${S:-}" ] && [ -d "$S" ] || return 0
  sh_nginx_stop "$S"
  sh_programs_stop "$S"
  sh_fcgi_stop "$S" selfserv-webhook
  sh_fcgi_stop "$S"
  [ -d "$S/pgdata" ] && sh_pg_stop "$S"
  if [ "${failed:-0}" -gt 0 ] || [ -n "${ITEST_KEEP:-}" ]; then
    for f in "$S"/log/*.log; do [ -s "$f" ] && { echo "--- $f"; tail -n 25 "$f"; }; done
  fi
  [ -n "${ITEST_KEEP:-}" ] || rm -rf "$S"
  rm -rf "$TMP"
}

# The pid of copy K (default 0) of the supervised group NAME.
stack_pid() { sh_sup_state "$S" "$1" "slot.${2:-0}" | cut -d' ' -f1; }

# --- programs through the API (domain's token in $AUTH) -------------------
api() { # METHOD PATH [BODY [CONTENT-TYPE]] → body in $TMP/body, status printed
  local ct=${4:-application/json}
  if [ $# -ge 3 ]; then
    curl -s -o "$TMP/body" -w '%{http_code}' -u "$AUTH" -X "$1" -H "Content-Type: $ct" \
      --data-binary "$3" "$URL$2"
  else
    curl -s -o "$TMP/body" -w '%{http_code}' -u "$AUTH" -X "$1" "$URL$2"
  fi
}
uuid_of_body() { sed -n 's/.*"uuid":"\([0-9a-f-]*\)".*/\1/p' "$TMP/body"; }
# new_program NAME TYPE SCHEDULE DEADLINE_MS CODE → prints the uuid of the
# active program, its code uploaded and signed
new_program() {
  api POST /v2/programs "{\"name\":\"$1\",\"type\":\"$2\",\"state\":\"active\",\"schedule\":\"$3\",\"deadline\":$4,\"language\":\"tengo\",\"tags\":[]}" >/dev/null
  local uuid rev; uuid=$(uuid_of_body)
  [ -n "$uuid" ] || return 1
  [ "$(api POST "/v2/programs/$uuid/code" "$5" "text/plain; charset=utf-8")" = 201 ] || return 1
  rev=$(sed -n 's/.*"revision":\([0-9]*\).*/\1/p' "$TMP/body")
  [ "$(api PUT "/v2/programs/$uuid/revisions/$rev/sign" | cut -c1)" = 2 ] || return 1
  echo "$uuid"
}
# wait_for SECONDS CONDITION… — polls every 0.2 s
wait_for() {
  local until=$((SECONDS + $1)); shift
  while [ $SECONDS -lt "$until" ]; do "$@" && return 0; sleep 0.2; done
  "$@"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# hook N UUID [AUTH]: one webhook call in the background; writes
# "code ms retry_after end_ms" to $TMP/hook.N and the body to
# $TMP/hook.N.body. hooks_wait waits for all of them (a bare `wait` would
# wait for the stack's supervisors too).
HOOK_PIDS=""
hook() {
  local n=$1 uuid=$2 auth=${3:-$AUTH}
  ( t0=$(now_ms)
    code=$(curl -s -o "$TMP/hook.$n.body" -D "$TMP/hook.$n.head" -w '%{http_code}' --max-time 60 \
             -u "$auth" --data-binary '{}' "$URL/v2/programs/$uuid/webhook")
    ra=$(tr -d '\r' < "$TMP/hook.$n.head" | sed -n 's/^[Rr]etry-[Aa]fter: //p')
    echo "$code $(( $(now_ms) - t0 )) ${ra:--} $(now_ms)" > "$TMP/hook.$n" ) &
  HOOK_PIDS="$HOOK_PIDS $!"
}
hooks_wait() { local p; for p in $HOOK_PIDS; do wait "$p" 2>/dev/null; done; HOOK_PIDS=""; }
hook_code() { cut -d' ' -f1 "$TMP/hook.$1"; }
hook_ms() { cut -d' ' -f2 "$TMP/hook.$1"; }
hook_retry() { cut -d' ' -f3 "$TMP/hook.$1"; }
hook_end() { cut -d' ' -f4 "$TMP/hook.$1"; }
hook_json() { grep -q "^{\"code\":$(hook_code "$1"),\"message\":\"" "$TMP/hook.$1.body"; }
