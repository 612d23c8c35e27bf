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

/* The candidates for one action and several resources: POLICY_CANDIDATES. */
static const struct db_stmt SQL_MAY_RULES = {
    "policy_may_rules",
    POLICY_CANDIDATES_INDEXED("$1::uuid", "ARRAY[$2::text]", "$3::text[]", "$4::text[]"), 4
};
/* Schemas older than 18 (no policy lookup function). */
static const struct db_stmt SQL_MAY_RULES_SCAN = {
    "policy_may_rules_scan", POLICY_CANDIDATES_SCAN("$1::uuid", "ARRAY[$2::text]", "$3::text[]"), 3
};

const char *policy_prefixes(struct req *r, const char *const *resources, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(resources[i]) + 1;
    const char **all = arena_calloc(r->arena, total + 1, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = resources[i];
        for (size_t len = 0;; len++) {
            /* a prefix ends before a UTF-8 lead byte or at the end; the
             * same prefix of another resource is sent once */
            if (s[len] == '\0' || ((unsigned char)s[len] & 0xc0) != 0x80) {
                int seen = 0;
                for (size_t j = 0; j < k && !seen; j++)
                    seen = strlen(all[j]) == len && strncmp(all[j], s, len) == 0;
                if (!seen)
                    all[k++] = arena_strndup(r->arena, s, len);
            }
            if (s[len] == '\0')
                break;
        }
    }
    return input_text_array(r, all, k);
}

size_t policy_first_refused(struct req *r, const char *action, const char *const *resources,
                            size_t n)
{
    if (action_index(action) < 0)
        return 0; /* unknown action: refuse */
    const char *params[] = { r->user_uuid, action, input_text_array(r, resources, n),
                             policy_prefixes(r, resources, n) };
    PGresult *res = db_exec(r->db, r->db->schema >= 18 ? &SQL_MAY_RULES : &SQL_MAY_RULES_SCAN, params);
    if (!db_ok(res)) {
        PQclear(res);
        return 0; /* no answer from the database: refuse */
    }
    struct policy_rule *rules;
    size_t nrules;
    policy_rules_from(r, res, 0, &rules, &nrules);
    PQclear(res);
    size_t i = 0;
    while (i < n && policy_allows(rules, nrules, action, resources[i]))
        i++;
    return i;
}

int policy_forbidden(struct req *r, const char *message, const char *action,
                     const char *resource)
{
    return req_deny(r, 403, message, arena_sprintf(r->arena, "no %s permission on %s", action,
                                                   resource));
}

int policy_may(struct req *r, const char *action, const char *resource)
{
    return policy_first_refused(r, action, &resource, 1) == 1;
}

int policy_scopes(struct req *r, const char **acts, const char **resources, const char **prefixes)
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
    *prefixes = policy_prefixes(r, res, n);
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
            return policy_forbidden(r, "Forbidden", action, resource);
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
