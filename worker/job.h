/* job.h — the two messages selfpwrk handles per job (docs/protocol.md,
 * "Worker ⇄ manager"): a `job` frame read into struct job, and the
 * outcome of the run (struct job_result) written as the `result` frame.
 * A program child hands its result to the worker in the same shape
 * ({"type":"run", outcome, error, output, log, response}), so the one
 * parser checks what crosses the pipe before it reaches the manager. */
#ifndef SELFPWRK_JOB_H
#define SELFPWRK_JOB_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "frame_route.h"
#include "host.h"

#define JOB_OUTPUT_MAX    (64u * 1024u) /* bytes of output sent back */
#define JOB_LOG_MAX       1000u         /* log lines sent back */
#define JOB_LOG_LINE_MAX  (8u * 1024u)  /* bytes of one log line */

struct job_module {
    const char *spec;     /* "name@latest" as import() names it */
    const char *checksum;
    char *code;           /* decoded code_b64 */
    size_t code_len;
};

struct job {
    json_object *root;    /* the frame; the const strings below point into it */
    int64_t id;
    int webhook;          /* kind "webhook" (else "routine") */
    const char *domain, *program, *name, *checksum;
    int64_t revision;
    int64_t deadline_ms;
    char *code;           /* decoded code_b64 */
    size_t code_len;
    struct job_module *modules;
    size_t nmodules;
    /* webhooks: the request (members of `request`), for cgi.request */
    const char *method, *path, *query;
    struct tg_header *headers; /* malloc'd copies */
    size_t nheaders;
    char *body;
    size_t body_len;
};

/* The members of a `job` frame, for the worker's frame table (runs.c). */
extern const struct json_field JOB_FIELDS[];
extern const struct frame_nested JOB_NESTED[];
/* The child's report, {"type":"run",…}, as job_result_parse reads it. */
extern const struct frame_route JOB_ROUTES_CHILD[];

/* Reads a job frame whose members JOB_FIELDS and JOB_NESTED checked: OK
 * with *j filled (it holds a reference to msg; job_free it), or ERROR with
 * a one-line reason in err (a value out of bounds, bad base64) and *j
 * freed but for its id, for the error result. */
int job_read(json_object *msg, struct job *j, char *err, size_t errsz);
void job_free(struct job *j);

struct job_log {
    char level[8];  /* "info" or "error" */
    char *message;
};

struct job_result {
    const char *outcome; /* "ok", "error", "deadline", "crashed" (static strings) */
    buf_t error;
    buf_t output;        /* capped at JOB_OUTPUT_MAX when written */
    struct job_log *log;
    size_t nlog;
    int has_response;    /* webhooks: what cgi.response built */
    struct tg_cgi_response response;
};

void job_result_init(struct job_result *r);
void job_result_free(struct job_result *r);
/* Adds a log line (dropped past JOB_LOG_MAX lines, cut at JOB_LOG_LINE_MAX
 * bytes). */
void job_result_log(struct job_result *r, const char *level, const char *msg, size_t len);

/* The child's report: {"type":"run",…}. */
void job_result_json(const struct job_result *r, buf_t *out);
/* Reads a child's report back (JOB_ROUTES_CHILD); ERROR with err when it
 * is not one. */
int job_result_parse(const char *body, size_t len, struct job_result *r, char *err,
                     size_t errsz);
/* The `result` frame for the manager. */
void job_result_frame(const struct job_result *r, int64_t id, int64_t duration_ms, buf_t *out);

#endif
