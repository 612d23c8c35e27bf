/* timeseries.c — /v2/timeseries and /v2/timeseries/{uuid}: the series
 * themselves (their samples are tsdata.c).
 * A series is written as the reference's rest.Timeseries: created_by,
 * lower_bound, name, si_unit, tags, thing_uuid, upper_bound, uuid — bounds
 * and thing_uuid null when unset, created_by the nil UUID when its user is
 * gone (the reference scans NULL into a zero uuid.UUID).
 * The list shows only the series the caller may read ('timeseries/<uuid>'
 * against its read policies, deny wins), optionally those sharing at least
 * one tag with ?tags= (array overlap, as the reference's &&), ordered by
 * name (uuid breaks ties so pages are stable).
 * Creating a series also gives the creator's personal group (the group
 * named like the user, which it belongs to) create/read/update/delete on
 * 'timeseries/<uuid>/%' — what the reference means to do; its query only
 * finds a group whose uuid equals the user's (root) and fails with 500 for
 * everyone else.
 * si_unit is any non-empty text, as the reference stores it (only reads
 * and writes in another unit need one the server knows, tsdata.c).
 * Beyond the reference: lower_bound may not exceed upper_bound; null clears
 * thing_uuid and the bounds on update (the reference ignores null, so a
 * bound could never be removed); deleting a series deletes its samples in
 * the same transaction (tsdata references timeseries without a cascade:
 * the reference answers 500 for any series holding data). */
#include "timeseries.h"

#include <stdlib.h>
#include <string.h>

#include "pgarray.h"
#include "policy.h"
#include "status.h"

#define NAME_MIN 3 /* minLength of NewTimeseries.name */
#define NIL_UUID "00000000-0000-0000-0000-000000000000"

const struct query_param TIMESERIES_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { "tags", Q_LIST, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

/* null is accepted where the reference's Go pointers accept it: no value. */
const struct json_field TIMESERIES_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { "si_unit", JK_STRING, 1, 0 },
    { "thing_uuid", JK_UUID, 0, 1 },
    { "lower_bound", JK_NUMBER, 0, 1 },
    { "upper_bound", JK_NUMBER, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

/* Every field optional. null leaves name, si_unit and tags as they are
 * (they cannot be null) and clears thing_uuid, lower_bound, upper_bound. */
const struct json_field TIMESERIES_UPDATE[] = {
    { "name", JK_STRING, 0, 1 },
    { "si_unit", JK_STRING, 0, 1 },
    { "thing_uuid", JK_UUID, 0, 1 },
    { "lower_bound", JK_NUMBER, 0, 1 },
    { "upper_bound", JK_NUMBER, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

#define LIST_HEAD                                                  \
    "SELECT " TIMESERIES_COLUMNS " FROM timeseries ts "            \
    "WHERE ('timeseries/' || ts.uuid) LIKE ANY ($1::text[]) "      \
    "AND NOT ('timeseries/' || ts.uuid) LIKE ANY ($2::text[]) "
#define LIST_TAIL "ORDER BY ts.name, ts.uuid LIMIT $3::bigint OFFSET $4::bigint"

static const struct db_stmt SQL_TS_LIST = {
    "timeseries_list", LIST_HEAD LIST_TAIL, 4
};

/* A statement of its own (not "$5 IS NULL OR …") so the GIN index on tags
 * serves the overlap in every plan. */
static const struct db_stmt SQL_TS_LIST_TAGS = {
    "timeseries_list_tags", LIST_HEAD "AND ts.tags && $5::text[] " LIST_TAIL, 5
};

/* $1 thing (the nil UUID is none, as in the reference), $6 the creator. */
static const struct db_stmt SQL_TS_CREATE = {
    "timeseries_create",
    "WITH t AS (INSERT INTO timeseries AS ts "
    "  (thing_uuid, name, si_unit, lower_bound, upper_bound, created_by, tags) "
    "  VALUES (NULLIF($1::uuid, '" NIL_UUID "'), $2, $3, $4::float8, $5::float8, $6::uuid, "
    "          $7::text[]) "
    "  RETURNING " TIMESERIES_COLUMNS "), "
    "grp AS (SELECT g.uuid FROM users u "
    "  JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "  JOIN groups g ON g.uuid = ug.group_uuid AND g.name = u.name "
    "  WHERE u.uuid = $6::uuid LIMIT 1), "
    "pol AS (INSERT INTO group_policies (group_uuid, priority, effect, action, resource) "
    "  SELECT grp.uuid, 0, 'allow', a.action::policy_action, 'timeseries/' || t.uuid || '/%' "
    "  FROM grp, t, (VALUES ('create'), ('read'), ('update'), ('delete')) AS a(action) "
    "  ON CONFLICT DO NOTHING) "
    "SELECT * FROM t",
    7
};

static const struct db_stmt SQL_TS_GET = {
    "timeseries_get",
    "SELECT " TIMESERIES_COLUMNS " FROM timeseries ts WHERE ts.uuid = $1::uuid",
    1
};

/* NULL name/si_unit/tags keep the column; $4/$6/$8 say whether thing,
 * lower and upper bound are given (their value may be NULL). Returns
 * whether the bounds now cross, so the caller can roll back. */
static const struct db_stmt SQL_TS_UPDATE = {
    "timeseries_update",
    "UPDATE timeseries SET "
    "name = COALESCE($2, name), "
    "si_unit = COALESCE($3, si_unit), "
    "thing_uuid = CASE WHEN $4::boolean THEN NULLIF($5::uuid, '" NIL_UUID "') "
    "             ELSE thing_uuid END, "
    "lower_bound = CASE WHEN $6::boolean THEN $7::float8 ELSE lower_bound END, "
    "upper_bound = CASE WHEN $8::boolean THEN $9::float8 ELSE upper_bound END, "
    "tags = COALESCE($10::text[], tags) "
    "WHERE uuid = $1::uuid "
    "RETURNING COALESCE(lower_bound > upper_bound, false)",
    10
};

/* Locks the series so no sample can be added between the two deletes. */
static const struct db_stmt SQL_TS_LOCK = {
    "timeseries_lock", "SELECT 1 FROM timeseries WHERE uuid = $1::uuid FOR UPDATE", 1
};
static const struct db_stmt SQL_TS_PURGE = {
    "timeseries_purge", "DELETE FROM tsdata WHERE ts_uuid = $1::uuid", 1
};
static const struct db_stmt SQL_TS_DELETE = {
    "timeseries_delete", "DELETE FROM timeseries WHERE uuid = $1::uuid", 1
};

static int bounds_crossed(struct req *r)
{
    return req_fail(r, 400, "Malformed request: 'lower_bound' must not be greater than "
                            "'upper_bound'");
}

/* ---- output --------------------------------------------------------------- */

static void put_number_or_null(buf_t *b, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        buf_puts(b, "null");
    else
        json_put_double(b, strtod(PQgetvalue(res, row, col), NULL));
}

/* One row of TIMESERIES_COLUMNS; tmp is scratch space for the tags. */
static void ts_write(buf_t *b, const PGresult *res, int row, buf_t *tmp)
{
    buf_puts(b, "{\"created_by\":");
    json_put_str(b, PQgetisnull(res, row, 6) ? NIL_UUID : PQgetvalue(res, row, 6));
    buf_puts(b, ",\"lower_bound\":");
    put_number_or_null(b, res, row, 4);
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, row, 2));
    buf_puts(b, ",\"si_unit\":");
    json_put_str(b, PQgetvalue(res, row, 3));
    buf_puts(b, ",\"tags\":");
    buf_reset(tmp);
    if (pgarray_write_json(tmp, PQgetvalue(res, row, 7)) == OK)
        buf_append(b, tmp->data, tmp->len);
    else
        buf_puts(b, "[]"); /* not a text[]: cannot come from our schema */
    buf_puts(b, ",\"thing_uuid\":");
    json_put_str(b, PQgetisnull(res, row, 1) ? NULL : PQgetvalue(res, row, 1));
    buf_puts(b, ",\"upper_bound\":");
    put_number_or_null(b, res, row, 5);
    buf_puts(b, ",\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_putc(b, '}');
}

void timeseries_write_rows(struct req *r, const PGresult *res)
{
    buf_t tmp = BUF_INIT;
    buf_putc(&r->out, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(&r->out, ',');
        ts_write(&r->out, res, i, &tmp);
    }
    buf_puts(&r->out, "]\n");
    buf_free(&tmp);
}

static void ts_write_one(struct req *r, const PGresult *res)
{
    buf_t tmp = BUF_INIT;
    ts_write(&r->out, res, 0, &tmp);
    buf_putc(&r->out, '\n');
    buf_free(&tmp);
}

/* ---- input ---------------------------------------------------------------- */

/* The number of a (validated) field as a float8 parameter; NULL when it is
 * absent or null. 17 significant digits read back as the same double. */
static const char *number_param(struct req *r, const char *key)
{
    if (!json_has(r->body, key))
        return NULL;
    return arena_sprintf(r->arena, "%.17g", json_num(r->body, key, 0));
}

/* "true" when the body has key, null included. */
static const char *given(struct req *r, const char *key)
{
    return json_object_object_get_ex(r->body, key, NULL) ? "true" : "false";
}

/* ---- handlers ------------------------------------------------------------- */

int timeseries_list(struct req *r)
{
    const char *allow, *deny, *filter;
    if (input_query_text_array(r, "tags", &filter) != OK)
        return ERROR;
    policy_patterns(r, "read", &allow, &deny);
    const char *params[] = {
        allow, deny,
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "limit")->i),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "offset")->i),
        filter,
    };
    PGresult *res = db_exec(r->db, filter ? &SQL_TS_LIST_TAGS : &SQL_TS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    timeseries_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int timeseries_create(struct req *r)
{
    const char *name = json_str(r->body, "name", "");
    const char *unit = json_str(r->body, "si_unit", "");
    if (input_min_length(r, "name", name, NAME_MIN) != OK ||
        input_min_length(r, "si_unit", unit, 1) != OK)
        return ERROR;
    const char *lower = number_param(r, "lower_bound"), *upper = number_param(r, "upper_bound");
    if (lower && upper && json_num(r->body, "lower_bound", 0) > json_num(r->body, "upper_bound", 0))
        return bounds_crossed(r);
    const char *tags = input_body_text_array(r, "tags");
    const char *params[] = {
        json_str(r->body, "thing_uuid", NULL), name, unit, lower, upper, r->user_uuid,
        tags ? tags : "{}",
    };
    PGresult *res = db_exec(r->db, &SQL_TS_CREATE, params);
    if (!db_ok(res))
        return req_fail_db_ref(r, res, "timeseries_thing_uuid_fkey", "thing_uuid", "thing");
    ts_write_one(r, res);
    PQclear(res);
    req_reply_json(r, 201);
    return OK;
}

int timeseries_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_TS_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    ts_write_one(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int timeseries_update(struct req *r)
{
    const char *name = json_str(r->body, "name", NULL);
    const char *unit = json_str(r->body, "si_unit", NULL);
    if ((name && input_min_length(r, "name", name, NAME_MIN) != OK) ||
        (unit && input_min_length(r, "si_unit", unit, 1) != OK))
        return ERROR;
    const char *params[] = {
        req_param(r, "uuid"), name, unit,
        given(r, "thing_uuid"), json_str(r->body, "thing_uuid", NULL),
        given(r, "lower_bound"), number_param(r, "lower_bound"),
        given(r, "upper_bound"), number_param(r, "upper_bound"),
        input_body_text_array(r, "tags"),
    };
    if (db_begin(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    PGresult *res = db_exec(r->db, &SQL_TS_UPDATE, params);
    if (!db_ok(res)) {
        db_rollback(r->db);
        return req_fail_db_ref(r, res, "timeseries_thing_uuid_fkey", "thing_uuid", "thing");
    }
    int found = PQntuples(res) == 1;
    int crossed = found && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (!found || crossed) {
        db_rollback(r->db);
        return found ? bounds_crossed(r) : req_not_found(r);
    }
    if (db_commit(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    req_reply_json(r, 204);
    return OK;
}

/* Runs one statement of the delete transaction; rolls back on failure. */
static int delete_step(struct req *r, const struct db_stmt *st, const char *const *params,
                       int *rows)
{
    PGresult *res = db_exec(r->db, st, params);
    if (!db_ok(res)) {
        db_rollback(r->db);
        return req_fail_db(r, res);
    }
    if (rows)
        *rows = PQntuples(res);
    PQclear(res);
    return OK;
}

int timeseries_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    int found = 0;
    if (db_begin(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    if (delete_step(r, &SQL_TS_LOCK, params, &found) != OK)
        return ERROR;
    if (!found) {
        db_rollback(r->db);
        return req_not_found(r);
    }
    if (delete_step(r, &SQL_TS_PURGE, params, NULL) != OK ||
        delete_step(r, &SQL_TS_DELETE, params, NULL) != OK)
        return ERROR;
    if (db_commit(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    req_reply_json(r, 204);
    return OK;
}
