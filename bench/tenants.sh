#!/usr/bin/env bash
# tenants.sh — many domains on one PostgreSQL (issue 14), in one command
# (as root, like bench/run.sh). A cluster of its own in var/tenants with
# max_connections = 100 and 1000 domain databases (copies of one migrated
# template, made once and kept: about 19 MB each), a pool of 4 selfserv
# responders behind nginx and the program manager, all with the default
# connection budget (database.connections 50, manager.connections 10).
# For 10, 100 and 1000 domains:
#   - wrk, reads and writes spread at random over every domain: req/s,
#     p50/p99, statuses, the most connections seen in pg_stat_activity;
#   - one request at a time to each domain in turn, so that each finds its
#     connection closed (40 slots, far more domains): p50/p99 of such a
#     "cold" request, beside PostgreSQL's own time for a new connection
#     (psql's wall time for SELECT 1 on a domain database, start-up
#     included, and that of SELECT 1 on a connection kept open).
# Writes bench/results/tenants.md. bench/README.md explains the numbers.
#
#   bench/tenants.sh            everything (the first run also makes the databases)
#   bench/tenants.sh --quick    5 s of wrk, 200 cold requests
#   bench/tenants.sh --clean    remove var/tenants
#
# Environment: BENCH_BUILD (build), BENCH_WRK_SECONDS (20), BENCH_WRK_CONNS
# (16), BENCH_COLD (1000 cold requests), BENCH_POOL (4).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd) BENCH=$(pwd)/bench
export LC_ALL=C TZ=UTC
. deploy/lib/common.sh
BUILD=$(cd "${BENCH_BUILD:-build}" 2>/dev/null && pwd) || sh_die "no build folder ${BENCH_BUILD:-build} (cmake --build build first)"
W=$SRC/var/tenants
SECS=${BENCH_WRK_SECONDS:-20} CONNS=${BENCH_WRK_CONNS:-16} COLD=${BENCH_COLD:-1000} POOL=${BENCH_POOL:-4}
SCALES="10 100 1000" MAXN=1000
SERIES=00000000-0000-4000-8000-0000000000aa
for arg; do
  case $arg in
    --quick) SECS=5 COLD=200 ;;
    --clean) [ -d "$W/pgdata" ] && sh_as_user "$(sh_pg_bindir)/pg_ctl" -D "$W/pgdata" -m fast -w stop >/dev/null 2>&1
             rm -rf "$W"; echo "removed $W"; exit 0 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sh_die "unknown argument '$arg' (see --help)" ;;
  esac
done
sh_install_packages wrk
sh_ensure_user
BIN=$(sh_pg_bindir) PSQL=$(sh_pg_bindir)/psql
export SELFHOST_SELFSUP=$W/bin/selfsup
TMP=$(mktemp -d /tmp/selfhost-tenants.XXXXXX)
MON=""
stop_all() {
  [ -n "$MON" ] && kill "$MON" 2>/dev/null
  sh_programs_stop "$W"; sh_nginx_stop "$W"; sh_fcgi_stop "$W"
  sh_as_user "$BIN/pg_ctl" -D "$W/pgdata" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap stop_all EXIT
say() { sh_log "== $*"; }
q() { "$PSQL" -X -q -tA -v ON_ERROR_STOP=1 -h "$W/run" -U postgres "$@"; }
uri() { printf 'postgresql:///%s?host=%s/run&user=postgres\n' "$1" "$W"; }

# ---- the cluster and the databases (made once) ---------------------------------
mkdir -p "$W/run" "$W/log" "$W/etc" "$W/bin" "$W/b/manager" "$W/b/worker"
cp "$BUILD/fcgi/selfserv" "$BUILD/selfctl/selfctl" "$BUILD/deploy/selfsup/selfsup" "$W/bin/"
cp "$BUILD/manager/selfpmgr" "$W/b/manager/"; cp "$BUILD/worker/selfpwrk" "$W/b/worker/"
chown -R "$SELFHOST_USER:" "$W"
if [ ! -s "$W/pgdata/PG_VERSION" ]; then
  sh_as_user "$BIN/initdb" -D "$W/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
# fsync off: making 1000 databases durable would take most of an hour; the
# writes measured here are not waiting for the disk either (see README).
# plpgsql preloaded, as the quickstart's cluster has it (docs/deployment.md)
sh_as_user "$BIN/pg_ctl" -D "$W/pgdata" -l "$W/log/postgresql.log" -w -t 60 \
  -o "-c listen_addresses='' -k $W/run -c fsync=off -c max_connections=100 -c shared_preload_libraries=plpgsql" start >/dev/null
cat > "$W/etc/selfhost.conf" <<CONF
[server]
log_level = warn
domainfile = domains.conf
state_dir = $W/run
[rate_control]
req_per_hour = 0
[manager]
socket = $W/run/selfpmgr.sock
CONF
chown -R "$SELFHOST_USER:" "$W/etc"
CONF=$W/etc/selfhost.conf
if [ "$(q -c "SELECT count(*) FROM pg_database WHERE datname = 'tenant_tmpl'" postgres)" = 0 ]; then
  say "template: migrated by selfctl domain add, one series"
  q -c "CREATE DATABASE tenant_tmpl" postgres
  sh_as_user "$W/bin/selfctl" -c "$CONF" domain add tmpl --db "$(uri tenant_tmpl)" 2>/dev/null |
    grep '^secret-token\.' > "$W/etc/token"
  sh_as_user "$W/bin/selfctl" -c "$CONF" domain remove tmpl >/dev/null 2>&1
  q -c "INSERT INTO timeseries (uuid, name, si_unit) VALUES ('$SERIES', 'tenant', 'C')" tenant_tmpl
fi
TOKEN=$(cat "$W/etc/token")
have=$(q -c "SELECT count(*) FROM pg_database WHERE datname ~ '^t[0-9]+$'" postgres)
if [ "$have" -lt "$MAXN" ]; then
  say "databases: making $((MAXN - have)) more copies of the template (once; minutes)"
  t0=$SECONDS
  for half in 0 1; do
    for i in $(seq "$MAXN"); do
      [ $((i % 2)) = $half ] && echo "SELECT 'CREATE DATABASE t$i TEMPLATE tenant_tmpl' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 't$i')
\\gexec"
    done | q postgres &
  done
  wait
  MADE="made $((MAXN - have)) in $((SECONDS - t0)) s"
else
  MADE="present (made by an earlier run)"
fi
# databases an earlier build made: migrated up to this build's schema (the
# template first, so that later copies need nothing)
latest=$(sh_as_user "$W/bin/selfctl" db migrate status --db "$(uri tenant_tmpl)" 2>/dev/null |
         sed -n 's/^version [0-9]* of \([0-9]*\)$/\1/p')
if [ -n "$latest" ] && [ "$(q -c 'SELECT max(version) FROM schema_migrations' tenant_tmpl)" != "$latest" ]; then
  say "databases: migrating the template and the $MAXN copies up to version $latest (once)"
  t0=$SECONDS
  for name in tenant_tmpl $(seq -f 't%g' "$MAXN"); do echo "$name"; done |
    xargs -P 2 -I{} sh -c "runuser -u $SELFHOST_USER -- '$W/bin/selfctl' db migrate up --db '$(uri '{}')' >/dev/null" ||
    sh_die "selfctl db migrate up failed on a tenant database"
  MADE="$MADE; migrated up to $latest in $((SECONDS - t0)) s"
fi

# ---- the instance ------------------------------------------------------------------
domains() { # the domain file for t1..t$1 (rename: responders see it whole)
  { echo "[domains]"; for i in $(seq "$1"); do echo "t$i = $(uri "t$i")"; done; } > "$W/etc/domains.tmp"
  chown "$SELFHOST_USER:" "$W/etc/domains.tmp"; chmod 640 "$W/etc/domains.tmp"
  mv "$W/etc/domains.tmp" "$W/etc/domains.conf"
  sleep 1.5
}
domains 10
sh_fcgi_start "$W" "$POOL" "$CONF" "$W/bin/selfserv"
for tries in 1 2 3 4 5; do
  (SELFHOST_NGINX_LIMIT_REQ="# none" sh_nginx_start "$W" "$(sh_free_port)" "$SRC") && break
done
URL=http://127.0.0.1:$(sed -n 's/^ *listen 127.0.0.1:\([0-9]*\);/\1/p' "$W/nginx/nginx.conf")
sh_programs_start "$W" "$CONF" "$W/b" 1
[ "$(curl -s -o /dev/null -w '%{http_code}' -u "t1:$TOKEN" "$URL/v2/users/me")" = 200 ] ||
  sh_die "t1 does not answer 200 (logs in $W/log)"

# pg_stat_activity every 0.2 s: "selfserv selfpmgr all"
( while :; do
    q -F' ' -c "SELECT count(*) FILTER (WHERE application_name = 'selfserv'),
                       count(*) FILTER (WHERE application_name = 'selfpmgr'), count(*)
                FROM pg_stat_activity WHERE backend_type = 'client backend'" postgres 2>/dev/null
    sleep 0.2
  done > "$TMP/activity" ) &
MON=$!
peak() { awk -v from="$1" 'NR > from { if ($1 > s) s = $1; if ($2 > m) m = $2; if ($3 > a) a = $3 }
         END { printf "%d + %d (all clients %d)", s, m, a }' "$TMP/activity"; }
lat() {
  awk -v k="$1" '$1 == k { v = $2; x = v + 0
    if (v ~ /us$/) x /= 1000; else if (v ~ /ms$/) x += 0; else if (v ~ /s$/) x *= 1000
    printf "%.1f", x }' "$2"
}
# stats FILE SCALE: median p99 of the numbers in FILE times SCALE
stats() { sort -n "$1" | awk -v f="$2" '{ v[NR] = $1 * f } END {
  p = int(NR * 0.99 + 0.999); if (p > NR) p = NR; printf "%.2f %.2f", v[int((NR + 1) / 2)], v[p] }'; }

ROWS=$TMP/rows.md; : > "$ROWS"
COLDROWS=$TMP/cold.md; : > "$COLDROWS"
PROBLEMS=$TMP/problems; : > "$PROBLEMS"
for n in $SCALES; do
  domains "$n"
  say "$n domains: wrk -t2 -c$CONNS -d${SECS}s (users/me, a day of data, a one-point write; random domain)"
  from=$(wc -l < "$TMP/activity")
  TENANTS_N=$n TENANTS_TOKEN=$TOKEN TENANTS_SERIES=$SERIES \
    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$BENCH/tenants.lua" "$URL" > "$TMP/wrk.txt" 2>&1 ||
    { cat "$TMP/wrk.txt" >&2; sh_die "wrk failed"; }
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/wrk.txt")
  st=$(sed -n 's/^statuses: //p' "$TMP/wrk.txt")
  if grep -q 'Non-2xx\|Socket errors' "$TMP/wrk.txt" || ! [[ $st =~ ^(20[01]=[0-9]+ ?)+$ ]]; then
    echo "- $n domains, wrk: $st $(grep 'Non-2xx\|Socket errors' "$TMP/wrk.txt" | xargs)" >> "$PROBLEMS"
  fi
  printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$rps" "$(lat 50% "$TMP/wrk.txt")" \
    "$(lat 99% "$TMP/wrk.txt")" "$st" "$(peak "$from")" >> "$ROWS"

  cold=$COLD; [ "$n" -ge 100 ] || cold=0
  if [ "$cold" -gt 0 ]; then
    say "$n domains: $cold requests one at a time, each to the next domain (its connection closed)"
    : > "$TMP/cold"; : > "$TMP/psql"; : > "$TMP/warm"
    echo 'SELECT 1;' > "$TMP/one.sql"; chmod a+r "$TMP/one.sql"
    for i in $(seq "$cold"); do
      d=t$(( (i - 1) % n + 1 ))
      if [ $((i % 10)) = 5 ]; then
        # PostgreSQL alone, on a database its turn finds as cold as ours:
        # a new connection and SELECT 1 (pgbench -C: its own start-up left out)
        "$BIN/pgbench" -n -C -t 1 -f "$TMP/one.sql" -h "$W/run" -U postgres "$d" 2>/dev/null |
          sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' >> "$TMP/psql"
        continue
      fi
      read -r code t < <(curl -s -o /dev/null -u "$d:$TOKEN" -w '%{http_code} %{time_total}\n' "$URL/v2/users/me")
      echo "$t" >> "$TMP/cold"
      [ "$code" = 200 ] || echo "- cold request to $d: $code" >> "$PROBLEMS"
    done
    # a kept connection: \timing of SELECT 1 in one psql session
    for i in $(seq 50); do echo 'SELECT 1;'; done | "$PSQL" -X -h "$W/run" -U postgres -At -c '\timing on' -f - t1 2>/dev/null |
      sed -n 's/^Time: \([0-9.]*\) ms/\1/p' > "$TMP/warm"
    read -r c50 c99 <<< "$(stats "$TMP/cold" 1000)"
    read -r p50 p99 <<< "$(stats "$TMP/psql" 1)"
    read -r w50 w99 <<< "$(stats "$TMP/warm" 1)"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$(wc -l < "$TMP/cold")" "$c50" "$c99" "$p50" "$p99" "$w50" >> "$COLDROWS"
    COLD99_LAST=$c99
  fi
done
kill "$MON" 2>/dev/null; MON=""
ALLPEAK=$(peak 0)

REPORT=$TMP/report.md
{
  echo "# selfhost: many domains on one PostgreSQL"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores," \
       "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- PostgreSQL $(q -c 'SHOW server_version' postgres), max_connections = $(q -c 'SHOW max_connections' postgres), fsync off;" \
       "$MAXN domain databases ($MADE)"
  echo "- $POOL selfserv responders, selfpmgr + 1 selfpwrk, nginx; default budget: database.connections = 50," \
       "manager.connections = 10 (responders 40); rate control off"
  echo "- source: $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$SRC" status --porcelain 2>/dev/null | grep -q . && echo ' + uncommitted changes'), binaries from $BUILD"
  echo
  echo "## Load over every domain (wrk -t2 -c$CONNS -d${SECS}s through nginx)"
  echo
  echo "Each request to a domain drawn at random: in turn GET /v2/users/me, GET one day of a series, POST one point (a new timestamp each)."
  echo "*connections* is the most pg_stat_activity showed during the run (sampled every 0.2 s): selfserv + selfpmgr (all client backends, the sampling psql included)."
  echo
  echo "| domains | requests/s | p50 ms | p99 ms | statuses | connections |"
  echo "|---:|---:|---:|---:|---|---|"
  cat "$ROWS"
  echo
  echo "## A request whose domain's connection had been closed"
  echo
  echo "GET /v2/users/me, one at a time, each to the next domain in turn: with 40 slots for the responders and more domains, each finds no connection of its own and opens one (closing the least recently used). curl's time_total through nginx."
  echo "Beside it PostgreSQL alone: every 10th turn, instead of our request, a new connection to that domain's database and \`SELECT 1\` (pgbench -C -t 1: its latency, connection included, its own start-up not), and \`SELECT 1\` on a kept connection (psql \\timing)."
  echo
  echo "| domains | requests | cold p50 ms | cold p99 ms | PostgreSQL new connection + SELECT 1 p50 ms | p99 ms | SELECT 1 kept connection ms |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  cat "$COLDROWS"
  echo
  echo "## Against the issue's targets"
  echo
  echo "| | target | here | |"
  echo "|---|---|---|---|"
  echo "| 5xx under the load at 10, 100, 1000 domains | none | $( [ -s "$PROBLEMS" ] && echo "see problems" || echo none) | $( [ -s "$PROBLEMS" ] && echo "NOT met" || echo met) |"
  echo "| p99 of a request whose connection had been closed, 1000 domains | < 20 ms | ${COLD99_LAST:-?} ms | $(awk -v x="${COLD99_LAST:-999}" 'BEGIN { print x < 20 ? "met" : "NOT met" }') |"
  echo "| connections of the selfhost processes (whole run) | <= 40 + 10 | $ALLPEAK | |"
  echo
  echo "## Problems seen"
  echo
  if [ -s "$PROBLEMS" ]; then cat "$PROBLEMS"; else echo "none: every answer was 200 or 201"; fi
} > "$REPORT"
mkdir -p "$BENCH/results"
cp "$REPORT" "$BENCH/results/tenants.md"
echo; cat "$REPORT"; echo; echo "(written to bench/results/tenants.md)"
