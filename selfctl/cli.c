/* cli.c — shared helpers of selfctl's commands (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "primus.h"
#include "status.h"

int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("selfctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int usage_of(const char *group, const char *name, int misuse)
{
    FILE *f = misuse ? stderr : stdout;
    for (int i = 0; i < n_commands; i++)
        if (strcmp(commands[i].group, group) == 0 && (!name || strcmp(commands[i].name, name) == 0))
            fprintf(f, "%s\n", commands[i].usage);
    return misuse ? 2 : 0;
}

int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (argv[i] && (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0))
            return 1;
    return 0;
}

const char *opt_take(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (!argv[i] || strncmp(argv[i], name, n) != 0)
            continue;
        if (argv[i][n] == '=') {
            const char *v = argv[i] + n + 1;
            argv[i] = NULL;
            return v;
        }
        if (argv[i][n] == '\0' && i + 1 < argc && argv[i + 1]) {
            const char *v = argv[i + 1];
            argv[i] = argv[i + 1] = NULL;
            return v;
        }
    }
    return NULL;
}

int flag_take(int argc, char **argv, const char *name)
{
    int found = 0;
    for (int i = 1; i < argc; i++)
        if (argv[i] && strcmp(argv[i], name) == 0) {
            argv[i] = NULL;
            found = 1;
        }
    return found;
}

const char *arg_take(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        /* every selfctl option takes a value: skip "--opt VALUE" pairs */
        if (argv[i] && argv[i][0] == '-' && !strchr(argv[i], '=') && strcmp(argv[i], "-h") != 0 &&
            strcmp(argv[i], "--help") != 0) {
            i++;
            continue;
        }
        if (argv[i] && argv[i][0] != '-') {
            const char *v = argv[i];
            argv[i] = NULL;
            return v;
        }
    }
    return NULL;
}

int args_done(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (argv[i]) {
            fail("unexpected argument '%s' (see --help)", argv[i]);
            return ERROR;
        }
    return OK;
}

int cli_config(struct cli *c)
{
    if (c->cfg_loaded)
        return OK;
    char err[1024];
    if (config_load(c->config_path, &c->cfg, err, sizeof err) != OK) {
        fail("%s", err);
        return ERROR;
    }
    c->cfg_loaded = 1;
    return OK;
}

int cli_open_db(struct cli *c, int argc, char **argv, struct db_conn *db)
{
    const char *uri = opt_take(argc, argv, "--db");
    const char *domain = opt_take(argc, argv, "--domain");
    if (!uri && !domain) {
        fail("which database? give --db URI or --domain NAME");
        return ERROR;
    }
    if (cli_config(c) != OK)
        return ERROR;
    struct domain_list list = { 0 };
    if (!uri) {
        char err[1024];
        if (domains_load(&c->cfg, NULL, &list, err, sizeof err) != OK) {
            fail("%s", err);
            return ERROR;
        }
        const struct domain *d = domains_find(&list, domain);
        if (!d) {
            domains_free(&list);
            fail("no domain '%s' (see: selfctl domain list)", domain);
            return ERROR;
        }
        uri = d->uri;
    }
    char err[1024];
    int rc = db_connect(db, uri, (int)c->cfg.connect_timeout, "selfctl", err, sizeof err);
    domains_free(&list);
    if (rc != OK)
        fail("%s", err);
    return rc;
}

int cli_take_config(struct cli *c, int *argc, char **argv)
{
    int out = 1;
    int in = 1;
    for (; in < *argc; in++) {
        const char *a = argv[in];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            if (in + 1 >= *argc) {
                fprintf(stderr, "selfctl: missing FILE: selfctl %s FILE ...\n", a);
                return 2;
            }
            c->config_path = argv[++in];
        } else if (strncmp(a, "--config=", 9) == 0) {
            c->config_path = a + 9;
        } else if (strncmp(a, "-c", 2) == 0 && a[2]) {
            c->config_path = a + 2;
        } else {
            argv[out++] = argv[in];
        }
    }
    while (in < *argc)
        argv[out++] = argv[in++];
    argv[out] = NULL;
    *argc = out;
    return -1;
}

const struct command *command_find(const char *group, const char *name)
{
    for (int i = 0; i < n_commands; i++) {
        const struct command *k = &commands[i];
        if (strcmp(k->group, group) != 0)
            continue;
        if (!k->name || (name && strcmp(k->name, name) == 0))
            return k;
    }
    return NULL;
}

int group_known(const char *group)
{
    for (int i = 0; i < n_commands; i++)
        if (strcmp(commands[i].group, group) == 0)
            return 1;
    return 0;
}

const char *group_synopsis(const char *group)
{
    static char line[256];
    size_t n = (size_t)snprintf(line, sizeof line, "selfctl %s", group);
    const char *sep = " ";
    for (int i = 0; i < n_commands && n < sizeof line; i++)
        if (strcmp(commands[i].group, group) == 0 && commands[i].name) {
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", sep, commands[i].name);
            sep = "|";
        }
    return line;
}

int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 100 || lb > 100)
        return 100;
    int row[101];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* A word is close to a candidate when a third of it (at least one letter,
 * at most two) differs, or when it begins the candidate. */
static int close_enough(const char *word, const char *cand, int d)
{
    int limit = (int)strlen(cand) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 2)
        limit = 2;
    return d <= limit || (*word && strncmp(cand, word, strlen(word)) == 0);
}

/* Closest group (name NULL) or command of group to word, or NULL. */
static const char *closest(const char *group, const char *word)
{
    const char *best = NULL;
    int best_d = 1000;
    for (int i = 0; i < n_commands; i++) {
        const char *cand = group ? commands[i].name : commands[i].group;
        if (!cand || (group && strcmp(commands[i].group, group) != 0))
            continue;
        int d = edit_distance(word, cand);
        if (d < best_d && close_enough(word, cand, d)) {
            best = cand;
            best_d = d;
        }
    }
    return best;
}

int unknown_command(const char *group, const char *name)
{
    if (!name) {
        const char *g = closest(NULL, group);
        if (g) {
            fprintf(stderr, "selfctl: unknown command '%s'; did you mean '%s'?\n", group, g);
            const struct command *solo = command_find(g, NULL);
            if (solo && !solo->name) {
                const char *nl = strchr(solo->usage, '\n');
                fprintf(stderr, "usage: %.*s\n", nl ? (int)(nl - solo->usage) : 200, solo->usage);
            } else {
                fprintf(stderr, "usage: %s  (selfctl %s COMMAND --help)\n", group_synopsis(g), g);
            }
            return 2;
        }
        fprintf(stderr, "selfctl: unknown command '%s' (groups:", group);
        for (int i = 0; i < n_commands; i++)
            if (i == 0 || strcmp(commands[i].group, commands[i - 1].group) != 0)
                fprintf(stderr, " %s", commands[i].group);
        fprintf(stderr, "; see selfctl --help)\n");
        return 2;
    }
    const char *n = closest(group, name);
    if (n)
        fprintf(stderr, "selfctl: unknown command '%s %s'; did you mean '%s %s'?\n", group, name,
                group, n);
    else
        fprintf(stderr, "selfctl: unknown command '%s %s'\n", group, name);
    fprintf(stderr, "usage: %s  (selfctl %s COMMAND --help)\n", group_synopsis(group), group);
    return 2;
}

int missing(const char *group, const char *name, const char *what)
{
    const struct command *k = command_find(group, name);
    const char *u = k ? k->usage : "";
    const char *nl = strchr(u, '\n');
    int len = nl ? (int)(nl - u) : (int)strlen(u);
    fprintf(stderr, "selfctl: missing %s: %.*s\n", what, len, u);
    return 2;
}

int cli_count_relations(struct db_conn *db, long *n)
{
    PGresult *res = db_exec_sql(db,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
        "AND ns.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND ns.nspname NOT LIKE 'pg\\_toast%' AND ns.nspname NOT LIKE 'pg\\_temp\\_%' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
        "                AND d.objid = c.oid AND d.deptype = 'e')");
    int ok = db_ok(res);
    if (ok)
        *n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    else {
        char line[400];
        fail("cannot look into the database: %s", db_error_line(db, res, line, sizeof line));
    }
    PQclear(res);
    return ok ? OK : ERROR;
}

int cli_registry_change(struct cli *c, const char *op, const char *name, const char *uri)
{
    char err[1024];
    int rc;
    const char *where;
    if (primus_enabled(&c->cfg)) {
        struct db_conn db;
        rc = primus_connect(&c->cfg, &db, err, sizeof err);
        if (rc == OK)
            rc = primus_write(&c->cfg, &db, op, name, uri, err, sizeof err);
        db_close(&db);
        where = "the Primus registry";
    } else if (strcmp(op, "create") == 0) {
        rc = domains_file_add(c->cfg.domainfile, name, uri, err, sizeof err);
        where = c->cfg.domainfile;
    } else {
        rc = domains_file_remove(c->cfg.domainfile, name, err, sizeof err);
        where = c->cfg.domainfile;
    }
    if (rc != OK) {
        fail("%s", err);
        return ERROR;
    }
    if (strcmp(op, "create") == 0)
        printf("domain %s added to %s\n", name, where);
    else
        printf("domain %s removed from %s (its database is untouched)\n", name, where);
    return OK;
}
