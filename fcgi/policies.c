/* policies.c — /v2/policies: the rules of group_policies.
 * A policy is written as {"uuid", "group_uuid", "priority", "effect",
 * "action", "resource"}, priority a JSON number. The list shows only the
 * policies the caller may read ('policies/<uuid>'), optionally of the
 * given groups, ordered as the reference's FindPolicies (resource desc,
 * effect asc, action desc, priority asc; uuid last so pages are stable).
 * A caller may only create a policy granting what it may do itself (its
 * own policies allow action on the new resource, read as text), as the
 * reference checks; we check the same on update, which the reference
 * forgot (an update could otherwise widen any policy to '%'). */
#include "policies.h"

#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "policy_match.h"
#include "status.h"

const struct query_param POLICIES_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { "group_uuids", Q_LIST, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

const struct json_field POLICY_NEW[] = {
    { "group_uuid", JK_UUID, 1, 0 },
    { "priority", JK_INT, 1, 0 },
    { "effect", JK_STRING, 1, 0 },
    { "action", JK_STRING, 1, 0 },
    { "resource", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

/* Every field optional; null means "leave as is", as Go's pointers do. */
const struct json_field POLICY_UPDATE[] = {
    { "group_uuid", JK_UUID, 0, 1 },
    { "priority", JK_INT, 0, 1 },
    { "effect", JK_STRING, 0, 1 },
    { "action", JK_STRING, 0, 1 },
    { "resource", JK_STRING, 0, 1 },
    { NULL, 0, 0, 0 },
};

#define POLICY_COLUMNS "p.uuid, p.group_uuid, p.priority, p.effect, p.action, p.resource"

static const struct db_stmt SQL_POLICIES_LIST = {
    "policies_list",
    "SELECT " POLICY_COLUMNS " FROM group_policies p "
    "WHERE ($3::uuid[] IS NULL OR p.group_uuid = ANY ($3::uuid[])) "
    "AND ('policies/' || p.uuid) LIKE ANY ($1::text[]) "
    "AND NOT ('policies/' || p.uuid) LIKE ANY ($2::text[]) "
    "ORDER BY p.resource DESC, p.effect ASC, p.action DESC, p.priority ASC, p.uuid "
    "LIMIT $4::bigint OFFSET $5::bigint",
    5
};

static const struct db_stmt SQL_POLICY_CREATE = {
    "policies_create",
    "INSERT INTO group_policies AS p (group_uuid, priority, effect, action, resource) "
    "VALUES ($1::uuid, $2::integer, $3::policy_effect, $4::policy_action, $5) "
    "RETURNING " POLICY_COLUMNS,
    5
};

static const struct db_stmt SQL_POLICY_GET = {
    "policies_get",
    "SELECT " POLICY_COLUMNS " FROM group_policies p WHERE p.uuid = $1::uuid",
    1
};

/* NULL parameters keep the column as it is. */
static const struct db_stmt SQL_POLICY_UPDATE = {
    "policies_update",
    "UPDATE group_policies SET "
    "group_uuid = COALESCE($2::uuid, group_uuid), "
    "priority = COALESCE($3::integer, priority), "
    "effect = COALESCE($4::policy_effect, effect), "
    "action = COALESCE($5::policy_action, action), "
    "resource = COALESCE($6::text, resource) "
    "WHERE uuid = $1::uuid",
    6
};

static const struct db_stmt SQL_POLICY_DELETE = {
    "policies_delete",
    "DELETE FROM group_policies WHERE uuid = $1::uuid",
    1
};

static const char *const EFFECTS[] = { "allow", "deny", NULL };
static const char *const ACTIONS[] = { "create", "read", "update", "delete", NULL };

static int one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* Checks the fields present in the (type-checked) body beyond their JSON
 * kind: enums, the integer column's range, a usable LIKE pattern. */
static int fields_check(struct req *r)
{
    json_object *b = r->body;
    if (json_has(b, "priority")) {
        int64_t p = json_int(b, "priority", 0);
        if (p < INT32_MIN || p > INT32_MAX)
            return req_fail(r, 400, "Malformed request: field 'priority' must be a 32-bit integer");
    }
    if (json_has(b, "effect") && !one_of(json_str(b, "effect", ""), EFFECTS))
        return req_fail(r, 400, "Malformed request: field 'effect' must be one of: allow, deny");
    if (json_has(b, "action") && !one_of(json_str(b, "action", ""), ACTIONS))
        return req_fail(r, 400, "Malformed request: field 'action' must be one of: "
                                "create, read, update, delete");
    if (json_has(b, "resource")) {
        const char *res = json_str(b, "resource", "");
        if (!*res)
            return req_fail(r, 400, "Malformed request: field 'resource' must not be empty");
        /* a lone trailing escape makes every LIKE reaching it fail: it would
         * break access checks and lists for each member of the group */
        if (!policy_pattern_valid(res))
            return req_fail(r, 400, "Malformed request: field 'resource' must not end with "
                                    "an unescaped backslash");
    }
    return OK;
}

/* Database failure of an insert/update: a foreign key violation can only
 * be group_uuid; say so (still 400, as the reference). */
static int write_failed(struct req *r, PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "23503") == 0) {
        PQclear(res);
        return req_fail(r, 400, "Malformed request: field 'group_uuid' names no group");
    }
    return req_fail_db(r, res);
}

static void policy_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_puts(b, ",\"group_uuid\":");
    json_put_str(b, PQgetvalue(res, row, 1));
    buf_puts(b, ",\"priority\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 2), NULL, 10));
    buf_puts(b, ",\"effect\":");
    json_put_str(b, PQgetvalue(res, row, 3));
    buf_puts(b, ",\"action\":");
    json_put_str(b, PQgetvalue(res, row, 4));
    buf_puts(b, ",\"resource\":");
    json_put_str(b, PQgetvalue(res, row, 5));
    buf_putc(b, '}');
}

/* Rows whose uuid is NULL (the empty side of a LEFT JOIN) are skipped, so
 * callers can learn "owner exists, no policies" in the same query. */
void policies_write_rows(struct req *r, const PGresult *res)
{
    buf_t *b = &r->out;
    int first = 1;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (PQgetisnull(res, i, 0))
            continue;
        if (!first)
            buf_putc(b, ',');
        first = 0;
        policy_write(b, res, i);
    }
    buf_puts(b, "]\n");
}

/* "{uuid,uuid}" for $n::uuid[]; items are validated UUIDs, so no quoting. */
static int group_filter(struct req *r, const char **out)
{
    const struct query_value *v = req_query(r, "group_uuids");
    *out = NULL;
    if (!v->present)
        return OK;
    if (v->nlist == 0)
        return req_fail(r, 400, "query parameter 'group_uuids' must be a list of UUIDs");
    buf_t a = BUF_INIT;
    buf_putc(&a, '{');
    for (int i = 0; i < v->nlist; i++) {
        if (uuid_valid(v->list[i]) != OK) {
            buf_free(&a);
            return req_fail(r, 400, "query parameter 'group_uuids' must be a list of UUIDs");
        }
        if (i)
            buf_putc(&a, ',');
        buf_puts(&a, v->list[i]);
    }
    buf_putc(&a, '}');
    *out = arena_strdup(r->arena, buf_cstr(&a));
    buf_free(&a);
    return OK;
}

int policies_list(struct req *r)
{
    const char *groups, *allow, *deny;
    if (group_filter(r, &groups) != OK)
        return ERROR;
    policy_patterns(r, "read", &allow, &deny);
    const char *params[] = {
        allow, deny, groups,
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "limit")->i),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "offset")->i),
    };
    PGresult *res = db_exec(r->db, &SQL_POLICIES_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    policies_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int policies_create(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    json_object *b = r->body;
    const char *action = json_str(b, "action", ""), *resource = json_str(b, "resource", "");
    if (!policy_may(r, action, resource))
        return policy_forbidden(r, "Forbidden: you may only grant what you may do yourself", action,
                                resource);
    const char *params[] = {
        json_str(b, "group_uuid", ""),
        arena_sprintf(r->arena, "%lld", (long long)json_int(b, "priority", 0)),
        json_str(b, "effect", ""),
        action,
        resource,
    };
    PGresult *res = db_exec(r->db, &SQL_POLICY_CREATE, params);
    if (!db_ok(res))
        return write_failed(r, res);
    policy_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 201);
    return OK;
}

int policies_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_POLICY_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    policy_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

/* The policy as it would be after the update must be one the caller could
 * create. Only a change of priority alone (which no check reads) is free. */
static int update_allowed(struct req *r, const PGresult *cur)
{
    json_object *b = r->body;
    if (!json_has(b, "group_uuid") && !json_has(b, "effect") && !json_has(b, "action") &&
        !json_has(b, "resource"))
        return OK;
    const char *action = json_str(b, "action", PQgetvalue(cur, 0, 4));
    const char *resource = json_str(b, "resource", PQgetvalue(cur, 0, 5));
    if (!policy_may(r, action, resource))
        return policy_forbidden(r, "Forbidden: you may only grant what you may do yourself", action,
                                resource);
    return OK;
}

int policies_update(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    const char *uuid = req_param(r, "uuid");
    const char *key[] = { uuid };
    PGresult *cur = db_exec(r->db, &SQL_POLICY_GET, key);
    if (!db_ok(cur))
        return req_fail_db(r, cur);
    if (PQntuples(cur) == 0) {
        PQclear(cur);
        return req_not_found(r);
    }
    int allowed = update_allowed(r, cur);
    PQclear(cur);
    if (allowed != OK)
        return ERROR;

    json_object *b = r->body;
    const char *params[] = {
        uuid,
        json_str(b, "group_uuid", NULL),
        json_has(b, "priority")
            ? arena_sprintf(r->arena, "%lld", (long long)json_int(b, "priority", 0))
            : NULL,
        json_str(b, "effect", NULL),
        json_str(b, "action", NULL),
        json_str(b, "resource", NULL),
    };
    PGresult *res = db_exec(r->db, &SQL_POLICY_UPDATE, params);
    if (!db_ok(res))
        return write_failed(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r); /* deleted since we read it */
    req_reply_json(r, 204);
    return OK;
}

int policies_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_POLICY_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}
