/* metrics.c — the host's shared counters table (metrics.h).
 *
 * Layout of DIR/metrics.table: a 64-byte header {magic, version, row
 * size, rows, layout, generation} and METRICS_ROWS rows. flock(LOCK_EX)
 * guards what changes the shape of the table: making or repairing it and
 * taking a row; counting takes no lock (one writer per row, 64-bit
 * aligned atomic adds, so a reader never sees a torn value and a writer
 * killed mid-count leaves every counter whole). A row is in use when its
 * magic is set; its owner is alive while it holds the fcntl lock on byte
 * i of the file. A (route, method, status) counter is published by its
 * key, stored after its count with release order, so a reader that sees
 * the key sees the count. */
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "status.h"

#define MT_MAGIC     0x31534349525445ull /* "ETRICS1" */
#define MT_VERSION   1u
#define MT_ROW_MAGIC 0x574f524du         /* "MROW" */
#define MT_KEY_USED  (1u << 31)

const int64_t metrics_http_bounds_us[METRICS_BUCKETS - 1] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000, 2500000, 5000000, 10000000,
};
const int64_t metrics_run_bounds_ms[METRICS_RUN_BUCKETS - 1] = {
    10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
};

struct mt_header {
    uint64_t magic;
    uint32_t version;
    uint32_t row_size;
    uint32_t rows;
    uint32_t pad0;
    uint64_t layout;
    uint64_t generation; /* changes whenever the table is made afresh */
    uint8_t pad[24];
};

struct mt_key {
    uint32_t key; /* MT_KEY_USED | route << 13 | method << 10 | status; 0 = free */
    uint32_t pad;
    uint64_t count;
};

struct mt_row {
    uint32_t magic;
    int32_t pid; /* the last owner, for the curious */
    uint64_t uncounted;
    uint8_t pad[48];
    struct mt_key keys[METRICS_KEYS];
    uint64_t http_buckets[METRICS_ROUTES][METRICS_BUCKETS];
    uint64_t http_sum_us[METRICS_ROUTES];
    uint64_t runs[METRICS_RUN_KINDS][METRICS_RUN_OUTCOMES];
    uint64_t run_buckets[METRICS_RUN_KINDS][METRICS_RUN_BUCKETS];
    uint64_t run_sum_ms[METRICS_RUN_KINDS];
    uint8_t tail[48];
};

_Static_assert(sizeof(struct mt_header) == 64, "header is 64 bytes");
_Static_assert(sizeof(struct mt_row) % 64 == 0, "rows are whole cache lines");
#define MT_SIZE (sizeof(struct mt_header) + METRICS_ROWS * sizeof(struct mt_row))

struct metrics {
    int fd;
    pid_t pid;            /* the process that opened fd */
    uint64_t layout;
    uint64_t generation;  /* of the table when this handle took its row */
    struct mt_header *hdr;
    struct mt_row *rows;
    struct mt_row *mine;  /* NULL until the first count, or when no row was free */
    int warned;
    int stopped;          /* another route layout took the table over */
    char path[];
};

static int lock_table(int fd, int op)
{
    while (flock(fd, op) != 0)
        if (errno != EINTR)
            return ERROR;
    return OK;
}

static void unmap(struct metrics *m)
{
    if (m->hdr)
        munmap(m->hdr, MT_SIZE);
    m->hdr = NULL;
    m->rows = NULL;
    m->mine = NULL;
    if (m->fd >= 0)
        close(m->fd); /* drops our row lock: the row stays, for adoption */
    m->fd = -1;
}

/* With the table lock held: a fresh, empty table. */
static void table_init(struct metrics *m, uint64_t old_generation)
{
    memset(m->hdr, 0, MT_SIZE);
    m->hdr->version = MT_VERSION;
    m->hdr->row_size = sizeof(struct mt_row);
    m->hdr->rows = METRICS_ROWS;
    m->hdr->layout = m->layout;
    uint64_t g = (uint64_t)clock_real_us();
    m->hdr->generation = g == old_generation ? g + 1 : g;
    __atomic_store_n(&m->hdr->magic, MT_MAGIC, __ATOMIC_RELEASE);
}

/* Opens the file by path and maps it, making or repairing the table as
 * needed. Returns with the table lock held (OK) or nothing open (ERROR). */
static int attach(struct metrics *m, char *err, size_t errsz)
{
    unmap(m);
    m->pid = getpid();
    m->fd = open(m->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m->fd < 0) {
        snprintf(err, errsz, "%s: %s", m->path, strerror(errno));
        return ERROR;
    }
    struct stat st;
    if (lock_table(m->fd, LOCK_EX) != OK || fstat(m->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "%s: %s", m->path, S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
        unmap(m);
        return ERROR;
    }
    int fresh = (size_t)st.st_size != MT_SIZE;
    if (fresh && (ftruncate(m->fd, (off_t)MT_SIZE) != 0 || posix_fallocate(m->fd, 0, (off_t)MT_SIZE) != 0)) {
        snprintf(err, errsz, "%s: cannot size the file: %s", m->path, strerror(errno));
        unmap(m);
        return ERROR;
    }
    void *p = mmap(NULL, MT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
    if (p == MAP_FAILED) {
        snprintf(err, errsz, "%s: mmap: %s", m->path, strerror(errno));
        unmap(m);
        return ERROR;
    }
    m->hdr = p;
    m->rows = (struct mt_row *)((char *)p + sizeof(struct mt_header));
    struct mt_header *h = m->hdr;
    if (fresh || h->magic != MT_MAGIC || h->version != MT_VERSION ||
        h->row_size != sizeof(struct mt_row) || h->rows != METRICS_ROWS) {
        if (!fresh)
            log_warn("metrics: %s was damaged or of another format: counting afresh", m->path);
        table_init(m, h->generation);
    } else if (m->layout && h->layout && h->layout != m->layout) {
        log_info("metrics: the route table changed (another selfserv version): counting afresh");
        table_init(m, h->generation);
    } else if (m->layout && !h->layout) {
        h->layout = m->layout; /* only route-less processes counted so far: no route slots used */
    }
    m->generation = h->generation;
    return OK;
}

int metrics_open(const char *dir, uint64_t layout, struct metrics **out, char *err, size_t errsz)
{
    *out = NULL;
    if (!dir || !*dir) {
        snprintf(err, errsz, "metrics: no state folder given");
        return ERROR;
    }
    size_t need = strlen(dir) + sizeof("/" METRICS_FILE);
    if (need > PATH_MAX) {
        snprintf(err, errsz, "metrics: state folder path too long");
        return ERROR;
    }
    struct metrics *m = calloc(1, sizeof *m + need);
    if (!m) {
        snprintf(err, errsz, "metrics: out of memory");
        return ERROR;
    }
    snprintf(m->path, need, "%s/%s", dir, METRICS_FILE);
    m->fd = -1;
    m->layout = layout;
    if (attach(m, err, errsz) != OK) {
        free(m);
        return ERROR;
    }
    lock_table(m->fd, LOCK_UN);
    *out = m;
    return OK;
}

void metrics_close(struct metrics *m)
{
    if (!m)
        return;
    unmap(m);
    free(m);
}

/* The lock on byte i: taken (ours, non-blocking) or asked about. */
static int row_lock(int fd, size_t i, int cmd, pid_t *holder)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)i, .l_len = 1 };
    if (fcntl(fd, cmd, &fl) != 0)
        return ERROR;
    if (holder)
        *holder = fl.l_type == F_UNLCK ? 0 : fl.l_pid;
    return OK;
}

/* With the table lock held: a row of a dead process (adopted, counts
 * kept), else a row never used. NULL when every row has a live owner. */
static struct mt_row *take_row(struct metrics *m)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < METRICS_ROWS; i++) {
            struct mt_row *r = &m->rows[i];
            if ((r->magic == MT_ROW_MAGIC) != (pass == 0))
                continue;
            if (row_lock(m->fd, i, F_SETLK, NULL) != OK)
                continue; /* alive */
            if (r->magic != MT_ROW_MAGIC) {
                memset(r, 0, sizeof *r);
                r->magic = MT_ROW_MAGIC;
            }
            r->pid = (int32_t)getpid();
            return r;
        }
    return NULL;
}

/* The table as this process may count in it now: reopened after a fork
 * (the row is the parent's), a deletion, a truncation, damage or a
 * change of generation. NULL when no row can be had (logged once). */
static struct mt_row *my_row(struct metrics *m)
{
    struct stat st;
    /* the size first: a mapping past the end of a truncated file is SIGBUS */
    if (m->mine && m->pid == getpid() && fstat(m->fd, &st) == 0 && st.st_nlink > 0 &&
        (size_t)st.st_size == MT_SIZE &&
        __atomic_load_n(&m->hdr->magic, __ATOMIC_ACQUIRE) == MT_MAGIC &&
        m->hdr->generation == m->generation)
        return m->mine;
    if (m->stopped && m->pid == getpid())
        return NULL;
    char err[300];
    if (m->hdr && m->pid == getpid() && fstat(m->fd, &st) == 0 && st.st_nlink > 0 &&
        (size_t)st.st_size == MT_SIZE && lock_table(m->fd, LOCK_EX) == OK) {
        /* same file: repair it or catch up with its new generation */
        struct mt_header *h = m->hdr;
        if (h->magic != MT_MAGIC || h->version != MT_VERSION || h->row_size != sizeof(struct mt_row) ||
            h->rows != METRICS_ROWS) {
            log_warn("metrics: %s was damaged: counting afresh", m->path);
            table_init(m, h->generation);
        }
        if (m->layout && h->layout && h->layout != m->layout) {
            /* another version made the table afresh for its routes: ours
             * would be mislabelled there, and resetting it again would
             * make the two versions wipe each other's counts */
            lock_table(m->fd, LOCK_UN);
            m->stopped = 1;
            if (!m->warned++)
                log_warn("metrics: %s is counted by a selfserv with another route table: this "
                         "process's requests are not counted until it is restarted", m->path);
            return NULL;
        }
        if (m->layout && !h->layout)
            h->layout = m->layout;
        if (m->mine && h->generation != m->generation) {
            /* our byte lock is still held: the row with it is ours again */
            m->mine->magic = MT_ROW_MAGIC;
            m->mine->pid = (int32_t)getpid();
        }
        m->generation = h->generation;
    } else if (attach(m, err, sizeof err) != OK) {
        if (!m->warned++)
            log_warn("metrics: not counted: %s", err);
        return NULL;
    }
    if (!m->mine)
        m->mine = take_row(m);
    lock_table(m->fd, LOCK_UN);
    if (!m->mine && !m->warned++)
        log_warn("metrics: all %d rows of %s belong to live processes: this one's requests "
                 "are not counted", METRICS_ROWS, m->path);
    return m->mine;
}

static void add(uint64_t *counter, uint64_t n)
{
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *counter)
{
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

static int bucket_of(const int64_t *bounds, int nbounds, int64_t v)
{
    int b = 0;
    while (b < nbounds && v > bounds[b])
        b++;
    return b;
}

void metrics_request(struct metrics *m, unsigned route, unsigned method, unsigned status,
                     int64_t duration_us)
{
    struct mt_row *r = m ? my_row(m) : NULL;
    if (!r)
        return;
    if (route >= METRICS_ROUTES)
        route = 0;
    if (method >= METRICS_METHODS)
        method = 0;
    if (status > 999)
        status = 0;
    if (duration_us < 0)
        duration_us = 0;
    add(&r->http_buckets[route][bucket_of(metrics_http_bounds_us, METRICS_BUCKETS - 1, duration_us)], 1);
    add(&r->http_sum_us[route], (uint64_t)duration_us);

    uint32_t key = MT_KEY_USED | route << 13 | method << 10 | status;
    uint32_t h = (key * 2654435761u) >> 23; /* 9 bits: METRICS_KEYS */
    for (unsigned probe = 0; probe < METRICS_KEYS; probe++) {
        struct mt_key *k = &r->keys[(h + probe) % METRICS_KEYS];
        uint32_t seen = __atomic_load_n(&k->key, __ATOMIC_ACQUIRE);
        if (seen == key) {
            add(&k->count, 1);
            return;
        }
        if (seen == 0) {
            __atomic_store_n(&k->count, 1, __ATOMIC_RELAXED);
            __atomic_store_n(&k->key, key, __ATOMIC_RELEASE);
            return;
        }
    }
    add(&r->uncounted, 1);
}

void metrics_run(struct metrics *m, unsigned kind, unsigned outcome, int64_t duration_ms)
{
    struct mt_row *r = m ? my_row(m) : NULL;
    if (!r || kind >= METRICS_RUN_KINDS || outcome >= METRICS_RUN_OUTCOMES)
        return;
    if (duration_ms < 0)
        duration_ms = 0;
    add(&r->runs[kind][outcome], 1);
    add(&r->run_buckets[kind][bucket_of(metrics_run_bounds_ms, METRICS_RUN_BUCKETS - 1, duration_ms)], 1);
    add(&r->run_sum_ms[kind], (uint64_t)duration_ms);
}

static int count_order(const void *a, const void *b)
{
    const struct metrics_count *x = a, *y = b;
    if (x->route != y->route)
        return x->route < y->route ? -1 : 1;
    if (x->method != y->method)
        return x->method < y->method ? -1 : 1;
    return x->status < y->status ? -1 : x->status > y->status;
}

/* Adds one published counter to the sum: a linear search would be
 * quadratic, so an open-addressing index over out->req by key. */
static void sum_key(struct metrics_sum *out, int32_t *index, uint32_t key, uint64_t count)
{
    uint32_t h = (key * 2654435761u) >> 19; /* 13 bits: 8192 > 2 * METRICS_SUM_MAX */
    for (;; h = (h + 1) & 8191) {
        if (index[h] < 0)
            break;
        struct metrics_count *c = &out->req[index[h]];
        if ((MT_KEY_USED | (uint32_t)c->route << 13 | (uint32_t)c->method << 10 | c->status) == key) {
            c->count += count;
            return;
        }
    }
    if (out->n >= METRICS_SUM_MAX) {
        out->uncounted += count;
        return;
    }
    index[h] = (int32_t)out->n;
    out->req[out->n++] = (struct metrics_count){ .route = (uint16_t)(key >> 13 & 127),
                                                 .method = (uint8_t)(key >> 10 & 7),
                                                 .status = (uint16_t)(key & 1023),
                                                 .count = count };
}

int metrics_sum(struct metrics *m, struct metrics_sum *out)
{
    memset(out, 0, sizeof *out);
    if (m)
        my_row(m); /* repairs the table; counting needs no row of our own */
    if (!m || !m->hdr || lock_table(m->fd, LOCK_SH) != OK)
        return ERROR;
    static int32_t index[8192];
    memset(index, 0xff, sizeof index);
    pid_t me = getpid(), holder;
    for (size_t i = 0; i < METRICS_ROWS; i++) {
        const struct mt_row *r = &m->rows[i];
        if (r->magic != MT_ROW_MAGIC)
            continue;
        out->rows_used++;
        if (r == m->mine || (row_lock(m->fd, i, F_GETLK, &holder) == OK && holder != 0 && holder != me))
            out->rows_live++;
        for (size_t k = 0; k < METRICS_KEYS; k++) {
            uint32_t key = __atomic_load_n(&r->keys[k].key, __ATOMIC_ACQUIRE);
            if (key & MT_KEY_USED && (key & 1023) <= 999 && (key & ~(MT_KEY_USED | 0xfffffu)) == 0)
                sum_key(out, index, key, get(&r->keys[k].count));
        }
        for (size_t rt = 0; rt < METRICS_ROUTES; rt++) {
            for (size_t b = 0; b < METRICS_BUCKETS; b++)
                out->http_buckets[rt][b] += get(&r->http_buckets[rt][b]);
            out->http_sum_us[rt] += get(&r->http_sum_us[rt]);
        }
        for (size_t kd = 0; kd < METRICS_RUN_KINDS; kd++) {
            for (size_t o = 0; o < METRICS_RUN_OUTCOMES; o++)
                out->runs[kd][o] += get(&r->runs[kd][o]);
            for (size_t b = 0; b < METRICS_RUN_BUCKETS; b++)
                out->run_buckets[kd][b] += get(&r->run_buckets[kd][b]);
            out->run_sum_ms[kd] += get(&r->run_sum_ms[kd]);
        }
        out->uncounted += get(&r->uncounted);
    }
    lock_table(m->fd, LOCK_UN);
    qsort(out->req, out->n, sizeof *out->req, count_order);
    return OK;
}
