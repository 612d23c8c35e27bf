/* value_time.c — the calendar behind Tengo's time values (struct tg_time,
 * value.h): civil dates from Unix seconds (proleptic Gregorian, as Go),
 * Go's Time.Format layouts and Time.Sub. Kept apart from value.c because
 * it is arithmetic, not heap management. */
#include <stdio.h>
#include <string.h>

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

static void put_num(buf_t *out, int64_t v, int width)
{
    if (v < 0) {
        buf_putc(out, '-');
        v = -v;
    }
    buf_printf(out, "%0*lld", width, (long long)v);
}

/* Go's numeric zone forms: colon between parts, with/without minutes and
 * seconds; z: "Z" for UTC (the ISO 8601 variants). */
static void put_zone(buf_t *out, int32_t offset, bool z, bool colon, bool mins, bool secs)
{
    if (z && offset == 0) {
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

/* A zone token at p (after the leading '-' or 'Z'): its length, or 0. */
static size_t zone_token(buf_t *out, const struct tg_time *t, const char *p, const char *end)
{
    static const struct {
        const char *tok;
        bool colon, mins, secs;
    } forms[] = {
        { "070000", false, true, true }, { "07:00:00", true, true, true },
        { "0700", false, true, false },  { "07:00", true, true, false },
        { "07", false, false, false },
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        if (has(p + 1, end, forms[i].tok)) {
            put_zone(out, t->offset, *p == 'Z', forms[i].colon, forms[i].mins, forms[i].secs);
            return 1 + strlen(forms[i].tok);
        }
    return 0;
}

void tg_time_format(buf_t *out, const struct tg_time *t, const char *layout, size_t len)
{
    struct tg_civil c;
    tg_time_civil(t, &c);
    const char *p = layout, *end = layout + len;
    int h12 = c.hour % 12 ? c.hour % 12 : 12;
    while (p < end) {
        size_t n = 0;
        switch (*p) {
        case 'J':
            if (has(p, end, "January")) {
                buf_puts(out, long_months[c.month - 1]);
                n = 7;
            } else if (has(p, end, "Jan")) {
                buf_append(out, long_months[c.month - 1], 3);
                n = 3;
            }
            break;
        case 'M':
            if (has(p, end, "Monday")) {
                buf_puts(out, long_days[c.wday]);
                n = 6;
            } else if (has(p, end, "Mon")) {
                buf_append(out, long_days[c.wday], 3);
                n = 3;
            } else if (has(p, end, "MST")) {
                if (t->zone[0])
                    buf_puts(out, t->zone);
                else
                    put_zone(out, t->offset, false, false, true, false);
                n = 3;
            }
            break;
        case '0':
            if (p + 1 < end && p[1] >= '1' && p[1] <= '6') {
                static const int pick[] = { 0, 1, 2, 3, 4, 5 };
                int v[] = { c.month, c.day, h12, c.min, c.sec, (int)(((c.year % 100) + 100) % 100) };
                buf_printf(out, "%02d", v[pick[p[1] - '1']]);
                n = 2;
            } else if (has(p, end, "002")) {
                buf_printf(out, "%03d", c.yday);
                n = 3;
            }
            break;
        case '1':
            if (has(p, end, "15")) {
                buf_printf(out, "%02d", c.hour);
                n = 2;
            } else {
                buf_printf(out, "%d", c.month);
                n = 1;
            }
            break;
        case '2':
            if (has(p, end, "2006")) {
                put_num(out, c.year, 4);
                n = 4;
            } else {
                buf_printf(out, "%d", c.day);
                n = 1;
            }
            break;
        case '_':
            if (has(p, end, "_2") && !has(p, end, "_2006")) {
                buf_printf(out, "%2d", c.day);
                n = 2;
            } else if (has(p, end, "__2")) {
                buf_printf(out, "%3d", c.yday);
                n = 3;
            }
            break;
        case '3': buf_printf(out, "%d", h12); n = 1; break;
        case '4': buf_printf(out, "%d", c.min); n = 1; break;
        case '5': buf_printf(out, "%d", c.sec); n = 1; break;
        case 'P':
            if (has(p, end, "PM")) {
                buf_puts(out, c.hour >= 12 ? "PM" : "AM");
                n = 2;
            }
            break;
        case 'p':
            if (has(p, end, "pm")) {
                buf_puts(out, c.hour >= 12 ? "pm" : "am");
                n = 2;
            }
            break;
        case '-':
        case 'Z':
            n = zone_token(out, t, p, end);
            break;
        case '.':
        case ',':
            if (p + 1 < end && (p[1] == '0' || p[1] == '9')) {
                const char *q = p + 1;
                while (q < end && *q == p[1])
                    q++;
                if (q < end && *q >= '0' && *q <= '9')
                    break; /* not a fraction: digits follow */
                int digits = (int)(q - p - 1);
                if (digits > 9)
                    digits = 9;
                char f[10];
                snprintf(f, sizeof f, "%09d", (int)c.nsec);
                if (p[1] == '9') {
                    while (digits > 0 && f[digits - 1] == '0')
                        digits--;
                    if (digits == 0) {
                        n = (size_t)(q - p);
                        break;
                    }
                }
                buf_putc(out, *p);
                buf_append(out, f, (size_t)digits);
                n = (size_t)(q - p);
            }
            break;
        default:
            break;
        }
        if (n == 0) {
            buf_putc(out, *p);
            n = 1;
        }
        p += n;
    }
}
