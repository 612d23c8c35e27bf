#!/usr/bin/env bash
# run.sh — the time-series benchmarks, in one command (as root, like the
# quickstart). Installs what is missing (Debian packages: wrk and the
# quickstart's own), makes sure the quickstart runs with rate control off,
# loads the data set once (series "bench-year", tag "bench": 52 561 points,
# 2021-01-01 .. 2022-01-01 every 10 minutes, through the API), then measures
# reads (server vs psql), inserts, a mixed read load with wrk and the
# responders' memory, and prints a table — also written to
# bench/results/latest.md. bench/README.md explains every number.
#
#   bench/run.sh             run everything (under a minute, plus a build
#                            when it has to start the quickstart)
#   bench/run.sh --quick     fewer runs, 5 s of wrk (to try the script)
#   bench/run.sh --restart   restart the quickstart first (after a rebuild)
#
# Then the Tengo programs (bench/tengo.sh, its own report; BENCH_SKIP_TENGO=1
# leaves them out). Throughput: wrk on users/me and a 1-day read, again with
# 20 000 more policies in the caller's groups, beside pgbench for the read's
# SELECT; with REFERENCE_URL/REFERENCE_AUTH the reference beside ours.
#
# Environment: BENCH_RUNS (20 runs per read/insert size), BENCH_YEAR_RUNS
# (10), BENCH_WRK_SECONDS (30), BENCH_WRK_THREADS (2), BENCH_WRK_CONNS (16),
# BENCH_MEM_ROUNDS (3 rounds of one 1-year read per responder, in parallel),
# BENCH_TP_SECONDS (10 s of wrk per throughput figure).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd) VAR=$(pwd)/var BENCH=$(pwd)/bench
export LC_ALL=C TZ=UTC
. deploy/lib/common.sh

RUNS=${BENCH_RUNS:-20} YEAR_RUNS=${BENCH_YEAR_RUNS:-10} MEM_ROUNDS=${BENCH_MEM_ROUNDS:-3}
WRK_SECONDS=${BENCH_WRK_SECONDS:-30} WRK_THREADS=${BENCH_WRK_THREADS:-2} WRK_CONNS=${BENCH_WRK_CONNS:-16}
TP_SECONDS=${BENCH_TP_SECONDS:-10}
RESTART=""
for arg; do
  case $arg in
    --quick) RUNS=5 YEAR_RUNS=3 MEM_ROUNDS=1 WRK_SECONDS=5 TP_SECONDS=3 ;;
    --restart) RESTART=1 ;;
    -h|--help) sed -n '2,18p' "$BENCH/run.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sh_die "unknown argument '$arg' (see --help)" ;;
  esac
done

TMP=$(mktemp -d /tmp/selfhost-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PROBLEMS=$TMP/problems; : > "$PROBLEMS"
problem() { printf -- '- %s\n' "$*" >> "$PROBLEMS"; sh_log "PROBLEM: $*"; }
# bad WHAT: a problem when $TMP/bad lists unexpected statuses (one a line)
bad() { if [ -s "$TMP/bad" ]; then problem "$1: $(sort "$TMP/bad" | uniq -c | xargs)"; fi; }
say() { sh_log "== $*"; }

# ---- packages and the server ----------------------------------------------
sh_install_packages wrk

# running: every part is up and the API answers the demo token with 200
running() {
  [ "$(sh_fcgi_count "$VAR")" -gt 0 ] && [ -f "$VAR/run/nginx.pid" ] &&
    kill -0 "$(cat "$VAR/run/nginx.pid")" 2>/dev/null && [ -S "$VAR/run/.s.PGSQL.5432" ] &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' -u "demo:$(cat "$VAR/etc/demo.token")" \
         "http://127.0.0.1:$(cat "$VAR/run/port")/v2/users/me")" = 200 ]
}
rate_off() {
  grep -qx 'req_per_hour = 0' "$VAR/etc/selfhost.conf" 2>/dev/null &&
    ! grep -Eq '^[[:space:]]*limit_req[[:space:]]' "$VAR/nginx/nginx.conf"
}
why=""
if [ -n "$RESTART" ]; then why="restart asked for (--restart)"
elif ! running; then why="it is not running (or does not answer 200)"
elif ! rate_off; then why="it runs with rate control on"
fi
if [ -n "$why" ]; then
  say "quickstart: $why -> SELFHOST_RATE_PER_HOUR=0 ./deploy/quickstart.sh (builds, restarts)"
  logged=0; if [ -f "$VAR/log/selfserv.log" ]; then logged=$(wc -l < "$VAR/log/selfserv.log"); fi
  if ! SELFHOST_RATE_PER_HOUR=0 ./deploy/quickstart.sh > "$TMP/quickstart.log" 2>&1; then
    # a ./var from an older build: the quickstart does not migrate an
    # existing domain database, and the responders refuse an old schema
    if grep -q 'did not answer 200' "$TMP/quickstart.log" &&
       tail -n +$((logged + 1)) "$VAR/log/selfserv.log" | grep -q 'selfctl db migrate up'; then
      problem "quickstart: the demo database was behind the binaries' schema (the quickstart does not migrate it); bench/run.sh ran selfctl db migrate up --domain demo"
      sh_as_user "$SRC/build/selfctl/selfctl" -c "$VAR/etc/selfhost.conf" db migrate up --domain demo >&2
      SELFHOST_RATE_PER_HOUR=0 ./deploy/quickstart.sh > "$TMP/quickstart.log" 2>&1 ||
        { tail -n 20 "$TMP/quickstart.log" >&2; sh_die "the quickstart failed"; }
    else
      tail -n 20 "$TMP/quickstart.log" >&2; sh_die "the quickstart failed"
    fi
  fi
else
  say "quickstart: running with rate control off; used as it is (--restart to restart it)"
fi

TOKEN=$(cat "$VAR/etc/demo.token")
BASE=http://127.0.0.1:$(cat "$VAR/run/port" 2>/dev/null || echo 8080)
POOL=$(sh_fcgi_count "$VAR")
BINARY="the binary in build/"
if [ "$SRC/build/fcgi/selfserv" -nt "$VAR/run/selfserv.pid" ]; then
  BINARY="an OLDER binary than build/fcgi/selfserv (rebuilt since they started: rerun with --restart)"
  problem "the responders run $BINARY"
fi
# the real psql (Debian's /usr/bin/psql is a Perl wrapper costing ~15 ms a start)
PSQL=$(sh_pg_bindir)/psql
q() { "$PSQL" -h "$VAR/run" -U postgres -d selfhost_demo -X -Atq -v ON_ERROR_STOP=1 -c "$1"; }
# api METHOD PATH [BODYFILE]: the body goes to $TMP/body; prints the status.
api() {
  curl -s -o "$TMP/body" -w '%{http_code}' -u "demo:$TOKEN" -X "$1" \
    ${3:+-H 'Content-Type: application/json' --data-binary "@$3"} "$BASE$2"
}

# ---- the data set -----------------------------------------------------------
# series NAME: the uuid of the series NAME tagged "bench", created when missing.
series() {
  local uuid
  uuid=$(q "SELECT uuid FROM timeseries WHERE name = '$1' AND 'bench' = ANY (tags) ORDER BY uuid LIMIT 1")
  if [ -z "$uuid" ]; then
    printf '{"name":"%s","si_unit":"C","tags":["bench"]}' "$1" > "$TMP/new.json"
    local code; code=$(api POST /v2/timeseries "$TMP/new.json")
    [ "$code" = 201 ] || sh_die "POST /v2/timeseries answered $code: $(head -c 300 "$TMP/body")"
    uuid=$( (grep -o '"uuid":"[^"]*"' "$TMP/body" || true) | head -n 1 | cut -d'"' -f4)
  fi
  [ -n "$uuid" ] || sh_die "no uuid for series $1"
  printf '%s\n' "$uuid"
}

YEAR_START=2021-01-01T00:00:00Z YEAR_END=2022-01-01T00:00:00Z YEAR_POINTS=52561
UUID=$(series bench-year)
have=$(q "SELECT count(*) || ' ' || coalesce(min(ts) = '$YEAR_START' AND max(ts) = '$YEAR_END', false)
          FROM tsdata WHERE ts_uuid = '$UUID'")
if [ "$have" = "$YEAR_POINTS true" ]; then
  LOAD="present (loaded by an earlier run)"
  say "data set: series bench-year $UUID holds its $YEAR_POINTS points"
else
  if [ "${have%% *}" != 0 ]; then
    say "data set: series bench-year holds ${have%% *} points, not $YEAR_POINTS: emptied (SQL) and reloaded"
    q "DELETE FROM tsdata WHERE ts_uuid = '$UUID'"
  fi
  awk -v start=1609459200 -v n=$YEAR_POINTS -v step=600 -v chunk=5000 -v out="$TMP/year" \
    -f "$BENCH/gen-year.awk" > "$TMP/chunks"
  say "data set: loading $YEAR_POINTS points through the API ($(wc -l < "$TMP/chunks") POSTs of 5000)"
  t0=${EPOCHREALTIME/./}
  while read -r f; do
    code=$(api POST "/v2/timeseries/$UUID/data" "$f")
    [ "$code" = 201 ] || sh_die "POST of $f answered $code: $(head -c 300 "$TMP/body")"
  done < "$TMP/chunks"
  t1=${EPOCHREALTIME/./}
  LOAD=$(awk -v us=$((t1 - t0)) -v n=$YEAR_POINTS -v p="$(wc -l < "$TMP/chunks")" \
    'BEGIN { printf "loaded now through the API: %d POSTs of <= 5000 points in %.2f s (%.0f points/s)", p, us / 1e6, n / (us / 1e6) }')
  [ "$(q "SELECT count(*) FROM tsdata WHERE ts_uuid = '$UUID'")" = $YEAR_POINTS ] ||
    sh_die "after the load the series does not hold $YEAR_POINTS points"
  q "VACUUM ANALYZE tsdata"   # what autovacuum would soon do on a live server
fi

# ---- measuring ----------------------------------------------------------------
# stats FILE SCALE: "median min max" of the numbers of FILE times SCALE, in ms.
stats() {
  sort -g "$1" | awk -v s="$2" '
    function f(x) { return sprintf(x < 10 ? "%.2f" : x < 100 ? "%.1f" : "%.0f", x) }
    { a[NR] = $1 * s }
    END { if (!NR) { print "- - -"; exit }
          m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
          print f(m), f(a[1]), f(a[NR]) }'
}
# ratio A B: A / B to two decimals, "-" when either is missing
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b + 0 <= 0) print "-"; else printf "%.2f", a / b }'; }
# psql_time SQL: appends the wall time of one psql run (start-up, connection,
# query, rows to /dev/null) in microseconds to $TMP/psql.
psql_time() {
  local t0=${EPOCHREALTIME/./}
  "$PSQL" -h "$VAR/run" -U postgres -d selfhost_demo -X -Atc "$1" > /dev/null
  echo $(( ${EPOCHREALTIME/./} - t0 )) >> "$TMP/psql"
}
# get_time PATH: appends curl's time_total (seconds) to $TMP/server; a status
# other than 200 is a problem.
get_time() {
  local code t
  read -r code t < <(curl -s -o /dev/null -u "demo:$TOKEN" -w '%{http_code} %{time_total}\n' "$BASE$1")
  echo "$t" >> "$TMP/server"
  [ "$code" = 200 ] || echo "$code" >> "$TMP/bad"
}

READS=$TMP/reads.md
# read_bench KEY LABEL POINTS RUNS PATH SQL: server (curl through nginx)
# against psql for the same rows, interleaved run by run; sets MED_KEY and
# RATIO_KEY. POINTS "-": not a list of points.
read_bench() {
  local key=$1 label=$2 points=$3 runs=$4 path=$5 sql=$6 code got bytes i
  say "read: $label ($runs runs)"
  : > "$TMP/server"; : > "$TMP/psql"; : > "$TMP/bad"
  code=$(api GET "$path")              # checks the answer, warms up
  bytes=$(wc -c < "$TMP/body")
  got=$( (grep -o '"ts"' "$TMP/body" || true) | wc -l); [ "$points" != - ] || got=-
  [ "$code" = 200 ] || problem "GET $label: status $code: $(head -c 200 "$TMP/body")"
  [ "$points" = - ] || [ "$got" = "$points" ] || problem "GET $label: $got points instead of $points"
  [ "$points" = - ] || [ "$(q "$sql" | wc -l)" = "$points" ] || problem "psql $label: not $points rows"
  # warm-up, untimed: one request per responder (statements prepared, pages cached)
  for i in $(seq "$POOL"); do api GET "$path" > /dev/null; done
  "$PSQL" -h "$VAR/run" -U postgres -d selfhost_demo -X -Atc "$sql" > /dev/null
  for i in $(seq "$runs"); do get_time "$path"; psql_time "$sql"; done
  bad "GET $label: statuses other than 200"
  local s p
  read -r -a s <<< "$(stats "$TMP/server" 1000)"
  read -r -a p <<< "$(stats "$TMP/psql" 0.001)"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$got" \
    "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')" "${s[0]}" "${s[1]}" "${p[0]}" \
    "$(ratio "${s[0]}" "${p[0]}")" \
    "$(ratio "${s[0]}" "$(awk -v a="${p[0]}" -v b="$PSQL_FLOOR" 'BEGIN { d = a - b; print (d >= 1 ? d : 0) }')")" >> "$READS"
  eval "MED_$key=${s[0]} RATIO_$key=$(ratio "${s[0]}" "${p[0]}") PSQL_$key=${p[0]}"
}

DATA=/v2/timeseries/$UUID/data
window() { printf '%s?start=%s&end=%s%s' "$DATA" "$1" "$2" "${3:-}"; }
rows() { printf "SELECT ts, value FROM tsdata WHERE ts_uuid = '%s' AND ts BETWEEN '%s' AND '%s' ORDER BY ts" "$UUID" "$1" "$2"; }

# psql's fixed cost: start-up, connection, a trivial query
: > "$TMP/psql"
for i in $(seq "$RUNS"); do psql_time "SELECT 1"; done
PSQL_FLOOR=$(stats "$TMP/psql" 0.001 | cut -d' ' -f1)

: > "$READS"
read_bench meta "series (metadata)" - "$RUNS" "/v2/timeseries/$UUID" "SELECT * FROM timeseries WHERE uuid = '$UUID'"
read_bench day "day" 145 "$RUNS" "$(window 2021-07-01T00:00:00Z 2021-07-02T00:00:00Z)" "$(rows 2021-07-01T00:00:00Z 2021-07-02T00:00:00Z)"
read_bench week "week" 1009 "$RUNS" "$(window 2021-07-01T00:00:00Z 2021-07-08T00:00:00Z)" "$(rows 2021-07-01T00:00:00Z 2021-07-08T00:00:00Z)"
read_bench month "month" 4465 "$RUNS" "$(window 2021-07-01T00:00:00Z 2021-08-01T00:00:00Z)" "$(rows 2021-07-01T00:00:00Z 2021-08-01T00:00:00Z)"
read_bench year "year" $YEAR_POINTS "$YEAR_RUNS" "$(window $YEAR_START $YEAR_END)" "$(rows $YEAR_START $YEAR_END)"
read_bench yearday "year, precision=day (avg)" 366 "$YEAR_RUNS" "$(window $YEAR_START $YEAR_END '&precision=day')" \
  "SELECT date_trunc('day', ts), avg(value) FROM tsdata WHERE ts_uuid = '$UUID' AND ts BETWEEN '$YEAR_START' AND '$YEAR_END' GROUP BY 1 ORDER BY 1"
# ---- aggregates over a year of 1-minute points (issue 16) -----------------------
# series bench-minute: 525 600 points, 2021-01-01T00:00Z .. 2021-12-31T23:59Z,
# loaded through the API in 1 000-point POSTs (the "loading a year" figure),
# then daily averages (UTC, Europe/Stockholm) and hourly maxima, each beside
# psql running PostgreSQL's own GROUP BY over the same raw points; with
# REFERENCE_URL / REFERENCE_AUTH (user:password) the same load and reads on
# the reference server too.
MIN_START=2021-01-01T00:00:00Z MIN_END=2021-12-31T23:59:00Z MIN_POINTS=525600
MIN_UUID=$(series bench-minute)
awk -v start=1609459200 -v n=$MIN_POINTS -v step=60 -v chunk=1000 -v out="$TMP/minute" \
  -f "$BENCH/gen-year.awk" > "$TMP/mchunks"
# load_year BASEURL AUTH UUID: POSTs every chunk, one after the other from
# one curl process over one kept-alive connection (a curl started per POST
# would time curl's own start-up as much as the server), prints the seconds
# taken
load_year() {
  local t0 codes sep=""
  while read -r f; do
    printf '%s' "$sep"; sep=$'next\n'
    printf 'url = "%s/v2/timeseries/%s/data"\nuser = "%s"\nheader = "Content-Type: application/json"\n' "$1" "$3" "$2"
    printf 'data-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$f"
  done < "$TMP/mchunks" > "$TMP/load.cfg"
  t0=${EPOCHREALTIME/./}
  codes=$(curl -s -K "$TMP/load.cfg" | sort | uniq -c | tr -s ' ' | sed 's/^ //')
  local us=$(( ${EPOCHREALTIME/./} - t0 ))
  [ "$codes" = "$(wc -l < "$TMP/mchunks") 201" ] || problem "loading $1: statuses $codes (all should be 201)"
  awk -v us=$us 'BEGIN { printf "%.2f", us / 1e6 }'
}
have=$(q "SELECT count(*) FROM tsdata WHERE ts_uuid = '$MIN_UUID'")
if [ "$have" = $MIN_POINTS ] && [ -z "${BENCH_RELOAD:-}" ]; then
  LOAD_MIN="-" LOAD_MIN_NOTE="present (loaded by an earlier run; BENCH_RELOAD=1 to time the load again)"
else
  q "DELETE FROM tsdata WHERE ts_uuid = '$MIN_UUID'"
  say "data set: loading $MIN_POINTS 1-minute points through the API (526 POSTs of 1000)"
  LOAD_MIN=$(load_year "$BASE" "demo:$TOKEN" "$MIN_UUID") LOAD_MIN_NOTE="loaded now"
  [ "$(q "SELECT count(*) FROM tsdata WHERE ts_uuid = '$MIN_UUID'")" = $MIN_POINTS ] ||
    problem "bench-minute does not hold $MIN_POINTS points after the load"
  q "VACUUM ANALYZE tsdata; VACUUM ANALYZE tsdata_rollups" 2> /dev/null || q "VACUUM ANALYZE tsdata"
fi
AGGS=$TMP/aggs.md; : > "$AGGS"
# the reference: the same series and reads when REFERENCE_URL is set;
# REFERENCE_PG (a libpq URI of its database) puts its PostgreSQL's
# durability settings into the report, for writes compared fairly
ref_pg_settings() {
  [ -n "${REFERENCE_PG:-}" ] || { echo ", its PostgreSQL's settings not given (REFERENCE_PG)"; return; }
  "$PSQL" -X -At -F'|' -c "SELECT current_setting('server_version'), current_setting('fsync'),
                           current_setting('synchronous_commit')" "$REFERENCE_PG" 2>/dev/null |
    awk -F'|' '{ printf ", its PostgreSQL %s (fsync %s, synchronous_commit %s)", $1, $2, $3 }'
}
REF_UUID="" LOAD_REF="-"
if [ -n "${REFERENCE_URL:-}" ]; then
  REF_AUTH=${REFERENCE_AUTH:?REFERENCE_AUTH=user:password for REFERENCE_URL}
  REF_UUID=$(curl -s -u "$REF_AUTH" "$REFERENCE_URL/v2/timeseries?tags=bench-minute" | grep -o '"uuid":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true)
  if [ -n "$REF_UUID" ] && [ -n "${BENCH_RELOAD:-}" ]; then   # time its load again too
    curl -s -o /dev/null -u "$REF_AUTH" -X DELETE "$REFERENCE_URL/v2/timeseries/$REF_UUID"
    REF_UUID=""
  fi
  if [ -z "$REF_UUID" ]; then
    REF_UUID=$(curl -s -u "$REF_AUTH" -H 'Content-Type: application/json' \
      -d '{"name":"bench-minute","si_unit":"C","tags":["bench-minute"]}' "$REFERENCE_URL/v2/timeseries" |
      grep -o '"uuid":"[^"]*"' | head -n 1 | cut -d'"' -f4)
    say "reference: loading $MIN_POINTS points into $REFERENCE_URL"
    LOAD_REF=$(load_year "$REFERENCE_URL" "$REF_AUTH" "$REF_UUID")
  fi
fi
# agg_bench LABEL QUERY SQL: ours (curl) and psql's GROUP BY, interleaved, and the reference
agg_bench() {
  local label=$1 query=$2 sql=$3 i code got
  say "aggregate: $label ($YEAR_RUNS runs)"
  : > "$TMP/server"; : > "$TMP/psql"; : > "$TMP/ref"; : > "$TMP/bad"
  code=$(api GET "/v2/timeseries/$MIN_UUID/data?start=$MIN_START&end=$MIN_END&$query")
  got=$( (grep -o '"ts"' "$TMP/body" || true) | wc -l)
  [ "$code" = 200 ] || problem "GET $label: status $code: $(head -c 200 "$TMP/body")"
  [ "$got" = "$(q "$sql" | wc -l)" ] || problem "$label: $got buckets, psql's GROUP BY has $(q "$sql" | wc -l)"
  for i in $(seq "$POOL"); do api GET "/v2/timeseries/$MIN_UUID/data?start=$MIN_START&end=$MIN_END&$query" > /dev/null; done
  for i in $(seq "$YEAR_RUNS"); do
    get_time "/v2/timeseries/$MIN_UUID/data?start=$MIN_START&end=$MIN_END&$query"; psql_time "$sql"
    if [ -n "$REF_UUID" ]; then
      curl -s -o /dev/null -u "$REF_AUTH" -w '%{time_total}\n' \
        "$REFERENCE_URL/v2/timeseries/$REF_UUID/data?start=$MIN_START&end=$MIN_END&$query" >> "$TMP/ref"
    fi
  done
  bad "GET $label: statuses other than 200"
  local s p r
  read -r -a s <<< "$(stats "$TMP/server" 1000)"
  read -r -a p <<< "$(stats "$TMP/psql" 0.001)"
  read -r -a r <<< "$(stats "$TMP/ref" 1000)"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$got" "${s[0]}" "${s[1]}" "${p[0]}" \
    "$(awk -v a="${p[0]}" -v b="$PSQL_FLOOR" 'BEGIN { printf "%.1f", a - b }')" "${r[0]}" \
    "$(ratio "${r[0]}" "${s[0]}")" >> "$AGGS"
  eval "AGG_$4=${s[0]} AGGR_$4=$(ratio "${r[0]}" "${s[0]}")"
}
raw_group() { # raw_group FIELD ZONE FN: PostgreSQL's own GROUP BY over the points
  printf "SELECT date_trunc('%s', ts AT TIME ZONE '%s') AT TIME ZONE '%s', %s(value) FROM tsdata WHERE ts_uuid = '%s' AND ts BETWEEN '%s' AND '%s' GROUP BY 1 ORDER BY 1" \
    "$1" "$2" "$2" "$3" "$MIN_UUID" "$MIN_START" "$MIN_END"
}
agg_bench "daily avg, UTC" "precision=day" "$(raw_group day UTC avg)" dutc
agg_bench "daily avg, Europe/Stockholm" "precision=day&timezone=Europe/Stockholm" "$(raw_group day Europe/Stockholm avg)" dsto
agg_bench "hourly max, UTC" "precision=hour&aggregate=max" "$(raw_group hour UTC max)" hmax
agg_bench "daily avg, Asia/Kathmandu (5-min rollups)" "precision=day&timezone=Asia/Kathmandu" "$(raw_group day Asia/Kathmandu avg)" dktm
agg_bench "per-minute max, UTC (raw points: no rollup is finer)" "precision=minute&aggregate=max" "$(raw_group minute UTC max)" mraw

# ---- inserts ----------------------------------------------------------------
INS_UUID=$(series bench-insert)
q "DELETE FROM tsdata WHERE ts_uuid = '$INS_UUID'"   # keep it small and comparable run to run
NEXT_TS=1609459200 INSERTED=0
INSERTS=$TMP/inserts.md; : > "$INSERTS"
# body N: N points at fresh timestamps (one second apart, never reused) to $TMP/ins.json
body() {
  local n=$1 i s="[" sep=""
  for (( i = 0; i < n; i++ )); do
    printf -v s '%s%s{"v":%d.%02d,"ts":"%(%Y-%m-%dT%H:%M:%SZ)T"}' "$s" "$sep" \
      $(( RANDOM % 30 )) $(( RANDOM % 100 )) "$NEXT_TS"
    NEXT_TS=$(( NEXT_TS + 1 )) sep=,
  done
  printf '%s]' "$s" > "$TMP/ins.json"
  INSERTED=$(( INSERTED + n ))
}
# the reference's own series for inserts (REFERENCE_URL): the same bodies,
# posted right after ours, run by run
REF_INS_UUID=
if [ -n "${REFERENCE_URL:-}" ]; then
  REF_INS_UUID=$(curl -s -u "$REF_AUTH" -H 'Content-Type: application/json' \
    -d '{"name":"bench-insert","si_unit":"C","tags":["bench-insert"]}' "$REFERENCE_URL/v2/timeseries" |
    grep -o '"uuid":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true)
  [ -n "$REF_INS_UUID" ] || problem "reference: could not create a series for the inserts"
fi
# post_timed URL AUTH OUT: POSTs $TMP/ins.json, appends the time to OUT, a
# status other than 201 to $TMP/bad
post_timed() {
  local code t
  read -r code t < <(curl -s -o /dev/null -u "$2" -w '%{http_code} %{time_total}\n' \
    -H 'Content-Type: application/json' --data-binary "@$TMP/ins.json" "$1")
  echo "$t" >> "$3"
  [ "$code" = 201 ] || echo "$code" >> "$TMP/bad"
}
insert_bench() {
  local n=$1 i
  say "insert: $n point(s) ($RUNS runs${REF_INS_UUID:+, the reference after each})"
  : > "$TMP/server"; : > "$TMP/refins"; : > "$TMP/bad"
  for i in $(seq "$RUNS"); do
    body "$n"
    post_timed "$BASE/v2/timeseries/$INS_UUID/data" "demo:$TOKEN" "$TMP/server"
    [ -z "$REF_INS_UUID" ] ||
      post_timed "$REFERENCE_URL/v2/timeseries/$REF_INS_UUID/data" "$REF_AUTH" "$TMP/refins"
  done
  bad "POST $n point(s): statuses other than 201"
  local s r=(- - -)
  read -r -a s <<< "$(stats "$TMP/server" 1000)"
  [ -z "$REF_INS_UUID" ] || read -r -a r <<< "$(stats "$TMP/refins" 1000)"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "${s[0]}" "${s[1]}" "${s[2]}" "${r[0]}" \
    "$(ratio "${r[0]}" "${s[0]}")" >> "$INSERTS"
  eval "INS_$n=${s[0]} INSR_$n=${r[0]}"
}
for i in $(seq "$POOL"); do   # warm-up, untimed: one insert per responder (and the reference)
  body 10; api POST "/v2/timeseries/$INS_UUID/data" "$TMP/ins.json" > /dev/null
  [ -z "$REF_INS_UUID" ] || curl -s -o /dev/null -u "$REF_AUTH" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/ins.json" "$REFERENCE_URL/v2/timeseries/$REF_INS_UUID/data"
done
insert_bench 1; insert_bench 10; insert_bench 100
stored=$(q "SELECT count(*) FROM tsdata WHERE ts_uuid = '$INS_UUID'")
[ "$stored" = "$INSERTED" ] || problem "inserts: $INSERTED points sent, $stored stored"

# ---- mixed read load with wrk -------------------------------------------------
# ticks PID…: user + system clock ticks of those processes
ticks() {
  local p t=0
  for p; do
    [ -r "/proc/$p/stat" ] || continue
    t=$(( t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }') ))
  done
  echo "$t"
}
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
SERV_PIDS=$(pgrep -P "$(cat "$VAR/run/selfserv.pid")" | xargs)
PG_MAIN=$(head -n 1 "$VAR/pgdata/postmaster.pid")
PG_PIDS="$PG_MAIN $(pgrep -P "$PG_MAIN" | xargs)"
NGINX_PIDS="$(cat "$VAR/run/nginx.pid") $(pgrep -P "$(cat "$VAR/run/nginx.pid")" | xargs)"

say "mixed read load: wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_SECONDS}s (metadata, day, week, month in turn)"
c0=$(ticks $SERV_PIDS) g0=$(ticks $PG_PIDS) n0=$(ticks $NGINX_PIDS); read -r b0 a0 <<< "$(busy)"; t0=${EPOCHREALTIME/./}
BENCH_UUID=$UUID BENCH_AUTH=$(printf 'demo:%s' "$TOKEN" | base64 -w0) \
  wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_SECONDS}s" --latency -s "$BENCH/mixed.lua" "$BASE" > "$TMP/wrk.txt" 2>&1 ||
  { cat "$TMP/wrk.txt" >&2; sh_die "wrk failed"; }
t1=${EPOCHREALTIME/./}; c1=$(ticks $SERV_PIDS) g1=$(ticks $PG_PIDS) n1=$(ticks $NGINX_PIDS); read -r b1 a1 <<< "$(busy)"
HZ=$(getconf CLK_TCK)
cpu() { awk -v t="$1" -v hz="$HZ" -v us=$((t1 - t0)) 'BEGIN { printf "%.0f %%", 100 * t / hz / (us / 1e6) }'; }
WRK_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/wrk.txt")
WRK_REQS=$(awk '/requests in/ { print $1 }' "$TMP/wrk.txt")
# latency percentiles in ms (wrk prints us, ms or s)
lat() { # lat PERCENTILE [WRK-OUTPUT]
  awk -v k="$1" '$1 == k { v = $2; x = v + 0
    if (v ~ /us$/) x /= 1000; else if (v ~ /ms$/) x += 0; else if (v ~ /m$/) x *= 60000; else if (v ~ /s$/) x *= 1000
    printf "%.1f", x }' "${2:-$TMP/wrk.txt}"
}
WRK_STATUSES=$(sed -n 's/^statuses: //p' "$TMP/wrk.txt")
if grep -q 'Non-2xx' "$TMP/wrk.txt"; then problem "wrk: $(grep 'Non-2xx' "$TMP/wrk.txt" | xargs) ($WRK_STATUSES)"; fi
if grep -q 'Socket errors' "$TMP/wrk.txt"; then problem "wrk: $(grep 'Socket errors' "$TMP/wrk.txt" | xargs)"; fi
MIX_CPU="selfserv $(cpu $((c1 - c0))), PostgreSQL $(cpu $((g1 - g0))), nginx $(cpu $((n1 - n0))) (100 % = one core); machine $(awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) 'BEGIN { printf "%.0f %%", 100 * b / a }') busy of $(nproc) cores, wrk included"

# ---- throughput: users/me and a 1-day read, then with 20 000 policies ---------
# wrk_one BASEURL AUTH PATH [AUTHS]: "req/s p99-ms statuses" of one GET path
# (AUTHS: a file of base64 credentials, one a line, taken in turn)
wrk_one() {
  BENCH_PATH=$3 BENCH_AUTH=$(printf '%s' "$2" | base64 -w0) BENCH_AUTHS=${4:-} \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${TP_SECONDS}s" --latency -s "$BENCH/one.lua" "$1" \
    > "$TMP/wrk1.txt" 2>&1 || { cat "$TMP/wrk1.txt" >&2; sh_die "wrk failed"; }
  local rps p99 st
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/wrk1.txt")
  p99=$(lat 99% "$TMP/wrk1.txt")
  st=$(sed -n 's/^statuses: //p' "$TMP/wrk1.txt" | tr ' ' ',')
  case $st in 200=*) ;; *) problem "wrk $3 on $1: statuses $st" ;; esac
  [ "${st#*,}" = "$st" ] || problem "wrk $3 on $1: statuses $st"
  echo "$rps $p99 $st"
}
DAY_PATH="/v2/timeseries/$MIN_UUID/data?start=2021-07-01T00:00:00Z&end=2021-07-02T00:00:00Z"
say "throughput: wrk -t$WRK_THREADS -c$WRK_CONNS -d${TP_SECONDS}s on users/me and a 1-day read (1440 points)"
read -r TP_ME TP_ME99 TP_MEST <<< "$(wrk_one "$BASE" "demo:$TOKEN" /v2/users/me)"
read -r TP_DAY TP_DAY99 TP_DAYST <<< "$(wrk_one "$BASE" "demo:$TOKEN" "$DAY_PATH")"
ME_UUID=$(curl -s -u "demo:$TOKEN" "$BASE/v2/users/me" | grep -o '"uuid":"[^"]*"' | head -n 1 | cut -d'"' -f4)
# users/me with 1000 tokens of the same user in turn: each responder keeps
# the answers of the tokens it saw last (128 a domain), so here every
# request looks its token and policies up in PostgreSQL
q "INSERT INTO user_tokens (user_uuid, name, token_hash)
   SELECT '$ME_UUID', 'bench-rotate', sha256(('bench-rotate-' || i)::bytea)
     FROM generate_series(1, 1000) i" > /dev/null
for i in $(seq 1000); do printf 'demo:bench-rotate-%d' "$i" | base64 -w0; echo; done > "$TMP/auths"
read -r TP_MET TP_MET99 TP_METST <<< "$(wrk_one "$BASE" "demo:$TOKEN" /v2/users/me "$TMP/auths")"
# the reference's creator policies: every created object adds rows to the
# creator's groups; 20 000 of them, patterns as it writes them, marked
# (uuids starting be0cbe0c) so that they are removed again after
q "INSERT INTO group_policies (group_uuid, priority, effect, action, resource)
   SELECT ug.group_uuid, 0, 'allow', a::policy_action,
          'timeseries/' || overlay(gen_random_uuid()::text placing 'be0cbe0c' from 1) || '%'
     FROM user_groups ug, generate_series(1, 5000) i,
          unnest(ARRAY['create', 'read', 'update', 'delete']) a
    WHERE ug.user_uuid = '$ME_UUID'" > /dev/null
NPOL=$(q "SELECT count(*) FROM group_policies gp JOIN user_groups ug USING (group_uuid) WHERE ug.user_uuid = '$ME_UUID'")
read -r TP_MEP TP_MEP99 TP_MEPST <<< "$(wrk_one "$BASE" "demo:$TOKEN" /v2/users/me)"
read -r TP_DAYP TP_DAYP99 TP_DAYPST <<< "$(wrk_one "$BASE" "demo:$TOKEN" "$DAY_PATH")"
read -r TP_METP TP_METP99 TP_METPST <<< "$(wrk_one "$BASE" "demo:$TOKEN" /v2/users/me "$TMP/auths")"
q "DELETE FROM group_policies WHERE resource LIKE 'timeseries/be0cbe0c%'" > /dev/null
q "DELETE FROM user_tokens WHERE name = 'bench-rotate' AND user_uuid = '$ME_UUID'" > /dev/null
TP_REF_ME="-" TP_REF_DAY="-"
if [ -n "$REF_UUID" ]; then
  read -r TP_REF_ME _ <<< "$(wrk_one "$REFERENCE_URL" "$REF_AUTH" /v2/users/me)"
  read -r TP_REF_DAY _ <<< "$(wrk_one "$REFERENCE_URL" "$REF_AUTH" "/v2/timeseries/$REF_UUID/data?start=2021-07-01T00:00:00Z&end=2021-07-02T00:00:00Z")"
fi
read -r TP_STATUS TP_STATUS99 _ <<< "$(wrk_one "$BASE" "demo:$TOKEN" /status)"
echo "SELECT 1;" > "$TMP/one.sql"
TP_PG1=$("$(dirname "$PSQL")/pgbench" -h "$VAR/run" -U postgres -n -M prepared -f "$TMP/one.sql" \
          -c "$WRK_CONNS" -j "$WRK_THREADS" -T "$TP_SECONDS" selfhost_demo 2>/dev/null |
        awk '/^tps/ { printf "%.0f", $3 }') || TP_PG1="-"
# PostgreSQL's own rate for the rows of the 1-day read: the same SELECT,
# prepared, over the same number of connections (pgbench)
echo "SELECT ts, value FROM tsdata WHERE ts_uuid = '$MIN_UUID' AND ts BETWEEN '2021-07-01T00:00:00Z' AND '2021-07-02T00:00:00Z' ORDER BY ts;" > "$TMP/day.sql"
TP_PG=$("$(dirname "$PSQL")/pgbench" -h "$VAR/run" -U postgres -n -M prepared -f "$TMP/day.sql" \
          -c "$WRK_CONNS" -j "$WRK_THREADS" -T "$TP_SECONDS" selfhost_demo 2>/dev/null |
        awk '/^tps/ { printf "%.0f", $3 }') || TP_PG="-"

# ---- responder memory ---------------------------------------------------------
# hwm: "max-VmHWM max-VmRSS" over the responders, in kB
hwm() {
  local p
  for p in $SERV_PIDS; do awk '/^VmHWM:/ { h = $2 } /^VmRSS:/ { r = $2 } END { print h, r }' "/proc/$p/status"; done |
    sort -n | tail -n 1
}
say "memory: $MEM_ROUNDS round(s) of $POOL parallel 1-year reads"
RESET="peak reset before (clear_refs)"
for p in $SERV_PIDS; do echo 5 > "/proc/$p/clear_refs" 2>/dev/null || RESET="peak NOT reset (clear_refs refused): it includes earlier requests"; done
read -r h0 r0 <<< "$(hwm)"
: > "$TMP/codes"
for (( i = 0; i < MEM_ROUNDS; i++ )); do
  for (( j = 0; j < POOL; j++ )); do
    curl -s -o /dev/null -u "demo:$TOKEN" -w '%{http_code}\n' "$BASE$(window $YEAR_START $YEAR_END)" >> "$TMP/codes" &
  done
  wait
done
grep -vx 200 "$TMP/codes" > "$TMP/bad" || true
bad "memory reads: statuses other than 200"
read -r h1 r1 <<< "$(hwm)"
[ "$(pgrep -P "$(cat "$VAR/run/selfserv.pid")" | xargs)" = "$SERV_PIDS" ] ||
  problem "responders changed during the run (one died and was replaced?): $SERV_PIDS -> $(pgrep -P "$(cat "$VAR/run/selfserv.pid")" | xargs)"
MEM_DELTA=$(( h1 - h0 ))

# ---- the report ---------------------------------------------------------------
# atleast X LIM: met when X >= LIM, "-" (no figure) when X is missing
atleast() { awk -v x="$1" -v lim="$2" 'BEGIN { print (x == "-") ? "-" : (x + 0 >= lim + 0) ? "met" : "NOT met" }'; }
verdict() { awk -v x="$1" -v lim="$2" 'BEGIN { print (x != "-" && x + 0 <= lim + 0) ? "met" : "NOT met" }'; }
REPORT=$TMP/report.md
{
  echo "# selfhost time-series benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores," \
       "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r)," \
       "Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
  echo "- PostgreSQL $(q 'SHOW server_version') (fsync $(q 'SHOW fsync'), synchronous_commit $(q 'SHOW synchronous_commit')), nginx $(nginx -v 2>&1 | sed 's|.*/||'), $POOL selfserv responders running $BINARY, rate control off"
  if [ -n "${REFERENCE_URL:-}" ]; then
    echo "- reference: $REFERENCE_URL$(ref_pg_settings)"
  fi
  echo "- source: $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$SRC" status --porcelain 2>/dev/null | grep -q . && echo ' + uncommitted changes')"
  echo "- data set: series bench-year ($UUID), $YEAR_POINTS points $YEAR_START .. $YEAR_END every 10 min; $LOAD"
  echo
  echo "## Reads through nginx (GET /v2/timeseries/{uuid}/data) vs psql, same rows"
  echo
  echo "Server: curl's time_total, $RUNS runs ($YEAR_RUNS for the year); psql: wall time of \`psql -Atc \"SELECT ts, value … ORDER BY ts\" > /dev/null\`, its start-up and connection included: \`SELECT 1\` alone takes $PSQL_FLOOR ms, which the last column takes off (\"-\" when less than 1 ms is left)."
  echo
  echo "| read | points | KiB | server median ms | server min ms | psql median ms | server/psql | server/(psql - $PSQL_FLOOR) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  cat "$READS"
  echo
  echo "## Aggregates over a year of 1-minute points (series bench-minute, $MIN_POINTS points, $MIN_START .. $MIN_END)"
  echo
  echo "Load through the API in 1 000-point POSTs: ours $LOAD_MIN s ($LOAD_MIN_NOTE); reference ${LOAD_REF} s${REFERENCE_URL:+ ($REFERENCE_URL)}. Reads: $YEAR_RUNS runs each, curl's time_total; psql runs PostgreSQL's own GROUP BY over the raw points (the same buckets), \"psql - floor\" takes psql's start-up ($PSQL_FLOOR ms) off."
  echo
  echo "| read | buckets | ours median ms | ours min ms | psql GROUP BY median ms | psql - floor ms | reference median ms | reference/ours |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  cat "$AGGS"
  echo
  echo "## Inserts (POST /v2/timeseries/{uuid}/data, fresh timestamps, $RUNS runs each)"
  echo
  echo "| points | median ms | min ms | max ms | reference median ms | reference/ours |"
  echo "|---:|---:|---:|---:|---:|---:|"
  cat "$INSERTS"
  echo
  echo "## Mixed read load (wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_SECONDS}s through nginx: metadata, day, week, month in turn)"
  echo
  echo "| requests/s | requests | latency p50 ms | p75 ms | p90 ms | p99 ms | statuses |"
  echo "|---:|---:|---:|---:|---:|---:|---|"
  echo "| $WRK_RPS | $WRK_REQS | $(lat 50%) | $(lat 75%) | $(lat 90%) | $(lat 99%) | $WRK_STATUSES |"
  echo
  echo "CPU during the load: $MIX_CPU."
  echo
  echo "## Throughput (wrk -t$WRK_THREADS -c$WRK_CONNS -d${TP_SECONDS}s through nginx, one path each)"
  echo
  echo "The 1-day read is 1440 points of bench-minute. \"with $NPOL policies\": the caller's groups hold that many (20 000 added as the reference's creator policies would, removed after). PostgreSQL's own rate for the 1-day read's SELECT: pgbench, prepared, $WRK_CONNS connections."
  echo
  echo "| path | ours req/s | p99 ms | ours with $NPOL policies | kept | reference req/s | ours/reference | PostgreSQL's own tps |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  echo "| /v2/users/me | $TP_ME | $TP_ME99 | $TP_MEP | $(ratio "$TP_MEP" "$TP_ME") | $TP_REF_ME | $(ratio "$TP_ME" "$TP_REF_ME") | |"
  echo "| 1-day read | $TP_DAY | $TP_DAY99 | $TP_DAYP | $(ratio "$TP_DAYP" "$TP_DAY") | $TP_REF_DAY | $(ratio "$TP_DAY" "$TP_REF_DAY") | $TP_PG |"
  echo "| /v2/users/me, 1000 tokens in turn (looked up every time) | $TP_MET | $TP_MET99 | $TP_METP | $(ratio "$TP_METP" "$TP_MET") | | | |"
  echo "| /status (no database, no credentials checked) | $TP_STATUS | $TP_STATUS99 | | | | | $TP_PG1 |"
  echo
  echo "Repeated requests of one token find the answer their responder keeps (docs/deployment.md): one cheap round trip while nothing authentication reads has changed. The 1000-token row looks every token and its candidate policies up in PostgreSQL. /status is the ceiling of any path through nginx and FastCGI on this machine; beside it, PostgreSQL's own rate for \`SELECT 1\` (pgbench, prepared, $WRK_CONNS connections): the price of one round trip."
  echo "## Responder memory around $((MEM_ROUNDS * POOL)) one-year reads ($POOL at a time)"
  echo
  echo "Largest VmHWM of the $POOL responders: before $h0 kB, after $h1 kB (change $MEM_DELTA kB); VmRSS before $r0 kB, after $r1 kB; $RESET."
  echo
  echo "## Against the targets and the reference (2014 server)"
  echo
  echo "| | reference | target | here | |"
  echo "|---|---:|---:|---:|---|"
  echo "| 1-year read (52 561 points) | 174 ms | <= 1.5 x psql | $MED_year ms; psql $PSQL_year ms: $RATIO_year x | $(verdict "$RATIO_year" 1.5) |"
  echo "| 100-point insert | 49 ms | well under 10 ms | $INS_100 ms | $(verdict "$INS_100" 10) |"
  echo "| 1-year daily avg of 1-min points, UTC | | <= 10 ms, >= 10 x reference | $AGG_dutc ms; reference/ours ${AGGR_dutc} | $(verdict "$AGG_dutc" 10) |"
  echo "| same, Europe/Stockholm | | <= 10 ms, >= 10 x reference | $AGG_dsto ms; reference/ours ${AGGR_dsto} | $(verdict "$AGG_dsto" 10) |"
  echo "| 1-year hourly max of 1-min points | | <= 10 ms, >= 10 x reference | $AGG_hmax ms; reference/ours ${AGGR_hmax} | $(verdict "$AGG_hmax" 10) |"
  echo "| 100-point insert, side by side | | >= 5 x faster than reference | $INS_100 ms; reference ${INSR_100:--} ms: $(ratio "${INSR_100:--}" "$INS_100") x | $(atleast "$(ratio "${INSR_100:--}" "$INS_100")" 5) |"
  echo "| loading a year of 1-min points, 1 000-point POSTs | | >= 2 x faster than reference | $LOAD_MIN s; reference $LOAD_REF s: $(ratio "$LOAD_REF" "$LOAD_MIN") x | $(atleast "$(ratio "$LOAD_REF" "$LOAD_MIN")" 2) |"
  echo "| mixed read load | ~200 req/s at 90 % CPU | wide margin | $WRK_RPS req/s | |"
  echo "| responder memory over 1-year reads | | flat | +$MEM_DELTA kB peak | $(verdict "$MEM_DELTA" 1024) |"
  echo "| users/me with 20 000 more policies | | >= 90 % of its req/s | $(ratio "$TP_MEP" "$TP_ME") | $(atleast "$(ratio "$TP_MEP" "$TP_ME")" 0.9) |"
  echo "| 1-day read with 20 000 more policies | | >= 90 % of its req/s | $(ratio "$TP_DAYP" "$TP_DAY") | $(atleast "$(ratio "$TP_DAYP" "$TP_DAY")" 0.9) |"
  echo "| users/me req/s | | >= 10 x reference | $TP_ME; reference $TP_REF_ME | $(atleast "$(ratio "$TP_ME" "$TP_REF_ME")" 10) |"
  echo "| 1-day read req/s | | >= 10 x reference | $TP_DAY; reference $TP_REF_DAY | $(atleast "$(ratio "$TP_DAY" "$TP_REF_DAY")" 10) |"
  echo
  echo "## Problems seen"
  echo
  if [ -s "$PROBLEMS" ]; then cat "$PROBLEMS"; else echo "none: every answer had the expected status and point count"; fi
} > "$REPORT"
mkdir -p "$BENCH/results"
cp "$REPORT" "$BENCH/results/latest.md"
echo
cat "$REPORT"
echo
echo "(written to bench/results/latest.md)"

# the Tengo figures: bench/tengo.sh (its own report, bench/results/tengo.md;
# with TENGO_GO=/path/to/go-tengo side by side with Go Tengo)
if [ -z "${BENCH_SKIP_TENGO:-}" ]; then
  say "Tengo: bench/tengo.sh${TENGO_GO:+ (Go Tengo: $TENGO_GO)}"
  BENCH_BUILD=${BENCH_BUILD:-build} "$BENCH/tengo.sh" $([ "$RUNS" -le 5 ] && echo --quick)
fi
