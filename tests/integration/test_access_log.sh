#!/usr/bin/env bash
# test_access_log.sh — selfserv writes one access line per request through
# nginx: method, the route's template, status, duration, domain and user;
# for a 401 or 403 the reason (unknown domain, unknown or revoked token,
# which permission is missing), and never a token's secret.
. "$(dirname "$0")/lib.sh"

LOG=$ITEST_DIR/log/selfserv.log
auth="$ITEST_DOMAIN:$ITEST_TOKEN"
post() { curl -s -u "$auth" -H 'Content-Type: application/json' -d "$2" "$ITEST_URL$1"; }
uuid_of() { grep -o '"uuid":"[^"]*"' | head -n 1 | cut -d'"' -f4; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# the log line that mentions $1, waiting a little for the responder to write it
line_with() {
  for _ in $(seq 50); do
    grep -F -- "$1" "$LOG" | tail -n 1 | grep . && return 0
    sleep 0.05
  done
  return 1
}

series=$(post /v2/timeseries "{\"name\":\"access $$\",\"si_unit\":\"C\"}" | uuid_of)
user=$(post /v2/users "{\"name\":\"access-$$\"}" | uuid_of)
token_json=$(post "/v2/users/$user/tokens" '{"name":"access log"}')
secret=$(sed -n 's/.*"secret":"\([^"]*\)".*/\1/p' <<<"$token_json")
token_uuid=$(uuid_of <<<"$token_json")
[ -n "$series" ] && [ -n "$user" ] && [ -n "$secret" ]; verdict "a series, a user without policies and its token"

[ "$(code -u "$auth" "$ITEST_URL/v2/timeseries/$series")" = 200 ]
l=$(line_with "GET /v2/timeseries/{uuid} 200") &&
  [[ $l =~ selfserv\[[0-9]+\]\ info:\ GET\ /v2/timeseries/\{uuid\}\ 200\ [0-9.]+ms\ domain=$ITEST_DOMAIN\ user=root$ ]]
verdict "200: method, route template, status, duration, domain and user"

[ "$(code -u "nosuch$$:whatever" "$ITEST_URL/v2/users/me")" = 401 ]
l=$(line_with "reason=\"unknown domain nosuch$$\"") && [[ $l == *"GET /v2/users/me 401 "* ]]
verdict "401 for an unknown domain names it"

[ "$(code -u "$ITEST_DOMAIN:$secret" "$ITEST_URL/v2/timeseries/$series")" = 403 ]
l=$(line_with "reason=\"no read permission on timeseries/$series\"") &&
  [[ $l == *"GET /v2/timeseries/{uuid} 403 "*" domain=$ITEST_DOMAIN user=access-$$ "* ]]
verdict "403 names the missing permission and who asked"

[ "$(code -u "$auth" -X DELETE "$ITEST_URL/v2/users/$user/tokens/$token_uuid")" = 204 ]
[ "$(code -u "$ITEST_DOMAIN:$secret" "$ITEST_URL/v2/users/me")" = 401 ]
l=$(line_with "reason=\"unknown or revoked token in domain $ITEST_DOMAIN\"")
verdict "401 for a revoked token says so"

[ "$(code -u "$auth" "$ITEST_URL/v2/no/such/path$$")" = 404 ]
line_with "GET /v2/no/such/path$$ 404 " >/dev/null; verdict "404 logs the path asked for"
[ "$(code -u "$auth" "$ITEST_URL/v2/x%01y%22z$$")" = 404 ]
l=$(line_with "z$$ 404 ") && [[ $l == *'GET /v2/x?y?z'"$$"' 404 '* ]]; verdict "control characters and quotes in a path are masked"

! grep -qF -- "$secret" "$LOG" && ! grep -qF -- "$ITEST_TOKEN" "$LOG"; verdict "no token secret in the log"
finish
