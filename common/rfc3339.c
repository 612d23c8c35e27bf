/* rfc3339.c — RFC 3339 timestamps <-> microseconds since the Unix epoch.
 * Calendar arithmetic is done here on the proleptic Gregorian calendar
 * (days from/to civil date) so nothing depends on TZ, timegm or the C
 * library's idea of time_t range. Output follows Go's time.RFC3339Nano,
 * the format the reference server writes. */
#include "rfc3339.h"

#include <stdio.h>

#include "status.h"

#define USEC_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY INT64_C(86400)
#define USEC_PER_DAY (SEC_PER_DAY * USEC_PER_SEC)

/* ---- calendar ---------------------------------------------------------- */

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
}

/* Days since 1970-01-01. Years are counted from March so the leap day is
 * the last day of the shifted year; an era is 400 years = 146097 days. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                          /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* [0, 146096] */
    return era * 146097 + doe - 719468; /* 719468: 0000-03-01 .. 1970-01-01 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153; /* month from March, [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---- parsing ----------------------------------------------------------- */

struct cursor {
    const char *s;
    size_t len;
    size_t pos;
};

/* Reads exactly n digits; ERROR when fewer are there. */
static int read_digits(struct cursor *c, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (c->pos >= c->len || c->s[c->pos] < '0' || c->s[c->pos] > '9')
            return ERROR;
        v = v * 10 + (c->s[c->pos++] - '0');
    }
    *out = v;
    return OK;
}

static int expect(struct cursor *c, const char *oneof)
{
    if (c->pos >= c->len)
        return ERROR;
    for (const char *p = oneof; *p; p++)
        if (c->s[c->pos] == *p) {
            c->pos++;
            return OK;
        }
    return ERROR;
}

/* ".d+" after the seconds, if present: microseconds, extra digits dropped. */
static int read_fraction(struct cursor *c, int64_t *usec)
{
    *usec = 0;
    if (c->pos >= c->len || c->s[c->pos] != '.')
        return OK;
    c->pos++;
    int ndigits = 0;
    while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        if (ndigits < 6)
            *usec = *usec * 10 + (c->s[c->pos] - '0');
        ndigits++;
        c->pos++;
    }
    if (ndigits == 0)
        return ERROR;
    for (; ndigits < 6; ndigits++)
        *usec *= 10;
    return OK;
}

/* "Z" or "±HH:MM" → offset east of UTC in seconds. */
static int read_zone(struct cursor *c, int64_t *offset)
{
    if (expect(c, "Zz") == OK) {
        *offset = 0;
        return OK;
    }
    if (c->pos >= c->len)
        return ERROR;
    char sign = c->s[c->pos];
    int hh, mm;
    if (expect(c, "+-") != OK || read_digits(c, 2, &hh) != OK || expect(c, ":") != OK ||
        read_digits(c, 2, &mm) != OK || hh > 23 || mm > 59)
        return ERROR;
    *offset = (hh * 60 + mm) * 60 * (sign == '-' ? -1 : 1);
    return OK;
}

int rfc3339_parse(const char *s, size_t len, int64_t *usec)
{
    if (!s || !usec)
        return ERROR;
    struct cursor c = { s, len, 0 };
    int y, mo, d, h, mi, sec;
    int64_t frac, offset;
    if (read_digits(&c, 4, &y) != OK || expect(&c, "-") != OK ||
        read_digits(&c, 2, &mo) != OK || expect(&c, "-") != OK ||
        read_digits(&c, 2, &d) != OK || expect(&c, "Tt ") != OK ||
        read_digits(&c, 2, &h) != OK || expect(&c, ":") != OK ||
        read_digits(&c, 2, &mi) != OK || expect(&c, ":") != OK ||
        read_digits(&c, 2, &sec) != OK || read_fraction(&c, &frac) != OK ||
        read_zone(&c, &offset) != OK || c.pos != len)
        return ERROR;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
        return ERROR;
    int64_t secs = days_from_civil(y, mo, d) * SEC_PER_DAY + h * 3600 + mi * 60 + sec - offset;
    *usec = secs * USEC_PER_SEC + frac;
    return OK;
}

/* ---- formatting -------------------------------------------------------- */

/* Hand-written digits: this runs once per point of every time-series read. */
static char *put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* ".ffffff" without trailing zeros, or nothing when the fraction is zero. */
static char *put_fraction(char *p, int64_t usec_of_sec)
{
    if (usec_of_sec == 0)
        return p;
    int width = 6;
    while (usec_of_sec % 10 == 0) {
        usec_of_sec /= 10;
        width--;
    }
    *p++ = '.';
    for (int i = width - 1; i >= 0; i--, usec_of_sec /= 10)
        p[i] = (char)('0' + usec_of_sec % 10);
    return p + width;
}

static char *put_zone(char *p, int offset_sec)
{
    if (offset_sec == 0) {
        *p++ = 'Z';
        return p;
    }
    long long mins = (offset_sec < 0 ? -(long long)offset_sec : offset_sec) / 60;
    *p++ = offset_sec < 0 ? '-' : '+';
    p = put2(p, (int)(mins / 60 % 100));
    *p++ = ':';
    return put2(p, (int)(mins % 60));
}

/* Go writes the year as at least 4 digits, a '-' before negative ones. */
static char *put_year(char *p, int64_t y)
{
    if (y < 0) {
        *p++ = '-';
        y = -y;
    }
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + y % 10);
        y /= 10;
    } while (y);
    while (n < 4)
        digits[n++] = '0';
    while (n)
        *p++ = digits[--n];
    return p;
}

size_t rfc3339_format_offset(int64_t usec, int offset_sec, char out[RFC3339_MAX])
{
    /* Split into days and time of day first (with a remainder, not
     * days * USEC_PER_DAY), so nothing overflows near the int64 limits. */
    int64_t days = floor_div(usec, USEC_PER_DAY);
    int64_t in_day = floor_mod(usec, USEC_PER_DAY) + (int64_t)offset_sec * USEC_PER_SEC;
    days += floor_div(in_day, USEC_PER_DAY);
    in_day = floor_mod(in_day, USEC_PER_DAY);

    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int sec_of_day = (int)(in_day / USEC_PER_SEC);
    char *p = put_year(out, y);
    *p++ = '-';
    p = put2(p, m);
    *p++ = '-';
    p = put2(p, d);
    *p++ = 'T';
    p = put2(p, sec_of_day / 3600);
    *p++ = ':';
    p = put2(p, sec_of_day / 60 % 60);
    *p++ = ':';
    p = put2(p, sec_of_day % 60);
    p = put_fraction(p, in_day % USEC_PER_SEC);
    p = put_zone(p, offset_sec);
    *p = '\0';
    return (size_t)(p - out);
}

size_t rfc3339_format(int64_t usec, char out[RFC3339_MAX])
{
    return rfc3339_format_offset(usec, 0, out);
}
