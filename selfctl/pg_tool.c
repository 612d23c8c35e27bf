/* pg_tool.c — running pg_dump / pg_restore for `selfctl backup|restore`
 * (see pg_tool.h): the URI goes into the child's environment (PGHOST,
 * PGPASSWORD, …, libpq's own names for each parameter), never onto its
 * command line, so `ps` cannot show a password; their --verbose lines
 * become a short progress display on stderr and their error lines the
 * message selfctl prints. */
#include "pg_tool.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "status.h"

int pg_tool_find(const char *prog, char *path, size_t n)
{
    const char *p = getenv("PATH");
    if (!p || !*p)
        p = "/usr/local/bin:/usr/bin:/bin";
    while (*p) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0 && (size_t)snprintf(path, n, "%.*s/%s", (int)len, p, prog) < n &&
            access(path, X_OK) == 0)
            return OK;
        p += len + (end != NULL);
    }
    fail("%s not found on PATH: install PostgreSQL's client programs "
         "(Debian: apt-get install postgresql-client)", prog);
    return ERROR;
}

int pg_tool_env_check(const char *uri)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &perr);
    if (!opts) {
        fail("cannot read the database URI: %s", perr ? strtok(perr, "\n") : "out of memory");
        PQfreemem(perr);
        return ERROR;
    }
    int rc = OK;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && *o->val && !o->envvar) {
            fail("the URI's parameter '%s' has no environment variable to reach pg_dump or "
                 "pg_restore through; drop it or put it in a service file (service=NAME)",
                 o->keyword);
            rc = ERROR;
            break;
        }
    PQconninfoFree(opts);
    return rc;
}

/* In the child: every parameter of the URI as libpq's environment
 * variable (they win over the inherited ones, as in the URI itself). */
static void export_uri(const char *uri)
{
    PQconninfoOption *opts = PQconninfoParse(uri, NULL);
    if (!opts)
        return;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && *o->val && o->envvar)
            setenv(o->envvar, o->val, 1);
    PQconninfoFree(opts);
}

static void progress_show(struct pg_progress *p, int final)
{
    if (!p->verb)
        return;
    long total = p->total > p->done ? p->total : p->done;
    if (p->tty) {
        if (final)
            fputs("\r\033[K", stderr);
        else
            fprintf(stderr, "\r\033[K%s: %ld/%ld tables  %.50s", p->verb, p->done, total,
                    p->current);
        fflush(stderr);
        return;
    }
    /* a log, not a terminal: a line at each tenth */
    int tenth = total ? (int)(p->done * 10 / total) : 10;
    if (!final && tenth > p->shown_tenth) {
        p->shown_tenth = tenth;
        fprintf(stderr, "%s: %d%% (%ld/%ld tables)\n", p->verb, tenth * 10, p->done, total);
    }
}

/* One line of the tool's stderr: a progress step, an error to keep, or
 * chatter (dropped). */
static void on_err_line(struct pg_progress *p, char *line, char *msg, size_t msgsz)
{
    const char *q;
    if (p->step && (q = strstr(line, p->step)) != NULL) {
        p->done++;
        snprintf(p->current, sizeof p->current, "%s", q + strlen(p->step));
        progress_show(p, 0);
        return;
    }
    if (strstr(line, "error:") || strstr(line, "FATAL") || strstr(line, "ERROR:") ||
        strstr(line, "fatal:")) {
        size_t used = strlen(msg);
        if (used + 3 < msgsz)
            snprintf(msg + used, msgsz - used, "%s%s", used ? "; " : "", line);
    }
}

/* Splits what arrived on fd into lines for fn; 0 at end of file. */
static int read_lines(int fd, char *acc, size_t accsz, size_t *len,
                      void (*fn)(void *ctx, char *line), void *ctx)
{
    ssize_t r = read(fd, acc + *len, accsz - 1 - *len);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (r <= 0) {
        if (*len) {
            acc[*len] = '\0';
            fn(ctx, acc);
            *len = 0;
        }
        return 0;
    }
    *len += (size_t)r;
    acc[*len] = '\0';
    char *start = acc, *nl;
    while ((nl = strchr(start, '\n')) != NULL) {
        *nl = '\0';
        fn(ctx, start);
        start = nl + 1;
    }
    size_t rest = *len - (size_t)(start - acc);
    if (rest == accsz - 1) { /* a line longer than the buffer: take it as is */
        fn(ctx, acc);
        rest = 0;
    }
    memmove(acc, start, rest);
    *len = rest;
    return 1;
}

struct run_ctx {
    struct pg_progress *p;
    char *msg;
    size_t msgsz;
    void (*out_line)(void *ctx, char *line);
    void *out_ctx;
};

static void err_cb(void *ctx, char *line)
{
    struct run_ctx *r = ctx;
    on_err_line(r->p, line, r->msg, r->msgsz);
}

static void out_cb(void *ctx, char *line)
{
    struct run_ctx *r = ctx;
    if (r->out_line)
        r->out_line(r->out_ctx, line);
}

int pg_tool_run(const char *path, char *const argv[], const char *uri, struct pg_progress *p,
                void (*out_line)(void *ctx, char *line), void *out_ctx, char *msg, size_t msgsz)
{
    int out_pipe[2], err_pipe[2];
    msg[0] = '\0';
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
        snprintf(msg, msgsz, "pipe: %s", strerror(errno));
        return ERROR;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msgsz, "fork: %s", strerror(errno));
        return ERROR;
    }
    if (pid == 0) {
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]);
        close(out_pipe[1]);
        close(err_pipe[0]);
        close(err_pipe[1]);
        if (uri)
            export_uri(uri);
        umask(077); /* a backup holds every token's hash: for its owner only */
        execv(path, argv);
        fprintf(stderr, "error: cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    struct run_ctx rc = { p, msg, msgsz, out_line, out_ctx };
    static char out_acc[8192], err_acc[8192];
    size_t out_len = 0, err_len = 0;
    struct pollfd fds[2] = { { out_pipe[0], POLLIN, 0 }, { err_pipe[0], POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].fd >= 0 && fds[0].revents &&
            !read_lines(fds[0].fd, out_acc, sizeof out_acc, &out_len, out_cb, &rc)) {
            close(fds[0].fd);
            fds[0].fd = -1;
            open_fds--;
        }
        if (fds[1].fd >= 0 && fds[1].revents &&
            !read_lines(fds[1].fd, err_acc, sizeof err_acc, &err_len, err_cb, &rc)) {
            close(fds[1].fd);
            fds[1].fd = -1;
            open_fds--;
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    progress_show(p, 1);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return OK;
    if (!msg[0]) {
        if (WIFSIGNALED(status))
            snprintf(msg, msgsz, "killed by signal %d", WTERMSIG(status));
        else
            snprintf(msg, msgsz, "exit status %d", WEXITSTATUS(status));
    }
    return ERROR;
}
