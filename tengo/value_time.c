/* value_time.c — the calendar behind Tengo's time values (struct tg_time,
 * value.h): civil dates from Unix seconds (proleptic Gregorian, as Go),
 * Go's Time.Format layouts, Time.Sub, time.Date and locations
 * (common/tzfile.h). Kept apart from value.c because
 * it is arithmetic, not heap management. */
#include <stdio.h>
#include <string.h>

#include "time_layout.h"
#include "tzfile.h"
#include "status.h"
#include "value.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t tg_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    /* Howard Hinnant's days_from_civil, m in [1, 12] */
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tg_time_civil(const struct tg_time *t, struct tg_civil *c)
{
    int64_t local = t->sec + t->offset;
    int64_t days = floor_div(local, 86400), secs = local - days * 86400;
    c->hour = (int)(secs / 3600);
    c->min = (int)(secs / 60 % 60);
    c->sec = (int)(secs % 60);
    c->nsec = t->nsec;
    c->wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
    int64_t z = days + 719468, era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c->year = yoe + era * 400 + (c->month <= 2);
    c->yday = (int)(days - tg_days_from_civil(c->year, 1, 1) + 1);
}

int64_t tg_time_sub(const struct tg_time *a, const struct tg_time *b)
{
    __int128 d = ((__int128)a->sec - b->sec) * 1000000000 + (a->nsec - b->nsec);
    if (d > INT64_MAX)
        return INT64_MAX;
    if (d < INT64_MIN)
        return INT64_MIN;
    return (int64_t)d;
}

struct tg_time *tg_time_add(struct tg_heap *h, const struct tg_time *t, int64_t d)
{
    int64_t sec = (int64_t)((uint64_t)t->sec + (uint64_t)(d / 1000000000));
    struct tg_time *r = tg_time_new(h, sec, (int64_t)t->nsec + d % 1000000000, t->offset, t->zone);
    r->local = t->local;
    if (t->loc)
        tg_time_set_loc(r, t->loc); /* the offset in force at the new instant */
    return r;
}

static const char *const long_months[] = { "January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December" };
static const char *const long_days[] = { "Sunday",   "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday" };

const char *tg_month_name(int64_t m)
{
    return m >= 1 && m <= 12 ? long_months[m - 1] : NULL;
}

static bool has(const char *p, const char *end, const char *tok)
{
    size_t n = strlen(tok);
    return (size_t)(end - p) >= n && memcmp(p, tok, n) == 0;
}

static bool lower_at(const char *p, const char *end)
{
    return p < end && *p >= 'a' && *p <= 'z';
}

/* Go's nextStdChunk, one position at a time. */
void tg_layout_token(const char *p, const char *end, struct tg_ltoken *t)
{
    static const struct {
        const char *tok;
        bool colon, mins, secs;
    } zones[] = {
        { "070000", false, true, true }, { "07:00:00", true, true, true },
        { "0700", false, true, false },  { "07:00", true, true, false },
        { "07", false, false, false },
    };
    static const enum tg_ltok zero_x[] = { LT_ZERO_MONTH, LT_ZERO_DAY, LT_ZERO_HOUR12,
                                           LT_ZERO_MINUTE, LT_ZERO_SECOND, LT_YEAR };
    memset(t, 0, sizeof *t);
    t->kind = LT_LITERAL;
    t->len = 1;
#define TOK(k, n) (t->kind = (k), t->len = (n))
    switch (*p) {
    case 'J':
        if (has(p, end, "January"))
            TOK(LT_LONG_MONTH, 7);
        else if (has(p, end, "Jan") && !lower_at(p + 3, end))
            TOK(LT_MONTH, 3);
        break;
    case 'M':
        if (has(p, end, "Monday"))
            TOK(LT_LONG_WEEKDAY, 6);
        else if (has(p, end, "Mon") && !lower_at(p + 3, end))
            TOK(LT_WEEKDAY, 3);
        else if (has(p, end, "MST"))
            TOK(LT_TZ, 3);
        break;
    case '0':
        if (p + 1 < end && p[1] >= '1' && p[1] <= '6')
            TOK(zero_x[p[1] - '1'], 2);
        else if (has(p, end, "002"))
            TOK(LT_ZERO_YDAY, 3);
        break;
    case '1':
        if (has(p, end, "15"))
            TOK(LT_HOUR, 2);
        else
            TOK(LT_NUM_MONTH, 1);
        break;
    case '2':
        if (has(p, end, "2006"))
            TOK(LT_LONG_YEAR, 4);
        else
            TOK(LT_DAY, 1);
        break;
    case '_':
        if (has(p, end, "_2") && !has(p, end, "_2006"))
            TOK(LT_UNDER_DAY, 2);
        else if (has(p, end, "__2"))
            TOK(LT_UNDER_YDAY, 3);
        break;
    case '3': TOK(LT_HOUR12, 1); break;
    case '4': TOK(LT_MINUTE, 1); break;
    case '5': TOK(LT_SECOND, 1); break;
    case 'P':
        if (has(p, end, "PM"))
            TOK(LT_PM, 2);
        break;
    case 'p':
        if (has(p, end, "pm"))
            TOK(LT_PM_LOWER, 2);
        break;
    case '-':
    case 'Z':
        for (size_t i = 0; i < sizeof zones / sizeof *zones; i++)
            if (has(p + 1, end, zones[i].tok)) {
                TOK(LT_NUM_TZ, 1 + strlen(zones[i].tok));
                t->iso = *p == 'Z';
                t->colon = zones[i].colon;
                t->mins = zones[i].mins;
                t->secs = zones[i].secs;
                break;
            }
        break;
    case '.':
    case ',':
        if (p + 1 < end && (p[1] == '0' || p[1] == '9')) {
            const char *q = p + 1;
            while (q < end && *q == p[1])
                q++;
            if (q < end && *q >= '0' && *q <= '9')
                break; /* not a fraction: other digits follow */
            TOK(p[1] == '0' ? LT_FRAC0 : LT_FRAC9, (size_t)(q - p));
            t->digits = (int)(q - p - 1);
            t->sep = *p;
        }
        break;
    default:
        break;
    }
#undef TOK
}

static void put_num(buf_t *out, int64_t v, int width)
{
    if (v < 0) {
        buf_putc(out, '-');
        v = -v;
    }
    buf_printf(out, "%0*lld", width, (long long)v);
}

/* Go's numeric zone forms; iso: "Z" for UTC (the ISO 8601 variants). */
static void put_zone(buf_t *out, int32_t offset, bool iso, bool colon, bool mins, bool secs)
{
    if (iso && offset == 0) {
        buf_putc(out, 'Z');
        return;
    }
    buf_putc(out, offset < 0 ? '-' : '+');
    int32_t a = offset < 0 ? -offset : offset;
    buf_printf(out, "%02d", a / 3600);
    if (mins)
        buf_printf(out, "%s%02d", colon ? ":" : "", a / 60 % 60);
    if (secs)
        buf_printf(out, "%s%02d", colon ? ":" : "", a % 60);
}

static void put_frac(buf_t *out, const struct tg_ltoken *t, int nsec)
{
    int digits = t->digits > 9 ? 9 : t->digits;
    char f[10];
    snprintf(f, sizeof f, "%09d", nsec);
    if (t->kind == LT_FRAC9) {
        while (digits > 0 && f[digits - 1] == '0')
            digits--;
        if (digits == 0)
            return;
    }
    buf_putc(out, t->sep);
    buf_append(out, f, (size_t)digits);
}

void tg_time_format(buf_t *out, const struct tg_time *t, const char *layout, size_t len)
{
    struct tg_civil c;
    tg_time_civil(t, &c);
    const char *p = layout, *end = layout + len;
    int h12 = c.hour % 12 ? c.hour % 12 : 12;
    while (p < end) {
        struct tg_ltoken k;
        tg_layout_token(p, end, &k);
        switch (k.kind) {
        case LT_LITERAL: buf_putc(out, *p); break;
        case LT_LONG_MONTH: buf_puts(out, long_months[c.month - 1]); break;
        case LT_MONTH: buf_append(out, long_months[c.month - 1], 3); break;
        case LT_NUM_MONTH: buf_printf(out, "%d", c.month); break;
        case LT_ZERO_MONTH: buf_printf(out, "%02d", c.month); break;
        case LT_LONG_WEEKDAY: buf_puts(out, long_days[c.wday]); break;
        case LT_WEEKDAY: buf_append(out, long_days[c.wday], 3); break;
        case LT_DAY: buf_printf(out, "%d", c.day); break;
        case LT_UNDER_DAY: buf_printf(out, "%2d", c.day); break;
        case LT_ZERO_DAY: buf_printf(out, "%02d", c.day); break;
        case LT_UNDER_YDAY: buf_printf(out, "%3d", c.yday); break;
        case LT_ZERO_YDAY: buf_printf(out, "%03d", c.yday); break;
        case LT_HOUR: buf_printf(out, "%02d", c.hour); break;
        case LT_HOUR12: buf_printf(out, "%d", h12); break;
        case LT_ZERO_HOUR12: buf_printf(out, "%02d", h12); break;
        case LT_MINUTE: buf_printf(out, "%d", c.min); break;
        case LT_ZERO_MINUTE: buf_printf(out, "%02d", c.min); break;
        case LT_SECOND: buf_printf(out, "%d", c.sec); break;
        case LT_ZERO_SECOND: buf_printf(out, "%02d", c.sec); break;
        case LT_LONG_YEAR: put_num(out, c.year, 4); break;
        case LT_YEAR: buf_printf(out, "%02d", (int)(((c.year % 100) + 100) % 100)); break;
        case LT_PM: buf_puts(out, c.hour >= 12 ? "PM" : "AM"); break;
        case LT_PM_LOWER: buf_puts(out, c.hour >= 12 ? "pm" : "am"); break;
        case LT_TZ:
            if (t->zone[0])
                buf_puts(out, t->zone);
            else
                put_zone(out, t->offset, false, false, true, false);
            break;
        case LT_NUM_TZ: put_zone(out, t->offset, k.iso, k.colon, k.mins, k.secs); break;
        case LT_FRAC0:
        case LT_FRAC9: put_frac(out, &k, c.nsec); break;
        }
        p += k.len;
    }
}

/* ---- locations ---- */

void tg_time_set_loc(struct tg_time *t, const struct tz_zone *z)
{
    struct tz_info in = { .offset = 0, .abbr = "UTC" };
    if (z)
        tz_lookup(z, t->sec, &in);
    t->loc = z;
    t->offset = in.offset;
    snprintf(t->zone, sizeof t->zone, "%s", in.abbr);
}

static int64_t saturate(__int128 x)
{
    return x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : (int64_t)x;
}

struct tg_time *tg_time_date(struct tg_heap *h, const int64_t f[7], const struct tz_zone *z,
                             int32_t offset, const char *abbr)
{
    int64_t year = f[0], m = f[1] - 1;
    year += m / 12 - (m % 12 < 0);
    m = ((m % 12) + 12) % 12;
    if (year > 1000000000000LL)
        year = 1000000000000LL;
    if (year < -1000000000000LL)
        year = -1000000000000LL;
    __int128 wall = (__int128)tg_days_from_civil(year, m + 1, 1) * 86400 +
                    ((__int128)f[2] - 1) * 86400 + (__int128)f[3] * 3600 + (__int128)f[4] * 60 +
                    f[5] + f[6] / 1000000000 - (f[6] % 1000000000 < 0);
    int64_t w = saturate(wall), nsec = ((f[6] % 1000000000) + 1000000000) % 1000000000;
    if (z) {
        struct tg_time *t = tg_time_new(h, tz_wall_to_utc(z, w), nsec, 0, NULL);
        tg_time_set_loc(t, z);
        return t;
    }
    return tg_time_new(h, (int64_t)((uint64_t)w - (uint64_t)(int64_t)offset), nsec, offset, abbr);
}

const struct tz_zone *tg_local_zone(void)
{
    const struct tz_zone *z = NULL;
    buf_t err = BUF_INIT;
    if (tz_load("Local", 5, &z, &err) != OK)
        z = NULL;
    buf_free(&err);
    return z;
}

struct tg_time *tg_time_local(struct tg_heap *h, int64_t sec, int64_t nsec)
{
    struct tg_time *t = tg_time_new(h, sec, nsec, 0, "UTC");
    tg_time_set_loc(t, tg_local_zone());
    t->local = true;
    return t;
}
