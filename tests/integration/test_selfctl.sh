#!/usr/bin/env bash
# test_selfctl.sh — selfctl domain/token/config/help, and selfserv picking
# up domains added and removed by selfctl without a restart.
. "$(dirname "$0")/lib.sh"

# --help on every command, usage errors exit 2
for cmd in "db migrate" "domain add" "domain list" "domain remove" "token create" "config show"; do
  run selfctl $cmd --help
  [ "$rc" = 0 ] && [[ $out == "selfctl $cmd"* ]]; verdict "selfctl $cmd --help prints its usage"
done
run selfctl --help
[ "$rc" = 0 ] && [[ $out == *"domain add"* ]]; verdict "selfctl --help lists the commands"
run selfctl frobnicate
[ "$rc" = 2 ]; verdict "unknown command exits 2"
run selfctl domain frobnicate
[ "$rc" = 2 ]; verdict "unknown subcommand exits 2"
run selfctl -c "$TMP/missing.conf" config show
[ "$rc" = 1 ] && one_line "$err"; verdict "explicit missing config file: one line, exit 1"

# a private configuration: domains live in $TMP/domains.conf
conf=$TMP/selfhost.conf
printf '[server]\ndomainfile = domains.conf\n' > "$conf"
db=itest_selfctl_$$
uri=$(fresh_db "$db")
run selfctl -c "$conf" domain add "bad/name" --db "$uri"
[ "$rc" = 1 ] && one_line "$err"; verdict "invalid domain name refused"
run selfctl -c "$conf" domain add d1 --db "postgresql:///x?host=/nonexistent"
[ "$rc" = 1 ] && one_line "$err" && [ ! -e "$TMP/domains.conf" ]; verdict "unreachable database: one line, domain not added"
run selfctl -c "$conf" domain add d1 --db "$uri"
token=$(printf '%s\n' "$out" | grep '^secret-token\.' || true)
[ "$rc" = 0 ] && [ -n "$token" ] && [[ $out == *"replaced"* ]]; verdict "domain add on an empty database migrates and prints a new root token"
[ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE token_hash = sha256('root'::bytea)" "$db")" = 0 ]; verdict "the seeded root token is gone"
[ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE token_hash = sha256('$token'::bytea)" "$db")" = 1 ]; verdict "the new token is stored as its sha256"
run selfctl -c "$conf" domain list
[ "$out" = "d1	$uri" ]; verdict "domain list shows it"
run selfctl -c "$conf" domain add d1 --db "$uri"
[ "$rc" = 1 ] && one_line "$err"; verdict "adding it twice is refused"

db2=itest_selfctl2_$$
uri2=$(fresh_db "$db2")
selfctl db migrate up --db "$uri2" >/dev/null
run selfctl -c "$conf" domain add d2 --db "$uri2"
[ "$rc" = 0 ] && [[ $out == *"left unchanged"* ]] && [[ $err == *"seeded token"* ]]; verdict "existing selfhost database is used as it is, with a warning about the seed token"
[ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE token_hash = sha256('root'::bytea)" "$db2")" = 1 ]; verdict "the seed token of an existing database is not changed behind the user's back"

run selfctl -c "$conf" token create --domain d1 --user root --name ci
[ "$rc" = 0 ] && [[ $out == secret-token.* ]] && one_line "$out"; verdict "token create prints one token"
run selfctl -c "$conf" token create --domain d1 --user nobody
[ "$rc" = 1 ] && one_line "$err"; verdict "token create for an unknown user: one line, exit 1"
run selfctl -c "$conf" token create --domain nope --user root
[ "$rc" = 1 ] && one_line "$err"; verdict "token create for an unknown domain: one line, exit 1"

run selfctl -c "$conf" domain remove d2
[ "$rc" = 0 ] && [ "$(selfctl -c "$conf" domain list | cut -f1)" = d1 ]; verdict "domain remove"
run selfctl -c "$conf" domain remove d2
[ "$rc" = 1 ] && one_line "$err"; verdict "removing a missing domain is refused"
[ -z "$(ls "$TMP" | grep tmp)" ]; verdict "no temporary files are left next to the domain file"

# the running pool picks domains up and drops them without a restart
live=itest_live_$$
uri3=$(fresh_db "$live")
out=$(selfctl -c "$ITEST_CONFIG" domain add "$live" --db "$uri3")
ltoken=$(printf '%s\n' "$out" | grep '^secret-token\.' || true)
code=000
for _ in $(seq 30); do
  code=$(http_code -u "$live:$ltoken" "$ITEST_URL/v2/users/me")
  [ "$code" = 200 ] && break
  sleep 0.2
done
[ "$code" = 200 ]; verdict "a domain added by selfctl is served without a restart"
selfctl -c "$ITEST_CONFIG" domain remove "$live" >/dev/null
for _ in $(seq 30); do
  code=$(http_code -u "$live:$ltoken" "$ITEST_URL/v2/users/me")
  [ "$code" = 401 ] && break
  sleep 0.2
done
[ "$code" = 401 ]; verdict "a removed domain is refused (401) without a restart"
code=$(http_code -u "$ITEST_DOMAIN:$ITEST_TOKEN" "$ITEST_URL/v2/users/me")
[ "$code" = 200 ]; verdict "the other domain kept working"

drop_db "$db"; drop_db "$db2"; drop_db "$live"
finish
