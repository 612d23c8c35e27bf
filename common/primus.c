/* primus.c — the domain registry (see primus.h). The SQL comes from the
 * configuration, so it runs with PQexecParams (not prepared): the operator's
 * text, never user input, with the name and URI always as parameters. */
#include "primus.h"

#include <stdio.h>
#include <string.h>

#include "status.h"

int primus_enabled(const struct config *cfg)
{
    return cfg->primus_uri && *cfg->primus_uri;
}

int primus_connect(const struct config *cfg, struct db_conn *db, char *err, size_t errsz)
{
    char why[512];
    if (db_connect(db, cfg->primus_uri, (int)cfg->connect_timeout, "selfhost-primus", why,
                   sizeof why) != OK) {
        snprintf(err, errsz, "primus: %s", why);
        return ERROR;
    }
    return OK;
}

static int fail_res(struct db_conn *db, PGresult *res, const char *what, char *err, size_t errsz)
{
    char line[400];
    snprintf(err, errsz, "primus: %s: %s", what, db_error_line(db, res, line, sizeof line));
    PQclear(res);
    return ERROR;
}

int primus_read(const struct config *cfg, struct db_conn *db, struct domain_list *l, char *err,
                size_t errsz)
{
    PGresult *res = PQexecParams(db->pg, cfg->primus_sql_read, 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return fail_res(db, res, "sql_read failed", err, errsz);
    if (PQnfields(res) < 2) {
        PQclear(res);
        snprintf(err, errsz, "primus: sql_read must return (name, uri) columns");
        return ERROR;
    }
    int rc = OK;
    for (int i = 0; rc == OK && i < PQntuples(res); i++)
        rc = domains_append(l, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), err, errsz);
    PQclear(res);
    return rc;
}

static int notify(const struct config *cfg, struct db_conn *db, char *err, size_t errsz)
{
    const char *params[] = { cfg->primus_channel };
    PGresult *res = PQexecParams(db->pg, "SELECT pg_notify($1, '')", 1, NULL, params, NULL, NULL, 0);
    if (!db_ok(res))
        return fail_res(db, res, "NOTIFY failed", err, errsz);
    PQclear(res);
    return OK;
}

int primus_write(const struct config *cfg, struct db_conn *db, const char *op, const char *name,
                 const char *uri, char *err, size_t errsz)
{
    const char *sql = strcmp(op, "create") == 0   ? cfg->primus_sql_create
                      : strcmp(op, "update") == 0 ? cfg->primus_sql_update
                                                  : cfg->primus_sql_delete;
    const char *params[] = { name, uri };
    int nparams = strcmp(op, "delete") == 0 ? 1 : 2;
    PGresult *res = PQexecParams(db->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!db_ok(res))
        return fail_res(db, res, "cannot change the registry", err, errsz);
    const char *rows = PQcmdTuples(res);
    int touched = rows && *rows && strcmp(rows, "0") != 0;
    PQclear(res);
    if (!touched) {
        snprintf(err, errsz, "primus: %s of domain '%s' changed no row", op, name);
        return ERROR;
    }
    return notify(cfg, db, err, errsz);
}

int primus_init(const struct config *cfg, struct db_conn *db, char *err, size_t errsz)
{
    /* the channel name is configuration, quoted as an identifier-safe literal */
    char *channel = PQescapeLiteral(db->pg, cfg->primus_channel, strlen(cfg->primus_channel));
    if (!channel) {
        snprintf(err, errsz, "primus: bad channel name");
        return ERROR;
    }
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS selfhost_domains ("
             "  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$'),"
             "  uri text NOT NULL CHECK (uri <> ''),"
             "  created timestamptz NOT NULL DEFAULT now());"
             "CREATE OR REPLACE FUNCTION selfhost_domains_notify() RETURNS trigger "
             "LANGUAGE plpgsql AS $f$ BEGIN PERFORM pg_notify(%s, ''); RETURN NULL; END $f$;"
             "DROP TRIGGER IF EXISTS selfhost_domains_changed ON selfhost_domains;"
             "CREATE TRIGGER selfhost_domains_changed AFTER INSERT OR UPDATE OR DELETE "
             "ON selfhost_domains FOR EACH STATEMENT EXECUTE FUNCTION selfhost_domains_notify();",
             channel);
    PQfreemem(channel);
    PGresult *res = db_exec_sql(db, sql);
    if (!db_ok(res))
        return fail_res(db, res, "cannot create the registry table", err, errsz);
    PQclear(res);
    return OK;
}

int primus_listen(const struct config *cfg, struct db_conn *db, char *err, size_t errsz)
{
    char *ident = PQescapeIdentifier(db->pg, cfg->primus_channel, strlen(cfg->primus_channel));
    if (!ident) {
        snprintf(err, errsz, "primus: bad channel name");
        return ERROR;
    }
    char sql[300];
    snprintf(sql, sizeof sql, "LISTEN %s", ident);
    PQfreemem(ident);
    PGresult *res = db_exec_sql(db, sql);
    if (!db_ok(res))
        return fail_res(db, res, "LISTEN failed", err, errsz);
    PQclear(res);
    return OK;
}

int primus_changed(struct db_conn *db)
{
    if (!db->pg || PQconsumeInput(db->pg) == 0 || PQstatus(db->pg) != CONNECTION_OK)
        return -1;
    int changed = 0;
    PGnotify *n;
    while ((n = PQnotifies(db->pg)) != NULL) {
        changed = 1;
        PQfreemem(n);
    }
    return changed;
}
