/* auth_cache.c — token look-ups kept per domain connection (auth_cache.h). */
#include "auth_cache.h"

#include <stdlib.h>
#include <string.h>

/* One slot: the key (token hash, scopes) and a copy of the answer whose
 * strings all live in one block, freed together. */
struct slot {
    int used;
    uint8_t hash[TOKEN_HASH_LEN];
    char *actions, *resources; /* in block */
    struct auth_answer answer; /* its strings and rules in block */
    void *block;
};

struct auth_cache {
    struct slot slots[AUTH_CACHE_SLOTS];
};

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

static struct slot *slot_of(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                            const char *actions, const char *resources)
{
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, hash, TOKEN_HASH_LEN);
    h = fnv1a(h, actions, strlen(actions) + 1); /* the NUL separates the two */
    h = fnv1a(h, resources, strlen(resources));
    return &c->slots[h % AUTH_CACHE_SLOTS];
}

static void slot_empty(struct slot *s)
{
    free(s->block);
    memset(s, 0, sizeof *s);
}

struct auth_cache *auth_cache_new(void)
{
    return calloc(1, sizeof(struct auth_cache));
}

void auth_cache_clear(struct auth_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < AUTH_CACHE_SLOTS; i++)
        slot_empty(&c->slots[i]);
}

void auth_cache_free(struct auth_cache *c)
{
    auth_cache_clear(c);
    free(c);
}

const struct auth_answer *auth_cache_find(struct auth_cache *c,
                                          const uint8_t hash[TOKEN_HASH_LEN],
                                          const char *actions, const char *resources)
{
    if (!c)
        return NULL;
    struct slot *s = slot_of(c, hash, actions, resources);
    if (!s->used || !token_equal(s->hash, hash, TOKEN_HASH_LEN) ||
        strcmp(s->actions, actions) != 0 || strcmp(s->resources, resources) != 0)
        return NULL;
    return &s->answer;
}

/* Bump allocation inside the slot's block, sized exactly beforehand. */
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
    struct slot *s = slot_of(c, hash, actions, resources);
    /* the new block first: a may point into the slot's old one */
    size_t size = a->nrules * sizeof(struct policy_rule) + strlen(actions) + 1 +
                  strlen(resources) + 1 + strlen(a->user_name) + 1 +
                  (a->body ? strlen(a->body) + 1 : 0);
    for (size_t i = 0; i < a->nrules; i++)
        size += strlen(a->rules[i].action) + 1 + strlen(a->rules[i].resource) + 1;
    void *block = malloc(size);
    if (!block) {
        slot_empty(s);
        return;
    }
    struct policy_rule *rules = block; /* first: aligned as malloc's */
    char *at = (char *)(rules + a->nrules);
    struct slot fresh = { .used = 1, .block = block, .answer = *a };
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
