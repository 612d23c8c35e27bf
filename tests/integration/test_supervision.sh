#!/usr/bin/env bash
# test_supervision.sh — the responder pool returns to full size after any
# number of crashes (issue 15), through nginx, on a stack of its own:
#  - a random responder of 4 SIGKILLed every 0.5 s for 10 s while a client
#    keeps asking: the pool is whole afterwards, every answer meanwhile is
#    200 or a JSON 503, and `quickstart.sh status`'s line says what was
#    restarted;
#  - one copy killed again and again as soon as it starts: selfsup backs
#    off (0.1 s, 0.2 s, 0.4 s, …) and never gives it up;
#  - the ExecStart line of deploy/systemd/selfserv.service, run as it is
#    (paths replaced): the same after 10 kills; and every unit restarts
#    for ever (Restart=always, no start limit).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"

stack_init supervision
stack_domain sup
AUTH="sup:$TOKEN_sup"
stack_web 4 2
[ "$(sh_fcgi_count "$S")" = 4 ]; verdict "4 API responders"

# a client asking all the time: one line "code body" per answer
( end=$((SECONDS + 12))
  while [ $SECONDS -lt $end ]; do
    c=$(curl -s -o "$TMP/client.body" -w '%{http_code}' --max-time 5 -u "$AUTH" "$URL/v2/users/me")
    echo "$c $(head -c 60 "$TMP/client.body" | tr -d '\n')"
  done > "$TMP/client" ) &
client=$!
kills=0
for i in $(seq 20); do
  victims=$(pgrep -P "$(cat "$S/run/selfserv.pid")" | shuf -n 1)
  [ -n "$victims" ] && kill -9 $victims && kills=$((kills + 1))
  sleep 0.5
done
wait "$client"
whole() { [ "$(sh_fcgi_count "$S")" = 4 ] && [ "$(sh_sup_state "$S" selfserv running)" = 4 ]; }
wait_for 15 whole; verdict "after $kills SIGKILLs in 10 s the pool is whole again (4 of 4)"
restarts=$(sh_sup_state "$S" selfserv restarts)
[ "$restarts" -ge "$kills" ]; verdict "selfsup counted the restarts ($restarts for $kills kills)"
total=$(wc -l < "$TMP/client") ok=$(grep -c '^200 ' "$TMP/client")
others=$(grep -v '^200 ' "$TMP/client" | grep -vc '^503 {"code":503,"message":"')
[ "$ok" -gt 0 ] && [ "$others" = 0 ]; verdict "the client got 200 or a JSON 503 meanwhile ($ok of $total were 200, $others other)"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" "$URL/v2/users/me")
[ "$code" = 200 ]; verdict "the API answers afterwards ($code)"
line=$(sh_sup_status "$S" selfserv "API responders")
echo "status: $line"
[[ $line == "selfserv: 4 of 4 API responders running, $restarts restart(s) (last: copy "*"killed by signal 9 (SIGKILL)"*"; restarted "* ]]
verdict "quickstart.sh status's line names the restarts and the last cause"

# --- a crash loop: the same copy killed as soon as it is back ---------------
for i in $(seq 6); do
  pid=$(stack_pid selfserv 0)
  for _ in $(seq 300); do
    [ "${pid:-0}" -gt 1 ] && kill -0 "$pid" 2>/dev/null && break
    sleep 0.05; pid=$(stack_pid selfserv 0)
  done
  [ "${pid:-0}" -gt 1 ] && kill -9 "$pid"   # never "kill -9 0": that is our process group
  sleep 0.05
done
delays=$(grep 'copy 0 ' "$S/log/selfserv.log" | grep -o 'again in [0-9]* ms' | tail -n 6 | grep -o '[0-9]*' | tr '\n' ' ')
echo "copy 0's restart delays: $delays ms"
grows=$(awk -v d="$delays" 'BEGIN { n = split(d, a, " "); for (i = 2; i <= n; i++) if (a[i] + 0 < a[i-1] + 0) exit 1; exit !(a[n] >= 1600) }' && echo yes)
[ "$grows" = yes ]; verdict "a copy that keeps dying young waits longer each time ($delays ms)"
wait_for 15 whole; verdict "and is never given up: the pool is whole again"

# --- the systemd unit's command line, for real --------------------------------
UNIT=$ITEST_SRC/deploy/systemd/selfserv.service
# ExecStart= and its continuation lines, joined
exec_line=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$UNIT" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
SD=$S/sd && mkdir -p "$SD" && chown "$SELFHOST_USER:" "$SD"
cmd=$(printf '%s' "$exec_line" | sed -e "s|/run/selfhost|$SD|g" -e "s|/usr/local/lib/selfhost/selfsup|$ITEST_SELFSUP|g" \
  -e "s|/usr/local/sbin/selfserv|$ITEST_SELFSERV|g" -e "s|/etc/selfhost/selfhost.conf|$STACK_CONF|g" \
  -e 's|\${SELFSERV_POOL}|3|g' -e "s|-G www-data|-G $SELFHOST_USER|")
[[ $cmd == *"$ITEST_SELFSUP -n 3 "* && $cmd == *"$SD/selfserv.sock"* && $cmd != *multiwatch* ]]
verdict "selfserv.service runs selfserv under spawn-fcgi + selfsup"
setsid bash -c "exec $cmd" </dev/null >>"$S/log/unit.log" 2>&1 &
unit=$!
echo "$unit" > "$S/run/unit.pid"
unit_count() { [ "$(pgrep -c -P "$unit")" = "$1" ]; }
wait_for 10 unit_count 3; verdict "the unit's pool starts 3 responders"
for i in $(seq 10); do
  v=$(pgrep -P "$unit" | shuf -n 1)
  [ "${v:-0}" -gt 1 ] && kill -9 "$v"
  sleep 0.3
done
wait_for 15 unit_count 3; verdict "after 10 SIGKILLs the unit's pool is whole again"
code=$(SCRIPT_NAME=/v2/users/me REQUEST_URI=/v2/users/me REQUEST_METHOD=GET \
       cgi-fcgi -bind -connect "$SD/selfserv.sock" 2>/dev/null | head -n 1 | tr -d '\r')
[[ $code == Status:* || $code == Content-Type:* ]]; verdict "its socket answers FastCGI ($code)"
kill "$unit"; wait "$unit" 2>/dev/null
! pgrep -P "$unit" >/dev/null; verdict "SIGTERM stops the unit's pool"

for u in selfserv selfserv-webhook selfpmgr selfpwrk; do
  f=$ITEST_SRC/deploy/systemd/$u.service
  grep -qx 'Restart=always' "$f" && grep -qx 'StartLimitIntervalSec=0' "$f" &&
    ! sed -n '/^ExecStart=/,/[^\\]$/p' "$f" | grep -q multiwatch
  verdict "$u.service restarts for ever (Restart=always, StartLimitIntervalSec=0)"
done
finish
