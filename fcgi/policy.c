/* policy.c — authorization of a routed, authenticated request (policy.h). */
#include "policy.h"

#include <string.h>

#include "input.h"
#include "policy_match.h"
#include "router.h"
#include "status.h"

static const char *const actions[4] = { "create", "read", "update", "delete" };

static const struct db_stmt SQL_ACTION_RULES = {
    "policy_action_rules",
    "SELECT gp.effect, gp.action, gp.resource FROM user_groups ug "
    "JOIN group_policies gp ON gp.group_uuid = ug.group_uuid "
    "WHERE ug.user_uuid = $1::uuid AND gp.action::text = $2",
    2
};

void policy_rules_from(struct req *r, const PGresult *res, int col, struct policy_rule **rules,
                       size_t *n)
{
    int rows = PQntuples(res);
    *rules = arena_calloc(r->arena, (size_t)rows + 1, sizeof **rules);
    *n = 0;
    for (int i = 0; i < rows; i++) {
        if (PQgetisnull(res, i, col))
            continue;
        struct policy_rule *rule = &(*rules)[(*n)++];
        rule->effect = strcmp(PQgetvalue(res, i, col), "allow") == 0 ? POLICY_ALLOW : POLICY_DENY;
        rule->action = arena_strdup(r->arena, PQgetvalue(res, i, col + 1));
        rule->resource = arena_strdup(r->arena, PQgetvalue(res, i, col + 2));
    }
}

/* All the user's policies for action (index into actions), loaded once. */
static int action_rules(struct req *r, int a)
{
    if (r->action_loaded[a])
        return OK;
    const char *params[] = { r->user_uuid, actions[a] };
    PGresult *res = db_exec(r->db, &SQL_ACTION_RULES, params);
    if (!db_ok(res)) {
        PQclear(res);
        return ERROR;
    }
    policy_rules_from(r, res, 0, &r->action_rules[a], &r->naction_rules[a]);
    PQclear(res);
    r->action_loaded[a] = 1;
    return OK;
}

static int action_index(const char *action)
{
    for (int a = 0; a < 4; a++)
        if (strcmp(actions[a], action) == 0)
            return a;
    return -1;
}

int policy_may(struct req *r, const char *action, const char *resource)
{
    int a = action_index(action);
    if (a < 0 || action_rules(r, a) != OK)
        return 0; /* unknown action or no answer from the database: refuse */
    return policy_allows(r->action_rules[a], r->naction_rules[a], action, resource);
}


int policy_scopes(struct req *r, const char **acts, const char **resources)
{
    const char *a[ROUTE_MAX_PERMS], *res[ROUTE_MAX_PERMS];
    size_t n = 0;
    for (int i = 0; i < ROUTE_MAX_PERMS && r->route->perms[i]; i++, n++) {
        char action[16], resource[512];
        if (router_expand_perm(r, r->route->perms[i], action, sizeof action, resource,
                               sizeof resource) != OK)
            return req_fail(r, 400, "Invalid path parameter");
        a[n] = arena_strdup(r->arena, action);
        res[n] = arena_strdup(r->arena, resource);
    }
    *acts = input_text_array(r, a, n);
    *resources = input_text_array(r, res, n);
    return OK;
}

int policy_authorize(struct req *r)
{
    for (int i = 0; i < ROUTE_MAX_PERMS && r->route->perms[i]; i++) {
        char action[16], resource[512];
        if (router_expand_perm(r, r->route->perms[i], action, sizeof action, resource,
                               sizeof resource) != OK)
            return req_fail(r, 500, "Malformed permission in route table");
        if (!policy_allows(r->rules, r->nrules, action, resource))
            return req_fail(r, 403, "Forbidden");
    }
    return OK;
}

void policy_patterns(struct req *r, const char *action, const char **allow, const char **deny)
{
    int idx = action_index(action);
    if (idx < 0 || action_rules(r, idx) != OK) {
        *allow = "{}"; /* nothing visible */
        *deny = "{}";
        return;
    }
    size_t n = r->naction_rules[idx], na = 0, nd = 0;
    const char **al = arena_calloc(r->arena, n + 1, sizeof *al);
    const char **de = arena_calloc(r->arena, n + 1, sizeof *de);
    for (size_t i = 0; i < n; i++) {
        const struct policy_rule *rule = &r->action_rules[idx][i];
        if (rule->effect == POLICY_ALLOW)
            al[na++] = rule->resource;
        else
            de[nd++] = rule->resource;
    }
    *allow = input_text_array(r, al, na);
    *deny = input_text_array(r, de, nd);
}
