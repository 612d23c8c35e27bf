/* child.h — one program run in a forked child (one per job, CGI-style).
 *
 * The child drops what it can before running user code: rlimits (address
 * space, open files, CPU time a little past the deadline, no core files, no
 * file writes), every inherited fd closed but the result pipe and stderr,
 * default signal handlers, death with the worker; then it becomes the
 * program user, drops every capability, and installs the seccomp filter
 * (sandbox.h): no new privileges, a forbidden system call kills it. It runs
 * the bytecode once with the job's deadline, captures output, log lines and
 * (webhooks) the cgi response, writes one report to the pipe and exits.
 *
 * The worker side reads the report as it arrives, kills a child still
 * alive 500 ms after its deadline, reaps it, and says what happened: the
 * report, or "deadline", or "crashed" with the signal or exit status
 * ("killed by the sandbox" for SIGSYS, the filter's). */
#ifndef SELFPWRK_CHILD_H
#define SELFPWRK_CHILD_H

#include <stdint.h>
#include <sys/types.h>

#include "compiler.h"
#include "frame.h"
#include "job.h"
#include "sandbox.h"

#define CHILD_KILL_GRACE_NS (500 * 1000000LL) /* after the deadline */

struct child_limits {
    int64_t memory;        /* RLIMIT_AS, bytes */
    int64_t open_files;    /* RLIMIT_NOFILE */
    long http_timeout_ms;  /* per http.* call */
    size_t cgi_max_body;   /* webhook response body, bytes */
    struct sandbox_user user; /* who the child becomes (sandbox_user_setup) */
};

struct child {
    struct job job;        /* owned; freed by child_finish */
    const struct sandbox_user *user; /* the limits' (for kill) */
    pid_t pid;             /* 0: the slot is free */
    int fd;                /* read end of the report pipe; -1 after EOF */
    struct frame_reader *fr;
    int64_t start_ns, deadline_ns, kill_ns; /* CLOCK_MONOTONIC */
    int killed;            /* we sent SIGKILL at deadline + grace */
    int have_report;
    struct job_result report;
};

/* Forks a child running bc for *j, which c takes over (even on ERROR).
 * The deadline counts from start_ns. ERROR with errno when pipe or fork
 * failed. */
int child_start(struct child *c, struct job *j, const struct tg_bytecode *bc,
                const struct child_limits *lim, int64_t start_ns);
/* c->fd is readable (or hung up): takes what arrived. */
void child_read(struct child *c);
/* Kills it at deadline + grace; closes the pipe of a killed child that
 * keeps it open. Call on every loop turn. */
void child_tick(struct child *c, int64_t now);
/* When the report is in (pipe at EOF) and the process is gone: hands
 * over the job and the result (free both), frees the rest of what c held
 * (the slot is free again), returns OK. 1 while the child still runs. */
int child_finish(struct child *c, int64_t now, struct job *j, struct job_result *r);
/* SIGKILL and reap, dropping the result (the manager's connection is gone,
 * or the worker is stopping). */
void child_abandon(struct child *c);

#endif
