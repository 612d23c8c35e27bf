/* format_fmt.c — Go's fmt/format.go: one operand (a string, an integer,
 * a float, a rune) written under the flags, width and precision of its
 * verb, with Go's padding rules. Knows nothing of Tengo values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_internal.h"
#include "unicode.h"
#include "xalloc.h"

/* ---- padding (Go's fmt.pad) ---- */

static size_t rune_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static void tg_fmt_write_padding(struct fmtst *f, long n)
{
    for (long i = 0; i < n; i++)
        buf_putc(f->out, f->zero ? '0' : ' ');
}

void tg_fmt_pad(struct fmtst *f, const char *s, size_t n)
{
    if (!f->wid_p || f->wid == 0) {
        buf_append(f->out, s, n);
        return;
    }
    long width = f->wid - (long)rune_count(s, n);
    if (!f->minus) {
        tg_fmt_write_padding(f, width);
        buf_append(f->out, s, n);
    } else {
        buf_append(f->out, s, n);
        tg_fmt_write_padding(f, width);
    }
}

static void tg_fmt_pad_nozero(struct fmtst *f, const char *s, size_t n)
{
    bool z = f->zero;
    f->zero = false;
    tg_fmt_pad(f, s, n);
    f->zero = z;
}

/* ---- Go's fmt.fmt* ---- */

void tg_fmt_s(struct fmtst *f, const char *s, size_t n)
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
    tg_fmt_pad(f, s, n);
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

void tg_fmt_q(struct fmtst *f, const char *s, size_t n)
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
    tg_fmt_pad(f, t.data, t.len);
    buf_free(&t);
}

void tg_fmt_sx(struct fmtst *f, const char *s, size_t n, const char *digits)
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
            tg_fmt_write_padding(f, f->wid);
        return;
    }
    if (f->wid_p && f->wid > width && !f->minus)
        tg_fmt_write_padding(f, f->wid - width);
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
        tg_fmt_write_padding(f, f->wid - width);
}

void tg_fmt_integer(struct fmtst *f, uint64_t u, int base, bool is_signed, char verb,
                        const char *digits)
{
    bool negative = is_signed && (int64_t)u < 0;
    if (negative)
        u = -u;
    size_t cap = 80 + (f->wid_p ? (size_t)f->wid : 0) + (f->prec_p ? (size_t)f->prec : 0);
    char *b = xmalloc(cap);
    size_t i = cap;
    int prec = 0;
    if (f->prec_p) {
        prec = f->prec;
        if (prec == 0 && u == 0) {
            bool z = f->zero;
            f->zero = false;
            if (f->wid_p)
                tg_fmt_write_padding(f, f->wid);
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
    tg_fmt_pad_nozero(f, b + i, cap - i);
    free(b);
}

void tg_fmt_unicode(struct fmtst *f, uint64_t u)
{
    buf_t t = BUF_INIT;
    int prec = 4;
    if (f->prec_p && f->prec > 4)
        prec = f->prec;
    buf_printf(&t, "U+%0*llX", prec, (unsigned long long)u);
    if (f->sharp && u <= 0x10FFFF && tg_uc_is_print((int32_t)u)) {
        buf_puts(&t, " '");
        tg_fmt_put_rune(&t, (int32_t)u);
        buf_putc(&t, '\'');
    }
    tg_fmt_pad_nozero(f, t.data, t.len);
    buf_free(&t);
}

void tg_fmt_float(struct fmtst *f, double v, char verb, int prec)
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
        tg_fmt_pad_nozero(f, num, n);
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
            tg_fmt_write_padding(f, f->wid - (long)n);
            buf_append(f->out, num + 1, n - 1);
        } else {
            tg_fmt_pad(f, num, n);
        }
    } else {
        tg_fmt_pad(f, num + 1, n - 1);
    }
    buf_free(&t);
}
