/* main.c — selfctl, the operator CLI: `selfctl [-c FILE] GROUP COMMAND …`.
 * The command table below is the whole CLI; each command parses its own
 * options and answers --help. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

const struct command commands[] = {
    { "db", "migrate", cmd_db_migrate,
      "selfctl db migrate up [VERSION] | down N|all | status | version  (--db URI | --domain NAME)\n"
      "  Apply or revert schema migrations (golang-migrate compatible schema_migrations).\n"
      "  up goes to the latest version (or VERSION); down reverts N steps ('all': to 0);\n"
      "  status lists every migration; version prints the current version." },
    { "domain", "add", cmd_domain_add,
      "selfctl domain add NAME --db URI\n"
      "  Serve domain NAME from the database at URI. An empty database is migrated and its\n"
      "  seeded 'root' token replaced by a random one (printed once); an existing selfhost\n"
      "  database is used as it is. The domain goes to the Primus registry when one is\n"
      "  configured, else to the domain file; running processes pick it up without restart." },
    { "domain", "list", cmd_domain_list,
      "selfctl domain list\n  Print every domain and its database URI." },
    { "domain", "remove", cmd_domain_remove,
      "selfctl domain remove NAME\n  Stop serving NAME (the database is not touched)." },
    { "primus", "init", cmd_primus_init,
      "selfctl primus init\n"
      "  Create the default domain registry table (selfhost_domains) in the [primus] database,\n"
      "  with a trigger that NOTIFYs every selfhost process of any change." },
    { "token", "create", cmd_token_create,
      "selfctl token create --user USER [--name NAME] (--domain NAME | --db URI)\n"
      "  Create an API token for USER (name or uuid) and print it once." },
    { "config", "show", cmd_config_show,
      "selfctl config show\n  Print the effective configuration (file, environment, defaults)." },
    { "config", "import", cmd_config_import,
      "selfctl config import AAPIJE.yaml [DOMAINS.yaml] [JUVULN.yaml] [MALGOMAJ.yaml] [--out DIR]\n"
      "                      [--domains FILE] [--juvuln FILE] [--malgomaj FILE]\n"
      "  Convert the Go reference's YAML configuration (API server aapije, its domain file,\n"
      "  program manager juvuln, worker malgomaj) into DIR/selfhost.conf, DIR/domains.conf and\n"
      "  DIR/nginx-selfhost.conf (listen address, CORS). DIR defaults to the current folder;\n"
      "  existing files are not overwritten. The domain file defaults to aapije's domainfile.\n"
      "  Prints what was carried over and every key that was not, with the reason." },
    { "pmgr", "status", cmd_pmgr_status,
      "selfctl pmgr status [--json]\n"
      "  Ask the running program manager (selfpmgr, at [manager] socket) for its workers\n"
      "  (id, pid, name, capacity, running, jobs done), queue length, domains (connected,\n"
      "  programs) and recent runs, and print them; --json prints its raw answer. Exit 1\n"
      "  when selfpmgr is not reachable or does not answer within 5 seconds." },
    { "program", "compile", cmd_program_compile,
      "selfctl program compile FILE.tengo\n"
      "  Check a Tengo program: exit 0 when it parses and compiles, else print the\n"
      "  error with FILE:LINE:COLUMN on stderr and exit 1." },
    { "program", "run", cmd_program_run,
      "selfctl program run FILE.tengo [--selfhost] [--timeout SECONDS]\n"
      "  Compile and run a Tengo program; what fmt.print/println write goes to stdout.\n"
      "  A compile or runtime error is printed with FILE:LINE:COLUMN on stderr (exit 1).\n"
      "  The run is stopped after --timeout seconds (default 30). Modules: Tengo's\n"
      "  standard ones without os (fmt math text times rand json base64 hex enum);\n"
      "  --selfhost: those a worker offers, adding log (lines on stderr as\n"
      "  \"info: MSG\" / \"error: MSG\"), http and cgi (no request: empty)." },
};
const int n_commands = (int)(sizeof commands / sizeof *commands);

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: selfctl [-c FILE] GROUP COMMAND [options]   (selfctl GROUP COMMAND --help)\n"
               "  -c FILE   configuration file (default $SELFHOST_CONFIG or %s)\n\n",
            SELFHOST_DEFAULT_CONFIG);
    for (int i = 0; i < n_commands; i++)
        fprintf(f, "%s\n\n", commands[i].usage);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli c = { 0 };
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
        c.config_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc)
        return usage(stderr, 2);
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "help") == 0)
        return usage(stdout, 0);
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
        printf("selfctl %s\n", SELFHOST_VERSION);
        return 0;
    }
    const char *group = argv[i];
    const char *name = i + 1 < argc ? argv[i + 1] : NULL;
    int group_known = 0;
    for (int k = 0; k < n_commands; k++) {
        if (strcmp(commands[k].group, group) != 0)
            continue;
        group_known = 1;
        if (name && strcmp(commands[k].name, name) == 0) {
            int rc = commands[k].run(&c, argc - (i + 1), argv + i + 1);
            if (c.cfg_loaded)
                config_free(&c.cfg);
            return rc;
        }
    }
    if (!group_known) {
        fprintf(stderr, "selfctl: unknown command '%s'\n", group);
        return usage(stderr, 2);
    }
    if (name && strcmp(name, "--help") != 0 && strcmp(name, "-h") != 0) {
        fprintf(stderr, "selfctl: unknown command '%s %s'\n", group, name);
        return usage_of(group, NULL, 1);
    }
    return usage_of(group, NULL, name == NULL);
}
