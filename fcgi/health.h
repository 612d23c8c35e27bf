/* health.h — the endpoints for load balancers and monitoring, open (no
 * credentials, not rate-counted; the web server decides who may reach
 * them, docs/monitoring.md):
 *   GET /healthz  the responder takes requests (no database asked);
 *   GET /readyz   every domain's database and the program manager can
 *                 be reached: 200, or 503 naming what cannot;
 *   GET /metrics  the host's counters for Prometheus (metrics_page.c). */
#ifndef SELFSERV_HEALTH_H
#define SELFSERV_HEALTH_H

#include "request.h"

int healthz_get(struct req *r);
int readyz_get(struct req *r);
int metrics_get(struct req *r);

#endif
