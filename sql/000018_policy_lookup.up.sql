-- 000018 up: finding the policies which may match a resource without
-- reading all of a group's policies (selfhost only). Authorization asks,
-- for the resources R of a request, which patterns of the user's groups
-- R matches with LIKE; a user's groups collect a policy per object it
-- creates, so one group can hold tens of thousands. The patterns are of
-- three shapes, each found by an index:
--   'timeseries/<uuid>/%'  a literal then one trailing %: the pattern
--                          without its last character is one of R's
--                          prefixes (group_policies_prefix_idx)
--   'users/me'             no wildcard: equal to R (the existing
--                          group_policies_resource_ops_idx)
--   anything else          ('%/data', '_', escapes): few, read whole
--                          (group_policies_other_idx)
-- selfhost_policy_candidates() returns the union: a superset of the
-- policies that decide (selfserv decides with LIKE itself,
-- common/policy_match.c). It is plpgsql with a generic plan, so the plan
-- is made once per session, not per request. The prefix index is not
-- partial and leads with the prefix (not the group), so that ANALYZE
-- keeps statistics of its expression and the planner sees how few rows a
-- prefix finds even in a group holding most of the table.
--
-- Creates:
--   index group_policies_prefix_idx  (left(resource, -1))
--   index group_policies_other_idx   (group_uuid), partial
--   function selfhost_policy_candidates(uuid, text[], text[], text[])
CREATE INDEX group_policies_prefix_idx ON group_policies (left(resource, -1));
CREATE INDEX group_policies_other_idx ON group_policies (group_uuid)
    WHERE resource ~ '[%_\\]' AND resource !~ '^[^%_\\]*%$';

-- The policies of user uid's groups for one of the actions acts whose
-- pattern may match one of the resources ress; prefixes holds every
-- prefix of the resources (in characters, the empty one and the whole
-- included). A pattern that cannot be evaluated (it ends in a lone
-- backslash) is never LIKE-matched: as a deny it is always a candidate
-- (it refuses), as an allow never.
CREATE FUNCTION selfhost_policy_candidates(uid uuid, acts text[], ress text[], prefixes text[])
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
