/* stdlib_enum.c — Tengo's enum module. Tengo writes it in Tengo
 * (stdlib/srcmod_enum.tengo, a source module); this compiler has no
 * source-module import, so the same functions are written here in C and
 * call their function arguments through vm_call.h. Behaviour follows the
 * Tengo source line by line: all, any, chunk, at, each, filter, find,
 * find_index, map, key, value. An error inside a callback is reported at
 * the enum call (Tengo would also list the callback's position). */
#include <string.h>

#include "modules.h"
#include "token.h"
#include "status.h"
#include "vm.h"
#include "vm_call.h"

static bool is_array_like(struct tg_value x)
{
    return x.type == TG_ARRAY || x.type == TG_IMMUTABLE_ARRAY;
}

static bool is_enumerable(struct tg_value x)
{
    return is_array_like(x) || x.type == TG_MAP || x.type == TG_IMMUTABLE_MAP;
}

/* Tengo's message for a compiled function called with the wrong count. */
static int want_args(struct tg_vm *vm, int want, int got)
{
    return tg_vm_errorf(vm, "wrong number of arguments: want=%d, got=%d", want, got);
}

enum walk_stop { STOP_NEVER, STOP_TRUTHY, STOP_FALSY };

/* for k, v in x { r := fn(k, v); … }: calls fn on each element, collecting
 * results into *collect (when non-NULL: the values v for which r is truthy
 * if filter, else every r), stopping at the first r matching stop. *hit is
 * the index of the element that stopped the walk, or -1. */
struct walk {
    struct tg_value x, fn;
    enum walk_stop stop;
    bool filter;
    struct tg_array *collect;
    struct tg_value hit_k, hit_v;
    bool hit;
};

static int walk(struct tg_vm *vm, struct walk *w)
{
    struct tg_vm_call c;
    tg_vm_call_begin(&c, vm);
    struct tg_array *keys = NULL;
    uint32_t n;
    if (is_array_like(w->x)) {
        n = TG_ARR(w->x)->len;
    } else {
        struct tg_map *m = TG_MAPV(w->x);
        keys = tg_array_new(&vm->heap, m->b->count);
        for (uint32_t i = 0; i < m->b->nentries; i++)
            if (m->b->entries[i].key)
                keys->items[keys->len++] = tg_obj_value(m->b->entries[i].key);
        n = keys->len;
        c.keep[0] = tg_obj_value(keys);
    }
    if (w->collect)
        c.keep[1] = tg_obj_value(w->collect);
    int rc = OK;
    for (uint32_t i = 0; i < n; i++) {
        struct tg_value kv[2], r;
        if (keys) {
            struct tg_string *k = TG_STR(keys->items[i]);
            struct tg_value *v = tg_map_get(TG_MAPV(w->x), k->data, k->len);
            kv[0] = keys->items[i];
            kv[1] = v ? *v : tg_undefined();
        } else {
            struct tg_array *a = TG_ARR(w->x);
            kv[0] = tg_int(i);
            kv[1] = i < a->len ? a->items[i] : tg_undefined();
        }
        if ((rc = tg_vm_call(&c, w->fn, kv, 2, &r)) != OK)
            break;
        bool truthy = !tg_is_falsy(r);
        if (w->collect) {
            if (!w->filter)
                tg_array_push(w->collect, r);
            else if (truthy)
                tg_array_push(w->collect, kv[1]);
        }
        if ((w->stop == STOP_TRUTHY && truthy) || (w->stop == STOP_FALSY && !truthy)) {
            w->hit = true;
            w->hit_k = kv[0];
            w->hit_v = kv[1];
            break;
        }
    }
    tg_vm_call_end(&c);
    return rc;
}

static int enum_all_any(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret,
                        bool all)
{
    if (n != 2)
        return want_args(vm, 2, n);
    if (!is_enumerable(a[0])) {
        *ret = tg_bool(false);
        return OK;
    }
    struct walk w = { .x = a[0], .fn = a[1], .stop = all ? STOP_FALSY : STOP_TRUTHY };
    if (walk(vm, &w) != OK)
        return ERROR;
    *ret = tg_bool(all ? !w.hit : w.hit);
    return OK;
}

static int enum_all(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return enum_all_any(vm, a, n, ret, true);
}

static int enum_any(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return enum_all_any(vm, a, n, ret, false);
}

static int enum_chunk(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return want_args(vm, 2, n);
    struct tg_array *res = tg_array_new(&vm->heap, 0);
    *ret = tg_obj_value(res);
    if (!is_array_like(a[0]) || TG_ARR(a[0])->len == 0)
        return OK;
    int64_t len = TG_ARR(a[0])->len;
    if (a[1].type == TG_INT && a[1].u.i == 0) /* Tengo loops forever */
        return tg_vm_errorf(vm, "enum.chunk: size must not be 0");
    struct tg_value idx = tg_int(0);
    while (idx.type == TG_INT && idx.u.i < len) {
        struct tg_value hi, part;
        if (tg_binary_op(vm, TK_ADD, idx, a[1], &hi) != OK ||
            tg_slice(vm, a[0], idx, hi, &part) != OK)
            return ERROR;
        tg_array_push(res, part);
        idx = hi;
    }
    return OK;
}

static int enum_at(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return want_args(vm, 2, n);
    if (!is_enumerable(a[0]))
        return OK;
    return tg_index_get(vm, a[0], a[1], ret);
}

static int enum_each(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)ret;
    if (n != 2)
        return want_args(vm, 2, n);
    if (!is_enumerable(a[0]))
        return OK;
    struct walk w = { .x = a[0], .fn = a[1], .stop = STOP_NEVER };
    return walk(vm, &w);
}

static int enum_filter(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return want_args(vm, 2, n);
    if (!is_array_like(a[0])) {
        *ret = a[0];
        return OK;
    }
    struct walk w = { .x = a[0], .fn = a[1], .stop = STOP_NEVER, .filter = true };
    w.collect = tg_array_new(&vm->heap, 0);
    if (walk(vm, &w) != OK)
        return ERROR;
    *ret = tg_obj_value(w.collect);
    return OK;
}

static int enum_find_common(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret,
                            bool key)
{
    if (n != 2)
        return want_args(vm, 2, n);
    if (!is_enumerable(a[0]))
        return OK;
    struct walk w = { .x = a[0], .fn = a[1], .stop = STOP_TRUTHY };
    if (walk(vm, &w) != OK)
        return ERROR;
    if (w.hit)
        *ret = key ? w.hit_k : w.hit_v;
    return OK;
}

static int enum_find(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return enum_find_common(vm, a, n, ret, false);
}

static int enum_find_index(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return enum_find_common(vm, a, n, ret, true);
}

static int enum_map(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return want_args(vm, 2, n);
    struct walk w = { .x = a[0], .fn = a[1], .stop = STOP_NEVER };
    w.collect = tg_array_new(&vm->heap, 0);
    *ret = tg_obj_value(w.collect);
    if (!is_enumerable(a[0]))
        return OK;
    return walk(vm, &w);
}

static int enum_key(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return want_args(vm, 2, n);
    *ret = a[0];
    return OK;
}

static int enum_value(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return want_args(vm, 2, n);
    *ret = a[1];
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "all", enum_all },
    { "any", enum_any },
    { "chunk", enum_chunk },
    { "at", enum_at },
    { "each", enum_each },
    { "filter", enum_filter },
    { "find", enum_find },
    { "find_index", enum_find_index },
    { "map", enum_map },
    { "key", enum_key },
    { "value", enum_value },
};

const struct tg_module tg_mod_enum = { "enum", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0 };
