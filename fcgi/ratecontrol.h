/* ratecontrol.h — per-token request rates (token buckets shared by every
 * selfserv process of the host through common/ratelimit.c). The rate of a
 * request is its user's own (PUT /v2/users/{uuid}/rate, table user_rates)
 * or else rate_control.req_per_hour; 0 means no limit. The burst is
 * rate_control.maxburst. Over the limit: 429 with X-RateLimit-Limit (the
 * hourly rate) and Retry-After (seconds). */
#ifndef SELFSERV_RATECONTROL_H
#define SELFSERV_RATECONTROL_H

#include "request.h"

struct server;

/* Opens the shared buckets in server.state_dir. ERROR (with err) when rate
 * control is on and they cannot be opened; with rate control off a failure
 * is only a warning (per-user rates are then not enforced). */
int ratecontrol_init(struct server *s, char *err, size_t errsz);
/* Takes one request from the caller's bucket (after authentication). */
int ratecontrol_check(struct req *r);

#endif
