/* migrate.c — applying sql/ migrations step by step (see migrate.h). */
#include "migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* any constant, shared by every migrator of this schema */
#define MIGRATE_LOCK_KEY "727465"

static const struct db_stmt SQL_HAS_TABLE = {
    "migrate_has_table",
    "SELECT to_regclass('schema_migrations') IS NOT NULL", 0
};
static const struct db_stmt SQL_VERSION = {
    "migrate_version",
    "SELECT version, dirty FROM schema_migrations ORDER BY version DESC LIMIT 1", 0
};
static const struct db_stmt SQL_SET_VERSION = {
    "migrate_set_version",
    "INSERT INTO schema_migrations(version, dirty) VALUES ($1, false)", 1
};

int64_t migrate_latest(void)
{
    return n_migrations ? migrations[n_migrations - 1].version : 0;
}

static int sql_ok(struct db_conn *c, const char *sql, char *err, size_t errsz)
{
    PGresult *res = db_exec_sql(c, sql);
    int ok = db_ok(res);
    if (!ok) {
        char line[400];
        snprintf(err, errsz, "%s", db_error_line(c, res, line, sizeof line));
    }
    PQclear(res);
    return ok ? OK : ERROR;
}

int migrate_current(struct db_conn *c, int64_t *version, int *dirty, char *err, size_t errsz)
{
    *version = 0;
    *dirty = 0;
    char line[400];
    PGresult *res = db_exec(c, &SQL_HAS_TABLE, NULL);
    if (!db_ok(res)) {
        snprintf(err, errsz, "cannot read schema version: %s", db_error_line(c, res, line, sizeof line));
        PQclear(res);
        return ERROR;
    }
    int has = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (!has)
        return OK;
    res = db_exec(c, &SQL_VERSION, NULL);
    if (!db_ok(res)) {
        snprintf(err, errsz, "cannot read schema version: %s", db_error_line(c, res, line, sizeof line));
        PQclear(res);
        return ERROR;
    }
    if (PQntuples(res) == 1) {
        *version = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        *dirty = PQgetvalue(res, 0, 1)[0] == 't';
    }
    PQclear(res);
    return OK;
}

static const struct migration *find(int64_t version, size_t *index)
{
    for (size_t i = 0; i < n_migrations; i++)
        if (migrations[i].version == version) {
            if (index)
                *index = i;
            return &migrations[i];
        }
    return NULL;
}

/* Moves the database to new_version by running sql, atomically. */
static int step(struct db_conn *c, const char *sql, int64_t new_version, char *err, size_t errsz)
{
    char why[400];
    if (sql_ok(c, "BEGIN", why, sizeof why) != OK)
        goto fail;
    if (sql_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations "
                  "(version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)",
               why, sizeof why) != OK)
        goto rollback;
    if (sql_ok(c, sql, why, sizeof why) != OK)
        goto rollback;
    if (sql_ok(c, "TRUNCATE schema_migrations", why, sizeof why) != OK)
        goto rollback;
    if (new_version > 0) {
        char v[32];
        snprintf(v, sizeof v, "%" PRId64, new_version);
        const char *params[] = { v };
        PGresult *res = db_exec(c, &SQL_SET_VERSION, params);
        int ok = db_ok(res);
        if (!ok)
            db_error_line(c, res, why, sizeof why);
        PQclear(res);
        if (!ok)
            goto rollback;
    }
    if (sql_ok(c, "COMMIT", why, sizeof why) == OK)
        return OK;
    goto fail;
rollback:
    PQclear(db_exec_sql(c, "ROLLBACK"));
fail:
    snprintf(err, errsz, "%s", why);
    return ERROR;
}

static int lock(struct db_conn *c, char *err, size_t errsz)
{
    return sql_ok(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, errsz);
}

static void unlock(struct db_conn *c)
{
    PQclear(db_exec_sql(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
}

/* Current version, refusing dirty and unknown ones. index = position of
 * the current migration (n_migrations-sized "none" when version 0). */
static int usable_version(struct db_conn *c, int64_t *version, size_t *index, char *err,
                          size_t errsz)
{
    int dirty;
    if (migrate_current(c, version, &dirty, err, errsz) != OK)
        return ERROR;
    if (dirty) {
        snprintf(err, errsz,
                 "database is dirty at version %" PRId64 " (a migration failed half-way); "
                 "repair it by hand, then set schema_migrations.dirty = false",
                 *version);
        return ERROR;
    }
    *index = SIZE_MAX;
    if (*version != 0 && !find(*version, index)) {
        snprintf(err, errsz,
                 "database is at version %" PRId64 ", which this build does not know "
                 "(latest known: %" PRId64 ")",
                 *version, migrate_latest());
        return ERROR;
    }
    return OK;
}

int migrate_up(struct db_conn *c, int64_t target, migrate_progress_fn fn, void *ctx, char *err,
               size_t errsz)
{
    if (target < 0)
        target = migrate_latest();
    if (target != 0 && !find(target, NULL)) {
        snprintf(err, errsz, "no migration with version %" PRId64, target);
        return ERROR;
    }
    if (lock(c, err, errsz) != OK)
        return ERROR;
    int64_t version;
    size_t index;
    int rc = usable_version(c, &version, &index, err, errsz);
    for (size_t i = index == SIZE_MAX ? 0 : index + 1;
         rc == OK && i < n_migrations && migrations[i].version <= target; i++) {
        if (fn)
            fn(migrations[i].version, migrations[i].name, "up", ctx);
        char why[400];
        if (step(c, migrations[i].up, migrations[i].version, why, sizeof why) != OK) {
            snprintf(err, errsz, "migration %06" PRId64 "_%s up failed: %s",
                     migrations[i].version, migrations[i].name, why);
            rc = ERROR;
        }
    }
    unlock(c);
    return rc;
}

int migrate_down(struct db_conn *c, int64_t steps, migrate_progress_fn fn, void *ctx, char *err,
                 size_t errsz)
{
    if (lock(c, err, errsz) != OK)
        return ERROR;
    int64_t version;
    size_t index;
    int rc = usable_version(c, &version, &index, err, errsz);
    for (int64_t done = 0; rc == OK && index != SIZE_MAX && (steps < 0 || done < steps); done++) {
        const struct migration *m = &migrations[index];
        int64_t prev = index == 0 ? 0 : migrations[index - 1].version;
        if (fn)
            fn(m->version, m->name, "down", ctx);
        char why[400];
        if (step(c, m->down, prev, why, sizeof why) != OK) {
            snprintf(err, errsz, "migration %06" PRId64 "_%s down failed: %s", m->version,
                     m->name, why);
            rc = ERROR;
        }
        index = index == 0 ? SIZE_MAX : index - 1;
    }
    unlock(c);
    return rc;
}

int migrate_check_servable(struct db_conn *c, int64_t *version, char *err, size_t errsz)
{
    size_t index;
    if (usable_version(c, version, &index, err, errsz) != OK)
        return ERROR;
    if (*version == 0) {
        snprintf(err, errsz, "database has no selfhost schema (run: selfctl db migrate up)");
        return ERROR;
    }
    if (*version < MIGRATE_MIN_SERVABLE) {
        snprintf(err, errsz, "database is at version %" PRId64 ", older than %d, the oldest "
                 "served (run: selfctl db migrate up)", *version, MIGRATE_MIN_SERVABLE);
        return ERROR;
    }
    c->schema = *version;
    return OK;
}
