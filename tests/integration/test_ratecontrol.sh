#!/usr/bin/env bash
# test_ratecontrol.sh — the per-token limit holds across a pool: 4 selfserv
# responders (spawn-fcgi + multiwatch) with rate_control on (3600/h, burst
# 10) share one bucket per token, so 60 concurrent requests of one token get
# 10 (+ what refills meanwhile) answers and the rest 429 — not 4 x 10.
. "$(dirname "$0")/lib.sh"
conf=$TMP/selfhost.conf
cat > "$conf" <<CONF
[server]
log_level = debug
domainfile = $ITEST_DIR/etc/domains.conf
state_dir = $TMP
[rate_control]
req_per_hour = 3600
maxburst = 10
CONF
. "$ITEST_SRC/deploy/lib/common.sh"
mkdir -p "$TMP/run" "$TMP/log"
chown -R selfhost: "$TMP"
sh_fcgi_start "$TMP" 4 "$conf" "$ITEST_SELFSERV" rc
trap 'sh_fcgi_stop "$TMP" rc; rm -rf "$TMP"' EXIT
sock=$TMP/run/rc.sock

auth="Basic $(printf '%s:%s' "$ITEST_DOMAIN" "$ITEST_TOKEN" | base64 -w0)"
ask() {
  env -i REQUEST_METHOD=GET REQUEST_URI=/v2/users/me HTTP_AUTHORIZATION="$auth" \
    cgi-fcgi -bind -connect "$sock" 2>/dev/null | tr -d '\r' | grep -E '^(Status|X-RateLimit-Limit|Retry-After):'
}
export -f ask; export auth sock
start=$(date +%s%N)
seq 60 | xargs -P 8 -I{} bash -c ask > "$TMP/replies"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok=$(grep -c '^Status: 200' "$TMP/replies" || true)
limited=$(grep -c '^Status: 429' "$TMP/replies" || true)
# 10 at once, plus one per second that passed
max=$(( 10 + elapsed_ms / 1000 + 1 ))
echo "60 requests in ${elapsed_ms} ms: $ok answered, $limited limited (at most $max may pass)"
[ "$((ok + limited))" = 60 ]; verdict "every request was answered 200 or 429"
[ "$ok" -ge 10 ] && [ "$ok" -le "$max" ]; verdict "the burst of 10 holds across 4 responders"
grep -q '^X-RateLimit-Limit: 3600$' "$TMP/replies"; verdict "429 carries X-RateLimit-Limit"
grep -q '^Retry-After: 1$' "$TMP/replies"; verdict "429 carries Retry-After"
pids=$(grep -o 'selfserv\[[0-9]*\] info: GET /v2/users/me' "$TMP/log/rc.log" | sort -u | wc -l)
[ "$pids" -ge 2 ]; verdict "requests were served by several processes ($pids)"
sleep 2.1
[[ "$(ask | head -n 1)" == "Status: 200"* ]]; verdict "the bucket refills with time"
finish
