/* request.h — one HTTP request as selfserv sees it, from accept to reply.
 * Everything hanging off a request is allocated from r->arena and released
 * in one go when the request ends. Errors travel one way: a function that
 * fails calls req_fail() (status + message) and returns ERROR; the
 * dispatcher writes the JSON error body once. */
#ifndef SELFSERV_REQUEST_H
#define SELFSERV_REQUEST_H

#include <fcgiapp.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "uuid.h"

#define REQ_MAX_PARAMS 4
#define REQ_MAX_HEADERS 32 /* a webhook program's headers pass through */

struct route;
struct server;
struct policy_rule;

struct path_param {
    const char *name;  /* as in the route pattern: "uuid", "token_uuid", … */
    const char *value; /* validated by the router */
};

struct req {
    arena_t *arena;
    struct server *srv;
    /* transport: FastCGI streams, or NULL streams for plain CGI (stdio) */
    char **envp;
    FCGX_Stream *fcgi_in;
    FCGX_Stream *fcgi_out;

    /* from the web server */
    const char *method;
    const char *path;   /* without the query string */
    const char *query;  /* "" when absent */

    /* from the router */
    const struct route *route;
    struct path_param params[REQ_MAX_PARAMS];
    int nparams;

    /* from the route's input declarations (input.h) */
    struct query_value *query_values; /* QUERY_MAX entries, in the arena */
    json_object *body;                /* validated JSON body, or NULL */

    /* from authentication */
    const char *domain;
    struct db_conn *db;    /* the domain's connection */
    char user_uuid[UUID_STRLEN + 1];
    const char *user_name;
    uint8_t token_hash[32];
    int64_t user_rate;         /* the user's own requests/hour, -1 when unset */
    struct policy_rule *rules; /* candidate policies for the route's scopes */
    size_t nrules;
    struct policy_rule *action_rules[4]; /* all the user's policies per action, */
    size_t naction_rules[4];             /* loaded on first use (policy.c) */
    int action_loaded[4];
    int64_t auth_epoch;         /* the domain's authentication epoch read with the
                                 * token (auth_cache.h), -1 when there is none */
    const char *auth_actions;   /* the scopes the look-up was made for */
    const char *auth_resources;
    const char *kept_body;      /* a reply kept with the answer (auth_keep_body), or NULL */

    /* the reply */
    int status;
    const char *content_type;
    const char *headers[REQ_MAX_HEADERS]; /* "Name: value" lines */
    int nheaders;
    buf_t out;       /* reply body */
    int started; /* status line and headers already sent (streaming) */
    const char *err_message;
    const char *deny_reason; /* why a 401/403 or a /readyz 503, for the access log (never a secret) */
};

/* Request environment variable (FastCGI param), NULL when absent. */
const char *req_env(const struct req *r, const char *name);
/* Raw output/input through whichever transport the request came on. */
void req_write(struct req *r, const void *data, size_t n);
/* Reads up to n body bytes; returns bytes read, 0 at the end, -1 on error. */
long req_read(struct req *r, void *data, size_t n);
/* Value of a path parameter declared by the route. A name the route does
 * not have is a bug: it aborts with input_strict_names set (input.h),
 * else NULL. */
const char *req_param(const struct req *r, const char *name);
/* Records an error reply; returns ERROR so handlers can `return req_fail(…)`. */
int req_fail(struct req *r, int status, const char *message);
/* req_fail for a refusal (401, 403) with the reason the access log gives:
 * which credentials were wrong, which permission is missing. The reason
 * never reaches the client (its message may say less) and never holds a
 * secret. */
int req_deny(struct req *r, int status, const char *message, const char *reason);
/* 404 "The requested resource does not exist": the reference's message,
 * with its spelling ("requestes") corrected (docs/compatibility.md). */
int req_not_found(struct req *r);
/* Records the error of a failed database result (status from its SQLSTATE,
 * logged when it is a server fault) and PQclear's it. Returns ERROR. */
int req_fail_db(struct req *r, PGresult *res);
/* As req_fail_db, but a foreign-key violation of `constraint` becomes 400
 * "field '<field>' names no <what>" (the value points at nothing). */
int req_fail_db_ref(struct req *r, PGresult *res, const char *constraint, const char *field,
                    const char *what);
/* Adds a response header line ("Name: value"), copied into the arena. */
void req_header(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets a JSON reply: status and Content-Type; the body goes into r->out. */
void req_reply_json(struct req *r, int status);
/* Streaming replies: req_stream_begin sends the status line and headers
 * (no Content-Length) and whatever is in r->out; req_stream_flush sends
 * r->out and empties it (call it whenever r->out passes REQ_STREAM_CHUNK).
 * After req_stream_begin the status can no longer change. */
#define REQ_STREAM_CHUNK (64 * 1024)
void req_stream_begin(struct req *r, int status, const char *content_type);
void req_stream_flush(struct req *r);
/* Writes status, headers and body (or the JSON error) to the client. */
void req_send(struct req *r);

#endif
