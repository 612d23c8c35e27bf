/* programs.c — /v2/programs and /v2/programs/{uuid}: the programs
 * themselves. Their code, revisions, signatures and diffs are
 * program_code.c; webhooks program_webhook.c; runs program_runs.c.
 *
 * A program is written as the reference's rest.Program, fields in Go's
 * order: deadline, language, name, schedule, state, tags, type, uuid.
 *
 * The list shows only the programs the caller may read ('programs/<uuid>'
 * against its read policies, deny wins), optionally those sharing a tag
 * with ?tags= (array overlap, as the reference's &&), by name (uuid breaks
 * ties so pages are stable). Creating a program gives the creator's
 * personal group create/read/update/delete on 'programs/<uuid>/%', as the
 * reference means to (its query only finds root's group).
 *
 * Checked beyond the reference (which stores whatever it is given): type
 * module | routine | webhook, state active | inactive | failed (the
 * OpenAPI enums), language tengo, a name of at least one character, a
 * deadline of 0..2^31-1 ms (the reference wraps it into an int32), and a
 * schedule the reference's cron library accepts (cron.h; we refuse a few
 * it accepts by accident). tags left out is [] (the reference: 500). */
#include "programs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"
#include "pgarray.h"
#include "policy.h"
#include "status.h"

const struct query_param PROGRAMS_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { "tags", Q_LIST, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

/* tags may be null or left out: [] (Go's nil pointer). */
const struct json_field PROGRAM_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { "type", JK_STRING, 1, 0 },
    { "state", JK_STRING, 1, 0 },
    { "schedule", JK_STRING, 1, 0 },
    { "deadline", JK_INT, 1, 0 },
    { "language", JK_STRING, 1, 0 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

/* Every field optional; null leaves it as it is. */
const struct json_field PROGRAM_UPDATE[] = {
    { "name", JK_STRING, 0, 1 },
    { "type", JK_STRING, 0, 1 },
    { "state", JK_STRING, 0, 1 },
    { "schedule", JK_STRING, 0, 1 },
    { "deadline", JK_INT, 0, 1 },
    { "language", JK_STRING, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

#define PROGRAM_COLUMNS "p.uuid, p.name, p.type, p.state, p.schedule, p.deadline, p.language, p.tags"

#define LIST_HEAD                                               \
    "SELECT " PROGRAM_COLUMNS " FROM programs p "               \
    "WHERE ('programs/' || p.uuid) LIKE ANY ($1::text[]) "      \
    "AND NOT ('programs/' || p.uuid) LIKE ANY ($2::text[]) "
#define LIST_TAIL "ORDER BY p.name, p.uuid LIMIT $3::bigint OFFSET $4::bigint"

static const struct db_stmt SQL_PROGRAMS_LIST = {
    "programs_list", LIST_HEAD LIST_TAIL, 4
};

/* Its own statement so the GIN index on tags serves every plan. */
static const struct db_stmt SQL_PROGRAMS_LIST_TAGS = {
    "programs_list_tags", LIST_HEAD "AND p.tags && $5::text[] " LIST_TAIL, 5
};

static const struct db_stmt SQL_PROGRAM_CREATE = {
    "programs_create",
    "WITH p AS (INSERT INTO programs (name, type, state, schedule, deadline, language, tags) "
    "  VALUES ($1, $2, $3, $4, $5::integer, $6, $7::text[]) RETURNING *), "
    "grp AS (SELECT g.uuid FROM users u "
    "  JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "  JOIN groups g ON g.uuid = ug.group_uuid AND g.name = u.name "
    "  WHERE u.uuid = $8::uuid LIMIT 1), "
    "pol AS (INSERT INTO group_policies (group_uuid, priority, effect, action, resource) "
    "  SELECT grp.uuid, 0, 'allow', a.action::policy_action, 'programs/' || p.uuid || '/%' "
    "  FROM grp, p, (VALUES ('create'), ('read'), ('update'), ('delete')) AS a(action) "
    "  ON CONFLICT DO NOTHING) "
    "SELECT " PROGRAM_COLUMNS " FROM p",
    8
};

static const struct db_stmt SQL_PROGRAM_GET = {
    "programs_get", "SELECT " PROGRAM_COLUMNS " FROM programs p WHERE p.uuid = $1::uuid", 1
};

/* NULL keeps the column (Go's nil pointers). */
static const struct db_stmt SQL_PROGRAM_UPDATE = {
    "programs_update",
    "UPDATE programs SET "
    "name = COALESCE($2, name), "
    "type = COALESCE($3, type), "
    "state = COALESCE($4, state), "
    "schedule = COALESCE($5, schedule), "
    "deadline = COALESCE($6::integer, deadline), "
    "language = COALESCE($7, language), "
    "tags = COALESCE($8::text[], tags) "
    "WHERE uuid = $1::uuid",
    8
};

static const struct db_stmt SQL_PROGRAM_DELETE = {
    "programs_delete", "DELETE FROM programs WHERE uuid = $1::uuid", 1
};

static const char *const TYPES[] = { "module", "routine", "webhook", NULL };
static const char *const STATES[] = { "active", "inactive", "failed", NULL };
static const char *const LANGUAGES[] = { "tengo", NULL };

/* ---- output --------------------------------------------------------------- */

static void program_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"deadline\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 5), NULL, 10));
    buf_puts(b, ",\"language\":");
    json_put_str(b, PQgetvalue(res, row, 6));
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, row, 1));
    buf_puts(b, ",\"schedule\":");
    json_put_str(b, PQgetvalue(res, row, 4));
    buf_puts(b, ",\"state\":");
    json_put_str(b, PQgetvalue(res, row, 3));
    buf_puts(b, ",\"tags\":");
    size_t mark = b->len;
    if (pgarray_write_json(b, PQgetvalue(res, row, 7)) != OK) {
        b->len = mark; /* not a text[]: cannot come from our schema */
        buf_puts(b, "[]");
    }
    buf_puts(b, ",\"type\":");
    json_put_str(b, PQgetvalue(res, row, 2));
    buf_puts(b, ",\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_putc(b, '}');
}

/* ---- input ---------------------------------------------------------------- */

static int one_of(struct req *r, const char *field, const char *value, const char *const *allowed)
{
    for (const char *const *a = allowed; *a; a++)
        if (strcmp(value, *a) == 0)
            return OK;
    buf_t list = BUF_INIT;
    for (const char *const *a = allowed; *a; a++)
        buf_printf(&list, "%s%s", a == allowed ? "" : ", ", *a);
    int rc = req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: field '%s' must be one "
                                                      "of: %s", field, buf_cstr(&list)));
    buf_free(&list);
    return rc;
}

/* Checks the fields present in the (type-checked) body beyond their kind. */
static int fields_check(struct req *r)
{
    json_object *b = r->body;
    const char *s;
    if ((s = json_str(b, "name", NULL)) && input_min_length(r, "name", s, 1) != OK)
        return ERROR;
    if ((s = json_str(b, "type", NULL)) && one_of(r, "type", s, TYPES) != OK)
        return ERROR;
    if ((s = json_str(b, "state", NULL)) && one_of(r, "state", s, STATES) != OK)
        return ERROR;
    if ((s = json_str(b, "language", NULL)) && one_of(r, "language", s, LANGUAGES) != OK)
        return ERROR;
    if ((s = json_str(b, "schedule", NULL))) {
        struct cron_spec spec;
        char why[CRON_ERR_MAX];
        if (cron_parse(s, &spec, why, sizeof why) != OK)
            return req_fail(r, 400, arena_sprintf(r->arena, "unable to parse schedule: %s", why));
    }
    if (json_has(b, "deadline")) {
        int64_t d = json_int(b, "deadline", 0);
        if (d < 0 || d > INT32_MAX)
            return req_fail(r, 400, "Malformed request: field 'deadline' must be from 0 to "
                                    "2147483647 (milliseconds)");
    }
    return OK;
}

static const char *deadline_param(struct req *r)
{
    if (!json_has(r->body, "deadline"))
        return NULL;
    return arena_sprintf(r->arena, "%lld", (long long)json_int(r->body, "deadline", 0));
}

/* ---- handlers ------------------------------------------------------------- */

int programs_list(struct req *r)
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
    PGresult *res = db_exec(r->db, filter ? &SQL_PROGRAMS_LIST_TAGS : &SQL_PROGRAMS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    buf_putc(&r->out, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(&r->out, ',');
        program_write(&r->out, res, i);
    }
    buf_puts(&r->out, "]\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int programs_create(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    json_object *b = r->body;
    const char *tags = input_body_text_array(r, "tags");
    const char *params[] = {
        json_str(b, "name", ""), json_str(b, "type", ""), json_str(b, "state", ""),
        json_str(b, "schedule", ""), deadline_param(r), json_str(b, "language", ""),
        tags ? tags : "{}", r->user_uuid,
    };
    PGresult *res = db_exec(r->db, &SQL_PROGRAM_CREATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    program_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 201);
    return OK;
}

int programs_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_PROGRAM_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    program_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

/* One statement; fields left out (or null) keep their value; an empty
 * body is a 204 for an existing program (the reference: 404). */
int programs_update(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    json_object *b = r->body;
    const char *params[] = {
        req_param(r, "uuid"),         json_str(b, "name", NULL),     json_str(b, "type", NULL),
        json_str(b, "state", NULL),   json_str(b, "schedule", NULL), deadline_param(r),
        json_str(b, "language", NULL), input_body_text_array(r, "tags"),
    };
    PGresult *res = db_exec(r->db, &SQL_PROGRAM_UPDATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

/* Its code revisions go with it (ON DELETE CASCADE). */
int programs_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_PROGRAM_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}
