/* cron.c — cron schedules as robfig/cron v3 reads them (see cron.h): the
 * parser, Go's duration syntax for "@every", and the search for the next
 * activation, written after the library's algorithm so a schedule runs at
 * the same instants under either server. */
#include "cron.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"
#include "tzfile.h"

#define NS_PER_SEC INT64_C(1000000000)
#define FIELDS 6
#define CRON_SPEC_MAX 512 /* longest text after a location prefix */

struct bounds {
    unsigned min, max;
    const char *const *names; /* names[i] is value min_name + i */
    unsigned names_base;
};

static const char *const MONTH_NAMES[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul",
                                           "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const DOW_NAMES[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };

static const struct bounds FIELD_BOUNDS[FIELDS] = {
    { 0, 59, NULL, 0 },         /* second */
    { 0, 59, NULL, 0 },         /* minute */
    { 0, 23, NULL, 0 },         /* hour */
    { 1, 31, NULL, 0 },         /* day of month */
    { 1, 12, MONTH_NAMES, 1 },  /* month */
    { 0, 6, DOW_NAMES, 0 },     /* day of week */
};

static int fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
    if (err && errsz) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
    }
    return ERROR;
}

/* ---- numbers and names ---------------------------------------------------- */

/* Go's strconv.Atoi on s[0..n): optional sign, decimal digits, int64. */
static int go_atoi(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return ERROR;
    uint64_t v = 0, limit = (uint64_t)INT64_MAX + (uint64_t)neg;
    for (; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return ERROR;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (limit - d) / 10)
            return ERROR;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return OK;
}

/* mustParseInt: a non-negative integer. */
static int parse_uint(const char *s, size_t n, int64_t *out, char *err, size_t errsz)
{
    if (go_atoi(s, n, out) != OK)
        return fail(err, errsz, "failed to parse int from %.*s", (int)n, s);
    if (*out < 0)
        return fail(err, errsz, "negative number (%lld) not allowed: %.*s", (long long)*out,
                    (int)n, s);
    return OK;
}

/* parseIntOrName: a name of the field (case-insensitive) or a number. */
static int parse_value(const char *s, size_t n, const struct bounds *b, int64_t *out, char *err,
                       size_t errsz)
{
    if (b->names && n == 3) {
        for (unsigned i = 0; b->names[i]; i++) {
            if (tolower((unsigned char)s[0]) == b->names[i][0] &&
                tolower((unsigned char)s[1]) == b->names[i][1] &&
                tolower((unsigned char)s[2]) == b->names[i][2]) {
                *out = (int64_t)(b->names_base + i);
                return OK;
            }
        }
    }
    return parse_uint(s, n, out, err, errsz);
}

/* ---- fields ------------------------------------------------------------- */

/* One comma-separated piece: number | number "-" number [ "/" number ],
 * or * / ? with an optional step. */
static int parse_range(const char *s, size_t n, const struct bounds *b, uint64_t *bits,
                       char *err, size_t errsz)
{
    const char *slash = memchr(s, '/', n);
    size_t rlen = slash ? (size_t)(slash - s) : n;
    if (slash && memchr(slash + 1, '/', n - rlen - 1))
        return fail(err, errsz, "too many slashes: %.*s", (int)n, s);
    const char *dash = memchr(s, '-', rlen);
    size_t lowlen = dash ? (size_t)(dash - s) : rlen;
    int single = dash == NULL;
    int64_t start, end, step = 1;
    uint64_t extra = 0;

    if (lowlen == 1 && (s[0] == '*' || s[0] == '?')) {
        /* the library ignores whatever follows a star's '-' */
        start = b->min;
        end = b->max;
        extra = CRON_STAR;
    } else {
        if (parse_value(s, lowlen, b, &start, err, errsz) != OK)
            return ERROR;
        if (single) {
            end = start;
        } else {
            const char *hi = dash + 1;
            size_t hilen = rlen - lowlen - 1;
            if (memchr(hi, '-', hilen))
                return fail(err, errsz, "too many hyphens: %.*s", (int)n, s);
            if (parse_value(hi, hilen, b, &end, err, errsz) != OK)
                return ERROR;
        }
    }
    if (slash) {
        if (parse_uint(slash + 1, n - rlen - 1, &step, err, errsz) != OK)
            return ERROR;
        if (single)
            end = b->max; /* "N/step" is "N-max/step" */
        if (step > 1)
            extra = 0;
    }
    if (start < (int64_t)b->min)
        return fail(err, errsz, "beginning of range (%lld) below minimum (%u): %.*s",
                    (long long)start, b->min, (int)n, s);
    if (end > (int64_t)b->max)
        return fail(err, errsz, "end of range (%lld) above maximum (%u): %.*s", (long long)end,
                    b->max, (int)n, s);
    if (start > end)
        return fail(err, errsz, "beginning of range (%lld) beyond end of range (%lld): %.*s",
                    (long long)start, (long long)end, (int)n, s);
    if (step == 0)
        return fail(err, errsz, "step of range should be a positive number: %.*s", (int)n, s);
    for (int64_t v = start; v <= end; v += step)
        *bits |= UINT64_C(1) << v;
    *bits |= extra;
    return OK;
}

static int parse_field(const char *s, size_t n, const struct bounds *b, uint64_t *bits,
                       char *err, size_t errsz)
{
    *bits = 0;
    int pieces = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 0;
        while (i + len < n && s[i + len] != ',')
            len++;
        if (len > 0) {
            if (parse_range(s + i, len, b, bits, err, errsz) != OK)
                return ERROR;
            pieces++;
        }
        i += len + 1;
    }
    if (pieces == 0)
        return fail(err, errsz, "field has no values: %.*s", (int)n, s);
    return OK;
}

/* ---- durations ("@every") --------------------------------------------------- */

static const struct {
    const char *name;
    uint64_t ns;
} UNITS[] = {
    { "ns", 1 },           { "us", 1000 },          { "\xc2\xb5s", 1000 }, /* µ U+00B5 */
    { "\xce\xbcs", 1000 }, /* μ U+03BC */
    { "ms", 1000000 },     { "s", 1000000000 },     { "m", UINT64_C(60000000000) },
    { "h", UINT64_C(3600000000000) },
};

/* Go's time.ParseDuration. */
static int go_duration(const char *s, int64_t *out)
{
    const uint64_t limit = UINT64_C(1) << 63;
    int neg = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) {
        *out = 0;
        return OK;
    }
    if (*s == '\0')
        return ERROR;
    uint64_t total = 0;
    while (*s) {
        if (!(*s == '.' || isdigit((unsigned char)*s)))
            return ERROR;
        uint64_t v = 0;
        const char *p = s;
        for (; isdigit((unsigned char)*s); s++) {
            if (v > limit / 10)
                return ERROR;
            v = v * 10 + (uint64_t)(*s - '0');
            if (v > limit)
                return ERROR;
        }
        int pre = s != p;
        int post = 0;
        uint64_t frac = 0;
        double scale = 1;
        if (*s == '.') {
            s++;
            int overflow = 0;
            for (p = s; isdigit((unsigned char)*s); s++) {
                if (overflow || frac > (limit - 1) / 10) {
                    overflow = 1; /* further digits do not count, as in Go */
                    continue;
                }
                frac = frac * 10 + (uint64_t)(*s - '0');
                scale *= 10;
            }
            post = s != p;
        }
        if (!pre && !post)
            return ERROR;
        size_t ulen = 0;
        while (s[ulen] && s[ulen] != '.' && !isdigit((unsigned char)s[ulen]))
            ulen++;
        if (ulen == 0)
            return ERROR; /* missing unit */
        uint64_t unit = 0;
        for (size_t i = 0; i < sizeof UNITS / sizeof *UNITS; i++)
            if (strlen(UNITS[i].name) == ulen && memcmp(UNITS[i].name, s, ulen) == 0)
                unit = UNITS[i].ns;
        if (unit == 0)
            return ERROR;
        s += ulen;
        if (v > limit / unit)
            return ERROR;
        v *= unit;
        if (frac > 0) {
            v += (uint64_t)((double)frac * ((double)unit / scale));
            if (v > limit)
                return ERROR;
        }
        total += v;
        if (total > limit)
            return ERROR;
    }
    if (neg) {
        *out = (int64_t)(0 - total);
        return OK;
    }
    if (total > (uint64_t)INT64_MAX)
        return ERROR;
    *out = (int64_t)total;
    return OK;
}

/* ---- zones ---------------------------------------------------------------- */

/* time.LoadLocation: "" and "UTC" are UTC, "Local" the local zone, other
 * names a file of the tz database (no "..", not absolute), which must load
 * now: a schedule is refused here rather than failing at every run. */
static int zone_load(const char *name, size_t n, struct cron_spec *out, char *err, size_t errsz)
{
    if (n == 0 || (n == 3 && memcmp(name, "UTC", 3) == 0)) {
        out->zone = CRON_ZONE_UTC;
        return OK;
    }
    if (n == 5 && memcmp(name, "Local", 5) == 0) {
        out->zone = CRON_ZONE_LOCAL;
        return OK;
    }
    char z[CRON_TZ_MAX];
    if (n >= sizeof z || memchr(name, '\0', n))
        return fail(err, errsz, "provided bad location %.*s", (int)n, name);
    memcpy(z, name, n);
    z[n] = '\0';
    buf_t why = BUF_INIT;
    int rc = tz_check(z, n, &why); /* loaded for real only when a run is due */
    buf_free(&why); /* the message stays the one cron has always given */
    if (rc != OK)
        return fail(err, errsz, "provided bad location %s: unknown time zone %s", z, z);
    out->zone = CRON_ZONE_NAMED;
    memcpy(out->zone_name, z, n + 1);
    return OK;
}

/* ---- the parser ----------------------------------------------------------- */

static int descriptor(const char *s, struct cron_spec *out, char *err, size_t errsz)
{
    static const struct {
        const char *name;
        const char *fields[FIELDS];
    } named[] = {
        { "@yearly", { "0", "0", "0", "1", "1", "*" } },
        { "@annually", { "0", "0", "0", "1", "1", "*" } },
        { "@monthly", { "0", "0", "0", "1", "*", "*" } },
        { "@weekly", { "0", "0", "0", "*", "*", "0" } },
        { "@daily", { "0", "0", "0", "*", "*", "*" } },
        { "@midnight", { "0", "0", "0", "*", "*", "*" } },
        { "@hourly", { "0", "0", "*", "*", "*", "*" } },
    };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        if (strcmp(s, named[i].name) != 0)
            continue;
        uint64_t *bits[FIELDS] = { &out->second, &out->minute, &out->hour,
                                   &out->dom,    &out->month,  &out->dow };
        for (int f = 0; f < FIELDS; f++)
            parse_field(named[i].fields[f], strlen(named[i].fields[f]), &FIELD_BOUNDS[f],
                        bits[f], NULL, 0);
        return OK;
    }
    static const char every[] = "@every ";
    if (strncmp(s, every, sizeof every - 1) != 0)
        return fail(err, errsz, "unrecognized descriptor: %s", s);
    int64_t ns;
    if (go_duration(s + sizeof every - 1, &ns) != OK)
        return fail(err, errsz, "failed to parse duration %s: invalid duration", s);
    if (ns <= 0)
        return fail(err, errsz, "duration of %s must be positive", s);
    if (ns < NS_PER_SEC)
        ns = NS_PER_SEC;
    out->every_usec = (ns - ns % NS_PER_SEC) / 1000;
    return OK;
}

/* Everything after an optional location: a descriptor or six fields. */
static int parse_body(const char *s, struct cron_spec *out, char *err, size_t errsz)
{
    if (*s == '@')
        return descriptor(s, out, err, errsz);
    const char *start[FIELDS];
    size_t len[FIELDS];
    int n = 0;
    for (const char *p = s; *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (n < FIELDS) {
            start[n] = b;
            len[n] = (size_t)(p - b);
        }
        n++;
    }
    if (n != FIELDS)
        return fail(err, errsz, "expected exactly %d fields, found %d: %s", FIELDS, n, s);
    uint64_t *bits[FIELDS] = { &out->second, &out->minute, &out->hour,
                               &out->dom,    &out->month,  &out->dow };
    for (int f = 0; f < FIELDS; f++)
        if (parse_field(start[f], len[f], &FIELD_BOUNDS[f], bits[f], err, errsz) != OK)
            return ERROR;
    return OK;
}

int cron_parse(const char *expr, struct cron_spec *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    out->zone = CRON_ZONE_LOCAL;
    if (!expr || !*expr)
        return fail(err, errsz, "empty spec string");
    if (strncmp(expr, "TZ=", 3) != 0 && strncmp(expr, "CRON_TZ=", 8) != 0)
        return parse_body(expr, out, err, errsz);

    /* "TZ=zone rest": the zone ends at the first space; rest is trimmed */
    const char *space = strchr(expr, ' ');
    if (!space)
        return fail(err, errsz, "invalid location descriptor: %s", expr);
    const char *eq = strchr(expr, '=');
    if (zone_load(eq + 1, (size_t)(space - eq - 1), out, err, errsz) != OK)
        return ERROR;
    const char *s = space;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    char body[CRON_SPEC_MAX];
    if (len == 0)
        return fail(err, errsz, "nothing after the location: %s", expr);
    if (len >= sizeof body)
        return fail(err, errsz, "spec longer than %d bytes", CRON_SPEC_MAX - 1);
    memcpy(body, s, len);
    body[len] = '\0';
    return parse_body(body, out, err, errsz);
}

/* ---- next activation ------------------------------------------------------ */

/* The library walks a Go time.Time: an instant read through its zone at
 * every step, moved either by a duration (Add, Truncate: on the instant)
 * or by time.Date / AddDate (on the wall clock, normalised by the zone's
 * rules). Both are done here the same way, with tzfile.h in place of Go's
 * zone data, so no process state (TZ) is involved. */

struct wall {
    int64_t year;
    int mon, day, hour, min, sec, wday; /* mon 1-12, day 1-31, wday 0 = Sunday */
};

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

/* Days since 1970-01-01 and back; years counted from March so the leap
 * day ends the shifted year (an era is 400 years = 146097 days). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* t.Date(), t.Clock(), t.Weekday() in zone z. */
static void wall_of(const struct tz_zone *z, int64_t t, struct wall *w)
{
    struct tz_info in;
    tz_lookup(z, t, &in);
    int64_t local = t + in.offset;
    int64_t days = floor_div(local, 86400);
    int secs = (int)(local - days * 86400);
    civil_from_days(days, &w->year, &w->mon, &w->day);
    w->hour = secs / 3600;
    w->min = secs / 60 % 60;
    w->sec = secs % 60;
    w->wday = (int)(days - floor_div(days + 4, 7) * 7 + 4); /* 1970-01-01 was a Thursday */
}

/* time.Date(year, mon, day, hour, min, sec, 0, z): a month past December
 * carries into the year, a day past the month's end into the next month
 * (the callers only ever go one past); the wall time is then placed by
 * the zone as Go places it (tz_wall_to_utc). */
static int64_t go_date(const struct tz_zone *z, int64_t year, int mon, int day, int hour, int min,
                       int sec)
{
    int64_t m0 = mon - 1;
    year += floor_div(m0, 12);
    m0 -= floor_div(m0, 12) * 12;
    int64_t days = days_from_civil(year, (int)m0 + 1, 1) + day - 1;
    return tz_wall_to_utc(z, days * 86400 + hour * 3600 + min * 60 + sec);
}

static int day_matches(const struct cron_spec *s, const struct wall *w)
{
    int dom = (s->dom >> w->day) & 1, dow = (s->dow >> w->wday) & 1;
    if ((s->dom & CRON_STAR) || (s->dow & CRON_STAR))
        return dom && dow;
    return dom || dow;
}

/* SpecSchedule.Next: walk month, day, hour, minute, second forward; a
 * wrap of a larger unit starts over; give up five years on. */
static int spec_next(const struct cron_spec *s, const struct tz_zone *z, int64_t after,
                     int64_t *next)
{
    int64_t t = after + 1;
    struct wall w;
    wall_of(z, t, &w);
    int added = 0;
    int64_t year_limit = w.year + 5;

wrap:
    wall_of(z, t, &w);
    if (w.year > year_limit)
        return ERROR;
    while (!((s->month >> w.mon) & 1)) {
        if (!added) {
            added = 1;
            t = go_date(z, w.year, w.mon, 1, 0, 0, 0);
            wall_of(z, t, &w);
        }
        t = go_date(z, w.year, w.mon + 1, w.day, w.hour, w.min, w.sec); /* AddDate(0, 1, 0) */
        wall_of(z, t, &w);
        if (w.mon == 1)
            goto wrap;
    }
    while (!day_matches(s, &w)) {
        if (!added) {
            added = 1;
            t = go_date(z, w.year, w.mon, w.day, 0, 0, 0);
            wall_of(z, t, &w);
        }
        int64_t before = t;
        t = go_date(z, w.year, w.mon, w.day + 1, w.hour, w.min, w.sec); /* AddDate(0, 0, 1) */
        /* A zone that skips a whole day (Pacific/Apia, 2011-12-30) makes
         * AddDate land where it started: the library loops forever there,
         * we step over the lost day. */
        if (t <= before)
            t = before + 86400;
        wall_of(z, t, &w);
        /* midnight may have moved by a daylight-saving change */
        if (w.hour != 0) {
            t += w.hour > 12 ? (int64_t)(24 - w.hour) * 3600 : -(int64_t)w.hour * 3600;
            wall_of(z, t, &w);
        }
        if (w.day == 1)
            goto wrap;
    }
    while (!((s->hour >> w.hour) & 1)) {
        if (!added) {
            added = 1;
            t = go_date(z, w.year, w.mon, w.day, w.hour, 0, 0);
        }
        t += 3600;
        wall_of(z, t, &w);
        if (w.hour == 0)
            goto wrap;
    }
    while (!((s->minute >> w.min) & 1)) {
        if (!added) {
            added = 1;
            t = floor_div(t, 60) * 60; /* Truncate(time.Minute): on the instant */
        }
        t += 60;
        wall_of(z, t, &w);
        if (w.min == 0)
            goto wrap;
    }
    while (!((s->second >> w.sec) & 1)) {
        added = 1;
        t += 1;
        wall_of(z, t, &w);
        if (w.sec == 0)
            goto wrap;
    }
    *next = t;
    return OK;
}

int cron_spec_next(const struct cron_spec *spec, int64_t after_usec, int64_t *next_usec)
{
    int64_t after_sec = floor_div(after_usec, 1000000);
    if (spec->every_usec > 0) {
        *next_usec = after_sec * 1000000 + spec->every_usec;
        return OK;
    }
    const char *name = spec->zone == CRON_ZONE_NAMED ? spec->zone_name
                       : spec->zone == CRON_ZONE_LOCAL ? "Local"
                                                       : "UTC";
    const struct tz_zone *z;
    buf_t why = BUF_INIT;
    int rc = tz_load(name, strlen(name), &z, &why);
    buf_free(&why);
    if (rc != OK)
        return ERROR; /* the zone file went away since the spec was parsed */
    int64_t next;
    if (spec_next(spec, z, after_sec, &next) != OK)
        return ERROR;
    *next_usec = next * 1000000;
    return OK;
}

int cron_next(const char *expr, int64_t after_usec, int64_t *next_usec)
{
    struct cron_spec spec;
    if (cron_parse(expr, &spec, NULL, 0) != OK)
        return ERROR;
    return cron_spec_next(&spec, after_usec, next_usec);
}
