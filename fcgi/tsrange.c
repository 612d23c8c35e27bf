/* tsrange.c — parsing and checking a time-series query (see tsrange.h). */
#include "tsrange.h"

#include <string.h>
#include <time.h>

#include "input.h"
#include "status.h"
#include "tzfile.h"

static const struct {
    const char *name;  /* as the API spells it */
    const char *field; /* PostgreSQL date_trunc field */
    int minutes;       /* N of minuteN */
    int day_or_longer;
} precisions[] = {
    { "microseconds", "microseconds", 0, 0 }, { "milliseconds", "milliseconds", 0, 0 },
    { "second", "second", 0, 0 },             { "minute", "minute", 0, 0 },
    { "minute5", "hour", 5, 0 },              { "minute10", "hour", 10, 0 },
    { "minute15", "hour", 15, 0 },            { "minute20", "hour", 20, 0 },
    { "minute30", "hour", 30, 0 },            { "hour", "hour", 0, 0 },
    { "day", "day", 0, 1 },                   { "week", "week", 0, 1 },
    { "month", "month", 0, 1 },               { "year", "year", 0, 1 },
    { "decade", "decade", 0, 1 },             { "century", "century", 0, 1 },
    { "millennia", "millennium", 0, 1 },
};

static const char *const aggregates[] = { "avg", "min", "max", "sum", "count" };

static int64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int parse_precision(struct req *r, struct tsrange *q)
{
    const struct query_value *v = req_query_optional(r, "precision");
    const char *name = v->present ? v->s : "microseconds";
    for (size_t i = 0; i < sizeof precisions / sizeof *precisions; i++) {
        if (strcmp(precisions[i].name, name) == 0) {
            q->precision = precisions[i].field;
            q->bucket_minutes = precisions[i].minutes;
            q->day_or_longer = precisions[i].day_or_longer;
            q->aggregate_rows = i > 0; /* microseconds is what is stored */
            return OK;
        }
    }
    return req_fail(r, 400, "query parameter 'precision' must be one of microseconds, "
                            "milliseconds, second, minute, minute5, minute10, minute15, "
                            "minute20, minute30, hour, day, week, month, year, decade, "
                            "century, millennia");
}

static int parse_aggregate(struct req *r, struct tsrange *q)
{
    const struct query_value *v = req_query_optional(r, "aggregate");
    q->aggregate = v->present ? v->s : "avg";
    for (size_t i = 0; i < sizeof aggregates / sizeof *aggregates; i++)
        if (strcmp(aggregates[i], q->aggregate) == 0)
            return OK;
    return req_fail(r, 400, "query parameter 'aggregate' must be one of avg, min, max, sum, count");
}

/* A zone of the tz database, as the reference's time.LoadLocation checks
 * it (tz_check is that check); "" and absent are UTC. Everything else is
 * refused before it reaches PostgreSQL, which would read "+01:00" or
 * "CET+1" as POSIX zones with the sign reversed (one hour west of UTC),
 * and does not know Go's "Local". */
static int parse_timezone(struct req *r, struct tsrange *q)
{
    const struct query_value *tz = req_query_optional(r, "timezone");
    q->timezone = tz->present && tz->s[0] ? tz->s : "UTC";
    q->utc = strcmp(q->timezone, "UTC") == 0 || strcmp(q->timezone, "Etc/UTC") == 0;
    size_t len = strlen(q->timezone);
    buf_t why = BUF_INIT;
    int known = len <= TSRANGE_ZONE_MAX && strcmp(q->timezone, "Local") != 0 &&
                tz_check(q->timezone, len, &why) == OK;
    buf_free(&why);
    if (known)
        return OK;
    return req_fail(r, 400, arena_sprintf(r->arena,
        "Unknown time zone \"%.*s\": query parameter 'timezone' takes a name of the tz "
        "database, such as UTC or Europe/Stockholm (numeric offsets such as +01:00 are not "
        "zones; Etc/GMT-1 is one hour east of UTC)", TSRANGE_ZONE_MAX, q->timezone));
}

int tsrange_from_query(struct req *r, struct tsrange *q)
{
    memset(q, 0, sizeof *q);
    int64_t now = now_usec();
    const struct query_value *start = req_query_optional(r, "start");
    const struct query_value *end = req_query_optional(r, "end");
    q->start = start->present ? start->i : now;
    q->end = end->present ? end->i : now;
    /* start after end is an empty window (nothing reads, nothing is
     * deleted), as on the reference */
    if (q->end - q->start > TSRANGE_MAX_WINDOW_USEC)
        return req_fail(r, 400, "start to end range exceeds limit (366 days)");
    const struct query_value *ge = req_query_optional(r, "ge");
    const struct query_value *le = req_query_optional(r, "le");
    q->has_ge = ge->present;
    q->ge = ge->d;
    q->has_le = le->present;
    q->le = le->d;
    if (parse_timezone(r, q) != OK)
        return ERROR;
    if (parse_precision(r, q) != OK || parse_aggregate(r, q) != OK)
        return ERROR;
    return OK;
}

int tsrange_value_ok(const struct tsrange *q, double v)
{
    if (q->has_ge && q->has_le) {
        if (q->le >= q->ge)
            return v >= q->ge && v <= q->le;
        return v >= q->ge || v <= q->le;
    }
    if (q->has_ge)
        return v >= q->ge;
    if (q->has_le)
        return v <= q->le;
    return 1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int tsrange_zone_aligned(const struct tsrange *q, int64_t width)
{
    if (q->utc)
        return 1;
    const struct tz_zone *z;
    buf_t err = BUF_INIT;
    int rc = tz_load(q->timezone, strlen(q->timezone), &z, &err);
    buf_free(&err);
    if (rc != OK)
        return 0; /* the zone cache is full: read the points */
    int64_t t = floor_div(q->start, 1000000), last = floor_div(q->end, 1000000);
    for (;;) {
        struct tz_info info;
        tz_lookup(z, t, &info);
        if (info.offset % width != 0)
            return 0;
        if (info.end > last || info.end == INT64_MAX)
            return 1;
        if (floor_div(info.end, width) * width != info.end)
            return 0; /* an offset change inside a rollup row */
        t = info.end;
    }
}
