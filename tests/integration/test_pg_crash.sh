#!/usr/bin/env bash
# test_pg_crash.sh — under write load, SIGKILL of responders and of
# PostgreSQL as a whole loses nothing acknowledged and stores no batch in
# part; once PostgreSQL is back the same responders answer again, no
# restart (issue 15). A stack of its own with a PostgreSQL cluster of its
# own (fsync on), through nginx: 4 writers post 50-point batches to 4
# series, each batch's answer logged; two responders are killed, then
# every PostgreSQL process, which is started again 2 s later; the
# writers go on until 3 s after the API answers again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"

stack_init pgcrash
stack_own_pg
stack_domain pgc
AUTH="pgc:$TOKEN_pgc"
stack_web 3 1
sql() { stack_psql -c "$1" stack_pgc; }
series=""
for w in 1 2 3 4; do
  api POST /v2/timeseries "{\"name\":\"crash $w\",\"si_unit\":\"C\"}" >/dev/null
  series="$series $(uuid_of_body)"
done
[ "$(echo $series | wc -w)" = 4 ]; verdict "4 series"

# writer W UUID: batch k holds minutes k*50 … k*50+49 of 2022-01-01;
# until $TMP/stop exists (at most 60 s)
writer() {
  local w=$1 uuid=$2 until=$((SECONDS + 60)) k=0 body code
  while [ ! -e "$TMP/stop" ] && [ $SECONDS -lt "$until" ]; do
    body=$(awk -v k="$k" 'BEGIN { printf "["; for (i = 0; i < 50; i++) { m = k * 50 + i;
      printf "%s{\"v\":%d,\"ts\":\"2022-%02d-%02dT%02d:%02d:00Z\"}", (i ? "," : ""), m,
             1 + int(m / 40320), 1 + int(m / 1440) % 28, int(m / 60) % 24, m % 60 } printf "]" }')
    code=$(curl -s -o "$TMP/w$w.body" -w '%{http_code}' --max-time 10 -u "$AUTH" \
             -H 'Content-Type: application/json' --data-binary "$body" "$URL/v2/timeseries/$uuid/data")
    echo "$k $code $(head -c 80 "$TMP/w$w.body" | tr -d '\n')" >> "$TMP/log.$w"
    k=$((k + 1))
  done
}
pids="" w=0
for u in $series; do w=$((w + 1)); writer "$w" "$u" & pids="$pids $!"; done
sleep 2
for i in 1 2; do
  v=$(pgrep -P "$(cat "$S/run/selfserv.pid")" | shuf -n 1)
  [ "${v:-0}" -gt 1 ] && kill -9 "$v"
  sleep 0.5
done
sleep 1
restarts_before=$(sh_sup_state "$S" selfserv restarts)
responders_before=$(pgrep -P "$(cat "$S/run/selfserv.pid")" | sort | tr '\n' ' ')
pm=$(head -n 1 "$S/pgdata/postmaster.pid")
pg_all="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
kill -9 $pg_all; verdict "every PostgreSQL process killed with SIGKILL under load (pids $pg_all)"
sleep 2
down_at=$(now_ms)
stack_own_pg; verdict "PostgreSQL started again (crash recovery)"
answering() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "$AUTH" "$URL/v2/users/me")" = 200 ]; }
wait_for 20 answering; rc=$?
back_ms=$(( $(now_ms) - down_at ))
(exit $rc); verdict "the API answers 200 again, $back_ms ms after PostgreSQL was back"
sleep 3                                   # the writers go on a while
touch "$TMP/stop"
for p in $pids; do wait "$p"; done
responders_after=$(pgrep -P "$(cat "$S/run/selfserv.pid")" | sort | tr '\n' ' ')
restarts_after=$(sh_sup_state "$S" selfserv restarts)
[ "$responders_after" = "$responders_before" ] && [ "$restarts_after" = "$restarts_before" ]
verdict "by the same responders, none restarted ($responders_after; restarts $restarts_before -> $restarts_after)"

acked=0 lost=0 partial=0 refused=0 unclean=0 w=0
for u in $series; do
  w=$((w + 1))
  sql "SELECT (extract(epoch FROM ts - '2022-01-01'::timestamptz) / 60)::int / 50 AS k, count(*)
         FROM tsdata WHERE ts_uuid = '$u' GROUP BY 1" > "$TMP/stored.$w"
  while read -r k code rest; do
    n=$(awk -F'|' -v k="$k" '$1 == k { print $2 }' "$TMP/stored.$w")
    case $code in
      201) acked=$((acked + 1)); [ "${n:-0}" = 50 ] || lost=$((lost + 1)) ;;
      *) refused=$((refused + 1))
         [[ $rest == "{\"code\":$code,\"message\":\""* ]] || unclean=$((unclean + 1)) ;;
    esac
    [ "${n:-0}" = 0 ] || [ "$n" = 50 ] || partial=$((partial + 1))
  done < "$TMP/log.$w"
done
echo "batches: $acked acknowledged, $refused refused; lost $lost, partial $partial"
echo "answers: $(cat "$TMP"/log.* | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' ')"
[ "$acked" -gt 20 ] && [ "$lost" = 0 ]; verdict "every acknowledged batch is stored whole ($acked acknowledged, $lost not)"
[ "$partial" = 0 ]; verdict "no batch is stored in part ($partial)"
[ "$unclean" = 0 ]; verdict "every refused batch got a JSON error ($refused refused, $unclean not JSON)"
late=$(for w in 1 2 3 4; do tail -n 3 "$TMP/log.$w"; done | awk '$2 == 201' | wc -l)
[ "$late" -ge 4 ]; verdict "writes are acknowledged again at the end ($late of the last 12)"
finish
