/* metrics.h — the counters behind GET /metrics, shared by every selfhost
 * process of a host (both selfserv pools and selfpmgr), so that a scrape
 * answered by any one responder counts the requests of all of them.
 *
 * The table is one fixed-size file, DIR/metrics.table, mapped MAP_SHARED.
 * Each process takes one row and is the only writer of it: it adds to its
 * counters with atomic stores, no lock per request; a scrape sums all
 * rows. A row's owner holds a POSIX record lock (fcntl) on the row's byte
 * of the file for as long as it lives, as in connbudget.c. The kernel
 * drops it however the process dies, and the row, counts and all, stays
 * in the table: a crashed responder loses nothing (what it counted is
 * summed as before), and the next process that needs a row adopts the
 * dead one and counts on from there, so restarts never grow the table.
 *
 * What is counted: requests by (route, method, status) — up to
 * METRICS_KEYS distinct triples per row, beyond that counted only as
 * "uncounted" (never dropped silently) — their latency as a histogram per
 * route, and program runs by (kind, outcome) with a duration histogram
 * per kind. A route is a slot number the caller gives (selfserv: its
 * route table's index), so the file holds no strings; `layout` names the
 * numbering (a hash of the route table): a process that opens the table
 * with another layout (an upgrade changed the routes) starts it afresh,
 * and the processes of the old layout stop counting until they are
 * restarted. A file found truncated, damaged or of another format is made
 * afresh too; every process notices (a generation number in the header)
 * and counts on in its row. Either way the counters restart from zero,
 * which Prometheus treats as a counter reset.
 *
 * The file must be on a local filesystem (tmpfs or disk). Handles survive
 * fork (the child takes a row of its own on its next count). A process
 * must open the file through one handle only: closing any descriptor of
 * it drops the process's record locks. One handle, one thread. */
#ifndef SELFHOST_METRICS_H
#define SELFHOST_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_FILE "metrics.table"
#define METRICS_ROWS 128        /* processes counted at once */
#define METRICS_ROUTES 128      /* route slots, 0..127 */
#define METRICS_METHODS 8       /* method codes, 0..7 */
#define METRICS_KEYS 512        /* distinct (route, method, status) per row */
#define METRICS_BUCKETS 14      /* request latency: 13 bounds and +Inf */
#define METRICS_RUN_KINDS 2     /* routine, webhook */
#define METRICS_RUN_OUTCOMES 4  /* ok, error, deadline, crashed */
#define METRICS_RUN_BUCKETS 12  /* run duration: 11 bounds and +Inf */
#define METRICS_SUM_MAX 4096    /* distinct triples a scrape reports */

/* Upper bounds (inclusive) of the buckets but the last: request latency
 * in microseconds, run durations in milliseconds. */
extern const int64_t metrics_http_bounds_us[METRICS_BUCKETS - 1];
extern const int64_t metrics_run_bounds_ms[METRICS_RUN_BUCKETS - 1];

struct metrics;

/* Opens (creating or repairing) DIR/metrics.table; layout 0 means "no
 * route numbering of mine" (the manager, which counts runs only). OK and
 * *out, or ERROR with a message in err. The row is taken on first count. */
int metrics_open(const char *dir, uint64_t layout, struct metrics **out, char *err, size_t errsz);
/* Unmaps and closes; the row stays (its counts are kept) and is free for
 * adoption. NULL is a no-op. */
void metrics_close(struct metrics *m);

/* One request: route < METRICS_ROUTES, method < METRICS_METHODS, status
 * 0..999; out-of-range values are counted as route 0, method 0, status 0.
 * Never fails visibly (a table that cannot be used is logged once). */
void metrics_request(struct metrics *m, unsigned route, unsigned method, unsigned status,
                     int64_t duration_us);
/* One finished program run. */
void metrics_run(struct metrics *m, unsigned kind, unsigned outcome, int64_t duration_ms);

struct metrics_count {
    uint16_t route, status;
    uint8_t method;
    uint64_t count;
};

/* The sum over all rows, live and dead. Buckets are per bucket here (not
 * cumulative); a histogram's count is the sum of its buckets, so it can
 * never disagree with them. */
struct metrics_sum {
    size_t n;                                     /* entries of req, sorted */
    struct metrics_count req[METRICS_SUM_MAX];
    uint64_t http_buckets[METRICS_ROUTES][METRICS_BUCKETS];
    uint64_t http_sum_us[METRICS_ROUTES];
    uint64_t runs[METRICS_RUN_KINDS][METRICS_RUN_OUTCOMES];
    uint64_t run_buckets[METRICS_RUN_KINDS][METRICS_RUN_BUCKETS];
    uint64_t run_sum_ms[METRICS_RUN_KINDS];
    uint64_t uncounted;  /* requests in no (route, method, status) counter */
    int rows_live;       /* rows whose owner is alive (this process included) */
    int rows_used;       /* rows ever taken since the table was made */
};

/* Fills *out (about 110 KB: allocate it). OK, or ERROR (logged). */
int metrics_sum(struct metrics *m, struct metrics_sum *out);

#endif
