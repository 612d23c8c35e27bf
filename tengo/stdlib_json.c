/* stdlib_json.c — Tengo's json module (stdlib/json.go, stdlib/json/):
 * encode (a value to JSON bytes, Tengo's rules: chars as ints, bytes as
 * base64 strings, undefined as null, functions and other unknown types
 * written as nothing), decode (JSON to values: every number a float, as
 * Go Tengo's decoder; null becomes undefined), indent and
 * html_escape (Go's json.Indent and json.HTMLEscape). Invalid input gives
 * an error value with Go's encoding/json message. Maps keep their
 * insertion order (Go's are unordered). Time values are not supported
 * (the runtime has no time type yet). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literal.h"
#include "modules.h"
#include "status.h"
#include "unicode.h"
#include "vm.h"
#include "xalloc.h"

#define JSON_MAX_DEPTH 10000

static int wrong_args(struct tg_vm *vm, const char *fn)
{
    return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:%s'", fn);
}

static int bad_arg(struct tg_vm *vm, const char *fn, const char *which, const char *want,
                   struct tg_value v)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, v);
    tg_vm_errorf(vm,
                 "invalid type for argument '%s' in call to 'user-function:%s': expected %s, "
                 "found %s",
                 which, fn, want, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

static struct tg_value error_value(struct tg_vm *vm, const char *msg, size_t len)
{
    return tg_obj_value(tg_error_new(&vm->heap, tg_make_string(vm, msg, len)));
}

/* ---- encode ---- */

static void encode_string(buf_t *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(o, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(o, s + start, i - start);
        buf_putc(o, '\\');
        switch (c) {
        case '"':
        case '\\':
            buf_putc(o, (char)c);
            break;
        case '\n':
            buf_putc(o, 'n');
            break;
        case '\r':
            buf_putc(o, 'r');
            break;
        case '\t':
            buf_putc(o, 't');
            break;
        default: {
            char u[5] = { 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            buf_append(o, u, 5);
        }
        }
        start = i + 1;
    }
    buf_append(o, s + start, n - start);
    buf_putc(o, '"');
}

/* ES6 number formatting, as Tengo: 'e' outside [1e-6, 1e21). */
static void encode_float(buf_t *o, double f)
{
    double a = fabs(f);
    if (a == 0 || (a >= 1e-6 && a < 1e21)) {
        tg_format_float(o, f);
        return;
    }
    char s[40];
    for (int prec = 0; prec <= 16; prec++) {
        snprintf(s, sizeof s, "%.*e", prec, f);
        if (strtod(s, NULL) == f)
            break;
    }
    size_t n = strlen(s);
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
        s[n - 2] = s[n - 1];
        s[n - 1] = 0;
    }
    buf_puts(o, s);
}

static const char *encode_value(buf_t *o, struct tg_value v, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return "json: maximum nesting depth exceeded";
    switch ((enum tg_type)v.type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        const struct tg_array *a = TG_ARR(v);
        buf_putc(o, '[');
        for (uint32_t i = 0; i < a->len; i++) {
            if (i)
                buf_putc(o, ',');
            const char *e = encode_value(o, a->items[i], depth + 1);
            if (e)
                return e;
        }
        buf_putc(o, ']');
        return NULL;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        const struct tg_map *m = TG_MAPV(v);
        bool first = true;
        buf_putc(o, '{');
        for (uint32_t i = 0; i < m->b->nentries; i++) {
            const struct tg_map_entry *en = &m->b->entries[i];
            if (!en->key)
                continue;
            if (!first)
                buf_putc(o, ',');
            first = false;
            encode_string(o, en->key->data, en->key->len);
            buf_putc(o, ':');
            const char *e = encode_value(o, en->value, depth + 1);
            if (e)
                return e;
        }
        buf_putc(o, '}');
        return NULL;
    }
    case TG_BOOL:
        buf_puts(o, v.u.b ? "true" : "false");
        return NULL;
    case TG_BYTES: {
        static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const unsigned char *p = (const unsigned char *)TG_STR(v)->data;
        size_t n = TG_STR(v)->len;
        buf_putc(o, '"');
        for (size_t i = 0; i < n; i += 3) {
            uint32_t x = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                         (i + 2 < n ? p[i + 2] : 0);
            char q[4] = { al[x >> 18], al[(x >> 12) & 63], i + 1 < n ? al[(x >> 6) & 63] : '=',
                          i + 2 < n ? al[x & 63] : '=' };
            buf_append(o, q, 4);
        }
        buf_putc(o, '"');
        return NULL;
    }
    case TG_CHAR:
        buf_printf(o, "%d", (int)v.u.c);
        return NULL;
    case TG_FLOAT:
        if (isinf(v.u.f) || isnan(v.u.f))
            return "unsupported float value";
        encode_float(o, v.u.f);
        return NULL;
    case TG_INT:
        buf_printf(o, "%lld", (long long)v.u.i);
        return NULL;
    case TG_STRING:
        encode_string(o, TG_STR(v)->data, TG_STR(v)->len);
        return NULL;
    case TG_UNDEFINED:
        buf_puts(o, "null");
        return NULL;
    case TG_TIME: { /* Go's Time.MarshalJSON: RFC 3339 with nanoseconds */
        static const char layout[] = "\"2006-01-02T15:04:05.999999999Z07:00\"";
        struct tg_civil c;
        tg_time_civil(TG_TIMEV(v), &c);
        if (c.year < 0 || c.year > 9999)
            return "Time.MarshalJSON: year outside of range [0,9999]";
        tg_time_format(o, TG_TIMEV(v), layout, sizeof layout - 1);
        return NULL;
    }
    default: /* unknown types are written as nothing, as Tengo */
        return NULL;
    }
}

static int json_encode(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "encode");
    buf_t o = BUF_INIT;
    const char *e = encode_value(&o, a[0], 0);
    if (e)
        *ret = error_value(vm, e, strlen(e));
    else
        *ret = tg_obj_value(tg_bytes_new(&vm->heap, buf_cstr(&o), o.len));
    buf_free(&o);
    return OK;
}

/* ---- decode (and validation for indent) ---- */

struct jp {
    struct tg_vm *vm; /* NULL: validate only */
    const unsigned char *s;
    size_t n, pos;
    int depth;
    buf_t err;
};

static void quote_char(buf_t *b, unsigned char c)
{
    if (c == '\'') {
        buf_puts(b, "'\\''");
    } else if (c == '"') {
        buf_puts(b, "'\"'");
    } else if (c >= 0x20 && c < 0x7f) {
        buf_printf(b, "'%c'", c);
    } else if (c < 0x80) {
        static const char esc[] = "abtnvfr";
        if (c >= 7 && c <= 13)
            buf_printf(b, "'\\%c'", esc[c - 7]);
        else
            buf_printf(b, "'\\x%02x'", c);
    } else if (c >= 0xa1 && c != 0xad) {
        char u[4];
        int w = tg_utf8_encode(c, u);
        buf_putc(b, '\'');
        buf_append(b, u, (size_t)w);
        buf_putc(b, '\'');
    } else {
        buf_printf(b, "'\\u%04x'", c);
    }
}

/* Records Go's scanner error for the byte at p->pos, or for the end:
 * there Go's scanner.eof() steps a space, so a state that refuses one
 * (inside a number, a literal or an escape: space_refused) names ' ',
 * and any other says the input ended. */
static int jp_fail_state(struct jp *p, const char *context, bool space_refused)
{
    if (p->err.len)
        return ERROR;
    if (p->pos >= p->n && !space_refused) {
        buf_puts(&p->err, "unexpected end of JSON input");
        return ERROR;
    }
    buf_puts(&p->err, "invalid character ");
    quote_char(&p->err, p->pos >= p->n ? ' ' : p->s[p->pos]);
    buf_printf(&p->err, " %s", context);
    return ERROR;
}

static int jp_fail(struct jp *p, const char *context)
{
    return jp_fail_state(p, context, false);
}

/* jp_fail in a state where a space is not allowed either. */
static int jp_fail_in_token(struct jp *p, const char *context)
{
    return jp_fail_state(p, context, true);
}

static void jp_space(struct jp *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static int hex4(const unsigned char *s)
{
    int r = 0;
    for (int i = 0; i < 4; i++) {
        int c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        r = r * 16 + d;
    }
    return r;
}

static void put_rune(buf_t *o, int32_t r)
{
    char u[4];
    int w = tg_utf8_encode(r, u);
    buf_append(o, u, (size_t)w);
}

/* A string at p->pos (the opening quote); its text into *o when o. */
static int jp_string(struct jp *p, buf_t *o)
{
    p->pos++;
    for (;;) {
        if (p->pos >= p->n)
            return jp_fail(p, "");
        unsigned char c = p->s[p->pos];
        if (c == '"') {
            p->pos++;
            return OK;
        }
        if (c < 0x20)
            return jp_fail(p, "in string literal");
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->n)
                return jp_fail_in_token(p, "in string escape code");
            c = p->s[p->pos];
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *k = strchr(from, c);
            if (c && k) {
                if (o)
                    buf_putc(o, to[k - from]);
                p->pos++;
                continue;
            }
            if (c != 'u')
                return jp_fail(p, "in string escape code");
            p->pos++;
            for (int i = 0; i < 4; i++, p->pos++) {
                if (p->pos >= p->n)
                    return jp_fail_in_token(p, "in \\u hexadecimal character escape");
                if (!p->s[p->pos] || !strchr("0123456789abcdefABCDEF", p->s[p->pos]))
                    return jp_fail(p, "in \\u hexadecimal character escape");
            }
            int32_t r = hex4(p->s + p->pos - 4);
            if (r >= 0xd800 && r < 0xe000) {
                /* a valid pair is consumed whole; else U+FFFD */
                if (r < 0xdc00 && p->pos + 6 <= p->n && p->s[p->pos] == '\\' &&
                    p->s[p->pos + 1] == 'u') {
                    int r2 = hex4(p->s + p->pos + 2);
                    if (r2 >= 0xdc00 && r2 < 0xe000) {
                        r = 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00);
                        p->pos += 6;
                    } else {
                        r = 0xfffd;
                    }
                } else {
                    r = 0xfffd;
                }
            }
            if (o)
                put_rune(o, r);
            continue;
        }
        if (c < 0x80) {
            if (o)
                buf_putc(o, (char)c);
            p->pos++;
            continue;
        }
        size_t w;
        int32_t r = tg_utf8_decode(p->s + p->pos, p->n - p->pos, &w);
        if (o) /* ill-formed bytes become U+FFFD one by one, as Go */
            put_rune(o, r);
        p->pos += w;
    }
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int jp_number(struct jp *p, struct tg_value *v)
{
    size_t start = p->pos;
    if (p->s[p->pos] == '-') {
        p->pos++;
        if (p->pos >= p->n || !is_digit(p->s[p->pos]))
            return jp_fail_in_token(p, "in numeric literal");
    }
    if (p->s[p->pos] == '0')
        p->pos++;
    else
        while (p->pos < p->n && is_digit(p->s[p->pos]))
            p->pos++;
    if (p->pos < p->n && p->s[p->pos] == '.') {
        p->pos++;
        if (p->pos >= p->n || !is_digit(p->s[p->pos]))
            return jp_fail_in_token(p, "after decimal point in numeric literal");
        while (p->pos < p->n && is_digit(p->s[p->pos]))
            p->pos++;
    }
    if (p->pos < p->n && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->n && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->n || !is_digit(p->s[p->pos]))
            return jp_fail_in_token(p, "in exponent of numeric literal");
        while (p->pos < p->n && is_digit(p->s[p->pos]))
            p->pos++;
    }
    if (!p->vm)
        return OK;
    char num[64];
    size_t len = p->pos - start;
    char *txt = len < sizeof num ? num : xmalloc(len + 1);
    memcpy(txt, p->s + start, len);
    txt[len] = 0;
    int rc = OK;
    /* Go Tengo: strconv.ParseFloat for every number (an int-looking one
     * too: json.decode("1") is 1.0); too large gives ±Inf */
    tg_parse_float(txt, len, &v->u.f);
    *v = tg_float(v->u.f);
    if (txt != num)
        free(txt);
    return rc;
}

static int jp_value(struct jp *p, struct tg_value *v);

static int jp_array(struct jp *p, struct tg_value *v)
{
    struct tg_array *a = p->vm ? tg_array_new(&p->vm->heap, 0) : NULL;
    p->pos++;
    jp_space(p);
    if (p->pos < p->n && p->s[p->pos] == ']') {
        p->pos++;
    } else {
        for (;;) {
            struct tg_value e = tg_undefined();
            if (jp_value(p, &e) != OK)
                return ERROR;
            if (a)
                tg_array_push(a, e);
            jp_space(p);
            if (p->pos < p->n && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->n && p->s[p->pos] == ']') {
                p->pos++;
                break;
            }
            return jp_fail(p, "after array element");
        }
    }
    if (a)
        *v = tg_obj_value(a);
    return OK;
}

static int jp_object(struct jp *p, struct tg_value *v)
{
    struct tg_map *m = p->vm ? tg_map_new(&p->vm->heap) : NULL;
    buf_t key = BUF_INIT;
    int rc = OK;
    p->pos++;
    jp_space(p);
    if (p->pos < p->n && p->s[p->pos] == '}') {
        p->pos++;
        goto done;
    }
    for (;;) {
        if (p->pos >= p->n || p->s[p->pos] != '"') {
            rc = jp_fail(p, "looking for beginning of object key string");
            goto done;
        }
        buf_reset(&key);
        if ((rc = jp_string(p, m ? &key : NULL)) != OK)
            goto done;
        jp_space(p);
        if (p->pos >= p->n || p->s[p->pos] != ':') {
            rc = jp_fail(p, "after object key");
            goto done;
        }
        p->pos++;
        struct tg_value e = tg_undefined();
        if ((rc = jp_value(p, &e)) != OK)
            goto done;
        if (m)
            tg_map_set(&p->vm->heap, m, buf_cstr(&key), key.len, e);
        jp_space(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            p->pos++;
            jp_space(p);
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == '}') {
            p->pos++;
            break;
        }
        rc = jp_fail(p, "after object key:value pair");
        goto done;
    }
done:
    buf_free(&key);
    if (rc == OK && m)
        *v = tg_obj_value(m);
    return rc;
}

static int jp_literal(struct jp *p, const char *word, struct tg_value v, struct tg_value *out)
{
    for (size_t i = 0; word[i]; i++, p->pos++) {
        if (p->pos >= p->n || p->s[p->pos] != (unsigned char)word[i]) {
            if (i == 0)
                return jp_fail(p, "looking for beginning of value");
            char ctx[64];
            snprintf(ctx, sizeof ctx, "in literal %s (expecting '%c')", word, word[i]);
            return jp_fail_in_token(p, ctx);
        }
    }
    if (out)
        *out = v;
    return OK;
}

static int jp_value(struct jp *p, struct tg_value *v)
{
    jp_space(p);
    if (p->pos >= p->n)
        return jp_fail(p, "");
    if (++p->depth > JSON_MAX_DEPTH) {
        buf_puts(&p->err, "exceeded max depth");
        return ERROR;
    }
    int rc;
    unsigned char c = p->s[p->pos];
    if (c == '{') {
        rc = jp_object(p, v);
    } else if (c == '[') {
        rc = jp_array(p, v);
    } else if (c == '"') {
        buf_t s = BUF_INIT;
        rc = jp_string(p, p->vm ? &s : NULL);
        if (rc == OK && p->vm)
            *v = tg_make_string(p->vm, buf_cstr(&s), s.len);
        buf_free(&s);
    } else if (c == '-' || is_digit(c)) {
        rc = jp_number(p, v);
    } else if (c == 't') {
        rc = jp_literal(p, "true", tg_bool(true), v);
    } else if (c == 'f') {
        rc = jp_literal(p, "false", tg_bool(false), v);
    } else if (c == 'n') {
        rc = jp_literal(p, "null", tg_undefined(), v);
    } else {
        rc = jp_fail(p, "looking for beginning of value");
    }
    p->depth--;
    return rc;
}

/* Parses the whole input; OK, or ERROR with p->err. */
static int jp_document(struct jp *p, struct tg_value *v)
{
    if (jp_value(p, v) != OK)
        return ERROR;
    jp_space(p);
    if (p->pos < p->n)
        return jp_fail(p, "after top-level value");
    return OK;
}

/* The bytes of a bytes or string argument, else NULL. */
static const struct tg_string *text_arg(struct tg_value v)
{
    return v.type == TG_BYTES || v.type == TG_STRING ? TG_STR(v) : NULL;
}

static int json_decode(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "decode");
    const struct tg_string *s = text_arg(a[0]);
    if (!s)
        return bad_arg(vm, "decode", "first", "bytes/string", a[0]);
    struct jp p = { .vm = vm, .s = (const unsigned char *)s->data, .n = s->len };
    buf_init(&p.err);
    struct tg_value v = tg_undefined();
    if (jp_document(&p, &v) == OK)
        *ret = v;
    else
        *ret = error_value(vm, buf_cstr(&p.err), p.err.len);
    buf_free(&p.err);
    return OK;
}

/* ---- indent, html_escape ---- */

static void newline(buf_t *o, const buf_t *prefix, const buf_t *indent, int depth)
{
    buf_putc(o, '\n');
    buf_append(o, prefix->data, prefix->len);
    for (int i = 0; i < depth; i++)
        buf_append(o, indent->data, indent->len);
}

/* Go's json.Indent over input already known to be valid. */
static void indent_valid(buf_t *o, const unsigned char *s, size_t n, const buf_t *prefix,
                         const buf_t *indent)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            break;
        case '"': {
            size_t j = i + 1;
            while (s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            buf_append(o, s + i, j + 1 - i);
            i = j;
            break;
        }
        case '{':
        case '[': {
            buf_putc(o, (char)c);
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
                j++;
            if (j < n && (s[j] == '}' || s[j] == ']')) {
                buf_putc(o, (char)s[j]);
                i = j;
            } else {
                newline(o, prefix, indent, ++depth);
            }
            break;
        }
        case '}':
        case ']':
            newline(o, prefix, indent, --depth);
            buf_putc(o, (char)c);
            break;
        case ',':
            buf_putc(o, ',');
            newline(o, prefix, indent, depth);
            break;
        case ':':
            buf_puts(o, ": ");
            break;
        default:
            buf_putc(o, (char)c);
        }
    }
}

static int json_indent(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 3)
        return wrong_args(vm, "encode");
    buf_t prefix = BUF_INIT, indent = BUF_INIT;
    int rc = OK;
    if (!tg_to_string(&prefix, a[1])) {
        rc = bad_arg(vm, "encode", "prefix", "string(compatible)", a[1]);
    } else if (!tg_to_string(&indent, a[2])) {
        rc = bad_arg(vm, "encode", "indent", "string(compatible)", a[2]);
    } else if (!text_arg(a[0])) {
        rc = bad_arg(vm, "encode", "first", "bytes/string", a[0]);
    } else {
        const struct tg_string *s = text_arg(a[0]);
        struct jp p = { .vm = NULL, .s = (const unsigned char *)s->data, .n = s->len };
        buf_init(&p.err);
        if (jp_document(&p, NULL) == OK) {
            buf_t o = BUF_INIT;
            indent_valid(&o, p.s, p.n, &prefix, &indent);
            *ret = tg_obj_value(tg_bytes_new(&vm->heap, buf_cstr(&o), o.len));
            buf_free(&o);
        } else {
            *ret = error_value(vm, buf_cstr(&p.err), p.err.len);
        }
        buf_free(&p.err);
    }
    buf_free(&prefix);
    buf_free(&indent);
    return rc;
}

static int json_html_escape(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "html_escape");
    const struct tg_string *s = text_arg(a[0]);
    if (!s)
        return bad_arg(vm, "html_escape", "first", "bytes/string", a[0]);
    buf_t o = BUF_INIT;
    const unsigned char *d = (const unsigned char *)s->data;
    for (uint32_t i = 0; i < s->len; i++) {
        if (d[i] == '<' || d[i] == '>' || d[i] == '&') {
            buf_printf(&o, "\\u00%02x", d[i]);
        } else if (d[i] == 0xe2 && i + 2 < s->len && d[i + 1] == 0x80 &&
                   (d[i + 2] & ~1) == 0xa8) {
            buf_printf(&o, "\\u202%c", d[i + 2] == 0xa8 ? '8' : '9');
            i += 2;
        } else {
            buf_putc(&o, (char)d[i]);
        }
    }
    *ret = tg_obj_value(tg_bytes_new(&vm->heap, buf_cstr(&o), o.len));
    buf_free(&o);
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "decode", json_decode, NULL },
    { "encode", json_encode, NULL },
    { "indent", json_indent, "encode" }, /* Go Tengo names it so */
    { "html_escape", json_html_escape, NULL },
};

const struct tg_module tg_mod_json = { "json", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
