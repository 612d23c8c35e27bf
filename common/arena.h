/* arena.h — a region allocator: many allocations, one release.
 * Each request in selfserv owns one arena; nothing allocated from it is
 * freed by hand. Allocation failure aborts the process (a responder that
 * cannot allocate a few KiB cannot answer anyway, and the pool restarts it). */
#ifndef SELFHOST_ARENA_H
#define SELFHOST_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena_t;

/* chunk: size of each backing block (0 picks a default of 16 KiB).
 * Requests larger than a chunk get a block of their own. */
arena_t *arena_new(size_t chunk);
/* Memory aligned for any type (max_align_t); never NULL. size 0 is valid. */
void *arena_alloc(arena_t *a, size_t size);
void *arena_calloc(arena_t *a, size_t n, size_t size); /* checks n*size overflow */
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n); /* copies at most n, always NUL-terminates */
char *arena_sprintf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vsprintf(arena_t *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Total bytes handed out since creation/reset, as requested (alignment
 * padding not counted; for tests and stats). */
size_t arena_used(const arena_t *a);
/* Releases every allocation but keeps the first block for reuse. */
void arena_reset(arena_t *a);
void arena_free(arena_t *a);

#endif
