#!/usr/bin/env bash
# test_tsdata_refs.sh — migration 20 keeps the rules of tsdata's two foreign
# keys with statement-level checks: a point naming no series or no user is
# refused with the foreign key's error (23503, same constraint name), a
# series with points cannot be deleted, a deleted user's points keep no
# creator; a write racing a series delete, in both orders, ends as the
# foreign key would end it (one of them refused, never orphan points); and
# `migrate down 19` brings the foreign keys back with a schema equal to a
# database that never went past 19. Through nginx, the API's answers stay.
. "$(dirname "$0")/lib.sh"
db=itest_refs_$$
uri=$(fresh_db "$db")
trap 'drop_db "$db"; rm -rf "$TMP"' EXIT
run selfctl db migrate up 19 --db "$uri"
[ "$rc" = 0 ]; verdict "a database at 19"
catalog "$db" > "$TMP/at19"
run selfctl db migrate up 20 --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 20 ]; verdict "up to 20"
[ "$(psql_q -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'tsdata'::regclass AND contype = 'f'" "$db")" = 0 ]
verdict "tsdata has no foreign keys at 20"

sql() { psql_q -c "$1" "$db" 2>&1; }
# sqlstate_of SQL: the SQLSTATE and constraint of its error, "ok" if none
sqlstate_of() {
  psql -X -q -tA -h "$ITEST_PGHOST" -U postgres -v VERBOSITY=verbose -c "$1" "$db" 2>&1 |
    awk '/^ERROR:/ { code = $2 } /^(SCHEMA|TABLE|CONSTRAINT) NAME:/ { if ($1 == "CONSTRAINT") c = $3 }
         END { if (code) print code, c; else print "ok" }' | tr -d ':'
}
ROOT=00000000-0000-1000-8000-000000000000
S=$(sql "INSERT INTO timeseries(name, si_unit, created_by) VALUES ('s', 'V', '$ROOT') RETURNING uuid" | head -n 1)
U=$(sql "INSERT INTO users(name) VALUES ('writer') RETURNING uuid" | head -n 1)

[ "$(sqlstate_of "INSERT INTO tsdata(ts_uuid, value, ts, created_by) SELECT '$S', g, timestamptz '2024-01-01' + g * interval '1 min', '$U' FROM generate_series(1, 1000) g")" = ok ]
verdict "1000 points of a series and a user that exist are stored"
[ "$(sql "SELECT count(*), count(created_by) FROM tsdata WHERE ts_uuid = '$S'")" = "1000|1000" ]; verdict "with their creator"
[ "$(sql "SELECT sum(n) FROM tsdata_rollups WHERE ts_uuid = '$S' AND width = 300")" = 1000 ]; verdict "and in the rollups"
[ "$(sqlstate_of "INSERT INTO tsdata(ts_uuid, value, ts) VALUES ('$S', 1, '2025-01-01'), (gen_random_uuid(), 2, '2025-01-01')")" = "23503 tsdata_ts_uuid_fkey" ]
verdict "a statement with one point of an unknown series: 23503 tsdata_ts_uuid_fkey"
[ "$(sqlstate_of "INSERT INTO tsdata(ts_uuid, value, ts, created_by) VALUES ('$S', 1, '2025-01-02', gen_random_uuid())")" = "23503 tsdata_created_by_fkey" ]
verdict "a point of an unknown creator: 23503 tsdata_created_by_fkey"
[ "$(sqlstate_of "INSERT INTO tsdata(ts_uuid, value, ts, created_by) VALUES ('$S', 1, '2025-01-03', NULL)")" = ok ]
verdict "a point without a creator is fine (the column is nullable)"
[ "$(sqlstate_of "UPDATE tsdata SET ts_uuid = gen_random_uuid() WHERE ts_uuid = '$S' AND ts = '2025-01-03'")" = "23503 tsdata_ts_uuid_fkey" ]
verdict "an update moving a point to an unknown series: 23503"
[ "$(sql "SELECT count(*) FROM tsdata WHERE ts_uuid = '$S'")" = 1001 ]; verdict "nothing of the refused statements was stored"
[ "$(sqlstate_of "DELETE FROM timeseries WHERE uuid = '$S'")" = "23503 tsdata_ts_uuid_fkey" ]
verdict "a series with points cannot be deleted: 23503"
[ "$(sqlstate_of "UPDATE timeseries SET uuid = gen_random_uuid() WHERE uuid = '$S'")" = "23503 tsdata_ts_uuid_fkey" ]
verdict "nor its uuid changed"
[ "$(sqlstate_of "UPDATE timeseries SET name = 'renamed' WHERE uuid = '$S'")" = ok ]; verdict "its other columns can"
[ "$(sqlstate_of "DELETE FROM users WHERE uuid = '$U'")" = ok ] &&
  [ "$(sql "SELECT count(*), count(created_by) FROM tsdata WHERE ts_uuid = '$S'")" = "1001|0" ]
verdict "a deleted user's points stay, with no creator (ON DELETE SET NULL)"
[ "$(sql "SELECT sum(n) FROM tsdata_rollups WHERE ts_uuid = '$S' AND width = 300")" = 1001 ]; verdict "the rollups still count them"

# a write racing a delete of its series: the write first (locks the series
# KEY SHARE), the delete waits and then sees the points
S2=$(sql "INSERT INTO timeseries(name, si_unit) VALUES ('s2', 'V') RETURNING uuid" | head -n 1)
{ echo "BEGIN; INSERT INTO tsdata(ts_uuid, value, ts) VALUES ('$S2', 1, '2024-02-01');"
  echo "SELECT pg_sleep(1.5); COMMIT;"; } | psql_q "$db" >/dev/null 2>&1 &
w=$!
sleep 0.5
t0=$SECONDS
del_state=$(sqlstate_of "DELETE FROM tsdata WHERE ts_uuid = '$S2'; DELETE FROM timeseries WHERE uuid = '$S2'")
wait "$w"
[ "$del_state" = "23503 tsdata_ts_uuid_fkey" ] && [ "$(sql "SELECT count(*) FROM tsdata WHERE ts_uuid = '$S2'")" = 1 ]
verdict "write first, delete of its series after: the delete waits, then is refused ($del_state)"
# the delete first (uncommitted), the write waits, then is refused
S3=$(sql "INSERT INTO timeseries(name, si_unit) VALUES ('s3', 'V') RETURNING uuid" | head -n 1)
{ echo "BEGIN; DELETE FROM timeseries WHERE uuid = '$S3';"; echo "SELECT pg_sleep(1.5); COMMIT;"; } |
  psql_q "$db" >/dev/null 2>&1 &
d=$!
sleep 0.5
ins_state=$(sqlstate_of "INSERT INTO tsdata(ts_uuid, value, ts) VALUES ('$S3', 1, '2024-03-01')")
wait "$d"
[ "$ins_state" = "23503 tsdata_ts_uuid_fkey" ] && [ "$(sql "SELECT count(*) FROM tsdata WHERE ts_uuid = '$S3'")" = 0 ] &&
  [ "$(sql "SELECT count(*) FROM timeseries WHERE uuid = '$S3'")" = 0 ]
verdict "delete first, a write to its series after: the write waits, then is refused ($ins_state), no orphan point"

# through the API on the world's database (at the latest version): unknown
# series 404, a write 201, a series deleted with its points
AUTH=(-u "$ITEST_DOMAIN:$ITEST_TOKEN" -H 'Content-Type: application/json')
code=$(http_code "${AUTH[@]}" -d '{"name":"refs","si_unit":"V"}' "$ITEST_URL/v2/timeseries")
TS=$(sed 's/.*"uuid":"\([^"]*\)".*/\1/' "$TMP/body")
[ "$code" = 201 ] && [ "$(http_code "${AUTH[@]}" -d '[{"ts":"2024-01-01T00:00:00Z","v":1},{"ts":"2024-01-01T00:01:00Z","v":2}]' "$ITEST_URL/v2/timeseries/$TS/data")" = 201 ]
verdict "through nginx: points written (201)"
[ "$(http_code "${AUTH[@]}" -d '[{"ts":"2024-01-01T00:00:00Z","v":1}]' "$ITEST_URL/v2/timeseries/00000000-0000-4000-8000-00000000dead/data")" = 404 ]
verdict "points of an unknown series: 404"
[ "$(http_code "${AUTH[@]}" -X DELETE "$ITEST_URL/v2/timeseries/$TS")" = 204 ] &&
  [ "$(http_code "${AUTH[@]}" "$ITEST_URL/v2/timeseries/$TS")" = 404 ]
verdict "a series with points deleted through the API (204), gone after"

# the way back
run selfctl db migrate down 1 --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 19 ]; verdict "down to 19"
catalog "$db" > "$TMP/back19"
diff "$TMP/at19" "$TMP/back19" > "$TMP/catdiff"; verdict "the schema at 19 again, as before 20 (catalog)"
[ ! -s "$TMP/catdiff" ] || head -n 10 "$TMP/catdiff"
[ "$(sqlstate_of "INSERT INTO tsdata(ts_uuid, value, ts) VALUES (gen_random_uuid(), 1, '2025-01-01')")" = "23503 tsdata_ts_uuid_fkey" ]
verdict "the foreign key refuses the same point at 19"
finish
