/* stdlib_text_regexp.c — text.re_compile(pattern) and the regexp object it
 * returns (stdlib/text_regexp.go): an immutable map of four functions bound
 * to the compiled pattern, match(text), find(text[, count]),
 * replace(text, repl) and split(text[, count]), which run the same
 * operations as re_match, re_find, re_replace and re_split
 * (stdlib_text_re.c). A bad pattern gives an error value, as the re_
 * functions do.
 *
 * Builtins are immediate values (a pointer to a struct tg_builtin), so a
 * bound method is a struct tg_builtin embedded in the compiled pattern's
 * record and finds its record through vm->callee. Records live until the
 * run ends (struct tg_vm_res, counted against the heap limit), not until
 * the last reference goes, so each pattern is compiled once per run:
 * re_compile of a pattern seen before reuses its record. Like Go's
 * UserFunction without a name, the methods report errors as
 * 'user-function:'. */
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "stdlib_args.h"
#include "stdlib_text.h"
#include "vm.h"
#include "xalloc.h"

#define S(b) ((b).data ? (b).data : "")

enum { M_MATCH, M_FIND, M_REPLACE, M_SPLIT, NMETHODS };

struct regexp;

struct method {
    struct tg_builtin bi; /* first: vm->callee points here */
    struct regexp *owner;
};

struct regexp {
    struct regexp *next; /* the cache's bucket */
    struct method methods[NMETHODS];
    struct tg_re *re;
    uint32_t hash;
    size_t len;
    char pat[];
};

/* The run's compiled patterns, by pattern text. */
struct cache {
    struct tg_vm_res res; /* first: found on the VM by its release */
    struct regexp **buckets;
    size_t nbuckets, count;
};

static void cache_release(struct tg_vm_res *r)
{
    struct cache *c = (struct cache *)r;
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct regexp *x = c->buckets[i], *next; x; x = next) {
            next = x->next;
            tg_re_free(x->re);
            free(x);
        }
    }
    free(c->buckets);
    free(c);
}

static struct cache *cache_get(struct tg_vm *vm)
{
    struct cache *c = (struct cache *)tg_vm_res_find(vm, cache_release);
    if (c)
        return c;
    c = xcalloc(1, sizeof *c);
    c->res.release = cache_release;
    c->nbuckets = 16;
    c->buckets = xcalloc(c->nbuckets, sizeof *c->buckets);
    c->res.bytes = sizeof *c + c->nbuckets * sizeof *c->buckets;
    if (tg_vm_res_add(vm, &c->res) != OK)
        return NULL;
    return c;
}

static uint32_t hash_pat(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void cache_grow(struct cache *c)
{
    size_t nb = c->nbuckets * 2;
    struct regexp **b = xcalloc(nb, sizeof *b);
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct regexp *x = c->buckets[i], *next; x; x = next) {
            next = x->next;
            x->next = b[x->hash & (nb - 1)];
            b[x->hash & (nb - 1)] = x;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = nb;
}

static struct regexp *self(struct tg_vm *vm)
{
    return ((const struct method *)vm->callee)->owner;
}

static int m_match(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct regexp *x = self(vm);
    if (n != 1)
        return tg_arg_count_error(vm, "");
    buf_t s = BUF_INIT;
    int rc = tg_arg_string(vm, "", a, 0, &s);
    if (rc == OK)
        rc = tg_re_match_op(vm, x->re, S(s), s.len, ret);
    buf_free(&s);
    return rc;
}

/* find and split: (text[, count]) */
static int text_count(struct tg_vm *vm, struct tg_value *a, int n, buf_t *s, int64_t *count)
{
    if (n != 1 && n != 2)
        return tg_arg_count_error(vm, "");
    if (tg_arg_string(vm, "", a, 0, s) != OK)
        return ERROR;
    if (n == 2 && tg_arg_int(vm, "", a, 1, count) != OK)
        return ERROR;
    return OK;
}

static int m_find(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct regexp *x = self(vm);
    buf_t s = BUF_INIT;
    int64_t count = 1;
    int rc = text_count(vm, a, n, &s, &count);
    if (rc == OK)
        rc = tg_re_find_op(vm, x->re, S(s), s.len, count, ret);
    buf_free(&s);
    return rc;
}

static int m_replace(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct regexp *x = self(vm);
    if (n != 2)
        return tg_arg_count_error(vm, "");
    buf_t s = BUF_INIT, repl = BUF_INIT;
    int rc = tg_arg_string(vm, "", a, 0, &s);
    if (rc == OK)
        rc = tg_arg_string(vm, "", a, 1, &repl);
    if (rc == OK)
        rc = tg_re_replace_op(vm, x->re, S(s), s.len, S(repl), repl.len, ret);
    buf_free(&s);
    buf_free(&repl);
    return rc;
}

static int m_split(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct regexp *x = self(vm);
    buf_t s = BUF_INIT;
    int64_t count = -1;
    int rc = text_count(vm, a, n, &s, &count);
    if (rc == OK)
        rc = tg_re_split_op(vm, x->re, S(s), s.len, count, ret);
    buf_free(&s);
    return rc;
}

static const struct {
    const char *key;
    tg_builtin_fn fn;
} method_table[NMETHODS] = {
    [M_MATCH] = { "match", m_match },
    [M_FIND] = { "find", m_find },
    [M_REPLACE] = { "replace", m_replace },
    [M_SPLIT] = { "split", m_split },
};

/* The record of pat: the cached one, or a new one (NULL with *ret the
 * error value for a bad pattern, or ERROR past the memory limit). */
static int regexp_get(struct tg_vm *vm, const char *pat, size_t len, struct regexp **out,
                      struct tg_value *ret)
{
    *out = NULL;
    struct cache *c = cache_get(vm);
    if (!c)
        return ERROR;
    uint32_t h = hash_pat(pat, len);
    for (struct regexp *x = c->buckets[h & (c->nbuckets - 1)]; x; x = x->next) {
        if (x->hash == h && x->len == len && memcmp(x->pat, pat, len) == 0) {
            *out = x;
            return OK;
        }
    }
    struct tg_re *re = tg_re_compile(vm, pat, len, ret);
    if (!re)
        return OK;
    if (tg_vm_res_charge(vm, &c->res, sizeof(struct regexp) + len + 1 + tg_re_size(re)) != OK) {
        tg_re_free(re);
        return ERROR;
    }
    struct regexp *x = xcalloc(1, sizeof *x + len + 1);
    x->re = re;
    x->hash = h;
    x->len = len;
    memcpy(x->pat, pat, len);
    for (int i = 0; i < NMETHODS; i++) {
        x->methods[i].bi.name = "";
        x->methods[i].bi.fn = method_table[i].fn;
        x->methods[i].owner = x;
    }
    if (c->count >= c->nbuckets)
        cache_grow(c);
    x->next = c->buckets[h & (c->nbuckets - 1)];
    c->buckets[h & (c->nbuckets - 1)] = x;
    c->count++;
    *out = x;
    return OK;
}

int tg_text_re_compile(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "re_compile");
    buf_t pat = BUF_INIT;
    struct regexp *x = NULL;
    int rc = tg_arg_string(vm, "re_compile", a, 0, &pat);
    if (rc == OK)
        rc = regexp_get(vm, S(pat), pat.len, &x, ret);
    buf_free(&pat);
    if (rc != OK || !x)
        return rc;
    struct tg_map *m = tg_map_new(&vm->heap);
    for (int i = 0; i < NMETHODS; i++) {
        struct tg_value f = { .type = TG_BUILTIN, .u.bi = &x->methods[i].bi };
        tg_map_set(&vm->heap, m, method_table[i].key, strlen(method_table[i].key), f);
    }
    m->h.type = TG_IMMUTABLE_MAP;
    *ret = tg_obj_value(m);
    return OK;
}
