#!/usr/bin/env bash
# test_reference_db.sh — a database as the Go reference leaves it (schema
# version 12 in golang-migrate's schema_migrations, filled the way its
# queries store things) is added to the running world as a domain, served
# unchanged and read back through nginx with exact bodies; then migrated
# up while served, after which the same reads answer the same. Our
# migrations at 12 must leave exactly the reference's schema: its catalog
# (data/reference_v12_catalog.txt) and what its functions do
# (data/reference_v12_functions.txt), both taken from the reference's own
# migrations. Dirty, foreign and unreachable databases are refused with
# one line while the world keeps serving.
. "$(dirname "$0")/lib.sh"

ROOT=00000000-0000-1000-8000-000000000000
ALICE=5f0c1a7e-3b1d-4c2a-9e57-1a2b3c4d0001
ALICE_GROUP=5f0c1a7e-3b1d-4c2a-9e57-1a2b3c4d0002
READERS=5f0c1a7e-3b1d-4c2a-9e57-1a2b3c4d0003
THING=7d9e2b11-0c4f-4e1a-b5d2-6f3e8a9c0011
S1=7d9e2b11-0c4f-4e1a-b5d2-6f3e8a9c0021    # outdoor temperature, C
S2=7d9e2b11-0c4f-4e1a-b5d2-6f3e8a9c0022    # heat pump power, kW
DATASET=7d9e2b11-0c4f-4e1a-b5d2-6f3e8a9c0031
PROGRAM=7d9e2b11-0c4f-4e1a-b5d2-6f3e8a9c0041
DOMAIN=refdb

# Tokens as the reference makes them: "secret-token." and 40 letters/digits
new_token() { printf 'secret-token.%s' "$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 40)"; }
ROOT_TOKEN=$(new_token)
ALICE_TOKEN=$(new_token)

# GET with Basic auth through nginx: body into $body, status into $code
get() { code=$(curl -s -o "$TMP/body" -w '%{http_code}' -u "$1" "$ITEST_URL$2"); body=$(cat "$TMP/body"); }
send() { code=$(curl -s -o "$TMP/body" -w '%{http_code}' -u "$1" -X "$2" -H 'Content-Type: application/json' \
                  --data-binary "$4" "$ITEST_URL$3"); body=$(cat "$TMP/body"); }
root_auth="$DOMAIN:$ROOT_TOKEN"
alice_auth="$DOMAIN:$ALICE_TOKEN"
itest_ok() { [ "$(http_code -u "$ITEST_DOMAIN:$ITEST_TOKEN" "$ITEST_URL/v2/users/me")" = 200 ]; }
# waits until $1 answers /v2/users/me with status $2 (domain file reloads)
wait_status() {
  local c=000
  for _ in $(seq 50); do
    c=$(http_code -u "$1" "$ITEST_URL/v2/users/me")
    [ "$c" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

# ---- 1. the database as the reference leaves it ----
db=itest_refdb_$$
uri=$(fresh_db "$db")
run selfctl db migrate up 12 --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = 12 ]; verdict "our migrations 1..12 applied"
catalog "$db" > "$TMP/catalog"
diff <(reference_v12) "$TMP/catalog" > "$TMP/catalog.diff"
verdict "at 12 the catalog is exactly the reference's version 12 (tables, columns, defaults, indexes, constraints, functions, triggers, types, seeded rows)"
cat "$TMP/catalog.diff"
psql_q -f "$ITEST_TESTS/function_behaviour.sql" "$db" > "$TMP/functions"
diff <(grep -v '^#' "$ITEST_TESTS/data/reference_v12_functions.txt") "$TMP/functions" > "$TMP/functions.diff"
verdict "its functions and triggers do what the reference's do"
cat "$TMP/functions.diff"
[ "$(psql_q -c "SELECT column_name || ' ' || data_type || ' ' || is_nullable || ' ' || column_default
                FROM information_schema.columns WHERE table_name = 'user_tokens' AND column_name = 'created'" "$db")" = "created timestamp with time zone NO now()" ]
verdict "user_tokens.created is there at 12, as the reference's 000003 makes it"
# golang-migrate's own table and row: version bigint primary key, dirty
# boolean, one row written by TRUNCATE + INSERT after the last step
psql_q "$db" >/dev/null <<'SQL'
DROP TABLE schema_migrations;
CREATE TABLE IF NOT EXISTS "schema_migrations" (version bigint not null primary key, dirty boolean not null);
TRUNCATE "schema_migrations";
INSERT INTO "schema_migrations" (version, dirty) VALUES (12, false);
SQL
[ "$(psql_q -c "SELECT version, dirty FROM schema_migrations" "$db")" = "12|f" ] &&
  [ "$(psql_q -c "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ORDER BY ordinal_position)
                  FROM information_schema.columns WHERE table_name = 'schema_migrations'" "$db")" = "version bigint NO, dirty boolean NO" ]
verdict "schema_migrations says 12, not dirty, as golang-migrate writes it"

psql_q -v root_token="$ROOT_TOKEN" -v alice_token="$ALICE_TOKEN" "$db" >/dev/null <<SQL
-- Filled the way the reference's queries (postgres/queries/*.sql) store things.
BEGIN;
-- AddTokenToUser: sha256 of the whole secret, "secret-token." included;
-- created is the column's default, now(), at the time: here known past
-- times, the seeded token's too (the migration made it)
UPDATE user_tokens SET created = '2021-06-01 09:00:00+00' WHERE name = 'Main admin token';
INSERT INTO user_tokens (uuid, user_uuid, name, token_hash, created)
VALUES ('0b4ef1a3-6f64-4d3c-8f0e-2a9b7c1d0001', '$ROOT', 'ops laptop', sha256(convert_to(:'root_token', 'UTF8')),
        '2021-06-02 08:30:00+00');

-- CreateUser('alice'): a personal group of the same name with a uuid of its
-- own, the user, the personal policies (with the deny on its own rate), the
-- membership
INSERT INTO groups (uuid, name) VALUES ('$ALICE_GROUP', 'alice');
INSERT INTO users (uuid, name) VALUES ('$ALICE', 'alice');
INSERT INTO group_policies (group_uuid, priority, effect, action, resource)
SELECT '$ALICE_GROUP', 0, e::policy_effect, a::policy_action, r
  FROM (VALUES ('allow', 'read', 'users/me'),
               ('allow', 'create', 'users/$ALICE'), ('allow', 'read', 'users/$ALICE'),
               ('allow', 'update', 'users/$ALICE'), ('allow', 'delete', 'users/$ALICE'),
               ('allow', 'create', 'users/$ALICE/%'), ('allow', 'read', 'users/$ALICE/%'),
               ('allow', 'update', 'users/$ALICE/%'), ('allow', 'delete', 'users/$ALICE/%'),
               ('deny', 'update', 'users/$ALICE/rate')) AS p(e, a, r);
INSERT INTO user_groups (user_uuid, group_uuid) VALUES ('$ALICE', '$ALICE_GROUP');
INSERT INTO user_tokens (uuid, user_uuid, name, token_hash, created)
VALUES ('0b4ef1a3-6f64-4d3c-8f0e-2a9b7c1d0002', '$ALICE', 'dashboard', sha256(convert_to(:'alice_token', 'UTF8')),
        '2021-06-03 09:15:30.25+00');

-- CreateGroup, CreatePolicy, AddUserToGroup: alice may read one series only
INSERT INTO groups (uuid, name) VALUES ('$READERS', 'outdoor-readers');
INSERT INTO group_policies (group_uuid, priority, effect, action, resource) VALUES
    ('$READERS', 10, 'allow', 'read', 'timeseries/$S1'),
    ('$READERS', 10, 'allow', 'read', 'timeseries/$S1/%');
INSERT INTO user_groups (user_uuid, group_uuid) VALUES ('$ALICE', '$READERS');

-- CreateThing, CreateTimeseries, CreateDataset, CreateProgram by root: the
-- creator's personal group (root's shares the user's uuid) gets the four
-- actions on '<collection>/<uuid>/%'
INSERT INTO things (uuid, name, type, state, created_by, tags)
VALUES ('$THING', 'Weather station', 'weather', 'active', '$ROOT', '{roof}');
INSERT INTO timeseries (uuid, thing_uuid, name, si_unit, lower_bound, upper_bound, created_by, tags) VALUES
    ('$S1', '$THING', 'Outdoor temperature', 'C', -50, 50, '$ROOT', '{outdoor,temperature}'),
    ('$S2', '$THING', 'Heat pump power', 'kW', NULL, NULL, '$ROOT', '{power}');
INSERT INTO datasets (uuid, name, format, content, checksum, size, belongs_to, created, updated,
                      created_by, updated_by, tags)
SELECT '$DATASET', 'calibration.csv', 'csv', c, sha256(c), length(c), '$THING',
       '2021-06-01 10:00:00+00', '2021-06-01 10:00:00+00', '$ROOT', '$ROOT', '{calibration}'
  FROM (SELECT convert_to(E'sensor,offset\nt1,0.5\n', 'UTF8') AS c) AS content;
INSERT INTO programs (uuid, name, type, state, schedule, deadline, language, tags)
VALUES ('$PROGRAM', 'hourly-average', 'routine', 'active', '@every 1h', 500, 'tengo', '{report}');
INSERT INTO group_policies (group_uuid, priority, effect, action, resource)
SELECT '$ROOT', 0, 'allow', a::policy_action, coll || '/' || id || '/%'
  FROM (VALUES ('things', '$THING'), ('timeseries', '$S1'), ('timeseries', '$S2'),
               ('datasets', '$DATASET'), ('programs', '$PROGRAM')) AS o(coll, id)
 CROSS JOIN unnest(ARRAY['create', 'read', 'update', 'delete']) AS a;

-- CreateTsData, one row per point through the hash-partitioned parent:
-- hourly from 2021-03-27 00:00Z to 2021-03-29 00:00Z, the value is the
-- hour's number; Europe/Stockholm moves to summer time at 2021-03-28 01:00Z
INSERT INTO tsdata (ts_uuid, value, ts, created_by)
SELECT '$S1', h, timestamptz '2021-03-27 00:00:00+00' + h * interval '1 hour', '$ROOT'
  FROM generate_series(0, 48) AS h;
INSERT INTO tsdata (ts_uuid, value, ts, created_by) VALUES
    ('$S2', 1.5, '2021-03-28 00:00:00+00', '$ROOT'),
    ('$S2', 2.25, '2021-03-28 01:00:00+00', '$ROOT');

-- CreateCodeRevision (revision 0, checksum = sha256(code)), then
-- SignProgramCodeRevision
INSERT INTO program_code_revisions (program_uuid, revision, created, created_by, code, checksum)
SELECT '$PROGRAM', 0, '2021-06-01 10:05:00+00', '$ROOT', c, sha256(c)
  FROM (SELECT convert_to(E'fmt := import("fmt")\nfmt.println("hourly")\n', 'UTF8') AS c) AS code;
UPDATE program_code_revisions SET signed_by = '$ROOT', signed = '2021-06-01 10:06:00+00'
 WHERE program_uuid = '$PROGRAM' AND revision = 0;
COMMIT;
SQL
verdict "the database is filled through SQL as the reference stores things"
[ "$(psql_q -c "SELECT count(DISTINCT tableoid), count(*) FROM tsdata WHERE ts_uuid = '$S1'" "$db")" = "1|49" ]
verdict "a series' points all live in one of the 256 hash partitions"

# (newer pg_dump writes a random \restrict key into each dump: left out)
dump() { pg_dump -h "$ITEST_PGHOST" -U postgres --no-owner "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' | md5sum; }
before=$(dump)

# ---- 2. added to the running world, as it is ----
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add "$DOMAIN" --db "$uri"
[ "$rc" = 0 ] && [ "$out" = "existing selfhost database at version 12, left unchanged
domain $DOMAIN added to $ITEST_DIR/etc/domains.conf" ]; verdict "domain add says the database was left unchanged"
[ "$err" = "selfctl: warning: the seeded token 'root' still works in domain $DOMAIN; create a new one (selfctl token create --domain $DOMAIN --user root) and delete it" ]
verdict "domain add warns about the seeded root token"
wait_status "$root_auth" 200; verdict "the new domain is served without a restart"

get "$root_auth" /v2/users/me
[ "$code" = 200 ] && [ "$body" = '{"uuid":"00000000-0000-1000-8000-000000000000","name":"root","groups":[{"uuid":"00000000-0000-1000-8000-000000000000","name":"root"}]}' ]
verdict "users/me with a token the reference made"
get "$DOMAIN:root" /v2/users/me
[ "$code" = 200 ] && [[ $body == '{"uuid":"00000000-0000-1000-8000-000000000000","name":"root",'* ]]
verdict "the seeded token 'root' still works: served as is, not changed behind the user's back"
get "$alice_auth" /v2/users/me
[ "$code" = 200 ] && [ "$body" = "{\"uuid\":\"$ALICE\",\"name\":\"alice\",\"groups\":[{\"uuid\":\"$ALICE_GROUP\",\"name\":\"alice\"},{\"uuid\":\"$READERS\",\"name\":\"outdoor-readers\"}]}" ]
verdict "users/me of a user made as the reference makes them, with her groups"

get "$root_auth" "/v2/timeseries/$S1"
[ "$code" = 200 ] && [ "$body" = "{\"created_by\":\"$ROOT\",\"lower_bound\":-50,\"name\":\"Outdoor temperature\",\"si_unit\":\"C\",\"tags\":[\"outdoor\",\"temperature\"],\"thing_uuid\":\"$THING\",\"upper_bound\":50,\"uuid\":\"$S1\"}" ]
verdict "the series"
get "$root_auth" "/v2/things/$THING"
[ "$code" = 200 ] && [ "$body" = "{\"uuid\":\"$THING\",\"name\":\"Weather station\",\"type\":\"weather\",\"state\":\"active\",\"created_by\":\"$ROOT\",\"tags\":[\"roof\"]}" ]
verdict "the thing"
get "$root_auth" "/v2/timeseries/$S1/data?start=2021-03-27T00:00:00Z&end=2021-03-27T02:00:00Z&unit=F"
[ "$code" = 200 ] && [ "$body" = '[{"v":32,"ts":"2021-03-27T00:00:00Z"},{"v":33.8,"ts":"2021-03-27T01:00:00Z"},{"v":35.6,"ts":"2021-03-27T02:00:00Z"}]' ]
verdict "data converted from C to F"
get "$root_auth" "/v2/timeseries/$S1/data?start=2021-03-27T00:00:00Z&end=2021-03-29T00:00:00Z&precision=day&aggregate=avg&timezone=Europe/Stockholm"
[ "$code" = 200 ] && [ "$body" = '[{"v":11,"ts":"2021-03-27T00:00:00+01:00"},{"v":34,"ts":"2021-03-28T00:00:00+01:00"},{"v":47,"ts":"2021-03-29T00:00:00+02:00"}]' ]
verdict "day averages in Europe/Stockholm across the change to summer time (a 23-hour day)"
get "$root_auth" "/v2/timeseries/$S1/data?start=2021-03-27T00:00:00Z&end=2021-03-29T00:00:00Z&precision=day&aggregate=count&timezone=Europe/Stockholm"
[ "$code" = 200 ] && [ "$body" = '[{"v":23,"ts":"2021-03-27T00:00:00+01:00"},{"v":23,"ts":"2021-03-28T00:00:00+01:00"},{"v":3,"ts":"2021-03-29T00:00:00+02:00"}]' ]
verdict "day counts in Europe/Stockholm"
get "$root_auth" "/v2/timeseries/$S1/data?start=2021-03-28T00:00:00Z&end=2021-03-28T02:00:00Z&timezone=Europe/Stockholm"
[ "$code" = 200 ] && [ "$body" = '[{"v":24,"ts":"2021-03-28T01:00:00+01:00"},{"v":25,"ts":"2021-03-28T03:00:00+02:00"},{"v":26,"ts":"2021-03-28T04:00:00+02:00"}]' ]
verdict "points across the change carry the offset of their instant"
get "$root_auth" "/v2/tsquery?uuids=$S1,$S2&start=2021-03-28T00:00:00Z&end=2021-03-28T00:00:00Z"
[ "$code" = 200 ] && [ "$body" = "[{\"uuid\":\"$S1\",\"data\":[{\"v\":24,\"ts\":\"2021-03-28T00:00:00Z\"}]},{\"uuid\":\"$S2\",\"data\":[{\"v\":1.5,\"ts\":\"2021-03-28T00:00:00Z\"}]}]" ]
verdict "tsquery over both series"
get "$root_auth" "/v2/timeseries/$S2/data?start=2021-03-28T00:00:00Z&end=2021-03-28T01:00:00Z&unit=W"
[ "$code" = 200 ] && [ "$body" = '[{"v":1500,"ts":"2021-03-28T00:00:00Z"},{"v":2250,"ts":"2021-03-28T01:00:00Z"}]' ]
verdict "data converted from kW to W"
get "$root_auth" "/v2/datasets/$DATASET"
[ "$code" = 200 ] && [ "$body" = "{\"uuid\":\"$DATASET\",\"name\":\"calibration.csv\",\"format\":\"csv\",\"checksum\":\"fcce30dfb0f895723514d08aab043d1c78c787956355c4472a86a87114dd7b1f\",\"size\":21,\"thing_uuid\":\"$THING\",\"created\":\"2021-06-01T10:00:00Z\",\"updated\":\"2021-06-01T10:00:00Z\",\"created_by\":\"$ROOT\",\"updated_by\":\"$ROOT\",\"tags\":[\"calibration\"]}" ]
verdict "the dataset"
get "$root_auth" "/v2/datasets/$DATASET/raw"
[ "$code" = 200 ] && [ "$body" = "$(printf 'sensor,offset\nt1,0.5')" ]; verdict "the dataset's content"
get "$root_auth" "/v2/programs/$PROGRAM"
[ "$code" = 200 ] && [ "$body" = "{\"deadline\":500,\"language\":\"tengo\",\"name\":\"hourly-average\",\"schedule\":\"@every 1h\",\"state\":\"active\",\"tags\":[\"report\"],\"type\":\"routine\",\"uuid\":\"$PROGRAM\"}" ]
verdict "the program"
sum=$(printf 'fmt := import("fmt")\nfmt.println("hourly")\n' | sha256sum | cut -d' ' -f1)
get "$root_auth" "/v2/programs/$PROGRAM/revisions"
[ "$code" = 200 ] && [ "$body" = "[{\"checksum\":\"$sum\",\"created\":\"2021-06-01T10:05:00Z\",\"created_by\":\"$ROOT\",\"revision\":0,\"signed\":\"2021-06-01T10:06:00Z\",\"signed_by\":\"$ROOT\"}]" ]
verdict "its signed revision, checksum = sha256 of the code"
get "$root_auth" "/v2/programs/$PROGRAM/code?revision=0"
[ "$code" = 200 ] && [ "$body" = "$(printf 'fmt := import("fmt")\nfmt.println("hourly")')" ]; verdict "its code"

# access control of the non-root user
get "$alice_auth" "/v2/timeseries/$S1"
[ "$code" = 200 ]; verdict "alice reads the series her group allows"
get "$alice_auth" "/v2/timeseries/$S1/data?start=2021-03-28T00:00:00Z&end=2021-03-28T01:00:00Z"
[ "$code" = 200 ] && [ "$body" = '[{"v":24,"ts":"2021-03-28T00:00:00Z"},{"v":25,"ts":"2021-03-28T01:00:00Z"}]' ]
verdict "and its data"
get "$alice_auth" "/v2/timeseries/$S2"
[ "$code" = 403 ] && [ "$body" = '{"code":403,"message":"Forbidden"}' ]; verdict "another series: 403"
get "$alice_auth" "/v2/timeseries/$S2/data?start=2021-03-28T00:00:00Z&end=2021-03-28T01:00:00Z"
[ "$code" = 403 ]; verdict "another series' data: 403"
get "$alice_auth" "/v2/things/$THING"
[ "$code" = 403 ]; verdict "the thing: 403"
get "$alice_auth" "/v2/users/$ROOT"
[ "$code" = 403 ]; verdict "another user: 403"

# token lists: the reference's Token {uuid, name, created}, created as
# Go writes a time.Time (RFC 3339, fraction only when there is one)
get "$root_auth" "/v2/users/$ALICE/tokens"
[ "$code" = 200 ] && [ "$body" = '[{"uuid":"0b4ef1a3-6f64-4d3c-8f0e-2a9b7c1d0002","name":"dashboard","created":"2021-06-03T09:15:30.25Z"}]' ]
verdict "token list at schema 12 shows the stored creation time"
seeded=$(psql_q -c "SELECT uuid FROM user_tokens WHERE name = 'Main admin token'" "$db")
get "$root_auth" "/v2/users/$ROOT/tokens"
[ "$code" = 200 ] && [ "$body" = "[{\"uuid\":\"$seeded\",\"name\":\"Main admin token\",\"created\":\"2021-06-01T09:00:00Z\"},{\"uuid\":\"0b4ef1a3-6f64-4d3c-8f0e-2a9b7c1d0001\",\"name\":\"ops laptop\",\"created\":\"2021-06-02T08:30:00Z\"}]" ]
verdict "root's tokens, the seeded one included, oldest first"

# what needs a newer schema
send "$root_auth" PUT "/v2/users/$ALICE/rate" '{"rate":1}'
[ "$code" = 409 ] && [ "$body" = '{"code":409,"message":"Per-user rates need a newer schema for this domain (run: selfctl db migrate up)"}' ]
verdict "PUT /v2/users/{uuid}/rate: 409 at schema 12"
send "$alice_auth" PUT "/v2/users/$ALICE/rate" '{"rate":1}'
[ "$code" = 403 ]; verdict "alice may not set her own rate (the reference's deny policy)"

# every read of what the reference stored, to compare after the migration
# (root's token: alice's gets a rate of its own in part 3)
READS=("/v2/users/me" "/v2/users" "/v2/users/$ALICE" "/v2/users/$ALICE/policies" "/v2/users/$ALICE/tokens"
       "/v2/users/$ROOT/tokens" "/v2/groups" "/v2/groups/$READERS/policies" "/v2/policies"
       "/v2/things" "/v2/things/$THING" "/v2/things/$THING/timeseries" "/v2/things/$THING/datasets"
       "/v2/timeseries" "/v2/timeseries/$S1" "/v2/timeseries/$S2"
       "/v2/timeseries/$S1/data?start=2021-03-27T00:00:00Z&end=2021-03-29T00:00:00Z"
       "/v2/timeseries/$S1/data?start=2021-03-27T00:00:00Z&end=2021-03-29T00:00:00Z&precision=day&aggregate=avg&timezone=Europe/Stockholm"
       "/v2/tsquery?uuids=$S1,$S2&start=2021-03-28T00:00:00Z&end=2021-03-28T01:00:00Z"
       "/v2/datasets" "/v2/datasets/$DATASET" "/v2/datasets/$DATASET/raw"
       "/v2/programs" "/v2/programs/$PROGRAM" "/v2/programs/$PROGRAM/revisions" "/v2/programs/$PROGRAM/code?revision=0")
# one line per read: path, status, body (its newlines as \n)
reads() { for p in "${READS[@]}"; do get "$root_auth" "$p"; printf '%s %s %s\n' "$p" "$code" "${body//$'\n'/\\n}"; done; }
reads > "$TMP/reads.before"
! grep -qv '^[^ ]* 200 ' "$TMP/reads.before"; verdict "${#READS[@]} reads of what the reference stored answer 200"

[ "$(dump)" = "$before" ]; verdict "after all this the database is byte for byte as the reference left it"
[ "$(psql_q -c "SELECT version, dirty FROM schema_migrations" "$db")" = "12|f" ]; verdict "still at version 12"

# ---- 3. migrated while served ----
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" db migrate up --db "$uri"
latest=$(printf '%s\n' "$out" | tail -n 1)
[ "$rc" = 0 ] && [ "$latest" -gt 12 ] && [ "$(psql_q -c "SELECT version, dirty FROM schema_migrations" "$db")" = "$latest|f" ]
verdict "selfctl db migrate up takes the served database to $latest"
send "$root_auth" PUT "/v2/users/$ALICE/rate" '{"rate":1}'
[ "$code" = 204 ]; verdict "the rate endpoint works at once (it re-reads the schema when it finds it too old)"
# selfctl touched the domain file of the configuration it was given: every
# responder looks at its schemas again (within a second), no restart
sleep 1.1
reads > "$TMP/reads.after"
diff "$TMP/reads.before" "$TMP/reads.after"; verdict "the same ${#READS[@]} reads answer the same after the migration, token times included"
same_tokens=1
for _ in 1 2 3 4 5 6; do
  get "$root_auth" "/v2/users/$ALICE/tokens"
  [ "$body" = '[{"uuid":"0b4ef1a3-6f64-4d3c-8f0e-2a9b7c1d0002","name":"dashboard","created":"2021-06-03T09:15:30.25Z"}]' ] || same_tokens=0
done
[ "$same_tokens" = 1 ]; verdict "every responder lists the stored token times after the migration"
[ "$(psql_q -c "SELECT count(*) FROM user_tokens WHERE created < '2021-07-01'" "$db")" = 3 ]
verdict "the migration kept the stored creation times"
db4=itest_reffresh_$$
uri4=$(fresh_db "$db4")
selfctl db migrate up --db "$uri4" >/dev/null
diff <(catalog "$db4" | grep -v '^seed ') <(catalog "$db" | grep -v '^seed ')
verdict "the migrated database has the same schema as a fresh one at $latest"
codes=""
for _ in $(seq 12); do codes="$codes $(http_code -u "$alice_auth" "$ITEST_URL/v2/users/me")"; done
[ "$codes" = " 200 200 200 200 200 200 200 200 200 200 429 429" ]; verdict "alice's own rate (1/hour, burst 10) applies on every responder"
get "$DOMAIN:root" /v2/users/me
[ "$code" = 200 ]; verdict "the seeded root token still works after the migration"

# ---- 4. databases that are refused, while the world keeps serving ----
db2=itest_refdirty_$$
uri2=$(fresh_db "$db2")
selfctl db migrate up 12 --db "$uri2" >/dev/null
psql_q -c "UPDATE schema_migrations SET dirty = true" "$db2"
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add refdirty --db "$uri2"
[ "$rc" = 1 ] && [ "$err" = "selfctl: database is dirty at version 12 (a migration failed half-way); repair it by hand, then set schema_migrations.dirty = false" ]
verdict "a dirty database: one line naming the version"
! "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain list | grep -q '^refdirty'; verdict "and it is not added"
itest_ok; verdict "the running instance still serves the other domain"

db3=itest_refforeign_$$
uri3=$(fresh_db "$db3")
psql_q -c "CREATE TABLE inventory (id int PRIMARY KEY, item text)" "$db3"
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add foreign --db "$uri3"
[ "$rc" = 1 ] && [ "$err" = "selfctl: not a Self-host database: it holds 1 table but no Self-host schema (schema_migrations); give a new, empty database, or one Self-host migrated" ]
verdict "a database holding something else: one line"
[ "$(psql_q -c "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'" "$db3")" = inventory ]
verdict "and it is left alone (not migrated)"
! "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain list | grep -q '^foreign'; verdict "and it is not added"
itest_ok; verdict "the running instance still serves the other domain"

run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add gone --db "postgresql:///x?host=/nonexistent&user=postgres"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == "selfctl: "*"/nonexistent"* ]]; verdict "an unreachable server: one line"
run "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain add gone --db "postgresql:///itest_no_such_db_$$?host=$ITEST_PGHOST&user=postgres"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"itest_no_such_db_$$"* ]]; verdict "a database that does not exist: one line naming it"
! "$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain list | grep -q '^gone'; verdict "neither is added"
itest_ok; verdict "the running instance still serves the other domain"

# ---- 5. and back: removed, migrated down to what the reference knows ----
"$ITEST_SELFCTL" -c "$ITEST_CONFIG" domain remove "$DOMAIN" >/dev/null
wait_status "$root_auth" 401; verdict "the domain removed again is refused"
itest_ok; verdict "and the other domain is served"
steps=$(selfctl db migrate status --db "$uri" | awk '/^[0-9][0-9][0-9][0-9][0-9][0-9]_/ && $1 + 0 > 12' | wc -l)
run selfctl db migrate down "$steps" --db "$uri"
[ "$rc" = 0 ] && [ "$(printf '%s
' "$out" | tail -n 1)" = 12 ] &&
  [ "$(psql_q -c "SELECT version, dirty FROM schema_migrations" "$db")" = "12|f" ]; verdict "migrate down $steps steps goes back to 12"
[ "$(dump)" = "$before" ]; verdict "the database is again byte for byte what the reference left (selfhost's additions gone, its data kept)"
diff <(reference_v12 | grep -v '^seed ') <(catalog "$db" | grep -v '^seed ')
verdict "and its catalog is the reference's version 12 again (user_tokens.created kept)"
drop_db "$db"
drop_db "$db4"
drop_db "$db2"
drop_db "$db3"

finish
