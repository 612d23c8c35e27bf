/* parser.c — the parser's core: entry point, token movement, and error
 * reporting with Tengo's recovery rules (one error per line, give up after
 * ten, skip to the next statement keyword), which decide what Tengo
 * reports and so what we must report. Expressions are in parser_expr.c,
 * statements in parser_stmt.c. */
#include "parser_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static _Noreturn void bail(struct tg_parser *p)
{
    longjmp(p->bail, 1);
}

static void add_error(struct tg_parser *p, struct tg_pos pos, const char *msg)
{
    struct tgp_vec v = { p->errors, (uint32_t)p->nerrors, (uint32_t)p->cap_errors };
    struct tg_error e = { pos, arena_strdup(p->arena, msg) };
    tgp_push(p, &v, &e, sizeof e);
    p->errors = v.items;
    p->nerrors = v.len;
    p->cap_errors = v.cap;
}

/* Scanner errors are all kept, as in Tengo. */
static void on_scan_error(void *ctx, struct tg_pos pos, const char *msg)
{
    add_error(ctx, pos, msg);
}

void tgp_push(struct tg_parser *p, struct tgp_vec *v, const void *elem, size_t elem_size)
{
    if (v->len == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 4;
        void *items = arena_alloc(p->arena, (size_t)cap * elem_size);
        if (v->len)
            memcpy(items, v->items, (size_t)v->len * elem_size);
        v->items = items;
        v->cap = cap;
    }
    memcpy((char *)v->items + (size_t)v->len * elem_size, elem, elem_size);
    v->len++;
}

void tgp_push_node(struct tg_parser *p, struct tgp_vec *v, struct tg_node *n)
{
    tgp_push(p, v, &n, sizeof n);
}

struct tg_node_list tgp_node_list(const struct tgp_vec *v)
{
    struct tg_node_list l = { v->items, v->len };
    return l;
}

void tgp_next(struct tg_parser *p)
{
    struct tg_tok t;
    tg_lexer_scan(&p->lx, &t);
    p->tok = t.tok;
    p->lit = t.lit;
    p->lit_len = t.lit_len;
    p->pos = t.pos;
}

int tgp_lit_is(const struct tg_parser *p, const char *s)
{
    return p->lit_len == strlen(s) && memcmp(p->lit, s, p->lit_len) == 0;
}

/* Go's Parser.error: an error on the line of the previous one is dropped;
 * past ten errors the parse stops. */
void tgp_error(struct tg_parser *p, struct tg_pos pos, const char *msg)
{
    if (p->nerrors > 0 && p->errors[p->nerrors - 1].pos.line == pos.line)
        return;
    if (p->nerrors > 10)
        bail(p);
    add_error(p, pos, msg);
}

void tgp_error_expected(struct tg_parser *p, struct tg_pos pos, const char *what)
{
    buf_t msg = BUF_INIT;
    buf_printf(&msg, "expected %s", what);
    if (pos.offset == p->pos.offset) {
        /* at the current token: say what was found instead */
        if (p->tok == TK_SEMICOLON && tgp_lit_is(p, "\n")) {
            buf_puts(&msg, ", found newline");
        } else if (tg_token_is_literal(p->tok)) {
            buf_puts(&msg, ", found ");
            buf_append(&msg, p->lit, p->lit_len);
        } else {
            buf_printf(&msg, ", found '%s'", tg_token_str(p->tok));
        }
    }
    char *s = arena_strndup(p->arena, buf_cstr(&msg), msg.len);
    buf_free(&msg);
    tgp_error(p, pos, s);
}

struct tg_pos tgp_expect(struct tg_parser *p, enum tg_token tok)
{
    struct tg_pos pos = p->pos;
    if (p->tok != tok) {
        char what[32];
        snprintf(what, sizeof what, "'%s'", tg_token_str(tok));
        tgp_error_expected(p, pos, what);
    }
    tgp_next(p);
    return pos;
}

void tgp_expect_semi(struct tg_parser *p)
{
    switch (p->tok) {
    case TK_RPAREN:
    case TK_RBRACE:
        break; /* a semicolon may be left out before ')' or '}' */
    case TK_COMMA:
        tgp_error_expected(p, p->pos, "';'"); /* complain, then take it as ';' */
        /* fall through */
    case TK_SEMICOLON:
        tgp_next(p);
        break;
    default:
        tgp_error_expected(p, p->pos, "';'");
        tgp_advance(p);
        break;
    }
}

static int is_stmt_start(enum tg_token t)
{
    return t == TK_BREAK || t == TK_CONTINUE || t == TK_FOR || t == TK_IF || t == TK_RETURN ||
           t == TK_EXPORT;
}

/* Skips to the next statement keyword; gives up waiting at the same one
 * after ten tries so that the parse always moves on. */
void tgp_advance(struct tg_parser *p)
{
    for (; p->tok != TK_EOF; tgp_next(p)) {
        if (!is_stmt_start(p->tok))
            continue;
        if (p->pos.offset == p->sync_pos && p->sync_count < 10) {
            p->sync_count++;
            return;
        }
        if (p->pos.offset > p->sync_pos) {
            p->sync_pos = p->pos.offset;
            p->sync_count = 0;
            return;
        }
    }
}

void tgp_enter(struct tg_parser *p)
{
    if (++p->depth <= TG_MAX_DEPTH)
        return;
    char msg[64];
    snprintf(msg, sizeof msg, "nesting too deep (more than %d levels)", TG_MAX_DEPTH);
    add_error(p, p->pos, msg);
    bail(p);
}

void tgp_leave(struct tg_parser *p, int levels)
{
    p->depth -= levels;
}

struct tg_node *tgp_bad_expr(struct tg_parser *p, struct tg_pos from, struct tg_pos to)
{
    struct tg_node *n = tg_node_new(p->arena, TG_BAD_EXPR, from);
    n->bad.from = from;
    n->bad.to = to;
    return n;
}

static int error_cmp(const void *a, const void *b)
{
    const struct tg_error *x = a, *y = b;
    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.column != y->pos.column)
        return x->pos.column < y->pos.column ? -1 : 1;
    return strcmp(x->msg, y->msg);
}

int tg_parse(arena_t *a, const char *filename, const char *src, size_t len, struct tg_file **out,
             struct tg_error_list *errors)
{
    struct tg_parser *p = arena_calloc(a, 1, sizeof *p);
    p->arena = a;
    p->filename = filename ? arena_strdup(a, filename) : "";
    p->sync_pos = -1;
    *out = NULL;
    errors->filename = p->filename;
    errors->items = NULL;
    errors->len = 0;
    if (len > TG_SOURCE_MAX) {
        struct tg_pos none = { 0, 0, 0 };
        add_error(p, none, "source too large");
        errors->items = p->errors;
        errors->len = p->nerrors;
        return ERROR;
    }
    struct tg_file *f = arena_calloc(a, 1, sizeof *f);
    f->name = p->filename;
    if (setjmp(p->bail) == 0) {
        tg_lexer_init(&p->lx, a, src, len, 0, on_scan_error, p);
        tgp_next(p);
        if (p->nerrors == 0) {
            /* as Go Tengo: the file ends at EOF or at a '}' closing no
             * block (what follows it is not read) */
            f->stmts = tgp_parse_stmt_list(p);
        }
    }
    if (p->nerrors > 0) {
        qsort(p->errors, p->nerrors, sizeof *p->errors, error_cmp);
        errors->items = p->errors;
        errors->len = p->nerrors;
        return ERROR;
    }
    *out = f;
    return OK;
}

char *tg_error_string(arena_t *a, const char *filename, const struct tg_error *e)
{
    const char *name = filename ? filename : "";
    if (e->pos.line == 0) {
        if (!*name)
            return arena_sprintf(a, "Parse Error: %s", e->msg);
        return arena_sprintf(a, "Parse Error: %s\n\tat %s", e->msg, name);
    }
    return arena_sprintf(a, "Parse Error: %s\n\tat %s%s%u:%u", e->msg, name, *name ? ":" : "",
                         e->pos.line, e->pos.column);
}

char *tg_error_list_string(arena_t *a, const struct tg_error_list *errors)
{
    if (errors->len == 0)
        return arena_strdup(a, "no errors");
    char *first = tg_error_string(a, errors->filename, &errors->items[0]);
    if (errors->len == 1)
        return first;
    return arena_sprintf(a, "%s (and %zu more errors)", first, errors->len - 1);
}
