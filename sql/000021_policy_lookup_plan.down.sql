-- 000021 down: selfhost_policy_candidates() as 000018 made it
CREATE OR REPLACE FUNCTION selfhost_policy_candidates(uid uuid, acts text[], ress text[], prefixes text[])
RETURNS TABLE (effect policy_effect, action policy_action, resource text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT g.effect, g.action, g.resource FROM group_policies g
     WHERE g.resource ~ '^[^%_\\]*%$' AND left(g.resource, -1) = ANY (prefixes)
       AND g.group_uuid IN (SELECT ug.group_uuid FROM user_groups ug WHERE ug.user_uuid = uid)
       AND g.action::text = ANY (acts)
    UNION ALL
    SELECT g.effect, g.action, g.resource FROM group_policies g
     WHERE g.resource = ANY (ress)
       AND g.group_uuid IN (SELECT ug.group_uuid FROM user_groups ug WHERE ug.user_uuid = uid)
       AND g.action::text = ANY (acts)
    UNION ALL
    SELECT g.effect, g.action, g.resource FROM group_policies g
     WHERE g.resource ~ '[%_\\]' AND g.resource !~ '^[^%_\\]*%$'
       AND g.group_uuid IN (SELECT ug.group_uuid FROM user_groups ug WHERE ug.user_uuid = uid)
       AND g.action::text = ANY (acts)
       AND CASE WHEN g.resource ~ '(^|[^\\])(\\\\)*\\$' THEN g.effect = 'deny'
                ELSE EXISTS (SELECT 1 FROM unnest(ress) AS s(r) WHERE s.r LIKE g.resource) END;
END
$$;
