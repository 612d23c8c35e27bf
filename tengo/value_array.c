/* value_array.c — arrays as Go slices: windows on a shared, counted
 * backing store (struct tg_store), with Go's append growth so that what a
 * program can observe through aliasing (append within capacity
 * overwriting the original's spare room, or not once it has grown) is
 * what Go Tengo shows.
 *
 * Growth follows runtime.growslice of Go 1.18 to 1.21: double below 256
 * items, then add a quarter plus 192 until the length fits, then round the
 * bytes up to the allocator's size class, or to whole 8 KiB pages past
 * 32 KiB. (Go 1.22 counts an 8-byte header in pointerful blocks over 512
 * bytes, which shifts some capacities past 32 items; the rule here is the
 * one the tests could check against a Go toolchain.) Elements are 16 bytes,
 * an interface, as in Go Tengo's []Object. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "value.h"
#include "xalloc.h"

/* runtime/sizeclasses.go, class 1 onwards */
static const uint16_t go_size_classes[] = {
    8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,
    176,   192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,
    480,   512,   576,   640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,
    1792,  2048,  2304,  2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,
    6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384, 18432,
    19072, 20480, 21760, 24576, 27264, 28672, 32768,
};

#define GO_PAGE 8192u

uint64_t tg_go_roundupsize(uint64_t size)
{
    if (size == 0)
        return 0;
    for (size_t i = 0; i < sizeof go_size_classes / sizeof *go_size_classes; i++)
        if (go_size_classes[i] >= size)
            return go_size_classes[i];
    return (size + GO_PAGE - 1) & ~(uint64_t)(GO_PAGE - 1);
}

uint32_t tg_go_growcap(uint32_t oldcap, uint32_t newlen, size_t elem_size)
{
    uint64_t newcap = oldcap, dbl = 2 * (uint64_t)oldcap;
    if (newlen > dbl)
        newcap = newlen;
    else if (oldcap < 256)
        newcap = dbl;
    else
        while (newcap < newlen)
            newcap += (newcap + 3 * 256) >> 2;
    uint64_t cap = tg_go_roundupsize(newcap * elem_size) / elem_size;
    return cap > UINT32_MAX ? newlen : (uint32_t)cap;
}

uint32_t tg_array_cap_for(uint32_t n)
{
    uint32_t cap = 0;
    while (cap < n)
        cap = tg_go_growcap(cap, cap + 1, sizeof(struct tg_value));
    return cap;
}

struct tg_store *tg_store_new(uint32_t cap)
{
    /* zeroed: every item undefined */
    struct tg_store *s = xcalloc(1, sizeof *s + (size_t)cap * sizeof(struct tg_value));
    s->refs = 1;
    s->cap = cap;
    return s;
}

/* A store of cap items, the first len copied from items, the rest
 * undefined (zero): calloc would zero the copied ones too. */
static struct tg_store *store_new_from(uint32_t cap, const struct tg_value *items, uint32_t len)
{
    struct tg_store *s = xmalloc(sizeof *s + (size_t)cap * sizeof(struct tg_value));
    s->refs = 1;
    s->cap = cap;
    if (len)
        memcpy(s->items, items, len * sizeof *items);
    memset(s->items + len, 0, (size_t)(cap - len) * sizeof *items);
    return s;
}

void tg_store_release(struct tg_store *s)
{
    TG_CHECK(!s || s->refs > 0);
    if (s && --s->refs == 0)
        free(s);
}

/* Moves a to a new store of capacity cap holding its first keep items. */
static void move_to_new_store(struct tg_array *a, uint32_t cap, uint32_t keep)
{
    struct tg_store *s = tg_store_new(cap);
    if (keep)
        memcpy(s->items, a->items, keep * sizeof *a->items);
    tg_store_release(a->store);
    a->store = s;
    a->items = s->items;
    a->cap = cap;
}

/* Growth is not counted in heap bytes until the next sweep recounts them;
 * the collector's schedule stays approximate, which is all it needs. */
void tg_array_push(struct tg_array *a, struct tg_value v)
{
    if (a->len == a->cap)
        move_to_new_store(a, tg_go_growcap(a->cap, a->len + 1, sizeof v), a->len);
    a->items[a->len++] = v;
}

struct tg_array *tg_array_slice(struct tg_heap *h, struct tg_array *a, uint32_t lo, uint32_t hi,
                                enum tg_type type)
{
    struct tg_array *r;
    if (a->h.perm) {
        r = tg_array_new(h, hi - lo);
        if (hi > lo)
            memcpy(r->items, a->items + lo, (hi - lo) * sizeof *r->items);
    } else {
        r = tg_array_new(h, 0);
        if (a->store) {
            r->store = a->store;
            r->store->refs++;
            r->items = a->items + lo;
            r->cap = a->cap - lo;
        }
    }
    r->len = hi - lo;
    r->h.type = (uint8_t)type;
    return r;
}

struct tg_array *tg_array_append(struct tg_heap *h, struct tg_array *a, const struct tg_value *v,
                                 uint32_t n)
{
    uint32_t len = a->len + n;
    struct tg_array *r;
    if (len <= a->cap && !a->h.perm) {
        r = tg_array_slice(h, a, 0, a->len, TG_ARRAY);
    } else {
        /* the new store: a's items copied, only the rest zeroed */
        uint32_t cap = tg_go_growcap(a->cap, len, sizeof *v);
        r = tg_array_new(h, 0);
        if (cap) {
            r->store = store_new_from(cap, a->items, a->len);
            r->items = r->store->items;
            r->cap = cap;
            h->bytes += cap * sizeof *r->items;
        }
    }
    /* one item (append(a, x), the common case) word by word: it was most
     * likely just made (value.h, tg_value_set); memmove for more, as v
     * may lie on the same store (a + a[1:]) */
    if (n == 1)
        tg_value_set(&r->items[a->len], *v);
    else if (n)
        memmove(r->items + a->len, v, n * sizeof *v);
    r->len = len;
    return r;
}

void tg_array_splice(struct tg_array *a, uint32_t start, uint32_t del, const struct tg_value *ins,
                     uint32_t nins)
{
    uint32_t tail = a->len - start - del;
    uint32_t len = start + nins + tail;
    if (len > a->cap) {
        uint32_t cap = tg_go_growcap(a->cap, len, sizeof *ins);
        struct tg_store *s = tg_store_new(cap);
        if (start)
            memcpy(s->items, a->items, start * sizeof *a->items);
        if (tail)
            memcpy(s->items + start + nins, a->items + start + del, tail * sizeof *a->items);
        tg_store_release(a->store);
        a->store = s;
        a->items = s->items;
        a->cap = cap;
    } else if (tail) {
        memmove(a->items + start + nins, a->items + start + del, tail * sizeof *a->items);
    }
    if (nins)
        memcpy(a->items + start, ins, nins * sizeof *ins);
    a->len = len;
}
