/* db.c — libpq helpers (see db.h). */
#include "db.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "status.h"

static void first_line(const char *msg, char *out, size_t n)
{
    if (!msg)
        msg = "";
    /* libpq prefixes "connection to server at ... failed: "; keep the cause */
    size_t len = strcspn(msg, "\n");
    const char *cause = strstr(msg, "failed: ");
    if (cause && cause < msg + len) {
        msg = cause + 8;
        len = strcspn(msg, "\n");
    }
    while (len > 0 && (msg[len - 1] == ' ' || msg[len - 1] == '\r'))
        len--;
    snprintf(out, n, "%.*s", (int)len, msg);
}

/* NOTICEs (e.g. "relation already exists, skipping") are chatter, not events */
static void notice_to_debug(void *arg, const char *message)
{
    (void)arg;
    log_debug("postgres: %s", message);
}

/* The one-line error of a failed connection attempt: libpq says
 * 'connection to server on socket "/x/.s.PGSQL.5432" failed: CAUSE' (or
 * 'server at "host" (addr), port N'); keep where, so the line says which
 * server could not be reached. Closes the connection. */
static int connect_failed(struct db_conn *c, char *err, size_t errsz)
{
    const char *msg = PQerrorMessage(c->pg), *failed = msg ? strstr(msg, " failed: ") : NULL;
    char line[512], where[300] = "";
    if (failed && strncmp(msg, "connection to server ", 21) == 0 &&
        failed < msg + strcspn(msg, "\n"))
        snprintf(where, sizeof where, " %.*s", (int)(failed - (msg + 14)), msg + 14);
    first_line(msg, line, sizeof line);
    const char *cause = strncmp(line, "FATAL:  ", 8) == 0 ? line + 8 : line;
    int n = snprintf(err, errsz, "cannot connect to database%s: %s", where, cause);
    /* a multi-host URI: libpq tried each host in turn, one line each; say
     * why every one failed (after a failover: "session is read-only") */
    for (const char *next = msg ? strstr(msg, "\nconnection to server ") : NULL;
         next && n > 0 && (size_t)n < errsz; next = strstr(next + 1, "\nconnection to server ")) {
        const char *at = next + 15, *f = strstr(at, " failed: ");
        if (!f || f > at + strcspn(at, "\n"))
            continue;
        first_line(at, line, sizeof line);
        cause = strncmp(line, "FATAL:  ", 8) == 0 ? line + 8 : line;
        n += snprintf(err + n, errsz - (size_t)n, "; %.*s: %s", (int)(f - at), at, cause);
    }
    PQfinish(c->pg);
    c->pg = NULL;
    return ERROR;
}

static PGconn *connect_params(const char *uri, int timeout_sec, const char *appname, int async)
{
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", timeout_sec > 0 ? timeout_sec : 5);
    /* later keywords win: the URI (dbname, expanded) may override ours */
    const char *keys[] = { "connect_timeout", "application_name", "dbname", NULL };
    const char *vals[] = { timeout, appname ? appname : "selfhost", uri, NULL };
    return async ? PQconnectStartParams(keys, vals, 1) : PQconnectdbParams(keys, vals, 1);
}

int db_connect(struct db_conn *c, const char *uri, int timeout_sec, const char *appname,
               char *err, size_t errsz)
{
    memset(c, 0, sizeof *c);
    c->pg = connect_params(uri, timeout_sec, appname, 0);
    if (!c->pg) {
        snprintf(err, errsz, "cannot connect to database: out of memory");
        return ERROR;
    }
    if (PQstatus(c->pg) != CONNECTION_OK)
        return connect_failed(c, err, errsz);
    PQsetNoticeProcessor(c->pg, notice_to_debug, NULL);
    return OK;
}

int db_connect_start(struct db_conn *c, const char *uri, const char *appname, char *err,
                     size_t errsz)
{
    memset(c, 0, sizeof *c);
    c->pg = connect_params(uri, 0, appname, 1);
    if (!c->pg) {
        snprintf(err, errsz, "cannot connect to database: out of memory");
        return ERROR;
    }
    if (PQstatus(c->pg) == CONNECTION_BAD)
        return connect_failed(c, err, errsz);
    c->connect_events = POLLOUT; /* libpq: as if PGRES_POLLING_WRITING */
    return OK;
}

int db_connect_continue(struct db_conn *c, char *err, size_t errsz)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_OK:
        c->connect_events = 0;
        PQsetNoticeProcessor(c->pg, notice_to_debug, NULL);
        return OK;
    case PGRES_POLLING_READING:
        c->connect_events = POLLIN;
        return DB_AGAIN;
    case PGRES_POLLING_WRITING:
        c->connect_events = POLLOUT;
        return DB_AGAIN;
    default:
        return connect_failed(c, err, errsz);
    }
}

void db_close(struct db_conn *c)
{
    if (c->pg)
        PQfinish(c->pg);
    memset(c, 0, sizeof *c);
}

void db_close_wait(struct db_conn *c, int timeout_ms)
{
    int fd = c->pg && PQstatus(c->pg) == CONNECTION_OK ? dup(PQsocket(c->pg)) : -1;
    db_close(c); /* sends Terminate; our copy of the socket stays open */
    if (fd < 0)
        return;
    /* the server closes the socket when its backend exits: EOF (or an
     * error) here means it is gone */
    int64_t until = clock_mono_us() + (int64_t)timeout_ms * 1000;
    char buf[256];
    for (;;) {
        int left = (int)((until - clock_mono_us()) / 1000);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (left <= 0 || poll(&p, 1, left) <= 0)
            break;
        if (read(fd, buf, sizeof buf) <= 0)
            break;
    }
    close(fd);
}

int db_reset(struct db_conn *c)
{
    c->nprepared = 0;
    PQreset(c->pg);
    return PQstatus(c->pg) == CONNECTION_OK ? OK : ERROR;
}

int db_alive(struct db_conn *c)
{
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK)
        return 0;
    struct pollfd p = { .fd = PQsocket(c->pg), .events = POLLIN };
    if (p.fd < 0)
        return 0;
    /* something arrived while idle: a NOTIFY, a NOTICE, or the server's
     * goodbye — a FATAL message ("terminating connection due to
     * administrator command": a restart, pg_terminate_backend) and then
     * EOF, which only a second read sees and makes libpq mark the
     * connection bad; so read until nothing more is there (a few times) */
    for (int i = 0; i < 4 && PQstatus(c->pg) == CONNECTION_OK && poll(&p, 1, 0) > 0; i++)
        if (PQconsumeInput(c->pg) == 0)
            return 0; /* notifications, if any, stay queued for PQnotifies */
    return PQstatus(c->pg) == CONNECTION_OK;
}

int db_server_key(const char *uri, char *out, size_t n)
{
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &errmsg);
    if (!opts) {
        PQfreemem(errmsg);
        return ERROR;
    }
    const char *host = NULL, *hostaddr = NULL, *port = NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            hostaddr = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
    }
    if (!host)
        host = hostaddr;
    if (!host)
        host = getenv("PGHOST");
    if (!host || !*host)
        host = "/var/run/postgresql";
    if (!port)
        port = getenv("PGPORT");
    if (!port || !*port)
        port = "5432";
    snprintf(out, n, "%s:%s", host, port);
    PQconninfoFree(opts);
    return OK;
}

static int is_prepared(const struct db_conn *c, const struct db_stmt *st)
{
    for (size_t i = 0; i < c->nprepared; i++)
        if (c->prepared[i] == st)
            return 1;
    return 0;
}

/* The results of one pipeline of Parse, Bind/Execute and Sync: the
 * prepare's result into *prep, the execution's into *exec (either NULL
 * when the connection broke first). Reads up to the Sync's result. */
static void pipeline_results(PGconn *pg, PGresult **prep, PGresult **exec)
{
    *prep = *exec = NULL;
    int query = 0; /* 0: the Parse's results, 1: the Execute's, 2: the Sync */
    for (int nulls = 0; query < 3 && nulls < 3;) {
        PGresult *r = PQgetResult(pg);
        if (!r) { /* the end of one query's results */
            if (PQstatus(pg) == CONNECTION_BAD)
                nulls++;
            query++;
            continue;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            return;
        }
        PGresult **slot = query == 0 ? prep : query == 1 ? exec : NULL;
        if (slot && !*slot)
            *slot = r;
        else
            PQclear(r);
    }
}

/* First use of st on c: Parse and Bind/Execute sent together in one
 * pipeline, so preparing costs no round trip of its own (a new backend's
 * first requests pay several). NULL when the connection cannot pipeline. */
static PGresult *prepare_and_exec(struct db_conn *c, const struct db_stmt *st,
                                  const char *const *params, const int *lengths,
                                  const int *formats, int result_format, int *prepared)
{
    *prepared = 0;
    if (PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF || PQenterPipelineMode(c->pg) != 1)
        return NULL;
    PGresult *prep = NULL, *exec = NULL;
    if (PQsendPrepare(c->pg, st->name, st->sql, st->nparams, NULL) == 1 &&
        PQsendQueryPrepared(c->pg, st->name, st->nparams, params, lengths, formats,
                            result_format) == 1 &&
        PQpipelineSync(c->pg) == 1)
        pipeline_results(c->pg, &prep, &exec);
    PQexitPipelineMode(c->pg); /* fails only on a broken connection: PQreset ends it */
    if (!db_ok(prep)) { /* the Execute was skipped (PGRES_PIPELINE_ABORTED) */
        PQclear(exec);
        return prep ? prep : PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
    }
    PQclear(prep);
    *prepared = 1;
    return exec ? exec : PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
}

PGresult *db_exec_full(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                       const int *lengths, const int *formats, int result_format)
{
    if (c->nprepared >= DB_MAX_PREPARED || !is_prepared(c, st)) {
        if (c->nprepared >= DB_MAX_PREPARED) /* more statements than expected: run unprepared */
            return PQexecParams(c->pg, st->sql, st->nparams, NULL, params, lengths, formats,
                                result_format);
        int prepared;
        PGresult *res = prepare_and_exec(c, st, params, lengths, formats, result_format,
                                         &prepared);
        if (res) {
            if (prepared)
                c->prepared[c->nprepared++] = st;
            return res;
        }
        PGresult *prep = PQprepare(c->pg, st->name, st->sql, st->nparams, NULL);
        if (!db_ok(prep))
            return prep;
        PQclear(prep);
        c->prepared[c->nprepared++] = st;
    }
    return PQexecPrepared(c->pg, st->name, st->nparams, params, lengths, formats, result_format);
}

int db_send_planned(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                    const int *lengths, const int *formats, int result_format)
{
    return PQsendQueryParams(c->pg, st->sql, st->nparams, NULL, params, lengths, formats,
                             result_format) == 1 ? OK : ERROR;
}

PGresult *db_exec(struct db_conn *c, const struct db_stmt *st, const char *const *params)
{
    return db_exec_full(c, st, params, NULL, NULL, 0);
}

PGresult *db_exec_sql(struct db_conn *c, const char *sql)
{
    return PQexec(c->pg, sql);
}

static int run_ok(struct db_conn *c, const char *sql)
{
    PGresult *res = PQexec(c->pg, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? OK : ERROR;
}

int db_begin(struct db_conn *c)
{
    return run_ok(c, "BEGIN");
}

int db_commit(struct db_conn *c)
{
    return run_ok(c, "COMMIT");
}

void db_rollback(struct db_conn *c)
{
    run_ok(c, "ROLLBACK");
}

int db_ok(const PGresult *res)
{
    if (!res)
        return 0;
    ExecStatusType s = PQresultStatus(res);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_SINGLE_TUPLE;
}

int db_error_status(const PGresult *res, const char **message)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state) {
        *message = "Service unavailable: database connection lost";
        return 503;
    }
    if (strcmp(state, "23505") == 0) {
        *message = "Request caused an error due to duplicate key violation";
        return 400;
    }
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0) {
        *message = "An error occurred due to a malformed request";
        return 400;
    }
    if (strncmp(state, "40", 2) == 0) { /* deadlock, serialization: nothing was written */
        *message = "Conflict with a concurrent request; nothing was changed, try again";
        return 503;
    }
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0) {
        *message = "Service unavailable: database connection lost";
        return 503;
    }
    *message = "Undefined DB error";
    return 500;
}

const char *db_error_line(const struct db_conn *c, const PGresult *res, char *buf, size_t n)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if ((!msg || !*msg) && c && c->pg)
        msg = PQerrorMessage(c->pg);
    first_line(msg, buf, n);
    return buf;
}
