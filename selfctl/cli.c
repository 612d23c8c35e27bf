/* cli.c — shared helpers of selfctl's commands (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domains.h"
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
