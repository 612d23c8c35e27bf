/* pg_tool.h — PostgreSQL's client programs (pg_dump, pg_restore) as
 * children of selfctl: the database URI reaches them through libpq's
 * environment variables only (never argv), their progress lines are
 * counted, their error lines kept for the one-line message. */
#ifndef SELFCTL_PG_TOOL_H
#define SELFCTL_PG_TOOL_H

#include <stddef.h>

struct pg_progress {
    const char *verb;   /* "backup", "restore"; NULL: no display */
    const char *step;   /* the --verbose phrase that marks one table done */
    long done, total;
    int tty;            /* stderr is a terminal: one line rewritten in place */
    int shown_tenth;    /* otherwise a line per tenth, the last shown */
    char current[128];  /* what the last step named */
};

/* Full path of prog found on $PATH into path; prints and returns ERROR
 * ("pg_dump not found on PATH: install …") when absent. */
int pg_tool_find(const char *prog, char *path, size_t n);
/* OK when every parameter of uri can travel by environment variable;
 * prints and returns ERROR otherwise (and for an unreadable URI). */
int pg_tool_env_check(const char *uri);
/* Runs path with argv (argv[0] included, NULL-terminated), uri (may be
 * NULL) in its environment; each stdout line to out_line (may be NULL).
 * OK on exit status 0; else ERROR with the tool's own error lines (or its
 * exit status) in msg. */
int pg_tool_run(const char *path, char *const argv[], const char *uri, struct pg_progress *p,
                void (*out_line)(void *ctx, char *line), void *out_ctx, char *msg,
                size_t msgsz);

#endif
