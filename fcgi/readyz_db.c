/* readyz_db.c — one check per PostgreSQL server for GET /readyz, all of
 * them at once within one deadline (readyz_db.h). Each probe goes
 * through START -> CONNECTING (a new connection) -> QUERY -> DONE; a
 * probe on a connection this responder already has starts at QUERY. */
#include "readyz_db.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "json.h"
#include "log.h"
#include "pgarray.h"
#include "status.h"

#define SERVE_CLASS "/serve"     /* as server.c counts the responders' slots */
#define CLOSE_WAIT_MS 200
#define MESSAGE_NAMED 5          /* domains named in the message; all are in `domains` */
#define URI_TRIES 3              /* domains' URIs tried for a new connection to one server */

/* Which databases of the list are missing or closed to connections. */
static const char SQL_MISSING[] =
    "SELECT d FROM unnest($1::text[]) AS d "
    "WHERE d NOT IN (SELECT datname FROM pg_database WHERE datallowconn)";

enum probe_state { P_CONNECTING, P_QUERY, P_DONE };

struct probe {
    char key[CONNBUDGET_KEY_MAX];  /* the server and class, as the budget counts */
    const char *uri;               /* the domain's URI a new connection is made with */
    const char **dbnames;          /* its domains' databases */
    size_t ndb;
    const char **uris, **names;    /* its domains, in order: the URIs to connect with */
    size_t nuris, at;              /* at: the one tried now */
    /* domains whose URI could not connect while the next one's could try:
     * their own credentials or database, not the server */
    const char *failed[URI_TRIES - 1];
    char failed_why[URI_TRIES - 1][400];
    size_t nfailed;
    enum probe_state state;
    struct db_conn own;            /* a connection of the probe's own */
    struct db_conn *db;            /* &own, or a responder's open one */
    int reused, slot, checked;
    char reason[400];              /* the server cannot be used: why; "" otherwise */
    char **missing;                /* from the query */
    size_t nmissing;
};

struct domain_ref {
    const char *name;
    char *dbname;                  /* NULL: the URI names none libpq would not guess */
    int probe;                     /* -1: the URI cannot be read */
};

/* The database a URI names: dbname, else the user name (libpq's default). */
static char *dbname_of(const char *uri, int *ok)
{
    char *errmsg = NULL, *name = NULL, *user = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &errmsg);
    *ok = opts != NULL;
    PQfreemem(errmsg);
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (o->val && *o->val && strcmp(o->keyword, "dbname") == 0)
            name = o->val;
        if (o->val && *o->val && strcmp(o->keyword, "user") == 0)
            user = o->val;
    }
    char *out = name ? strdup(name) : user ? strdup(user) : NULL;
    PQconninfoFree(opts);
    return out;
}

static void server_of(const struct probe *p, char *out, size_t n)
{
    snprintf(out, n, "%.*s", (int)(strlen(p->key) - strlen(SERVE_CLASS)), p->key);
}

static void send_query(struct probe *p)
{
    buf_t arr = BUF_INIT;
    pgarray_put(&arr, p->dbnames, p->ndb);
    const char *params[1] = { buf_cstr(&arr) };
    if (PQsendQueryParams(p->db->pg, SQL_MISSING, 1, NULL, params, NULL, NULL, 0))
        p->state = P_QUERY;
    else {
        snprintf(p->reason, sizeof p->reason, "%s", PQerrorMessage(p->db->pg));
        p->reason[strcspn(p->reason, "\n")] = '\0';
        p->state = P_DONE;
    }
    buf_free(&arr);
}

/* This responder's idle, open connection to the probe's server, if any. */
static struct db_conn *open_conn(struct server *s, const char *key)
{
    for (size_t i = 0; i < s->nconns; i++) {
        struct domain_conn *c = s->conns[i];
        if (c->connected && !c->replica && c->db.pg && strcmp(c->key, key) == 0 &&
            PQstatus(c->db.pg) == CONNECTION_OK && PQtransactionStatus(c->db.pg) == PQTRANS_IDLE)
            return &c->db;
    }
    return NULL;
}

/* After a connection attempt with p->uri (rc OK: under way): on failure,
 * the next domain's URI of that server, up to URI_TRIES in all, so that
 * one domain's wrong password or missing database is not taken for the
 * server's; the server's reason is the last failure. */
static void connect_or_next(struct probe *p, int rc, const char *err)
{
    char why[400];
    while (rc != OK) {
        snprintf(why, sizeof why, "%s", err);
        size_t next = p->at + 1;
        while (next < p->nuris && strcmp(p->uris[next], p->uri) == 0)
            next++;
        if (p->nfailed >= URI_TRIES - 1 || next >= p->nuris) {
            snprintf(p->reason, sizeof p->reason, "%s", why);
            p->state = P_DONE;
            return;
        }
        p->failed[p->nfailed] = p->names[p->at];
        snprintf(p->failed_why[p->nfailed++], sizeof p->failed_why[0], "%s", why);
        db_close(&p->own);
        p->at = next;
        p->uri = p->uris[next];
        char err2[400];
        rc = db_connect_start(&p->own, p->uri, "selfserv-readyz", err2, sizeof err2);
        err = err2;
        if (rc != OK)
            snprintf(why, sizeof why, "%s", err2);
    }
    p->state = P_CONNECTING;
}

static void probe_start(struct server *s, struct probe *p, int reuse)
{
    char err[400];
    p->db = reuse ? open_conn(s, p->key) : NULL;
    if (p->db) {
        p->reused = 1;
        send_query(p);
        return;
    }
    if (s->budget) {
        int rc = connbudget_acquire(s->budget, p->key, s->budget_limit, 0);
        if (rc == CONNBUDGET_FULL) {
            p->state = P_DONE; /* all its slots are open connections: reachable */
            return;
        }
        p->slot = rc == OK;
    }
    p->db = &p->own;
    connect_or_next(p, db_connect_start(&p->own, p->uri, "selfserv-readyz", err, sizeof err), err);
}

/* Reads what the server sent; DONE once the query's results are in. */
static void probe_read(struct probe *p)
{
    if (!PQconsumeInput(p->db->pg)) {
        snprintf(p->reason, sizeof p->reason, "%s", PQerrorMessage(p->db->pg));
        p->reason[strcspn(p->reason, "\n")] = '\0';
        p->state = P_DONE;
        return;
    }
    PGresult *res;
    while (!PQisBusy(p->db->pg) && (res = PQgetResult(p->db->pg)) != NULL) {
        if (PQresultStatus(res) == PGRES_TUPLES_OK) {
            p->checked = 1;
            int n = PQntuples(res);
            p->missing = calloc((size_t)n + 1, sizeof *p->missing);
            for (int i = 0; i < n && p->missing; i++)
                p->missing[p->nmissing++] = strdup(PQgetvalue(res, i, 0));
        } else if (!p->reason[0]) {
            snprintf(p->reason, sizeof p->reason, "%s", PQresultErrorMessage(res));
            p->reason[strcspn(p->reason, "\n")] = '\0';
        }
        PQclear(res);
    }
    if (!PQisBusy(p->db->pg))
        p->state = P_DONE;
}

/* A responder's connection that broke (the server restarted since): the
 * server is asked again on a connection of the probe's own. */
static void retry_if_broken(struct server *s, struct probe *p)
{
    if (p->state != P_DONE || !p->reused || !p->reason[0] || PQstatus(p->db->pg) == CONNECTION_OK)
        return;
    p->reused = 0;
    p->reason[0] = '\0';
    probe_start(s, p, 0);
}

static void probe_advance(struct server *s, struct probe *p)
{
    char err[400];
    if (p->state == P_CONNECTING) {
        int rc = db_connect_continue(&p->own, err, sizeof err);
        if (rc == OK)
            send_query(p);
        else if (rc != DB_AGAIN)
            connect_or_next(p, ERROR, err);
    } else if (p->state == P_QUERY) {
        probe_read(p);
    }
    retry_if_broken(s, p);
}

static void run_probes(struct server *s, struct probe *pr, size_t n, int timeout_ms)
{
    int64_t until = clock_mono_ms() + timeout_ms;
    struct pollfd *fds = calloc(n ? n : 1, sizeof *fds);
    size_t *which = calloc(n ? n : 1, sizeof *which);
    for (;;) {
        size_t nf = 0;
        for (size_t i = 0; i < n && fds && which; i++) {
            if (pr[i].state == P_DONE)
                continue;
            fds[nf] = (struct pollfd){ .fd = PQsocket(pr[i].db->pg),
                                       .events = pr[i].state == P_CONNECTING ? pr[i].own.connect_events
                                                                             : POLLIN };
            which[nf++] = i;
        }
        int64_t left = until - clock_mono_ms();
        if (nf == 0 || left <= 0)
            break;
        int ready = poll(fds, nf, (int)left);
        if (ready < 0)
            continue; /* EINTR; the deadline still holds */
        for (size_t k = 0; k < nf; k++)
            if (fds[k].revents)
                probe_advance(s, &pr[which[k]]);
    }
    for (size_t i = 0; i < n; i++)
        if (pr[i].state != P_DONE) {
            snprintf(pr[i].reason, sizeof pr[i].reason, "no answer within %d ms", timeout_ms);
            /* a responder's connection with our query in flight: cut, so
             * that its next request sees it broken and connects it again
             * (db_alive, db_reset) instead of waiting for that answer; the
             * connection keeps its budget slot */
            if (pr[i].reused)
                shutdown(PQsocket(pr[i].db->pg), SHUT_RDWR);
            pr[i].state = P_DONE;
        }
    free(fds);
    free(which);
}

static void probe_free(struct server *s, struct probe *p)
{
    if (!p->reused && p->own.pg)
        db_close_wait(&p->own, p->slot ? CLOSE_WAIT_MS : 0);
    if (p->slot)
        connbudget_release(s->budget, p->key);
    for (size_t i = 0; i < p->nmissing; i++)
        free(p->missing[i]);
    free(p->missing);
    free(p->dbnames);
    free(p->uris);
    free(p->names);
}

static int is_missing(const struct probe *p, const char *dbname)
{
    for (size_t i = 0; i < p->nmissing; i++)
        if (p->missing[i] && strcmp(p->missing[i], dbname) == 0)
            return 1;
    return 0;
}

static void fail(struct readyz_db *out, const char *domain, const char *why)
{
    if (out->failing)
        buf_putc(&out->domains, ',');
    json_put_str(&out->domains, domain);
    buf_putc(&out->domains, ':');
    json_put_str(&out->domains, why);
    if (out->failing < MESSAGE_NAMED)
        buf_printf(&out->message, "%sdomain %s: %s", out->failing ? "; " : "", domain, why);
    else if (out->failing == MESSAGE_NAMED)
        buf_puts(&out->message, "; and more (see \"domains\")");
    out->failing++;
}

/* The domains grouped by server: refs[i].probe indexes *probes. */
static size_t group(struct server *s, struct domain_ref *refs, struct probe **probes)
{
    size_t n = 0, cap = 0;
    struct probe *pr = NULL;
    for (size_t i = 0; i < s->domains.n; i++) {
        const struct domain *d = &s->domains.items[i];
        char server[CONNBUDGET_KEY_MAX], key[CONNBUDGET_KEY_MAX];
        int ok;
        refs[i] = (struct domain_ref){ d->name, dbname_of(d->uri, &ok), -1 };
        if (!ok || db_server_key(d->uri, server, sizeof server) != OK)
            continue;
        snprintf(key, sizeof key, "%.*s" SERVE_CLASS, (int)(sizeof key - sizeof SERVE_CLASS), server);
        size_t j = 0;
        while (j < n && strcmp(pr[j].key, key) != 0)
            j++;
        if (j == n) {
            if (n == cap) {
                cap = cap ? cap * 2 : 4;
                struct probe *grown = realloc(pr, cap * sizeof *pr);
                if (!grown)
                    continue;
                pr = grown;
            }
            memset(&pr[n], 0, sizeof pr[n]);
            snprintf(pr[n].key, sizeof pr[n].key, "%s", key);
            pr[n].uri = d->uri;
            pr[n].dbnames = calloc(s->domains.n, sizeof *pr[n].dbnames);
            pr[n].uris = calloc(s->domains.n, sizeof *pr[n].uris);
            pr[n].names = calloc(s->domains.n, sizeof *pr[n].names);
            n++;
        }
        refs[i].probe = (int)j;
        if (pr[j].uris && pr[j].names) {
            pr[j].uris[pr[j].nuris] = d->uri;
            pr[j].names[pr[j].nuris++] = d->name;
        }
        if (refs[i].dbname && pr[j].dbnames)
            pr[j].dbnames[pr[j].ndb++] = refs[i].dbname;
    }
    *probes = pr;
    return n;
}

void readyz_db_check(struct server *s, int timeout_ms, struct readyz_db *out)
{
    memset(out, 0, sizeof *out);
    server_refresh_domains(s, 0);
    struct domain_ref *refs = calloc(s->domains.n ? s->domains.n : 1, sizeof *refs);
    struct probe *pr = NULL;
    size_t n = refs ? group(s, refs, &pr) : 0;
    for (size_t i = 0; i < n; i++) {
        probe_start(s, &pr[i], 1);
        retry_if_broken(s, &pr[i]);
    }
    run_probes(s, pr, n, timeout_ms);
    out->servers = n;
    for (size_t i = 0; refs && i < s->domains.n; i++) {
        const struct domain_ref *d = &refs[i];
        char server[CONNBUDGET_KEY_MAX], why[600];
        if (d->probe < 0) {
            fail(out, d->name, "its database URI cannot be read");
            continue;
        }
        const struct probe *p = &pr[d->probe];
        server_of(p, server, sizeof server);
        const char *own = NULL;
        for (size_t k = 0; k < p->nfailed && !own; k++)
            if (strcmp(p->failed[k], d->name) == 0)
                own = p->failed_why[k];
        if (p->reason[0])
            snprintf(why, sizeof why, "PostgreSQL server %s: %s", server, p->reason);
        else if (own)
            snprintf(why, sizeof why, "cannot connect with its URI to %s: %s", server, own);
        else if (p->checked && d->dbname && is_missing(p, d->dbname))
            snprintf(why, sizeof why, "database \"%s\" does not exist on %s or takes no connections",
                     d->dbname, server);
        else
            continue;
        fail(out, d->name, why);
    }
    if (out->failing)
        log_debug("readyz: %zu of %zu domain(s) not ready: %s", out->failing, s->domains.n,
                  buf_cstr(&out->message));
    for (size_t i = 0; i < n; i++)
        probe_free(s, &pr[i]);
    free(pr);
    for (size_t i = 0; refs && i < s->domains.n; i++)
        free(refs[i].dbname);
    free(refs);
}

void readyz_db_free(struct readyz_db *out)
{
    buf_free(&out->domains);
    buf_free(&out->message);
}
