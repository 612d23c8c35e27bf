/* tsrange.h — the query of a time-series read, write or delete, checked
 * once: window (start/end, inclusive, default now, at most 366 days + 1 s;
 * start after end is an empty window),
 * value filter (ge/le), precision and aggregate, time zone and unit. The
 * handlers in tsdata.c only see validated values. */
#ifndef SELFSERV_TSRANGE_H
#define SELFSERV_TSRANGE_H

#include <stdint.h>

#include "request.h"

/* Longest zone name echoed in an error (tz database names are shorter). */
#define TSRANGE_ZONE_MAX 64

/* Longest window the reference accepts (checked on it): 366 days + 1 s. */
#define TSRANGE_MAX_WINDOW_USEC (INT64_C(31622401) * 1000000)

struct tsrange {
    int64_t start, end;      /* usec since the epoch, inclusive */
    int has_ge, has_le;
    double ge, le;
    const char *precision;   /* PostgreSQL date_trunc field or "minuteN" */
    int bucket_minutes;      /* 5, 10, 15, 20, 30 for minuteN, else 0 */
    int aggregate_rows;      /* 0: one row per point (precision microseconds) */
    int day_or_longer;       /* buckets start at local midnight (day … millennia) */
    const char *aggregate;   /* avg | min | max | sum | count */
    const char *timezone;    /* a tz database name, default "UTC" */
    int utc;                 /* timezone is UTC: no per-row offset needed */
};

/* Fills q from r's query (start, end, ge, le, precision, aggregate,
 * timezone — whichever the route declares). 400 on bad input. */
int tsrange_from_query(struct req *r, struct tsrange *q);
/* 1 when v passes ge/le as the spec defines it: both given and le >= ge:
 * ge <= v <= le (inside the window); ge > le: v >= ge or v <= le (outside);
 * one given: that bound only. */
int tsrange_value_ok(const struct tsrange *q, double v);
/* 1 when every UTC offset of q's zone in force during the window and every
 * instant within it at which the offset changes are multiples of width
 * seconds: then local wall-clock boundaries of a precision of at least
 * width (and local midnights) fall on multiples of width in UTC, and a
 * rollup row of that width lies in one bucket. 0 otherwise (LMT offsets
 * of old dates, odd zones), or when the zone cannot be loaded. */
int tsrange_zone_aligned(const struct tsrange *q, int64_t width);

#endif
