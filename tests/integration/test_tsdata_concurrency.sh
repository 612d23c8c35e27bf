#!/usr/bin/env bash
# test_tsdata_concurrency.sh — concurrent writers to one series: disjoint
# batches all land; the same batch sent 8 times at once lands exactly once
# (one 201, the others 400 duplicate key); no 5xx; and a body over
# server.max_body is a JSON 413.
. "$(dirname "$0")/lib.sh"
auth="$ITEST_DOMAIN:$ITEST_TOKEN"
mkseries() { curl -s -u "$auth" -d "{\"name\":\"conc $1\",\"si_unit\":\"C\"}" "$ITEST_URL/v2/timeseries" | sed 's/.*"uuid":"\([^"]*\)".*/\1/'; }
batch() { # batch N: 1000 points, one a minute from minute N*1000 of 2021-01-01
  awk -v n="$1" 'BEGIN { printf "["; for (i = 0; i < 1000; i++) { m = n * 1000 + i;
    printf "%s{\"v\":%d,\"ts\":\"2021-01-%02dT%02d:%02d:00Z\"}", (i ? "," : ""), m,
           1 + int(m / 1440), int(m / 60) % 24, m % 60 } printf "]" }'
}
a=$(mkseries a); b=$(mkseries b)
for n in $(seq 0 7); do batch "$n" > "$TMP/batch$n"; done
for n in $(seq 0 7); do
  curl -s -o /dev/null -w '%{http_code}\n' -u "$auth" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/batch$n" "$ITEST_URL/v2/timeseries/$a/data" > "$TMP/code_a$n" &
  curl -s -o /dev/null -w '%{http_code}\n' -u "$auth" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/batch0" "$ITEST_URL/v2/timeseries/$b/data" > "$TMP/code_b$n" &
done
wait
[ "$(cat "$TMP"/code_a* | grep -c '^201$')" = 8 ]; verdict "8 concurrent disjoint batches: all 201"
[ "$(psql_q -c "SELECT count(*) FROM tsdata WHERE ts_uuid = '$a'" itest_main)" = 8000 ]; verdict "and all 8000 points are stored"
codes=$(cat "$TMP"/code_b* | tr '\n' ' ')  # before the test: a $(…) in verdict's text would reset $?
[ "$(cat "$TMP"/code_b* | grep -c '^201$')" = 1 ] && [ "$(cat "$TMP"/code_b* | grep -c '^400$')" = 7 ]; verdict "the same batch 8 times at once: one 201, seven 400 ($codes)"
[ "$(psql_q -c "SELECT count(*) FROM tsdata WHERE ts_uuid = '$b'" itest_main)" = 1000 ]; verdict "and it is stored exactly once"
! cat "$TMP"/code_a* "$TMP"/code_b* | grep -q '^5'; verdict "no 5xx"
# 10 MB of points: over this server's max_body (1 MiB) -> JSON 413, nothing stored
awk 'BEGIN { printf "["; for (i = 0; i < 250000; i++) printf "%s{\"v\":%d.5,\"ts\":\"2022-01-01T00:00:00Z\"}", (i ? "," : ""), i; printf "]" }' > "$TMP/big"
code=$(http_code -u "$auth" -H 'Content-Type: application/json' --data-binary "@$TMP/big" "$ITEST_URL/v2/timeseries/$a/data")
[ "$code" = 413 ] && grep -q '"code":413' "$TMP/body"; verdict "a 10 MB body is a JSON 413 ($code)"
finish
