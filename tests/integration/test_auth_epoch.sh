#!/usr/bin/env bash
# test_auth_epoch.sh — the authentication epoch of sql/000022_auth_epoch
# on a database of its own: it moves (a new random number; moves counts
# them) once per committed transaction that
# changes users, tokens, groups, memberships, policies or rates (cascaded
# deletes included), at the commit and not before, not for a transaction
# rolled back, at once for a TRUNCATE, never for other tables; two
# transactions locking rows in opposite orders both commit; down and up
# again starts from another number.
. "$(dirname "$0")/lib.sh"
db=itest_auth_epoch_$$
uri=$(fresh_db "$db")
run selfctl db migrate up --db "$uri"
[ "$rc" = 0 ]; verdict "migrated up"
q() { psql_q -c "$1" "$db"; }
epoch() { q "SELECT epoch FROM selfhost_auth_epoch"; }
moves() { q "SELECT moves FROM selfhost_auth_epoch"; }
ROOT=00000000-0000-1000-8000-000000000000
U=11111111-1111-4111-8111-111111111111

[ "$(q 'SELECT count(*) FROM selfhost_auth_epoch')" = 1 ]; verdict "one epoch row"
e0=$(epoch) m0=$(moves)
q "INSERT INTO users(uuid, name) VALUES ('$U', 'epoch-user')" >/dev/null
[ "$(moves)" = $((m0 + 1)) ] && [ "$(epoch)" != "$e0" ]; verdict "a user added moves it (to another number)"

e=$(moves)
got=$(psql_q "$db" <<SQL
BEGIN;
INSERT INTO user_tokens(user_uuid, name, token_hash) VALUES ('$U', 't', sha256('x'::bytea));
INSERT INTO user_groups(user_uuid, group_uuid) VALUES ('$U', '$ROOT');
INSERT INTO group_policies(group_uuid, effect, action, resource)
  SELECT '$ROOT', 'deny', 'delete', 'users/$U/' || g FROM generate_series(1, 50) g;
SELECT moves FROM selfhost_auth_epoch;
COMMIT;
SQL
)
[ "$got" = "$e" ]; verdict "not moved before the commit"
[ "$(moves)" = $((e + 1)) ]; verdict "moved once for a transaction of 52 rows in three tables"

e=$(moves)
psql_q "$db" >/dev/null <<SQL
BEGIN;
DELETE FROM user_groups WHERE user_uuid = '$U';
ROLLBACK;
SQL
[ "$(moves)" = "$e" ]; verdict "a transaction rolled back leaves it"

e=$(moves)
q "INSERT INTO user_rates(user_uuid, req_per_hour) VALUES ('$U', 5)" >/dev/null
[ "$(moves)" = $((e + 1)) ]; verdict "a rate moves it"
q "UPDATE groups SET name = name WHERE uuid = '$ROOT'" >/dev/null
[ "$(moves)" = $((e + 2)) ]; verdict "a group updated moves it"
q "DELETE FROM group_policies WHERE resource LIKE 'users/$U/%'" >/dev/null
[ "$(moves)" = $((e + 3)) ]; verdict "policies deleted move it"
q "DELETE FROM users WHERE uuid = '$U'" >/dev/null
[ "$(moves)" = $((e + 4)) ]; verdict "a user deleted (tokens, rate, memberships by cascade) moves it"
[ "$(q "SELECT count(*) FROM user_tokens WHERE user_uuid = '$U'")" = 0 ]; verdict "the cascade happened"

e=$(moves)
q "INSERT INTO things(name, type) VALUES ('epoch-thing', 'pump')" >/dev/null
q "INSERT INTO timeseries(name, si_unit) VALUES ('epoch-series', 'C')" >/dev/null
q "DELETE FROM things" >/dev/null
[ "$(moves)" = "$e" ]; verdict "other tables leave it"

# two transactions that lock rows in opposite orders: T1 a policy then a
# group, T2 that group (and waits). Both commit: the epoch row is taken
# when each commits, the last lock of each, so neither holds it while it
# waits for the other (an epoch moved at each statement would deadlock).
q "INSERT INTO groups(name) VALUES ('epoch-g1')" >/dev/null
q "INSERT INTO group_policies(group_uuid, effect, action, resource) VALUES ('$ROOT', 'allow', 'read', 'a/1')" >/dev/null
e=$(moves)
psql_q "$db" >/dev/null 2>"$TMP/t1.err" <<SQL &
BEGIN;
UPDATE group_policies SET resource = resource WHERE resource = 'a/1';
SELECT pg_sleep(0.4);
UPDATE groups SET name = name WHERE name = 'epoch-g1';
COMMIT;
SQL
p1=$!
sleep 0.1
psql_q "$db" >/dev/null 2>"$TMP/t2.err" <<SQL &
BEGIN;
UPDATE groups SET name = name WHERE name = 'epoch-g1';
SELECT pg_sleep(0.8);
COMMIT;
SQL
p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] && ! grep -q deadlock "$TMP/t1.err" "$TMP/t2.err"; verdict "two transactions locking in opposite orders both commit"
[ "$(moves)" = $((e + 2)) ]; verdict "each moved it once"

e=$(moves)
q "TRUNCATE user_rates" >/dev/null
[ "$(moves)" = $((e + 1)) ]; verdict "a TRUNCATE moves it"

elast=$(epoch)
run selfctl db migrate down 1 --db "$uri"
[ "$rc" = 0 ] && [ "$(q "SELECT to_regclass('selfhost_auth_epoch') IS NULL")" = t ] &&
  [ "$(q "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%auth_epoch%'")" = 0 ]; verdict "down removes the table and its triggers"
run selfctl db migrate up --db "$uri"
[ "$rc" = 0 ] && [ "$(epoch)" != "$elast" ] && [ "$(moves)" = 0 ]; verdict "up again starts from another number"

drop_db "$db"
finish
