/* program_code.c — a program's code: revisions, signatures and diffs
 * (/v2/programs/{uuid}/code, /revisions, /revisions/{revision_id}[/sign],
 * /diff).
 *
 * Code is stored as the reference stores it: program_code_revisions.code
 * (bytea, the bytes as uploaded) with checksum = sha256(code), revisions
 * numbered per program from 0 (the highest number + 1, so deleting the
 * newest revision frees its number again, as in the reference). A
 * revision is written as the reference's rest.CodeRevision, in Go's field
 * order: checksum (hex), created, created_by, revision, signed (null until
 * signed), signed_by (null until signed); a user deleted since shows as the
 * nil UUID in created_by, as the reference writes it.
 *
 * Upload (POST …/code): the body is the code, Content-Type text/plain
 * (charset utf-8 when given; anything else 415), at most 1 MiB (413, the
 * reference's limit), valid UTF-8 (400). Revisions of one program are
 * numbered under a lock on its row, so concurrent uploads get consecutive
 * numbers (the reference lets them collide: 400 duplicate key).
 *
 * GET …/code is the newest *signed* revision (what runs), as the
 * reference; ?revision=N reads any revision, signed or not (what a
 * reviewer reads before signing), -1 the newest. GET …/diff?rev_a=&rev_b=
 * (-1: the newest) is a unified diff (diff.h) labelled <uuid>@<revision>.
 *
 * Signing sets signed = now(), signed_by = the caller; signing a signed
 * revision again changes nothing (the first signature stands; the
 * reference overwrites it) and is still 204. */
#include "programs.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff.h"
#include "rfc3339.h"
#include "status.h"
#include "utf8.h"

#define PROGRAM_CODE_MAX (1024 * 1024) /* bytes, as the reference */
#define NIL_UUID "00000000-0000-0000-0000-000000000000"
#define TEXT_UTF8 "text/plain; charset=utf-8"

const struct query_param PROGRAM_CODE_QUERY[] = {
    { "revision", Q_INT, NULL, -1, INT32_MAX },
    { NULL, 0, NULL, 0, 0 },
};

const struct query_param PROGRAM_DIFF_QUERY[] = {
    { "rev_a", Q_INT, NULL, -1, INT32_MAX },
    { "rev_b", Q_INT, NULL, -1, INT32_MAX },
    { NULL, 0, NULL, 0, 0 },
};

#define REVISION_COLUMNS                                                           \
    "encode(COALESCE(checksum, sha256(COALESCE(code, ''::bytea))), 'hex'), "       \
    "(extract(epoch FROM created) * 1000000)::int8, created_by, revision, "        \
    "(extract(epoch FROM signed) * 1000000)::int8, signed_by"

static const struct db_stmt SQL_PROGRAM_LOCK = {
    "program_code_lock", "SELECT 1 FROM programs WHERE uuid = $1::uuid FOR NO KEY UPDATE", 1
};

static const struct db_stmt SQL_PROGRAM_EXISTS = {
    "program_code_program_exists", "SELECT 1 FROM programs WHERE uuid = $1::uuid", 1
};

/* $3 is the code, sent binary. */
static const struct db_stmt SQL_REVISION_CREATE = {
    "program_code_create",
    "INSERT INTO program_code_revisions (program_uuid, revision, created_by, code, checksum) "
    "SELECT $1::uuid, COALESCE(max(revision) + 1, 0), $2::uuid, $3::bytea, sha256($3::bytea) "
    "FROM program_code_revisions WHERE program_uuid = $1::uuid "
    "RETURNING " REVISION_COLUMNS,
    3
};

static const struct db_stmt SQL_REVISIONS = {
    "program_code_revisions",
    "SELECT " REVISION_COLUMNS " FROM program_code_revisions "
    "WHERE program_uuid = $1::uuid ORDER BY revision",
    1
};

/* Code reads answer in binary: code raw, revision a big-endian int4. */
static const struct db_stmt SQL_CODE_SIGNED_HEAD = {
    "program_code_signed_head",
    "SELECT code, revision FROM program_code_revisions "
    "WHERE program_uuid = $1::uuid AND signed IS NOT NULL ORDER BY revision DESC LIMIT 1",
    1
};

static const struct db_stmt SQL_CODE_HEAD = {
    "program_code_head",
    "SELECT code, revision FROM program_code_revisions "
    "WHERE program_uuid = $1::uuid ORDER BY revision DESC LIMIT 1",
    1
};

static const struct db_stmt SQL_CODE_AT = {
    "program_code_at",
    "SELECT code, revision FROM program_code_revisions "
    "WHERE program_uuid = $1::uuid AND revision = $2::integer",
    2
};

/* The first signature stands: a second one matches the row but changes
 * nothing (and so notifies nobody). */
static const struct db_stmt SQL_REVISION_SIGN = {
    "program_code_sign",
    "UPDATE program_code_revisions SET "
    "signed_by = CASE WHEN signed IS NULL THEN $3::uuid ELSE signed_by END, "
    "signed = COALESCE(signed, now()) "
    "WHERE program_uuid = $1::uuid AND revision = $2::integer",
    3
};

static const struct db_stmt SQL_REVISION_DELETE = {
    "program_code_delete",
    "DELETE FROM program_code_revisions WHERE program_uuid = $1::uuid AND revision = $2::integer",
    2
};

static int lost_connection(struct req *r)
{
    return req_fail(r, 503, "Service unavailable: database connection lost");
}

static int program_exists(struct req *r, const char *uuid, int *found)
{
    const char *params[] = { uuid };
    PGresult *res = db_exec(r->db, &SQL_PROGRAM_EXISTS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    *found = PQntuples(res) == 1;
    PQclear(res);
    return OK;
}

/* 404 either way: the generic message for an unknown program, else the
 * one given (which revision is missing). */
static int missing(struct req *r, const char *uuid, const char *message)
{
    int found;
    if (program_exists(r, uuid, &found) != OK)
        return ERROR;
    return found ? req_fail(r, 404, message) : req_not_found(r);
}

/* ---- output --------------------------------------------------------------- */

static void time_or_null(buf_t *b, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col)) {
        buf_puts(b, "null");
        return;
    }
    char out[RFC3339_MAX];
    rfc3339_format(strtoll(PQgetvalue(res, row, col), NULL, 10), out);
    json_put_str(b, out);
}

static void revision_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"checksum\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_puts(b, ",\"created\":");
    time_or_null(b, res, row, 1);
    buf_puts(b, ",\"created_by\":");
    json_put_str(b, PQgetisnull(res, row, 2) ? NIL_UUID : PQgetvalue(res, row, 2));
    buf_puts(b, ",\"revision\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 3), NULL, 10));
    buf_puts(b, ",\"signed\":");
    time_or_null(b, res, row, 4);
    buf_puts(b, ",\"signed_by\":");
    json_put_str(b, PQgetisnull(res, row, 5) ? NULL : PQgetvalue(res, row, 5));
    buf_putc(b, '}');
}

static void reply_text(struct req *r)
{
    r->status = 200;
    r->content_type = TEXT_UTF8;
    r->err_message = NULL;
}

/* ---- input ---------------------------------------------------------------- */

/* text/plain, with charset=utf-8 (any case, quoted or not) if a charset is
 * named; other parameters are ignored. */
static int content_type_ok(const char *ct)
{
    if (!ct)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, ";");
    size_t m = n;
    while (m > 0 && (ct[m - 1] == ' ' || ct[m - 1] == '\t'))
        m--;
    if (m != 10 || strncasecmp(ct, "text/plain", 10) != 0)
        return 0;
    for (const char *p = ct + n; *p == ';';) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, ";");
        if (len >= 8 && strncasecmp(p, "charset=", 8) == 0) {
            const char *v = p + 8;
            size_t vlen = len - 8;
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            if (vlen != 5 || strncasecmp(v, "utf-8", 5) != 0)
                return 0;
        }
        p += len;
    }
    return 1;
}

/* The revision number of a row of SQL_CODE_* (binary int4). */
static int32_t row_revision(const PGresult *res)
{
    uint32_t v;
    memcpy(&v, PQgetvalue(res, 0, 1), sizeof v);
    return (int32_t)ntohl(v);
}

/* Runs one of SQL_CODE_* for revision rev (-1: the newest, -2: the newest
 * signed). *out is the result with one row, or NULL when there is none
 * (404 recorded). */
static int code_fetch(struct req *r, const char *uuid, int64_t rev, PGresult **out)
{
    const char *rev_text = arena_sprintf(r->arena, "%lld", (long long)rev);
    const char *params[] = { uuid, rev_text };
    const struct db_stmt *st = rev == -2 ? &SQL_CODE_SIGNED_HEAD : rev == -1 ? &SQL_CODE_HEAD
                                                                              : &SQL_CODE_AT;
    PGresult *res = db_exec_full(r->db, st, params, NULL, NULL, 1);
    *out = NULL;
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 1) {
        *out = res;
        return OK;
    }
    PQclear(res);
    return missing(r, uuid, rev == -2   ? "The program has no signed revision"
                            : rev == -1 ? "The program has no code"
                                        : arena_sprintf(r->arena, "The program has no revision %lld",
                                                        (long long)rev));
}

/* The path's uuid in lower case, as the reference writes it in diffs. */
static const char *uuid_lower(struct req *r)
{
    char *u = arena_strdup(r->arena, req_param(r, "uuid"));
    for (char *p = u; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return u;
}

/* ---- handlers ------------------------------------------------------------- */

int programs_code_create(struct req *r)
{
    if (!content_type_ok(req_env(r, "CONTENT_TYPE")))
        return req_fail(r, 415, "Content-Type must be " TEXT_UTF8);
    const char *cl = req_env(r, "CONTENT_LENGTH");
    if (cl && strtoull(cl, NULL, 10) > PROGRAM_CODE_MAX)
        return req_fail(r, 413, "Request Entity Too Large: code is limited to 1 MiB");
    char *code;
    size_t len;
    if (input_read_body(r, &code, &len) != OK)
        return ERROR;
    if (!utf8_valid(code, len))
        return req_fail(r, 400, "Malformed request: the code is not valid UTF-8");

    const char *uuid = req_param(r, "uuid");
    const char *params[] = { uuid, r->user_uuid, code };
    const int lengths[] = { 0, 0, (int)len };
    const int formats[] = { 0, 0, 1 };
    if (db_begin(r->db) != OK)
        return lost_connection(r);
    PGresult *res = db_exec(r->db, &SQL_PROGRAM_LOCK, params);
    if (!db_ok(res)) {
        db_rollback(r->db);
        return req_fail_db(r, res);
    }
    int found = PQntuples(res) == 1;
    PQclear(res);
    if (!found) {
        db_rollback(r->db);
        return req_not_found(r);
    }
    res = db_exec_full(r->db, &SQL_REVISION_CREATE, params, lengths, formats, 0);
    if (!db_ok(res)) {
        db_rollback(r->db);
        return req_fail_db(r, res);
    }
    if (db_commit(r->db) != OK) {
        PQclear(res);
        return lost_connection(r);
    }
    revision_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 201);
    return OK;
}

int programs_code_get(struct req *r)
{
    const struct query_value *rev = req_query(r, "revision");
    PGresult *res;
    if (code_fetch(r, req_param(r, "uuid"), rev->present ? rev->i : -2, &res) != OK)
        return ERROR;
    buf_append(&r->out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
    reply_text(r);
    return OK;
}

int programs_diff(struct req *r)
{
    const struct query_value *a = req_query(r, "rev_a"), *b = req_query(r, "rev_b");
    if (!a->present || !b->present)
        return req_fail(r, 400, arena_sprintf(r->arena, "query parameter '%s' is required",
                                              a->present ? "rev_b" : "rev_a"));
    const char *uuid = req_param(r, "uuid");
    PGresult *ra, *rb;
    if (code_fetch(r, uuid, a->i, &ra) != OK)
        return ERROR;
    if (code_fetch(r, uuid, b->i, &rb) != OK) {
        PQclear(ra);
        return ERROR;
    }
    const char *u = uuid_lower(r);
    const char *la = arena_sprintf(r->arena, "%s@%d", u, (int)row_revision(ra));
    const char *lb = arena_sprintf(r->arena, "%s@%d", u, (int)row_revision(rb));
    int rc = diff_unified(PQgetvalue(ra, 0, 0), (size_t)PQgetlength(ra, 0, 0),
                          PQgetvalue(rb, 0, 0), (size_t)PQgetlength(rb, 0, 0), la, lb, &r->out);
    PQclear(ra);
    PQclear(rb);
    if (rc != OK)
        return req_fail(r, 422, "The revisions are too large to compare");
    reply_text(r);
    return OK;
}

/* All revisions, oldest first; 404 for no such program (the reference
 * answers []). */
int programs_revisions(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_REVISIONS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int n = PQntuples(res), found = 1;
    if (n == 0 && program_exists(r, params[0], &found) != OK) {
        PQclear(res);
        return ERROR;
    }
    if (!found) {
        PQclear(res);
        return req_not_found(r);
    }
    buf_putc(&r->out, '[');
    for (int i = 0; i < n; i++) {
        if (i)
            buf_putc(&r->out, ',');
        revision_write(&r->out, res, i);
    }
    buf_puts(&r->out, "]\n");
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

int programs_revision_sign(struct req *r)
{
    const char *params[] = { req_param(r, "uuid"), req_param(r, "revision_id"), r->user_uuid };
    PGresult *res = db_exec(r->db, &SQL_REVISION_SIGN, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

int programs_revision_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid"), req_param(r, "revision_id") };
    PGresult *res = db_exec(r->db, &SQL_REVISION_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}
