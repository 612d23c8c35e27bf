/* input.c — query string and body checks declared by the route table. */
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgarray.h"
#include "router.h"
#include "rfc3339.h"
#include "server.h"
#include "status.h"
#include "uuid.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *input_url_decode(arena_t *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
            continue;
        }
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        if (i + 2 >= n)
            return NULL; /* truncated escape */
        int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
        if (h < 0 || l < 0 || (h | l) == 0)
            return NULL; /* not hex, or %00 */
        *o++ = (char)(h << 4 | l);
        i += 2;
    }
    *o = '\0';
    return out;
}

static int spec_index(const struct query_param *spec, const char *name, size_t n)
{
    for (int i = 0; spec[i].name; i++)
        if (strlen(spec[i].name) == n && memcmp(spec[i].name, name, n) == 0)
            return i;
    return -1;
}

static int bad_param(struct req *r, const char *name, const char *what)
{
    return req_fail(r, 400, arena_sprintf(r->arena, "query parameter '%s' %s", name, what));
}

/* Converts one raw (decoded) value of parameter p into v. */
static int convert(struct req *r, const struct query_param *p, const char *raw,
                   struct query_value *v)
{
    v->present = 1;
    v->s = raw;
    char *end;
    switch (p->kind) {
    case Q_INT: {
        errno = 0;
        long long x = strtoll(raw, &end, 10);
        if (errno || end == raw || *end || !isdigit((unsigned char)raw[raw[0] == '-']))
            return bad_param(r, p->name, "must be an integer");
        if (x < p->min || x > p->max)
            return bad_param(r, p->name,
                             arena_sprintf(r->arena, "must be from %lld to %lld",
                                           (long long)p->min, (long long)p->max));
        v->i = x;
        return OK;
    }
    case Q_NUMBER:
        errno = 0;
        v->d = strtod(raw, &end);
        if (errno || end == raw || *end || v->d != v->d || v->d > 1.7e308 || v->d < -1.7e308)
            return bad_param(r, p->name, "must be a number");
        return OK;
    case Q_UUID:
        return uuid_valid(raw) == OK ? OK : bad_param(r, p->name, "must be a UUID");
    case Q_TIME:
        return rfc3339_parse(raw, strlen(raw), &v->i) == OK
                   ? OK
                   : bad_param(r, p->name, "must be an RFC 3339 timestamp");
    case Q_STRING:
        return OK;
    case Q_LIST: {
        /* append the comma-separated pieces of this occurrence */
        for (const char *piece = raw;;) {
            size_t len = strcspn(piece, ",");
            if (len > 0) {
                const char **list = arena_alloc(r->arena, (size_t)(v->nlist + 1) * sizeof *list);
                if (v->nlist)
                    memcpy(list, v->list, (size_t)v->nlist * sizeof *list);
                list[v->nlist++] = arena_strndup(r->arena, piece, len);
                v->list = list;
            }
            if (piece[len] == '\0')
                break;
            piece += len + 1;
        }
        return OK;
    }
    }
    return OK;
}

int input_query(struct req *r, const struct query_param *spec)
{
    if (!spec)
        return OK;
    struct query_value *values = r->query_values;
    for (const char *p = r->query; *p;) {
        size_t len = strcspn(p, "&");
        size_t klen = strcspn(p, "=");
        if (klen > len)
            klen = len;
        int idx = spec_index(spec, p, klen);
        if (idx >= 0 && idx < QUERY_MAX) {
            const char *vstart = klen < len ? p + klen + 1 : p + len;
            char *raw = input_url_decode(r->arena, vstart, (size_t)(p + len - vstart));
            if (!raw)
                return bad_param(r, spec[idx].name, "is not properly percent-encoded");
            if (values[idx].present && spec[idx].kind != Q_LIST)
                return bad_param(r, spec[idx].name, "is given more than once");
            if (convert(r, &spec[idx], raw, &values[idx]) != OK)
                return ERROR;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    for (int i = 0; spec[i].name && i < QUERY_MAX; i++)
        if (!values[i].present && spec[i].dflt && convert(r, &spec[i], spec[i].dflt, &values[i]) != OK)
            return ERROR;
    return OK;
}

const char *input_text_array(struct req *r, const char *const *items, size_t n)
{
    buf_t b = BUF_INIT;
    pgarray_put(&b, items, n);
    const char *out = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return out;
}

const char *input_body_text_array(struct req *r, const char *key)
{
    json_object *arr;
    if (!r->body || !json_object_object_get_ex(r->body, key, &arr) || !arr)
        return NULL;
    buf_t b = BUF_INIT;
    pgarray_put_json(&b, arr);
    const char *out = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return out;
}

int input_query_text_array(struct req *r, const char *name, const char **out)
{
    const struct query_value *v = req_query(r, name);
    *out = NULL;
    if (!v->present)
        return OK;
    if (v->nlist == 0)
        return req_fail(r, 400, arena_sprintf(r->arena, "query parameter '%s' must name at "
                                                        "least one value", name));
    *out = input_text_array(r, v->list, (size_t)v->nlist);
    return OK;
}

int input_min_length(struct req *r, const char *field, const char *value, size_t min)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        chars += (*p & 0xc0) != 0x80; /* count lead bytes only */
    if (chars >= min)
        return OK;
    return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: field '%s' must be at "
                                                    "least %zu character%s", field, min,
                                                    min == 1 ? "" : "s"));
}

#ifdef SELFHOST_SANITIZED_BUILD
int input_strict_names = 1;
#else
int input_strict_names = 0;
#endif

const struct query_value *req_query_optional(const struct req *r, const char *name)
{
    static const struct query_value absent;
    const struct query_param *spec = r->route ? r->route->query : NULL;
    int idx = spec ? spec_index(spec, name, strlen(name)) : -1;
    return idx >= 0 && idx < QUERY_MAX ? &r->query_values[idx] : &absent;
}

const struct query_value *req_query(const struct req *r, const char *name)
{
    const struct query_param *spec = r->route ? r->route->query : NULL;
    if (input_strict_names && (!spec || spec_index(spec, name, strlen(name)) < 0)) {
        log_error("bug: query parameter '%s' is not declared by route %s %s", name,
                  r->route ? r->route->method : "-", r->route ? r->route->pattern : "-");
        abort();
    }
    return req_query_optional(r, name);
}

/* A body sent without Content-Length (chunked): read to its end, at most
 * max bytes. */
static int read_unsized(struct req *r, int64_t max, const char *too_large, char **data,
                        size_t *len)
{
    *data = "";
    *len = 0;
    if (!r->fcgi_in)
        return OK;
    buf_t b = BUF_INIT;
    char piece[16384];
    long k;
    while ((k = req_read(r, piece, sizeof piece)) > 0 && b.len + (size_t)k <= (size_t)max)
        buf_append(&b, piece, (size_t)k);
    int rc = k < 0   ? req_fail(r, 400, "The request body could not be read")
             : k > 0 ? req_fail(r, 413, too_large)
                     : OK;
    if (rc == OK && b.len) {
        *data = arena_alloc(r->arena, b.len + 1); /* binary: not a string copy */
        memcpy(*data, b.data, b.len + 1);
        *len = b.len;
    }
    buf_free(&b);
    return rc;
}

int input_read_body_max(struct req *r, int64_t max, int unsized, const char *too_large,
                        char **data, size_t *len)
{
    if (!too_large)
        too_large = "Request Entity Too Large";
    const char *cl = req_env(r, "CONTENT_LENGTH");
    if (!cl || !*cl)
        return unsized ? read_unsized(r, max, too_large, data, len)
                       : req_fail(r, 411, "Length Required");
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno || *end || !isdigit((unsigned char)cl[0]))
        return req_fail(r, 400, "Malformed Content-Length");
    if (n > (unsigned long long)max)
        return req_fail(r, 413, too_large);
    char *buf = arena_alloc(r->arena, (size_t)n + 1);
    size_t got = 0;
    while (got < n) {
        long k = req_read(r, buf + got, (size_t)n - got);
        if (k <= 0)
            return req_fail(r, 400, "The request body is shorter than its Content-Length");
        got += (size_t)k;
    }
    buf[n] = '\0';
    *data = buf;
    *len = (size_t)n;
    return OK;
}

int input_read_body(struct req *r, char **data, size_t *len)
{
    return input_read_body_max(r, r->srv->cfg.max_body, 0, NULL, data, len);
}

int input_body(struct req *r, const struct json_field *fields)
{
    if (!fields)
        return OK;
    char *data = NULL;
    size_t len = 0;
    if (input_read_body(r, &data, &len) != OK)
        return ERROR;
    char why[256];
    json_object *obj;
    if (json_parse(data, len, &obj, why, sizeof why) != OK)
        return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: %s", why));
    r->body = obj; /* released by serve_request */
    if (json_validate(obj, fields, why, sizeof why) != OK)
        return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: %s", why));
    return OK;
}
