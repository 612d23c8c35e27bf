/* arena.c — region allocator behind arena.h.
 * Chunk-sized blocks are linked newest-first and allocations bump a pointer
 * in the newest one. A request bigger than a chunk gets a block of its own
 * on a separate list, so it never wastes the rest of the current chunk.
 * The very first chunk survives arena_reset: an arena reused across
 * requests then rarely goes back to malloc. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_DEFAULT_CHUNK (16u * 1024u)
#define ARENA_ALIGN alignof(max_align_t)

struct block {
    struct block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct block *chunks; /* newest first; the last one is the first chunk */
    struct block *big;    /* one block per oversized request */
    size_t chunk;
    size_t used;          /* bytes handed out, as requested */
};

static void arena_oom(size_t size)
{
    fprintf(stderr, "arena: out of memory allocating %zu bytes\n", size);
    abort();
}

static size_t align_up(size_t n)
{
    if (n > SIZE_MAX - (ARENA_ALIGN - 1))
        arena_oom(n);
    return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static struct block *block_new(size_t size, struct block *next)
{
    if (size > SIZE_MAX - sizeof(struct block))
        arena_oom(size);
    struct block *b = malloc(sizeof(struct block) + size);
    if (!b)
        arena_oom(size);
    b->next = next;
    b->size = size;
    b->used = 0;
    return b;
}

/* Frees blocks from b up to (not including) stop. */
static void blocks_free(struct block *b, const struct block *stop)
{
    while (b && b != stop) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
}

arena_t *arena_new(size_t chunk)
{
    arena_t *a = malloc(sizeof *a);
    if (!a)
        arena_oom(sizeof *a);
    a->chunk = align_up(chunk ? chunk : ARENA_DEFAULT_CHUNK);
    a->chunks = block_new(a->chunk, NULL);
    a->big = NULL;
    a->used = 0;
    return a;
}

void *arena_alloc(arena_t *a, size_t size)
{
    size_t need = align_up(size);
    a->used += size;
    if (need > a->chunk) {
        a->big = block_new(need, a->big);
        a->big->used = need;
        return a->big->data;
    }
    if (a->chunks->size - a->chunks->used < need)
        a->chunks = block_new(a->chunk, a->chunks);
    void *p = a->chunks->data + a->chunks->used;
    a->chunks->used += need;
    return p;
}

void *arena_calloc(arena_t *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        arena_oom(SIZE_MAX);
    void *p = arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
    return arena_strndup(a, s, SIZE_MAX);
}

char *arena_vsprintf(arena_t *a, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(again);
        fprintf(stderr, "arena: bad format string \"%s\"\n", fmt);
        abort();
    }
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, again);
    va_end(again);
    return p;
}

char *arena_sprintf(arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_used(const arena_t *a)
{
    return a->used;
}

void arena_reset(arena_t *a)
{
    struct block *first = a->chunks;
    while (first->next)
        first = first->next;
    blocks_free(a->chunks, first);
    blocks_free(a->big, NULL);
    first->used = 0;
    a->chunks = first;
    a->big = NULL;
    a->used = 0;
}

void arena_free(arena_t *a)
{
    if (!a)
        return;
    blocks_free(a->chunks, NULL);
    blocks_free(a->big, NULL);
    free(a);
}
