/* main.c — selfpwrk, the program worker: options, settings, signals and
 * the loop. One connection to the manager (conn.c), one forked child per
 * job (child.c), results back as they come (runs.c). The manager's
 * absence is normal (it restarts, it is not up yet): the worker keeps
 * trying; only SIGTERM or SIGINT end it. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "conn.h"
#include "daemon_opts.h"
#include "log.h"
#include "runs.h"
#include "sandbox.h"
#include "status.h"
#include "vm.h"
#include "xalloc.h"

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static const struct daemon_spec spec = {
    .prog = "selfpwrk",
    .summary = "  Program worker: runs Tengo programs for selfpmgr, each in a sandboxed child.",
    .with_name = 1,
};

struct worker {
    struct conn conn;
    struct runs runs;
};

/* conn_frame_fn: what the manager sends once we are welcome. */
static int on_frame(void *ctx, const char *body, size_t len)
{
    struct worker *w = ctx;
    return runs_frame(&w->runs, &w->conn, body, len, tg_now_ns());
}

static struct timespec until(int64_t now, int64_t at)
{
    int64_t ns = at > now ? at - now : 0;
    if (ns > 1000000000LL)
        ns = 1000000000LL; /* wake at least every second */
    return (struct timespec){ .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };
}

/* One turn: connect when due, wait for the socket, the pipes or a timer,
 * handle what happened. Signals are blocked except inside ppoll. */
static void turn(struct worker *w, struct pollfd *pfd, const sigset_t *waitmask)
{
    int64_t now = tg_now_ns();
    if (w->conn.state == CONN_DOWN && now >= w->conn.retry_ns)
        conn_open(&w->conn, now);
    conn_tick(&w->conn, runs_count(&w->runs), now);
    size_t n = 0;
    if (w->conn.fd >= 0)
        pfd[n++] = (struct pollfd){ .fd = w->conn.fd, .events = POLLIN };
    int conn_at = w->conn.fd >= 0 ? 0 : -1;
    n += runs_pollfds(&w->runs, pfd + n);
    int64_t next = conn_next_ns(&w->conn);
    int64_t rn = runs_next_ns(&w->runs);
    if (rn < next)
        next = rn;
    struct timespec ts = until(now, next);
    if (ppoll(pfd, n, &ts, waitmask) < 0 && errno != EINTR)
        log_error("poll: %s", strerror(errno));
    if (stopping)
        return;
    now = tg_now_ns();
    if (conn_at == 0 && w->conn.fd >= 0 && pfd[0].revents)
        conn_read(&w->conn, on_frame, w, now);
    runs_service(&w->runs, &w->conn, now);
    if (w->conn.fd < 0)
        runs_abandon(&w->runs); /* results cannot reach anyone now */
}

static char *default_name(void)
{
    char host[HOST_NAME_MAX + 1] = "localhost";
    gethostname(host, sizeof host);
    host[HOST_NAME_MAX] = '\0';
    size_t n = strlen(host) + 16;
    char *s = xmalloc(n);
    snprintf(s, n, "selfpwrk@%s", host);
    return s;
}

int main(int argc, char **argv)
{
    struct daemon_opts opts;
    int exit_rc = daemon_opts_parse(&spec, argc, argv, &opts);
    if (exit_rc >= 0)
        return exit_rc;
    const char *config_path = opts.config_path, *name = opts.name;
    struct config cfg;
    char err[1024];
    if (config_load(config_path, &cfg, err, sizeof err) != OK) {
        fprintf(stderr, "selfpwrk: %s\n", err);
        return 1;
    }
    if (log_setup("selfpwrk", cfg.log_target, cfg.log_level) != OK)
        log_warn("bad log settings (target '%s', level '%s'); using stderr/info",
                 cfg.log_target, cfg.log_level);
    if (sodium_init() < 0) {
        log_error("libsodium failed to initialise");
        config_free(&cfg);
        return 1;
    }
    char *dflt_name = name ? NULL : default_name();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &waitmask);

    struct worker w;
    struct child_limits lim = {
        .memory = cfg.worker_memory_limit,
        .open_files = cfg.worker_open_files,
        .http_timeout_ms = (long)cfg.http_timeout * 1000,
        .cgi_max_body = (size_t)cfg.webhook_max_body,
    };
    char why[256];
    if (sandbox_user_setup(cfg.worker_program_user, &lim.user, why, sizeof why) != OK)
        log_warn("%s; programs run as the worker's user (uid %u)", why, (unsigned)geteuid());
    else if (lim.user.change)
        log_info("programs run as user '%s' (uid %u)", lim.user.name, (unsigned)lim.user.uid);
    else
        log_info("programs run as the worker's user (uid %u)%s", (unsigned)geteuid(),
                 geteuid() == 0 ? ": root, set [worker] program_user" : "");
    if (!sandbox_filter_available())
        log_warn("no seccomp filter for this architecture: programs run without one");
    size_t cap = (size_t)cfg.worker_capacity;
    struct pollfd *pfd = xcalloc(cap + 1, sizeof *pfd);
    runs_init(&w.runs, cap, (size_t)cfg.worker_cache_size, &lim);
    conn_init(&w.conn, cfg.manager_socket, name ? name : dflt_name,
              (int)cap);
    log_info("started: manager %s, capacity %zu, memory limit %lld bytes", cfg.manager_socket,
             cap, (long long)cfg.worker_memory_limit);

    while (!stopping)
        turn(&w, pfd, &waitmask);

    log_info("stopping");
    runs_free(&w.runs);
    conn_close(&w.conn, NULL, tg_now_ns());
    free(pfd);
    free(dflt_name);
    config_free(&cfg);
    return 0;
}
