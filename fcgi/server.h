/* server.h — what one selfserv process holds for its whole life: the
 * configuration, the domain list and the database connections of the
 * domains it served lately (opened on first use, statements prepared once
 * per connection). The connections of all the host's processes to one
 * PostgreSQL server stay within database.connections (connbudget.h): a
 * process closes its least recently used connection to make room, closes
 * those unused for database.idle_timeout, and gives one up when another
 * process waits for a slot of that server. */
#ifndef SELFSERV_SERVER_H
#define SELFSERV_SERVER_H

#include <stdint.h>
#include <time.h>

#include "config.h"
#include "connbudget.h"
#include "db.h"
#include "domains.h"

struct ratelimit;

/* One per domain this process has served; the connection itself may be
 * closed (connected = 0) and is opened again on the next request. */
struct domain_conn {
    char *name;
    char *uri;
    char key[CONNBUDGET_KEY_MAX]; /* its server, as counted by the budget */
    struct db_conn db;
    int connected;
    int checked;              /* first-connection checks done (warned once) */
    int64_t schema;           /* version found then, reused on a reconnect */
    int recheck;              /* the domain list changed: look at the schema again */
    int64_t last_used_us;     /* for least recently used first */
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
    struct domain_conn *conns;
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
/* Between requests: closes connections unused for database.idle_timeout
 * (looked at once a second) and gives up idle ones another process of the
 * host waits for. Cheap when there is nothing to do. */
void server_idle(struct server *s);

#endif
