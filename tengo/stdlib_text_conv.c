/* stdlib_text_conv.c — the text module's conversions (stdlib/text.go over
 * Go's strconv): atoi, itoa, parse_int/float/bool, format_int/float/bool,
 * quote and unquote, with Go's error values ("strconv.ParseInt: parsing
 * \"x\": invalid syntax"). format_float with bits 32 rounds to float32
 * first but prints the float64 digits. Listed in stdlib_text.c's table. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "literal.h"
#include "status.h"
#include "stdlib_args.h"
#include "stdlib_text.h"
#include "unicode.h"
#include "vm.h"

#define S(b) ((b).data ? (b).data : "")

static int32_t rune_at(const char *s, size_t n, size_t i, size_t *w)
{
    return tg_utf8_decode((const unsigned char *)s + i, n - i, w);
}

static void put_rune(buf_t *b, int32_t r)
{
    char t[4];
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    buf_append(b, t, (size_t)tg_utf8_encode(r, t));
}

static struct tg_value str_value(struct tg_vm *vm, const buf_t *b)
{
    return tg_make_string(vm, b->data ? b->data : "", b->len);
}

static struct tg_value error_value(struct tg_vm *vm, const char *msg)
{
    struct tg_value s = tg_make_string(vm, msg, strlen(msg));
    return tg_obj_value(tg_error_new(&vm->heap, s));
}

static struct tg_value strconv_error(struct tg_vm *vm, const char *fn, const char *s, size_t n,
                                     const char *why)
{
    buf_t m = BUF_INIT;
    buf_printf(&m, "strconv.%s: parsing ", fn);
    tg_go_quote(&m, s, n, false);
    buf_printf(&m, ": %s", why);
    struct tg_value v = error_value(vm, buf_cstr(&m));
    buf_free(&m);
    return v;
}


static int t_parse_int_common(struct tg_vm *vm, const char *fn, const char *go_fn,
                              const char *s, size_t n, int64_t base, int64_t bits,
                              struct tg_value *ret)
{
    int64_t v = 0;
    int rc = tg_go_parse_int(s, n, base, bits, &v);
    char why[64];
    switch (rc) {
    case 0: *ret = tg_int(v); return OK;
    case 1: *ret = strconv_error(vm, go_fn, s, n, "invalid syntax"); return OK;
    case 2: *ret = strconv_error(vm, go_fn, s, n, "value out of range"); return OK;
    case 3:
        snprintf(why, sizeof why, "invalid base %lld", (long long)base);
        *ret = strconv_error(vm, go_fn, s, n, why);
        return OK;
    default:
        snprintf(why, sizeof why, "invalid bit size %lld", (long long)bits);
        *ret = strconv_error(vm, go_fn, s, n, why);
        (void)fn;
        return OK;
    }
}

int tg_text_atoi(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "atoi");
    buf_t s = BUF_INIT;
    int rc = tg_arg_string(vm, "atoi", a, 0, &s);
    if (rc == OK)
        rc = t_parse_int_common(vm, "atoi", "Atoi", S(s), s.len, 10, 0, ret);
    buf_free(&s);
    return rc;
}

int tg_text_parse_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 3)
        return tg_arg_count_error(vm, "parse_int");
    if (a[0].type != TG_STRING)
        return tg_arg_type_error(vm, "parse_int", 0, "string", a[0]);
    int64_t base, bits;
    if (tg_arg_int(vm, "parse_int", a, 1, &base) != OK ||
        tg_arg_int(vm, "parse_int", a, 2, &bits) != OK)
        return ERROR;
    return t_parse_int_common(vm, "parse_int", "ParseInt", TG_STR(a[0])->data,
                              TG_STR(a[0])->len, base, bits, ret);
}

int tg_text_parse_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, "parse_float");
    if (a[0].type != TG_STRING)
        return tg_arg_type_error(vm, "parse_float", 0, "string", a[0]);
    int64_t bits;
    if (tg_arg_int(vm, "parse_float", a, 1, &bits) != OK)
        return ERROR;
    const char *s = TG_STR(a[0])->data;
    size_t len = TG_STR(a[0])->len;
    bool ok = len > 0 && strlen(s) == len && !strchr(s, '(') && !strchr(s, ' ') &&
              !strchr(s, '\t') && !strchr(s, '\n');
    bool hex = ok && (strchr(s, 'x') || strchr(s, 'X'));
    if (hex && !strchr(s, 'p') && !strchr(s, 'P'))
        ok = false;
    char *e = NULL;
    double v = 0;
    if (ok) {
        errno = 0;
        v = strtod(s, &e);
        ok = *e == 0;
    }
    if (!ok) {
        *ret = strconv_error(vm, "ParseFloat", s, len, "invalid syntax");
        return OK;
    }
    if (bits == 32)
        v = (float)v;
    if ((errno == ERANGE && isinf(v)) || (bits == 32 && isinf(v) && !strchr(s, 'i') &&
                                          !strchr(s, 'I'))) {
        *ret = strconv_error(vm, "ParseFloat", s, len, "value out of range");
        return OK;
    }
    *ret = tg_float(v);
    return OK;
}

int tg_text_parse_bool(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
    static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };
    if (n != 1)
        return tg_arg_count_error(vm, "parse_bool");
    if (a[0].type != TG_STRING)
        return tg_arg_type_error(vm, "parse_bool", 0, "string", a[0]);
    const char *s = TG_STR(a[0])->data;
    size_t len = TG_STR(a[0])->len;
    for (int i = 0; i < 6; i++) {
        if (strlen(t[i]) == len && memcmp(s, t[i], len) == 0) {
            *ret = tg_bool(true);
            return OK;
        }
        if (strlen(f[i]) == len && memcmp(s, f[i], len) == 0) {
            *ret = tg_bool(false);
            return OK;
        }
    }
    *ret = strconv_error(vm, "ParseBool", s, len, "invalid syntax");
    return OK;
}

int tg_text_format_bool(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "format_bool");
    if (a[0].type != TG_BOOL)
        return tg_arg_type_error(vm, "format_bool", 0, "bool", a[0]);
    *ret = tg_make_string(vm, a[0].u.b ? "true" : "false", a[0].u.b ? 4 : 5);
    return OK;
}

int tg_text_format_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, "format_int");
    if (a[0].type != TG_INT)
        return tg_arg_type_error(vm, "format_int", 0, "int", a[0]);
    int64_t base;
    if (tg_arg_int(vm, "format_int", a, 1, &base) != OK)
        return ERROR;
    if (base < 2 || base > 36)
        return tg_vm_errorf(vm, "strconv: illegal AppendInt/FormatInt base");
    char b[72];
    int i = (int)sizeof b;
    int64_t v = a[0].u.i;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        b[--i] = "0123456789abcdefghijklmnopqrstuvwxyz"[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    if (v < 0)
        b[--i] = '-';
    *ret = tg_make_string(vm, b + i, sizeof b - (size_t)i);
    return OK;
}

int tg_text_itoa(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "itoa");
    int64_t v;
    if (tg_arg_int(vm, "itoa", a, 0, &v) != OK)
        return ERROR;
    char b[32];
    int len = snprintf(b, sizeof b, "%lld", (long long)v);
    *ret = tg_make_string(vm, b, (size_t)len);
    return OK;
}

int tg_text_format_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 4)
        return tg_arg_count_error(vm, "format_float");
    if (a[0].type != TG_FLOAT)
        return tg_arg_type_error(vm, "format_float", 0, "float", a[0]);
    buf_t f = BUF_INIT, out = BUF_INIT;
    int64_t prec, bits;
    if (tg_arg_string(vm, "format_float", a, 1, &f) != OK ||
        tg_arg_int(vm, "format_float", a, 2, &prec) != OK ||
        tg_arg_int(vm, "format_float", a, 3, &bits) != OK) {
        buf_free(&f);
        return ERROR;
    }
    double v = bits == 32 ? (double)(float)a[0].u.f : a[0].u.f;
    char verb = f.len ? f.data[0] : 0;
    if (prec > 1000)
        prec = 1000;
    if (prec < -1)
        prec = -1;
    if (strchr("eEfgG", verb) && verb)
        tg_go_format_float(&out, v, verb, (int)prec);
    else {
        buf_putc(&out, '%');
        buf_putc(&out, verb);
    }
    *ret = str_value(vm, &out);
    buf_free(&f);
    buf_free(&out);
    return OK;
}

/* Go's strconv.Unquote; false on invalid syntax. */
static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool go_unquote(const char *s, size_t n, buf_t *out)
{
    if (n < 2)
        return false;
    char q = s[0];
    if (q != s[n - 1])
        return false;
    s++;
    n -= 2;
    if (q == '`') {
        if (memchr(s, '`', n))
            return false;
        for (size_t i = 0; i < n; i++)
            if (s[i] != '\r')
                buf_putc(out, s[i]);
        return true;
    }
    if (q != '"' && q != '\'')
        return false;
    size_t runes = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q || c == '\n')
            return false;
        runes++;
        if (c != '\\') {
            size_t w;
            int32_t r = rune_at(s, n, i, &w);
            if (r == 0xFFFD && w == 1 && q == '\'')
                return false;
            buf_append(out, s + i, w);
            i += w;
            continue;
        }
        if (++i >= n)
            return false;
        c = (unsigned char)s[i++];
        int32_t v;
        int nd = 0;
        switch (c) {
        case 'a': buf_putc(out, '\a'); continue;
        case 'b': buf_putc(out, '\b'); continue;
        case 'f': buf_putc(out, '\f'); continue;
        case 'n': buf_putc(out, '\n'); continue;
        case 'r': buf_putc(out, '\r'); continue;
        case 't': buf_putc(out, '\t'); continue;
        case 'v': buf_putc(out, '\v'); continue;
        case '\\': buf_putc(out, '\\'); continue;
        case '\'':
        case '"':
            if (c != (unsigned char)q)
                return false;
            buf_putc(out, (char)c);
            continue;
        case 'x': nd = 2; break;
        case 'u': nd = 4; break;
        case 'U': nd = 8; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
            if (i + 2 > n)
                return false;
            v = c - '0';
            for (int k = 0; k < 2; k++) {
                char d = s[i++];
                if (d < '0' || d > '7')
                    return false;
                v = v * 8 + (d - '0');
            }
            if (v > 255)
                return false;
            buf_putc(out, (char)v);
            continue;
        default: return false;
        }
        if (i + (size_t)nd > n)
            return false;
        v = 0;
        for (int k = 0; k < nd; k++) {
            int h = hexval(s[i++]);
            if (h < 0)
                return false;
            v = v * 16 + h;
        }
        if (c == 'x') {
            buf_putc(out, (char)v);
            continue;
        }
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return false;
        put_rune(out, v);
    }
    if (q == '\'' && runes != 1)
        return false;
    return true;
}

int tg_text_unquote(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "unquote");
    buf_t s = BUF_INIT, out = BUF_INIT;
    if (tg_arg_string(vm, "unquote", a, 0, &s) != OK) {
        buf_free(&s);
        return ERROR;
    }
    if (go_unquote(S(s), s.len, &out))
        *ret = str_value(vm, &out);
    else
        *ret = error_value(vm, "invalid syntax");
    buf_free(&s);
    buf_free(&out);
    return OK;
}

int tg_text_quote(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "quote");
    buf_t s = BUF_INIT, out = BUF_INIT;
    int rc = tg_arg_string(vm, "quote", a, 0, &s);
    if (rc == OK) {
        tg_go_quote(&out, S(s), s.len, false);
        *ret = str_value(vm, &out);
    }
    buf_free(&s);
    buf_free(&out);
    return rc;
}
