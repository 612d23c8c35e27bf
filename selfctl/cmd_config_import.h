/* cmd_config_import.h — what the files of `selfctl config import` share:
 * the reference's four YAML files (roles), the state of one import, and
 * the functions that read each part of them or write each output. */
#ifndef SELFCTL_CMD_CONFIG_IMPORT_H
#define SELFCTL_CMD_CONFIG_IMPORT_H

#include <stdint.h>

#include "buf.h"
#include "domains.h"
#include "yaml_doc.h"

enum role { R_AAPIJE, R_DOMAINS, R_JUVULN, R_MALGOMAJ, N_ROLES };

#define MAX_LIST 32

struct strlist {
    char *items[MAX_LIST];
    size_t n;
};

struct cors {
    int all_origins;
    struct strlist origins;  /* lower case; may hold one '*' each */
    struct strlist methods;  /* upper case */
    int all_headers;
    struct strlist headers;  /* canonical, Origin included */
    struct strlist exposed;  /* canonical */
    int credentials;
    int64_t max_age;
    int from_defaults;       /* no cors key in the file at all */
};

struct import {
    const char *path[N_ROLES];
    struct ydoc doc[N_ROLES];
    int have[N_ROLES];
    const char *out_dir;
    buf_t carried;      /* summary lines */
    buf_t dropped;      /* "not carried over" lines */
    buf_t conf;         /* selfhost.conf body */
    buf_t listen;       /* nginx listen lines */
    buf_t rate;         /* the [rate_control] lines of selfhost.conf */
    char listen_text[300];
    char found[4400];   /* the domain file, when looked for */
    struct domain_list domains;
    struct cors cors;
    char p_conf[4200], p_dom[4200], p_ngx[4200]; /* the outputs */
};

/* ---- cmd_config_import_keys.c: every key, and messages naming one ---- */

const char *import_base_name(const char *path);
/* "FILE line N" for comments and messages. */
void import_where(struct import *im, enum role r, const yaml_node_t *n, char *out, size_t outsz);
/* "FILE:L:C: key: expected ..., got '...'"; returns fail()'s 1. */
int import_bad_value(struct import *im, enum role r, const char *key, const yaml_node_t *n,
                     const char *expected);
/* A "not carried over" line, with the reason. */
void import_drop(struct import *im, enum role r, const char *key, yaml_node_t *value,
                 const char *why);
/* Every key of every file read that the reference does not read, or that
 * selfhost has no use for, as a "not carried over" line. */
void import_unread_keys(struct import *im);

/* ---- cmd_config_import_aapije.c: listen and rate_control ---- */

int import_listen(struct import *im);       /* nginx listen lines */
int import_rate_control(struct import *im); /* [rate_control] of selfhost.conf */

/* ---- cmd_config_import_cors.c: cors.* ---- */

int import_cors(struct import *im);
void import_cors_free(struct cors *c);

/* ---- cmd_config_import_domains.c: the domain file ---- */

int import_find_domainfile(struct import *im, const char *name, char *out, size_t outsz);
int import_domains(struct import *im);

/* ---- cmd_config_import_nginx.c, cmd_config_import_conf.c: outputs ---- */

void import_write_nginx(struct import *im, buf_t *b);
/* The head of selfhost.conf and its [server] section. */
void import_conf_begin(struct import *im, const yaml_node_t *df, const char *dfname);
/* selfhost.conf, domains.conf and nginx-selfhost.conf under im->out_dir,
 * never over an existing file; 0 or fail()'s 1. */
int import_write_outputs(struct import *im);

#endif
