/* server.c — per-process state: config, domains, connections. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrate.h"
#include "primus.h"
#include "ratecontrol.h"
#include "ratelimit.h"
#include "token_store.h"
#include "status.h"

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
    return OK;
}

static void conn_drop(struct domain_conn *dc)
{
    db_close(&dc->db);
    free(dc->name);
    free(dc->uri);
}

void server_free(struct server *s)
{
    for (size_t i = 0; i < s->nconns; i++)
        conn_drop(&s->conns[i]);
    free(s->conns);
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
    for (size_t i = 0; i < s->nconns; i++)
        s->conns[i].db.schema_stale = 1;
    domains_free(&s->domains);
    s->domains = fresh;
    /* close connections whose domain went away or points elsewhere now */
    for (size_t i = 0; i < s->nconns;) {
        const struct domain *d = domains_find(&s->domains, s->conns[i].name);
        if (d && strcmp(d->uri, s->conns[i].uri) == 0) {
            i++;
            continue;
        }
        conn_drop(&s->conns[i]);
        s->conns[i] = s->conns[--s->nconns];
    }
    log_info("domain list reloaded: %zu domain(s)", s->domains.n);
}

static struct domain_conn *conn_slot(struct server *s, const struct domain *d)
{
    for (size_t i = 0; i < s->nconns; i++)
        if (strcmp(s->conns[i].name, d->name) == 0)
            return &s->conns[i];
    struct domain_conn *conns = realloc(s->conns, (s->nconns + 1) * sizeof *conns);
    if (!conns)
        return NULL;
    s->conns = conns;
    struct domain_conn *dc = &conns[s->nconns++];
    memset(dc, 0, sizeof *dc);
    dc->name = strdup(d->name);
    dc->uri = strdup(d->uri);
    return dc;
}

static int conn_open(struct server *s, struct domain_conn *dc)
{
    char err[512];
    if (db_connect(&dc->db, dc->uri, (int)s->cfg.connect_timeout, "selfserv", err, sizeof err) != OK) {
        log_error("domain %s: %s", dc->name, err);
        return ERROR;
    }
    int64_t version;
    if (migrate_check_servable(&dc->db, &version, err, sizeof err) != OK) {
        log_error("domain %s: not serving: %s", dc->name, err);
        db_close(&dc->db);
        return ERROR;
    }
    if (version < migrate_latest())
        log_warn("domain %s: schema version %lld of %lld: served; per-user rates, dataset "
                 "uploads and program runs need `selfctl db migrate up`",
                 dc->name, (long long)version, (long long)migrate_latest());
    int seeded = 0;
    if (token_store_has_seed_root(&dc->db, &seeded, err, sizeof err) == OK && seeded)
        log_warn("domain %s: the seeded token whose secret is \"root\" still works; create "
                 "another (selfctl token create --domain %s --user root) and delete it",
                 dc->name, dc->name);
    dc->connected = 1;
    return OK;
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
    struct domain_conn *dc = conn_slot(s, d);
    if (!dc) {
        *status = 503;
        return ERROR;
    }
    if (dc->connected && PQstatus(dc->db.pg) != CONNECTION_OK && db_reset(&dc->db) != OK) {
        log_warn("domain %s: connection lost, reconnecting later", dc->name);
        db_close(&dc->db);
        dc->connected = 0;
    }
    if (dc->connected && dc->db.schema_stale) {
        char err[512];
        int64_t version;
        dc->db.schema_stale = 0;
        if (migrate_check_servable(&dc->db, &version, err, sizeof err) != OK) {
            log_error("domain %s: not serving: %s", dc->name, err);
            db_close(&dc->db);
            dc->connected = 0;
        }
    }
    if (!dc->connected && conn_open(s, dc) != OK) {
        *status = 503;
        return ERROR;
    }
    *db = &dc->db;
    return OK;
}
