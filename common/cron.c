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
#include <sys/stat.h>
#include <time.h>

#include "status.h"

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

static int zone_file_exists(const char *name)
{
    static const char *const dirs[] = { "/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/",
                                        "/usr/lib/locale/TZ/", "/etc/zoneinfo/" };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[CRON_TZ_MAX + 64];
        snprintf(path, sizeof path, "%s%s", dirs[i], name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        FILE *f = fopen(path, "rb");
        char magic[4] = { 0 };
        int ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
        if (f)
            fclose(f);
        if (ok)
            return 1;
    }
    return 0;
}

/* time.LoadLocation: "" and "UTC" are UTC, "Local" the local zone, other
 * names a file of the tz database (no "..", not absolute). */
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
    if (z[0] == '/' || z[0] == '\\' || strstr(z, "..") || !zone_file_exists(z))
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

/* Broken-down time in the spec's zone and back (the zone is in effect
 * through TZ for CRON_ZONE_NAMED while cron_spec_next runs). */
static void to_tm(time_t t, struct tm *tm, int utc)
{
    if (utc)
        gmtime_r(&t, tm);
    else
        localtime_r(&t, tm);
}

static time_t from_tm(struct tm *tm, int utc)
{
    tm->tm_isdst = -1;
    return utc ? timegm(tm) : mktime(tm);
}

static int day_matches(const struct cron_spec *s, const struct tm *tm)
{
    int dom = (s->dom >> tm->tm_mday) & 1, dow = (s->dow >> tm->tm_wday) & 1;
    if ((s->dom & CRON_STAR) || (s->dow & CRON_STAR))
        return dom && dow;
    return dom || dow;
}

static time_t floor_div(time_t a, time_t b)
{
    return a / b - (a % b < 0);
}

/* SpecSchedule.Next: walk month, day, hour, minute, second forward; a
 * wrap of a larger unit starts over; give up five years on. */
static int spec_next(const struct cron_spec *s, time_t after, int utc, time_t *next)
{
    time_t t = after + 1;
    struct tm tm;
    to_tm(t, &tm, utc);
    int added = 0, year_limit = tm.tm_year + 5;

wrap:
    to_tm(t, &tm, utc);
    if (tm.tm_year > year_limit)
        return ERROR;
    while (!((s->month >> (tm.tm_mon + 1)) & 1)) {
        if (!added) {
            added = 1;
            tm.tm_mday = 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            t = from_tm(&tm, utc);
            to_tm(t, &tm, utc);
        }
        tm.tm_mon++;
        t = from_tm(&tm, utc);
        to_tm(t, &tm, utc);
        if (tm.tm_mon == 0)
            goto wrap;
    }
    while (!day_matches(s, &tm)) {
        if (!added) {
            added = 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            t = from_tm(&tm, utc);
            to_tm(t, &tm, utc);
        }
        tm.tm_mday++;
        t = from_tm(&tm, utc);
        to_tm(t, &tm, utc);
        /* midnight may have moved by a daylight-saving change */
        if (tm.tm_hour != 0) {
            t += tm.tm_hour > 12 ? (time_t)(24 - tm.tm_hour) * 3600 : -(time_t)tm.tm_hour * 3600;
            to_tm(t, &tm, utc);
        }
        if (tm.tm_mday == 1)
            goto wrap;
    }
    while (!((s->hour >> tm.tm_hour) & 1)) {
        if (!added) {
            added = 1;
            tm.tm_min = tm.tm_sec = 0;
            t = from_tm(&tm, utc);
        }
        t += 3600;
        to_tm(t, &tm, utc);
        if (tm.tm_hour == 0)
            goto wrap;
    }
    while (!((s->minute >> tm.tm_min) & 1)) {
        if (!added) {
            added = 1;
            t = floor_div(t, 60) * 60;
        }
        t += 60;
        to_tm(t, &tm, utc);
        if (tm.tm_min == 0)
            goto wrap;
    }
    while (!((s->second >> tm.tm_sec) & 1)) {
        added = 1;
        t += 1;
        to_tm(t, &tm, utc);
        if (tm.tm_sec == 0)
            goto wrap;
    }
    *next = t;
    return OK;
}

int cron_spec_next(const struct cron_spec *spec, int64_t after_usec, int64_t *next_usec)
{
    int64_t after_sec = after_usec / 1000000 - (after_usec % 1000000 < 0);
    if (spec->every_usec > 0) {
        *next_usec = after_sec * 1000000 + spec->every_usec;
        return OK;
    }
    char *saved = NULL;
    if (spec->zone == CRON_ZONE_NAMED) {
        const char *old = getenv("TZ");
        saved = old ? strdup(old) : NULL;
        char tz[CRON_TZ_MAX + 2];
        snprintf(tz, sizeof tz, ":%s", spec->zone_name);
        setenv("TZ", tz, 1);
        tzset();
    }
    time_t next;
    int rc = spec_next(spec, (time_t)after_sec, spec->zone == CRON_ZONE_UTC, &next);
    if (spec->zone == CRON_ZONE_NAMED) {
        if (saved)
            setenv("TZ", saved, 1);
        else
            unsetenv("TZ");
        tzset();
        free(saved);
    }
    if (rc == OK)
        *next_usec = (int64_t)next * 1000000;
    return rc;
}

int cron_next(const char *expr, int64_t after_usec, int64_t *next_usec)
{
    struct cron_spec spec;
    if (cron_parse(expr, &spec, NULL, 0) != OK)
        return ERROR;
    return cron_spec_next(&spec, after_usec, next_usec);
}
