# common.sh — shell functions shared by deploy/quickstart.sh and tests/:
# Debian packages, the build, a PostgreSQL cluster in a folder, the selfserv
# pools under spawn-fcgi + selfsup, the program manager and its workers
# under selfsup, and nginx in front. Everything runs as the unprivileged
# system user `selfhost` (created when missing); only package installation
# needs root. Source it; it defines functions only.
#
# SELFHOST_SELFSUP names the supervisor binary (deploy/selfsup, built with
# the rest); each supervised group NAME writes DIR/run/NAME.state (what
# runs, what was restarted) and its supervisor's pid to DIR/run/NAME.pid.

SELFHOST_USER=${SELFHOST_USER:-selfhost}
# What the quickstart builds and runs with (the build, PostgreSQL, the
# pools under spawn-fcgi, nginx, curl for its check); tests/run.sh adds the
# test-only tools (lighttpd, cgi-fcgi, openssl, the packaging tools, ...).
SELFHOST_PACKAGES="gcc make cmake pkg-config libc6-dev libfcgi-dev libpq-dev libjson-c-dev
  libcurl4-openssl-dev libsodium-dev libcunit1-dev libyaml-dev libpcre2-dev spawn-fcgi nginx-light
  postgresql postgresql-client curl ca-certificates procps tzdata"

sh_log() { printf '%s\n' "$*" >&2; }
sh_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages of SELFHOST_PACKAGES (plus any given) that
# are missing; does nothing when all are there. It starts and enables no
# service: during apt-get a temporary /usr/sbin/policy-rc.d (unless one is
# there) denies every start, a temporary createcluster.d file keeps a new
# PostgreSQL from making its "main" cluster, and the boot links (systemd
# *.wants/, /etc/rc?.d/S*) the packages' scripts added are removed again,
# as `systemctl disable` would. Services that were enabled before stay so.
sh_install_packages() {
  local missing="" p
  for p in $SELFHOST_PACKAGES "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" -eq 0 ] || sh_die "missing packages:$missing (run as root, or install them)"
  sh_log "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  local before; before=$(sh_boot_links)
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# selfhost: no service starts during this apt-get\nexit 101\n' > "$policy" &&
      chmod 755 "$policy" && created_policy=1
  fi
  local nocluster=/etc/postgresql-common/createcluster.d/selfhost-no-main-cluster.conf created_nocluster=""
  if [[ " $missing " =~ \ postgresql(-[0-9]+)?\  ]] && [ ! -e "$nocluster" ]; then
    mkdir -p "${nocluster%/*}" &&
      printf '# selfhost: no "main" cluster while apt-get installs PostgreSQL\ncreate_main_cluster = false\n' \
        > "$nocluster" && created_nocluster=1
  fi
  local rc=0
  apt-get update -qq >&2 || rc=$?
  # shellcheck disable=SC2086 # a list of names
  [ $rc -ne 0 ] || apt-get install -y -qq --no-install-recommends $missing >&2 || rc=$?
  [ -n "$created_policy" ] && rm -f "$policy"
  [ -n "$created_nocluster" ] && rm -f "$nocluster"
  sh_boot_links_undo "$before"
  [ $rc -eq 0 ] || sh_die "apt-get install failed"
}

# The links that start services at boot, one a line: systemd's
# /etc/systemd/system/*.wants/ and *.requires/, and System V's
# /etc/rc?.d/S*; sorted as one list in the C locale, as comm wants it.
sh_boot_links() {
  {
    find /etc/systemd/system -mindepth 2 -maxdepth 2 \( -path '*.wants/*' -o -path '*.requires/*' \) \
      2>/dev/null
    ls -d /etc/rc[0-6S].d/S* 2>/dev/null
  } | LC_ALL=C sort
}

# sh_boot_links_undo BEFORE: disables the services of the boot links that
# are there now but not in BEFORE (a list from sh_boot_links), by their
# own tools where they exist (systemctl, deb-systemd-helper, update-rc.d,
# which also keep a later upgrade from enabling them again), else by
# removing the links.
sh_boot_links_undo() {
  local before=$1 link unit name
  local added; added=$(LC_ALL=C comm -13 <(printf '%s\n' "$before") <(sh_boot_links))
  for link in $added; do
    [ -L "$link" ] || [ -e "$link" ] || continue
    case $link in
      /etc/systemd/*)
        unit=${link##*/}
        if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
          systemctl disable --quiet "$unit" >&2 || true
        elif command -v deb-systemd-helper >/dev/null 2>&1; then
          deb-systemd-helper disable "$unit" >&2 || true
        fi
        rm -f "$link" ;;
      /etc/rc*)
        name=${link##*/S[0-9][0-9]}
        update-rc.d "$name" disable >/dev/null 2>&1 || true
        rm -f "$link" ;;
    esac
    sh_log "disabled $link (enabled by the packages just installed)"
  done
  if [ -n "$added" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload >&2 || true; fi
}

# Configures and builds into $1 (default ./build) with extra cmake args.
sh_build() {
  local dir=${1:-build}; shift || true
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null || sh_die "cmake configure failed"
  cmake --build "$dir" -j"$(nproc)" >/dev/null || { cmake --build "$dir" -j1; sh_die "build failed"; }
}

# Creates the service account when it is missing.
sh_ensure_user() {
  id -u "$SELFHOST_USER" >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || sh_die "user $SELFHOST_USER is missing (run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$SELFHOST_USER" || sh_die "cannot create user $SELFHOST_USER"
}

# Runs a command as the service account (or as is, when we are it).
sh_as_user() {
  if [ "$(id -un)" = "$SELFHOST_USER" ]; then "$@"; else
    setpriv --reuid="$SELFHOST_USER" --regid="$SELFHOST_USER" --init-groups \
      env HOME=/tmp "$@"
  fi
}

sh_pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || sh_die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  printf '%s\n' "$d"
}

# pg_start DIR: a cluster in DIR/pgdata listening only on the Unix socket
# in DIR/run (port 5432 names the socket file; no TCP). Idempotent.
# plpgsql is loaded once by the postmaster (shared_preload_libraries), not
# by each new backend at its first call of a selfhost function: a
# millisecond off every new connection (docs/deployment.md, sizing).
sh_pg_start() {
  local dir=$1 bin; bin=$(sh_pg_bindir)
  mkdir -p "$dir/run" "$dir/log"
  chown "$SELFHOST_USER:" "$dir" "$dir/run" "$dir/log"
  if [ ! -s "$dir/pgdata/PG_VERSION" ]; then
    rm -rf "$dir/pgdata"
    sh_as_user "$bin/initdb" -D "$dir/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null ||
      sh_die "initdb failed"
  fi
  if sh_as_user "$bin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then return 0; fi
  sh_as_user "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/log/postgresql.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir/run -c fsync=${SELFHOST_PG_FSYNC:-on} -c shared_preload_libraries=plpgsql" start >/dev/null ||
    sh_die "PostgreSQL did not start; see $dir/log/postgresql.log"
}

sh_pg_stop() {
  local dir=$1 bin; bin=$(sh_pg_bindir)
  [ -d "$dir/pgdata" ] || return 0
  sh_as_user "$bin/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null 2>&1 || true
}

# URI of database $2 in the cluster of $1.
sh_pg_uri() { printf 'postgresql:///%s?host=%s/run&user=postgres\n' "$2" "$1"; }

# Creates database $2 in the cluster of $1 unless it exists.
sh_pg_createdb() {
  local dir=$1 name=$2 bin; bin=$(sh_pg_bindir)
  if ! sh_as_user "$bin/psql" -h "$dir/run" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$name'" postgres 2>/dev/null | grep -q 1; then
    sh_as_user /usr/bin/createdb -h "$dir/run" -U postgres "$name" || sh_die "createdb $name failed"
  fi
}

# fcgi_start DIR N CONF BIN [NAME [BACKLOG]]: N selfserv processes on the
# socket DIR/run/NAME.sock (NAME defaults to selfserv): spawn-fcgi binds it
# (listen backlog BACKLOG, default 1024) and, in no-fork mode, becomes
# selfsup, which keeps N responders running for ever (a crashed one is
# replaced, with a backoff while they keep dying young) and passes SIGTERM
# on. Its pid goes to DIR/run/NAME.pid, its state to DIR/run/NAME.state;
# the responders' stderr (their log) to DIR/log/NAME.log. (Forking
# spawn-fcgi would send that log to /dev/null.)
sh_fcgi_start() {
  local dir=$1 n=$2 conf=$3 bin=$4 name=${5:-selfserv} backlog=${6:-1024}
  local sup=${SELFHOST_SELFSUP:?SELFHOST_SELFSUP must name the selfsup binary}
  sh_fcgi_stop "$dir" "$name"
  rm -f "$dir/run/$name.sock" "$dir/run/$name.state"
  setsid spawn-fcgi -n -s "$dir/run/$name.sock" -b "$backlog" -M 0660 -u "$SELFHOST_USER" -g "$SELFHOST_USER" \
    -- "$sup" -n "$n" -l "$name" -s "$dir/run/$name.state" -k TERM -- "$bin" -c "$conf" \
    </dev/null >>"$dir/log/$name.log" 2>&1 &
  echo $! > "$dir/run/$name.pid"
  local _
  for _ in $(seq 100); do
    [ -S "$dir/run/$name.sock" ] && [ "$(sh_fcgi_count "$dir" "$name")" -ge "$n" ] && return 0
    kill -0 "$(cat "$dir/run/$name.pid")" 2>/dev/null || break
    sleep 0.05
  done
  sh_die "the $name pool did not start; see $dir/log/$name.log"
}

# Number of live processes of the supervised group NAME (default selfserv)
# in DIR: the children of its supervisor.
sh_fcgi_count() {
  local pid; pid=$(cat "$1/run/${2:-selfserv}.pid" 2>/dev/null) || { echo 0; return; }
  kill -0 "$pid" 2>/dev/null || { echo 0; return; }
  pgrep -c -P "$pid" || true
}
sh_sup_count() { sh_fcgi_count "$@"; }

# sh_sup_state DIR NAME KEY: a value from the supervisor's state file
# (want, running, restarts, last_exit, last_restart, …), "" without one.
sh_sup_state() { sed -n "s/^$3=//p" "$1/run/$2.state" 2>/dev/null | head -n 1; }

# sh_sup_status DIR NAME WHAT: one line for `quickstart.sh status`.
sh_sup_status() {
  local dir=$1 name=$2 what=$3 n want restarts last when
  n=$(sh_sup_count "$dir" "$name")
  if [ "$n" = 0 ]; then echo "$name: stopped"; return; fi
  want=$(sh_sup_state "$dir" "$name" want) restarts=$(sh_sup_state "$dir" "$name" restarts)
  printf '%s: %s of %s %s running, %s restart(s)' "$name" "$n" "${want:-?}" "$what" "${restarts:-0}"
  if [ "${restarts:-0}" != 0 ]; then
    last=$(sh_sup_state "$dir" "$name" last_exit) when=$(sh_sup_state "$dir" "$name" last_restart)
    printf ' (last: %s; restarted %s)' "$last" "$(date -d "@$when" '+%F %T' 2>/dev/null || echo "$when")"
  fi
  echo
}

sh_kill_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  for pid in $(cat "$f"); do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=""
    for pid in $(cat "$f"); do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for pid in $(cat "$f"); do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$f"
}

sh_fcgi_stop() { sh_kill_pidfile "$1/run/${2:-selfserv}.pid"; }

# sh_programs_start DIR CONF BIN [WORKERS]: the program manager and
# WORKERS (default 1) workers as the service user, each group under selfsup
# (restarted for ever, with a backoff); BIN is the folder holding
# manager/selfpmgr and worker/selfpwrk (a build folder), or selfpmgr and
# selfpwrk themselves. Logs in DIR/log, supervisor pids in
# DIR/run/selfpmgr.pid and DIR/run/selfpwrk.pid, states in *.state.
sh_programs_start() {
  local dir=$1 conf=$2 build=$3 n=${4:-1} pmgr pwrk
  local sup=${SELFHOST_SELFSUP:?SELFHOST_SELFSUP must name the selfsup binary}
  pmgr=$build/manager/selfpmgr pwrk=$build/worker/selfpwrk
  [ -x "$pmgr" ] || pmgr=$build/selfpmgr
  [ -x "$pwrk" ] || pwrk=$build/selfpwrk
  sh_programs_stop "$dir"
  local sock; sock=$(sed -n 's/^socket *= *//p' "$conf" | tail -n 1)
  rm -f "$dir/run/selfpmgr.state" "$dir/run/selfpwrk.state" "$sock" # a killed manager leaves its socket
  setsid setpriv --reuid="$SELFHOST_USER" --regid="$SELFHOST_USER" --init-groups env HOME=/tmp \
    "$sup" -n 1 -l selfpmgr -s "$dir/run/selfpmgr.state" -- "$pmgr" -c "$conf" \
    </dev/null >>"$dir/log/selfpmgr.log" 2>&1 &
  echo $! > "$dir/run/selfpmgr.pid"
  for _ in $(seq 100); do
    [ -S "$sock" ] && break
    kill -0 "$(cat "$dir/run/selfpmgr.pid")" 2>/dev/null || break
    sleep 0.05
  done
  [ -S "$sock" ] || sh_die "selfpmgr did not start; see $dir/log/selfpmgr.log"
  setsid setpriv --reuid="$SELFHOST_USER" --regid="$SELFHOST_USER" --init-groups env HOME=/tmp \
    "$sup" -n "$n" -l selfpwrk -s "$dir/run/selfpwrk.state" -- "$pwrk" -c "$conf" \
    </dev/null >>"$dir/log/selfpwrk.log" 2>&1 &
  echo $! > "$dir/run/selfpwrk.pid"
}

sh_programs_stop() {
  sh_kill_pidfile "$1/run/selfpwrk.pid"
  sh_kill_pidfile "$1/run/selfpmgr.pid"
}

# Number of live processes listed in DIR/run/NAME.pid.
sh_pidfile_count() {
  local n=0 pid
  for pid in $(cat "$1/run/$2.pid" 2>/dev/null); do kill -0 "$pid" 2>/dev/null && n=$((n + 1)); done
  echo "$n"
}

# nginx_start DIR PORT SRC [WEBHOOK_POOL]: nginx from
# conf/nginx/local.conf.in in DIR/nginx, the API pool on
# DIR/run/selfserv.sock and webhooks on DIR/run/selfserv-webhook.sock, at
# most WEBHOOK_POOL (default 8) connections to it at once.
sh_nginx_start() {
  local dir=$1 port=$2 src=$3 hooks=${4:-8}
  mkdir -p "$dir/nginx/tmp"
  chown -R "$SELFHOST_USER:" "$dir/nginx"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$SELFHOST_USER|g" \
      -e "s|@SRC@|$src|g" -e "s|@RATE@|${SELFHOST_NGINX_RATE:-20r/s}|g" \
      -e "s|@WEBHOOK_POOL@|$hooks|g" \
      -e "s|@LIMIT_REQ@|${SELFHOST_NGINX_LIMIT_REQ:-limit_req zone=perip burst=40 nodelay;}|g" \
      "$src/conf/nginx/local.conf.in" > "$dir/nginx/nginx.conf"
  sh_nginx_stop "$dir"
  nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/log/nginx-error.log" ||
    sh_die "nginx did not start; see $dir/log/nginx-error.log"
}

sh_nginx_stop() {
  local dir=$1 pid
  [ -f "$dir/run/nginx.pid" ] || return 0
  pid=$(cat "$dir/run/nginx.pid")
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/run/nginx.pid"
}

# A free loopback TCP port (nothing answers on it), below the kernel's
# range of ephemeral ports: a port in that range may be held at any time
# by some client's outgoing connection, and a listener then cannot bind it.
sh_free_port() {
  local p lo=32768 span
  read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  span=$(( lo - 1 - 10000 ))
  [ "$span" -ge 1000 ] || span=1000
  for _ in $(seq 200); do
    p=$(( 10000 + RANDOM % span ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { printf '%s\n' "$p"; return 0; }
  done
  sh_die "no free port found"
}

# sh_www_build BUILD: the console, the API docs and /openapi3.json as
# static files in BUILD/www (console/build.mjs), from the npm packages of
# console/package-lock.json (npm ci, run again only when the lock file
# changed; no install scripts). Installs Debian's nodejs and npm when
# there is no npm.
sh_www_build() {
  local build=${1:-build} src; src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  command -v npm >/dev/null 2>&1 || sh_install_packages nodejs npm
  if [ ! -f "$src/console/node_modules/.package-lock.json" ] ||
     [ "$src/console/package-lock.json" -nt "$src/console/node_modules/.package-lock.json" ]; then
    (cd "$src/console" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) ||
      sh_die "npm ci in console/ failed"
  fi
  node "$src/console/build.mjs" "$build/www" >/dev/null || sh_die "console/build.mjs failed"
}

# sh_www_install BUILD DIR: a copy of BUILD/www in DIR/www for the web
# server's user (a missing BUILD/www is skipped with a note).
sh_www_install() {
  local build=$1 dir=$2
  rm -rf "$dir/www"
  if [ ! -d "$build/www" ]; then
    sh_log "note: no $build/www (sh_www_build): /console/, /docs/ and /openapi3.json answer 404"
    return 0
  fi
  cp -r "$build/www" "$dir/www"
  chown -R "$SELFHOST_USER:" "$dir/www"
  chmod -R a+rX "$dir/www"
}
