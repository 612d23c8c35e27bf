/* ast_print.c — the tree back to text, in three styles (see ast.h):
 * canonical source, Tengo's String() form, and a positional dump. The
 * recursion is bounded because the parser bounds the tree's depth. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

struct printer {
    buf_t *out;
    enum tg_print_style style;
    int indent;
};

static void print_node(struct printer *pr, const struct tg_node *n);

static void put(struct printer *pr, const char *s)
{
    buf_puts(pr->out, s);
}

static void put_pos(struct printer *pr, const char *tag, struct tg_pos pos)
{
    buf_printf(pr->out, "%s@%" PRIu32 ":%" PRIu32, tag, pos.line, pos.column);
}

static void put_indent(struct printer *pr)
{
    for (int i = 0; i < pr->indent; i++)
        buf_putc(pr->out, '\t');
}

static void put_key(struct printer *pr, const char *key, size_t len)
{
    if (pr->style == TG_PRINT_TENGO)
        buf_append(pr->out, key, len);
    else if (tg_is_identifier(key, len))
        buf_append(pr->out, key, len);
    else
        tg_quote(pr->out, key, len);
}

static void put_list(struct printer *pr, const struct tg_node_list *l, const char *sep)
{
    for (uint32_t i = 0; i < l->len; i++) {
        if (i)
            put(pr, sep);
        print_node(pr, l->items[i]);
    }
}

/* Shortest "%.*g" that reads back as the same double. */
static void put_double(struct printer *pr, double v)
{
    char s[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    put(pr, s);
}

static void print_block(struct printer *pr, const struct tg_node *b)
{
    const struct tg_node_list *l = &b->block.stmts;
    if (pr->style == TG_PRINT_TENGO) {
        put(pr, "{");
        put_list(pr, l, "; ");
        put(pr, "}");
        return;
    }
    int any = 0;
    for (uint32_t i = 0; i < l->len; i++)
        any |= l->items[i]->kind != TG_EMPTY_STMT;
    if (!any) {
        put(pr, "{}");
        return;
    }
    put(pr, "{\n");
    pr->indent++;
    for (uint32_t i = 0; i < l->len; i++) {
        if (l->items[i]->kind == TG_EMPTY_STMT)
            continue;
        put_indent(pr);
        print_node(pr, l->items[i]);
        put(pr, "\n");
    }
    pr->indent--;
    put_indent(pr);
    put(pr, "}");
}

static void print_func(struct printer *pr, const struct tg_node *n)
{
    put(pr, "func(");
    const struct tg_node_list *l = &n->func_lit.params;
    for (uint32_t i = 0; i < l->len; i++) {
        if (i)
            put(pr, ", ");
        if (n->func_lit.varargs && i == l->len - 1)
            put(pr, "...");
        print_node(pr, l->items[i]);
    }
    put(pr, ") ");
    print_node(pr, n->func_lit.body);
}

/* Canonical and Tengo styles: expressions. */
static void print_expr(struct printer *pr, const struct tg_node *n)
{
    int tengo = pr->style == TG_PRINT_TENGO;
    switch (n->kind) {
    case TG_BAD_EXPR: put(pr, "<bad expression>"); break;
    case TG_IDENT: buf_append(pr->out, n->ident.name, n->ident.len); break;
    case TG_INT_LIT: put(pr, n->int_lit.lit); break;
    case TG_FLOAT_LIT: put(pr, n->float_lit.lit); break;
    case TG_CHAR_LIT: put(pr, n->char_lit.lit); break;
    case TG_STRING_LIT: put(pr, n->string_lit.lit); break;
    case TG_BOOL_LIT: put(pr, n->bool_lit.value ? "true" : "false"); break;
    case TG_UNDEFINED_LIT: put(pr, "undefined"); break;
    case TG_ARRAY_LIT:
        put(pr, "[");
        put_list(pr, &n->array_lit.elems, ", ");
        put(pr, "]");
        break;
    case TG_MAP_LIT:
        put(pr, "{");
        for (uint32_t i = 0; i < n->map_lit.len; i++) {
            const struct tg_map_elem *e = &n->map_lit.elems[i];
            if (i)
                put(pr, ", ");
            put_key(pr, e->key, e->key_len);
            put(pr, ": ");
            print_node(pr, e->value);
        }
        put(pr, "}");
        break;
    case TG_FUNC_LIT: print_func(pr, n); break;
    case TG_UNARY_EXPR: {
        const struct tg_node *x = n->unary.expr;
        if (tengo)
            put(pr, "(");
        put(pr, tg_token_str(n->unary.op));
        /* "- -x", not "--x" (a decrement) */
        if (!tengo && x->kind == TG_UNARY_EXPR && x->unary.op == n->unary.op &&
            (n->unary.op == TK_SUB || n->unary.op == TK_ADD))
            put(pr, " ");
        print_node(pr, x);
        if (tengo)
            put(pr, ")");
        break;
    }
    case TG_BINARY_EXPR:
        if (tengo)
            put(pr, "(");
        print_node(pr, n->binary.lhs);
        buf_printf(pr->out, " %s ", tg_token_str(n->binary.op));
        print_node(pr, n->binary.rhs);
        if (tengo)
            put(pr, ")");
        break;
    case TG_COND_EXPR:
        if (tengo)
            put(pr, "(");
        print_node(pr, n->cond.cond);
        put(pr, " ? ");
        print_node(pr, n->cond.then);
        put(pr, " : ");
        print_node(pr, n->cond.els);
        if (tengo)
            put(pr, ")");
        break;
    case TG_PAREN_EXPR:
        put(pr, "(");
        print_node(pr, n->paren.expr);
        put(pr, ")");
        break;
    case TG_SELECTOR_EXPR:
        print_node(pr, n->selector.expr);
        /* "7.x" would scan as the float "7." */
        put(pr, !tengo && n->selector.expr->kind == TG_INT_LIT ? " ." : ".");
        buf_append(pr->out, n->selector.sel->string_lit.value, n->selector.sel->string_lit.len);
        break;
    case TG_INDEX_EXPR:
        print_node(pr, n->index.expr);
        put(pr, "[");
        if (n->index.index)
            print_node(pr, n->index.index);
        put(pr, "]");
        break;
    case TG_SLICE_EXPR:
        print_node(pr, n->slice.expr);
        put(pr, "[");
        if (n->slice.low)
            print_node(pr, n->slice.low);
        put(pr, ":");
        if (n->slice.high)
            print_node(pr, n->slice.high);
        put(pr, "]");
        break;
    case TG_CALL_EXPR:
        print_node(pr, n->call.func);
        put(pr, "(");
        put_list(pr, &n->call.args, ", ");
        if (n->call.ellipsis.line && n->call.args.len)
            put(pr, "...");
        put(pr, ")");
        break;
    case TG_IMPORT_EXPR:
        put(pr, "import(");
        if (tengo) {
            put(pr, "\"");
            buf_append(pr->out, n->import_expr.module, n->import_expr.len);
            put(pr, "\"");
        } else {
            tg_quote(pr->out, n->import_expr.module, n->import_expr.len);
        }
        put(pr, ")");
        break;
    case TG_ERROR_EXPR:
    case TG_IMMUTABLE_EXPR:
        put(pr, n->kind == TG_ERROR_EXPR ? "error(" : "immutable(");
        print_node(pr, n->wrap.expr);
        put(pr, ")");
        break;
    default:
        break;
    }
}

static void print_for(struct printer *pr, const struct tg_node *n)
{
    const struct tg_node *init = n->for_stmt.init, *cond = n->for_stmt.cond,
                         *post = n->for_stmt.post;
    put(pr, "for ");
    if (pr->style == TG_PRINT_TENGO) {
        if (init || post) {
            if (init)
                print_node(pr, init);
            put(pr, " ; ");
            if (cond) {
                print_node(pr, cond);
                put(pr, " ");
            }
            put(pr, " ; ");
            if (post)
                print_node(pr, post);
        } else if (cond) {
            print_node(pr, cond);
            put(pr, " ");
        }
        print_node(pr, n->for_stmt.body);
        return;
    }
    if (init || post) {
        if (init)
            print_node(pr, init);
        put(pr, ";");
        if (cond) {
            put(pr, " ");
            print_node(pr, cond);
        }
        put(pr, ";");
        if (post) {
            put(pr, " ");
            print_node(pr, post);
        }
        put(pr, " ");
    } else if (cond) {
        print_node(pr, cond);
        put(pr, " ");
    }
    print_node(pr, n->for_stmt.body);
}

/* Canonical and Tengo styles: statements. */
static void print_stmt(struct printer *pr, const struct tg_node *n)
{
    switch (n->kind) {
    case TG_BAD_STMT: put(pr, "<bad statement>"); break;
    case TG_EMPTY_STMT: put(pr, ";"); break;
    case TG_EXPR_STMT: print_node(pr, n->expr_stmt.expr); break;
    case TG_ASSIGN_STMT:
        put_list(pr, &n->assign.lhs, ", ");
        buf_printf(pr->out, " %s ", tg_token_str(n->assign.op));
        put_list(pr, &n->assign.rhs, ", ");
        break;
    case TG_INC_DEC_STMT:
        print_node(pr, n->inc_dec.expr);
        put(pr, tg_token_str(n->inc_dec.op));
        break;
    case TG_RETURN_STMT:
        put(pr, "return");
        if (n->return_stmt.result) {
            put(pr, " ");
            print_node(pr, n->return_stmt.result);
        }
        break;
    case TG_EXPORT_STMT:
        put(pr, "export ");
        print_node(pr, n->export_stmt.result);
        break;
    case TG_BRANCH_STMT:
        put(pr, tg_token_str(n->branch.tok));
        if (n->branch.label) {
            put(pr, " ");
            print_node(pr, n->branch.label);
        }
        break;
    case TG_BLOCK_STMT: print_block(pr, n); break;
    case TG_IF_STMT:
        put(pr, "if ");
        if (n->if_stmt.init) {
            print_node(pr, n->if_stmt.init);
            put(pr, "; ");
        }
        print_node(pr, n->if_stmt.cond);
        put(pr, " ");
        print_node(pr, n->if_stmt.body);
        if (n->if_stmt.els) {
            put(pr, " else ");
            print_node(pr, n->if_stmt.els);
        }
        break;
    case TG_FOR_STMT: print_for(pr, n); break;
    case TG_FOR_IN_STMT: {
        const struct tg_node *k = n->for_in.key;
        put(pr, "for ");
        if (pr->style == TG_PRINT_TENGO || k->ident.len != 1 || k->ident.name[0] != '_') {
            print_node(pr, k);
            put(pr, ", ");
        }
        print_node(pr, n->for_in.value);
        put(pr, " in ");
        print_node(pr, n->for_in.iterable);
        put(pr, " ");
        print_node(pr, n->for_in.body);
        break;
    }
    default:
        break;
    }
}

/* The dump: (tag@line:col extra-positions children…). */
static void dump_opt(struct printer *pr, const struct tg_node *n)
{
    put(pr, " ");
    if (n)
        print_node(pr, n);
    else
        put(pr, "_");
}

static void dump_list(struct printer *pr, const struct tg_node_list *l)
{
    for (uint32_t i = 0; i < l->len; i++) {
        put(pr, " ");
        print_node(pr, l->items[i]);
    }
}

static void dump_tok(struct printer *pr, enum tg_token t, struct tg_pos pos)
{
    put(pr, " ");
    put_pos(pr, tg_token_str(t), pos);
}

static void dump(struct printer *pr, const struct tg_node *n)
{
    buf_t *o = pr->out;
    put(pr, "(");
    put_pos(pr, n->kind == TG_BRANCH_STMT ? tg_token_str(n->branch.tok) : tg_node_kind_name(n->kind),
            n->pos);
    switch (n->kind) {
    case TG_IDENT:
        put(pr, " ");
        buf_append(o, n->ident.name, n->ident.len);
        break;
    case TG_INT_LIT: buf_printf(o, " %" PRId64, n->int_lit.value); break;
    case TG_FLOAT_LIT:
        put(pr, " ");
        put_double(pr, n->float_lit.value);
        break;
    case TG_CHAR_LIT: buf_printf(o, " %" PRId32, n->char_lit.value); break;
    case TG_STRING_LIT:
        put(pr, " ");
        tg_quote(o, n->string_lit.value, n->string_lit.len);
        break;
    case TG_BOOL_LIT: put(pr, n->bool_lit.value ? " true" : " false"); break;
    case TG_ARRAY_LIT:
        dump_tok(pr, TK_RBRACK, n->array_lit.rbrack);
        dump_list(pr, &n->array_lit.elems);
        break;
    case TG_MAP_LIT:
        dump_tok(pr, TK_RBRACE, n->map_lit.rbrace);
        for (uint32_t i = 0; i < n->map_lit.len; i++) {
            const struct tg_map_elem *e = &n->map_lit.elems[i];
            put(pr, " (");
            put_key(pr, e->key, e->key_len);
            put_pos(pr, "", e->key_pos);
            dump_tok(pr, TK_COLON, e->colon_pos);
            dump_opt(pr, e->value);
            put(pr, ")");
        }
        break;
    case TG_FUNC_LIT:
        dump_tok(pr, TK_LPAREN, n->func_lit.lparen);
        dump_tok(pr, TK_RPAREN, n->func_lit.rparen);
        if (n->func_lit.varargs)
            put(pr, " ...");
        dump_list(pr, &n->func_lit.params);
        dump_opt(pr, n->func_lit.body);
        break;
    case TG_UNARY_EXPR:
        dump_tok(pr, n->unary.op, n->unary.op_pos);
        dump_opt(pr, n->unary.expr);
        break;
    case TG_BINARY_EXPR:
        dump_tok(pr, n->binary.op, n->binary.op_pos);
        dump_opt(pr, n->binary.lhs);
        dump_opt(pr, n->binary.rhs);
        break;
    case TG_COND_EXPR:
        dump_tok(pr, TK_QUESTION, n->cond.question_pos);
        dump_tok(pr, TK_COLON, n->cond.colon_pos);
        dump_opt(pr, n->cond.cond);
        dump_opt(pr, n->cond.then);
        dump_opt(pr, n->cond.els);
        break;
    case TG_PAREN_EXPR:
        dump_tok(pr, TK_RPAREN, n->paren.rparen);
        dump_opt(pr, n->paren.expr);
        break;
    case TG_SELECTOR_EXPR:
        dump_opt(pr, n->selector.expr);
        dump_opt(pr, n->selector.sel);
        break;
    case TG_INDEX_EXPR:
        dump_tok(pr, TK_LBRACK, n->index.lbrack);
        dump_tok(pr, TK_RBRACK, n->index.rbrack);
        dump_opt(pr, n->index.expr);
        dump_opt(pr, n->index.index);
        break;
    case TG_SLICE_EXPR:
        dump_tok(pr, TK_LBRACK, n->slice.lbrack);
        dump_tok(pr, TK_RBRACK, n->slice.rbrack);
        dump_opt(pr, n->slice.expr);
        dump_opt(pr, n->slice.low);
        dump_opt(pr, n->slice.high);
        break;
    case TG_CALL_EXPR:
        dump_tok(pr, TK_LPAREN, n->call.lparen);
        dump_tok(pr, TK_RPAREN, n->call.rparen);
        if (n->call.ellipsis.line)
            dump_tok(pr, TK_ELLIPSIS, n->call.ellipsis);
        dump_opt(pr, n->call.func);
        dump_list(pr, &n->call.args);
        break;
    case TG_IMPORT_EXPR:
        put(pr, " ");
        tg_quote(o, n->import_expr.module, n->import_expr.len);
        break;
    case TG_ERROR_EXPR:
    case TG_IMMUTABLE_EXPR:
        dump_tok(pr, TK_LPAREN, n->wrap.lparen);
        dump_tok(pr, TK_RPAREN, n->wrap.rparen);
        dump_opt(pr, n->wrap.expr);
        break;
    case TG_EMPTY_STMT:
        if (n->empty.implicit)
            put(pr, " implicit");
        break;
    case TG_EXPR_STMT: dump_opt(pr, n->expr_stmt.expr); break;
    case TG_ASSIGN_STMT:
        dump_tok(pr, n->assign.op, n->assign.op_pos);
        put(pr, " [");
        dump_list(pr, &n->assign.lhs);
        put(pr, " ] [");
        dump_list(pr, &n->assign.rhs);
        put(pr, " ]");
        break;
    case TG_INC_DEC_STMT:
        dump_tok(pr, n->inc_dec.op, n->inc_dec.op_pos);
        dump_opt(pr, n->inc_dec.expr);
        break;
    case TG_RETURN_STMT: dump_opt(pr, n->return_stmt.result); break;
    case TG_EXPORT_STMT: dump_opt(pr, n->export_stmt.result); break;
    case TG_BRANCH_STMT:
        if (n->branch.label)
            dump_opt(pr, n->branch.label);
        break;
    case TG_BLOCK_STMT:
        dump_tok(pr, TK_RBRACE, n->block.rbrace);
        dump_list(pr, &n->block.stmts);
        break;
    case TG_IF_STMT:
        dump_opt(pr, n->if_stmt.init);
        dump_opt(pr, n->if_stmt.cond);
        dump_opt(pr, n->if_stmt.body);
        dump_opt(pr, n->if_stmt.els);
        break;
    case TG_FOR_STMT:
        dump_opt(pr, n->for_stmt.init);
        dump_opt(pr, n->for_stmt.cond);
        dump_opt(pr, n->for_stmt.post);
        dump_opt(pr, n->for_stmt.body);
        break;
    case TG_FOR_IN_STMT:
        dump_opt(pr, n->for_in.key);
        dump_opt(pr, n->for_in.value);
        dump_opt(pr, n->for_in.iterable);
        dump_opt(pr, n->for_in.body);
        break;
    default: /* bad nodes, undefined */
        break;
    }
    put(pr, ")");
}

static void print_node(struct printer *pr, const struct tg_node *n)
{
    if (pr->style == TG_PRINT_DUMP)
        dump(pr, n);
    else if (tg_node_is_expr(n))
        print_expr(pr, n);
    else
        print_stmt(pr, n);
}

void tg_print_node(buf_t *out, const struct tg_node *n, enum tg_print_style style)
{
    struct printer pr = { out, style, 0 };
    print_node(&pr, n);
}

void tg_print_file(buf_t *out, const struct tg_file *f, enum tg_print_style style)
{
    struct printer pr = { out, style, 0 };
    for (uint32_t i = 0; i < f->stmts.len; i++) {
        const struct tg_node *s = f->stmts.items[i];
        if (style == TG_PRINT_CANONICAL) {
            if (s->kind == TG_EMPTY_STMT)
                continue;
            print_node(&pr, s);
            put(&pr, "\n");
            continue;
        }
        if (i)
            put(&pr, style == TG_PRINT_TENGO ? "; " : " ");
        print_node(&pr, s);
    }
}
