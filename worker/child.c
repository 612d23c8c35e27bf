/* child.c — fork, sandbox, run, report (child.h). The child's half runs
 * user code and so trusts nothing it shares with the worker: it leaves
 * through _exit only, and writes one frame to the pipe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "host.h"
#include "log.h"
#include "sandbox.h"
#include "status.h"
#include "vm.h"

#define REPORT_FD 3

/* ==== the child ========================================================= */

static void set_limit(int res, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = { soft, hard };
    setrlimit(res, &rl);
}

/* The sandbox could not be set up: a report saying so, and out. */
static _Noreturn void sandbox_failed(const char *step)
{
    int e = errno;
    struct job_result r;
    job_result_init(&r);
    r.outcome = "crashed";
    buf_printf(&r.error, "the sandbox could not be set up (%s: %s)", step, strerror(e));
    buf_t out = BUF_INIT;
    job_result_json(&r, &out);
    frame_write(REPORT_FD, out.data, out.len, -1);
    _exit(1);
}

/* Everything but the run itself. The rlimits are not fatal when they
 * fail (each is a second line behind the deadline and the VM's own
 * checks); the user, the capabilities and the filter are: a child that
 * cannot have them does not run the program. */
static void sandbox(int fd, const struct child_limits *lim, int64_t deadline_ms)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &sa, NULL);
    /* a write to a gone peer is an error, never a death; a write past
     * RLIMIT_FSIZE (stderr on a file) is EFBIG, never SIGXFSZ */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);

    if (fd != REPORT_FD && dup2(fd, REPORT_FD) < 0)
        _exit(1);
    if (close_range(REPORT_FD + 1, ~0U, 0) != 0) {
        /* no close_range (old kernel, seccomp filter): one by one */
        long max = sysconf(_SC_OPEN_MAX);
        for (long f = REPORT_FD + 1; f < (max > 0 && max < 1048576 ? max : 65536); f++)
            close((int)f);
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (null > REPORT_FD)
            close(null);
    }

#ifndef SELFHOST_SANITIZED_BUILD
    set_limit(RLIMIT_AS, (rlim_t)lim->memory, (rlim_t)lim->memory);
#else
    /* AddressSanitizer reserves terabytes of address space for its shadow
     * memory: under an address-space limit every run would die at start.
     * Sanitizer builds are for tests; the VM's heap limit still applies. */
#endif
    set_limit(RLIMIT_NOFILE, (rlim_t)lim->open_files, (rlim_t)lim->open_files);
    rlim_t cpu = (rlim_t)((deadline_ms + 999) / 1000 + 1);
    set_limit(RLIMIT_CPU, cpu, cpu + 1);
    set_limit(RLIMIT_CORE, 0, 0);
    set_limit(RLIMIT_FSIZE, 0, 0);

    if (sandbox_drop_user(&lim->user) != OK)
        sandbox_failed("program user");
    /* a change of credentials clears the parent-death signal: again */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    if (sandbox_filter() != OK)
        sandbox_failed("seccomp filter");
}

static void on_log(void *ctx, const char *level, const char *msg, size_t len)
{
    job_result_log(ctx, level, msg, len);
}

static _Noreturn void child_main(const struct job *j, const struct tg_bytecode *bc,
                                 const struct child_limits *lim, int64_t deadline_ns, int fd)
{
    sandbox(fd, lim, j->deadline_ms);
    struct job_result r;
    job_result_init(&r);
    struct tg_cgi_request req = {
        .method = j->method, .path = j->path, .query = j->query,
        .headers = j->headers, .nheaders = j->nheaders,
        .body = j->body, .body_len = j->body_len,
    };
    struct tg_host host = {
        .log = on_log,
        .log_ctx = &r,
        .http_timeout_ms = lim->http_timeout_ms,
        .cgi_request = j->webhook ? &req : NULL,
        .cgi_response = j->webhook ? &r.response : NULL,
        .cgi_max_body = lim->cgi_max_body,
    };
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    vm.deadline_ns = deadline_ns;
    vm.out = &r.output;
    vm.out_max = JOB_OUTPUT_MAX; /* a print loop must not grow memory */
    vm.host = &host;
    /* a clean error before the address-space limit turns into SIGABRT */
    vm.max_heap_bytes = (size_t)(lim->memory / 2);
    if (tg_vm_run(&vm) != OK) {
        if (tg_now_ns() >= deadline_ns) {
            r.outcome = "deadline";
            buf_printf(&r.error, "deadline exceeded (%lld ms)", (long long)j->deadline_ms);
        } else {
            r.outcome = "error";
            buf_append(&r.error, buf_cstr(&vm.error), vm.error.len);
        }
    } else if (j->webhook) {
        r.has_response = 1;
    }
    buf_t out = BUF_INIT;
    job_result_json(&r, &out);
    if (frame_write(REPORT_FD, out.data, out.len, -1) != OK && errno == EMSGSIZE) {
        buf_reset(&out);
        struct job_result big;
        job_result_init(&big);
        big.outcome = "error";
        buf_printf(&big.error, "the result is larger than a frame (%zu bytes)", out.len);
        job_result_json(&big, &out);
        frame_write(REPORT_FD, out.data, out.len, -1);
    }
    _exit(0);
}

/* ==== the worker's side ================================================= */

int child_start(struct child *c, struct job *j, const struct tg_bytecode *bc,
                const struct child_limits *lim, int64_t start_ns)
{
    memset(c, 0, sizeof *c);
    c->job = *j;
    memset(j, 0, sizeof *j);
    c->fd = -1;
    c->start_ns = start_ns;
    c->deadline_ns = start_ns + c->job.deadline_ms * 1000000LL;
    c->kill_ns = c->deadline_ns + CHILD_KILL_GRACE_NS;
    c->user = &lim->user;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return ERROR;
    c->fr = frame_reader_new(0);
    pid_t pid = c->fr ? fork() : -1;
    if (pid < 0) {
        int e = c->fr ? errno : ENOMEM;
        close(p[0]);
        close(p[1]);
        frame_reader_free(c->fr);
        c->fr = NULL;
        errno = e;
        return ERROR;
    }
    if (pid == 0) {
        close(p[0]);
        child_main(&c->job, bc, lim, c->deadline_ns, p[1]);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    c->pid = pid;
    c->fd = p[0];
    return OK;
}

static void close_pipe(struct child *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void child_read(struct child *c)
{
    for (;;) {
        const char *d;
        size_t n;
        int rc = frame_read(c->fr, c->fd, &d, &n);
        if (rc == FRAME_AGAIN)
            return;
        if (rc == FRAME_OK) {
            char err[256];
            if (c->have_report)
                continue;
            if (job_result_parse(d, n, &c->report, err, sizeof err) == OK)
                c->have_report = 1;
            else
                log_warn("job %lld: bad report from child %d: %s", (long long)c->job.id,
                         (int)c->pid, err);
            continue;
        }
        if (rc == FRAME_ERROR && !c->killed)
            log_warn("job %lld: child %d: %s", (long long)c->job.id, (int)c->pid,
                     frame_reader_error(c->fr));
        close_pipe(c);
        return;
    }
}

void child_tick(struct child *c, int64_t now)
{
    if (!c->killed && now >= c->kill_ns) {
        if (sandbox_kill(c->pid, SIGKILL, c->user) != OK)
            log_error("job %lld: cannot kill child %d: %s", (long long)c->job.id, (int)c->pid,
                      strerror(errno));
        c->killed = 1;
    }
    /* a killed child's pipe ends with it; a second after, stop waiting */
    if (c->killed && now >= c->kill_ns + 1000000000LL)
        close_pipe(c);
}

static void release(struct child *c)
{
    close_pipe(c);
    frame_reader_free(c->fr);
    job_result_free(&c->report);
    job_free(&c->job);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static void describe_death(struct child *c, int status, int64_t now, struct job_result *r)
{
    if (c->killed) {
        r->outcome = "deadline";
        buf_printf(&r->error, "deadline exceeded (%lld ms)", (long long)c->job.deadline_ms);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *abbrev = sigabbrev_np(sig);
        if ((sig == SIGXCPU || sig == SIGKILL) && now >= c->deadline_ns) {
            r->outcome = "deadline";
            buf_printf(&r->error, "deadline exceeded (%lld ms)", (long long)c->job.deadline_ms);
        } else if (sig == SIGSYS) {
            /* the filter's SECCOMP_RET_KILL_PROCESS (sandbox.h) */
            r->outcome = "crashed";
            buf_printf(&r->error, "killed by the sandbox (SIGSYS: a system call programs may "
                                  "not make)");
            log_warn("job %lld: child %d made a system call outside the sandbox's filter",
                     (long long)c->job.id, (int)c->pid);
        } else {
            r->outcome = "crashed";
            buf_printf(&r->error, "killed by signal %d (SIG%s)", sig, abbrev ? abbrev : "?");
        }
    } else {
        r->outcome = "crashed";
        buf_printf(&r->error, "exited with status %d without a result",
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

int child_finish(struct child *c, int64_t now, struct job *j, struct job_result *r)
{
    if (c->fd >= 0)
        return 1;
    int status = 0;
    pid_t p;
    do
        p = waitpid(c->pid, &status, WNOHANG);
    while (p < 0 && errno == EINTR);
    if (p == 0)
        return 1;
    if (c->have_report) {
        *r = c->report;
        job_result_init(&c->report);
    } else {
        job_result_init(r);
        if (p < 0)
            status = 0; /* reaped elsewhere: nothing to say but "no result" */
        describe_death(c, status, now, r);
    }
    *j = c->job;
    memset(&c->job, 0, sizeof c->job);
    release(c);
    return OK;
}

void child_abandon(struct child *c)
{
    if (c->pid > 0) {
        sandbox_kill(c->pid, SIGKILL, c->user);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    release(c);
}
