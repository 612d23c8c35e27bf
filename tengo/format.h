/* format.h — Tengo's Format (formatting.go): Go's fmt verbs applied to
 * Tengo values, used by the builtin format() and fmt.printf/sprintf; and
 * Go's strconv.Quote, used by %q and text.quote. */
#ifndef TENGO_FORMAT_H
#define TENGO_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "value.h"

/* Appends the formatted text to out (never fails: bad verbs and
 * arguments are reported inline, Go's way: %!d(string=hi)). */
void tg_format(buf_t *out, const char *fmt, size_t len, const struct tg_value *args, int nargs);
/* Go's strconv.Quote (ascii: QuoteToASCII) of s[0..n). */
void tg_go_quote(buf_t *out, const char *s, size_t n, bool ascii);
/* Go's strconv.QuoteRune (ascii: QuoteRuneToASCII). */
void tg_go_quote_rune(buf_t *out, int32_t r, bool ascii);
/* Go's strconv.FormatFloat(v, verb, prec, 64) for verbs e E f g G (prec
 * -1: shortest). */
void tg_go_format_float(buf_t *out, double v, char verb, int prec);

#endif
