/* tsdata_sql.c — the read statements of tsdata_sql.h. */
#include "tsdata_sql.h"

#define OFFSET_OF(x) \
    "EXTRACT(EPOCH FROM (" x " AT TIME ZONE $5::text) - (" x " AT TIME ZONE 'UTC'))::int4"
#define WHERE_RANGE \
    "WHERE ts_uuid = $1::uuid AND ts BETWEEN $2::timestamptz AND $3::timestamptz"

/* Parameters a statement does not use are still named (PostgreSQL must see
 * every parameter to type it); as constants they become a one-time filter. */
#define SQL_RAW_UTC \
    "SELECT ts, value FROM tsdata " WHERE_RANGE \
    " AND $4::text IS NOT NULL AND $5::text IS NOT NULL AND $6::int4 >= 0 ORDER BY ts"
#define SQL_RAW \
    "SELECT ts, value, " OFFSET_OF("ts") " FROM tsdata " WHERE_RANGE \
    " AND $4::text IS NOT NULL AND $6::int4 >= 0 ORDER BY ts"

/* Local wall time truncated (plus N-minute steps), mapped back onto the
 * real instant: bucket = ts - (local - truncated local). */
#define LOCAL "(ts AT TIME ZONE $5::text)"
#define TRUNC_SUBDAY \
    "(date_trunc($4::text, " LOCAL ") + CASE WHEN $6::int4 > 0 THEN " \
    "(floor(date_part('minute', " LOCAL ") / $6::int4) * $6::int4) * interval '1 minute' " \
    "ELSE interval '0' END)"
#define BUCKET_SUBDAY "(ts - (" LOCAL " - " TRUNC_SUBDAY "))"
#define BUCKET_DAYPLUS "(date_trunc($4::text, " LOCAL ") AT TIME ZONE $5::text)"
/* The same sub-day buckets in UTC, where local wall time is UTC: one
 * conversion a row instead of four, and no offset to compute. */
#define BUCKET_SUBDAY_UTC \
    "(date_trunc($4::text, ts, 'UTC') + CASE WHEN $6::int4 > 0 THEN " \
    "(floor(date_part('minute', ts AT TIME ZONE 'UTC') / $6::int4) * $6::int4) * " \
    "interval '1 minute' ELSE interval '0' END)"

#define SQL_AGG(bucket, fn) \
    "SELECT b, " fn "::float8, " OFFSET_OF("b") " FROM (" \
    "SELECT " bucket " AS b, value FROM tsdata " WHERE_RANGE \
    " AND $6::int4 >= 0) t GROUP BY b ORDER BY b"

#define SQL_AGG_UTC(fn) \
    "SELECT b, " fn "::float8, 0::int4 FROM (" \
    "SELECT " BUCKET_SUBDAY_UTC " AS b, value FROM tsdata " WHERE_RANGE \
    " AND $5::text IS NOT NULL AND $6::int4 >= 0) t GROUP BY b ORDER BY b"

/* The same buckets over rollups (sql/000019): the rows of one width in
 * [$8, $9) stand for their points (every point of a row falls into the
 * bucket of the row's start: tsdata.c checks that the zone's offsets and
 * changes over the window are multiples of the width), the points of the
 * window outside [$8, $9) are read as they are. */
#define ROLLUP_ROWS \
    "SELECT bucket AS ts, n, sum AS s, min AS mn, max AS mx FROM tsdata_rollups " \
    "WHERE ts_uuid = $1::uuid AND width = $7::int4 AND bucket >= $8::timestamptz " \
    "AND bucket < $9::timestamptz UNION ALL " \
    "SELECT ts, 1, value, value, value FROM tsdata WHERE ts_uuid = $1::uuid " \
    "AND ts >= $2::timestamptz AND ts < $8::timestamptz AND ts <= $3::timestamptz UNION ALL " \
    "SELECT ts, 1, value, value, value FROM tsdata WHERE ts_uuid = $1::uuid " \
    "AND ts >= $9::timestamptz AND ts >= $2::timestamptz AND ts <= $3::timestamptz"
#define SQL_ROLLUP(bucket, fn) \
    "SELECT b, " fn "::float8, " OFFSET_OF("b") " FROM (" \
    "SELECT " bucket " AS b, n, s, mn, mx FROM (" ROLLUP_ROWS ") r " \
    "WHERE $6::int4 >= 0) t GROUP BY b ORDER BY b"
#define R_AVG "(sum(s) / sum(n)::float8)"
#define R_MIN "min(mn)"
#define R_MAX "max(mx)"
#define R_SUM "sum(s)"
#define R_COUNT "sum(n)"

/* A bucket as long as the rollup width (hour over hourly rows, a UTC day
 * over daily rows, minute5 over 5-minute rows): every rollup row is a
 * bucket of its own and no regrouping is needed. The points before $8 all
 * fall into the one bucket that starts a width before it, those from $9 on
 * into the one that starts at $9 (tsdata.c cuts [$8, $9) so). */
#define EDGE_BEFORE(fn) \
    "SELECT $8::timestamptz - make_interval(secs => $7::int4) AS b, " fn "::float8 AS v " \
    "FROM tsdata WHERE ts_uuid = $1::uuid AND ts >= $2::timestamptz AND ts < $8::timestamptz " \
    "AND ts <= $3::timestamptz HAVING count(*) > 0"
#define EDGE_AFTER(fn) \
    "SELECT $9::timestamptz, " fn "::float8 FROM tsdata WHERE ts_uuid = $1::uuid " \
    "AND ts >= $9::timestamptz AND ts >= $2::timestamptz AND ts <= $3::timestamptz " \
    "HAVING count(*) > 0"
#define SQL_DIRECT(point_fn, row_fn) \
    "SELECT b, v, CASE WHEN $5::text = 'UTC' THEN 0 ELSE " OFFSET_OF("b") " END FROM (" \
    EDGE_BEFORE(point_fn) " UNION ALL " \
    "SELECT bucket, (" row_fn ")::float8 FROM tsdata_rollups WHERE ts_uuid = $1::uuid " \
    "AND width = $7::int4 AND bucket >= $8::timestamptz AND bucket < $9::timestamptz UNION ALL " \
    EDGE_AFTER(point_fn) ") u WHERE $4::text IS NOT NULL AND $6::int4 >= 0 ORDER BY b"

#define STMT(name, sql) { name, sql, 6 }
#define RSTMT(name, sql) { name, sql, 9 }

static const struct db_stmt statements[TS_SHAPES][TS_AGGS] = {
    [TS_RAW_UTC] = { STMT("tsdata_raw_utc", SQL_RAW_UTC) },
    [TS_RAW] = { STMT("tsdata_raw", SQL_RAW) },
    [TS_SUBDAY] = {
        STMT("tsdata_sub_avg", SQL_AGG(BUCKET_SUBDAY, "avg(value)")),
        STMT("tsdata_sub_min", SQL_AGG(BUCKET_SUBDAY, "min(value)")),
        STMT("tsdata_sub_max", SQL_AGG(BUCKET_SUBDAY, "max(value)")),
        STMT("tsdata_sub_sum", SQL_AGG(BUCKET_SUBDAY, "sum(value)")),
        STMT("tsdata_sub_count", SQL_AGG(BUCKET_SUBDAY, "count(value)")),
    },
    [TS_SUBDAY_UTC] = {
        STMT("tsdata_subu_avg", SQL_AGG_UTC("avg(value)")),
        STMT("tsdata_subu_min", SQL_AGG_UTC("min(value)")),
        STMT("tsdata_subu_max", SQL_AGG_UTC("max(value)")),
        STMT("tsdata_subu_sum", SQL_AGG_UTC("sum(value)")),
        STMT("tsdata_subu_count", SQL_AGG_UTC("count(value)")),
    },
    [TS_DAYPLUS] = {
        STMT("tsdata_day_avg", SQL_AGG(BUCKET_DAYPLUS, "avg(value)")),
        STMT("tsdata_day_min", SQL_AGG(BUCKET_DAYPLUS, "min(value)")),
        STMT("tsdata_day_max", SQL_AGG(BUCKET_DAYPLUS, "max(value)")),
        STMT("tsdata_day_sum", SQL_AGG(BUCKET_DAYPLUS, "sum(value)")),
        STMT("tsdata_day_count", SQL_AGG(BUCKET_DAYPLUS, "count(value)")),
    },
};

static const struct db_stmt rollup_statements[2][TS_AGGS] = {
    {
        RSTMT("tsdata_rsub_avg", SQL_ROLLUP(BUCKET_SUBDAY, R_AVG)),
        RSTMT("tsdata_rsub_min", SQL_ROLLUP(BUCKET_SUBDAY, R_MIN)),
        RSTMT("tsdata_rsub_max", SQL_ROLLUP(BUCKET_SUBDAY, R_MAX)),
        RSTMT("tsdata_rsub_sum", SQL_ROLLUP(BUCKET_SUBDAY, R_SUM)),
        RSTMT("tsdata_rsub_count", SQL_ROLLUP(BUCKET_SUBDAY, R_COUNT)),
    },
    {
        RSTMT("tsdata_rday_avg", SQL_ROLLUP(BUCKET_DAYPLUS, R_AVG)),
        RSTMT("tsdata_rday_min", SQL_ROLLUP(BUCKET_DAYPLUS, R_MIN)),
        RSTMT("tsdata_rday_max", SQL_ROLLUP(BUCKET_DAYPLUS, R_MAX)),
        RSTMT("tsdata_rday_sum", SQL_ROLLUP(BUCKET_DAYPLUS, R_SUM)),
        RSTMT("tsdata_rday_count", SQL_ROLLUP(BUCKET_DAYPLUS, R_COUNT)),
    },
};

static const struct db_stmt direct_statements[TS_AGGS] = {
    RSTMT("tsdata_dir_avg", SQL_DIRECT("avg(value)", "sum / n")),
    RSTMT("tsdata_dir_min", SQL_DIRECT("min(value)", "min")),
    RSTMT("tsdata_dir_max", SQL_DIRECT("max(value)", "max")),
    RSTMT("tsdata_dir_sum", SQL_DIRECT("sum(value)", "sum")),
    RSTMT("tsdata_dir_count", SQL_DIRECT("count(value)", "n")),
};

const struct db_stmt *tsdata_rollup_direct_sql(enum tsdata_agg agg)
{
    return &direct_statements[agg];
}

const struct db_stmt *tsdata_rollup_sql(enum tsdata_shape shape, enum tsdata_agg agg)
{
    if (shape == TS_SUBDAY_UTC)
        shape = TS_SUBDAY; /* the rollups' statement serves UTC as well */
    if (shape != TS_SUBDAY && shape != TS_DAYPLUS)
        return NULL;
    return &rollup_statements[shape == TS_DAYPLUS][agg];
}

/* The raw reads with a row limit as $7 (tsdata.c reads them whole). */
static const struct db_stmt raw_upto[2] = {
    { "tsdata_raw_utc_upto", SQL_RAW_UTC " LIMIT $7::int8", 7 },
    { "tsdata_raw_upto", SQL_RAW " LIMIT $7::int8", 7 },
};

const struct db_stmt *tsdata_raw_upto_sql(enum tsdata_shape shape)
{
    return &raw_upto[shape == TS_RAW];
}

const struct db_stmt *tsdata_sql(enum tsdata_shape shape, enum tsdata_agg agg)
{
    return &statements[shape][shape == TS_RAW || shape == TS_RAW_UTC ? 0 : agg];
}
