/* json_in.c — JSON input behind json.h: a strict lexical pre-scan, then
 * json-c, then validation against a field table and typed accessors.
 *
 * json-c's strict mode still accepts things RFC 8259 does not (NaN,
 * Infinity, "1.", "00", raw control characters in strings, overlong UTF-8
 * and surrogates) and silently clamps integers outside int64 to
 * INT64_MIN/UINT64_MAX. The pre-scan rejects the former; the latter are
 * rewritten as "<digits>.0" before parsing so they become doubles with the
 * right value (a JavaScript client writes 1e21 as "1000000000000000000000")
 * and fail a JK_INT check. */
#include "json.h"

#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfc3339.h"
#include "status.h"
#include "utf8.h"
#include "uuid.h"

#define JSON_MAX_DEPTH 64

/* ==== input: lexical pre-scan ============================================ */

struct scan {
    const char *d;
    size_t len;
    size_t pos;
    size_t err_at;
    const char *why;
    buf_t bigs; /* size_t end offsets of integer literals outside int64 */
};

static int scan_fail(struct scan *sc, size_t at, const char *why)
{
    sc->err_at = at;
    sc->why = why;
    return ERROR;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Unterminated strings and bad escapes are left for json-c to report.
 * UTF-8 is checked here because json-c's check lets overlong forms,
 * surrogates and code points past U+10FFFF through. */
static int scan_string(struct scan *sc)
{
    sc->pos++;
    while (sc->pos < sc->len) {
        unsigned char c = (unsigned char)sc->d[sc->pos];
        if (c == '"') {
            sc->pos++;
            return OK;
        }
        if (c < 0x20)
            return scan_fail(sc, sc->pos, "control character in string");
        if (c < 0x80) {
            sc->pos += c == '\\' ? 2 : 1;
            continue;
        }
        size_t n = utf8_seq_len((const unsigned char *)sc->d + sc->pos, sc->len - sc->pos);
        if (n == 0)
            return scan_fail(sc, sc->pos, "invalid UTF-8 in string");
        sc->pos += n;
    }
    return OK;
}

static int scan_digits(struct scan *sc)
{
    size_t start = sc->pos;
    while (sc->pos < sc->len && is_digit(sc->d[sc->pos]))
        sc->pos++;
    return sc->pos > start ? OK : ERROR;
}

/* A character that may not directly follow a number ("1.5.3", "00", "1x"). */
static int glued_to_number(char c)
{
    return is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '-';
}

static int int64_literal_fits(const char *p, size_t n)
{
    size_t neg = p[0] == '-';
    if (n - neg != 19)
        return n - neg < 19;
    return memcmp(p + neg, neg ? "9223372036854775808" : "9223372036854775807", 19) <= 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing glued on. */
static int scan_number(struct scan *sc)
{
    size_t start = sc->pos;
    int integral = 1;
    if (sc->d[sc->pos] == '-')
        sc->pos++;
    if (sc->pos < sc->len && sc->d[sc->pos] == '0')
        sc->pos++;
    else if (scan_digits(sc) != OK)
        return scan_fail(sc, start, "invalid number");
    if (sc->pos < sc->len && sc->d[sc->pos] == '.') {
        sc->pos++;
        integral = 0;
        if (scan_digits(sc) != OK)
            return scan_fail(sc, start, "invalid number");
    }
    if (sc->pos < sc->len && (sc->d[sc->pos] == 'e' || sc->d[sc->pos] == 'E')) {
        sc->pos++;
        integral = 0;
        if (sc->pos < sc->len && (sc->d[sc->pos] == '+' || sc->d[sc->pos] == '-'))
            sc->pos++;
        if (scan_digits(sc) != OK)
            return scan_fail(sc, start, "invalid number");
    }
    if (sc->pos < sc->len && glued_to_number(sc->d[sc->pos]))
        return scan_fail(sc, start, "invalid number");
    if (integral && !int64_literal_fits(sc->d + start, sc->pos - start))
        buf_append(&sc->bigs, &sc->pos, sizeof sc->pos);
    return OK;
}

static int scan_word(struct scan *sc)
{
    size_t start = sc->pos;
    while (sc->pos < sc->len && (is_alpha(sc->d[sc->pos]) || is_digit(sc->d[sc->pos])))
        sc->pos++;
    size_t n = sc->pos - start;
    const char *w = sc->d + start;
    if ((n == 4 && memcmp(w, "true", 4) == 0) || (n == 5 && memcmp(w, "false", 5) == 0) ||
        (n == 4 && memcmp(w, "null", 4) == 0))
        return OK;
    return scan_fail(sc, start, "invalid literal");
}

/* Structure (brackets, commas, colons) is left to json-c. */
static int scan_input(struct scan *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->d[sc->pos];
        int rc = OK;
        if (c == '"')
            rc = scan_string(sc);
        else if (c == '-' || is_digit(c))
            rc = scan_number(sc);
        else if (is_alpha(c))
            rc = scan_word(sc);
        else
            sc->pos++;
        if (rc != OK)
            return ERROR;
    }
    return OK;
}

static size_t bigs_count(const struct scan *sc)
{
    return sc->bigs.len / sizeof(size_t);
}

static size_t bigs_at(const struct scan *sc, size_t i)
{
    size_t off;
    memcpy(&off, sc->bigs.data + i * sizeof off, sizeof off);
    return off;
}

/* The input with ".0" after every integer literal that overflows int64. */
static void rewrite_bigs(const struct scan *sc, buf_t *out)
{
    size_t from = 0;
    for (size_t i = 0; i < bigs_count(sc); i++) {
        size_t end = bigs_at(sc, i);
        buf_append(out, sc->d + from, end - from);
        buf_puts(out, ".0");
        from = end;
    }
    buf_append(out, sc->d + from, sc->len - from);
}

/* Offset in the rewritten text back to an offset in the caller's input;
 * inside an inserted ".0" it maps to the end of the literal. */
static size_t original_offset(const struct scan *sc, size_t at)
{
    size_t shift = 0;
    for (size_t i = 0; i < bigs_count(sc); i++) {
        size_t end = bigs_at(sc, i);
        if (at < end + shift)
            break;
        if (at < end + shift + 2)
            return end;
        shift += 2;
    }
    return at - shift;
}

/* ==== input: parse ======================================================= */

static void set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || errsz == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Runs json-c over text; on error *at is the offset in text. A value that
 * ends exactly at the end of text (a bare number, true, ...) is only
 * complete once json-c sees a terminator, so a NUL is fed after it. */
static int tokenize(const char *text, size_t len, json_object **out, size_t *at, const char **why)
{
    struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
    if (!tok) {
        *at = 0;
        *why = "out of memory";
        return ERROR;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (e == json_tokener_continue) {
        obj = json_tokener_parse_ex(tok, "", 1);
        e = json_tokener_get_error(tok);
        end = len;
    }
    json_tokener_free(tok);
    if (e != json_tokener_success) {
        *at = end;
        *why = json_tokener_error_desc(e);
        return ERROR;
    }
    while (end < len && is_space(text[end]))
        end++;
    if (end < len) {
        json_object_put(obj);
        *at = end;
        *why = "unexpected data after the value";
        return ERROR;
    }
    *out = obj;
    return OK;
}

int json_parse(const char *data, size_t len, json_object **out, char *err, size_t errsz)
{
    if (!out || (!data && len > 0)) {
        set_err(err, errsz, "invalid JSON: no input");
        return ERROR;
    }
    if (len > INT_MAX / 2) {
        set_err(err, errsz, "invalid JSON: input too large");
        return ERROR;
    }
    struct scan sc = { data ? data : "", len, 0, 0, NULL, BUF_INIT };
    if (scan_input(&sc) != OK) {
        set_err(err, errsz, "invalid JSON at offset %zu: %s", sc.err_at, sc.why);
        buf_free(&sc.bigs);
        return ERROR;
    }
    buf_t rewritten = BUF_INIT;
    const char *text = sc.d;
    size_t tlen = len;
    if (bigs_count(&sc) > 0) {
        rewrite_bigs(&sc, &rewritten);
        text = rewritten.data;
        tlen = rewritten.len;
    }
    size_t at = 0;
    const char *why = NULL;
    int rc = tokenize(text, tlen, out, &at, &why);
    if (rc != OK)
        set_err(err, errsz, "invalid JSON at offset %zu: %s", original_offset(&sc, at), why);
    buf_free(&rewritten);
    buf_free(&sc.bigs);
    return rc;
}

/* ==== input: validation ================================================== */

static const struct json_field *field_find(const struct json_field *fields, const char *key)
{
    for (; fields->key; fields++)
        if (strcmp(fields->key, key) == 0)
            return fields;
    return NULL;
}

/* A key fit for an error message: bounded, control characters replaced. */
static void key_for_message(const char *key, char *out, size_t outsz)
{
    size_t i = 0;
    for (; key[i] && i + 1 < outsz; i++)
        out[i] = (unsigned char)key[i] < 0x20 || key[i] == 0x7f ? '?' : key[i];
    out[i] = '\0';
}

static int is_string(json_object *v)
{
    return json_object_is_type(v, json_type_string) &&
           strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v);
}

static int is_uuid_string(json_object *v)
{
    return json_object_is_type(v, json_type_string) &&
           uuid_parse(json_object_get_string(v), (size_t)json_object_get_string_len(v), NULL) == OK;
}

static int is_time_string(json_object *v)
{
    int64_t usec;
    return json_object_is_type(v, json_type_string) &&
           rfc3339_parse(json_object_get_string(v), (size_t)json_object_get_string_len(v), &usec) == OK;
}

static int is_array_of(json_object *v, int (*item_ok)(json_object *))
{
    if (!json_object_is_type(v, json_type_array))
        return 0;
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++)
        if (!item_ok(json_object_array_get_idx(v, i)))
            return 0;
    return 1;
}

static int is_finite_number(json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           (json_object_is_type(v, json_type_double) && isfinite(json_object_get_double(v)));
}

/* NULL when v has the kind, else the rest of the message. */
static const char *kind_problem(json_object *v, enum json_kind kind)
{
    switch (kind) {
    case JK_STRING:
        return is_string(v) ? NULL : "must be a string without NUL characters";
    case JK_INT:
        return json_object_is_type(v, json_type_int) ? NULL : "must be an integer";
    case JK_NUMBER:
        return is_finite_number(v) ? NULL : "must be a finite number";
    case JK_BOOL:
        return json_object_is_type(v, json_type_boolean) ? NULL : "must be a boolean";
    case JK_ARRAY:
        return json_object_is_type(v, json_type_array) ? NULL : "must be an array";
    case JK_OBJECT:
        return json_object_is_type(v, json_type_object) ? NULL : "must be an object";
    case JK_UUID:
        return is_uuid_string(v) ? NULL : "must be a UUID";
    case JK_TIME:
        return is_time_string(v) ? NULL : "must be an RFC 3339 timestamp";
    case JK_STRING_ARRAY:
        return is_array_of(v, is_string) ? NULL : "must be an array of strings";
    case JK_UUID_ARRAY:
        return is_array_of(v, is_uuid_string) ? NULL : "must be an array of UUIDs";
    }
    return "has an unknown kind";
}

static int check_member(const struct json_field *fields, const char *key, json_object *val,
                        char *err, size_t errsz)
{
    char name[65];
    key_for_message(key, name, sizeof name);
    const struct json_field *f = field_find(fields, key);
    if (!f) {
        set_err(err, errsz, "unknown field '%s'", name);
        return ERROR;
    }
    if (!val) {
        if (f->required || !f->nullable) {
            set_err(err, errsz, "field '%s' must not be null", name);
            return ERROR;
        }
        return OK;
    }
    const char *problem = kind_problem(val, f->kind);
    if (problem) {
        set_err(err, errsz, "field '%s' %s", name, problem);
        return ERROR;
    }
    return OK;
}

int json_validate(json_object *obj, const struct json_field *fields, char *err, size_t errsz)
{
    if (!json_object_is_type(obj, json_type_object)) {
        set_err(err, errsz, "the body must be a JSON object");
        return ERROR;
    }
    json_object_object_foreach(obj, key, val) {
        if (check_member(fields, key, val, err, errsz) != OK)
            return ERROR;
    }
    for (const struct json_field *f = fields; f->key; f++) {
        if (f->required && !json_has(obj, f->key)) {
            set_err(err, errsz, "field '%s' is required", f->key);
            return ERROR;
        }
    }
    return OK;
}

/* ==== input: accessors =================================================== */

static json_object *member(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

const char *json_str(json_object *obj, const char *key, const char *dflt)
{
    json_object *v = member(obj, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : dflt;
}

int64_t json_int(json_object *obj, const char *key, int64_t dflt)
{
    json_object *v = member(obj, key);
    return json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

double json_num(json_object *obj, const char *key, double dflt)
{
    json_object *v = member(obj, key);
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
        return json_object_get_double(v);
    return dflt;
}

int json_has(json_object *obj, const char *key)
{
    return member(obj, key) != NULL;
}

