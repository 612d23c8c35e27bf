/* serve.c — the request pipeline (see serve.h). Each stage records its
 * failure on the request and stops the chain; req_send writes once. */
#include "serve.h"

#include <string.h>

#include "auth.h"
#include "input.h"
#include "log.h"
#include "policy.h"
#include "ratecontrol.h"
#include "request.h"
#include "router.h"
#include "status.h"

/* nginx gives the normalised path in DOCUMENT_URI; CGI servers give
 * REQUEST_URI (with the query) or PATH_INFO. */
static const char *request_path(struct req *r)
{
    const char *p = req_env(r, "DOCUMENT_URI");
    if (p && *p)
        return p;
    p = req_env(r, "REQUEST_URI");
    if (p && *p)
        return arena_strndup(r->arena, p, strcspn(p, "?"));
    p = req_env(r, "PATH_INFO");
    return p && *p ? p : "/";
}

/* Authentication, rate control, path parameters and permissions; an open
 * route skips all four (it has no parameters). */
static int admit(struct req *r)
{
    if (r->route->access == ROUTE_OPEN)
        return OK;
    if (auth_authenticate(r) == OK && ratecontrol_check(r) == OK &&
        router_validate_params(r) == OK && policy_authorize(r) == OK)
        return OK;
    return ERROR;
}

void serve_request(struct server *s, char **envp, FCGX_Stream *in, FCGX_Stream *out,
                   arena_t *arena)
{
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = arena;
    r.envp = envp;
    r.fcgi_in = in;
    r.fcgi_out = out;
    r.srv = s;
    r.method = req_env(&r, "REQUEST_METHOD");
    if (!r.method)
        r.method = "GET";
    r.path = request_path(&r);
    r.query = req_env(&r, "QUERY_STRING");
    if (!r.query)
        r.query = "";

    struct query_value values[QUERY_MAX];
    memset(values, 0, sizeof values);
    r.query_values = values;

    if (router_match(&r) == OK && admit(&r) == OK &&
        input_query(&r, r.route->query) == OK && input_body(&r, r.route->body) == OK &&
        r.route->handler(&r) == OK && r.status == 0)
        req_fail(&r, 500, "Handler produced no reply");

    if (r.status >= 500)
        log_error("%s %s -> %d %s", r.method, r.path, r.status,
                  r.err_message ? r.err_message : "");
    else
        log_debug("%s %s -> %d", r.method, r.path, r.status);
    req_send(&r);
    buf_free(&r.out);
    if (r.body)
        json_object_put(r.body);
}
