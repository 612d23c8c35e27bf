/* stdlib_times.c — Tengo's times module (stdlib/times.go): the layout,
 * duration and month constants and the functions over time values
 * (struct tg_time, value.h). Zones come from the system's zoneinfo
 * (common/tzfile.h): "Local" is TZ or /etc/localtime, read as Go reads
 * them, and its name is the one Go gives time.Local (local_name).
 * times.now() has no monotonic reading (its String() has no " m=+…"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ast.h"
#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "tzfile.h"
#include "vm.h"

#define NS_PER_SEC 1000000000LL

static struct tg_time *local_time(struct tg_vm *vm, int64_t sec, int64_t nsec)
{
    return tg_time_local(&vm->heap, sec, nsec);
}

/* Tengo's ToTime: a time, or an int as Unix seconds (local). */
static int arg_time(struct tg_vm *vm, const char *fn, struct tg_value *a, int idx,
                    struct tg_time **out)
{
    if (a[idx].type == TG_TIME)
        *out = TG_TIMEV(a[idx]);
    else if (a[idx].type == TG_INT)
        *out = local_time(vm, a[idx].u.i, 0);
    else
        return tg_arg_type_error(vm, fn, idx, "time(compatible)", a[idx]);
    return OK;
}

#define NARGS(want, fn)                                                                            \
    do {                                                                                           \
        if (n != (want))                                                                           \
            return tg_arg_count_error(vm, fn);                                                     \
    } while (0)

static struct tg_value error_value(struct tg_vm *vm, const buf_t *m)
{
    return tg_obj_value(tg_error_new(&vm->heap, tg_make_string(vm, m->data, m->len)));
}

/* ---- durations ---- */

static int t_sleep(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t d;
    NARGS(1, "sleep");
    if (tg_arg_int(vm, "sleep", a, 0, &d) != OK)
        return ERROR;
    /* sleep in slices so the run's deadline and abort flag still bite */
    int64_t end = tg_now_ns() + (d > 0 ? d : 0);
    for (;;) {
        if (vm->abort && *vm->abort)
            return tg_vm_errorf(vm, "VM aborted");
        int64_t now = tg_now_ns();
        if (vm->deadline_ns && now >= vm->deadline_ns)
            return tg_vm_errorf(vm, "deadline exceeded");
        if (now >= end)
            return OK;
        int64_t left = end - now;
        if (vm->deadline_ns && vm->deadline_ns - now < left)
            left = vm->deadline_ns - now;
        if (left > 50000000)
            left = 50000000;
        struct timespec ts = { 0, (long)left };
        nanosleep(&ts, NULL);
    }
}

/* Go's Duration.String: "1h2m3.5s", "1.5ms", "0s". */
static void duration_string(buf_t *out, int64_t d)
{
    uint64_t u = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
    if (d < 0)
        buf_putc(out, '-');
    if (u == 0) {
        buf_puts(out, "0s");
        return;
    }
    int prec = 9;
    const char *unit = "s";
    if (u < 1000) {
        prec = 0;
        unit = "ns";
    } else if (u < 1000000) {
        prec = 3;
        unit = "\xc2\xb5s";
    } else if (u < (uint64_t)NS_PER_SEC) {
        prec = 6;
        unit = "ms";
    }
    uint64_t scale = 1;
    for (int i = 0; i < prec; i++)
        scale *= 10;
    uint64_t whole = u / scale, frac = u % scale;
    if (prec == 9 && whole >= 60) {
        uint64_t h = whole / 3600, m = whole / 60 % 60;
        if (h)
            buf_printf(out, "%lluh", (unsigned long long)h);
        buf_printf(out, "%llum", (unsigned long long)m);
        whole %= 60;
    }
    buf_printf(out, "%llu", (unsigned long long)whole);
    if (frac) {
        char f[24];
        snprintf(f, sizeof f, "%0*llu", prec, (unsigned long long)frac);
        int k = prec;
        while (k > 0 && f[k - 1] == '0')
            k--;
        buf_putc(out, '.');
        buf_append(out, f, (size_t)k);
    }
    buf_puts(out, unit);
}

static const struct {
    const char *name;
    uint64_t ns;
} units[] = {
    { "ns", 1 },          { "us", 1000 },           { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
    { "ms", 1000000 },    { "s", 1000000000 },      { "m", 60000000000 },  { "h", 3600000000000 },
};

/* Go's time.ParseDuration; NULL, or the error message in err. */
static int parse_duration(const char *s, size_t len, int64_t *out, buf_t *err)
{
    const char *p = s, *end = s + len;
    const uint64_t lim = (uint64_t)1 << 63;
    uint64_t d = 0;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    if (end - p == 1 && *p == '0') {
        *out = 0;
        return OK;
    }
    if (p == end)
        goto invalid;
    while (p < end) {
        uint64_t v = 0, f = 0;
        double scale = 1;
        if (!(*p == '.' || (*p >= '0' && *p <= '9')))
            goto invalid;
        const char *q = p;
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
            if (v > lim / 10)
                goto invalid;
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > lim)
                goto invalid;
        }
        bool pre = p != q, post = false;
        if (p < end && *p == '.') {
            q = ++p;
            bool overflow = false;
            for (; p < end && *p >= '0' && *p <= '9'; p++) {
                if (overflow)
                    continue;
                if (f > (lim - 1) / 10) {
                    overflow = true;
                    continue;
                }
                f = f * 10 + (uint64_t)(*p - '0');
                scale *= 10;
            }
            post = p != q;
        }
        if (!pre && !post)
            goto invalid;
        q = p;
        while (p < end && *p != '.' && !(*p >= '0' && *p <= '9'))
            p++;
        if (p == q) {
            buf_puts(err, "time: missing unit in duration ");
            tg_quote(err, s, len);
            return ERROR;
        }
        uint64_t unit = 0;
        for (size_t i = 0; i < sizeof units / sizeof *units; i++)
            if (strlen(units[i].name) == (size_t)(p - q) && memcmp(units[i].name, q, (size_t)(p - q)) == 0)
                unit = units[i].ns;
        if (!unit) {
            buf_puts(err, "time: unknown unit ");
            tg_quote(err, q, (size_t)(p - q));
            buf_puts(err, " in duration ");
            tg_quote(err, s, len);
            return ERROR;
        }
        if (v > lim / unit)
            goto invalid;
        v *= unit;
        if (f > 0) {
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > lim)
                goto invalid;
        }
        d += v;
        if (d > lim)
            goto invalid;
    }
    if (neg) {
        *out = (int64_t)(0 - d);
        return OK;
    }
    if (d > lim - 1)
        goto invalid;
    *out = (int64_t)d;
    return OK;
invalid:
    buf_puts(err, "time: invalid duration ");
    tg_quote(err, s, len);
    return ERROR;
}

static int t_parse_duration(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    NARGS(1, "parse_duration");
    buf_t s = BUF_INIT, err = BUF_INIT;
    if (tg_arg_string(vm, "parse_duration", a, 0, &s) != OK) {
        buf_free(&s);
        return ERROR;
    }
    int64_t d;
    if (parse_duration(s.data ? s.data : "", s.len, &d, &err) == OK)
        *ret = tg_int(d);
    else
        *ret = error_value(vm, &err);
    buf_free(&s);
    buf_free(&err);
    return OK;
}

static int duration_arg(struct tg_vm *vm, const char *fn, struct tg_value *a, int n, int64_t *d)
{
    NARGS(1, fn);
    return tg_arg_int(vm, fn, a, 0, d);
}

static int t_duration_hours(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t d;
    if (duration_arg(vm, "duration_hours", a, n, &d) != OK)
        return ERROR;
    const int64_t h = 3600 * NS_PER_SEC;
    *ret = tg_float((double)(d / h) + (double)(d % h) / (60 * 60 * 1e9));
    return OK;
}

static int t_duration_minutes(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t d;
    if (duration_arg(vm, "duration_minutes", a, n, &d) != OK)
        return ERROR;
    const int64_t m = 60 * NS_PER_SEC;
    *ret = tg_float((double)(d / m) + (double)(d % m) / (60 * 1e9));
    return OK;
}

static int t_duration_seconds(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t d;
    if (duration_arg(vm, "duration_seconds", a, n, &d) != OK)
        return ERROR;
    *ret = tg_float((double)(d / NS_PER_SEC) + (double)(d % NS_PER_SEC) / 1e9);
    return OK;
}

static int t_duration_nanoseconds(struct tg_vm *vm, struct tg_value *a, int n,
                                  struct tg_value *ret)
{
    int64_t d;
    if (duration_arg(vm, "duration_nanoseconds", a, n, &d) != OK)
        return ERROR;
    *ret = tg_int(d);
    return OK;
}

static int t_duration_string(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t d;
    if (duration_arg(vm, "duration_string", a, n, &d) != OK)
        return ERROR;
    buf_t s = BUF_INIT;
    duration_string(&s, d);
    *ret = tg_make_string(vm, s.data, s.len);
    buf_free(&s);
    return OK;
}

static int t_month_string(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t m;
    if (duration_arg(vm, "month_string", a, n, &m) != OK)
        return ERROR;
    buf_t s = BUF_INIT;
    const char *name = tg_month_name(m);
    if (name)
        buf_puts(&s, name);
    else
        buf_printf(&s, "%%!Month(%lld)", (long long)m);
    *ret = tg_make_string(vm, s.data, s.len);
    buf_free(&s);
    return OK;
}

/* ---- making times ---- */

static int t_now(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    NARGS(0, "now");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *ret = tg_obj_value(local_time(vm, ts.tv_sec, ts.tv_nsec));
    return OK;
}

static int t_unix(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t sec, nsec;
    NARGS(2, "unix");
    if (tg_arg_int(vm, "unix", a, 0, &sec) != OK || tg_arg_int(vm, "unix", a, 1, &nsec) != OK)
        return ERROR;
    *ret = tg_obj_value(local_time(vm, sec, nsec));
    return OK;
}

/* Go's time.Date in the location of zone (a time), or Local when NULL. */
static struct tg_time *make_date(struct tg_vm *vm, const int64_t f[7], const struct tg_time *zone)
{
    if (zone && !zone->loc)
        return tg_time_date(&vm->heap, f, NULL, zone->offset, zone->zone);
    struct tg_time *t = tg_time_date(&vm->heap, f, zone ? zone->loc : tg_local_zone(), 0, "UTC");
    t->local = zone ? zone->local : true;
    return t;
}

/* Go's time.LoadLocation for a Tengo argument: OK with *z set, or OK with
 * *ret set to Tengo's error value (wrapError), or ERROR. */
static int load_location(struct tg_vm *vm, const char *fn, struct tg_value *a, int idx,
                         const struct tz_zone **z, bool *local, struct tg_value *ret)
{
    buf_t name = BUF_INIT, err = BUF_INIT;
    *z = NULL;
    if (a[idx].type == TG_UNDEFINED) /* date's eighth is past the shared ordinals */
        return tg_arg_named_type_error(vm, fn, idx == 7 ? "eighth" : "second",
                                       "string(compatible)", a[idx]);
    if (tg_arg_string(vm, fn, a, idx, &name) != OK) {
        buf_free(&name);
        return ERROR;
    }
    *local = strcmp(buf_cstr(&name), "Local") == 0;
    if (tz_load(buf_cstr(&name), name.len, z, &err) != OK) {
        *z = NULL;
        *ret = error_value(vm, &err);
    }
    buf_free(&name);
    buf_free(&err);
    return OK;
}

static int t_date(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t f[7];
    if (n != 7 && n != 8)
        return tg_arg_count_error(vm, "date");
    for (int i = 0; i < 7; i++)
        if (tg_arg_int(vm, "date", a, i, &f[i]) != OK)
            return ERROR;
    if (n == 7) {
        *ret = tg_obj_value(make_date(vm, f, NULL));
        return OK;
    }
    const struct tz_zone *z;
    bool local;
    if (load_location(vm, "date", a, 7, &z, &local, ret) != OK)
        return ERROR;
    if (z) {
        struct tg_time *t = tg_time_date(&vm->heap, f, z, 0, NULL);
        t->local = local;
        *ret = tg_obj_value(t);
    }
    return OK;
}

static int t_parse(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    NARGS(2, "parse");
    buf_t layout = BUF_INIT, value = BUF_INIT, err = BUF_INIT;
    int rc = ERROR;
    if (tg_arg_string(vm, "parse", a, 0, &layout) == OK &&
        tg_arg_string(vm, "parse", a, 1, &value) == OK) {
        struct tg_time *t;
        const struct tz_zone *local = tg_local_zone();
        if (!local)
            tz_load("UTC", 3, &local, &err);
        if (tg_time_parse(&vm->heap, buf_cstr(&layout), layout.len, buf_cstr(&value), value.len,
                          local, &t, &err) == OK)
            *ret = tg_obj_value(t);
        else
            *ret = error_value(vm, &err);
        rc = OK;
    }
    buf_free(&layout);
    buf_free(&value);
    buf_free(&err);
    return rc;
}

static int t_add(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    int64_t d;
    NARGS(2, "add");
    if (arg_time(vm, "add", a, 0, &t) != OK || tg_arg_int(vm, "add", a, 1, &d) != OK)
        return ERROR;
    *ret = tg_obj_value(tg_time_add(&vm->heap, t, d));
    return OK;
}

static int t_add_date(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    int64_t y, m, d;
    NARGS(4, "add_date");
    if (arg_time(vm, "add_date", a, 0, &t) != OK || tg_arg_int(vm, "add_date", a, 1, &y) != OK ||
        tg_arg_int(vm, "add_date", a, 2, &m) != OK || tg_arg_int(vm, "add_date", a, 3, &d) != OK)
        return ERROR;
    struct tg_civil c;
    tg_time_civil(t, &c);
    int64_t f[7] = { (int64_t)((uint64_t)c.year + (uint64_t)y),
                     (int64_t)((uint64_t)c.month + (uint64_t)m),
                     (int64_t)((uint64_t)c.day + (uint64_t)d),
                     c.hour, c.min, c.sec, c.nsec };
    *ret = tg_obj_value(make_date(vm, f, t));
    return OK;
}

static int two_times(struct tg_vm *vm, const char *fn, struct tg_value *a, int n,
                     struct tg_time **t, struct tg_time **u)
{
    NARGS(2, fn);
    if (arg_time(vm, fn, a, 0, t) != OK || arg_time(vm, fn, a, 1, u) != OK)
        return ERROR;
    return OK;
}

static int t_sub(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL, *u = NULL;
    if (two_times(vm, "sub", a, n, &t, &u) != OK)
        return ERROR;
    *ret = tg_int(tg_time_sub(t, u));
    return OK;
}

static int t_after(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL, *u = NULL;
    if (two_times(vm, "after", a, n, &t, &u) != OK)
        return ERROR;
    *ret = tg_bool(tg_time_sub(t, u) > 0);
    return OK;
}

static int t_before(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL, *u = NULL;
    if (two_times(vm, "before", a, n, &t, &u) != OK)
        return ERROR;
    *ret = tg_bool(tg_time_sub(t, u) < 0);
    return OK;
}

static int now_minus(struct tg_vm *vm, const char *fn, struct tg_value *a, int n, int sign,
                     struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, fn);
    if (arg_time(vm, fn, a, 0, &t) != OK)
        return ERROR;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tg_time now = { .sec = ts.tv_sec, .nsec = (int32_t)ts.tv_nsec };
    *ret = tg_int(sign > 0 ? tg_time_sub(&now, t) : tg_time_sub(t, &now));
    return OK;
}

static int t_since(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return now_minus(vm, "since", a, n, 1, ret);
}

static int t_until(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return now_minus(vm, "until", a, n, -1, ret);
}

/* ---- reading times ---- */

enum field { F_YEAR, F_MONTH, F_DAY, F_WEEKDAY, F_HOUR, F_MINUTE, F_SECOND, F_NSEC, F_UNIX, F_UNIX_NANO };

static int time_field(struct tg_vm *vm, const char *fn, struct tg_value *a, int n, enum field f,
                      struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, fn);
    if (arg_time(vm, fn, a, 0, &t) != OK)
        return ERROR;
    struct tg_civil c;
    tg_time_civil(t, &c);
    int64_t v = 0;
    switch (f) {
    case F_YEAR: v = c.year; break;
    case F_MONTH: v = c.month; break;
    case F_DAY: v = c.day; break;
    case F_WEEKDAY: v = c.wday; break;
    case F_HOUR: v = c.hour; break;
    case F_MINUTE: v = c.min; break;
    case F_SECOND: v = c.sec; break;
    case F_NSEC: v = c.nsec; break;
    case F_UNIX: v = t->sec; break;
    case F_UNIX_NANO: v = (int64_t)((uint64_t)t->sec * 1000000000u + (uint64_t)t->nsec); break;
    }
    *ret = tg_int(v);
    return OK;
}

#define FIELD_FN(name, f)                                                                          \
    static int t_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)        \
    {                                                                                              \
        return time_field(vm, #name, a, n, f, ret);                                                \
    }
FIELD_FN(time_year, F_YEAR)
FIELD_FN(time_month, F_MONTH)
FIELD_FN(time_day, F_DAY)
FIELD_FN(time_weekday, F_WEEKDAY)
FIELD_FN(time_hour, F_HOUR)
FIELD_FN(time_minute, F_MINUTE)
FIELD_FN(time_second, F_SECOND)
FIELD_FN(time_nanosecond, F_NSEC)
FIELD_FN(time_unix, F_UNIX)
FIELD_FN(time_unix_nano, F_UNIX_NANO)

static int t_time_format(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(2, "time_format");
    if (arg_time(vm, "time_format", a, 0, &t) != OK)
        return ERROR;
    buf_t layout = BUF_INIT, s = BUF_INIT;
    if (tg_arg_string(vm, "time_format", a, 1, &layout) != OK) {
        buf_free(&layout);
        return ERROR;
    }
    tg_time_format(&s, t, layout.data ? layout.data : "", layout.len);
    *ret = tg_make_string(vm, s.data ? s.data : "", s.len);
    buf_free(&layout);
    buf_free(&s);
    return OK;
}

static int t_time_string(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, "time_string");
    if (arg_time(vm, "time_string", a, 0, &t) != OK)
        return ERROR;
    buf_t s = BUF_INIT;
    tg_value_string(&s, tg_obj_value(t));
    *ret = tg_make_string(vm, s.data, s.len);
    buf_free(&s);
    return OK;
}

/* What Go names time.Local (time/zoneinfo_unix.go's initLocal): "Local"
 * for /etc/localtime, else TZ as given (less a leading ':'), and "UTC"
 * when TZ is empty, "UTC" or names no zone. */
static const char *local_name(void)
{
    const char *tz = getenv("TZ");
    const struct tz_zone *z = tg_local_zone(); /* named "UTC" when none loaded */
    if (!z || strcmp(tz_name(z), "UTC") == 0)
        return "UTC";
    if (!tz)
        return "Local";
    if (*tz == ':')
        tz++;
    return strcmp(tz, "/etc/localtime") == 0 ? "Local" : tz;
}

static int t_time_location(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, "time_location");
    if (arg_time(vm, "time_location", a, 0, &t) != OK)
        return ERROR;
    const char *name = t->local ? local_name() : t->loc ? tz_name(t->loc) : t->zone;
    *ret = tg_make_string(vm, name, strlen(name));
    return OK;
}

static int t_is_zero(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, "is_zero");
    if (arg_time(vm, "is_zero", a, 0, &t) != OK)
        return ERROR;
    *ret = tg_bool(t->sec == TG_TIME_ZERO_SEC && t->nsec == 0);
    return OK;
}

static int t_to_local(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, "to_local");
    if (arg_time(vm, "to_local", a, 0, &t) != OK)
        return ERROR;
    *ret = tg_obj_value(local_time(vm, t->sec, t->nsec));
    return OK;
}

static int t_to_utc(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    NARGS(1, "to_utc");
    if (arg_time(vm, "to_utc", a, 0, &t) != OK)
        return ERROR;
    *ret = tg_obj_value(tg_time_new(&vm->heap, t->sec, t->nsec, 0, "UTC"));
    return OK;
}

static int t_in_location(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_time *t = NULL;
    const struct tz_zone *z;
    bool local;
    NARGS(2, "in_location");
    if (arg_time(vm, "in_location", a, 0, &t) != OK ||
        load_location(vm, "in_location", a, 1, &z, &local, ret) != OK)
        return ERROR;
    if (z) {
        struct tg_time *r = tg_time_new(&vm->heap, t->sec, t->nsec, 0, NULL);
        tg_time_set_loc(r, z);
        r->local = local;
        *ret = tg_obj_value(r);
    }
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "sleep", t_sleep, NULL },
    { "parse_duration", t_parse_duration, NULL },
    { "since", t_since, NULL },
    { "until", t_until, NULL },
    { "duration_hours", t_duration_hours, NULL },
    { "duration_minutes", t_duration_minutes, NULL },
    { "duration_nanoseconds", t_duration_nanoseconds, NULL },
    { "duration_seconds", t_duration_seconds, NULL },
    { "duration_string", t_duration_string, NULL },
    { "month_string", t_month_string, NULL },
    { "date", t_date, NULL },
    { "now", t_now, NULL },
    { "parse", t_parse, NULL },
    { "unix", t_unix, NULL },
    { "add", t_add, NULL },
    { "add_date", t_add_date, NULL },
    { "sub", t_sub, NULL },
    { "after", t_after, NULL },
    { "before", t_before, NULL },
    { "time_year", t_time_year, NULL },
    { "time_month", t_time_month, NULL },
    { "time_day", t_time_day, NULL },
    { "time_weekday", t_time_weekday, NULL },
    { "time_hour", t_time_hour, NULL },
    { "time_minute", t_time_minute, NULL },
    { "time_second", t_time_second, NULL },
    { "time_nanosecond", t_time_nanosecond, NULL },
    { "time_unix", t_time_unix, NULL },
    { "time_unix_nano", t_time_unix_nano, NULL },
    { "time_format", t_time_format, NULL },
    { "time_location", t_time_location, NULL },
    { "time_string", t_time_string, NULL },
    { "is_zero", t_is_zero, NULL },
    { "to_local", t_to_local, NULL },
    { "to_utc", t_to_utc, NULL },
    { "in_location", t_in_location, NULL },
};

#define S(name, v) { name, TG_CONST_STRING, 0, 0, v }
#define I(name, v) { name, TG_CONST_INT, v, 0, NULL }
static const struct tg_module_const consts[] = {
    S("format_ansic", "Mon Jan _2 15:04:05 2006"),
    S("format_unix_date", "Mon Jan _2 15:04:05 MST 2006"),
    S("format_ruby_date", "Mon Jan 02 15:04:05 -0700 2006"),
    S("format_rfc822", "02 Jan 06 15:04 MST"),
    S("format_rfc822z", "02 Jan 06 15:04 -0700"),
    S("format_rfc850", "Monday, 02-Jan-06 15:04:05 MST"),
    S("format_rfc1123", "Mon, 02 Jan 2006 15:04:05 MST"),
    S("format_rfc1123z", "Mon, 02 Jan 2006 15:04:05 -0700"),
    S("format_rfc3339", "2006-01-02T15:04:05Z07:00"),
    S("format_rfc3339_nano", "2006-01-02T15:04:05.999999999Z07:00"),
    S("format_kitchen", "3:04PM"),
    S("format_stamp", "Jan _2 15:04:05"),
    S("format_stamp_milli", "Jan _2 15:04:05.000"),
    S("format_stamp_micro", "Jan _2 15:04:05.000000"),
    S("format_stamp_nano", "Jan _2 15:04:05.000000000"),
    I("nanosecond", 1),
    I("microsecond", 1000),
    I("millisecond", 1000000),
    I("second", 1000000000),
    I("minute", 60000000000),
    I("hour", 3600000000000),
    I("january", 1), I("february", 2), I("march", 3), I("april", 4),
    I("may", 5), I("june", 6), I("july", 7), I("august", 8),
    I("september", 9), I("october", 10), I("november", 11), I("december", 12),
};
#undef S
#undef I

const struct tg_module tg_mod_times = { "times", funcs, TG_NELEMS(funcs), consts,
                                        TG_NELEMS(consts), NULL, 0, NULL };
