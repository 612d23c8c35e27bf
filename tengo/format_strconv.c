/* format_strconv.c — the parts of Go's strconv the verbs need: quoting
 * (Quote, QuoteToASCII, QuoteRune) and FormatFloat, shared with the
 * text module (text.quote, text.format_float). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_internal.h"
#include "unicode.h"

void tg_fmt_put_rune(buf_t *out, int32_t r)
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
        tg_fmt_put_rune(out, r);
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
