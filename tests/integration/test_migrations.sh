#!/usr/bin/env bash
# test_migrations.sh — `selfctl db migrate` on a real PostgreSQL: up to the
# latest, down to 0, up again, partial steps, and the refusals (dirty,
# unknown version, unreachable server, wrong password) as one-line errors.
. "$(dirname "$0")/lib.sh"
db=itest_migrations_$$
uri=$(fresh_db "$db")
latest=13

run selfctl db migrate version --db "$uri"
check "fresh database is at version 0" [ "$rc" = 0 ] && [ "$out" = 0 ]
run selfctl db migrate up --db "$uri"
check "up succeeds" [ "$rc" = 0 ]
check "up ends at the latest version" [ "$(printf '%s\n' "$out" | tail -n 1)" = "$latest" ]
check "up reports each step" [ "$(printf '%s\n' "$out" | grep -c '^up 0000')" = "$latest" ]
check "schema_migrations as golang-migrate keeps it" \
  [ "$(psql_q -c 'SELECT version, dirty FROM schema_migrations' "$db")" = "$latest|f" ]
check "tsdata has 256 hash partitions" \
  [ "$(psql_q -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'tsdata'::regclass" "$db")" = 256 ]
check "root user seeded" \
  [ "$(psql_q -c "SELECT name FROM users WHERE uuid = '00000000-0000-1000-8000-000000000000'" "$db")" = root ]
check "seeded token hashes the word root" \
  [ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE token_hash = sha256('root'::bytea)" "$db")" = 1 ]
check "user_has_access allows root everything" \
  [ "$(psql_q -c "SELECT user_has_access('00000000-0000-1000-8000-000000000000', 'delete', 'anything/at/all')" "$db")" = t ]
run selfctl db migrate status --db "$uri"
check "status lists every migration as applied" [ "$(printf '%s\n' "$out" | grep -c ' applied$')" = "$latest" ]

run selfctl db migrate up --db "$uri"
check "up again is a no-op" [ "$rc" = 0 ] && [ "$out" = "$latest" ]

run selfctl db migrate down 2 --db "$uri"
check "down 2 goes to version 11" [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 11 ]
check "programs table is gone after down 2" \
  [ "$(psql_q -c "SELECT to_regclass('programs') IS NULL" "$db")" = t ]
run selfctl db migrate up 12 --db "$uri"
check "up to a target version stops there" [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 12 ]

run selfctl db migrate down all --db "$uri"
check "down all reaches 0" [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 0 ]
check "nothing of the schema is left but schema_migrations" \
  [ "$(psql_q -c "SELECT string_agg(relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'public' AND relkind IN ('r','p','v','S')" "$db")" = schema_migrations ]
check "no types or functions are left" \
  [ "$(psql_q -c "SELECT (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE nspname = 'public' AND typtype IN ('e','d')) + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = 'public')" "$db")" = 0 ]
run selfctl db migrate up --db "$uri"
check "up again after down all" [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "$latest" ]

run selfctl db migrate down --db "$uri"
check "down without a count is refused" [ "$rc" != 0 ] && one_line "$err"
run selfctl db migrate sideways --db "$uri"
check "unknown action is a usage error" [ "$rc" = 2 ]
run selfctl db migrate up 99 --db "$uri"
check "up to an unknown version is refused" [ "$rc" = 1 ] && one_line "$err"

psql_q -c "UPDATE schema_migrations SET dirty = true" "$db"
run selfctl db migrate up --db "$uri"
check "a dirty database is refused in one line naming the version" \
  [ "$rc" = 1 ] && one_line "$err" && [[ $err == *dirty*"$latest"* ]]
run selfctl db migrate version --db "$uri"
check "version shows the dirty flag" [ "$out" = "$latest (dirty)" ]
psql_q -c "UPDATE schema_migrations SET dirty = false, version = 99" "$db"
run selfctl db migrate up --db "$uri"
check "an unknown version is refused in one line naming it" \
  [ "$rc" = 1 ] && one_line "$err" && [[ $err == *"version 99"* ]]

run selfctl db migrate up --db "postgresql:///nope?host=/nonexistent-dir"
check "unreachable server: one line, exit 1" [ "$rc" = 1 ] && one_line "$err" && [[ $err == *"cannot connect"* ]]
run selfctl db migrate up --db "postgresql:///no_such_database_$$?host=$ITEST_PGHOST&user=postgres"
check "missing database: one line naming it" [ "$rc" = 1 ] && one_line "$err" && [[ $err == *no_such_database_$$* ]]

# wrong password: a role that must authenticate with SCRAM
hba=$ITEST_DIR/pgdata/pg_hba.conf
grep -q itest_pw "$hba" || sed -i '1i local all itest_pw scram-sha-256' "$hba"
psql_q -c "SELECT pg_reload_conf()" postgres >/dev/null
psql_q -c "DO \$\$BEGIN CREATE ROLE itest_pw LOGIN PASSWORD 'right'; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$" postgres
run selfctl db migrate version --db "postgresql://itest_pw:wrong@/$db?host=$ITEST_PGHOST"
check "wrong password: one line saying so" [ "$rc" = 1 ] && one_line "$err" && [[ $err == *"password authentication failed"* ]]

run selfctl db migrate up
check "no --db/--domain: one line asking which database" [ "$rc" = 1 ] && one_line "$err"

drop_db "$db"
finish
