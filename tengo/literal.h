/* literal.h — values of Tengo's literal tokens, decoded with the rules of
 * Go's strconv (which Tengo uses): ParseInt(s, 0, 64), ParseFloat(s, 64),
 * UnquoteChar and Unquote. Each returns 0, or -1 when Go would fail. */
#ifndef TENGO_LITERAL_H
#define TENGO_LITERAL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Decimal, 0x hex, 0o / leading-0 octal, 0b binary; '_' between digits.
 * -1 on bad syntax and on values past INT64_MAX. */
int tg_parse_int(const char *s, size_t n, int64_t *out);
/* Decimal or hexadecimal (0x…p…) float; '_' between digits. -1 on bad
 * syntax and on overflow (underflow gives 0 or a denormal, as in Go). */
int tg_parse_float(const char *s, size_t n, double *out);
/* The first character of s (n bytes), possibly an escape, inside quotes
 * `quote`. Sets *value and *used (bytes consumed). */
int tg_unquote_char(const char *s, size_t n, char quote, int32_t *value, size_t *used);
/* A whole "…" or `…` literal to its bytes (arena copy, NUL-terminated;
 * may contain NULs, hence *len). */
int tg_unquote(arena_t *a, const char *lit, size_t n, char **out, size_t *len);

#endif
