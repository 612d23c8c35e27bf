/* main.c — selfpmgr, the program manager: reads the configuration and the
 * domains, listens on [manager] socket, and runs one poll loop over the
 * socket, its peers and every domain's database connection (for NOTIFY).
 * Each turn: take what arrived, queue due routines, hand queued jobs to
 * workers, answer webhook callers whose deadline passed, close what is
 * finished. SIGTERM/SIGINT stop it; SIGHUP re-reads the domain list (it
 * is also re-read when the domain file changes). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_opts.h"
#include "domains.h"
#include "log.h"
#include "manager.h"
#include "status.h"
#include "xalloc.h"

#define PM_TICK_MS 1000 /* longest sleep: domain file, reconnects, heartbeats */

static volatile sig_atomic_t stopping, reload_domains;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    reload_domains = 1;
}

static const struct daemon_spec spec = {
    .prog = "selfpmgr",
    .summary = "  Program manager: schedules routines and routes webhooks to selfpwrk workers.",
};

static void watch_domain_file(struct pm *pm)
{
    int64_t m = domains_file_mtime(pm->cfg.domainfile);
    if (m != pm->domainfile_mtime || reload_domains) {
        reload_domains = 0;
        pm->domainfile_mtime = m;
        pm_domains_load(pm);
    }
}

/* One turn of the loop; returns when something happened or timeout_ms passed. */
static void poll_once(struct pm *pm, int timeout_ms)
{
    size_t n = 1 + pm->ndomains;
    for (struct pm_conn *c = pm->conns; c; c = c->next)
        n++;
    struct pollfd *fds = xcalloc(n, sizeof *fds);
    struct pm_conn **who = xcalloc(n, sizeof *who);
    size_t k = 0;
    fds[k++] = (struct pollfd){ .fd = pm->listen_fd, .events = POLLIN };
    for (size_t i = 0; i < pm->ndomains; i++) {
        const struct pm_domain *d = &pm->domains[i];
        fds[k++] = (struct pollfd){
            .fd = d->connected || d->connecting ? PQsocket(d->db.pg) : -1,
            .events = d->connecting ? d->db.connect_events : POLLIN };
    }
    size_t first_conn = k;
    for (struct pm_conn *c = pm->conns; c; c = c->next) {
        who[k] = c;
        fds[k++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
    }
    int rc = poll(fds, k, timeout_ms);
    if (rc < 0 && errno != EINTR)
        log_warn("poll: %s", strerror(errno));
    if (rc > 0) {
        if (fds[0].revents)
            pm_accept(pm);
        for (size_t i = first_conn; i < k; i++)
            if (fds[i].revents)
                pm_conn_readable(pm, who[i]);
    }
    free(fds);
    free(who);
}

int main(int argc, char **argv)
{
    struct daemon_opts opts;
    int exit_rc = daemon_opts_parse(&spec, argc, argv, &opts);
    if (exit_rc >= 0)
        return exit_rc;
    const char *config_path = opts.config_path;
    struct pm pm;
    memset(&pm, 0, sizeof pm);
    pm.listen_fd = -1;
    char err[1024];
    if (config_load(config_path, &pm.cfg, err, sizeof err) != OK) {
        fprintf(stderr, "selfpmgr: %s\n", err);
        return 1;
    }
    if (log_setup("selfpmgr", pm.cfg.log_target, pm.cfg.log_level) != OK)
        log_warn("bad log settings (target '%s', level '%s'); using stderr/info",
                 pm.cfg.log_target, pm.cfg.log_level);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (pm_listen(&pm) != OK) {
        config_free(&pm.cfg);
        return 1;
    }
    pm.domainfile_mtime = domains_file_mtime(pm.cfg.domainfile);
    if (pm_domains_load(&pm) != OK)
        log_warn("starting without domains; the domain file is read again when it changes");

    while (!stopping) {
        watch_domain_file(&pm);
        for (size_t i = 0; i < pm.ndomains; i++) {
            pm_domain_service(&pm, &pm.domains[i]);
            pm_housekeeping(&pm, &pm.domains[i]);
        }
        int64_t wait_us = pm_schedule_run(&pm);
        pm_dispatch(&pm);
        int64_t t = pm_jobs_timeouts(&pm);
        pm_conns_sweep(&pm);
        pm_dispatch(&pm); /* jobs of workers that just went away */
        if (t < wait_us)
            wait_us = t;
        int timeout_ms = (int)((wait_us + 999) / 1000);
        if (timeout_ms > PM_TICK_MS)
            timeout_ms = PM_TICK_MS;
        poll_once(&pm, timeout_ms);
    }
    log_info("stopping");
    while (pm.conns)
        pm_conn_close(&pm, pm.conns);
    pm_jobs_free(&pm);
    pm_domains_free(&pm);
    close(pm.listen_fd);
    unlink(pm.cfg.manager_socket);
    config_free(&pm.cfg);
    return 0;
}
