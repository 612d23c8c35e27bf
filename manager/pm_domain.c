/* pm_domain.c — every domain's database as the manager sees it: a libpq
 * connection, LISTEN selfhost_programs on it where the manager's share of
 * the connection budget allows (else the domain is polled), and the
 * routines and webhooks that are active and have a signed revision (the
 * newest signed revision is what runs). A notification about any program
 * makes the manager read that domain's programs again (they are few, and
 * the notification carries no detail on purpose); so does the poll
 * interval, as a fallback for databases without the triggers (schema 12)
 * and for the domains that have no listener. A domain whose database is
 * away is retried every few seconds, connecting without blocking, so the
 * others go on. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "connbudget.h"
#include "domains.h"
#include "log.h"
#include "manager.h"
#include "migrate.h"
#include "status.h"
#include "xalloc.h"

#define PM_RETRY_US (5 * 1000000LL)
#define PM_LINGER_US (2 * 1000000LL)     /* a polled domain's connection, after its last use */
#define PM_POLL_EARLY_US (20 * 1000000LL) /* at most this much before poll_interval is up,
                                           * plus how late polled reads came lately */
#define PM_POLL_RETRY_US (50 * 1000LL)  /* polls blocked for want of a slot try again */
#define PM_CLOSE_WAIT_MS 1000
#define MANAGER_CLASS "/manager"

#define PROGRAM_COLUMNS                                                                    \
    "p.uuid, p.name, p.type, p.state, p.schedule, p.deadline, r.revision, "             \
    "encode(r.code, 'hex'), encode(sha256(r.code), 'hex') "
#define NEWEST_SIGNED                                                                      \
    "LEFT JOIN LATERAL (SELECT revision, COALESCE(code, ''::bytea) AS code "             \
    "FROM program_code_revisions WHERE program_uuid = p.uuid AND signed IS NOT NULL "    \
    "ORDER BY revision DESC LIMIT 1) r ON true "

static const struct db_stmt SQL_PROGRAMS = {
    "pm_programs",
    "SELECT " PROGRAM_COLUMNS "FROM programs p " NEWEST_SIGNED
    "WHERE p.state = 'active' AND p.type IN ('routine', 'webhook') AND p.language = 'tengo' "
    "AND r.revision IS NOT NULL ORDER BY p.uuid",
    0
};

static const struct db_stmt SQL_PROGRAM = {
    "pm_program",
    "SELECT " PROGRAM_COLUMNS "FROM programs p " NEWEST_SIGNED "WHERE p.uuid = $1::uuid",
    1
};

enum { C_UUID, C_NAME, C_TYPE, C_STATE, C_SCHEDULE, C_DEADLINE, C_REVISION, C_CODE, C_SUM };

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

char *pm_unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    char *out = xmalloc(n + 1);
    for (size_t k = 0; k < n; k++)
        out[k] = (char)(hexval(hex[2 * k]) << 4 | hexval(hex[2 * k + 1]));
    out[n] = '\0';
    *len = n;
    return out;
}

void pm_program_clear(struct pm_program *p)
{
    free(p->name);
    free(p->code);
    memset(p, 0, sizeof *p);
}

/* Fills p from row i (name, code and the rest); the schedule is parsed by
 * the caller. */
static void program_from_row(struct pm_program *p, PGresult *res, int i)
{
    snprintf(p->uuid, sizeof p->uuid, "%s", PQgetvalue(res, i, C_UUID));
    free(p->name);
    p->name = xstrdup(PQgetvalue(res, i, C_NAME));
    p->webhook = strcmp(PQgetvalue(res, i, C_TYPE), "webhook") == 0;
    p->deadline_ms = atoll(PQgetvalue(res, i, C_DEADLINE));
    if (p->deadline_ms < 1)
        p->deadline_ms = 1;
    p->revision = atoi(PQgetvalue(res, i, C_REVISION));
    snprintf(p->checksum, sizeof p->checksum, "%s", PQgetvalue(res, i, C_SUM));
    free(p->code);
    p->code = pm_unhex(PQgetvalue(res, i, C_CODE), &p->code_len);
}

struct pm_program *pm_program_find(struct pm_domain *d, const char *uuid)
{
    for (size_t i = 0; i < d->nprograms; i++)
        if (strcmp(d->programs[i].uuid, uuid) == 0)
            return &d->programs[i];
    return NULL;
}

/* ---- connections within the manager's share ------------------------------
 *
 * The manager may hold manager.connections connections to each PostgreSQL
 * server (the budget's "/manager" class, connbudget.h). Up to half of
 * them stay open and LISTEN (programs changes are seen at once); the
 * others are transient: a polled domain is connected (without blocking
 * the loop) when its read is due, read, and closed PM_LINGER_US after its
 * last use, or earlier when another domain needs the slot. Jobs of a
 * polled domain (imports, the run's record, a webhook's program) connect
 * it at once through pm_domain_use. With the budget off
 * (database.connections = 0) every domain listens, as it always did. */

static bool budget_on(const struct pm *pm)
{
    return pm->budget != NULL;
}

/* Half the share listens; the other half polls the rest and serves jobs,
 * several polls at once (a connection attempt takes a while). */
static int listeners_max(const struct pm *pm)
{
    int share = (int)pm->cfg.manager_connections;
    return share > 2 ? share / 2 : 0;
}

/* Open connections of this process, and listening ones, to d's server. */
static void server_use(const struct pm *pm, const struct pm_domain *d, int *open, int *listening)
{
    *open = *listening = 0;
    for (size_t i = 0; i < pm->ndomains; i++) {
        const struct pm_domain *o = &pm->domains[i];
        if (o->name && o->slot && strcmp(o->key, d->key) == 0) {
            ++*open;
            *listening += o->listening;
        }
    }
}

static void slot_release(struct pm *pm, struct pm_domain *d)
{
    if (d->slot && budget_on(pm))
        connbudget_release(pm->budget, d->key);
    if (d->slot)
        pm->polls_wait_us = 0; /* a poll may have it */
    d->slot = false;
}

/* Closes the connection, keeping the slot when the caller hands it on. */
static void domain_close(struct pm *pm, struct pm_domain *d, bool keep_slot)
{
    if (d->db.pg && d->slot && budget_on(pm))
        db_close_wait(&d->db, PM_CLOSE_WAIT_MS); /* gone for the server before the slot is */
    else if (d->db.pg)
        db_close(&d->db);
    if (!keep_slot)
        slot_release(pm, d);
    d->slot = false;
    d->connected = false;
    d->connecting = false;
    d->listening = false;
}

/* Closes the connection (lost, or an attempt that failed) and schedules
 * the next attempt. */
static void domain_down(struct pm *pm, struct pm_domain *d)
{
    domain_close(pm, d, false);
    d->retry_at_us = clock_mono_us() + PM_RETRY_US;
    d->failed = true;
    d->schema_known = false; /* a table gone (migrated down?): look again */
}

static void domain_disconnect(struct pm *pm, struct pm_domain *d, const char *why)
{
    if (d->connected)
        log_warn("domain %s: database connection lost (%s); retrying every %lld s", d->name,
                 why, PM_RETRY_US / 1000000);
    domain_down(pm, d);
}

static void connect_failed(struct pm *pm, struct pm_domain *d, const char *why)
{
    log_warn("domain %s: %s", d->name, why);
    domain_down(pm, d);
}

/* A slot for d: a free one of the share, else the one of the transient
 * connection (of the same server) used least recently, closed for it. A
 * poll takes only a connection that is done (lingering); a job (urgent)
 * also stops a poll's connection attempt, which is begun again later. */
static int slot_take(struct pm *pm, struct pm_domain *d, bool urgent)
{
    if (d->slot)
        return OK;
    if (!budget_on(pm)) {
        d->slot = true;
        return OK;
    }
    int rc = connbudget_acquire(pm->budget, d->key, (int)pm->cfg.manager_connections, 0);
    if (rc == CONNBUDGET_FULL) {
        struct pm_domain *lru = NULL;
        for (size_t i = 0; i < pm->ndomains; i++) {
            struct pm_domain *o = &pm->domains[i];
            if (o == d || !o->name || !o->slot || o->listening || strcmp(o->key, d->key) != 0 ||
                (o->connecting && !urgent))
                continue;
            /* a connection attempt is the last thing to give up */
            if (!lru || (lru->connecting && !o->connecting) ||
                (lru->connecting == o->connecting && o->used_us < lru->used_us))
                lru = o;
        }
        if (!lru)
            return ERROR;
        domain_close(pm, lru, true);
        rc = OK;
    }
    if (rc != OK && rc != ERROR)
        return ERROR;
    d->slot = true; /* ERROR: the table failed (logged); go on rather than stop */
    return OK;
}

/* With the connection up: LISTEN when the share has room for one more
 * listener on this server. */
static void domain_listen_maybe(struct pm *pm, struct pm_domain *d)
{
    int open, listening;
    if (d->listening || !d->connected)
        return;
    server_use(pm, d, &open, &listening);
    if (budget_on(pm) && listening >= listeners_max(pm))
        return;
    PGresult *res = db_exec_sql(&d->db, "LISTEN selfhost_programs");
    if (db_ok(res)) {
        d->listening = true;
        d->reload_now = true; /* notifications before LISTEN are lost: read everything */
    }
    PQclear(res);
}

/* A polled domain with programs is worth a listener more than a listening
 * one without: the one without goes back to being polled. */
static void domain_listen_prefer(struct pm *pm, struct pm_domain *d)
{
    int open, listening;
    if (!budget_on(pm) || d->listening || d->nprograms == 0 || listeners_max(pm) == 0)
        return;
    server_use(pm, d, &open, &listening);
    if (listening >= listeners_max(pm)) {
        for (size_t i = 0; i < pm->ndomains; i++) {
            struct pm_domain *o = &pm->domains[i];
            if (o->name && o->listening && o->nprograms == 0 && strcmp(o->key, d->key) == 0) {
                log_debug("domain %s: polled from now on, %s listens instead", o->name, d->name);
                domain_close(pm, o, false);
                break;
            }
        }
    }
    domain_listen_maybe(pm, d);
}

/* The connection is up: check the schema (once per change of the domain
 * file, which `selfctl db migrate` touches: a polled domain connects every
 * poll, and on a new backend each statement costs a look at the catalogs),
 * bound statements in time (one loop serves every domain), listen when the
 * share allows. */
static void domain_ready(struct pm *pm, struct pm_domain *d)
{
    char err[512] = "";
    int dirty = 0;
    d->connecting = false;
    if (!d->schema_known &&
        (migrate_current(&d->db, &d->schema, &dirty, err, sizeof err) != OK || dirty ||
         d->schema < 12)) {
        char why[600];
        snprintf(why, sizeof why, "not a usable selfhost database (%s)",
                 dirty ? "dirty migration" : err[0] ? err : "schema too old");
        connect_failed(pm, d, why);
        return;
    }
    d->schema_known = true;
    PGresult *res = db_exec_sql(&d->db, "SET statement_timeout = '10s'");
    int ok = db_ok(res);
    PQclear(res);
    if (!ok) {
        connect_failed(pm, d, "cannot set statement_timeout");
        return;
    }
    d->connected = true;
    d->used_us = clock_mono_us();
    d->reload_now = true;
    domain_listen_maybe(pm, d);
    if (d->failed || !d->ever_connected)
        log_info("domain %s: connected (schema %lld)%s", d->name, (long long)d->schema,
                 d->listening ? "" : "; polled every manager.poll_interval: no listener left");
    d->failed = false;
    d->ever_connected = true;
}

/* Advances a connection attempt without blocking the loop: a database
 * that does not answer delays only its own domain. */
static void domain_connect_step(struct pm *pm, struct pm_domain *d)
{
    char err[512];
    int64_t mono = clock_mono_us();
    if (!d->connecting) {
        if (mono < d->retry_at_us || mono < pm->polls_wait_us)
            return;
        if (slot_take(pm, d, false) != OK) {
            /* every slot busy: no other poll tries before one is given back */
            pm->polls_wait_us = mono + PM_POLL_RETRY_US;
            return;
        }
        if (db_connect_start(&d->db, d->uri, "selfpmgr", err, sizeof err) != OK) {
            connect_failed(pm, d, err);
            return;
        }
        d->connecting = true;
        d->connect_by_us = mono + pm->cfg.connect_timeout * 1000000LL;
    }
    if (mono >= d->connect_by_us) {
        connect_failed(pm, d, "cannot connect to database: timeout expired");
        return;
    }
    struct pollfd p = { .fd = PQsocket(d->db.pg), .events = d->db.connect_events };
    if (p.fd >= 0 && poll(&p, 1, 0) == 0)
        return; /* not ready yet: the main loop polls for it */
    int rc = db_connect_continue(&d->db, err, sizeof err);
    if (rc == ERROR)
        connect_failed(pm, d, err);
    else if (rc == OK)
        domain_ready(pm, d);
}

int pm_domain_use(struct pm_domain *d)
{
    struct pm *pm = d->pm;
    char err[512];
    if (d->connected) {
        d->used_us = clock_mono_us();
        return OK;
    }
    if (clock_mono_us() < d->retry_at_us)
        return ERROR; /* failed a moment ago */
    if (d->connecting) { /* a poll's attempt: connect at once instead, in its slot */
        domain_close(pm, d, true);
        d->slot = true;
    }
    if (slot_take(pm, d, true) != OK) {
        log_warn("domain %s: all %lld of the manager's connections to its server are "
                 "listening; not connected now", d->name, (long long)pm->cfg.manager_connections);
        return ERROR;
    }
    if (db_connect(&d->db, d->uri, (int)pm->cfg.connect_timeout, "selfpmgr", err, sizeof err) != OK) {
        connect_failed(pm, d, err);
        return ERROR;
    }
    domain_ready(pm, d);
    if (!d->connected)
        return ERROR;
    if (!d->listening)
        d->reload_now = false; /* a polled domain is read on its own schedule */
    return OK;
}

/* Reads the domain's active programs, keeping the schedule and busy flag
 * of those whose code and schedule did not change. */
static void domain_reload(struct pm *pm, struct pm_domain *d)
{
    /* a polled connection reads once: not worth a prepare's round trip */
    PGresult *res = d->listening ? db_exec(&d->db, &SQL_PROGRAMS, NULL)
                                 : db_exec_sql(&d->db, SQL_PROGRAMS.sql);
    if (!db_ok(res)) {
        char line[256];
        log_warn("domain %s: cannot read programs: %s", d->name,
                 db_error_line(&d->db, res, line, sizeof line));
        PQclear(res);
        if (PQstatus(d->db.pg) != CONNECTION_OK)
            domain_disconnect(pm, d, "query failed");
        return;
    }
    int n = PQntuples(res);
    struct pm_program *next = xcalloc((size_t)n + 1, sizeof *next);
    size_t kept = 0;
    int64_t now = clock_real_us();
    for (int i = 0; i < n; i++) {
        struct pm_program *p = &next[kept];
        const char *uuid = PQgetvalue(res, i, C_UUID);
        const char *schedule = PQgetvalue(res, i, C_SCHEDULE);
        struct pm_program *old = pm_program_find(d, uuid);
        program_from_row(p, res, i);
        if (!p->webhook) {
            char err[CRON_ERR_MAX];
            if (cron_parse(schedule, &p->spec, err, sizeof err) != OK) {
                log_warn("domain %s: routine %s (%s): schedule '%s' not usable: %s", d->name,
                         uuid, p->name, schedule, err);
                pm_program_clear(p);
                continue;
            }
            bool same = old && !old->webhook && old->revision == p->revision
                        && memcmp(&old->spec, &p->spec, sizeof p->spec) == 0
                        && old->deadline_ms == p->deadline_ms;
            if (same)
                p->next_run_us = old->next_run_us;
            else
                pm_schedule_program(p, now);
        }
        if (old)
            p->busy = old->busy;
        if (!old || old->revision != p->revision)
            log_info("domain %s: %s %s (%s) revision %d is active", d->name,
                     p->webhook ? "webhook" : "routine", p->uuid, p->name, p->revision);
        kept++;
    }
    PQclear(res);
    for (size_t i = 0; i < d->nprograms; i++)
        pm_program_clear(&d->programs[i]);
    free(d->programs);
    d->programs = next;
    d->nprograms = kept;
    d->reload_now = false;
    int64_t interval = pm->cfg.manager_poll_interval * 1000000LL;
    int64_t mono = clock_mono_us();
    if (!d->listening) {
        /* begin early: reads queued behind hundreds of others for a
         * connection slot, on a busy machine, still come within the
         * interval of the one before — a third of it (at most 20 s), plus
         * as late as polled reads came lately, at most half of it in all
         * (5 s early was seen to be 10 s late with 300 polled domains on 2
         * loaded cores, 15 s early 6 s late on a slower machine) */
        int64_t late = mono - d->reload_at_us;
        if (late > interval)
            late = 0; /* its database was away meanwhile: says nothing of the queue */
        if (late > pm->poll_late_us)
            pm->poll_late_us = late;
        else
            pm->poll_late_us -= pm->poll_late_us / 64; /* fades over a few hundred reads */
        int64_t early = interval / 3 < PM_POLL_EARLY_US ? interval / 3 : PM_POLL_EARLY_US;
        early += pm->poll_late_us;
        interval -= early < interval / 2 ? early : interval / 2;
    }
    d->reload_at_us = mono + interval;
    d->used_us = clock_mono_us();
    log_debug("domain %s: %zu program(s) read%s", d->name, d->nprograms,
              d->listening ? "" : ", polled");
    domain_listen_prefer(pm, d);
}

void pm_domain_service(struct pm *pm, struct pm_domain *d)
{
    int64_t mono = clock_mono_us();
    if (!d->connected) {
        if (!d->connecting && !d->reload_now && mono < d->reload_at_us)
            return; /* polled, and not due */
        domain_connect_step(pm, d);
        if (!d->connected)
            return;
    }
    if (!PQconsumeInput(d->db.pg) || PQstatus(d->db.pg) != CONNECTION_OK) {
        domain_disconnect(pm, d, PQerrorMessage(d->db.pg));
        return;
    }
    PGnotify *nf;
    while ((nf = PQnotifies(d->db.pg)) != NULL) {
        log_debug("domain %s: programs changed (%s)", d->name, nf->extra);
        d->reload_now = true;
        PQfreemem(nf);
    }
    if (d->reload_now || mono >= d->reload_at_us)
        domain_reload(pm, d);
    if (d->connected && !d->listening && clock_mono_us() - d->used_us >= PM_LINGER_US)
        domain_close(pm, d, false); /* polled: held only briefly */
}

int pm_program_fetch(struct pm_domain *d, const char *uuid, struct pm_program *out, int *status,
                     const char **message)
{
    memset(out, 0, sizeof *out);
    *status = 503;
    *message = "The domain's database is not available";
    if (pm_domain_use(d) != OK)
        return ERROR;
    const char *params[1] = { uuid };
    PGresult *res = db_exec(&d->db, &SQL_PROGRAM, params);
    if (!db_ok(res)) {
        char line[256];
        log_warn("domain %s: cannot read program %s: %s", d->name, uuid,
                 db_error_line(&d->db, res, line, sizeof line));
        PQclear(res);
        return ERROR;
    }
    int rc = ERROR;
    if (PQntuples(res) != 1) {
        *status = 404;
        *message = "No program with this uuid";
    } else if (strcmp(PQgetvalue(res, 0, C_TYPE), "webhook") != 0) {
        *status = 400;
        *message = "The program is not a webhook";
    } else if (strcmp(PQgetvalue(res, 0, C_STATE), "active") != 0) {
        *status = 404;
        *message = "The webhook program is not active";
    } else if (PQgetisnull(res, 0, C_REVISION)) {
        *status = 409;
        *message = "The webhook program has no signed revision";
    } else {
        program_from_row(out, res, 0);
        rc = OK;
    }
    PQclear(res);
    return rc;
}

struct pm_domain *pm_domain_find(struct pm *pm, const char *name)
{
    for (size_t i = 0; i < pm->ndomains; i++)
        if (pm->domains[i].name && strcmp(pm->domains[i].name, name) == 0)
            return &pm->domains[i];
    return NULL;
}

static void domain_free(struct pm *pm, struct pm_domain *d)
{
    domain_close(pm, d, false);
    for (size_t i = 0; i < d->nprograms; i++)
        pm_program_clear(&d->programs[i]);
    free(d->programs);
    free(d->name);
    free(d->uri);
}

/* The budget's table, opened on the first load; without it (turned off,
 * or the table cannot be had) the manager connects as it always did. */
static void budget_open(struct pm *pm)
{
    char err[512];
    if (pm->budget_tried || pm->cfg.db_connections == 0)
        return;
    pm->budget_tried = true;
    if (connbudget_open(pm->cfg.state_dir, &pm->budget, err, sizeof err) != OK)
        log_error("connections are NOT limited to manager.connections = %lld: %s (set "
                  "server.state_dir to a folder this user may write)",
                  (long long)pm->cfg.manager_connections, err);
}

static void domain_init(struct pm *pm, struct pm_domain *d, const struct domain *from)
{
    char server[CONNBUDGET_KEY_MAX];
    d->pm = pm;
    d->name = xstrdup(from->name);
    d->uri = xstrdup(from->uri);
    if (db_server_key(d->uri, server, sizeof server) != OK)
        snprintf(server, sizeof server, "%s", d->uri); /* libpq will say what is wrong */
    snprintf(d->key, sizeof d->key, "%.*s" MANAGER_CLASS,
             (int)(sizeof d->key - sizeof MANAGER_CLASS), server);
    d->reload_at_us = clock_mono_us(); /* due now: how late its first read comes counts */
}

int pm_domains_load(struct pm *pm)
{
    struct domain_list list = { 0 };
    char err[512];
    budget_open(pm);
    if (domains_load(&pm->cfg, NULL, &list, err, sizeof err) != OK) {
        log_error("%s", err);
        return ERROR;
    }
    struct pm_domain *next = xcalloc(list.n + 1, sizeof *next);
    for (size_t i = 0; i < list.n; i++) {
        struct pm_domain *old = pm_domain_find(pm, list.items[i].name);
        if (old && strcmp(old->uri, list.items[i].uri) == 0) {
            next[i] = *old;
            next[i].schema_known = false; /* migrated perhaps: look at the next connection */
            old->name = NULL; /* moved: no longer found, not freed below */
            continue;
        }
        domain_init(pm, &next[i], &list.items[i]);
        log_info("domain %s: added", next[i].name);
    }
    for (size_t i = 0; i < pm->ndomains; i++) {
        if (pm->domains[i].name == NULL)
            continue;
        log_info("domain %s: removed", pm->domains[i].name);
        domain_free(pm, &pm->domains[i]);
    }
    free(pm->domains);
    pm->domains = next;
    pm->ndomains = list.n;
    domains_free(&list);
    return OK;
}

void pm_domains_free(struct pm *pm)
{
    for (size_t i = 0; i < pm->ndomains; i++)
        if (pm->domains[i].name)
            domain_free(pm, &pm->domains[i]);
    free(pm->domains);
    pm->domains = NULL;
    pm->ndomains = 0;
    connbudget_close(pm->budget);
    pm->budget = NULL;
}
