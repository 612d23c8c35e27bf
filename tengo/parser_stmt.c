/* parser_stmt.c — statements: simple statements (expression, assignment,
 * ++/--, and the "k, v in x" head of for-in), if with an optional init
 * statement, the three for forms, return, export, break/continue, blocks.
 * Each function follows its counterpart in Tengo's parser. */
#include <stdio.h>

#include "parser_internal.h"

static struct tg_node *parse_stmt(struct tg_parser *p);

struct tg_node_list tgp_parse_stmt_list(struct tg_parser *p)
{
    struct tgp_vec stmts = { 0 };
    while (p->tok != TK_RBRACE && p->tok != TK_EOF)
        tgp_push_node(p, &stmts, parse_stmt(p));
    return tgp_node_list(&stmts);
}

struct tg_node *tgp_parse_block(struct tg_parser *p)
{
    tgp_enter(p);
    struct tg_node *n = tg_node_new(p->arena, TG_BLOCK_STMT, p->pos);
    n->block.lbrace = tgp_expect(p, TK_LBRACE);
    n->block.stmts = tgp_parse_stmt_list(p);
    n->block.rbrace = tgp_expect(p, TK_RBRACE);
    tgp_leave(p, 1);
    return n;
}

static int is_assign_op(enum tg_token t)
{
    return t == TK_DEFINE || (t >= TK_ADD_ASSIGN && t <= TK_AND_NOT_ASSIGN);
}

/* The identifier of a for-in head, or "_" after an error. */
static struct tg_node *for_in_ident(struct tg_parser *p, struct tg_node *x)
{
    if (x->kind == TG_IDENT)
        return x;
    tgp_error_expected(p, x->pos, "identifier");
    struct tg_node *id = tg_node_new(p->arena, TG_IDENT, x->pos);
    id->ident.name = "_";
    id->ident.len = 1;
    return id;
}

static struct tg_node *parse_simple_stmt(struct tg_parser *p, int for_in)
{
    struct tgp_vec x = { 0 };
    tgp_parse_expr_list(p, &x);
    struct tg_node **xs = x.items;
    struct tg_node *n;

    if (p->tok == TK_ASSIGN || p->tok == TK_DEFINE) {
        n = tg_node_new(p->arena, TG_ASSIGN_STMT, xs[0]->pos);
        n->assign.op = p->tok;
        n->assign.op_pos = p->pos;
        tgp_next(p);
        struct tgp_vec y = { 0 };
        tgp_parse_expr_list(p, &y);
        n->assign.lhs = tgp_node_list(&x);
        n->assign.rhs = tgp_node_list(&y);
        return n;
    }
    if (p->tok == TK_IN && for_in) {
        tgp_next(p);
        n = tg_node_new(p->arena, TG_FOR_IN_STMT, xs[0]->pos);
        n->for_in.iterable = tgp_parse_expr(p);
        if (x.len == 1) {
            struct tg_node *key = tg_node_new(p->arena, TG_IDENT, xs[0]->pos);
            key->ident.name = "_";
            key->ident.len = 1;
            n->for_in.key = key;
            n->for_in.value = for_in_ident(p, xs[0]);
        } else {
            n->for_in.key = for_in_ident(p, xs[0]);
            n->for_in.value = for_in_ident(p, xs[1]);
            /* Tengo accepts "for a, b, c in x" and then crashes in its
             * compiler; refuse it here */
            if (x.len > 2)
                tgp_error_expected(p, xs[2]->pos, "'in'");
        }
        return n;
    }
    if (x.len > 1)
        tgp_error_expected(p, xs[0]->pos, "1 expression"); /* and go on with the first */

    if (is_assign_op(p->tok)) {
        n = tg_node_new(p->arena, TG_ASSIGN_STMT, xs[0]->pos);
        n->assign.op = p->tok;
        n->assign.op_pos = p->pos;
        tgp_next(p);
        struct tgp_vec y = { 0 };
        tgp_push_node(p, &y, tgp_parse_expr(p));
        x.len = 1;
        n->assign.lhs = tgp_node_list(&x);
        n->assign.rhs = tgp_node_list(&y);
        return n;
    }
    if (p->tok == TK_INC || p->tok == TK_DEC) {
        n = tg_node_new(p->arena, TG_INC_DEC_STMT, xs[0]->pos);
        n->inc_dec.expr = xs[0];
        n->inc_dec.op = p->tok;
        n->inc_dec.op_pos = p->pos;
        tgp_next(p);
        return n;
    }
    n = tg_node_new(p->arena, TG_EXPR_STMT, xs[0]->pos);
    n->expr_stmt.expr = xs[0];
    return n;
}

/* The expression of an expression statement used as a condition. */
static struct tg_node *make_expr(struct tg_parser *p, struct tg_node *s, const char *want)
{
    if (!s)
        return NULL;
    if (s->kind == TG_EXPR_STMT)
        return s->expr_stmt.expr;
    char msg[96];
    snprintf(msg, sizeof msg, "expected %s, found %s", want,
             s->kind == TG_ASSIGN_STMT ? "assignment" : "simple statement");
    tgp_error(p, s->pos, msg);
    return tgp_bad_expr(p, s->pos, p->pos);
}

static struct tg_node *parse_for(struct tg_parser *p)
{
    struct tg_pos pos = tgp_expect(p, TK_FOR);
    struct tg_node *n;
    if (p->tok == TK_LBRACE) { /* for {} */
        n = tg_node_new(p->arena, TG_FOR_STMT, pos);
        n->for_stmt.body = tgp_parse_block(p);
        tgp_expect_semi(p);
        return n;
    }
    struct tg_node *s1 = NULL, *s2 = NULL, *s3 = NULL;
    if (p->tok != TK_SEMICOLON)
        s1 = parse_simple_stmt(p, 1);
    if (s1 && s1->kind == TG_FOR_IN_STMT) { /* for [k,] v in x {} */
        s1->pos = pos;
        s1->for_in.body = tgp_parse_block(p);
        tgp_expect_semi(p);
        return s1;
    }
    if (p->tok == TK_SEMICOLON) { /* for init; cond; post {} */
        tgp_next(p);
        if (p->tok != TK_SEMICOLON)
            s2 = parse_simple_stmt(p, 0);
        tgp_expect(p, TK_SEMICOLON);
        if (p->tok != TK_LBRACE)
            s3 = parse_simple_stmt(p, 0);
    } else { /* for cond {} */
        s2 = s1;
        s1 = NULL;
    }
    n = tg_node_new(p->arena, TG_FOR_STMT, pos);
    n->for_stmt.body = tgp_parse_block(p);
    tgp_expect_semi(p);
    n->for_stmt.init = s1;
    n->for_stmt.cond = make_expr(p, s2, "condition expression");
    n->for_stmt.post = s3;
    return n;
}

static struct tg_node *parse_branch(struct tg_parser *p)
{
    struct tg_node *n = tg_node_new(p->arena, TG_BRANCH_STMT, p->pos);
    n->branch.tok = p->tok;
    tgp_expect(p, p->tok);
    if (p->tok == TK_IDENT)
        n->branch.label = tgp_parse_ident(p);
    tgp_expect_semi(p);
    return n;
}

static void parse_if_header(struct tg_parser *p, struct tg_node *n)
{
    if (p->tok == TK_LBRACE) {
        tgp_error(p, p->pos, "missing condition in if statement");
        n->if_stmt.cond = tgp_bad_expr(p, p->pos, p->pos);
        return;
    }
    if (p->tok == TK_SEMICOLON) {
        tgp_error(p, p->pos, "missing init in if statement");
        n->if_stmt.cond = tgp_bad_expr(p, p->pos, p->pos);
        return;
    }
    struct tg_node *init = parse_simple_stmt(p, 0), *cond_stmt = NULL;
    if (p->tok == TK_LBRACE) {
        cond_stmt = init;
        init = NULL;
    } else if (p->tok == TK_SEMICOLON) {
        tgp_next(p);
        cond_stmt = parse_simple_stmt(p, 0);
    } else {
        tgp_error(p, p->pos, "missing condition in if statement");
    }
    n->if_stmt.init = init;
    if (cond_stmt)
        n->if_stmt.cond = make_expr(p, cond_stmt, "boolean expression");
    if (!n->if_stmt.cond)
        n->if_stmt.cond = tgp_bad_expr(p, p->pos, p->pos);
}

static struct tg_node *parse_if(struct tg_parser *p)
{
    tgp_enter(p); /* else-if chains nest */
    struct tg_node *n = tg_node_new(p->arena, TG_IF_STMT, p->pos);
    tgp_expect(p, TK_IF);
    parse_if_header(p, n);
    n->if_stmt.body = tgp_parse_block(p);
    if (p->tok == TK_ELSE) {
        tgp_next(p);
        if (p->tok == TK_IF) {
            n->if_stmt.els = parse_if(p);
        } else if (p->tok == TK_LBRACE) {
            n->if_stmt.els = tgp_parse_block(p);
            tgp_expect_semi(p);
        } else {
            tgp_error_expected(p, p->pos, "if or {");
            struct tg_node *bad = tg_node_new(p->arena, TG_BAD_STMT, p->pos);
            bad->bad.from = bad->bad.to = p->pos;
            n->if_stmt.els = bad;
        }
    } else {
        tgp_expect_semi(p);
    }
    tgp_leave(p, 1);
    return n;
}

static struct tg_node *parse_stmt(struct tg_parser *p)
{
    struct tg_node *n;
    switch (p->tok) {
    /* simple statements (* and & start none, but Tengo sends them here) */
    case TK_FUNC: case TK_ERROR: case TK_IMMUTABLE: case TK_IDENT: case TK_INT:
    case TK_FLOAT: case TK_CHAR: case TK_STRING: case TK_TRUE: case TK_FALSE:
    case TK_UNDEFINED: case TK_IMPORT: case TK_LPAREN: case TK_LBRACE:
    case TK_LBRACK: case TK_ADD: case TK_SUB: case TK_MUL: case TK_AND: case TK_XOR:
    case TK_NOT:
        n = parse_simple_stmt(p, 0);
        tgp_expect_semi(p);
        return n;
    case TK_RETURN:
        n = tg_node_new(p->arena, TG_RETURN_STMT, p->pos);
        tgp_expect(p, TK_RETURN);
        if (p->tok != TK_SEMICOLON && p->tok != TK_RBRACE)
            n->return_stmt.result = tgp_parse_expr(p);
        tgp_expect_semi(p);
        return n;
    case TK_EXPORT:
        n = tg_node_new(p->arena, TG_EXPORT_STMT, p->pos);
        tgp_expect(p, TK_EXPORT);
        n->export_stmt.result = tgp_parse_expr(p);
        tgp_expect_semi(p);
        return n;
    case TK_IF:
        return parse_if(p);
    case TK_FOR:
        return parse_for(p);
    case TK_BREAK:
    case TK_CONTINUE:
        return parse_branch(p);
    case TK_SEMICOLON:
        n = tg_node_new(p->arena, TG_EMPTY_STMT, p->pos);
        n->empty.implicit = tgp_lit_is(p, "\n");
        tgp_next(p);
        return n;
    default: {
        struct tg_pos pos = p->pos;
        tgp_error_expected(p, pos, "statement");
        tgp_advance(p);
        n = tg_node_new(p->arena, TG_BAD_STMT, pos);
        n->bad.from = pos;
        n->bad.to = p->pos;
        return n;
    }
    }
}
