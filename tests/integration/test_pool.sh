#!/usr/bin/env bash
# test_pool.sh — the responder pool survives a crash: a selfserv killed
# with SIGKILL is replaced, and requests keep being answered meanwhile.
. "$(dirname "$0")/lib.sh"
. "$ITEST_SRC/deploy/lib/common.sh"
n=$(sh_fcgi_count "$ITEST_DIR")
[ "$n" -ge 1 ]; verdict "the pool has responders ($n)"
victim=$(pgrep -P "$(cat "$ITEST_DIR/run/selfserv.pid")" | head -n 1)
kill -9 "$victim"
codes=""
for _ in $(seq 20); do codes="$codes$(http_code -u "$ITEST_DOMAIN:$ITEST_TOKEN" "$ITEST_URL/v2/users/me") "; done
[ -z "$(printf '%s' "$codes" | tr ' ' '\n' | grep -v '^200$' | grep .)" ]; verdict "every request during the crash answered 200 ($codes)"
for _ in $(seq 50); do [ "$(sh_fcgi_count "$ITEST_DIR")" = "$n" ] && break; sleep 0.1; done
[ "$(sh_fcgi_count "$ITEST_DIR")" = "$n" ]; verdict "the killed responder was replaced"
! kill -0 "$victim" 2>/dev/null; verdict "the victim is gone"
# many clients at once against a small pool: every request is answered,
# none waits behind an idle connection
start=$(date +%s%N)
seq 48 | xargs -P 16 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
  -u "$ITEST_DOMAIN:$ITEST_TOKEN" "$ITEST_URL/v2/users/me" > "$TMP/codes"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(grep -c '^200$' "$TMP/codes")" = 48 ]; verdict "48 requests from 16 concurrent clients all answered 200 (${ms} ms)"
[ "$ms" -lt 10000 ]; verdict "and none waited for a timeout"
finish
