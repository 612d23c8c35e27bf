/* runs.h — the jobs a worker holds: a job frame is checked, compiled (or
 * found in the cache) and started in a child; finished children become
 * result frames. Capacity is the number of child slots. */
#ifndef SELFPWRK_RUNS_H
#define SELFPWRK_RUNS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "child.h"
#include "conn.h"
#include "frame_route.h"

struct runs {
    struct child *slots;
    size_t capacity;
    struct cache *cache;
    struct child_limits lim;
};

void runs_init(struct runs *r, size_t capacity, size_t cache_size, const struct child_limits *lim);
void runs_free(struct runs *r); /* abandons what still runs */
int runs_count(const struct runs *r);

/* The worker's frame table once welcome (docs/protocol.md; the welcome
 * before is conn.c's): `job` only. */
extern const struct frame_route RUNS_ROUTES[];
/* A frame from the manager, routed by RUNS_ROUTES. A job is answered at
 * once when a member or value is bad (with its id: an error result) or it
 * does not compile; otherwise a child starts. A frame of another type is
 * logged and dropped. ERROR only for a frame the connection cannot
 * survive (a bad job without a usable id). */
int runs_frame(struct runs *r, struct conn *c, const char *body, size_t len, int64_t now);

/* The children's pipes, for poll; returns how many were added. */
size_t runs_pollfds(const struct runs *r, struct pollfd *pfd);
/* The nearest time runs_service has something to do (INT64_MAX: none). */
int64_t runs_next_ns(const struct runs *r);
/* Reads the pipes, kills late children, reaps and reports finished ones. */
void runs_service(struct runs *r, struct conn *c, int64_t now);
/* Kills and reaps every child, reporting nothing (the manager reruns the
 * jobs of a closed connection). */
void runs_abandon(struct runs *r);

#endif
