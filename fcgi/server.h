/* server.h — what one selfserv process holds for its whole life: the
 * configuration, the domain list and the database connections of the
 * domains it served lately (opened on first use, statements prepared once
 * per connection). The connections of all the host's processes to one
 * PostgreSQL server stay within database.connections (connbudget.h): a
 * process closes its least recently used connection to make room, closes
 * those unused for database.idle_timeout, and gives one up when another
 * process waits for a slot of that server.
 *
 * A domain with a replica ([replicas], domains.h) has a second connection,
 * to the replica, within the budget of the replica's server; data reads
 * use it while it answers and lags at most database.replica_max_lag
 * (server_read_db), else the primary's. */
#ifndef SELFSERV_SERVER_H
#define SELFSERV_SERVER_H

#include <stdint.h>
#include <time.h>

#include "config.h"
#include "connbudget.h"
#include "db.h"
#include "domains.h"

struct auth_cache;

struct ratelimit;

/* What the last look at a replica found; a change is one log line. */
enum replica_state { REPLICA_UNKNOWN = 0, REPLICA_FRESH, REPLICA_LAGGING, REPLICA_DOWN };

/* One per domain this process has served (and one per replica it read
 * from); the connection itself may be closed (connected = 0) and is
 * opened again on the next request. */
struct domain_conn {
    char *name;
    char *uri;
    int replica;              /* the domain's replica, not its primary */
    char key[CONNBUDGET_KEY_MAX]; /* its server, as counted by the budget */
    struct db_conn db;
    int connected;
    int checked;              /* first-connection checks done (warned once) */
    int seed_unchecked;       /* the seeded root token not looked for yet (server_idle) */
    int64_t schema;           /* version found then, reused on a reconnect */
    int recheck;              /* the domain list changed: look at the schema again */
    int64_t last_used_us;     /* for least recently used first */
    struct auth_cache *auth;  /* a primary's token look-ups (auth_cache.h), made at
                               * first use; they outlive its connection (an epoch
                               * names one state of the tables, whatever the
                               * database's history) */
    /* a replica's: */
    enum replica_state state;
    int64_t lag_checked_us;   /* when its lag was last looked at */
    int64_t retry_us;         /* after a failure, no new connection before then */
};

struct server {
    struct config cfg;
    struct domain_list domains;
    int64_t domains_mtime;
    time_t domains_checked;
    struct db_conn primus;      /* LISTEN connection to the registry, if any */
    struct ratelimit *rl;       /* shared rate buckets, or NULL */
    unsigned long requests;     /* served by this process (for periodic sweeps) */
    int primus_dirty;           /* registry changed or connection lost: reload */
    struct domain_conn **conns; /* each on its own: a pointer to one stays valid */
    size_t nconns;
    struct connbudget *budget;  /* shared slot counts, or NULL: no budget */
    int budget_limit;           /* the responders' share, per server */
    int budget_full;            /* the last server_domain_db failed for want of a slot */
    int64_t idle_checked_us;
};

/* Loads the configuration (path may be NULL) and the domains. */
int server_init(struct server *s, const char *config_path, char *err, size_t errsz);
void server_free(struct server *s);
/* Re-reads the domains when the domain file changed (checked at most once
 * a second) or the registry sent a NOTIFY (checked on every request: one
 * non-blocking read); now_please skips the once-a-second limit (for a
 * request naming a domain not known yet). Connections of removed or
 * re-pointed domains are closed. */
void server_refresh_domains(struct server *s, int now_please);
/* 1 when the domain's schema is at least version; an older one is looked
 * up again first (it may have been migrated while we were connected). */
int server_schema_at_least(struct db_conn *db, int64_t version);
/* Connection for a domain, connecting (and checking the schema) on first
 * use and reconnecting a broken or closed one. Returns OK; ERROR with
 * *status 401 for an unknown domain, 503 when its database cannot be used
 * or no connection slot of its server came free within database.wait_ms
 * (then s->budget_full is set). */
int server_domain_db(struct server *s, const char *domain, struct db_conn **db, int *status);
/* The token look-ups kept for db, a connection server_domain_db gave
 * (made on first use; NULL when out of memory). */
struct auth_cache *server_auth_cache(struct db_conn *db);
/* The connection a data read of domain (a route marked ROUTE_READS_REPLICA)
 * runs on: its replica's when it has one that answers and lags at most
 * database.replica_max_lag seconds (looked at once a second per
 * connection) and the domain was not written to on this host within that
 * bound (server_note_write: a client reads its own writes); else primary,
 * the domain's connection from server_domain_db. Never fails. */
struct db_conn *server_read_db(struct server *s, const char *domain, struct db_conn *primary);
/* A read on db (from server_read_db) failed before it sent anything: when
 * db is a replica's broken connection, it is closed and tried again later;
 * the caller reads from the primary instead. */
void server_read_failed(struct server *s, struct db_conn *db);
/* A data write to domain succeeded (see server_read_db). */
void server_note_write(struct server *s, const char *domain);
/* Between requests: warns when a domain just connected for the first time
 * still has its seeded root token; closes connections unused for
 * database.idle_timeout (looked at once a second) and gives up idle ones
 * another process of the host waits for. Cheap when there is nothing to do. */
void server_idle(struct server *s);

#endif
