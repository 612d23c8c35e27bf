/* db.h — libpq helpers shared by every binary.
 * - connecting with a timeout and a one-line, human error;
 * - statements declared once as data ({name, sql, nparams}) and prepared
 *   lazily, once per connection;
 * - SQLSTATE -> HTTP status, so every caller maps database errors alike. */
#ifndef SELFHOST_DB_H
#define SELFHOST_DB_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct db_stmt {
    const char *name; /* unique across the program: it is the prepared name */
    const char *sql;  /* $1.. parameters only, never user data in the text */
    int nparams;
};

#define DB_MAX_PREPARED 256

struct db_conn {
    PGconn *pg;
    int64_t schema; /* schema_migrations version once checked, else 0 */
    int schema_stale; /* may have been migrated since: check again before use */
    const struct db_stmt *prepared[DB_MAX_PREPARED];
    size_t nprepared;
    short connect_events; /* db_connect_start/continue: POLLIN or POLLOUT to wait for */
};

#define DB_AGAIN 1 /* db_connect_continue: not connected yet */

/* Connects to uri (a URI or key=value string) with connect_timeout seconds
 * (unless the URI sets its own), application_name = appname. On failure
 * returns ERROR with one line in err, e.g. "cannot connect to database:
 * password authentication failed for user \"x\"". */
int db_connect(struct db_conn *c, const char *uri, int timeout_sec, const char *appname,
               char *err, size_t errsz);
/* Connecting without blocking (a loop that serves other work meanwhile):
 * db_connect_start begins, then whenever PQsocket(c->pg) is ready for
 * c->connect_events, db_connect_continue advances: OK when connected,
 * DB_AGAIN to wait again (connect_events updated), ERROR with db_connect's
 * one-line message (the connection is closed). No timeout of its own: the
 * caller gives up with db_close when it has waited long enough. */
int db_connect_start(struct db_conn *c, const char *uri, const char *appname, char *err,
                     size_t errsz);
int db_connect_continue(struct db_conn *c, char *err, size_t errsz);
void db_close(struct db_conn *c);
/* db_close, then waits up to timeout_ms for the server to drop its end:
 * a backend counts against max_connections until it has exited, so a
 * process that closes one connection to open another (the connection
 * budget) must not count it gone before the server does. */
void db_close_wait(struct db_conn *c, int timeout_ms);
/* Reconnects a connection whose socket broke; forgets prepared statements.
 * A multi-host URI is walked again from its first host, with its
 * target_session_attrs (libpq's PQreset keeps every connection option). */
int db_reset(struct db_conn *c);
/* 1 when an idle connection (no query under way) may still be used: the
 * server has not closed it meanwhile. A look without waiting (poll, and
 * reading what arrived: a server shutting down sends its FATAL and closes),
 * so a request never starts on a connection whose server went away while
 * it was idle — after a failover it reconnects first instead of failing
 * its first statement. */
int db_alive(struct db_conn *c);

/* The PostgreSQL server a URI (or key=value string) reaches, as
 * "host:port" — the key under which connections are counted
 * (connbudget.h). Unset parts are what libpq would use: $PGHOST, else
 * the Unix socket folder /var/run/postgresql; $PGPORT, else 5432; a host
 * list stays a list. OK, or ERROR when libpq cannot read the URI. */
int db_server_key(const char *uri, char *out, size_t n);

/* Runs a declared statement with text parameters (NULL = SQL NULL).
 * Prepares it first on this connection if needed, in the same round trip
 * (a pipeline of Parse and Bind/Execute). Returns the result (caller
 * PQclear's it); check with db_ok. */
PGresult *db_exec(struct db_conn *c, const struct db_stmt *st, const char *const *params);
/* Full control: lengths/formats as in PQexecPrepared, result_format 0/1. */
PGresult *db_exec_full(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                       const int *lengths, const int *formats, int result_format);
/* Sends a declared statement without waiting, for callers that read the
 * result row by row (PQsetSingleRowMode, then PQgetResult until NULL).
 * Unprepared (PQsendQueryParams): planned for these parameter values on
 * every call — for time-series reads, where a generic plan of a prepared
 * statement would lose partition pruning and sort a year of rows. OK when
 * sent; ERROR with the connection's error. */
int db_send_planned(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                    const int *lengths, const int *formats, int result_format);
/* Runs SQL text without parameters (migrations, BEGIN/COMMIT). */
PGresult *db_exec_sql(struct db_conn *c, const char *sql);
/* Transactions: OK or ERROR (db_rollback never fails visibly). */
int db_begin(struct db_conn *c);
int db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);
/* 1 when the result is COMMAND_OK or TUPLES_OK (or SINGLE_TUPLE). */
int db_ok(const PGresult *res);

/* HTTP status for a failed result, from its SQLSTATE: 23505 -> 400
 * (duplicate key), other 23xxx and 22xxx -> 400, 40xxx (deadlock,
 * serialization: the transaction was rolled back) and 08xxx / 57Pxx -> 503,
 * anything else 500. *message gets the API message for that status
 * (never the server's text, which can leak schema details). */
int db_error_status(const PGresult *res, const char **message);
/* First line of the error of res or of the connection, for logs. */
const char *db_error_line(const struct db_conn *c, const PGresult *res, char *buf, size_t n);

#endif
