/* cache.c — the compiled-program cache (cache.h): a flat array searched
 * linearly, a use counter for LRU. Sizes are small (64 by default), and a
 * lookup costs nothing next to a fork. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "xalloc.h"

struct cache_entry {
    uint8_t key[CACHE_KEY_LEN];
    struct tg_bytecode *bc;
    uint64_t used; /* c->tick at the last get/put */
};

struct cache {
    struct cache_entry *e;
    size_t n, size;
    uint64_t tick;
};

struct cache *cache_new(size_t size)
{
    struct cache *c = xcalloc(1, sizeof *c);
    c->size = size ? size : 1;
    c->e = xcalloc(c->size, sizeof *c->e);
    return c;
}

void cache_free(struct cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        tg_bytecode_free(c->e[i].bc);
    free(c->e);
    free(c);
}

/* Each piece with its NUL, so ("ab","c") and ("a","bc") differ. */
void cache_key(const struct job *j, uint8_t key[CACHE_KEY_LEN])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)j->checksum, strlen(j->checksum) + 1);
    for (size_t i = 0; i < j->nmodules; i++) {
        const struct job_module *m = &j->modules[i];
        crypto_hash_sha256_update(&st, (const uint8_t *)m->spec, strlen(m->spec) + 1);
        crypto_hash_sha256_update(&st, (const uint8_t *)m->checksum, strlen(m->checksum) + 1);
    }
    crypto_hash_sha256_final(&st, key);
}

const struct tg_bytecode *cache_get(struct cache *c, const uint8_t key[CACHE_KEY_LEN])
{
    for (size_t i = 0; i < c->n; i++)
        if (memcmp(c->e[i].key, key, CACHE_KEY_LEN) == 0) {
            c->e[i].used = ++c->tick;
            return c->e[i].bc;
        }
    return NULL;
}

void cache_put(struct cache *c, const uint8_t key[CACHE_KEY_LEN], struct tg_bytecode *bc)
{
    struct cache_entry *slot = NULL;
    for (size_t i = 0; i < c->n && !slot; i++)
        if (memcmp(c->e[i].key, key, CACHE_KEY_LEN) == 0)
            slot = &c->e[i];
    if (!slot && c->n < c->size)
        slot = &c->e[c->n++];
    if (!slot) {
        slot = &c->e[0];
        for (size_t i = 1; i < c->n; i++)
            if (c->e[i].used < slot->used)
                slot = &c->e[i];
    }
    if (slot->bc)
        tg_bytecode_free(slot->bc);
    memcpy(slot->key, key, CACHE_KEY_LEN);
    slot->bc = bc;
    slot->used = ++c->tick;
}

size_t cache_count(const struct cache *c)
{
    return c->n;
}
