/* unicode.h — the few Unicode properties the Tengo scanner needs, as Go
 * defines them: unicode.IsLetter (category L), unicode.IsDigit (Nd) and
 * strconv.IsPrint (L, M, N, P, S and the ASCII space). The table is
 * generated (gen_unicode_tables.py); lookups are a binary search. */
#ifndef TENGO_UNICODE_H
#define TENGO_UNICODE_H

#include <stddef.h>
#include <stdint.h>

enum tg_uc_class { TG_UC_OTHER = 0, TG_UC_LETTER, TG_UC_DIGIT, TG_UC_PRINT };

struct tg_uc_range {
    uint32_t lo, hi;
    enum tg_uc_class cls;
};

extern const struct tg_uc_range tg_uc_ranges[];
extern const unsigned tg_uc_nranges;

/* Class of any code point (ASCII included; negative or > U+10FFFF: OTHER). */
enum tg_uc_class tg_uc_class(int32_t cp);
int tg_uc_is_letter(int32_t cp); /* Go's isLetter of the scanner: a-z A-Z _ or L */
int tg_uc_is_digit(int32_t cp);  /* 0-9 or Nd */
int tg_uc_is_print(int32_t cp);  /* Go's strconv.IsPrint */
/* UTF-8 encoding of cp (a valid code point) into out (4 bytes); returns length. */
int tg_utf8_encode(int32_t cp, char out[4]);
/* Decodes the well-formed sequence at p (n >= 1 bytes available). Returns the
 * code point and sets *w to its length; on an ill-formed sequence returns
 * U+FFFD with *w = 1 (Go's utf8.DecodeRune). */
int32_t tg_utf8_decode(const unsigned char *p, size_t n, size_t *w);

#endif
