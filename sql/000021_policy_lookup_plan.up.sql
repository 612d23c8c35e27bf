-- 000021 up: a policy lookup whose plan stays right as a group grows
-- (selfhost only). selfhost_policy_candidates() (000018) runs with a
-- generic plan made once per session. A session that planned it while
-- the user's groups held few policies kept that plan after they grew to
-- thousands (until ANALYZE replaced the statistics): the plan entered
-- group_policies through its group_uuid indexes and read every policy of
-- the group, 100 times slower at 20,000 policies. Here the group test is
-- made on group_uuid's text, which no index serves, and sequential scans
-- are off inside the function, so the only paths left find a policy by
-- its pattern (group_policies_prefix_idx, group_policies_resource_ops_idx,
-- the partial group_policies_other_idx): the plan no longer depends on the
-- statistics of the moment it was made. The decision is unchanged.
--
-- Replaces: function selfhost_policy_candidates(uuid, text[], text[], text[])
CREATE OR REPLACE FUNCTION selfhost_policy_candidates(uid uuid, acts text[], ress text[], prefixes text[])
RETURNS TABLE (effect policy_effect, action policy_action, resource text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_indexonlyscan = off
AS $$
DECLARE
    grps text[] := ARRAY(SELECT ug.group_uuid::text FROM user_groups ug WHERE ug.user_uuid = uid);
BEGIN
    RETURN QUERY
    SELECT g.effect, g.action, g.resource FROM group_policies g
     WHERE g.resource ~ '^[^%_\\]*%$' AND left(g.resource, -1) = ANY (prefixes)
       AND g.group_uuid::text = ANY (grps)
       AND g.action::text = ANY (acts)
    UNION ALL
    SELECT g.effect, g.action, g.resource FROM group_policies g
     WHERE g.resource = ANY (ress)
       AND g.group_uuid::text = ANY (grps)
       AND g.action::text = ANY (acts)
    UNION ALL
    SELECT g.effect, g.action, g.resource FROM group_policies g
     WHERE g.resource ~ '[%_\\]' AND g.resource !~ '^[^%_\\]*%$'
       AND g.group_uuid::text = ANY (grps)
       AND g.action::text = ANY (acts)
       AND CASE WHEN g.resource ~ '(^|[^\\])(\\\\)*\\$' THEN g.effect = 'deny'
                ELSE EXISTS (SELECT 1 FROM unnest(ress) AS s(r) WHERE s.r LIKE g.resource) END;
END
$$;
