/* parser_expr.c — expressions: precedence climbing over Tengo's five binary
 * levels, then "?:" (lowest, right-associative), unary + - ! ^, and the
 * postfix chain of .name, [i], [i:j] and calls on an operand. Each function
 * follows its counterpart in Tengo's parser, errors and recovery included. */
#include <stdio.h>
#include <string.h>

#include "literal.h"
#include "parser_internal.h"

static struct tg_node *parse_unary(struct tg_parser *p);

/* The current token's text in the arena (all of it, NULs included). */
static const char *lit_dup(struct tg_parser *p)
{
    char *s = arena_alloc(p->arena, p->lit_len + 1);
    memcpy(s, p->lit, p->lit_len);
    s[p->lit_len] = '\0';
    return s;
}

static struct tg_node *parse_cond(struct tg_parser *p, struct tg_node *cond)
{
    tgp_enter(p);
    struct tg_node *n = tg_node_new(p->arena, TG_COND_EXPR, cond->pos);
    n->cond.cond = cond;
    n->cond.question_pos = tgp_expect(p, TK_QUESTION);
    n->cond.then = tgp_parse_expr(p);
    n->cond.colon_pos = tgp_expect(p, TK_COLON);
    n->cond.els = tgp_parse_expr(p);
    tgp_leave(p, 1);
    return n;
}

static struct tg_node *parse_binary(struct tg_parser *p, int prec1)
{
    struct tg_node *x = parse_unary(p);
    int links = 0;
    for (;;) {
        enum tg_token op = p->tok;
        int prec = tg_token_precedence(op);
        if (prec < prec1)
            break;
        tgp_enter(p); /* each link of a chain is one level deeper */
        links++;
        struct tg_pos op_pos = tgp_expect(p, op);
        struct tg_node *y = parse_binary(p, prec + 1);
        struct tg_node *n = tg_node_new(p->arena, TG_BINARY_EXPR, x->pos);
        n->binary.op = op;
        n->binary.op_pos = op_pos;
        n->binary.lhs = x;
        n->binary.rhs = y;
        x = n;
    }
    tgp_leave(p, links);
    return x;
}

struct tg_node *tgp_parse_expr(struct tg_parser *p)
{
    struct tg_node *x = parse_binary(p, 1);
    if (p->tok == TK_QUESTION)
        return parse_cond(p, x);
    return x;
}

void tgp_parse_expr_list(struct tg_parser *p, struct tgp_vec *out)
{
    tgp_push_node(p, out, tgp_parse_expr(p));
    while (p->tok == TK_COMMA) {
        tgp_next(p);
        tgp_push_node(p, out, tgp_parse_expr(p));
    }
}

struct tg_node *tgp_parse_ident(struct tg_parser *p)
{
    struct tg_node *n = tg_node_new(p->arena, TG_IDENT, p->pos);
    if (p->tok == TK_IDENT) {
        n->ident.name = lit_dup(p);
        n->ident.len = (uint32_t)p->lit_len;
        tgp_next(p);
    } else {
        n->ident.name = "_";
        n->ident.len = 1;
        tgp_expect(p, TK_IDENT);
    }
    return n;
}

/* After a list element: a comma continues the list (but must not be
 * trailing); a newline before the closing token is fine. */
static int expect_comma(struct tg_parser *p, enum tg_token closing, const char *want)
{
    if (p->tok == TK_COMMA) {
        tgp_next(p);
        if (p->tok == closing) {
            tgp_error_expected(p, p->pos, want);
            return 0;
        }
        return 1;
    }
    if (p->tok == TK_SEMICOLON && tgp_lit_is(p, "\n"))
        tgp_next(p);
    return 0;
}

static struct tg_node *parse_call(struct tg_parser *p, struct tg_node *fn)
{
    struct tg_node *n = tg_node_new(p->arena, TG_CALL_EXPR, fn->pos);
    struct tgp_vec args = { 0 };
    n->call.func = fn;
    n->call.lparen = tgp_expect(p, TK_LPAREN);
    int spread = 0;
    while (p->tok != TK_RPAREN && p->tok != TK_EOF && !spread) {
        tgp_push_node(p, &args, tgp_parse_expr(p));
        if (p->tok == TK_ELLIPSIS) {
            n->call.ellipsis = p->pos;
            spread = 1;
            tgp_next(p);
        }
        if (!expect_comma(p, TK_RPAREN, "call argument"))
            break;
    }
    n->call.rparen = tgp_expect(p, TK_RPAREN);
    n->call.args = tgp_node_list(&args);
    return n;
}

static struct tg_node *parse_index_or_slice(struct tg_parser *p, struct tg_node *x)
{
    struct tg_pos lbrack = tgp_expect(p, TK_LBRACK);
    struct tg_node *index[2] = { NULL, NULL };
    int colon = 0;
    if (p->tok != TK_COLON)
        index[0] = tgp_parse_expr(p);
    if (p->tok == TK_COLON) {
        colon = 1;
        tgp_next(p);
        if (p->tok != TK_RBRACK && p->tok != TK_EOF)
            index[1] = tgp_parse_expr(p);
    }
    struct tg_pos rbrack = tgp_expect(p, TK_RBRACK);
    struct tg_node *n;
    if (colon) {
        n = tg_node_new(p->arena, TG_SLICE_EXPR, x->pos);
        n->slice.expr = x;
        n->slice.low = index[0];
        n->slice.high = index[1];
        n->slice.lbrack = lbrack;
        n->slice.rbrack = rbrack;
    } else {
        n = tg_node_new(p->arena, TG_INDEX_EXPR, x->pos);
        n->index.expr = x;
        n->index.index = index[0];
        n->index.lbrack = lbrack;
        n->index.rbrack = rbrack;
    }
    return n;
}

static struct tg_node *parse_selector(struct tg_parser *p, struct tg_node *x)
{
    struct tg_node *id = tgp_parse_ident(p);
    struct tg_node *sel = tg_node_new(p->arena, TG_STRING_LIT, id->pos);
    sel->string_lit.value = id->ident.name;
    sel->string_lit.len = id->ident.len;
    sel->string_lit.lit = id->ident.name;
    struct tg_node *n = tg_node_new(p->arena, TG_SELECTOR_EXPR, x->pos);
    n->selector.expr = x;
    n->selector.sel = sel;
    return n;
}

static struct tg_node *parse_array_lit(struct tg_parser *p)
{
    struct tg_node *n = tg_node_new(p->arena, TG_ARRAY_LIT, p->pos);
    struct tgp_vec elems = { 0 };
    n->array_lit.lbrack = tgp_expect(p, TK_LBRACK);
    while (p->tok != TK_RBRACK && p->tok != TK_EOF) {
        tgp_push_node(p, &elems, tgp_parse_expr(p));
        if (!expect_comma(p, TK_RBRACK, "array element"))
            break;
    }
    n->array_lit.rbrack = tgp_expect(p, TK_RBRACK);
    n->array_lit.elems = tgp_node_list(&elems);
    return n;
}

static void parse_map_elem(struct tg_parser *p, struct tg_map_elem *e)
{
    e->key_pos = p->pos;
    e->key = "_";
    e->key_len = 1;
    if (p->tok == TK_IDENT) {
        e->key = lit_dup(p);
        e->key_len = (uint32_t)p->lit_len;
    } else if (p->tok == TK_STRING) {
        char *v;
        size_t len;
        if (tg_unquote(p->arena, p->lit, p->lit_len, &v, &len) == 0) {
            e->key = v;
            e->key_len = (uint32_t)len;
        } else {
            e->key = "";
            e->key_len = 0;
        }
    } else {
        tgp_error_expected(p, e->key_pos, "map key");
    }
    tgp_next(p);
    e->colon_pos = tgp_expect(p, TK_COLON);
    e->value = tgp_parse_expr(p);
}

static struct tg_node *parse_map_lit(struct tg_parser *p)
{
    struct tg_node *n = tg_node_new(p->arena, TG_MAP_LIT, p->pos);
    struct tgp_vec elems = { 0 };
    n->map_lit.lbrace = tgp_expect(p, TK_LBRACE);
    while (p->tok != TK_RBRACE && p->tok != TK_EOF) {
        struct tg_map_elem e;
        parse_map_elem(p, &e);
        tgp_push(p, &elems, &e, sizeof e);
        if (!expect_comma(p, TK_RBRACE, "map element"))
            break;
    }
    n->map_lit.rbrace = tgp_expect(p, TK_RBRACE);
    n->map_lit.elems = elems.items;
    n->map_lit.len = elems.len;
    return n;
}

/* func(a, b, ...c) { … } */
static struct tg_node *parse_func_lit(struct tg_parser *p)
{
    struct tg_node *n = tg_node_new(p->arena, TG_FUNC_LIT, p->pos);
    struct tgp_vec params = { 0 };
    tgp_expect(p, TK_FUNC);
    n->func_lit.lparen = tgp_expect(p, TK_LPAREN);
    if (p->tok != TK_RPAREN) {
        if (p->tok == TK_ELLIPSIS) {
            n->func_lit.varargs = true;
            tgp_next(p);
        }
        tgp_push_node(p, &params, tgp_parse_ident(p));
        while (!n->func_lit.varargs && p->tok == TK_COMMA) {
            tgp_next(p);
            if (p->tok == TK_ELLIPSIS) {
                n->func_lit.varargs = true;
                tgp_next(p);
            }
            tgp_push_node(p, &params, tgp_parse_ident(p));
        }
    }
    n->func_lit.rparen = tgp_expect(p, TK_RPAREN);
    n->func_lit.params = tgp_node_list(&params);
    n->func_lit.body = tgp_parse_block(p);
    return n;
}

/* error(x) and immutable(x) */
static struct tg_node *parse_wrap(struct tg_parser *p, enum tg_node_kind kind)
{
    struct tg_node *n = tg_node_new(p->arena, kind, p->pos);
    tgp_next(p);
    n->wrap.lparen = tgp_expect(p, TK_LPAREN);
    n->wrap.expr = tgp_parse_expr(p);
    n->wrap.rparen = tgp_expect(p, TK_RPAREN);
    return n;
}

static struct tg_node *parse_import(struct tg_parser *p)
{
    struct tg_pos pos = p->pos;
    tgp_next(p);
    tgp_expect(p, TK_LPAREN);
    if (p->tok != TK_STRING) {
        tgp_error_expected(p, p->pos, "module name");
        tgp_advance(p);
        return tgp_bad_expr(p, pos, p->pos);
    }
    struct tg_node *n = tg_node_new(p->arena, TG_IMPORT_EXPR, pos);
    char *name;
    size_t len;
    if (tg_unquote(p->arena, p->lit, p->lit_len, &name, &len) != 0)
        name = "", len = 0;
    n->import_expr.module = name;
    n->import_expr.len = (uint32_t)len;
    tgp_next(p);
    tgp_expect(p, TK_RPAREN);
    return n;
}

static struct tg_node *parse_char_lit(struct tg_parser *p)
{
    size_t n = p->lit_len;
    int32_t value;
    size_t used;
    if (n >= 3 && tg_unquote_char(p->lit + 1, n - 2, '\'', &value, &used) == 0) {
        struct tg_node *x = tg_node_new(p->arena, TG_CHAR_LIT, p->pos);
        x->char_lit.value = value;
        x->char_lit.lit = lit_dup(p);
        tgp_next(p);
        return x;
    }
    struct tg_pos pos = p->pos;
    tgp_error(p, pos, "illegal char literal");
    tgp_next(p);
    return tgp_bad_expr(p, pos, p->pos);
}

static struct tg_node *parse_operand(struct tg_parser *p)
{
    struct tg_node *x;
    switch (p->tok) {
    case TK_IDENT:
        return tgp_parse_ident(p);
    case TK_INT:
        x = tg_node_new(p->arena, TG_INT_LIT, p->pos);
        /* Go Tengo v2.10.1: strconv.ParseInt(lit, 10, 64), error ignored:
         * 0x1F is 0, 017 is 17, a too large literal is the largest int */
        tg_go_parse_int(p->lit, p->lit_len, 10, 64, &x->int_lit.value);
        x->int_lit.lit = lit_dup(p);
        tgp_next(p);
        return x;
    case TK_FLOAT:
        x = tg_node_new(p->arena, TG_FLOAT_LIT, p->pos);
        /* ParseFloat, error ignored as in Go Tengo: 1e400 is +Inf */
        tg_parse_float(p->lit, p->lit_len, &x->float_lit.value);
        x->float_lit.lit = lit_dup(p);
        tgp_next(p);
        return x;
    case TK_CHAR:
        return parse_char_lit(p);
    case TK_STRING: {
        x = tg_node_new(p->arena, TG_STRING_LIT, p->pos);
        char *v;
        size_t len;
        if (tg_unquote(p->arena, p->lit, p->lit_len, &v, &len) != 0)
            v = "", len = 0;
        x->string_lit.value = v;
        x->string_lit.len = (uint32_t)len;
        x->string_lit.lit = lit_dup(p);
        tgp_next(p);
        return x;
    }
    case TK_TRUE:
    case TK_FALSE:
        x = tg_node_new(p->arena, TG_BOOL_LIT, p->pos);
        x->bool_lit.value = p->tok == TK_TRUE;
        tgp_next(p);
        return x;
    case TK_UNDEFINED:
        x = tg_node_new(p->arena, TG_UNDEFINED_LIT, p->pos);
        tgp_next(p);
        return x;
    case TK_IMPORT:
        return parse_import(p);
    case TK_LPAREN:
        x = tg_node_new(p->arena, TG_PAREN_EXPR, p->pos);
        x->paren.lparen = p->pos;
        tgp_next(p);
        x->paren.expr = tgp_parse_expr(p);
        x->paren.rparen = tgp_expect(p, TK_RPAREN);
        return x;
    case TK_LBRACK:
        return parse_array_lit(p);
    case TK_LBRACE:
        return parse_map_lit(p);
    case TK_FUNC:
        return parse_func_lit(p);
    case TK_ERROR:
        return parse_wrap(p, TG_ERROR_EXPR);
    case TK_IMMUTABLE:
        return parse_wrap(p, TG_IMMUTABLE_EXPR);
    default:
        break;
    }
    tgp_error_expected(p, p->pos, "operand");
    struct tg_pos pos = p->pos;
    tgp_advance(p);
    return tgp_bad_expr(p, pos, p->pos);
}

static struct tg_node *parse_primary(struct tg_parser *p)
{
    struct tg_node *x = parse_operand(p);
    int links = 0;
    for (;;) {
        if (p->tok != TK_PERIOD && p->tok != TK_LBRACK && p->tok != TK_LPAREN)
            break;
        tgp_enter(p); /* each link of a chain is one level deeper */
        links++;
        if (p->tok == TK_PERIOD) {
            tgp_next(p);
            if (p->tok != TK_IDENT) {
                struct tg_pos pos = p->pos;
                tgp_error_expected(p, pos, "selector");
                tgp_advance(p);
                tgp_leave(p, links);
                return tgp_bad_expr(p, pos, p->pos);
            }
            x = parse_selector(p, x);
        } else if (p->tok == TK_LBRACK) {
            x = parse_index_or_slice(p, x);
        } else {
            x = parse_call(p, x);
        }
    }
    tgp_leave(p, links);
    return x;
}

static struct tg_node *parse_unary(struct tg_parser *p)
{
    struct tg_node *x;
    tgp_enter(p);
    if (p->tok == TK_ADD || p->tok == TK_SUB || p->tok == TK_NOT || p->tok == TK_XOR) {
        enum tg_token op = p->tok;
        struct tg_pos op_pos = p->pos;
        tgp_next(p);
        struct tg_node *operand = parse_unary(p);
        /* Tengo's UnaryExpr.Pos() is its operand's */
        x = tg_node_new(p->arena, TG_UNARY_EXPR, operand->pos);
        x->unary.op = op;
        x->unary.op_pos = op_pos;
        x->unary.expr = operand;
    } else {
        x = parse_primary(p);
    }
    tgp_leave(p, 1);
    return x;
}
