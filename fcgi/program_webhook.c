/* program_webhook.c — POST /v2/programs/{uuid}/webhook: hands the HTTP
 * request to the program manager (selfpmgr) and answers what the program
 * answered. docs/protocol.md ("Webhook requests") is the contract.
 *
 * Before the manager is asked: 404 for no such program, 400 when it is not
 * a webhook, 404 when it is not active (what the manager would answer,
 * without the round trip), 413 for a body over [programs]
 * webhook_max_body (any Content-Type is accepted; without a Content-Length
 * the body is read to its end, still limited).
 *
 * The request travels as one `webhook` frame: method, path, raw query
 * string, the request headers (lower-case names; Authorization never
 * leaves selfserv, it holds the caller's API token) and the body in
 * base64. One connection per call, closed after the answer.
 *
 * A FastCGI responder serves one request at a time, so the wait blocks
 * this process; it is bounded by the program's deadline plus 3 s (the
 * manager promises an answer within deadline + 2 s), then 504. That is
 * why the web server sends webhooks to a pool of responders of their own
 * (conf/nginx, conf/lighttpd: selfserv-webhook.sock): a slow program then
 * holds a webhook responder, never one of the API's.
 *
 * Every 503 (no manager, no worker, the manager's webhook queue full)
 * carries Retry-After: the manager's retry_after, else 1 s.
 *
 * The program's answer is written with its status and headers, except the
 * ones that belong to a single connection (hop-by-hop), Content-Length and
 * Status (we write those), and the ones a web server in front would obey
 * as instructions (X-Accel-*, X-Sendfile, X-LIGHTTPD-*): a program must not
 * be able to make nginx serve an internal location or a file. Headers with
 * characters that could split a header line are dropped too. */
#include "clock.h"
#include "programs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "frame.h"
#include "frame_route.h"
#include "program_webhook.h"
#include "log.h"
#include "server.h"
#include "status.h"

#define ANSWER_GRACE_MS 3000 /* beyond the program's deadline */
#define RETRY_AFTER_S 1      /* a 503 without the manager's own retry_after */
#define DEFAULT_CONTENT_TYPE "application/octet-stream"

static const struct db_stmt SQL_WEBHOOK_PROGRAM = {
    "program_webhook_program",
    "SELECT type, state, deadline FROM programs WHERE uuid = $1::uuid", 1
};

/* Never sent back to the client as the program gave them. */
static const char *const DROPPED_HEADERS[] = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade", "content-length", "status",
    "content-type", /* becomes r->content_type */
    "x-sendfile", NULL,
};

/* A webhook call in progress: the socket and the reply being read. */
struct hook_call {
    int fd;
    struct frame_reader *reader;
    json_object *reply;
    int64_t until_ms; /* monotonic time by which the manager must have answered */
};

static int left_ms(const struct hook_call *c)
{
    int64_t left = c->until_ms - clock_mono_ms();
    return left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

static int unavailable(struct req *r, int64_t retry_after, const char *message)
{
    if (retry_after < 1 || retry_after > 3600)
        retry_after = RETRY_AFTER_S;
    req_header(r, "Retry-After: %lld", (long long)retry_after);
    return req_fail(r, 503, message);
}

static int no_manager(struct req *r)
{
    return unavailable(r, 0, "No program manager is available");
}

static int too_late(struct req *r)
{
    return req_fail(r, 504, "The webhook program did not answer within its deadline");
}

static const char *too_large_message(struct req *r)
{
    return arena_sprintf(r->arena, "Request Entity Too Large: a webhook body is limited to %lld "
                                   "bytes",
                         (long long)r->srv->cfg.webhook_max_body);
}

static int too_large(struct req *r)
{
    return req_fail(r, 413, too_large_message(r));
}

/* ---- the request ---------------------------------------------------------- */

/* The program's type, state and deadline: 404 / 400 / 404 unless it is an
 * active webhook. */
static int program_check(struct req *r, int64_t *deadline_ms)
{
    const char *params[] = { req_param(r, "uuid") };
    PGresult *res = db_exec(r->db, &SQL_WEBHOOK_PROGRAM, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    if (PQntuples(res) != 1) {
        PQclear(res);
        return req_not_found(r);
    }
    int webhook = strcmp(PQgetvalue(res, 0, 0), "webhook") == 0;
    int active = strcmp(PQgetvalue(res, 0, 1), "active") == 0;
    *deadline_ms = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
    PQclear(res);
    if (!webhook)
        return req_fail(r, 400, "The program is not a webhook");
    if (!active)
        return req_fail(r, 404, "The webhook program is not active");
    return OK;
}

/* The raw body, at most webhook_max_body (and server.max_body) bytes:
 * exactly Content-Length bytes when given, else up to the end of the
 * FastCGI stream (plain CGI without a Content-Length has no body). */
static int body_read(struct req *r, char **data, size_t *len)
{
    int64_t limit = r->srv->cfg.webhook_max_body;
    if (r->srv->cfg.max_body < limit)
        limit = r->srv->cfg.max_body;
    return input_read_body_max(r, limit, 1, too_large_message(r), data, len);
}

/* "HTTP_X_FOO_BAR" -> "x-foo-bar" (the part after the prefix). */
static void header_name(buf_t *b, const char *env, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = env[i];
        buf_putc(b, ch == '_' ? '-' : ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch);
    }
}

/* The request headers as a JSON object, from the FastCGI params: HTTP_*,
 * CONTENT_TYPE and CONTENT_LENGTH. */
static void headers_put(struct req *r, buf_t *b)
{
    buf_putc(b, '{');
    int first = 1;
    for (char **e = r->envp; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        const char *name = *e;
        size_t n = (size_t)(eq - name);
        if (n > 5 && strncmp(name, "HTTP_", 5) == 0) {
            name += 5;
            n -= 5;
            if (n == 13 && strncmp(name, "AUTHORIZATION", 13) == 0)
                continue;
        } else if (!((n == 12 && strncmp(name, "CONTENT_TYPE", 12) == 0) ||
                     (n == 14 && strncmp(name, "CONTENT_LENGTH", 14) == 0))) {
            continue;
        } else if (eq[1] == '\0') {
            continue; /* nginx passes both, empty, when the request has no body */
        }
        if (!first)
            buf_putc(b, ',');
        first = 0;
        buf_t key = BUF_INIT;
        header_name(&key, name, n);
        json_put_key(b, buf_cstr(&key));
        buf_free(&key);
        json_put_str(b, eq + 1);
    }
    buf_putc(b, '}');
}

/* The `webhook` frame's body. */
static void webhook_frame(struct req *r, const char *body, size_t len, buf_t *b)
{
    buf_puts(b, "{\"type\":\"webhook\",\"domain\":");
    json_put_str(b, r->domain);
    buf_puts(b, ",\"program\":");
    json_put_str(b, req_param(r, "uuid"));
    buf_puts(b, ",\"request\":{\"method\":");
    json_put_str(b, r->method);
    buf_puts(b, ",\"path\":");
    json_put_str(b, r->path);
    buf_puts(b, ",\"query\":");
    json_put_str(b, r->query);
    buf_puts(b, ",\"headers\":");
    headers_put(r, b);
    buf_puts(b, ",\"body_b64\":");
    json_put_base64(b, body, len);
    buf_puts(b, "}}");
}

/* ---- the manager ---------------------------------------------------------- */

/* Non-blocking: a manager whose backlog is full is as good as absent, and
 * every later step waits with poll() against c->until_ms. */
static int manager_connect(struct req *r, struct hook_call *c)
{
    const char *path = r->srv->cfg.manager_socket;
    c->fd = frame_connect(path);
    if (c->fd < 0) {
        log_warn("webhook: cannot connect to the program manager at %s: %s", path,
                 strerror(errno));
        return no_manager(r);
    }
    return OK;
}

static int manager_send(struct req *r, struct hook_call *c, const buf_t *frame)
{
    if (frame->len > FRAME_MAX)
        return too_large(r); /* the body fits, its encoding with the headers does not */
    if (frame_write(c->fd, frame->data, frame->len, left_ms(c)) == OK)
        return OK;
    if (errno == ETIMEDOUT)
        return too_late(r);
    log_warn("webhook: sending to the program manager: %s", strerror(errno));
    return no_manager(r);
}

/* Waits for one frame and parses it into c->reply. */
static int manager_receive(struct req *r, struct hook_call *c)
{
    c->reader = frame_reader_new(FRAME_MAX);
    for (;;) {
        const char *data;
        size_t len;
        int rc = frame_read(c->reader, c->fd, &data, &len);
        if (rc == FRAME_OK) {
            if (json_parse(data, len, &c->reply, NULL, 0) != OK || !c->reply)
                break; /* frame_read checked it; cannot happen */
            return OK;
        }
        if (rc != FRAME_AGAIN) {
            log_warn("webhook: the program manager closed the connection without an answer%s%s",
                     rc == FRAME_ERROR ? ": " : "",
                     rc == FRAME_ERROR ? frame_reader_error(c->reader) : "");
            break;
        }
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        int n = poll(&p, 1, left_ms(c));
        if (n == 0)
            return too_late(r);
        if (n < 0 && errno != EINTR) {
            log_error("webhook: poll: %s", strerror(errno));
            break;
        }
    }
    return req_fail(r, 502, "The program manager gave no answer");
}

/* ---- the answer ----------------------------------------------------------- */

static int header_dropped(const char *name)
{
    for (const char *const *d = DROPPED_HEADERS; *d; d++)
        if (strcasecmp(name, *d) == 0)
            return 1;
    return strncasecmp(name, "x-accel-", 8) == 0 || strncasecmp(name, "x-lighttpd-", 11) == 0;
}

/* An RFC 9110 token: what a header name may be. */
static int header_name_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *s)))
            return 0;
    return 1;
}

/* No control characters but tab: nothing that ends or splits the line. */
static int header_value_ok(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
            return 0;
    return 1;
}

/* Checked: an object of strings. */
static void reply_headers(struct req *r, json_object *headers)
{
    r->content_type = DEFAULT_CONTENT_TYPE;
    json_object_object_foreach(headers, name, value) {
        const char *v = json_object_get_string(value);
        if (!header_name_ok(name) || !header_value_ok(v)) {
            log_warn("webhook %s: header '%s' dropped (characters not allowed)",
                     req_param(r, "uuid"), name);
            continue;
        }
        if (strcasecmp(name, "content-type") == 0 && *v)
            r->content_type = arena_strdup(r->arena, v);
        if (header_dropped(name))
            continue;
        if (r->nheaders >= REQ_MAX_HEADERS)
            log_warn("webhook %s: header '%s' dropped (more than %d headers)",
                     req_param(r, "uuid"), name, REQ_MAX_HEADERS);
        req_header(r, "%s: %s", name, v);
    }
}

/* webhook_result: the program's answer becomes ours (OK), unless its
 * status or body cannot be (ERROR: 502). */
static int reply_result(void *ctx, json_object *m)
{
    struct req *r = ctx;
    int64_t code = json_int(m, "status", 0);
    if (code < 200 || code > 599)
        return ERROR;
    json_object *body, *headers;
    json_object_object_get_ex(m, "body_b64", &body);
    json_object_object_get_ex(m, "headers", &headers);
    const char *b64 = json_object_get_string(body);
    size_t b64len = (size_t)json_object_get_string_len(body), len;
    uint8_t *bytes = arena_alloc(r->arena, base64_decoded_max(b64len) + 1);
    if (base64_decode(b64, b64len, bytes, &len) != OK)
        return ERROR;
    r->nheaders = 0;
    reply_headers(r, headers);
    buf_reset(&r->out);
    buf_append(&r->out, bytes, len);
    r->status = (int)code;
    r->err_message = NULL;
    return OK;
}

/* error: the manager's status and message become ours (recorded with
 * req_fail, so the handler's ERROR writes them). OK when they could be;
 * ERROR (502) for a status that is not an error. */
static int reply_error(void *ctx, json_object *m)
{
    struct req *r = ctx;
    int64_t code = json_int(m, "status", 0);
    if (code < 400 || code > 599)
        return ERROR;
    const char *text = arena_strdup(r->arena, json_str(m, "message", ""));
    if (code == 503)
        unavailable(r, json_int(m, "retry_after", 0), text);
    else
        req_fail(r, (int)code, text);
    return OK;
}

static const struct json_field WEBHOOK_RESULT[] = {
    { "status", JK_INT, 1, 0 },
    { "headers", JK_OBJECT, 1, 0 },
    { "body_b64", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested WEBHOOK_RESULT_NESTED[] = {
    { "headers", FRAME_STRING_MAP, NULL, NULL },
    { NULL, 0, NULL, NULL },
};

static const struct json_field ERROR_FIELDS[] = {
    { "status", JK_INT, 1, 0 },
    { "message", JK_STRING, 1, 0 },
    { "retry_after", JK_INT, 0, 0 },
    { NULL, 0, 0, 0 },
};

const struct frame_route PROGRAM_WEBHOOK_ROUTES[] = {
    { "webhook_result", reply_result, WEBHOOK_RESULT, WEBHOOK_RESULT_NESTED },
    { "error", reply_error, ERROR_FIELDS, NULL },
    { NULL, NULL, NULL, NULL },
};

/* Turns the manager's reply into ours: OK for a program's answer, ERROR
 * with the error recorded otherwise. A reply of an unknown type or with a
 * bad member is logged and answered 502, never half-used. */
static int reply_from(struct req *r, json_object *m)
{
    const struct frame_route *route;
    char err[300];
    int rc = frame_route_match(PROGRAM_WEBHOOK_ROUTES, m, &route, err, sizeof err);
    if (rc == FRAME_ROUTE_OK) {
        if (route->handler(r, m) == OK)
            return route->handler == reply_result ? OK : ERROR;
        snprintf(err, sizeof err, "message '%s': a status or body out of bounds", route->type);
    }
    log_error("webhook %s: the program manager answered %s", req_param(r, "uuid"), err);
    return req_fail(r, 502, "The program manager gave no valid answer");
}

/* ---- handler -------------------------------------------------------------- */

int programs_webhook(struct req *r)
{
    int64_t deadline_ms = 0;
    char *body;
    size_t len;
    if (program_check(r, &deadline_ms) != OK || body_read(r, &body, &len) != OK)
        return ERROR;
    buf_t frame = BUF_INIT;
    webhook_frame(r, body, len, &frame);
    struct hook_call c = { .fd = -1, .until_ms = clock_mono_ms() + deadline_ms + ANSWER_GRACE_MS };
    int rc = manager_connect(r, &c);
    if (rc == OK)
        rc = manager_send(r, &c, &frame);
    buf_free(&frame);
    if (rc == OK)
        rc = manager_receive(r, &c);
    if (rc == OK)
        rc = reply_from(r, c.reply);
    if (c.reply)
        json_object_put(c.reply);
    frame_reader_free(c.reader);
    if (c.fd >= 0)
        close(c.fd);
    return rc;
}
