/* things.c — /v2/things: the devices and other objects that own time
 * series and datasets. A thing is written as {"uuid", "name", "type"
 * (null when unset), "state", "created_by", "tags"}, as the reference does.
 *
 * The list shows only the things the caller may read ('things/<uuid>'
 * matches one of its read-allow patterns and none of its read-deny ones),
 * optionally only those sharing at least one tag with ?tags= (PostgreSQL
 * &&, as the reference's FindThingsByTags), ordered by name (uuid last so
 * pages are stable).
 *
 * Creating a thing records the caller as created_by and grants the
 * caller's personal group (the group of the caller's name it is a member
 * of) create/read/update/delete on 'things/<uuid>/%', the reference's
 * policies. The reference looks that group up by a uuid equal to the
 * user's, which only root has, so any other creator got a 500; we find it
 * by name and grant nothing when there is none.
 *
 * Deleting a thing sets timeseries.thing_uuid and datasets.belongs_to to
 * NULL (schema: ON DELETE SET NULL); a thing that is a parent or child in
 * thing_deps cannot be deleted (no delete action): 409. */
#include "things.h"

#include <stdlib.h>
#include <string.h>

#include "datasets.h"
#include "pgarray.h"
#include "policy.h"
#include "status.h"
#include "timeseries.h"

#define THING_NAME_MIN 3 /* minLength of NewThing/UpdateThing name */
#define THING_TYPE_MIN 3 /* minLength of NewThing type (UpdateThing has none) */
#define NIL_UUID "00000000-0000-0000-0000-000000000000"

const struct query_param THINGS_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { "tags", Q_LIST, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

/* null is accepted where Go's pointer fields accept it: "not given". */
const struct json_field THING_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { "type", JK_STRING, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

const struct json_field THING_UPDATE[] = {
    { "name", JK_STRING, 0, 1 },
    { "type", JK_STRING, 0, 1 },
    { "state", JK_STRING, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

#define THING_COLUMNS "t.uuid, t.name, t.type, t.state, t.created_by, t.tags"

static const struct db_stmt SQL_THINGS_LIST = {
    "things_list",
    "SELECT " THING_COLUMNS " FROM things t "
    "WHERE ($3::text[] IS NULL OR t.tags && $3::text[]) "
    "AND ('things/' || t.uuid) LIKE ANY ($1::text[]) "
    "AND NOT ('things/' || t.uuid) LIKE ANY ($2::text[]) "
    "ORDER BY t.name, t.uuid LIMIT $4::bigint OFFSET $5::bigint",
    5
};

static const struct db_stmt SQL_THING_CREATE = {
    "things_create",
    "WITH t AS (INSERT INTO things (name, type, created_by, tags) "
    "  VALUES ($1, $2, $3::uuid, $4::text[]) RETURNING *), "
    "grp AS (SELECT g.uuid FROM users u "
    "  JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "  JOIN groups g ON g.uuid = ug.group_uuid AND g.name = u.name "
    "  WHERE u.uuid = $3::uuid LIMIT 1), "
    "pol AS (INSERT INTO group_policies (group_uuid, priority, effect, action, resource) "
    "  SELECT grp.uuid, 0, 'allow', a.action::policy_action, 'things/' || t.uuid || '/%' "
    "  FROM grp, t, (VALUES ('create'), ('read'), ('update'), ('delete')) AS a(action)) "
    "SELECT " THING_COLUMNS " FROM t",
    4
};

static const struct db_stmt SQL_THING_GET = {
    "things_get",
    "SELECT " THING_COLUMNS " FROM things t WHERE t.uuid = $1::uuid",
    1
};

static const struct db_stmt SQL_THING_EXISTS = {
    "things_exists",
    "SELECT 1 FROM things WHERE uuid = $1::uuid",
    1
};

/* NULL parameters keep the column as it is (Go's nil pointers). */
static const struct db_stmt SQL_THING_UPDATE = {
    "things_update",
    "UPDATE things SET "
    "name = COALESCE($2::text, name), "
    "type = COALESCE($3::text, type), "
    "state = COALESCE($4::thing_state, state), "
    "tags = COALESCE($5::text[], tags) "
    "WHERE uuid = $1::uuid",
    5
};

static const struct db_stmt SQL_THING_DELETE = {
    "things_delete",
    "DELETE FROM things WHERE uuid = $1::uuid",
    1
};

static const struct db_stmt SQL_THING_TIMESERIES = {
    "things_timeseries",
    "SELECT " TIMESERIES_COLUMNS " FROM timeseries ts "
    "WHERE ts.thing_uuid = $1::uuid ORDER BY ts.name, ts.uuid",
    1
};

static const struct db_stmt SQL_THING_DATASETS = {
    "things_datasets",
    "SELECT " DATASETS_COLUMNS " FROM datasets ds "
    "WHERE ds.belongs_to = $1::uuid ORDER BY ds.name, ds.uuid",
    1
};

static const char *const STATES[] = { "active", "inactive", "passive", "archived", NULL };

/* A text[] column as a JSON array; [] should it not parse (it always does
 * for a text[] column: this only keeps the reply well-formed). */
static void tags_put(buf_t *b, const char *text)
{
    size_t mark = b->len;
    if (pgarray_write_json(b, text) != OK) {
        b->len = mark;
        buf_puts(b, "[]");
    }
}

static void thing_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, row, 1));
    buf_puts(b, ",\"type\":");
    json_put_str(b, PQgetisnull(res, row, 2) ? NULL : PQgetvalue(res, row, 2));
    buf_puts(b, ",\"state\":");
    json_put_str(b, PQgetvalue(res, row, 3));
    /* a deleted creator: the reference writes Go's zero UUID */
    buf_puts(b, ",\"created_by\":");
    json_put_str(b, PQgetisnull(res, row, 4) ? NIL_UUID : PQgetvalue(res, row, 4));
    buf_puts(b, ",\"tags\":");
    tags_put(b, PQgetvalue(res, row, 5));
    buf_putc(b, '}');
}

/* Checks the fields present in the (type-checked) body beyond their kind. */
static int fields_check(struct req *r)
{
    json_object *b = r->body;
    const char *name = json_str(b, "name", NULL);
    if (name && input_min_length(r, "name", name, THING_NAME_MIN) != OK)
        return ERROR;
    const char *state = json_str(b, "state", NULL);
    if (state) {
        int known = 0;
        for (const char *const *s = STATES; *s; s++)
            known |= strcmp(state, *s) == 0;
        if (!known)
            return req_fail(r, 400, "Malformed request: field 'state' must be one of: "
                                    "active, inactive, passive, archived");
    }
    return OK;
}

/* OK when the thing exists, 404 recorded otherwise. */
static int thing_must_exist(struct req *r, const char *uuid)
{
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_THING_EXISTS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int found = PQntuples(res) == 1;
    PQclear(res);
    return found ? OK : req_not_found(r);
}

int things_list(struct req *r)
{
    const char *tags, *allow, *deny;
    if (input_query_text_array(r, "tags", &tags) != OK)
        return ERROR;
    policy_patterns(r, "read", &allow, &deny);
    const char *params[] = {
        allow, deny, tags,
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "limit")->i),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "offset")->i),
    };
    PGresult *res = db_exec(r->db, &SQL_THINGS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(b, ',');
        thing_write(b, res, i);
    }
    buf_puts(b, "]\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int things_create(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    const char *type = json_str(r->body, "type", NULL);
    if (type && input_min_length(r, "type", type, THING_TYPE_MIN) != OK)
        return ERROR;
    const char *tags = input_body_text_array(r, "tags");
    const char *params[] = {
        json_str(r->body, "name", ""), type, r->user_uuid, tags ? tags : "{}",
    };
    PGresult *res = db_exec(r->db, &SQL_THING_CREATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    thing_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 201);
    return OK;
}

int things_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_THING_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    thing_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

/* One statement: fields left out (or null) keep their value; an empty
 * body is a 204 for an existing thing (the reference: 404). */
int things_update(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    json_object *b = r->body;
    const char *params[] = {
        req_param(r, "uuid"),
        json_str(b, "name", NULL),
        json_str(b, "type", NULL),
        json_str(b, "state", NULL),
        input_body_text_array(r, "tags"),
    };
    PGresult *res = db_exec(r->db, &SQL_THING_UPDATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

int things_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_THING_DELETE, params);
    if (!db_ok(res)) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "23503") == 0) {
            PQclear(res);
            return req_fail(r, 409, "The thing has dependencies (it is a parent or child "
                                    "in thing_deps); remove them first");
        }
        return req_fail_db(r, res);
    }
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

/* The series of a thing, all of them, by name; 404 for no such thing (the
 * reference answers [] there). */
int things_timeseries(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    if (thing_must_exist(r, uuid) != OK)
        return ERROR;
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_THING_TIMESERIES, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    timeseries_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

/* The datasets of a thing, all of them, by name, without content. */
int things_datasets(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    if (thing_must_exist(r, uuid) != OK)
        return ERROR;
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_THING_DATASETS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    datasets_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}
