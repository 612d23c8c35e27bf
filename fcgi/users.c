/* users.c — /v2/users: users, their groups and tokens.
 * A user is written as {"uuid", "name", "groups": [{"uuid", "name"}]},
 * groups ordered by name. */
#include "users.h"

#include "json.h"
#include "status.h"

/* One row per group (or one row with NULL group for a user in none). */
static const struct db_stmt SQL_USER_WITH_GROUPS = {
    "users_with_groups",
    "SELECT u.uuid, u.name, g.uuid, g.name FROM users u "
    "LEFT JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "LEFT JOIN groups g ON g.uuid = ug.group_uuid "
    "WHERE u.uuid = $1::uuid ORDER BY g.name, g.uuid",
    1
};

static int user_write(struct req *r, const char *uuid)
{
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_USER_WITH_GROUPS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int n = PQntuples(res);
    if (n == 0) {
        PQclear(res);
        return req_fail(r, 404, "The requestes user does not exist");
    }
    buf_t *b = &r->body;
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, PQgetvalue(res, 0, 0));
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, 0, 1));
    buf_puts(b, ",\"groups\":[");
    for (int i = 0; i < n; i++) {
        if (PQgetisnull(res, i, 2))
            continue;
        buf_puts(b, i ? ",{\"uuid\":" : "{\"uuid\":");
        json_put_str(b, PQgetvalue(res, i, 2));
        buf_puts(b, ",\"name\":");
        json_put_str(b, PQgetvalue(res, i, 3));
        buf_putc(b, '}');
    }
    buf_puts(b, "]}\n");
    PQclear(res);
    return OK;
}

int users_me(struct req *r)
{
    if (user_write(r, r->user_uuid) != OK)
        return ERROR;
    req_reply_json(r, 200);
    return OK;
}
