/* daemon_opts.h — the command line of selfserv, selfpmgr and selfpwrk, one
 * parser for the three: -c/--config FILE, -h/--help, -V/--version, and
 * for the worker -n/--name NAME. Options stop at the first non-option
 * ("+" getopt), so a CGI query string passed as words is never read as one. */
#ifndef SELFHOST_DAEMON_OPTS_H
#define SELFHOST_DAEMON_OPTS_H

struct daemon_opts {
    const char *config_path; /* -c FILE, or NULL: $SELFHOST_CONFIG, else the default */
    const char *name;        /* -n NAME (only when the spec allows it), or NULL */
};

struct daemon_spec {
    const char *prog;       /* "selfserv" */
    const char *summary;    /* one or two lines after the usage line */
    int with_name;          /* accepts -n/--name NAME */
    int args_ok;            /* positional arguments are ignored instead of refused */
    const char *epilogue;   /* printed after the options, or NULL */
};

/* Parses argv. Returns -1 to go on running; otherwise the exit status
 * (0 after --help or --version, 2 after a usage error, printed on stderr). */
int daemon_opts_parse(const struct daemon_spec *spec, int argc, char **argv,
                      struct daemon_opts *out);

#endif
