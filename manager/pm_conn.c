/* pm_conn.c — the manager's socket: workers, webhook callers (selfserv)
 * and status requests (selfctl) connect here. The socket file is made
 * owner-only and every peer must run as our user or root (SO_PEERCRED);
 * the first frame says who the peer is (docs/protocol.md, "Messages").
 * A peer that breaks the protocol is logged and disconnected; nothing a
 * peer sends can stop the manager. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "manager.h"
#include "status.h"
#include "xalloc.h"

#define PM_WEBHOOK_FRAME_MAX FRAME_MAX
#define PM_WORKER_FRAME_MAX FRAME_MAX

int pm_listen(struct pm *pm)
{
    const char *path = pm->cfg.manager_socket;
    struct sockaddr_un sa;
    if (frame_unix_addr(path, &sa) != OK) {
        log_error("manager.socket: path empty or too long (at most %zu bytes): %s",
                  sizeof sa.sun_path - 1, path);
        return ERROR;
    }
    /* A socket file left by a manager that died: remove it, but never
     * steal the socket of one that is running. */
    int fd = frame_connect(path);
    if (fd >= 0) {
        log_error("another selfpmgr is listening on %s", path);
        close(fd);
        return ERROR;
    }
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    mode_t old = umask(0077);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(fd, 128) != 0) {
        log_error("cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return ERROR;
    }
    pm->listen_fd = fd;
    log_info("listening on %s", path);
    return OK;
}

void pm_accept(struct pm *pm)
{
    for (;;) {
        int fd = accept4(pm->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warn("accept: %s", strerror(errno));
            return;
        }
        pid_t pid = 0;
        frame_peer(fd, NULL, NULL, &pid);
        if (frame_peer_trusted(fd) != OK) {
            log_warn("refused a connection from pid %d: not our user", (int)pid);
            close(fd);
            continue;
        }
        struct pm_conn *c = xcalloc(1, sizeof *c);
        c->fd = fd;
        c->peer_pid = pid;
        c->reader = frame_reader_new(PM_WORKER_FRAME_MAX);
        c->last_heard_us = clock_mono_us();
        c->next = pm->conns;
        pm->conns = c;
    }
}

int pm_conn_send(struct pm_conn *c, const buf_t *frame)
{
    if (c->closing)
        return ERROR;
    if (frame_write(c->fd, frame->data, frame->len, PM_WRITE_TIMEOUT_MS) != OK) {
        log_warn("peer pid %d: cannot send: %s", (int)c->peer_pid, strerror(errno));
        c->closing = true;
        return ERROR;
    }
    return OK;
}

void pm_send_error_retry(struct pm_conn *c, int status, const char *message, int retry_after)
{
    buf_t f = BUF_INIT;
    buf_printf(&f, "{\"type\":\"error\",\"status\":%d,\"message\":", status);
    json_put_str(&f, message);
    if (retry_after > 0)
        buf_printf(&f, ",\"retry_after\":%d", retry_after);
    buf_putc(&f, '}');
    pm_conn_send(c, &f);
    buf_free(&f);
}

void pm_send_error(struct pm_conn *c, int status, const char *message)
{
    pm_send_error_retry(c, status, message, 0);
}

static void protocol_error(struct pm_conn *c, const char *what)
{
    log_warn("peer pid %d: %s; closing the connection", (int)c->peer_pid, what);
    c->closing = true;
}

static void on_hello(struct pm *pm, struct pm_conn *c, json_object *msg)
{
    if (strcmp(json_str(msg, "role", ""), "worker") != 0) {
        protocol_error(c, "hello with an unknown role");
        return;
    }
    int64_t cap = json_int(msg, "capacity", 0);
    if (cap < 1 || cap > 1024) {
        protocol_error(c, "hello without a capacity from 1 to 1024");
        return;
    }
    c->role = PM_PEER_WORKER;
    c->capacity = (int)cap;
    c->worker_id = ++pm->next_worker_id;
    c->name = xstrdup(json_str(msg, "name", ""));
    c->idle_since_us = clock_mono_us();
    buf_t f = BUF_INIT;
    buf_printf(&f, "{\"type\":\"welcome\",\"worker\":%d}", c->worker_id);
    if (pm_conn_send(c, &f) == OK)
        log_info("worker %d connected (pid %d, %s, capacity %d)", c->worker_id, (int)c->peer_pid,
                 c->name, c->capacity);
    buf_free(&f);
}

static void on_webhook(struct pm *pm, struct pm_conn *c, json_object *msg)
{
    c->role = PM_PEER_WEBHOOK;
    const char *domain = json_str(msg, "domain", "");
    const char *program = json_str(msg, "program", "");
    json_object *request;
    if (!json_object_object_get_ex(msg, "request", &request)
        || !json_object_is_type(request, json_type_object)) {
        pm_send_error(c, 400, "webhook message without a request object");
        c->closing = true;
        return;
    }
    struct pm_domain *d = pm_domain_find(pm, domain);
    if (!d) {
        pm_send_error(c, 404, "Unknown domain");
        c->closing = true;
        return;
    }
    struct pm_program p;
    int status;
    const char *message;
    /* before the database is asked: a flood of calls costs no queries */
    if (pm_webhook_admit(pm, d->name, &message) != OK) {
        log_debug("webhook %s %s: 503, %s", d->name, program, message);
        pm_send_error_retry(c, 503, message, PM_RETRY_AFTER_S);
        c->closing = true;
        return;
    }
    if (pm_program_fetch(d, program, &p, &status, &message) != OK) {
        pm_send_error(c, status, message);
        c->closing = true;
        return;
    }
    struct pm_job *j = pm_job_new(pm, d, &p, request, c, &status, &message);
    pm_program_clear(&p);
    if (!j) {
        pm_send_error(c, status, message);
        c->closing = true;
    }
}

static void on_status(struct pm *pm, struct pm_conn *c)
{
    c->role = PM_PEER_STATUS;
    buf_t f = BUF_INIT;
    pm_status_json(pm, &f);
    pm_conn_send(c, &f);
    buf_free(&f);
    c->closing = true;
}

static void on_frame(struct pm *pm, struct pm_conn *c, const char *data, size_t len)
{
    json_object *msg = NULL;
    char err[200];
    if (json_parse(data, len, &msg, err, sizeof err) != OK || !msg) {
        protocol_error(c, "unreadable frame");
        return;
    }
    const char *type = json_str(msg, "type", "");
    c->last_heard_us = clock_mono_us();
    switch (c->role) {
    case PM_PEER_NEW:
        if (strcmp(type, "hello") == 0)
            on_hello(pm, c, msg);
        else if (strcmp(type, "webhook") == 0)
            on_webhook(pm, c, msg);
        else if (strcmp(type, "status") == 0)
            on_status(pm, c);
        else
            protocol_error(c, "first frame is not hello, webhook or status");
        break;
    case PM_PEER_WORKER:
        if (strcmp(type, "result") == 0)
            pm_job_result(pm, c, msg);
        else if (strcmp(type, "heartbeat") != 0)
            protocol_error(c, "worker sent an unknown message");
        break;
    default:
        protocol_error(c, "unexpected frame");
        break;
    }
    json_object_put(msg);
}

void pm_conn_readable(struct pm *pm, struct pm_conn *c)
{
    while (!c->closing) {
        const char *data;
        size_t len;
        int rc = frame_read(c->reader, c->fd, &data, &len);
        if (rc == FRAME_AGAIN)
            return;
        if (rc == FRAME_EOF) {
            c->closing = true;
            return;
        }
        if (rc == FRAME_ERROR) {
            protocol_error(c, frame_reader_error(c->reader));
            return;
        }
        on_frame(pm, c, data, len);
    }
}

void pm_conn_close(struct pm *pm, struct pm_conn *c)
{
    if (c->role == PM_PEER_WORKER) {
        log_warn("worker %d (pid %d) disconnected", c->worker_id, (int)c->peer_pid);
        pm_worker_lost(pm, c);
    } else if (c->role == PM_PEER_WEBHOOK) {
        pm_caller_lost(pm, c);
    }
    for (struct pm_conn **pp = &pm->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    close(c->fd);
    frame_reader_free(c->reader);
    free(c->name);
    free(c);
}

void pm_conns_sweep(struct pm *pm)
{
    int64_t now = clock_mono_us();
    struct pm_conn *c = pm->conns;
    while (c) {
        struct pm_conn *next = c->next;
        if (c->role == PM_PEER_WORKER && !c->closing
            && now - c->last_heard_us > PM_HEARTBEAT_LOST_US) {
            log_warn("worker %d silent for %lld s", c->worker_id,
                     (long long)(PM_HEARTBEAT_LOST_US / 1000000));
            c->closing = true;
        }
        if (c->closing)
            pm_conn_close(pm, c);
        c = next;
    }
}
