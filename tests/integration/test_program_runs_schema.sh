#!/usr/bin/env bash
# test_program_runs_schema.sh — GET /v2/programs/{uuid}/runs on a domain
# whose database is older than schema 17 (no program_runs table): 409 with
# the message naming the fix; after `selfctl db migrate up` while served,
# the same request is 200 [] at once (the responder re-reads the schema).
. "$(dirname "$0")/lib.sh"

DOMAIN=runs16_$$
PROGRAM=7d9e2b11-0c4f-4e1a-b5d2-6f3e8a9c0171
db=itest_runs16_$$
uri=$(fresh_db "$db")
selfctl db migrate up 16 --db "$uri" >/dev/null
psql_q -c "INSERT INTO programs (uuid, name, type, state, schedule, deadline, language, tags)
           VALUES ('$PROGRAM', 'r', 'routine', 'active', '@hourly', 500, 'tengo', '{}')" "$db" >/dev/null
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add "$DOMAIN" --db "$uri"
[ "$rc" = 0 ]; verdict "a database at schema 16 is added as a domain"
token=$(selfctl token create --db "$uri" --user root --name runs)
auth="$DOMAIN:$token"
get() { code=$(http_code -u "$auth" "$ITEST_URL$1"); body=$(cat "$TMP/body"); }

for _ in $(seq 50); do get /v2/users/me; [ "$code" = 200 ] && break; sleep 0.1; done
[ "$code" = 200 ]; verdict "the domain is served"
get "/v2/programs/$PROGRAM/runs"
[ "$code" = 409 ] && [ "$body" = '{"code":409,"message":"Program runs need a newer schema for this domain (run: selfctl db migrate up)"}' ]
verdict "runs at schema 16: 409 naming the fix"
get "/v2/programs/$PROGRAM"
[ "$code" = 200 ]; verdict "the program itself is served at schema 16"

run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" db migrate up --db "$uri"
[ "$rc" = 0 ]; verdict "migrated up while served"
all=1
for _ in 1 2 3 4; do get "/v2/programs/$PROGRAM/runs"; [ "$code" = 200 ] && [ "$body" = '[]' ] || all=0; done
[ "$all" = 1 ]; verdict "runs after the migration: 200 [] from every responder"

"$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain remove "$DOMAIN" >/dev/null
drop_db "$db"
finish
