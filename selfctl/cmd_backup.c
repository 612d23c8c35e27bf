/* cmd_backup.c — `selfctl backup --domain NAME FILE` and `selfctl restore
 * FILE --domain NAME --db URI`: a domain's database through pg_dump's
 * custom format and back, then served again under a name with the same
 * data and the same tokens. pg_dump/pg_restore run as children
 * (pg_tool.c), the URI in their environment only. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "cli.h"
#include "commands.h"
#include "domains.h"
#include "migrate.h"
#include "pg_tool.h"
#include "status.h"
#include "token_store.h"

/* Tables whose rows pg_dump writes (partitions, not their parents). */
static long count_tables(struct db_conn *db)
{
    PGresult *res = db_exec_sql(db,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND ns.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND ns.nspname NOT LIKE 'pg\\_toast%' AND ns.nspname NOT LIKE 'pg\\_temp\\_%' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
        "                AND d.objid = c.oid AND d.deptype = 'e')");
    long n = db_ok(res) ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    return n;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The data of a written file reaches the disk before its name does. */
static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return ERROR;
    int rc = fsync(fd) == 0 ? OK : ERROR;
    close(fd);
    return rc;
}

int cmd_backup(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("backup", NULL, 0);
    int force = flag_take(argc, argv, "--force");
    const char *name = opt_take(argc, argv, "--domain");
    const char *file = arg_take(argc, argv);
    if (!name)
        return missing("backup", NULL, "--domain NAME");
    if (!file)
        return missing("backup", NULL, "FILE");
    if (args_done(argc, argv) != OK)
        return 2;
    if (cli_config(c) != OK)
        return 1;
    char err[1024];
    struct domain_list list;
    if (domains_load(&c->cfg, NULL, &list, err, sizeof err) != OK)
        return fail("%s", err);
    const struct domain *d = domains_find(&list, name);
    if (!d) {
        domains_free(&list);
        return fail("no domain '%s' (see: selfctl domain list)", name);
    }
    char *uri = strdup(d->uri);
    domains_free(&list);
    int rc = 1;
    char pg_dump[4096], tmp[4096];
    struct db_conn db = { 0 };
    struct stat st;
    if (!force && stat(file, &st) == 0) {
        fail("%s exists; give another FILE, or --force to replace it", file);
        goto out;
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.partial-%ld", file, (long)getpid()) >= sizeof tmp) {
        fail("FILE name too long");
        goto out;
    }
    if (pg_tool_find("pg_dump", pg_dump, sizeof pg_dump) != OK || pg_tool_env_check(uri) != OK)
        goto out;
    if (db_connect(&db, uri, (int)c->cfg.connect_timeout, "selfctl", err, sizeof err) != OK) {
        fail("domain %s: %s", name, err);
        goto out;
    }
    int64_t version = 0;
    int dirty = 0;
    if (migrate_current(&db, &version, &dirty, err, sizeof err) != OK) {
        fail("%s", err);
        goto out;
    }
    struct pg_progress p = { .verb = "backup", .step = "dumping contents of table ",
                             .total = count_tables(&db), .tty = isatty(2) };
    db_close(&db);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char file_arg[4200];
    snprintf(file_arg, sizeof file_arg, "--file=%s", tmp);
    char *args[] = { "pg_dump", "--format=custom", "--verbose", "--no-password", file_arg, NULL };
    if (pg_tool_run(pg_dump, args, uri, &p, NULL, NULL, err, sizeof err) != OK) {
        unlink(tmp);
        fail("pg_dump failed: %s", err);
        goto out;
    }
    if (fsync_path(tmp) != OK || rename(tmp, file) != 0) {
        fail("cannot write %s: %s", file, strerror(errno));
        unlink(tmp);
        goto out;
    }
    long long size = stat(file, &st) == 0 ? (long long)st.st_size : 0;
    fprintf(stderr, "backup: %ld tables in %.1f s\n", p.done, seconds_since(&t0));
    printf("domain %s (schema version %" PRId64 "%s) backed up to %s (%lld bytes)\n", name, version,
           dirty ? ", dirty" : "", file, size);
    rc = 0;
out:
    db_close(&db);
    free(uri);
    return rc;
}

/* pg_restore -l: one TOC line per entry; "TABLE DATA" ones hold rows. */
static void count_toc(void *ctx, char *line)
{
    long *n = ctx;
    if (line[0] != ';' && strstr(line, " TABLE DATA "))
        (*n)++;
}

/* The URI's dbname, and the same URI pointing at the maintenance database
 * "postgres" instead, for CREATE DATABASE. */
static int maintenance_connect(const char *uri, int timeout, PGconn **out, char *dbname,
                               size_t dbsz, char *err, size_t errsz)
{
    PQconninfoOption *opts = PQconninfoParse(uri, NULL);
    if (!opts) {
        snprintf(err, errsz, "cannot read the database URI");
        return ERROR;
    }
    const char *kw[64], *val[64];
    int n = 0;
    char tmo[16];
    snprintf(tmo, sizeof tmo, "%d", timeout);
    dbname[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword && n < 60; o++) {
        if (!o->val || !*o->val)
            continue;
        if (strcmp(o->keyword, "dbname") == 0) {
            snprintf(dbname, dbsz, "%s", o->val);
            continue;
        }
        kw[n] = o->keyword;
        val[n++] = o->val;
    }
    if (!dbname[0]) {
        const char *e = getenv("PGDATABASE");
        snprintf(dbname, dbsz, "%s", e ? e : "");
    }
    kw[n] = "dbname";
    val[n++] = "postgres";
    kw[n] = "connect_timeout";
    val[n++] = tmo;
    kw[n] = "application_name";
    val[n++] = "selfctl";
    kw[n] = NULL;
    val[n] = NULL;
    PGconn *pg = PQconnectdbParams(kw, val, 0);
    PQconninfoFree(opts);
    if (PQstatus(pg) != CONNECTION_OK) {
        char *m = PQerrorMessage(pg), *nl;
        snprintf(err, errsz, "%s", m);
        if ((nl = strchr(err, '\n')) != NULL)
            *nl = '\0';
        PQfinish(pg);
        return ERROR;
    }
    *out = pg;
    return OK;
}

/* Runs "DROP DATABASE name WITH (FORCE)" (drop set) and "CREATE DATABASE
 * name" for the database of uri, from the server's maintenance database. */
static int recreate_database(const char *uri, int timeout, int drop, char *dbname, size_t dbsz,
                             char *err, size_t errsz)
{
    PGconn *pg;
    if (maintenance_connect(uri, timeout, &pg, dbname, dbsz, err, errsz) != OK)
        return ERROR;
    char *ident = PQescapeIdentifier(pg, dbname, strlen(dbname));
    char sql[2][600];
    snprintf(sql[0], sizeof sql[0], "DROP DATABASE %s WITH (FORCE)", ident ? ident : "\"\"");
    snprintf(sql[1], sizeof sql[1], "CREATE DATABASE %s", ident ? ident : "\"\"");
    PQfreemem(ident);
    int ok = 1;
    for (int i = drop ? 0 : 1; i < 2 && ok; i++) {
        PGresult *res = PQexec(pg, sql[i]);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok) {
            snprintf(err, errsz, "%s", PQresultErrorMessage(res));
            char *nl = strchr(err, '\n');
            if (nl)
                *nl = '\0';
        }
        PQclear(res);
    }
    PQfinish(pg);
    return ok ? OK : ERROR;
}

/* Connects to the target database, creating it first when it does not
 * exist and the URI's user may, and emptying it (drop + create) when it
 * holds anything and force is set; refuses it otherwise. */
static int target_prepare(struct cli *c, const char *uri, int force)
{
    char err[1024], err2[1024], dbname[256];
    int timeout = (int)c->cfg.connect_timeout;
    struct db_conn db = { 0 };
    if (db_connect(&db, uri, timeout, "selfctl", err, sizeof err) != OK) {
        if (!strstr(err, "does not exist"))
            return fail("%s", err), ERROR;
        if (recreate_database(uri, timeout, 0, dbname, sizeof dbname, err2, sizeof err2) != OK)
            return fail("%s, and it cannot be created: %s", err, err2), ERROR;
        fprintf(stderr, "restore: created database %s\n", dbname);
        return OK;
    }
    long relations = 0;
    int rc = cli_count_relations(&db, &relations);
    db_close(&db);
    if (rc != OK)
        return ERROR;
    if (relations == 0)
        return OK;
    if (!force)
        return fail("the target database is not empty (%ld table%s, view%s or sequence%s); give "
                    "a new database, or --force to drop and recreate it", relations,
                    relations == 1 ? "" : "s", relations == 1 ? "" : "s",
                    relations == 1 ? "" : "s"), ERROR;
    if (recreate_database(uri, timeout, 1, dbname, sizeof dbname, err2, sizeof err2) != OK)
        return fail("cannot drop and recreate the target database: %s", err2), ERROR;
    fprintf(stderr, "restore: dropped and recreated database %s (--force)\n", dbname);
    return OK;
}

int cmd_restore(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("restore", NULL, 0);
    int force = flag_take(argc, argv, "--force");
    const char *name = opt_take(argc, argv, "--domain");
    const char *uri = opt_take(argc, argv, "--db");
    const char *file = arg_take(argc, argv);
    if (!file)
        return missing("restore", NULL, "FILE");
    if (!name)
        return missing("restore", NULL, "--domain NAME");
    if (!uri)
        return missing("restore", NULL, "--db URI");
    if (args_done(argc, argv) != OK)
        return 2;
    if (!domain_name_valid(name))
        return fail("invalid domain name '%s' (letters, digits, '-', '_', '.'; at most %d)", name,
                    DOMAIN_NAME_MAX);
    if (cli_config(c) != OK)
        return 1;
    char err[1024];
    struct domain_list list;
    if (domains_load(&c->cfg, NULL, &list, err, sizeof err) != OK)
        return fail("%s", err);
    const struct domain *d = domains_find(&list, name);
    int registered = d != NULL, same = d && strcmp(d->uri, uri) == 0;
    domains_free(&list);
    if (registered && !same)
        return fail("domain '%s' already exists with another database; remove it first "
                    "(selfctl domain remove %s) or choose another name", name, name);
    if (access(file, R_OK) != 0)
        return fail("cannot read %s: %s", file, strerror(errno));
    char pg_restore[4096];
    if (pg_tool_find("pg_restore", pg_restore, sizeof pg_restore) != OK ||
        pg_tool_env_check(uri) != OK)
        return 1;

    /* the archive first: a wrong file is refused before anything is touched */
    long tables = 0;
    char *list_args[] = { "pg_restore", "--list", (char *)file, NULL };
    if (pg_tool_run(pg_restore, list_args, NULL, &(struct pg_progress){ 0 }, count_toc, &tables,
                    err, sizeof err) != OK)
        return fail("%s is not a backup pg_restore can read: %s", file, err);

    if (target_prepare(c, uri, force) != OK)
        return 1;

    struct pg_progress p = { .verb = "restore", .step = "processing data for table ",
                             .total = tables, .tty = isatty(2) };
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* an empty URI as --dbname: every parameter comes from the environment */
    char *args[] = { "pg_restore", "--dbname=postgresql://", "--verbose", "--no-password",
                     "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
                     (char *)file, NULL };
    struct db_conn db = { 0 };
    if (pg_tool_run(pg_restore, args, uri, &p, NULL, NULL, err, sizeof err) != OK)
        return fail("pg_restore failed (nothing was restored): %s", err);
    fprintf(stderr, "restore: %ld tables in %.1f s\n", p.done, seconds_since(&t0));

    if (db_connect(&db, uri, (int)c->cfg.connect_timeout, "selfctl", err, sizeof err) != OK)
        return fail("%s", err);
    int64_t version;
    int rc = migrate_check_servable(&db, &version, err, sizeof err);
    int seeded = 0;
    if (rc == OK)
        rc = token_store_has_seed_root(&db, &seeded, err, sizeof err);
    db_close(&db);
    if (rc != OK)
        return fail("restored, but the domain was not added: %s", err);
    printf("restored %s: schema version %" PRId64 "%s\n", file, version,
           version < migrate_latest() ? " (older than this build's; selfctl db migrate up "
                                        "--domain NAME brings it up to date)" : "");
    if (seeded)
        fprintf(stderr, "selfctl: warning: the seeded token 'root' still works in domain %s\n",
                name);
    if (registered) {
        /* responders re-check a domain's schema when the domain file changes */
        if (c->cfg.domainfile && access(c->cfg.domainfile, W_OK) == 0)
            utime(c->cfg.domainfile, NULL);
        printf("domain %s already serves this database\n", name);
        return 0;
    }
    return cli_registry_change(c, "create", name, uri) == OK ? 0 : 1;
}
