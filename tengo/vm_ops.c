/* vm_ops.c — Tengo's operators, indexing and slicing (each type's
 * BinaryOp, IndexGet and IndexSet in objects.go, indexAssign and the slice
 * rules of vm.go). Integers wrap like Go's int64; shifts take the count as
 * an unsigned 64-bit number (Go's uint64(x)), so a negative count shifts
 * everything out; integer division by zero is the runtime error "division
 * by zero" (where Go would panic). */
#include <string.h>

#include "status.h"
#include "token.h"
#include "unicode.h"
#include "vm.h"

struct tg_value tg_make_string(struct tg_vm *vm, const char *s, size_t len)
{
    return tg_obj_value(tg_string_new(&vm->heap, s, len));
}

static int invalid_op(struct tg_vm *vm, int tok, struct tg_value a, struct tg_value b)
{
    buf_t ta = BUF_INIT, tb = BUF_INIT;
    tg_type_name(&ta, a);
    tg_type_name(&tb, b);
    tg_vm_errorf(vm, "invalid operation: %s %s %s", buf_cstr(&ta), tg_token_str((enum tg_token)tok),
                 buf_cstr(&tb));
    buf_free(&ta);
    buf_free(&tb);
    return ERROR;
}

static int compare(int tok, double d, struct tg_value *res)
{
    /* d: sign of a - b, or NaN when unordered */
    bool r;
    switch (tok) {
    case TK_LESS: r = d < 0; break;
    case TK_GREATER: r = d > 0; break;
    case TK_LESS_EQ: r = d <= 0; break;
    case TK_GREATER_EQ: r = d >= 0; break;
    default: return 1;
    }
    *res = tg_bool(r);
    return OK;
}

static double cmp_i(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static double cmp_f(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : a == b ? 0 : (0.0 / 0.0);
}

static int int_op(struct tg_vm *vm, int tok, int64_t a, int64_t b, struct tg_value *res)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (tok) {
    case TK_ADD: *res = tg_int((int64_t)(ua + ub)); return OK;
    case TK_SUB: *res = tg_int((int64_t)(ua - ub)); return OK;
    case TK_MUL: *res = tg_int((int64_t)(ua * ub)); return OK;
    case TK_QUO:
        if (b == 0)
            return tg_vm_errorf(vm, "division by zero");
        *res = tg_int(b == -1 ? (int64_t)(0 - ua) : a / b);
        return OK;
    case TK_REM:
        if (b == 0)
            return tg_vm_errorf(vm, "division by zero");
        *res = tg_int(b == -1 ? 0 : a % b);
        return OK;
    case TK_AND: *res = tg_int(a & b); return OK;
    case TK_OR: *res = tg_int(a | b); return OK;
    case TK_XOR: *res = tg_int(a ^ b); return OK;
    case TK_AND_NOT: *res = tg_int(a & ~b); return OK;
    case TK_SHL: *res = tg_int(ub >= 64 ? 0 : (int64_t)(ua << ub)); return OK;
    case TK_SHR:
        *res = tg_int(ub >= 64 ? (a < 0 ? -1 : 0) : (a < 0 ? ~(~a >> ub) : a >> ub));
        return OK;
    default:
        return compare(tok, cmp_i(a, b), res);
    }
}

static int float_op(int tok, double a, double b, struct tg_value *res)
{
    switch (tok) {
    case TK_ADD: *res = tg_float(a + b); return OK;
    case TK_SUB: *res = tg_float(a - b); return OK;
    case TK_MUL: *res = tg_float(a * b); return OK;
    case TK_QUO: *res = tg_float(a / b); return OK;
    default: return compare(tok, cmp_f(a, b), res);
    }
}

static int char_op(int tok, int32_t a, int64_t b, struct tg_value *res)
{
    switch (tok) {
    case TK_ADD: *res = tg_char((int32_t)((uint32_t)a + (uint32_t)b)); return OK;
    case TK_SUB: *res = tg_char((int32_t)((uint32_t)a - (uint32_t)b)); return OK;
    default: return compare(tok, cmp_i(a, b), res);
    }
}

static int concat(struct tg_vm *vm, const char *a, size_t na, const char *b,
                  size_t nb, struct tg_value *res)
{
    if (na + nb > TG_MAX_STRING_LEN)
        return tg_vm_errorf(vm, "exceeding string size limit");
    struct tg_string *s = tg_string_new(&vm->heap, NULL, na + nb);
    if (na)
        memcpy(s->data, a, na);
    if (nb)
        memcpy(s->data + na, b, nb);
    *res = tg_obj_value(s);
    return OK;
}

int tg_binary_op(struct tg_vm *vm, int tok, struct tg_value a, struct tg_value b,
                 struct tg_value *res)
{
    int rc = 1; /* 1: no such operator for these types */
    bool addsub = tok == TK_ADD || tok == TK_SUB;
    switch ((enum tg_type)a.type) {
    case TG_INT:
        if (b.type == TG_INT)
            rc = int_op(vm, tok, a.u.i, b.u.i, res);
        else if (b.type == TG_FLOAT)
            rc = float_op(tok, (double)a.u.i, b.u.f, res);
        else if (b.type == TG_CHAR)
            rc = addsub ? char_op(tok, (int32_t)a.u.i, b.u.c, res)
                        : compare(tok, cmp_i(a.u.i, b.u.c), res);
        break;
    case TG_FLOAT:
        if (b.type == TG_FLOAT)
            rc = float_op(tok, a.u.f, b.u.f, res);
        else if (b.type == TG_INT)
            rc = float_op(tok, a.u.f, (double)b.u.i, res);
        break;
    case TG_CHAR:
        if (b.type == TG_CHAR)
            rc = char_op(tok, a.u.c, b.u.c, res);
        else if (b.type == TG_INT)
            rc = addsub ? char_op(tok, a.u.c, b.u.i, res) : compare(tok, cmp_i(a.u.c, b.u.i), res);
        break;
    case TG_STRING:
        if (tok == TK_ADD) {
            if (b.type == TG_STRING)
                return concat(vm, TG_STR(a)->data, TG_STR(a)->len, TG_STR(b)->data,
                              TG_STR(b)->len, res);
            buf_t s = BUF_INIT;
            tg_value_string(&s, b);
            rc = concat(vm, TG_STR(a)->data, TG_STR(a)->len, s.data, s.len, res);
            buf_free(&s);
            return rc;
        }
        if (b.type == TG_STRING && tok >= TK_LAND) {
            size_t n = TG_STR(a)->len < TG_STR(b)->len ? TG_STR(a)->len : TG_STR(b)->len;
            int c = memcmp(TG_STR(a)->data, TG_STR(b)->data, n);
            if (c == 0)
                c = TG_STR(a)->len < TG_STR(b)->len ? -1 : TG_STR(a)->len > TG_STR(b)->len;
            rc = compare(tok, c, res);
        }
        break;
    case TG_BYTES:
        if (tok == TK_ADD && b.type == TG_BYTES) {
            /* Go's append(a, b...): into a's spare capacity when b fits */
            if ((size_t)TG_STR(a)->len + TG_STR(b)->len > TG_MAX_STRING_LEN)
                return tg_vm_errorf(vm, "exceeding bytes size limit");
            *res = tg_obj_value(
                tg_bytes_append(&vm->heap, TG_STR(a), TG_STR(b)->data, TG_STR(b)->len));
            return OK;
        }
        break;
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY:
        if (tok == TK_ADD && b.type == TG_ARRAY) {
            /* Go's append(x, y...): x's store while y fits in its capacity;
             * an array x itself when y is empty */
            struct tg_array *x = TG_ARR(a), *y = TG_ARR(b);
            *res = y->len || a.type != TG_ARRAY
                       ? tg_obj_value(tg_array_append(&vm->heap, x, y->items, y->len))
                       : a;
            return OK;
        }
        break;
    case TG_TIME:
        if (b.type == TG_INT && addsub) {
            /* time ± int (nanoseconds) => time, in the same zone */
            const struct tg_time *t = TG_TIMEV(a);
            int64_t d = tok == TK_ADD ? b.u.i : (int64_t)(0 - (uint64_t)b.u.i);
            *res = d == 0 ? a : tg_obj_value(tg_time_add(&vm->heap, t, d));
            return OK;
        }
        if (b.type == TG_TIME) {
            int64_t d = tg_time_sub(TG_TIMEV(a), TG_TIMEV(b));
            if (tok == TK_SUB) {
                *res = tg_int(d);
                return OK;
            }
            rc = compare(tok, cmp_i(d, 0), res);
        }
        break;
    default:
        break;
    }
    if (rc != 1)
        return rc;
    return invalid_op(vm, tok, a, b);
}

/* The i-th rune of s (Go's []rune(s)[i]), or -1 when out of range. */
static int32_t string_rune_at(const struct tg_string *s, int64_t i)
{
    if (i < 0)
        return -1;
    size_t off = 0;
    for (int64_t k = 0; off < s->len; k++) {
        size_t size;
        int32_t r = tg_utf8_decode((const unsigned char *)s->data + off, s->len - off, &size);
        if (k == i)
            return r;
        off += size;
    }
    return -1;
}

static int index_type_error(struct tg_vm *vm, struct tg_value idx)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, idx);
    tg_vm_errorf(vm, "invalid index type: %s", buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

/* Map keys: Tengo's ToString (any value but undefined). */
static bool key_of(struct tg_value idx, buf_t *tmp, const char **k, size_t *n)
{
    if (idx.type == TG_STRING) {
        *k = TG_STR(idx)->data;
        *n = TG_STR(idx)->len;
        return true;
    }
    if (!tg_to_string(tmp, idx))
        return false;
    *k = buf_cstr(tmp);
    *n = tmp->len;
    return true;
}

/* rc: OK, ERROR (message set), or 1 for "not indexable" (the caller words it). */
static int index_get(struct tg_vm *vm, struct tg_value x, struct tg_value idx, struct tg_value *res)
{
    *res = tg_undefined();
    switch ((enum tg_type)x.type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY:
        if (idx.type != TG_INT)
            return index_type_error(vm, idx);
        if (idx.u.i >= 0 && idx.u.i < TG_ARR(x)->len)
            *res = TG_ARR(x)->items[idx.u.i];
        return OK;
    case TG_BYTES:
        if (idx.type != TG_INT)
            return index_type_error(vm, idx);
        if (idx.u.i >= 0 && idx.u.i < TG_STR(x)->len)
            *res = tg_int((unsigned char)TG_STR(x)->data[idx.u.i]);
        return OK;
    case TG_STRING: {
        if (idx.type != TG_INT)
            return index_type_error(vm, idx);
        int32_t r = string_rune_at(TG_STR(x), idx.u.i);
        if (r >= 0)
            *res = tg_char(r);
        return OK;
    }
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        buf_t tmp = BUF_INIT;
        const char *k;
        size_t n;
        if (!key_of(idx, &tmp, &k, &n))
            return index_type_error(vm, idx);
        struct tg_value *v = tg_map_get(TG_MAPV(x), k, n);
        if (v)
            *res = *v;
        buf_free(&tmp);
        return OK;
    }
    case TG_UNDEFINED:
        return OK;
    case TG_ERROR: {
        buf_t tmp = BUF_INIT;
        bool ok = tg_to_string(&tmp, idx) && strcmp(buf_cstr(&tmp), "value") == 0;
        buf_free(&tmp);
        if (!ok)
            return tg_vm_errorf(vm, "invalid index on error");
        *res = ((struct tg_error_obj *)x.u.o)->value;
        return OK;
    }
    default:
        return 1;
    }
}

static int not_indexable(struct tg_vm *vm, struct tg_value v)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, v);
    tg_vm_errorf(vm, "not indexable: %s", buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

int tg_index_get(struct tg_vm *vm, struct tg_value x, struct tg_value idx, struct tg_value *res)
{
    int rc = index_get(vm, x, idx, res);
    if (rc == 1) /* Tengo names the index's type here, not the value's */
        return not_indexable(vm, idx);
    return rc;
}

int tg_index_assign(struct tg_vm *vm, struct tg_value dst, struct tg_value val,
                    const struct tg_value *sel, int nsel)
{
    for (int i = nsel - 1; i > 0; i--) {
        struct tg_value next;
        int rc = index_get(vm, dst, sel[i], &next);
        if (rc == 1)
            return not_indexable(vm, dst);
        if (rc != OK)
            return ERROR;
        dst = next;
    }
    struct tg_value idx = sel[0];
    if (dst.type == TG_ARRAY) {
        if (idx.type != TG_INT)
            return tg_vm_errorf(vm, "invalid index type");
        if (idx.u.i < 0 || idx.u.i >= TG_ARR(dst)->len)
            return tg_vm_errorf(vm, "index out of bounds");
        TG_ARR(dst)->items[idx.u.i] = val;
        return OK;
    }
    if (dst.type == TG_MAP) {
        if (idx.type == TG_STRING) {
            /* strings are immutable: a new entry keeps this one, uncopied */
            tg_map_set_key(TG_MAPV(dst), TG_STR(idx), val);
            return OK;
        }
        buf_t tmp = BUF_INIT;
        const char *k;
        size_t n;
        if (!key_of(idx, &tmp, &k, &n))
            return tg_vm_errorf(vm, "invalid index type");
        tg_map_set(&vm->heap, TG_MAPV(dst), k, n, val);
        buf_free(&tmp);
        return OK;
    }
    buf_t t = BUF_INIT;
    tg_type_name(&t, dst);
    tg_vm_errorf(vm, "not index-assignable: %s", buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

static int slice_index_type(struct tg_vm *vm, struct tg_value v)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, v);
    tg_vm_errorf(vm, "invalid slice index type: %s", buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

int tg_slice(struct tg_vm *vm, struct tg_value x, struct tg_value lo, struct tg_value hi,
             struct tg_value *res)
{
    int64_t l = 0, h, n;
    if (lo.type != TG_UNDEFINED) {
        if (lo.type != TG_INT) /* Go Tengo names a shadowed *Int here: always "int" */
            return tg_vm_errorf(vm, "invalid slice index type: int");
        l = lo.u.i;
    }
    switch ((enum tg_type)x.type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY:
        n = TG_ARR(x)->len;
        break;
    case TG_STRING:
    case TG_BYTES:
        n = TG_STR(x)->len;
        break;
    default: {
        buf_t t = BUF_INIT;
        tg_type_name(&t, x);
        tg_vm_errorf(vm, "not sliceable: %s", buf_cstr(&t));
        buf_free(&t);
        return ERROR;
    }
    }
    if (hi.type == TG_UNDEFINED)
        h = n;
    else if (hi.type == TG_INT)
        h = hi.u.i;
    else
        return slice_index_type(vm, hi);
    if (l > h)
        return tg_vm_errorf(vm, "invalid slice index: %lld > %lld", (long long)l, (long long)h);
    l = l < 0 ? 0 : l > n ? n : l;
    h = h < 0 ? 0 : h > n ? n : h;
    if (x.type == TG_STRING) {
        *res = tg_obj_value(tg_string_new(&vm->heap, TG_STR(x)->data + l, (size_t)(h - l)));
        return OK;
    }
    if (x.type == TG_BYTES) {
        /* Go's slice: the same store, capacity to its end */
        *res = tg_obj_value(tg_bytes_slice(&vm->heap, TG_STR(x), (uint32_t)l, (uint32_t)h));
        return OK;
    }
    /* Go's slice: the same store, capacity to its end (immutable arrays
     * too, as in Go Tengo: the slice is a mutable array on their store) */
    *res = tg_obj_value(tg_array_slice(&vm->heap, TG_ARR(x), (uint32_t)l, (uint32_t)h, TG_ARRAY));
    return OK;
}
