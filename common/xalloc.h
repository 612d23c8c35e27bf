/* xalloc.h — the one allocator for long-lived memory: malloc and friends
 * that never return NULL. An allocation failure ends the process at once
 * with a line on stderr (as arena.c and buf.c already do), because no
 * caller here can do anything better with it and an unchecked NULL is a
 * crash at a worse place. A zero size is taken as one byte, so that the
 * result is always a pointer that can be freed. Request memory still
 * comes from the request's arena. */
#ifndef SELFHOST_XALLOC_H
#define SELFHOST_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size); /* also aborts when n * size overflows */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* For a process that allocates and frees objects by the hundred thousand
 * (a Tengo VM: its collector frees them in bursts):
 * - blocks up to 4 MB come from the heap, not each from a mapping of its
 *   own that costs a page fault per page every time (glibc's default
 *   threshold, 128 kB, moves only after a mapped block is freed: text
 *   built by + pays it at every step); free memory at the heap's top is
 *   given back to the system beyond 8 MB;
 * - no fastbins: every free of 64 kB or more (a grown array's old store)
 *   otherwise walks and merges all the small blocks a sweep left there
 *   (malloc_consolidate), while the per-thread cache still serves small
 *   sizes at once.
 * Process-wide, idempotent, thread-safe. */
void xalloc_tune_churn(void);
/* The message and abort(); for callers with an allocation of their own. */
void xalloc_fail(const char *what, size_t n) __attribute__((noreturn));

#endif
