/* cmd_db.c — `selfctl db migrate up|down|status|version`: the schema. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "cli.h"
#include "commands.h"
#include "migrate.h"
#include "status.h"

static void progress(int64_t version, const char *name, const char *direction, void *ctx)
{
    (void)ctx;
    printf("%s %06" PRId64 "_%s\n", direction, version, name);
}

/* Running responders check a domain's schema when the domain file changes:
 * touch it after a migration so they notice the new schema at once. */
static void nudge_responders(struct cli *c)
{
    if (c->cfg_loaded && c->cfg.domainfile && access(c->cfg.domainfile, W_OK) == 0)
        utime(c->cfg.domainfile, NULL);
}

static int parse_count(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v < 0)
        return ERROR;
    *out = v;
    return OK;
}

static int show_status(struct db_conn *db, int full)
{
    int64_t version;
    int dirty;
    char err[512];
    if (migrate_current(db, &version, &dirty, err, sizeof err) != OK)
        return fail("%s", err);
    if (!full) {
        printf("%" PRId64 "%s\n", version, dirty ? " (dirty)" : "");
        return 0;
    }
    for (size_t i = 0; i < n_migrations; i++)
        printf("%06" PRId64 "_%-32s %s\n", migrations[i].version, migrations[i].name,
               migrations[i].version <= version ? "applied" : "pending");
    printf("version %" PRId64 " of %" PRId64 "%s\n", version, migrate_latest(),
           dirty ? ", DIRTY: a migration failed half-way; repair by hand" : "");
    return dirty ? 1 : 0;
}

int cmd_db_migrate(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("db", "migrate", 0);
    const char *action = arg_take(argc, argv);
    if (!action)
        return missing("db", "migrate", "ACTION (up, down, status or version)");
    const char *count = NULL;
    if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0)
        count = arg_take(argc, argv);
    struct db_conn db;
    if (cli_open_db(c, argc, argv, &db) != OK)
        return 1;
    if (args_done(argc, argv) != OK) {
        db_close(&db);
        return 2;
    }
    int rc;
    char err[1024];
    int64_t n = -1;
    if (strcmp(action, "status") == 0 || strcmp(action, "version") == 0) {
        rc = show_status(&db, strcmp(action, "status") == 0);
    } else if (strcmp(action, "up") == 0) {
        if (count && parse_count(count, &n) != OK)
            rc = fail("up takes a target version, not '%s'", count);
        else if (migrate_up(&db, n, progress, NULL, err, sizeof err) != OK)
            rc = fail("%s", err);
        else {
            nudge_responders(c);
            rc = show_status(&db, 0);
        }
    } else if (strcmp(action, "down") == 0) {
        if (!count)
            rc = fail("down needs a number of steps or 'all' (refusing to guess)");
        else if (strcmp(count, "all") != 0 && parse_count(count, &n) != OK)
            rc = fail("down takes a number of steps or 'all', not '%s'", count);
        else if (migrate_down(&db, n, progress, NULL, err, sizeof err) != OK)
            rc = fail("%s", err);
        else {
            nudge_responders(c);
            rc = show_status(&db, 0);
        }
    } else {
        fail("unknown action '%s': up, down, status or version", action);
        rc = 2;
    }
    db_close(&db);
    return rc;
}
