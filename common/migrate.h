/* migrate.h — schema migrations, compatible with golang-migrate (which the
 * reference uses): the table schema_migrations(version bigint primary key,
 * dirty boolean) holds one row, the current version; no row = version 0.
 * A database the reference migrated is therefore recognised as it is.
 * Each step runs in one transaction together with its version update, so
 * a failed step leaves the database at the previous version, not dirty.
 * A session-level advisory lock keeps two migrators apart. */
#ifndef SELFHOST_MIGRATE_H
#define SELFHOST_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct migration {
    int64_t version;
    const char *name;
    const char *up;
    const char *down;
};

/* Generated from sql/ at build time (cmake/embed_sql.cmake), ascending. */
extern const struct migration migrations[];
extern const size_t n_migrations;

int64_t migrate_latest(void);

/* Current version (0 when there is no schema_migrations table or no row)
 * and its dirty flag. */
int migrate_current(struct db_conn *c, int64_t *version, int *dirty, char *err, size_t errsz);

/* Called before each step: (version, name, "up"/"down"). May be NULL. */
typedef void (*migrate_progress_fn)(int64_t version, const char *name, const char *direction,
                                    void *ctx);

/* Up to target (-1 = latest). Refuses a dirty database and one whose
 * version this build does not know. */
int migrate_up(struct db_conn *c, int64_t target, migrate_progress_fn fn, void *ctx, char *err,
               size_t errsz);
/* Down by steps (-1 = all the way to 0). */
int migrate_down(struct db_conn *c, int64_t steps, migrate_progress_fn fn, void *ctx, char *err,
                 size_t errsz);
/* The schema of the reference's released server: a database it migrated
 * (version 12) is served as it is; what needs a newer schema (per-user
 * rates, program notifications, dataset uploads, program runs) answers
 * 409 until `selfctl db migrate up`. */
#define MIGRATE_MIN_SERVABLE 12

/* OK when the database is at a known version >= MIGRATE_MIN_SERVABLE and
 * clean; ERROR with a one-line reason otherwise (used by servers before
 * serving a domain). */
int migrate_check_servable(struct db_conn *c, int64_t *version, char *err, size_t errsz);

#endif
