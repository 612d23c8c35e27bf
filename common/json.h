/* json.h — JSON in and out.
 * In: request bodies are parsed with json-c and checked against a static
 * table of fields (kcgi-style): handlers only see validated values.
 * Out: responses are written straight into a buf_t (no json-c tree for
 * large results); json_put_* escape correctly. */
#ifndef SELFHOST_JSON_H
#define SELFHOST_JSON_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum json_kind {
    JK_STRING,
    JK_INT,     /* JSON number written without fraction or exponent, within
                 * int64 (1.0 and 1e2 are rejected, as Go does for int64) */
    JK_NUMBER,  /* any JSON number (int or double) */
    JK_BOOL,
    JK_ARRAY,
    JK_OBJECT,
    JK_UUID,    /* a string holding a valid UUID */
    JK_TIME,    /* a string holding an RFC 3339 timestamp */
    JK_STRING_ARRAY, /* array whose items are all strings */
    JK_UUID_ARRAY    /* array whose items are all UUID strings */
};

struct json_field {
    const char *key;
    enum json_kind kind;
    int required;   /* 1: must be present and not null */
    int nullable;   /* 1: explicit null accepted (when not required) */
};

/* Parses exactly one JSON value from (data, len); trailing non-space is an
 * error; depth is limited (64). Strict RFC 8259: NaN/Infinity, "1.", "01",
 * raw control characters in strings and ill-formed UTF-8 (including
 * overlong forms and surrogates) are rejected. Integers outside int64
 * become doubles (json-c alone would clamp them). On ERROR writes a
 * one-line reason into err ("invalid JSON at offset 12: ..."; err may be
 * NULL). *out is owned by the caller (json_object_put); it is NULL when
 * the input is the literal null. */
int json_parse(const char *data, size_t len, json_object **out, char *err, size_t errsz);

/* Checks that obj is an object, that every key is in fields (unknown keys
 * are an error), that required keys are present, and that each value has
 * its kind. fields ends with a {NULL} entry. On ERROR writes a reason such
 * as "field 'name' must be a string without NUL characters", "field 'x'
 * must not be null" or "unknown field 'nmae'". JK_STRING and string array
 * items must not contain U+0000 (PostgreSQL text cannot hold it); JK_NUMBER
 * rejects values that overflow a double (1e400). */
int json_validate(json_object *obj, const struct json_field *fields, char *err, size_t errsz);

/* Accessors for validated objects: return the value or the default when
 * the key is missing or null. */
const char *json_str(json_object *obj, const char *key, const char *dflt);
int64_t json_int(json_object *obj, const char *key, int64_t dflt);
double json_num(json_object *obj, const char *key, double dflt);
int json_has(json_object *obj, const char *key); /* present and not null */

/* Output. json_put_str writes a quoted, escaped JSON string (control
 * characters as \u00XX, '"' and '\\' escaped, '/' not escaped, valid UTF-8
 * passed through, each byte of ill-formed UTF-8 replaced by the escape
 * \ufffd as Go does). NULL writes null. */
void json_put_str(buf_t *b, const char *s);
void json_put_strn(buf_t *b, const char *s, size_t n);
/* Shortest representation that round-trips (like Go's strconv 'g' -1 for
 * float64 as encoding/json writes it: 1e+21 and up and below 1e-6 in
 * exponent form, else plain). NaN/Inf write null. */
void json_put_double(buf_t *b, double v);
/* For the tests: 1 when the exact integer path and the printf path of
 * json_put_double choose the same digits for v, 0 when they differ, -1
 * when v is outside the exact path's range (both give the same answer
 * then by construction: only the printf path runs). */
int json_double_paths_agree(double v);
void json_put_int(buf_t *b, int64_t v);
/* Bytes as a quoted base64 string (RFC 4648, padded): binary data in JSON
 * (the `_b64` members of the program protocol). */
void json_put_base64(buf_t *b, const void *data, size_t n);
/* "key": with the key escaped; caller writes the value and commas. */
void json_put_key(buf_t *b, const char *key);

#endif
