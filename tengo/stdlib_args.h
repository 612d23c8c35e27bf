/* stdlib_args.h — argument checks shared by the stdlib modules, with
 * Tengo's conversions (ToInt, ToFloat64, ToString, ToBool) and its error
 * messages for user functions ("… in call to 'user-function:NAME'"). */
#ifndef TENGO_STDLIB_ARGS_H
#define TENGO_STDLIB_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "value.h"

struct tg_vm;

/* ERROR: "wrong number of arguments in call to 'user-function:FN'". */
int tg_arg_count_error(struct tg_vm *vm, const char *fn);
/* ERROR: "invalid type for argument 'first' in call to …: expected WANT, found TYPE". */
int tg_arg_type_error(struct tg_vm *vm, const char *fn, int idx, const char *want,
                      struct tg_value found);
/* ERROR: "invalid type for argument 'NAME' in call to 'user-function:FN':
 * expected WANT, found FOUND" (Tengo's ErrInvalidArgumentType with a named
 * argument, as the selfhost modules raise it). */
int tg_arg_named_error(struct tg_vm *vm, const char *fn, const char *name, const char *want,
                       const char *found);
/* The same with FOUND the type name of found ("int", "builtin-function:len"). */
int tg_arg_named_type_error(struct tg_vm *vm, const char *fn, const char *name, const char *want,
                            struct tg_value found);
/* a[idx] converted Tengo's way, or ERROR with the message recorded. */
int tg_arg_float(struct tg_vm *vm, const char *fn, const struct tg_value *a, int idx, double *out);
int tg_arg_int(struct tg_vm *vm, const char *fn, const struct tg_value *a, int idx, int64_t *out);
/* Appends ToString(a[idx]) to out (which the caller frees). */
int tg_arg_string(struct tg_vm *vm, const char *fn, const struct tg_value *a, int idx, buf_t *out);
/* Tengo's ToInt / ToFloat64 (false when not convertible). */
bool tg_to_int(struct tg_value v, int64_t *out);
bool tg_to_float(struct tg_value v, double *out);

#endif
