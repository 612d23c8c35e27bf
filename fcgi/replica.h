/* replica.h — what selfserv needs to send a domain's data reads to its
 * streaming replica (server_read_db, server.h): how far the replica lags
 * behind its primary, and whether the domain was written to lately on this
 * host, in which case reads stay on the primary so that a client reads
 * its own writes. */
#ifndef SELFSERV_REPLICA_H
#define SELFSERV_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* How far the replica behind db lags, in seconds, by one cheap query:
 * 0 when it streams from its primary and has replayed all it received, or
 * when it is no standby (promoted); else the time since the last
 * transaction it replayed (the primary may have committed more since).
 * A standby that has replayed nothing yet lags "for ever" (1e9). OK, or
 * ERROR with a one-line reason in err (the query or the connection failed). */
int replica_lag(struct db_conn *db, double *lag_s, char *err, size_t errsz);

/* Records, for every responder of the host, that domain was written to
 * now: the modification time of STATE_DIR/replica-wrote.DOMAIN (created
 * when missing). A failure is only logged (debug): reads then may come
 * from the replica at once. */
void replica_note_write(const char *state_dir, const char *domain);
/* 1 when replica_note_write(domain) ran on this host in the last `seconds`
 * (one stat), else 0. */
int replica_wrote_within(const char *state_dir, const char *domain, int64_t seconds);

#endif
