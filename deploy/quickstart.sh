#!/usr/bin/env bash
# quickstart.sh — a complete local selfhost on http://127.0.0.1:8080:
# installs missing Debian packages, builds, creates a PostgreSQL cluster in
# ./var, migrates it, creates the domain "demo" with a fresh admin token,
# starts two selfserv pools behind nginx (the API's, and one for webhooks,
# so slow programs never hold an API responder), the program manager
# (selfpmgr) and a worker (selfpwrk), and prints the token and a curl line.
# Each of the four is supervised by selfsup, which restarts whatever dies,
# for ever, backing off while it keeps dying young; `status` says what
# runs and what was restarted. Logs go to ./var/log, rotated by
# var/etc/logrotate.conf when root's cron runs it. Idempotent: a second run reuses ./var and
# restarts, with the settings of the run before (var/etc/quickstart.env)
# unless the environment names others. It installs only the Debian
# packages it uses, and leaves no system service started or enabled that
# was not (sh_install_packages in deploy/lib/common.sh).
#
#   ./deploy/quickstart.sh          start (or restart)
#   ./deploy/quickstart.sh stop     stop everything it started
#   ./deploy/quickstart.sh status   what is running, what was restarted
#   ./deploy/quickstart.sh add-domain NAME URI   serve another database (an
#                                   existing Self-host one as it is) too
#   ./deploy/quickstart.sh remove-domain NAME    stop serving it
# Domains are picked up and dropped by the running responders within a
# second, without a restart; requests for other domains are not disturbed.
#
# Environment (each remembered for the next run; defaults in parentheses):
# SELFHOST_PORT (8080), SELFHOST_POOL (API responders, 4),
# SELFHOST_WEBHOOK_POOL (webhook responders, 8), SELFHOST_WORKERS (program
# workers, 1), SELFHOST_RATE_PER_HOUR (requests/hour per token, 0 = rate
# control off, which also drops nginx's per-IP limit; 600),
# SELFHOST_RATE_BURST (requests a token may make at once, 100: the docs'
# tutorials run in one go). Not remembered: SELFHOST_BUILD (the build
# folder, ./build), SELFHOST_NO_BUILD=1 (use it as it is: no cmake, no
# npm), SELFHOST_SELFCTL_LINK (where selfctl is linked, /usr/local/bin/selfctl;
# empty: nowhere).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
VAR=$SRC/var
BUILD=${SELFHOST_BUILD:-$SRC/build}
DOMAIN=demo
. deploy/lib/common.sh
export SELFHOST_SELFSUP=$BUILD/deploy/selfsup/selfsup

# The settings: the environment's, else those of the run before (kept in
# var/etc/quickstart.env; for a ./var made before that file, the port in
# var/run/port and the rate in var/etc/selfhost.conf), else the defaults.
SETTINGS=$VAR/etc/quickstart.env
remembered() {
  local v=""
  [ -f "$SETTINGS" ] && v=$(sed -n "s/^$1=//p" "$SETTINGS" | tail -n 1)
  if [ -z "$v" ] && [ ! -f "$SETTINGS" ]; then
    case $1 in
      SELFHOST_PORT) v=$(cat "$VAR/run/port" 2>/dev/null || true) ;;
      SELFHOST_RATE_PER_HOUR) v=$(sed -n 's/^req_per_hour *= *//p' "$VAR/etc/selfhost.conf" 2>/dev/null | head -n 1) ;;
    esac
  fi
  printf '%s\n' "$v"
}
setting() { # NAME DEFAULT: the environment's value, the remembered one, or DEFAULT
  local v=${!1:-}
  [ -n "$v" ] || v=$(remembered "$1")
  printf '%s\n' "${v:-$2}"
}
PORT=$(setting SELFHOST_PORT 8080)
POOL=$(setting SELFHOST_POOL 4)
WEBHOOK_POOL=$(setting SELFHOST_WEBHOOK_POOL 8)
WORKERS=$(setting SELFHOST_WORKERS 1)
RATE=$(setting SELFHOST_RATE_PER_HOUR 600)
BURST=$(setting SELFHOST_RATE_BURST 100)

status() {
  local bin; bin=$(sh_pg_bindir 2>/dev/null || true)
  if [ -n "$bin" ] && [ -d "$VAR/pgdata" ] &&
     sh_as_user "$bin/pg_ctl" -D "$VAR/pgdata" status >/dev/null 2>&1; then
    echo "postgresql: running ($VAR/pgdata)"; else echo "postgresql: stopped"; fi
  sh_sup_status "$VAR" selfserv "API responders"
  sh_sup_status "$VAR" selfserv-webhook "webhook responders"
  sh_sup_status "$VAR" selfpmgr "program manager"
  sh_sup_status "$VAR" selfpwrk "program workers"
  if [ -f "$VAR/run/nginx.pid" ] && kill -0 "$(cat "$VAR/run/nginx.pid")" 2>/dev/null; then
    echo "nginx: running on http://127.0.0.1:$(cat "$VAR/run/port" 2>/dev/null || echo "$PORT")"
  else echo "nginx: stopped"; fi
}

stop() {
  sh_nginx_stop "$VAR"
  sh_programs_stop "$VAR"
  sh_fcgi_stop "$VAR"
  sh_fcgi_stop "$VAR" selfserv-webhook
  sh_pg_stop "$VAR"
  echo "selfhost stopped"
}

check_settings() {
  case $RATE in ''|*[!0-9]*) sh_die "SELFHOST_RATE_PER_HOUR must be a number, got '$RATE'";; esac
  local n
  for n in "$POOL" "$WEBHOOK_POOL" "$WORKERS" "$BURST"; do
    case $n in ''|*[!0-9]*|0) sh_die "SELFHOST_POOL, SELFHOST_WEBHOOK_POOL, SELFHOST_WORKERS and SELFHOST_RATE_BURST must be numbers from 1, got '$n'";; esac
  done
  case $PORT in ''|*[!0-9]*|0) sh_die "SELFHOST_PORT must be a port number, got '$PORT'";; esac
  [ "$PORT" -le 65535 ] || sh_die "SELFHOST_PORT must be a port number, got '$PORT'"
}

# var/etc/quickstart.env: this run's settings, for the next run.
save_settings() {
  mkdir -p "$VAR/etc"
  cat > "$SETTINGS.tmp" <<ENV
# Written by deploy/quickstart.sh: the settings of its last start, used by
# the next one unless the environment names others.
SELFHOST_PORT=$PORT
SELFHOST_RATE_PER_HOUR=$RATE
SELFHOST_RATE_BURST=$BURST
SELFHOST_POOL=$POOL
SELFHOST_WEBHOOK_POOL=$WEBHOOK_POOL
SELFHOST_WORKERS=$WORKERS
ENV
  mv "$SETTINGS.tmp" "$SETTINGS"
}

write_config() {
  local rate=$RATE
  mkdir -p "$VAR/etc"
  cat > "$VAR/etc/selfhost.conf" <<CONF
# Written by deploy/quickstart.sh on every start; edit the script's
# environment (SELFHOST_RATE_PER_HOUR, …) rather than this file.
[server]
log_level = info
log_target = stderr
domainfile = domains.conf
state_dir = $VAR/run

[database]
connect_timeout = 5

[rate_control]
req_per_hour = $rate
maxburst = $BURST
cleanup = 1800

[manager]
socket = $VAR/run/selfpmgr.sock
CONF
  if [ "$rate" = 0 ]; then
    export SELFHOST_NGINX_LIMIT_REQ="# rate control off (SELFHOST_RATE_PER_HOUR=0)"
  fi
  chown -R "$SELFHOST_USER:" "$VAR/etc"
}

# var/etc/logrotate.conf: rotation of var/log, for root's cron (docs/deployment.md,
# "Logs and their rotation"). The pools, selfpmgr, selfpwrk and PostgreSQL
# (pg_ctl -l) write to a stderr opened in append mode and never reopen it:
# copytruncate. nginx reopens its logs on SIGUSR1: renamed, then signalled.
write_logrotate() {
  rm -f "$VAR/etc/logrotate.conf"
  cat > "$VAR/etc/logrotate.conf" <<CONF
# Written by deploy/quickstart.sh on every start. Run daily as root, e.g.
# from /etc/cron.daily or crontab -e:
#   logrotate -s "$VAR/run/logrotate.state" "$VAR/etc/logrotate.conf"
daily
rotate 7
maxsize 50M
compress
delaycompress
missingok
notifempty

"$VAR/log/selfserv.log" "$VAR/log/selfserv-webhook.log" "$VAR/log/selfpmgr.log"
"$VAR/log/selfpwrk.log" "$VAR/log/postgresql.log" {
    copytruncate
}
"$VAR/log/nginx-access.log" "$VAR/log/nginx-error.log" {
    sharedscripts
    postrotate
        [ ! -s "$VAR/run/nginx.pid" ] || kill -USR1 "\$(cat "$VAR/run/nginx.pid")"
    endscript
}
CONF
  chmod 644 "$VAR/etc/logrotate.conf"
}

selfctl() { sh_as_user "$BUILD/selfctl/selfctl" -c "$VAR/etc/selfhost.conf" "$@"; }

# var/bin/selfctl: the built selfctl with this instance's -c, run as the
# service account; linked as /usr/local/bin/selfctl when that is free (or
# already a quickstart's). Prints how to call it.
SELFCTL_HINT=""
install_selfctl() {
  mkdir -p "$VAR/bin"
  cat > "$VAR/bin/selfctl" <<WRAP
#!/bin/sh
# Written by deploy/quickstart.sh: selfctl for the instance in $VAR
if [ "\$(id -u)" = 0 ]; then
  exec setpriv --reuid=$SELFHOST_USER --regid=$SELFHOST_USER --init-groups env HOME=/tmp \\
    "$BUILD/selfctl/selfctl" -c "$VAR/etc/selfhost.conf" "\$@"
fi
exec "$BUILD/selfctl/selfctl" -c "$VAR/etc/selfhost.conf" "\$@"
WRAP
  chmod 755 "$VAR/bin/selfctl"
  local link=${SELFHOST_SELFCTL_LINK-/usr/local/bin/selfctl}
  SELFCTL_HINT="$VAR/bin/selfctl"
  if [ -n "$link" ] && [ "$(id -u)" = 0 ] && { [ ! -e "$link" ] || [[ $(readlink "$link") == */var/bin/selfctl ]]; }; then
    mkdir -p "${link%/*}" && ln -sfn "$VAR/bin/selfctl" "$link" && SELFCTL_HINT=${link##*/}
  fi
}

ensure_domain() {
  local uri; uri=$(sh_pg_uri "$VAR" "selfhost_$DOMAIN")
  sh_pg_createdb "$VAR" "selfhost_$DOMAIN"
  if ! selfctl domain list | cut -f1 | grep -qx "$DOMAIN"; then
    local out
    out=$(selfctl domain add "$DOMAIN" --db "$uri") || sh_die "selfctl domain add failed"
    printf '%s\n' "$out" | grep -v -e '^secret-token\.' -e "token for domain" >&2
    printf '%s\n' "$out" | grep '^secret-token\.' > "$VAR/etc/$DOMAIN.token" || true
  fi
  # a ./var made by an older build: bring its schema up to this build's
  selfctl db migrate up --domain "$DOMAIN" >/dev/null || sh_die "cannot migrate domain $DOMAIN"
  if [ ! -s "$VAR/etc/$DOMAIN.token" ]; then
    selfctl token create --domain "$DOMAIN" --user root --name quickstart > "$VAR/etc/$DOMAIN.token" ||
      sh_die "cannot create a token"
  fi
  chmod 600 "$VAR/etc/$DOMAIN.token"
}

start() {
  check_settings
  sh_install_packages
  if [ -z "${SELFHOST_NO_BUILD:-}" ]; then
    sh_build "$BUILD"
    sh_www_build "$BUILD"   # the console, /docs/ and /openapi3.json (npm ci in console/)
  fi
  [ -x "$BUILD/fcgi/selfserv" ] || sh_die "no selfserv in $BUILD (built?)"
  sh_ensure_user
  mkdir -p "$VAR"
  chown "$SELFHOST_USER:" "$VAR"
  # the service account must reach ./var through the checkout's folders
  [ -x "$SRC" ] || chmod o+x "$SRC"
  write_config
  save_settings
  chown -R "$SELFHOST_USER:" "$VAR/etc"
  write_logrotate   # root's: logrotate run as root ignores a file root does not own
  sh_pg_start "$VAR"
  ensure_domain
  sh_fcgi_start "$VAR" "$POOL" "$VAR/etc/selfhost.conf" "$BUILD/fcgi/selfserv"
  sh_fcgi_start "$VAR" "$WEBHOOK_POOL" "$VAR/etc/selfhost.conf" "$BUILD/fcgi/selfserv" \
    selfserv-webhook 4
  sh_programs_start "$VAR" "$VAR/etc/selfhost.conf" "$BUILD" "$WORKERS"
  sh_www_install "$BUILD" "$VAR"
  sh_nginx_start "$VAR" "$PORT" "$SRC" "$WEBHOOK_POOL"
  echo "$PORT" > "$VAR/run/port"
  install_selfctl

  local token code
  token=$(cat "$VAR/etc/$DOMAIN.token")
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "$DOMAIN:$token" "http://127.0.0.1:$PORT/v2/users/me" || true)
  [ "$code" = 200 ] || sh_die "the API did not answer 200 (got $code); see $VAR/log/"
  cat <<MSG

selfhost is running on http://127.0.0.1:$PORT  (domain: $DOMAIN, $POOL API responders,
  $WEBHOOK_POOL webhook responders, program manager + $WORKERS worker(s), all supervised)
  admin token (root of domain $DOMAIN; also in var/etc/$DOMAIN.token):
    $token
  try:
    curl -u '$DOMAIN:$token' http://127.0.0.1:$PORT/v2/users/me
  console: http://127.0.0.1:$PORT/console/ (domain $DOMAIN, the token above)
  API documentation: http://127.0.0.1:$PORT/docs/  (OpenAPI: /openapi3.json)
  logs: var/log/ (rotation: logrotate -s var/run/logrotate.state var/etc/logrotate.conf, from cron)
  stop: ./deploy/quickstart.sh stop   status: ./deploy/quickstart.sh status
  operator CLI: $SELFCTL_HINT --help   (e.g. $SELFCTL_HINT domain list, $SELFCTL_HINT pmgr status)
MSG
}

add_domain() {
  [ $# -eq 2 ] || sh_die "usage: $0 add-domain NAME URI"
  [ -f "$VAR/etc/selfhost.conf" ] || sh_die "no quickstart instance in $VAR (run $0 first)"
  selfctl domain add "$1" --db "$2" || exit 1
}

remove_domain() {
  [ $# -eq 1 ] || sh_die "usage: $0 remove-domain NAME"
  [ "$1" != "$DOMAIN" ] || sh_die "the demo domain stays; stop the instance instead"
  selfctl domain remove "$1" || exit 1
}

case ${1:-start} in
  start) start ;;
  add-domain) shift; add_domain "$@" ;;
  remove-domain) shift; remove_domain "$@" ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" ;;
  *) echo "usage: $0 [start|stop|status|add-domain NAME URI|remove-domain NAME]" >&2; exit 2 ;;
esac
