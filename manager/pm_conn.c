/* pm_conn.c — the manager's socket: workers, webhook callers (selfserv)
 * and status requests (selfctl) connect here. The socket file is made
 * owner-only and every peer must run as our user or root (SO_PEERCRED);
 * the first frame says who the peer is (docs/protocol.md, "Messages").
 * Frames are routed by two tables, PM_ROUTES_FIRST (a new peer's first
 * frame) and PM_ROUTES_WORKER (a worker's), whose member specs are
 * checked (frame_route.h) before a handler runs. A peer that breaks the
 * protocol is logged and disconnected; nothing a peer sends can stop the
 * manager. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "frame_route.h"
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

/* What a handler of the tables below gets as its ctx. */
struct peer {
    struct pm *pm;
    struct pm_conn *c;
};

static int on_hello(void *ctx, json_object *msg)
{
    struct pm *pm = ((struct peer *)ctx)->pm;
    struct pm_conn *c = ((struct peer *)ctx)->c;
    if (strcmp(json_str(msg, "role", ""), "worker") != 0) {
        protocol_error(c, "hello with an unknown role");
        return ERROR;
    }
    int64_t cap = json_int(msg, "capacity", 0);
    if (cap < 1 || cap > 1024) {
        protocol_error(c, "hello without a capacity from 1 to 1024");
        return ERROR;
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
    return OK;
}

/* One answer, then the connection closes. */
static int webhook_refused(struct pm_conn *c, int status, const char *message, int retry_after)
{
    pm_send_error_retry(c, status, message, retry_after);
    c->closing = true;
    return OK;
}

static int on_webhook(void *ctx, json_object *msg)
{
    struct pm *pm = ((struct peer *)ctx)->pm;
    struct pm_conn *c = ((struct peer *)ctx)->c;
    c->role = PM_PEER_WEBHOOK;
    const char *program = json_str(msg, "program", "");
    json_object *request;
    json_object_object_get_ex(msg, "request", &request);
    struct pm_domain *d = pm_domain_find(pm, json_str(msg, "domain", ""));
    if (!d)
        return webhook_refused(c, 404, "Unknown domain", 0);
    struct pm_program p;
    int status;
    const char *message;
    /* before the database is asked: a flood of calls costs no queries */
    if (pm_webhook_admit(pm, d->name, &message) != OK) {
        log_debug("webhook %s %s: 503, %s", d->name, program, message);
        return webhook_refused(c, 503, message, PM_RETRY_AFTER_S);
    }
    if (pm_program_fetch(d, program, &p, &status, &message) != OK)
        return webhook_refused(c, status, message, 0);
    struct pm_job *j = pm_job_new(pm, d, &p, request, c, &status, &message);
    pm_program_clear(&p);
    if (!j)
        return webhook_refused(c, status, message, 0);
    return OK;
}

static int on_status(void *ctx, json_object *msg)
{
    struct pm *pm = ((struct peer *)ctx)->pm;
    struct pm_conn *c = ((struct peer *)ctx)->c;
    c->role = PM_PEER_STATUS;
    buf_t f = BUF_INIT;
    pm_status_json(pm, &f);
    pm_conn_send(c, &f);
    buf_free(&f);
    c->closing = true;
    return OK;
}

static int on_result(void *ctx, json_object *msg)
{
    struct peer *p = ctx;
    char why[160];
    if (pm_job_result(p->pm, p->c, msg, why, sizeof why) != OK) {
        protocol_error(p->c, why);
        return ERROR;
    }
    return OK;
}

static int on_heartbeat(void *ctx, json_object *msg)
{
    return OK; /* on_frame noted when we heard from it */
}

/* ---- the messages the manager reads (docs/protocol.md, "Messages") ------ */

static const struct json_field HELLO[] = {
    { "role", JK_STRING, 1, 0 },
    { "capacity", JK_INT, 1, 0 },
    { "pid", JK_INT, 1, 0 },
    { "name", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct json_field REQUEST[] = {
    { "method", JK_STRING, 1, 0 },
    { "path", JK_STRING, 1, 0 },
    { "query", JK_STRING, 1, 0 },
    { "headers", JK_OBJECT, 1, 0 },
    { "body_b64", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested REQUEST_NESTED[] = {
    { "headers", FRAME_STRING_MAP, NULL, NULL },
    { NULL, 0, NULL, NULL },
};

static const struct json_field WEBHOOK[] = {
    { "domain", JK_STRING, 1, 0 },
    { "program", JK_UUID, 1, 0 },
    { "request", JK_OBJECT, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested WEBHOOK_NESTED[] = {
    { "request", FRAME_OBJECT, REQUEST, REQUEST_NESTED },
    { NULL, 0, NULL, NULL },
};

static const struct json_field NO_MEMBERS[] = { { NULL, 0, 0, 0 } };

static const struct json_field LOG_LINE[] = {
    { "level", JK_STRING, 1, 0 },
    { "message", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct json_field RESPONSE[] = {
    { "status", JK_INT, 1, 0 },
    { "headers", JK_OBJECT, 1, 0 },
    { "body_b64", JK_STRING, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested RESPONSE_NESTED[] = {
    { "headers", FRAME_STRING_MAP, NULL, NULL },
    { NULL, 0, NULL, NULL },
};

static const struct json_field RESULT[] = {
    { "id", JK_INT, 1, 0 },
    { "outcome", JK_STRING, 1, 0 },
    { "error", JK_STRING, 1, 0 },
    { "output", JK_STRING, 1, 0 },
    { "log", JK_ARRAY, 1, 0 },
    { "duration_ms", JK_INT, 1, 0 },
    { "response", JK_OBJECT, 0, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested RESULT_NESTED[] = {
    { "log", FRAME_ARRAY, LOG_LINE, NULL },
    { "response", FRAME_OBJECT, RESPONSE, RESPONSE_NESTED },
    { NULL, 0, NULL, NULL },
};

static const struct json_field HEARTBEAT[] = {
    { "running", JK_INT, 1, 0 },
    { NULL, 0, 0, 0 },
};

/* The first frame of a peer says what it is. */
const struct frame_route PM_ROUTES_FIRST[] = {
    { "hello", on_hello, HELLO, NULL },
    { "webhook", on_webhook, WEBHOOK, WEBHOOK_NESTED },
    { "status", on_status, NO_MEMBERS, NULL },
    { NULL, NULL, NULL, NULL },
};

/* A worker, once welcome. */
const struct frame_route PM_ROUTES_WORKER[] = {
    { "result", on_result, RESULT, RESULT_NESTED },
    { "heartbeat", on_heartbeat, HEARTBEAT, NULL },
    { NULL, NULL, NULL, NULL },
};

/* A webhook caller or a status request has sent its one frame. */
static const struct frame_route ROUTES_NONE[] = { { NULL, NULL, NULL, NULL } };

static const struct frame_route *routes_of(const struct pm_conn *c)
{
    switch (c->role) {
    case PM_PEER_NEW: return PM_ROUTES_FIRST;
    case PM_PEER_WORKER: return PM_ROUTES_WORKER;
    default: return ROUTES_NONE;
    }
}

/* A frame is refused unless its type is one the peer may send now and
 * every member is as its route says: the connection is closed, after a
 * 400 error frame for a webhook caller (the one peer that has an error
 * message to read). */
static void on_frame(struct pm *pm, struct pm_conn *c, const char *data, size_t len)
{
    json_object *msg = NULL;
    char err[300];
    if (json_parse(data, len, &msg, err, sizeof err) != OK || !msg) {
        protocol_error(c, "unreadable frame");
        return;
    }
    c->last_heard_us = clock_mono_us();
    const struct frame_route *route;
    int rc = frame_route_match(routes_of(c), msg, &route, err, sizeof err);
    if (rc == FRAME_ROUTE_OK) {
        struct peer p = { pm, c };
        route->handler(&p, msg);
    } else if (rc == FRAME_ROUTE_BAD && route->handler == on_webhook) {
        log_warn("peer pid %d: %s; answered 400", (int)c->peer_pid, err);
        c->role = PM_PEER_WEBHOOK;
        webhook_refused(c, 400, err, 0);
    } else if (rc == FRAME_ROUTE_UNKNOWN && c->role == PM_PEER_NEW) {
        char why[400];
        snprintf(why, sizeof why, "%s as the first frame (not hello, webhook or status)", err);
        protocol_error(c, why);
    } else if (rc == FRAME_ROUTE_UNKNOWN && c->role != PM_PEER_WORKER) {
        char why[400];
        snprintf(why, sizeof why, "%s after its one frame (a webhook or status request)", err);
        protocol_error(c, why);
    } else {
        protocol_error(c, err);
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
