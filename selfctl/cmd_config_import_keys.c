/* cmd_config_import_keys.c — the keys of the reference's files: which ones
 * `selfctl config import` carries over, which it lists as not carried over
 * and why, and the messages that point at a key in a file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_config_import.h"
#include "status.h"

/* What became of a key the reference reads. */
enum fate { CARRIED, DROPPED };

struct known_key {
    enum role role;
    const char *key;   /* dotted, lower case; "x.*" = every key under x */
    enum fate fate;
    const char *why;   /* DROPPED: the reason */
};

#define WHY_MGR_LISTEN "selfpmgr is reached through a Unix socket ([manager] socket), not over TCP"
#define WHY_WRK_LISTEN \
    "selfpwrk does not listen: it connects to selfpmgr's Unix socket ([manager] socket)"
#define WHY_MGR_ADDR                                                                  \
    "selfpwrk finds selfpmgr, and the modules it serves, at [manager] socket on the " \
    "same host; an HTTP address has no equivalent"
#define WHY_WORKER_TIMEOUT                                                             \
    "no equivalent: workers talk to selfpmgr over its Unix socket ([manager] socket), " \
    "not by HTTP subscriptions that expire"
#define WHY_CACHE "no equivalent: selfpwrk keeps no time-limited cache of program or module code"

static const struct known_key KNOWN[] = {
    { R_AAPIJE, "listen.host", CARRIED, NULL },
    { R_AAPIJE, "listen.port", CARRIED, NULL },
    { R_AAPIJE, "domainfile", CARRIED, NULL },
    { R_AAPIJE, "rate_control.req_per_hour", CARRIED, NULL },
    { R_AAPIJE, "rate_control.maxburst", CARRIED, NULL },
    { R_AAPIJE, "rate_control.cleanup", CARRIED, NULL },
    { R_AAPIJE, "cors.allowed_origins", CARRIED, NULL },
    { R_AAPIJE, "cors.allowed_methods", CARRIED, NULL },
    { R_AAPIJE, "cors.allowed_headers", CARRIED, NULL },
    { R_AAPIJE, "cors.exposed_headers", CARRIED, NULL },
    { R_AAPIJE, "cors.allow_credentials", CARRIED, NULL },
    { R_AAPIJE, "cors.max_age", CARRIED, NULL },
    { R_DOMAINS, "domains.*", CARRIED, NULL },
    { R_JUVULN, "domainfile", CARRIED, NULL },
    { R_JUVULN, "listen.host", DROPPED, WHY_MGR_LISTEN },
    { R_JUVULN, "listen.port", DROPPED, WHY_MGR_LISTEN },
    { R_JUVULN, "worker.timeout", DROPPED, WHY_WORKER_TIMEOUT },
    { R_MALGOMAJ, "listen.host", DROPPED, WHY_WRK_LISTEN },
    { R_MALGOMAJ, "listen.port", DROPPED, WHY_WRK_LISTEN },
    { R_MALGOMAJ, "cache.library_timeout", DROPPED, WHY_CACHE },
    { R_MALGOMAJ, "cache.program_timeout", DROPPED, WHY_CACHE },
    { R_MALGOMAJ, "program_manager.scheme", DROPPED, WHY_MGR_ADDR },
    { R_MALGOMAJ, "program_manager.authority", DROPPED, WHY_MGR_ADDR },
    { R_MALGOMAJ, "module_library.scheme", DROPPED, WHY_MGR_ADDR },
    { R_MALGOMAJ, "module_library.authority", DROPPED, WHY_MGR_ADDR },
};

const char *import_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* "FILE line N" for comments and messages. */
void import_where(struct import *im, enum role r, const yaml_node_t *n, char *out, size_t outsz)
{
    if (n)
        snprintf(out, outsz, "%s line %d", import_base_name(im->path[r]), ydoc_line(n));
    else
        snprintf(out, outsz, "%s", import_base_name(im->path[r]));
}

int import_bad_value(struct import *im, enum role r, const char *key, const yaml_node_t *n,
                     const char *expected)
{
    char shown[200];
    ydoc_show(&im->doc[r], (yaml_node_t *)n, shown, sizeof shown);
    return fail("%s:%d:%d: %s: expected %s, got '%s'", im->path[r], ydoc_line(n), ydoc_column(n),
                key, expected, shown);
}

void import_drop(struct import *im, enum role r, const char *key, yaml_node_t *value, const char *why)
{
    char shown[200];
    ydoc_show(&im->doc[r], value, shown, sizeof shown);
    /* a domain's value is a URI that may hold a password: not shown */
    if (strncmp(key, "domains.", 8) == 0)
        buf_printf(&im->dropped, "  %s: %s (%s)\n", import_base_name(im->path[r]), key, why);
    else
        buf_printf(&im->dropped, "  %s: %s = %s (%s)\n", import_base_name(im->path[r]), key, shown, why);
}


/* ---- keys nobody asked for ---- */

struct leaf_ctx {
    struct import *im;
    enum role role;
};

static void on_leaf(struct ydoc *d, const char *dotted, yaml_node_t *value, void *ctx)
{
    (void)d;
    struct leaf_ctx *lc = ctx;
    if (lc->role == R_DOMAINS && strcmp(dotted, "domains") == 0)
        return; /* an empty list of domains */
    /* "cors:" with nothing under it: to the reference, as if not there */
    size_t dl = strlen(dotted);
    for (size_t i = 0; ydoc_is_null(value) && i < sizeof KNOWN / sizeof *KNOWN; i++)
        if (KNOWN[i].role == lc->role && strncmp(KNOWN[i].key, dotted, dl) == 0 &&
            KNOWN[i].key[dl] == '.')
            return;
    for (size_t i = 0; i < sizeof KNOWN / sizeof *KNOWN; i++) {
        const struct known_key *k = &KNOWN[i];
        if (k->role != lc->role)
            continue;
        size_t n = strlen(k->key);
        int match = k->key[n - 1] == '*' ? strncmp(dotted, k->key, n - 1) == 0
                                         : strcmp(dotted, k->key) == 0;
        if (!match)
            continue;
        if (k->fate == DROPPED)
            import_drop(lc->im, lc->role, dotted, value, k->why);
        return;
    }
    const char *why = "not a setting the reference reads";
    if (lc->role == R_DOMAINS)
        why = "the reference reads only 'domains' from the domain file";
    else if (strncmp(dotted, "domains.", 8) == 0 || strcmp(dotted, "domains") == 0)
        why = "the reference reads domains only from the file named by 'domainfile'";
    import_drop(lc->im, lc->role, dotted, value, why);
}

void import_unread_keys(struct import *im)
{
    for (int r = 0; r < N_ROLES; r++) {
        if (!im->have[r])
            continue;
        struct leaf_ctx lc = { im, (enum role)r };
        yaml_node_t *root = ydoc_root(&im->doc[r]);
        if (root && root->type == YAML_MAPPING_NODE)
            ydoc_leaves(&im->doc[r], root, on_leaf, &lc);
    }
}
