/* utf8.h — UTF-8 well-formedness, shared by JSON input/output and by
 * anything that must refuse text that is not UTF-8 (program code). */
#ifndef SELFHOST_UTF8_H
#define SELFHOST_UTF8_H

#include <stddef.h>

/* Length (2..4) of the well-formed multi-byte UTF-8 sequence at p (n bytes
 * available), or 0. Rejects overlong forms, surrogates and code points past
 * U+10FFFF. ASCII bytes are not sequences: callers test them first. */
size_t utf8_seq_len(const unsigned char *p, size_t n);
/* 1 when all n bytes of s are well-formed UTF-8. */
int utf8_valid(const char *s, size_t n);

#endif
