#!/usr/bin/env bash
# test_replica_reads.sh — data reads from a domain's streaming replica
# (issue 14): a primary and a hot standby of its own (replication.sh,
# asynchronous), one domain with the standby as its [replicas] URI,
# database.replica_max_lag = 2, a pool of 2 responders behind nginx.
#  - with replay paused on the standby, a point written on the primary is
#    missing from GET …/data and /v2/tsquery (the replica answered) while
#    the lag is within 2 s, and there once it is past the bound (the
#    primary answered), with a log line when the choice changed;
#  - a point written through the API is read back at once, even from a
#    paused replica (the host's responders read their domain's writes from
#    the primary for replica_max_lag seconds);
#  - the replica's connections are the responders' (one each at most);
#  - the replica stopped: reads still answer 200, from the primary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"
. "$(dirname "$0")/replication.sh"

stack_init replica "[database]
replica_max_lag = 2"
trap 'repl_stop; stack_stop' EXIT
repl_start; verdict "a primary and a streaming standby (pg_basebackup -R)"
repl_psql A -c 'CREATE DATABASE stack_rr' >/dev/null
URI_A="postgresql:///stack_rr?host=$S/ra&port=$REPL_PORT_A&user=postgres"
URI_B="postgresql:///stack_rr?host=$S/rb&port=$REPL_PORT_B&user=postgres"
out=$(sh_as_user "$ITEST_SELFCTL" -c "$STACK_CONF" domain add rr --db "$URI_A" 2>&1)
TOKEN=$(printf '%s\n' "$out" | grep '^secret-token\.')
[ -n "$TOKEN" ]; verdict "domain rr added on the primary"
printf '[replicas]\nrr = %s\n' "$URI_B" >> "$S/etc/domains.conf"
AUTH="rr:$TOKEN"
stack_web 2 1
api POST /v2/timeseries '{"name":"replica","si_unit":"C"}' >/dev/null
SERIES=$(uuid_of_body)
[ -n "$SERIES" ]; verdict "a series"

RANGE="start=2023-01-01T00:00:00Z&end=2023-01-02T00:00:00Z"
# has_point MINUTE: the series' data, read through the API, holds the
# point at 2023-01-01 00:MINUTE (both data reads: series data and tsquery)
has_point() {
  local ts; ts=$(printf '2023-01-01T00:%02d:00Z' "$1")
  [ "$(api GET "/v2/timeseries/$SERIES/data?$RANGE")" = 200 ] && grep -q "\"ts\":\"$ts\"" "$TMP/body"
}
tsquery_has() {
  local ts; ts=$(printf '2023-01-01T00:%02d:00Z' "$1")
  [ "$(api GET "/v2/tsquery?uuids=$SERIES&$RANGE")" = 200 ] && grep -q "\"ts\":\"$ts\"" "$TMP/body"
}
insert_on_primary() { # MINUTE: straight into the primary's table, as another client would
  repl_psql A -d stack_rr -c "INSERT INTO tsdata (ts_uuid, value, ts)
    VALUES ('$SERIES', $1, '2023-01-01T00:$(printf %02d "$1"):00Z')"
}
# a recent transaction replayed, then replay paused: the replica's lag is
# the time since that transaction, which began after T_FRESH (so the lag
# is at most now - T_FRESH, and past 2 s no sooner than T_FRESH + 2 s)
fresh_then_pause() {
  T_FRESH=$(now_ms)
  insert_on_primary "$1" && wait_for 5 repl_caught_up &&
    repl_psql B -c 'SELECT pg_wal_replay_pause()' >/dev/null
}
resume_caught_up() {
  repl_psql B -c 'SELECT pg_wal_replay_resume()' >/dev/null && wait_for 5 repl_caught_up
}

# --- read your own writes --------------------------------------------------------
[ "$(api POST "/v2/timeseries/$SERIES/data" '[{"v":1,"ts":"2023-01-01T00:01:00Z"}]')" = 201 ]
has_point 1; verdict "a point written through the API is read back at once"
sleep 2.2 # past replica_max_lag: reads may go to the replica again
fresh_then_pause 2; verdict "replay paused on the standby"
[ "$(api POST "/v2/timeseries/$SERIES/data" '[{"v":3,"ts":"2023-01-01T00:03:00Z"}]')" = 201 ]
has_point 3
verdict_rc $? "written through the API while replay is paused: read back at once, $(( $(now_ms) - T_FRESH )) ms after the fresh transaction (from the primary)"
resume_caught_up
sleep 2.2

# --- the replica answers while its lag is within the bound ---------------------------
# M (paused after it) and M+1 (written after the pause); a machine too slow
# to make the four reads within 1.8 s of T_FRESH tries again (3 times)
for attempt in 1 2 3; do
  M=$((attempt * 2 + 2))
  fresh_then_pause $M && insert_on_primary $((M + 1)); r0=$?
  has_point $M && ! has_point $((M + 1)); r1=$?
  tsquery_has $M && ! tsquery_has $((M + 1)); r2=$?
  after=$(( $(now_ms) - T_FRESH ))
  [ $after -lt 1800 ] && break
  echo "  (the reads took until $after ms after the fresh transaction: again)"
  resume_caught_up; sleep 2.2
done
[ $r0 = 0 ]; verdict "replay paused after a fresh transaction, then a point written on the primary"
[ $r1 = 0 ] && [ $r2 = 0 ] && [ $after -lt 1800 ]
verdict "that point is missing from both data reads ${after} ms after the fresh transaction (lag within 2 s: the replica answered)"
until has_point $((M + 1)) || [ $(( $(now_ms) - T_FRESH )) -gt 6000 ]; do sleep 0.1; done
seen=$(( $(now_ms) - T_FRESH ))
has_point $((M + 1)) && tsquery_has $((M + 1)) && [ "$seen" -ge 2000 ] && [ "$seen" -le 4500 ]
verdict "then it is there, $seen ms after the fresh transaction (lag past 2 s, checked once a second: the primary answered)"
grep -q 'domain rr: data reads go to the primary: its replica lags' "$S/log/selfserv.log"
verdict "a log line says the reads left the lagging replica"
resume_caught_up
sleep 1.1 # the next look at the lag
for i in 1 2 3 4; do has_point $((M + 1)) || break; done
[ "$(sed -n '/its replica lags/,$p' "$S/log/selfserv.log" | grep -c 'domain rr: data reads go to its replica')" -ge 1 ]
verdict "caught up again: a log line says the reads are back on the replica"
conns=$(repl_psql B -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'selfserv'")
[ "$conns" -ge 1 ] && [ "$conns" -le 2 ]; verdict "the replica holds one connection per responder at most ($conns)"

# --- the replica stopped ------------------------------------------------------------------
repl_ctl pb -m fast -w stop >/dev/null; verdict "the replica stopped"
insert_on_primary 30
codes=""
for i in 1 2 3 4 5 6; do
  c=$(api GET "/v2/timeseries/$SERIES/data?$RANGE"); grep -q '"ts":"2023-01-01T00:30:00Z"' "$TMP/body" || c="$c-stale"
  codes="$codes $c"
done
[ "$codes" = " 200 200 200 200 200 200" ]; verdict "reads still answer 200 with the latest point, from the primary ($codes)"
[ "$(api GET "/v2/tsquery?uuids=$SERIES&$RANGE")" = 200 ]; verdict "tsquery too"
grep -q 'domain rr: data reads go to the primary: its replica cannot be used' "$S/log/selfserv.log"
verdict "a log line says the replica cannot be used"
finish
