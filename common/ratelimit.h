/* ratelimit.h — per-(domain, API token) token buckets shared by every
 * process of the host.
 *
 * selfserv runs as a pool of single-threaded responders; the buckets live
 * in one fixed-size file, DIR/ratelimit.buckets, mapped MAP_SHARED by all
 * of them, so a pool of N processes allows the configured rate, not N
 * times it. Each operation holds flock(LOCK_EX) on the file for a few
 * hundred nanoseconds; the kernel drops that lock when its holder dies, so
 * a responder SIGKILLed at any moment never leaves the table stuck (at
 * worst the one bucket it was updating keeps a half-written but harmless
 * value: tokens are always capped to the burst on the next use).
 *
 * A bucket holds at most `burst` tokens, gains rate_per_hour tokens per
 * hour evenly, starts full, and each request takes one token. The table
 * has a fixed number of slots and a key may live in any of the 32 slots
 * from its hash on; when all 32 are taken, the one used least recently is
 * given to the new key. A full
 * bucket behaves exactly like a fresh one, so evicting the idlest slot
 * forgets only how far that bucket had been drained: at worst its key
 * gets up to `burst` extra requests. With the table well above the number of
 * keys active within the sweep interval, this is rare.
 *
 * The file must be on a local filesystem (tmpfs or a disk, not NFS). A
 * file that is missing, truncated, corrupt or made for another slot count
 * is (re)initialised; losing the state only refills every bucket. Handles
 * survive fork (the child reopens the file on its first use, because a
 * flock taken through a descriptor inherited across fork would not
 * exclude the parent), a file deleted under them (reopened by path) and a
 * file re-created by another process with another slot count (adopted).
 * One handle must not be used by two threads at once. */
#ifndef SELFHOST_RATELIMIT_H
#define SELFHOST_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_DEFAULT_SLOTS 65536
#define RATELIMIT_MAX_SLOTS     (1u << 24)
#define RATELIMIT_FILE          "ratelimit.buckets"

struct ratelimit;

/* Opens (creating or repairing) DIR/ratelimit.buckets with `slots` buckets
 * (0 = default 65536). The folder must exist; a missing file is created
 * with mode 0600. A valid file with the same slot count keeps its buckets
 * (a restart does not refill them); anything else is re-created empty. slots must be at most
 * RATELIMIT_MAX_SLOTS (48 bytes each). Returns OK and *out, or ERROR with
 * a message in err (err may be NULL when errsz is 0). */
int ratelimit_open(const char *dir, size_t slots, struct ratelimit **out, char *err, size_t errsz);

/* Takes one request from the bucket of key. Returns 1 when allowed, 0 when
 * refused (then *retry_after = whole seconds until one token is back, at
 * least 1), ERROR (-1, from common/status.h) on failure. rate_per_hour >= 1,
 * burst >= 1; now_usec is the caller's clock (tests pass fake times). A
 * bucket whose rate or burst changed keeps its tokens, capped to the new
 * burst. retry_after may be NULL. A refused request still counts as a use
 * of the bucket (it is not swept while hammered). Time going backwards never adds
 * tokens; a bucket stamped more than a minute in the future (a
 * CLOCK_MONOTONIC value from before a reboot) is treated as new. Failures
 * (bad arguments, I/O on the file) are logged with log_warn; the caller
 * decides whether to fail open or closed. */
int ratelimit_take(struct ratelimit *rl, const uint8_t key[16], int64_t rate_per_hour, int64_t burst,
                   int64_t now_usec, int *retry_after);

/* Frees slots unused for idle_usec or more. Cheap enough to call now and
 * then (e.g. every 1000 requests or once a minute). Returns slots freed.
 * It scans the whole table under the lock: about 0.3 ms for the default
 * 65536 slots, during which the other processes wait. Slots stamped more
 * than a minute in the future (a previous boot's clock) are freed too.
 * Returns 0 on failure as well (logged). */
size_t ratelimit_sweep(struct ratelimit *rl, int64_t now_usec, int64_t idle_usec);

/* Current clock in usec to pass as now_usec (CLOCK_MONOTONIC). */
int64_t ratelimit_now(void);

/* Unmaps and closes; NULL is a no-op. The file stays for the other processes. */
void ratelimit_close(struct ratelimit *rl);

/* Key of a (domain, token-hash) pair: the first 16 bytes of
 * sha256(domain NUL token_hash) (libsodium crypto_hash_sha256). */
void ratelimit_key(const char *domain, const uint8_t token_hash[32], uint8_t key[16]);

#endif
