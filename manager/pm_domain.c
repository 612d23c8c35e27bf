/* pm_domain.c — every domain's database as the manager sees it: one libpq
 * connection each, LISTEN selfhost_programs on it, and the routines and
 * webhooks that are active and have a signed revision (the newest signed
 * revision is what runs). A notification about any program makes the
 * manager read that domain's programs again (they are few, and the
 * notification carries no detail on purpose); so does the poll interval,
 * as a fallback for databases without the triggers (schema 12). A domain
 * whose database is away is retried every few seconds, connecting without
 * blocking, so the others go on. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "log.h"
#include "manager.h"
#include "migrate.h"
#include "status.h"

#define PM_RETRY_US (5 * 1000000LL)

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
    char *out = malloc(n + 1);
    if (!out)
        abort();
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
    p->name = strdup(PQgetvalue(res, i, C_NAME));
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

/* Closes the connection (lost, or an attempt that failed) and schedules
 * the next attempt. */
static void domain_down(struct pm_domain *d)
{
    if (d->db.pg)
        db_close(&d->db);
    d->connected = false;
    d->connecting = false;
    d->retry_at_us = clock_mono_us() + PM_RETRY_US;
}

static void domain_disconnect(struct pm_domain *d, const char *why)
{
    if (d->connected)
        log_warn("domain %s: database connection lost (%s); retrying every %lld s", d->name,
                 why, PM_RETRY_US / 1000000);
    domain_down(d);
}

static void connect_failed(struct pm_domain *d, const char *why)
{
    log_warn("domain %s: %s", d->name, why);
    domain_down(d);
}

/* The connection is up: check the schema, bound statements in time (one
 * loop serves every domain), listen. */
static void domain_ready(struct pm_domain *d)
{
    char err[512] = "";
    int dirty = 0;
    d->connecting = false;
    if (migrate_current(&d->db, &d->schema, &dirty, err, sizeof err) != OK || dirty
        || d->schema < 12) {
        char why[600];
        snprintf(why, sizeof why, "not a usable selfhost database (%s)",
                 dirty ? "dirty migration" : err[0] ? err : "schema too old");
        connect_failed(d, why);
        return;
    }
    PGresult *res = db_exec_sql(&d->db, "SET statement_timeout = '10s'");
    int ok = db_ok(res);
    PQclear(res);
    if (ok) {
        res = db_exec_sql(&d->db, "LISTEN selfhost_programs");
        ok = db_ok(res);
        PQclear(res);
    }
    if (!ok) {
        connect_failed(d, "cannot LISTEN selfhost_programs");
        return;
    }
    d->connected = true;
    d->housekeeping_at_us = 0; /* chores at once after (re)connecting */
    d->reload_now = true; /* notifications before LISTEN are lost: read everything */
    log_info("domain %s: connected (schema %lld)", d->name, (long long)d->schema);
}

/* Advances a connection attempt without blocking the loop: a database
 * that does not answer delays only its own domain. */
static void domain_connect_step(struct pm *pm, struct pm_domain *d)
{
    char err[512];
    int64_t mono = clock_mono_us();
    if (!d->connecting) {
        if (mono < d->retry_at_us)
            return;
        if (db_connect_start(&d->db, d->uri, "selfpmgr", err, sizeof err) != OK) {
            connect_failed(d, err);
            return;
        }
        d->connecting = true;
        d->connect_by_us = mono + pm->cfg.connect_timeout * 1000000LL;
    }
    if (mono >= d->connect_by_us) {
        connect_failed(d, "cannot connect to database: timeout expired");
        return;
    }
    struct pollfd p = { .fd = PQsocket(d->db.pg), .events = d->db.connect_events };
    if (p.fd >= 0 && poll(&p, 1, 0) == 0)
        return; /* not ready yet: the main loop polls for it */
    int rc = db_connect_continue(&d->db, err, sizeof err);
    if (rc == ERROR)
        connect_failed(d, err);
    else if (rc == OK)
        domain_ready(d);
}

/* Reads the domain's active programs, keeping the schedule and busy flag
 * of those whose code and schedule did not change. */
static void domain_reload(struct pm *pm, struct pm_domain *d)
{
    PGresult *res = db_exec(&d->db, &SQL_PROGRAMS, NULL);
    if (!db_ok(res)) {
        char line[256];
        log_warn("domain %s: cannot read programs: %s", d->name,
                 db_error_line(&d->db, res, line, sizeof line));
        PQclear(res);
        if (PQstatus(d->db.pg) != CONNECTION_OK)
            domain_disconnect(d, "query failed");
        return;
    }
    int n = PQntuples(res);
    struct pm_program *next = calloc((size_t)n + 1, sizeof *next);
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
    d->reload_at_us = clock_mono_us() + pm->cfg.manager_poll_interval * 1000000LL;
}

void pm_domain_service(struct pm *pm, struct pm_domain *d)
{
    if (!d->connected) {
        domain_connect_step(pm, d);
        if (!d->connected)
            return;
    }
    int64_t mono = clock_mono_us();
    if (!PQconsumeInput(d->db.pg) || PQstatus(d->db.pg) != CONNECTION_OK) {
        domain_disconnect(d, PQerrorMessage(d->db.pg));
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
}

int pm_program_fetch(struct pm_domain *d, const char *uuid, struct pm_program *out, int *status,
                     const char **message)
{
    memset(out, 0, sizeof *out);
    *status = 503;
    *message = "The domain's database is not available";
    if (!d->connected)
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

static void domain_free(struct pm_domain *d)
{
    if (d->db.pg)
        db_close(&d->db);
    for (size_t i = 0; i < d->nprograms; i++)
        pm_program_clear(&d->programs[i]);
    free(d->programs);
    free(d->name);
    free(d->uri);
}

int pm_domains_load(struct pm *pm)
{
    struct domain_list list = { 0 };
    char err[512];
    if (domains_load(&pm->cfg, NULL, &list, err, sizeof err) != OK) {
        log_error("%s", err);
        return ERROR;
    }
    struct pm_domain *next = calloc(list.n + 1, sizeof *next);
    for (size_t i = 0; i < list.n; i++) {
        struct pm_domain *old = pm_domain_find(pm, list.items[i].name);
        if (old && strcmp(old->uri, list.items[i].uri) == 0) {
            next[i] = *old;
            old->name = NULL; /* moved: no longer found, not freed below */
            continue;
        }
        next[i].name = strdup(list.items[i].name);
        next[i].uri = strdup(list.items[i].uri);
        log_info("domain %s: added", next[i].name);
    }
    for (size_t i = 0; i < pm->ndomains; i++) {
        if (pm->domains[i].name == NULL)
            continue;
        log_info("domain %s: removed", pm->domains[i].name);
        domain_free(&pm->domains[i]);
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
            domain_free(&pm->domains[i]);
    free(pm->domains);
    pm->domains = NULL;
    pm->ndomains = 0;
}
