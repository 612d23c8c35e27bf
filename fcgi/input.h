/* input.h — what a route declares it takes besides its path: query
 * parameters (a table of {name, kind, default, min, max}) and a JSON body
 * (a json_field table). The dispatcher checks both before the handler runs
 * (400/411/413 with the JSON error shape), so handlers only read validated
 * values through req_query() and r->body. */
#ifndef SELFSERV_INPUT_H
#define SELFSERV_INPUT_H

#include <stdint.h>

#include "json.h"
#include "request.h"

enum query_kind {
    Q_INT,     /* integer within [min, max] */
    Q_NUMBER,  /* floating point number */
    Q_STRING,  /* any text (percent-decoded) */
    Q_UUID,    /* a UUID */
    Q_TIME,    /* RFC 3339 timestamp; value in usec since the epoch */
    Q_LIST     /* repeated (?k=a&k=b) and/or comma-separated values */
};

struct query_param {
    const char *name;
    enum query_kind kind;
    const char *dflt; /* NULL: absent unless given */
    int64_t min, max; /* Q_INT only */
};

#define QUERY_MAX 16

struct query_value {
    int present;       /* given, or defaulted */
    int64_t i;         /* Q_INT, Q_TIME */
    double d;          /* Q_NUMBER */
    const char *s;     /* Q_STRING, Q_UUID (and the raw text of every kind) */
    const char **list; /* Q_LIST */
    int nlist;
};

/* limit (1..100, default 20) and offset (>= 0, default 0), as every list
 * endpoint of the API takes them. */
#define QUERY_LIMIT { "limit", Q_INT, "20", 1, 100 }
#define QUERY_OFFSET { "offset", Q_INT, "0", 0, INT64_MAX }

/* Parses r->query against spec (NULL-name terminated). Unknown parameters
 * are ignored, as HTTP clients add their own (cache busters). */
int input_query(struct req *r, const struct query_param *spec);
/* Reads the body (Content-Length required: 411; at most server.max_body:
 * 413), parses it as JSON and checks it against fields (400). */
int input_body(struct req *r, const struct json_field *fields);
/* Reads the raw body (exactly Content-Length bytes, NUL-terminated) into
 * the arena, for handlers whose body is not a JSON object (411/413/400 as
 * input_body). */
int input_read_body(struct req *r, char **data, size_t *len);
/* The same with a limit of max bytes (413 with too_large as the message,
 * NULL: the usual one); with unsized set, a body without Content-Length
 * (chunked) is read to its end instead of answering 411. */
int input_read_body_max(struct req *r, int64_t max, int unsized, const char *too_large,
                        char **data, size_t *len);
/* The value of a query parameter the route declares (never NULL; check
 * ->present). Asking for a name the route does not declare is a bug (a
 * misspelling would silently read "absent"): with input_strict_names set
 * — the default in sanitizer builds, and in the tests — it is logged and
 * aborts the process; otherwise the value is absent. */
const struct query_value *req_query(const struct req *r, const char *name);
/* The same for code shared by routes that declare different parameters
 * (tsrange.c): a name the route does not declare is simply absent. */
const struct query_value *req_query_optional(const struct req *r, const char *name);
/* See req_query and req_param. */
extern int input_strict_names;

/* PostgreSQL text[] literals (in the arena) for SQL parameters:
 * n strings; the JSON string array at `key` of the validated body (NULL
 * when absent or null); a declared Q_LIST query parameter into *out (NULL
 * when not given; 400 when given without any value). */
const char *input_text_array(struct req *r, const char *const *items, size_t n);
const char *input_body_text_array(struct req *r, const char *key);
int input_query_text_array(struct req *r, const char *name, const char **out);

/* 400 unless the text value of field has at least min characters (UTF-8
 * code points), as the OpenAPI minLength says. */
int input_min_length(struct req *r, const char *field, const char *value, size_t min);

/* Percent-decodes (and '+' -> ' ') n bytes of s into the arena; NULL when
 * the encoding is malformed or decodes to a NUL byte. Exposed for tests. */
char *input_url_decode(arena_t *a, const char *s, size_t n);

#endif
