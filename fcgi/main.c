/* main.c — selfserv: the FastCGI responder for the /v2 API.
 * Runs under spawn-fcgi (socket on fd 0), started by the web server, or as
 * plain CGI (libfcgi detects it and serves exactly one request). One
 * request at a time per process; run a pool for concurrency.
 *
 * Between requests a responder wakes every IDLE_TICK_MS to look after its
 * database connections (server_idle: idle ones closed, slots given to a
 * responder that waits for one). So it never sleeps in accept(): the
 * listening socket is made non-blocking (all responders of a pool share
 * it, and all do the same) and watched with epoll; EPOLLEXCLUSIVE wakes
 * one idle responder per connection, and one that loses the race anyway
 * gets EAGAIN and goes back to waiting. */
#include <errno.h>
#include <fastcgi.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "arena.h"
#include "daemon_opts.h"
#include "log.h"
#include "router.h"
#include "serve.h"
#include "server.h"
#include "status.h"

#define IDLE_TICK_MS 100

static volatile sig_atomic_t stopping, busy;

/* Waits until the listening socket may have a connection (1), or the idle
 * tick passed (0); -1 when it cannot be watched (then accept blocks). */
static int wait_for_request(int ep)
{
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, IDLE_TICK_MS);
    if (n < 0 && errno != EINTR)
        return -1;
    return n > 0;
}

static int watch_listener(void)
{
    int flags = fcntl(FCGI_LISTENSOCK_FILENO, F_GETFL);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
    if (flags < 0 || ep < 0 || fcntl(FCGI_LISTENSOCK_FILENO, F_SETFL, flags | O_NONBLOCK) != 0 ||
        epoll_ctl(ep, EPOLL_CTL_ADD, FCGI_LISTENSOCK_FILENO, &ev) != 0) {
        log_warn("cannot watch the FastCGI socket (%s): idle connections are looked after "
                 "between requests only", strerror(errno));
        if (ep >= 0)
            close(ep);
        if (flags >= 0)
            fcntl(FCGI_LISTENSOCK_FILENO, F_SETFL, flags);
        return -1;
    }
    return ep;
}

/* Idle in accept: leave at once (libfcgi retries accept on EINTR). Busy:
 * finish the request first, then leave. */
static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
    if (!busy)
        _exit(0);
}

/* A CGI server may pass a query string without '=' as words: they are
 * not ours to refuse (args_ok). */
static const struct daemon_spec spec = {
    .prog = "selfserv",
    .summary = "  FastCGI responder for the NODA Self-host API (/v2/*).",
    .args_ok = 1,
    .epilogue = "Start it with spawn-fcgi, from the web server, or as a CGI program.",
};

int main(int argc, char **argv)
{
    struct daemon_opts opts;
    int exit_rc = daemon_opts_parse(&spec, argc, argv, &opts);
    if (exit_rc >= 0)
        return exit_rc;
    const char *config_path = opts.config_path;

    struct server srv;
    char err[1024];
    if (router_check_table(routes, n_routes, err, sizeof err) != OK) {
        fprintf(stderr, "selfserv: bug in the route table: %s\n", err);
        return 1;
    }
    if (server_init(&srv, config_path, err, sizeof err) != OK) {
        fprintf(stderr, "selfserv: %s\n", err);
        return 1;
    }
    if (log_setup("selfserv", srv.cfg.log_target, srv.cfg.log_level) != OK)
        log_warn("bad log settings (target '%s', level '%s'); using stderr/info",
                 srv.cfg.log_target, srv.cfg.log_level);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    arena_t *arena = arena_new(0);
    if (FCGX_IsCGI()) {
        /* plain CGI: one request on stdin/stdout with the process environment */
        extern char **environ;
        serve_request(&srv, environ, NULL, NULL, arena);
        fflush(stdout);
    } else if (FCGX_Init() != 0) {
        log_error("FCGX_Init failed");
    } else {
        FCGX_Request fcgx;
        FCGX_InitRequest(&fcgx, 0, 0);
        int ep = watch_listener();
        log_info("ready: %zu domain(s)", srv.domains.n);
        while (!stopping) {
            if (ep >= 0) {
                int ready = wait_for_request(ep);
                if (ready < 0) {
                    log_error("epoll_wait: %s", strerror(errno));
                    break;
                }
                if (!ready) {
                    server_idle(&srv);
                    continue;
                }
            }
            int rc = FCGX_Accept_r(&fcgx);
            if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
                continue; /* another responder took it */
            if (rc < 0)
                break;
            busy = 1;
            serve_request(&srv, fcgx.envp, fcgx.in, fcgx.out, arena);
            FCGX_Finish_r(&fcgx);
            arena_reset(arena);
            busy = 0;
            server_idle(&srv);
        }
        if (ep >= 0)
            close(ep);
    }
    arena_free(arena);
    server_free(&srv);
    return 0;
}
