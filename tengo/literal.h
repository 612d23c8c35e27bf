/* literal.h — values of Tengo's literal tokens, decoded with the rules of
 * Go's strconv (which Tengo uses): ParseInt, ParseFloat(s, 64),
 * UnquoteChar and Unquote. Each returns 0, or -1 when Go would fail. */
#ifndef TENGO_LITERAL_H
#define TENGO_LITERAL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Go's strconv.ParseInt(s, base, bits): 0 ok, 1 syntax (*out 0), 2 range
 * (*out clamped, as Go's), 3 bad base, 4 bad bit size. Base 0 reads
 * 0x/0o/0b/0 prefixes and '_' between digits. */
int tg_go_parse_int(const char *s, size_t n, int64_t base, int64_t bits, int64_t *out);
/* Go's strconv.ParseFloat(s, 64): decimal or hexadecimal (0x…p…), a sign,
 * inf/infinity/nan, '_' between digits. -1 on bad syntax (*out 0) and on
 * overflow (*out ±Inf, as Go's; underflow gives 0 or a denormal). */
int tg_parse_float(const char *s, size_t n, double *out);
/* The first character of s (n bytes), possibly an escape, inside quotes
 * `quote`. Sets *value and *used (bytes consumed). */
int tg_unquote_char(const char *s, size_t n, char quote, int32_t *value, size_t *used);
/* A whole "…" or `…` literal to its bytes (arena copy, NUL-terminated;
 * may contain NULs, hence *len). */
int tg_unquote(arena_t *a, const char *lit, size_t n, char **out, size_t *len);

#endif
