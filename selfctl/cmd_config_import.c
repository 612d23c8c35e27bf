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
 * or listed as not carried over, with the reason. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "commands.h"
#include "domains.h"
#include "status.h"
#include "yaml_doc.h"

enum role { R_AAPIJE, R_DOMAINS, R_JUVULN, R_MALGOMAJ, N_ROLES };

static const char *const ROLE_NAME[N_ROLES] = { "aapije", "domain file", "juvuln", "malgomaj" };

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

/* The reference's port in its OpenAPI servers entry (127.0.0.1:8095): the
 * listen port when its file names none (it then took a random port). */
#define REFERENCE_PORT 8095
/* rate_control defaults: the reference's (cmd/aapije/config.go) and ours */
#define REF_CLEANUP_NS 180e9
#define OUR_REQ_PER_HOUR 600
#define OUR_MAXBURST 10
#define OUR_CLEANUP 1800

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
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    l->n = 0;
}

static int strlist_add(struct strlist *l, const char *s, size_t len)
{
    if (l->n == MAX_LIST)
        return ERROR;
    l->items[l->n] = strndup(s, len);
    return l->items[l->n] ? (l->n++, OK) : ERROR;
}

/* "FILE line N" for comments and messages. */
static void where(struct import *im, enum role r, const yaml_node_t *n, char *out, size_t outsz)
{
    if (n)
        snprintf(out, outsz, "%s line %d", base_name(im->path[r]), ydoc_line(n));
    else
        snprintf(out, outsz, "%s", base_name(im->path[r]));
}

static int bad_value(struct import *im, enum role r, const char *key, const yaml_node_t *n,
                     const char *expected)
{
    char shown[200];
    ydoc_show(&im->doc[r], (yaml_node_t *)n, shown, sizeof shown);
    return fail("%s:%d:%d: %s: expected %s, got '%s'", im->path[r], ydoc_line(n), ydoc_column(n),
                key, expected, shown);
}

static void drop(struct import *im, enum role r, const char *key, yaml_node_t *value, const char *why)
{
    char shown[200];
    ydoc_show(&im->doc[r], value, shown, sizeof shown);
    /* a domain's value is a URI that may hold a password: not shown */
    if (strncmp(key, "domains.", 8) == 0)
        buf_printf(&im->dropped, "  %s: %s (%s)\n", base_name(im->path[r]), key, why);
    else
        buf_printf(&im->dropped, "  %s: %s = %s (%s)\n", base_name(im->path[r]), key, shown, why);
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
            drop(lc->im, lc->role, dotted, value, k->why);
        return;
    }
    const char *why = "not a setting the reference reads";
    if (lc->role == R_DOMAINS)
        why = "the reference reads only 'domains' from the domain file";
    else if (strncmp(dotted, "domains.", 8) == 0 || strcmp(dotted, "domains") == 0)
        why = "the reference reads domains only from the file named by 'domainfile'";
    drop(lc->im, lc->role, dotted, value, why);
}

/* ---- listen ---- */

static int do_listen(struct import *im)
{
    enum role r = R_AAPIJE;
    struct ydoc *d = &im->doc[r];
    yaml_node_t *host_n = ydoc_path(d, "listen.host"), *port_n = ydoc_path(d, "listen.port");
    const char *host = host_n ? ydoc_scalar(host_n) : "";
    if (!host)
        return bad_value(im, r, "listen.host", host_n, "a host name or address");
    int64_t port = 0;
    if (port_n && (ydoc_int(port_n, &port) != OK || port < 0 || port > 65535))
        return bad_value(im, r, "listen.port", port_n, "a port number");
    char note[300] = "";
    if (port == 0) {
        snprintf(note, sizeof note, " (listen.port 0 or not set: the reference then took a random port; "
                                    "%d is the port in its OpenAPI servers entry)", REFERENCE_PORT);
        port = REFERENCE_PORT;
    }
    for (const char *c = host; *c; c++)
        if (isspace((unsigned char)*c) || *c == ';' || *c == '{' || *c == '}' || *c == '"' ||
            *c == '\'' || *c == '$' || *c == '\\')
            return bad_value(im, r, "listen.host", host_n, "a host name or address");
    if (!*host || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0 || strcmp(host, "[::]") == 0) {
        /* Go listens on every address, IPv4 and IPv6 */
        buf_printf(&im->listen, "    listen %" PRId64 ";\n    listen [::]:%" PRId64 ";\n", port, port);
        snprintf(im->listen_text, sizeof im->listen_text, "listen %" PRId64 " and [::]:%" PRId64,
                 port, port);
    } else if (strchr(host, ':') && host[0] != '[') {
        buf_printf(&im->listen, "    listen [%s]:%" PRId64 ";\n", host, port);
        snprintf(im->listen_text, sizeof im->listen_text, "listen [%s]:%" PRId64, host, port);
    } else {
        buf_printf(&im->listen, "    listen %s:%" PRId64 ";\n", host, port);
        snprintf(im->listen_text, sizeof im->listen_text, "listen %s:%" PRId64, host, port);
    }
    char shown_host[200], shown_port[200];
    ydoc_show(d, host_n, shown_host, sizeof shown_host);
    ydoc_show(d, port_n, shown_port, sizeof shown_port);
    buf_printf(&im->carried, "  %s: listen.host = %s, listen.port = %s -> nginx-selfhost.conf: %s%s\n",
               base_name(im->path[r]), host_n ? shown_host : "(not set)",
               port_n ? shown_port : "(not set)", im->listen_text, note);
    return OK;
}

/* ---- rate control ---- */

static int do_rate_control(struct import *im)
{
    enum role r = R_AAPIJE;
    struct ydoc *d = &im->doc[r];
    const char *file = base_name(im->path[r]);
    char w[300], shown[200];
    buf_t *sec = &im->rate;

    yaml_node_t *n = ydoc_path(d, "rate_control.req_per_hour");
    int64_t v;
    if (n) {
        if (ydoc_int(n, &v) != OK || v > (INT64_C(1) << 40))
            return bad_value(im, r, "rate_control.req_per_hour", n, "a whole number");
        where(im, r, n, w, sizeof w);
        const char *why = NULL;
        if (v < 0) {
            why = "negative: the reference then sets no limit, as 0 does in selfhost";
            v = 0;
        } else if (v == 0) {
            why = "the reference divides by zero at 0 and fails every request; selfhost turns rate "
                  "control off";
        }
        if (v != OUR_REQ_PER_HOUR) {
            buf_printf(sec, "# rate_control.req_per_hour = %s (%s%s%s)\nreq_per_hour = %" PRId64 "\n",
                       ydoc_scalar(n), w, why ? "; " : "", why ? why : "", v);
            buf_printf(&im->carried, "  %s: rate_control.req_per_hour = %s -> selfhost.conf "
                                     "[rate_control] req_per_hour = %" PRId64 "%s%s%s\n",
                       file, ydoc_scalar(n), v, why ? " (" : "", why ? why : "", why ? ")" : "");
        } else {
            buf_printf(&im->carried, "  %s: rate_control.req_per_hour = %s -> selfhost's default, "
                                     "not written\n", file, ydoc_scalar(n));
        }
    }

    n = ydoc_path(d, "rate_control.maxburst");
    if (n) {
        if (ydoc_int(n, &v) != OK || v > (INT64_C(1) << 30))
            return bad_value(im, r, "rate_control.maxburst", n, "a whole number");
        where(im, r, n, w, sizeof w);
        if (v < 1) {
            drop(im, r, "rate_control.maxburst", n, "below 1 the reference refuses every request "
                                                    "while the rate is limited; selfhost needs at "
                                                    "least 1 and keeps its default 10");
        } else if (v != OUR_MAXBURST) {
            buf_printf(sec, "# rate_control.maxburst = %s (%s)\nmaxburst = %" PRId64 "\n",
                       ydoc_scalar(n), w, v);
            buf_printf(&im->carried, "  %s: rate_control.maxburst = %s -> selfhost.conf "
                                     "[rate_control] maxburst = %" PRId64 "\n", file, ydoc_scalar(n), v);
        } else {
            buf_printf(&im->carried, "  %s: rate_control.maxburst = %s -> selfhost's default, "
                                     "not written\n", file, ydoc_scalar(n));
        }
    }

    n = ydoc_path(d, "rate_control.cleanup");
    double ns = REF_CLEANUP_NS;
    if (n && ydoc_duration_ns(n, &ns) != OK)
        return bad_value(im, r, "rate_control.cleanup", n, "a Go duration such as 3m or 1h30m");
    int64_t s = (int64_t)llround(ns / 1e9);
    char why[200] = "";
    if (n && ydoc_scalar(n) && !strpbrk(ydoc_scalar(n), "nsuµμmh"))
        snprintf(why, sizeof why, "a bare number is nanoseconds to the reference");
    if (s < 1) {
        s = 1;
        snprintf(why + strlen(why), sizeof why - strlen(why), "%s1 s is the shortest selfhost keeps",
                 *why ? "; " : "");
    }
    char note[220] = "";
    if (*why)
        snprintf(note, sizeof note, " (%s)", why);
    if (n)
        ydoc_show(d, n, shown, sizeof shown);
    else
        snprintf(shown, sizeof shown, "3m");
    const char *dflt = n ? "" : "(reference default) ";
    if (s == OUR_CLEANUP) {
        buf_printf(&im->carried, "  %s%s: rate_control.cleanup = %s -> selfhost's default, not written\n",
                   dflt, file, shown);
    } else {
        if (n) {
            where(im, r, n, w, sizeof w);
            buf_printf(sec, "# rate_control.cleanup = %s (%s): %" PRId64 " s%s\n", shown, w, s, note);
        } else {
            buf_printf(sec, "# rate_control.cleanup not set: the reference's default 3m\n");
        }
        buf_printf(sec, "cleanup = %" PRId64 "\n", s);
        buf_printf(&im->carried, "  %s%s: rate_control.cleanup = %s -> selfhost.conf [rate_control] "
                                 "cleanup = %" PRId64 "%s\n", dflt, file, shown, s, note);
    }
    if (sec->len)
        buf_printf(&im->conf, "\n[rate_control]\n%s", buf_cstr(sec));
    return OK;
}

/* ---- CORS ---- */

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
                return bad_value(im, r, key, n, "at most 32 items");
            s += len;
        }
        return OK;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return bad_value(im, r, key, n, "a list");
    for (size_t i = 0; i < ydoc_seq_len(n); i++) {
        const char *s = ydoc_scalar(ydoc_seq_item(d, n, i));
        if (!s)
            return bad_value(im, r, key, n, "a list of strings");
        if (strlist_add(out, s, strlen(s)) != OK)
            return bad_value(im, r, key, n, "at most 32 items");
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

static int do_cors(struct import *im)
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
                return bad_value(im, r, "cors.allowed_origins", n, "origins such as https://example.com");
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
            return bad_value(im, r, "cors.allowed_methods", n, "HTTP methods");
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
        return bad_value(im, r, "cors.allowed_headers", n, "at most 31 headers");
    }
    for (size_t i = 0; i < c->headers.n; i++) {
        if (strcmp(c->headers.items[i], "*") == 0) {
            c->all_headers = 1;
            continue;
        }
        canonical(c->headers.items[i]);
        if (!is_token(c->headers.items[i]))
            return bad_value(im, r, "cors.allowed_headers", n, "header names");
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
            return bad_value(im, r, "cors.exposed_headers", n, "header names");
    }

    n = ydoc_path(d, "cors.allow_credentials");
    c->credentials = 1;
    if (n && ydoc_bool(n, &c->credentials) != OK)
        return bad_value(im, r, "cors.allow_credentials", n, "true or false");

    n = ydoc_path(d, "cors.max_age");
    c->max_age = 300;
    if (n && (ydoc_int(n, &c->max_age) != OK || c->max_age > INT32_MAX))
        return bad_value(im, r, "cors.max_age", n, "a number of seconds");

    buf_printf(&im->carried, "  %s%s: cors.* -> nginx-selfhost.conf: CORS headers and the "
                             "OPTIONS preflight (selfserv does not do CORS)\n",
               c->from_defaults ? "(reference defaults) " : "", base_name(im->path[r]));
    return OK;
}

static void cors_free(struct cors *c)
{
    strlist_free(&c->origins);
    strlist_free(&c->methods);
    strlist_free(&c->headers);
    strlist_free(&c->exposed);
}

/* s with regular-expression characters escaped, for a quoted nginx string. */
static void regex_escape(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\.^$|?*+()[]{}", *s))
            buf_putc(b, '\\');
        if (*s == '"')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
}

static void join(buf_t *b, const struct strlist *l, const char *sep)
{
    for (size_t i = 0; i < l->n; i++)
        buf_printf(b, "%s%s", i ? sep : "", l->items[i]);
}

/* OPTIONS is always allowed (go-chi/cors); is it in the list already? */
static int has_options(const struct cors *c)
{
    for (size_t i = 0; i < c->methods.n; i++)
        if (strcmp(c->methods.items[i], "OPTIONS") == 0)
            return 1;
    return 0;
}

/* "(?:GET|POST|OPTIONS) ORIGIN" as one case-insensitive nginx regex. */
static void method_origin_regex(buf_t *b, const struct cors *c)
{
    buf_puts(b, "\"~*^(?:");
    for (size_t i = 0; i < c->methods.n; i++) {
        regex_escape(b, c->methods.items[i]);
        buf_putc(b, '|');
    }
    if (!has_options(c))
        buf_puts(b, "OPTIONS");
    else
        b->len--, b->data[b->len] = '\0'; /* the last '|' */
    buf_puts(b, ") ");
    if (c->all_origins) {
        buf_puts(b, ".+$\"");
        return;
    }
    buf_puts(b, "(?:");
    for (size_t i = 0; i < c->origins.n; i++) {
        const char *o = c->origins.items[i], *star = strchr(o, '*');
        if (i)
            buf_putc(b, '|');
        if (star) {
            /* one wildcard: a prefix and a suffix, as go-chi/cors */
            char *prefix = strndup(o, (size_t)(star - o));
            regex_escape(b, prefix ? prefix : "");
            free(prefix);
            buf_puts(b, ".*");
            regex_escape(b, star + 1);
        } else {
            regex_escape(b, o);
        }
    }
    buf_puts(b, ")$\"");
}

static void write_cors(buf_t *b, const struct cors *c)
{
    const char *origin_value = c->all_origins ? "\"*\"" : "$http_origin";
    buf_puts(b, "# CORS as the reference answered it (go-chi/cors, the cors.* settings");
    buf_puts(b, c->from_defaults ? ";\n# none set, so the reference's defaults):\n" : "):\n");
    buf_puts(b, "#   allowed origins:   ");
    if (c->all_origins)
        buf_puts(b, "any (Access-Control-Allow-Origin: *)");
    else
        join(b, &c->origins, ", ");
    buf_puts(b, "\n#   allowed methods:   ");
    join(b, &c->methods, ", ");
    buf_puts(b, has_options(c) ? "\n#   allowed headers:   " : " (and OPTIONS)\n#   allowed headers:   ");
    if (c->all_headers)
        buf_puts(b, "any");
    else
        join(b, &c->headers, ", ");
    buf_puts(b, "\n#   exposed headers:   ");
    if (c->exposed.n)
        join(b, &c->exposed, ", ");
    else
        buf_puts(b, "none");
    buf_printf(b, "\n#   credentials:       %s\n#   preflight max age: %" PRId64 " s\n",
               c->credentials ? "allowed" : "not allowed", c->max_age);
    buf_puts(b, "# A request from an allowed origin with an allowed method gets the\n"
                "# Access-Control-* headers; a preflight (OPTIONS with\n"
                "# Access-Control-Request-Method) is answered 200 here, without reaching\n"
                "# selfserv, and echoes the requested method and headers when allowed.\n");

    buf_puts(b, "map \"$request_method $http_origin\" $selfhost_cors_origin {\n    default \"\";\n    ");
    method_origin_regex(b, c);
    buf_printf(b, " %s;\n}\n", origin_value);
    buf_puts(b, "map \"$http_access_control_request_method $http_origin\" $selfhost_cors_pf_try {\n"
                "    default \"\";\n    ");
    method_origin_regex(b, c);
    buf_printf(b, " %s;\n}\n", origin_value);
    buf_puts(b, "map $http_access_control_request_headers $selfhost_cors_pf_headers_ok {\n");
    if (c->all_headers) {
        buf_puts(b, "    default 1;\n}\n");
    } else {
        buf_puts(b, "    default \"\";\n    \"\" 1;\n    \"~*^[\\s,]*(?:(?:");
        for (size_t i = 0; i < c->headers.n; i++) {
            if (i)
                buf_putc(b, '|');
            regex_escape(b, c->headers.items[i]);
        }
        buf_puts(b, ")(?:[\\s,]+|$))*$\" 1;\n}\n");
    }
    buf_puts(b, "map \"$selfhost_cors_pf_headers_ok:$selfhost_cors_pf_try\" $selfhost_cors_pf_origin {\n"
                "    default \"\";\n    \"~^1:(.+)$\" $1;\n}\n");
    buf_puts(b, "map \"$request_method $http_access_control_request_method\" $selfhost_cors_preflight {\n"
                "    default \"\";\n    \"~^OPTIONS .\" 1;\n}\n");
    if (c->exposed.n) {
        buf_puts(b, "map $selfhost_cors_origin $selfhost_cors_expose {\n    \"\" \"\";\n    default \"");
        join(b, &c->exposed, ", ");
        buf_puts(b, "\";\n}\n");
    }
    if (c->credentials)
        buf_puts(b, "map $selfhost_cors_origin $selfhost_cors_credentials {\n    \"\" \"\";\n    default true;\n}\n"
                    "map $selfhost_cors_pf_origin $selfhost_cors_pf_credentials {\n    \"\" \"\";\n    default true;\n}\n");
    buf_puts(b, "map $selfhost_cors_pf_origin $selfhost_cors_pf_methods {\n    \"\" \"\";\n"
                "    default $http_access_control_request_method;\n}\n"
                "map $selfhost_cors_pf_origin $selfhost_cors_pf_headers {\n    \"\" \"\";\n"
                "    default $http_access_control_request_headers;\n}\n");
    if (c->max_age > 0)
        buf_printf(b, "map $selfhost_cors_pf_origin $selfhost_cors_pf_max_age {\n    \"\" \"\";\n"
                      "    default %" PRId64 ";\n}\n", c->max_age);
}

static void write_server_cors(buf_t *b, const struct cors *c)
{
    buf_puts(b, "    # CORS on every answer, errors included (the maps above)\n"
                "    add_header Vary Origin always;\n"
                "    add_header Access-Control-Allow-Origin $selfhost_cors_origin always;\n");
    if (c->exposed.n)
        buf_puts(b, "    add_header Access-Control-Expose-Headers $selfhost_cors_expose always;\n");
    if (c->credentials)
        buf_puts(b, "    add_header Access-Control-Allow-Credentials $selfhost_cors_credentials always;\n");
}

/* The preflight answer, inside a location (add_header is not allowed in
 * an `if` at server level). */
static void write_preflight(buf_t *b, const struct cors *c)
{
    buf_puts(b, "        if ($selfhost_cors_preflight) {\n"
                "            add_header Vary \"Origin, Access-Control-Request-Method, Access-Control-Request-Headers\" always;\n"
                "            add_header Access-Control-Allow-Origin $selfhost_cors_pf_origin always;\n"
                "            add_header Access-Control-Allow-Methods $selfhost_cors_pf_methods always;\n"
                "            add_header Access-Control-Allow-Headers $selfhost_cors_pf_headers always;\n");
    if (c->credentials)
        buf_puts(b, "            add_header Access-Control-Allow-Credentials $selfhost_cors_pf_credentials always;\n");
    if (c->max_age > 0)
        buf_puts(b, "            add_header Access-Control-Max-Age $selfhost_cors_pf_max_age always;\n");
    buf_puts(b, "            return 200 \"\";\n        }\n");
}

static void write_nginx(struct import *im, buf_t *b)
{
    buf_printf(b, "# nginx-selfhost.conf — written by `selfctl config import` from %s:\n"
                  "# the reference's listen address and CORS settings, which selfhost leaves to\n"
                  "# the web server. Use it instead of conf/nginx/selfhost.conf: put it in\n"
                  "# /etc/nginx/conf.d/ (it holds http-level directives), run the selfserv\n"
                  "# pool (docs/deployment.md) and reload nginx. Plain HTTP on the reference's\n"
                  "# address, as the reference served it; for TLS add a server like the one in\n"
                  "# conf/nginx/selfhost.conf (clients keep their /v2/... paths either way).\n\n",
               base_name(im->path[R_AAPIJE]));
    buf_puts(b, "upstream selfhost_selfserv {\n    server unix:/run/selfhost/selfserv.sock;\n}\n\n");
    write_cors(b, &im->cors);
    buf_puts(b, "\nserver {\n");
    buf_printf(b, "    # listen.host and listen.port of %s\n", base_name(im->path[R_AAPIJE]));
    buf_puts(b, buf_cstr(&im->listen));
    buf_puts(b, "    server_name _;\n"
                "    # keep it at least selfhost's server.max_body\n"
                "    client_max_body_size 32m;\n\n");
    write_server_cors(b, &im->cors);
    buf_puts(b, "\n    location /v2/ {\n");
    write_preflight(b, &im->cors);
    buf_puts(b, "        include fastcgi_params;              # passes HTTP_AUTHORIZATION too\n"
                "        fastcgi_param DOCUMENT_URI $uri;\n"
                "        fastcgi_buffering off;               # large reads stream through\n"
                "        fastcgi_read_timeout 300s;\n"
                "        fastcgi_pass selfhost_selfserv;\n"
                "    }\n\n"
                "    # the reference answered GET /status with \".\" (a liveness check)\n"
                "    location = /status {\n"
                "        default_type text/plain;\n"
                "        return 200 \".\";\n"
                "    }\n\n"
                "    # errors nginx answers itself keep the API's JSON error shape\n"
                "    error_page 413 @selfhost_too_large;\n"
                "    error_page 502 503 504 = @selfhost_unavailable;\n"
                "    location @selfhost_too_large {\n"
                "        default_type application/json;\n"
                "        return 413 '{\"code\":413,\"message\":\"Request Entity Too Large\"}\\n';\n"
                "    }\n"
                "    location @selfhost_unavailable {\n"
                "        default_type application/json;\n"
                "        return 503 '{\"code\":503,\"message\":\"Service unavailable: no responder answered\"}\\n';\n"
                "    }\n"
                "}\n");
}

/* ---- domains ---- */

/* Where the reference found its domain file: viper looks in its config
 * folders for NAME with a known extension appended, then NAME itself. We
 * look next to the aapije file first (where a copy usually is). */
static int find_domainfile(struct import *im, const char *name, char *out, size_t outsz)
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

static int do_domains(struct import *im)
{
    enum role r = R_DOMAINS;
    struct ydoc *d = &im->doc[r];
    const char *file = base_name(im->path[r]);
    yaml_node_t *map = ydoc_get(d, ydoc_root(d), "domains");
    if (map && map->type != YAML_MAPPING_NODE)
        return bad_value(im, r, "domains", map, "a mapping of name: PostgreSQL URI");
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
            drop(im, r, key, v, "not a PostgreSQL URI");
            continue;
        }
        if (!domain_name_valid(name)) {
            drop(im, r, key, v, "not a selfhost domain name: letters, digits, '-', '_' and '.', "
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
            drop(im, r, key, v, why);
            continue;
        }
        PQconninfoFree(opts);
        if (domains_find(&im->domains, name)) {
            buf_free(&names);
            return fail("%s:%d:%d: domain '%s' is given twice (the reference lower-cases names)",
                        im->path[r], ydoc_line(k), ydoc_column(k), name);
        }
        if (domains_append(&im->domains, name, uri, err, sizeof err) != OK) {
            drop(im, r, key, v, err);
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

/* ---- output ---- */

static int write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return fail("cannot write %s: %s", path, strerror(errno));
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(path);
            return fail("cannot write %s: %s", path, strerror(e));
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0)
        return fail("cannot write %s: %s", path, strerror(errno));
    return 0;
}

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
        return bad_value(im, R_AAPIJE, "domainfile", df, "a file name");
    if (!im->path[R_DOMAINS] && dfname) {
        if (find_domainfile(im, dfname, im->found, sizeof im->found) != OK)
            return fail("%s:%d:%d: domainfile '%s' not found next to %s, in /etc/selfhost or here; "
                        "give the domain file as the second argument",
                        im->path[R_AAPIJE], ydoc_line(df), ydoc_column(df), dfname,
                        base_name(im->path[R_AAPIJE]));
        im->path[R_DOMAINS] = im->found;
        if (load(im, R_DOMAINS) != 0)
            return 1;
    }

    im->conf.len = 0;
    buf_printf(&im->conf, "# selfhost.conf — written by `selfctl config import` from the reference's\n"
                          "# configuration:\n");
    for (int r = 0; r < N_ROLES; r++)
        if (im->path[r])
            buf_printf(&im->conf, "#   %-12s %s\n", ROLE_NAME[r], im->path[r]);
    buf_puts(&im->conf, "# Only settings that differ from selfhost's defaults are written; every key\n"
                        "# and its value: `selfctl config show`, docs/configuration.md. The listen\n"
                        "# address and CORS went to nginx-selfhost.conf: the web server does them.\n\n");
    buf_puts(&im->conf, "[server]\n");
    if (dfname) {
        char w[300];
        where(im, R_AAPIJE, df, w, sizeof w);
        buf_printf(&im->conf, "# the reference's domainfile %s (%s), converted\n", dfname, w);
    } else if (im->path[R_DOMAINS]) {
        buf_printf(&im->conf, "# the domains of %s, converted\n", base_name(im->path[R_DOMAINS]));
    } else {
        buf_puts(&im->conf, "# the reference had no domainfile: add domains with `selfctl domain add`\n");
    }
    buf_puts(&im->conf, "domainfile = domains.conf\n");

    if (do_listen(im) != 0 || do_rate_control(im) != 0 || do_cors(im) != 0)
        return 1;
    if (im->have[R_DOMAINS]) {
        if (!dfname)
            buf_printf(&im->carried, "  %s names no domainfile (the reference then served no domain): "
                                     "the domains of %s are taken as given\n",
                       base_name(im->path[R_AAPIJE]), base_name(im->path[R_DOMAINS]));
        if (do_domains(im) != 0)
            return 1;
    } else {
        buf_printf(&im->carried, "  %s: no domainfile -> no domains (the reference served none)\n",
                   base_name(im->path[R_AAPIJE]));
    }
    if (im->have[R_JUVULN]) {
        yaml_node_t *jdf = ydoc_path(&im->doc[R_JUVULN], "domainfile");
        const char *j = jdf ? ydoc_scalar(jdf) : NULL;
        if (jdf && (!j || !dfname || strcmp(j, dfname) != 0))
            drop(im, R_JUVULN, "domainfile", jdf, "selfhost has one domain list for every process: "
                                                  "the manager serves the domains of domains.conf");
        else if (jdf)
            buf_printf(&im->carried, "  %s: domainfile = %s -> the same domains.conf (one domain "
                                     "list for every selfhost process)\n",
                       base_name(im->path[R_JUVULN]), j);
    }

    for (int r = 0; r < N_ROLES; r++) {
        if (!im->have[r])
            continue;
        struct leaf_ctx lc = { im, (enum role)r };
        yaml_node_t *root = ydoc_root(&im->doc[r]);
        if (root && root->type == YAML_MAPPING_NODE)
            ydoc_leaves(&im->doc[r], root, on_leaf, &lc);
    }

    /* outputs: never over an existing file */
    char p_conf[4200], p_dom[4200], p_ngx[4200];
    snprintf(p_conf, sizeof p_conf, "%s/selfhost.conf", im->out_dir);
    snprintf(p_dom, sizeof p_dom, "%s/domains.conf", im->out_dir);
    snprintf(p_ngx, sizeof p_ngx, "%s/nginx-selfhost.conf", im->out_dir);
    if (mkdir(im->out_dir, 0755) != 0 && errno != EEXIST)
        return fail("cannot create %s: %s", im->out_dir, strerror(errno));
    const char *outs[] = { p_conf, p_dom, p_ngx };
    for (size_t i = 0; i < 3; i++)
        if (access(outs[i], F_OK) == 0)
            return fail("%s exists: not overwritten (move it away or give another --out)", outs[i]);

    buf_t ngx = BUF_INIT;
    write_nginx(im, &ngx);
    int rc = write_file(p_conf, buf_cstr(&im->conf), 0640);
    if (rc == 0)
        rc = write_file(p_ngx, buf_cstr(&ngx), 0644);
    buf_free(&ngx);
    for (size_t i = 0; rc == 0 && i < im->domains.n; i++) {
        char err[1024];
        if (domains_file_add(p_dom, im->domains.items[i].name, im->domains.items[i].uri, err,
                             sizeof err) != OK)
            rc = fail("%s", err);
    }
    if (rc != 0)
        return rc;

    printf("read:");
    for (int r = 0; r < N_ROLES; r++)
        if (im->path[r])
            printf(" %s", im->path[r]);
    printf("\ncarried over:\n%s", buf_cstr(&im->carried));
    printf("not carried over:\n%s", im->dropped.len ? buf_cstr(&im->dropped) : "  nothing\n");
    printf("wrote: %s, %s, %s\n", p_conf, im->domains.n ? p_dom : "(no domains: no domains.conf)", p_ngx);
    printf("next: selfctl -c %s config show; nginx -t with %s included in http {}\n", p_conf, p_ngx);
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
        return usage_of("config", "import", 1);
    if (args_done(argc, argv) != OK)
        return 2;
    if (!im.out_dir)
        im.out_dir = ".";
    int rc = run_import(&im);
    for (int r = 0; r < N_ROLES; r++)
        ydoc_free(&im.doc[r]);
    cors_free(&im.cors);
    domains_free(&im.domains);
    buf_free(&im.carried);
    buf_free(&im.dropped);
    buf_free(&im.conf);
    buf_free(&im.listen);
    buf_free(&im.rate);
    return rc;
}
