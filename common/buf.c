/* buf.c — the growable byte buffer behind buf.h.
 * Capacity doubles so n appends cost O(n) overall; one byte past len is
 * always kept for the NUL so data can be handed to C string functions. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP 64

static void buf_oom(size_t size)
{
    fprintf(stderr, "buf: out of memory growing to %zu bytes\n", size);
    abort();
}

void buf_init(buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_reserve(buf_t *b, size_t extra)
{
    if (extra > SIZE_MAX - 1 - b->len)
        buf_oom(SIZE_MAX);
    size_t need = b->len + extra + 1; /* + NUL */
    if (need <= b->cap)
        return;
    size_t cap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        buf_oom(cap);
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
}

void buf_append(buf_t *b, const void *data, size_t n)
{
    if (n == 0)
        return;
    buf_reserve(b, n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(buf_t *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    size_t room = b->cap ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    if (n < 0) {
        va_end(again);
        fprintf(stderr, "buf: bad format string \"%s\"\n", fmt);
        abort();
    }
    if ((size_t)n >= room) { /* did not fit (or nothing allocated yet) */
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *buf_cstr(const buf_t *b)
{
    return b->data ? b->data : "";
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(buf_t *b)
{
    free(b->data);
    buf_init(b);
}

char *buf_steal(buf_t *b, size_t *len)
{
    char *p = b->data;
    if (!p) {
        p = malloc(1);
        if (!p)
            buf_oom(1);
        p[0] = '\0';
    }
    if (len)
        *len = b->len;
    buf_init(b);
    return p;
}
