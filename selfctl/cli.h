/* cli.h — what selfctl's commands share: the command table entry, option
 * parsing, and "which database" (--db URI or --domain NAME). Errors are one
 * line on stderr prefixed "selfctl: ", exit status 1 (2 for usage). */
#ifndef SELFCTL_CLI_H
#define SELFCTL_CLI_H

#include "config.h"
#include "db.h"

struct cli {
    const char *config_path; /* -c FILE */
    struct config cfg;
    int cfg_loaded;
};

struct command {
    const char *group;  /* "db", "domain", "token", … */
    const char *name;   /* "migrate", "add", …; NULL: the group alone is the command */
    int (*run)(struct cli *c, int argc, char **argv); /* argv[0] = name (or group) */
    const char *opts;   /* its options and arguments as data (see main.c) */
    const char *usage;  /* shown by --help; the first line is the synopsis */
};

extern const struct command commands[];
extern const int n_commands;

/* Takes -c FILE, -cFILE, --config FILE and --config=FILE out of argv
 * wherever they are (before a "--"), into c->config_path. Returns -1 to go
 * on, or 2 after printing why (no FILE given). */
int cli_take_config(struct cli *c, int *argc, char **argv);
/* The entry of GROUP NAME (NAME NULL: the group's own command), or NULL. */
const struct command *command_find(const char *group, const char *name);
int group_known(const char *group);
/* "selfctl domain add|list|remove" (static storage). */
const char *group_synopsis(const char *group);
/* Prints "unknown command", a "did you mean" when one is close, and one
 * line of usage; returns 2. name NULL: group itself is unknown. */
int unknown_command(const char *group, const char *name);
/* Edit distance (Levenshtein) of two words; stops counting at 100. */
int edit_distance(const char *a, const char *b);
/* Prints "selfctl: missing WHAT: <synopsis of the command>"; returns 2. */
int missing(const char *group, const char *name, const char *what);

/* Prints "selfctl: <message>" and returns 1 (for `return fail(...)`). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage of a command to stdout (help) or stderr (misuse). */
int usage_of(const char *group, const char *name, int misuse);
/* 1 when argv holds -h or --help. */
int wants_help(int argc, char **argv);
/* Value of "--name VALUE" or "--name=VALUE" in argv; NULL when absent.
 * Marks the consumed slots with NULL in argv so leftovers can be found. */
const char *opt_take(int argc, char **argv, const char *name);
/* 1 when the flag NAME (no value) is in argv; its slots are marked consumed. */
int flag_take(int argc, char **argv, const char *name);
/* First unconsumed positional argument after argv[0] (values of
 * "--opt VALUE" pairs are not positional), or NULL; marked consumed. */
const char *arg_take(int argc, char **argv);
/* ERROR (after printing) when an unconsumed argument remains. */
int args_done(int argc, char **argv);

/* Loads the configuration once (for domain lookups, domain file path). */
int cli_config(struct cli *c);
/* Opens the database given by --db URI or --domain NAME (consumed from
 * argv). Prints a one-line error and returns ERROR otherwise. */
int cli_open_db(struct cli *c, int argc, char **argv, struct db_conn *db);
/* Tables, views and sequences outside the system schemas and extensions
 * (0 for a new database). Prints and returns ERROR when it cannot look. */
int cli_count_relations(struct db_conn *db, long *n);
/* Records a domain where domains live (the Primus registry when one is
 * configured, else the domain file): op "create" (uri given) or "delete".
 * Prints what it did; on ERROR prints why. */
int cli_registry_change(struct cli *c, const char *op, const char *name, const char *uri);

#endif
