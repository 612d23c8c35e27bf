-- 000004 down: drops user_has_access, the group tables (with their seed
-- rows) and the policy enum types.

DROP FUNCTION IF EXISTS user_has_access(uuid, policy_action, text);

DROP TABLE IF EXISTS group_policies;
DROP TABLE IF EXISTS user_groups;
DROP TABLE IF EXISTS groups;

DROP TYPE IF EXISTS policy_action;
DROP TYPE IF EXISTS policy_effect;
