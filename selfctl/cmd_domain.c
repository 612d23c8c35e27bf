/* cmd_domain.c — `selfctl domain add|list|remove`: which domains this
 * installation serves (the domain file; running processes reload it). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "domains.h"
#include "migrate.h"
#include "primus.h"
#include "status.h"
#include "token_store.h"

/* Brings a new database to the latest schema and replaces the seeded
 * "root" token; an existing selfhost database is left as it is, and a
 * database holding something else is refused. */
static int prepare_database(struct db_conn *db, const char *name)
{
    int64_t version;
    int dirty;
    char err[1024];
    if (migrate_current(db, &version, &dirty, err, sizeof err) != OK)
        return fail("%s", err);
    long relations = 0;
    if (version == 0 && !dirty && cli_count_relations(db, &relations) != OK)
        return 1;
    if (version == 0 && relations > 0)
        return fail("not a Self-host database: it holds %ld table%s but no Self-host schema "
                    "(schema_migrations); give a new, empty database, or one Self-host migrated",
                    relations, relations == 1 ? "" : "s");
    if (version == 0 && !dirty) {
        if (migrate_up(db, -1, NULL, NULL, err, sizeof err) != OK)
            return fail("%s", err);
        char secret[TOKEN_MAX];
        if (token_store_replace_seed_root(db, secret, err, sizeof err) != OK)
            return fail("%s", err);
        printf("database migrated to version %" PRId64 "\n", migrate_latest());
        printf("the seeded token 'root' was replaced; root's token for domain %s:\n%s\n", name,
               secret);
        return 0;
    }
    if (migrate_check_servable(db, &version, err, sizeof err) != OK)
        return fail("%s", err);
    int seeded;
    if (token_store_has_seed_root(db, &seeded, err, sizeof err) != OK)
        return fail("%s", err);
    printf("existing selfhost database at version %" PRId64 ", left unchanged\n", version);
    if (seeded)
        fprintf(stderr, "selfctl: warning: the seeded token 'root' still works in domain %s; "
                        "create a new one (selfctl token create --domain %s --user root) and "
                        "delete it\n", name, name);
    return 0;
}

int cmd_domain_add(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("domain", "add", 0);
    const char *uri = opt_take(argc, argv, "--db");
    const char *name = arg_take(argc, argv);
    if (!name)
        return missing("domain", "add", "NAME");
    if (!uri)
        return missing("domain", "add", "--db URI");
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
    int exists = domains_find(&list, name) != NULL;
    domains_free(&list);
    if (exists)
        return fail("domain '%s' already exists", name);

    struct db_conn db;
    if (db_connect(&db, uri, (int)c->cfg.connect_timeout, "selfctl", err, sizeof err) != OK)
        return fail("%s", err);
    int rc = prepare_database(&db, name);
    db_close(&db);
    if (rc != 0)
        return rc;
    if (cli_registry_change(c, "create", name, uri) != OK)
        return 1;
    return 0;
}

int cmd_domain_list(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("domain", "list", 0);
    if (args_done(argc, argv) != OK)
        return 2;
    if (cli_config(c) != OK)
        return 1;
    char err[1024];
    struct domain_list list;
    if (domains_load(&c->cfg, NULL, &list, err, sizeof err) != OK)
        return fail("%s", err);
    for (size_t i = 0; i < list.n; i++)
        printf("%s\t%s\n", list.items[i].name, list.items[i].uri);
    domains_free(&list);
    return 0;
}

int cmd_primus_init(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("primus", "init", 0);
    if (args_done(argc, argv) != OK)
        return 2;
    if (cli_config(c) != OK)
        return 1;
    if (!primus_enabled(&c->cfg))
        return fail("no registry configured: set [primus] uri in the configuration");
    char err[1024];
    struct db_conn db;
    int rc = primus_connect(&c->cfg, &db, err, sizeof err) == OK &&
             primus_init(&c->cfg, &db, err, sizeof err) == OK;
    db_close(&db);
    if (!rc)
        return fail("%s", err);
    printf("registry table selfhost_domains ready; changes NOTIFY '%s'\n", c->cfg.primus_channel);
    return 0;
}

int cmd_domain_remove(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("domain", "remove", 0);
    const char *name = arg_take(argc, argv);
    if (!name)
        return missing("domain", "remove", "NAME");
    if (args_done(argc, argv) != OK)
        return 2;
    if (cli_config(c) != OK)
        return 1;
    if (cli_registry_change(c, "delete", name, NULL) != OK)
        return 1;
    return 0;
}
