/* heartbeat.h — GET /status, the reference's liveness check. */
#ifndef SELFSERV_HEARTBEAT_H
#define SELFSERV_HEARTBEAT_H

#include "request.h"

/* 200 text/plain "." (HEAD: the same without the body), as the
 * reference's chi Heartbeat middleware answers; no credentials needed. */
int heartbeat_get(struct req *r);

#endif
