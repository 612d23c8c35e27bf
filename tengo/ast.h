/* ast.h — the Tengo syntax tree, as the parser builds it and the compiler
 * reads it. One node struct for every kind, tagged by `kind`; the kinds and
 * fields mirror Tengo's Go AST (parser/expr.go, parser/stmt.go) so that the
 * compiler can follow Tengo's own compiler case by case.
 *
 * Every node and every string in the tree lives in the arena given to the
 * parser; the tree does not point into the source text. Strings are
 * NUL-terminated; string values may contain NULs (use the length).
 *
 * Positions: `pos` of every node is what Tengo's Node.Pos() returns, i.e.
 * where Tengo reports errors for the node (runtime errors use it too). It is
 * the first byte of the node's text, except that a unary expression reports
 * its operand's position (Tengo's quirk: "-x" is at x), which then carries
 * over to binary, conditional, assignment and expression statements that
 * start with one. The operator's own position is in the node's op_pos. */
#ifndef TENGO_AST_H
#define TENGO_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "lexer.h"
#include "token.h"

enum tg_node_kind {
    /* expressions */
    TG_BAD_EXPR,       /* only in trees of sources with errors (never returned) */
    TG_IDENT,          /* ident */
    TG_INT_LIT,        /* int_lit */
    TG_FLOAT_LIT,      /* float_lit */
    TG_CHAR_LIT,       /* char_lit */
    TG_STRING_LIT,     /* string_lit */
    TG_BOOL_LIT,       /* bool_lit */
    TG_UNDEFINED_LIT,  /* (no fields) */
    TG_ARRAY_LIT,      /* array_lit */
    TG_MAP_LIT,        /* map_lit */
    TG_FUNC_LIT,       /* func_lit */
    TG_UNARY_EXPR,     /* unary */
    TG_BINARY_EXPR,    /* binary */
    TG_COND_EXPR,      /* cond */
    TG_PAREN_EXPR,     /* paren */
    TG_SELECTOR_EXPR,  /* selector */
    TG_INDEX_EXPR,     /* index */
    TG_SLICE_EXPR,     /* slice */
    TG_CALL_EXPR,      /* call */
    TG_IMPORT_EXPR,    /* import_expr */
    TG_ERROR_EXPR,     /* wrap */
    TG_IMMUTABLE_EXPR, /* wrap */
    /* statements */
    TG_BAD_STMT,       /* only in trees of sources with errors */
    TG_EMPTY_STMT,     /* empty */
    TG_EXPR_STMT,      /* expr_stmt */
    TG_ASSIGN_STMT,    /* assign */
    TG_INC_DEC_STMT,   /* inc_dec */
    TG_RETURN_STMT,    /* return_stmt */
    TG_EXPORT_STMT,    /* export_stmt */
    TG_BRANCH_STMT,    /* branch */
    TG_BLOCK_STMT,     /* block */
    TG_IF_STMT,        /* if_stmt */
    TG_FOR_STMT,       /* for_stmt */
    TG_FOR_IN_STMT,    /* for_in */
    TG_NODE_KIND_COUNT
};

struct tg_node;

struct tg_node_list {
    struct tg_node **items;
    uint32_t len;
};

struct tg_map_elem {
    const char *key; /* the identifier, or the unquoted string */
    uint32_t key_len;
    struct tg_pos key_pos;
    struct tg_pos colon_pos;
    struct tg_node *value;
};

struct tg_node {
    enum tg_node_kind kind;
    struct tg_pos pos; /* Tengo's Node.Pos() (see the top of this file) */
    union {
        struct {
            const char *name;
            uint32_t len;
        } ident;
        struct {
            int64_t value;
            const char *lit; /* source text, e.g. "0x1F" */
        } int_lit;
        struct {
            double value;
            const char *lit;
        } float_lit;
        struct {
            int32_t value; /* the code point (or byte value of '\xNN') */
            const char *lit;
        } char_lit;
        struct {
            const char *value; /* decoded bytes */
            uint32_t len;
            const char *lit; /* source text with its quotes; for a
                              * selector's name: the bare name */
        } string_lit;
        struct {
            bool value;
        } bool_lit;
        struct {
            struct tg_node_list elems;
            struct tg_pos lbrack, rbrack;
        } array_lit;
        struct {
            struct tg_map_elem *elems;
            uint32_t len;
            struct tg_pos lbrace, rbrace;
        } map_lit;
        struct {
            /* func(a, b, ...rest) { body }: pos is the "func" keyword */
            struct tg_node_list params; /* TG_IDENT nodes */
            bool varargs;               /* the last param collects the rest */
            struct tg_pos lparen, rparen;
            struct tg_node *body; /* TG_BLOCK_STMT */
        } func_lit;
        struct {
            enum tg_token op; /* TK_ADD, TK_SUB, TK_NOT, TK_XOR */
            struct tg_pos op_pos;
            struct tg_node *expr;
        } unary;
        struct {
            enum tg_token op; /* TK_ADD … TK_AND_NOT, TK_LAND, TK_LOR, comparisons */
            struct tg_pos op_pos;
            struct tg_node *lhs, *rhs;
        } binary;
        struct {
            struct tg_node *cond, *then, *els; /* cond ? then : els */
            struct tg_pos question_pos, colon_pos;
        } cond;
        struct {
            struct tg_node *expr;
            struct tg_pos lparen, rparen;
        } paren;
        struct {
            struct tg_node *expr;
            struct tg_node *sel; /* TG_STRING_LIT holding the name */
        } selector;
        struct {
            struct tg_node *expr, *index;
            struct tg_pos lbrack, rbrack;
        } index;
        struct {
            struct tg_node *expr;
            struct tg_node *low, *high; /* each may be NULL */
            struct tg_pos lbrack, rbrack;
        } slice;
        struct {
            struct tg_node *func;
            struct tg_node_list args;
            struct tg_pos lparen, rparen;
            struct tg_pos ellipsis; /* line 0 unless f(a, b...) */
        } call;
        struct {
            const char *module; /* import("module") */
            uint32_t len;
        } import_expr;
        struct {
            /* error(expr) / immutable(expr): pos is the keyword */
            struct tg_node *expr;
            struct tg_pos lparen, rparen;
        } wrap;
        struct {
            struct tg_pos from, to;
        } bad;
        struct {
            bool implicit; /* a semicolon inserted at a newline */
        } empty;
        struct {
            struct tg_node *expr;
        } expr_stmt;
        struct {
            /* lhs op rhs; op is TK_ASSIGN, TK_DEFINE or a compound
             * TK_*_ASSIGN. Tengo's parser accepts several expressions on
             * each side of = and := ("a, b = 1, 2"); its compiler then
             * rejects them ("tuple assignment not allowed"). Compound
             * assignments always have one of each. */
            struct tg_node_list lhs, rhs;
            enum tg_token op;
            struct tg_pos op_pos;
        } assign;
        struct {
            struct tg_node *expr;
            enum tg_token op; /* TK_INC or TK_DEC */
            struct tg_pos op_pos;
        } inc_dec;
        struct {
            struct tg_node *result; /* NULL for a bare return */
        } return_stmt;
        struct {
            struct tg_node *result;
        } export_stmt;
        struct {
            enum tg_token tok;    /* TK_BREAK or TK_CONTINUE */
            struct tg_node *label; /* TG_IDENT or NULL ("break x" parses) */
        } branch;
        struct {
            struct tg_node_list stmts;
            struct tg_pos lbrace, rbrace;
        } block;
        struct {
            struct tg_node *init; /* simple statement or NULL */
            struct tg_node *cond;
            struct tg_node *body; /* TG_BLOCK_STMT */
            struct tg_node *els;  /* NULL, TG_IF_STMT or TG_BLOCK_STMT */
        } if_stmt;
        struct {
            /* for {}, for cond {}, for init; cond; post {} */
            struct tg_node *init, *cond, *post; /* each may be NULL */
            struct tg_node *body;
        } for_stmt;
        struct {
            /* for key, value in iterable {}; "for v in x" has key "_" at
             * v's position, like Tengo */
            struct tg_node *key, *value; /* TG_IDENT */
            struct tg_node *iterable;
            struct tg_node *body;
        } for_in;
    };
};

struct tg_file {
    const char *name;
    struct tg_node_list stmts;
};

/* A zeroed node from the arena. */
struct tg_node *tg_node_new(arena_t *a, enum tg_node_kind kind, struct tg_pos pos);
/* "TG_BINARY_EXPR" → "binary", … (the tags of the dump format). */
const char *tg_node_kind_name(enum tg_node_kind kind);
/* 1 for the expression kinds. */
int tg_node_is_expr(const struct tg_node *n);

/* Printing. CANONICAL writes source text that parses back to the same tree
 * (one statement per line, tab indentation, parentheses only where the
 * source had them); printing that parse again gives the same text. TENGO
 * writes what Tengo's String() methods write (fully parenthesised; for
 * tests and comparison with Tengo). DUMP writes an s-expression with every
 * node's kind and positions, for tests and debugging. */
enum tg_print_style { TG_PRINT_CANONICAL, TG_PRINT_TENGO, TG_PRINT_DUMP };

void tg_print_file(buf_t *out, const struct tg_file *f, enum tg_print_style style);
void tg_print_node(buf_t *out, const struct tg_node *n, enum tg_print_style style);
/* s as a double-quoted Tengo string literal that unquotes back to s. */
void tg_quote(buf_t *out, const char *s, size_t n);
/* 1 when s can be written as a bare map key (an identifier, not a keyword). */
int tg_is_identifier(const char *s, size_t n);

#endif
