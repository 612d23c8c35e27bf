/* daemon_opts.c — the daemons' shared command line (see daemon_opts.h). */
#include "daemon_opts.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

static void usage(const struct daemon_spec *s, FILE *f)
{
    fprintf(f, "usage: %s [-c FILE]%s [-h] [-V]\n%s\n", s->prog, s->with_name ? " [-n NAME]" : "",
            s->summary);
    fprintf(f, "  -c, --config FILE  configuration file (default $SELFHOST_CONFIG or %s)\n",
            SELFHOST_DEFAULT_CONFIG);
    if (s->with_name)
        fprintf(f, "  -n, --name NAME    name the manager shows for this worker "
                   "(default %s@HOST)\n", s->prog);
    fprintf(f, "  -h, --help         print this help\n"
               "  -V, --version      print the version and the commit it was built from\n");
    if (s->epilogue)
        fprintf(f, "%s\n", s->epilogue);
}

int daemon_opts_parse(const struct daemon_spec *s, int argc, char **argv, struct daemon_opts *out)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "name", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    memset(out, 0, sizeof *out);
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, s->with_name ? "+:c:n:hV" : "+:c:hV", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'c': out->config_path = optarg; break;
        case 'n':
            if (!s->with_name) {
                fprintf(stderr, "%s: unknown option '--name' (see %s --help)\n", s->prog, s->prog);
                return 2;
            }
            out->name = optarg;
            break;
        case 'h': usage(s, stdout); return 0;
        case 'V': version_print(stdout, s->prog); return 0;
        case ':':
            fprintf(stderr, "%s: option '%s' needs a value (see %s --help)\n", s->prog,
                    argv[optind - 1], s->prog);
            return 2;
        default:
            if (optopt)
                fprintf(stderr, "%s: unknown option '-%c' (see %s --help)\n", s->prog, optopt,
                        s->prog);
            else
                fprintf(stderr, "%s: unknown option '%s' (see %s --help)\n", s->prog,
                        argv[optind - 1], s->prog);
            return 2;
        }
    }
    if (optind < argc && !s->args_ok) {
        fprintf(stderr, "%s: unexpected argument '%s' (see %s --help)\n", s->prog, argv[optind],
                s->prog);
        return 2;
    }
    return -1;
}
