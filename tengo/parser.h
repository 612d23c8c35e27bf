/* parser.h — Tengo source to syntax tree (ast.h), with Tengo's syntax error
 * messages and recovery, so that a program gets the same "Parse Error"
 * text as with Tengo itself:
 *
 *     Parse Error: expected ';', found ')'
 *     	at file.tengo:3:10 (and 2 more errors)
 *
 * Unlike Tengo, nesting is limited (TG_MAX_DEPTH levels of blocks, nested
 * expressions and operator/call/index chains), so that a hostile source
 * cannot exhaust the stack of the parser or of anything walking the tree:
 *     Parse Error: nesting too deep (more than 1024 levels)
 */
#ifndef TENGO_PARSER_H
#define TENGO_PARSER_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"

#define TG_MAX_DEPTH 1024

struct tg_error {
    struct tg_pos pos;
    const char *msg; /* "expected ';', found ')'" */
};

/* Sorted by position (then message), as Tengo sorts them. */
struct tg_error_list {
    const char *filename;
    struct tg_error *items;
    size_t len;
};

/* Parses src (len bytes, any content) into *out. Returns OK, or ERROR with
 * *out = NULL and the errors in *errors (at least one). filename is used in
 * messages only (Tengo's CLI passes the base name, scripts "(main)"). All
 * memory, tree and errors, comes from the arena. */
int tg_parse(arena_t *a, const char *filename, const char *src, size_t len, struct tg_file **out,
             struct tg_error_list *errors);

/* "Parse Error: MSG\n\tat FILE:LINE:COL" (Go's parser.Error.Error()). */
char *tg_error_string(arena_t *a, const char *filename, const struct tg_error *e);
/* The first error, plus " (and N more errors)" when there are more
 * (Go's parser.ErrorList.Error()); "no errors" for an empty list. */
char *tg_error_list_string(arena_t *a, const struct tg_error_list *errors);

#endif
