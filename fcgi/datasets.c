/* datasets.c — /v2/datasets: named files, optionally attached to a thing;
 * their metadata and their content in one go (multipart uploads of large
 * content are dataset_uploads.c).
 *
 * A dataset is written as the reference's Dataset: {"uuid", "name",
 * "format", "checksum" (sha256 of the content, lower-case hex), "size"
 * (bytes), "thing_uuid" (the belongs_to column; null when unset),
 * "created", "updated" (RFC 3339, UTC), "created_by", "updated_by",
 * "tags"}; the content itself only through /raw. In JSON bodies the
 * content is base64 (Go's []byte), as NewDataset/UpdateDataset declare.
 *
 * The list shows only the datasets the caller may read ('datasets/<uuid>'
 * against its read policies, deny wins), optionally those sharing a tag
 * with ?tags=, by name (uuid last so pages are stable). Creating one grants
 * the creator's personal group create/read/update/delete on
 * 'datasets/<uuid>/%', as things.c does for things.
 *
 * /raw streams the content in DATASET_CHUNK slices read inside one
 * repeatable-read transaction, so a 100 MB dataset never sits in the
 * responder's memory (nor is a later update mixed into a download). */
#include "datasets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "json.h"
#include "log.h"
#include "pgarray.h"
#include "policy.h"
#include "rfc3339.h"
#include "status.h"

#define NIL_UUID "00000000-0000-0000-0000-000000000000"
#define NAME_MIN 3                 /* minLength of NewDataset/UpdateDataset name */
#define DATASET_CHUNK (1024 * 1024) /* bytes per slice of a /raw download */

const struct query_param DATASETS_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { "tags", Q_LIST, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

/* content is nullable (and the reference stores an empty file when it is
 * left out); rawdata is the same field under the second name the OpenAPI
 * file gives NewDataset. */
const struct json_field DATASET_NEW[] = {
    { "name", JK_STRING, 1, 0 },
    { "format", JK_STRING, 1, 0 },
    { "content", JK_STRING, 0, 1 },
    { "rawdata", JK_STRING, 0, 1 },
    { "thing_uuid", JK_UUID, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

/* null keeps name, format, content and tags; it clears thing_uuid. */
const struct json_field DATASET_UPDATE[] = {
    { "name", JK_STRING, 0, 1 },
    { "format", JK_STRING, 0, 1 },
    { "content", JK_STRING, 0, 1 },
    { "thing_uuid", JK_UUID, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { NULL, 0, 0, 0 },
};

/* format -> Content-Type of /raw, as the reference maps them */
static const struct { const char *format, *type; } FORMATS[] = {
    { "csv", "text/csv" },           { "ini", "text/plain; charset=utf-8" },
    { "json", "application/json" },  { "misc", "application/octet-stream" },
    { "toml", "application/toml" },  { "xml", "application/xml" },
    { "yaml", "application/yaml" },
};
#define N_FORMATS (sizeof FORMATS / sizeof *FORMATS)

#define LIST_HEAD                                                 \
    "SELECT " DATASETS_COLUMNS " FROM datasets ds "               \
    "WHERE ('datasets/' || ds.uuid) LIKE ANY ($1::text[]) "       \
    "AND NOT ('datasets/' || ds.uuid) LIKE ANY ($2::text[]) "
#define LIST_TAIL "ORDER BY ds.name, ds.uuid LIMIT $3::bigint OFFSET $4::bigint"

static const struct db_stmt SQL_DS_LIST = { "datasets_list", LIST_HEAD LIST_TAIL, 4 };
static const struct db_stmt SQL_DS_LIST_TAGS = {
    "datasets_list_tags", LIST_HEAD "AND ds.tags && $5::text[] " LIST_TAIL, 5
};

/* $3 the content (binary), $5 the creator. */
static const struct db_stmt SQL_DS_CREATE = {
    "datasets_create",
    "WITH ds AS (INSERT INTO datasets AS ds "
    "  (name, format, content, checksum, size, belongs_to, created_by, updated_by, tags) "
    "  VALUES ($1, $2, $3::bytea, sha256($3::bytea), length($3::bytea), "
    "          NULLIF($4::uuid, '" NIL_UUID "'), $5::uuid, $5::uuid, $6::text[]) "
    "  RETURNING " DATASETS_COLUMNS "), "
    "grp AS (SELECT g.uuid FROM users u "
    "  JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "  JOIN groups g ON g.uuid = ug.group_uuid AND g.name = u.name "
    "  WHERE u.uuid = $5::uuid LIMIT 1), "
    "pol AS (INSERT INTO group_policies (group_uuid, priority, effect, action, resource) "
    "  SELECT grp.uuid, 0, 'allow', a.action::policy_action, 'datasets/' || ds.uuid || '/%' "
    "  FROM grp, ds, (VALUES ('create'), ('read'), ('update'), ('delete')) AS a(action) "
    "  ON CONFLICT DO NOTHING) "
    "SELECT * FROM ds",
    6
};

static const struct db_stmt SQL_DS_GET = {
    "datasets_get", "SELECT " DATASETS_COLUMNS " FROM datasets ds WHERE ds.uuid = $1::uuid", 1
};

static const struct db_stmt SQL_DS_EXISTS = {
    "datasets_exists", "SELECT 1 FROM datasets WHERE uuid = $1::uuid", 1
};

/* NULL keeps a column; $4 says whether thing_uuid is given ($5 may then be
 * NULL: detach). Content is set by a statement of its own, so an update
 * without content leaves the column (and its size trigger) alone. */
#define UPDATE_HEAD                                                            \
    "UPDATE datasets SET name = COALESCE($2, name), format = COALESCE($3, format), " \
    "belongs_to = CASE WHEN $4::boolean THEN NULLIF($5::uuid, '" NIL_UUID "') "      \
    "             ELSE belongs_to END, "                                        \
    "tags = COALESCE($6::text[], tags), updated = now(), updated_by = $7::uuid "
static const struct db_stmt SQL_DS_UPDATE = {
    "datasets_update", UPDATE_HEAD "WHERE uuid = $1::uuid", 7
};
static const struct db_stmt SQL_DS_UPDATE_CONTENT = {
    "datasets_update_content",
    UPDATE_HEAD ", content = $8::bytea, checksum = sha256($8::bytea) WHERE uuid = $1::uuid", 8
};

static const struct db_stmt SQL_DS_DELETE = {
    "datasets_delete", "DELETE FROM datasets WHERE uuid = $1::uuid", 1
};

/* Binary result: format, checksum (hex), length, and the first $2 bytes. */
static const struct db_stmt SQL_DS_RAW_HEAD = {
    "datasets_raw_head",
    "SELECT format, encode(checksum, 'hex'), length(content)::text, "
    "substring(content FROM 1 FOR $2::int) FROM datasets WHERE uuid = $1::uuid",
    2
};
static const struct db_stmt SQL_DS_RAW_SLICE = {
    "datasets_raw_slice",
    "SELECT substring(content FROM $2::int FOR $3::int) FROM datasets WHERE uuid = $1::uuid", 3
};

/* ---- output --------------------------------------------------------------- */

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

static void time_write(buf_t *b, const char *usec)
{
    char out[RFC3339_MAX];
    rfc3339_format(strtoll(usec, NULL, 10), out);
    json_put_str(b, out);
}

/* A user column; a deleted user: the reference writes Go's zero UUID. */
static void user_write(buf_t *b, const PGresult *res, int row, int col)
{
    json_put_str(b, PQgetisnull(res, row, col) ? NIL_UUID : PQgetvalue(res, row, col));
}

static void dataset_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, row, 1));
    buf_puts(b, ",\"format\":");
    json_put_str(b, PQgetvalue(res, row, 2));
    /* bytea arrives as "\x<hex>"; encode(checksum, 'hex') as plain hex */
    const char *sum = PQgetvalue(res, row, 3);
    if (sum[0] == '\\' && sum[1] == 'x')
        sum += 2;
    buf_puts(b, ",\"checksum\":");
    json_put_str(b, sum);
    buf_puts(b, ",\"size\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 4), NULL, 10));
    buf_puts(b, ",\"thing_uuid\":");
    json_put_str(b, PQgetisnull(res, row, 5) ? NULL : PQgetvalue(res, row, 5));
    buf_puts(b, ",\"created\":");
    time_write(b, PQgetvalue(res, row, 6));
    buf_puts(b, ",\"updated\":");
    time_write(b, PQgetvalue(res, row, 7));
    buf_puts(b, ",\"created_by\":");
    user_write(b, res, row, 8);
    buf_puts(b, ",\"updated_by\":");
    user_write(b, res, row, 9);
    buf_puts(b, ",\"tags\":");
    tags_put(b, PQgetvalue(res, row, 10));
    buf_putc(b, '}');
}

void datasets_write_rows(struct req *r, const PGresult *res)
{
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(b, ',');
        dataset_write(b, res, i);
    }
    buf_puts(b, "]\n");
}

static int reply_one(struct req *r, PGresult *res, int status)
{
    dataset_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, status);
    return OK;
}

/* ---- input ---------------------------------------------------------------- */

static const char *content_type_of(const char *format)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(format, FORMATS[i].format) == 0)
            return FORMATS[i].type;
    return "application/octet-stream";
}

/* name and format, where given, beyond their JSON kind. */
static int fields_check(struct req *r)
{
    const char *name = json_str(r->body, "name", NULL);
    if (name && input_min_length(r, "name", name, NAME_MIN) != OK)
        return ERROR;
    const char *format = json_str(r->body, "format", NULL);
    if (!format)
        return OK;
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(format, FORMATS[i].format) == 0)
            return OK;
    return req_fail(r, 400, "Malformed request: field 'format' must be one of: "
                            "csv, ini, json, misc, toml, xml, yaml");
}

/* The base64 text of body[key] decoded into the arena; *data NULL when the
 * key is absent or null. */
static int content_param(struct req *r, const char *key, const char **data, int *len)
{
    const char *text = json_str(r->body, key, NULL);
    *data = NULL;
    *len = 0;
    if (!text)
        return OK;
    size_t n = strlen(text), out = 0;
    uint8_t *bytes = arena_alloc(r->arena, base64_decoded_max(n) + 1);
    if (base64_decode(text, n, bytes, &out) != OK)
        return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: field '%s' must be "
                                                        "base64 (RFC 4648, padded)", key));
    *data = (const char *)bytes;
    *len = (int)out; /* at most server.max_body: fits */
    return OK;
}

/* ---- handlers ------------------------------------------------------------- */

int datasets_list(struct req *r)
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
    PGresult *res = db_exec(r->db, filter ? &SQL_DS_LIST_TAGS : &SQL_DS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    datasets_write_rows(r, res);
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int datasets_create(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    if (json_has(r->body, "content") && json_has(r->body, "rawdata"))
        return req_fail(r, 400, "Malformed request: give either 'content' or 'rawdata'");
    const char *content;
    int len;
    const char *field = json_has(r->body, "rawdata") ? "rawdata" : "content";
    if (content_param(r, field, &content, &len) != OK)
        return ERROR;
    const char *tags = input_body_text_array(r, "tags");
    const char *params[] = {
        json_str(r->body, "name", ""), json_str(r->body, "format", ""), content ? content : "",
        json_str(r->body, "thing_uuid", NULL), r->user_uuid, tags ? tags : "{}",
    };
    const int lengths[] = { 0, 0, len, 0, 0, 0 };
    const int formats[] = { 0, 0, 1, 0, 0, 0 };
    PGresult *res = db_exec_full(r->db, &SQL_DS_CREATE, params, lengths, formats, 0);
    if (!db_ok(res))
        return req_fail_db_ref(r, res, "datasets_belongs_to_fkey", "thing_uuid", "thing");
    return reply_one(r, res, 201);
}

int datasets_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_DS_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    return reply_one(r, res, 200);
}

/* One statement; fields left out keep their value and {} on an existing
 * dataset is a 204 that changes nothing (the reference: 404). Any change
 * records updated/updated_by (the reference never does). */
int datasets_update(struct req *r)
{
    if (fields_check(r) != OK)
        return ERROR;
    const char *content;
    int len;
    if (content_param(r, "content", &content, &len) != OK)
        return ERROR;
    int thing_given = json_object_object_get_ex(r->body, "thing_uuid", NULL);
    const char *params[] = {
        req_param(r, "uuid"), json_str(r->body, "name", NULL), json_str(r->body, "format", NULL),
        thing_given ? "true" : "false", json_str(r->body, "thing_uuid", NULL), input_body_text_array(r, "tags"),
        r->user_uuid, content,
    };
    PGresult *res;
    if (!params[1] && !params[2] && !thing_given && !params[5] && !content) {
        res = db_exec(r->db, &SQL_DS_EXISTS, params);
        if (!db_ok(res))
            return req_fail_db(r, res);
        int found = PQntuples(res) == 1;
        PQclear(res);
        if (!found)
            return req_not_found(r);
        req_reply_json(r, 204);
        return OK;
    }
    const int lengths[] = { 0, 0, 0, 0, 0, 0, 0, len };
    const int formats[] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    res = db_exec_full(r->db, content ? &SQL_DS_UPDATE_CONTENT : &SQL_DS_UPDATE, params, lengths,
                       formats, 0);
    if (!db_ok(res))
        return req_fail_db_ref(r, res, "datasets_belongs_to_fkey", "thing_uuid", "thing");
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

/* Upload parts go with the dataset (ON DELETE CASCADE). */
int datasets_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_DS_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

/* ---- /raw ----------------------------------------------------------------- */

/* If-None-Match: "*", or a comma-separated list of entity tags, each quoted
 * or weak (W/"…") or — as the reference compares the header with the bare
 * checksum — bare. */
static int etag_matches(const char *header, const char *hex)
{
    size_t hexlen = strlen(hex);
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        const char *item = p;
        p += n;
        while (n && (item[n - 1] == ' ' || item[n - 1] == '\t'))
            n--;
        if (n == 1 && item[0] == '*')
            return 1;
        if (n >= 2 && item[0] == 'W' && item[1] == '/')
            item += 2, n -= 2;
        if (n >= 2 && item[0] == '"' && item[n - 1] == '"')
            item++, n -= 2;
        if (n == hexlen && strncasecmp(item, hex, n) == 0)
            return 1;
    }
    return 0;
}

static int client_gone(const struct req *r)
{
    return r->fcgi_out && FCGX_GetError(r->fcgi_out) != 0;
}

/* Sends slices from offset (1-based) to size through the open stream. A
 * failure now can only cut the body short: Content-Length tells the
 * client. */
static void raw_stream_rest(struct req *r, const char *uuid, long long offset, long long size)
{
    char off[24], len[24];
    snprintf(len, sizeof len, "%d", DATASET_CHUNK);
    for (; offset <= size && !client_gone(r); offset += DATASET_CHUNK) {
        snprintf(off, sizeof off, "%lld", offset);
        const char *params[] = { uuid, off, len };
        PGresult *res = db_exec_full(r->db, &SQL_DS_RAW_SLICE, params, NULL, NULL, 1);
        if (!db_ok(res) || PQntuples(res) != 1) {
            char line[400];
            log_error("GET %s: slice at %lld: %s", r->path, offset,
                      db_error_line(r->db, res, line, sizeof line));
            PQclear(res);
            return;
        }
        req_write(r, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
        PQclear(res);
    }
}

int datasets_raw(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    const char *inm = req_env(r, "HTTP_IF_NONE_MATCH");
    int head = strcmp(r->method, "HEAD") == 0;
    PGresult *res = db_exec_sql(r->db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    int begun = db_ok(res);
    PQclear(res);
    if (!begun)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    /* the first slice comes with the metadata unless it may not be needed */
    char first[24];
    snprintf(first, sizeof first, "%d", inm || head ? 0 : DATASET_CHUNK);
    const char *params[] = { uuid, first };
    res = db_exec_full(r->db, &SQL_DS_RAW_HEAD, params, NULL, NULL, 1);
    if (!db_ok(res) || PQntuples(res) == 0) {
        db_rollback(r->db);
        if (!db_ok(res))
            return req_fail_db(r, res);
        PQclear(res);
        return req_not_found(r);
    }
    const char *type = content_type_of(PQgetvalue(res, 0, 0));
    const char *sum = PQgetvalue(res, 0, 1);
    long long size = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
    req_header(r, "ETag: \"%s\"", sum);
    int status = inm && etag_matches(inm, sum) ? 304 : size == 0 ? 204 : 200;
    if (status != 200) {
        PQclear(res);
        db_rollback(r->db);
        req_reply_json(r, status); /* no body, so no Content-Type either */
        return OK;
    }
    req_header(r, "Content-Length: %lld", size);
    req_stream_begin(r, 200, type);
    long long sent = PQgetlength(res, 0, 3);
    if (!head) {
        req_write(r, PQgetvalue(res, 0, 3), (size_t)sent);
        PQclear(res);
        raw_stream_rest(r, uuid, sent + 1, size);
    } else {
        PQclear(res);
    }
    db_rollback(r->db); /* read only: nothing to keep */
    return OK;
}
