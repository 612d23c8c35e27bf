/* main.c — selfctl, the operator CLI: `selfctl [-c FILE] GROUP COMMAND …`.
 * The command table below is the whole CLI: dispatch, help, the man page's
 * check (tests/unit/man_pages.sh) and bash completion (`selfctl --commands`)
 * all read it. Each command parses its own options and answers --help. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "version.h"

/* opts, for completion and the man page check: "--opt=KIND" takes a
 * value, "--flag" does not, "@KIND" is a positional argument (in order).
 * Kinds: DOMAIN (a domain's name), FILE, DIR, a|b|c (one of those words),
 * anything else (free text). */
const struct command commands[] = {
    { "db", "migrate", cmd_db_migrate, "@up|down|status|version --db=URI --domain=DOMAIN",
      "selfctl db migrate up [VERSION] | down N|all | status | version  (--db URI | --domain NAME)\n"
      "  Apply or revert schema migrations (golang-migrate compatible schema_migrations).\n"
      "  up goes to the latest version (or VERSION); down reverts N steps ('all': to 0);\n"
      "  status lists every migration; version prints the current version." },
    { "domain", "add", cmd_domain_add, "@NAME --db=URI",
      "selfctl domain add NAME --db URI\n"
      "  Serve domain NAME from the database at URI. An empty database is migrated and its\n"
      "  seeded 'root' token replaced by a random one (printed once); an existing selfhost\n"
      "  database is used as it is. The domain goes to the Primus registry when one is\n"
      "  configured, else to the domain file; running processes pick it up without restart." },
    { "domain", "list", cmd_domain_list, "",
      "selfctl domain list\n  Print every domain and its database URI." },
    { "domain", "remove", cmd_domain_remove, "@DOMAIN",
      "selfctl domain remove NAME\n  Stop serving NAME (the database is not touched)." },
    { "primus", "init", cmd_primus_init, "",
      "selfctl primus init\n"
      "  Create the default domain registry table (selfhost_domains) in the [primus] database,\n"
      "  with a trigger that NOTIFYs every selfhost process of any change." },
    { "token", "create", cmd_token_create, "--user=USER --name=NAME --domain=DOMAIN --db=URI",
      "selfctl token create --user USER [--name NAME] (--domain NAME | --db URI)\n"
      "  Create an API token for USER (name or uuid) and print it once." },
    { "config", "show", cmd_config_show, "",
      "selfctl config show\n  Print the effective configuration (file, environment, defaults)." },
    { "config", "import", cmd_config_import,
      "@FILE @FILE @FILE @FILE --out=DIR --domains=FILE --juvuln=FILE --malgomaj=FILE",
      "selfctl config import AAPIJE.yaml [DOMAINS.yaml] [JUVULN.yaml] [MALGOMAJ.yaml] [--out DIR]\n"
      "                      [--domains FILE] [--juvuln FILE] [--malgomaj FILE]\n"
      "  Convert the Go reference's YAML configuration (API server aapije, its domain file,\n"
      "  program manager juvuln, worker malgomaj) into DIR/selfhost.conf, DIR/domains.conf and\n"
      "  DIR/nginx-selfhost.conf (listen address, CORS). DIR defaults to the current folder;\n"
      "  existing files are not overwritten. The domain file defaults to aapije's domainfile.\n"
      "  Prints what was carried over and every key that was not, with the reason." },
    { "pmgr", "status", cmd_pmgr_status, "--json",
      "selfctl pmgr status [--json]\n"
      "  Ask the running program manager (selfpmgr, at [manager] socket) for its workers\n"
      "  (id, pid, name, capacity, running, jobs done), queue length, domains (connected,\n"
      "  programs) and recent runs, and print them; --json prints its raw answer. Exit 1\n"
      "  when selfpmgr is not reachable or does not answer within 5 seconds." },
    { "program", "compile", cmd_program_compile, "@FILE",
      "selfctl program compile FILE.tengo\n"
      "  Check a Tengo program: exit 0 when it parses and compiles, else print the\n"
      "  error with FILE:LINE:COLUMN on stderr and exit 1." },
    { "program", "run", cmd_program_run, "@FILE --selfhost --timeout=SECONDS",
      "selfctl program run FILE.tengo [--selfhost] [--timeout SECONDS]\n"
      "  Compile and run a Tengo program; what fmt.print/println write goes to stdout.\n"
      "  A compile or runtime error is printed with FILE:LINE:COLUMN on stderr (exit 1).\n"
      "  The run is stopped after --timeout seconds (default 30). Modules: Tengo's\n"
      "  standard ones without os (fmt math text times rand json base64 hex enum);\n"
      "  --selfhost: those a worker offers, adding log (lines on stderr as\n"
      "  \"info: MSG\" / \"error: MSG\"), http and cgi (no request: empty)." },
    { "backup", NULL, cmd_backup, "@FILE --domain=DOMAIN --force",
      "selfctl backup --domain NAME FILE [--force]\n"
      "  Write domain NAME's database to FILE with pg_dump (custom format), showing progress\n"
      "  on stderr. FILE appears only once complete; an existing FILE is kept unless --force.\n"
      "  The database URI reaches pg_dump through its environment, never its command line." },
    { "restore", NULL, cmd_restore, "@FILE --domain=NAME --db=URI --force",
      "selfctl restore FILE --domain NAME --db URI [--force]\n"
      "  Restore a backup into the database at URI (created when missing, if the URI's user\n"
      "  may), check its schema version and serve it as domain NAME, as `domain add` does,\n"
      "  tokens unchanged. A database that holds anything is refused unless --force, which\n"
      "  drops and recreates it first. The restore is all or nothing (one transaction)." },
};
const int n_commands = (int)(sizeof commands / sizeof *commands);

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: selfctl [-c FILE] GROUP COMMAND [options]   (selfctl GROUP COMMAND --help)\n"
               "  -c, --config FILE  configuration file (default $SELFHOST_CONFIG or %s);\n"
               "                     accepted anywhere on the line\n"
               "  -h, --help         this help;  -V, --version  the version and commit\n\n",
            SELFHOST_DEFAULT_CONFIG);
    for (int i = 0; i < n_commands; i++)
        fprintf(f, "%s\n\n", commands[i].usage);
    return rc;
}

/* `selfctl --commands`: the table as data, for completion and tests. */
static int list_commands(void)
{
    for (int i = 0; i < n_commands; i++)
        printf("%s\t%s\t%s\n", commands[i].group, commands[i].name ? commands[i].name : "-",
               commands[i].opts);
    return 0;
}

static int run_command(struct cli *c, const struct command *cmd, int argc, char **argv)
{
    int rc = cmd->run(c, argc, argv);
    if (c->cfg_loaded)
        config_free(&c->cfg);
    return rc;
}

static int is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0;
}

/* `selfctl help [GROUP [COMMAND]]` */
static int help(int argc, char **argv)
{
    if (argc < 2)
        return usage(stdout, 0);
    if (!group_known(argv[1]))
        return unknown_command(argv[1], NULL);
    const struct command *cmd = command_find(argv[1], argc > 2 ? argv[2] : NULL);
    if (cmd)
        return usage_of(cmd->group, cmd->name, 0);
    if (argc == 2)
        return usage_of(argv[1], NULL, 0);
    return unknown_command(argv[1], argv[2]);
}

int main(int argc, char **argv)
{
    struct cli c = { 0 };
    int rc = cli_take_config(&c, &argc, argv);
    if (rc >= 0)
        return rc;
    int i = 1;
    if (i >= argc)
        return usage(stderr, 2);
    if (strcmp(argv[i], "help") == 0)
        return help(argc - i, argv + i);
    if (is_help(argv[i]))
        return usage(stdout, 0);
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
        version_print(stdout, "selfctl");
        return 0;
    }
    if (strcmp(argv[i], "--commands") == 0)
        return list_commands();
    const char *group = argv[i];
    if (!group_known(group))
        return unknown_command(group, NULL);
    const struct command *solo = command_find(group, NULL);
    if (solo && !solo->name)
        return run_command(&c, solo, argc - i, argv + i);
    const char *name = i + 1 < argc ? argv[i + 1] : NULL;
    if (!name || is_help(name)) {
        if (!name)
            fprintf(stderr, "selfctl: missing COMMAND: %s\n", group_synopsis(group));
        return usage_of(group, NULL, name == NULL);
    }
    const struct command *cmd = command_find(group, name);
    if (!cmd)
        return unknown_command(group, name);
    return run_command(&c, cmd, argc - (i + 1), argv + i + 1);
}
