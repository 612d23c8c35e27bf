/* domains.c — domain list: load from config + domain file, find, edit;
 * the replicas ([replicas]) attached to the domains of their own file. */
#include "domains.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "primus.h"
#include "status.h"

int domain_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > DOMAIN_NAME_MAX || name[0] == '.' || name[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return 0;
    }
    return 1;
}

/* A URI must survive a write to and a read from the domain file unchanged:
 * one line, nothing the INI reader trims or unquotes. */
static int uri_storable(const char *uri)
{
    size_t n = strlen(uri);
    if (isspace((unsigned char)uri[0]) || isspace((unsigned char)uri[n - 1]) ||
        uri[0] == '"' || uri[n - 1] == '"')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (iscntrl((unsigned char)uri[i]))
            return 0;
    return 1;
}

const struct domain *domains_find(const struct domain_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

int domains_set_replica(struct domain_list *l, const char *name, const char *uri, char *err,
                        size_t errsz)
{
    struct domain *d = (struct domain *)domains_find(l, name);
    if (!d) {
        snprintf(err, errsz, "replica of '%s', but no domain '%s' is defined in this file or before it",
                 name, name);
        return ERROR;
    }
    if (d->replica) {
        snprintf(err, errsz, "domain '%s' has two replicas", name);
        return ERROR;
    }
    if (*uri == '\0' || !uri_storable(uri)) {
        snprintf(err, errsz, "domain '%s': the replica URI must not be empty nor hold control "
                             "characters, outer spaces or quotes", name);
        return ERROR;
    }
    d->replica = strdup(uri);
    if (!d->replica) {
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    return OK;
}

int domains_append(struct domain_list *l, const char *name, const char *uri, char *err,
                   size_t errsz)
{
    if (!domain_name_valid(name)) {
        snprintf(err, errsz, "invalid domain name '%s' (letters, digits, '-', '_', '.'; at most %d)",
                 name, DOMAIN_NAME_MAX);
        return ERROR;
    }
    if (domains_find(l, name)) {
        snprintf(err, errsz, "domain '%s' is defined twice", name);
        return ERROR;
    }
    if (*uri == '\0') {
        snprintf(err, errsz, "domain '%s' has an empty database URI", name);
        return ERROR;
    }
    if (!uri_storable(uri)) {
        snprintf(err, errsz, "domain '%s': the database URI must not hold control characters, "
                             "outer spaces or quotes", name);
        return ERROR;
    }
    struct domain *items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    l->items = items;
    items[l->n].name = strdup(name);
    items[l->n].uri = strdup(uri);
    items[l->n].replica = NULL;
    l->n++;
    return OK;
}

/* One file's [replicas], kept until the whole file is read (the section may
 * come before [domains]), then attached to that file's domains. */
struct replica_list {
    char **names, **uris;
    size_t n;
};

static void replicas_free(struct replica_list *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->names[i]);
        free(r->uris[i]);
    }
    free(r->names);
    free(r->uris);
    memset(r, 0, sizeof *r);
}

static int replicas_add(struct replica_list *r, const char *name, const char *uri, char *err,
                        size_t errsz)
{
    char **names = realloc(r->names, (r->n + 1) * sizeof *names);
    if (names)
        r->names = names;
    char **uris = realloc(r->uris, (r->n + 1) * sizeof *uris);
    if (uris)
        r->uris = uris;
    if (!names || !uris) {
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    names[r->n] = strdup(name);
    uris[r->n] = strdup(uri);
    r->n++;
    return OK;
}

/* Attaches replica uris[i] to domain names[i] of l, for each i < n. */
static int replicas_attach(struct domain_list *l, char *const *names, char *const *uris,
                           size_t n, const char *where, char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++) {
        char why[400];
        if (domains_set_replica(l, names[i], uris[i], why, sizeof why) != OK) {
            snprintf(err, errsz, "%s: [replicas]: %s", where, why);
            return ERROR;
        }
    }
    return OK;
}

struct file_ctx {
    struct domain_list *l;
    struct replica_list replicas;
};

static int on_domain(void *ctx, const char *section, const char *key, const char *value,
                     char *err, size_t errsz)
{
    struct file_ctx *fc = ctx;
    if (strcmp(section, "domains") == 0)
        return domains_append(fc->l, key, value, err, errsz);
    if (strcmp(section, "replicas") == 0)
        return replicas_add(&fc->replicas, key, value, err, errsz);
    snprintf(err, errsz, "only a [domains] section belongs in the domain file (and its "
                         "[replicas])");
    return ERROR;
}

/* Appends the domains of the domain file at path (and their replicas) to l. */
static int file_read(const char *path, struct domain_list *l, char *err, size_t errsz)
{
    struct file_ctx fc = { .l = l };
    int rc = ini_parse_file(path, on_domain, &fc, err, errsz);
    if (rc == OK)
        rc = replicas_attach(l, fc.replicas.names, fc.replicas.uris, fc.replicas.n, path, err,
                             errsz);
    replicas_free(&fc.replicas);
    return rc;
}

int domains_load(const struct config *cfg, struct db_conn *primus, struct domain_list *out,
                 char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < cfg->n_inline; i++)
        if (domains_append(out, cfg->inline_names[i], cfg->inline_uris[i], err, errsz) != OK)
            goto fail;
    if (replicas_attach(out, cfg->inline_replica_names, cfg->inline_replica_uris,
                        cfg->n_inline_replicas, cfg->path && *cfg->path ? cfg->path : "config",
                        err, errsz) != OK)
        goto fail;
    if (cfg->domainfile && *cfg->domainfile && access(cfg->domainfile, F_OK) == 0 &&
        file_read(cfg->domainfile, out, err, errsz) != OK)
        goto fail;
    if (primus_enabled(cfg)) {
        struct db_conn own = { 0 };
        if (!primus && primus_connect(cfg, &own, err, errsz) != OK)
            goto fail;
        int rc = primus_read(cfg, primus ? primus : &own, out, err, errsz);
        db_close(&own);
        if (rc != OK)
            goto fail;
    }
    return OK;
fail:
    domains_free(out);
    return ERROR;
}

void domains_free(struct domain_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].uri);
        free(l->items[i].replica);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int64_t domains_file_mtime(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return 0;
    /* the inode number changes on every rename-replace: mix it in so two
     * rewrites within the file system's timestamp granularity still differ */
    return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec + (int64_t)st.st_ino;
}

/* Reads only the domain file (not the inline ones) for editing. */
static int file_load(const char *path, struct domain_list *l, char *err, size_t errsz)
{
    memset(l, 0, sizeof *l);
    if (access(path, F_OK) == 0 && file_read(path, l, err, errsz) != OK) {
        domains_free(l);
        return ERROR;
    }
    return OK;
}

static int file_save(const char *path, const struct domain_list *l, char *err, size_t errsz)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errsz, "cannot write %s: %s", tmp, strerror(errno));
        return ERROR;
    }
    /* URIs may hold passwords: 0640 for a new file. An existing file keeps
     * its owner and mode, so root editing it does not lock the services out. */
    struct stat st;
    if (stat(path, &st) == 0) {
        fchmod(fileno(f), st.st_mode & 07777);
        if (fchown(fileno(f), st.st_uid, st.st_gid) != 0 && geteuid() == 0)
            snprintf(err, errsz, "warning: cannot keep the owner of %s", path);
    } else {
        fchmod(fileno(f), 0640);
    }
    fprintf(f, "# selfhost domains: name = PostgreSQL URI.\n"
               "# Written by `selfctl domain add|remove`; running processes reload it.\n"
               "[domains]\n");
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "%s = %s\n", l->items[i].name, l->items[i].uri);
    int replicas = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].replica)
            fprintf(f, "%s%s = %s\n", replicas++ ? "" : "\n# read-only URIs of streaming "
                    "replicas, for data reads\n[replicas]\n", l->items[i].name,
                    l->items[i].replica);
    int bad = ferror(f);
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return ERROR;
    }
    return OK;
}

int domains_file_add(const char *path, const char *name, const char *uri, char *err, size_t errsz)
{
    struct domain_list l;
    if (file_load(path, &l, err, errsz) != OK)
        return ERROR;
    int rc = ERROR;
    if (domains_find(&l, name))
        snprintf(err, errsz, "domain '%s' already exists in %s", name, path);
    else if (domains_append(&l, name, uri, err, errsz) == OK)
        rc = file_save(path, &l, err, errsz);
    domains_free(&l);
    return rc;
}

int domains_file_remove(const char *path, const char *name, char *err, size_t errsz)
{
    struct domain_list l;
    if (file_load(path, &l, err, errsz) != OK)
        return ERROR;
    int rc = ERROR;
    size_t i;
    for (i = 0; i < l.n && strcmp(l.items[i].name, name) != 0; i++)
        ;
    if (i == l.n) {
        snprintf(err, errsz, "no domain '%s' in %s", name, path);
    } else {
        free(l.items[i].name);
        free(l.items[i].uri);
        free(l.items[i].replica);
        l.items[i] = l.items[l.n - 1];
        l.n--;
        rc = file_save(path, &l, err, errsz);
    }
    domains_free(&l);
    return rc;
}
