/* alerts.c — /v2/alerts: messages that external clients store and query
 * (docs/alerts.md of the reference; the schema is sql/000005).
 *
 * An alert is written as the reference's rest.Alert, keys in its order:
 * created, description, duplicate, environment, event, last_receive_time
 * (null until a duplicate arrives), origin, previous_severity, rawdata
 * (the bytea as standard base64, as Go writes []byte), resource, service,
 * severity, status, tags, timeout, uuid, value. Reads go through the view
 * v_alerts, so an open or acknowledged alert past its timeout reads as
 * 'expire'.
 *
 * Creating an alert merges it into a live alert (open, acknowledge or
 * shelve, not past its timeout) with the same resource, environment, event
 * and origin, as the schema's alert_merge() does: duplicate + 1, the old
 * severity becomes previous_severity, severity, service, value,
 * description, tags, timeout and rawdata are replaced, last_receive_time is
 * set; otherwise it inserts. The merge is our own statement rather than a
 * call of alert_merge(): that function fails ("query returned more than
 * one row", a 500 in the reference) for good as soon as two live alerts
 * share a key — two creates racing, or an update that renames one alert
 * into another's key. Here creates of one key are serialised (advisory
 * lock on the key) and a merge picks the most recently received of
 * several live alerts.
 *
 * The list filters (empty values mean no filter, as the reference's
 * NULLIF): resource, environment, event, origin, status (the effective
 * one) by equality; severity, severity_le (no more severe than: security
 * is the most severe, indeterminate the least — the enum order), and
 * severity_ge (at least as severe), all applied together (the reference
 * applies only the first of severity, severity_le, severity_ge); service
 * and tags by overlap (any in common). Ordered by resource, environment,
 * event (uuid breaks ties so pages are stable). Like the reference the
 * list shows every alert to a caller allowed 'read:alerts'; beyond it, an
 * alert the caller is denied ('alerts/<uuid>' matches a read-deny policy)
 * is left out. */
#include "alerts.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "pgarray.h"
#include "policy.h"
#include "rfc3339.h"
#include "status.h"

#define ALERT_TIMEOUT_DEFAULT "3600"

const struct query_param ALERTS_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { "resource", Q_STRING, NULL, 0, 0 },
    { "environment", Q_STRING, NULL, 0, 0 },
    { "event", Q_STRING, NULL, 0, 0 },
    { "origin", Q_STRING, NULL, 0, 0 },
    { "status", Q_STRING, NULL, 0, 0 },
    { "severity", Q_STRING, NULL, 0, 0 },
    { "severity_le", Q_STRING, NULL, 0, 0 },
    { "severity_ge", Q_STRING, NULL, 0, 0 },
    { "service", Q_LIST, NULL, 0, 0 },
    { "tags", Q_LIST, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

/* NewAlert: the schema's required fields must be there and not null; null
 * in the optional ones means "not given" (Go's pointers), i.e. default. */
const struct json_field ALERT_NEW[] = {
    { "resource", JK_STRING, 1, 0 },
    { "environment", JK_STRING, 1, 0 },
    { "event", JK_STRING, 1, 0 },
    { "severity", JK_STRING, 1, 0 },
    { "status", JK_STRING, 0, 1 },
    { "value", JK_STRING, 1, 0 },
    { "description", JK_STRING, 1, 0 },
    { "origin", JK_STRING, 1, 0 },
    { "service", JK_STRING_ARRAY, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { "timeout", JK_INT, 0, 1 },
    { "rawdata", JK_STRING, 0, 1 },
    { NULL, 0, 0, 0 },
};

/* UpdateAlert: every field optional; left out or null keeps the value. */
const struct json_field ALERT_UPDATE[] = {
    { "resource", JK_STRING, 0, 1 },
    { "environment", JK_STRING, 0, 1 },
    { "event", JK_STRING, 0, 1 },
    { "severity", JK_STRING, 0, 1 },
    { "status", JK_STRING, 0, 1 },
    { "value", JK_STRING, 0, 1 },
    { "description", JK_STRING, 0, 1 },
    { "origin", JK_STRING, 0, 1 },
    { "service", JK_STRING_ARRAY, 0, 1 },
    { "tags", JK_STRING_ARRAY, 0, 1 },
    { "timeout", JK_INT, 0, 1 },
    { "rawdata", JK_STRING, 0, 1 },
    { NULL, 0, 0, 0 },
};

/* The schema's enums, in their declared order (the order severities
 * compare in). */
static const char *const SEVERITIES[] = {
    "security", "critical", "major", "minor", "warning",
    "informational", "debug", "trace", "indeterminate", NULL,
};
#define SEVERITY_LIST "security, critical, major, minor, warning, informational, debug, " \
                      "trace, indeterminate"
static const char *const STATUSES[] = {
    "open", "close", "expire", "shelve", "acknowledge", "unknown", NULL,
};
#define STATUS_LIST "open, close, expire, shelve, acknowledge, unknown"

/* Columns of every read, in the order alert_write takes them. */
#define ALERT_COLUMNS                                                              \
    "a.uuid, a.resource, a.environment, a.event, a.severity, a.previous_severity, " \
    "a.status, a.description, a.value, a.origin, "                                 \
    "(extract(epoch FROM a.created) * 1000000)::int8, "                            \
    "(extract(epoch FROM a.last_receive_time) * 1000000)::int8, "                  \
    "a.timeout, a.duplicate, a.service, a.tags, "                                  \
    "translate(encode(a.rawdata, 'base64'), chr(10), '')"
enum {
    COL_UUID, COL_RESOURCE, COL_ENVIRONMENT, COL_EVENT, COL_SEVERITY, COL_PREV_SEVERITY,
    COL_STATUS, COL_DESCRIPTION, COL_VALUE, COL_ORIGIN, COL_CREATED, COL_LAST_RECEIVE,
    COL_TIMEOUT, COL_DUPLICATE, COL_SERVICE, COL_TAGS, COL_RAWDATA
};

/* NULL parameters are filters not given. severity_le: no more severe than
 * (later or equal in the enum), severity_ge: at least as severe. */
static const struct db_stmt SQL_ALERTS_LIST = {
    "alerts_list",
    "SELECT " ALERT_COLUMNS " FROM v_alerts a "
    "WHERE ($1::text IS NULL OR a.resource = $1::text) "
    "AND ($2::text IS NULL OR a.environment = $2::text) "
    "AND ($3::text IS NULL OR a.event = $3::text) "
    "AND ($4::text IS NULL OR a.origin = $4::text) "
    "AND ($5::alert_status IS NULL OR a.status = $5::alert_status) "
    "AND ($6::alert_severity IS NULL OR a.severity = $6::alert_severity) "
    "AND ($7::alert_severity IS NULL OR a.severity >= $7::alert_severity) "
    "AND ($8::alert_severity IS NULL OR a.severity <= $8::alert_severity) "
    "AND ($9::text[] IS NULL OR a.service && $9::text[]) "
    "AND ($10::text[] IS NULL OR a.tags && $10::text[]) "
    "AND NOT ('alerts/' || a.uuid) LIKE ANY ($11::text[]) "
    "ORDER BY a.resource, a.environment, a.event, a.uuid "
    "LIMIT $12::bigint OFFSET $13::bigint",
    13
};

static const struct db_stmt SQL_ALERT_GET = {
    "alerts_get",
    "SELECT " ALERT_COLUMNS " FROM v_alerts a WHERE a.uuid = $1::uuid",
    1
};

/* Creates of one key wait for each other, so two of them cannot both
 * insert; the class key 0x616c7274 ("alrt") keeps these locks apart from
 * any other advisory lock. A hash collision only serialises two keys. */
static const struct db_stmt SQL_ALERT_LOCK = {
    "alerts_lock",
    "SELECT pg_advisory_xact_lock(1634497140, "
    "  hashtext($1::text || chr(31) || $2::text || chr(31) || $3::text || chr(31) || $4::text))",
    4
};

/* alert_merge() as one statement. statement_timestamp(), not now(): the
 * transaction may have waited for the lock. $12 is validated base64. */
static const struct db_stmt SQL_ALERT_MERGE = {
    "alerts_merge",
    "WITH live AS ("
    "  SELECT a.uuid FROM alerts a "
    "  WHERE a.status IN ('open', 'acknowledge', 'shelve') "
    "  AND COALESCE(a.last_receive_time, a.created) + make_interval(secs => a.timeout) "
    "      >= statement_timestamp() "
    "  AND a.resource = $1::text AND a.environment = $2::text "
    "  AND a.event = $3::text AND a.origin = $4::text "
    "  ORDER BY COALESCE(a.last_receive_time, a.created) DESC, a.uuid "
    "  LIMIT 1 FOR UPDATE), "
    "upd AS ("
    "  UPDATE alerts a SET duplicate = a.duplicate + 1, "
    "    last_receive_time = statement_timestamp(), "
    "    previous_severity = a.severity, severity = $5::alert_severity, "
    "    service = $7::text[], description = $9::text, value = $8::text, "
    "    timeout = $11::int4, tags = $10::text[], rawdata = decode($12::text, 'base64') "
    "  FROM live WHERE a.uuid = live.uuid RETURNING a.uuid), "
    "ins AS ("
    "  INSERT INTO alerts (resource, environment, event, severity, status, value, "
    "    description, origin, service, tags, timeout, rawdata, created) "
    "  SELECT $1::text, $2::text, $3::text, $5::alert_severity, $6::alert_status, $8::text, "
    "    $9::text, $4::text, $7::text[], $10::text[], $11::int4, decode($12::text, 'base64'), "
    "    statement_timestamp() "
    "  WHERE NOT EXISTS (SELECT 1 FROM live) RETURNING uuid) "
    "SELECT uuid FROM upd UNION ALL SELECT uuid FROM ins",
    12
};

/* NULL keeps a column. A new severity moves the old one into
 * previous_severity (SET reads the row as it was), as the reference does. */
static const struct db_stmt SQL_ALERT_UPDATE = {
    "alerts_update",
    "UPDATE alerts SET "
    "resource = COALESCE($2::text, resource), "
    "environment = COALESCE($3::text, environment), "
    "event = COALESCE($4::text, event), "
    "origin = COALESCE($5::text, origin), "
    "previous_severity = CASE WHEN $6::alert_severity IS NULL THEN previous_severity "
    "                    ELSE severity END, "
    "severity = COALESCE($6::alert_severity, severity), "
    "status = COALESCE($7::alert_status, status), "
    "service = COALESCE($8::text[], service), "
    "value = COALESCE($9::text, value), "
    "description = COALESCE($10::text, description), "
    "tags = COALESCE($11::text[], tags), "
    "timeout = COALESCE($12::int4, timeout), "
    "rawdata = COALESCE(decode($13::text, 'base64'), rawdata) "
    "WHERE uuid = $1::uuid",
    13
};

static const struct db_stmt SQL_ALERT_DELETE = {
    "alerts_delete",
    "DELETE FROM alerts WHERE uuid = $1::uuid",
    1
};

static int in_enum(const char *value, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(value, *names) == 0)
            return 1;
    return 0;
}

/* ---- output --------------------------------------------------------------- */

static void time_put(buf_t *b, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col)) {
        buf_puts(b, "null");
        return;
    }
    char out[RFC3339_MAX];
    rfc3339_format(strtoll(PQgetvalue(res, row, col), NULL, 10), out);
    json_put_str(b, out);
}

/* A text[] column as a JSON array; [] should it not parse (it always does
 * for a text[] column: this only keeps the reply well-formed). */
static void array_put(buf_t *b, const char *text)
{
    size_t mark = b->len;
    if (pgarray_write_json(b, text) != OK) {
        b->len = mark;
        buf_puts(b, "[]");
    }
}

static void str_put(buf_t *b, const char *key, const PGresult *res, int row, int col)
{
    buf_puts(b, key);
    json_put_str(b, PQgetvalue(res, row, col));
}

static void alert_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"created\":");
    time_put(b, res, row, COL_CREATED);
    str_put(b, ",\"description\":", res, row, COL_DESCRIPTION);
    buf_puts(b, ",\"duplicate\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, COL_DUPLICATE), NULL, 10));
    str_put(b, ",\"environment\":", res, row, COL_ENVIRONMENT);
    str_put(b, ",\"event\":", res, row, COL_EVENT);
    buf_puts(b, ",\"last_receive_time\":");
    time_put(b, res, row, COL_LAST_RECEIVE);
    str_put(b, ",\"origin\":", res, row, COL_ORIGIN);
    str_put(b, ",\"previous_severity\":", res, row, COL_PREV_SEVERITY);
    str_put(b, ",\"rawdata\":", res, row, COL_RAWDATA);
    str_put(b, ",\"resource\":", res, row, COL_RESOURCE);
    buf_puts(b, ",\"service\":");
    array_put(b, PQgetvalue(res, row, COL_SERVICE));
    str_put(b, ",\"severity\":", res, row, COL_SEVERITY);
    str_put(b, ",\"status\":", res, row, COL_STATUS);
    buf_puts(b, ",\"tags\":");
    array_put(b, PQgetvalue(res, row, COL_TAGS));
    buf_puts(b, ",\"timeout\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, COL_TIMEOUT), NULL, 10));
    str_put(b, ",\"uuid\":", res, row, COL_UUID);
    str_put(b, ",\"value\":", res, row, COL_VALUE);
    buf_putc(b, '}');
}

/* ---- input ---------------------------------------------------------------- */

/* The enum fields, timeout (int32) and rawdata of a type-checked body,
 * beyond their JSON kind. *rawdata gets the base64 to store (NULL when not
 * given): standard alphabet with padding, as Go decodes []byte, which also
 * skips line breaks (MIME-style wrapped base64), so we drop them too. */
static int body_check(struct req *r, const char **rawdata)
{
    json_object *b = r->body;
    const char *severity = json_str(b, "severity", NULL);
    if (severity && !in_enum(severity, SEVERITIES))
        return req_fail(r, 400, "Malformed request: field 'severity' must be one of: "
                                SEVERITY_LIST);
    const char *status = json_str(b, "status", NULL);
    if (status && !in_enum(status, STATUSES))
        return req_fail(r, 400, "Malformed request: field 'status' must be one of: " STATUS_LIST);
    if (json_has(b, "timeout")) {
        int64_t t = json_int(b, "timeout", 0);
        if (t < INT32_MIN || t > INT32_MAX)
            return req_fail(r, 400, "Malformed request: field 'timeout' must be a 32-bit integer");
    }
    *rawdata = NULL;
    const char *raw = json_str(b, "rawdata", NULL);
    if (!raw)
        return OK;
    size_t len = strlen(raw), n = 0;
    char *clean = arena_alloc(r->arena, len + 1);
    for (const char *p = raw; *p; p++)
        if (*p != '\r' && *p != '\n')
            clean[n++] = *p;
    clean[n] = '\0';
    uint8_t *scratch = arena_alloc(r->arena, base64_decoded_max(n) + 1);
    size_t decoded;
    if (base64_decode(clean, n, scratch, &decoded) != OK)
        return req_fail(r, 400, "Malformed request: field 'rawdata' must be standard base64 "
                                "(with padding)");
    *rawdata = clean;
    return OK;
}

static const char *timeout_param(struct req *r)
{
    if (!json_has(r->body, "timeout"))
        return NULL;
    return arena_sprintf(r->arena, "%lld", (long long)json_int(r->body, "timeout", 0));
}

/* A string filter: NULL when absent or empty (the reference's NULLIF). */
static const char *text_filter(struct req *r, const char *name)
{
    const struct query_value *v = req_query(r, name);
    return v->present && v->s[0] ? v->s : NULL;
}

/* An enum filter: NULL when absent or empty; 400 outside the enum. */
static int enum_filter(struct req *r, const char *name, const char *const *names,
                       const char *list, const char **out)
{
    *out = text_filter(r, name);
    if (*out && !in_enum(*out, names))
        return req_fail(r, 400, arena_sprintf(r->arena, "query parameter '%s' must be one of: %s",
                                              name, list));
    return OK;
}

/* ---- handlers ------------------------------------------------------------- */

int alerts_list(struct req *r)
{
    const char *status, *sev, *sev_le, *sev_ge, *service, *tags;
    if (enum_filter(r, "status", STATUSES, STATUS_LIST, &status) != OK ||
        enum_filter(r, "severity", SEVERITIES, SEVERITY_LIST, &sev) != OK ||
        enum_filter(r, "severity_le", SEVERITIES, SEVERITY_LIST, &sev_le) != OK ||
        enum_filter(r, "severity_ge", SEVERITIES, SEVERITY_LIST, &sev_ge) != OK ||
        input_query_text_array(r, "service", &service) != OK || input_query_text_array(r, "tags", &tags) != OK)
        return ERROR;
    /* The route let the caller read 'alerts', so this only fails when the
     * caller's policies cannot be loaded: do not list without the denies. */
    if (!policy_may(r, "read", "alerts"))
        return req_fail(r, 503, "Service unavailable: the caller's policies could not be read");
    const char *allow, *deny;
    policy_patterns(r, "read", &allow, &deny);
    const char *params[] = {
        text_filter(r, "resource"), text_filter(r, "environment"), text_filter(r, "event"),
        text_filter(r, "origin"), status, sev, sev_le, sev_ge, service, tags, deny,
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "limit")->i),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "offset")->i),
    };
    PGresult *res = db_exec(r->db, &SQL_ALERTS_LIST, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    /* rawdata can be large: send what is written as it grows */
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(b, ',');
        alert_write(b, res, i);
        if (b->len >= REQ_STREAM_CHUNK) {
            if (!r->started)
                req_stream_begin(r, 200, "application/json");
            req_stream_flush(r);
        }
    }
    buf_puts(b, "]\n");
    PQclear(res);
    if (!r->started)
        req_reply_json(r, 200);
    return OK;
}

/* Lock, merge, commit; *uuid gets the merged or new alert. */
static int alert_merge_run(struct req *r, const char *const *params, const char **uuid)
{
    if (db_begin(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    PGresult *res = db_exec(r->db, &SQL_ALERT_LOCK, params);
    if (!db_ok(res)) {
        db_rollback(r->db);
        return req_fail_db(r, res);
    }
    PQclear(res);
    res = db_exec(r->db, &SQL_ALERT_MERGE, params);
    if (!db_ok(res) || PQntuples(res) != 1) {
        db_rollback(r->db);
        if (db_ok(res)) {
            PQclear(res);
            return req_fail(r, 500, "Internal server error");
        }
        return req_fail_db(r, res);
    }
    *uuid = arena_strdup(r->arena, PQgetvalue(res, 0, 0));
    PQclear(res);
    if (db_commit(r->db) != OK)
        return req_fail(r, 503, "Service unavailable: database connection lost");
    return OK;
}

int alerts_create(struct req *r)
{
    const char *rawdata;
    if (body_check(r, &rawdata) != OK)
        return ERROR;
    json_object *b = r->body;
    const char *service = input_body_text_array(r, "service"), *tags = input_body_text_array(r, "tags");
    const char *timeout = timeout_param(r);
    const char *params[] = {
        json_str(b, "resource", ""), json_str(b, "environment", ""), json_str(b, "event", ""),
        json_str(b, "origin", ""), json_str(b, "severity", ""), json_str(b, "status", "open"),
        service ? service : "{}", json_str(b, "value", ""), json_str(b, "description", ""),
        tags ? tags : "{}", timeout ? timeout : ALERT_TIMEOUT_DEFAULT,
        rawdata ? rawdata : "",
    };
    const char *uuid = NULL;
    if (alert_merge_run(r, params, &uuid) != OK)
        return ERROR;
    buf_puts(&r->out, "{\"uuid\":");
    json_put_str(&r->out, uuid);
    buf_puts(&r->out, "}\n");
    req_reply_json(r, 201);
    return OK;
}

int alerts_get(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_ALERT_GET, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    alert_write(&r->out, res, 0);
    buf_putc(&r->out, '\n');
    PQclear(res);
    req_reply_json(r, 200);
    return OK;
}

/* One statement: fields left out (or null) keep their value; {} on an
 * existing alert is 204 (the reference: 404, it counts changed fields). */
int alerts_update(struct req *r)
{
    const char *rawdata;
    if (body_check(r, &rawdata) != OK)
        return ERROR;
    json_object *b = r->body;
    const char *params[] = {
        req_param(r, "uuid"),
        json_str(b, "resource", NULL), json_str(b, "environment", NULL),
        json_str(b, "event", NULL), json_str(b, "origin", NULL),
        json_str(b, "severity", NULL), json_str(b, "status", NULL),
        input_body_text_array(r, "service"), json_str(b, "value", NULL),
        json_str(b, "description", NULL), input_body_text_array(r, "tags"),
        timeout_param(r), rawdata,
    };
    PGresult *res = db_exec(r->db, &SQL_ALERT_UPDATE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}

int alerts_delete(struct req *r)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_ALERT_DELETE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    long n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (n == 0)
        return req_not_found(r);
    req_reply_json(r, 204);
    return OK;
}
