/* router.h — the route table's types and the matcher.
 * A route is data: method, path pattern, handler and the permission(s) it
 * needs, written as in the OpenAPI file ("read:users/{uuid}"). Path
 * parameters are validated by kind (from their name) before any handler
 * runs, so a handler never sees a malformed UUID. */
#ifndef SELFSERV_ROUTER_H
#define SELFSERV_ROUTER_H

#include "request.h"

typedef int (*handler_fn)(struct req *r);

#define ROUTE_MAX_PERMS 2

struct query_param;
struct json_field;

/* Who may call a route: the API needs a domain and a token (and the
 * route's permissions); an open route (the heartbeat) needs nothing, is
 * not rate-counted and takes no parameters. */
enum route_access { ROUTE_AUTHENTICATED = 0, ROUTE_OPEN };

/* Where a route's data read may run: a data read (series points, tsquery)
 * may go to the domain's replica when it has a fresh one (server_read_db);
 * everything else, and every write, is the primary's. */
enum route_reads { ROUTE_READS_PRIMARY = 0, ROUTE_READS_REPLICA };

struct route {
    const char *method;
    const char *pattern;
    handler_fn handler;
    const char *perms[ROUTE_MAX_PERMS]; /* "action:resource", NULL-terminated if fewer */
    const struct query_param *query;    /* accepted query parameters, or NULL */
    const struct json_field *body;      /* JSON body fields, or NULL: no body read */
    enum route_access access;
    enum route_reads reads;
};

extern const struct route routes[];
extern const int n_routes;

/* Finds the route for r->method and r->path, fills r->route and
 * r->params (raw). Failures are recorded on r: 404 no such path, 405 path
 * known but not for this method (with an Allow header). */
int router_match(struct req *r);
/* Checks each path parameter by its kind: 400 "Invalid UUID" etc. Runs
 * after authentication, so anonymous callers only ever learn 401. */
int router_validate_params(struct req *r);

/* Checks a route table once at start-up: every query spec fits QUERY_MAX
 * and names each parameter once, every path parameter has a known kind,
 * every permission expands. ERROR with the first problem in err. */
int router_check_table(const struct route *table, int n, char *err, size_t errlen);

/* Fills out with perm's resource, {name} replaced by path parameters;
 * *action points into perm. Returns OK or ERROR (malformed perm). */
int router_expand_perm(const struct req *r, const char *perm, char *action, size_t actsz,
                       char *resource, size_t ressz);

#endif
