/* conn.c — the manager connection (conn.h). Non-blocking after connect;
 * writes wait at most CONN_WRITE_MS for a manager that stopped reading. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "frame_route.h"
#include "json.h"
#include "log.h"
#include "status.h"

void conn_init(struct conn *c, const char *path, const char *name, int capacity)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->name = name;
    c->capacity = capacity;
    c->fd = -1;
    c->backoff_ns = CONN_BACKOFF_MIN_NS;
}

void conn_close(struct conn *c, const char *why, int64_t now)
{
    if (c->fd >= 0) {
        if (why)
            log_warn("manager connection closed: %s", why);
        close(c->fd);
    }
    frame_reader_free(c->fr);
    c->fr = NULL;
    c->fd = -1;
    c->state = CONN_DOWN;
    c->retry_ns = now + c->backoff_ns;
    c->backoff_ns *= 2;
    if (c->backoff_ns > CONN_BACKOFF_MAX_NS)
        c->backoff_ns = CONN_BACKOFF_MAX_NS;
}

int conn_send(struct conn *c, const buf_t *body, int64_t now)
{
    if (c->fd < 0)
        return ERROR;
    if (frame_write(c->fd, body->data, body->len, CONN_WRITE_MS) != OK) {
        char why[128];
        snprintf(why, sizeof why, "write: %s", strerror(errno));
        conn_close(c, why, now);
        return ERROR;
    }
    return OK;
}

int conn_open(struct conn *c, int64_t now)
{
    int fd = frame_connect(c->path);
    if (fd < 0) {
        /* the manager is away: say so once per wait at the longest */
        if (c->backoff_ns >= CONN_BACKOFF_MAX_NS)
            log_warn("cannot connect to the manager at %s: %s", c->path, strerror(errno));
        else
            log_debug("cannot connect to the manager at %s: %s", c->path, strerror(errno));
        conn_close(c, NULL, now);
        return ERROR;
    }
    c->fd = fd;
    c->fr = frame_reader_new(0);
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":%d,\"pid\":%ld,\"name\":",
               c->capacity, (long)getpid());
    json_put_str(&b, c->name);
    buf_putc(&b, '}');
    int rc = conn_send(c, &b, now);
    buf_free(&b);
    if (rc != OK)
        return ERROR;
    c->state = CONN_HELLO;
    c->hello_ns = now;
    return OK;
}

void conn_tick(struct conn *c, int running, int64_t now)
{
    if (c->state == CONN_HELLO && now >= c->hello_ns + CONN_WELCOME_NS) {
        conn_close(c, "no welcome from the manager", now);
    } else if (c->state == CONN_READY && now >= c->heartbeat_ns) {
        buf_t b = BUF_INIT;
        buf_printf(&b, "{\"type\":\"heartbeat\",\"running\":%d}", running);
        c->heartbeat_ns = now + CONN_HEARTBEAT_NS;
        conn_send(c, &b, now);
        buf_free(&b);
    }
}

int64_t conn_next_ns(const struct conn *c)
{
    switch (c->state) {
    case CONN_DOWN: return c->retry_ns;
    case CONN_HELLO: return c->hello_ns + CONN_WELCOME_NS;
    default: return c->heartbeat_ns;
    }
}

static int on_welcome(void *ctx, json_object *msg)
{
    struct conn *c = ctx;
    c->worker_id = json_int(msg, "worker", 0);
    log_info("connected to the manager at %s as worker %lld", c->path, (long long)c->worker_id);
    c->state = CONN_READY;
    c->backoff_ns = CONN_BACKOFF_MIN_NS;
    c->heartbeat_ns = c->now_ns + CONN_HEARTBEAT_NS;
    return OK;
}

static const struct json_field WELCOME[] = {
    { "worker", JK_INT, 1, 0 },
    { NULL, 0, 0, 0 },
};

const struct frame_route CONN_ROUTES_HELLO[] = {
    { "welcome", on_welcome, WELCOME, NULL },
    { NULL, NULL, NULL, NULL },
};

/* The first frame the manager sends: welcome, or the connection closes. */
static int first_frame(struct conn *c, const char *body, size_t len, int64_t now)
{
    json_object *o;
    char err[300];
    if (json_parse(body, len, &o, err, sizeof err) != OK)
        return conn_close(c, err, now), ERROR;
    const struct frame_route *route;
    int rc = frame_route_match(CONN_ROUTES_HELLO, o, &route, err, sizeof err);
    c->now_ns = now;
    if (rc == FRAME_ROUTE_OK)
        rc = route->handler(c, o);
    json_object_put(o);
    if (rc != OK) {
        char why[400];
        snprintf(why, sizeof why, "expected welcome after hello: %s", err);
        return conn_close(c, why, now), ERROR;
    }
    return OK;
}

int conn_read(struct conn *c, conn_frame_fn fn, void *ctx, int64_t now)
{
    for (;;) {
        const char *body;
        size_t len;
        int rc = frame_read(c->fr, c->fd, &body, &len);
        if (rc == FRAME_AGAIN)
            return OK;
        if (rc == FRAME_EOF) {
            conn_close(c, "the manager closed it", now);
            return ERROR;
        }
        if (rc == FRAME_ERROR) {
            char why[300];
            snprintf(why, sizeof why, "%s", frame_reader_error(c->fr));
            conn_close(c, why, now);
            return ERROR;
        }
        if (c->state == CONN_HELLO) {
            if (first_frame(c, body, len, now) != OK)
                return ERROR;
            continue;
        }
        if (fn(ctx, body, len) != OK) {
            if (c->fd >= 0)
                conn_close(c, NULL, now);
            return ERROR;
        }
        if (c->fd < 0)
            return ERROR; /* a send inside fn failed and closed it */
    }
}
