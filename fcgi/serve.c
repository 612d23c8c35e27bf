/* serve.c — the request pipeline (see serve.h). Each stage records its
 * failure on the request and stops the chain; req_send writes once. */
#include "serve.h"

#include <ctype.h>
#include <string.h>

#include "clock.h"
#include "auth.h"
#include "http_metrics.h"
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

/* s made safe for one log line: at most max bytes, control characters,
 * quotes, backslashes and non-ASCII bytes as '?'. */
static const char *log_safe(struct req *r, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *out = arena_strndup(r->arena, s, n);
    for (size_t i = 0; i < n; i++)
        if (!isprint((unsigned char)out[i]) || out[i] == '"' || out[i] == '\\')
            out[i] = '?';
    return out;
}

/* One line per request: method, the route's template (or the path when
 * none matched), status, duration, domain and user once known, and for a
 * refusal why; a 503 (a database, the manager or capacity not there just
 * now, or /readyz saying so) as a warning and other 5xx as errors, both
 * with their message: a load balancer probing /readyz while a database is
 * down fills no error log. */
static void log_access(struct req *r, int64_t started_us)
{
    double ms = (double)(clock_mono_us() - started_us) / 1000.0;
    const char *what = r->route ? r->route->pattern : log_safe(r, r->path, 200);
    const char *who = r->user_name ? arena_sprintf(r->arena, " domain=%s user=%s", r->domain,
                                                   log_safe(r, r->user_name, 100))
                                   : "";
    const char *why = r->deny_reason ? arena_sprintf(r->arena, " reason=\"%s\"",
                                                     log_safe(r, r->deny_reason, 300))
                                     : "";
    const char *method = log_safe(r, r->method, 16);
    if (r->status >= 500)
        log_msg(r->status == 503 ? LOG_LVL_WARN : LOG_LVL_ERROR,
                "%s %s %d %.1fms%s error=\"%s\"", method, what, r->status, ms, who,
                log_safe(r, r->err_message ? r->err_message
                            : r->deny_reason ? r->deny_reason : "", 300));
    else
        log_info("%s %s %d %.1fms%s%s", method, what, r->status, ms, who, why);
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
    int64_t started_us = clock_mono_us();
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

    req_send(&r);
    http_metrics_record(&r, clock_mono_us() - started_us);
    log_access(&r, started_us);
    buf_free(&r.out);
    if (r.body)
        json_object_put(r.body);
}
