/* http_metrics.h — selfserv's side of the host's shared counters
 * (common/metrics.h): each request counted once it is answered, by the
 * route table's template (the route's index is its slot; slot 0 is every
 * request that matched no route), method and status, and GET /metrics,
 * which sums the table for Prometheus (metrics_page.c). */
#ifndef SELFSERV_HTTP_METRICS_H
#define SELFSERV_HTTP_METRICS_H

#include <stdint.h>

#include "metrics.h"
#include "request.h"

#define HTTP_METRICS_UNMATCHED "unmatched" /* the route label of slot 0 */

/* The process's handle on DIR/metrics.table (server.state_dir), opened on
 * first use (and tried again a minute after a failure, logged); NULL
 * while it cannot be had. */
struct metrics *http_metrics_handle(struct server *s);
/* Counts r (its route, method, status) with its duration. */
void http_metrics_record(struct req *r, int64_t duration_us);
/* The route label of a slot; NULL for a slot no route has. */
const char *http_metrics_route(unsigned slot);
/* The method label of a method code. */
const char *http_metrics_method(unsigned code);

#endif
