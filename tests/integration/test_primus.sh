#!/usr/bin/env bash
# test_primus.sh — the Primus domain registry: `selfctl primus init`,
# domains added and removed through it, and a long-running selfserv that
# follows the registry's NOTIFY without a restart (talked to over FastCGI
# with cgi-fcgi, on its own socket).
. "$(dirname "$0")/lib.sh"
reg=itest_primus_$$ dom=itest_primus_dom_$$
reg_uri=$(fresh_db "$reg")
dom_uri=$(fresh_db "$dom")
conf=$TMP/selfhost.conf
cat > "$conf" <<CONF
[server]
domainfile = domains.conf
state_dir = $TMP
[rate_control]
req_per_hour = 0
[primus]
uri = $reg_uri
CONF
chown -R selfhost: "$TMP"

run selfctl -c "$conf" domain add p1 --db "$dom_uri"
[ "$rc" = 1 ] && one_line "$err"; verdict "without the registry table, add fails in one line"
run selfctl -c "$conf" primus init
[ "$rc" = 0 ]; verdict "primus init creates the registry"
run selfctl -c "$conf" primus init
[ "$rc" = 0 ]; verdict "primus init is idempotent"

# a long-running responder following the registry
. "$ITEST_SRC/deploy/lib/common.sh"
mkdir -p "$TMP/run" "$TMP/log"
chown -R selfhost: "$TMP"
sh_fcgi_start "$TMP" 1 "$conf" "$ITEST_SELFSERV" primus
trap 'sh_fcgi_stop "$TMP" primus; rm -rf "$TMP"' EXIT
sock=$TMP/run/primus.sock
ask() { # ask DOMAIN TOKEN: prints the status code of GET /v2/users/me
  env -i REQUEST_METHOD=GET REQUEST_URI=/v2/users/me \
    HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$1" "$2" | base64 -w0)" \
    cgi-fcgi -bind -connect "$sock" 2>/dev/null | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1
}
until_code() { # until_code WANT DOMAIN TOKEN: polls up to 5 s
  local code=""
  for _ in $(seq 50); do code=$(ask "$2" "$3"); [ "$code" = "$1" ] && break; sleep 0.1; done
  [ "$code" = "$1" ]
}
until_code 401 p1 x; verdict "unknown domain is 401 before it is registered"

run selfctl -c "$conf" domain add p1 --db "$dom_uri"
token=$(printf '%s\n' "$out" | grep '^secret-token\.' || true)
[ "$rc" = 0 ] && [ -n "$token" ] && [[ $out == *"Primus registry"* ]]; verdict "domain add writes to the registry"
[ "$(psql_q -c "SELECT uri FROM selfhost_domains WHERE name = 'p1'" "$reg")" = "$dom_uri" ]; verdict "the registry row holds the URI"
[ ! -e "$TMP/domains.conf" ]; verdict "the domain file is not used when a registry is configured"
[ "$(selfctl -c "$conf" domain list)" = "p1	$dom_uri" ]; verdict "domain list reads the registry"
until_code 200 p1 "$token"; verdict "the running responder serves the new domain (NOTIFY)"

psql_q -c "DELETE FROM selfhost_domains WHERE name = 'p1'" "$reg"
until_code 401 p1 "$token"; verdict "a row deleted by hand is noticed too (trigger NOTIFY)"
psql_q -c "INSERT INTO selfhost_domains(name, uri) VALUES ('p1', '$dom_uri')" "$reg"
until_code 200 p1 "$token"; verdict "and a row inserted by hand"

run selfctl -c "$conf" domain remove p1
[ "$rc" = 0 ]; verdict "domain remove deletes from the registry"
until_code 401 p1 "$token"; verdict "the responder drops it"
run selfctl -c "$conf" domain remove p1
[ "$rc" = 1 ] && one_line "$err"; verdict "removing it again: one line, exit 1"

drop_db "$dom"; drop_db "$reg"
finish
