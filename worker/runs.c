/* runs.c — from job frame to result frame (runs.h), and the one log line
 * per finished job. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "json.h"
#include "log.h"
#include "runs.h"
#include "status.h"
#include "vm.h"
#include "xalloc.h"

#define REAP_RETRY_NS (1 * 1000000LL) /* pipe closed, process not yet gone */

void runs_init(struct runs *r, size_t capacity, size_t cache_size, const struct child_limits *lim)
{
    memset(r, 0, sizeof *r);
    r->slots = xcalloc(capacity, sizeof *r->slots);
    r->cache = cache_new(cache_size);
    for (size_t i = 0; i < capacity; i++)
        r->slots[i].fd = -1;
    r->capacity = capacity;
    r->lim = *lim;
}

void runs_free(struct runs *r)
{
    runs_abandon(r);
    free(r->slots);
    cache_free(r->cache);
    memset(r, 0, sizeof *r);
}

int runs_count(const struct runs *r)
{
    int n = 0;
    for (size_t i = 0; i < r->capacity; i++)
        n += r->slots[i].pid > 0;
    return n;
}

/* Sends the result and logs the job's line. */
static void report(struct conn *c, const struct job *j, const struct job_result *res,
                   int64_t start_ns, int64_t now)
{
    int64_t ms = (now - start_ns) / 1000000;
    buf_t b = BUF_INIT;
    job_result_frame(res, j->id, ms, &b);
    conn_send(c, &b, now);
    buf_free(&b);
    log_info("job %lld done: domain %s, program %s '%s' revision %lld: %s in %lld ms",
             (long long)j->id, j->domain ? j->domain : "?", j->program ? j->program : "?",
             j->name ? j->name : "?", (long long)j->revision, res->outcome, (long long)ms);
}

/* An answer without a run: outcome error with msg. */
static void report_error(struct conn *c, const struct job *j, const char *msg, int64_t start_ns,
                         int64_t now)
{
    struct job_result res;
    job_result_init(&res);
    res.outcome = "error";
    buf_puts(&res.error, msg);
    report(c, j, &res, start_ns, now);
    job_result_free(&res);
}

static struct child *free_slot(struct runs *r)
{
    for (size_t i = 0; i < r->capacity; i++)
        if (r->slots[i].pid == 0)
            return &r->slots[i];
    return NULL;
}

/* The cached bytecode for j, compiling it on a miss; NULL with err set
 * when it does not compile. */
static const struct tg_bytecode *program_for(struct runs *r, const struct job *j, buf_t *err)
{
    uint8_t key[CACHE_KEY_LEN];
    cache_key(j, key);
    const struct tg_bytecode *bc = cache_get(r->cache, key);
    if (bc) {
        log_debug("job %lld: compiled program from the cache", (long long)j->id);
        return bc;
    }
    struct tg_bytecode *fresh;
    if (compile_job(j, &fresh, err) != OK)
        return NULL;
    cache_put(r->cache, key, fresh);
    return fresh;
}

/* What the handlers of RUNS_ROUTES get as ctx. */
struct from_manager {
    struct runs *r;
    struct conn *c;
    int64_t now;
};

/* A checked `job` frame: answered at once when a value is bad or it does
 * not compile; otherwise started in a child. */
static int on_job(void *ctx, json_object *msg)
{
    struct from_manager *m = ctx;
    struct runs *r = m->r;
    struct conn *c = m->c;
    int64_t now = m->now;
    struct job j;
    char err[512];
    if (job_read(msg, &j, err, sizeof err) != OK) {
        log_warn("job %lld: bad job: %s", (long long)j.id, err);
        char line[600];
        snprintf(line, sizeof line, "bad job: %s", err);
        report_error(c, &j, line, now, now);
        return OK;
    }
    struct child *slot = free_slot(r);
    if (!slot) {
        snprintf(err, sizeof err, "worker busy: already running %zu jobs", r->capacity);
        report_error(c, &j, err, now, now);
        job_free(&j);
        return OK;
    }
    buf_t cerr = BUF_INIT;
    const struct tg_bytecode *bc = program_for(r, &j, &cerr);
    if (!bc) {
        report_error(c, &j, buf_cstr(&cerr), now, tg_now_ns());
        buf_free(&cerr);
        job_free(&j);
        return OK;
    }
    buf_free(&cerr);
    if (child_start(slot, &j, bc, &r->lim, now) != OK) {
        snprintf(err, sizeof err, "cannot start a program child: %s", strerror(errno));
        log_error("job %lld: %s", (long long)slot->job.id, err);
        report_error(c, &slot->job, err, now, now);
        job_free(&slot->job);
        memset(slot, 0, sizeof *slot);
        slot->fd = -1;
    }
    return OK;
}

const struct frame_route RUNS_ROUTES[] = {
    { "job", on_job, JOB_FIELDS, JOB_NESTED },
    { NULL, NULL, NULL, NULL },
};

int runs_frame(struct runs *r, struct conn *c, const char *body, size_t len, int64_t now)
{
    json_object *msg;
    char err[512];
    if (json_parse(body, len, &msg, err, sizeof err) != OK || !msg) {
        log_warn("unreadable frame from the manager: %s", err);
        return ERROR; /* frame_read checked it: cannot happen */
    }
    const struct frame_route *route;
    int rc = frame_route_match(RUNS_ROUTES, msg, &route, err, sizeof err);
    struct from_manager m = { r, c, now };
    if (rc == FRAME_ROUTE_OK) {
        rc = route->handler(&m, msg);
    } else if (rc == FRAME_ROUTE_UNKNOWN) {
        log_warn("refused a frame from the manager: %s", err);
        rc = OK; /* dropped; the jobs running are worth more than the connection */
    } else if (json_object_is_type(json_object_object_get(msg, "id"), json_type_int)) {
        /* a job with a usable id: its error result */
        struct job j = { .id = json_int(msg, "id", 0) };
        log_warn("job %lld: bad job: %s", (long long)j.id, err);
        char line[600];
        snprintf(line, sizeof line, "bad job: %s", err);
        report_error(c, &j, line, now, now);
        rc = OK;
    } else {
        log_warn("bad job frame: %s", err);
        rc = ERROR;
    }
    json_object_put(msg);
    return rc;
}

size_t runs_pollfds(const struct runs *r, struct pollfd *pfd)
{
    size_t n = 0;
    for (size_t i = 0; i < r->capacity; i++)
        if (r->slots[i].pid > 0 && r->slots[i].fd >= 0)
            pfd[n++] = (struct pollfd){ .fd = r->slots[i].fd, .events = POLLIN };
    return n;
}

int64_t runs_next_ns(const struct runs *r)
{
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < r->capacity; i++) {
        const struct child *c = &r->slots[i];
        if (c->pid <= 0)
            continue;
        int64_t t = c->fd < 0 ? tg_now_ns() + REAP_RETRY_NS
                    : c->killed ? c->kill_ns + 1000000000LL : c->kill_ns;
        if (t < next)
            next = t;
    }
    return next;
}

void runs_service(struct runs *r, struct conn *c, int64_t now)
{
    for (size_t i = 0; i < r->capacity; i++) {
        struct child *ch = &r->slots[i];
        if (ch->pid <= 0)
            continue;
        if (ch->fd >= 0)
            child_read(ch);
        child_tick(ch, now);
        int64_t start = ch->start_ns;
        struct job j;
        struct job_result res;
        if (child_finish(ch, now, &j, &res) != OK)
            continue;
        report(c, &j, &res, start, now);
        job_result_free(&res);
        job_free(&j);
    }
}

void runs_abandon(struct runs *r)
{
    int n = 0;
    for (size_t i = 0; i < r->capacity; i++)
        if (r->slots[i].pid > 0) {
            child_abandon(&r->slots[i]);
            n++;
        }
    if (n)
        log_warn("killed %d running job(s); the manager reruns them", n);
}
