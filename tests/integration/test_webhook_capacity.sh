#!/usr/bin/env bash
# test_webhook_capacity.sh — the bounded webhook queue (issue 15), through
# nginx, on a stack of its own: 6 webhook responders, one worker with 2
# slots, [manager] webhook_domain_max = 3 and webhook_queue = 2.
#  - one domain over its cap: JSON 503 with Retry-After at once, from the
#    manager; another domain's call is still taken, and started before the
#    first domain's queued one (fair pick);
#  - the queue full: JSON 503 with Retry-After at once;
#  - caps lifted, more calls than webhook responders: nginx answers the
#    extra ones JSON 503 with Retry-After at once, no connection waits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"

stack_init capacity "[worker]
capacity = 2
[manager]
webhook_queue = 2
webhook_domain_max = 3"
stack_domain cap_a && stack_domain cap_b
AUTH_A="cap_a:$TOKEN_cap_a" AUTH_B="cap_b:$TOKEN_cap_b"
stack_web 2 6
CODE='times := import("times")
cgi := import("cgi")
times.sleep(2000 * times.millisecond)
cgi.response.status(200)
cgi.response.write("done")'
AUTH=$AUTH_A; HOOK_A=$(new_program "hook a" webhook "@every 1h" 9000 "$CODE")
AUTH=$AUTH_B; HOOK_B=$(new_program "hook b" webhook "@every 1h" 9000 "$CODE")
[ -n "$HOOK_A" ] && [ -n "$HOOK_B" ]; verdict "a 2 s webhook program in each of two domains"
stack_programs 1
slots() { "$ITEST_SELFCTL" -c "$STACK_CONF" pmgr status --json 2>/dev/null | grep -q '"capacity":2'; }
wait_for 10 slots; verdict "manager and a worker with 2 slots up"
fast_503() { # N — a JSON 503 with Retry-After within 1 s: at once, beside the 2 s
  # of a call that is held (the time counts the start of a curl process each,
  # 12 of them at a time on a loaded 2-core machine: 386–503 ms seen)
  [ "$(hook_code "$1")" = 503 ] && hook_json "$1" && [ "$(hook_retry "$1")" != - ] &&
    [ "$(hook_ms "$1")" -lt 1000 ]
}
show() { local n s=""; for n in "$@"; do s="$s$n:$(hook_code "$n")/$(hook_ms "$n")ms "; done; echo "$s"; }

# A1 at 0 s and A2 at 0.5 s take both slots; A3 (1 s) waits; A4 is A's fourth
hook a1 "$HOOK_A" "$AUTH_A"; sleep 0.5
hook a2 "$HOOK_A" "$AUTH_A"; sleep 0.5
hook a3 "$HOOK_A" "$AUTH_A"; sleep 0.2
hook a4 "$HOOK_A" "$AUTH_A"; sleep 0.2
# B1 is queued (the queue holds 2), B2 finds A3 and B1 waiting: queue full
hook b1 "$HOOK_B" "$AUTH_B"; sleep 0.2
hook b2 "$HOOK_B" "$AUTH_B"
sleep 0.7
what="$(show a4)$(cat "$TMP/hook.a4.body")"
fast_503 a4 && grep -q 'of this domain' "$TMP/hook.a4.body"
verdict "a domain's 4th call over webhook_domain_max = 3: JSON 503 + Retry-After at once ($what)"
what="$(show b2)$(cat "$TMP/hook.b2.body")"
fast_503 b2 && grep -q 'queue is full' "$TMP/hook.b2.body"
verdict "with both slots busy and 2 calls waiting: JSON 503 + Retry-After at once ($what)"
hooks_wait
all_done=1
for n in a1 a2 a3 b1; do [ "$(hook_code "$n")" = 200 ] && grep -qx done "$TMP/hook.$n.body" || all_done=""; done
what=$(show a1 a2 a3 b1)
[ -n "$all_done" ]; verdict "the calls taken are answered by the program ($what)"
# A1 ends at ~2 s and frees a slot: B1 (its domain runs nothing) starts
# before A3, which arrived earlier (first come would have started A3)
lead=$(( $(hook_end a3) - $(hook_end b1) ))
[ "$lead" -gt 0 ]; verdict "the freed slot goes to the other domain's call first (B1 ended $lead ms before A3)"

# --- caps lifted: nginx is the bound ---------------------------------------
SELFHOST_MANAGER_WEBHOOK_QUEUE=100 SELFHOST_MANAGER_WEBHOOK_DOMAIN_MAX=100 stack_programs 1
wait_for 10 slots; verdict "manager restarted with webhook_queue and webhook_domain_max at 100"
rm -f "$TMP"/hook.*
for n in $(seq 1 12); do hook "n$n" "$HOOK_A" "$AUTH_A"; done
sleep 1.5 # the 503s are in (< 1 s), the held calls are not (2 s of program)
ours=$(pgrep -c -P "$(cat "$S/run/selfserv-webhook.pid")")
quick=0 held=0
for n in $(seq 1 12); do
  if [ -f "$TMP/hook.n$n" ]; then fast_503 "n$n" && grep -q 'no webhook responder is free' "$TMP/hook.n$n.body" && quick=$((quick + 1))
  else held=$((held + 1)); fi
done
what=$(show n1 n2 n3 n4 n5 n6 n7 n8 n9 n10 n11 n12 2>/dev/null)
[ "$held" = 6 ] && [ "$quick" = 6 ]; verdict "12 calls at once, 6 webhook responders: 6 held, 6 answered JSON 503 + Retry-After by nginx at once ($quick fast, $held held: $what)"
[ "$ours" = 6 ]; verdict "the webhook pool is whole ($ours)"
waiting=$(ss -xl 2>/dev/null | awk -v s="$S/run/selfserv-webhook.sock" '$5 == s { print $3 }')
[ "${waiting:-0}" = 0 ]; verdict "no connection waits in the webhook socket's backlog (${waiting:-0})"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -u "$AUTH_A" "$URL/v2/users/me")
[ "$code" = 200 ]; verdict "the API answers meanwhile ($code)"
hooks_wait
ok=0
for n in $(seq 1 12); do [ "$(hook_code "n$n")" = 200 ] && ok=$((ok + 1)); done
[ "$ok" = 6 ]; verdict "the 6 held calls are answered by the program, queued in the manager ($ok)"
finish
