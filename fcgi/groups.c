/* groups.c — /v2/groups: named sets of users that policies are granted to.
 * A group is written as {"uuid", "name"}. The list shows only the groups
 * the caller may read ('groups/<uuid>' matches one of its read-allow
 * patterns and none of its read-deny ones), ordered by name, as the
 * reference's FindGroups does. Deleting a group cascades (schema: ON
 * DELETE CASCADE) to its memberships (user_groups) and its policies. */
#include "groups.h"

#include <stdlib.h>

#include "input.h"
#include "policies.h"
#include "policy.h"
#include "status.h"

#define GROUP_NAME_MIN 3 /* minLength of Group.name in the OpenAPI file */

const struct json_field GROUP_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

const struct json_field GROUP_UPDATE[] = {
    { "name", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct db_stmt SQL_GROUPS_LIST = {
    "groups_list",
    "SELECT g.uuid, g.name FROM groups g "
    "WHERE ('groups/' || g.uuid) LIKE ANY ($1::text[]) "
    "AND NOT ('groups/' || g.uuid) LIKE ANY ($2::text[]) "
    "ORDER BY g.name LIMIT $3::bigint OFFSET $4::bigint",
    4
};

static const struct db_stmt SQL_GROUP_CREATE = {
    "groups_create",
    "INSERT INTO groups (name) VALUES ($1) RETURNING uuid, name",
    1
};

static const struct db_stmt SQL_GROUP_GET = {
    "groups_get",
    "SELECT uuid, name FROM groups WHERE uuid = $1::uuid",
    1
};

static const struct db_stmt SQL_GROUP_RENAME = {
    "groups_rename",
    "UPDATE groups SET name = $2 WHERE uuid = $1::uuid",
    2
};

static const struct db_stmt SQL_GROUP_DELETE = {
    "groups_delete",
    "DELETE FROM groups WHERE uuid = $1::uuid",
    1
};

/* One row per policy of the group, or one all-NULL row when the group has
 * none (policies_write_rows skips it); no row: no such group. */
static const struct db_stmt SQL_GROUP_POLICIES = {
    "groups_policies",
    "SELECT gp.uuid, gp.group_uuid, gp.priority, gp.effect, gp.action, gp.resource "
    "FROM groups g LEFT JOIN group_policies gp ON gp.group_uuid = g.uuid "
    "WHERE g.uuid = $1::uuid ORDER BY gp.priority, gp.uuid",
    1
};

/* minLength counts characters (code points); the body is valid UTF-8. */
static int name_check(struct req *r, const char *name)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    if (chars < GROUP_NAME_MIN)
        return req_fail(r, 400, "Malformed request: field 'name' must be at least 3 characters long");
    return OK;
}

static void group_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, row, 1));
    buf_putc(b, '}');
}

/* Rows changed by a successful UPDATE/DELETE result (which it clears). */
static long affected(PGresult *res)
{
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return n;
}

int groups_list(struct req *r)
{
    const char *allow, *deny;
    policy_patterns(r, "read", &allow, &deny);
    const char *params[] = {
        allow, deny,
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "limit")->i),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "offset")->i),
    };
    PGresult *res = db_exec(r->db, &SQL_GROUPS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(b, ',');
        group_write(b, res, i);
    }
    buf_puts(b, "]\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int groups_create(struct req *r)
{
    const char *name = json_str(r->body, "name", "");
    if (name_check(r, name) != OK)
        return ERROR;
    const char *params[] = { name };
    PGresult *res = db_exec(r->db, &SQL_GROUP_CREATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    group_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 201);
    return OK;
}

int groups_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_GROUP_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    group_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int groups_update(struct req *r)
{
    const char *name = json_str(r->body, "name", "");
    if (name_check(r, name) != OK)
        return ERROR;
    const char *params[] = { req_param(r, "uuid"), name };
    PGresult *res = db_exec(r->db, &SQL_GROUP_RENAME, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (affected(res) == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

int groups_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_GROUP_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (affected(res) == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

int groups_policies(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_GROUP_POLICIES, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    policies_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}
