/* tsdata.c — time-series data: read (streamed), write, delete a range, and
 * /v2/tsquery. Reads run one of the statements of tsdata_sql.h in
 * single-row mode with binary results and write each row as JSON straight
 * into the reply, flushed every REQ_STREAM_CHUNK bytes: a year of points
 * never sits in memory, neither as a PGresult nor as JSON. Unit conversion
 * and the ge/le filter apply to each (aggregated) value, as the reference
 * does. The points of a read come from the domain's replica when the route
 * allows it and the replica is fresh (server_read_db); the series, the
 * permissions and every write are the primary's. */
#include "tsdata.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "policy.h"
#include "router.h"
#include "rfc3339.h"
#include "server.h"
#include "status.h"
#include "tsdata_sql.h"
#include "tsrange.h"
#include "units.h"
#include "uuid.h"

#define TSQUERY_MAX_SERIES 10
/* PostgreSQL timestamps count from 2000-01-01 */
#define PG_EPOCH_USEC INT64_C(946684800000000)

const struct query_param TSDATA_GET_QUERY[] = {
    { "start", Q_TIME, NULL, 0, 0 },   { "end", Q_TIME, NULL, 0, 0 },
    { "unit", Q_STRING, NULL, 0, 0 },  { "ge", Q_NUMBER, NULL, 0, 0 },
    { "le", Q_NUMBER, NULL, 0, 0 },    { "precision", Q_STRING, NULL, 0, 0 },
    { "aggregate", Q_STRING, NULL, 0, 0 }, { "timezone", Q_STRING, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};
const struct query_param TSDATA_POST_QUERY[] = {
    { "unit", Q_STRING, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};
const struct query_param TSDATA_DELETE_QUERY[] = {
    { "start", Q_TIME, NULL, 0, 0 }, { "end", Q_TIME, NULL, 0, 0 },
    { "ge", Q_NUMBER, NULL, 0, 0 },  { "le", Q_NUMBER, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};
const struct query_param TSQUERY_QUERY[] = {
    { "uuids", Q_LIST, NULL, 0, 0 },   { "start", Q_TIME, NULL, 0, 0 },
    { "end", Q_TIME, NULL, 0, 0 },     { "ge", Q_NUMBER, NULL, 0, 0 },
    { "le", Q_NUMBER, NULL, 0, 0 },    { "precision", Q_STRING, NULL, 0, 0 },
    { "aggregate", Q_STRING, NULL, 0, 0 }, { "timezone", Q_STRING, NULL, 0, 0 },
    { NULL, 0, NULL, 0, 0 },
};

static const struct db_stmt SQL_SERIES_UNITS = {
    "tsdata_series_units",
    "SELECT s.uuid, ts.si_unit, ts.lower_bound, ts.upper_bound "
    "FROM unnest($1::uuid[]) WITH ORDINALITY AS s(uuid, n) "
    "LEFT JOIN timeseries ts ON ts.uuid = s.uuid ORDER BY s.n",
    1
};
static const struct db_stmt SQL_INSERT = {
    "tsdata_insert",
    "INSERT INTO tsdata(ts_uuid, value, ts, created_by) "
    "SELECT $1::uuid, v, t, $4::uuid FROM unnest($2::float8[], $3::timestamptz[]) AS p(v, t)",
    4
};
static const struct db_stmt SQL_DELETE_RANGE = {
    "tsdata_delete_range",
    "DELETE FROM tsdata WHERE ts_uuid = $1::uuid AND ts BETWEEN $2::timestamptz AND $3::timestamptz "
    "AND ($4::float8 IS NULL OR value >= $4::float8) AND ($5::float8 IS NULL OR value <= $5::float8)",
    5
};

/* ---- big-endian binary fields ------------------------------------------ */

static uint64_t be64(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint64_t)u[0] << 56 | (uint64_t)u[1] << 48 | (uint64_t)u[2] << 40 |
           (uint64_t)u[3] << 32 | (uint64_t)u[4] << 24 | (uint64_t)u[5] << 16 |
           (uint64_t)u[6] << 8 | u[7];
}

static int32_t be32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return (int32_t)ntohl(v);
}

static double be_double(const char *p)
{
    uint64_t bits = be64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static void put_be64(buf_t *b, uint64_t v)
{
    char out[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (char)(v & 0xff);
    buf_append(b, out, 8);
}

static void put_be32(buf_t *b, uint32_t v)
{
    uint32_t n = htonl(v);
    buf_append(b, &n, 4);
}

/* ---- series lookup ------------------------------------------------------ */

struct series {
    const char *uuid;
    const char *unit;
    int has_lower, has_upper;
    double lower, upper;
};

static const char *uuid_array_literal(struct req *r, const char *const *uuids, int n)
{
    buf_t b = BUF_INIT;
    buf_putc(&b, '{');
    for (int i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_puts(&b, uuids[i]);
    }
    buf_putc(&b, '}');
    const char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Loads the series (unit, bounds) in order; 404 when one does not exist. */
static int series_load(struct req *r, const char *array, int n, struct series *out)
{
    const char *params[] = { array };
    PGresult *res = db_exec(r->db, &SQL_SERIES_UNITS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    for (int i = 0; i < n && i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 1)) {
            PQclear(res);
            return req_not_found(r);
        }
        out[i].uuid = arena_strdup(r->arena, PQgetvalue(res, i, 0));
        out[i].unit = arena_strdup(r->arena, PQgetvalue(res, i, 1));
        out[i].has_lower = !PQgetisnull(res, i, 2);
        out[i].lower = out[i].has_lower ? strtod(PQgetvalue(res, i, 2), NULL) : 0;
        out[i].has_upper = !PQgetisnull(res, i, 3);
        out[i].upper = out[i].has_upper ? strtod(PQgetvalue(res, i, 3), NULL) : 0;
    }
    PQclear(res);
    return OK;
}

/* What the known unit u converts to besides itself, "F, K" (symbols, else
 * names), for error messages. */
static const char *convertible_to(struct req *r, const struct unit *u)
{
    buf_t b = BUF_INIT;
    double scale, offset;
    for (size_t i = 0; i < unit_count(); i++) {
        const struct unit *t = unit_at(i);
        if (t == u || unit_conversion(u, t, &scale, &offset) != OK)
            continue;
        const char *symbol = unit_symbol(t);
        buf_printf(&b, "%s%s", b.len ? ", " : "", symbol[0] ? symbol : unit_name(t));
    }
    const char *list = arena_strdup(r->arena, b.len ? buf_cstr(&b) : "no other unit");
    buf_free(&b);
    return list;
}

/* The affine map between the series' unit and the unit a client reads or
 * writes in (`client`, NULL when not given): identity when not given or
 * the same text, as the reference does (so any stored unit reads and
 * writes as it is). to_series says which way values go. 400 naming both
 * units when the server cannot convert them. */
static int conversion(struct req *r, const char *series_unit, const char *client, int to_series,
                      double *scale, double *offset)
{
    *scale = 1;
    *offset = 0;
    if (!client || strcmp(series_unit, client) == 0)
        return OK;
    const struct unit *s = unit_find(series_unit), *c = unit_find(client);
    if (!s)
        return req_fail(r, 400, arena_sprintf(r->arena,
            "Unable to convert to the requested unit: the series' unit \"%s\" is not one this "
            "server converts (docs/units.md lists them), so its data is read and written in "
            "\"%s\" only, not in \"%s\"", series_unit, series_unit, client));
    if (!c)
        return req_fail(r, 400, arena_sprintf(r->arena,
            "The provided unit can not be handled: \"%s\" is not a unit this server knows; "
            "the series' unit \"%s\" converts to %s", client, series_unit,
            convertible_to(r, s)));
    int rc = to_series ? unit_conversion(c, s, scale, offset) : unit_conversion(s, c, scale, offset);
    if (rc != OK)
        return req_fail(r, 400, arena_sprintf(r->arena,
            "Unable to convert to the requested unit: \"%s\" (%s) and the series' unit \"%s\" "
            "(%s) are different quantities; \"%s\" converts to %s", client, unit_quantity(c),
            series_unit, unit_quantity(s), series_unit, convertible_to(r, s)));
    return OK;
}

/* ---- streaming reads ---------------------------------------------------- */

struct reader {
    struct req *r;
    struct db_conn *db;   /* where the points are read: the replica or r->db */
    const struct tsrange *q;
    enum tsdata_shape shape;
    enum tsdata_agg agg;
    double scale, offset; /* unit conversion of every value */
    int count_raw;        /* aggregate count over raw rows: every value is 1 */
    int rows;             /* rows written in the current array */
    int64_t width;        /* rollup width (s) when rollups serve the read, else 0 */
    int64_t from, to;     /* the rollup rows read: [from, to), usec */
    int direct;           /* a bucket is one rollup row (tsdata_rollup_direct_sql) */
};

/* Rollups (sql/000019) serve a bucketed read when the schema has them and
 * one width is at most the precision and aligned with the zone over the
 * window (tsrange_zone_aligned): the widest such width, the rollup rows
 * whole inside the window; its ragged edges are read as points. */
static const int64_t ROLLUP_WIDTHS[] = { 86400, 3600, 300 };
#define ROLLUP_SCHEMA 19

static int64_t floor_to(int64_t usec, int64_t step)
{
    int64_t q = usec / step - (usec % step != 0 && usec < 0);
    return q * step;
}

static void rollup_plan(struct reader *rd)
{
    const struct tsrange *q = rd->q;
    int64_t most = q->bucket_minutes > 0               ? 300
                   : q->day_or_longer                  ? 86400
                   : strcmp(q->precision, "hour") == 0 ? 3600
                                                       : 0;
    rd->width = 0;
    if (!q->aggregate_rows || most == 0 || q->end < q->start ||
        !server_schema_at_least(rd->r->db, ROLLUP_SCHEMA))
        return;
    for (size_t i = 0; i < sizeof ROLLUP_WIDTHS / sizeof *ROLLUP_WIDTHS; i++) {
        int64_t w = ROLLUP_WIDTHS[i], step = w * 1000000;
        if (w > most || !tsrange_zone_aligned(q, w))
            continue;
        int64_t from = -floor_to(-q->start, step), to = floor_to(q->end + 1, step);
        if (from >= to)
            return; /* shorter than a row: the points it is */
        rd->width = w;
        rd->from = from;
        rd->to = to;
        int64_t bucket = q->bucket_minutes > 0                                    ? q->bucket_minutes * 60
                         : strcmp(q->precision, "hour") == 0                    ? 3600
                         : q->day_or_longer && strcmp(q->precision, "day") == 0 ? 86400
                                                                                 : 0;
        rd->direct = bucket == w;
        return;
    }
}

static void row_write(struct reader *rd, int64_t usec, double v, int32_t offset_sec)
{
    buf_t *b = &rd->r->out;
    buf_puts(b, rd->rows++ ? ",{\"v\":" : "{\"v\":");
    json_put_double(b, v);
    char ts[RFC3339_MAX];
    size_t n = rfc3339_format_offset(usec, offset_sec, ts);
    buf_puts(b, ",\"ts\":\"");
    buf_append(b, ts, n);
    buf_puts(b, "\"}");
    if (b->len >= REQ_STREAM_CHUNK)
        req_stream_flush(rd->r);
}

static void row_from(struct reader *rd, const PGresult *res, int row)
{
    int64_t usec = (int64_t)be64(PQgetvalue(res, row, 0)) + PG_EPOCH_USEC;
    double v = rd->count_raw ? 1 : be_double(PQgetvalue(res, row, 1));
    int32_t offset_sec = PQnfields(res) > 2 ? be32(PQgetvalue(res, row, 2)) : 0;
    v = v * rd->scale + rd->offset;
    if (tsrange_value_ok(rd->q, v))
        row_write(rd, usec, v, offset_sec);
}

/* Picks the statement for the query once, for every series read. */
static void reader_init(struct reader *rd, struct req *r, const struct tsrange *q)
{
    memset(rd, 0, sizeof *rd);
    rd->r = r;
    rd->q = q;
    rd->scale = 1;
    rd->shape = !q->aggregate_rows ? (q->utc ? TS_RAW_UTC : TS_RAW)
                : q->day_or_longer ? TS_DAYPLUS
                : q->utc           ? TS_SUBDAY_UTC
                                   : TS_SUBDAY;
    static const char *const aggs[TS_AGGS] = { "avg", "min", "max", "sum", "count" };
    for (int i = 0; i < TS_AGGS; i++)
        if (strcmp(q->aggregate, aggs[i]) == 0)
            rd->agg = (enum tsdata_agg)i;
    rd->count_raw = !q->aggregate_rows && rd->agg == TS_COUNT;
    rollup_plan(rd);
    rd->db = r->route && r->route->reads == ROUTE_READS_REPLICA
                 ? server_read_db(r->srv, r->domain, r->db)
                 : r->db;
}

#define STREAM_RETRY 1    /* the replica failed before anything was sent */
#define STREAM_TOO_MANY 2 /* a bounded read found more rows than it may hold */

/* How a read's rows come from libpq. Single-row mode makes a PGresult per
 * row (a quarter of a 1-day read's cost) but holds one row at a time; a
 * whole result is cheaper and is used when the answer is known to be
 * small: aggregates with few enough buckets, and raw reads of a short
 * window, asked for at most WHOLE_ROWS_MAX + 1 rows (more: read again row
 * by row, nothing sent yet). */
enum read_mode { READ_WHOLE, READ_UPTO, READ_SINGLE };
#define WHOLE_ROWS_MAX 20000
#define UPTO_WINDOW_USEC (2 * 86400 * INT64_C(1000000))

/* The shortest real length of one bucket of q's precision (half the
 * nominal one below a day, for odd DST shifts; 12 h for a day and more),
 * usec; 0 when buckets are too fine to bound. */
static int64_t bucket_min_usec(const struct tsrange *q)
{
    if (q->day_or_longer)
        return 12 * 3600 * INT64_C(1000000);
    if (q->bucket_minutes > 0)
        return q->bucket_minutes * 30 * INT64_C(1000000);
    if (strcmp(q->precision, "hour") == 0)
        return 1800 * INT64_C(1000000);
    if (strcmp(q->precision, "minute") == 0)
        return 30 * INT64_C(1000000);
    return 0;
}

static enum read_mode read_mode(const struct reader *rd)
{
    const struct tsrange *q = rd->q;
    int64_t window = q->end - q->start;
    if (!q->aggregate_rows)
        return window <= UPTO_WINDOW_USEC ? READ_UPTO : READ_SINGLE;
    int64_t least = bucket_min_usec(q);
    return least > 0 && window / least + 2 <= WHOLE_ROWS_MAX ? READ_WHOLE : READ_SINGLE;
}

/* Reads one series from db in the given mode and streams its rows as a
 * JSON array (after `prefix`, written when the reply starts). Errors
 * before the reply started are ordinary JSON errors (STREAM_RETRY
 * instead, nothing recorded, when db is a replica's); after it the reply
 * is cut short and logged. */
static int stream_rows(struct reader *rd, struct db_conn *db, const struct series *s,
                       const char *prefix, enum read_mode mode)
{
    struct req *r = rd->r;
    int retry = db != r->db && !r->started;
    const struct tsrange *q = rd->q;
    char start[RFC3339_MAX], end[RFC3339_MAX], minutes[8], width[24], from[RFC3339_MAX],
        to[RFC3339_MAX], limit[16];
    rfc3339_format(q->start, start);
    rfc3339_format(q->end, end);
    snprintf(minutes, sizeof minutes, "%d", q->bucket_minutes);
    snprintf(width, sizeof width, "%lld", (long long)rd->width);
    rfc3339_format(rd->from, from);
    rfc3339_format(rd->to, to);
    snprintf(limit, sizeof limit, "%d", WHOLE_ROWS_MAX + 1);
    const char *params[] = { s->uuid, start, end, q->precision, q->timezone, minutes,
                             width, from, to };
    const struct db_stmt *stmt = rd->direct  ? tsdata_rollup_direct_sql(rd->agg)
                                 : rd->width ? tsdata_rollup_sql(rd->shape, rd->agg)
                                             : tsdata_sql(rd->shape, rd->agg);
    if (mode == READ_UPTO) {
        stmt = tsdata_raw_upto_sql(rd->shape);
        params[stmt->nparams - 1] = limit;
    }
    if (db_send_planned(db, stmt, params, NULL, NULL, 1) != OK) {
        char line[300];
        log_error("tsdata read: %s", db_error_line(db, NULL, line, sizeof line));
        return retry ? STREAM_RETRY
                     : req_fail(r, 503, "Service unavailable: database connection lost");
    }
    if (mode == READ_SINGLE)
        PQsetSingleRowMode(db->pg);

    int failed = 0, too_many = 0;
    PGresult *res;
    rd->rows = 0;
    while ((res = PQgetResult(db->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK && mode == READ_UPTO && PQntuples(res) > WHOLE_ROWS_MAX)
            too_many = 1;
        int rows = (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) && !failed && !too_many;
        if (rows && prefix) {
            if (!r->started)
                req_stream_begin(r, 200, "application/json");
            buf_puts(&r->out, prefix);
            prefix = NULL;
        }
        if (rows) {
            for (int i = 0, n = PQntuples(res); i < n; i++)
                row_from(rd, res, i);
        } else if (st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE && !failed) {
            failed = 1;
            const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            if (r->started || retry) {
                char line[300];
                log_error("tsdata read failed %s: %s", r->started ? "mid-stream" : "on the replica",
                          db_error_line(db, res, line, sizeof line));
            } else if (state && strcmp(state, "22023") == 0) {
                req_fail(r, 400, "Unknown time zone");
            } else {
                req_fail_db(r, res);
                continue; /* req_fail_db cleared res */
            }
        }
        PQclear(res);
    }
    return failed ? (retry ? STREAM_RETRY : ERROR) : too_many ? STREAM_TOO_MANY : OK;
}

/* stream_rows in the mode the read calls for; a bounded read that found
 * more rows is read again row by row. */
static int stream_from(struct reader *rd, struct db_conn *db, const struct series *s,
                       const char *prefix)
{
    int rc = stream_rows(rd, db, s, prefix, read_mode(rd));
    return rc == STREAM_TOO_MANY ? stream_rows(rd, db, s, prefix, READ_SINGLE) : rc;
}

/* stream_from the reader's connection; a replica that fails before the
 * reply started is left for the primary, which reads again. */
static int stream_series(struct reader *rd, const struct series *s, const char *prefix)
{
    int rc = stream_from(rd, rd->db, s, prefix);
    if (rc != STREAM_RETRY)
        return rc;
    server_read_failed(rd->r->srv, rd->db);
    rd->db = rd->r->db;
    return stream_from(rd, rd->db, s, prefix);
}

int tsdata_get(struct req *r)
{
    struct tsrange q;
    if (tsrange_from_query(r, &q) != OK)
        return ERROR;
    const char *uuid = req_param(r, "uuid");
    struct series s;
    if (series_load(r, uuid_array_literal(r, &uuid, 1), 1, &s) != OK)
        return ERROR;
    struct reader rd;
    reader_init(&rd, r, &q);
    const struct query_value *unit = req_query(r, "unit");
    if (rd.agg != TS_COUNT && /* a count has no unit */
        conversion(r, s.unit, unit->present ? unit->s : NULL, 0, &rd.scale, &rd.offset) != OK)
        return ERROR;
    if (stream_series(&rd, &s, "[") != OK)
        return r->started ? OK : ERROR;
    buf_puts(&r->out, "]\n");
    return OK;
}

int tsquery_get(struct req *r)
{
    const struct query_value *uuids = req_query(r, "uuids");
    if (!uuids->present || uuids->nlist == 0)
        return req_fail(r, 400, "query parameter 'uuids' is required");
    if (uuids->nlist > TSQUERY_MAX_SERIES)
        return req_fail(r, 400, "query parameter 'uuids' takes at most 10 series");
    for (int i = 0; i < uuids->nlist; i++)
        if (uuid_valid(uuids->list[i]) != OK)
            return req_fail(r, 400, "uuids has invalid format");
    struct tsrange q;
    if (tsrange_from_query(r, &q) != OK)
        return ERROR;
    struct series *s = arena_calloc(r->arena, (size_t)uuids->nlist, sizeof *s);
    if (series_load(r, uuid_array_literal(r, uuids->list, uuids->nlist), uuids->nlist, s) != OK)
        return ERROR;
    const char **resources = arena_calloc(r->arena, (size_t)uuids->nlist, sizeof *resources);
    for (int i = 0; i < uuids->nlist; i++)
        resources[i] = arena_sprintf(r->arena, "timeseries/%s/data", s[i].uuid);
    size_t refused = policy_first_refused(r, "read", resources, (size_t)uuids->nlist);
    if (refused < (size_t)uuids->nlist)
        return policy_forbidden(r, "Forbidden", "read", resources[refused]);
    struct reader rd;
    reader_init(&rd, r, &q);
    /* one series after the other, each an ordered index scan */
    for (int i = 0; i < uuids->nlist; i++) {
        const char *head = arena_sprintf(r->arena, "%s{\"uuid\":\"%s\",\"data\":[",
                                         i ? "," : "[", s[i].uuid);
        if (stream_series(&rd, &s[i], head) != OK)
            return r->started ? OK : ERROR;
        buf_puts(&r->out, "]}");
    }
    buf_puts(&r->out, "]\n");
    return OK;
}

/* ---- writes ------------------------------------------------------------- */

struct point {
    int64_t usec;
    double v;
};

static int point_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct point *)a)->usec, y = ((const struct point *)b)->usec;
    return (x > y) - (x < y);
}

static const struct json_field POINT_FIELDS[] = {
    { "v", JK_NUMBER, 1, 0 },
    { "ts", JK_TIME, 1, 0 },
    { NULL, 0, 0, 0 },
};

/* Parses the body: a non-empty JSON array of {"v": number, "ts": RFC 3339}. */
static int points_parse(struct req *r, struct point **out, size_t *n)
{
    char *data = NULL, why[256];
    size_t len = 0;
    if (input_read_body(r, &data, &len) != OK)
        return ERROR;
    json_object *arr;
    if (json_parse(data, len, &arr, why, sizeof why) != OK)
        return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: %s", why));
    r->body = arr;
    if (!json_object_is_type(arr, json_type_array) || json_object_array_length(arr) == 0)
        return req_fail(r, 400, "Malformed request: the body must be a non-empty array of "
                                "{\"v\": number, \"ts\": RFC 3339 time}");
    *n = json_object_array_length(arr);
    struct point *p = arena_alloc(r->arena, *n * sizeof *p);
    for (size_t i = 0; i < *n; i++) {
        json_object *item = json_object_array_get_idx(arr, i);
        if (json_validate(item, POINT_FIELDS, why, sizeof why) != OK)
            return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: point %zu: %s", i, why));
        const char *ts = json_str(item, "ts", "");
        rfc3339_parse(ts, strlen(ts), &p[i].usec);
        p[i].v = json_num(item, "v", 0);
    }
    *out = p;
    return OK;
}

/* PostgreSQL binary array header: one dimension, no NULLs. */
static void array_header(buf_t *b, uint32_t elem_oid, size_t n)
{
    put_be32(b, 1);
    put_be32(b, 0);
    put_be32(b, elem_oid);
    put_be32(b, (uint32_t)n);
    put_be32(b, 1);
}

int tsdata_post(struct req *r)
{
    const char *uuid = req_param(r, "uuid");
    struct point *p = NULL;
    size_t n = 0;
    if (points_parse(r, &p, &n) != OK)
        return ERROR;
    const char *array = uuid_array_literal(r, &uuid, 1);
    struct series s;
    if (series_load(r, array, 1, &s) != OK)
        return ERROR;
    double scale, offset;
    const struct query_value *unit = req_query(r, "unit");
    if (conversion(r, s.unit, unit->present ? unit->s : NULL, 1, &scale, &offset) != OK)
        return ERROR;

    /* convert, drop what the series' bounds exclude (as the reference) */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        double v = p[i].v * scale + offset;
        if ((s.has_lower && v < s.lower) || (s.has_upper && v > s.upper))
            continue;
        p[kept].usec = p[i].usec;
        p[kept].v = v;
        kept++;
    }
    if (kept == 0) {
        req_reply_json(r, 204);
        return OK;
    }
    /* one row per series and time: a request naming a time twice is refused
     * whole, as a time already stored is (unique key) */
    qsort(p, kept, sizeof *p, point_cmp);
    for (size_t i = 1; i < kept; i++)
        if (p[i].usec == p[i - 1].usec)
            return req_fail(r, 400, "Request caused an error due to duplicate key violation "
                                    "(the same timestamp twice in one request)");

    buf_t values = BUF_INIT, times = BUF_INIT;
    array_header(&values, 701 /* float8 */, kept);
    array_header(&times, 1184 /* timestamptz */, kept);
    for (size_t i = 0; i < kept; i++) {
        uint64_t bits;
        memcpy(&bits, &p[i].v, sizeof bits);
        put_be32(&values, 8);
        put_be64(&values, bits);
        put_be32(&times, 8);
        put_be64(&times, (uint64_t)(p[i].usec - PG_EPOCH_USEC));
    }
    const char *params[] = { uuid, values.data, times.data, r->user_uuid };
    const int lengths[] = { 0, (int)values.len, (int)times.len, 0 };
    const int formats[] = { 0, 1, 1, 0 };
    PGresult *res = db_exec_full(r->db, &SQL_INSERT, params, lengths, formats, 0);
    buf_free(&values);
    buf_free(&times);
    if (!db_ok(res))
        return req_fail_db(r, res); /* a time already stored: 400 duplicate key */
    PQclear(res);
    server_note_write(r->srv, r->domain);
    req_reply_json(r, 201);
    return OK;
}

int tsdata_delete(struct req *r)
{
    struct tsrange q;
    if (tsrange_from_query(r, &q) != OK)
        return ERROR;
    if (q.has_ge && q.has_le && q.ge > q.le)
        return req_fail(r, 400, "Deleting data allows only ge <= value <= le (ge must not exceed le)");
    const char *uuid = req_param(r, "uuid");
    const char *array = uuid_array_literal(r, &uuid, 1);
    struct series s;
    if (series_load(r, array, 1, &s) != OK)
        return ERROR;
    char start[RFC3339_MAX], end[RFC3339_MAX], ge[32], le[32];
    rfc3339_format(q.start, start);
    rfc3339_format(q.end, end);
    snprintf(ge, sizeof ge, "%.17g", q.ge);
    snprintf(le, sizeof le, "%.17g", q.le);
    const char *params[] = { uuid, start, end, q.has_ge ? ge : NULL, q.has_le ? le : NULL };
    PGresult *res = db_exec(r->db, &SQL_DELETE_RANGE, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    PQclear(res);
    server_note_write(r->srv, r->domain);
    req_reply_json(r, 204);
    return OK;
}
