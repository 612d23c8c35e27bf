/* pm_status.c — the `status` reply (docs/protocol.md): workers, queue,
 * domains and the last finished jobs, for `selfctl pmgr status`. */
#include "json.h"
#include "manager.h"
#include "rfc3339.h"

void pm_status_json(const struct pm *pm, buf_t *f)
{
    buf_puts(f, "{\"type\":\"status\",\"workers\":[");
    int first = 1;
    for (const struct pm_conn *c = pm->conns; c; c = c->next) {
        if (c->role != PM_PEER_WORKER || c->closing)
            continue;
        buf_printf(f, "%s{\"worker\":%d,\"pid\":%d,\"name\":", first ? "" : ",", c->worker_id,
                   (int)c->peer_pid);
        json_put_str(f, c->name);
        buf_printf(f, ",\"capacity\":%d,\"running\":%d,\"jobs_done\":%lld}", c->capacity,
                   c->running, (long long)c->jobs_done);
        first = 0;
    }
    buf_printf(f, "],\"queue\":%zu,\"domains\":[", pm_queue_length(pm));
    for (size_t i = 0; i < pm->ndomains; i++) {
        const struct pm_domain *d = &pm->domains[i];
        buf_puts(f, i ? ",{\"domain\":" : "{\"domain\":");
        json_put_str(f, d->name);
        buf_printf(f, ",\"connected\":%s,\"listening\":%s,\"programs\":%zu}",
                   d->connected ? "true" : "false", d->listening ? "true" : "false", d->nprograms);
    }
    buf_puts(f, "],\"recent\":[");
    size_t n = pm->nrecent < PM_RECENT ? pm->nrecent : PM_RECENT;
    for (size_t k = 0; k < n; k++) {
        const struct pm_recent *r = &pm->recent[(pm->nrecent - 1 - k) % PM_RECENT];
        buf_printf(f, "%s{\"id\":%lld,\"domain\":", k ? "," : "", (long long)r->id);
        json_put_str(f, r->domain);
        buf_printf(f, ",\"program\":\"%s\",\"name\":", r->program);
        json_put_str(f, r->name);
        buf_printf(f, ",\"kind\":\"%s\",\"outcome\":", r->webhook ? "webhook" : "routine");
        json_put_str(f, r->outcome);
        char when[RFC3339_MAX];
        rfc3339_format(r->finished_us, when);
        buf_printf(f, ",\"duration_ms\":%lld,\"finished\":\"%s\"}", (long long)r->duration_ms, when);
    }
    buf_puts(f, "]}");
}
