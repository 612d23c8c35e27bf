/* value_bytes.c — bytes as Go byte slices: windows on a shared, counted
 * backing store (struct tg_bytes_store), so that what a program can
 * observe through aliasing is what Go Tengo shows. Tengo cannot assign a
 * byte, but `a + b` is Go's append(a, b...), which writes into a's spare
 * capacity when b fits there (overwriting what a longer slice of the same
 * store shows), and rand.read fills bytes in place.
 *
 * Capacities follow the Go expression each constructor stands for:
 * []byte(s) and append([]byte{}, s...) round the length up to the
 * allocator's size class, make([]byte, n) is exact, append grows by
 * runtime.growslice for 1-byte elements (value_array.c). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "value.h"
#include "xalloc.h"

/* data of the bytes with no store (cap 0): never written, never read */
static char no_bytes[1];

static struct tg_bytes_store *store_new(uint32_t cap)
{
    struct tg_bytes_store *s = xmalloc(sizeof *s + cap);
    s->refs = 1;
    s->cap = cap;
    s->counted = 0;
    return s;
}

void tg_bytes_store_release(struct tg_bytes_store *s)
{
    TG_CHECK(!s || s->refs > 0);
    if (s && --s->refs == 0)
        free(s);
}

struct tg_string *tg_bytes_new_cap(struct tg_heap *h, const char *s, size_t len, size_t cap)
{
    struct tg_string *b = tg_heap_alloc(h, TG_BYTES, TG_BYTES_SIZE);
    b->data = no_bytes;
    if (cap) {
        TG_BYTES_STORE(b) = store_new((uint32_t)cap);
        b->data = TG_BYTES_STORE(b)->data;
        b->cap = (uint32_t)cap;
        h->bytes += cap;
    }
    b->len = (uint32_t)len;
    if (len) {
        if (s)
            memcpy(b->data, s, len);
        else
            memset(b->data, 0, len);
    }
    return b;
}

struct tg_string *tg_bytes_new(struct tg_heap *h, const char *s, size_t len)
{
    return tg_bytes_new_cap(h, s, len, len);
}

struct tg_string *tg_bytes_from(struct tg_heap *h, const char *s, size_t len)
{
    return tg_bytes_new_cap(h, s, len, (size_t)tg_go_roundupsize(len));
}

struct tg_string *tg_bytes_slice(struct tg_heap *h, struct tg_string *b, uint32_t lo, uint32_t hi)
{
    if (b->h.perm) /* a constant's store is not counted by VMs: copy it */
        return tg_bytes_new(h, b->data + lo, hi - lo);
    struct tg_string *r = tg_heap_alloc(h, TG_BYTES, TG_BYTES_SIZE);
    r->data = no_bytes;
    if (TG_BYTES_STORE(b)) {
        TG_BYTES_STORE(r) = TG_BYTES_STORE(b);
        TG_BYTES_STORE(r)->refs++;
        r->data = b->data + lo;
        r->cap = b->cap - lo;
    }
    r->len = hi - lo;
    return r;
}

struct tg_string *tg_bytes_append(struct tg_heap *h, struct tg_string *a, const char *s, size_t n)
{
    size_t len = a->len + n;
    struct tg_string *r;
    if (len <= a->cap && !a->h.perm) {
        r = tg_bytes_slice(h, a, 0, a->len);
    } else {
        size_t cap = len <= a->cap ? a->cap : tg_go_growcap(a->cap, (uint32_t)len, 1);
        r = tg_bytes_new_cap(h, a->data, a->len, cap);
    }
    /* memmove: s may lie on the same store (a + a[1:]) */
    if (n)
        memmove(r->data + a->len, s, n);
    r->len = (uint32_t)len;
    return r;
}
