#!/usr/bin/env bash
# harness.sh — the integration-test world: a throwaway PostgreSQL cluster,
# the selfserv pools under spawn-fcgi + selfsup (the API's, ITEST_POOL
# responders, default 2; the webhooks', ITEST_WEBHOOK_POOL, default 4) and
# nginx on a free loopback port, all in a fresh folder under /tmp. CTest runs `start` as a fixture before the
# integration tests and `stop` after them, even when tests fail.
#
#   harness.sh start BUILD_DIR SRC_DIR   -> writes BUILD_DIR/itest.env
#   harness.sh stop BUILD_DIR
#
# itest.env (KEY=VALUE lines, read by the C tests and sourced by shell ones):
#   ITEST_DIR ITEST_URL ITEST_DOMAIN ITEST_TOKEN ITEST_CONFIG ITEST_PGHOST
#   ITEST_SELFCTL ITEST_SELFSERV ITEST_SELFPMGR ITEST_SELFPWRK ITEST_SELFSUP
#   ITEST_SRC ITEST_WEBHOOK_POOL
# The world runs no program manager: tests that need one start selfpmgr
# and selfpwrk on [manager] socket ($ITEST_DIR/run/selfpmgr.sock) and hold
# the CTest resource lock "manager".
set -euo pipefail
cmd=$1 build=$(cd "$2" && pwd)
src=$(cd "${3:-$(dirname "$0")/../..}" && pwd)
. "$src/deploy/lib/common.sh"
envfile=$build/itest.env

stop() {
  [ -f "$envfile" ] || return 0
  local dir; dir=$(sed -n 's/^ITEST_DIR=//p' "$envfile")
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    # managers and workers a test started and could not stop (pid files)
    local pf
    for pf in "$dir"/run/programs-*.pid; do
      [ -f "$pf" ] && kill -9 "$(cat "$pf")" 2>/dev/null; rm -f "$pf"
    done
    sh_nginx_stop "$dir"
    sh_fcgi_stop "$dir"
    sh_fcgi_stop "$dir" selfserv-webhook
    sh_pg_stop "$dir"
    # anything still running the world's copies of the binaries
    pkill -9 -f "^$dir/bin/" 2>/dev/null || true
    if [ -n "${ITEST_KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
  fi
  rm -f "$envfile"
}

start() {
  stop
  sh_ensure_user
  dir=$(mktemp -d /tmp/selfhost-itest.XXXXXX)
  # on failure, show what the services said (CI has nothing else to look
  # at), then stop what did start: without itest.env `stop` cannot find it
  trap 'for f in "$dir"/log/*; do echo "--- $f"; tail -n 20 "$f"; done >&2
        sh_nginx_stop "$dir"; sh_fcgi_stop "$dir"; sh_fcgi_stop "$dir" selfserv-webhook; sh_pg_stop "$dir"
        [ -n "${ITEST_KEEP:-}" ] || rm -rf "$dir"' ERR EXIT

  chmod 755 "$dir"
  chown "$SELFHOST_USER:" "$dir"
  # binaries are copied in: the service account may not reach the build dir
  mkdir -p "$dir/bin" "$dir/etc" "$dir/log"
  cp "$build/fcgi/selfserv" "$build/selfctl/selfctl" "$build/manager/selfpmgr" \
     "$build/worker/selfpwrk" "$build/deploy/selfsup/selfsup" "$dir/bin/"
  export SELFHOST_SELFSUP=$dir/bin/selfsup
  chown -R "$SELFHOST_USER:" "$dir"
  # the console, /docs/ and /openapi3.json (BUILD/www, from sh_www_build)
  sh_www_install "$build" "$dir"
  cat > "$dir/etc/selfhost.conf" <<CONF
[server]
log_level = info
domainfile = domains.conf
max_body = 1048576
state_dir = $dir/run
[rate_control]
req_per_hour = 0
[manager]
socket = $dir/run/selfpmgr.sock
[programs]
webhook_max_body = 65536
CONF
  chown -R "$SELFHOST_USER:" "$dir/etc"
  SELFHOST_PG_FSYNC=off sh_pg_start "$dir"
  sh_pg_createdb "$dir" itest_main
  local out token
  out=$(sh_as_user "$dir/bin/selfctl" -c "$dir/etc/selfhost.conf" domain add itest \
          --db "$(sh_pg_uri "$dir" itest_main)") || sh_die "selfctl domain add failed"
  token=$(printf '%s\n' "$out" | grep '^secret-token\.' || true)
  [ -n "$token" ] || sh_die "no token from selfctl domain add: $out"
  local hooks=${ITEST_WEBHOOK_POOL:-4}
  sh_fcgi_start "$dir" "${ITEST_POOL:-2}" "$dir/etc/selfhost.conf" "$dir/bin/selfserv"
  sh_fcgi_start "$dir" "$hooks" "$dir/etc/selfhost.conf" "$dir/bin/selfserv" selfserv-webhook 4
  local port tries
  # a port found free can be taken before nginx binds it (other test worlds
  # run at the same time): try a few
  for tries in 1 2 3 4 5; do
    (SELFHOST_NGINX_LIMIT_REQ="# no per-IP limit in tests" sh_nginx_start "$dir" "$(sh_free_port)" "$src" "$hooks") &&
      break
    [ "$tries" -lt 5 ] || sh_die "nginx did not start; see $dir/log/nginx-error.log"
  done
  port=$(sed -n 's/^ *listen 127.0.0.1:\([0-9]*\);/\1/p' "$dir/nginx/nginx.conf")
  cat > "$envfile" <<ENV
ITEST_DIR=$dir
ITEST_URL=http://127.0.0.1:$port
ITEST_DOMAIN=itest
ITEST_TOKEN=$token
ITEST_CONFIG=$dir/etc/selfhost.conf
ITEST_PGHOST=$dir/run
ITEST_SELFCTL=$dir/bin/selfctl
ITEST_SELFSERV=$dir/bin/selfserv
ITEST_SELFPMGR=$dir/bin/selfpmgr
ITEST_SELFPWRK=$dir/bin/selfpwrk
ITEST_SELFSUP=$dir/bin/selfsup
ITEST_WEBHOOK_POOL=$hooks
ITEST_SRC=$src
ENV
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "itest:$token" "http://127.0.0.1:$port/v2/users/me" || true)
  [ "$code" = 200 ] || sh_die "harness: /v2/users/me answered $code (logs in $dir/log)"
  trap - ERR EXIT
  echo "integration world up: $dir, http://127.0.0.1:$port"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop BUILD_DIR [SRC_DIR]" >&2; exit 2 ;;
esac
