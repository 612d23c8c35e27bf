/* literal.c — Go-compatible decoding of number, char and string literals
 * (see literal.h). Validation follows strconv's grammar exactly; the
 * conversion of floats is strtod's, correctly rounded like Go's. */
#include "literal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unicode.h"

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

int tg_parse_int(const char *s0, size_t n0, int64_t *out)
{
    const char *s = s0;
    size_t n = n0;
    unsigned base = 10;
    if (n == 0)
        return -1;
    if (s[0] == '0') {
        if (n >= 3 && lower(s[1]) == 'b')
            base = 2, s += 2, n -= 2;
        else if (n >= 3 && lower(s[1]) == 'o')
            base = 8, s += 2, n -= 2;
        else if (n >= 3 && lower(s[1]) == 'x')
            base = 16, s += 2, n -= 2;
        else
            base = 8, s += 1, n -= 1;
    }
    uint64_t v = 0;
    int underscores = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            underscores = 1;
            continue;
        }
        int d = hexval((unsigned char)s[i]);
        if (d < 0 || (unsigned)d >= base)
            return -1;
        if (v > (UINT64_MAX - (unsigned)d) / base)
            return -1;
        v = v * base + (unsigned)d;
    }
    if (v > (uint64_t)INT64_MAX)
        return -1;
    if (underscores && !underscore_ok(s0, n0))
        return -1;
    *out = (int64_t)v;
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

int tg_parse_float(const char *s, size_t n, double *out)
{
    if (n == 0 || !float_syntax_ok(s, n))
        return -1;
    char small[128];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return -1;
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
    if (bad)
        return -1;
    *out = v;
    return 0;
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
