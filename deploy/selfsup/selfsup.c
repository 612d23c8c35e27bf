/* selfsup.c — a supervisor that never gives up: runs N copies of one
 * program and starts a copy again whenever it exits, however often that
 * happens, backing off while it keeps dying young. It replaces multiwatch
 * (which gives a slot up after a few quick deaths, so a pool shrinks for
 * good) under spawn-fcgi for the selfserv pools, and runs selfpmgr and the
 * selfpwrk workers in the quickstart.
 *
 *   selfsup [-n N] [-s STATEFILE] [-l NAME] [-k SIGNAL] [-t SECONDS]
 *           [-b MIN_MS] [-B MAX_MS] [-u STABLE_S] -- PROGRAM [ARG...]
 *
 * Every copy inherits selfsup's file descriptors (spawn-fcgi hands the
 * FastCGI socket over as fd 0) and environment. A copy that ran at least
 * STABLE_S seconds (10) is started again at once; one that died younger
 * waits MIN_MS (100 ms), then twice as long after each further early
 * death, up to MAX_MS (10 000 ms). SIGTERM and SIGINT: SIGNAL (TERM) goes
 * to every copy, nothing is restarted, and after SECONDS (30) whatever
 * still runs is killed; selfsup exits 0. SIGHUP is passed on to the copies.
 *
 * STATEFILE, rewritten atomically on every change, says what runs and what
 * was restarted (read by `deploy/quickstart.sh status` and the tests):
 *   name=selfserv  want=4  running=4  restarts=7  started=EPOCH
 *   last_exit=killed by signal 9 (SIGKILL) after 3.2 s  last_restart=EPOCH
 *   slot.0=PID restarts=2 backoff_ms=200     (one line per copy; PID 0 while it waits)
 * Each exit and restart is also one line on stderr. */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define SUP_MAX_COPIES 1024

struct slot {
    pid_t pid;            /* 0: not running */
    int64_t started_ms;   /* monotonic */
    int64_t restart_at_ms; /* when to start it again (pid == 0) */
    int64_t backoff_ms;   /* the wait before the next start after an early death */
    long restarts;
};

struct sup {
    const char *name;
    const char *state_path;
    char **argv;
    int n;
    int stop_signal;
    int64_t stop_timeout_ms;
    int64_t min_backoff_ms, max_backoff_ms, stable_ms;
    struct slot *slots;
    long restarts;
    time_t started;
    time_t last_restart;
    char last_exit[160];
};

static void usage(FILE *f)
{
    fprintf(f, "usage: selfsup [-n N] [-s STATEFILE] [-l NAME] [-k SIGNAL] [-t SECONDS]\n"
               "               [-b MIN_MS] [-B MAX_MS] [-u STABLE_S] -- PROGRAM [ARG...]\n"
               "  Runs N copies of PROGRAM and restarts each one that exits, for ever,\n"
               "  waiting MIN_MS..MAX_MS (doubling) while it keeps dying within STABLE_S.\n");
}

static void say(const struct sup *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct sup *s, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "selfsup[%s]: %s\n", s->name, line);
    fflush(stderr);
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_signal(const char *s)
{
    static const struct { const char *name; int sig; } names[] = {
        { "TERM", SIGTERM }, { "INT", SIGINT }, { "HUP", SIGHUP }, { "QUIT", SIGQUIT },
        { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "KILL", SIGKILL },
    };
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].sig;
    long v;
    return parse_long(s, 1, 64, &v) == 0 ? (int)v : -1;
}

static int running_count(const struct sup *s)
{
    int k = 0;
    for (int i = 0; i < s->n; i++)
        k += s->slots[i].pid > 0;
    return k;
}

/* The state file, replaced in one rename so a reader never sees half. */
static void state_write(const struct sup *s)
{
    if (!s->state_path)
        return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->state_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        say(s, "cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    fprintf(f, "name=%s\nwant=%d\nrunning=%d\nrestarts=%ld\nstarted=%lld\n", s->name, s->n,
            running_count(s), s->restarts, (long long)s->started);
    fprintf(f, "last_exit=%s\nlast_restart=%lld\n", s->last_exit, (long long)s->last_restart);
    for (int i = 0; i < s->n; i++)
        fprintf(f, "slot.%d=%d restarts=%ld backoff_ms=%lld\n", i, (int)s->slots[i].pid,
                s->slots[i].restarts, (long long)s->slots[i].backoff_ms);
    if (fclose(f) != 0 || rename(tmp, s->state_path) != 0)
        say(s, "cannot write %s: %s", s->state_path, strerror(errno));
}

static void start_copy(struct sup *s, int i, const sigset_t *orig)
{
    pid_t pid = fork();
    if (pid < 0) {
        struct slot *sl = &s->slots[i];
        say(s, "copy %d: fork: %s; trying again in %lld ms", i, strerror(errno),
            (long long)s->max_backoff_ms);
        sl->restart_at_ms = clock_mono_ms() + s->max_backoff_ms;
        return;
    }
    if (pid == 0) {
        /* the program gets a clean signal state: default actions and
         * nothing blocked, whatever selfsup uses for itself */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; sig++)
            sigaction(sig, &dfl, NULL);
        sigprocmask(SIG_SETMASK, orig, NULL);
        execvp(s->argv[0], s->argv);
        fprintf(stderr, "selfsup[%s]: cannot run %s: %s\n", s->name, s->argv[0], strerror(errno));
        _exit(127);
    }
    s->slots[i].pid = pid;
    s->slots[i].started_ms = clock_mono_ms();
}

static void describe_exit(int status, char *out, size_t n, double lived_s)
{
    if (WIFEXITED(status))
        snprintf(out, n, "exited with status %d after %.1f s", WEXITSTATUS(status), lived_s);
    else if (WIFSIGNALED(status))
        snprintf(out, n, "killed by signal %d (SIG%s) after %.1f s", WTERMSIG(status),
                 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?", lived_s);
    else
        snprintf(out, n, "ended (status 0x%x) after %.1f s", status, lived_s);
}

/* A copy ended: when to start it again. */
static void copy_ended(struct sup *s, int i, int status, bool stopping)
{
    struct slot *sl = &s->slots[i];
    int64_t now = clock_mono_ms(), lived = now - sl->started_ms;
    char what[128];
    describe_exit(status, what, sizeof what, (double)lived / 1000.0);
    sl->pid = 0;
    if (stopping) {
        say(s, "copy %d %s", i, what);
        return;
    }
    if (lived >= s->stable_ms)
        sl->backoff_ms = 0;
    else
        sl->backoff_ms = sl->backoff_ms ? sl->backoff_ms * 2 : s->min_backoff_ms;
    if (sl->backoff_ms > s->max_backoff_ms)
        sl->backoff_ms = s->max_backoff_ms;
    sl->restart_at_ms = now + sl->backoff_ms;
    snprintf(s->last_exit, sizeof s->last_exit, "copy %d %s", i, what);
    say(s, "copy %d %s; starting it again in %lld ms", i, what, (long long)sl->backoff_ms);
}

static void reap(struct sup *s, bool stopping)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;
        for (int i = 0; i < s->n; i++)
            if (s->slots[i].pid == pid)
                copy_ended(s, i, status, stopping);
    }
}

static void signal_all(const struct sup *s, int sig)
{
    for (int i = 0; i < s->n; i++)
        if (s->slots[i].pid > 0)
            kill(s->slots[i].pid, sig);
}

/* SIGTERM/SIGINT: pass the stop signal on, wait, then kill what is left. */
static int stop_all(struct sup *s, const sigset_t *set)
{
    say(s, "stopping %d cop%s", running_count(s), running_count(s) == 1 ? "y" : "ies");
    signal_all(s, s->stop_signal);
    int64_t until = clock_mono_ms() + s->stop_timeout_ms;
    while (running_count(s) > 0) {
        int64_t left = until - clock_mono_ms();
        if (left <= 0) {
            say(s, "%d cop%s still running after %lld s: SIGKILL", running_count(s),
                running_count(s) == 1 ? "y" : "ies", (long long)(s->stop_timeout_ms / 1000));
            signal_all(s, SIGKILL);
            until = clock_mono_ms() + 5000;
            continue;
        }
        struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
        siginfo_t info;
        if (sigtimedwait(set, &info, &ts) == SIGCHLD || errno == EAGAIN)
            reap(s, true);
    }
    state_write(s);
    return 0;
}

static int run(struct sup *s)
{
    sigset_t set, orig;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &orig);
    signal(SIGPIPE, SIG_IGN);

    s->started = time(NULL);
    for (int i = 0; i < s->n; i++)
        start_copy(s, i, &orig);
    say(s, "running %d cop%s of %s", s->n, s->n == 1 ? "y" : "ies", s->argv[0]);
    state_write(s);
    for (;;) {
        int64_t now = clock_mono_ms(), wait = 60000;
        bool changed = false;
        for (int i = 0; i < s->n; i++) {
            struct slot *sl = &s->slots[i];
            if (sl->pid > 0)
                continue;
            if (sl->restart_at_ms <= now) {
                start_copy(s, i, &orig);
                if (sl->pid > 0) {
                    sl->restarts++;
                    s->restarts++;
                    s->last_restart = time(NULL);
                    changed = true;
                }
            }
            if (sl->pid == 0 && sl->restart_at_ms - now < wait)
                wait = sl->restart_at_ms - now > 0 ? sl->restart_at_ms - now : 0;
        }
        if (changed)
            state_write(s);
        struct timespec ts = { wait / 1000, (wait % 1000) * 1000000 };
        siginfo_t info;
        int sig = sigtimedwait(&set, &info, &ts);
        if (sig == SIGCHLD) {
            reap(s, false);
            state_write(s);
        } else if (sig == SIGTERM || sig == SIGINT) {
            return stop_all(s, &set);
        } else if (sig == SIGHUP) {
            signal_all(s, SIGHUP);
        }
    }
}

int main(int argc, char **argv)
{
    struct sup s;
    memset(&s, 0, sizeof s);
    s.n = 1;
    s.stop_signal = SIGTERM;
    s.stop_timeout_ms = 30000;
    s.min_backoff_ms = 100;
    s.max_backoff_ms = 10000;
    s.stable_ms = 10000;
    snprintf(s.last_exit, sizeof s.last_exit, "none");
    int opt;
    long v;
    while ((opt = getopt(argc, argv, "+n:s:l:k:t:b:B:u:h")) != -1) {
        switch (opt) {
        case 'n':
            if (parse_long(optarg, 1, SUP_MAX_COPIES, &v) != 0)
                goto bad;
            s.n = (int)v;
            break;
        case 's': s.state_path = optarg; break;
        case 'l': s.name = optarg; break;
        case 'k':
            if ((s.stop_signal = parse_signal(optarg)) < 0)
                goto bad;
            break;
        case 't':
            if (parse_long(optarg, 1, 86400, &v) != 0)
                goto bad;
            s.stop_timeout_ms = v * 1000;
            break;
        case 'b':
            if (parse_long(optarg, 1, 3600000, &v) != 0)
                goto bad;
            s.min_backoff_ms = v;
            break;
        case 'B':
            if (parse_long(optarg, 1, 3600000, &v) != 0)
                goto bad;
            s.max_backoff_ms = v;
            break;
        case 'u':
            if (parse_long(optarg, 0, 86400, &v) != 0)
                goto bad;
            s.stable_ms = v * 1000;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || s.min_backoff_ms > s.max_backoff_ms)
        goto bad;
    s.argv = argv + optind;
    if (!s.name) {
        const char *slash = strrchr(s.argv[0], '/');
        s.name = slash ? slash + 1 : s.argv[0];
    }
    s.slots = calloc((size_t)s.n, sizeof *s.slots);
    if (!s.slots) {
        fprintf(stderr, "selfsup: out of memory\n");
        return 1;
    }
    int rc = run(&s);
    free(s.slots);
    return rc;
bad:
    fprintf(stderr, "selfsup: bad arguments\n");
    usage(stderr);
    return 2;
}
