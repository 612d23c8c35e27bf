-- 000018 down
DROP FUNCTION IF EXISTS selfhost_policy_candidates(uuid, text[], text[], text[]);
DROP INDEX IF EXISTS group_policies_other_idx;
DROP INDEX IF EXISTS group_policies_prefix_idx;
