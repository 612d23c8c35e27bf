-- function_behaviour.sql — what the schema's functions and triggers do, as
-- one line per case, for comparing two schemas whose function bodies are
-- written differently (catalog_fingerprint.sql leaves the bodies out).
-- tests/integration/data/reference_v12_functions.txt is its output on the
-- reference's version 12. Needs a database at version 12 with only the
-- seeded rows; changes nothing (everything is rolled back).
-- Run: psql -X -qtA -v ON_ERROR_STOP=1 -f function_behaviour.sql
--
-- A statement that fails is written as "error": the reference's cycle
-- check fails with a different message than ours (docs/schema.md), on the
-- same rows.
BEGIN;
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN 'error';
END
$$;

-- array_distinct
SELECT 'array_distinct ' || a || ' -> ' || coalesce(array_distinct(a::text[])::text, 'NULL')
  FROM unnest(ARRAY['{}', '{b,a,b,c,a}', '{x}', '{NULL,a,NULL}', '{3,1,2,1}']) AS t(a);
SELECT 'array_distinct int ' || coalesce(array_distinct(ARRAY[3, 1, 2, 1, NULL])::text, 'NULL');
SELECT 'array_distinct null ' || coalesce(array_distinct(NULL::int[])::text, 'NULL');

-- generate_token: length and alphabet (the letters themselves are random)
SELECT 'generate_token ' || coalesce(n::text, 'NULL') || ' -> length ' || coalesce(length(generate_token(n))::text, 'NULL')
       || ' alphabet ' || coalesce((generate_token(n) ~ '^[a-zA-Z0-9]*$')::text, 'NULL')
  FROM unnest(ARRAY[0, 1, 40, 200, NULL]) AS t(n);
SELECT 'generate_token 5000 uses all 62: '
       || (SELECT count(DISTINCT c) FROM regexp_split_to_table(generate_token(5000), '') AS c);

-- user_has_access: the seeded groups plus a user with allows and denies
INSERT INTO users (uuid, name) VALUES ('11111111-0000-4000-8000-000000000001', 'u1'),
                                      ('11111111-0000-4000-8000-000000000002', 'u2');
INSERT INTO groups (uuid, name) VALUES ('22222222-0000-4000-8000-000000000001', 'g1'),
                                       ('22222222-0000-4000-8000-000000000002', 'g2');
INSERT INTO user_groups (user_uuid, group_uuid) VALUES
    ('11111111-0000-4000-8000-000000000001', '22222222-0000-4000-8000-000000000001'),
    ('11111111-0000-4000-8000-000000000001', '22222222-0000-4000-8000-000000000002'),
    ('11111111-0000-4000-8000-000000000001', '00000000-0000-1000-8000-000000000002'),
    ('11111111-0000-4000-8000-000000000002', '00000000-0000-1000-8000-000000000001');
INSERT INTO group_policies (group_uuid, priority, effect, action, resource) VALUES
    ('22222222-0000-4000-8000-000000000001', 0, 'allow', 'read', 'things/%'),
    ('22222222-0000-4000-8000-000000000001', 5, 'deny', 'read', 'things/secret%'),
    ('22222222-0000-4000-8000-000000000002', 9, 'allow', 'update', 'things/a_c'),
    ('22222222-0000-4000-8000-000000000002', 0, 'deny', 'delete', '%'),
    ('22222222-0000-4000-8000-000000000002', 0, 'allow', 'delete', 'things/%'),
    ('22222222-0000-4000-8000-000000000002', 0, 'deny', 'create', 'timeseries/x');
SELECT 'user_has_access ' || coalesce(u, 'NULL') || ' ' || coalesce(a, 'NULL') || ' '
       || coalesce(r, 'NULL') || ' -> '
       || coalesce(user_has_access(u::uuid, a::policy_action, r)::text, 'NULL')
  FROM unnest(ARRAY['00000000-0000-1000-8000-000000000000', '11111111-0000-4000-8000-000000000001',
                    '11111111-0000-4000-8000-000000000002', '33333333-0000-4000-8000-000000000009',
                    NULL]) AS tu(u)
 CROSS JOIN unnest(ARRAY['create', 'read', 'update', 'delete', NULL]) AS ta(a)
 CROSS JOIN unnest(ARRAY['things', 'things/1', 'things/secret/1', 'things/abc', 'things/a_c',
                         'timeseries', 'timeseries/x', 'timeseries/y/data', 'users/me', '', NULL])
       AS tr(r)
 ORDER BY 1;

-- alert_merge: a new alert, a duplicate of it, defaults for NULLs, a
-- different origin, and one whose earlier twin has expired
SELECT 'alert_merge same uuid for a duplicate: '
       || (alert_merge('r1', 'prod', 'ev', 'o1', 'major', NULL, '{s}', '1', 'd', '{t}', 3600, '\x01')
           = alert_merge('r1', 'prod', 'ev', 'o1', 'minor', 'open', '{s2}', '2', 'd2', '{t2}', 60, '\x02'))::text;
SELECT 'alert_merge other origin is new: '
       || (alert_merge('r1', 'prod', 'ev', 'o2', NULL, NULL, '{}', '', '', '{}', 3600, '')
           NOT IN (SELECT uuid FROM alerts WHERE origin = 'o1'))::text;
SELECT 'alert_merge null severity with a live twin: '
       || pg_temp.try($$SELECT alert_merge('r1', 'prod', 'ev', 'o1', NULL, NULL, '{}', '', '', '{}', 1, '')$$);
UPDATE alerts SET created = now() - interval '2 hours', last_receive_time = NULL WHERE origin = 'o2';
SELECT 'alert_merge expired twin is new: '
       || (alert_merge('r1', 'prod', 'ev', 'o2', 'warning', 'shelve', '{}', 'v', '', '{}', 10, '')
           NOT IN (SELECT uuid FROM alerts WHERE origin = 'o2' AND severity = 'indeterminate'))::text;
INSERT INTO alerts (resource, environment, event, severity, status, origin, created, timeout)
VALUES ('r2', 'prod', 'ev', 'minor', 'close', '', now(), 3600),
       ('r3', 'prod', 'ev', 'minor', 'acknowledge', '', now() - interval '1 day', 60),
       ('r4', 'prod', 'ev', 'minor', 'shelve', '', now() - interval '1 day', 60);
SELECT 'alert_merge closed twin is new: '
       || (alert_merge('r2', 'prod', 'ev', '', 'major', NULL, '{}', '', '', '{}', 3600, '')
           NOT IN (SELECT uuid FROM alerts WHERE resource = 'r2' AND status = 'close'))::text;
SELECT 'alert ' || resource || ' ' || origin || ' ' || severity || ' ' || status || ' '
       || previous_severity || ' dup ' || duplicate || ' value ' || value || ' desc ' || description
       || ' service ' || service::text || ' tags ' || tags::text || ' timeout ' || timeout
       || ' raw ' || encode(rawdata, 'hex') || ' received ' || (last_receive_time IS NOT NULL)
  FROM alerts ORDER BY 1;
SELECT 'v_alerts ' || resource || ' ' || origin || ' ' || status || ' ' || severity
  FROM v_alerts ORDER BY 1;

-- thing_deps: a chain a -> b -> c; a cycle by insert and by update is
-- refused, a harmless update is not
INSERT INTO things (uuid, name) VALUES ('44444444-0000-4000-8000-00000000000a', 'a'),
                                       ('44444444-0000-4000-8000-00000000000b', 'b'),
                                       ('44444444-0000-4000-8000-00000000000c', 'c'),
                                       ('44444444-0000-4000-8000-00000000000d', 'd');
SELECT 'thing_deps ' || label || ' -> ' || pg_temp.try(stmt)
  FROM (VALUES
    (1, 'insert a->b', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000a'', ''44444444-0000-4000-8000-00000000000b'')'),
    (2, 'insert b->c', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000b'', ''44444444-0000-4000-8000-00000000000c'')'),
    (3, 'insert c->a', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000c'', ''44444444-0000-4000-8000-00000000000a'')'),
    (4, 'insert c->b', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000c'', ''44444444-0000-4000-8000-00000000000b'')'),
    (5, 'insert a->a', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000a'', ''44444444-0000-4000-8000-00000000000a'')'),
    (6, 'insert a->c', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000a'', ''44444444-0000-4000-8000-00000000000c'')'),
    (7, 'insert d->a', 'INSERT INTO thing_deps VALUES (''44444444-0000-4000-8000-00000000000d'', ''44444444-0000-4000-8000-00000000000a'')'),
    (8, 'update b->c to b->d', 'UPDATE thing_deps SET child = ''44444444-0000-4000-8000-00000000000d'' WHERE parent = ''44444444-0000-4000-8000-00000000000b'''),
    (9, 'update d->a to c->a', 'UPDATE thing_deps SET parent = ''44444444-0000-4000-8000-00000000000c'' WHERE parent = ''44444444-0000-4000-8000-00000000000d'''),
    (10, 'update a->b to itself', 'UPDATE thing_deps SET parent = parent WHERE parent = ''44444444-0000-4000-8000-00000000000a'' AND child = ''44444444-0000-4000-8000-00000000000b'''),
    (11, 'update a->b to a->d', 'UPDATE thing_deps SET child = ''44444444-0000-4000-8000-00000000000d'' WHERE parent = ''44444444-0000-4000-8000-00000000000a'' AND child = ''44444444-0000-4000-8000-00000000000b''')
  ) AS t(n, label, stmt)
 ORDER BY n;
SELECT 'thing_deps edge ' || right(parent::text, 1) || ' -> ' || right(child::text, 1)
  FROM thing_deps ORDER BY 1;

-- datasets: size follows content on update, not on insert
INSERT INTO datasets (uuid, name, format, content, size)
VALUES ('55555555-0000-4000-8000-000000000001', 'x', 'csv', '\x010203', 99);
SELECT 'dataset after insert size ' || size FROM datasets;
UPDATE datasets SET name = 'y';
SELECT 'dataset after other update size ' || size FROM datasets;
UPDATE datasets SET content = '\x0102';
SELECT 'dataset after content update size ' || size FROM datasets;
UPDATE datasets SET content = content, size = 7;
SELECT 'dataset after content and size update size ' || size FROM datasets;
ROLLBACK;
