/* pmgr_probe.h — asking the program manager how it is: the `status`
 * request of docs/protocol.md over its socket ([manager] socket), for
 * GET /readyz (is it there?) and GET /metrics (its queue and workers). */
#ifndef SELFSERV_PMGR_PROBE_H
#define SELFSERV_PMGR_PROBE_H

#include <stddef.h>

#include <json-c/json.h>

/* OK with *status (the manager's answer, a "status" object; the caller
 * json_object_put's it), or ERROR with why in err: not running (no
 * socket, connection refused), no answer within timeout_ms, a bad answer. */
int pmgr_probe(const char *socket_path, int timeout_ms, json_object **status, char *err,
               size_t errsz);

#endif
