/* server.c — per-process state: config, domains, connections within the
 * host's connection budget, and the choice between a domain's replica and
 * its primary for data reads (server.h). */
#include "server.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_cache.h"
#include "clock.h"
#include "log.h"
#include "migrate.h"
#include "primus.h"
#include "ratecontrol.h"
#include "ratelimit.h"
#include "replica.h"
#include "token_store.h"
#include "status.h"

#define SERVE_CLASS "/serve"
#define CLOSE_WAIT_MS 1000 /* longest wait for a closed connection's backend to go */
#define LAG_CHECK_US 1000000    /* a replica's lag is looked at once a second at most */
#define REPLICA_RETRY_US 5000000 /* a replica that failed is tried again after 5 s */

/* The budget: the table of slots under state_dir, unless turned off. A
 * table that cannot be opened leaves the process without a budget (said
 * loudly) rather than without service. */
static void budget_init(struct server *s)
{
    char err[512];
    if (s->cfg.db_connections == 0)
        return;
    s->budget_limit = (int)(s->cfg.db_connections - s->cfg.manager_connections);
    if (connbudget_open(s->cfg.state_dir, &s->budget, err, sizeof err) != OK)
        log_error("connections are NOT limited to database.connections = %lld: %s (set "
                  "server.state_dir to a folder this user may write)",
                  (long long)s->cfg.db_connections, err);
}

/* (Re)connects to the registry and listens; failures are logged and
 * retried by the next refresh. */
static int primus_attach(struct server *s, char *err, size_t errsz)
{
    db_close(&s->primus);
    if (primus_connect(&s->cfg, &s->primus, err, errsz) != OK ||
        primus_listen(&s->cfg, &s->primus, err, errsz) != OK) {
        db_close(&s->primus);
        return ERROR;
    }
    return OK;
}

int server_init(struct server *s, const char *config_path, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    if (config_load(config_path, &s->cfg, err, errsz) != OK)
        return ERROR;
    if (primus_enabled(&s->cfg) && primus_attach(s, err, errsz) != OK) {
        config_free(&s->cfg);
        return ERROR;
    }
    if (domains_load(&s->cfg, s->primus.pg ? &s->primus : NULL, &s->domains, err, errsz) != OK) {
        db_close(&s->primus);
        config_free(&s->cfg);
        return ERROR;
    }
    s->domains_mtime = domains_file_mtime(s->cfg.domainfile);
    s->domains_checked = time(NULL);
    if (ratecontrol_init(s, err, errsz) != OK) {
        server_free(s);
        return ERROR;
    }
    budget_init(s);
    return OK;
}

/* Closes the connection; its slot is given back unless the caller passes
 * it on to another connection of the same server (keep_slot). */
static void conn_close(struct server *s, struct domain_conn *dc, int keep_slot)
{
    if (!dc->connected && !dc->db.pg)
        return;
    if (s->budget)
        db_close_wait(&dc->db, CLOSE_WAIT_MS); /* gone for the server too before the slot is */
    else
        db_close(&dc->db);
    if (dc->connected && !keep_slot)
        connbudget_release(s->budget, dc->key);
    dc->connected = 0;
}

static void conn_drop(struct server *s, struct domain_conn *dc)
{
    conn_close(s, dc, 0);
    auth_cache_free(dc->auth);
    free(dc->name);
    free(dc->uri);
    free(dc);
}

void server_free(struct server *s)
{
    for (size_t i = 0; i < s->nconns; i++)
        conn_drop(s, s->conns[i]);
    free(s->conns);
    connbudget_close(s->budget);
    db_close(&s->primus);
    if (s->rl)
        ratelimit_close(s->rl);
    domains_free(&s->domains);
    config_free(&s->cfg);
    memset(s, 0, sizeof *s);
}

void server_refresh_domains(struct server *s, int now_please)
{
    char err[512];
    if (primus_enabled(&s->cfg) && primus_changed(&s->primus) != 0)
        s->primus_dirty = 1;
    time_t now = time(NULL);
    if (now == s->domains_checked && !now_please)
        return; /* at most one look (and one retry) per second */
    s->domains_checked = now;
    int64_t mtime = domains_file_mtime(s->cfg.domainfile);
    if (mtime == s->domains_mtime && !s->primus_dirty)
        return;
    if (s->primus_dirty && PQstatus(s->primus.pg) != CONNECTION_OK &&
        primus_attach(s, err, sizeof err) != OK) {
        log_error("keeping the old domain list: %s", err);
        return;
    }
    struct domain_list fresh;
    if (domains_load(&s->cfg, s->primus.pg ? &s->primus : NULL, &fresh, err, sizeof err) != OK) {
        log_error("keeping the old domain list: %s", err);
        return; /* retried on the next change */
    }
    s->domains_mtime = mtime;
    s->primus_dirty = 0;
    /* `selfctl db migrate --domain` touches the domain file: look at every
     * schema again before the next request uses it */
    for (size_t i = 0; i < s->nconns; i++) {
        s->conns[i]->db.schema_stale = 1;
        s->conns[i]->recheck = 1; /* also for those closed now */
    }
    domains_free(&s->domains);
    s->domains = fresh;
    /* close connections whose domain (or replica) went away or points
     * elsewhere now */
    for (size_t i = 0; i < s->nconns;) {
        const struct domain_conn *c = s->conns[i];
        const struct domain *d = domains_find(&s->domains, c->name);
        const char *uri = !d ? NULL : c->replica ? d->replica : d->uri;
        if (uri && strcmp(uri, c->uri) == 0) {
            i++;
            continue;
        }
        conn_drop(s, s->conns[i]);
        s->conns[i] = s->conns[--s->nconns];
    }
    log_info("domain list reloaded: %zu domain(s)", s->domains.n);
}

/* The entry of domain name's primary (replica 0) or replica (1), made on
 * first use with uri. */
static struct domain_conn *conn_slot(struct server *s, const char *name, const char *uri,
                                     int replica)
{
    for (size_t i = 0; i < s->nconns; i++)
        if (s->conns[i]->replica == replica && strcmp(s->conns[i]->name, name) == 0)
            return s->conns[i];
    struct domain_conn **conns = realloc(s->conns, (s->nconns + 1) * sizeof *conns);
    if (!conns)
        return NULL;
    s->conns = conns;
    struct domain_conn *dc = calloc(1, sizeof *dc);
    if (!dc)
        return NULL;
    dc->name = strdup(name);
    dc->uri = strdup(uri);
    if (!dc->name || !dc->uri) {
        free(dc->name);
        free(dc->uri);
        free(dc);
        return NULL;
    }
    dc->replica = replica;
    conns[s->nconns++] = dc;
    char server[CONNBUDGET_KEY_MAX];
    if (db_server_key(uri, server, sizeof server) != OK)
        snprintf(server, sizeof server, "%s", uri); /* libpq will say what is wrong */
    snprintf(dc->key, sizeof dc->key, "%.*s" SERVE_CLASS,
             (int)(sizeof dc->key - sizeof SERVE_CLASS), server);
    return dc;
}

/* This process's least recently used open connection to the server of
 * dc, other than dc (between requests every connection is idle). */
static struct domain_conn *lru_same_server(struct server *s, const struct domain_conn *dc)
{
    struct domain_conn *lru = NULL;
    for (size_t i = 0; i < s->nconns; i++) {
        struct domain_conn *c = s->conns[i];
        if (c != dc && c->connected && strcmp(c->key, dc->key) == 0 &&
            (!lru || c->last_used_us < lru->last_used_us))
            lru = c;
    }
    return lru;
}

/* A slot for a new connection of dc: a free one; else the one of our own
 * least recently used connection to that server (closed for it); else one
 * another process gives up within database.wait_ms — not for a replica,
 * whose reads go to the primary rather than wait. */
static int slot_take(struct server *s, struct domain_conn *dc)
{
    if (!s->budget)
        return OK;
    int rc = connbudget_acquire(s->budget, dc->key, s->budget_limit, 0);
    if (rc == CONNBUDGET_FULL) {
        struct domain_conn *lru = lru_same_server(s, dc);
        if (lru) {
            log_debug("domain %s: closing the connection of %s for it", dc->name, lru->name);
            conn_close(s, lru, 1);
            return OK;
        }
        if (dc->replica)
            return ERROR;
        rc = connbudget_acquire(s->budget, dc->key, s->budget_limit, (int)s->cfg.db_wait_ms);
    }
    if (rc == CONNBUDGET_FULL) {
        log_warn("domain %s: no connection slot of %.*s came free within %lld ms (%d in use "
                 "by this host's responders)", dc->name,
                 (int)(strlen(dc->key) - strlen(SERVE_CLASS)), dc->key,
                 (long long)s->cfg.db_wait_ms, s->budget_limit);
        return ERROR;
    }
    return OK; /* ERROR: the table failed (logged); serve rather than refuse */
}

/* Connects dc within the budget. A replica's failure is left to the
 * caller (err) to log once; a replica's schema is its primary's, not
 * checked again. */
static int conn_open(struct server *s, struct domain_conn *dc, char *err, size_t errsz)
{
    if (slot_take(s, dc) != OK) {
        if (!dc->replica)
            s->budget_full = 1;
        snprintf(err, errsz, "no free connection slot of its server");
        return ERROR;
    }
    dc->connected = 1; /* holds the slot from here on: conn_close gives it back */
    if (db_connect(&dc->db, dc->uri, (int)s->cfg.connect_timeout, "selfserv", err, errsz) != OK) {
        if (!dc->replica)
            log_error("domain %s: %s", dc->name, err);
        conn_close(s, dc, 0);
        return ERROR;
    }
    if (dc->replica)
        return OK;
    if (dc->checked && !dc->recheck) {
        dc->db.schema = dc->schema; /* reopened after a close: checked already */
        return OK;
    }
    int64_t version;
    if (migrate_check_servable(&dc->db, &version, err, sizeof err) != OK) {
        log_error("domain %s: not serving: %s", dc->name, err);
        conn_close(s, dc, 0);
        return ERROR;
    }
    dc->schema = version;
    dc->recheck = 0;
    if (dc->checked)
        return OK; /* warned already */
    dc->checked = 1;
    if (version < migrate_latest())
        log_warn("domain %s: schema version %lld of %lld: served; per-user rates, dataset "
                 "uploads and program runs need `selfctl db migrate up`",
                 dc->name, (long long)version, (long long)migrate_latest());
    dc->seed_unchecked = 1; /* a warning only: looked for after the response */
    return OK;
}

/* Warns once per domain when its seeded root token still works. */
static void seed_check(struct domain_conn *dc)
{
    char err[256];
    int seeded = 0;
    dc->seed_unchecked = 0;
    if (token_store_has_seed_root(&dc->db, &seeded, err, sizeof err) == OK && seeded)
        log_warn("domain %s: the seeded token whose secret is \"root\" still works; create "
                 "another (selfctl token create --domain %s --user root) and delete it",
                 dc->name, dc->name);
}

int server_schema_at_least(struct db_conn *db, int64_t version)
{
    if (db->schema >= version)
        return 1;
    int64_t current;
    int dirty;
    char err[256];
    if (migrate_current(db, &current, &dirty, err, sizeof err) == OK && !dirty)
        db->schema = current;
    return db->schema >= version;
}

int server_domain_db(struct server *s, const char *domain, struct db_conn **db, int *status)
{
    server_refresh_domains(s, 0);
    const struct domain *d = domains_find(&s->domains, domain);
    if (!d) {
        /* a domain added a moment ago is served at once by every responder:
         * look at the domain file again (a stat when it did not change) */
        server_refresh_domains(s, 1);
        d = domains_find(&s->domains, domain);
    }
    if (!d) {
        *status = 401;
        return ERROR;
    }
    s->budget_full = 0;
    struct domain_conn *dc = conn_slot(s, d->name, d->uri, 0);
    if (!dc) {
        *status = 503;
        return ERROR;
    }
    dc->last_used_us = clock_mono_us();
    /* a connection the server closed while it was idle (a restart, a
     * failover) is connected again before the request uses it: with a
     * multi-host URI, to whichever host takes writes now */
    if (dc->connected && !db_alive(&dc->db) && db_reset(&dc->db) != OK) {
        char line[300];
        log_warn("domain %s: connection lost, not connected again: %s", dc->name,
                 db_error_line(&dc->db, NULL, line, sizeof line));
        conn_close(s, dc, 0);
        *status = 503; /* tried just now: the next request tries again */
        return ERROR;
    }
    if (dc->connected && dc->db.schema_stale) {
        char err[512];
        int64_t version;
        dc->db.schema_stale = 0;
        auth_cache_free(dc->auth); /* migrated perhaps: nothing kept is worth keeping */
        dc->auth = NULL;
        if (migrate_check_servable(&dc->db, &version, err, sizeof err) != OK) {
            log_error("domain %s: not serving: %s", dc->name, err);
            conn_close(s, dc, 0);
        }
    }
    char err[512];
    if (!dc->connected && conn_open(s, dc, err, sizeof err) != OK) {
        *status = 503;
        return ERROR;
    }
    *db = &dc->db;
    return OK;
}

struct auth_cache *server_auth_cache(struct db_conn *db)
{
    /* db is the db member of a primary's domain_conn (server_domain_db) */
    struct domain_conn *dc = (struct domain_conn *)(void *)((char *)db -
                                                            offsetof(struct domain_conn, db));
    if (!dc->auth)
        dc->auth = auth_cache_new(); /* NULL: nothing is kept, all the same served */
    return dc->auth;
}

/* Records what a look at replica dc found, with a log line when that
 * differs from the last look. */
static void replica_seen(struct server *s, struct domain_conn *dc, enum replica_state state,
                         double lag, const char *why)
{
    if (state == dc->state)
        return;
    dc->state = state;
    if (state == REPLICA_FRESH)
        log_info("domain %s: data reads go to its replica (lag %.1f s)", dc->name, lag);
    else if (state == REPLICA_LAGGING)
        log_warn("domain %s: data reads go to the primary: its replica lags %.1f s, more than "
                 "database.replica_max_lag = %lld", dc->name, lag,
                 (long long)s->cfg.db_replica_max_lag);
    else
        log_warn("domain %s: data reads go to the primary: its replica cannot be used: %s",
                 dc->name, why);
}

static void replica_down(struct server *s, struct domain_conn *dc, const char *why)
{
    replica_seen(s, dc, REPLICA_DOWN, 0, why);
    conn_close(s, dc, 0);
    dc->retry_us = clock_mono_us() + REPLICA_RETRY_US;
}

struct db_conn *server_read_db(struct server *s, const char *domain, struct db_conn *primary)
{
    const struct domain *d = domain ? domains_find(&s->domains, domain) : NULL;
    if (!d || !d->replica)
        return primary;
    /* read your writes: the replica may not have replayed them yet */
    if (replica_wrote_within(s->cfg.state_dir, d->name, s->cfg.db_replica_max_lag))
        return primary;
    struct domain_conn *dc = conn_slot(s, d->name, d->replica, 1);
    if (!dc)
        return primary;
    int64_t now = clock_mono_us();
    dc->last_used_us = now;
    if (dc->connected && !db_alive(&dc->db)) {
        conn_close(s, dc, 0); /* gone while idle (a restart?): connect again at once */
        dc->lag_checked_us = 0;
    }
    char err[512];
    if (!dc->connected) {
        if (now < dc->retry_us)
            return primary;
        if (conn_open(s, dc, err, sizeof err) != OK) {
            replica_down(s, dc, err);
            return primary;
        }
        dc->lag_checked_us = 0;
    }
    if (now - dc->lag_checked_us >= LAG_CHECK_US) {
        double lag;
        if (replica_lag(&dc->db, &lag, err, sizeof err) != OK) {
            replica_down(s, dc, err);
            return primary;
        }
        dc->lag_checked_us = now;
        replica_seen(s, dc, lag <= (double)s->cfg.db_replica_max_lag ? REPLICA_FRESH
                                                                     : REPLICA_LAGGING,
                     lag, NULL);
    }
    return dc->state == REPLICA_FRESH ? &dc->db : primary;
}

void server_read_failed(struct server *s, struct db_conn *db)
{
    for (size_t i = 0; i < s->nconns; i++) {
        struct domain_conn *dc = s->conns[i];
        if (dc->replica && &dc->db == db && PQstatus(db->pg) != CONNECTION_OK) {
            char line[300];
            replica_down(s, dc, db_error_line(db, NULL, line, sizeof line));
            return;
        }
    }
}

void server_note_write(struct server *s, const char *domain)
{
    const struct domain *d = domain ? domains_find(&s->domains, domain) : NULL;
    if (d && d->replica)
        replica_note_write(s->cfg.state_dir, d->name);
}

void server_idle(struct server *s)
{
    for (size_t i = 0; i < s->nconns; i++)
        if (s->conns[i]->seed_unchecked && s->conns[i]->connected)
            seed_check(s->conns[i]);
    if (!s->budget)
        return;
    int64_t now = clock_mono_us();
    /* all slots of the server just used taken: free one of ours now,
     * between requests, so that a request to a domain without a
     * connection does not wait for a close */
    struct domain_conn *last = NULL;
    for (size_t i = 0; i < s->nconns; i++)
        if (s->conns[i]->connected && (!last || s->conns[i]->last_used_us > last->last_used_us))
            last = s->conns[i];
    struct domain_conn *oldest = last ? lru_same_server(s, last) : NULL;
    if (oldest && connbudget_trim(s->budget, last->key, s->budget_limit))
        conn_close(s, oldest, 0); /* its backend gone, then its slot */
    if (now - s->idle_checked_us >= 1000000) {
        s->idle_checked_us = now;
        int64_t idle_us = s->cfg.db_idle_timeout * 1000000;
        for (size_t i = 0; i < s->nconns; i++)
            if (s->conns[i]->connected && now - s->conns[i]->last_used_us >= idle_us) {
                log_debug("domain %s: closing its connection, unused for %lld s",
                          s->conns[i]->name, (long long)s->cfg.db_idle_timeout);
                conn_close(s, s->conns[i], 0);
            }
    }
    if (!connbudget_anyone_waiting(s->budget))
        return;
    /* someone waits: give up our least recently used connection of each
     * server they wait for, one per call while they still wait */
    for (size_t i = 0; i < s->nconns; i++) {
        struct domain_conn *c = s->conns[i];
        if (!c->connected)
            continue;
        struct domain_conn *lru = lru_same_server(s, c);
        if (lru && lru->last_used_us < c->last_used_us)
            c = lru;
        if (connbudget_yield(s->budget, c->key, s->budget_limit)) {
            log_debug("domain %s: connection closed for another process", c->name);
            conn_close(s, c, 0); /* its backend gone, then its slot */
        }
    }
}
