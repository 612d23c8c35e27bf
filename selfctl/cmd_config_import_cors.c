/* cmd_config_import_cors.c — the aapije file's cors.* settings, read as
 * the reference's viper and go-chi/cors read them (its defaults where a
 * key is absent); cmd_config_import_nginx.c turns them into nginx. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_config_import.h"
#include "status.h"

static int strlist_add(struct strlist *l, const char *s, size_t len)
{
    if (l->n == MAX_LIST)
        return ERROR;
    l->items[l->n] = strndup(s, len);
    return l->items[l->n] ? (l->n++, OK) : ERROR;
}

static void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    l->n = 0;
}

/* A viper string slice: a sequence of scalars, or one scalar split at
 * white space. */
static int string_list(struct import *im, enum role r, const char *key, yaml_node_t *n, struct strlist *out)
{
    struct ydoc *d = &im->doc[r];
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = ydoc_scalar(n);
        while (*s) {
            s += strspn(s, " \t\r\n");
            size_t len = strcspn(s, " \t\r\n");
            if (len && strlist_add(out, s, len) != OK)
                return import_bad_value(im, r, key, n, "at most 32 items");
            s += len;
        }
        return OK;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return import_bad_value(im, r, key, n, "a list");
    for (size_t i = 0; i < ydoc_seq_len(n); i++) {
        const char *s = ydoc_scalar(ydoc_seq_item(d, n, i));
        if (!s)
            return import_bad_value(im, r, key, n, "a list of strings");
        if (strlist_add(out, s, strlen(s)) != OK)
            return import_bad_value(im, r, key, n, "at most 32 items");
    }
    return OK;
}

static int is_token(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+.^_`|~-", *s))
            return 0;
    return 1;
}

/* Go's http.CanonicalHeaderKey: upper case after '-' and at the start. */
static void canonical(char *s)
{
    int up = 1;
    for (; *s; s++) {
        *s = (char)(up ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
        up = *s == '-';
    }
}

int import_cors(struct import *im)
{
    enum role r = R_AAPIJE;
    struct ydoc *d = &im->doc[r];
    struct cors *c = &im->cors;
    memset(c, 0, sizeof *c);
    c->from_defaults = ydoc_path(d, "cors") == NULL;

    /* the reference's defaults, cmd/aapije/config.go */
    yaml_node_t *n = ydoc_path(d, "cors.allowed_origins");
    struct strlist origins = { 0 };
    if (n) {
        if (string_list(im, r, "cors.allowed_origins", n, &origins) != OK)
            return ERROR;
    } else {
        strlist_add(&origins, "https://*", 9);
        strlist_add(&origins, "http://*", 8);
    }
    c->all_origins = origins.n == 0;
    for (size_t i = 0; i < origins.n; i++) {
        for (char *p = origins.items[i]; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (strcmp(origins.items[i], "*") == 0)
            c->all_origins = 1;
        for (const char *p = origins.items[i]; *p; p++)
            if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) || *p == '"')
                return import_bad_value(im, r, "cors.allowed_origins", n, "origins such as https://example.com");
    }
    if (!c->all_origins)
        c->origins = origins;
    else
        strlist_free(&origins);

    n = ydoc_path(d, "cors.allowed_methods");
    if (n) {
        if (string_list(im, r, "cors.allowed_methods", n, &c->methods) != OK)
            return ERROR;
    } else {
        const char *def[] = { "POST", "GET", "PUT", "DELETE", "OPTIONS" };
        for (size_t i = 0; i < 5; i++)
            strlist_add(&c->methods, def[i], strlen(def[i]));
    }
    if (c->methods.n == 0) { /* go-chi/cors: the simple methods */
        const char *def[] = { "GET", "POST", "HEAD" };
        for (size_t i = 0; i < 3; i++)
            strlist_add(&c->methods, def[i], strlen(def[i]));
    }
    for (size_t i = 0; i < c->methods.n; i++) {
        for (char *p = c->methods.items[i]; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        if (!is_token(c->methods.items[i]))
            return import_bad_value(im, r, "cors.allowed_methods", n, "HTTP methods");
    }

    n = ydoc_path(d, "cors.allowed_headers");
    if (n) {
        if (string_list(im, r, "cors.allowed_headers", n, &c->headers) != OK)
            return ERROR;
    } else {
        const char *def[] = { "Accept", "Authorization", "Content-Type", "If-None-Match" };
        for (size_t i = 0; i < 4; i++)
            strlist_add(&c->headers, def[i], strlen(def[i]));
    }
    if (c->headers.n == 0) {
        const char *def[] = { "Origin", "Accept", "Content-Type" };
        for (size_t i = 0; i < 3; i++)
            strlist_add(&c->headers, def[i], strlen(def[i]));
    } else if (strlist_add(&c->headers, "Origin", 6) != OK) { /* go-chi/cors always adds it */
        return import_bad_value(im, r, "cors.allowed_headers", n, "at most 31 headers");
    }
    for (size_t i = 0; i < c->headers.n; i++) {
        if (strcmp(c->headers.items[i], "*") == 0) {
            c->all_headers = 1;
            continue;
        }
        canonical(c->headers.items[i]);
        if (!is_token(c->headers.items[i]))
            return import_bad_value(im, r, "cors.allowed_headers", n, "header names");
    }

    n = ydoc_path(d, "cors.exposed_headers");
    if (n) {
        if (string_list(im, r, "cors.exposed_headers", n, &c->exposed) != OK)
            return ERROR;
    } else {
        strlist_add(&c->exposed, "Link", 4);
    }
    for (size_t i = 0; i < c->exposed.n; i++) {
        canonical(c->exposed.items[i]);
        if (!is_token(c->exposed.items[i]))
            return import_bad_value(im, r, "cors.exposed_headers", n, "header names");
    }

    n = ydoc_path(d, "cors.allow_credentials");
    c->credentials = 1;
    if (n && ydoc_bool(n, &c->credentials) != OK)
        return import_bad_value(im, r, "cors.allow_credentials", n, "true or false");

    n = ydoc_path(d, "cors.max_age");
    c->max_age = 300;
    if (n && (ydoc_int(n, &c->max_age) != OK || c->max_age > INT32_MAX))
        return import_bad_value(im, r, "cors.max_age", n, "a number of seconds");

    buf_printf(&im->carried, "  %s%s: cors.* -> nginx-selfhost.conf: CORS headers and the "
                             "OPTIONS preflight (selfserv does not do CORS)\n",
               c->from_defaults ? "(reference defaults) " : "", import_base_name(im->path[r]));
    return OK;
}

void import_cors_free(struct cors *c)
{
    strlist_free(&c->origins);
    strlist_free(&c->methods);
    strlist_free(&c->headers);
    strlist_free(&c->exposed);
}
