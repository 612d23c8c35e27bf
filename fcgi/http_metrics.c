/* http_metrics.c — counting each answered request in the shared table
 * (http_metrics.h). The table's layout is a hash of the route table, so
 * that two selfserv versions with other routes never mix their slots. */
#include "http_metrics.h"

#include <string.h>

#include "clock.h"
#include "log.h"
#include "router.h"
#include "server.h"
#include "status.h"

#define RETRY_US (60 * 1000000LL)

static struct metrics *handle;
static int64_t tried_us;
static int tried;

static const char *const methods[METRICS_METHODS] = {
    "other", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
};

/* FNV-1a over every route's method and pattern. */
static uint64_t route_layout(void)
{
    uint64_t h = 14695981039346656037ull;
    for (int i = 0; i < n_routes; i++)
        for (int part = 0; part < 2; part++) {
            const char *p = part ? routes[i].pattern : routes[i].method;
            for (; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ull;
            h = (h ^ '\n') * 1099511628211ull;
        }
    return h ? h : 1;
}

struct metrics *http_metrics_handle(struct server *s)
{
    if (handle || (tried && clock_mono_us() - tried_us < RETRY_US))
        return handle;
    tried = 1;
    tried_us = clock_mono_us();
    if (n_routes + 1 > METRICS_ROUTES)
        log_error("metrics: %d routes do not fit in %d slots: the last ones count as \"%s\"",
                  n_routes, METRICS_ROUTES - 1, HTTP_METRICS_UNMATCHED);
    char err[512];
    if (metrics_open(s->cfg.state_dir, route_layout(), &handle, err, sizeof err) != OK)
        log_error("requests are not counted for /metrics: %s (set server.state_dir to a "
                  "folder this user may write)", err);
    return handle;
}

static unsigned method_code(const char *m)
{
    for (unsigned i = 1; i < METRICS_METHODS; i++)
        if (strcmp(methods[i], m) == 0)
            return i;
    return 0;
}

void http_metrics_record(struct req *r, int64_t duration_us)
{
    struct metrics *m = http_metrics_handle(r->srv);
    if (!m)
        return;
    unsigned slot = r->route ? (unsigned)(r->route - routes) + 1 : 0;
    metrics_request(m, slot, method_code(r->method), r->status > 0 ? (unsigned)r->status : 0,
                    duration_us);
}

const char *http_metrics_route(unsigned slot)
{
    if (slot == 0)
        return HTTP_METRICS_UNMATCHED;
    return slot <= (unsigned)n_routes ? routes[slot - 1].pattern : NULL;
}

const char *http_metrics_method(unsigned code)
{
    return code < METRICS_METHODS ? methods[code] : methods[0];
}
