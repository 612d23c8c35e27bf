/* tsdata_sql.h — the statements that read time-series data, as a table
 * indexed by (shape, aggregate). Every one reads one series, takes the
 * same parameters and returns the same binary columns, so one streaming
 * loop serves them all:
 *   $1 series uuid   $2 start   $3 end (timestamptz, inclusive)
 *   $4 date_trunc field   $5 time zone   $6 bucket minutes (minuteN) or 0
 * -> ts (timestamptz), value (float8) and, except for TS_RAW_UTC, the UTC
 *    offset of ts in the time zone (int4 seconds), ordered by time.
 * Shapes: raw rows (precision microseconds: what is stored; in UTC a plain
 * index scan, no per-row time-zone work), buckets below
 * a day (truncated on local wall time, but kept apart by their real instant
 * so the repeated hour of a DST change is two buckets; in UTC truncated on
 * the instant itself), buckets of a day and
 * more (local midnight, month start, …). The aggregate is spliced in from a
 * fixed list at compile time; all values stay $-parameters. */
#ifndef SELFSERV_TSDATA_SQL_H
#define SELFSERV_TSDATA_SQL_H

#include "db.h"

enum tsdata_shape { TS_RAW_UTC, TS_RAW, TS_SUBDAY, TS_SUBDAY_UTC, TS_DAYPLUS, TS_SHAPES };
enum tsdata_agg { TS_AVG, TS_MIN, TS_MAX, TS_SUM, TS_COUNT, TS_AGGS };

/* Statement for a shape and aggregate (raw shapes ignore the aggregate). */
const struct db_stmt *tsdata_sql(enum tsdata_shape shape, enum tsdata_agg agg);
/* A raw shape (TS_RAW_UTC, TS_RAW) with a seventh parameter, the most
 * rows to return: $7 int8. */
const struct db_stmt *tsdata_raw_upto_sql(enum tsdata_shape shape);
/* The same buckets from the rollups of sql/000019 (bucketed shapes only,
 * else NULL), three parameters more:
 *   $7 rollup width (seconds)   $8, $9 the rollup rows read: [$8, $9),
 *   both multiples of the width; the window's points outside it are read
 *   as points. */
const struct db_stmt *tsdata_rollup_sql(enum tsdata_shape shape, enum tsdata_agg agg);
/* The same parameters, for a bucket exactly one rollup width long (each
 * rollup row is one bucket): no regrouping, the rows as they are stored. */
const struct db_stmt *tsdata_rollup_direct_sql(enum tsdata_agg agg);

#endif
