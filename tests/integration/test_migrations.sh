#!/usr/bin/env bash
# test_migrations.sh — `selfctl db migrate` on a real PostgreSQL: up to the
# latest, down to 0, up again, partial steps, and the refusals (dirty,
# unknown version, unreachable server, wrong password) as one-line errors.
# Then the schemas histories leave: down to 12 is the reference's version
# 12, and a database made by selfhost's first releases (whose 000003 had
# no user_tokens.created) migrates up to the same schema as a fresh one.
. "$(dirname "$0")/lib.sh"
db=itest_migrations_$$
uri=$(fresh_db "$db")
latest=22

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

run selfctl db migrate down $((latest - 11)) --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 11 ]; verdict "down to version 11"
[ "$(psql_q -c "SELECT to_regclass('programs') IS NULL AND to_regclass('user_rates') IS NULL AND to_regclass('dataset_uploads') IS NULL AND to_regclass('program_runs') IS NULL" "$db")" = t ]; verdict "programs, user_rates, dataset_uploads and program_runs are gone at 11"
run selfctl db migrate up 13 --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 13 ]; verdict "up to a target version stops there (13)"

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

# ---- the schemas histories leave ----
dbn=itest_migrations_new_$$
urin=$(fresh_db "$dbn")
selfctl db migrate up --db "$urin" >/dev/null
catalog "$dbn" > "$TMP/fresh_latest"
run selfctl db migrate down $((latest - 12)) --db "$urin"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 12 ]; verdict "down from $latest to 12"
diff <(reference_v12) <(catalog "$dbn"); verdict "at 12 again the schema is exactly the reference's version 12"
run selfctl db migrate up --db "$urin"
[ "$rc" = 0 ] && [ "$(catalog "$dbn")" = "$(cat "$TMP/fresh_latest")" ]; verdict "and up again it is what it was at $latest"

# A database selfhost's first releases made: their 000003 (test data) had
# no user_tokens.created, their 000013 added it; everything else is as today
dbo=itest_migrations_old_$$
urio=$(fresh_db "$dbo")
selfctl db migrate up 2 --db "$urio" >/dev/null
psql_q -f "$ITEST_TESTS/data/selfhost_000003_without_created.up.sql" "$dbo" >/dev/null
psql_q -c "TRUNCATE schema_migrations" -c "INSERT INTO schema_migrations (version, dirty) VALUES (3, false)" "$dbo"
run selfctl db migrate up 12 --db "$urio"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 12 ] &&
  [ "$(psql_q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'user_tokens' AND column_name = 'created'" "$dbo")" = 0 ]
verdict "a database as selfhost's first releases left it at 12: no user_tokens.created"
diff <(reference_v12) <(catalog "$dbo") | grep '^[<>]' > "$TMP/old12.diff"
[ "$(cat "$TMP/old12.diff")" = "< column user_tokens.created #5 timestamp with time zone not null default now()" ]
verdict "which is the only difference from the reference's version 12"
psql_q -c "INSERT INTO user_tokens (user_uuid, name, token_hash) VALUES ('00000000-0000-1000-8000-000000000000', 'old', sha256('old'::bytea))" "$dbo"
# served as it is: the token list has no times to show
"$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add oldself --db "$urio" >/dev/null 2>&1
tokens_path=/v2/users/00000000-0000-1000-8000-000000000000/tokens
for _ in $(seq 50); do [ "$(http_code -u oldself:root "$ITEST_URL$tokens_path")" = 200 ] && break; sleep 0.1; done
[ "$(http_code -u oldself:root "$ITEST_URL$tokens_path")" = 200 ] &&
  [[ $(cat "$TMP/body") =~ ^\[\{\"uuid\":\"[0-9a-f-]{36}\",\"name\":\"Main\ admin\ token\",\"created\":null\},\{\"uuid\":\"[0-9a-f-]{36}\",\"name\":\"old\",\"created\":null\}\]$ ]]
verdict "served at 12 without user_tokens.created, token lists say \"created\": null"
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" db migrate up --db "$urio"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "$latest" ]; verdict "migrate up takes it to $latest without error"
sleep 1.1
[ "$(http_code -u oldself:root "$ITEST_URL$tokens_path")" = 200 ] &&
  [[ $(cat "$TMP/body") =~ ^\[\{\"uuid\":\"[0-9a-f-]{36}\",\"name\":\"Main\ admin\ token\",\"created\":\"[0-9T:.-]+Z\"\},\{\"uuid\":\"[0-9a-f-]{36}\",\"name\":\"old\",\"created\":\"[0-9T:.-]+Z\"\}\]$ ]]
verdict "then token lists show the times the migration gave"
"$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain remove oldself >/dev/null
diff "$TMP/fresh_latest" <(catalog "$dbo"); verdict "and it ends with the same schema as a fresh database at $latest"
[ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE created IS NULL OR created > now()" "$dbo")" = 0 ]
verdict "its tokens got creation times"
run selfctl db migrate down $((latest - 12)) --db "$urio"
[ "$rc" = 0 ] && diff <(reference_v12) <(catalog "$dbo"); verdict "down to 12 it is the reference's version 12 (user_tokens.created stays)"

drop_db "$db"
drop_db "$dbn"
drop_db "$dbo"
finish
