/* manager.h — the state of selfpmgr, the program manager, shared by its
 * files: domains and their programs (pm_domain.c), the routine schedule
 * (pm_schedule.c), chores no request triggers (pm_housekeeping.c),
 * connections on the manager socket (pm_conn.c), jobs and
 * their dispatch to workers (pm_dispatch.c), imports resolved for a job
 * (pm_imports.c), results written to program_runs (pm_record.c) and the
 * status report (pm_status.c). One thread, one poll loop (main.c).
 * The messages are documented in docs/protocol.md. */
#ifndef SELFHOST_MANAGER_H
#define SELFHOST_MANAGER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "connbudget.h"
#include "cron.h"
#include "db.h"
#include "frame.h"
#include "frame_route.h"

#define PM_RECENT 20            /* finished jobs kept for the status report */
#define PM_HEARTBEAT_LOST_US (30 * 1000000LL)
#define PM_WEBHOOK_GRACE_US (2 * 1000000LL)
#define PM_WRITE_TIMEOUT_MS 5000
#define PM_RETRY_AFTER_S 1      /* Retry-After of a webhook answered 503 */

struct pm_program {
    char uuid[37];
    char *name;
    bool webhook;           /* else a routine */
    int64_t deadline_ms;
    struct cron_spec spec;  /* routines */
    int64_t next_run_us;    /* routines: next activation, 0 when none */
    int revision;
    char checksum[65];
    char *code;             /* the newest signed revision */
    size_t code_len;
    bool busy;              /* a job of this routine is queued or running */
    bool seen;              /* mark during a reload */
};

struct pm;

struct pm_domain {
    struct pm *pm;
    char *name;
    char *uri;
    char key[CONNBUDGET_KEY_MAX]; /* its server, as the connection budget counts it */
    struct db_conn db;
    bool connected;
    bool connecting;           /* db_connect_start done, waiting on the socket */
    bool slot;                 /* holds a slot of the budget (connecting or connected) */
    bool listening;            /* LISTEN selfhost_programs; else polled */
    bool ever_connected;
    bool failed;               /* the last attempt failed: say so when it works again */
    int64_t used_us;           /* last use, for closing a polled domain's connection */
    int64_t connect_by_us;     /* give up connecting then */
    int64_t schema;            /* schema version of its database */
    bool schema_known;         /* looked at since the domain file last changed: a
                                * polled domain's connections skip the look */
    int64_t retry_at_us;       /* when to try connecting again */
    int64_t reload_at_us;      /* next full read of its programs */
    int64_t housekeeping_at_us; /* next pm_housekeeping run */
    bool reload_now;           /* a notification asked for a full read */
    struct pm_program *programs;
    size_t nprograms;
};

enum pm_conn_role { PM_PEER_NEW, PM_PEER_WORKER, PM_PEER_WEBHOOK, PM_PEER_STATUS };

struct pm_conn {
    int fd;
    enum pm_conn_role role;
    struct frame_reader *reader;
    pid_t peer_pid;
    /* workers */
    int worker_id;
    char *name;
    int capacity;
    int running;
    int64_t jobs_done;
    int64_t last_heard_us;
    int64_t idle_since_us;
    bool closing;
    struct pm_conn *next;
};

/* A job's state (pm_dispatch.c moves it; nothing else does):
 *
 *             dispatch              result
 *   QUEUED -------------> RUNNING ---------> freed: recorded, a webhook's caller answered
 *     ^                     |   |
 *     +--- worker lost -----+   | webhook: 504 at answer_by, or its caller gone
 *          (a routine)          v
 *                         ANSWERED --------> freed: recorded, nobody told
 *
 * Besides: a QUEUED webhook is freed when its caller is answered (504,
 * or 503 with no worker at all) or goes away; a RUNNING or ANSWERED job
 * whose worker goes away is recorded crashed and freed, a webhook's
 * waiting caller answered 503 — except a routine below max_attempts,
 * which is QUEUED again.
 *
 * ANSWERED is a webhook whose program still runs on a worker after its
 * caller has had an answer (504) or went away: it still holds its worker
 * slot and counts toward its domain's webhook_domain_max until the result
 * (or the loss of the worker) ends it. A QUEUED or RUNNING webhook always
 * has its caller; an ANSWERED one never has.
 *
 * How a job refers to the rest, and why:
 * - workers by id (worker_id): a routine outlives the connection of the
 *   worker that ran it (queued again when that worker goes away) and
 *   pm_conn_close frees the connection; ids are never reused, so a result
 *   on a new connection can never match a job of the old one.
 * - its caller by pointer: the one thing a job must write to, and it cannot
 *   dangle: a caller has exactly one job, and pm_conn_close calls
 *   pm_caller_lost, which detaches the job, before the connection is freed.
 * - programs by domain name + uuid: a reload of the domain list
 *   (pm_domains_load) and of a domain's programs both build new arrays
 *   and move the entries, so a pointer into pm->domains or d->programs
 *   would not survive one; the job copies what it runs (name, revision,
 *   checksum, deadline, the frame) and finds the program again when it
 *   ends, which may find none (removed meanwhile). */
enum pm_job_state { PM_JOB_QUEUED, PM_JOB_RUNNING, PM_JOB_ANSWERED };

struct pm_job {
    int64_t id;
    bool webhook;            /* its kind: else a routine */
    char *domain;
    char program[37];
    char *name;
    int revision;
    char checksum[65];
    int64_t deadline_ms;
    char *frame;             /* the job frame sent to a worker (without id) */
    enum pm_job_state state;
    int attempts;
    int worker_id;           /* RUNNING, ANSWERED: who has it */
    int64_t started_us;      /* wall clock, for program_runs */
    int64_t answer_by_us;    /* webhooks: monotonic time of the 504 */
    struct pm_conn *caller;  /* webhooks QUEUED or RUNNING: who waits; else NULL */
    struct pm_job *next;
};

struct pm_recent {
    int64_t id;
    char domain[64];
    char program[37];
    char name[64];
    bool webhook;
    char outcome[16];
    int64_t duration_ms;
    int64_t finished_us;
};

struct pm {
    struct config cfg;
    int listen_fd;
    struct pm_domain *domains;
    size_t ndomains;
    struct connbudget *budget; /* shared connection slots, NULL: no budget */
    bool budget_tried;
    int64_t polls_wait_us;     /* no slot for a poll: none is begun before then */
    int64_t poll_late_us;      /* how late polled reads came lately (the largest,
                                * fading): the next ones start that much earlier */
    int64_t domainfile_mtime;
    struct pm_conn *conns;
    struct pm_job *jobs;      /* queued and running, in arrival order */
    int64_t next_job_id;
    int next_worker_id;
    struct pm_recent recent[PM_RECENT];
    size_t nrecent;           /* total ever; ring index = n % PM_RECENT */
    volatile int *stop;
};


/* pm_domain.c */
int pm_domains_load(struct pm *pm);                 /* (re)read the domain list */
void pm_domains_free(struct pm *pm);
void pm_domain_service(struct pm *pm, struct pm_domain *d); /* connect, notifications, reload */
/* Makes sure d has an open connection (a polled domain's is opened at
 * once, blocking, within the manager's share): OK, or ERROR when it cannot
 * be had now (database away: retried after a few seconds). For jobs,
 * their records and webhooks. */
int pm_domain_use(struct pm_domain *d);
struct pm_domain *pm_domain_find(struct pm *pm, const char *name);
struct pm_program *pm_program_find(struct pm_domain *d, const char *uuid);
/* One program read fresh (webhooks): OK with *out filled (free with
 * pm_program_clear), or ERROR with an HTTP status and message. */
int pm_program_fetch(struct pm_domain *d, const char *uuid, struct pm_program *out, int *status,
                     const char **message);
void pm_program_clear(struct pm_program *p);
/* Program code as PostgreSQL's encode(code, 'hex') gives it, to bytes
 * (malloc'd, NUL-terminated for convenience; *len excludes the NUL). */
char *pm_unhex(const char *hex, size_t *len);

/* pm_housekeeping.c: expired dataset uploads, on connect and hourly */
void pm_housekeeping(struct pm *pm, struct pm_domain *d);

/* pm_schedule.c */
void pm_schedule_program(struct pm_program *p, int64_t now_us);
/* Queues every routine that is due; returns µs until the next one is (or
 * a cap). */
int64_t pm_schedule_run(struct pm *pm);

/* pm_imports.c: the modules[] member of a job: every "name@…" import of
 * code and, recursively, of the modules it imports, read from d. */
int pm_imports_json(struct pm_domain *d, const char *code, size_t len, buf_t *out);

/* pm_dispatch.c */
/* A job queued for p (request and caller: a webhook's, both NULL for a
 * routine); NULL with an HTTP status and message when it cannot be made
 * (database away, or code + modules + request larger than a frame). */
struct pm_job *pm_job_new(struct pm *pm, struct pm_domain *d, const struct pm_program *p,
                          json_object *request, struct pm_conn *caller, int *status,
                          const char **why);
void pm_dispatch(struct pm *pm);                    /* start what can start */
/* OK when a webhook of domain may be queued now; ERROR with why (for a
 * 503) when that domain has [manager] webhook_domain_max calls queued or
 * running, or webhook_queue calls already wait beyond the free slots. */
int pm_webhook_admit(const struct pm *pm, const char *domain, const char **why);
/* A worker's result frame (its members checked by PM_ROUTES_WORKER): OK,
 * or ERROR with why when a value breaks the protocol (an unknown
 * outcome). */
int pm_job_result(struct pm *pm, struct pm_conn *w, json_object *msg, char *why, size_t whysz);
void pm_worker_lost(struct pm *pm, struct pm_conn *w);
void pm_caller_lost(struct pm *pm, struct pm_conn *c);
int64_t pm_jobs_timeouts(struct pm *pm);           /* 504s; µs until the next */
size_t pm_queue_length(const struct pm *pm);
void pm_jobs_free(struct pm *pm);                   /* at exit */

/* pm_conn.c */
/* The manager's frame tables (docs/protocol.md, tests/unit/test_protocol_doc.c):
 * a new peer's first frame, and a worker's frames once welcome. */
extern const struct frame_route PM_ROUTES_FIRST[];
extern const struct frame_route PM_ROUTES_WORKER[];
int pm_listen(struct pm *pm);
void pm_accept(struct pm *pm);
void pm_conn_readable(struct pm *pm, struct pm_conn *c);
int pm_conn_send(struct pm_conn *c, const buf_t *frame);
void pm_conn_close(struct pm *pm, struct pm_conn *c);
void pm_conns_sweep(struct pm *pm);                 /* free closed, drop silent workers */
void pm_send_error(struct pm_conn *c, int status, const char *message);
/* The same with retry_after (seconds, for Retry-After; 0: none). */
void pm_send_error_retry(struct pm_conn *c, int status, const char *message, int retry_after);

/* pm_record.c: result is the worker's, or NULL for a job that ended
 * without one (then error says why). */
void pm_record_run(struct pm *pm, const struct pm_job *job, json_object *result,
                   const char *outcome, int64_t duration_ms, const char *error);

/* pm_status.c */
void pm_status_json(const struct pm *pm, buf_t *out);

#endif
