/* conn.h — the worker's one connection to the manager (docs/protocol.md,
 * "Worker ⇄ manager"): connect to [manager] socket, send hello, wait for
 * welcome, heartbeat every 5 s. When the manager is away or the
 * connection breaks, the next attempt waits 0.2 s, doubling up to 5 s; a
 * welcome resets the wait. */
#ifndef SELFPWRK_CONN_H
#define SELFPWRK_CONN_H

#include <stdint.h>

#include "buf.h"
#include "frame.h"
#include "frame_route.h"

#define CONN_HEARTBEAT_NS   (5 * 1000000000LL)
#define CONN_BACKOFF_MIN_NS (200 * 1000000LL)
#define CONN_BACKOFF_MAX_NS (5 * 1000000000LL)
#define CONN_WELCOME_NS     (30 * 1000000000LL) /* hello unanswered: try again */
#define CONN_WRITE_MS       5000

enum conn_state { CONN_DOWN, CONN_HELLO, CONN_READY };

struct conn {
    const char *path;
    const char *name;      /* for hello */
    int capacity;
    int fd;                /* -1 when down */
    enum conn_state state;
    struct frame_reader *fr;
    int64_t retry_ns;      /* down: next attempt */
    int64_t backoff_ns;
    int64_t hello_ns;      /* when hello went out */
    int64_t heartbeat_ns;  /* ready: next heartbeat */
    int64_t worker_id;     /* from welcome */
    int64_t now_ns;        /* the time of the frame being handled */
};

/* Before welcome, the one frame the manager may send (docs/protocol.md). */
extern const struct frame_route CONN_ROUTES_HELLO[];

void conn_init(struct conn *c, const char *path, const char *name, int capacity);
/* Down and due: connects and sends hello. OK when hello went out; ERROR
 * (logged, next attempt scheduled) otherwise. */
int conn_open(struct conn *c, int64_t now);
/* Closes (logging why when why is not NULL) and schedules the next try. */
void conn_close(struct conn *c, const char *why, int64_t now);
/* Sends one frame; on failure closes the connection and returns ERROR. */
int conn_send(struct conn *c, const buf_t *body, int64_t now);
/* Heartbeat or welcome timeout when due. */
void conn_tick(struct conn *c, int running, int64_t now);
/* The nearest time conn_tick or conn_open has something to do. */
int64_t conn_next_ns(const struct conn *c);

/* What conn_read hands over: each message but welcome (handled here) as
 * its body; a callback returning ERROR closes the connection. */
typedef int (*conn_frame_fn)(void *ctx, const char *body, size_t len);
/* The socket is readable: reads every frame waiting. ERROR when the
 * connection was closed (EOF, bad frame, protocol error). */
int conn_read(struct conn *c, conn_frame_fn fn, void *ctx, int64_t now);

#endif
