/* config.c — configuration described by data: one table of keys with their
 * type, default and place in struct config; loading is a walk over it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini.h"
#include "status.h"

enum cfg_type { CFG_STR, CFG_INT, CFG_PATH };

struct cfg_key {
    const char *section;
    const char *name;
    enum cfg_type type;
    size_t offset;
    const char *dflt;
    int64_t min, max;
};

#define KEY(sec, name, type, field, dflt, min, max) \
    { sec, name, type, offsetof(struct config, field), dflt, min, max }

static const struct cfg_key keys[] = {
    KEY("server", "log_level", CFG_STR, log_level, "info", 0, 0),
    KEY("server", "log_target", CFG_STR, log_target, "stderr", 0, 0),
    KEY("server", "domainfile", CFG_PATH, domainfile, "/etc/selfhost/domains.conf", 0, 0),
    KEY("server", "max_body", CFG_INT, max_body, "33554432", 1024, INT64_C(1) << 40),
    KEY("server", "state_dir", CFG_PATH, state_dir, "/run/selfhost", 0, 0),
    KEY("database", "connect_timeout", CFG_INT, connect_timeout, "5", 1, 3600),
    KEY("database", "connections", CFG_INT, db_connections, "50", 0, 100000),
    KEY("database", "wait_ms", CFG_INT, db_wait_ms, "2000", 0, 60000),
    KEY("database", "idle_timeout", CFG_INT, db_idle_timeout, "60", 1, 86400),
    KEY("database", "replica_max_lag", CFG_INT, db_replica_max_lag, "5", 0, 86400),
    KEY("rate_control", "req_per_hour", CFG_INT, req_per_hour, "600", 0, INT64_C(1) << 40),
    KEY("rate_control", "maxburst", CFG_INT, maxburst, "10", 1, INT64_C(1) << 30),
    KEY("rate_control", "cleanup", CFG_INT, cleanup, "1800", 1, INT64_C(1) << 30),
    KEY("primus", "uri", CFG_STR, primus_uri, "", 0, 0),
    KEY("primus", "sql_read", CFG_STR, primus_sql_read,
        "SELECT name, uri FROM selfhost_domains ORDER BY name", 0, 0),
    KEY("primus", "sql_create", CFG_STR, primus_sql_create,
        "INSERT INTO selfhost_domains(name, uri) VALUES ($1, $2)", 0, 0),
    KEY("primus", "sql_update", CFG_STR, primus_sql_update,
        "UPDATE selfhost_domains SET uri = $2 WHERE name = $1", 0, 0),
    KEY("primus", "sql_delete", CFG_STR, primus_sql_delete,
        "DELETE FROM selfhost_domains WHERE name = $1", 0, 0),
    KEY("primus", "channel", CFG_STR, primus_channel, "selfhost_domains", 0, 0),
    KEY("manager", "socket", CFG_PATH, manager_socket, "/run/selfhost/selfpmgr.sock", 0, 0),
    KEY("manager", "poll_interval", CFG_INT, manager_poll_interval, "60", 1, 86400),
    KEY("manager", "max_attempts", CFG_INT, manager_max_attempts, "3", 1, 100),
    KEY("manager", "runs_kept", CFG_INT, manager_runs_kept, "50", 1, 100000),
    KEY("manager", "upload_expiry", CFG_INT, manager_upload_expiry, "168", 0, 87600),
    KEY("manager", "connections", CFG_INT, manager_connections, "10", 1, 10000),
    KEY("manager", "webhook_queue", CFG_INT, manager_webhook_queue, "8", 0, 100000),
    KEY("manager", "webhook_domain_max", CFG_INT, manager_webhook_domain_max, "4", 1, 100000),
    KEY("worker", "capacity", CFG_INT, worker_capacity, "2", 1, 1024),
    KEY("worker", "memory_limit", CFG_INT, worker_memory_limit, "536870912", 16777216,
        INT64_C(1) << 40),
    KEY("worker", "open_files", CFG_INT, worker_open_files, "64", 16, 65536),
    KEY("worker", "cache_size", CFG_INT, worker_cache_size, "64", 1, 100000),
    KEY("worker", "program_user", CFG_STR, worker_program_user, "selfhost-prog", 0, 0),
    KEY("programs", "webhook_max_body", CFG_INT, webhook_max_body, "8388608", 0, 12582912),
    KEY("programs", "http_timeout", CFG_INT, http_timeout, "30", 1, 3600),
};
#define NKEYS (sizeof keys / sizeof *keys)

struct load_ctx {
    struct config *cfg;
    char dir[4096];            /* folder of the file, for relative paths */
    int seen[NKEYS];           /* set from the environment: file must not override */
};

static const struct cfg_key *key_find(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int set_value(struct load_ctx *lc, const struct cfg_key *k, const char *value,
                     char *err, size_t errsz)
{
    char *base = (char *)lc->cfg;
    if (k->type == CFG_INT) {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end != '\0' || v < k->min || v > k->max) {
            snprintf(err, errsz, "%s.%s: expected an integer from %lld to %lld, got '%s'",
                     k->section, k->name, (long long)k->min, (long long)k->max, value);
            return ERROR;
        }
        *(int64_t *)(base + k->offset) = v;
        return OK;
    }
    char **slot = (char **)(base + k->offset);
    free(*slot);
    if (k->type == CFG_PATH && value[0] != '/' && value[0] != '\0' && lc->dir[0]) {
        size_t n = strlen(lc->dir) + strlen(value) + 2;
        *slot = malloc(n);
        if (*slot)
            snprintf(*slot, n, "%s/%s", lc->dir, value);
    } else {
        *slot = strdup(value);
    }
    if (!*slot) {
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    return OK;
}

/* Appends (name, uri) to the parallel arrays of [domains] or [replicas]. */
static int add_inline(char ***names_p, char ***uris_p, size_t *n, const char *name,
                      const char *uri, char *err, size_t errsz)
{
    char **names = realloc(*names_p, (*n + 1) * sizeof *names);
    if (names)
        *names_p = names;
    char **uris = realloc(*uris_p, (*n + 1) * sizeof *uris);
    if (uris)
        *uris_p = uris;
    if (!names || !uris) {
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    names[*n] = strdup(name);
    uris[*n] = strdup(uri);
    (*n)++;
    return OK;
}

static int on_entry(void *ctx, const char *section, const char *key, const char *value,
                    char *err, size_t errsz)
{
    struct load_ctx *lc = ctx;
    struct config *cfg = lc->cfg;
    if (strcmp(section, "domains") == 0)
        return add_inline(&cfg->inline_names, &cfg->inline_uris, &cfg->n_inline, key, value,
                          err, errsz);
    if (strcmp(section, "replicas") == 0)
        return add_inline(&cfg->inline_replica_names, &cfg->inline_replica_uris,
                          &cfg->n_inline_replicas, key, value, err, errsz);
    const struct cfg_key *k = key_find(section, key);
    if (!k) {
        snprintf(err, errsz, "unknown setting '%s' in [%s]", key, section);
        return ERROR;
    }
    if (lc->seen[k - keys])
        return OK; /* the environment wins */
    return set_value(lc, k, value, err, errsz);
}

static void env_name(const struct cfg_key *k, char *out, size_t n)
{
    snprintf(out, n, "SELFHOST_%s_%s", k->section, k->name);
    for (char *p = out; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

static int apply_env(struct load_ctx *lc, char *err, size_t errsz)
{
    for (size_t i = 0; i < NKEYS; i++) {
        char name[128];
        env_name(&keys[i], name, sizeof name);
        const char *v = getenv(name);
        if (!v)
            continue;
        char why[256];
        if (set_value(lc, &keys[i], v, why, sizeof why) != OK) {
            snprintf(err, errsz, "environment %s: %s", name, why);
            return ERROR;
        }
        lc->seen[i] = 1;
    }
    return OK;
}

/* Settings that only make sense together. */
static int check_together(const struct config *cfg, char *err, size_t errsz)
{
    if (cfg->db_connections > 0 && cfg->manager_connections >= cfg->db_connections) {
        snprintf(err, errsz, "manager.connections (%lld) must be below database.connections "
                             "(%lld): the rest is the responders' share",
                 (long long)cfg->manager_connections, (long long)cfg->db_connections);
        return ERROR;
    }
    return OK;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errsz)
{
    memset(cfg, 0, sizeof *cfg);
    struct load_ctx lc = { .cfg = cfg };
    int explicit_path = path != NULL;
    if (!path && (path = getenv("SELFHOST_CONFIG")) != NULL && *path)
        explicit_path = 1;
    if (!path || !*path)
        path = SELFHOST_DEFAULT_CONFIG;

    for (size_t i = 0; i < NKEYS; i++)
        if (set_value(&lc, &keys[i], keys[i].dflt, err, errsz) != OK)
            goto fail;
    /* relative paths resolve against the file's folder from here on */
    snprintf(lc.dir, sizeof lc.dir, "%s", path);
    char *slash = strrchr(lc.dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(lc.dir, sizeof lc.dir, ".");
    if (apply_env(&lc, err, errsz) != OK)
        goto fail;
    if (!explicit_path && access(path, F_OK) != 0 && errno == ENOENT) {
        cfg->path = strdup(""); /* no default file: defaults and environment */
        if (check_together(cfg, err, errsz) != OK)
            goto fail;
        return OK;
    }
    if (ini_parse_file(path, on_entry, &lc, err, errsz) != OK || check_together(cfg, err, errsz) != OK)
        goto fail;
    cfg->path = strdup(path);
    return OK;
fail:
    config_free(cfg);
    return ERROR;
}

void config_free(struct config *cfg)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].type == CFG_INT)
            continue;
        char **slot = (char **)((char *)cfg + keys[i].offset);
        free(*slot);
        *slot = NULL;
    }
    for (size_t i = 0; i < cfg->n_inline; i++) {
        free(cfg->inline_names[i]);
        free(cfg->inline_uris[i]);
    }
    free(cfg->inline_names);
    free(cfg->inline_uris);
    for (size_t i = 0; i < cfg->n_inline_replicas; i++) {
        free(cfg->inline_replica_names[i]);
        free(cfg->inline_replica_uris[i]);
    }
    free(cfg->inline_replica_names);
    free(cfg->inline_replica_uris);
    free(cfg->path);
    memset(cfg, 0, sizeof *cfg);
}

void config_dump(const struct config *cfg, void (*out)(const char *line, void *ctx), void *ctx)
{
    char line[4400];
    for (size_t i = 0; i < NKEYS; i++) {
        const char *base = (const char *)cfg;
        if (keys[i].type == CFG_INT)
            snprintf(line, sizeof line, "%s.%s = %lld", keys[i].section, keys[i].name,
                     (long long)*(const int64_t *)(base + keys[i].offset));
        else
            snprintf(line, sizeof line, "%s.%s = %s", keys[i].section, keys[i].name,
                     *(char *const *)(base + keys[i].offset));
        out(line, ctx);
    }
}
