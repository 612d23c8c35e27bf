/* cmd_config_import_aapije.c — the aapije file's listen address (to nginx
 * listen lines) and rate_control (to [rate_control] of selfhost.conf, only
 * what differs from selfhost's defaults). */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_config_import.h"
#include "status.h"

/* The reference's port in its OpenAPI servers entry (127.0.0.1:8095): the
 * listen port when its file names none (it then took a random port). */
#define REFERENCE_PORT 8095
/* rate_control defaults: the reference's (cmd/aapije/config.go) and ours */
#define REF_CLEANUP_NS 180e9
#define OUR_REQ_PER_HOUR 600
#define OUR_MAXBURST 10
#define OUR_CLEANUP 1800

int import_listen(struct import *im)
{
    enum role r = R_AAPIJE;
    struct ydoc *d = &im->doc[r];
    yaml_node_t *host_n = ydoc_path(d, "listen.host"), *port_n = ydoc_path(d, "listen.port");
    const char *host = host_n ? ydoc_scalar(host_n) : "";
    if (!host)
        return import_bad_value(im, r, "listen.host", host_n, "a host name or address");
    int64_t port = 0;
    if (port_n && (ydoc_int(port_n, &port) != OK || port < 0 || port > 65535))
        return import_bad_value(im, r, "listen.port", port_n, "a port number");
    char note[300] = "";
    if (port == 0) {
        snprintf(note, sizeof note, " (listen.port 0 or not set: the reference then took a random port; "
                                    "%d is the port in its OpenAPI servers entry)", REFERENCE_PORT);
        port = REFERENCE_PORT;
    }
    for (const char *c = host; *c; c++)
        if (isspace((unsigned char)*c) || *c == ';' || *c == '{' || *c == '}' || *c == '"' ||
            *c == '\'' || *c == '$' || *c == '\\')
            return import_bad_value(im, r, "listen.host", host_n, "a host name or address");
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
               import_base_name(im->path[r]), host_n ? shown_host : "(not set)",
               port_n ? shown_port : "(not set)", im->listen_text, note);
    return OK;
}

/* ---- rate control ---- */

int import_rate_control(struct import *im)
{
    enum role r = R_AAPIJE;
    struct ydoc *d = &im->doc[r];
    const char *file = import_base_name(im->path[r]);
    char w[300], shown[200];
    buf_t *sec = &im->rate;

    yaml_node_t *n = ydoc_path(d, "rate_control.req_per_hour");
    int64_t v;
    if (n) {
        if (ydoc_int(n, &v) != OK || v > (INT64_C(1) << 40))
            return import_bad_value(im, r, "rate_control.req_per_hour", n, "a whole number");
        import_where(im, r, n, w, sizeof w);
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
            return import_bad_value(im, r, "rate_control.maxburst", n, "a whole number");
        import_where(im, r, n, w, sizeof w);
        if (v < 1) {
            import_drop(im, r, "rate_control.maxburst", n, "below 1 the reference refuses every request "
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
        return import_bad_value(im, r, "rate_control.cleanup", n, "a Go duration such as 3m or 1h30m");
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
            import_where(im, r, n, w, sizeof w);
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
