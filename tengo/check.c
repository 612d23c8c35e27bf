/* check.c — the checks of the VM check build (check.h); empty unless
 * TG_CHECKS is defined. */
#include "check.h"

#ifdef TG_CHECKS
#include <stdio.h>
#include <stdlib.h>

void tg_check_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "TG_CHECK failed: %s (%s:%d)\n", cond, file, line);
    fflush(stderr);
    abort();
}

static void check_obj(const struct tg_obj *o)
{
    switch ((enum tg_type)o->type) {
    case TG_STRING: {
        const struct tg_string *s = (const struct tg_string *)o;
        TG_CHECK(s->data == s->text && s->cap == s->len);
        break;
    }
    case TG_BYTES: {
        const struct tg_string *b = (const struct tg_string *)o;
        const struct tg_bytes_store *st = TG_BYTES_STORE(b);
        TG_CHECK(b->len <= b->cap);
        TG_CHECK(st || b->cap == 0);
        if (st) {
            TG_CHECK(st->refs > 0);
            TG_CHECK(b->data >= st->data && b->data + b->cap == st->data + st->cap);
        }
        break;
    }
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        const struct tg_array *a = (const struct tg_array *)o;
        TG_CHECK(a->len <= a->cap);
        TG_CHECK(a->store || a->cap == 0);
        if (a->store) {
            TG_CHECK(a->store->refs > 0);
            TG_CHECK(a->items >= a->store->items &&
                     a->items + a->cap == a->store->items + a->store->cap);
        }
        break;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        const struct tg_map_body *m = ((const struct tg_map *)o)->b;
        TG_CHECK(m != NULL);
        TG_CHECK(m->refs > 0);
        TG_CHECK(m->count <= m->nentries && m->nentries <= m->cap);
        break;
    }
    case TG_ERROR:
    case TG_FUNCTION:
    case TG_CELL:
    case TG_ITERATOR:
    case TG_TIME:
        break;
    default:
        TG_CHECK(!"an object's type is a heap type");
    }
}

void tg_check_value(struct tg_value v)
{
    TG_CHECK(v.type <= TG_TIME);
    if (v.type < TG_STRING)
        return;
    TG_CHECK(v.u.o != NULL);
    TG_CHECK(v.u.o->type == v.type);
    check_obj(v.u.o);
}

/* A constant's reference to another value: a constant, and sound. */
static void check_const_ref(struct tg_value v)
{
    tg_check_value(v);
    if (v.type >= TG_STRING)
        TG_CHECK(v.u.o->perm);
}

static void check_const(const struct tg_obj *o)
{
    switch ((enum tg_type)o->type) {
    case TG_BYTES:
        TG_CHECK(!TG_BYTES_STORE((const struct tg_string *)o) ||
                 TG_BYTES_STORE((const struct tg_string *)o)->refs == 1);
        break;
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        const struct tg_array *a = (const struct tg_array *)o;
        TG_CHECK(!a->store || a->store->refs == 1);
        for (uint32_t i = 0; i < a->len; i++)
            check_const_ref(a->items[i]);
        break;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        const struct tg_map_body *m = ((const struct tg_map *)o)->b;
        TG_CHECK(m->refs == 1);
        for (uint32_t i = 0; i < m->nentries; i++)
            if (m->entries[i].key) {
                TG_CHECK(m->entries[i].key->h.perm);
                check_const_ref(m->entries[i].value);
            }
        break;
    }
    case TG_ERROR:
        check_const_ref(((const struct tg_error_obj *)o)->value);
        break;
    case TG_CELL:
        check_const_ref(((const struct tg_cell *)o)->v);
        break;
    case TG_FUNCTION: {
        const struct tg_function *f = (const struct tg_function *)o;
        for (uint32_t i = 0; i < f->nfree; i++)
            TG_CHECK(f->free[i] && f->free[i]->h.perm);
        break;
    }
    case TG_ITERATOR:
        check_const_ref(((const struct tg_iterator *)o)->src);
        break;
    default:
        break;
    }
}

static void check_heap_obj(const struct tg_obj *o, void *arg)
{
    const struct tg_heap *h = arg;
    TG_CHECK(o->perm == h->perm);
    check_obj(o);
    if (h->perm)
        check_const(o);
}

void tg_check_heap(const struct tg_heap *h)
{
    tg_heap_each(h, check_heap_obj, (void *)h);
}
#endif
