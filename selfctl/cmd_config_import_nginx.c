/* cmd_config_import_nginx.c — nginx-selfhost.conf: the reference's listen
 * address and its CORS answers (go-chi/cors) as nginx maps and headers,
 * in front of the selfserv pool, with the console, /docs/ and
 * /openapi3.json served as static files. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_config_import.h"

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

void import_write_nginx(struct import *im, buf_t *b)
{
    buf_printf(b, "# nginx-selfhost.conf — written by `selfctl config import` from %s:\n"
                  "# the reference's listen address and CORS settings, which selfhost leaves to\n"
                  "# the web server. Use it instead of conf/nginx/selfhost.conf: put it in\n"
                  "# /etc/nginx/conf.d/ (it holds http-level directives), run the selfserv\n"
                  "# pool (docs/deployment.md) and reload nginx. Plain HTTP on the reference's\n"
                  "# address, as the reference served it; for TLS add a server like the one in\n"
                  "# conf/nginx/selfhost.conf (clients keep their /v2/... paths either way).\n\n",
               import_base_name(im->path[R_AAPIJE]));
    buf_puts(b, "upstream selfhost_selfserv {\n    server unix:/run/selfhost/selfserv.sock;\n}\n\n");
    write_cors(b, &im->cors);
    buf_puts(b, "\nserver {\n");
    buf_printf(b, "    # listen.host and listen.port of %s\n", import_base_name(im->path[R_AAPIJE]));
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
                "    # the reference's liveness check: selfserv answers GET /status with \".\"\n"
                "    location = /status {\n"
                "        include fastcgi_params;\n"
                "        fastcgi_param DOCUMENT_URI $uri;\n"
                "        fastcgi_pass selfhost_selfserv;\n"
                "    }\n\n"
                "    # for load balancers and monitoring (docs/monitoring.md): selfserv\n"
                "    # answers without credentials; /metrics to this host only\n"
                "    location = /healthz {\n"
                "        include fastcgi_params;\n"
                "        fastcgi_param DOCUMENT_URI $uri;\n"
                "        fastcgi_pass selfhost_selfserv;\n"
                "    }\n"
                "    location = /readyz {\n"
                "        include fastcgi_params;\n"
                "        fastcgi_param DOCUMENT_URI $uri;\n"
                "        fastcgi_pass selfhost_selfserv;\n"
                "    }\n"
                "    location = /metrics {\n"
                "        allow 127.0.0.1;\n"
                "        allow ::1;\n"
                "        deny all;\n"
                "        error_page 403 = @selfhost_metrics_forbidden;\n"
                "        include fastcgi_params;\n"
                "        fastcgi_param DOCUMENT_URI $uri;\n"
                "        fastcgi_pass selfhost_selfserv;\n"
                "    }\n"
                "    location @selfhost_metrics_forbidden {\n"
                "        default_type application/json;\n"
                "        return 403 '{\"code\":403,\"message\":\"Forbidden: /metrics answers this host only\"}\\n';\n"
                "    }\n\n"
                "    # the console, the API docs and the OpenAPI document (static files of\n"
                "    # console/build.mjs in /usr/share/selfhost/www): index.html and\n"
                "    # openapi3.json revalidated on every load, assets-HASH/ (named by its\n"
                "    # content) kept for a year; types from mime.types (http {})\n"
                "    location = /openapi3.json {\n"
                "        root /usr/share/selfhost/www;\n"
                "        expires epoch;\n"
                "        error_page 404 = @selfhost_not_found;\n"
                "    }\n"
                "    location /console/ {\n"
                "        root /usr/share/selfhost/www;\n"
                "        expires epoch;\n"
                "        error_page 404 = @selfhost_not_found;\n"
                "        location ~ ^/console/assets-[0-9a-f]+/ { expires 1y; }\n"
                "    }\n"
                "    location /docs/ {\n"
                "        root /usr/share/selfhost/www;\n"
                "        expires epoch;\n"
                "        error_page 404 = @selfhost_not_found;\n"
                "        location ~ ^/docs/assets-[0-9a-f]+/ { expires 1y; }\n"
                "    }\n"
                "    location = /console { absolute_redirect off; return 301 /console/; }\n"
                "    location = /docs { absolute_redirect off; return 301 /docs/; }\n"
                "    location @selfhost_not_found {\n"
                "        types { }                            # not by the file name asked for\n"
                "        default_type application/json;\n"
                "        return 404 '{\"code\":404,\"message\":\"The requested resource does not exist\"}\\n';\n"
                "    }\n\n"
                "    # any other path: the API's JSON 404, not nginx's HTML page\n"
                "    location / {\n"
                "        types { }\n"
                "        default_type application/json;\n"
                "        return 404 '{\"code\":404,\"message\":\"The requested resource does not exist\"}\\n';\n"
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
