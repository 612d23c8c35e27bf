/* pm_dispatch.c — jobs: made from a due routine or a webhook request,
 * queued, handed to the least loaded worker that has room (running /
 * capacity lowest; ties go to the one idle longest), and finished by the
 * worker's result. The next job to start is the oldest queued one of the
 * domain that runs the fewest jobs now, so one domain's pile of calls
 * never keeps the next free slot from another domain.
 *
 * Webhook jobs have a caller (selfserv) waiting with a deadline, and the
 * queue in front of them is bounded (pm_webhook_admit): a call over
 * [manager] webhook_domain_max for its domain, or over webhook_queue
 * waiting in all, is answered 503 with Retry-After at once. The caller
 * gets the program's response, or 503 when no worker exists or its worker
 * went away (a webhook is never started twice: it may have done half its
 * work, and its caller's deadline runs), or 504 when the deadline plus a
 * grace passes first. A routine whose worker goes away is queued again,
 * up to [manager] max_attempts starts in all. The states and how they
 * change: manager.h, above struct pm_job. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "manager.h"
#include "status.h"
#include "xalloc.h"

size_t pm_queue_length(const struct pm *pm)
{
    size_t n = 0;
    for (const struct pm_job *j = pm->jobs; j; j = j->next)
        n += j->state == PM_JOB_QUEUED;
    return n;
}

static void job_free(struct pm_job *j)
{
    free(j->domain);
    free(j->name);
    free(j->frame);
    free(j);
}

/* On a worker: it holds one of the worker's slots. */
static bool on_worker(const struct pm_job *j)
{
    return j->state == PM_JOB_RUNNING || j->state == PM_JOB_ANSWERED;
}

struct pm_job *pm_job_new(struct pm *pm, struct pm_domain *d, const struct pm_program *p,
                          json_object *request, struct pm_conn *caller, int *status,
                          const char **why)
{
    *status = 503;
    *why = "The domain's database is not available";
    buf_t modules = BUF_INIT;
    if (pm_imports_json(d, p->code, p->code_len, &modules) != OK) {
        buf_free(&modules);
        return NULL;
    }
    struct pm_job *j = xcalloc(1, sizeof *j);
    j->id = ++pm->next_job_id;
    j->webhook = request != NULL;
    j->domain = xstrdup(d->name);
    memcpy(j->program, p->uuid, sizeof j->program);
    j->name = xstrdup(p->name);
    j->revision = p->revision;
    memcpy(j->checksum, p->checksum, sizeof j->checksum);
    j->deadline_ms = p->deadline_ms;
    j->state = PM_JOB_QUEUED;
    j->caller = caller;
    j->answer_by_us = clock_mono_us() + p->deadline_ms * 1000 + PM_WEBHOOK_GRACE_US;

    buf_t f = BUF_INIT;
    buf_printf(&f, "{\"type\":\"job\",\"id\":%lld,\"kind\":\"%s\",\"domain\":", (long long)j->id,
               j->webhook ? "webhook" : "routine");
    json_put_str(&f, d->name);
    buf_printf(&f, ",\"program\":\"%s\",\"name\":", p->uuid);
    json_put_str(&f, p->name);
    buf_printf(&f, ",\"revision\":%d,\"checksum\":\"%s\",\"deadline_ms\":%lld,\"code_b64\":",
               p->revision, p->checksum, (long long)p->deadline_ms);
    json_put_base64(&f, p->code, p->code_len);
    buf_puts(&f, ",\"modules\":");
    buf_append(&f, modules.data, modules.len);
    if (request) {
        buf_puts(&f, ",\"request\":");
        buf_puts(&f, json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN));
    }
    buf_putc(&f, '}');
    buf_free(&modules);
    if (f.len > FRAME_MAX) {
        /* code, modules and request together do not fit in a frame: no
         * worker could take it, and sending would fail for every one */
        log_warn("job for %s %s (%s): %zu bytes with its code and modules, over the %u-byte "
                 "frame limit; not run", d->name, p->uuid, p->name, f.len, FRAME_MAX);
        buf_free(&f);
        job_free(j);
        pm->next_job_id--;
        *status = 413;
        *why = "The webhook request and the program's code are too large to hand to a worker";
        return NULL;
    }
    j->frame = buf_steal(&f, NULL);

    struct pm_job **tail = &pm->jobs;
    while (*tail)
        tail = &(*tail)->next;
    *tail = j;
    return j;
}

static void job_unlink(struct pm *pm, struct pm_job *j)
{
    for (struct pm_job **pp = &pm->jobs; *pp; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    job_free(j);
}

void pm_jobs_free(struct pm *pm)
{
    while (pm->jobs) {
        struct pm_job *j = pm->jobs;
        pm->jobs = j->next;
        job_free(j);
    }
}

/* The caller got its answer: one answer per connection, then it closes.
 * A job still on its worker is ANSWERED from now on. */
static void caller_done(struct pm_job *j)
{
    j->caller->closing = true;
    j->caller = NULL;
    if (j->state == PM_JOB_RUNNING)
        j->state = PM_JOB_ANSWERED;
}

/* A webhook whose caller still waits: QUEUED or RUNNING. */
static bool caller_waits(const struct pm_job *j)
{
    return j->webhook && j->state != PM_JOB_ANSWERED;
}

static void answer_caller(struct pm_job *j, int status, const char *message)
{
    if (!caller_waits(j))
        return;
    pm_send_error_retry(j->caller, status, message, status == 503 ? PM_RETRY_AFTER_S : 0);
    caller_done(j);
}

static void program_idle(struct pm *pm, const struct pm_job *j)
{
    struct pm_domain *d = pm_domain_find(pm, j->domain);
    struct pm_program *p = d ? pm_program_find(d, j->program) : NULL;
    if (p && !j->webhook)
        p->busy = false;
}

static void remember(struct pm *pm, const struct pm_job *j, const char *outcome, int64_t ms)
{
    struct pm_recent *r = &pm->recent[pm->nrecent++ % PM_RECENT];
    memset(r, 0, sizeof *r);
    r->id = j->id;
    snprintf(r->domain, sizeof r->domain, "%s", j->domain);
    memcpy(r->program, j->program, sizeof r->program);
    snprintf(r->name, sizeof r->name, "%s", j->name);
    r->webhook = j->webhook;
    snprintf(r->outcome, sizeof r->outcome, "%s", outcome);
    r->duration_ms = ms;
    r->finished_us = clock_real_us();
}

/* Ends a job that did not run to a result (no worker, given up). A job
 * that was started is recorded as crashed, with why. */
static void job_abandon(struct pm *pm, struct pm_job *j, int status, const char *why)
{
    log_warn("job %lld (%s %s): %s", (long long)j->id, j->domain, j->name, why);
    answer_caller(j, status, why);
    if (j->attempts > 0) {
        int64_t ms = j->started_us ? (clock_real_us() - j->started_us) / 1000 : 0;
        pm_record_run(pm, j, NULL, "crashed", ms < 0 ? 0 : ms, why);
        remember(pm, j, "crashed", ms < 0 ? 0 : ms);
    }
    program_idle(pm, j);
    job_unlink(pm, j);
}

static struct pm_conn *pick_worker(struct pm *pm, bool *any)
{
    struct pm_conn *best = NULL;
    *any = false;
    for (struct pm_conn *c = pm->conns; c; c = c->next) {
        if (c->role != PM_PEER_WORKER || c->closing)
            continue;
        *any = true;
        if (c->running >= c->capacity)
            continue;
        if (!best) {
            best = c;
            continue;
        }
        int64_t lhs = (int64_t)c->running * best->capacity;
        int64_t rhs = (int64_t)best->running * c->capacity;
        if (lhs < rhs || (lhs == rhs && c->idle_since_us < best->idle_since_us))
            best = c;
    }
    return best;
}

static int domain_running(const struct pm *pm, const char *domain)
{
    int n = 0;
    for (const struct pm_job *j = pm->jobs; j; j = j->next)
        n += on_worker(j) && strcmp(j->domain, domain) == 0;
    return n;
}

/* The queued job to start next: of the domain running the fewest jobs,
 * the oldest (jobs are kept in arrival order). */
static struct pm_job *next_queued(const struct pm *pm)
{
    struct pm_job *best = NULL;
    int best_running = INT_MAX;
    for (struct pm_job *j = pm->jobs; j; j = j->next) {
        if (j->state != PM_JOB_QUEUED)
            continue;
        int r = domain_running(pm, j->domain);
        if (r < best_running) {
            best = j;
            best_running = r;
        }
    }
    return best;
}

/* With no worker at all, the queued webhooks' callers get 503 at once
 * (routines wait for a worker to connect). */
static void queue_prune(struct pm *pm, bool no_worker)
{
    if (!no_worker)
        return;
    struct pm_job *j = pm->jobs;
    while (j) {
        struct pm_job *next = j->next;
        if (j->state == PM_JOB_QUEUED && j->webhook)
            job_abandon(pm, j, 503, "No program worker is available");
        j = next;
    }
}

void pm_dispatch(struct pm *pm)
{
    for (;;) {
        bool any;
        struct pm_conn *w = pick_worker(pm, &any);
        queue_prune(pm, !any);
        if (!w)
            return; /* none, or every worker is full: wait */
        struct pm_job *j = next_queued(pm);
        if (!j)
            return;
        buf_t f = BUF_INIT;
        buf_puts(&f, j->frame);
        int sent = pm_conn_send(w, &f);
        buf_free(&f);
        if (sent != OK)
            continue; /* w is closing now; try the same job elsewhere */
        j->state = PM_JOB_RUNNING;
        j->worker_id = w->worker_id;
        j->attempts++;
        j->started_us = clock_real_us();
        w->running++;
        log_debug("job %lld (%s %s) to worker %d", (long long)j->id, j->domain, j->name,
                  w->worker_id);
    }
}

int pm_webhook_admit(const struct pm *pm, const char *domain, const char **why)
{
    int64_t of_domain = 0, waiting = 0, free_slots = 0;
    for (const struct pm_job *j = pm->jobs; j; j = j->next) {
        if (!j->webhook)
            continue; /* ANSWERED ones count: they still hold a worker's slot */
        of_domain += strcmp(j->domain, domain) == 0;
        waiting += j->state == PM_JOB_QUEUED;
    }
    for (const struct pm_conn *c = pm->conns; c; c = c->next)
        if (c->role == PM_PEER_WORKER && !c->closing && c->running < c->capacity)
            free_slots += c->capacity - c->running;
    if (of_domain >= pm->cfg.manager_webhook_domain_max) {
        *why = "Too many webhook calls of this domain are running or waiting; try again later";
        return ERROR;
    }
    if (waiting >= free_slots + pm->cfg.manager_webhook_queue) {
        *why = "Every program worker is busy and the webhook queue is full; try again later";
        return ERROR;
    }
    return OK;
}

static struct pm_job *running_job(struct pm *pm, int worker_id, int64_t id)
{
    for (struct pm_job *j = pm->jobs; j; j = j->next)
        if (j->id == id && on_worker(j) && j->worker_id == worker_id)
            return j;
    return NULL;
}

/* The webhook_result frame from the result's response member (checked:
 * {status, headers, body_b64}). */
static void answer_webhook(struct pm_job *j, json_object *response)
{
    if (!caller_waits(j))
        return;
    json_object *headers;
    json_object_object_get_ex(response, "headers", &headers);
    buf_t f = BUF_INIT;
    buf_printf(&f, "{\"type\":\"webhook_result\",\"status\":%lld,\"headers\":",
               (long long)json_int(response, "status", 0));
    buf_puts(&f, json_object_to_json_string_ext(headers, JSON_C_TO_STRING_PLAIN));
    buf_puts(&f, ",\"body_b64\":");
    json_put_str(&f, json_str(response, "body_b64", ""));
    buf_putc(&f, '}');
    pm_conn_send(j->caller, &f);
    buf_free(&f);
    caller_done(j);
}

static bool outcome_known(const char *outcome)
{
    static const char *const known[] = { "ok", "error", "deadline", "crashed" };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(outcome, known[i]) == 0)
            return true;
    return false;
}

int pm_job_result(struct pm *pm, struct pm_conn *w, json_object *msg, char *why, size_t whysz)
{
    const char *outcome = json_str(msg, "outcome", "");
    if (!outcome_known(outcome)) {
        snprintf(why, whysz, "result with an unknown outcome");
        return ERROR;
    }
    int64_t id = json_int(msg, "id", 0);
    struct pm_job *j = running_job(pm, w->worker_id, id);
    if (!j) {
        log_warn("worker %d: result for unknown job %lld", w->worker_id, (long long)id);
        return OK;
    }
    w->running--;
    w->jobs_done++;
    if (w->running == 0)
        w->idle_since_us = clock_mono_us();
    int64_t ms = json_int(msg, "duration_ms", 0);
    log_info("job %lld (%s %s %s rev %d): %s in %lld ms", (long long)j->id, j->domain,
             j->webhook ? "webhook" : "routine", j->name, j->revision, outcome, (long long)ms);
    pm_record_run(pm, j, msg, outcome, ms, NULL);
    remember(pm, j, outcome, ms);
    json_object *response;
    if (j->webhook) {
        if (strcmp(outcome, "ok") == 0 && json_object_object_get_ex(msg, "response", &response)
            && response)
            answer_webhook(j, response);
        else if (strcmp(outcome, "deadline") == 0)
            answer_caller(j, 504, "The webhook program did not finish within its deadline");
        else {
            buf_t m = BUF_INIT;
            const char *err = json_str(msg, "error", "");
            buf_printf(&m, "The webhook program failed: %.*s", (int)strcspn(err, "\n"), err);
            answer_caller(j, 500, buf_cstr(&m));
            buf_free(&m);
        }
    }
    program_idle(pm, j);
    job_unlink(pm, j);
    return OK;
}

void pm_worker_lost(struct pm *pm, struct pm_conn *w)
{
    struct pm_job *j = pm->jobs;
    while (j) {
        struct pm_job *next = j->next;
        if (on_worker(j) && j->worker_id == w->worker_id) {
            if (j->webhook) {
                job_abandon(pm, j, 503, "The program's worker went away during the call");
            } else if (j->attempts >= pm->cfg.manager_max_attempts) {
                job_abandon(pm, j, 503, "The program's worker went away too many times");
            } else {
                log_warn("job %lld (%s %s): worker %d went away; queued again", (long long)j->id,
                         j->domain, j->name, w->worker_id);
                j->state = PM_JOB_QUEUED;
                j->worker_id = 0;
            }
        }
        j = next;
    }
    w->running = 0;
}

/* The caller went away before its answer: a queued call is dropped (it
 * never started), a running one goes on, ANSWERED, and is recorded. */
void pm_caller_lost(struct pm *pm, struct pm_conn *c)
{
    struct pm_job *j = pm->jobs;
    while (j) {
        struct pm_job *next = j->next;
        if (caller_waits(j) && j->caller == c) {
            if (j->state == PM_JOB_QUEUED) {
                job_unlink(pm, j);
            } else {
                j->caller = NULL;
                j->state = PM_JOB_ANSWERED;
            }
        }
        j = next;
    }
}

int64_t pm_jobs_timeouts(struct pm *pm)
{
    int64_t now = clock_mono_us(), wait = INT64_MAX;
    struct pm_job *j = pm->jobs;
    while (j) {
        struct pm_job *next = j->next;
        if (caller_waits(j)) {
            if (now >= j->answer_by_us) {
                answer_caller(j, 504, "The webhook program did not answer within its deadline");
                if (j->state == PM_JOB_QUEUED)
                    job_unlink(pm, j); /* else ANSWERED now, still on its worker */
            } else if (j->answer_by_us - now < wait) {
                wait = j->answer_by_us - now;
            }
        }
        j = next;
    }
    return wait;
}
