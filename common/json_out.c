/* json_out.c — JSON output behind json.h, written straight into a buf_t:
 * escaped strings, and numbers formatted as Go's encoding/json writes them
 * (the reference server's output). */
#include "json.h"

#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "status.h"
#include "utf8.h"


/* ==== output: strings ==================================================== */

static int needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

static void put_escape(buf_t *b, unsigned char c)
{
    if (c == '"' || c == '\\') {
        buf_putc(b, '\\');
        buf_putc(b, (char)c);
    } else
        buf_printf(b, "\\u%04x", c);
}

void json_put_strn(buf_t *b, const char *s, size_t n)
{
    if (!s) {
        buf_puts(b, "null");
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    buf_reserve(b, n + 2);
    buf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && !needs_escape(p[run]))
            run++;
        buf_append(b, p + i, run - i);
        i = run;
        if (i == n)
            break;
        if (p[i] < 0x80) {
            put_escape(b, p[i]);
            i++;
            continue;
        }
        size_t len = utf8_seq_len(p + i, n - i);
        if (len) {
            buf_append(b, p + i, len);
            i += len;
        } else {
            buf_puts(b, "\\ufffd"); /* one per bad byte, as Go does */
            i++;
        }
    }
    buf_putc(b, '"');
}

void json_put_str(buf_t *b, const char *s)
{
    json_put_strn(b, s, s ? strlen(s) : 0);
}

void json_put_key(buf_t *b, const char *key)
{
    json_put_str(b, key);
    buf_putc(b, ':');
}

void json_put_int(buf_t *b, int64_t v)
{
    buf_printf(b, "%" PRId64, v);
}

/* ==== output: doubles ==================================================== */

/* |v| = d[0].d[1]d[2]... × 10^exp10, no trailing zeros */
struct decimal {
    char digits[24];
    int ndigits;
    int exp10;
};

/* Reads "[-]d.ddde±X" as printed by %e into dec, dropping trailing zeros. */
static void decimal_from_e(const char *s, struct decimal *dec)
{
    dec->ndigits = 0;
    if (*s == '-')
        s++;
    for (; *s && *s != 'e'; s++)
        if (isdigit((unsigned char)*s) && dec->ndigits < (int)sizeof dec->digits - 1)
            dec->digits[dec->ndigits++] = *s;
    dec->exp10 = *s == 'e' ? atoi(s + 1) : 0;
    while (dec->ndigits > 1 && dec->digits[dec->ndigits - 1] == '0')
        dec->ndigits--;
    dec->digits[dec->ndigits] = '\0';
}

static int round_trips(const char *s, double v)
{
    return strtod(s, NULL) == v;
}

/* v printed with prec significant digits, if that reads back as v. */
static int decimal_try(double v, int prec, struct decimal *dec)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
    if (!round_trips(tmp, v))
        return 0;
    decimal_from_e(tmp, dec);
    return 1;
}

/* The correctly rounded 16-digit decimal may fall just outside v's
 * rounding interval where that interval is lopsided (v a power of two)
 * while its neighbour is inside; Go's shortest output picks the neighbour. */
static int decimal_try16_neighbours(double v, struct decimal *dec)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.15e", fabs(v));
    struct decimal base;
    decimal_from_e(tmp, &base);
    char digits[24] = { 0 };
    memcpy(digits, tmp, 1);
    memcpy(digits + 1, tmp + 2, 15); /* "d.ddddddddddddddd" → 16 digits */
    unsigned long long mant = strtoull(digits, NULL, 10);
    for (int step = -1; step <= 1; step += 2) {
        unsigned long long m = mant + (unsigned long long)(long long)step;
        char cand[48];
        snprintf(cand, sizeof cand, "%s%llue%d", v < 0 ? "-" : "", m, base.exp10 - 15);
        if (round_trips(cand, v)) {
            int nd = snprintf(digits, sizeof digits, "%llu", m);
            snprintf(cand, sizeof cand, "%c.%se%d", digits[0], digits + 1, base.exp10 + nd - 16);
            decimal_from_e(cand, dec);
            return 1;
        }
    }
    return 0;
}

/* ---- the same digits with exact integer arithmetic --------------------
 * For |v| in [1e-3, 1e15) (nearly every measurement, average and sum) the
 * decision above needs no printf and no strtod: v = m × 2^e with
 * e in [-62, -3], so v × 10^p (p <= 19) is m × 10^p / 2^-e, exact in 128
 * bits, and a decimal D × 10^-p reads back as v exactly when it lies in
 * v's rounding interval, which is also a comparison of 128-bit integers
 * (ties go to the even mantissa, as strtod rounds). Same digits as the
 * printf path, several times faster; unit.test_json compares the two on
 * millions of values. */
typedef unsigned __int128 u128;

static const uint64_t POW10[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
    10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

struct exact {
    uint64_t m; /* v = m × 2^e, m with its 53rd bit set */
    int e;
    int lopsided; /* m = 2^52: the interval below v is half as wide */
};

/* D × 10^-p reads back as v (strtod would give v). */
static int exact_reads_back(const struct exact *x, uint64_t d, int p)
{
    /* both sides × 10^p × 2^(2-e): X = D × 2^(2-e); v's interval
     * (4m - 2 or - 1, 4m + 2) × 10^p */
    u128 X = (u128)d << (2 - x->e);
    u128 scale = POW10[p];
    u128 hi = ((u128)(4 * x->m + 2)) * scale;
    u128 lo = ((u128)(4 * x->m - (x->lopsided ? 1 : 2))) * scale;
    int even = (x->m & 1) == 0;
    return (X > lo && X < hi) || (even && (X == lo || X == hi));
}

/* The correctly rounded n-digit decimal of v: D (10^(n-1) <= D < 10^n)
 * and its decimal exponent e10 (v ≈ D × 10^(e10 - n + 1)); 0 when out of
 * range for the exact path. */
static int exact_rounded(const struct exact *x, int n, int e10_guess, uint64_t *d, int *e10)
{
    for (int e10t = e10_guess - 1; e10t <= e10_guess + 1; e10t++) {
        int p = n - 1 - e10t;
        if (p < 0 || p > 19)
            continue;
        int sh = -x->e;
        u128 num = (u128)x->m * POW10[p];
        u128 q = num >> sh, rem = num & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
        if (rem > half || (rem == half && (q & 1)))
            q++;
        if (q >= POW10[n - 1] && q < POW10[n]) {
            *d = (uint64_t)q;
            *e10 = e10t;
            return 1;
        }
        if (q == POW10[n] && e10t == e10_guess + 1) { /* rounded up to 10^n */
            *d = POW10[n - 1];
            *e10 = e10t + 1;
            return 1;
        }
    }
    return 0;
}

static void decimal_from_int(uint64_t d, int e10, struct decimal *dec)
{
    char tmp[24];
    int n = 0;
    for (; d; d /= 10)
        tmp[n++] = (char)('0' + d % 10);
    dec->ndigits = 0;
    for (int i = n - 1; i >= 0; i--)
        dec->digits[dec->ndigits++] = tmp[i];
    while (dec->ndigits > 1 && dec->digits[dec->ndigits - 1] == '0')
        dec->ndigits--;
    dec->digits[dec->ndigits] = '\0';
    dec->exp10 = e10;
}

/* decimal_shortest for |v| in [1e-3, 1e15): 1 and *dec, or 0 (use the
 * printf path). */
static int decimal_shortest_exact(double v, struct decimal *dec)
{
    double a = fabs(v);
    if (!(a >= 1e-3 && a < 1e15))
        return 0;
    int e2;
    double f = frexp(a, &e2); /* a = f × 2^e2, f in [0.5, 1) */
    struct exact x = { (uint64_t)ldexp(f, 53), e2 - 53, 0 };
    x.lopsided = x.m == (1ULL << 52);
    if (x.e > -3 || x.e < -62)
        return 0;
    int guess = (int)floor(log10(a));
    uint64_t d;
    int e10;
    for (int n = 15; n <= 16; n++) {
        if (!exact_rounded(&x, n, guess, &d, &e10))
            return 0;
        if (exact_reads_back(&x, d, n - 1 - e10)) {
            decimal_from_int(d, e10, dec);
            return 1;
        }
    }
    /* 16 digits, the neighbours of the rounded decimal (d, e10 from n = 16) */
    for (int step = -1; step <= 1; step += 2) {
        uint64_t c = d + (uint64_t)(int64_t)step;
        if (exact_reads_back(&x, c, 15 - e10)) {
            if (c == POW10[16]) /* 9999999999999999 + 1 */
                decimal_from_int(POW10[15], e10 + 1, dec);
            else if (c < POW10[15]) /* 1000000000000000 - 1: 15 nines, one place down */
                decimal_from_int(c, e10 - 1, dec);
            else
                decimal_from_int(c, e10, dec);
            return 1;
        }
    }
    if (!exact_rounded(&x, 17, guess, &d, &e10))
        return 0;
    decimal_from_int(d, e10, dec);
    return 1;
}

/* Fewest significant digits that read back as v (v finite, non-zero),
 * the printf way (any v). */
static void decimal_shortest_printf(double v, struct decimal *dec)
{
    if (fabs(v) < DBL_MIN) { /* subnormal: less precision, may need few digits */
        for (int prec = 1; prec < 17; prec++)
            if (decimal_try(v, prec, dec))
                return;
    } else if (decimal_try(v, 15, dec) || decimal_try(v, 16, dec) ||
               decimal_try16_neighbours(v, dec))
        return;
    decimal_try(v, 17, dec); /* 17 digits always read back */
}

static void decimal_shortest(double v, struct decimal *dec)
{
    if (!decimal_shortest_exact(v, dec))
        decimal_shortest_printf(v, dec);
}

int json_double_paths_agree(double v)
{
    struct decimal fast, slow;
    if (v == 0 || !isfinite(v) || !decimal_shortest_exact(v, &fast))
        return -1;
    decimal_shortest_printf(v, &slow);
    return fast.exp10 == slow.exp10 && strcmp(fast.digits, slow.digits) == 0;
}

static void put_fixed(buf_t *b, const struct decimal *d)
{
    if (d->exp10 < 0) {
        buf_puts(b, "0.");
        for (int i = -1; i > d->exp10; i--)
            buf_putc(b, '0');
        buf_append(b, d->digits, (size_t)d->ndigits);
        return;
    }
    for (int i = 0; i <= d->exp10; i++)
        buf_putc(b, i < d->ndigits ? d->digits[i] : '0');
    if (d->ndigits > d->exp10 + 1) {
        buf_putc(b, '.');
        buf_append(b, d->digits + d->exp10 + 1, (size_t)(d->ndigits - d->exp10 - 1));
    }
}

/* Go: "1e+21", "1.5e-07" cleaned to "1.5e-7". */
static void put_exponent(buf_t *b, const struct decimal *d)
{
    buf_putc(b, d->digits[0]);
    if (d->ndigits > 1) {
        buf_putc(b, '.');
        buf_append(b, d->digits + 1, (size_t)d->ndigits - 1);
    }
    if (d->exp10 < 0)
        buf_printf(b, "e-%d", -d->exp10);
    else
        buf_printf(b, "e+%02d", d->exp10);
}

/* Fast path for the common case of measurements: a value that is exactly
 * m / 10^k (the double nearest to it) with m < 10^15 and k <= 8. Fifteen
 * significant digits always round-trip, so the shortest digits of v are
 * those of m with the fewest decimals k — what the general path would
 * write, at a fraction of the cost. Returns 0 when v does not qualify. */
static int put_short_decimal(buf_t *b, double v)
{
    static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
    double a = fabs(v);
    if (!(a >= 1e-6 && a < 1e15) || signbit(v) != (v < 0))
        return 0;
    for (int k = 0; k <= 8; k++) {
        double scaled = a * pow10[k];
        if (scaled >= 1e15)
            return 0;
        double m = nearbyint(scaled);
        if (m / pow10[k] != a)
            continue;
        char digits[24];
        int n = 0;
        for (uint64_t x = (uint64_t)m; x || n <= k; x /= 10)
            digits[n++] = (char)('0' + x % 10);
        char out[32];
        int o = 0;
        if (v < 0)
            out[o++] = '-';
        for (int i = n - 1; i >= 0; i--) {
            out[o++] = digits[i];
            if (i == k && k > 0)
                out[o++] = '.';
        }
        buf_append(b, out, (size_t)o);
        return 1;
    }
    return 0;
}

void json_put_double(buf_t *b, double v)
{
    if (v != 0 && isfinite(v) && put_short_decimal(b, v))
        return;
    if (!isfinite(v)) {
        buf_puts(b, "null");
        return;
    }
    if (signbit(v))
        buf_putc(b, '-');
    if (v == 0) {
        buf_putc(b, '0');
        return;
    }
    struct decimal d;
    decimal_shortest(v, &d);
    double a = fabs(v);
    if (a < 1e-6 || a >= 1e21)
        put_exponent(b, &d);
    else
        put_fixed(b, &d);
}

void json_put_base64(buf_t *b, const void *data, size_t n)
{
    buf_putc(b, '"');
    buf_reserve(b, base64_encoded_len(n) + 1);
    b->len += base64_encode((const uint8_t *)data, n, b->data + b->len);
    buf_putc(b, '"');
}
