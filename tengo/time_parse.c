/* time_parse.c — Go's time.Parse for times.parse: the layout read with
 * the tokens Format uses (time_layout.h), Go's leniencies (any one- or
 * two-digit day, a fraction after seconds the layout lacks, "GMT+3") and
 * Go's error texts ("parsing time "x" as "2006": cannot parse "x" as
 * "2006""), which scripts may match on. */
#include <stdio.h>
#include <string.h>

#include "status.h"
#include "time_layout.h"
#include "tzfile.h"
#include "value.h"

/* Go's time.quote: '"' and '\\' escaped, other bytes outside printable
 * ASCII as \xNN. */
static void time_quote(buf_t *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < 0x20) {
            char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
            buf_append(out, e, 4);
            continue;
        }
        if (c == '"' || c == '\\')
            buf_putc(out, '\\');
        buf_putc(out, (char)c);
    }
    buf_putc(out, '"');
}

/* A span of the layout or the value. */
struct span {
    const char *p;
    size_t n;
};

struct parse {
    struct span layout, value; /* the whole of each, for messages */
    buf_t *err;
};

/* Go's ParseError.Error(): msg NULL is "cannot parse … as …". */
static int fail(struct parse *ps, struct span velem, struct span lelem, const char *msg)
{
    buf_puts(ps->err, "parsing time ");
    time_quote(ps->err, ps->value.p, ps->value.n);
    if (msg) {
        buf_puts(ps->err, msg);
        return ERROR;
    }
    buf_puts(ps->err, " as ");
    time_quote(ps->err, ps->layout.p, ps->layout.n);
    buf_puts(ps->err, ": cannot parse ");
    time_quote(ps->err, velem.p, velem.n);
    buf_puts(ps->err, " as ");
    time_quote(ps->err, lelem.p, lelem.n);
    return ERROR;
}

static bool digit_at(struct span v, size_t i)
{
    return i < v.n && v.p[i] >= '0' && v.p[i] <= '9';
}

static void advance(struct span *v, size_t n)
{
    v->p += n;
    v->n -= n;
}

/* Go's getnum: one or two digits (exactly two when fixed). */
static bool getnum(struct span *v, bool fixed, int *out)
{
    if (!digit_at(*v, 0))
        return false;
    if (!digit_at(*v, 1)) {
        if (fixed)
            return false;
        *out = v->p[0] - '0';
        advance(v, 1);
        return true;
    }
    *out = (v->p[0] - '0') * 10 + (v->p[1] - '0');
    advance(v, 2);
    return true;
}

static bool getnum3(struct span *v, bool fixed, int *out)
{
    int n = 0;
    size_t i = 0;
    for (; i < 3 && digit_at(*v, i); i++)
        n = n * 10 + (v->p[i] - '0');
    if (i == 0 || (fixed && i != 3))
        return false;
    *out = n;
    advance(v, i);
    return true;
}

/* Go's atoi: optional sign, then only digits (none is 0). */
static bool atoi_span(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    if (n > 0 && (*s == '-' || *s == '+')) {
        neg = *s == '-';
        s++;
        n--;
    }
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || x > (INT64_MAX - 9) / 10)
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *out = neg ? -x : x;
    return true;
}

static bool fold_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

/* Go's lookup: the first name the value starts with, any case. */
static bool lookup_name(struct span *v, const char *const *names, size_t len, int *out)
{
    static const char *const long_days[] = { "Sunday",   "Monday", "Tuesday", "Wednesday",
                                             "Thursday", "Friday", "Saturday" };
    for (int i = 0; i < 12; i++) {
        const char *name = names ? names[i] : (i < 7 ? long_days[i] : NULL);
        if (!name)
            break;
        size_t n = len ? len : strlen(name);
        if (v->n >= n && fold_eq(v->p, name, n)) {
            *out = i;
            advance(v, n);
            return true;
        }
    }
    return false;
}

/* Go's skip: the layout's literal text; a space matches any run of them. */
static bool skip(struct span *v, struct span lit)
{
    while (lit.n > 0) {
        if (*lit.p == ' ') {
            if (v->n > 0 && *v->p != ' ')
                return false;
            while (lit.n > 0 && *lit.p == ' ')
                advance(&lit, 1);
            while (v->n > 0 && *v->p == ' ')
                advance(v, 1);
            continue;
        }
        if (v->n == 0 || *v->p != *lit.p)
            return false;
        advance(v, 1);
        advance(&lit, 1);
    }
    return true;
}

/* Go's parseNanoseconds over value[0, n): separator then digits. */
static bool nanoseconds(struct span v, size_t n, int *out, const char **range)
{
    if (v.p[0] != '.' && v.p[0] != ',')
        return false;
    if (n > 10)
        n = 10;
    int64_t ns;
    if (!atoi_span(v.p + 1, n - 1, &ns))
        return false;
    if (ns < 0) {
        *range = "fractional second";
        return true;
    }
    for (size_t i = n; i < 10; i++)
        ns *= 10;
    *out = (int)ns;
    return true;
}

/* Go's parseSignedOffset: bytes of "+h"/"-hh" (hours to 23), or 0. */
static size_t signed_offset(struct span v)
{
    if (v.n == 0 || (*v.p != '+' && *v.p != '-'))
        return 0;
    size_t i = 1;
    int64_t x = 0;
    for (; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++) {
        x = x * 10 + (v.p[i] - '0');
        if (x > 1000000)
            return 0;
    }
    if (i == 1 || x > 23)
        return 0;
    return i;
}

/* Go's parseTimeZone: the length of a zone abbreviation at v, or 0. */
static size_t zone_length(struct span v)
{
    if (v.n < 3)
        return 0;
    if (v.n >= 4 && (memcmp(v.p, "ChST", 4) == 0 || memcmp(v.p, "MeST", 4) == 0))
        return 4;
    if (memcmp(v.p, "GMT", 3) == 0) {
        struct span rest = { v.p + 3, v.n - 3 };
        return 3 + signed_offset(rest);
    }
    if (*v.p == '+' || *v.p == '-')
        return signed_offset(v);
    size_t up = 0;
    while (up < 6 && up < v.n && v.p[up] >= 'A' && v.p[up] <= 'Z')
        up++;
    if (up == 3)
        return 3;
    if (up == 4 && (v.p[3] == 'T' || memcmp(v.p, "WITA", 4) == 0))
        return 4;
    if (up == 5 && v.p[4] == 'T')
        return 5;
    return 0;
}

static const char *const short_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const short_days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", NULL };

static int days_in(int m, int64_t y)
{
    static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return m == 2 && leap ? 29 : n[m - 1];
}

struct fields {
    int64_t year;
    int month, day, yday, hour, min, sec, nsec;
    bool am, pm, utc;
    bool has_off;
    int32_t off;
    char zname[32];
};

/* Go's numeric zone forms: sign, hh, then mm and ss as the token says. */
static bool num_zone(struct span *v, const struct tg_ltoken *k, struct fields *f,
                     const char **range)
{
    size_t need = k->colon ? (k->secs ? 9 : 6) : (k->secs ? 7 : k->mins ? 5 : 3);
    if (v->n < need)
        return false;
    const char *p = v->p;
    char hh[2] = { p[1], p[2] }, mm[2] = { '0', '0' }, ss[2] = { '0', '0' };
    if (k->colon && (p[3] != ':' || (k->secs && p[6] != ':')))
        return false;
    if (k->mins)
        memcpy(mm, p + (k->colon ? 4 : 3), 2);
    if (k->secs)
        memcpy(ss, p + (k->colon ? 7 : 5), 2);
    advance(v, need);
    int h = 0, m = 0, s = 0;
    struct span a = { hh, 2 }, b = { mm, 2 }, c = { ss, 2 };
    bool ok = getnum(&a, true, &h) && getnum(&b, true, &m) && getnum(&c, true, &s);
    if (h > 24)
        *range = "time zone offset hour";
    if (m > 60)
        *range = "time zone offset minute";
    if (s > 60)
        *range = "time zone offset second";
    f->off = (h * 60 + m) * 60 + s;
    f->has_off = true;
    if (p[0] == '-')
        f->off = -f->off;
    else if (p[0] != '+')
        return false;
    return ok;
}

/* One token's worth of value; false is "cannot parse". */
static bool parse_token(struct span *v, const struct tg_ltoken *k, struct span rest_layout,
                        struct fields *f, const char **range)
{
    int64_t y;
    switch (k->kind) {
    case LT_LITERAL:
        return true;
    case LT_YEAR:
        if (v->n < 2 || !atoi_span(v->p, 2, &y))
            return false;
        f->year = y >= 69 ? y + 1900 : y + 2000;
        advance(v, 2);
        return true;
    case LT_LONG_YEAR:
        if (v->n < 4 || !digit_at(*v, 0) || !atoi_span(v->p, 4, &f->year))
            return false;
        advance(v, 4);
        return true;
    case LT_MONTH:
    case LT_LONG_MONTH: {
        static const char *const long_months[] = { "January", "February", "March",
                                                   "April",   "May",      "June",
                                                   "July",    "August",   "September",
                                                   "October", "November", "December" };
        if (!lookup_name(v, k->kind == LT_MONTH ? short_months : long_months, 0, &f->month))
            return false;
        f->month++;
        return true;
    }
    case LT_NUM_MONTH:
    case LT_ZERO_MONTH:
        if (!getnum(v, k->kind == LT_ZERO_MONTH, &f->month))
            return false;
        if (f->month <= 0 || f->month > 12)
            *range = "month";
        return true;
    case LT_WEEKDAY:
    case LT_LONG_WEEKDAY: {
        int ignored;
        return lookup_name(v, k->kind == LT_WEEKDAY ? short_days : NULL, 0, &ignored);
    }
    case LT_DAY:
    case LT_UNDER_DAY:
    case LT_ZERO_DAY:
        if (k->kind == LT_UNDER_DAY && v->n > 0 && *v->p == ' ')
            advance(v, 1);
        return getnum(v, k->kind == LT_ZERO_DAY, &f->day);
    case LT_UNDER_YDAY:
    case LT_ZERO_YDAY:
        for (int i = 0; i < 2; i++)
            if (k->kind == LT_UNDER_YDAY && v->n > 0 && *v->p == ' ')
                advance(v, 1);
        return getnum3(v, k->kind == LT_ZERO_YDAY, &f->yday);
    case LT_HOUR:
        if (!getnum(v, false, &f->hour))
            return false;
        if (f->hour >= 24)
            *range = "hour";
        return true;
    case LT_HOUR12:
    case LT_ZERO_HOUR12:
        if (!getnum(v, k->kind == LT_ZERO_HOUR12, &f->hour))
            return false;
        if (f->hour > 12)
            *range = "hour";
        return true;
    case LT_MINUTE:
    case LT_ZERO_MINUTE:
        if (!getnum(v, k->kind == LT_ZERO_MINUTE, &f->min))
            return false;
        if (f->min >= 60)
            *range = "minute";
        return true;
    case LT_SECOND:
    case LT_ZERO_SECOND: {
        if (!getnum(v, k->kind == LT_ZERO_SECOND, &f->sec))
            return false;
        if (f->sec >= 60) {
            *range = "second";
            return true;
        }
        /* a fraction in the value that the layout does not ask for */
        if (v->n >= 2 && (*v->p == '.' || *v->p == ',') && digit_at(*v, 1)) {
            struct tg_ltoken next = { .kind = LT_LITERAL };
            const char *q = rest_layout.p, *end = rest_layout.p + rest_layout.n;
            for (; q < end; q += next.len) {
                tg_layout_token(q, end, &next);
                if (next.kind != LT_LITERAL)
                    break;
            }
            if (q < end && (next.kind == LT_FRAC0 || next.kind == LT_FRAC9))
                return true;
            size_t n = 2;
            while (digit_at(*v, n))
                n++;
            if (!nanoseconds(*v, n, &f->nsec, range))
                return false;
            advance(v, n);
        }
        return true;
    }
    case LT_PM:
    case LT_PM_LOWER: {
        if (v->n < 2)
            return false;
        const char *pm = k->kind == LT_PM ? "PM" : "pm", *am = k->kind == LT_PM ? "AM" : "am";
        if (memcmp(v->p, pm, 2) == 0)
            f->pm = true;
        else if (memcmp(v->p, am, 2) == 0)
            f->am = true;
        else
            return false;
        advance(v, 2);
        return true;
    }
    case LT_NUM_TZ:
        if (k->iso && v->n >= 1 && *v->p == 'Z') {
            advance(v, 1);
            f->utc = true;
            return true;
        }
        return num_zone(v, k, f, range);
    case LT_TZ: {
        if (v->n >= 3 && memcmp(v->p, "UTC", 3) == 0) {
            advance(v, 3);
            f->utc = true;
            return true;
        }
        size_t n = zone_length(*v);
        if (n == 0)
            return false;
        snprintf(f->zname, sizeof f->zname, "%.*s", (int)n, v->p);
        advance(v, n);
        return true;
    }
    case LT_FRAC0: {
        size_t n = 1 + (size_t)k->digits;
        if (v->n < n || !nanoseconds(*v, n, &f->nsec, range))
            return false;
        advance(v, n);
        return true;
    }
    case LT_FRAC9: {
        if (v->n < 2 || (*v->p != '.' && *v->p != ',') || !digit_at(*v, 1))
            return true; /* the fraction is optional */
        size_t i = 1;
        while (digit_at(*v, i))
            i++;
        if (!nanoseconds(*v, i, &f->nsec, range))
            return false;
        advance(v, i);
        return true;
    }
    }
    return false;
}

/* Go's yday to month and day, checked against any month and day seen. */
static int resolve_yday(struct parse *ps, struct span v, struct fields *f)
{
    static const int before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 };
    int yd = f->yday, m = 0, d = 0;
    if (days_in(2, f->year) == 29) {
        if (yd == 31 + 29) {
            m = 2;
            d = 29;
        } else if (yd > 31 + 29) {
            yd--;
        }
    }
    if (yd < 1 || yd > 365)
        return fail(ps, v, v, ": day-of-year out of range");
    if (m == 0) {
        m = (yd - 1) / 31 + 1;
        if (before[m] < yd)
            m++;
        d = yd - before[m - 1];
    }
    if (f->month >= 0 && f->month != m)
        return fail(ps, v, v, ": day-of-year does not match month");
    f->month = m;
    if (f->day >= 0 && f->day != d)
        return fail(ps, v, v, ": day-of-year does not match day");
    f->day = d;
    return OK;
}

int tg_time_parse(struct tg_heap *h, const char *layout, size_t llen, const char *value,
                  size_t vlen, const struct tz_zone *local, struct tg_time **out, buf_t *err)
{
    struct parse ps = { { layout, llen }, { value, vlen }, err };
    struct fields f = { .month = -1, .day = -1, .yday = -1 };
    struct span v = { value, vlen };
    const char *p = layout, *end = layout + llen;
    for (;;) {
        /* the literal text up to the next token */
        const char *lit = p;
        struct tg_ltoken k = { .kind = LT_LITERAL, .len = 0 };
        while (p < end) {
            tg_layout_token(p, end, &k);
            if (k.kind != LT_LITERAL)
                break;
            p += k.len;
        }
        struct span prefix = { lit, (size_t)(p - lit) };
        if (!skip(&v, prefix))
            return fail(&ps, v, prefix, NULL);
        if (p == end) {
            if (v.n == 0)
                break;
            buf_t m = BUF_INIT;
            buf_puts(&m, ": extra text: ");
            time_quote(&m, v.p, v.n);
            fail(&ps, v, v, buf_cstr(&m));
            buf_free(&m);
            return ERROR;
        }
        struct span std = { p, k.len }, hold = v;
        p += k.len;
        const char *range = NULL;
        bool ok = parse_token(&v, &k, (struct span){ p, (size_t)(end - p) }, &f, &range);
        if (range) {
            char m[64];
            snprintf(m, sizeof m, ": %s out of range", range);
            return fail(&ps, v, std, m);
        }
        if (!ok)
            return fail(&ps, hold, std, NULL);
    }
    if (f.pm && f.hour < 12)
        f.hour += 12;
    else if (f.am && f.hour == 12)
        f.hour = 0;
    if (f.yday >= 0) {
        if (resolve_yday(&ps, v, &f) != OK)
            return ERROR;
    } else {
        if (f.month < 0)
            f.month = 1;
        if (f.day < 0)
            f.day = 1;
    }
    if (f.day < 1 || f.day > days_in(f.month, f.year))
        return fail(&ps, v, v, ": day out of range");
    int64_t fl[7] = { f.year, f.month, f.day, f.hour, f.min, f.sec, f.nsec };
    if (f.utc) {
        *out = tg_time_date(h, fl, NULL, 0, "UTC");
        return OK;
    }
    struct tz_info in;
    if (f.has_off) {
        /* the local zone when it has that offset then, else a made-up one */
        struct tg_time *t = tg_time_date(h, fl, NULL, f.off, f.zname);
        tz_lookup(local, t->sec, &in);
        if (in.offset == f.off && (!f.zname[0] || strcmp(in.abbr, f.zname) == 0)) {
            tg_time_set_loc(t, local);
            t->local = true;
        }
        *out = t;
        return OK;
    }
    if (f.zname[0]) {
        struct tg_time *t = tg_time_date(h, fl, NULL, 0, "UTC");
        int32_t off = 0;
        if (tz_lookup_abbr(local, f.zname, t->sec, &off)) {
            t->sec = (int64_t)((uint64_t)t->sec - (uint64_t)(int64_t)off);
            tg_time_set_loc(t, local);
            t->local = true;
        } else {
            int64_t gmt = 0;
            if (strlen(f.zname) > 3 && memcmp(f.zname, "GMT", 3) == 0)
                atoi_span(f.zname + 3, strlen(f.zname + 3), &gmt);
            /* Go shifts only the display here, not the instant */
            t->offset = (int32_t)(gmt * 3600);
            snprintf(t->zone, sizeof t->zone, "%s", f.zname);
        }
        *out = t;
        return OK;
    }
    *out = tg_time_date(h, fl, NULL, 0, "UTC");
    return OK;
}
