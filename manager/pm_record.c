/* pm_record.c — one row in program_runs (migration 17) per finished run:
 * when it started, how long it took, its outcome, error, captured output
 * and log lines ("level: message" per line); older rows beyond
 * [manager] runs_kept for the program are deleted in the same
 * transaction. Databases older than schema 17 (e.g. as the reference left
 * them) have no such table: their runs are only logged. Every finished
 * run is also counted, by kind and outcome with its duration, in the
 * host's metrics table (common/metrics.h) for GET /metrics. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "manager.h"
#include "metrics.h"
#include "status.h"

static const struct db_stmt SQL_INSERT_RUN = {
    "pm_insert_run",
    "INSERT INTO program_runs (program_uuid, revision, kind, started, duration_ms, outcome, "
    "error, output, log) SELECT $1::uuid, $2, $3, to_timestamp($4::double precision / 1e6), $5, "
    "$6, $7, $8, $9 WHERE EXISTS (SELECT 1 FROM programs WHERE uuid = $1::uuid)",
    9
};

static const struct db_stmt SQL_TRIM_RUNS = {
    "pm_trim_runs",
    "DELETE FROM program_runs WHERE program_uuid = $1::uuid AND id <= "
    "(SELECT id FROM program_runs WHERE program_uuid = $1::uuid ORDER BY id DESC "
    "OFFSET $2 LIMIT 1)",
    2
};

/* A string member of the result, "" without one. (JSON strings with
 * U+0000 end there: PostgreSQL text cannot hold NUL.) */
static const char *text_of(json_object *msg, const char *key)
{
    return msg ? json_str(msg, key, "") : "";
}

static void log_lines(json_object *msg, buf_t *out)
{
    json_object *arr;
    if (!msg || !json_object_object_get_ex(msg, "log", &arr)
        || !json_object_is_type(arr, json_type_array))
        return;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *line = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(line, json_type_object))
            continue;
        buf_printf(out, "%s: %s\n", json_str(line, "level", "info"), json_str(line, "message", ""));
    }
}

/* The manager's handle on the metrics table, opened on the first run
 * (a failure is logged once; runs are then not counted). */
static void count_run(const struct pm *pm, const struct pm_job *job, const char *outcome,
                      int64_t duration_ms)
{
    static struct metrics *m;
    static int tried;
    static const char *const outcomes[METRICS_RUN_OUTCOMES] = { "ok", "error", "deadline", "crashed" };
    if (!m && !tried) {
        char err[512];
        tried = 1;
        if (metrics_open(pm->cfg.state_dir, 0, &m, err, sizeof err) != OK)
            log_error("program runs are not counted for /metrics: %s", err);
    }
    unsigned o = METRICS_RUN_OUTCOMES - 1; /* anything else: crashed */
    for (unsigned i = 0; i < METRICS_RUN_OUTCOMES; i++)
        if (strcmp(outcome, outcomes[i]) == 0)
            o = i;
    metrics_run(m, job->webhook ? 1 : 0, o, duration_ms);
}

void pm_record_run(struct pm *pm, const struct pm_job *job, json_object *result,
                   const char *outcome, int64_t duration_ms, const char *error)
{
    count_run(pm, job, outcome, duration_ms);
    struct pm_domain *d = pm_domain_find(pm, job->domain);
    if (!d || pm_domain_use(d) != OK || d->schema < 17)
        return;
    char rev[16], started[32], ms[24], kept[24];
    snprintf(rev, sizeof rev, "%d", job->revision);
    snprintf(started, sizeof started, "%lld",
             (long long)(job->started_us ? job->started_us : clock_real_us()));
    snprintf(ms, sizeof ms, "%lld", (long long)duration_ms);
    snprintf(kept, sizeof kept, "%lld", (long long)pm->cfg.manager_runs_kept);
    buf_t logs = BUF_INIT;
    log_lines(result, &logs);
    const char *err = result ? text_of(result, "error") : error ? error : "";
    const char *params[9] = { job->program, rev, job->webhook ? "webhook" : "routine",
                              started, ms, outcome, err, text_of(result, "output"),
                              buf_cstr(&logs) };
    const char *trim[2] = { job->program, kept };
    char line[256];
    if (db_begin(&d->db) == OK) {
        PGresult *a = db_exec(&d->db, &SQL_INSERT_RUN, params);
        PGresult *b = db_ok(a) ? db_exec(&d->db, &SQL_TRIM_RUNS, trim) : NULL;
        if (db_ok(a) && db_ok(b))
            db_commit(&d->db);
        else {
            log_warn("domain %s: cannot record a run of %s: %s", d->name, job->program,
                     db_error_line(&d->db, b ? b : a, line, sizeof line));
            db_rollback(&d->db);
        }
        PQclear(a);
        PQclear(b);
    }
    buf_free(&logs);
}
