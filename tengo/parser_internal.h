/* parser_internal.h — what parser.c, parser_expr.c and parser_stmt.c share:
 * the parser state, token movement, error reporting with Tengo's recovery
 * rules, and growable node lists in the arena. */
#ifndef TENGO_PARSER_INTERNAL_H
#define TENGO_PARSER_INTERNAL_H

#include <setjmp.h>
#include <stdint.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"

struct tg_parser {
    arena_t *arena;
    struct tg_lexer lx;
    const char *filename;

    /* current token */
    enum tg_token tok;
    const char *lit;
    size_t lit_len;
    struct tg_pos pos;

    struct tg_error *errors;
    size_t nerrors, cap_errors;

    int64_t sync_pos; /* last synchronisation offset of advance() */
    int sync_count;   /* advance() calls without progress */
    int depth;
    jmp_buf bail; /* too many errors or too deep: stop parsing */
};

/* A list being built. */
struct tgp_vec {
    void *items;
    uint32_t len, cap;
};

void tgp_next(struct tg_parser *p);
void tgp_error(struct tg_parser *p, struct tg_pos pos, const char *msg);
void tgp_error_expected(struct tg_parser *p, struct tg_pos pos, const char *what);
struct tg_pos tgp_expect(struct tg_parser *p, enum tg_token tok);
void tgp_expect_semi(struct tg_parser *p);
void tgp_advance(struct tg_parser *p);
void tgp_enter(struct tg_parser *p);
void tgp_leave(struct tg_parser *p, int levels);
int tgp_lit_is(const struct tg_parser *p, const char *s);

/* Appends *elem (elem_size bytes) to v. */
void tgp_push(struct tg_parser *p, struct tgp_vec *v, const void *elem, size_t elem_size);
void tgp_push_node(struct tg_parser *p, struct tgp_vec *v, struct tg_node *n);
struct tg_node_list tgp_node_list(const struct tgp_vec *v);

struct tg_node *tgp_parse_expr(struct tg_parser *p);
void tgp_parse_expr_list(struct tg_parser *p, struct tgp_vec *out);
struct tg_node *tgp_parse_ident(struct tg_parser *p);
struct tg_node *tgp_parse_block(struct tg_parser *p);
struct tg_node_list tgp_parse_stmt_list(struct tg_parser *p);
struct tg_node *tgp_bad_expr(struct tg_parser *p, struct tg_pos from, struct tg_pos to);

#endif
