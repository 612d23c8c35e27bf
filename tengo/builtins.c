/* builtins.c — Tengo's builtin functions (builtins.go) and the fmt module
 * (stdlib/fmt.go; the other modules have their own files, listed in
 * modules.c). The table order is Tengo's; the compiler resolves builtins by
 * index into it. format() and fmt.printf/sprintf share format.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler.h"
#include "format.h"
#include "literal.h"
#include "modules.h"
#include "status.h"
#include "vm.h"

static int wrong_args(struct tg_vm *vm, const char *fn)
{
    return tg_vm_errorf(vm, "wrong number of arguments in call to 'builtin-function:%s'", fn);
}

static int bad_arg(struct tg_vm *vm, const char *fn, const char *which, const char *want,
                   struct tg_value found)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, found);
    tg_vm_errorf(vm,
                 "invalid type for argument '%s' in call to 'builtin-function:%s': expected %s, "
                 "found %s",
                 which, fn, want, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

static int bi_len(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "len");
    switch ((enum tg_type)a[0].type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY:
        *ret = tg_int(TG_ARR(a[0])->len);
        return OK;
    case TG_STRING:
    case TG_BYTES:
        *ret = tg_int(TG_STR(a[0])->len);
        return OK;
    case TG_MAP:
    case TG_IMMUTABLE_MAP:
        *ret = tg_int(TG_MAPV(a[0])->b->count);
        return OK;
    default:
        return bad_arg(vm, "len", "first", "array/string/bytes/map", a[0]);
    }
}

/* Tengo's Copy(): deep for containers; immutable ones copy to mutable. */
static struct tg_value deep_copy(struct tg_vm *vm, struct tg_value v, int depth)
{
    if (depth > 10000)
        return v;
    switch ((enum tg_type)v.type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY: {
        /* the capacity Go Tengo's item-by-item append gives */
        struct tg_array *a = TG_ARR(v), *r = tg_array_new(&vm->heap, tg_array_cap_for(a->len));
        for (uint32_t i = 0; i < a->len; i++)
            r->items[i] = deep_copy(vm, a->items[i], depth + 1);
        r->len = a->len;
        return tg_obj_value(r);
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        const struct tg_map_body *m = TG_MAPV(v)->b;
        struct tg_map *r = tg_map_new(&vm->heap);
        for (uint32_t i = 0; i < m->nentries; i++)
            if (m->entries[i].key)
                tg_map_set_key(r, m->entries[i].key, deep_copy(vm, m->entries[i].value, depth + 1));
        return tg_obj_value(r);
    }
    case TG_BYTES: /* append([]byte{}, b...) */
        return tg_obj_value(tg_bytes_from(&vm->heap, TG_STR(v)->data, TG_STR(v)->len));
    case TG_ERROR:
        return tg_obj_value(
            tg_error_new(&vm->heap, deep_copy(vm, ((struct tg_error_obj *)v.u.o)->value, depth + 1)));
    default:
        return v;
    }
}

static int bi_copy(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "copy");
    *ret = deep_copy(vm, a[0], 0);
    return OK;
}

static int bi_append(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n < 2)
        return wrong_args(vm, "append");
    if (a[0].type != TG_ARRAY && a[0].type != TG_IMMUTABLE_ARRAY)
        return bad_arg(vm, "append", "first", "array", a[0]);
    /* Go's append: on the array's store while the items fit (what other
     * slices of it see there changes), else on a new, grown one */
    *ret = tg_obj_value(tg_array_append(&vm->heap, TG_ARR(a[0]), a + 1, (uint32_t)n - 1));
    return OK;
}

static int bi_delete(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)ret;
    if (n != 2)
        return wrong_args(vm, "delete");
    if (a[0].type != TG_MAP)
        return bad_arg(vm, "delete", "first", "map", a[0]);
    if (a[1].type != TG_STRING)
        return bad_arg(vm, "delete", "second", "string", a[1]);
    tg_map_delete(TG_MAPV(a[0]), TG_STR(a[1])->data, TG_STR(a[1])->len);
    return OK;
}

static int bi_splice(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n == 0)
        return wrong_args(vm, "splice");
    if (a[0].type != TG_ARRAY)
        return bad_arg(vm, "splice", "first", "array", a[0]);
    struct tg_array *arr = TG_ARR(a[0]);
    int64_t len = arr->len, start = 0, del = len;
    if (n > 1) {
        if (a[1].type != TG_INT)
            return bad_arg(vm, "splice", "second", "int", a[1]);
        start = a[1].u.i;
        if (start < 0 || start > len)
            return tg_vm_errorf(vm, "index out of bounds");
    }
    if (n > 2) {
        if (a[2].type != TG_INT)
            return bad_arg(vm, "splice", "third", "int", a[2]);
        del = a[2].u.i;
        if (del < 0)
            return tg_vm_errorf(vm, "index out of bounds");
    }
    if (del > len - start)
        del = len - start;
    /* deleted: append([]Object{}, items...), Go's capacity */
    struct tg_array *deleted = tg_array_new(
        &vm->heap, del ? tg_go_growcap(0, (uint32_t)del, sizeof(struct tg_value)) : 0);
    if (del)
        memcpy(deleted->items, arr->items + start, (size_t)del * sizeof *arr->items);
    deleted->len = (uint32_t)del;
    /* in place while it fits: slices sharing the store see it, as in Go */
    tg_array_splice(arr, (uint32_t)start, (uint32_t)del, a + 3, n > 3 ? (uint32_t)n - 3 : 0);
    *ret = tg_obj_value(deleted);
    return OK;
}

static int bi_type_name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "type_name");
    buf_t t = BUF_INIT;
    tg_type_name(&t, a[0]);
    *ret = tg_make_string(vm, t.data ? t.data : "", t.len);
    buf_free(&t);
    return OK;
}

/* ---- conversions ---- */

static int bi_string(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1 && n != 2)
        return wrong_args(vm, "string");
    if (a[0].type == TG_STRING) {
        *ret = a[0];
        return OK;
    }
    if (a[0].type == TG_INT) { /* the common case, without a buffer */
        char d[TG_INT_DIGITS_MAX];
        *ret = tg_make_string(vm, d, tg_format_int(d, a[0].u.i));
        return OK;
    }
    buf_t s = BUF_INIT;
    if (tg_to_string(&s, a[0]))
        *ret = tg_make_string(vm, s.data ? s.data : "", s.len);
    else if (n == 2)
        *ret = a[1];
    buf_free(&s);
    return OK;
}

static int bi_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1 && n != 2)
        return wrong_args(vm, "int");
    struct tg_value v = a[0];
    int64_t i;
    switch ((enum tg_type)v.type) {
    case TG_INT:
        *ret = v;
        return OK;
    case TG_FLOAT:
        if (v.u.f != v.u.f)
            i = INT64_MIN;
        else if (v.u.f >= 9223372036854775808.0 || v.u.f < -9223372036854775808.0)
            i = INT64_MIN; /* what Go yields on amd64 */
        else
            i = (int64_t)v.u.f;
        *ret = tg_int(i);
        return OK;
    case TG_CHAR:
        *ret = tg_int(v.u.c);
        return OK;
    case TG_BOOL:
        *ret = tg_int(v.u.b ? 1 : 0);
        return OK;
    case TG_STRING:
        if (tg_go_parse_int(TG_STR(v)->data, TG_STR(v)->len, 10, 64, &i) == 0) {
            *ret = tg_int(i);
            return OK;
        }
        break;
    default:
        break;
    }
    if (n == 2)
        *ret = a[1];
    return OK;
}

static int bi_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1 && n != 2)
        return wrong_args(vm, "float");
    struct tg_value v = a[0];
    double d;
    if (v.type == TG_FLOAT) {
        *ret = v;
        return OK;
    }
    if (v.type == TG_INT) {
        *ret = tg_float((double)v.u.i);
        return OK;
    }
    if (v.type == TG_STRING && tg_parse_float(TG_STR(v)->data, TG_STR(v)->len, &d) == 0) {
        *ret = tg_float(d);
        return OK;
    }
    if (n == 2)
        *ret = a[1];
    return OK;
}

static int bi_bool(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "bool");
    *ret = a[0].type == TG_BOOL ? a[0] : tg_bool(!tg_is_falsy(a[0]));
    return OK;
}

static int bi_char(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1 && n != 2)
        return wrong_args(vm, "char");
    if (a[0].type == TG_CHAR)
        *ret = a[0];
    else if (a[0].type == TG_INT)
        *ret = tg_char((int32_t)a[0].u.i);
    else if (n == 2)
        *ret = a[1];
    return OK;
}

static int bi_bytes(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1 && n != 2)
        return wrong_args(vm, "bytes");
    struct tg_value v = a[0];
    if (v.type == TG_BYTES) {
        *ret = v;
    } else if (v.type == TG_INT) {
        if (v.u.i < 0 || v.u.i > (int64_t)TG_MAX_STRING_LEN)
            return tg_vm_errorf(vm, "exceeding bytes size limit");
        /* make([]byte, n): zeroed, capacity n */
        *ret = tg_obj_value(tg_bytes_new(&vm->heap, NULL, (size_t)v.u.i));
    } else if (v.type == TG_STRING) {
        *ret = tg_obj_value(tg_bytes_from(&vm->heap, TG_STR(v)->data, TG_STR(v)->len));
    } else if (n == 2) {
        *ret = a[1];
    }
    return OK;
}

/* ---- type predicates ---- */

#define IS_FN(fname, cond)                                                            \
    static int bi_##fname(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                 \
        if (n != 1)                                                                   \
            return wrong_args(vm, #fname);                                            \
        enum tg_type t = (enum tg_type)a[0].type;                                     \
        *ret = tg_bool(cond);                                                         \
        return OK;                                                                    \
    }
IS_FN(is_int, t == TG_INT)
IS_FN(is_float, t == TG_FLOAT)
IS_FN(is_string, t == TG_STRING)
IS_FN(is_bool, t == TG_BOOL)
IS_FN(is_char, t == TG_CHAR)
IS_FN(is_bytes, t == TG_BYTES)
IS_FN(is_array, t == TG_ARRAY)
IS_FN(is_immutable_array, t == TG_IMMUTABLE_ARRAY)
IS_FN(is_map, t == TG_MAP)
IS_FN(is_immutable_map, t == TG_IMMUTABLE_MAP)
IS_FN(is_iterable, t == TG_ARRAY || t == TG_IMMUTABLE_ARRAY || t == TG_MAP ||
                       t == TG_IMMUTABLE_MAP || t == TG_STRING || t == TG_BYTES)
IS_FN(is_time, t == TG_TIME)
IS_FN(is_error, t == TG_ERROR)
IS_FN(is_undefined, t == TG_UNDEFINED)
IS_FN(is_function, t == TG_FUNCTION)
IS_FN(is_callable, t == TG_FUNCTION || t == TG_BUILTIN)
#undef IS_FN

/* format(fmt, args...) and fmt.sprintf: the formatted string; with no
 * arguments after the format, the format itself. */
static int format_args(struct tg_vm *vm, const char *fn, struct tg_value *a, int n,
                       struct tg_value *ret)
{
    if (n == 0)
        return tg_vm_errorf(vm, "wrong number of arguments in call to '%s'", fn);
    if (a[0].type != TG_STRING) {
        buf_t t = BUF_INIT;
        tg_type_name(&t, a[0]);
        tg_vm_errorf(vm,
                     "invalid type for argument 'format' in call to '%s': expected string, "
                     "found %s",
                     fn, buf_cstr(&t));
        buf_free(&t);
        return ERROR;
    }
    if (n == 1) {
        *ret = a[0];
        return OK;
    }
    buf_t s = BUF_INIT;
    tg_format(&s, TG_STR(a[0])->data, TG_STR(a[0])->len, a + 1, n - 1);
    if (s.len > TG_MAX_STRING_LEN) {
        buf_free(&s);
        return tg_vm_errorf(vm, "exceeding string size limit");
    }
    *ret = tg_make_string(vm, s.data ? s.data : "", s.len);
    buf_free(&s);
    return OK;
}

static int bi_format(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return format_args(vm, "builtin-function:format", a, n, ret);
}

/* time(x[, default]): Tengo's ToTime — a time as is, an int as Unix
 * seconds in the local zone (Go's time.Unix); anything else is the default
 * or undefined. */
static int bi_time(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1 && n != 2)
        return wrong_args(vm, "time");
    if (a[0].type == TG_TIME) {
        *ret = a[0];
    } else if (a[0].type == TG_INT) {
        *ret = tg_obj_value(tg_time_local(&vm->heap, a[0].u.i, 0));
    } else if (n == 2) {
        *ret = a[1];
    }
    return OK;
}

/* range(start, stop[, step]): the ints from start towards stop (excluded),
 * step apart; counting down when start > stop. The array is sized up
 * front, so a range too big for the heap limit fails before allocating. */
static int bi_range(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    static const char *const names[] = { "start", "stop", "step" };
    if (n != 2 && n != 3)
        return wrong_args(vm, "range");
    for (int i = 0; i < n; i++) {
        if (a[i].type != TG_INT)
            return bad_arg(vm, "range", names[i], "int", a[i]);
        if (i == 2 && a[i].u.i <= 0)
            return tg_vm_errorf(vm, "range step must be greater than 0");
    }
    int64_t start = a[0].u.i, stop = a[1].u.i;
    uint64_t step = n == 3 ? (uint64_t)a[2].u.i : 1;
    uint64_t span = start <= stop ? (uint64_t)stop - (uint64_t)start
                                  : (uint64_t)start - (uint64_t)stop;
    uint64_t count = span / step + (span % step != 0);
    size_t room = vm->max_heap_bytes > vm->heap.bytes ? vm->max_heap_bytes - vm->heap.bytes : 0;
    if (count > UINT32_MAX || (vm->max_heap_bytes && count > room / sizeof(struct tg_value)))
        return tg_vm_errorf(vm, "object allocation limit exceeded");
    struct tg_array *arr = tg_array_new(&vm->heap, (uint32_t)count);
    uint64_t v = (uint64_t)start; /* wraps like Go's int64 at the ends */
    for (uint64_t i = 0; i < count; i++) {
        arr->items[i] = tg_int((int64_t)v);
        v = start <= stop ? v + step : v - step;
    }
    arr->len = (uint32_t)count;
    *ret = tg_obj_value(arr);
    return OK;
}

const struct tg_builtin tg_builtins[] = {
    { "len", bi_len, NULL },
    { "copy", bi_copy, NULL },
    { "append", bi_append, NULL },
    { "delete", bi_delete, NULL },
    { "splice", bi_splice, NULL },
    { "string", bi_string, NULL },
    { "int", bi_int, NULL },
    { "bool", bi_bool, NULL },
    { "float", bi_float, NULL },
    { "char", bi_char, NULL },
    { "bytes", bi_bytes, NULL },
    { "time", bi_time, NULL },
    { "is_int", bi_is_int, NULL },
    { "is_float", bi_is_float, NULL },
    { "is_string", bi_is_string, NULL },
    { "is_bool", bi_is_bool, NULL },
    { "is_char", bi_is_char, NULL },
    { "is_bytes", bi_is_bytes, NULL },
    { "is_array", bi_is_array, NULL },
    { "is_immutable_array", bi_is_immutable_array, NULL },
    { "is_map", bi_is_map, NULL },
    { "is_immutable_map", bi_is_immutable_map, NULL },
    { "is_iterable", bi_is_iterable, NULL },
    { "is_time", bi_is_time, NULL },
    { "is_error", bi_is_error, NULL },
    { "is_undefined", bi_is_undefined, NULL },
    { "is_function", bi_is_function, NULL },
    { "is_callable", bi_is_callable, NULL },
    { "type_name", bi_type_name, NULL },
    { "format", bi_format, NULL },
    { "range", bi_range, NULL },
};
const int tg_nbuiltins = (int)(sizeof tg_builtins / sizeof *tg_builtins);

/* ---- fmt ---- */

static int print_args(struct tg_vm *vm, struct tg_value *a, int n, const char *sep,
                      const char *end)
{
    buf_t s = BUF_INIT;
    for (int i = 0; i < n; i++) {
        if (i)
            buf_puts(&s, sep);
        tg_to_string(&s, a[i]);
    }
    buf_puts(&s, end);
    tg_vm_print(vm, s.data, s.len);
    buf_free(&s);
    return OK;
}

static int fmt_print(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)ret;
    return print_args(vm, a, n, "", "");
}

static int fmt_println(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)ret;
    return print_args(vm, a, n, "", "\n");
}

static int fmt_sprintf(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return format_args(vm, "user-function:sprintf", a, n, ret);
}

static int fmt_printf(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    struct tg_value s;
    if (format_args(vm, "user-function:printf", a, n, &s) != OK)
        return ERROR;
    tg_vm_print(vm, TG_STR(s)->data, TG_STR(s)->len);
    *ret = tg_undefined();
    return OK;
}

static const struct tg_builtin fmt_funcs[] = {
    { "print", fmt_print, NULL },
    { "printf", fmt_printf, NULL },
    { "println", fmt_println, NULL },
    { "sprintf", fmt_sprintf, NULL },
};

const struct tg_module tg_mod_fmt = { "fmt", fmt_funcs, TG_NELEMS(fmt_funcs), NULL, 0, NULL, 0, NULL };

/* Go Tengo's builtin-function objects are its global builtins (len,
 * append, …); what the stdlib modules hold are user-functions. */
bool tg_is_global_builtin(const struct tg_builtin *b)
{
    return b >= tg_builtins && b < tg_builtins + tg_nbuiltins;
}
