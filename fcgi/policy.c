/* policy.c — authorization of a routed, authenticated request. */
#include "policy.h"

#include "router.h"
#include "status.h"

static const struct db_stmt SQL_HAS_ACCESS = {
    "policy_has_access",
    "SELECT user_has_access($1::uuid, $2::policy_action, $3::text)", 3
};

static int scope_allowed(struct req *r, const char *perm, int *allowed)
{
    char action[16], resource[512];
    if (router_expand_perm(r, perm, action, sizeof action, resource, sizeof resource) != OK)
        return req_fail(r, 500, "Malformed permission in route table");
    const char *params[] = { r->user_uuid, action, resource };
    PGresult *res = db_exec(r->db, &SQL_HAS_ACCESS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    *allowed = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return OK;
}

int policy_authorize(struct req *r)
{
    for (int i = 0; i < ROUTE_MAX_PERMS && r->route->perms[i]; i++) {
        int allowed;
        if (scope_allowed(r, r->route->perms[i], &allowed) != OK)
            return ERROR;
        if (!allowed)
            return req_fail(r, 403, "Forbidden");
    }
    return OK;
}
