/* connbudget.c — connection slots per server, shared by the processes of
 * a host (connbudget.h).
 *
 * Layout of DIR/connbudget.table: a 64-byte header {magic, version, row
 * size, row count, waiters} and CONNBUDGET_ROWS rows of 128 bytes. flock
 * guards the table; fcntl record locks on byte i (one per row, held by
 * the row's owner) tell live rows from dead ones. On Linux the two kinds
 * of lock are independent, so holding both on one file is fine. A row is
 * free when its key is empty. `waiters` counts rows marked waiting, so
 * that a process can see without the lock whether anyone waits. */
#include "connbudget.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "status.h"

#define CB_MAGIC   0x314454474442534full /* "OSBDGTD1" */
#define CB_VERSION 1u
#define CB_POLL_NS (2 * 1000000L)        /* waiting: look again every 2 ms */

struct cb_header {
    uint64_t magic;
    uint32_t version;
    uint32_t row_size;
    uint32_t rows;
    volatile int32_t waiters;
    uint64_t waits;    /* acquires that waited (for monitoring), */
    uint64_t timeouts; /* and of them those that got no slot: zero in older files */
    uint8_t pad[24];
};

struct cb_row {
    char key[CONNBUDGET_KEY_MAX]; /* "" = free */
    int32_t pid;
    int32_t held;
    int32_t waiting;
    int32_t limit;                /* the owner's limit, for status */
    int64_t since_us;             /* when the owner took the row */
    uint8_t pad[8];
};

_Static_assert(sizeof(struct cb_header) == 64, "header is 64 bytes");
_Static_assert(sizeof(struct cb_row) == 128, "row is 128 bytes");
#define CB_SIZE (sizeof(struct cb_header) + CONNBUDGET_ROWS * sizeof(struct cb_row))

struct connbudget {
    int fd;
    pid_t pid;              /* the process that opened fd: a forked child reopens */
    struct cb_header *hdr;
    struct cb_row *row;
    char path[];
};

/* keys are kept to CONNBUDGET_KEY_MAX - 1 bytes: compare them cut alike */
#define KEY_OF(in, out)                                                                    \
    char out[CONNBUDGET_KEY_MAX];                                                          \
    snprintf(out, sizeof out, "%s", (in) ? (const char *)(in) : "")

static int lock_table(int fd, int op)
{
    while (flock(fd, op) != 0)
        if (errno != EINTR)
            return ERROR;
    return OK;
}

/* The owner's lock on byte i: set (ours) or asked about (theirs). */
static int row_lock(int fd, size_t i, int cmd, short type, pid_t *holder)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)i, .l_len = 1 };
    if (fcntl(fd, cmd, &fl) != 0)
        return ERROR;
    if (holder)
        *holder = fl.l_type == F_UNLCK ? 0 : fl.l_pid;
    return OK;
}

static void unmap(struct connbudget *b)
{
    if (b->hdr)
        munmap(b->hdr, CB_SIZE);
    b->hdr = NULL;
    b->row = NULL;
    if (b->fd >= 0)
        close(b->fd); /* drops our row locks: the rows are reaped by the others */
    b->fd = -1;
}

/* Opens the file by path, locked; (re)initialises a file that is not a
 * valid table. Returns with the table lock held. */
static int attach(struct connbudget *b, char *err, size_t errsz)
{
    unmap(b);
    b->pid = getpid();
    b->fd = open(b->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (b->fd < 0) {
        snprintf(err, errsz, "%s: %s", b->path, strerror(errno));
        return ERROR;
    }
    struct stat st;
    if (lock_table(b->fd, LOCK_EX) != OK || fstat(b->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "%s: %s", b->path, S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
        unmap(b);
        return ERROR;
    }
    int fresh = (size_t)st.st_size != CB_SIZE;
    if (fresh && (ftruncate(b->fd, (off_t)CB_SIZE) != 0 || posix_fallocate(b->fd, 0, (off_t)CB_SIZE) != 0)) {
        snprintf(err, errsz, "%s: cannot size the file: %s", b->path, strerror(errno));
        unmap(b);
        return ERROR;
    }
    void *p = mmap(NULL, CB_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
    if (p == MAP_FAILED) {
        snprintf(err, errsz, "%s: mmap: %s", b->path, strerror(errno));
        unmap(b);
        return ERROR;
    }
    b->hdr = p;
    b->row = (struct cb_row *)((char *)p + sizeof(struct cb_header));
    if (fresh || b->hdr->magic != CB_MAGIC || b->hdr->version != CB_VERSION ||
        b->hdr->row_size != sizeof(struct cb_row) || b->hdr->rows != CONNBUDGET_ROWS) {
        /* the rows of live processes are lost with it: they hold fewer
         * slots than they think until they close, never more than limit */
        memset(p, 0, CB_SIZE);
        b->hdr->version = CB_VERSION;
        b->hdr->row_size = sizeof(struct cb_row);
        b->hdr->rows = CONNBUDGET_ROWS;
        b->hdr->magic = CB_MAGIC;
    }
    return OK;
}

static int acquire_lock(struct connbudget *b)
{
    char err[300];
    struct stat st;
    if (b->fd >= 0 && b->pid == getpid()) {
        if (lock_table(b->fd, LOCK_EX) == OK && fstat(b->fd, &st) == 0 && st.st_nlink > 0 &&
            (size_t)st.st_size == CB_SIZE && b->hdr->magic == CB_MAGIC)
            return OK;
        lock_table(b->fd, LOCK_UN);
    }
    if (attach(b, err, sizeof err) == OK) /* forked, deleted or damaged: start over */
        return OK;
    log_warn("connection budget: %s", err);
    return ERROR;
}

static void release_lock(struct connbudget *b)
{
    lock_table(b->fd, LOCK_UN);
}

int connbudget_open(const char *dir, struct connbudget **out, char *err, size_t errsz)
{
    *out = NULL;
    if (!dir || !*dir) {
        snprintf(err, errsz, "connection budget: no state folder given");
        return ERROR;
    }
    size_t need = strlen(dir) + sizeof("/" CONNBUDGET_FILE);
    if (need > PATH_MAX) {
        snprintf(err, errsz, "connection budget: state folder path too long");
        return ERROR;
    }
    struct connbudget *b = calloc(1, sizeof *b + need);
    if (!b) {
        snprintf(err, errsz, "connection budget: out of memory");
        return ERROR;
    }
    snprintf(b->path, need, "%s/%s", dir, CONNBUDGET_FILE);
    b->fd = -1;
    if (attach(b, err, errsz) != OK) {
        free(b);
        return ERROR;
    }
    release_lock(b);
    *out = b;
    return OK;
}

/* With the lock held: frees the rows of dead processes. */
static void reap(struct connbudget *b)
{
    pid_t me = getpid(), holder;
    for (size_t i = 0; i < CONNBUDGET_ROWS; i++) {
        struct cb_row *r = &b->row[i];
        if (!r->key[0] || r->pid == me)
            continue;
        if (row_lock(b->fd, i, F_GETLK, F_WRLCK, &holder) == OK && holder == 0) {
            if (r->held)
                log_info("connection budget: %d slot(s) of %s freed from process %d, gone",
                         r->held, r->key, (int)r->pid);
            if (r->waiting)
                b->hdr->waiters--;
            memset(r, 0, sizeof *r);
        }
    }
}

static int held_by_all(const struct connbudget *b, const char *key)
{
    int total = 0;
    for (size_t i = 0; i < CONNBUDGET_ROWS; i++)
        if (b->row[i].key[0] && strcmp(b->row[i].key, key) == 0)
            total += b->row[i].held;
    return total;
}

/* This process's row for key, taken from the free ones when it has none;
 * NULL when the table is full. */
static struct cb_row *own_row(struct connbudget *b, const char *key, int create)
{
    pid_t me = getpid();
    struct cb_row *free_row = NULL;
    for (size_t i = 0; i < CONNBUDGET_ROWS; i++) {
        struct cb_row *r = &b->row[i];
        if (r->key[0] && r->pid == me && strcmp(r->key, key) == 0)
            return r;
    }
    if (!create)
        return NULL;
    for (int pass = 0; pass < 2 && !free_row; pass++) {
        if (pass == 1)
            reap(b);
        for (size_t i = 0; i < CONNBUDGET_ROWS && !free_row; i++)
            if (!b->row[i].key[0] && row_lock(b->fd, i, F_SETLK, F_WRLCK, NULL) == OK)
                free_row = &b->row[i];
    }
    if (!free_row)
        return NULL;
    memset(free_row, 0, sizeof *free_row);
    snprintf(free_row->key, sizeof free_row->key, "%s", key);
    free_row->pid = me;
    free_row->since_us = clock_mono_us();
    return free_row;
}

/* One try with the lock held: OK when a slot was taken. */
static int take(struct connbudget *b, const char *key, int limit, struct cb_row *r)
{
    int total = held_by_all(b, key);
    if (total >= limit) {
        reap(b); /* a dead process's slots are the ones to find first */
        total = held_by_all(b, key);
    }
    if (total >= limit)
        return CONNBUDGET_FULL;
    r->held++;
    r->limit = limit;
    return OK;
}

static void set_waiting(struct connbudget *b, struct cb_row *r, int on)
{
    if (r->waiting == on)
        return;
    r->waiting = on;
    b->hdr->waiters += on ? 1 : -1;
}

int connbudget_acquire(struct connbudget *b, const char *long_key, int limit, int wait_ms)
{
    KEY_OF(long_key, key);
    if (!b || !*key || limit < 1)
        return ERROR;
    int64_t give_up = clock_mono_us() + (int64_t)wait_ms * 1000;
    for (int tries = 0;; tries++) {
        if (acquire_lock(b) != OK)
            return ERROR;
        struct cb_row *r = own_row(b, key, 1);
        if (!r) {
            release_lock(b);
            log_warn("connection budget: all %d rows of %s are taken", CONNBUDGET_ROWS, b->path);
            return ERROR;
        }
        int rc = take(b, key, limit, r);
        int late = clock_mono_us() >= give_up;
        set_waiting(b, r, rc != OK && !late);
        if (rc != OK && wait_ms > 0 && tries == 0)
            b->hdr->waits++;
        if (rc != OK && wait_ms > 0 && late)
            b->hdr->timeouts++;
        release_lock(b);
        if (rc == OK || late)
            return rc;
        struct timespec ts = { 0, CB_POLL_NS };
        nanosleep(&ts, NULL);
    }
}

void connbudget_release(struct connbudget *b, const char *long_key)
{
    KEY_OF(long_key, key);
    if (!b || acquire_lock(b) != OK)
        return;
    struct cb_row *r = own_row(b, key, 0);
    if (r && r->held > 0)
        r->held--;
    release_lock(b);
}

/* With the lock held: does another process wait for a slot of key? */
static int someone_waits(const struct connbudget *b, const char *key)
{
    pid_t me = getpid();
    for (size_t i = 0; i < CONNBUDGET_ROWS; i++) {
        const struct cb_row *r = &b->row[i];
        if (r->key[0] && r->waiting && r->pid != me && strcmp(r->key, key) == 0)
            return 1;
    }
    return 0;
}

int connbudget_yield(struct connbudget *b, const char *long_key, int limit)
{
    KEY_OF(long_key, key);
    if (!connbudget_anyone_waiting(b) || acquire_lock(b) != OK)
        return 0;
    int wanted = someone_waits(b, key);
    if (wanted) {
        reap(b); /* the waiter may be gone, or a dead process's slots free */
        struct cb_row *mine = own_row(b, key, 0);
        wanted = someone_waits(b, key) && mine && mine->held > 0 && held_by_all(b, key) >= limit;
    }
    release_lock(b);
    return wanted;
}

int connbudget_trim(struct connbudget *b, const char *long_key, int limit)
{
    KEY_OF(long_key, key);
    if (!b || acquire_lock(b) != OK)
        return 0;
    struct cb_row *mine = own_row(b, key, 0);
    int trim = mine && mine->held >= 2 && held_by_all(b, key) >= limit;
    release_lock(b);
    return trim;
}

int connbudget_anyone_waiting(const struct connbudget *b)
{
    return b && b->hdr && b->pid == getpid() && b->hdr->waiters > 0;
}

int connbudget_count(struct connbudget *b, const char *long_key, int *mine, int *total)
{
    KEY_OF(long_key, key);
    if (!b || acquire_lock(b) != OK)
        return ERROR;
    reap(b);
    struct cb_row *r = own_row(b, key, 0);
    *mine = r ? r->held : 0;
    *total = held_by_all(b, key);
    release_lock(b);
    return OK;
}

void connbudget_close(struct connbudget *b)
{
    if (!b)
        return;
    if (b->fd >= 0 && b->pid == getpid() && acquire_lock(b) == OK) {
        pid_t me = getpid();
        for (size_t i = 0; i < CONNBUDGET_ROWS; i++)
            if (b->row[i].key[0] && b->row[i].pid == me) {
                if (b->row[i].waiting)
                    b->hdr->waiters--;
                memset(&b->row[i], 0, sizeof b->row[i]);
            }
        release_lock(b);
    }
    unmap(b);
    free(b);
}

int connbudget_stats(struct connbudget *b, connbudget_stat_fn fn, void *ctx, uint64_t *waits,
                     uint64_t *timeouts)
{
    if (!b || acquire_lock(b) != OK)
        return ERROR;
    reap(b);
    *waits = b->hdr->waits;
    *timeouts = b->hdr->timeouts;
    /* one call per key: the first row of each key sums the others */
    for (size_t i = 0; i < CONNBUDGET_ROWS; i++) {
        const struct cb_row *r = &b->row[i];
        int first = r->key[0] != '\0';
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(b->row[j].key, r->key) != 0;
        if (!first)
            continue;
        int held = 0, waiting = 0, limit = 0;
        for (size_t j = i; j < CONNBUDGET_ROWS; j++)
            if (strcmp(b->row[j].key, r->key) == 0) {
                held += b->row[j].held;
                waiting += b->row[j].waiting != 0;
                limit = b->row[j].limit > limit ? b->row[j].limit : limit;
            }
        fn(ctx, r->key, held, waiting, limit);
    }
    release_lock(b);
    return OK;
}
