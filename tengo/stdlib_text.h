/* stdlib_text.h — the parts of the text module that live in their own
 * files and are listed in the module's table in stdlib_text.c: the
 * strconv functions (stdlib_text_conv.c), the regex functions and the
 * compiled patterns they share with regexp objects (stdlib_text_re.c),
 * and re_compile with its regexp objects (stdlib_text_regexp.c). */
#ifndef TENGO_STDLIB_TEXT_H
#define TENGO_STDLIB_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "value.h"

/* stdlib_text_conv.c: Go's strconv over Tengo values */
int tg_text_atoi(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_format_bool(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_format_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_format_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_itoa(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_parse_bool(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_parse_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_parse_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_quote(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_unquote(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);

/* stdlib_text_re.c: re_match(pattern, text), re_find, re_replace, re_split */
int tg_text_re_match(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_re_find(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_re_replace(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);
int tg_text_re_split(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);

/* A compiled pattern (PCRE2 behind Go's regexp semantics). */
struct tg_re;
/* NULL with *err set to Tengo's error value ("error parsing regexp: …"). */
struct tg_re *tg_re_compile(struct tg_vm *vm, const char *pat, size_t len, struct tg_value *err);
void tg_re_free(struct tg_re *r);
/* Bytes held, for the VM's memory limit. */
size_t tg_re_size(const struct tg_re *r);
/* Go's MatchString, FindAllStringSubmatchIndex (count < 0: all) as Tengo's
 * arrays of {text, begin, end} maps (undefined when none), ReplaceAllString
 * with Expand templates, and Split (count < 0: all). OK with *ret set, or
 * ERROR with the message in vm (string size limit). */
int tg_re_match_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t n,
                   struct tg_value *ret);
int tg_re_find_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t n, int64_t count,
                  struct tg_value *ret);
int tg_re_replace_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t n,
                     const char *tpl, size_t tn, struct tg_value *ret);
int tg_re_split_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t len,
                   int64_t count, struct tg_value *ret);

/* stdlib_text_regexp.c: re_compile(pattern) => regexp object / error */
int tg_text_re_compile(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret);

#endif
