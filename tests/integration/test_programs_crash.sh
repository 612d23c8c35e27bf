#!/usr/bin/env bash
# test_programs_crash.sh — clean failures when selfpmgr or selfpwrk die
# (issue 15), through nginx, on a stack of its own with the manager and
# one worker under selfsup, as the quickstart runs them; a routine every
# 2 s (1 s long) and a webhook (3 s long, deadline 6 s) keep them busy.
#  - SIGKILL of selfpmgr during two webhook calls: both callers get a JSON
#    502 or 503 within their deadline; the manager is back (restarted by
#    selfsup), webhooks answer again and the routine runs again;
#  - SIGKILL of selfpwrk during two webhook calls: JSON 503 at once, the
#    runs recorded as crashed; the worker is back, the routine runs again;
#  - no program run half recorded: every row complete, no transaction of
#    the manager left open.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"

stack_init crash "[worker]
capacity = 4"
stack_domain crash
AUTH="crash:$TOKEN_crash"
stack_web 2 4
ROUTINE=$(new_program "crash routine" routine "*/2 * * * * *" 5000 'times := import("times")
fmt := import("fmt")
times.sleep(1000 * times.millisecond)
fmt.println("tick")')
HOOK=$(new_program "crash hook" webhook "@every 1h" 6000 'times := import("times")
cgi := import("cgi")
times.sleep(3000 * times.millisecond)
cgi.response.status(200)
cgi.response.write("done")')
[ -n "$ROUTINE" ] && [ -n "$HOOK" ]; verdict "a routine every 2 s and a 3 s webhook"
stack_programs 1
sql() { stack_psql -c "$1" stack_crash; }
up() { "$ITEST_SELFCTL" -c "$STACK_CONF" pmgr status --json 2>/dev/null | grep -q '"capacity":4'; }
wait_for 15 up; verdict "manager and worker up"
ok_runs_since() { sql "SELECT count(*) FROM program_runs WHERE program_uuid = '$ROUTINE' AND outcome = 'ok' AND started > to_timestamp($1)"; }
runs_since() { [ "$(ok_runs_since "$1")" -ge "$2" ]; }
wait_for 10 runs_since 0 1; verdict "the routine runs"
hook_works() {
  [ "$(curl -s -o "$TMP/hw" -w '%{http_code}' --max-time 10 -u "$AUTH" -d '{}' "$URL/v2/programs/$HOOK/webhook")" = 200 ] &&
    grep -qx done "$TMP/hw"
}
hook_works; verdict "the webhook answers 200"

# --- the manager dies ---------------------------------------------------------
rm -f "$TMP"/hook.*
hook m1 "$HOOK"; hook m2 "$HOOK"
sleep 1
mgr=$(stack_pid selfpmgr)
killed_at=$(date +%s)
[ "${mgr:-0}" -gt 1 ] && kill -9 "$mgr"; verdict "selfpmgr (pid $mgr) killed with SIGKILL during two webhook calls"
hooks_wait
what="m1: $(hook_code m1)/$(hook_ms m1)ms $(cat "$TMP/hook.m1.body"); m2: $(hook_code m2)/$(hook_ms m2)ms"
clean=1
for n in m1 m2; do
  case $(hook_code "$n") in 502|503) ;; *) clean="" ;; esac
  hook_json "$n" && [ "$(hook_ms "$n")" -lt 6000 ] || clean=""
done
[ -n "$clean" ]; verdict "both callers get a JSON 502/503 within the 6 s deadline ($what)"
back() { [ "$(sh_sup_state "$S" selfpmgr restarts)" -ge 1 ] && [ "$(sh_sup_state "$S" selfpmgr running)" = 1 ] && up; }
wait_for 15 back; verdict "selfsup restarted the manager and the worker reconnected"
wait_for 10 hook_works; verdict "the webhook answers 200 again"
wait_for 10 runs_since "$killed_at" 1; verdict "the routine runs again after the manager's restart"

# --- the worker dies ----------------------------------------------------------
rm -f "$TMP"/hook.*
hook w1 "$HOOK"; hook w2 "$HOOK"
sleep 1
wrk=$(stack_pid selfpwrk)
t_kill=$(now_ms) killed_at=$(date +%s)
[ "${wrk:-0}" -gt 1 ] && kill -9 "$wrk"; verdict "selfpwrk (pid $wrk) killed with SIGKILL during two webhook calls"
hooks_wait
what="w1: $(hook_code w1) after kill +$(( $(hook_end w1) - t_kill ))ms $(cat "$TMP/hook.w1.body"); w2: $(hook_code w2) +$(( $(hook_end w2) - t_kill ))ms"
clean=1
for n in w1 w2; do
  [ "$(hook_code "$n")" = 503 ] && hook_json "$n" && [ "$(hook_retry "$n")" != - ] &&
    [ $(( $(hook_end "$n") - t_kill )) -lt 1000 ] || clean=""
done
[ -n "$clean" ]; verdict "both callers get a JSON 503 with Retry-After at once ($what)"
crashed=$(sql "SELECT count(*) FROM program_runs WHERE program_uuid = '$HOOK' AND outcome = 'crashed' AND error LIKE '%worker went away%'")
[ "$crashed" = 2 ]; verdict "the two webhook runs are recorded as crashed, the worker's loss as the error ($crashed)"
wback() { [ "$(sh_sup_state "$S" selfpwrk restarts)" -ge 1 ] && up; }
wait_for 15 wback; verdict "selfsup restarted the worker and it reconnected"
wait_for 10 hook_works; verdict "the webhook answers 200 again"
wait_for 10 runs_since "$killed_at" 1; verdict "the routine runs again after the worker's restart"

# --- nothing half recorded ------------------------------------------------------
bad=$(sql "SELECT count(*) FROM program_runs WHERE program_uuid IN ('$ROUTINE', '$HOOK') AND
             (outcome NOT IN ('ok', 'error', 'deadline', 'crashed') OR started IS NULL OR
              duration_ms IS NULL OR duration_ms < 0 OR revision IS NULL OR kind NOT IN ('routine', 'webhook')
              OR (outcome = 'ok' AND kind = 'routine' AND output <> E'tick\\n'))")
all=$(sql "SELECT count(*) FROM program_runs WHERE program_uuid IN ('$ROUTINE', '$HOOK')")
[ "$bad" = 0 ] && [ "$all" -gt 3 ]; verdict "every recorded run is complete ($all rows, $bad incomplete)"
open=$(stack_psql -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'stack_crash' AND state LIKE 'idle in transaction%'" postgres)
[ "$open" = 0 ]; verdict "no transaction left open ($open)"
status=$(sh_sup_status "$S" selfpmgr "program manager"; sh_sup_status "$S" selfpwrk "program workers")
echo "$status"
[[ $status == *"selfpmgr: 1 of 1 program manager running, 1 restart(s)"*"selfpwrk: 1 of 1 program workers running, 1 restart(s)"* ]]
verdict "quickstart.sh status's lines say both were restarted once"
finish
