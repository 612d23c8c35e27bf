/* main.c — selfserv: the FastCGI responder for the /v2 API.
 * Runs under spawn-fcgi (socket on fd 0), started by the web server, or as
 * plain CGI (libfcgi detects it and serves exactly one request). One
 * request at a time per process; run a pool for concurrency. */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "log.h"
#include "router.h"
#include "serve.h"
#include "server.h"
#include "status.h"

static volatile sig_atomic_t stopping, busy;

/* Idle in accept: leave at once (libfcgi retries accept on EINTR). Busy:
 * finish the request first, then leave. */
static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
    if (!busy)
        _exit(0);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: selfserv [-c FILE] [-h] [-V]\n"
               "  FastCGI responder for the NODA Self-host API (/v2/*).\n"
               "  -c FILE  configuration file (default $SELFHOST_CONFIG or %s)\n"
               "  -V       print the version\n"
               "Start it with spawn-fcgi, from the web server, or as a CGI program.\n",
            SELFHOST_DEFAULT_CONFIG);
}

int main(int argc, char **argv)
{
    const char *config_path = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "c:hV")) != -1) {
        switch (opt) {
        case 'c': config_path = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("selfserv %s\n", SELFHOST_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }

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
        log_info("ready: %zu domain(s)", srv.domains.n);
        while (!stopping && FCGX_Accept_r(&fcgx) >= 0) {
            busy = 1;
            serve_request(&srv, fcgx.envp, fcgx.in, fcgx.out, arena);
            FCGX_Finish_r(&fcgx);
            arena_reset(arena);
            busy = 0;
        }
    }
    arena_free(arena);
    server_free(&srv);
    return 0;
}
