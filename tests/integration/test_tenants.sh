#!/usr/bin/env bash
# test_tenants.sh — many domains on one PostgreSQL (issue 14). A cluster
# of its own with max_connections = 100, a pool of 4 responders behind
# nginx, the program manager and a worker, all with the default connection
# budget (database.connections 50, manager.connections 10):
#  - TENANTS_DOMAINS (300) domains, made from a migrated template database,
#    are added to the running instance (the domain file, and some with
#    `selfctl domain add` while the load runs and the budget is full);
#  - a load of reads and writes spread over all of them gets no 5xx;
#  - pg_stat_activity, sampled all along, never shows more selfserv
#    connections than the responders' share (40), more selfpmgr ones than
#    the manager's (10), or more than 50 together;
#  - a routine created in every domain is picked up by the manager within
#    60 s (`selfctl pmgr status`), within 2 s in a domain it listens on,
#    and runs (program_runs) in every domain;
#  - a responder killed with SIGKILL: its slots come back, and every
#    domain is still served.
. "$(dirname "$0")/lib.sh"
. "$ITEST_SRC/deploy/lib/common.sh"
N=${TENANTS_DOMAINS:-300}
REQUESTS=${TENANTS_REQUESTS:-4000}
W=$TMP/w
export SELFHOST_SELFSUP=$ITEST_SELFSUP
BIN=$(sh_pg_bindir)
PSQL="$BIN/psql"
SERIES=00000000-0000-4000-8000-0000000000aa
mkdir -p "$W/run" "$W/log" "$W/etc"
chown -R "$SELFHOST_USER:" "$W"

cleanup() {
  kill "$MONITOR" 2>/dev/null
  sh_programs_stop "$W"
  sh_nginx_stop "$W"
  sh_fcgi_stop "$W"
  sh_as_user "$BIN/pg_ctl" -D "$W/pgdata" -m immediate -w stop >/dev/null 2>&1
  if [ "$failed" -gt 0 ]; then
    rm -rf /tmp/selfhost-tenants-logs; cp -r "$W/log" /tmp/selfhost-tenants-logs
    for f in "$W"/log/*.log; do echo "--- $f"; grep -v ' info: ' "$f" | tail -n 15; done
  fi
  rm -rf "$TMP"
}
MONITOR=""
trap cleanup EXIT

q() { "$PSQL" -X -q -tA -v ON_ERROR_STOP=1 -h "$W/run" -U postgres "$@"; }
uri() { printf 'postgresql:///%s?host=%s/run&user=postgres\n' "$1" "$W"; }
t0=$SECONDS
elapsed() { echo "$((SECONDS - t0)) s"; }

# --- PostgreSQL with max_connections = 100 ------------------------------------
sh_as_user "$BIN/initdb" -D "$W/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
sh_as_user "$BIN/pg_ctl" -D "$W/pgdata" -l "$W/log/postgresql.log" -w -t 60 \
  -o "-c listen_addresses='' -k $W/run -c fsync=off -c max_connections=100" start >/dev/null
[ "$(q -c 'SHOW max_connections' postgres)" = 100 ]; verdict "own cluster with max_connections = 100"

cat > "$W/etc/selfhost.conf" <<CONF
[server]
domainfile = domains.conf
state_dir = $W/run
[rate_control]
req_per_hour = 0
[manager]
socket = $W/run/selfpmgr.sock
CONF
chown -R "$SELFHOST_USER:" "$W/etc"
CONF=$W/etc/selfhost.conf
sctl() { sh_as_user "$ITEST_SELFCTL" -c "$CONF" "$@"; }

# --- the template: migrated, a random root token, a series --------------------
q -c "CREATE DATABASE tenant_tmpl" postgres
out=$(sctl domain add tmpl --db "$(uri tenant_tmpl)" 2>&1)
TOKEN=$(printf '%s\n' "$out" | grep '^secret-token\.' | head -n 1)
[ -n "$TOKEN" ]; verdict "template migrated by selfctl domain add, with a token"
sctl domain remove tmpl >/dev/null 2>&1
q -c "INSERT INTO timeseries (uuid, name, si_unit) VALUES ('$SERIES', 'tenant', 'C')" tenant_tmpl
# two sessions at a time (CREATE DATABASE is mostly waiting on the disk)
for half in 0 1; do
  for i in $(seq "$N"); do [ $((i % 2)) = $half ] && echo "CREATE DATABASE t$i TEMPLATE tenant_tmpl;"; done |
    q postgres &
done
wait
made=$(q -c "SELECT count(*) FROM pg_database WHERE datname ~ '^t[0-9]+$'" postgres) took=$(elapsed)
[ "$made" = "$N" ]; verdict "$N domain databases made from the template (after $took)"

# --- the instance: one domain to start with -------------------------------------
sctl domain add t1 --db "$(uri t1)" >/dev/null 2>&1; verdict "t1 added by selfctl"
sh_fcgi_start "$W" 4 "$CONF" "$ITEST_SELFSERV"
for tries in 1 2 3 4 5; do
  (SELFHOST_NGINX_LIMIT_REQ="# none" sh_nginx_start "$W" "$(sh_free_port)" "$ITEST_SRC") && break
done
PORT=$(sed -n 's/^ *listen 127.0.0.1:\([0-9]*\);/\1/p' "$W/nginx/nginx.conf")
URL=http://127.0.0.1:$PORT
mkdir -p "$W/b/manager" "$W/b/worker"   # sh_programs_start wants a build tree's layout
cp "$ITEST_SELFPMGR" "$W/b/manager/"; cp "$ITEST_SELFPWRK" "$W/b/worker/"
SELFHOST_SERVER_LOG_LEVEL=${TENANTS_PMGR_LOG:-info} sh_programs_start "$W" "$CONF" "$W/b" 1
[ "$(curl -s -o /dev/null -w '%{http_code}' -u "t1:$TOKEN" "$URL/v2/users/me")" = 200 ]
verdict "t1 served through nginx"

# pg_stat_activity every 0.1 s: "selfserv selfpmgr all" per line
( while :; do
    q -F' ' -c "SELECT count(*) FILTER (WHERE application_name = 'selfserv'),
                       count(*) FILTER (WHERE application_name = 'selfpmgr'), count(*)
                FROM pg_stat_activity WHERE backend_type = 'client backend'" postgres 2>/dev/null
    sleep 0.1
  done > "$TMP/activity" ) &
MONITOR=$!

# --- hundreds more to the running instance ---------------------------------------
{ echo "[domains]"; for i in $(seq "$N"); do echo "t$i = $(uri "t$i")"; done; } > "$TMP/domains.conf"
chown "$SELFHOST_USER:" "$TMP/domains.conf"; chmod 640 "$TMP/domains.conf"
mv "$TMP/domains.conf" "$W/etc/domains.conf"
sleep 1.2

# --- programs: a routine in every domain, at T0 --------------------------------------
# it runs once, 65 s from now (after the pick-up deadline), in every domain
AT=$(date -u -d '+65 seconds' '+%-S %-M %-H')
ROUTINE="INSERT INTO programs (name, type, state, schedule, deadline, language)
  VALUES ('tenant routine', 'routine', 'active', 'TZ=UTC $AT * * *', 1000, 'tengo');
INSERT INTO program_code_revisions (program_uuid, revision, signed, code, checksum)
  SELECT uuid, 1, now(), convert_to('x := 1', 'UTF8'), sha256(convert_to('x := 1', 'UTF8'))
  FROM programs WHERE name = 'tenant routine';"
sleep 2 # the manager has read the new domain list and started polling
for i in $(seq "$N"); do printf '\\connect t%d\n%s\n' "$i" "$ROUTINE"; done > "$TMP/routines.sql"
T0=$SECONDS T0_EPOCH=$(date +%s)
q -f "$TMP/routines.sql" postgres >/dev/null; verdict "a routine in each of the $N domains"

# --- load: reads and writes over every domain, 16 at a time ----------------------------
# gen_load R SEED FILE: a curl -K file of R requests (random domain each;
# in turn GET users/me, GET the series' data, POST a point at a time of
# its own); each prints "status seconds". -Z runs 16 at once.
gen_load() {
  awk -v n="$N" -v r="$1" -v seed="$2" -v url="$URL" -v tok="$TOKEN" -v s="$SERIES" 'BEGIN {
    srand(seed)
    for (k = 0; k < r; k++) {
      if (k) print "next"
      printf "user = \"t%d:%s\"\noutput = /dev/null\nwrite-out = \"%%{http_code} %%{time_total}\\n\"\n",
        int(rand() * n) + 1, tok
      if (k % 3 == 0) printf "url = \"%s/v2/users/me\"\n", url
      else if (k % 3 == 1)
        printf "url = \"%s/v2/timeseries/%s/data?start=2024-01-01T00:00:00Z&end=2024-01-02T00:00:00Z\"\n", url, s
      else {
        t = seed * 100000 + k
        printf "url = \"%s/v2/timeseries/%s/data\"\nheader = \"Content-Type: application/json\"\n", url, s
        printf "data-binary = \"[{\\\"v\\\":%d,\\\"ts\\\":\\\"2024-01-%02dT%02d:%02d:%02dZ\\\"}]\"\n",
          k, 1 + int(t / 86400), int(t % 86400 / 3600), int(t % 3600 / 60), t % 60
      }
    }
  }' > "$3"
}
gen_load "$REQUESTS" 1 "$TMP/load.cfg"

# selfctl with the budget in use: five more domains while the load runs
( for i in $(seq $((N + 1)) $((N + 5))); do
    q -c "CREATE DATABASE t$i TEMPLATE tenant_tmpl" postgres &&
      sh_as_user "$ITEST_SELFCTL" -c "$CONF" domain add "t$i" --db "$(uri "t$i")" >/dev/null 2>>"$TMP/sctl.err" ||
      echo "t$i" >> "$TMP/sctl.failed"
  done ) &
SCTL=$!
l0=$SECONDS
curl -s -Z --parallel-max 16 -K "$TMP/load.cfg" > "$TMP/load.out" 2>"$TMP/load.err"
echo "load: $REQUESTS requests in $((SECONDS - l0)) s"
wait "$SCTL"
total=$(wc -l < "$TMP/load.out")
[ "$total" -eq "$REQUESTS" ]; verdict "$total answers to $REQUESTS requests"
awk '$1 >= 500 || $1 == 0' "$TMP/load.out" > "$TMP/5xx"
[ ! -s "$TMP/5xx" ]; verdict "no 5xx under the load over $N domains"
if [ -s "$TMP/5xx" ]; then sort "$TMP/5xx" | cut -d' ' -f1 | uniq -c; fi
awk '{ c[$1]++ } END { for (s in c) printf "  status %s: %d\n", s, c[s] }' "$TMP/load.out"
awk '$1 != 200 && $1 != 201 && $1 != 204' "$TMP/load.out" > "$TMP/other"
[ ! -s "$TMP/other" ]; verdict "every answer 200/201/204"
stored=$(for i in 7 77 177; do q -c "SELECT count(*) FROM tsdata" "t$i"; done | awk '{ s += $1 } END { print s + 0 }')
[ "$stored" -gt 0 ]; verdict "writes stored ($stored points in three of the domains)"
[ ! -s "$TMP/sctl.failed" ]; verdict "selfctl domain add works while the budget is in use"
[ "$(curl -s -o /dev/null -w '%{http_code}' -u "t$((N + 5)):$TOKEN" "$URL/v2/users/me")" = 200 ]
verdict "a domain added by selfctl during the load is served"
! grep -q 'too many clients' "$W"/log/*.log; verdict "PostgreSQL never said 'too many clients'"

# --- the manager: every domain's routine picked up, then run --------------------------
status() { sh_as_user "$ITEST_SELFCTL" -c "$CONF" pmgr status --json 2>/dev/null; }
picked() { # number of t1..tN domains with a program in the manager's status
  status | grep -o '"domain":"t[0-9]*","connected":[a-z]*,"listening":[a-z]*,"programs":[1-9]' |
    sed 's/"domain":"t\([0-9]*\)".*/\1/' | awk -v n="$N" '$1 <= n' | sort -u | wc -l
}
# when each was picked up: the manager's own line for it ("domain tN: routine
# … (tenant routine) revision 1 is active", stamped to the second). The
# status command answers between the manager's rounds, late on a loaded
# machine, so it says whether, not when.
active() { # "epoch-seconds domain" of the first such line per domain
  grep -E 'domain t[0-9]+: routine .* \(tenant routine\) revision 1 is active' "$W/log/selfpmgr.log" |
    sed -E 's/^([0-9-]+)T([0-9:]+)Z .* domain (t[0-9]+): .*/\1 \2 \3/' | sort -k3,3 -u |
    while read -r day time d; do echo "$(date -u -d "$day $time" +%s) $d"; done
}
while [ "$(picked)" -lt "$N" ] && [ $((SECONDS - T0)) -lt 90 ]; do sleep 1; done
got=$(picked)
active > "$TMP/active"
took=$(sort -n "$TMP/active" | tail -n 1 | awk -v t0="$T0_EPOCH" '{ print $1 - t0 }')
[ "$got" -eq "$N" ] && [ "$(wc -l < "$TMP/active")" -ge "$N" ] && [ "${took:-999}" -le 60 ]
verdict "the routines of all $N domains picked up within 60 s ($got in the status; the last one active $took s after they were made)"
LISTENED=$(status | grep -o '"domain":"t[0-9]*","connected":true,"listening":true' | head -n 1 | sed 's/"domain":"\(t[0-9]*\)".*/\1/')
[ -n "$LISTENED" ]; verdict "the manager listens on some domains ($LISTENED among them)"
if [ -n "$LISTENED" ]; then
  q -c "$(printf '%s' "$ROUTINE" | sed "s/tenant routine/second routine/g")" "$LISTENED" >/dev/null
  t1=$SECONDS
  until status | grep -q "\"domain\":\"$LISTENED\",[^}]*\"programs\":2" || [ $((SECONDS - t1)) -gt 5 ]; do sleep 0.2; done
  [ $((SECONDS - t1)) -le 2 ]; verdict "a change in listened domain $LISTENED seen within 2 s"
fi
ran() { for i in $(seq "$N"); do printf '\\connect t%d\nSELECT count(*) > 0 FROM program_runs;\n' "$i"; done |
        q postgres | grep -c '^t$'; }
while [ "$(ran)" -lt "$N" ] && [ $((SECONDS - T0)) -lt 120 ]; do sleep 2; done
[ "$(ran)" -eq "$N" ]; verdict "the routine ran (program_runs) in all $N domains ($((SECONDS - T0)) s after T0)"

# --- a responder killed: slots back, all still served -----------------------------------
victim=$(pgrep -P "$(cat "$W/run/selfserv.pid")" | head -n 1)
before_kill=$(wc -l < "$TMP/activity")
kill -9 "$victim"
# its backends notice the closed sockets and go, but the slots came back at
# once: until they have gone, the count may be over (left out below)
sleep 0.3
t_kill=$SECONDS
while [ $((SECONDS - t_kill)) -lt 10 ]; do
  sleep 0.3
  [ "$(tail -n 1 "$TMP/activity" | cut -d' ' -f1)" -le 40 ] 2>/dev/null && break
done
after_kill=$(wc -l < "$TMP/activity")
gen_load 900 2 "$TMP/after.cfg"
curl -s -Z --parallel-max 16 -K "$TMP/after.cfg" > "$TMP/after.out" 2>/dev/null
answers=$(wc -l < "$TMP/after.out")
[ "$answers" -eq 900 ] && ! awk '$1 >= 500 || $1 == 0 { bad = 1 } END { exit !bad }' "$TMP/after.out"
verdict "after a responder was SIGKILLed: $answers more answers, no 5xx"

kill "$MONITOR" 2>/dev/null; MONITOR=""
# the killed responder's backends outlive it for a moment: that second is left out
read -r serv mgr all <<< "$(awk -v a="$before_kill" -v b="$after_kill" 'NR <= a || NR > b {
    if ($1 > s) s = $1; if ($2 > m) m = $2; if ($1 + $2 > t) t = $1 + $2 }
  END { print s + 0, m + 0, t + 0 }' "$TMP/activity")"
samples=$(wc -l < "$TMP/activity")
awk -v a="$before_kill" -v b="$after_kill" '(NR <= a || NR > b) && ($1 > 40 || $2 > 10 || $1 + $2 > 50) {
    print "  over the budget at sample " NR " (the kill left out: samples " a + 1 "-" b "): " $0 }' "$TMP/activity" | head -n 5
[ "$samples" -gt 50 ] && [ "$serv" -le 40 ] && [ "$mgr" -le 10 ] && [ "$all" -le 50 ]
verdict "within the budget all along: at most $serv selfserv (<= 40), $mgr selfpmgr (<= 10), $all together (<= 50) in $samples samples"
[ "$serv" -ge 30 ]; verdict "the responders did use their share ($serv connections at most)"
echo "total $(elapsed)"
finish
