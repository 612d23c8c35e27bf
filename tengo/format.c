/* format.c — Tengo's Format (formatting.go, itself Go's fmt/print.go and
 * format.go adapted to Tengo objects): reading the format string (flags,
 * width, precision, explicit argument indexes, verbs) and handing each
 * argument to format_arg.c; the operands are written by format_fmt.c and
 * format_strconv.c.
 *
 * Tengo quirks kept: %v prints the value's String() (strings quoted), so
 * does %T with the type name; a wrong verb prints %!d(STRING=STRING) with
 * the value's String() where Go prints the type; chars have no verbs of
 * their own (they format as their one-rune string). Explicit argument
 * indexes (%[2]d) and * widths work as in Go. */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_internal.h"
#include "unicode.h"

static bool too_large(long x)
{
    return x > 1000000 || x < -1000000;
}

static int parse_num(const char *s, size_t start, size_t end, int *num, size_t *newi)
{
    long n = 0;
    int isnum = 0;
    size_t i = start;
    for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
        if (too_large(n)) {
            *num = 0;
            *newi = end;
            return 0;
        }
        n = n * 10 + (s[i] - '0');
        isnum = 1;
    }
    *num = (int)n;
    *newi = i;
    return isnum;
}

struct doformat {
    const char *s;
    size_t end;
    const struct tg_value *a;
    int na;
    bool reordered, good_arg_num;
};

/* Go's argNumber: an explicit [n] index at s[*i]. */
static int arg_number(struct doformat *d, int argnum, size_t *i, bool *found)
{
    *found = false;
    if (*i >= d->end || d->s[*i] != '[')
        return argnum;
    d->reordered = true;
    /* parseArgNumber */
    size_t len = d->end - *i;
    int index = 0;
    size_t wid = 1;
    bool ok = false;
    if (len >= 3) {
        for (size_t j = 1; j < len; j++)
            if (d->s[*i + j] == ']') {
                int w;
                size_t newi;
                int isnum = parse_num(d->s + *i, 1, j, &w, &newi);
                if (!isnum || newi != j) {
                    wid = j + 1;
                } else {
                    index = w - 1;
                    wid = j + 1;
                    ok = true;
                }
                break;
            }
    }
    *i += wid;
    if (ok && index >= 0 && index < d->na) {
        *found = true;
        return index;
    }
    d->good_arg_num = false;
    *found = ok;
    return argnum;
}

static bool int_from_arg(struct doformat *d, int *argnum, int *num)
{
    *num = 0;
    if (*argnum >= d->na)
        return false;
    struct tg_value v = d->a[(*argnum)++];
    bool is_int = true;
    long n;
    switch ((enum tg_type)v.type) {
    case TG_INT: n = (long)v.u.i; break;
    case TG_FLOAT: n = (long)v.u.f; break;
    case TG_CHAR: n = v.u.c; break;
    case TG_BOOL: n = v.u.b; break;
    case TG_STRING: {
        char *e;
        n = strtol(TG_STR(v)->data, &e, 10);
        if (*e || e == TG_STR(v)->data)
            is_int = false, n = 0;
        break;
    }
    default: is_int = false, n = 0;
    }
    if (too_large(n)) {
        n = 0;
        is_int = false;
    }
    *num = (int)n;
    return is_int;
}

void tg_format(buf_t *out, const char *s, size_t end, const struct tg_value *a, int na)
{
    struct doformat d = { s, end, a, na, false, true };
    int argnum = 0;
    bool after_index = false;
    for (size_t i = 0; i < end;) {
        d.good_arg_num = true;
        size_t lasti = i;
        while (i < end && s[i] != '%')
            i++;
        if (i > lasti)
            buf_append(out, s + lasti, i - lasti);
        if (i >= end)
            break;
        i++;
        struct fmtst f = { .out = out };
        bool simple_done = false;
        for (; i < end; i++) {
            char c = s[i];
            if (c == '#')
                f.sharp = true;
            else if (c == '0')
                f.zero = !f.minus;
            else if (c == '+')
                f.plus = true;
            else if (c == '-')
                f.minus = true, f.zero = false;
            else if (c == ' ')
                f.space = true;
            else {
                if (c >= 'a' && c <= 'z' && argnum < na) {
                    if (c == 'v') {
                        f.sharp_v = f.sharp;
                        f.sharp = false;
                        f.plus_v = f.plus;
                        f.plus = false;
                    }
                    tg_fmt_print_arg(&f, a[argnum], c);
                    argnum++;
                    i++;
                    simple_done = true;
                }
                break;
            }
        }
        if (simple_done)
            continue;
        argnum = arg_number(&d, argnum, &i, &after_index);
        if (i < end && s[i] == '*') {
            i++;
            f.wid_p = int_from_arg(&d, &argnum, &f.wid);
            if (!f.wid_p)
                buf_puts(out, "%!(BADWIDTH)");
            if (f.wid < 0) {
                f.wid = -f.wid;
                f.minus = true;
                f.zero = false;
            }
            after_index = false;
        } else {
            f.wid_p = parse_num(s, i, end, &f.wid, &i);
            if (after_index && f.wid_p)
                d.good_arg_num = false;
        }
        if (i + 1 < end && s[i] == '.') {
            i++;
            if (after_index)
                d.good_arg_num = false;
            argnum = arg_number(&d, argnum, &i, &after_index);
            if (i < end && s[i] == '*') {
                i++;
                f.prec_p = int_from_arg(&d, &argnum, &f.prec);
                if (f.prec < 0) {
                    f.prec = 0;
                    f.prec_p = false;
                }
                if (!f.prec_p)
                    buf_puts(out, "%!(BADPREC)");
                after_index = false;
            } else {
                f.prec_p = parse_num(s, i, end, &f.prec, &i);
                if (!f.prec_p) {
                    f.prec = 0;
                    f.prec_p = true;
                }
            }
        }
        if (!after_index)
            argnum = arg_number(&d, argnum, &i, &after_index);
        if (i >= end) {
            buf_puts(out, "%!(NOVERB)");
            break;
        }
        size_t w = 1;
        int32_t verb = (unsigned char)s[i];
        if (verb >= 0x80)
            verb = tg_utf8_decode((const unsigned char *)s + i, end - i, &w);
        i += w;
        if (verb == '%') {
            buf_putc(out, '%');
        } else if (!d.good_arg_num) {
            buf_puts(out, "%!");
            tg_fmt_put_rune(out, verb);
            buf_puts(out, "(BADINDEX)");
        } else if (argnum >= na) {
            buf_puts(out, "%!");
            tg_fmt_put_rune(out, verb);
            buf_puts(out, "(MISSING)");
        } else {
            if (verb == 'v') {
                f.sharp_v = f.sharp;
                f.sharp = false;
                f.plus_v = f.plus;
                f.plus = false;
            }
            tg_fmt_print_arg(&f, a[argnum], verb);
            argnum++;
        }
    }
    if (!d.reordered && argnum < na) {
        struct fmtst f = { .out = out };
        buf_puts(out, "%!(EXTRA ");
        for (int i = argnum; i < na; i++) {
            if (i > argnum)
                buf_puts(out, ", ");
            tg_type_name(out, a[i]);
            buf_putc(out, '=');
            tg_fmt_print_arg(&f, a[i], 'v');
        }
        buf_putc(out, ')');
    }
}
