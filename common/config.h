/* config.h — the settings of every selfhost process, from one INI file.
 *
 * Where a value comes from, strongest first:
 *   1. environment: SELFHOST_<SECTION>_<KEY> (upper case, e.g.
 *      SELFHOST_RATE_CONTROL_REQ_PER_HOUR=0),
 *   2. the file: -c FILE, else $SELFHOST_CONFIG, else SELFHOST_DEFAULT_CONFIG
 *      (/etc/selfhost/selfhost.conf; a missing default file means defaults),
 *   3. the defaults in config.c's key table.
 * Relative paths in the file are relative to the file's folder.
 * Domains (name = PostgreSQL URI) live in [domains] of this file and/or in
 * the domain file (server.domainfile), which selfctl rewrites; see domains.h.
 * [replicas] (name = read-only URI of a streaming replica) goes with them. */
#ifndef SELFHOST_CONFIG_H
#define SELFHOST_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config {
    char *path;           /* file actually read, or "" when none */
    /* [server] */
    char *log_level;
    char *log_target;
    char *domainfile;
    int64_t max_body;     /* bytes accepted in a request body */
    char *state_dir;      /* shared state of a host's processes (rate buckets) */
    /* [database] */
    int64_t connect_timeout; /* seconds */
    int64_t db_connections;  /* per PostgreSQL server and host, all processes; 0 = no budget */
    int64_t db_wait_ms;      /* a request waits this long for a connection slot */
    int64_t db_idle_timeout; /* seconds before a responder closes an unused connection */
    int64_t db_replica_max_lag; /* seconds a replica may lag and still serve data reads */
    /* [rate_control] */
    int64_t req_per_hour; /* 0 = rate control off */
    int64_t maxburst;
    int64_t cleanup;      /* seconds an idle bucket is kept */
    /* [primus] */
    char *primus_uri;     /* "" = no registry, domains from files */
    char *primus_sql_read;   /* returns (name, uri) rows */
    char *primus_sql_create; /* $1 name, $2 uri */
    char *primus_sql_update; /* $1 name, $2 uri */
    char *primus_sql_delete; /* $1 name */
    char *primus_channel;    /* NOTIFY channel announcing changes */
    /* [manager] */
    char *manager_socket;
    int64_t manager_poll_interval; /* seconds between full re-reads of the programs */
    int64_t manager_max_attempts;  /* runs of one job, counting reruns after a worker died */
    int64_t manager_runs_kept;     /* program_runs rows kept per program */
    int64_t manager_upload_expiry; /* hours an unfinished dataset upload is kept; 0: for ever */
    int64_t manager_connections;   /* the manager's share of database.connections */
    int64_t manager_webhook_queue; /* webhooks waiting for a worker slot, all domains */
    int64_t manager_webhook_domain_max; /* webhooks of one domain queued or running */
    /* [worker] */
    int64_t worker_capacity;       /* jobs run at once */
    int64_t worker_memory_limit;   /* RLIMIT_AS of a program child, bytes */
    int64_t worker_open_files;     /* RLIMIT_NOFILE of a program child */
    int64_t worker_cache_size;     /* compiled programs kept */
    char *worker_program_user;     /* who program children run as; "" = the worker's user */
    /* [programs] */
    int64_t webhook_max_body;      /* bytes of a webhook request or response body */
    int64_t http_timeout;          /* seconds, per http.* call (also bounded by the deadline) */
    /* [domains] of the main file: parallel arrays, n_inline entries */
    char **inline_names;
    char **inline_uris;
    size_t n_inline;
    /* [replicas] of the main file: read-only URIs of inline domains */
    char **inline_replica_names;
    char **inline_replica_uris;
    size_t n_inline_replicas;
};

/* path may be NULL (then $SELFHOST_CONFIG or the default). On ERROR, err
 * holds one line naming the file, line and reason; cfg is left freed. */
int config_load(const char *path, struct config *cfg, char *err, size_t errsz);
void config_free(struct config *cfg);
/* Writes every key and its effective value (for `selfctl config show`). */
void config_dump(const struct config *cfg, void (*out)(const char *line, void *ctx), void *ctx);

#endif
