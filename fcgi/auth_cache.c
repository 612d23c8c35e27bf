/* auth_cache.c — token look-ups kept per domain (auth_cache.h). */
#include "auth_cache.h"

#include <stdlib.h>
#include <string.h>

/* One slot: the key (token hash, scopes) and a copy of the answer whose
 * strings all live in one block, freed together. */
struct slot {
    int used;
    uint64_t stamp; /* when it was put: the oldest of a window goes first */
    uint8_t hash[TOKEN_HASH_LEN];
    char *actions, *resources; /* in block */
    struct auth_answer answer; /* its strings and rules in block */
    void *block;
};

/* A key may sit in any of WINDOW slots from the one it hashes to. The
 * table starts small (a domain is mostly used with a token or two) and
 * doubles, up to AUTH_CACHE_SLOTS, when a window is full; past that the
 * window's oldest answer makes room. */
#define AUTH_CACHE_FIRST 4
#define WINDOW 4

struct auth_cache {
    size_t nslots;
    uint64_t puts;
    struct slot *slots;
};

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

static size_t home_of(const struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                      const char *actions, const char *resources)
{
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, hash, TOKEN_HASH_LEN);
    h = fnv1a(h, actions, strlen(actions) + 1); /* the NUL separates the two */
    h = fnv1a(h, resources, strlen(resources));
    return (size_t)(h % c->nslots);
}

static int same_key(const struct slot *s, const uint8_t hash[TOKEN_HASH_LEN],
                    const char *actions, const char *resources)
{
    return s->used && token_equal(s->hash, hash, TOKEN_HASH_LEN) &&
           strcmp(s->actions, actions) == 0 && strcmp(s->resources, resources) == 0;
}

static struct slot *window_slot(struct auth_cache *c, size_t home, size_t i)
{
    return &c->slots[(home + i) % c->nslots];
}

/* The slot holding the key, or NULL. */
static struct slot *slot_with(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                              const char *actions, const char *resources)
{
    size_t home = home_of(c, hash, actions, resources);
    for (size_t i = 0; i < WINDOW && i < c->nslots; i++) {
        struct slot *s = window_slot(c, home, i);
        if (same_key(s, hash, actions, resources))
            return s;
    }
    return NULL;
}

/* Where an answer for the key goes: its own slot, a free one of its
 * window, else NULL (the window is full). */
static struct slot *slot_free(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                              const char *actions, const char *resources)
{
    struct slot *own = slot_with(c, hash, actions, resources);
    if (own)
        return own;
    size_t home = home_of(c, hash, actions, resources);
    for (size_t i = 0; i < WINDOW && i < c->nslots; i++)
        if (!window_slot(c, home, i)->used)
            return window_slot(c, home, i);
    return NULL;
}

static struct slot *slot_oldest(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                                const char *actions, const char *resources)
{
    size_t home = home_of(c, hash, actions, resources);
    struct slot *oldest = window_slot(c, home, 0);
    for (size_t i = 1; i < WINDOW && i < c->nslots; i++)
        if (window_slot(c, home, i)->stamp < oldest->stamp)
            oldest = window_slot(c, home, i);
    return oldest;
}

static void slot_empty(struct slot *s)
{
    free(s->block);
    memset(s, 0, sizeof *s);
}

/* Twice the slots, every answer moved to its new window (one that finds
 * no room there is dropped). Out of memory: as it was. */
static void grow(struct auth_cache *c)
{
    struct slot *fresh = calloc(c->nslots * 2, sizeof *fresh);
    if (!fresh)
        return;
    struct slot *old = c->slots;
    size_t nold = c->nslots;
    c->slots = fresh;
    c->nslots = nold * 2;
    for (size_t i = 0; i < nold; i++) {
        if (!old[i].used)
            continue;
        struct slot *to = slot_free(c, old[i].hash, old[i].actions, old[i].resources);
        if (to)
            *to = old[i];
        else
            free(old[i].block);
    }
    free(old);
}

struct auth_cache *auth_cache_new(void)
{
    struct auth_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc(AUTH_CACHE_FIRST, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->nslots = AUTH_CACHE_FIRST;
    return c;
}

void auth_cache_clear(struct auth_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nslots; i++)
        slot_empty(&c->slots[i]);
}

void auth_cache_free(struct auth_cache *c)
{
    auth_cache_clear(c);
    if (c)
        free(c->slots);
    free(c);
}

const struct auth_answer *auth_cache_find(struct auth_cache *c,
                                          const uint8_t hash[TOKEN_HASH_LEN],
                                          const char *actions, const char *resources)
{
    if (!c)
        return NULL;
    struct slot *s = slot_with(c, hash, actions, resources);
    return s ? &s->answer : NULL;
}

/* Bump allocation inside a slot's block, sized exactly beforehand. */
static char *put_str(char **at, const char *s)
{
    size_t n = strlen(s) + 1;
    char *out = memcpy(*at, s, n);
    *at += n;
    return out;
}

void auth_cache_put(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                    const char *actions, const char *resources, const struct auth_answer *a)
{
    if (!c)
        return;
    /* the new block first: a may point into the old block of its key */
    size_t size = a->nrules * sizeof(struct policy_rule) + strlen(actions) + 1 +
                  strlen(resources) + 1 + strlen(a->user_name) + 1 +
                  (a->body ? strlen(a->body) + 1 : 0);
    for (size_t i = 0; i < a->nrules; i++)
        size += strlen(a->rules[i].action) + 1 + strlen(a->rules[i].resource) + 1;
    void *block = malloc(size);
    if (!block)
        return;
    struct policy_rule *rules = block; /* first: aligned as malloc's */
    char *at = (char *)(rules + a->nrules);
    struct slot fresh = { .used = 1, .stamp = ++c->puts, .block = block, .answer = *a };
    memcpy(fresh.hash, hash, TOKEN_HASH_LEN);
    fresh.actions = put_str(&at, actions);
    fresh.resources = put_str(&at, resources);
    fresh.answer.user_name = put_str(&at, a->user_name);
    fresh.answer.body = a->body ? put_str(&at, a->body) : NULL;
    for (size_t i = 0; i < a->nrules; i++) {
        rules[i].effect = a->rules[i].effect;
        rules[i].action = put_str(&at, a->rules[i].action);
        rules[i].resource = put_str(&at, a->rules[i].resource);
    }
    fresh.answer.rules = rules;
    /* its own slot or a free one; else more slots; else the oldest near it
     * (a's old block, if any, is its own slot's: only freed here) */
    struct slot *s = slot_free(c, hash, actions, resources);
    while (!s && c->nslots < AUTH_CACHE_SLOTS) {
        size_t before = c->nslots;
        grow(c);
        if (c->nslots == before)
            break; /* out of memory */
        s = slot_free(c, hash, actions, resources);
    }
    if (!s)
        s = slot_oldest(c, hash, actions, resources);
    slot_empty(s);
    *s = fresh;
}

void auth_cache_keep_body(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                          const char *actions, const char *resources, int64_t epoch,
                          const char *body)
{
    const struct auth_answer *kept = auth_cache_find(c, hash, actions, resources);
    if (!kept || kept->epoch != epoch)
        return;
    struct auth_answer a = *kept;
    a.body = body;
    auth_cache_put(c, hash, actions, resources, &a);
}

struct policy_rule *auth_rules_copy(arena_t *a, const struct policy_rule *rules, size_t n)
{
    struct policy_rule *out = arena_calloc(a, n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].effect = rules[i].effect;
        out[i].action = arena_strdup(a, rules[i].action);
        out[i].resource = arena_strdup(a, rules[i].resource);
    }
    return out;
}
