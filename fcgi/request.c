/* request.c — request accessors and the one place replies are written. */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "json.h"
#include "log.h"
#include "router.h"
#include "status.h"

const char *req_env(const struct req *r, const char *name)
{
    return FCGX_GetParam(name, r->envp);
}

void req_write(struct req *r, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        if (r->fcgi_out ? FCGX_PutStr(p, chunk, r->fcgi_out) != chunk
                   : fwrite(p, 1, (size_t)chunk, stdout) != (size_t)chunk)
            return; /* the client went away; nothing useful left to do */
        p += chunk;
        n -= (size_t)chunk;
    }
}

long req_read(struct req *r, void *data, size_t n)
{
    int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
    if (r->fcgi_in)
        return FCGX_GetStr(data, chunk, r->fcgi_in);
    size_t got = fread(data, 1, (size_t)chunk, stdin);
    return got == 0 && ferror(stdin) ? -1 : (long)got;
}

const char *req_param(const struct req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    if (input_strict_names) {
        log_error("bug: path parameter '%s' is not in route %s %s", name,
                  r->route ? r->route->method : "-", r->route ? r->route->pattern : "-");
        abort();
    }
    return NULL;
}

int req_fail(struct req *r, int status, const char *message)
{
    r->status = status;
    r->err_message = message;
    return ERROR;
}

int req_deny(struct req *r, int status, const char *message, const char *reason)
{
    r->deny_reason = reason;
    return req_fail(r, status, message);
}

int req_not_found(struct req *r)
{
    return req_fail(r, 404, "The requested resource does not exist");
}

int req_fail_db(struct req *r, PGresult *res)
{
    const char *message;
    int status = db_error_status(res, &message);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (r->db && state && (strcmp(state, "42P01") == 0 || strcmp(state, "42703") == 0))
        r->db->schema_stale = 1; /* a table or column went away: migrated down? */
    if (status >= 500) {
        char line[400];
        log_error("%s %s: database: %s", r->method, r->path,
                  db_error_line(r->db, res, line, sizeof line));
    }
    PQclear(res);
    return req_fail(r, status, message);
}

int req_fail_db_ref(struct req *r, PGresult *res, const char *constraint, const char *field,
                    const char *what)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    if (state && strcmp(state, "23503") == 0 && name && strcmp(name, constraint) == 0) {
        PQclear(res);
        return req_fail(r, 400, arena_sprintf(r->arena, "Malformed request: field '%s' names no %s",
                                              field, what));
    }
    return req_fail_db(r, res);
}

void req_header(struct req *r, const char *fmt, ...)
{
    if (r->nheaders >= REQ_MAX_HEADERS)
        return;
    va_list ap;
    va_start(ap, fmt);
    r->headers[r->nheaders++] = arena_vsprintf(r->arena, fmt, ap);
    va_end(ap);
}

void req_reply_json(struct req *r, int status)
{
    r->status = status;
    r->content_type = "application/json";
    r->err_message = NULL;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

void req_stream_begin(struct req *r, int status, const char *content_type)
{
    buf_t head = BUF_INIT;
    buf_printf(&head, "Status: %d %s\r\n", status, reason(status));
    for (int i = 0; i < r->nheaders; i++)
        buf_printf(&head, "%s\r\n", r->headers[i]);
    buf_printf(&head, "Content-Type: %s\r\n\r\n", content_type);
    req_write(r, head.data, head.len);
    buf_free(&head);
    r->status = status;
    r->started = 1;
    req_stream_flush(r);
}

void req_stream_flush(struct req *r)
{
    if (r->out.len && strcmp(r->method, "HEAD") != 0)
        req_write(r, r->out.data, r->out.len);
    buf_reset(&r->out);
}

void req_send(struct req *r)
{
    if (r->started) {
        req_stream_flush(r); /* the tail of a streamed reply */
        return;
    }
    if (r->err_message) {
        buf_reset(&r->out);
        buf_printf(&r->out, "{\"code\":%d,\"message\":", r->status);
        json_put_str(&r->out, r->err_message);
        buf_puts(&r->out, "}\n");
        r->content_type = "application/json";
    }
    buf_t head = BUF_INIT;
    buf_printf(&head, "Status: %d %s\r\n", r->status, reason(r->status));
    int retry_after = 0;
    for (int i = 0; i < r->nheaders; i++) {
        buf_printf(&head, "%s\r\n", r->headers[i]);
        retry_after |= strncasecmp(r->headers[i], "Retry-After:", 12) == 0;
    }
    if (r->status == 503 && !retry_after)
        buf_puts(&head, "Retry-After: 1\r\n"); /* every 503 says when to try again */
    int has_body = r->status != 204 && r->status != 304;
    if (has_body)
        buf_printf(&head, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                   r->content_type ? r->content_type : "application/json", r->out.len);
    buf_puts(&head, "\r\n");
    req_write(r, head.data, head.len);
    buf_free(&head);
    if (has_body && strcmp(r->method, "HEAD") != 0)
        req_write(r, r->out.data, r->out.len);
    r->started = 1;
}
