/* readyz_db.h — are the domains' databases there? For GET /readyz.
 *
 * One check per PostgreSQL server, not per domain: the domains are
 * grouped by server (db_server_key), and on one connection to each server
 * a single query asks which of its domains' databases are missing from
 * pg_database or take no connections. The connection is one this
 * responder has open to that server already (idle between requests), or
 * else a new one within the connection budget (one slot of the responders'
 * class, given back at once), connected with the first domain's URI, or
 * when that fails the next one's (up to 3 URIs: a domain's own wrong
 * credentials or database are named as its own, not its server's). All
 * servers are checked at the same time, each within the same deadline, so
 * a dead server costs at most that deadline, whatever the number of
 * domains. When every slot of a server is taken, its connections are open
 * and it counts as reachable; its databases are then not looked at. What
 * it does not check: the credentials of the domains whose URI was not
 * used, and schemas (the domain's first request does, as ever). */
#ifndef SELFSERV_READYZ_DB_H
#define SELFSERV_READYZ_DB_H

#include "buf.h"
#include "server.h"

struct readyz_db {
    size_t servers;   /* PostgreSQL servers checked */
    size_t failing;   /* domains not ready */
    buf_t domains;    /* JSON members "name":"why", comma-separated, for those */
    buf_t message;    /* the first few as "domain NAME: why; …" */
};

/* Checks every domain of s within timeout_ms; fills *out (free with
 * readyz_db_free). Never fails: what cannot be checked is a reason. */
void readyz_db_check(struct server *s, int timeout_ms, struct readyz_db *out);
void readyz_db_free(struct readyz_db *out);

#endif
