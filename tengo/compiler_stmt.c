/* compiler_stmt.c — statements: assignment (with selectors and compound
 * operators), blocks, if, for, for-in, break/continue, return, export. */
#include "compiler_internal.h"
#include "status.h"

int tgc_compile_list(struct compiler *c, const struct tg_node_list *l)
{
    for (uint32_t i = 0; i < l->len; i++)
        if (tgc_compile(c, l->items[i]) != OK)
            return ERROR;
    return OK;
}

static int compile_block(struct compiler *c, const struct tg_node *n)
{
    if (n->block.stmts.len == 0)
        return OK;
    struct symtab *saved = c->st;
    c->st = tgc_symtab_new(c, saved, true);
    int rc = tgc_compile_list(c, &n->block.stmts);
    c->st = saved;
    return rc;
}

/* ---- assignment ---- */

static const struct tg_node *assign_lhs(const struct tg_node *e, const struct tg_node **sel,
                                        int *nsel, int max)
{
    if (e->kind == TG_SELECTOR_EXPR || e->kind == TG_INDEX_EXPR) {
        const struct tg_node *base =
            assign_lhs(e->kind == TG_SELECTOR_EXPR ? e->selector.expr : e->index.expr, sel, nsel, max);
        if (*nsel < max)
            sel[(*nsel)++] = e->kind == TG_SELECTOR_EXPR ? e->selector.sel : e->index.index;
        else
            *nsel = max + 1;
        return base;
    }
    return e;
}

#define MAX_SELECTORS 255

static int store_symbol(struct compiler *c, struct tg_pos pos, struct symbol *s, int nsel,
                        bool define_op)
{
    switch (s->scope) {
    case SCOPE_GLOBAL:
        if (s->index > 0xFFFF)
            return tgc_errorf(c, pos, "too many global variables");
        if (nsel)
            tgc_emit(c, pos, TG_OP_SET_SEL_GLOBAL, s->index, (uint32_t)nsel);
        else
            tgc_emit(c, pos, TG_OP_SET_GLOBAL, s->index, 0);
        return OK;
    case SCOPE_LOCAL:
        if (s->index > 0xFF)
            return tgc_errorf(c, pos, "too many local variables");
        if (nsel)
            tgc_emit(c, pos, TG_OP_SET_SEL_LOCAL, s->index, (uint32_t)nsel);
        else if (define_op && !s->local_assigned)
            tgc_emit(c, pos, TG_OP_DEFINE_LOCAL, s->index, 0);
        else
            tgc_emit(c, pos, TG_OP_SET_LOCAL, s->index, 0);
        s->local_assigned = true;
        return OK;
    case SCOPE_FREE:
        if (s->index > 0xFF)
            return tgc_errorf(c, pos, "too many free variables");
        if (nsel)
            tgc_emit(c, pos, TG_OP_SET_SEL_FREE, s->index, (uint32_t)nsel);
        else
            tgc_emit(c, pos, TG_OP_SET_FREE, s->index, 0);
        return OK;
    default:
        return tgc_errorf(c, pos, "cannot assign to builtin function '%.*s'", (int)s->len, s->name);
    }
}

static enum tg_token compound_op(enum tg_token op)
{
    switch (op) {
    case TK_ADD_ASSIGN: return TK_ADD;
    case TK_SUB_ASSIGN: return TK_SUB;
    case TK_MUL_ASSIGN: return TK_MUL;
    case TK_QUO_ASSIGN: return TK_QUO;
    case TK_REM_ASSIGN: return TK_REM;
    case TK_AND_ASSIGN: return TK_AND;
    case TK_OR_ASSIGN: return TK_OR;
    case TK_XOR_ASSIGN: return TK_XOR;
    case TK_SHL_ASSIGN: return TK_SHL;
    case TK_SHR_ASSIGN: return TK_SHR;
    case TK_AND_NOT_ASSIGN: return TK_AND_NOT;
    default: return TK_ILLEGAL;
    }
}

static int compile_assign(struct compiler *c, struct tg_pos pos, const struct tg_node *lhs,
                          const struct tg_node *rhs, enum tg_token op)
{
    const struct tg_node *sel[MAX_SELECTORS];
    int nsel = 0;
    const struct tg_node *id = assign_lhs(lhs, sel, &nsel, MAX_SELECTORS);
    if (nsel > MAX_SELECTORS)
        return tgc_errorf(c, pos, "too many selectors");
    const char *name = id->kind == TG_IDENT ? id->ident.name : "";
    uint32_t len = id->kind == TG_IDENT ? id->ident.len : 0;
    if (op == TK_DEFINE && nsel > 0)
        return tgc_errorf(c, pos, "operator ':=' not allowed with selector");
    bool is_func = rhs->kind == TG_FUNC_LIT;
    int depth = 0;
    struct symbol *s = tgc_resolve(c, c->st, name, len, false, &depth);
    if (op == TK_DEFINE) {
        if (s && depth == 0)
            return tgc_errorf(c, pos, "'%.*s' redeclared in this block", (int)len, name);
        if (is_func)
            s = tgc_define(c, name, len);
    } else if (!s) {
        return tgc_errorf(c, pos, "unresolved reference '%.*s'", (int)len, name);
    }
    if (op != TK_ASSIGN && op != TK_DEFINE && tgc_compile(c, lhs) != OK)
        return ERROR;
    if (tgc_compile(c, rhs) != OK)
        return ERROR;
    if (op == TK_DEFINE && !is_func)
        s = tgc_define(c, name, len);
    if (op != TK_ASSIGN && op != TK_DEFINE)
        tgc_emit(c, pos, TG_OP_BINARY, compound_op(op), 0);
    for (int i = nsel - 1; i >= 0; i--)
        if (tgc_compile(c, sel[i]) != OK)
            return ERROR;
    return store_symbol(c, pos, s, nsel, op == TK_DEFINE);
}

/* ---- statements ---- */

static struct loop *enter_loop(struct compiler *c, struct tg_pos pos)
{
    struct cscope *s = CUR(c);
    if (s->nloops == sizeof s->loops / sizeof *s->loops) {
        tgc_errorf(c, pos, "loops nested too deeply");
        return NULL;
    }
    struct loop *l = arena_calloc(c->a, 1, sizeof *l);
    s->loops[s->nloops++] = l;
    return l;
}

static void loop_add(struct compiler *c, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t pos)
{
    *v = tgc_grow(c->a, *v, *n, cap, sizeof **v, 8);
    (*v)[(*n)++] = pos;
}

static void leave_loop(struct compiler *c, struct loop *l, uint32_t brk, uint32_t cont)
{
    CUR(c)->nloops--;
    for (uint32_t i = 0; i < l->nbreaks; i++)
        tgc_patch(c, l->breaks[i], brk);
    for (uint32_t i = 0; i < l->nconts; i++)
        tgc_patch(c, l->conts[i], cont);
}

static int compile_for(struct compiler *c, const struct tg_node *n)
{
    struct symtab *saved = c->st;
    c->st = tgc_symtab_new(c, saved, true);
    int rc = ERROR;
    if (n->for_stmt.init && tgc_compile(c, n->for_stmt.init) != OK)
        goto out;
    uint32_t pre = tgc_here(c);
    uint32_t jcond = 0;
    bool has_cond = n->for_stmt.cond != NULL;
    if (has_cond) {
        if (tgc_compile(c, n->for_stmt.cond) != OK)
            goto out;
        jcond = tgc_emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
    }
    struct loop *l = enter_loop(c, n->pos);
    if (!l || tgc_compile(c, n->for_stmt.body) != OK)
        goto out;
    uint32_t post_body = tgc_here(c);
    if (n->for_stmt.post && tgc_compile(c, n->for_stmt.post) != OK)
        goto out;
    tgc_emit(c, n->pos, TG_OP_JUMP, pre, 0);
    uint32_t end = tgc_here(c);
    if (has_cond)
        tgc_patch(c, jcond, end);
    leave_loop(c, l, end, post_body);
    rc = OK;
out:
    c->st = saved;
    return rc;
}

static int store_new_local(struct compiler *c, struct tg_pos pos, struct symbol *s)
{
    if (s->scope == SCOPE_GLOBAL) {
        if (s->index > 0xFFFF)
            return tgc_errorf(c, pos, "too many global variables");
        tgc_emit(c, pos, TG_OP_SET_GLOBAL, s->index, 0);
    } else {
        if (s->index > 0xFF)
            return tgc_errorf(c, pos, "too many local variables");
        s->local_assigned = true;
        tgc_emit(c, pos, TG_OP_DEFINE_LOCAL, s->index, 0);
    }
    return OK;
}

static int compile_for_in(struct compiler *c, const struct tg_node *n)
{
    struct symtab *saved = c->st;
    c->st = tgc_symtab_new(c, saved, true);
    int rc = ERROR;
    struct symbol *it = tgc_define(c, ":it", 3);
    if (tgc_compile(c, n->for_in.iterable) != OK)
        goto out;
    tgc_emit(c, n->pos, TG_OP_ITERATOR_INIT, 0, 0);
    if (store_new_local(c, n->pos, it) != OK)
        goto out;
    uint32_t pre = tgc_here(c);
    tgc_load_symbol(c, n->pos, it);
    tgc_emit(c, n->pos, TG_OP_ITERATOR_NEXT, 0, 0);
    uint32_t jcond = tgc_emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
    struct loop *l = enter_loop(c, n->pos);
    if (!l)
        goto out;
    const struct tg_node *vars[2] = { n->for_in.key, n->for_in.value };
    for (int k = 0; k < 2; k++) {
        if (vars[k]->ident.len == 1 && vars[k]->ident.name[0] == '_')
            continue;
        struct symbol *s = tgc_define(c, vars[k]->ident.name, vars[k]->ident.len);
        tgc_load_symbol(c, n->pos, it);
        tgc_emit(c, n->pos, k == 0 ? TG_OP_ITERATOR_KEY : TG_OP_ITERATOR_VALUE, 0, 0);
        if (store_new_local(c, n->pos, s) != OK)
            goto out;
    }
    if (tgc_compile(c, n->for_in.body) != OK)
        goto out;
    uint32_t post_body = tgc_here(c);
    tgc_emit(c, n->pos, TG_OP_JUMP, pre, 0);
    uint32_t end = tgc_here(c);
    tgc_patch(c, jcond, end);
    leave_loop(c, l, end, post_body);
    rc = OK;
out:
    c->st = saved;
    return rc;
}

static int compile_if(struct compiler *c, const struct tg_node *n)
{
    struct symtab *saved = c->st;
    c->st = tgc_symtab_new(c, saved, true);
    int rc = ERROR;
    if (n->if_stmt.init && tgc_compile(c, n->if_stmt.init) != OK)
        goto out;
    if (tgc_compile(c, n->if_stmt.cond) != OK)
        goto out;
    uint32_t j1 = tgc_emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
    if (tgc_compile(c, n->if_stmt.body) != OK)
        goto out;
    if (n->if_stmt.els) {
        uint32_t j2 = tgc_emit(c, n->pos, TG_OP_JUMP, 0, 0);
        tgc_patch(c, j1, tgc_here(c));
        if (tgc_compile(c, n->if_stmt.els) != OK)
            goto out;
        tgc_patch(c, j2, tgc_here(c));
    } else {
        tgc_patch(c, j1, tgc_here(c));
    }
    rc = OK;
out:
    c->st = saved;
    return rc;
}

int tgc_compile_stmt(struct compiler *c, const struct tg_node *n)
{
    switch (n->kind) {
    case TG_EMPTY_STMT:
        return OK;
    case TG_EXPR_STMT:
        if (tgc_compile(c, n->expr_stmt.expr) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_POP, 0, 0);
        return OK;
    case TG_ASSIGN_STMT:
        if (n->assign.lhs.len > 1 || n->assign.rhs.len > 1)
            return tgc_errorf(c, n->pos, "tuple assignment not allowed");
        return compile_assign(c, n->pos, n->assign.lhs.items[0], n->assign.rhs.items[0],
                              n->assign.op);
    case TG_INC_DEC_STMT: {
        struct tg_node one = { .kind = TG_INT_LIT, .pos = n->pos };
        one.int_lit.value = 1;
        one.int_lit.lit = "1";
        return compile_assign(c, n->pos, n->inc_dec.expr, &one,
                              n->inc_dec.op == TK_INC ? TK_ADD_ASSIGN : TK_SUB_ASSIGN);
    }
    case TG_RETURN_STMT:
        if (!tgc_symtab_parent(c->st, true))
            return tgc_errorf(c, n->pos, "return not allowed outside function");
        if (!n->return_stmt.result) {
            tgc_emit(c, n->pos, TG_OP_RETURN, 0, 0);
            return OK;
        }
        if (tgc_compile(c, n->return_stmt.result) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_RETURN, 1, 0);
        return OK;
    case TG_EXPORT_STMT:
        if (c->nscopes > c->scope_base + 1)
            return tgc_errorf(c, n->pos, "export not allowed inside function");
        if (!c->nchain)
            return OK; /* ignored in the main program, as Tengo does */
        if (tgc_compile(c, n->export_stmt.result) != OK)
            return ERROR;
        tgc_emit(c, n->pos, TG_OP_IMMUTABLE, 0, 0);
        tgc_emit(c, n->pos, TG_OP_RETURN, 1, 0);
        return OK;
    case TG_BRANCH_STMT: {
        struct cscope *s = CUR(c);
        bool brk = n->branch.tok == TK_BREAK;
        if (!s->nloops)
            return tgc_errorf(c, n->pos, "%s not allowed outside loop", brk ? "break" : "continue");
        struct loop *l = s->loops[s->nloops - 1];
        uint32_t j = tgc_emit(c, n->pos, TG_OP_JUMP, 0, 0);
        if (brk)
            loop_add(c, &l->breaks, &l->nbreaks, &l->cap_breaks, j);
        else
            loop_add(c, &l->conts, &l->nconts, &l->cap_conts, j);
        return OK;
    }
    case TG_BLOCK_STMT:
        return compile_block(c, n);
    case TG_IF_STMT:
        return compile_if(c, n);
    case TG_FOR_STMT:
        return compile_for(c, n);
    case TG_FOR_IN_STMT:
        return compile_for_in(c, n);
    default:
        return tgc_errorf(c, n->pos, "invalid statement");
    }
}
