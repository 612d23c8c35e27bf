/* ratelimit.c — token buckets in a shared, mmap'ed file (ratelimit.h).
 *
 * Layout of DIR/ratelimit.buckets: a 64-byte header {magic, version, slot
 * size, slot count} and then `slots` slots of 48 bytes. Every access
 * happens under flock(LOCK_EX): no atomics, no robust mutexes, and a
 * holder that dies releases the lock with its last descriptor.
 *
 * Keys are sha256 prefixes, hence uniform: a key's home slot is its first
 * 8 bytes modulo the slot count, and it may live in any of the PROBE
 * slots from there (wrapping). Lookups scan that whole window instead of
 * stopping at the first free slot, so freeing a slot (sweep, eviction)
 * needs no tombstones and a key is never in its window twice.
 *
 * Before touching the mapping, every operation checks under the lock that
 * the file still has the size and header it was mapped with (one fstat):
 * another process may have re-created it with another slot count, or
 * someone truncated it, and touching a page beyond the end of a file is
 * SIGBUS. */
#include "clock.h"
#include "ratelimit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "status.h"

#define RL_MAGIC   0x314b4d494c524853ull /* "SHRLIMK1" little-endian */
#define RL_VERSION 1u
#define RL_PROBE   32
#define USEC_PER_HOUR 3600e6
/* A stamp further than this in the future is from another clock epoch
 * (CLOCK_MONOTONIC restarts at boot, the file may outlive it). Processes
 * sharing the clock differ by microseconds only. */
#define RL_FUTURE_USEC (60 * 1000000ll)

struct rl_header {
    uint64_t magic;
    uint32_t version;
    uint32_t slot_size;
    uint64_t slots;
    uint8_t pad[40];
};

struct rl_slot {
    uint8_t key[16];
    double tokens;
    int64_t last_refill; /* usec of the caller's clock */
    int64_t last_used;
    uint32_t in_use;
    uint32_t pad;
};

_Static_assert(sizeof(struct rl_header) == 64, "header is 64 bytes");
_Static_assert(sizeof(struct rl_slot) == 48, "slot is 48 bytes");

struct ratelimit {
    int fd;             /* -1 after a failed reopen: the next call retries */
    pid_t pid;          /* process that opened fd: a forked child reopens */
    size_t want_slots;  /* slot count used when (re)creating the file */
    size_t slots;       /* slot count of the current mapping */
    size_t map_size;
    struct rl_header *hdr; /* NULL when unmapped */
    struct rl_slot *slot;
    char path[];
};

static void seterr(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || errsz == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

static size_t file_size_for(size_t slots)
{
    return sizeof(struct rl_header) + slots * sizeof(struct rl_slot);
}

static int lock_file(int fd, int op)
{
    while (flock(fd, op) != 0)
        if (errno != EINTR)
            return ERROR;
    return OK;
}

static void unmap(struct ratelimit *rl)
{
    if (rl->hdr)
        munmap(rl->hdr, rl->map_size);
    rl->hdr = NULL;
    rl->slot = NULL;
    rl->slots = 0;
    rl->map_size = 0;
}

static int map(struct ratelimit *rl, size_t slots, char *err, size_t errsz)
{
    unmap(rl);
    size_t size = file_size_for(slots);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, rl->fd, 0);
    if (p == MAP_FAILED) {
        seterr(err, errsz, "%s: mmap: %s", rl->path, strerror(errno));
        return ERROR;
    }
    rl->hdr = p;
    rl->slot = (struct rl_slot *)((char *)p + sizeof(struct rl_header));
    rl->slots = slots;
    rl->map_size = size;
    return OK;
}

static int header_valid(const struct rl_header *h)
{
    return h->magic == RL_MAGIC && h->version == RL_VERSION && h->slot_size == sizeof(struct rl_slot) &&
           h->slots >= 1 && h->slots <= RATELIMIT_MAX_SLOTS;
}

/* Sizes the file for want_slots, reserves its blocks (a page of a sparse
 * file that cannot be allocated on a full disk is SIGBUS when touched) and
 * writes an empty table, magic last: a writer killed halfway leaves a file
 * the next one repairs. */
static int create_table(struct ratelimit *rl, char *err, size_t errsz)
{
    size_t size = file_size_for(rl->want_slots);
    unmap(rl);
    if (ftruncate(rl->fd, (off_t)size) != 0) {
        seterr(err, errsz, "%s: ftruncate: %s", rl->path, strerror(errno));
        return ERROR;
    }
    int rc = posix_fallocate(rl->fd, 0, (off_t)size);
    if (rc == ENOSPC || rc == EFBIG) {
        seterr(err, errsz, "%s: posix_fallocate: %s", rl->path, strerror(rc));
        return ERROR;
    }
    if (map(rl, rl->want_slots, err, errsz) != OK)
        return ERROR;
    memset(rl->hdr, 0, size);
    rl->hdr->version = RL_VERSION;
    rl->hdr->slot_size = sizeof(struct rl_slot);
    rl->hdr->slots = rl->want_slots;
    rl->hdr->magic = RL_MAGIC;
    return OK;
}

/* With the lock held: maps the file, keeping its buckets when it is valid.
 * adopt = 0 (open) keeps only a table of want_slots; adopt = 1 (a running
 * handle noticing a change) also takes a valid table of another size, so
 * that processes configured differently do not wipe each other's table on
 * every request. */
static int attach(struct ratelimit *rl, int adopt, char *err, size_t errsz)
{
    struct stat st;
    struct rl_header h;
    if (fstat(rl->fd, &st) != 0) {
        seterr(err, errsz, "%s: fstat: %s", rl->path, strerror(errno));
        return ERROR;
    }
    if (!S_ISREG(st.st_mode)) {
        seterr(err, errsz, "%s: not a regular file", rl->path);
        return ERROR;
    }
    if (pread(rl->fd, &h, sizeof h, 0) == (ssize_t)sizeof h && header_valid(&h) &&
        (uint64_t)st.st_size == file_size_for((size_t)h.slots) && (adopt || h.slots == rl->want_slots))
        return map(rl, (size_t)h.slots, err, errsz);
    return create_table(rl, err, errsz);
}

/* Opens the file by path and attaches; returns with the lock held. */
static int reopen_locked(struct ratelimit *rl, int adopt, char *err, size_t errsz)
{
    unmap(rl);
    if (rl->fd >= 0)
        close(rl->fd); /* drops our lock on the old file, if any */
    rl->pid = getpid();
    rl->fd = open(rl->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (rl->fd < 0) {
        seterr(err, errsz, "%s: %s", rl->path, strerror(errno));
        return ERROR;
    }
    if (lock_file(rl->fd, LOCK_EX) != OK) {
        seterr(err, errsz, "%s: flock: %s", rl->path, strerror(errno));
        return ERROR;
    }
    if (attach(rl, adopt, err, errsz) != OK) {
        lock_file(rl->fd, LOCK_UN);
        return ERROR;
    }
    return OK;
}

/* Takes the lock and makes sure the mapping matches the file. */
static int acquire(struct ratelimit *rl)
{
    char err[256];
    struct stat st;
    if (rl->fd < 0 || rl->pid != getpid())
        goto reopen;
    if (lock_file(rl->fd, LOCK_EX) != OK) {
        snprintf(err, sizeof err, "%s: flock: %s", rl->path, strerror(errno));
        goto fail;
    }
    if (fstat(rl->fd, &st) != 0) {
        snprintf(err, sizeof err, "%s: fstat: %s", rl->path, strerror(errno));
        lock_file(rl->fd, LOCK_UN);
        goto fail;
    }
    if (st.st_nlink == 0) /* deleted: follow the path like the other processes will */
        goto reopen;
    if (rl->hdr && (uint64_t)st.st_size == rl->map_size && header_valid(rl->hdr) && rl->hdr->slots == rl->slots)
        return OK;
    if (attach(rl, 1, err, sizeof err) == OK)
        return OK;
    lock_file(rl->fd, LOCK_UN);
    goto fail;
reopen:
    if (reopen_locked(rl, 1, err, sizeof err) == OK)
        return OK;
fail:
    log_warn("ratelimit: %s", err);
    return ERROR;
}

static void release(struct ratelimit *rl)
{
    lock_file(rl->fd, LOCK_UN);
}

int ratelimit_open(const char *dir, size_t slots, struct ratelimit **out, char *err, size_t errsz)
{
    if (!out) {
        seterr(err, errsz, "ratelimit_open: no output handle");
        return ERROR;
    }
    *out = NULL;
    if (!dir || !*dir) {
        seterr(err, errsz, "ratelimit: no state folder given");
        return ERROR;
    }
    if (slots == 0)
        slots = RATELIMIT_DEFAULT_SLOTS;
    if (slots > RATELIMIT_MAX_SLOTS) {
        seterr(err, errsz, "ratelimit: %zu slots is more than the maximum %u", slots, RATELIMIT_MAX_SLOTS);
        return ERROR;
    }
    size_t need = strlen(dir) + sizeof("/" RATELIMIT_FILE);
    if (need > PATH_MAX) {
        seterr(err, errsz, "ratelimit: state folder path too long");
        return ERROR;
    }
    struct ratelimit *rl = calloc(1, sizeof *rl + need);
    if (!rl) {
        seterr(err, errsz, "ratelimit: out of memory");
        return ERROR;
    }
    snprintf(rl->path, need, "%s/%s", dir, RATELIMIT_FILE);
    rl->fd = -1;
    rl->want_slots = slots;
    if (reopen_locked(rl, 0, err, errsz) != OK) {
        ratelimit_close(rl);
        return ERROR;
    }
    release(rl);
    *out = rl;
    return OK;
}

/* Where key lives, or the slot to give it: a free one in its window, else
 * the one used least recently. *fresh says the slot must be initialised. */
static struct rl_slot *find_slot(struct ratelimit *rl, const uint8_t key[16], int *fresh)
{
    uint64_t h;
    memcpy(&h, key, sizeof h);
    size_t n = rl->slots < RL_PROBE ? rl->slots : RL_PROBE;
    size_t i = (size_t)(h % rl->slots);
    struct rl_slot *free_slot = NULL, *oldest = NULL;
    for (size_t k = 0; k < n; k++, i = (i + 1 == rl->slots) ? 0 : i + 1) {
        struct rl_slot *s = &rl->slot[i];
        if (!s->in_use) {
            if (!free_slot)
                free_slot = s;
        } else if (memcmp(s->key, key, 16) == 0) {
            *fresh = 0;
            return s;
        } else if (!oldest || s->last_used < oldest->last_used) {
            oldest = s;
        }
    }
    *fresh = 1;
    return free_slot ? free_slot : oldest;
}

int ratelimit_take(struct ratelimit *rl, const uint8_t key[16], int64_t rate_per_hour, int64_t burst,
                   int64_t now_usec, int *retry_after)
{
    if (!rl || !key || rate_per_hour < 1 || burst < 1) {
        log_warn("ratelimit: take called with %s", !rl || !key ? "no handle or key" : "rate or burst below 1");
        return ERROR;
    }
    if (acquire(rl) != OK)
        return ERROR;
    int fresh;
    struct rl_slot *s = find_slot(rl, key, &fresh);
    double cap = (double)burst;
    if (!fresh && s->last_refill > now_usec &&
        (uint64_t)s->last_refill - (uint64_t)now_usec > (uint64_t)RL_FUTURE_USEC)
        fresh = 1; /* stamped by a clock from before a reboot */
    if (fresh) {
        memcpy(s->key, key, 16);
        s->tokens = cap;
        s->last_refill = now_usec;
        s->in_use = 1;
    }
    double tokens = s->tokens;
    if (isnan(tokens)) /* a damaged slot: start over */
        tokens = cap;
    if (now_usec > s->last_refill) {
        /* unsigned difference: defined even for stamps far apart */
        double elapsed = (double)((uint64_t)now_usec - (uint64_t)s->last_refill);
        tokens += elapsed * (double)rate_per_hour / USEC_PER_HOUR;
        s->last_refill = now_usec;
    }
    if (tokens > cap)
        tokens = cap;
    if (!(tokens >= 0))
        tokens = 0;
    s->last_used = now_usec;
    /* the epsilon absorbs rounding in the sum of many small refills */
    int allowed = tokens >= 1.0 - 1e-9;
    if (allowed) {
        tokens -= 1.0;
        if (tokens < 0)
            tokens = 0;
    } else if (retry_after) {
        double secs = ceil((1.0 - tokens) * 3600.0 / (double)rate_per_hour - 1e-9);
        *retry_after = secs < 1 ? 1 : secs > INT_MAX ? INT_MAX : (int)secs;
    }
    s->tokens = tokens;
    release(rl);
    return allowed;
}

size_t ratelimit_sweep(struct ratelimit *rl, int64_t now_usec, int64_t idle_usec)
{
    if (!rl || acquire(rl) != OK)
        return 0;
    size_t freed = 0;
    for (size_t i = 0; i < rl->slots; i++) {
        struct rl_slot *s = &rl->slot[i];
        if (!s->in_use)
            continue;
        /* compared as differences in double: no overflow whatever the stamps */
        double idle = (double)now_usec - (double)s->last_used;
        if (idle >= (double)idle_usec || -idle > (double)RL_FUTURE_USEC) {
            memset(s, 0, sizeof *s);
            freed++;
        }
    }
    release(rl);
    return freed;
}

int64_t ratelimit_now(void)
{
    return clock_mono_us();
}

void ratelimit_close(struct ratelimit *rl)
{
    if (!rl)
        return;
    unmap(rl);
    if (rl->fd >= 0)
        close(rl->fd);
    free(rl);
}

void ratelimit_key(const char *domain, const uint8_t token_hash[32], uint8_t key[16])
{
    static int sodium_ready;
    if (!sodium_ready)
        sodium_ready = sodium_init() >= 0; /* sha256 itself needs nothing from it */
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    if (!domain)
        domain = "";
    crypto_hash_sha256_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
    crypto_hash_sha256_update(&st, token_hash, 32);
    crypto_hash_sha256_final(&st, digest);
    memcpy(key, digest, 16);
}
