/* users.c — /v2/users: users, their groups, policies, rate and tokens.
 * A user is written as {"uuid", "name", "groups": [{"uuid", "name"}]},
 * groups ordered by name, as the reference does. Creating a user also
 * creates its personal group (same name) with the reference's policies:
 * read users/me, everything on users/<uuid> and users/<uuid>/%, but not
 * update users/<uuid>/rate. */
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "input.h"
#include "log.h"
#include "policies.h"
#include "policy.h"
#include "rfc3339.h"
#include "server.h"
#include "status.h"
#include "token_store.h"

#define ROOT_GROUP_UUID "00000000-0000-1000-8000-000000000000"

const struct json_field USER_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};
const struct json_field USER_UPDATE[] = {
    { "name", JK_STRING, 0, 0 },
    { "groups", JK_UUID_ARRAY, 0, 0 },
    { "groups_add", JK_UUID_ARRAY, 0, 0 },
    { "groups_remove", JK_UUID_ARRAY, 0, 0 },
    { NULL, 0, 0, 0 },
};
const struct json_field USER_RATE[] = {
    { "rate", JK_NUMBER, 1, 0 },
    { NULL, 0, 0, 0 },
};
const struct json_field TOKEN_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

/* One row per (user, group); users ordered by name, a user without groups
 * has one row with NULL group columns. $1/$2: the caller's read patterns. */
static const struct db_stmt SQL_USERS_PAGE = {
    "users_page",
    "WITH page AS (SELECT uuid, name FROM users "
    "  WHERE 'users/' || uuid LIKE ANY($1::text[]) AND NOT 'users/' || uuid LIKE ANY($2::text[]) "
    "  ORDER BY name LIMIT $3 OFFSET $4) "
    "SELECT p.uuid, p.name, g.uuid, g.name FROM page p "
    "LEFT JOIN user_groups ug ON ug.user_uuid = p.uuid "
    "LEFT JOIN groups g ON g.uuid = ug.group_uuid ORDER BY p.name, p.uuid, g.name, g.uuid",
    4
};
static const struct db_stmt SQL_USER_WITH_GROUPS = {
    "users_with_groups",
    "SELECT u.uuid, u.name, g.uuid, g.name FROM users u "
    "LEFT JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "LEFT JOIN groups g ON g.uuid = ug.group_uuid "
    "WHERE u.uuid = $1::uuid ORDER BY g.name, g.uuid",
    1
};
static const struct db_stmt SQL_USER_CREATE = {
    "users_create",
    "WITH grp AS (INSERT INTO groups(name) VALUES ($1) RETURNING uuid), "
    "usr AS (INSERT INTO users(name) VALUES ($1) RETURNING uuid), "
    "pol AS (INSERT INTO group_policies(group_uuid, priority, effect, action, resource) "
    "  SELECT grp.uuid, 0, p.effect::policy_effect, p.action::policy_action, "
    "         replace(p.resource, '@', usr.uuid::text) FROM grp, usr, (VALUES "
    "    ('allow', 'read', 'users/me'), "
    "    ('allow', 'create', 'users/@'), ('allow', 'read', 'users/@'), "
    "    ('allow', 'update', 'users/@'), ('allow', 'delete', 'users/@'), "
    "    ('allow', 'create', 'users/@/%'), ('allow', 'read', 'users/@/%'), "
    "    ('allow', 'update', 'users/@/%'), ('allow', 'delete', 'users/@/%'), "
    "    ('deny', 'update', 'users/@/rate')) AS p(effect, action, resource)), "
    "mem AS (INSERT INTO user_groups(user_uuid, group_uuid) SELECT usr.uuid, grp.uuid FROM usr, grp) "
    "SELECT uuid FROM usr",
    1
};
static const struct db_stmt SQL_USER_EXISTS = {
    "users_exists", "SELECT 1 FROM users WHERE uuid = $1::uuid", 1
};
static const struct db_stmt SQL_USER_RENAME = {
    "users_rename", "UPDATE users SET name = $2 WHERE uuid = $1::uuid", 2
};
static const struct db_stmt SQL_USER_GROUPS_CLEAR = {
    "users_groups_clear", "DELETE FROM user_groups WHERE user_uuid = $1::uuid", 1
};
static const struct db_stmt SQL_USER_GROUPS_REMOVE = {
    "users_groups_remove",
    "DELETE FROM user_groups WHERE user_uuid = $1::uuid AND group_uuid = ANY($2::uuid[])", 2
};
static const struct db_stmt SQL_USER_GROUPS_ADD = {
    "users_groups_add",
    "INSERT INTO user_groups(user_uuid, group_uuid) SELECT $1::uuid, g FROM unnest($2::uuid[]) g "
    "ON CONFLICT DO NOTHING",
    2
};
/* Root-group members left if this user went away (NULL: not a member). */
static const struct db_stmt SQL_ROOT_MEMBERS_WITHOUT = {
    "users_root_members_without",
    "SELECT count(*) FILTER (WHERE user_uuid <> $1::uuid), bool_or(user_uuid = $1::uuid) "
    "FROM user_groups WHERE group_uuid = '" ROOT_GROUP_UUID "'",
    1
};
static const struct db_stmt SQL_USER_DELETE = {
    "users_delete",
    "WITH grp AS (DELETE FROM groups WHERE name = (SELECT name FROM users WHERE uuid = $1::uuid) "
    "  AND uuid <> '" ROOT_GROUP_UUID "') "
    "DELETE FROM users WHERE uuid = $1::uuid",
    1
};
static const struct db_stmt SQL_USER_POLICIES = {
    "users_policies",
    "SELECT gp.uuid, gp.group_uuid, gp.priority, gp.effect, gp.action, gp.resource "
    "FROM group_policies gp JOIN user_groups ug ON ug.group_uuid = gp.group_uuid "
    "WHERE ug.user_uuid = $1::uuid "
    "ORDER BY gp.resource DESC, gp.effect ASC, gp.action DESC, gp.priority ASC, gp.uuid",
    1
};
static const struct db_stmt SQL_RATE_SET = {
    "users_rate_set",
    "INSERT INTO user_rates(user_uuid, req_per_hour) VALUES ($1::uuid, $2::integer) "
    "ON CONFLICT (user_uuid) DO UPDATE SET req_per_hour = EXCLUDED.req_per_hour, updated = now()",
    2
};
static const struct db_stmt SQL_TOKENS = {
    "users_tokens",
    "SELECT uuid, name, (extract(epoch FROM created) * 1000000)::int8 FROM user_tokens "
    "WHERE user_uuid = $1::uuid ORDER BY created, name, uuid",
    1
};
/* user_tokens.created is there from version 3 on, as in the reference
 * (whose 000003 creates it). Only a database selfhost's first releases
 * left below 13 lacks it: their 000003 had no such column and 000013 added
 * it. There the list shows "created": null until `selfctl db migrate up`. */
static const struct db_stmt SQL_TOKENS_NO_CREATED = {
    "users_tokens_no_created",
    "SELECT uuid, name, NULL::int8 FROM user_tokens WHERE user_uuid = $1::uuid ORDER BY name, uuid",
    1
};
static const struct db_stmt SQL_TOKEN_DELETE = {
    "users_token_delete",
    "DELETE FROM user_tokens WHERE uuid = $2::uuid AND user_uuid = $1::uuid", 2
};

/* Writes the users of res (columns user uuid, name, group uuid, name; rows
 * of one user adjacent) as JSON objects; as_array wraps them in [ ]. */
static void users_write_rows(buf_t *b, const PGresult *res, int as_array)
{
    int n = PQntuples(res);
    if (as_array)
        buf_putc(b, '[');
    for (int i = 0; i < n;) {
        const char *uuid = PQgetvalue(res, i, 0);
        buf_puts(b, i ? ",{\"uuid\":" : "{\"uuid\":");
        json_put_str(b, uuid);
        buf_puts(b, ",\"name\":");
        json_put_str(b, PQgetvalue(res, i, 1));
        buf_puts(b, ",\"groups\":[");
        int first = 1;
        for (; i < n && strcmp(PQgetvalue(res, i, 0), uuid) == 0; i++) {
            if (PQgetisnull(res, i, 2))
                continue;
            buf_puts(b, first ? "{\"uuid\":" : ",{\"uuid\":");
            json_put_str(b, PQgetvalue(res, i, 2));
            buf_puts(b, ",\"name\":");
            json_put_str(b, PQgetvalue(res, i, 3));
            buf_putc(b, '}');
            first = 0;
        }
        buf_puts(b, "]}");
    }
    if (as_array)
        buf_putc(b, ']');
    buf_putc(b, '\n');
}

static int user_reply(struct req *r, const char *uuid, int status)
{
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_USER_WITH_GROUPS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_fail(r, 404, "The requested user does not exist");
    }
    users_write_rows(&r->out, res, 0);
    PQclear(res);
    req_reply_json(r, status);
    return OK;
}

/* OK when the user exists, 404 recorded otherwise. */
static int user_must_exist(struct req *r, const char *uuid)
{
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_USER_EXISTS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int found = PQntuples(res) == 1;
    PQclear(res);
    return found ? OK : req_fail(r, 404, "The requested user does not exist");
}

int users_list(struct req *r)
{
    const char *allow, *deny;
    policy_patterns(r, "read", &allow, &deny);
    const char *params[] = { allow, deny, req_query(r, "limit")->s, req_query(r, "offset")->s };
    PGresult *res = db_exec(r->db, &SQL_USERS_PAGE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    users_write_rows(&r->out, res, 1);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int users_create(struct req *r)
{
    const char *name = json_str(r->body, "name", "");
    if (input_min_length(r, "name", name, 3) != OK)
        return ERROR;
    const char *params[] = { name };
    PGresult *res = db_exec(r->db, &SQL_USER_CREATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res); /* a user or group of that name: 400 duplicate key */
    const char *uuid = arena_strdup(r->arena, PQgetvalue(res, 0, 0));
    PQclear(res);
    return user_reply(r, uuid, 201);
}

/* The user and its groups: kept with the token's authentication answer
 * (auth_keep_body), so that a repeated request while nothing changed is
 * one cheap round trip, the epoch's. */
int users_me(struct req *r)
{
    if (r->kept_body) {
        buf_puts(&r->out, r->kept_body);
        req_reply_json(r, 200);
        return OK;
    }
    if (user_reply(r, r->user_uuid, 200) != OK)
        return ERROR;
    auth_keep_body(r, buf_cstr(&r->out));
    return OK;
}

int users_get(struct req *r)
{
    return user_reply(r, req_param(r, "uuid"), 200);
}

/* A validated JSON array of UUIDs as a PostgreSQL uuid[] literal. */
static const char *uuid_array(struct req *r, const char *key)
{
    json_object *arr;
    json_object_object_get_ex(r->body, key, &arr);
    buf_t b = BUF_INIT;
    buf_putc(&b, '{');
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_puts(&b, json_object_get_string(json_object_array_get_idx(arr, i)));
    }
    buf_putc(&b, '}');
    const char *out = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* Runs one statement inside the update transaction. */
static int update_step(struct req *r, const struct db_stmt *st, const char *const *params)
{
    PGresult *res = db_exec(r->db, st, params);
    if (!db_ok(res)) {
        db_rollback(r->db);
        return req_fail_db(r, res); /* unknown group: 400 (foreign key) */
    }
    PQclear(res);
    return OK;
}

int users_update(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    int has_groups = json_has(r->body, "groups");
    int has_delta = json_has(r->body, "groups_add") || json_has(r->body, "groups_remove");
    if (has_groups && has_delta)
        return req_fail(r, 400, "Malformed request: 'groups' cannot be combined with "
                                "'groups_add' or 'groups_remove'");
    const char *name = json_str(r->body, "name", NULL);
    if (name && input_min_length(r, "name", name, 3) != OK)
        return ERROR;
    if (user_must_exist(r, uuid) != OK)
        return ERROR;
    if (db_begin(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    const char *p_name[] = { uuid, name };
    if (name && update_step(r, &SQL_USER_RENAME, p_name) != OK)
        return ERROR;
    const char *p_uuid[] = { uuid };
    if (has_groups) {
        const char *p_set[] = { uuid, uuid_array(r, "groups") };
        if (update_step(r, &SQL_USER_GROUPS_CLEAR, p_uuid) != OK ||
            update_step(r, &SQL_USER_GROUPS_ADD, p_set) != OK)
            return ERROR;
    }
    if (json_has(r->body, "groups_remove")) {
        const char *p_rm[] = { uuid, uuid_array(r, "groups_remove") };
        if (update_step(r, &SQL_USER_GROUPS_REMOVE, p_rm) != OK)
            return ERROR;
    }
    if (json_has(r->body, "groups_add")) {
        const char *p_add[] = { uuid, uuid_array(r, "groups_add") };
        if (update_step(r, &SQL_USER_GROUPS_ADD, p_add) != OK)
            return ERROR;
    }
    if (db_commit(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    req_reply_json(r, 204);
    return OK;
}

int users_delete(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    if (strcmp(uuid, r->user_uuid) == 0)
        return req_fail(r, 409, "You cannot delete yourself");
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_ROOT_MEMBERS_WITHOUT, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int others = atoi(PQgetvalue(res, 0, 0));
    int member = PQgetvalue(res, 0, 1)[0] == 't';
    PQclear(res);
    if (member && others == 0)
        return req_fail(r, 409, "The last member of the root group cannot be deleted");
    res = db_exec(r->db, &SQL_USER_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int deleted = strcmp(PQcmdTuples(res), "0") != 0;
    PQclear(res);
    if (!deleted)
        return req_fail(r, 404, "The requested user does not exist");
    req_reply_json(r, 204);
    return OK;
}

int users_policies(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    if (user_must_exist(r, uuid) != OK)
        return ERROR;
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_USER_POLICIES, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    policies_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int users_set_rate(struct req *r)
{
    double rate = json_num(r->body, "rate", -1);
    if (rate < 0 || rate > 10000 || rate != (double)(long)rate)
        return req_fail(r, 400, "Malformed request: field 'rate' must be a whole number "
                                "from 0 to 10000 (requests per hour; 0 = no limit)");
    if (!server_schema_at_least(r->db, 14))
        return req_fail(r, 409, "Per-user rates need a newer schema for this domain "
                                "(run: selfctl db migrate up)");
    const char *uuid = req_param(r, "uuid");
    if (user_must_exist(r, uuid) != OK)
        return ERROR;
    char value[16];
    snprintf(value, sizeof value, "%ld", (long)rate);
    const char *params[] = { uuid, value };
    PGresult *res = db_exec(r->db, &SQL_RATE_SET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    PQclear(res);
    req_reply_json(r, 204);
    return OK;
}

int users_tokens(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    if (user_must_exist(r, uuid) != OK)
        return ERROR;
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_TOKENS, params);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "42703") == 0) { /* undefined_column: no "created" */
        PQclear(res);
        res = db_exec(r->db, &SQL_TOKENS_NO_CREATED, params);
    }
    if (!db_ok(res))
        return req_fail_db(r, res);
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0; i < PQntuples(res); i++) {
        char created[RFC3339_MAX];
        if (!PQgetisnull(res, i, 2))
            rfc3339_format(strtoll(PQgetvalue(res, i, 2), NULL, 10), created);
        buf_puts(b, i ? ",{\"uuid\":" : "{\"uuid\":");
        json_put_str(b, PQgetvalue(res, i, 0));
        buf_puts(b, ",\"name\":");
        json_put_str(b, PQgetvalue(res, i, 1));
        buf_puts(b, ",\"created\":");
        json_put_str(b, PQgetisnull(res, i, 2) ? NULL : created);
        buf_putc(b, '}');
    }
    buf_puts(b, "]\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int users_token_create(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    const char *name = json_str(r->body, "name", "");
    if (input_min_length(r, "name", name, 3) != OK || user_must_exist(r, uuid) != OK)
        return ERROR;
    char secret[TOKEN_MAX], token_uuid[UUID_STRLEN + 1], err[256];
    if (token_store_create(r->db, uuid, name, secret, token_uuid, err, sizeof err) != OK) {
        log_error("token for user %s: %s", uuid, err);
        return req_fail(r, 500, "Undefined DB error");
    }
    buf_t *b = &r->out;
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, token_uuid);
    buf_puts(b, ",\"name\":");
    json_put_str(b, name);
    buf_puts(b, ",\"secret\":");
    json_put_str(b, secret);
    buf_puts(b, "}\n");
    sodium_memzero(secret, sizeof secret);
    req_reply_json(r, 201);
    return OK;
}

int users_token_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid"), req_param(r, "token_uuid") };
    PGresult *res = db_exec(r->db, &SQL_TOKEN_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int deleted = strcmp(PQcmdTuples(res), "0") != 0;
    PQclear(res);
    if (!deleted)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}
