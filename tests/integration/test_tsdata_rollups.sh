#!/usr/bin/env bash
# test_tsdata_rollups.sh — aggregated reads served from the rollups of
# migration 19 answer exactly what PostgreSQL's own GROUP BY over the raw
# points answers. A random series (random gaps, sub-minute instants,
# dense runs around the DST changes of Europe/Stockholm, America/New_York
# and Australia/Lord_Howe, a few points of 1899/1900 when Stockholm still
# kept its LMT offset) is written through the API; then, after the writes
# and again after deletes (ranges with ge/le) and more writes, every
# precision second … millennia × zone (UTC, Europe/Stockholm,
# America/New_York, Asia/Kathmandu, Australia/Lord_Howe) with two of the
# aggregates each, filters in turn (none, ge/le inside, ge > le outside,
# unit=F) and windows (the year, a ragged one, 1899-1900), is read through
# nginx and compared with PostgreSQL's GROUP BY over the raw points
# (rollup_compare.py: the buckets of fcgi/tsdata_sql.c, conversion and
# ge/le after aggregation): the same buckets, the same offsets,
# count/min/max equal, avg/sum within 1e-9 relative (another summation
# order). The rollup table itself is
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
verdict_rc $? "random points written through the API ($(psql_q -c "SELECT count(*) FROM tsdata WHERE ts_uuid = '$s'" "$db") stored)"

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

# compare_all LABEL: every precision x zone with two aggregates each,
# filters and windows in turn, against PostgreSQL's GROUP BY (rollup_compare.py)
compare_all() {
  python3 "$(dirname "$0")/rollup_compare.py" "$ITEST_URL" "$ITEST_DOMAIN" "$ITEST_TOKEN" \
    "$ITEST_PGHOST" "$db" "$s" "$1"
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
psql_q -c "DROP TABLE IF EXISTS rollup_test_pts" "$db" > /dev/null
finish
