/* buf.h — the one growable byte buffer. data is always NUL-terminated
 * (one spare byte past len), so a buffer of text can be used as a C string.
 * Growth failure aborts (same policy as arena). */
#ifndef SELFHOST_BUF_H
#define SELFHOST_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data; /* NULL until first write; buf_cstr never returns NULL */
    size_t len;
    size_t cap;
} buf_t;

#define BUF_INIT { NULL, 0, 0 }

void buf_init(buf_t *b);
void buf_reserve(buf_t *b, size_t extra); /* room for extra more bytes */
void buf_append(buf_t *b, const void *data, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_cstr(const buf_t *b); /* "" when empty */
void buf_reset(buf_t *b);             /* len = 0, keeps memory */
void buf_free(buf_t *b);              /* releases memory, back to BUF_INIT */
/* Hands the data over to the caller (malloc'ed, NUL-terminated, never NULL)
 * and leaves the buffer empty. */
char *buf_steal(buf_t *b, size_t *len);

#endif
