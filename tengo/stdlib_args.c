/* stdlib_args.c — argument conversion and errors for the stdlib modules
 * (see stdlib_args.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "stdlib_args.h"

#include "literal.h"
#include "vm.h"

static const char *const ordinals[] = { "first", "second", "third",  "fourth",
                                        "fifth", "sixth",  "seventh" };

int tg_arg_count_error(struct tg_vm *vm, const char *fn)
{
    return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:%s'", fn);
}

int tg_arg_type_error(struct tg_vm *vm, const char *fn, int idx, const char *want,
                      struct tg_value found)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, found);
    tg_vm_errorf(vm,
                 "invalid type for argument '%s' in call to 'user-function:%s': expected %s, "
                 "found %s",
                 idx < 7 ? ordinals[idx] : "?", fn, want, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

int tg_arg_named_error(struct tg_vm *vm, const char *fn, const char *name, const char *want,
                       const char *found)
{
    return tg_vm_errorf(vm,
                        "invalid type for argument '%s' in call to 'user-function:%s': expected "
                        "%s, found %s",
                        name, fn, want, found);
}

int tg_arg_named_type_error(struct tg_vm *vm, const char *fn, const char *name, const char *want,
                            struct tg_value found)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, found);
    tg_arg_named_error(vm, fn, name, want, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

bool tg_to_int(struct tg_value v, int64_t *out)
{
    switch ((enum tg_type)v.type) {
    case TG_INT: *out = v.u.i; return true;
    case TG_FLOAT:
        if (!(v.u.f > -9223372036854775808.0 && v.u.f < 9223372036854775808.0))
            *out = INT64_MIN; /* Go's conversion of out-of-range floats on amd64 */
        else
            *out = (int64_t)v.u.f;
        return true;
    case TG_CHAR: *out = v.u.c; return true;
    case TG_BOOL: *out = v.u.b; return true;
    case TG_STRING: {
        int64_t x;
        if (tg_go_parse_int(TG_STR(v)->data, TG_STR(v)->len, 10, 64, &x) != 0)
            return false; /* Go Tengo's ToInt: strconv.ParseInt(s, 10, 64) */
        *out = x;
        return true;
    }
    default: return false;
    }
}

bool tg_to_float(struct tg_value v, double *out)
{
    if (v.type == TG_INT) {
        *out = (double)v.u.i;
        return true;
    }
    if (v.type == TG_FLOAT) {
        *out = v.u.f;
        return true;
    }
    return false;
}

int tg_arg_float(struct tg_vm *vm, const char *fn, const struct tg_value *a, int idx, double *out)
{
    if (!tg_to_float(a[idx], out))
        return tg_arg_type_error(vm, fn, idx, "float(compatible)", a[idx]);
    return OK;
}

int tg_arg_int(struct tg_vm *vm, const char *fn, const struct tg_value *a, int idx, int64_t *out)
{
    if (!tg_to_int(a[idx], out))
        return tg_arg_type_error(vm, fn, idx, "int(compatible)", a[idx]);
    return OK;
}

int tg_arg_string(struct tg_vm *vm, const char *fn, const struct tg_value *a, int idx, buf_t *out)
{
    if (!tg_to_string(out, a[idx]))
        return tg_arg_type_error(vm, fn, idx, "string(compatible)", a[idx]);
    return OK;
}
