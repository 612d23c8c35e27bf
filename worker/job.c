/* job.c — the `job` frame in, the `result` frame out (docs/protocol.md,
 * "Worker ⇄ manager"), and the child's report in between. The members of
 * both frames read here are declared below (JOB_FIELDS, JOB_ROUTES_CHILD)
 * and checked by frame_route_match before anything uses them; what is
 * left to check here are the values a kind cannot say (kind, deadline,
 * base64, outcome). A job from a confused manager becomes an error
 * result, never a crash. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "frame_route.h"
#include "job.h"
#include "json.h"
#include "status.h"
#include "xalloc.h"

#define FAILF(...) (snprintf(err, errsz, __VA_ARGS__), ERROR)

/* ==== the messages read here: their members (docs/protocol.md) =========== */

static const struct json_field MODULE[] = {
    { "spec", JK_STRING, 1, 0 },
    { "checksum", JK_STRING, 1, 0 },
    { "code_b64", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct json_field REQUEST[] = {
    { "method", JK_STRING, 1, 0 },
    { "path", JK_STRING, 1, 0 },
    { "query", JK_STRING, 1, 0 },
    { "headers", JK_OBJECT, 1, 0 },
    { "body_b64", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested HEADERS_NESTED[] = {
    { "headers", FRAME_STRING_MAP, NULL, NULL },
    { NULL, 0, NULL, NULL },
};

const struct json_field JOB_FIELDS[] = {
    { "id", JK_INT, 1, 0 },
    { "kind", JK_STRING, 1, 0 },
    { "domain", JK_STRING, 1, 0 },
    { "program", JK_UUID, 1, 0 },
    { "name", JK_STRING, 1, 0 },
    { "revision", JK_INT, 1, 0 },
    { "checksum", JK_STRING, 1, 0 },
    { "code_b64", JK_STRING, 1, 0 },
    { "deadline_ms", JK_INT, 1, 0 },
    { "modules", JK_ARRAY, 1, 0 },
    { "request", JK_OBJECT, 0, 0 },
    { NULL, 0, 0, 0 },
};

const struct frame_nested JOB_NESTED[] = {
    { "modules", FRAME_ARRAY, MODULE, NULL },
    { "request", FRAME_OBJECT, REQUEST, HEADERS_NESTED },
    { NULL, 0, NULL, NULL },
};

static const struct json_field LOG_LINE[] = {
    { "level", JK_STRING, 1, 0 },
    { "message", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct json_field RESPONSE[] = {
    { "status", JK_INT, 1, 0 },
    { "headers", JK_OBJECT, 1, 0 },
    { "body_b64", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct json_field RUN[] = {
    { "outcome", JK_STRING, 1, 0 },
    { "error", JK_STRING, 1, 0 },
    { "output", JK_STRING, 1, 0 },
    { "log", JK_ARRAY, 1, 0 },
    { "response", JK_OBJECT, 0, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested RUN_NESTED[] = {
    { "log", FRAME_ARRAY, LOG_LINE, NULL },
    { "response", FRAME_OBJECT, RESPONSE, HEADERS_NESTED },
    { NULL, 0, NULL, NULL },
};

static int on_run(void *ctx, json_object *msg);

const struct frame_route JOB_ROUTES_CHILD[] = {
    { "run", on_run, RUN, RUN_NESTED },
    { NULL, NULL, NULL, NULL },
};

/* ==== the job ============================================================= */

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* A checked base64 string member into a malloc'd buffer (NUL-terminated
 * for convenience). */
static int decode_b64(json_object *o, const char *key, char **out, size_t *outlen, char *err,
                      size_t errsz)
{
    json_object *v = member(o, key);
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

/* A checked {name: string} object as tg_headers. */
static struct tg_header *headers_copy(json_object *hdrs, size_t *count)
{
    size_t n = (size_t)json_object_object_length(hdrs);
    struct tg_header *h = xcalloc(n ? n : 1, sizeof *h);
    *count = 0;
    json_object_object_foreach(hdrs, name, val) {
        h[*count].name = xstrdup(name);
        h[*count].value = xstrdup(json_object_get_string(val));
        (*count)++;
    }
    return h;
}

static int read_modules(json_object *root, struct job *j, char *err, size_t errsz)
{
    json_object *arr = member(root, "modules");
    size_t n = json_object_array_length(arr);
    if (n == 0)
        return OK;
    j->modules = xcalloc(n, sizeof *j->modules);
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(arr, i);
        struct job_module *jm = &j->modules[i];
        j->nmodules = i + 1;
        jm->spec = json_str(m, "spec", "");
        jm->checksum = json_str(m, "checksum", "");
        char why[200];
        if (decode_b64(m, "code_b64", &jm->code, &jm->code_len, why, sizeof why) != OK)
            return FAILF("modules[%zu]: %s", i, why);
    }
    return OK;
}

static int read_request(json_object *root, struct job *j, char *err, size_t errsz)
{
    json_object *req = member(root, "request");
    if (!req)
        return FAILF("a webhook job needs member 'request' (an object)");
    j->method = json_str(req, "method", "");
    j->path = json_str(req, "path", "");
    j->query = json_str(req, "query", "");
    j->headers = headers_copy(member(req, "headers"), &j->nheaders);
    char why[200];
    if (decode_b64(req, "body_b64", &j->body, &j->body_len, why, sizeof why) != OK)
        return FAILF("request: %s", why);
    return OK;
}

/* The values a kind cannot say, then the decoded parts. */
static int read_members(json_object *root, struct job *j, char *err, size_t errsz)
{
    j->domain = json_str(root, "domain", "");
    j->program = json_str(root, "program", "");
    j->name = json_str(root, "name", "");
    j->checksum = json_str(root, "checksum", "");
    j->revision = json_int(root, "revision", 0);
    j->deadline_ms = json_int(root, "deadline_ms", 0);
    if (j->deadline_ms < 1)
        return FAILF("member 'deadline_ms' must be at least 1, got %lld",
                     (long long)j->deadline_ms);
    const char *k = json_str(root, "kind", "");
    if (strcmp(k, "webhook") == 0)
        j->webhook = 1;
    else if (strcmp(k, "routine") != 0)
        return FAILF("member 'kind' must be \"routine\" or \"webhook\"");
    if (decode_b64(root, "code_b64", &j->code, &j->code_len, err, errsz) != OK)
        return ERROR;
    if (read_modules(root, j, err, errsz) != OK)
        return ERROR;
    return j->webhook ? read_request(root, j, err, errsz) : OK;
}

int job_read(json_object *msg, struct job *j, char *err, size_t errsz)
{
    memset(j, 0, sizeof *j);
    j->root = json_object_get(msg);
    j->id = json_int(msg, "id", 0);
    if (read_members(msg, j, err, errsz) != OK) {
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

/* A captured text up to its first NUL byte: no string member of a frame
 * may hold U+0000 (its receiver refuses the frame, and PostgreSQL text
 * could not keep it), and the manager always kept what came before. */
static void put_text(buf_t *b, const buf_t *text, size_t max)
{
    size_t n = text->len > max ? max : text->len;
    const char *s = buf_cstr(text);
    const char *nul = memchr(s, '\0', n);
    json_put_strn(b, s, nul ? (size_t)(nul - s) : n);
}

static void put_members(const struct job_result *r, buf_t *b)
{
    json_put_key(b, "outcome");
    json_put_str(b, r->outcome);
    buf_putc(b, ',');
    json_put_key(b, "error");
    put_text(b, &r->error, r->error.len);
    buf_putc(b, ',');
    json_put_key(b, "output");
    put_text(b, &r->output, JOB_OUTPUT_MAX);
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

static const char *outcome_static(const char *s)
{
    static const char *const known[] = { "ok", "error", "deadline", "crashed" };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(s, known[i]) == 0)
            return known[i];
    return NULL;
}

/* JOB_ROUTES_CHILD's handler: a checked run report into the job_result
 * that ctx is. ERROR (the report refused) for an unknown outcome or a body
 * that is not base64. */
static int on_run(void *ctx, json_object *msg)
{
    struct job_result *r = ctx;
    if (!(r->outcome = outcome_static(json_str(msg, "outcome", ""))))
        return ERROR;
    json_object *v = member(msg, "error");
    buf_append(&r->error, json_object_get_string(v), (size_t)json_object_get_string_len(v));
    v = member(msg, "output");
    buf_append(&r->output, json_object_get_string(v), (size_t)json_object_get_string_len(v));
    json_object *log = member(msg, "log");
    size_t n = json_object_array_length(log);
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(log, i);
        v = member(l, "message");
        job_result_log(r, json_str(l, "level", ""), json_object_get_string(v),
                       (size_t)json_object_get_string_len(v));
    }
    json_object *resp = member(msg, "response");
    if (!resp)
        return OK;
    struct tg_cgi_response *rs = &r->response;
    rs->status = (int)json_int(resp, "status", 0);
    rs->headers = headers_copy(member(resp, "headers"), &rs->nheaders);
    char *body, err[100];
    size_t blen;
    if (decode_b64(resp, "body_b64", &body, &blen, err, sizeof err) != OK)
        return ERROR;
    buf_append(&rs->body, body, blen);
    free(body);
    r->has_response = 1;
    return OK;
}

int job_result_parse(const char *body, size_t len, struct job_result *r, char *err, size_t errsz)
{
    job_result_init(r);
    json_object *root;
    if (json_parse(body, len, &root, err, errsz) != OK)
        return ERROR;
    const struct frame_route *route;
    int rc = frame_route_match(JOB_ROUTES_CHILD, root, &route, err, errsz);
    if (rc == FRAME_ROUTE_OK && route->handler(r, root) != OK)
        rc = FAILF("a run report with an unknown outcome or a body that is not base64");
    json_object_put(root);
    if (rc != OK) {
        job_result_free(r);
        job_result_init(r);
        return ERROR;
    }
    return OK;
}
