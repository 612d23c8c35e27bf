/* cache.h — compiled programs kept by the worker, so a routine that runs
 * every minute is parsed and compiled once per revision. The key is a
 * sha256 over the code's checksum and each module's spec and checksum (as
 * the manager sent them); at most `size` entries, the least recently used
 * one goes first. The cache owns the bytecode: a child forked from the
 * worker has its own copy, so evicting never touches a run. */
#ifndef SELFPWRK_CACHE_H
#define SELFPWRK_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "job.h"

#define CACHE_KEY_LEN 32

struct cache;

/* Never NULL (allocation failures abort: xalloc.h). */
struct cache *cache_new(size_t size);
void cache_free(struct cache *c); /* NULL is fine */
void cache_key(const struct job *j, uint8_t key[CACHE_KEY_LEN]);
/* The bytecode under key (now the most recently used), or NULL. */
const struct tg_bytecode *cache_get(struct cache *c, const uint8_t key[CACHE_KEY_LEN]);
/* Takes bc over; evicts the least recently used entry when full. */
void cache_put(struct cache *c, const uint8_t key[CACHE_KEY_LEN], struct tg_bytecode *bc);
size_t cache_count(const struct cache *c);

#endif
