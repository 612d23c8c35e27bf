/* heartbeat.c — GET /status (see heartbeat.h). It proves that a responder
 * takes requests; it asks no database. */
#include "heartbeat.h"

#include "status.h"

int heartbeat_get(struct req *r)
{
    buf_puts(&r->out, ".");
    r->status = 200;
    r->content_type = "text/plain";
    return OK;
}
