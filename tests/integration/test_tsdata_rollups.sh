#!/usr/bin/env bash
# test_tsdata_rollups.sh — aggregated reads served from the rollups of
# migration 19 answer exactly what PostgreSQL's own GROUP BY over the raw
# points answers. A random series (random gaps, sub-minute instants,
# dense runs around the DST changes of Europe/Stockholm, America/New_York
# and Australia/Lord_Howe, a few points of 1899/1900 when Stockholm still
# kept its LMT offset) is written through the API; then, after the writes
# and again after deletes (ranges with ge/le) and more writes, every
# precision minute5 … millennia × aggregate × zone (UTC, Europe/Stockholm,
# America/New_York, Asia/Kathmandu, Australia/Lord_Howe), with filters in
# turn (none, ge/le inside, ge > le outside, unit=F) and windows (the
# year, a ragged one), is read through nginx and compared in SQL with the
# same buckets computed from tsdata (the expressions of fcgi/tsdata_sql.c)
# with conversion and ge/le applied after aggregation: the same buckets,
# the same offset labels, count/min/max equal, avg/sum within 1e-9
# relative (a different summation order). The rollup table itself is
# checked against the points too (count, min, max exact; sum to 1e-9).
. "$(dirname "$0")/lib.sh"
auth="$ITEST_DOMAIN:$ITEST_TOKEN"
db=itest_main
s=$(curl -s -u "$auth" -d '{"name":"rollup check","si_unit":"C"}' "$ITEST_URL/v2/timeseries" | sed 's/.*"uuid":"\([^"]*\)".*/\1/')
uuid_ok() { [[ $1 =~ ^[0-9a-f-]{36}$ ]]; }
uuid_ok "$s"; verdict "a series to fill ($s)"

# post_sql SQL: the points SQL selects (columns ts, v), posted in chunks
post_sql() {
  local chunk=0 n code all=0
  psql_q -c "CREATE TABLE IF NOT EXISTS rollup_test_pts (ts timestamptz, v float8)" "$db"
  psql_q -c "TRUNCATE rollup_test_pts; INSERT INTO rollup_test_pts $1" "$db"
  n=$(psql_q -c "SELECT count(*) FROM rollup_test_pts" "$db")
  while [ $((chunk * 15000)) -lt "$n" ]; do
    psql_q -c "SELECT json_agg(json_build_object('v', v, 'ts', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')) ORDER BY ts)
               FROM (SELECT * FROM rollup_test_pts ORDER BY ts OFFSET $((chunk * 15000)) LIMIT 15000) p" "$db" > "$TMP/post.json"
    code=$(http_code -u "$auth" -H 'Content-Type: application/json' --data-binary "@$TMP/post.json" "$ITEST_URL/v2/timeseries/$s/data")
    [ "$code" = 201 ] || { echo "POST answered $code: $(head -c 300 "$TMP/body")"; all=1; }
    chunk=$((chunk + 1))
  done
  return $all
}

# random minutes of 2021 (about 6 %), at random seconds; dense 20-second
# points for a day around each DST change; values with 3 decimals
post_sql "SELECT DISTINCT ON (ts) ts, v FROM (
  SELECT TIMESTAMPTZ '2021-01-01 00:00Z' + m * interval '1 minute' + floor(random() * 60) * interval '1 second' AS ts,
         round((random() * 120 - 20)::numeric, 3)::float8 AS v
    FROM generate_series(0, 525599) m, setseed(0.31) WHERE random() < 0.06
  UNION ALL
  SELECT c + k * interval '20 seconds', round((random() * 50)::numeric, 3)::float8
    FROM unnest(ARRAY[TIMESTAMPTZ '2021-03-27 12:00Z', '2021-10-30 12:00Z', '2021-03-13 18:00Z',
                      '2021-11-06 18:00Z', '2021-04-03 03:00Z', '2021-10-02 03:00Z']) c,
         generate_series(0, 4319) k
  UNION ALL
  SELECT TIMESTAMPTZ '1899-06-01 00:00Z' + m * interval '7 hours', round((random() * 10)::numeric, 3)::float8
    FROM generate_series(0, 1800) m) p ORDER BY ts"
verdict "random points written through the API ($(psql_q -c "SELECT count(*) FROM tsdata WHERE ts_uuid = '$s'" "$db") stored)"

# the bucket of the raw path, as fcgi/tsdata_sql.c computes it
psql_q "$db" > /dev/null <<'SQL'
CREATE OR REPLACE FUNCTION rollup_test_bucket(ts timestamptz, field text, m int, z text, dayplus bool)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN dayplus THEN date_trunc(field, ts AT TIME ZONE z) AT TIME ZONE z
         ELSE ts - ((ts AT TIME ZONE z) - (date_trunc(field, ts AT TIME ZONE z) + CASE WHEN m > 0 THEN
              (floor(date_part('minute', ts AT TIME ZONE z) / m) * m) * interval '1 minute' ELSE interval '0' END)) END
$$;
SQL

# rollups_consistent: every rollup row equals the recount of its points
rollups_consistent() {
  local bad
  bad=$(psql_q "$db" <<SQL
WITH raw AS (
  SELECT w, date_bin(make_interval(secs => w), ts, TIMESTAMPTZ '2000-01-01 00:00Z') AS b,
         count(*) AS n, sum(value) AS sum, min(value) AS min, max(value) AS max
    FROM tsdata, (VALUES (300), (3600), (86400)) AS x(w) WHERE ts_uuid = '$s' GROUP BY 1, 2),
r AS (SELECT width AS w, bucket AS b, n, sum, min, max FROM tsdata_rollups WHERE ts_uuid = '$s')
SELECT count(*) FROM raw FULL JOIN r USING (w, b)
 WHERE raw.n IS DISTINCT FROM r.n OR raw.min IS DISTINCT FROM r.min OR raw.max IS DISTINCT FROM r.max
    OR abs(raw.sum - r.sum) > 1e-9 * greatest(1, abs(raw.sum));
SQL
)
  [ "$bad" = 0 ] || echo "rollups: $bad buckets differ from the points"
  [ "$bad" = 0 ]
}

precisions="minute5 minute10 minute15 minute20 minute30 hour day week month year decade century millennia"
zones="UTC Europe/Stockholm America/New_York Asia/Kathmandu Australia/Lord_Howe"
aggs="avg min max sum count"
# compare_all LABEL: every precision x aggregate x zone, filters and windows in turn
compare_all() {
  local i=0 mism=0 total=0 p z a field m dayplus filt start end qs scale off tol cond got
  for p in $precisions; do
    case $p in minute*) field=hour m=${p#minute} dayplus=false ;;
               hour) field=hour m=0 dayplus=false ;;
               millennia) field=millennium m=0 dayplus=true ;;
               *) field=$p m=0 dayplus=true ;; esac
    for z in $zones; do
      for a in $aggs; do
        i=$((i + 1))
        start=2021-01-01T00:00:00Z end=2022-01-01T00:00:00Z
        if [ $((i % 3)) = 1 ]; then start=2021-03-27T13:17:42.5Z end=2021-11-08T02:03:04Z; fi
        if [ $((i % 17)) = 5 ]; then start=1899-06-01T00:00:00Z end=1900-05-31T00:00:00Z; fi
        qs="start=$start&end=$end&precision=$p&aggregate=$a&timezone=$z"
        scale=1 off=0 cond=true
        case $((i % 4)) in
          1) qs="$qs&ge=10&le=60"; cond="v >= 10 AND v <= 60" ;;
          2) qs="$qs&ge=60&le=10"; cond="(v >= 60 OR v <= 10)" ;;
          3) qs="$qs&unit=F"; [ "$a" = count ] || { scale=1.8 off=32; } ;;
        esac
        case $a in avg|sum) tol=1e-9 ;; *) tol=0 ;; esac
        code=$(http_code -u "$auth" "$ITEST_URL/v2/timeseries/$s/data?$qs")
        total=$((total + 1))
        if [ "$code" != 200 ]; then echo "$qs: status $code"; mism=$((mism + 1)); continue; fi
        got=$(psql_q "$db" <<SQL
CREATE TEMP TABLE got (j json);
\\copy got FROM '$TMP/body' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
WITH e AS (
  SELECT b, v FROM (
    SELECT b, agg * $scale + $off AS v FROM (
      SELECT rollup_test_bucket(ts, '$field', $m, '$z', $dayplus) AS b, $a(value)::float8 AS agg
        FROM tsdata WHERE ts_uuid = '$s' AND ts BETWEEN '$start' AND '$end' GROUP BY 1) x) y
   WHERE $cond),
g AS (SELECT (j->>'ts')::timestamptz AS b, (j->>'ts')::timestamp AS local, (j->>'v')::float8 AS v
        FROM got, json_array_elements(got.j) j)
SELECT count(*) FROM e FULL JOIN g USING (b)
 WHERE e.v IS NULL OR g.v IS NULL OR abs(e.v - g.v) > $tol * greatest(1, abs(e.v))
    OR g.local <> b AT TIME ZONE '$z';
SQL
)
        if [ "$got" != 0 ]; then echo "$qs: $got buckets differ"; mism=$((mism + 1)); fi
      done
    done
  done
  echo "$1: $total reads compared, $mism differ"
  [ "$mism" = 0 ]
}

rollups_consistent; verdict "after the writes: every rollup row equals its points"
compare_all "after the writes"; verdict "after the writes: every read equals the raw GROUP BY"

# deletes: ranges, with ge/le, across DST days and bucket edges; then more
# writes into the deleted ranges and a single point on a bucket edge
del() { code=$(http_code -u "$auth" -X DELETE "$ITEST_URL/v2/timeseries/$s/data?$1"); [ "$code" = 204 ]; }
del "start=2021-03-28T00:13:17Z&end=2021-03-28T05:02:00Z" &&
del "start=2021-06-01T00:00:00Z&end=2021-06-20T11:11:11Z&ge=30" &&
del "start=2021-10-31T00:30:00Z&end=2021-10-31T01:30:00Z&le=20" &&
del "start=2021-12-31T23:00:00Z&end=2022-01-01T00:00:00Z"
verdict "ranges deleted (with ge/le)"
post_sql "SELECT TIMESTAMPTZ '2021-06-05 00:00Z' + m * interval '1 minute', round((random() * 40)::numeric, 3)::float8
            FROM generate_series(0, 2000) m, setseed(0.77) WHERE random() < 0.5
          UNION ALL SELECT TIMESTAMPTZ '2022-01-01 00:00Z', 99.5"
verdict "new points written into a deleted range"
rollups_consistent; verdict "after deletes and writes: every rollup row equals its points"
compare_all "after deletes and writes"; verdict "after deletes and writes: every read equals the raw GROUP BY"

# a statement that fails (duplicate) changes no rollup
before=$(psql_q -c "SELECT sum(n) FROM tsdata_rollups WHERE ts_uuid = '$s'" "$db")
code=$(http_code -u "$auth" -H 'Content-Type: application/json' \
  -d '[{"v":1,"ts":"2020-01-01T00:00:00Z"},{"v":1,"ts":"2022-01-01T00:00:00Z"}]' "$ITEST_URL/v2/timeseries/$s/data")
after=$(psql_q -c "SELECT sum(n) FROM tsdata_rollups WHERE ts_uuid = '$s'" "$db")
[ "$code" = 400 ] && [ "$before" = "$after" ]; verdict "a refused write (duplicate) leaves the rollups as they were ($code)"

# deleting the series takes its rollups along
code=$(http_code -u "$auth" -X DELETE "$ITEST_URL/v2/timeseries/$s")
[ "$(psql_q -c "SELECT count(*) FROM tsdata_rollups WHERE ts_uuid = '$s'" "$db")" = 0 ]
verdict "deleting the series leaves no rollup rows ($code)"
psql_q -c "DROP TABLE IF EXISTS rollup_test_pts; DROP FUNCTION IF EXISTS rollup_test_bucket(timestamptz, text, int, text, bool)" "$db" > /dev/null
finish
