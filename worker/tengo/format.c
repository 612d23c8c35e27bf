/* format.c — Tengo's Format (formatting.go, itself Go's fmt/print.go and
 * format.go adapted to Tengo objects) and Go's strconv quoting and float
 * formatting, which the verbs need.
 *
 * Tengo quirks kept: %v prints the value's String() (strings quoted), so
 * does %T with the type name; a wrong verb prints %!d(STRING=STRING) with
 * the value's String() where Go prints the type; chars have no verbs of
 * their own (they format as their one-rune string). Explicit argument
 * indexes (%[2]d) and * widths work as in Go. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "unicode.h"

static const char ldigits[] = "0123456789abcdefx";
static const char udigits[] = "0123456789ABCDEFX";

struct fmtst {
    buf_t *out;
    int wid, prec;
    bool wid_p, prec_p, minus, plus, sharp, zero, space, plus_v, sharp_v;
};

/* ---- strconv ---- */

static void put_rune(buf_t *out, int32_t r)
{
    char b[4];
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    buf_append(out, b, (size_t)tg_utf8_encode(r, b));
}

static void quote_rune_into(buf_t *out, int32_t r, char q, bool ascii)
{
    static const char hex[] = "0123456789abcdef";
    if (r == q || r == '\\') {
        buf_putc(out, '\\');
        buf_putc(out, (char)r);
        return;
    }
    if (ascii ? (r < 0x7f && tg_uc_is_print(r)) : tg_uc_is_print(r)) {
        put_rune(out, r);
        return;
    }
    switch (r) {
    case '\a': buf_puts(out, "\\a"); return;
    case '\b': buf_puts(out, "\\b"); return;
    case '\f': buf_puts(out, "\\f"); return;
    case '\n': buf_puts(out, "\\n"); return;
    case '\r': buf_puts(out, "\\r"); return;
    case '\t': buf_puts(out, "\\t"); return;
    case '\v': buf_puts(out, "\\v"); return;
    default: break;
    }
    if (r < ' ' || r == 0x7f)
        buf_printf(out, "\\x%c%c", hex[(r >> 4) & 15], hex[r & 15]);
    else if (r < 0x10000)
        buf_printf(out, "\\u%04x", (unsigned)r);
    else
        buf_printf(out, "\\U%08x", (unsigned)r);
}

void tg_go_quote(buf_t *out, const char *s, size_t n, bool ascii)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    buf_putc(out, '"');
    for (size_t i = 0; i < n;) {
        size_t w;
        int32_t r = tg_utf8_decode(u + i, n - i, &w);
        if (r == 0xFFFD && w == 1) { /* an invalid byte */
            buf_printf(out, "\\x%c%c", hex[u[i] >> 4], hex[u[i] & 15]);
            i++;
            continue;
        }
        quote_rune_into(out, r, '"', ascii);
        i += w;
    }
    buf_putc(out, '"');
}

void tg_go_quote_rune(buf_t *out, int32_t r, bool ascii)
{
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    buf_putc(out, '\'');
    quote_rune_into(out, r, '\'', ascii);
    buf_putc(out, '\'');
}

/* Decimal digits of |v| (finite): sig significant digits, or the shortest
 * that read back as v when sig < 0. Trailing zeros dropped; *dp is the
 * decimal point's position (Go's decimal.dp). Returns the digit count. */
static int float_digits(double v, int sig, char *d, int *dp)
{
    char s[64];
    v = fabs(v);
    if (sig < 0) {
        for (int p = 1; p <= 17; p++) {
            snprintf(s, sizeof s, "%.*e", p - 1, v);
            if (strtod(s, NULL) == v)
                break;
        }
    } else {
        snprintf(s, sizeof s, "%.*e", sig - 1, v);
    }
    int nd = 0;
    const char *p = s;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            d[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    if (nd == 1 && d[0] == '0') {
        *dp = 1;
        return 1;
    }
    *dp = exp + 1;
    return nd;
}

static void put_e(buf_t *out, const char *d, int nd, int dp, int prec, char e)
{
    buf_putc(out, d[0]);
    if (prec > 0) {
        buf_putc(out, '.');
        for (int i = 1; i <= prec; i++)
            buf_putc(out, i < nd ? d[i] : '0');
    }
    int exp = (nd == 1 && d[0] == '0') ? 0 : dp - 1;
    buf_printf(out, "%c%c%02d", e, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static void put_f(buf_t *out, const char *d, int nd, int dp, int prec)
{
    if (dp > 0)
        for (int i = 0; i < dp; i++)
            buf_putc(out, i < nd ? d[i] : '0');
    else
        buf_putc(out, '0');
    if (prec > 0) {
        buf_putc(out, '.');
        for (int i = 1; i <= prec; i++) {
            int j = dp + i - 1;
            buf_putc(out, j >= 0 && j < nd ? d[j] : '0');
        }
    }
}

void tg_go_format_float(buf_t *out, double v, char verb, int prec)
{
    if (isnan(v)) {
        buf_puts(out, "NaN");
        return;
    }
    if (isinf(v)) {
        buf_puts(out, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (signbit(v))
        buf_putc(out, '-');
    char d[64];
    int dp, nd;
    char e = (verb == 'E' || verb == 'G') ? 'E' : 'e';
    switch (verb) {
    case 'e':
    case 'E':
        nd = float_digits(v, prec < 0 ? -1 : prec + 1, d, &dp);
        put_e(out, d, nd, dp, prec < 0 ? nd - 1 : prec, e);
        return;
    case 'f':
        if (prec < 0) {
            nd = float_digits(v, -1, d, &dp);
            put_f(out, d, nd, dp, nd - dp > 0 ? nd - dp : 0);
        } else {
            buf_printf(out, "%.*f", prec, fabs(v));
        }
        return;
    default: { /* g G */
        bool shortest = prec < 0;
        if (prec == 0)
            prec = 1;
        nd = float_digits(v, shortest ? -1 : prec, d, &dp);
        if (shortest)
            prec = nd;
        int eprec = prec;
        if (eprec > nd && nd >= dp)
            eprec = nd;
        if (shortest)
            eprec = 6;
        int exp = dp - 1;
        if (exp < -4 || exp >= eprec) {
            put_e(out, d, nd, dp, (prec > nd ? nd : prec) - 1, e);
            return;
        }
        int p = prec > dp ? nd : prec;
        put_f(out, d, nd, dp, p - dp > 0 ? p - dp : 0);
        return;
    }
    }
}

/* ---- padding (Go's fmt.pad) ---- */

static size_t rune_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static void write_padding(struct fmtst *f, long n)
{
    for (long i = 0; i < n; i++)
        buf_putc(f->out, f->zero ? '0' : ' ');
}

static void pad(struct fmtst *f, const char *s, size_t n)
{
    if (!f->wid_p || f->wid == 0) {
        buf_append(f->out, s, n);
        return;
    }
    long width = f->wid - (long)rune_count(s, n);
    if (!f->minus) {
        write_padding(f, width);
        buf_append(f->out, s, n);
    } else {
        buf_append(f->out, s, n);
        write_padding(f, width);
    }
}

static void pad_nozero(struct fmtst *f, const char *s, size_t n)
{
    bool z = f->zero;
    f->zero = false;
    pad(f, s, n);
    f->zero = z;
}

/* ---- Go's fmt.fmt* ---- */

static void fmt_s(struct fmtst *f, const char *s, size_t n)
{
    if (f->prec_p) { /* truncate to prec runes */
        size_t i = 0;
        int r = 0;
        while (i < n && r < f->prec) {
            i++;
            while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            r++;
        }
        n = i;
    }
    pad(f, s, n);
}

static bool can_backquote(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t w;
        int32_t r = tg_utf8_decode((const unsigned char *)s + i, n - i, &w);
        if (r == 0xFFFD && w == 1)
            return false;
        if (r == '`' || r == 0xFEFF || (r < ' ' && r != '\t') || r == 0x7f)
            return false;
        i += w;
    }
    return true;
}

static void fmt_q(struct fmtst *f, const char *s, size_t n)
{
    if (f->prec_p) {
        size_t i = 0;
        int r = 0;
        while (i < n && r < f->prec) {
            i++;
            while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            r++;
        }
        n = i;
    }
    buf_t t = BUF_INIT;
    if (f->sharp && can_backquote(s, n)) {
        buf_putc(&t, '`');
        buf_append(&t, s, n);
        buf_putc(&t, '`');
    } else {
        tg_go_quote(&t, s, n, f->plus);
    }
    pad(f, t.data, t.len);
    buf_free(&t);
}

static void fmt_sx(struct fmtst *f, const char *s, size_t n, const char *digits)
{
    long length = (long)n;
    if (f->prec_p && f->prec < length)
        length = f->prec;
    long width = 2 * length;
    if (width > 0) {
        if (f->space) {
            if (f->sharp)
                width *= 2;
            width += length - 1;
        } else if (f->sharp) {
            width += 2;
        }
    } else {
        if (f->wid_p)
            write_padding(f, f->wid);
        return;
    }
    if (f->wid_p && f->wid > width && !f->minus)
        write_padding(f, f->wid - width);
    if (f->sharp) {
        buf_putc(f->out, '0');
        buf_putc(f->out, digits[16]);
    }
    for (long i = 0; i < length; i++) {
        if (f->space && i > 0) {
            buf_putc(f->out, ' ');
            if (f->sharp) {
                buf_putc(f->out, '0');
                buf_putc(f->out, digits[16]);
            }
        }
        unsigned char c = (unsigned char)s[i];
        buf_putc(f->out, digits[c >> 4]);
        buf_putc(f->out, digits[c & 15]);
    }
    if (f->wid_p && f->wid > width && f->minus)
        write_padding(f, f->wid - width);
}

static void fmt_integer(struct fmtst *f, uint64_t u, int base, bool is_signed, char verb,
                        const char *digits)
{
    bool negative = is_signed && (int64_t)u < 0;
    if (negative)
        u = -u;
    size_t cap = 80 + (f->wid_p ? (size_t)f->wid : 0) + (f->prec_p ? (size_t)f->prec : 0);
    char *b = malloc(cap);
    size_t i = cap;
    int prec = 0;
    if (f->prec_p) {
        prec = f->prec;
        if (prec == 0 && u == 0) {
            bool z = f->zero;
            f->zero = false;
            if (f->wid_p)
                write_padding(f, f->wid);
            f->zero = z;
            free(b);
            return;
        }
    } else if (f->zero && f->wid_p) {
        prec = f->wid;
        if (negative || f->plus || f->space)
            prec--;
    }
    do {
        b[--i] = digits[u % (unsigned)base];
        u /= (unsigned)base;
    } while (u);
    while (i > 0 && prec > (int)(cap - i))
        b[--i] = '0';
    if (f->sharp) {
        if (base == 2) {
            b[--i] = 'b';
            b[--i] = '0';
        } else if (base == 8 && b[i] != '0') {
            b[--i] = '0';
        } else if (base == 16) {
            b[--i] = digits[16];
            b[--i] = '0';
        }
    }
    if (verb == 'O') {
        b[--i] = 'o';
        b[--i] = '0';
    }
    if (negative)
        b[--i] = '-';
    else if (f->plus)
        b[--i] = '+';
    else if (f->space)
        b[--i] = ' ';
    pad_nozero(f, b + i, cap - i);
    free(b);
}

static void fmt_unicode(struct fmtst *f, uint64_t u)
{
    buf_t t = BUF_INIT;
    int prec = 4;
    if (f->prec_p && f->prec > 4)
        prec = f->prec;
    buf_printf(&t, "U+%0*llX", prec, (unsigned long long)u);
    if (f->sharp && u <= 0x10FFFF && tg_uc_is_print((int32_t)u)) {
        buf_puts(&t, " '");
        put_rune(&t, (int32_t)u);
        buf_putc(&t, '\'');
    }
    pad_nozero(f, t.data, t.len);
    buf_free(&t);
}

static void fmt_float(struct fmtst *f, double v, char verb, int prec)
{
    if (f->prec_p)
        prec = f->prec;
    buf_t t = BUF_INIT;
    buf_putc(&t, '+');
    if (verb == 'b') {
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        int exp = (int)(bits >> 52) & 0x7FF;
        uint64_t mant = bits & ((1ULL << 52) - 1);
        if (exp == 0)
            exp++;
        else
            mant |= 1ULL << 52;
        exp += -1023 - 52;
        if (signbit(v))
            buf_putc(&t, '-');
        buf_printf(&t, "%llup%c%d", (unsigned long long)mant, exp >= 0 ? '+' : '-',
                   exp >= 0 ? exp : -exp);
    } else if (verb == 'x' || verb == 'X') {
        /* C's %a, with Go's two-digit exponent */
        char s[64];
        if (isnan(v) || isinf(v))
            tg_go_format_float(&t, v, 'g', -1);
        else {
            if (prec >= 0)
                snprintf(s, sizeof s, verb == 'x' ? "%.*a" : "%.*A", prec, v);
            else
                snprintf(s, sizeof s, verb == 'x' ? "%a" : "%A", v);
            char *p = strchr(s, verb == 'x' ? 'p' : 'P');
            if (p && strlen(p) == 3) {
                buf_append(&t, s, (size_t)(p - s + 2));
                buf_putc(&t, '0');
                buf_puts(&t, p + 2);
            } else {
                buf_puts(&t, s);
            }
        }
    } else {
        tg_go_format_float(&t, v, verb, prec);
    }
    char *num = t.data;
    size_t n = t.len;
    if (num[1] == '-' || num[1] == '+') {
        num++;
        n--;
    }
    if (f->space && num[0] == '+' && !f->plus)
        num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
        if (num[1] == 'N' && !f->space && !f->plus) {
            num++;
            n--;
        }
        pad_nozero(f, num, n);
        buf_free(&t);
        return;
    }
    if (f->sharp && verb != 'b') { /* keep the point and, for %g, trailing zeros */
        buf_t s = BUF_INIT;
        int digits = 0;
        if (verb == 'v' || verb == 'g' || verb == 'G') {
            digits = prec;
            if (digits < 0)
                digits = 6;
        }
        const char *tail = "";
        size_t tl = 0;
        for (size_t i = 1; i < n; i++)
            if (num[i] == 'e' || num[i] == 'E' || num[i] == 'p' || num[i] == 'P') {
                tail = num + i;
                tl = n - i;
                n = i;
                break;
            }
        bool saw_point = false, saw_nonzero = false;
        for (size_t i = 1; i < n; i++) {
            if (num[i] == '.')
                saw_point = true;
            else if (num[i] >= '0' && num[i] <= '9') {
                if (num[i] != '0')
                    saw_nonzero = true;
                if (saw_nonzero)
                    digits--;
            }
        }
        buf_append(&s, num, n);
        if (!saw_point) {
            if (n == 2 && num[1] == '0')
                digits--;
            buf_putc(&s, '.');
        }
        for (; digits > 0; digits--)
            buf_putc(&s, '0');
        buf_append(&s, tail, tl);
        buf_free(&t);
        t = s;
        num = t.data;
        n = t.len;
    }
    if (f->plus || num[0] != '+') {
        if (f->zero && f->wid_p && f->wid > (long)n) {
            buf_putc(f->out, num[0]);
            write_padding(f, f->wid - (long)n);
            buf_append(f->out, num + 1, n - 1);
        } else {
            pad(f, num, n);
        }
    } else {
        pad(f, num + 1, n - 1);
    }
    buf_free(&t);
}

/* ---- printArg ---- */

static void print_arg(struct fmtst *f, struct tg_value v, int verb);

static void bad_verb(struct fmtst *f, struct tg_value v, int verb)
{
    buf_puts(f->out, "%!");
    put_rune(f->out, verb);
    buf_putc(f->out, '(');
    tg_value_string(f->out, v);
    buf_putc(f->out, '=');
    print_arg(f, v, 'v');
    buf_putc(f->out, ')');
}

static void fmt_string(struct fmtst *f, struct tg_value arg, const char *s, size_t n, int verb)
{
    switch (verb) {
    case 'v':
        if (f->sharp_v)
            fmt_q(f, s, n);
        else
            fmt_s(f, s, n);
        break;
    case 's':
        fmt_s(f, s, n);
        break;
    case 'x':
        fmt_sx(f, s, n, ldigits);
        break;
    case 'X':
        fmt_sx(f, s, n, udigits);
        break;
    case 'q':
        fmt_q(f, s, n);
        break;
    default:
        bad_verb(f, arg, verb);
    }
}

static void fmt_int_verb(struct fmtst *f, struct tg_value arg, int64_t i, int verb)
{
    uint64_t u = (uint64_t)i;
    switch (verb) {
    case 'v':
    case 'd': fmt_integer(f, u, 10, true, (char)verb, ldigits); return;
    case 'b': fmt_integer(f, u, 2, true, (char)verb, ldigits); return;
    case 'o':
    case 'O': fmt_integer(f, u, 8, true, (char)verb, ldigits); return;
    case 'x': fmt_integer(f, u, 16, true, (char)verb, ldigits); return;
    case 'X': fmt_integer(f, u, 16, true, (char)verb, udigits); return;
    case 'c': {
        buf_t t = BUF_INIT;
        put_rune(&t, u > 0x10FFFF ? 0xFFFD : (int32_t)u);
        pad(f, t.data, t.len);
        buf_free(&t);
        return;
    }
    case 'q':
        if (u <= 0x10FFFF) {
            buf_t t = BUF_INIT;
            tg_go_quote_rune(&t, (int32_t)u, f->plus);
            pad(f, t.data, t.len);
            buf_free(&t);
            return;
        }
        break;
    case 'U': fmt_unicode(f, u); return;
    default: break;
    }
    bad_verb(f, arg, verb);
}

static void fmt_bytes(struct fmtst *f, const char *s, size_t n, int verb)
{
    switch (verb) {
    case 'v':
    case 'd':
        buf_putc(f->out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_putc(f->out, ' ');
            fmt_integer(f, (unsigned char)s[i], 10, false, (char)verb, ldigits);
        }
        buf_putc(f->out, ']');
        break;
    case 's': fmt_s(f, s, n); break;
    case 'x': fmt_sx(f, s, n, ldigits); break;
    case 'X': fmt_sx(f, s, n, udigits); break;
    case 'q': fmt_q(f, s, n); break;
    default: break; /* Tengo prints nothing */
    }
}

static void print_arg(struct fmtst *f, struct tg_value v, int verb)
{
    buf_t t = BUF_INIT;
    if (verb == 'T' || verb == 'v') {
        if (verb == 'T')
            tg_type_name(&t, v);
        else
            tg_value_string(&t, v);
        fmt_s(f, t.data ? t.data : "", t.len);
        buf_free(&t);
        return;
    }
    switch ((enum tg_type)v.type) {
    case TG_BOOL:
        if (verb == 't')
            pad(f, v.u.b ? "true" : "false", v.u.b ? 4 : 5);
        else
            bad_verb(f, v, verb);
        break;
    case TG_FLOAT:
        switch (verb) {
        case 'b': case 'g': case 'G': case 'x': case 'X':
            fmt_float(f, v.u.f, (char)verb, -1);
            break;
        case 'f': case 'e': case 'E':
            fmt_float(f, v.u.f, (char)verb, 6);
            break;
        case 'F':
            fmt_float(f, v.u.f, 'f', 6);
            break;
        default:
            bad_verb(f, v, verb);
        }
        break;
    case TG_INT:
        fmt_int_verb(f, v, v.u.i, verb);
        break;
    case TG_STRING:
        fmt_string(f, v, TG_STR(v)->data, TG_STR(v)->len, verb);
        break;
    case TG_BYTES:
        fmt_bytes(f, TG_STR(v)->data, TG_STR(v)->len, verb);
        break;
    default:
        tg_value_string(&t, v);
        fmt_string(f, v, t.data ? t.data : "", t.len, verb);
        break;
    }
    buf_free(&t);
}

/* ---- doFormat ---- */

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
                    print_arg(&f, a[argnum], c);
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
            put_rune(out, verb);
            buf_puts(out, "(BADINDEX)");
        } else if (argnum >= na) {
            buf_puts(out, "%!");
            put_rune(out, verb);
            buf_puts(out, "(MISSING)");
        } else {
            if (verb == 'v') {
                f.sharp_v = f.sharp;
                f.sharp = false;
                f.plus_v = f.plus;
                f.plus = false;
            }
            print_arg(&f, a[argnum], verb);
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
            print_arg(&f, a[i], 'v');
        }
        buf_putc(out, ')');
    }
}
