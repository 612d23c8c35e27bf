/* literal.c — Go-compatible decoding of number, char and string literals
 * (see literal.h). Validation follows strconv's grammar exactly; the
 * conversion of floats is strtod's, correctly rounded like Go's. */
#include "literal.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unicode.h"
#include "xalloc.h"

static int lower(int c)
{
    return c | ('x' - 'X');
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* strconv.underscoreOK: '_' only between digits (or after a base prefix). */
static int underscore_ok(const char *s, size_t n)
{
    char saw = '^';
    size_t i = 0;
    int hex = 0;
    if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < n; i++) {
        if ((s[i] >= '0' && s[i] <= '9') || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
            saw = '0';
            continue;
        }
        if (s[i] == '_') {
            if (saw != '0')
                return 0;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return 0;
        saw = '!';
    }
    return saw != '_';
}

int tg_go_parse_int(const char *s, size_t n, int64_t base, int64_t bits, int64_t *out)
{
    *out = 0;
    if (n == 0)
        return 1;
    bool neg = false;
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    bool base0 = base == 0;
    if (base0) {
        base = 10;
        if (i < n && s[i] == '0') {
            if (i + 2 <= n && n - i >= 3 && (s[i + 1] == 'x' || s[i + 1] == 'X'))
                base = 16, i += 2;
            else if (n - i >= 3 && (s[i + 1] == 'o' || s[i + 1] == 'O'))
                base = 8, i += 2;
            else if (n - i >= 3 && (s[i + 1] == 'b' || s[i + 1] == 'B'))
                base = 2, i += 2;
            else
                base = 8, i += (n - i > 1) ? 1 : 0;
        }
    } else if (base < 2 || base > 36) {
        return 3;
    }
    if (bits == 0)
        bits = 64;
    if (bits < 0 || bits > 64)
        return 4;
    if (i >= n)
        return 1;
    uint64_t v = 0, cutoff = bits == 64 ? (1ULL << 63) : (1ULL << (bits - 1));
    bool range = false, saw_digit = false;
    char prev = '_';
    for (; i < n; i++) {
        char c = s[i];
        int d;
        if (c == '_' && base0) {
            if (prev == '_' && saw_digit)
                return 1;
            prev = c;
            continue;
        }
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'Z')
            d = c - 'A' + 10;
        else
            return 1;
        if (d >= base)
            return 1;
        saw_digit = true;
        prev = c;
        if (!range) {
            if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
                range = true;
            else
                v = v * (uint64_t)base + (uint64_t)d;
        }
    }
    if (!saw_digit || prev == '_')
        return 1;
    if (range || (!neg && v >= cutoff) || (neg && v > cutoff)) {
        *out = neg ? -(int64_t)(cutoff - 1) - 1 : (int64_t)(cutoff - 1);
        return 2;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* strconv.readFloat's grammar: 1 when all of s is a float literal. */
static int float_syntax_ok(const char *s, size_t n)
{
    size_t i = 0;
    int hex = 0, underscores = 0, sawdot = 0, sawdigits = 0;
    if (i + 2 < n && s[0] == '0' && lower(s[1]) == 'x') {
        hex = 1;
        i = 2;
    }
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            underscores = 1;
        } else if (c == '.') {
            if (sawdot)
                break;
            sawdot = 1;
        } else if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
            sawdigits = 1;
        } else {
            break;
        }
    }
    if (!sawdigits)
        return 0;
    if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return 0;
        for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
            if (s[i] == '_')
                underscores = 1;
    } else if (hex) {
        return 0; /* a hex mantissa needs a p exponent */
    }
    if (underscores && !underscore_ok(s, i))
        return 0;
    return i == n;
}

/* strconv.special: [+-]inf, [+-]infinity, nan, any case. */
static int float_special(const char *s, size_t n, double *out)
{
    size_t i = n > 0 && (s[0] == '+' || s[0] == '-');
    double sign = i && s[0] == '-' ? -1 : 1;
    if ((n - i == 3 && strncasecmp(s + i, "inf", 3) == 0) ||
        (n - i == 8 && strncasecmp(s + i, "infinity", 8) == 0)) {
        *out = sign * INFINITY;
        return 1;
    }
    if (n == 3 && strncasecmp(s, "nan", 3) == 0) {
        *out = NAN;
        return 1;
    }
    return 0;
}

int tg_parse_float(const char *s, size_t n, double *out)
{
    *out = 0;
    if (float_special(s, n, out))
        return 0;
    size_t sign = n > 0 && (s[0] == '+' || s[0] == '-');
    if (n == sign || !float_syntax_ok(s + sign, n - sign))
        return -1;
    char small[128];
    char *buf = n < sizeof small ? small : xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    int bad = (size_t)(end - buf) != k || (errno == ERANGE && isinf(v));
    if (buf != small)
        free(buf);
    *out = v; /* ±Inf past the range, as Go's */
    return bad ? -1 : 0;
}

int tg_unquote_char(const char *s0, size_t n, char quote, int32_t *value, size_t *used)
{
    const unsigned char *s = (const unsigned char *)s0;
    if (n == 0)
        return -1;
    unsigned char c = s[0];
    if (c == (unsigned char)quote && (quote == '\'' || quote == '"'))
        return -1;
    if (c >= 0x80) {
        *value = tg_utf8_decode(s, n, used);
        return 0;
    }
    if (c != '\\') {
        *value = c;
        *used = 1;
        return 0;
    }
    if (n <= 1)
        return -1;
    c = s[1];
    *used = 2;
    switch (c) {
    case 'a': *value = '\a'; return 0;
    case 'b': *value = '\b'; return 0;
    case 'f': *value = '\f'; return 0;
    case 'n': *value = '\n'; return 0;
    case 'r': *value = '\r'; return 0;
    case 't': *value = '\t'; return 0;
    case 'v': *value = '\v'; return 0;
    case '\\': *value = '\\'; return 0;
    case '\'':
    case '"':
        if (c != (unsigned char)quote)
            return -1;
        *value = c;
        return 0;
    case 'x':
    case 'u':
    case 'U': {
        size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        if (n - 2 < digits)
            return -1;
        uint32_t v = 0;
        for (size_t j = 0; j < digits; j++) {
            int x = hexval(s[2 + j]);
            if (x < 0)
                return -1;
            v = v << 4 | (uint32_t)x;
        }
        if (c != 'x' && (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)))
            return -1;
        *value = (int32_t)v;
        *used = 2 + digits;
        return 0;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        if (n - 2 < 2)
            return -1;
        uint32_t v = c - '0';
        for (size_t j = 0; j < 2; j++) {
            int x = s[2 + j] - '0';
            if (x < 0 || x > 7)
                return -1;
            v = v << 3 | (uint32_t)x;
        }
        if (v > 255)
            return -1;
        *value = (int32_t)v;
        *used = 4;
        return 0;
    }
    default:
        return -1;
    }
}

int tg_unquote(arena_t *a, const char *lit, size_t n, char **out, size_t *len)
{
    if (n < 2 || lit[0] != lit[n - 1] || (lit[0] != '"' && lit[0] != '`'))
        return -1;
    const char *in = lit + 1;
    size_t m = n - 2;
    char *buf = arena_alloc(a, m + 1); /* the value is never longer */
    size_t k = 0;
    if (lit[0] == '`') {
        for (size_t i = 0; i < m; i++) {
            if (in[i] == '`')
                return -1;
            if (in[i] != '\r')
                buf[k++] = in[i];
        }
    } else {
        for (size_t i = 0; i < m;) {
            int32_t r;
            size_t used;
            if (in[i] == '\n' || tg_unquote_char(in + i, m - i, '"', &r, &used) != 0)
                return -1;
            if (in[i] != '\\') { /* copied as is, even a bad UTF-8 byte */
                memcpy(buf + k, in + i, used);
                k += used;
            } else if (r < 0x80 || in[i + 1] == 'x' || (in[i + 1] >= '0' && in[i + 1] <= '7')) {
                buf[k++] = (char)r;
            } else {
                k += (size_t)tg_utf8_encode(r, buf + k);
            }
            i += used;
        }
    }
    buf[k] = '\0';
    *out = buf;
    *len = k;
    return 0;
}
