/* value.c — Tengo values: allocation on a heap, mark and sweep, maps, and
 * the per-type rules that are not operators (names, String(), falsiness,
 * equality; objects.go in Tengo). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ast.h"
#include "check.h"
#include "value.h"
#include "xalloc.h"

#define GC_MIN_BYTES (4u << 20)
#define SWEEP_AHEAD 8

void tg_heap_init(struct tg_heap *h, bool perm)
{
    memset(h, 0, sizeof *h);
    h->perm = perm;
    h->next_gc = GC_MIN_BYTES;
}

/* Slabs: the first SLAB_MIN, each then twice the last up to SLAB_HUGE
 * (a huge page, aligned to one), so that a small program maps little. */
#define SLAB_MIN (64u << 10)
#define SLAB_HUGE (2u << 20)

/* A custom allocator hides use-after-free from AddressSanitizer: those
 * builds (SELFHOST_ASAN, the fuzz targets) take every object from malloc. */
#ifdef SELFHOST_SANITIZED_BUILD
#define SLABS_ON 0
#else
#define SLABS_ON 1
#endif

static void slab_add(struct tg_heap *h)
{
    size_t size = h->nslabs ? 2 * h->slabs[h->nslabs - 1].size : SLAB_MIN;
    if (size > SLAB_HUGE)
        size = SLAB_HUGE;
    /* a huge slab is mapped twice its size and trimmed to an aligned one */
    size_t len = size == SLAB_HUGE ? 2 * size : size;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        xalloc_fail("mmap", len);
    char *base = p;
    if (size == SLAB_HUGE) {
        base = (char *)(((uintptr_t)p + size - 1) & ~(uintptr_t)(size - 1));
        if (base > p)
            munmap(p, (size_t)(base - p));
        if (base + size < p + len)
            munmap(base + size, (size_t)(p + len - (base + size)));
        (void)madvise(base, size, MADV_HUGEPAGE); /* a hint: refused is fine */
    }
    if (h->nslabs == h->cap_slabs) {
        h->cap_slabs = h->cap_slabs ? 2 * h->cap_slabs : 16;
        h->slabs = xrealloc(h->slabs, h->cap_slabs * sizeof *h->slabs);
    }
    if (h->nslabs)
        h->slabs[h->nslabs - 1].used = (size_t)(h->slab_next - h->slabs[h->nslabs - 1].base);
    h->slabs[h->nslabs++] = (struct tg_slab){ base, size, 0 };
    h->slab_next = base;
    h->slab_end = base + size;
}

static size_t slab_used(const struct tg_heap *h, size_t i)
{
    return i + 1 == h->nslabs ? (size_t)(h->slab_next - h->slabs[i].base) : h->slabs[i].used;
}

#define SLOT_FREE TG_UNDEFINED
#define SLOT_LINK(o) (*(void **)((char *)(o) + 8))

/* Walks the objects of slab i in address order, free slots stepped over:
 * for (struct slab_walk w = slab_walk(h, i); (o = slab_next(&w));) … */
struct slab_walk {
    char *p, *end;
};

static struct slab_walk slab_walk(const struct tg_heap *h, size_t i)
{
    return (struct slab_walk){ h->slabs[i].base, h->slabs[i].base + slab_used(h, i) };
}

static struct tg_obj *slab_next(struct slab_walk *w)
{
    while (w->p < w->end) {
        struct tg_obj *o = (struct tg_obj *)(void *)w->p;
        TG_CHECK(o->small);
        w->p += (size_t)o->small * 16;
        if (o->type != SLOT_FREE)
            return o;
    }
    return NULL;
}

/* A free slot of a slab keeps its header, type SLOT_FREE and its class,
 * so that a walk steps over it; the free list's link follows the header. */

/* An object of class c (c * 16 bytes): the last one freed, or new from
 * the slab (what is left of a slab too small for it is given up). */
static void *small_alloc(struct tg_heap *h, unsigned c)
{
    void *p = h->small_free[c - 1];
    if (p) {
        h->small_free[c - 1] = SLOT_LINK(p);
        return p;
    }
    size_t n = (size_t)c * 16;
    if ((size_t)(h->slab_end - h->slab_next) < n)
        slab_add(h);
    p = h->slab_next;
    h->slab_next += n;
    return p;
}

/* An object of size bytes whose first `zeroed` bytes are zero: the rest is
 * the caller's to fill (a string's text, about to be copied in). */
static void *heap_alloc(struct tg_heap *h, enum tg_type type, size_t size, size_t zeroed)
{
    /* constants stay on malloc: a compiled program maps no slab */
    unsigned c = SLABS_ON && !h->perm && size <= TG_SMALL_MAX ? (unsigned)((size + 15) / 16) : 0;
    struct tg_obj *o = c ? small_alloc(h, c) : xmalloc(size);
    memset(o, 0, zeroed);
    o->type = (uint8_t)type;
    o->perm = h->perm;
    o->small = (uint8_t)c;
    if (!c) {
        if (h->nobjs == h->cap_objs) {
            h->cap_objs = h->cap_objs ? 2 * h->cap_objs : 256;
            h->objs = xrealloc(h->objs, h->cap_objs * sizeof *h->objs);
        }
        h->objs[h->nobjs++] = o;
    }
    h->bytes += size;
    h->allocs++;
    return o;
}

void tg_heap_each(const struct tg_heap *h, void (*fn)(const struct tg_obj *o, void *arg),
                  void *arg)
{
    for (size_t i = 0; i < h->nobjs; i++)
        fn(h->objs[i], arg);
    const struct tg_obj *o;
    for (size_t i = 0; i < h->nslabs; i++)
        for (struct slab_walk w = slab_walk(h, i); (o = slab_next(&w));)
            fn(o, arg);
}

void *tg_heap_alloc(struct tg_heap *h, enum tg_type type, size_t size)
{
    return heap_alloc(h, type, size, size);
}

static size_t obj_size(const struct tg_heap *h, const struct tg_obj *o)
{
    size_t size = 0;
    switch ((enum tg_type)o->type) {
    case TG_STRING:
        size = sizeof(struct tg_string) + ((struct tg_string *)o)->len + 1;
        break;
    case TG_BYTES: {
        /* a shared store is counted once, by the first of its bytes swept */
        struct tg_bytes_store *s = TG_BYTES_STORE((struct tg_string *)o);
        size = TG_BYTES_SIZE;
        if (s && s->counted != h->sweeps) {
            s->counted = h->sweeps;
            size += s->cap;
        }
        break;
    }
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        struct tg_array *a = (struct tg_array *)o;
        size = sizeof *a + a->cap * sizeof(struct tg_value);
        break;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        /* a shared table is counted once per map showing it */
        const struct tg_map_body *m = ((struct tg_map *)o)->b;
        size = sizeof(struct tg_map) + sizeof *m + m->cap * sizeof(struct tg_map_entry) +
               m->index_cap * sizeof *m->index;
        break;
    }
    case TG_ERROR:
        size = sizeof(struct tg_error_obj);
        break;
    case TG_FUNCTION:
        size = sizeof(struct tg_function) + ((struct tg_function *)o)->nfree * sizeof(void *);
        break;
    case TG_CELL:
        size = sizeof(struct tg_cell);
        break;
    case TG_ITERATOR:
        size = sizeof(struct tg_iterator);
        break;
    case TG_TIME:
        size = sizeof(struct tg_time);
        break;
    default:
        break;
    }
    return size;
}

static void map_body_release(struct tg_map_body *b)
{
    TG_CHECK(b->refs > 0);
    if (--b->refs)
        return;
    free(b->entries);
    free(b->index);
    free(b);
}

/* Lets go of what the object holds besides itself. */
static void obj_release(struct tg_obj *o)
{
    if (o->type == TG_ARRAY || o->type == TG_IMMUTABLE_ARRAY) {
        tg_store_release(((struct tg_array *)o)->store);
    } else if (o->type == TG_MAP || o->type == TG_IMMUTABLE_MAP) {
        map_body_release(((struct tg_map *)o)->b);
    } else if (o->type == TG_BYTES) {
        tg_bytes_store_release(TG_BYTES_STORE((struct tg_string *)o));
    }
}

static void obj_free(struct tg_heap *h, struct tg_obj *o)
{
    obj_release(o);
    unsigned c = o->small;
    if (c) {
        TG_CHECK(c <= TG_SMALL_MAX / 16);
        o->type = SLOT_FREE;
        SLOT_LINK(o) = h->small_free[c - 1];
        h->small_free[c - 1] = o;
    } else {
        free(o);
    }
}

void tg_heap_free(struct tg_heap *h)
{
    for (size_t i = 0; i < h->nobjs; i++) {
        if (i + SWEEP_AHEAD < h->nobjs)
            __builtin_prefetch(h->objs[i + SWEEP_AHEAD]);
        obj_free(h, h->objs[i]);
    }
    free(h->objs);
    /* a slab's objects need no free list now: only what they hold */
    struct tg_obj *o;
    for (size_t i = 0; i < h->nslabs; i++)
        for (struct slab_walk w = slab_walk(h, i); (o = slab_next(&w));)
            obj_release(o);
    for (size_t i = 0; i < h->nslabs; i++)
        munmap(h->slabs[i].base, h->slabs[i].size);
    free(h->slabs);
    free(h->gray);
    memset(h, 0, sizeof *h);
}

static void mark_obj(struct tg_heap *h, struct tg_obj *o)
{
    if (!o || o->perm || o->marked)
        return;
    o->marked = 1;
    /* strings, bytes and times hold no objects: nothing to trace */
    if (o->type == TG_STRING || o->type == TG_BYTES || o->type == TG_TIME)
        return;
    if (h->ngray == h->cap_gray) {
        h->cap_gray = h->cap_gray ? 2 * h->cap_gray : 256;
        h->gray = xrealloc(h->gray, h->cap_gray * sizeof *h->gray);
    }
    h->gray[h->ngray++] = o;
}

void tg_heap_mark_value(struct tg_heap *h, struct tg_value v)
{
    tg_check_value(v);
    if (v.type >= TG_STRING)
        mark_obj(h, v.u.o);
}

static void trace(struct tg_heap *h, struct tg_obj *o)
{
    switch ((enum tg_type)o->type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        struct tg_array *a = (struct tg_array *)o;
        /* [len, cap) is read only through the slices whose len covers it */
        for (uint32_t i = 0; i < a->len; i++)
            tg_heap_mark_value(h, a->items[i]);
        break;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        const struct tg_map_body *m = ((struct tg_map *)o)->b;
        for (uint32_t i = 0; i < m->nentries; i++) {
            /* the keys are objects of their own: fetch them ahead */
            if (i + SWEEP_AHEAD < m->nentries)
                __builtin_prefetch(m->entries[i + SWEEP_AHEAD].key, 1);
            if (m->entries[i].key) {
                mark_obj(h, &m->entries[i].key->h);
                tg_heap_mark_value(h, m->entries[i].value);
            }
        }
        break;
    }
    case TG_ERROR:
        tg_heap_mark_value(h, ((struct tg_error_obj *)o)->value);
        break;
    case TG_CELL:
        tg_heap_mark_value(h, ((struct tg_cell *)o)->v);
        break;
    case TG_FUNCTION: {
        struct tg_function *f = (struct tg_function *)o;
        for (uint32_t i = 0; i < f->nfree; i++)
            mark_obj(h, &f->free[i]->h);
        break;
    }
    case TG_ITERATOR: {
        struct tg_iterator *it = (struct tg_iterator *)o;
        tg_heap_mark_value(h, it->src);
        if (it->keys)
            mark_obj(h, &it->keys->h);
        break;
    }
    default:
        break;
    }
}

void tg_heap_sweep(struct tg_heap *h)
{
    while (h->ngray)
        trace(h, h->gray[--h->ngray]);
    tg_check_heap(h);
    h->bytes = 0;
    h->sweeps++;
    /* the survivors keep their order; the objects are fetched a few ahead,
     * as walking a million of them one cache miss at a time is most of a
     * collection's cost */
    size_t n = 0;
    for (size_t i = 0; i < h->nobjs; i++) {
        if (i + SWEEP_AHEAD < h->nobjs)
            __builtin_prefetch(h->objs[i + SWEEP_AHEAD], 1);
        struct tg_obj *o = h->objs[i];
        if (o->marked) {
            o->marked = 0;
            h->bytes += obj_size(h, o);
            h->objs[n++] = o;
        } else {
            obj_free(h, o);
        }
    }
    h->nobjs = n;
    /* the slabs from end to end: memory in order, no pointer to chase */
    struct tg_obj *o;
    for (size_t i = 0; i < h->nslabs; i++)
        for (struct slab_walk w = slab_walk(h, i); (o = slab_next(&w));) {
            if (o->marked) {
                o->marked = 0;
                h->bytes += obj_size(h, o);
            } else {
                obj_free(h, o);
            }
        }
    h->next_gc = h->bytes * 2 > GC_MIN_BYTES ? h->bytes * 2 : GC_MIN_BYTES;
}

void tg_heap_collect(struct tg_heap *h, const struct tg_value *roots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tg_heap_mark_value(h, roots[i]);
    tg_heap_sweep(h);
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

struct tg_string *tg_string_new(struct tg_heap *h, const char *s, size_t len)
{
    /* the text is not zeroed: it is copied in, or filled by the caller */
    struct tg_string *str = heap_alloc(h, TG_STRING, sizeof *str + len + 1, sizeof *str);
    str->len = str->cap = (uint32_t)len;
    str->data = str->text;
    if (len && s)
        memcpy(str->data, s, len);
    str->data[len] = 0;
    if (h->perm && s)
        str->hash = hash_bytes(str->data, len);
    return str;
}

struct tg_array *tg_array_new(struct tg_heap *h, uint32_t cap)
{
    struct tg_array *a = tg_heap_alloc(h, TG_ARRAY, sizeof *a);
    if (cap) {
        a->store = tg_store_new(cap);
        a->items = a->store->items;
        a->cap = cap;
        h->bytes += cap * sizeof *a->items;
    }
    return a;
}

/* A string's hash, computed once (strings are immutable): a key read as
 * m.name or m[k] a million times is hashed once, not a million times. A
 * constant without one (a hash of 0) is hashed each time, never written. */
static uint32_t str_hash(struct tg_string *s)
{
    if (s->hash)
        return s->hash;
    uint32_t h = hash_bytes(s->data, s->len);
    if (!s->h.perm)
        s->hash = h;
    return h;
}

/* Keys are mostly short names: compared inline, without memcmp's call. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n > 16)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

struct tg_map *tg_map_new(struct tg_heap *h)
{
    struct tg_map *m = tg_heap_alloc(h, TG_MAP, sizeof *m);
    m->b = xcalloc(1, sizeof *m->b);
    m->b->refs = 1;
    return m;
}

struct tg_map *tg_map_view(struct tg_heap *h, struct tg_map *m, enum tg_type type)
{
    struct tg_map *r = tg_heap_alloc(h, type, sizeof *r);
    if (m->h.perm) {
        /* a constant's table is not counted by VMs: copy it */
        r->b = xcalloc(1, sizeof *r->b);
        r->b->refs = 1;
        for (uint32_t i = 0; i < m->b->nentries; i++)
            if (m->b->entries[i].key)
                tg_map_set_key(r, m->b->entries[i].key, m->b->entries[i].value);
    } else {
        r->b = m->b;
        r->b->refs++;
    }
    return r;
}

static int32_t map_find(const struct tg_map_body *m, const char *key, size_t len, uint32_t hash,
                        uint32_t *slot)
{
    if (!m->index_cap)
        return -1;
    uint32_t mask = m->index_cap - 1, emask = m->entry_mask, tag = hash & ~emask;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        uint32_t s = m->index[i];
        if (!s) {
            if (slot)
                *slot = i;
            return -1;
        }
        if ((s & ~emask) != tag)
            continue;
        int32_t e = (int32_t)((s & emask) - 1);
        const struct tg_map_entry *me = &m->entries[e];
        if (me->hash == hash && me->key && me->key->len == len &&
            same_bytes(me->key->data, key, len)) {
            if (slot)
                *slot = i;
            return e;
        }
    }
}

static inline uint32_t map_slot_of(const struct tg_map_body *m, uint32_t e, uint32_t hash)
{
    return (hash & ~m->entry_mask) | (e + 1);
}

/* Drops deleted entries and rebuilds the index with room to grow. */
static void map_rehash(struct tg_map_body *m)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nentries; i++)
        if (m->entries[i].key)
            m->entries[n++] = m->entries[i];
    m->nentries = n;
    if (m->cap < 2 * n + 4) {
        m->cap = 2 * n + 4;
        m->entries = xrealloc(m->entries, m->cap * sizeof *m->entries);
    }
    /* at most 3/4 full once every entry is used */
    uint32_t icap = 8;
    while (icap < m->cap + m->cap / 3)
        icap *= 2;
    if (icap != m->index_cap) {
        /* calloc: a large table comes as fresh zero pages, not written twice */
        free(m->index);
        m->index = xcalloc(icap, sizeof *m->index);
        m->index_cap = icap;
    } else {
        memset(m->index, 0, icap * sizeof *m->index);
    }
    m->entry_mask = 1;
    while (m->entry_mask < m->cap)
        m->entry_mask = m->entry_mask * 2 + 1;
    uint32_t mask = icap - 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t hash = m->entries[i].hash, j = hash & mask;
        while (m->index[j])
            j = (j + 1) & mask;
        m->index[j] = map_slot_of(m, i, hash);
    }
}

struct tg_value *tg_map_get(const struct tg_map *m, const char *key, size_t len)
{
    int32_t e = map_find(m->b, key, len, hash_bytes(key, len), NULL);
    return e < 0 ? NULL : &m->b->entries[e].value;
}

struct tg_value *tg_map_get_str(const struct tg_map *m, struct tg_string *key)
{
    int32_t e = map_find(m->b, key->data, key->len, str_hash(key), NULL);
    return e < 0 ? NULL : &m->b->entries[e].value;
}

struct tg_value *tg_map_get_next(const struct tg_map *m, struct tg_string *key,
                                 uint32_t *hint)
{
    struct tg_map_body *b = m->b;
    int32_t e;
    /* past a few entries deleted since (a bounded skip: a map mostly
     * deleted costs a probe per key, as without the hint) */
    uint32_t i = *hint, stop = i + 32 < b->nentries ? i + 32 : b->nentries;
    while (i < stop && !b->entries[i].key)
        i++;
    /* the same string object in a live entry: that is key's entry (keys
     * are unique); else it moved (a rehash), went or came back: probe */
    if (i < b->nentries && b->entries[i].key == key)
        e = (int32_t)i;
    else
        e = map_find(b, key->data, key->len, str_hash(key), NULL);
    if (e < 0)
        return NULL;
    *hint = (uint32_t)e + 1;
    return &b->entries[e].value;
}

/* The value of key, made (undefined, key NULL for the caller to set) when
 * absent: one probe, a second only when the map had to grow. */
static struct tg_value *map_slot(struct tg_map_body *m, const char *key, size_t len, uint32_t hash,
                                 int *created)
{
    uint32_t slot = 0;
    int32_t e = map_find(m, key, len, hash, &slot);
    if (e >= 0) {
        *created = 0;
        return &m->entries[e].value;
    }
    if (m->nentries == m->cap || !m->index_cap) {
        map_rehash(m);
        map_find(m, key, len, hash, &slot);
    }
    struct tg_map_entry *me = &m->entries[m->nentries];
    me->hash = hash;
    me->key = NULL;
    me->value = tg_undefined();
    m->index[slot] = map_slot_of(m, m->nentries++, hash);
    m->count++;
    *created = 1;
    return &me->value;
}

void tg_map_set_key(struct tg_map *m, struct tg_string *key, struct tg_value v)
{
    int created;
    uint32_t hash = str_hash(key);
    struct tg_value *slot = map_slot(m->b, key->data, key->len, hash, &created);
    if (created)
        m->b->entries[m->b->nentries - 1].key = key;
    *slot = v;
}

void tg_map_set(struct tg_heap *h, struct tg_map *m, const char *key, size_t len,
                struct tg_value v)
{
    int created;
    struct tg_value *slot = map_slot(m->b, key, len, hash_bytes(key, len), &created);
    *slot = v;
    if (created) /* after: the allocation cannot move the entries */
        m->b->entries[m->b->nentries - 1].key = tg_string_new(h, key, len);
}

void tg_map_delete(struct tg_map *map, const char *key, size_t len)
{
    struct tg_map_body *m = map->b;
    uint32_t slot;
    int32_t e = map_find(m, key, len, hash_bytes(key, len), &slot);
    if (e < 0)
        return;
    m->entries[e].key = NULL;
    m->count--;
    /* The index slot must stay occupied for probing; the entry is skipped
     * (key NULL) and dropped at the next rehash. */
}

struct tg_error_obj *tg_error_new(struct tg_heap *h, struct tg_value v)
{
    struct tg_error_obj *e = tg_heap_alloc(h, TG_ERROR, sizeof *e);
    e->value = v;
    return e;
}

struct tg_cell *tg_cell_new(struct tg_heap *h, struct tg_value v)
{
    struct tg_cell *c = tg_heap_alloc(h, TG_CELL, sizeof *c);
    c->v = v;
    return c;
}

struct tg_function *tg_function_new(struct tg_heap *h, const struct tg_code *code,
                                    uint32_t nfree)
{
    struct tg_function *f = tg_heap_alloc(h, TG_FUNCTION, sizeof *f + nfree * sizeof(void *));
    f->code = code;
    f->nfree = nfree;
    return f;
}

struct tg_iterator *tg_iterator_new(struct tg_heap *h, struct tg_value src)
{
    struct tg_iterator *it = tg_heap_alloc(h, TG_ITERATOR, sizeof *it);
    it->src = src;
    it->pos = -1;
    return it;
}

struct tg_time *tg_time_new(struct tg_heap *h, int64_t sec, int64_t nsec, int32_t offset,
                            const char *zone)
{
    struct tg_time *t = tg_heap_alloc(h, TG_TIME, sizeof *t);
    /* normalise nsec into [0, 1e9), carrying into sec */
    sec += nsec / 1000000000;
    nsec %= 1000000000;
    if (nsec < 0) {
        nsec += 1000000000;
        sec--;
    }
    t->sec = sec;
    t->nsec = (int32_t)nsec;
    t->offset = offset;
    if (zone)
        snprintf(t->zone, sizeof t->zone, "%s", zone);
    return t;
}

const char *tg_type_name_static(struct tg_value v)
{
    static const char *const names[] = {
        [TG_UNDEFINED] = "undefined",
        [TG_BOOL] = "bool",
        [TG_INT] = "int",
        [TG_FLOAT] = "float",
        [TG_CHAR] = "char",
        [TG_BUILTIN] = "builtin-function",
        [TG_STRING] = "string",
        [TG_BYTES] = "bytes",
        [TG_ARRAY] = "array",
        [TG_IMMUTABLE_ARRAY] = "immutable-array",
        [TG_MAP] = "map",
        [TG_IMMUTABLE_MAP] = "immutable-map",
        [TG_ERROR] = "error",
        [TG_FUNCTION] = "compiled-function",
        [TG_CELL] = "free-var",
        [TG_ITERATOR] = "iterator",
        [TG_TIME] = "time",
    };
    if (v.type == TG_BUILTIN && !tg_is_global_builtin(v.u.bi))
        return "user-function";
    return v.type <= TG_TIME ? names[v.type] : "unknown";
}

void tg_type_name(buf_t *out, struct tg_value v)
{
    buf_puts(out, tg_type_name_static(v));
    if (v.type == TG_BUILTIN) {
        buf_putc(out, ':');
        buf_puts(out, v.u.bi->go_name ? v.u.bi->go_name : v.u.bi->name);
    }
}

/* Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that read
 * back as f, written without an exponent. */
void tg_format_float(buf_t *out, double f)
{
    if (isnan(f)) {
        buf_puts(out, "NaN");
        return;
    }
    if (isinf(f)) {
        buf_puts(out, f > 0 ? "+Inf" : "-Inf");
        return;
    }
    char s[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*e", prec - 1, f);
        if (strtod(s, NULL) == f)
            break;
    }
    /* s is [-]d[.ddd]e[+-]XX */
    const char *p = s;
    if (*p == '-') {
        buf_putc(out, '-');
        p++;
    }
    char digits[24];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int point = exp + 1; /* digits before the decimal point */
    if (point <= 0) {
        buf_puts(out, "0");
        if (!(nd == 1 && digits[0] == '0')) {
            buf_putc(out, '.');
            for (int i = 0; i < -point; i++)
                buf_putc(out, '0');
            buf_append(out, digits, (size_t)nd);
        }
        return;
    }
    for (int i = 0; i < point; i++)
        buf_putc(out, i < nd ? digits[i] : '0');
    if (nd > point) {
        buf_putc(out, '.');
        buf_append(out, digits + point, (size_t)(nd - point));
    }
}

size_t tg_format_int(char out[TG_INT_DIGITS_MAX], int64_t i)
{
    /* printf's machinery costs more than the digits (string(i) is hot) */
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[TG_INT_DIGITS_MAX];
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    size_t n = sizeof tmp; /* filled from the end, two digits a step */
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        tmp[--n] = pairs[d + 1];
        tmp[--n] = pairs[d];
    }
    if (u >= 10) {
        tmp[--n] = pairs[u * 2 + 1];
        tmp[--n] = pairs[u * 2];
    } else {
        tmp[--n] = (char)('0' + u);
    }
    size_t len = 0;
    if (i < 0)
        out[len++] = '-';
    memcpy(out + len, tmp + n, sizeof tmp - n);
    return len + sizeof tmp - n;
}

static void put_utf8(buf_t *out, int32_t c)
{
    unsigned char b[4];
    size_t n;
    if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD;
    if (c < 0x80) {
        b[0] = (unsigned char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (unsigned char)(0xC0 | (c >> 6));
        b[1] = (unsigned char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (c >> 12));
        b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (c >> 18));
        b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_append(out, b, n);
}

void tg_value_string(buf_t *out, struct tg_value v)
{
    switch ((enum tg_type)v.type) {
    case TG_UNDEFINED:
        buf_puts(out, "<undefined>");
        break;
    case TG_BOOL:
        buf_puts(out, v.u.b ? "true" : "false");
        break;
    case TG_INT: {
        char d[TG_INT_DIGITS_MAX];
        buf_append(out, d, tg_format_int(d, v.u.i));
        break;
    }
    case TG_FLOAT:
        tg_format_float(out, v.u.f);
        break;
    case TG_CHAR:
        put_utf8(out, v.u.c);
        break;
    case TG_BUILTIN:
        buf_puts(out, tg_is_global_builtin(v.u.bi) ? "<builtin-function>" : "<user-function>");
        break;
    case TG_STRING:
        tg_quote(out, TG_STR(v)->data, TG_STR(v)->len);
        break;
    case TG_BYTES:
        buf_append(out, TG_STR(v)->data, TG_STR(v)->len);
        break;
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        struct tg_array *a = TG_ARR(v);
        buf_putc(out, '[');
        for (uint32_t i = 0; i < a->len; i++) {
            if (i)
                buf_puts(out, ", ");
            tg_value_string(out, a->items[i]);
        }
        buf_putc(out, ']');
        break;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        const struct tg_map_body *m = TG_MAPV(v)->b;
        buf_putc(out, '{');
        int first = 1;
        for (uint32_t i = 0; i < m->nentries; i++) {
            if (!m->entries[i].key)
                continue;
            if (!first)
                buf_puts(out, ", ");
            first = 0;
            buf_append(out, m->entries[i].key->data, m->entries[i].key->len);
            buf_puts(out, ": ");
            tg_value_string(out, m->entries[i].value);
        }
        buf_putc(out, '}');
        break;
    }
    case TG_ERROR:
        buf_puts(out, "error: ");
        tg_value_string(out, ((struct tg_error_obj *)v.u.o)->value);
        break;
    case TG_FUNCTION:
        buf_puts(out, "<compiled-function>");
        break;
    case TG_CELL:
        buf_puts(out, "free-var");
        break;
    case TG_ITERATOR:
        buf_puts(out, "<iterator>");
        break;
    case TG_TIME: {
        static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
        tg_time_format(out, TG_TIMEV(v), layout, sizeof layout - 1);
        break;
    }
    }
}

bool tg_to_string(buf_t *out, struct tg_value v)
{
    if (v.type == TG_UNDEFINED)
        return false;
    if (v.type == TG_STRING)
        buf_append(out, TG_STR(v)->data, TG_STR(v)->len);
    else
        tg_value_string(out, v);
    return true;
}

bool tg_is_falsy(struct tg_value v)
{
    switch ((enum tg_type)v.type) {
    case TG_UNDEFINED:
    case TG_ERROR:
        return true;
    case TG_BOOL:
        return !v.u.b;
    case TG_INT:
        return v.u.i == 0;
    case TG_FLOAT:
        return isnan(v.u.f);
    case TG_CHAR:
        return v.u.c == 0;
    case TG_STRING:
    case TG_BYTES:
        return TG_STR(v)->len == 0;
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY:
        return TG_ARR(v)->len == 0;
    case TG_MAP:
    case TG_IMMUTABLE_MAP:
        return TG_MAPV(v)->b->count == 0;
    case TG_TIME:
        return TG_TIMEV(v)->sec == TG_TIME_ZERO_SEC && TG_TIMEV(v)->nsec == 0;
    default:
        return false;
    }
}

static bool is_array(struct tg_value v)
{
    return v.type == TG_ARRAY || v.type == TG_IMMUTABLE_ARRAY;
}

static bool is_map(struct tg_value v)
{
    return v.type == TG_MAP || v.type == TG_IMMUTABLE_MAP;
}

/* Tengo's Equals: same type (arrays and maps match their immutable twins),
 * element-wise for containers, identity for errors and functions. */
bool tg_equals(struct tg_value a, struct tg_value b)
{
    if (is_array(a) && is_array(b)) {
        struct tg_array *x = TG_ARR(a), *y = TG_ARR(b);
        if (x->len != y->len)
            return false;
        for (uint32_t i = 0; i < x->len; i++)
            if (!tg_equals(x->items[i], y->items[i]))
                return false;
        return true;
    }
    if (is_map(a) && is_map(b)) {
        const struct tg_map_body *x = TG_MAPV(a)->b;
        struct tg_map *y = TG_MAPV(b);
        if (x->count != y->b->count)
            return false;
        for (uint32_t i = 0; i < x->nentries; i++) {
            const struct tg_map_entry *e = &x->entries[i];
            if (!e->key)
                continue;
            struct tg_value *o = tg_map_get(y, e->key->data, e->key->len);
            if (!o || !tg_equals(e->value, *o))
                return false;
        }
        return true;
    }
    if (a.type != b.type)
        return false;
    switch ((enum tg_type)a.type) {
    case TG_UNDEFINED:
        return true;
    case TG_BOOL:
        return a.u.b == b.u.b;
    case TG_INT:
        return a.u.i == b.u.i;
    case TG_FLOAT:
        return a.u.f == b.u.f;
    case TG_CHAR:
        return a.u.c == b.u.c;
    case TG_BUILTIN:
        return a.u.bi == b.u.bi;
    case TG_STRING:
    case TG_BYTES:
        return TG_STR(a)->len == TG_STR(b)->len &&
               memcmp(TG_STR(a)->data, TG_STR(b)->data, TG_STR(a)->len) == 0;
    case TG_TIME: /* Go's Time.Equal: the same instant, whatever the zone */
        return TG_TIMEV(a)->sec == TG_TIMEV(b)->sec && TG_TIMEV(a)->nsec == TG_TIMEV(b)->nsec;
    default:
        return a.u.o == b.u.o;
    }
}
