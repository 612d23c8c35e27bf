/* stdlib_text.h — the text module's regex builtins (stdlib_text_re.c),
 * listed in the module's table in stdlib_text.c. */
#ifndef TENGO_STDLIB_TEXT_H
#define TENGO_STDLIB_TEXT_H

#include "value.h"

int tg_text_re_match(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_re_find(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_re_replace(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_re_split(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);

#endif
