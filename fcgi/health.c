/* health.c — GET /healthz and GET /readyz (health.h).
 *
 * /readyz is computed at most once every READYZ_TTL_US per responder and
 * the answer reused meanwhile, so that a load balancer probing every
 * second costs the databases nothing more; computing it takes at most
 * READYZ_TIMEOUT_MS for the databases (all servers at once, readyz_db.h)
 * plus MANAGER_TIMEOUT_MS for the manager. */
#include "health.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "json.h"
#include "pmgr_probe.h"
#include "readyz_db.h"
#include "server.h"
#include "status.h"

#define READYZ_TTL_US (5 * 1000000LL)
#define READYZ_TIMEOUT_MS 1500
#define MANAGER_TIMEOUT_MS 1000

static struct {
    int64_t at_us;
    int status;
    buf_t body;
    buf_t message; /* why not ready, for the access log; empty when ready */
} cached;

int healthz_get(struct req *r)
{
    buf_puts(&r->out, "{\"status\":\"ok\"}\n");
    req_reply_json(r, 200);
    return OK;
}

/* The answer from scratch into cached. */
static void readyz_compute(struct server *s)
{
    struct readyz_db db;
    readyz_db_check(s, READYZ_TIMEOUT_MS, &db);
    json_object *st = NULL;
    char manager[512] = "";
    if (pmgr_probe(s->cfg.manager_socket, MANAGER_TIMEOUT_MS, &st, manager, sizeof manager) == OK)
        manager[0] = '\0';
    json_object_put(st);

    buf_t *b = &cached.body;
    buf_reset(b);
    buf_reset(&cached.message);
    if (!db.failing && !manager[0]) {
        cached.status = 200;
        buf_printf(b, "{\"status\":\"ready\",\"domains\":%zu,\"servers\":%zu,\"manager\":\"ok\"}\n",
                   s->domains.n, db.servers);
    } else {
        cached.status = 503;
        buf_t msg = BUF_INIT;
        buf_puts(&msg, "Not ready: ");
        buf_puts(&msg, buf_cstr(&db.message));
        if (manager[0])
            buf_printf(&msg, "%sthe program manager: %s", db.failing ? "; " : "", manager);
        buf_puts(b, "{\"code\":503,\"message\":");
        json_put_str(b, buf_cstr(&msg));
        buf_printf(b, ",\"domains\":{%s}", buf_cstr(&db.domains));
        if (manager[0]) {
            buf_puts(b, ",\"manager\":");
            json_put_str(b, manager);
        }
        buf_puts(b, "}\n");
        buf_append(&cached.message, msg.data, msg.len);
        buf_free(&msg);
    }
    readyz_db_free(&db);
    cached.at_us = clock_mono_us();
}

int readyz_get(struct req *r)
{
    if (!cached.at_us || clock_mono_us() - cached.at_us >= READYZ_TTL_US)
        readyz_compute(r->srv);
    buf_append(&r->out, cached.body.data, cached.body.len);
    req_reply_json(r, cached.status);
    if (cached.status != 200) {
        req_header(r, "Retry-After: 5");
        r->deny_reason = buf_cstr(&cached.message); /* for the access log */
    }
    return OK;
}
