/* ratecontrol.c — applying rate_control to authenticated requests. */
#include "ratecontrol.h"

#include <stdio.h>

#include "log.h"
#include "ratelimit.h"
#include "server.h"
#include "status.h"

/* how often idle buckets are swept (in requests of this process) */
#define SWEEP_EVERY 1000

int ratecontrol_init(struct server *s, char *err, size_t errsz)
{
    char why[512];
    if (ratelimit_open(s->cfg.state_dir, 0, &s->rl, why, sizeof why) == OK)
        return OK;
    s->rl = NULL;
    if (s->cfg.req_per_hour > 0) {
        snprintf(err, errsz, "rate control: %s (set server.state_dir to a folder this user may "
                             "write, or rate_control.req_per_hour = 0)", why);
        return ERROR;
    }
    log_warn("rate control is off and per-user rates cannot be enforced: %s", why);
    return OK;
}

int ratecontrol_check(struct req *r)
{
    struct server *s = r->srv;
    int64_t rate = r->user_rate >= 0 ? r->user_rate : s->cfg.req_per_hour;
    if (rate <= 0 || !s->rl)
        return OK;
    int64_t now = ratelimit_now();
    if (++s->requests % SWEEP_EVERY == 0)
        ratelimit_sweep(s->rl, now, s->cfg.cleanup * 1000000);
    uint8_t key[16];
    ratelimit_key(r->domain, r->token_hash, key);
    int retry_after = 0;
    int rc = ratelimit_take(s->rl, key, rate, s->cfg.maxburst, now, &retry_after);
    if (rc == 1)
        return OK;
    if (rc == ERROR) {
        /* the bucket file is unusable: serve rather than refuse everyone */
        log_error("rate control: cannot use the shared buckets; request let through");
        return OK;
    }
    req_header(r, "X-RateLimit-Limit: %lld", (long long)rate);
    req_header(r, "Retry-After: %d", retry_after);
    return req_fail(r, 429, "Too many requests");
}
