/* compiler_expr.c — expressions, as Tengo's compiler.go compiles them
 * (same instruction shapes, same evaluation order: `a < b` is compiled as
 * `b > a`), function literals with their captured cells included. */
#include "compiler_internal.h"
#include "status.h"

int tgc_load_symbol(struct compiler *c, struct tg_pos pos, const struct symbol *s)
{
    switch (s->scope) {
    case SCOPE_GLOBAL:
        tgc_emit(c, pos, TG_OP_GET_GLOBAL, s->index, 0);
        break;
    case SCOPE_LOCAL:
        tgc_emit(c, pos, TG_OP_GET_LOCAL, s->index, 0);
        break;
    case SCOPE_FREE:
        tgc_emit(c, pos, TG_OP_GET_FREE, s->index, 0);
        break;
    case SCOPE_BUILTIN:
        tgc_emit(c, pos, TG_OP_GET_BUILTIN, s->index, 0);
        break;
    }
    return OK;
}

static int compile_binary(struct compiler *c, const struct tg_node *n)
{
    enum tg_token op = n->binary.op;
    if (op == TK_LAND || op == TK_LOR) {
        if (tgc_compile(c, n->binary.lhs) != OK)
            return ERROR;
        uint32_t j = tgc_emit(c, n->pos, op == TK_LAND ? TG_OP_AND_JUMP : TG_OP_OR_JUMP, 0, 0);
        if (tgc_compile(c, n->binary.rhs) != OK)
            return ERROR;
        tgc_patch(c, j, tgc_here(c));
        return OK;
    }
    if (op == TK_LESS || op == TK_LESS_EQ) {
        if (tgc_compile(c, n->binary.rhs) != OK || tgc_compile(c, n->binary.lhs) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_BINARY, op == TK_LESS ? TK_GREATER : TK_GREATER_EQ, 0);
        return OK;
    }
    if (tgc_compile(c, n->binary.lhs) != OK || tgc_compile(c, n->binary.rhs) != OK)
        return ERROR;
    switch (op) {
    case TK_EQUAL:
        tgc_emit(c, n->pos, TG_OP_EQUAL, 0, 0);
        return OK;
    case TK_NOT_EQUAL:
        tgc_emit(c, n->pos, TG_OP_NOT_EQUAL, 0, 0);
        return OK;
    case TK_ADD: case TK_SUB: case TK_MUL: case TK_QUO: case TK_REM: case TK_AND:
    case TK_OR: case TK_XOR: case TK_SHL: case TK_SHR: case TK_AND_NOT: case TK_GREATER:
    case TK_GREATER_EQ:
        tgc_emit(c, n->pos, TG_OP_BINARY, op, 0);
        return OK;
    default:
        return tgc_errorf(c, n->pos, "invalid binary operator: %s", tg_token_str(op));
    }
}

static int compile_func(struct compiler *c, const struct tg_node *n)
{
    if (c->nscopes > TG_MAX_DEPTH)
        return tgc_errorf(c, n->pos, "functions nested too deeply");
    tgc_enter_scope(c);
    const struct tg_node_list *params = &n->func_lit.params;
    for (uint32_t i = 0; i < params->len; i++) {
        struct symbol *s = tgc_define(c, params->items[i]->ident.name, params->items[i]->ident.len);
        s->local_assigned = true;
    }
    if (tgc_compile(c, n->func_lit.body) != OK) {
        struct cscope *s = CUR(c);
        c->nscopes--;
        c->st = c->st->parent;
        tgc_free_scope(s);
        return ERROR;
    }
    /* Every function ends in a return (Tengo's optimizeFunc adds it). */
    tgc_emit(c, n->func_lit.body->block.rbrace, TG_OP_RETURN, 0, 0);
    struct symtab *fst = c->st;
    if (fst->max_def > 0xFF + 1 || fst->nfree > 0xFF) {
        struct cscope *s = CUR(c);
        c->nscopes--;
        c->st = c->st->parent;
        tgc_free_scope(s);
        return tgc_errorf(c, n->pos, "too many local variables");
    }
    struct tg_code *code = tgc_leave_scope(c);
    code->num_params = params->len;
    code->varargs = n->func_lit.varargs;
    for (uint32_t i = 0; i < fst->nfree; i++) {
        struct symbol *s = fst->free_syms[i];
        if (s->scope == SCOPE_LOCAL) {
            if (!s->local_assigned) {
                /* a local recursive function captures itself before its
                 * definition: define it as undefined first (as Tengo) */
                s->local_assigned = true;
                tgc_emit(c, n->pos, TG_OP_NULL, 0, 0);
                tgc_emit(c, n->pos, TG_OP_DEFINE_LOCAL, s->index, 0);
            }
            tgc_emit(c, n->pos, TG_OP_GET_LOCAL_PTR, s->index, 0);
        } else {
            tgc_emit(c, n->pos, TG_OP_GET_FREE_PTR, s->index, 0);
        }
    }
    struct tg_function *f = tg_function_new(&c->bc->heap, code, 0);
    uint32_t k = tgc_add_constant(c, tg_obj_value(f));
    if (fst->nfree)
        tgc_emit(c, n->pos, TG_OP_CLOSURE, k, fst->nfree);
    else
        tgc_emit(c, n->pos, TG_OP_CONSTANT, k, 0);
    return OK;
}

int tgc_compile_expr(struct compiler *c, const struct tg_node *n)
{
    switch (n->kind) {
    case TG_IDENT: {
        int depth;
        struct symbol *s = tgc_resolve(c, c->st, n->ident.name, n->ident.len, false, &depth);
        if (!s)
            return tgc_errorf(c, n->pos, "unresolved reference '%s'", n->ident.name);
        return tgc_load_symbol(c, n->pos, s);
    }
    case TG_INT_LIT:
        tgc_emit(c, n->pos, TG_OP_CONSTANT, tgc_add_constant(c, tg_int(n->int_lit.value)), 0);
        return OK;
    case TG_FLOAT_LIT:
        tgc_emit(c, n->pos, TG_OP_CONSTANT, tgc_add_constant(c, tg_float(n->float_lit.value)), 0);
        return OK;
    case TG_CHAR_LIT:
        tgc_emit(c, n->pos, TG_OP_CONSTANT, tgc_add_constant(c, tg_char(n->char_lit.value)), 0);
        return OK;
    case TG_STRING_LIT: {
        struct tg_string *s = tg_string_new(&c->bc->heap, n->string_lit.value, n->string_lit.len);
        tgc_emit(c, n->pos, TG_OP_CONSTANT, tgc_add_constant(c, tg_obj_value(s)), 0);
        return OK;
    }
    case TG_BOOL_LIT:
        tgc_emit(c, n->pos, n->bool_lit.value ? TG_OP_TRUE : TG_OP_FALSE, 0, 0);
        return OK;
    case TG_UNDEFINED_LIT:
        tgc_emit(c, n->pos, TG_OP_NULL, 0, 0);
        return OK;
    case TG_ARRAY_LIT:
        if (tgc_compile_list(c, &n->array_lit.elems) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_ARRAY, n->array_lit.elems.len, 0);
        return OK;
    case TG_MAP_LIT:
        for (uint32_t i = 0; i < n->map_lit.len; i++) {
            const struct tg_map_elem *e = &n->map_lit.elems[i];
            struct tg_string *k = tg_string_new(&c->bc->heap, e->key, e->key_len);
            tgc_emit(c, e->key_pos, TG_OP_CONSTANT, tgc_add_constant(c, tg_obj_value(k)), 0);
            if (tgc_compile(c, e->value) != OK)
                return ERROR;
        }
        tgc_emit(c, n->pos, TG_OP_MAP, n->map_lit.len * 2, 0);
        return OK;
    case TG_FUNC_LIT:
        return compile_func(c, n);
    case TG_UNARY_EXPR:
        if (tgc_compile(c, n->unary.expr) != OK)
            return ERROR;
        switch (n->unary.op) {
        case TK_NOT:
            tgc_emit(c, n->pos, TG_OP_LNOT, 0, 0);
            break;
        case TK_SUB:
            tgc_emit(c, n->pos, TG_OP_MINUS, 0, 0);
            break;
        case TK_XOR:
            tgc_emit(c, n->pos, TG_OP_BCOMPLEMENT, 0, 0);
            break;
        case TK_ADD:
            break;
        default:
            return tgc_errorf(c, n->pos, "invalid unary operator: %s", tg_token_str(n->unary.op));
        }
        return OK;
    case TG_BINARY_EXPR:
        return compile_binary(c, n);
    case TG_COND_EXPR: {
        if (tgc_compile(c, n->cond.cond) != OK)
            return ERROR;
        uint32_t j1 = tgc_emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
        if (tgc_compile(c, n->cond.then) != OK)
            return ERROR;
        uint32_t j2 = tgc_emit(c, n->pos, TG_OP_JUMP, 0, 0);
        CUR(c)->depth--; /* one branch's value only */
        tgc_patch(c, j1, tgc_here(c));
        if (tgc_compile(c, n->cond.els) != OK)
            return ERROR;
        tgc_patch(c, j2, tgc_here(c));
        return OK;
    }
    case TG_PAREN_EXPR:
        return tgc_compile(c, n->paren.expr);
    case TG_SELECTOR_EXPR:
        if (tgc_compile(c, n->selector.expr) != OK || tgc_compile(c, n->selector.sel) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_INDEX, 0, 0);
        return OK;
    case TG_INDEX_EXPR:
        if (tgc_compile(c, n->index.expr) != OK || tgc_compile(c, n->index.index) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_INDEX, 0, 0);
        return OK;
    case TG_SLICE_EXPR:
        if (tgc_compile(c, n->slice.expr) != OK)
            return ERROR;
        if (n->slice.low ? tgc_compile(c, n->slice.low) != OK : (tgc_emit(c, n->pos, TG_OP_NULL, 0, 0), 0))
            return ERROR;
        if (n->slice.high ? tgc_compile(c, n->slice.high) != OK
                          : (tgc_emit(c, n->pos, TG_OP_NULL, 0, 0), 0))
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_SLICE_INDEX, 0, 0);
        return OK;
    case TG_CALL_EXPR:
        if (n->call.args.len > 0xFF)
            return tgc_errorf(c, n->pos, "too many arguments");
        if (tgc_compile(c, n->call.func) != OK || tgc_compile_list(c, &n->call.args) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_CALL, n->call.args.len, n->call.ellipsis.line ? 1 : 0);
        return OK;
    case TG_IMPORT_EXPR:
        return tgc_compile_import(c, n);
    case TG_ERROR_EXPR:
        if (tgc_compile(c, n->wrap.expr) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_ERROR, 0, 0);
        return OK;
    case TG_IMMUTABLE_EXPR:
        if (tgc_compile(c, n->wrap.expr) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_IMMUTABLE, 0, 0);
        return OK;
    default:
        return tgc_errorf(c, n->pos, "invalid expression");
    }
}
