/* compiler_symtab.c — Tengo's symbol_table.go: names to global, local,
 * free (captured) and builtin slots. Blocks share their function's local
 * slots; a name found in an enclosing function becomes a free variable of
 * every function in between. Tables live in the compile's arena. */
#include <string.h>

#include "compiler_internal.h"

struct symtab *tgc_symtab_new(struct compiler *c, struct symtab *parent, bool block)
{
    struct symtab *t = arena_calloc(c->a, 1, sizeof *t);
    t->parent = parent;
    t->block = block;
    return t;
}

static struct symbol *store_get(const struct symtab *t, const char *name, uint32_t len)
{
    for (uint32_t i = t->nstore; i-- > 0;)
        if (t->store[i]->len == len && memcmp(t->store[i]->name, name, len) == 0)
            return t->store[i];
    return NULL;
}

static void store_put(struct compiler *c, struct symtab *t, struct symbol *s)
{
    for (uint32_t i = 0; i < t->nstore; i++)
        if (t->store[i]->len == s->len && memcmp(t->store[i]->name, s->name, s->len) == 0) {
            t->store[i] = s;
            return;
        }
    t->store = tgc_grow(c->a, t->store, t->nstore, &t->cap_store, sizeof *t->store, 8);
    t->store[t->nstore++] = s;
}

struct symtab *tgc_symtab_parent(struct symtab *t, bool skip_block)
{
    if (skip_block && t->block)
        return tgc_symtab_parent(t->parent, skip_block);
    return t->parent;
}

static uint32_t next_index(const struct symtab *t)
{
    if (t->block)
        return next_index(t->parent) + t->num_def;
    return t->num_def;
}

static void update_max(struct symtab *t, uint32_t n)
{
    if (n > t->max_def)
        t->max_def = n;
    if (t->block)
        update_max(t->parent, n);
}

struct symbol *tgc_define(struct compiler *c, const char *name, uint32_t len)
{
    struct symtab *t = c->st;
    struct symbol *s = arena_calloc(c->a, 1, sizeof *s);
    s->name = name;
    s->len = len;
    s->index = next_index(t);
    s->scope = tgc_symtab_parent(t, true) ? SCOPE_LOCAL : SCOPE_GLOBAL;
    /* A global defined in a block keeps its slot for the whole run (a
     * closure made in the block may still write it): the root table
     * counts it, so later globals never reuse the slot (as Tengo). */
    struct symtab *owner = t;
    if (s->scope == SCOPE_GLOBAL)
        while (owner->parent)
            owner = owner->parent;
    owner->num_def++;
    store_put(c, t, s);
    update_max(t, s->index + 1);
    return s;
}

static struct symbol *define_free(struct compiler *c, struct symtab *t, struct symbol *orig)
{
    t->free_syms = tgc_grow(c->a, t->free_syms, t->nfree, &t->cap_free, sizeof *t->free_syms, 8);
    t->free_syms[t->nfree++] = orig;
    struct symbol *s = arena_calloc(c->a, 1, sizeof *s);
    s->name = orig->name;
    s->len = orig->len;
    s->scope = SCOPE_FREE;
    s->index = t->nfree - 1;
    store_put(c, t, s);
    return s;
}

struct symbol *tgc_resolve(struct compiler *c, struct symtab *t, const char *name, uint32_t len,
                              bool recur, int *depth)
{
    struct symbol *s = store_get(t, name, len);
    if (s && (s->scope != SCOPE_LOCAL || s->local_assigned || recur)) {
        *depth = 0;
        return s;
    }
    if (!t->parent) {
        for (int i = 0; i < tg_nbuiltins; i++)
            if (strlen(tg_builtins[i].name) == len && memcmp(tg_builtins[i].name, name, len) == 0) {
                s = arena_calloc(c->a, 1, sizeof *s);
                s->name = name;
                s->len = len;
                s->scope = SCOPE_BUILTIN;
                s->index = (uint32_t)i;
                *depth = 0;
                return s;
            }
        return NULL;
    }
    s = tgc_resolve(c, t->parent, name, len, true, depth);
    if (!s)
        return NULL;
    (*depth)++;
    if (!t->block && s->scope != SCOPE_GLOBAL && s->scope != SCOPE_BUILTIN)
        return define_free(c, t, s);
    return s;
}
