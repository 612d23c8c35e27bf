/* dataset_uploads.c — multipart uploads of dataset content, S3-like:
 *
 *   POST   /v2/datasets/{uuid}/uploads                  -> 200 {"uploadId"}
 *   PUT    /v2/datasets/{uuid}/parts?uploadId=&partNumber=   raw bytes,
 *          Content-MD5 required                          -> 200
 *   GET    /v2/datasets/{uuid}/parts?key=                -> 200 [parts]
 *   POST   /v2/datasets/{uuid}/assemble?uploadId=[&partNumber=N]
 *          [Content-MD5 of the whole]                    -> 200 Dataset
 *   DELETE /v2/datasets/{uuid}/uploads?key=              -> 204
 *
 * The reference declares these and answers 501. Its OpenAPI file calls the
 * id uploadId on PUT/assemble and key on GET/DELETE; every call takes
 * either name. Parts may come in any order and a part number sent again
 * replaces the part; each part is at most server.max_body bytes (413).
 * Content-MD5 is 32 hex digits (as the OpenAPI file has it) or RFC 1864's
 * base64. Assembling joins parts 1..N in order (N = partNumber, or the
 * highest part; parts above N are dropped, as S3 drops unlisted ones) into
 * datasets.content, sets checksum, size, updated and updated_by, and
 * deletes the upload, all in one transaction: a failed assemble changes
 * nothing. The joining happens in PostgreSQL (string_agg), so the
 * responder never holds more than one part. Parts live in
 * dataset_upload_parts (migration 000016) until assembled or aborted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets.h"
#include "json.h"
#include "md5.h"
#include "rfc3339.h"
#include "server.h"
#include "status.h"
#include "uuid.h"

#define PART_MAX 10000                  /* highest part number, as S3 */
#define DATASET_MAX_SIZE 1000000000LL   /* the 1 GB the OpenAPI file names (bytea: < 1 GiB) */

#define UPLOAD_PARAMS { "uploadId", Q_STRING, NULL, 0, 0 }, { "key", Q_STRING, NULL, 0, 0 }
#define PART_NUMBER { "partNumber", Q_INT, NULL, 1, PART_MAX }

#define QUERY_END { NULL, 0, NULL, 0, 0 }

const struct query_param DATASET_ASSEMBLE_QUERY[] = { UPLOAD_PARAMS, PART_NUMBER, QUERY_END };
const struct query_param DATASET_PARTS_QUERY[] = { UPLOAD_PARAMS, QUERY_END };
const struct query_param DATASET_PART_PUT_QUERY[] = { UPLOAD_PARAMS, PART_NUMBER, QUERY_END };
const struct query_param DATASET_UPLOAD_ABORT_QUERY[] = { UPLOAD_PARAMS, QUERY_END };

static const struct db_stmt SQL_UPLOAD_START = {
    "dataset_upload_start",
    "INSERT INTO dataset_uploads (dataset_uuid, created_by) "
    "SELECT uuid, $2::uuid FROM datasets WHERE uuid = $1::uuid RETURNING upload_id",
    2
};

static const struct db_stmt SQL_UPLOAD_ABORT = {
    "dataset_upload_abort",
    "DELETE FROM dataset_uploads WHERE upload_id = $1::uuid AND dataset_uuid = $2::uuid", 2
};

/* The bytes the upload holds besides part $3; no row: no such upload. */
static const struct db_stmt SQL_PART_ROOM = {
    "dataset_part_room",
    "SELECT COALESCE((SELECT sum(p.size) FROM dataset_upload_parts p "
    "                 WHERE p.upload_id = u.upload_id AND p.part_number <> $3::int), 0) "
    "FROM dataset_uploads u WHERE u.upload_id = $1::uuid AND u.dataset_uuid = $2::uuid",
    3
};

/* $4 the part (binary), $5 its MD5 in hex. */
static const struct db_stmt SQL_PART_PUT = {
    "dataset_part_put",
    "INSERT INTO dataset_upload_parts (upload_id, part_number, content, size, md5) "
    "SELECT u.upload_id, $3::int, $4::bytea, length($4::bytea), decode($5, 'hex') "
    "FROM dataset_uploads u WHERE u.upload_id = $1::uuid AND u.dataset_uuid = $2::uuid "
    "ON CONFLICT (upload_id, part_number) DO UPDATE SET content = EXCLUDED.content, "
    "size = EXCLUDED.size, md5 = EXCLUDED.md5, created = now() "
    "RETURNING part_number",
    5
};

/* One row per part, or one row of NULLs for an upload without parts. */
static const struct db_stmt SQL_PARTS_LIST = {
    "dataset_parts_list",
    "SELECT p.part_number, p.size, encode(p.md5, 'hex'), "
    "(extract(epoch FROM p.created) * 1000000)::int8 "
    "FROM dataset_uploads u LEFT JOIN dataset_upload_parts p ON p.upload_id = u.upload_id "
    "WHERE u.upload_id = $1::uuid AND u.dataset_uuid = $2::uuid ORDER BY p.part_number",
    2
};

/* Holds the upload against parts arriving (their foreign key check) and a
 * second assemble or abort until this one is done. */
static const struct db_stmt SQL_ASSEMBLE_LOCK = {
    "dataset_assemble_lock",
    "SELECT 1 FROM dataset_uploads WHERE upload_id = $1::uuid AND dataset_uuid = $2::uuid "
    "FOR UPDATE",
    2
};

/* Parts 1..$2 (NULL: up to the highest): how many, their bytes, the first
 * missing number. */
static const struct db_stmt SQL_ASSEMBLE_CHECK = {
    "dataset_assemble_check",
    "WITH p AS (SELECT part_number, size FROM dataset_upload_parts "
    "           WHERE upload_id = $1::uuid AND ($2::int IS NULL OR part_number <= $2::int)), "
    "s AS (SELECT count(*) AS n, COALESCE(sum(size), 0) AS total, "
    "             COALESCE($2::int, max(part_number), 0) AS last FROM p) "
    "SELECT s.n, s.total, (SELECT min(g) FROM generate_series(1, s.last) AS g "
    "                      WHERE NOT EXISTS (SELECT 1 FROM p WHERE p.part_number = g)) FROM s",
    2
};

/* $5: also return md5 of the joined content, for a Content-MD5 check. */
static const struct db_stmt SQL_ASSEMBLE = {
    "dataset_assemble",
    "WITH a AS (SELECT string_agg(content, ''::bytea ORDER BY part_number) AS c "
    "           FROM dataset_upload_parts "
    "           WHERE upload_id = $1::uuid AND ($3::int IS NULL OR part_number <= $3::int)), "
    "m AS (SELECT c, CASE WHEN $5::boolean THEN md5(c) END AS md5 FROM a) "
    "UPDATE datasets d SET content = m.c, checksum = sha256(m.c), updated = now(), "
    "updated_by = $4::uuid FROM m WHERE d.uuid = $2::uuid RETURNING m.md5",
    5
};

static const struct db_stmt SQL_UPLOAD_DONE = {
    "dataset_upload_done", "DELETE FROM dataset_uploads WHERE upload_id = $1::uuid", 1
};

static int no_such_upload(struct req *r)
{
    return req_fail(r, 404, "NoSuchUpload: the upload does not exist (it was assembled, "
                            "aborted or never started)");
}

static int db_lost(struct req *r)
{
    return req_fail(r, 503, "Service unavailable: database connection lost");
}

/* The upload named by ?uploadId= or ?key=. Not a UUID: no such upload
 * (the id is opaque to clients; we only ever hand out UUIDs). */
static int upload_param(struct req *r, const char **id)
{
    const struct query_value *a = req_query(r, "uploadId"), *b = req_query(r, "key");
    if (!a->present && !b->present)
        return req_fail(r, 400, "query parameter 'uploadId' (or 'key') is required");
    if (a->present && b->present && strcmp(a->s, b->s) != 0)
        return req_fail(r, 400, "query parameters 'uploadId' and 'key' name different uploads");
    *id = a->present ? a->s : b->s;
    return uuid_valid(*id) == OK ? OK : no_such_upload(r);
}

/* The Content-MD5 header: OK with *given 0 when absent. */
static int md5_header(struct req *r, uint8_t digest[MD5_LEN], int *given)
{
    const char *h = req_env(r, "HTTP_CONTENT_MD5");
    *given = h != NULL;
    if (h && md5_parse(h, digest) != OK)
        return req_fail(r, 400, "header Content-MD5 must be an MD5 digest: 32 hex digits "
                                "or 24 characters of base64");
    return OK;
}

/* The upload tables come with migration 000016: a database still at an
 * older schema (e.g. the reference's) answers 409 until migrated. */
static int uploads_available(struct req *r)
{
    if (server_schema_at_least(r->db, 16))
        return OK;
    return req_fail(r, 409, "Dataset uploads need a newer schema for this domain "
                            "(run: selfctl db migrate up)");
}

int datasets_upload_start(struct req *r)
{
    if (uploads_available(r) != OK)
        return ERROR;
    const char *params[] = { req_param(r, "uuid"), r->user_uuid };
    PGresult *res = db_exec(r->db, &SQL_UPLOAD_START, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    buf_puts(&r->out, "{\"uploadId\":");
    json_put_str(&r->out, PQgetvalue(res, 0, 0));
    buf_puts(&r->out, "}\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int datasets_upload_abort(struct req *r)
{
    if (uploads_available(r) != OK)
        return ERROR;
    const char *id;
    if (upload_param(r, &id) != OK)
        return ERROR;
    const char *params[] = { id, req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_UPLOAD_ABORT, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return no_such_upload(r);
    req_reply_json(r, 204);
    return OK;
}

/* 404 for no such upload, 413 when the part would take the upload past
 * DATASET_MAX_SIZE; checked before the body is read. */
static int part_room(struct req *r, const char *const *params)
{
    PGresult *res = db_exec(r->db, &SQL_PART_ROOM, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return no_such_upload(r);
    }
    long long have = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    const char *cl = req_env(r, "CONTENT_LENGTH");
    long long len = cl ? strtoll(cl, NULL, 10) : 0;
    if (len > 0 && have + len > DATASET_MAX_SIZE)
        return req_fail(r, 413, "EntityTooLarge: the upload would exceed the 1 GB a dataset "
                                "can hold");
    return OK;
}

int datasets_part_put(struct req *r)
{
    if (uploads_available(r) != OK)
        return ERROR;
    const char *id;
    if (upload_param(r, &id) != OK)
        return ERROR;
    const struct query_value *part = req_query(r, "partNumber");
    if (!part->present)
        return req_fail(r, 400, "query parameter 'partNumber' is required");
    uint8_t want[MD5_LEN], got[MD5_LEN];
    int given;
    if (md5_header(r, want, &given) != OK)
        return ERROR;
    if (!given)
        return req_fail(r, 400, "header Content-MD5 is required");
    char number[16], hex[MD5_HEX_LEN + 1];
    snprintf(number, sizeof number, "%d", (int)part->i);
    const char *params[] = { id, req_param(r, "uuid"), number, NULL, hex };
    if (part_room(r, params) != OK)
        return ERROR;
    char *data;
    size_t len;
    if (input_read_body(r, &data, &len) != OK)
        return ERROR;
    md5(data, len, got);
    if (memcmp(got, want, MD5_LEN) != 0)
        return req_fail(r, 400, "BadDigest: the part does not match its Content-MD5");
    md5_hex(got, hex);
    params[3] = data;
    const int lengths[] = { 0, 0, 0, (int)len, 0 };
    const int formats[] = { 0, 0, 0, 1, 0 };
    PGresult *res = db_exec_full(r->db, &SQL_PART_PUT, params, lengths, formats, 0);
    if (!db_ok(res)) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "23503") == 0) { /* assembled or aborted meanwhile */
            PQclear(res);
            return no_such_upload(r);
        }
        return req_fail_db(r, res);
    }
    int stored = PQntuples(res) == 1;
    PQclear(res);
    if (!stored)
        return no_such_upload(r);
    req_header(r, "ETag: \"%s\"", hex);
    buf_printf(&r->out, "{\"message\":\"OK\",\"partNumber\":%d,\"size\":%zu,\"md5\":\"%s\"}\n",
               (int)part->i, len, hex);
    req_reply_json(r, 200);
    return OK;
}

int datasets_parts_list(struct req *r)
{
    if (uploads_available(r) != OK)
        return ERROR;
    const char *id;
    if (upload_param(r, &id) != OK)
        return ERROR;
    const char *params[] = { id, req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_PARTS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return no_such_upload(r);
    }
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res), first = 1; i < n; i++) {
        if (PQgetisnull(res, i, 0))
            continue; /* the upload has no parts */
        char when[RFC3339_MAX];
        rfc3339_format(strtoll(PQgetvalue(res, i, 3), NULL, 10), when);
        buf_printf(b, "%s{\"partNumber\":%s,\"size\":%s,\"md5\":\"%s\",\"created\":",
                   first ? "" : ",", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                   PQgetvalue(res, i, 2));
        json_put_str(b, when);
        buf_putc(b, '}');
        first = 0;
    }
    buf_puts(b, "]\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

/* Runs one statement of the assemble transaction; on failure rolls back
 * and records the error. */
static PGresult *assemble_step(struct req *r, const struct db_stmt *st, const char *const *params)
{
    PGresult *res = db_exec(r->db, st, params);
    if (db_ok(res))
        return res;
    db_rollback(r->db);
    req_fail_db(r, res);
    return NULL;
}

/* Checks the parts to join (in the transaction, upload locked); on a
 * failure the transaction is rolled back and the error recorded. */
static int assemble_check(struct req *r, const char *id, const char *last)
{
    const char *params[] = { id, last };
    PGresult *res = assemble_step(r, &SQL_ASSEMBLE_CHECK, params);
    if (!res)
        return ERROR;
    long long n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    long long total = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    const char *missing = PQgetisnull(res, 0, 2) ? NULL
                                                 : arena_strdup(r->arena, PQgetvalue(res, 0, 2));
    PQclear(res);
    int rc = OK;
    if (n == 0)
        rc = req_fail(r, 400, "InvalidPart: the upload has no parts to assemble");
    else if (missing)
        rc = req_fail(r, 400, arena_sprintf(r->arena, "InvalidPart: part %s is missing", missing));
    else if (total > DATASET_MAX_SIZE)
        rc = req_fail(r, 413, "EntityTooLarge: the parts exceed the 1 GB a dataset can hold");
    if (rc != OK)
        db_rollback(r->db);
    return rc;
}

int datasets_assemble(struct req *r)
{
    if (uploads_available(r) != OK)
        return ERROR;
    const char *id;
    if (upload_param(r, &id) != OK)
        return ERROR;
    uint8_t want[MD5_LEN];
    int check_md5;
    if (md5_header(r, want, &check_md5) != OK)
        return ERROR;
    const struct query_value *part = req_query(r, "partNumber");
    const char *last = part->present ? arena_sprintf(r->arena, "%d", (int)part->i) : NULL;
    const char *uuid = req_param(r, "uuid");

    if (db_begin(r->db) != OK)
        return db_lost(r);
    const char *lock[] = { id, uuid };
    PGresult *res = assemble_step(r, &SQL_ASSEMBLE_LOCK, lock);
    if (!res)
        return ERROR;
    int found = PQntuples(res) == 1;
    PQclear(res);
    if (!found) {
        db_rollback(r->db);
        return no_such_upload(r);
    }
    if (assemble_check(r, id, last) != OK)
        return ERROR;
    const char *params[] = { id, uuid, last, r->user_uuid, check_md5 ? "true" : "false" };
    if (!(res = assemble_step(r, &SQL_ASSEMBLE, params)))
        return ERROR;
    int updated = PQntuples(res) == 1;
    char hex[MD5_HEX_LEN + 1];
    md5_hex(want, hex);
    int digest_ok = !check_md5 || (updated && strcmp(PQgetvalue(res, 0, 0), hex) == 0);
    PQclear(res);
    if (!updated || !digest_ok) {
        db_rollback(r->db);
        return updated ? req_fail(r, 400, "BadDigest: the assembled content does not match "
                                          "Content-MD5")
                       : req_not_found(r);
    }
    const char *done[] = { id };
    if (!(res = assemble_step(r, &SQL_UPLOAD_DONE, done)))
        return ERROR;
    PQclear(res);
    if (db_commit(r->db) != OK)
        return db_lost(r);
    return datasets_get(r); /* the dataset with its new checksum and size */
}
