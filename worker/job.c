/* job.c — the `job` frame in, the `result` frame out (docs/protocol.md,
 * "Worker ⇄ manager"), and the child's report in between. Every member
 * is checked for presence and type before anything uses it: a job from a
 * confused manager becomes an error result, never a crash. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "job.h"
#include "json.h"
#include "status.h"
#include "xalloc.h"

#define FAILF(...) (snprintf(err, errsz, __VA_ARGS__), ERROR)

enum member_kind { M_STR, M_INT };

struct member {
    const char *key;
    enum member_kind kind;
    size_t off;
};

/* The plain members of a job; kind, code_b64, modules and request are read
 * by hand below. */
static const struct member job_members[] = {
    { "domain", M_STR, offsetof(struct job, domain) },
    { "program", M_STR, offsetof(struct job, program) },
    { "name", M_STR, offsetof(struct job, name) },
    { "checksum", M_STR, offsetof(struct job, checksum) },
    { "revision", M_INT, offsetof(struct job, revision) },
    { "deadline_ms", M_INT, offsetof(struct job, deadline_ms) },
};

static json_object *get(json_object *o, const char *key, json_type type)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

static const char *kind_name(json_type t)
{
    switch (t) {
    case json_type_string: return "a string";
    case json_type_int: return "an integer";
    case json_type_array: return "an array";
    case json_type_object: return "an object";
    default: return "a value";
    }
}

/* base64 member into a malloc'd buffer (NUL-terminated for convenience). */
static int decode_b64(json_object *o, const char *key, char **out, size_t *outlen, char *err,
                      size_t errsz)
{
    json_object *v = get(o, key, json_type_string);
    if (!v)
        return FAILF("member '%s' is missing or not a string", key);
    const char *s = json_object_get_string(v);
    size_t n = (size_t)json_object_get_string_len(v);
    char *b = xmalloc(base64_decoded_max(n) + 1);
    if (base64_decode(s, n, (uint8_t *)b, outlen) != OK) {
        free(b);
        return FAILF("member '%s' is not valid base64", key);
    }
    b[*outlen] = '\0';
    *out = b;
    return OK;
}

static int parse_modules(json_object *root, struct job *j, char *err, size_t errsz)
{
    json_object *arr = get(root, "modules", json_type_array);
    if (!arr)
        return FAILF("member 'modules' is missing or not an array");
    size_t n = json_object_array_length(arr);
    if (n == 0)
        return OK;
    j->modules = xcalloc(n, sizeof *j->modules);
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(arr, i);
        struct job_module *jm = &j->modules[i];
        j->nmodules = i + 1;
        if (!json_object_is_type(m, json_type_object))
            return FAILF("modules[%zu] is not an object", i);
        json_object *spec = get(m, "spec", json_type_string);
        json_object *sum = get(m, "checksum", json_type_string);
        if (!spec || !sum)
            return FAILF("modules[%zu]: member '%s' is missing or not a string", i,
                         spec ? "checksum" : "spec");
        jm->spec = json_object_get_string(spec);
        jm->checksum = json_object_get_string(sum);
        if (decode_b64(m, "code_b64", &jm->code, &jm->code_len, err, errsz) != OK) {
            char why[200];
            snprintf(why, sizeof why, "%s", err);
            return FAILF("modules[%zu]: %s", i, why);
        }
    }
    return OK;
}

static int parse_request(json_object *root, struct job *j, char *err, size_t errsz)
{
    json_object *req = get(root, "request", json_type_object);
    if (!req)
        return FAILF("a webhook job needs member 'request' (an object)");
    static const char *const keys[] = { "method", "path", "query" };
    const char **dst[] = { &j->method, &j->path, &j->query };
    for (size_t i = 0; i < 3; i++) {
        json_object *v = get(req, keys[i], json_type_string);
        if (!v)
            return FAILF("member 'request.%s' is missing or not a string", keys[i]);
        *dst[i] = json_object_get_string(v);
    }
    json_object *hdrs = get(req, "headers", json_type_object);
    if (!hdrs)
        return FAILF("member 'request.headers' is missing or not an object");
    size_t n = (size_t)json_object_object_length(hdrs);
    j->headers = xcalloc(n ? n : 1, sizeof *j->headers);
    json_object_object_foreach(hdrs, name, val)
    {
        if (!json_object_is_type(val, json_type_string))
            return FAILF("request header '%s' is not a string", name);
        struct tg_header *h = &j->headers[j->nheaders++];
        h->name = xstrdup(name);
        h->value = xstrdup(json_object_get_string(val));
    }
    char why[200];
    if (decode_b64(req, "body_b64", &j->body, &j->body_len, why, sizeof why) != OK)
        return FAILF("request: %s", why);
    return OK;
}

static int parse_members(json_object *root, struct job *j, char *err, size_t errsz)
{
    for (size_t i = 0; i < sizeof job_members / sizeof *job_members; i++) {
        const struct member *m = &job_members[i];
        json_type t = m->kind == M_STR ? json_type_string : json_type_int;
        json_object *v = get(root, m->key, t);
        if (!v)
            return FAILF("member '%s' is missing or not %s", m->key, kind_name(t));
        if (m->kind == M_STR)
            *(const char **)((char *)j + m->off) = json_object_get_string(v);
        else
            *(int64_t *)((char *)j + m->off) = json_object_get_int64(v);
    }
    if (j->deadline_ms < 1)
        return FAILF("member 'deadline_ms' must be at least 1, got %lld",
                     (long long)j->deadline_ms);
    json_object *kind = get(root, "kind", json_type_string);
    const char *k = kind ? json_object_get_string(kind) : "";
    if (strcmp(k, "webhook") == 0)
        j->webhook = 1;
    else if (strcmp(k, "routine") != 0)
        return FAILF("member 'kind' must be \"routine\" or \"webhook\"");
    if (decode_b64(root, "code_b64", &j->code, &j->code_len, err, errsz) != OK)
        return ERROR;
    if (parse_modules(root, j, err, errsz) != OK)
        return ERROR;
    return j->webhook ? parse_request(root, j, err, errsz) : OK;
}

int job_parse(const char *body, size_t len, struct job *j, int *has_id, char *err, size_t errsz)
{
    memset(j, 0, sizeof *j);
    *has_id = 0;
    if (json_parse(body, len, &j->root, err, errsz) != OK)
        return ERROR;
    if (!json_object_is_type(j->root, json_type_object)) {
        job_free(j);
        return FAILF("a job must be a JSON object");
    }
    json_object *id = get(j->root, "id", json_type_int);
    if (!id) {
        job_free(j);
        return FAILF("member 'id' is missing or not an integer");
    }
    j->id = json_object_get_int64(id);
    *has_id = 1;
    if (parse_members(j->root, j, err, errsz) != OK) {
        int64_t keep = j->id;
        job_free(j);
        j->id = keep;
        return ERROR;
    }
    return OK;
}

void job_free(struct job *j)
{
    for (size_t i = 0; i < j->nmodules; i++)
        free(j->modules[i].code);
    free(j->modules);
    for (size_t i = 0; i < j->nheaders; i++) {
        free(j->headers[i].name);
        free(j->headers[i].value);
    }
    free(j->headers);
    free(j->code);
    free(j->body);
    if (j->root)
        json_object_put(j->root);
    memset(j, 0, sizeof *j);
}

/* ==== results ============================================================ */

void job_result_init(struct job_result *r)
{
    memset(r, 0, sizeof *r);
    r->outcome = "ok";
    tg_cgi_response_init(&r->response);
}

void job_result_free(struct job_result *r)
{
    buf_free(&r->error);
    buf_free(&r->output);
    for (size_t i = 0; i < r->nlog; i++)
        free(r->log[i].message);
    free(r->log);
    tg_cgi_response_free(&r->response);
    memset(r, 0, sizeof *r);
}

void job_result_log(struct job_result *r, const char *level, const char *msg, size_t len)
{
    if (r->nlog >= JOB_LOG_MAX)
        return;
    if (r->nlog == 0) {
        r->log = xcalloc(JOB_LOG_MAX, sizeof *r->log);
    }
    if (len > JOB_LOG_LINE_MAX)
        len = JOB_LOG_LINE_MAX;
    char *m = xmalloc(len + 1);
    memcpy(m, msg, len);
    m[len] = '\0';
    struct job_log *l = &r->log[r->nlog++];
    snprintf(l->level, sizeof l->level, "%s", strcmp(level, "error") == 0 ? "error" : "info");
    l->message = m;
}

static void put_members(const struct job_result *r, buf_t *b)
{
    json_put_key(b, "outcome");
    json_put_str(b, r->outcome);
    buf_putc(b, ',');
    json_put_key(b, "error");
    json_put_strn(b, buf_cstr(&r->error), r->error.len);
    buf_putc(b, ',');
    json_put_key(b, "output");
    json_put_strn(b, buf_cstr(&r->output),
                  r->output.len > JOB_OUTPUT_MAX ? JOB_OUTPUT_MAX : r->output.len);
    buf_putc(b, ',');
    json_put_key(b, "log");
    buf_putc(b, '[');
    for (size_t i = 0; i < r->nlog; i++) {
        buf_puts(b, i ? ",{" : "{");
        json_put_key(b, "level");
        json_put_str(b, r->log[i].level);
        buf_putc(b, ',');
        json_put_key(b, "message");
        json_put_str(b, r->log[i].message);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
    if (!r->has_response || strcmp(r->outcome, "ok") != 0)
        return;
    const struct tg_cgi_response *rs = &r->response;
    buf_putc(b, ',');
    json_put_key(b, "response");
    buf_puts(b, "{\"status\":");
    json_put_int(b, rs->status);
    buf_puts(b, ",\"headers\":{");
    for (size_t i = 0; i < rs->nheaders; i++) {
        if (i)
            buf_putc(b, ',');
        json_put_key(b, rs->headers[i].name);
        json_put_str(b, rs->headers[i].value);
    }
    buf_puts(b, "},\"body_b64\":");
    json_put_base64(b, buf_cstr(&rs->body), rs->body.len);
    buf_putc(b, '}');
}

void job_result_json(const struct job_result *r, buf_t *out)
{
    buf_puts(out, "{\"type\":\"run\",");
    put_members(r, out);
    buf_putc(out, '}');
}

void job_result_frame(const struct job_result *r, int64_t id, int64_t duration_ms, buf_t *out)
{
    buf_puts(out, "{\"type\":\"result\",\"id\":");
    json_put_int(out, id);
    buf_putc(out, ',');
    put_members(r, out);
    buf_puts(out, ",\"duration_ms\":");
    json_put_int(out, duration_ms);
    buf_putc(out, '}');
}

static int parse_response(json_object *o, struct job_result *r, char *err, size_t errsz)
{
    json_object *st = get(o, "status", json_type_int);
    json_object *hd = get(o, "headers", json_type_object);
    if (!st || !hd)
        return FAILF("response needs status and headers");
    struct tg_cgi_response *rs = &r->response;
    rs->status = (int)json_object_get_int64(st);
    size_t n = (size_t)json_object_object_length(hd);
    rs->headers = xcalloc(n ? n : 1, sizeof *rs->headers);
    json_object_object_foreach(hd, name, val)
    {
        if (!json_object_is_type(val, json_type_string))
            return FAILF("response header '%s' is not a string", name);
        struct tg_header *h = &rs->headers[rs->nheaders++];
        h->name = xstrdup(name);
        h->value = xstrdup(json_object_get_string(val));
    }
    char *body;
    size_t blen;
    if (decode_b64(o, "body_b64", &body, &blen, err, errsz) != OK)
        return ERROR;
    buf_append(&rs->body, body, blen);
    free(body);
    r->has_response = 1;
    return OK;
}

static const char *outcome_static(const char *s)
{
    static const char *const known[] = { "ok", "error", "deadline", "crashed" };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(s, known[i]) == 0)
            return known[i];
    return NULL;
}

static int parse_result(json_object *root, struct job_result *r, char *err, size_t errsz)
{
    json_object *oc = get(root, "outcome", json_type_string);
    json_object *er = get(root, "error", json_type_string);
    json_object *out = get(root, "output", json_type_string);
    json_object *log = get(root, "log", json_type_array);
    if (!oc || !er || !out || !log)
        return FAILF("a run report needs outcome, error, output and log");
    if (!(r->outcome = outcome_static(json_object_get_string(oc))))
        return FAILF("unknown outcome '%s'", json_object_get_string(oc));
    buf_append(&r->error, json_object_get_string(er), (size_t)json_object_get_string_len(er));
    buf_append(&r->output, json_object_get_string(out), (size_t)json_object_get_string_len(out));
    size_t n = json_object_array_length(log);
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(log, i);
        json_object *lv = json_object_is_type(l, json_type_object)
                              ? get(l, "level", json_type_string) : NULL;
        json_object *msg = lv ? get(l, "message", json_type_string) : NULL;
        if (!msg)
            return FAILF("log[%zu] is not {level, message}", i);
        job_result_log(r, json_object_get_string(lv), json_object_get_string(msg),
                       (size_t)json_object_get_string_len(msg));
    }
    json_object *resp = get(root, "response", json_type_object);
    return resp ? parse_response(resp, r, err, errsz) : OK;
}

int job_result_parse(const char *body, size_t len, struct job_result *r, char *err, size_t errsz)
{
    job_result_init(r);
    json_object *root;
    if (json_parse(body, len, &root, err, errsz) != OK)
        return ERROR;
    int rc = json_object_is_type(root, json_type_object)
                 ? parse_result(root, r, err, errsz)
                 : FAILF("a run report must be an object");
    json_object_put(root);
    if (rc != OK) {
        job_result_free(r);
        job_result_init(r);
    }
    return rc;
}
