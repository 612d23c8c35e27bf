/* metrics_page.c — GET /metrics: the host's counters in the Prometheus
 * text exposition format 0.0.4, summed over every selfserv process of
 * the host (both pools) and the manager (common/metrics.h), with the
 * connection budget's gauges (connbudget_stats) and the manager's queue
 * and workers, asked over its socket at each scrape. Every metric is
 * described in docs/monitoring.md. Labels have bounded values only:
 * route templates, methods, status codes, server keys, kinds, outcomes. */
#include <stdlib.h>
#include <string.h>

#include "connbudget.h"
#include "health.h"
#include "http_metrics.h"
#include "json.h"
#include "pmgr_probe.h"
#include "server.h"
#include "status.h"
#include "version.h"

#define MANAGER_TIMEOUT_MS 1000

static const char *const run_kinds[METRICS_RUN_KINDS] = { "routine", "webhook" };
static const char *const run_outcomes[METRICS_RUN_OUTCOMES] = { "ok", "error", "deadline", "crashed" };

/* A label value, quoted and escaped as the format wants (\\, \", \n). */
static void label(buf_t *b, const char *name, const char *value, int first)
{
    buf_printf(b, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"')
            buf_putc(b, '\\');
        if (*p == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

static void family(buf_t *b, const char *name, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The _bucket (cumulative), _sum and _count lines of one histogram;
 * labels: "" or `name="value",` pairs to put before le. */
static void histogram(buf_t *b, const char *name, const char *labels, const uint64_t *buckets,
                      int nbuckets, const int64_t *bounds, double unit, double sum)
{
    uint64_t cum = 0;
    for (int i = 0; i < nbuckets; i++) {
        cum += buckets[i];
        if (i < nbuckets - 1)
            buf_printf(b, "%s_bucket{%sle=\"%g\"} %llu\n", name, labels, (double)bounds[i] * unit,
                       (unsigned long long)cum);
        else
            buf_printf(b, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, labels, (unsigned long long)cum);
    }
    size_t n = strlen(labels);
    buf_printf(b, "%s_sum{%.*s} %.6f\n%s_count{%.*s} %llu\n", name, (int)(n ? n - 1 : 0), labels,
               sum, name, (int)(n ? n - 1 : 0), labels, (unsigned long long)cum);
}

static void http_part(buf_t *b, const struct metrics_sum *s)
{
    family(b, "selfhost_http_requests_total", "counter",
           "Requests answered by selfserv, by method, route template and status.");
    for (size_t i = 0; i < s->n; i++) {
        const char *route = http_metrics_route(s->req[i].route);
        buf_puts(b, "selfhost_http_requests_total{");
        label(b, "method", http_metrics_method(s->req[i].method), 1);
        label(b, "route", route ? route : HTTP_METRICS_UNMATCHED, 0);
        buf_printf(b, ",status=\"%u\"} %llu\n", s->req[i].status, (unsigned long long)s->req[i].count);
    }
    family(b, "selfhost_http_request_duration_seconds", "histogram",
           "Time from a request's arrival at selfserv to its last byte written, by route template.");
    for (unsigned rt = 0; rt < METRICS_ROUTES; rt++) {
        uint64_t any = 0;
        for (int k = 0; k < METRICS_BUCKETS; k++)
            any += s->http_buckets[rt][k];
        const char *route = http_metrics_route(rt);
        if (!any || !route)
            continue;
        buf_t l = BUF_INIT;
        label(&l, "route", route, 1);
        buf_putc(&l, ',');
        histogram(b, "selfhost_http_request_duration_seconds", buf_cstr(&l), s->http_buckets[rt],
                  METRICS_BUCKETS, metrics_http_bounds_us, 1e-6, (double)s->http_sum_us[rt] / 1e6);
        buf_free(&l);
    }
    family(b, "selfhost_http_requests_uncounted_total", "counter",
           "Requests counted in no selfhost_http_requests_total series (a process's table of "
           "distinct series was full).");
    buf_printf(b, "selfhost_http_requests_uncounted_total %llu\n", (unsigned long long)s->uncounted);
    family(b, "selfhost_metrics_processes", "gauge",
           "Live processes counting into the host's metrics table (responders of both pools, the manager).");
    buf_printf(b, "selfhost_metrics_processes %d\n", s->rows_live);
}

static void runs_part(buf_t *b, const struct metrics_sum *s)
{
    family(b, "selfhost_program_runs_total", "counter",
           "Program runs finished by the manager, by kind and outcome.");
    for (int k = 0; k < METRICS_RUN_KINDS; k++)
        for (int o = 0; o < METRICS_RUN_OUTCOMES; o++)
            buf_printf(b, "selfhost_program_runs_total{kind=\"%s\",outcome=\"%s\"} %llu\n",
                       run_kinds[k], run_outcomes[o], (unsigned long long)s->runs[k][o]);
    family(b, "selfhost_program_run_duration_seconds", "histogram",
           "Duration of finished program runs as the worker measured it, by kind.");
    for (int k = 0; k < METRICS_RUN_KINDS; k++) {
        char l[32];
        snprintf(l, sizeof l, "kind=\"%s\",", run_kinds[k]);
        histogram(b, "selfhost_program_run_duration_seconds", l, s->run_buckets[k],
                  METRICS_RUN_BUCKETS, metrics_run_bounds_ms, 1e-3, (double)s->run_sum_ms[k] / 1e3);
    }
}

/* ---- connection budget ----------------------------------------------------- */

struct budget_rows {
    buf_t held, waiting, limit;
};

/* key is "SERVER/CLASS" (server.c, pm_domain.c): the class after the last '/'. */
static void budget_row(void *ctx, const char *key, int held, int waiting, int limit)
{
    struct budget_rows *o = ctx;
    const char *slash = strrchr(key, '/');
    char server[CONNBUDGET_KEY_MAX];
    snprintf(server, sizeof server, "%.*s", slash ? (int)(slash - key) : (int)strlen(key), key);
    const char *cls = slash ? slash + 1 : "";
    buf_t l = BUF_INIT;
    label(&l, "server", server, 1);
    label(&l, "class", cls, 0);
    buf_printf(&o->held, "selfhost_db_connections{%s} %d\n", buf_cstr(&l), held);
    buf_printf(&o->waiting, "selfhost_db_connections_waiting{%s} %d\n", buf_cstr(&l), waiting);
    buf_printf(&o->limit, "selfhost_db_connections_limit{%s} %d\n", buf_cstr(&l), limit);
    buf_free(&l);
}

static void budget_part(buf_t *b, struct server *srv)
{
    struct budget_rows o = { BUF_INIT, BUF_INIT, BUF_INIT };
    uint64_t waits = 0, timeouts = 0;
    if (!srv->budget || connbudget_stats(srv->budget, budget_row, &o, &waits, &timeouts) != OK)
        return; /* no budget (database.connections = 0): nothing is counted */
    family(b, "selfhost_db_connections", "gauge",
           "Database connections held by the host's processes, per PostgreSQL server and class "
           "(serve: the responders, manager: selfpmgr).");
    buf_puts(b, buf_cstr(&o.held));
    family(b, "selfhost_db_connections_limit", "gauge",
           "The connection budget of each server and class (database.connections less "
           "manager.connections for serve, manager.connections for manager).");
    buf_puts(b, buf_cstr(&o.limit));
    family(b, "selfhost_db_connections_waiting", "gauge",
           "Processes waiting for a connection slot right now.");
    buf_puts(b, buf_cstr(&o.waiting));
    family(b, "selfhost_db_budget_waits_total", "counter",
           "Times a process found every connection slot of its server taken and waited for one.");
    buf_printf(b, "selfhost_db_budget_waits_total %llu\n", (unsigned long long)waits);
    family(b, "selfhost_db_budget_timeouts_total", "counter",
           "Waits for a connection slot that ended without one (the request was answered 503).");
    buf_printf(b, "selfhost_db_budget_timeouts_total %llu\n", (unsigned long long)timeouts);
    buf_free(&o.held);
    buf_free(&o.waiting);
    buf_free(&o.limit);
}

/* ---- the manager ------------------------------------------------------------ */

static void manager_part(buf_t *b, struct server *srv)
{
    json_object *st = NULL;
    char err[512];
    int up = pmgr_probe(srv->cfg.manager_socket, MANAGER_TIMEOUT_MS, &st, err, sizeof err) == OK;
    family(b, "selfhost_manager_up", "gauge",
           "1 when the program manager answered its status request within 1 s, else 0.");
    buf_printf(b, "selfhost_manager_up %d\n", up);
    if (!up)
        return;
    int64_t workers = 0, capacity = 0, running = 0;
    json_object *arr;
    if (json_object_object_get_ex(st, "workers", &arr) && json_object_is_type(arr, json_type_array))
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            json_object *w = json_object_array_get_idx(arr, i);
            workers++;
            capacity += json_int(w, "capacity", 0);
            running += json_int(w, "running", 0);
        }
    family(b, "selfhost_manager_queue_length", "gauge", "Jobs queued in the manager, waiting for a worker.");
    buf_printf(b, "selfhost_manager_queue_length %lld\n", (long long)json_int(st, "queue", 0));
    family(b, "selfhost_manager_workers", "gauge", "Workers connected to the manager.");
    buf_printf(b, "selfhost_manager_workers %lld\n", (long long)workers);
    family(b, "selfhost_manager_worker_capacity", "gauge", "Jobs the connected workers may run at once, together.");
    buf_printf(b, "selfhost_manager_worker_capacity %lld\n", (long long)capacity);
    family(b, "selfhost_manager_jobs_running", "gauge", "Jobs running on the workers now.");
    buf_printf(b, "selfhost_manager_jobs_running %lld\n", (long long)running);
    json_object_put(st);
}

int metrics_get(struct req *r)
{
    struct metrics *m = http_metrics_handle(r->srv);
    struct metrics_sum *s = calloc(1, sizeof *s);
    if (!s || !m || metrics_sum(m, s) != OK) {
        free(s);
        return req_fail(r, 503, "Service unavailable: the metrics table cannot be read");
    }
    buf_t *b = &r->out;
    family(b, "selfhost_build_info", "gauge", "The selfserv version answering the scrape.");
    buf_puts(b, "selfhost_build_info{");
    label(b, "version", selfhost_version(), 1);
    buf_puts(b, "} 1\n");
    family(b, "selfhost_domains", "gauge", "Domains configured.");
    buf_printf(b, "selfhost_domains %zu\n", r->srv->domains.n);
    http_part(b, s);
    runs_part(b, s);
    free(s);
    budget_part(b, r->srv);
    manager_part(b, r->srv);
    r->status = 200;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return OK;
}
