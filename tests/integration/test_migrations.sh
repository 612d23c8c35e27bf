#!/usr/bin/env bash
# test_migrations.sh — `selfctl db migrate` on a real PostgreSQL: up to the
# latest, down to 0, up again, partial steps, and the refusals (dirty,
# unknown version, unreachable server, wrong password) as one-line errors.
. "$(dirname "$0")/lib.sh"
db=itest_migrations_$$
uri=$(fresh_db "$db")
latest=17

run selfctl db migrate version --db "$uri"
[ "$rc" = 0 ] && [ "$out" = 0 ]; verdict "fresh database is at version 0"
run selfctl db migrate up --db "$uri"
[ "$rc" = 0 ]; verdict "up succeeds"
[ "$(printf '%s\n' "$out" | tail -n 1)" = "$latest" ]; verdict "up ends at the latest version"
[ "$(printf '%s\n' "$out" | grep -c '^up 0000')" = "$latest" ]; verdict "up reports each step"
[ "$(psql_q -c 'SELECT version, dirty FROM schema_migrations' "$db")" = "$latest|f" ]; verdict "schema_migrations as golang-migrate keeps it"
[ "$(psql_q -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'tsdata'::regclass" "$db")" = 256 ]; verdict "tsdata has 256 hash partitions"
[ "$(psql_q -c "SELECT name FROM users WHERE uuid = '00000000-0000-1000-8000-000000000000'" "$db")" = root ]; verdict "root user seeded"
[ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE token_hash = sha256('root'::bytea)" "$db")" = 1 ]; verdict "seeded token hashes the word root"
[ "$(psql_q -c "SELECT user_has_access('00000000-0000-1000-8000-000000000000', 'delete', 'anything/at/all')" "$db")" = t ]; verdict "user_has_access allows root everything"
run selfctl db migrate status --db "$uri"
[ "$(printf '%s\n' "$out" | grep -c ' applied$')" = "$latest" ]; verdict "status lists every migration as applied"

run selfctl db migrate up --db "$uri"
[ "$rc" = 0 ] && [ "$out" = "$latest" ]; verdict "up again is a no-op"

run selfctl db migrate down 6 --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 11 ]; verdict "down 6 goes to version 11"
[ "$(psql_q -c "SELECT to_regclass('programs') IS NULL AND to_regclass('user_rates') IS NULL AND to_regclass('dataset_uploads') IS NULL AND to_regclass('program_runs') IS NULL" "$db")" = t ]; verdict "programs, user_rates, dataset_uploads and program_runs are gone after down 6"
run selfctl db migrate up 13 --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 13 ]; verdict "up to a target version stops there (13, the reference's last)"

run selfctl db migrate down all --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 0 ]; verdict "down all reaches 0"
[ "$(psql_q -c "SELECT string_agg(relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'public' AND relkind IN ('r','p','v','S')" "$db")" = schema_migrations ]; verdict "nothing of the schema is left but schema_migrations"
[ "$(psql_q -c "SELECT (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE nspname = 'public' AND typtype IN ('e','d')) + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = 'public')" "$db")" = 0 ]; verdict "no types or functions are left"
run selfctl db migrate up --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "$latest" ]; verdict "up again after down all"

run selfctl db migrate down --db "$uri"
[ "$rc" != 0 ] && one_line "$err"; verdict "down without a count is refused"
run selfctl db migrate sideways --db "$uri"
[ "$rc" = 2 ]; verdict "unknown action is a usage error"
run selfctl db migrate up 99 --db "$uri"
[ "$rc" = 1 ] && one_line "$err"; verdict "up to an unknown version is refused"

psql_q -c "UPDATE schema_migrations SET dirty = true" "$db"
run selfctl db migrate up --db "$uri"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *dirty*"$latest"* ]]; verdict "a dirty database is refused in one line naming the version"
run selfctl db migrate version --db "$uri"
[ "$out" = "$latest (dirty)" ]; verdict "version shows the dirty flag"
psql_q -c "UPDATE schema_migrations SET dirty = false, version = 99" "$db"
run selfctl db migrate up --db "$uri"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"version 99"* ]]; verdict "an unknown version is refused in one line naming it"

run selfctl db migrate up --db "postgresql:///nope?host=/nonexistent-dir"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"cannot connect"* ]]; verdict "unreachable server: one line, exit 1"
run selfctl db migrate up --db "postgresql:///no_such_database_$$?host=$ITEST_PGHOST&user=postgres"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *no_such_database_$$* ]]; verdict "missing database: one line naming it"

# wrong password: a role that must authenticate with SCRAM
hba=$ITEST_DIR/pgdata/pg_hba.conf
grep -q itest_pw "$hba" || sed -i '1i local all itest_pw scram-sha-256' "$hba"
psql_q -c "SELECT pg_reload_conf()" postgres >/dev/null
psql_q -c "DO \$\$BEGIN CREATE ROLE itest_pw LOGIN PASSWORD 'right'; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$" postgres
run selfctl db migrate version --db "postgresql://itest_pw:wrong@/$db?host=$ITEST_PGHOST"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"password authentication failed"* ]]; verdict "wrong password: one line saying so"

run selfctl db migrate up
[ "$rc" = 1 ] && one_line "$err"; verdict "no --db/--domain: one line asking which database"

drop_db "$db"
finish
