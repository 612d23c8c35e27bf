#!/usr/bin/env bash
# test_failover.sh — a domain on PostgreSQL's streaming replication
# survives a promotion (issue 14): a primary and a hot standby of its own
# (replication.sh; synchronous, so that a commit the primary acknowledged
# is on the standby), one domain whose URI names both hosts with
# target_session_attrs=read-write, a pool of 2 responders behind nginx.
# Two writers post one point per request and log every answer; the
# primary is stopped with `pg_ctl stop -m immediate` and the standby
# promoted a second later; the writers go on until both have had 3 writes
# acknowledged after the promotion (at most 11 s). Then: writes are
# acknowledged again within 10 s of the promotion, by the same responders
# (none restarted), every refused write got a JSON 503, and every
# acknowledged point is on the promoted server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"
. "$(dirname "$0")/replication.sh"

stack_init failover
trap 'repl_stop; stack_stop' EXIT
repl_start; verdict "a primary and a streaming standby (pg_basebackup -R)"

repl_psql A -c 'CREATE DATABASE stack_fo' >/dev/null
URI="postgresql:///stack_fo?host=$S/ra,$S/rb&port=$REPL_PORT_A,$REPL_PORT_B&user=postgres&target_session_attrs=read-write"
out=$(sh_as_user "$ITEST_SELFCTL" -c "$STACK_CONF" domain add fo --db "$URI" 2>&1)
TOKEN=$(printf '%s\n' "$out" | grep '^secret-token\.')
[ -n "$TOKEN" ]; verdict "domain fo added with the two-host URI"
AUTH="fo:$TOKEN"
stack_web 2 1
api POST /v2/timeseries '{"name":"failover","si_unit":"C"}' >/dev/null
SERIES=$(uuid_of_body)
[ -n "$SERIES" ]; verdict "a series on the primary"
# synchronous from here on (the migrations above are quicker without): the
# standby (which has none of this setting) has flushed every commit the
# primary acknowledges, and all the WAL before it
repl_psql A -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
wait_for 10 eval '[ "$(repl_psql A -c "SELECT sync_state FROM pg_stat_replication")" = sync ]'
verdict "the standby is synchronous"
pids_before=$(pgrep -P "$(cat "$S/run/selfserv.pid")" | sort | tr '\n' ' ')
restarts_before=$(sh_sup_state "$S" selfserv restarts)

# writer W SECONDS: point k of writer W at 2023-01-01 + (W * 100000 + k) s;
# logs "k status end_ms retry_after body" per request, until $TMP/stop
# exists or SECONDS have passed
writer() {
  local w=$1 until=$((SECONDS + $2)) k=0 t code ra
  while [ $SECONDS -lt "$until" ] && [ ! -e "$TMP/stop" ]; do
    t=$(date -u -d "@$(( 1672531200 + w * 100000 + k ))" '+%Y-%m-%dT%H:%M:%SZ')
    code=$(curl -s -o "$TMP/w$w.body" -D "$TMP/w$w.head" -w '%{http_code}' --max-time 10 \
             -u "$AUTH" -H 'Content-Type: application/json' \
             --data-binary "[{\"v\":$k,\"ts\":\"$t\"}]" "$URL/v2/timeseries/$SERIES/data")
    ra=$(tr -d '\r' < "$TMP/w$w.head" | sed -n 's/^[Rr]etry-[Aa]fter: //p')
    echo "$k $code $(now_ms) ${ra:--} $(head -c 100 "$TMP/w$w.body" | tr -d '\n ')" >> "$TMP/log.$w"
    k=$((k + 1))
  done
}
writer 1 20 & W1=$!
writer 2 20 & W2=$!
sleep 2
repl_ctl pa -m immediate -w stop >/dev/null; verdict "the primary stopped hard (-m immediate) under write load"
stopped_ms=$(now_ms)
sleep 1 # a second without a primary: the standby is read-only, and refused by the URI
repl_ctl pb -w -t 30 promote >/dev/null; verdict "the standby promoted, 1 s later"
promoted_ms=$(now_ms)
# both writers' last 3 writes acknowledged, more than 200 ms after the
# promotion (or 11 s passed, and the checks below fail); then they stop
recovered() {
  local w
  for w in 1 2; do
    [ "$(tail -n 3 "$TMP/log.$w" | awk -v p="$promoted_ms" '$2 == 201 && $3 > p + 200' | wc -l)" = 3 ] ||
      return 1
  done
}
wait_for 11 recovered
touch "$TMP/stop"
wait "$W1" "$W2"

# the first acknowledged write that started after the promotion
first_ok=$(cat "$TMP"/log.* | awk -v p="$promoted_ms" '$2 == 201 && $3 > p { print $3 }' | sort -n | head -n 1)
[ -n "$first_ok" ] && [ $((first_ok - promoted_ms)) -le 10000 ]
verdict_rc $? "writes acknowledged again $([ -n "$first_ok" ] && echo "$((first_ok - promoted_ms)) ms" || echo never) after the promotion (at most 10 s; primary down $((promoted_ms - stopped_ms)) ms before)"
late=$(for w in 1 2; do tail -n 3 "$TMP/log.$w"; done | awk '$2 == 201' | wc -l)
[ "$late" = 6 ]; verdict "the last writes are all acknowledged ($late of 6)"
pids_after=$(pgrep -P "$(cat "$S/run/selfserv.pid")" | sort | tr '\n' ' ')
restarts_after=$(sh_sup_state "$S" selfserv restarts)
[ "$pids_after" = "$pids_before" ] && [ "$restarts_after" = "$restarts_before" ]
verdict "the same responders, none restarted ($pids_after; restarts $restarts_before -> $restarts_after)"

echo "answers: $(cat "$TMP"/log.* | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' ')"
awk '$2 != 201 && $2 != 503' "$TMP"/log.* > "$TMP/other"
[ ! -s "$TMP/other" ]; verdict "every write is acknowledged (201) or refused with 503, nothing else"
awk '$2 == 503 && $5 !~ /^\{"code":503,"message":"/' "$TMP"/log.* > "$TMP/unclean"
[ ! -s "$TMP/unclean" ]; verdict "every 503 is the JSON error"
refused=$(awk '$2 == 503' "$TMP"/log.* | wc -l)
with_ra=$(awk '$2 == 503 && $4 != "-"' "$TMP"/log.* | wc -l)
[ "$with_ra" = "$refused" ]
verdict "every 503 carries Retry-After ($with_ra of $refused)"
awk '$2 == 503' "$TMP"/log.* | cut -d' ' -f4- | sort | uniq -c

acked=$(cat "$TMP"/log.* | awk '$2 == 201' | wc -l)
lost=0
for w in 1 2; do
  repl_psql B -d stack_fo -c "SELECT (extract(epoch FROM ts) - 1672531200 - $w * 100000)::int FROM tsdata
                               WHERE ts_uuid = '$SERIES' AND ts >= to_timestamp(1672531200 + $w * 100000)
                               AND ts < to_timestamp(1672531200 + ($w + 1) * 100000)" | sort > "$TMP/stored.$w"
  awk '$2 == 201 { print $1 }' "$TMP/log.$w" | sort > "$TMP/acked.$w"
  lost=$((lost + $(comm -23 "$TMP/acked.$w" "$TMP/stored.$w" | wc -l)))
done
[ "$acked" -gt 20 ] && [ "$lost" = 0 ]
verdict "every acknowledged point is on the promoted server ($acked acknowledged, $lost missing)"
[ "$(repl_psql B -c 'SELECT pg_is_in_recovery()')" = f ]; verdict "the standby is the primary now"
[ "$(api GET "/v2/timeseries/$SERIES/data?start=2023-01-01T00:00:00Z&end=2023-01-10T00:00:00Z")" = 200 ] &&
  [ "$(grep -o '"v":' "$TMP/body" | wc -l)" -ge "$acked" ]
verdict "the points read back through the API"
grep -q "cannot connect to database server on socket \"$S/ra/[^;]*; server on socket \"$S/rb/.*session is read-only" "$S/log/selfserv.log"
verdict "while there was no primary, the log said why each host was refused (the standby: read-only)"
grep -h 'connection lost\|cannot connect' "$S"/log/selfserv.log | sed -e 's/^[^ ]* //' -e "s#$S/##g" | sort | uniq -c | head -n 5
finish
