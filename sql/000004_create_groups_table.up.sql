-- 000004 up: groups, group membership, group policies and the access check.
--
-- Creates:
--   type policy_effect  enum: allow, deny
--   type policy_action  enum: create, read, update, delete
--   table groups          (uuid, name)
--   table user_groups     (user_uuid, group_uuid)
--   table group_policies  (uuid, group_uuid, priority, effect, action, resource)
--   indexes user_group_group_uuid_idx, group_policies_effect_grp_uuid_idx,
--           group_policies_effect_idx, group_policies_action_idx,
--           group_policies_resource_ops_idx
--   function user_has_access(uid uuid, act policy_action, res text) -> boolean
--   seed: groups root, things, timeseries, tsdata, datasets, operator, admin;
--         root user in root group; the policies of the seeded groups.

CREATE TYPE policy_effect AS ENUM ('allow', 'deny');

CREATE TYPE policy_action AS ENUM ('create', 'read', 'update', 'delete');

CREATE TABLE groups (
    uuid  uuid DEFAULT uuid_generate_v4() PRIMARY KEY,
    name  text UNIQUE NOT NULL
);

CREATE TABLE user_groups (
    user_uuid   uuid REFERENCES users (uuid) ON DELETE CASCADE,
    group_uuid  uuid REFERENCES groups (uuid) ON DELETE CASCADE,
    PRIMARY KEY (user_uuid, group_uuid)
);

CREATE INDEX user_group_group_uuid_idx ON user_groups (group_uuid);

-- A policy grants (allow) or withholds (deny) one action on every resource
-- path matching the LIKE pattern in "resource" (e.g. 'things/%').
CREATE TABLE group_policies (
    uuid        uuid          DEFAULT uuid_generate_v4() PRIMARY KEY,
    group_uuid  uuid          NOT NULL REFERENCES groups (uuid) ON DELETE CASCADE,
    priority    integer       DEFAULT 0 NOT NULL,
    effect      policy_effect DEFAULT 'deny' NOT NULL,
    action      policy_action NOT NULL,
    resource    text          NOT NULL,
    UNIQUE (group_uuid, priority, effect, action, resource)
);

CREATE INDEX group_policies_effect_grp_uuid_idx ON group_policies (group_uuid);
CREATE INDEX group_policies_effect_idx          ON group_policies (effect);
CREATE INDEX group_policies_action_idx          ON group_policies (action);
CREATE INDEX group_policies_resource_ops_idx
    ON group_policies (resource text_pattern_ops);

-- Seeded groups.  The root group shares its uuid with the root user.
INSERT INTO groups (uuid, name) VALUES
    ('00000000-0000-1000-8000-000000000000', 'root'),
    ('00000000-0000-1000-8000-000000000001', 'things'),
    ('00000000-0000-1000-8000-000000000002', 'timeseries'),
    ('00000000-0000-1000-8000-000000000003', 'tsdata'),
    ('00000000-0000-1000-8000-000000000004', 'datasets'),
    ('00000000-0000-1000-8000-000000000100', 'operator'),
    ('00000000-0000-1000-8000-000000000101', 'admin');

INSERT INTO user_groups (user_uuid, group_uuid) VALUES
    ('00000000-0000-1000-8000-000000000000', '00000000-0000-1000-8000-000000000000');

-- The seeded groups' policies, in the order the reference inserts them
-- (a read without ORDER BY sees the same rows in the same order):
-- root: every action on every resource; things, timeseries, tsdata,
-- datasets: create/read the collection, read/update/delete its members;
-- timeseries also create on its members (that is how data is added).
INSERT INTO group_policies (group_uuid, priority, effect, action, resource) VALUES
    ('00000000-0000-1000-8000-000000000000', 0, 'allow', 'create', '%'),
    ('00000000-0000-1000-8000-000000000000', 0, 'allow', 'read',   '%'),
    ('00000000-0000-1000-8000-000000000000', 0, 'allow', 'update', '%'),
    ('00000000-0000-1000-8000-000000000000', 0, 'allow', 'delete', '%'),
    ('00000000-0000-1000-8000-000000000001', 0, 'allow', 'create', 'things'),
    ('00000000-0000-1000-8000-000000000001', 0, 'allow', 'read',   'things'),
    ('00000000-0000-1000-8000-000000000001', 0, 'allow', 'read',   'things/%'),
    ('00000000-0000-1000-8000-000000000001', 0, 'allow', 'update', 'things/%'),
    ('00000000-0000-1000-8000-000000000001', 0, 'allow', 'delete', 'things/%'),
    ('00000000-0000-1000-8000-000000000002', 0, 'allow', 'create', 'timeseries'),
    ('00000000-0000-1000-8000-000000000002', 0, 'allow', 'read',   'timeseries'),
    ('00000000-0000-1000-8000-000000000002', 0, 'allow', 'create', 'timeseries/%'),
    ('00000000-0000-1000-8000-000000000002', 0, 'allow', 'read',   'timeseries/%'),
    ('00000000-0000-1000-8000-000000000002', 0, 'allow', 'update', 'timeseries/%'),
    ('00000000-0000-1000-8000-000000000002', 0, 'allow', 'delete', 'timeseries/%'),
    ('00000000-0000-1000-8000-000000000003', 0, 'allow', 'create', 'tsdata'),
    ('00000000-0000-1000-8000-000000000003', 0, 'allow', 'read',   'tsdata'),
    ('00000000-0000-1000-8000-000000000003', 0, 'allow', 'read',   'tsdata/%'),
    ('00000000-0000-1000-8000-000000000003', 0, 'allow', 'update', 'tsdata/%'),
    ('00000000-0000-1000-8000-000000000003', 0, 'allow', 'delete', 'tsdata/%'),
    ('00000000-0000-1000-8000-000000000004', 0, 'allow', 'create', 'datasets'),
    ('00000000-0000-1000-8000-000000000004', 0, 'allow', 'read',   'datasets'),
    ('00000000-0000-1000-8000-000000000004', 0, 'allow', 'read',   'datasets/%'),
    ('00000000-0000-1000-8000-000000000004', 0, 'allow', 'update', 'datasets/%'),
    ('00000000-0000-1000-8000-000000000004', 0, 'allow', 'delete', 'datasets/%');

-- True when user "uid" may perform "act" on resource path "res": some
-- policy of one of the user's groups allows it (res LIKE pattern) and no
-- policy of those groups denies it.  "priority" is not consulted.
CREATE FUNCTION user_has_access(uid uuid, act policy_action, res text)
    RETURNS boolean
    LANGUAGE sql
AS $fn$
    WITH pol AS (
        SELECT gp.effect, gp.resource
          FROM group_policies AS gp
          JOIN user_groups    AS ug ON ug.group_uuid = gp.group_uuid
         WHERE ug.user_uuid = uid
           AND gp.action = act
    )
    SELECT EXISTS (SELECT 1 FROM pol
                    WHERE pol.effect = 'allow' AND res LIKE pol.resource)
       AND NOT EXISTS (SELECT 1 FROM pol
                        WHERE pol.effect = 'deny' AND res LIKE pol.resource);
$fn$;
