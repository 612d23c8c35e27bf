/* cmd_config_import.c — `selfctl config import`: the reference's YAML
 * configuration (aapije = API server, its domain file, juvuln = program
 * manager, malgomaj = program worker) turned into selfhost's: selfhost.conf
 * (only what differs from selfhost's defaults), domains.conf and an nginx
 * snippet for what selfhost leaves to the web server (listen address, CORS).
 *
 * Values are read as the reference's viper reads them: keys in any case,
 * its defaults where a key is absent (rate_control.cleanup 3m, the cors.*
 * defaults), durations as Go durations (a bare number is nanoseconds),
 * domain names lower-cased. Every key of every file is either carried over
 * or listed as not carried over, with the reason.
 *
 * This file holds the command and the order of the work; each part of the
 * files is read, and each output written, by cmd_config_import_*.c. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "cmd_config_import.h"
#include "commands.h"
#include "domains.h"
#include "status.h"
#include "yaml_doc.h"

static int load(struct import *im, enum role r)
{
    char err[1200];
    if (ydoc_load(&im->doc[r], im->path[r], err, sizeof err) != OK)
        return fail("%s", err);
    im->have[r] = 1;
    yaml_node_t *root = ydoc_root(&im->doc[r]);
    if (root && root->type != YAML_MAPPING_NODE && !ydoc_is_null(root))
        return fail("%s:%d:%d: expected the settings as a YAML mapping (key: value lines)",
                    im->path[r], ydoc_line(root), ydoc_column(root));
    return 0;
}

static int run_import(struct import *im)
{
    for (int r = 0; r < N_ROLES; r++)
        if (im->path[r] && load(im, (enum role)r) != 0)
            return 1;

    /* the domain file: as given, else where the reference found it */
    struct ydoc *a = &im->doc[R_AAPIJE];
    yaml_node_t *df = ydoc_path(a, "domainfile");
    const char *dfname = df ? ydoc_scalar(df) : NULL;
    if (df && !dfname)
        return import_bad_value(im, R_AAPIJE, "domainfile", df, "a file name");
    if (!im->path[R_DOMAINS] && dfname) {
        if (import_find_domainfile(im, dfname, im->found, sizeof im->found) != OK)
            return fail("%s:%d:%d: domainfile '%s' not found next to %s, in /etc/selfhost or here; "
                        "give the domain file as the second argument",
                        im->path[R_AAPIJE], ydoc_line(df), ydoc_column(df), dfname,
                        import_base_name(im->path[R_AAPIJE]));
        im->path[R_DOMAINS] = im->found;
        if (load(im, R_DOMAINS) != 0)
            return 1;
    }

    import_conf_begin(im, df, dfname);

    if (import_listen(im) != 0 || import_rate_control(im) != 0 || import_cors(im) != 0)
        return 1;
    if (im->have[R_DOMAINS]) {
        if (!dfname)
            buf_printf(&im->carried, "  %s names no domainfile (the reference then served no domain): "
                                     "the domains of %s are taken as given\n",
                       import_base_name(im->path[R_AAPIJE]), import_base_name(im->path[R_DOMAINS]));
        if (import_domains(im) != 0)
            return 1;
    } else {
        buf_printf(&im->carried, "  %s: no domainfile -> no domains (the reference served none)\n",
                   import_base_name(im->path[R_AAPIJE]));
    }
    if (im->have[R_JUVULN]) {
        yaml_node_t *jdf = ydoc_path(&im->doc[R_JUVULN], "domainfile");
        const char *j = jdf ? ydoc_scalar(jdf) : NULL;
        if (jdf && (!j || !dfname || strcmp(j, dfname) != 0))
            import_drop(im, R_JUVULN, "domainfile", jdf, "selfhost has one domain list for every process: "
                                                  "the manager serves the domains of domains.conf");
        else if (jdf)
            buf_printf(&im->carried, "  %s: domainfile = %s -> the same domains.conf (one domain "
                                     "list for every selfhost process)\n",
                       import_base_name(im->path[R_JUVULN]), j);
    }

    import_unread_keys(im);

    if (import_write_outputs(im) != 0)
        return 1;

    printf("read:");
    for (int r = 0; r < N_ROLES; r++)
        if (im->path[r])
            printf(" %s", im->path[r]);
    printf("\ncarried over:\n%s", buf_cstr(&im->carried));
    printf("not carried over:\n%s", im->dropped.len ? buf_cstr(&im->dropped) : "  nothing\n");
    printf("wrote: %s, %s, %s\n", im->p_conf, im->domains.n ? im->p_dom : "(no domains: no domains.conf)", im->p_ngx);
    printf("next: selfctl -c %s config show; nginx -t with %s included in http {}\n", im->p_conf, im->p_ngx);
    return 0;
}

int cmd_config_import(struct cli *c, int argc, char **argv)
{
    (void)c;
    if (wants_help(argc, argv))
        return usage_of("config", "import", 0);
    struct import im;
    memset(&im, 0, sizeof im);
    im.out_dir = opt_take(argc, argv, "--out");
    im.path[R_DOMAINS] = opt_take(argc, argv, "--domains");
    im.path[R_JUVULN] = opt_take(argc, argv, "--juvuln");
    im.path[R_MALGOMAJ] = opt_take(argc, argv, "--malgomaj");
    im.path[R_AAPIJE] = arg_take(argc, argv);
    for (int r = R_DOMAINS; r < N_ROLES; r++)
        if (!im.path[r] && !(im.path[r] = arg_take(argc, argv)))
            break;
    if (!im.path[R_AAPIJE])
        return missing("config", "import", "AAPIJE.yaml");
    if (args_done(argc, argv) != OK)
        return 2;
    if (!im.out_dir)
        im.out_dir = ".";
    int rc = run_import(&im);
    for (int r = 0; r < N_ROLES; r++)
        ydoc_free(&im.doc[r]);
    import_cors_free(&im.cors);
    domains_free(&im.domains);
    buf_free(&im.carried);
    buf_free(&im.dropped);
    buf_free(&im.conf);
    buf_free(&im.listen);
    buf_free(&im.rate);
    return rc;
}

