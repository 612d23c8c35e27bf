/* cmd_config_import_domains.c — the reference's domain file: found where
 * its viper found it, each domain checked (a selfhost name, a URI libpq
 * takes) and kept for domains.conf. */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_config_import.h"
#include "status.h"

/* Where the reference found its domain file: viper looks in its config
 * folders for NAME with a known extension appended, then NAME itself. We
 * look next to the aapije file first (where a copy usually is). */
int import_find_domainfile(struct import *im, const char *name, char *out, size_t outsz)
{
    char here[4096];
    snprintf(here, sizeof here, "%s", im->path[R_AAPIJE]);
    char *slash = strrchr(here, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(here, sizeof here, ".");
    const char *dirs[] = { here, "/etc/selfhost", "." };
    const char *ext[] = { ".yaml", ".yml", ".json", "" };
    for (size_t i = 0; i < 3; i++)
        for (size_t e = 0; e < 4; e++) {
            int n = name[0] == '/' || strcmp(dirs[i], ".") == 0
                        ? snprintf(out, outsz, "%s%s", name, ext[e])
                        : snprintf(out, outsz, "%s/%s%s", dirs[i], name, ext[e]);
            struct stat st;
            if (n > 0 && (size_t)n < outsz && stat(out, &st) == 0 && S_ISREG(st.st_mode))
                return OK;
        }
    return ERROR;
}

int import_domains(struct import *im)
{
    enum role r = R_DOMAINS;
    struct ydoc *d = &im->doc[r];
    const char *file = import_base_name(im->path[r]);
    yaml_node_t *map = ydoc_get(d, ydoc_root(d), "domains");
    if (map && map->type != YAML_MAPPING_NODE)
        return import_bad_value(im, r, "domains", map, "a mapping of name: PostgreSQL URI");
    buf_t names = BUF_INIT;
    for (size_t i = 0; map && i < ydoc_map_len(map); i++) {
        yaml_node_t *k, *v;
        ydoc_map_pair(d, map, i, &k, &v);
        const char *ks = ydoc_scalar(k);
        char name[256], key[300];
        snprintf(name, sizeof name, "%s", ks ? ks : "");
        snprintf(key, sizeof key, "domains.%s", name);
        for (char *c = name; *c; c++) /* viper lower-cases keys: so did the reference */
            *c = (char)tolower((unsigned char)*c);
        const char *uri = ydoc_is_null(v) ? NULL : ydoc_scalar(v);
        char err[1024];
        if (!uri || !*uri) {
            import_drop(im, r, key, v, "not a PostgreSQL URI");
            continue;
        }
        if (!domain_name_valid(name)) {
            import_drop(im, r, key, v, "not a selfhost domain name: letters, digits, '-', '_' and '.', "
                                "at most 63, not starting with '.' or '-'");
            continue;
        }
        char *perr = NULL;
        PQconninfoOption *opts = PQconninfoParse(uri, &perr);
        if (!opts) {
            char why[600];
            snprintf(why, sizeof why, "libpq cannot use its URI: %s", perr ? perr : "out of memory");
            for (char *c = why; *c; c++)
                if (*c == '\n')
                    *c = ' ';
            size_t n = strlen(why);
            while (n && why[n - 1] == ' ')
                why[--n] = '\0';
            PQfreemem(perr);
            import_drop(im, r, key, v, why);
            continue;
        }
        PQconninfoFree(opts);
        if (domains_find(&im->domains, name)) {
            buf_free(&names);
            return fail("%s:%d:%d: domain '%s' is given twice (the reference lower-cases names)",
                        im->path[r], ydoc_line(k), ydoc_column(k), name);
        }
        if (domains_append(&im->domains, name, uri, err, sizeof err) != OK) {
            import_drop(im, r, key, v, err);
            continue;
        }
        buf_printf(&names, "%s%s", names.len ? ", " : "", name);
        if (strcmp(name, ks) != 0)
            buf_printf(&names, " (written %s; the reference lower-cased it)", ks);
    }
    buf_printf(&im->carried, "  %s: domains -> domains.conf: %zu domain%s%s%s\n", file,
               im->domains.n, im->domains.n == 1 ? "" : "s", im->domains.n ? ": " : "",
               buf_cstr(&names));
    buf_free(&names);
    return OK;
}
