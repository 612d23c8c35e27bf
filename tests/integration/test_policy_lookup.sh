#!/usr/bin/env bash
# test_policy_lookup.sh — authorization finds the policies that decide
# through indexes (migration 18, selfhost_policy_candidates) and must never
# miss one: on a database with thousands of random patterns of every shape
# (a literal and a trailing %, no wildcard, % or _ inside, escapes,
# multibyte text, a lone trailing backslash), for many random resources and
# every action, every policy whose pattern the resource matches with LIKE
# (and every unevaluable deny) is among the candidates, and the indexes
# are what the lookup uses. Then through nginx: a user with 20,000
# policies gets exactly the reference's user_has_access() answers.
. "$(dirname "$0")/lib.sh"

db=itest_policy_lookup_$$
uri=$(fresh_db "$db")
trap 'drop_db "$db"; rm -rf "$TMP"' EXIT
run selfctl db migrate up --db "$uri"
[ "$rc" = 0 ]; verdict "migrated"

# random patterns of every shape for three groups of one user, and random
# resources built from the same pieces, so that many of them match
psql_q "$db" >/dev/null <<'SQL'; verdict "random policies stored"
SELECT setseed(0.42);
INSERT INTO users (uuid, name) VALUES ('7a000000-0000-4000-8000-000000000001', 'lookup-user');
INSERT INTO groups (uuid, name) VALUES
  ('7a000000-0000-4000-8000-0000000000a1', 'lookup-a'),
  ('7a000000-0000-4000-8000-0000000000a2', 'lookup-b'),
  ('7a000000-0000-4000-8000-0000000000a3', 'lookup-other');
INSERT INTO user_groups (user_uuid, group_uuid) VALUES
  ('7a000000-0000-4000-8000-000000000001', '7a000000-0000-4000-8000-0000000000a1'),
  ('7a000000-0000-4000-8000-000000000001', '7a000000-0000-4000-8000-0000000000a2');
CREATE TEMP TABLE piece AS
  SELECT unnest(ARRAY['timeseries', 'things', 'datasets', 'users', 'me', 'data', 'ab', 'a',
                      'b_c', 'x%y', 'å', '日本', '0f3e', '0f3e9a', 'raw', '']) AS p;
CREATE TEMP TABLE shape AS SELECT unnest(ARRAY[
  '%1/%2/%',    '%1/%2%',     '%1/%',        '%1%',        '%1/%2',      '%1',
  '%%1/%2',     '%1/_/%2',    '%1\_%2%',     '%1\%%2/%',   '%1/%2\',     '%1\\%',
  '_%1%',       '%',          '%1/%2/%3',    '%1%/%2%']) AS s;
CREATE FUNCTION pg_temp.pick(t text) RETURNS text LANGUAGE sql VOLATILE AS
  $$ SELECT p FROM piece ORDER BY random() + length(t) * 0 LIMIT 1 $$;
INSERT INTO group_policies (group_uuid, priority, effect, action, resource)
SELECT DISTINCT ON (g, e, a, r) g, 0, e, a, r FROM (
  SELECT (ARRAY['7a000000-0000-4000-8000-0000000000a1', '7a000000-0000-4000-8000-0000000000a2',
                '7a000000-0000-4000-8000-0000000000a3'])[1 + floor(random() * 3)::int]::uuid AS g,
         (ARRAY['allow', 'deny'])[1 + (random() < 0.2)::int]::policy_effect AS e,
         (ARRAY['create', 'read', 'update', 'delete'])[1 + floor(random() * 4)::int]::policy_action AS a,
         replace(replace(replace((SELECT s FROM shape ORDER BY random() + i * 0 LIMIT 1),
                 '%1', pg_temp.pick(i::text)), '%2', pg_temp.pick(i::text || 'b')), '%3', pg_temp.pick(i::text || 'c')) AS r
    FROM generate_series(1, 6000) i) x;
ANALYZE group_policies;
SQL
npol=$(psql_q -c "SELECT count(*) FROM group_policies WHERE group_uuid::text LIKE '7a000000%'" "$db")
[ "$npol" -gt 3000 ]; verdict "$npol random policies of every shape"

# every (action, resource): what LIKE matches (and every unevaluable deny)
# minus the candidates must be nothing; pairs of resources as a request has
missed=$(psql_q "$db" <<'SQL'
CREATE TEMP TABLE piece AS
  SELECT unnest(ARRAY['timeseries', 'things', 'datasets', 'users', 'me', 'data', 'ab', 'a',
                      'b_c', 'x%y', 'å', '日本', '0f3e', '0f3e9a', 'raw', '']) AS p;
SELECT setseed(0.17);
CREATE TEMP TABLE probe AS
  SELECT DISTINCT concat_ws('/', (SELECT p FROM piece ORDER BY random() + i * 0 LIMIT 1),
                                 NULLIF((SELECT p FROM piece ORDER BY random() + i * 0 LIMIT 1), ''),
                                 NULLIF((SELECT p FROM piece ORDER BY random() + i * 0 LIMIT 1), '')) AS res
    FROM generate_series(1, 800) i;
WITH req AS (
  SELECT a.act, ARRAY[p.res, q.res] AS ress FROM probe p
    JOIN LATERAL (SELECT res FROM probe ORDER BY random() + length(p.res) * 0 LIMIT 1) q ON true
    CROSS JOIN unnest(ARRAY['create', 'read', 'update', 'delete']) a(act)),
pre AS (
  SELECT req.act, req.ress, ARRAY(SELECT DISTINCT left(r, n) FROM unnest(req.ress) r,
                                  generate_series(0, length(r)) n) AS prefixes FROM req),
need AS (
  SELECT pre.act, pre.ress, gp.effect, gp.action, gp.resource FROM pre
    JOIN group_policies gp ON gp.action::text = pre.act
    JOIN user_groups ug ON ug.group_uuid = gp.group_uuid
   WHERE ug.user_uuid = '7a000000-0000-4000-8000-000000000001'
     AND CASE WHEN gp.resource ~ '(^|[^\\])(\\\\)*\\$' THEN gp.effect = 'deny'
              ELSE EXISTS (SELECT 1 FROM unnest(pre.ress) r WHERE r LIKE gp.resource) END),
got AS (
  SELECT pre.act, pre.ress, c.* FROM pre, selfhost_policy_candidates(
      '7a000000-0000-4000-8000-000000000001', ARRAY[pre.act], pre.ress, pre.prefixes) c)
SELECT (SELECT count(*) FROM need) || ' ' || (SELECT count(*) FROM (SELECT * FROM need EXCEPT SELECT * FROM got) m)
    || ' ' || (SELECT count(*) FROM got WHERE action::text <> act);
SQL
)
missed=$(printf '%s\n' "$missed" | tail -n 1)
needed=${missed%% *} rest=${missed#* }
echo "needed candidates: $needed; missed, of another action: $rest"
[ "${needed:-0}" -gt 1000 ]; verdict "the probes match many policies ($needed)"
[ "$rest" = "0 0" ]; verdict "no matching policy is ever missing from the candidates, none of another action"

# a session's plan outlives a group's growth (000021): on a new database,
# one session, as a responder holds it, looks up while its user's group
# holds 3 policies (analyzed so); then another session adds 20,000 to that
# group (no ANALYZE: autovacuum is off for the table here, as it is for up
# to a minute in real life); the same session's next lookup must still
# find policies by pattern, not read the group through a group_uuid index
# (which made it 100 times slower)
grow=itest_policy_growth_$$
growuri=$(fresh_db "$grow")
trap 'drop_db "$db"; drop_db "$grow"; rm -rf "$TMP"' EXIT
run selfctl db migrate up --db "$growuri"
plan=$(psql_q "$grow" 2>&1 <<SQL
ALTER TABLE group_policies SET (autovacuum_enabled = off);
INSERT INTO users (uuid, name) VALUES ('7a000000-0000-4000-8000-000000000002', 'growing');
INSERT INTO groups (uuid, name) VALUES ('7a000000-0000-4000-8000-0000000000b1', 'growing');
INSERT INTO user_groups VALUES ('7a000000-0000-4000-8000-000000000002', '7a000000-0000-4000-8000-0000000000b1');
INSERT INTO group_policies (group_uuid, priority, effect, action, resource) VALUES
  ('7a000000-0000-4000-8000-0000000000b1', 0, 'allow', 'read', 'users/me'),
  ('7a000000-0000-4000-8000-0000000000b1', 0, 'allow', 'read', 'timeseries/%/data'),
  ('7a000000-0000-4000-8000-0000000000b1', 0, 'allow', 'read', 'timeseries/0f3e/%');
ANALYZE group_policies;
SELECT count(*) FROM selfhost_policy_candidates('7a000000-0000-4000-8000-000000000002', '{read}',
  '{timeseries/0f3e/data}', '{"",t,timeseries/,timeseries/0f3e,timeseries/0f3e/}');
\\! psql -X -q -tA -h "$ITEST_PGHOST" -U postgres -c "INSERT INTO group_policies (group_uuid, priority, effect, action, resource) SELECT '7a000000-0000-4000-8000-0000000000b1', 0, 'allow', 'read', 'timeseries/' || gen_random_uuid() || '/%' FROM generate_series(1, 20000)" "$grow"
SET client_min_messages = notice;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SELECT count(*) FROM selfhost_policy_candidates('7a000000-0000-4000-8000-000000000002', '{read}',
  '{timeseries/0f3e/data}', '{"",t,timeseries/,timeseries/0f3e,timeseries/0f3e/}');
SQL
)
grep -q group_policies_prefix_idx <<<"$plan" && ! grep -q "Seq Scan on group_policies" <<<"$plan" &&
  ! grep -Eq "group_policies_effect_grp_uuid_idx|group_policies_group_uuid_priority" <<<"$plan" &&
  [ "$(printf '%s\n' "$plan" | grep -Ex '[0-9]+' | tr '\n' ' ')" = "2 2 " ]
verdict "after its group grew to 20,000 policies, a session's cached lookup still goes by pattern (2 candidates before and after)"

# through nginx: a user with 20,000 policies of its own plus decisive ones
# of every shape gets exactly the answers of the reference's
# user_has_access() on series reads
auth="$ITEST_DOMAIN:$ITEST_TOKEN"
post() { curl -s -u "$auth" -H 'Content-Type: application/json' -d "$2" "$ITEST_URL$1"; }
uuid_of() { grep -o '"uuid":"[^"]*"' | head -n 1 | cut -d'"' -f4; }
user=$(post /v2/users "{\"name\":\"lookup-$$\"}" | uuid_of)
secret=$(post "/v2/users/$user/tokens" '{"name":"lookup"}' | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$user" ] && [ -n "$secret" ]; verdict "a user and its token"
series=()
for i in 1 2 3 4 5 6; do series+=("$(post /v2/timeseries "{\"name\":\"lookup $i $$\",\"si_unit\":\"C\"}" | uuid_of)"); done
s1=${series[0]} s2=${series[1]} s3=${series[2]} s4=${series[3]} s5=${series[4]}
psql_q itest_main >/dev/null <<SQL
INSERT INTO group_policies (group_uuid, priority, effect, action, resource)
SELECT ug.group_uuid, 0, 'allow', 'read', 'timeseries/' || gen_random_uuid() || '/%'
  FROM user_groups ug, generate_series(1, 20000) WHERE ug.user_uuid = '$user';
INSERT INTO group_policies (group_uuid, priority, effect, action, resource)
SELECT ug.group_uuid, 0, e::policy_effect, 'read', r FROM user_groups ug, (VALUES
  ('allow', 'timeseries/$s1/%'),                       -- the data, not the series
  ('allow', 'timeseries/$s2%'),                        -- both
  ('deny',  'timeseries/$s2/d_ta'),                    -- but not its data
  ('allow', 'timeseries/$s3'),                         -- the series only
  ('allow', 'timeseries/%/data'),                      -- every series' data
  ('deny',  'timeseries/$s4/\%'),                      -- a literal % (matches nothing here)
  ('allow', 'timeseries/${s5:0:8}%'),                  -- a prefix inside the uuid
  ('deny',  'timeseries/${s5:0:8}%/d%t_')              -- % and _ inside
) AS p(e, r) WHERE ug.user_uuid = '$user';
ANALYZE group_policies;
SQL
# the lookup goes through the indexes, not a scan of the group
plan=$(psql_q -c "SET client_min_messages = notice" -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" \
  -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_level = notice" \
  -c "SELECT count(*) FROM selfhost_policy_candidates('$user', '{read}', '{timeseries/$s1/data}', '{\"\",timeseries/,timeseries/$s1,timeseries/$s1/}')" itest_main 2>&1)
grep -q group_policies_prefix_idx <<<"$plan" && grep -q group_policies_other_idx <<<"$plan" &&
  ! grep -q "Seq Scan on group_policies" <<<"$plan"; verdict "the candidates come through group_policies_prefix_idx and group_policies_other_idx, no scan"

same=0 differ=0
for s in "${series[@]}"; do
  for res in "timeseries/$s" "timeseries/$s/data"; do
    want=$(psql_q -c "SELECT CASE WHEN user_has_access('$user', 'read', '$res') THEN 200 ELSE 403 END" itest_main)
    path=/v2/$res
    [[ $res == */data ]] && path="$path?start=2021-01-01T00:00:00Z&end=2021-01-02T00:00:00Z"
    got=$(curl -s -o /dev/null -w '%{http_code}' -u "$ITEST_DOMAIN:$secret" "$ITEST_URL$path")
    if [ "$got" = "$want" ]; then same=$((same + 1)); else differ=$((differ + 1)); echo "  $res: $got, user_has_access: $want"; fi
  done
done
allowed=$(psql_q -c "SELECT count(*) FROM unnest(ARRAY['timeseries/$s1/data', 'timeseries/$s2', 'timeseries/$s3', 'timeseries/$s5']) r WHERE user_has_access('$user', 'read', r)" itest_main)
[ "$differ" = 0 ] && [ "$same" = 12 ] && [ "$allowed" = 4 ]; verdict "12 reads with 20,000 policies answer as user_has_access() ($same same, $differ different)"
psql_q -c "DELETE FROM group_policies gp USING user_groups ug WHERE gp.group_uuid = ug.group_uuid AND ug.user_uuid = '$user'" itest_main >/dev/null
finish
