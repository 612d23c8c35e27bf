/* compiler.c — the syntax tree to bytecode, case by case as Tengo's
 * compiler.go does it (same instruction shapes, same error messages, same
 * evaluation order: `a < b` is compiled as `b > a`), with the symbol tables
 * of symbol_table.go. Scratch state (symbols, scopes) lives in an arena
 * freed at the end; the bytecode itself is malloc'd. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "host.h"
#include "modules.h"
#include "opcodes.h"
#include "parser.h"
#include "status.h"

const uint8_t tg_op_widths[TG_OP_COUNT][2] = {
#define TG_OP_W(name, a, b) { a, b },
    TG_OPCODES(TG_OP_W)
#undef TG_OP_W
};
const char *const tg_op_names[TG_OP_COUNT] = {
#define TG_OP_N(name, a, b) #name,
    TG_OPCODES(TG_OP_N)
#undef TG_OP_N
};

enum scope { SCOPE_GLOBAL, SCOPE_LOCAL, SCOPE_BUILTIN, SCOPE_FREE };

struct symbol {
    const char *name;
    uint32_t len;
    enum scope scope;
    uint32_t index;
    bool local_assigned;
};

struct symtab {
    struct symtab *parent;
    bool block;
    struct symbol **store;
    uint32_t nstore, cap_store;
    uint32_t num_def, max_def;
    struct symbol **free_syms; /* the captured originals, in cell order */
    uint32_t nfree, cap_free;
};

struct loop {
    uint32_t *breaks, *conts;
    uint32_t nbreaks, nconts, cap_breaks, cap_conts;
};

struct cscope { /* one function being compiled */
    buf_t insts;
    uint32_t *map_ip;
    struct tg_pos *map_pos;
    uint32_t nmap, cap_map;
    struct loop *loops[256];
    uint32_t nloops;
    int depth, max_depth;
    uint32_t last_op; /* start of the last instruction */
};

/* A source module compiled during this compile: its function's constant,
 * called again at every import of the same name (as Tengo does). */
struct compiled_module {
    struct compiled_module *next;
    const char *name;
    uint32_t len;
    uint32_t konst;
};

/* Source modules importing source modules: bounded so that a resolver
 * handing out endless distinct names cannot exhaust the stack. */
#define MAX_MODULE_DEPTH 32

struct compiler {
    arena_t *a;
    const char *filename; /* of the file being compiled (main or module) */
    const struct tg_compile_opts *opts;
    /* the source modules being compiled, outermost first (cycle check) */
    const struct tg_node *chain[MAX_MODULE_DEPTH];
    int nchain;
    struct compiled_module *modules;
    int scope_base; /* the scope of the file being compiled (export's "top level") */
    struct tg_bytecode *bc;
    struct symtab *st;
    struct cscope *scopes[TG_MAX_DEPTH + 2];
    int nscopes;
    uint32_t cap_const, cap_codes;
    buf_t *err;
    int failed;
};

#define CUR(c) ((c)->scopes[(c)->nscopes - 1])

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static int errorf(struct compiler *c, struct tg_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errorf(struct compiler *c, struct tg_pos pos, const char *fmt, ...)
{
    if (c->failed)
        return ERROR;
    c->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    buf_puts(c->err, "Compile Error: ");
    buf_vprintf(c->err, fmt, ap);
    va_end(ap);
    buf_printf(c->err, "\n\tat %s:%u:%u", c->filename, pos.line, pos.column);
    return ERROR;
}

/* ---- symbol tables ---- */

static struct symtab *symtab_new(struct compiler *c, struct symtab *parent, bool block)
{
    struct symtab *t = arena_calloc(c->a, 1, sizeof *t);
    t->parent = parent;
    t->block = block;
    return t;
}

static struct symbol *store_get(const struct symtab *t, const char *name, uint32_t len)
{
    for (uint32_t i = t->nstore; i-- > 0;)
        if (t->store[i]->len == len && memcmp(t->store[i]->name, name, len) == 0)
            return t->store[i];
    return NULL;
}

static void store_put(struct compiler *c, struct symtab *t, struct symbol *s)
{
    for (uint32_t i = 0; i < t->nstore; i++)
        if (t->store[i]->len == s->len && memcmp(t->store[i]->name, s->name, s->len) == 0) {
            t->store[i] = s;
            return;
        }
    if (t->nstore == t->cap_store) {
        uint32_t cap = t->cap_store ? 2 * t->cap_store : 8;
        struct symbol **n = arena_calloc(c->a, cap, sizeof *n);
        if (t->nstore)
            memcpy(n, t->store, t->nstore * sizeof *n);
        t->store = n;
        t->cap_store = cap;
    }
    t->store[t->nstore++] = s;
}

static struct symtab *symtab_parent(struct symtab *t, bool skip_block)
{
    if (skip_block && t->block)
        return symtab_parent(t->parent, skip_block);
    return t->parent;
}

static uint32_t next_index(const struct symtab *t)
{
    if (t->block)
        return next_index(t->parent) + t->num_def;
    return t->num_def;
}

static void update_max(struct symtab *t, uint32_t n)
{
    if (n > t->max_def)
        t->max_def = n;
    if (t->block)
        update_max(t->parent, n);
}

static struct symbol *define(struct compiler *c, const char *name, uint32_t len)
{
    struct symtab *t = c->st;
    struct symbol *s = arena_calloc(c->a, 1, sizeof *s);
    s->name = name;
    s->len = len;
    s->index = next_index(t);
    t->num_def++;
    s->scope = symtab_parent(t, true) ? SCOPE_LOCAL : SCOPE_GLOBAL;
    store_put(c, t, s);
    update_max(t, s->index + 1);
    return s;
}

static struct symbol *define_free(struct compiler *c, struct symtab *t, struct symbol *orig)
{
    if (t->nfree == t->cap_free) {
        uint32_t cap = t->cap_free ? 2 * t->cap_free : 8;
        struct symbol **n = arena_calloc(c->a, cap, sizeof *n);
        if (t->nfree)
            memcpy(n, t->free_syms, t->nfree * sizeof *n);
        t->free_syms = n;
        t->cap_free = cap;
    }
    t->free_syms[t->nfree++] = orig;
    struct symbol *s = arena_calloc(c->a, 1, sizeof *s);
    s->name = orig->name;
    s->len = orig->len;
    s->scope = SCOPE_FREE;
    s->index = t->nfree - 1;
    store_put(c, t, s);
    return s;
}

static struct symbol *resolve(struct compiler *c, struct symtab *t, const char *name, uint32_t len,
                              bool recur, int *depth)
{
    struct symbol *s = store_get(t, name, len);
    if (s && (s->scope != SCOPE_LOCAL || s->local_assigned || recur)) {
        *depth = 0;
        return s;
    }
    if (!t->parent) {
        for (int i = 0; i < tg_nbuiltins; i++)
            if (strlen(tg_builtins[i].name) == len && memcmp(tg_builtins[i].name, name, len) == 0) {
                s = arena_calloc(c->a, 1, sizeof *s);
                s->name = name;
                s->len = len;
                s->scope = SCOPE_BUILTIN;
                s->index = (uint32_t)i;
                *depth = 0;
                return s;
            }
        return NULL;
    }
    s = resolve(c, t->parent, name, len, true, depth);
    if (!s)
        return NULL;
    (*depth)++;
    if (!t->block && s->scope != SCOPE_GLOBAL && s->scope != SCOPE_BUILTIN)
        return define_free(c, t, s);
    return s;
}

/* ---- emitting ---- */

/* Net stack effect of an instruction, for the function's stack bound. */
static int stack_effect(enum tg_opcode op, uint32_t a, uint32_t b)
{
    switch (op) {
    case TG_OP_CONSTANT: case TG_OP_NULL: case TG_OP_TRUE: case TG_OP_FALSE:
    case TG_OP_GET_GLOBAL: case TG_OP_GET_LOCAL: case TG_OP_GET_LOCAL_PTR:
    case TG_OP_GET_FREE: case TG_OP_GET_FREE_PTR: case TG_OP_GET_BUILTIN:
    case TG_OP_ITERATOR_NEXT: case TG_OP_ITERATOR_KEY: case TG_OP_ITERATOR_VALUE:
        return 1;
    case TG_OP_POP: case TG_OP_BINARY: case TG_OP_EQUAL: case TG_OP_NOT_EQUAL:
    case TG_OP_JUMP_FALSY: case TG_OP_AND_JUMP: case TG_OP_OR_JUMP: case TG_OP_SET_GLOBAL:
    case TG_OP_SET_LOCAL: case TG_OP_DEFINE_LOCAL: case TG_OP_SET_FREE: case TG_OP_INDEX:
        return -1;
    case TG_OP_SET_SEL_GLOBAL: case TG_OP_SET_SEL_LOCAL: case TG_OP_SET_SEL_FREE:
        return -(int)b - 1;
    case TG_OP_ARRAY:
        return 1 - (int)a;
    case TG_OP_MAP:
        return 1 - (int)a;
    case TG_OP_SLICE_INDEX:
        return -2;
    case TG_OP_CALL:
        return -(int)a;
    case TG_OP_CLOSURE:
        return 1 - (int)b;
    default:
        return 0;
    }
    return 0;
}

static uint32_t emit(struct compiler *c, struct tg_pos pos, enum tg_opcode op, uint32_t a,
                     uint32_t b)
{
    struct cscope *s = CUR(c);
    uint32_t at = (uint32_t)s->insts.len;
    uint8_t bytes[10];
    size_t n = 0;
    bytes[n++] = (uint8_t)op;
    uint32_t ops[2] = { a, b };
    for (int k = 0; k < 2; k++)
        for (int w = 0; w < tg_op_widths[op][k]; w++)
            bytes[n++] = (uint8_t)(ops[k] >> (8 * w));
    buf_append(&s->insts, bytes, n);
    if (s->nmap == s->cap_map) {
        s->cap_map = s->cap_map ? 2 * s->cap_map : 64;
        s->map_ip = xrealloc(s->map_ip, s->cap_map * sizeof *s->map_ip);
        s->map_pos = xrealloc(s->map_pos, s->cap_map * sizeof *s->map_pos);
    }
    s->map_ip[s->nmap] = at;
    s->map_pos[s->nmap++] = pos;
    s->depth += stack_effect(op, a, b);
    if (s->depth < 0)
        s->depth = 0;
    if (s->depth > s->max_depth)
        s->max_depth = s->depth;
    s->last_op = at;
    return at;
}

static uint32_t here(struct compiler *c)
{
    return (uint32_t)CUR(c)->insts.len;
}

/* Sets the 4-byte operand of the jump at `at`. */
static void patch(struct compiler *c, uint32_t at, uint32_t target)
{
    uint8_t *p = (uint8_t *)CUR(c)->insts.data + at + 1;
    for (int w = 0; w < 4; w++)
        p[w] = (uint8_t)(target >> (8 * w));
}

static uint32_t add_constant(struct compiler *c, struct tg_value v)
{
    struct tg_bytecode *bc = c->bc;
    if (bc->nconst == c->cap_const) {
        c->cap_const = c->cap_const ? 2 * c->cap_const : 64;
        bc->constants = xrealloc(bc->constants, c->cap_const * sizeof *bc->constants);
    }
    bc->constants[bc->nconst] = v;
    return bc->nconst++;
}

static void enter_scope(struct compiler *c)
{
    struct cscope *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    c->scopes[c->nscopes++] = s;
    c->st = symtab_new(c, c->st, false);
}

/* Ends the current function: its code, registered with the bytecode. */
static struct tg_code *leave_scope(struct compiler *c)
{
    struct cscope *s = CUR(c);
    struct tg_code *code = calloc(1, sizeof *code);
    if (!code)
        abort();
    size_t len;
    code->insts = (uint8_t *)buf_steal(&s->insts, &len);
    code->len = (uint32_t)len;
    code->map_ip = s->map_ip;
    code->map_pos = s->map_pos;
    code->nmap = s->nmap;
    code->max_stack = (uint32_t)s->max_depth + 4;
    code->num_locals = c->st->max_def;
    if (c->nchain) {
        code->filename = strdup(c->filename);
        if (!code->filename)
            abort();
    }
    struct tg_bytecode *bc = c->bc;
    if (bc->ncodes == c->cap_codes) {
        c->cap_codes = c->cap_codes ? 2 * c->cap_codes : 16;
        bc->codes = xrealloc(bc->codes, c->cap_codes * sizeof *bc->codes);
    }
    bc->codes[bc->ncodes++] = code;
    free(s);
    c->nscopes--;
    c->st = c->st->parent;
    return code;
}

static void free_scope(struct cscope *s)
{
    buf_free(&s->insts);
    free(s->map_ip);
    free(s->map_pos);
    free(s);
}

static int compile(struct compiler *c, const struct tg_node *n);

static int compile_list(struct compiler *c, const struct tg_node_list *l)
{
    for (uint32_t i = 0; i < l->len; i++)
        if (compile(c, l->items[i]) != OK)
            return ERROR;
    return OK;
}

static int compile_block(struct compiler *c, const struct tg_node *n)
{
    if (n->block.stmts.len == 0)
        return OK;
    struct symtab *saved = c->st;
    c->st = symtab_new(c, saved, true);
    int rc = compile_list(c, &n->block.stmts);
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
            return errorf(c, pos, "too many global variables");
        if (nsel)
            emit(c, pos, TG_OP_SET_SEL_GLOBAL, s->index, (uint32_t)nsel);
        else
            emit(c, pos, TG_OP_SET_GLOBAL, s->index, 0);
        return OK;
    case SCOPE_LOCAL:
        if (s->index > 0xFF)
            return errorf(c, pos, "too many local variables");
        if (nsel)
            emit(c, pos, TG_OP_SET_SEL_LOCAL, s->index, (uint32_t)nsel);
        else if (define_op && !s->local_assigned)
            emit(c, pos, TG_OP_DEFINE_LOCAL, s->index, 0);
        else
            emit(c, pos, TG_OP_SET_LOCAL, s->index, 0);
        s->local_assigned = true;
        return OK;
    case SCOPE_FREE:
        if (s->index > 0xFF)
            return errorf(c, pos, "too many free variables");
        if (nsel)
            emit(c, pos, TG_OP_SET_SEL_FREE, s->index, (uint32_t)nsel);
        else
            emit(c, pos, TG_OP_SET_FREE, s->index, 0);
        return OK;
    default:
        return errorf(c, pos, "cannot assign to builtin function '%.*s'", (int)s->len, s->name);
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
        return errorf(c, pos, "too many selectors");
    const char *name = id->kind == TG_IDENT ? id->ident.name : "";
    uint32_t len = id->kind == TG_IDENT ? id->ident.len : 0;
    if (op == TK_DEFINE && nsel > 0)
        return errorf(c, pos, "operator ':=' not allowed with selector");
    bool is_func = rhs->kind == TG_FUNC_LIT;
    int depth = 0;
    struct symbol *s = resolve(c, c->st, name, len, false, &depth);
    if (op == TK_DEFINE) {
        if (s && depth == 0)
            return errorf(c, pos, "'%.*s' redeclared in this block", (int)len, name);
        if (is_func)
            s = define(c, name, len);
    } else if (!s) {
        return errorf(c, pos, "unresolved reference '%.*s'", (int)len, name);
    }
    if (op != TK_ASSIGN && op != TK_DEFINE && compile(c, lhs) != OK)
        return ERROR;
    if (compile(c, rhs) != OK)
        return ERROR;
    if (op == TK_DEFINE && !is_func)
        s = define(c, name, len);
    if (op != TK_ASSIGN && op != TK_DEFINE)
        emit(c, pos, TG_OP_BINARY, compound_op(op), 0);
    for (int i = nsel - 1; i >= 0; i--)
        if (compile(c, sel[i]) != OK)
            return ERROR;
    return store_symbol(c, pos, s, nsel, op == TK_DEFINE);
}

/* ---- expressions ---- */

static int load_symbol(struct compiler *c, struct tg_pos pos, const struct symbol *s)
{
    switch (s->scope) {
    case SCOPE_GLOBAL:
        emit(c, pos, TG_OP_GET_GLOBAL, s->index, 0);
        break;
    case SCOPE_LOCAL:
        emit(c, pos, TG_OP_GET_LOCAL, s->index, 0);
        break;
    case SCOPE_FREE:
        emit(c, pos, TG_OP_GET_FREE, s->index, 0);
        break;
    case SCOPE_BUILTIN:
        emit(c, pos, TG_OP_GET_BUILTIN, s->index, 0);
        break;
    }
    return OK;
}

static int compile_binary(struct compiler *c, const struct tg_node *n)
{
    enum tg_token op = n->binary.op;
    if (op == TK_LAND || op == TK_LOR) {
        if (compile(c, n->binary.lhs) != OK)
            return ERROR;
        uint32_t j = emit(c, n->pos, op == TK_LAND ? TG_OP_AND_JUMP : TG_OP_OR_JUMP, 0, 0);
        if (compile(c, n->binary.rhs) != OK)
            return ERROR;
        patch(c, j, here(c));
        return OK;
    }
    if (op == TK_LESS || op == TK_LESS_EQ) {
        if (compile(c, n->binary.rhs) != OK || compile(c, n->binary.lhs) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_BINARY, op == TK_LESS ? TK_GREATER : TK_GREATER_EQ, 0);
        return OK;
    }
    if (compile(c, n->binary.lhs) != OK || compile(c, n->binary.rhs) != OK)
        return ERROR;
    switch (op) {
    case TK_EQUAL:
        emit(c, n->pos, TG_OP_EQUAL, 0, 0);
        return OK;
    case TK_NOT_EQUAL:
        emit(c, n->pos, TG_OP_NOT_EQUAL, 0, 0);
        return OK;
    case TK_ADD: case TK_SUB: case TK_MUL: case TK_QUO: case TK_REM: case TK_AND:
    case TK_OR: case TK_XOR: case TK_SHL: case TK_SHR: case TK_AND_NOT: case TK_GREATER:
    case TK_GREATER_EQ:
        emit(c, n->pos, TG_OP_BINARY, op, 0);
        return OK;
    default:
        return errorf(c, n->pos, "invalid binary operator: %s", tg_token_str(op));
    }
}

static int compile_func(struct compiler *c, const struct tg_node *n)
{
    if (c->nscopes > TG_MAX_DEPTH)
        return errorf(c, n->pos, "functions nested too deeply");
    enter_scope(c);
    const struct tg_node_list *params = &n->func_lit.params;
    for (uint32_t i = 0; i < params->len; i++) {
        struct symbol *s = define(c, params->items[i]->ident.name, params->items[i]->ident.len);
        s->local_assigned = true;
    }
    if (compile(c, n->func_lit.body) != OK) {
        struct cscope *s = CUR(c);
        c->nscopes--;
        c->st = c->st->parent;
        free_scope(s);
        return ERROR;
    }
    /* Every function ends in a return (Tengo's optimizeFunc adds it). */
    emit(c, n->func_lit.body->block.rbrace, TG_OP_RETURN, 0, 0);
    struct symtab *fst = c->st;
    if (fst->max_def > 0xFF + 1 || fst->nfree > 0xFF) {
        struct cscope *s = CUR(c);
        c->nscopes--;
        c->st = c->st->parent;
        free_scope(s);
        return errorf(c, n->pos, "too many local variables");
    }
    struct tg_code *code = leave_scope(c);
    code->num_params = params->len;
    code->varargs = n->func_lit.varargs;
    for (uint32_t i = 0; i < fst->nfree; i++) {
        struct symbol *s = fst->free_syms[i];
        if (s->scope == SCOPE_LOCAL) {
            if (!s->local_assigned) {
                /* a local recursive function captures itself before its
                 * definition: define it as undefined first (as Tengo) */
                s->local_assigned = true;
                emit(c, n->pos, TG_OP_NULL, 0, 0);
                emit(c, n->pos, TG_OP_DEFINE_LOCAL, s->index, 0);
            }
            emit(c, n->pos, TG_OP_GET_LOCAL_PTR, s->index, 0);
        } else {
            emit(c, n->pos, TG_OP_GET_FREE_PTR, s->index, 0);
        }
    }
    struct tg_function *f = tg_function_new(&c->bc->heap, code, 0);
    uint32_t k = add_constant(c, tg_obj_value(f));
    if (fst->nfree)
        emit(c, n->pos, TG_OP_CLOSURE, k, fst->nfree);
    else
        emit(c, n->pos, TG_OP_CONSTANT, k, 0);
    return OK;
}

/* A builtin module as an immutable map constant (nested modules as
 * nested immutable maps). */
static struct tg_map *module_map(struct compiler *c, const struct tg_module *m)
{
    struct tg_map *map = tg_map_new(&c->bc->heap);
    for (int i = 0; i < m->nfuncs; i++) {
        struct tg_value v = { .type = TG_BUILTIN, .u.bi = &m->funcs[i] };
        tg_map_set(&c->bc->heap, map, m->funcs[i].name, strlen(m->funcs[i].name), v);
    }
    for (int i = 0; i < m->nconsts; i++) {
        const struct tg_module_const *k = &m->consts[i];
        struct tg_value v;
        switch (k->kind) {
        case TG_CONST_INT:
            v = tg_int(k->i);
            break;
        case TG_CONST_FLOAT:
            v = tg_float(k->f);
            break;
        case TG_CONST_BOOL:
            v = tg_bool(k->i != 0);
            break;
        default:
            v = tg_obj_value(tg_string_new(&c->bc->heap, k->s, strlen(k->s)));
            break;
        }
        tg_map_set(&c->bc->heap, map, k->name, strlen(k->name), v);
    }
    for (int i = 0; i < m->nsubs; i++)
        tg_map_set(&c->bc->heap, map, m->subs[i]->name, strlen(m->subs[i]->name),
                   tg_obj_value(module_map(c, m->subs[i])));
    map->h.type = TG_IMMUTABLE_MAP;
    return map;
}

static bool same_name(const struct tg_node *imp, const char *name, uint32_t len)
{
    return imp->import_expr.len == len && memcmp(imp->import_expr.module, name, len) == 0;
}

/* Compiles src as the body of a function of no parameters, in a scope of
 * its own (no access to the importer's names, builtins only), the way
 * Tengo's compileModule does: top-level names are the function's locals
 * and `export X` returns immutable(X). ERROR with the message set. */
static int compile_module_body(struct compiler *c, const struct tg_node *imp,
                               const struct tg_source *src, uint32_t *konst)
{
    const char *fname = src->filename
                            ? arena_strdup(c->a, src->filename)
                            : arena_strndup(c->a, imp->import_expr.module, imp->import_expr.len);
    struct tg_file *file;
    struct tg_error_list errs;
    if (tg_parse(c->a, fname, src->code ? src->code : "", src->len, &file, &errs) != OK) {
        if (!c->failed) {
            c->failed = 1;
            buf_puts(c->err, tg_error_list_string(c->a, &errs));
        }
        return ERROR;
    }
    const char *saved_file = c->filename;
    struct symtab *saved_st = c->st;
    int saved_base = c->scope_base;
    int saved_nscopes = c->nscopes;
    c->filename = fname;
    c->chain[c->nchain++] = imp;
    c->st = symtab_new(c, NULL, false); /* the builtins only */
    enter_scope(c);
    c->scope_base = c->nscopes - 1;
    struct symtab *mst = c->st;
    int rc = compile_list(c, &file->stmts);
    if (rc == OK && mst->max_def > 0xFF + 1)
        rc = errorf(c, (struct tg_pos){ 0, 1, 1 }, "too many local variables");
    if (rc == OK) {
        emit(c, (struct tg_pos){ 0, 0, 0 }, TG_OP_RETURN, 0, 0);
        struct tg_code *code = leave_scope(c);
        struct tg_function *f = tg_function_new(&c->bc->heap, code, 0);
        *konst = add_constant(c, tg_obj_value(f));
    } else {
        while (c->nscopes > saved_nscopes)
            free_scope(c->scopes[--c->nscopes]);
    }
    c->nchain--;
    c->filename = saved_file;
    c->st = saved_st;
    c->scope_base = saved_base;
    return rc;
}

static int compile_source_module(struct compiler *c, const struct tg_node *n)
{
    const char *name = n->import_expr.module;
    uint32_t len = n->import_expr.len;
    for (int i = 0; i < c->nchain; i++)
        if (same_name(c->chain[i], name, len))
            return errorf(c, n->pos, "cyclic module import: %.*s", (int)len, name);
    struct compiled_module *m = c->modules;
    while (m && !(m->len == len && memcmp(m->name, name, len) == 0))
        m = m->next;
    if (!m) {
        struct tg_source src = { 0 };
        if (c->opts->resolve(c->opts->resolve_ctx, name, len, &src) != OK)
            return errorf(c, n->pos, "module '%.*s' not found", (int)len, name);
        if (c->nchain == MAX_MODULE_DEPTH || c->nscopes > TG_MAX_DEPTH)
            return errorf(c, n->pos, "modules nested too deeply");
        uint32_t k;
        if (compile_module_body(c, n, &src, &k) != OK)
            return ERROR;
        m = arena_calloc(c->a, 1, sizeof *m);
        m->name = name;
        m->len = len;
        m->konst = k;
        m->next = c->modules;
        c->modules = m;
    }
    emit(c, n->pos, TG_OP_CONSTANT, m->konst, 0);
    emit(c, n->pos, TG_OP_CALL, 0, 0);
    return OK;
}

static int compile_import(struct compiler *c, const struct tg_node *n)
{
    if (n->import_expr.len == 0)
        return errorf(c, n->pos, "empty module name");
    const struct tg_module *m =
        tg_module_find(n->import_expr.module, n->import_expr.len, c->opts->modules);
    if (m) {
        emit(c, n->pos, TG_OP_CONSTANT, add_constant(c, tg_obj_value(module_map(c, m))), 0);
        return OK;
    }
    if (c->opts->resolve)
        return compile_source_module(c, n);
    return errorf(c, n->pos, "module '%.*s' not found", (int)n->import_expr.len,
                  n->import_expr.module);
}

static int compile_expr(struct compiler *c, const struct tg_node *n)
{
    switch (n->kind) {
    case TG_IDENT: {
        int depth;
        struct symbol *s = resolve(c, c->st, n->ident.name, n->ident.len, false, &depth);
        if (!s)
            return errorf(c, n->pos, "unresolved reference '%s'", n->ident.name);
        return load_symbol(c, n->pos, s);
    }
    case TG_INT_LIT:
        emit(c, n->pos, TG_OP_CONSTANT, add_constant(c, tg_int(n->int_lit.value)), 0);
        return OK;
    case TG_FLOAT_LIT:
        emit(c, n->pos, TG_OP_CONSTANT, add_constant(c, tg_float(n->float_lit.value)), 0);
        return OK;
    case TG_CHAR_LIT:
        emit(c, n->pos, TG_OP_CONSTANT, add_constant(c, tg_char(n->char_lit.value)), 0);
        return OK;
    case TG_STRING_LIT: {
        struct tg_string *s = tg_string_new(&c->bc->heap, n->string_lit.value, n->string_lit.len);
        emit(c, n->pos, TG_OP_CONSTANT, add_constant(c, tg_obj_value(s)), 0);
        return OK;
    }
    case TG_BOOL_LIT:
        emit(c, n->pos, n->bool_lit.value ? TG_OP_TRUE : TG_OP_FALSE, 0, 0);
        return OK;
    case TG_UNDEFINED_LIT:
        emit(c, n->pos, TG_OP_NULL, 0, 0);
        return OK;
    case TG_ARRAY_LIT:
        if (compile_list(c, &n->array_lit.elems) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_ARRAY, n->array_lit.elems.len, 0);
        return OK;
    case TG_MAP_LIT:
        for (uint32_t i = 0; i < n->map_lit.len; i++) {
            const struct tg_map_elem *e = &n->map_lit.elems[i];
            struct tg_string *k = tg_string_new(&c->bc->heap, e->key, e->key_len);
            emit(c, e->key_pos, TG_OP_CONSTANT, add_constant(c, tg_obj_value(k)), 0);
            if (compile(c, e->value) != OK)
                return ERROR;
        }
        emit(c, n->pos, TG_OP_MAP, n->map_lit.len * 2, 0);
        return OK;
    case TG_FUNC_LIT:
        return compile_func(c, n);
    case TG_UNARY_EXPR:
        if (compile(c, n->unary.expr) != OK)
            return ERROR;
        switch (n->unary.op) {
        case TK_NOT:
            emit(c, n->pos, TG_OP_LNOT, 0, 0);
            break;
        case TK_SUB:
            emit(c, n->pos, TG_OP_MINUS, 0, 0);
            break;
        case TK_XOR:
            emit(c, n->pos, TG_OP_BCOMPLEMENT, 0, 0);
            break;
        case TK_ADD:
            break;
        default:
            return errorf(c, n->pos, "invalid unary operator: %s", tg_token_str(n->unary.op));
        }
        return OK;
    case TG_BINARY_EXPR:
        return compile_binary(c, n);
    case TG_COND_EXPR: {
        if (compile(c, n->cond.cond) != OK)
            return ERROR;
        uint32_t j1 = emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
        if (compile(c, n->cond.then) != OK)
            return ERROR;
        uint32_t j2 = emit(c, n->pos, TG_OP_JUMP, 0, 0);
        CUR(c)->depth--; /* one branch's value only */
        patch(c, j1, here(c));
        if (compile(c, n->cond.els) != OK)
            return ERROR;
        patch(c, j2, here(c));
        return OK;
    }
    case TG_PAREN_EXPR:
        return compile(c, n->paren.expr);
    case TG_SELECTOR_EXPR:
        if (compile(c, n->selector.expr) != OK || compile(c, n->selector.sel) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_INDEX, 0, 0);
        return OK;
    case TG_INDEX_EXPR:
        if (compile(c, n->index.expr) != OK || compile(c, n->index.index) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_INDEX, 0, 0);
        return OK;
    case TG_SLICE_EXPR:
        if (compile(c, n->slice.expr) != OK)
            return ERROR;
        if (n->slice.low ? compile(c, n->slice.low) != OK : (emit(c, n->pos, TG_OP_NULL, 0, 0), 0))
            return ERROR;
        if (n->slice.high ? compile(c, n->slice.high) != OK
                          : (emit(c, n->pos, TG_OP_NULL, 0, 0), 0))
            return ERROR;
        emit(c, n->pos, TG_OP_SLICE_INDEX, 0, 0);
        return OK;
    case TG_CALL_EXPR:
        if (n->call.args.len > 0xFF)
            return errorf(c, n->pos, "too many arguments");
        if (compile(c, n->call.func) != OK || compile_list(c, &n->call.args) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_CALL, n->call.args.len, n->call.ellipsis.line ? 1 : 0);
        return OK;
    case TG_IMPORT_EXPR:
        return compile_import(c, n);
    case TG_ERROR_EXPR:
        if (compile(c, n->wrap.expr) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_ERROR, 0, 0);
        return OK;
    case TG_IMMUTABLE_EXPR:
        if (compile(c, n->wrap.expr) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_IMMUTABLE, 0, 0);
        return OK;
    default:
        return errorf(c, n->pos, "invalid expression");
    }
}

/* ---- statements ---- */

static struct loop *enter_loop(struct compiler *c, struct tg_pos pos)
{
    struct cscope *s = CUR(c);
    if (s->nloops == sizeof s->loops / sizeof *s->loops) {
        errorf(c, pos, "loops nested too deeply");
        return NULL;
    }
    struct loop *l = arena_calloc(c->a, 1, sizeof *l);
    s->loops[s->nloops++] = l;
    return l;
}

static void loop_add(struct compiler *c, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t pos)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? 2 * *cap : 8;
        uint32_t *nv = arena_calloc(c->a, nc, sizeof *nv);
        if (*n)
            memcpy(nv, *v, *n * sizeof *nv);
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = pos;
}

static void leave_loop(struct compiler *c, struct loop *l, uint32_t brk, uint32_t cont)
{
    CUR(c)->nloops--;
    for (uint32_t i = 0; i < l->nbreaks; i++)
        patch(c, l->breaks[i], brk);
    for (uint32_t i = 0; i < l->nconts; i++)
        patch(c, l->conts[i], cont);
}

static int compile_for(struct compiler *c, const struct tg_node *n)
{
    struct symtab *saved = c->st;
    c->st = symtab_new(c, saved, true);
    int rc = ERROR;
    if (n->for_stmt.init && compile(c, n->for_stmt.init) != OK)
        goto out;
    uint32_t pre = here(c);
    uint32_t jcond = 0;
    bool has_cond = n->for_stmt.cond != NULL;
    if (has_cond) {
        if (compile(c, n->for_stmt.cond) != OK)
            goto out;
        jcond = emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
    }
    struct loop *l = enter_loop(c, n->pos);
    if (!l || compile(c, n->for_stmt.body) != OK)
        goto out;
    uint32_t post_body = here(c);
    if (n->for_stmt.post && compile(c, n->for_stmt.post) != OK)
        goto out;
    emit(c, n->pos, TG_OP_JUMP, pre, 0);
    uint32_t end = here(c);
    if (has_cond)
        patch(c, jcond, end);
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
            return errorf(c, pos, "too many global variables");
        emit(c, pos, TG_OP_SET_GLOBAL, s->index, 0);
    } else {
        if (s->index > 0xFF)
            return errorf(c, pos, "too many local variables");
        s->local_assigned = true;
        emit(c, pos, TG_OP_DEFINE_LOCAL, s->index, 0);
    }
    return OK;
}

static int compile_for_in(struct compiler *c, const struct tg_node *n)
{
    struct symtab *saved = c->st;
    c->st = symtab_new(c, saved, true);
    int rc = ERROR;
    struct symbol *it = define(c, ":it", 3);
    if (compile(c, n->for_in.iterable) != OK)
        goto out;
    emit(c, n->pos, TG_OP_ITERATOR_INIT, 0, 0);
    if (store_new_local(c, n->pos, it) != OK)
        goto out;
    uint32_t pre = here(c);
    load_symbol(c, n->pos, it);
    emit(c, n->pos, TG_OP_ITERATOR_NEXT, 0, 0);
    uint32_t jcond = emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
    struct loop *l = enter_loop(c, n->pos);
    if (!l)
        goto out;
    const struct tg_node *vars[2] = { n->for_in.key, n->for_in.value };
    for (int k = 0; k < 2; k++) {
        if (vars[k]->ident.len == 1 && vars[k]->ident.name[0] == '_')
            continue;
        struct symbol *s = define(c, vars[k]->ident.name, vars[k]->ident.len);
        load_symbol(c, n->pos, it);
        emit(c, n->pos, k == 0 ? TG_OP_ITERATOR_KEY : TG_OP_ITERATOR_VALUE, 0, 0);
        if (store_new_local(c, n->pos, s) != OK)
            goto out;
    }
    if (compile(c, n->for_in.body) != OK)
        goto out;
    uint32_t post_body = here(c);
    emit(c, n->pos, TG_OP_JUMP, pre, 0);
    uint32_t end = here(c);
    patch(c, jcond, end);
    leave_loop(c, l, end, post_body);
    rc = OK;
out:
    c->st = saved;
    return rc;
}

static int compile_if(struct compiler *c, const struct tg_node *n)
{
    struct symtab *saved = c->st;
    c->st = symtab_new(c, saved, true);
    int rc = ERROR;
    if (n->if_stmt.init && compile(c, n->if_stmt.init) != OK)
        goto out;
    if (compile(c, n->if_stmt.cond) != OK)
        goto out;
    uint32_t j1 = emit(c, n->pos, TG_OP_JUMP_FALSY, 0, 0);
    if (compile(c, n->if_stmt.body) != OK)
        goto out;
    if (n->if_stmt.els) {
        uint32_t j2 = emit(c, n->pos, TG_OP_JUMP, 0, 0);
        patch(c, j1, here(c));
        if (compile(c, n->if_stmt.els) != OK)
            goto out;
        patch(c, j2, here(c));
    } else {
        patch(c, j1, here(c));
    }
    rc = OK;
out:
    c->st = saved;
    return rc;
}

static int compile_stmt(struct compiler *c, const struct tg_node *n)
{
    switch (n->kind) {
    case TG_EMPTY_STMT:
        return OK;
    case TG_EXPR_STMT:
        if (compile(c, n->expr_stmt.expr) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_POP, 0, 0);
        return OK;
    case TG_ASSIGN_STMT:
        if (n->assign.lhs.len > 1 || n->assign.rhs.len > 1)
            return errorf(c, n->pos, "tuple assignment not allowed");
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
        if (!symtab_parent(c->st, true))
            return errorf(c, n->pos, "return not allowed outside function");
        if (!n->return_stmt.result) {
            emit(c, n->pos, TG_OP_RETURN, 0, 0);
            return OK;
        }
        if (compile(c, n->return_stmt.result) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_RETURN, 1, 0);
        return OK;
    case TG_EXPORT_STMT:
        if (c->nscopes > c->scope_base + 1)
            return errorf(c, n->pos, "export not allowed inside function");
        if (!c->nchain)
            return OK; /* ignored in the main program, as Tengo does */
        if (compile(c, n->export_stmt.result) != OK)
            return ERROR;
        emit(c, n->pos, TG_OP_IMMUTABLE, 0, 0);
        emit(c, n->pos, TG_OP_RETURN, 1, 0);
        return OK;
    case TG_BRANCH_STMT: {
        struct cscope *s = CUR(c);
        bool brk = n->branch.tok == TK_BREAK;
        if (!s->nloops)
            return errorf(c, n->pos, "%s not allowed outside loop", brk ? "break" : "continue");
        struct loop *l = s->loops[s->nloops - 1];
        uint32_t j = emit(c, n->pos, TG_OP_JUMP, 0, 0);
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
        return errorf(c, n->pos, "invalid statement");
    }
}

static int compile(struct compiler *c, const struct tg_node *n)
{
    if (c->failed)
        return ERROR;
    return tg_node_is_expr(n) ? compile_expr(c, n) : compile_stmt(c, n);
}

static void collect_globals(struct compiler *c, const struct symtab *root)
{
    struct tg_bytecode *bc = c->bc;
    bc->globals = calloc(root->nstore ? root->nstore : 1, sizeof *bc->globals);
    if (!bc->globals)
        abort();
    for (uint32_t i = 0; i < root->nstore; i++) {
        const struct symbol *s = root->store[i];
        if (s->scope != SCOPE_GLOBAL)
            continue;
        char *name = malloc(s->len + 1);
        if (!name)
            abort();
        memcpy(name, s->name, s->len);
        name[s->len] = 0;
        bc->globals[bc->nglobal_names].name = name;
        bc->globals[bc->nglobal_names++].index = s->index;
    }
}

int tg_compile(const struct tg_file *file, const char *const *predefined, struct tg_bytecode **out,
               buf_t *err)
{
    struct tg_compile_opts opts = { .modules = TG_MODULES_STANDARD, .predefined = predefined };
    return tg_compile_with(file, &opts, out, err);
}

int tg_compile_with(const struct tg_file *file, const struct tg_compile_opts *opts,
                    struct tg_bytecode **out, buf_t *err)
{
    const char *const *predefined = opts->predefined;
    struct compiler c = { 0 };
    c.opts = opts;
    c.a = arena_new(0);
    c.err = err;
    c.filename = file->name ? file->name : "";
    c.bc = calloc(1, sizeof *c.bc);
    if (!c.bc)
        abort();
    tg_heap_init(&c.bc->heap, true);
    c.bc->filename = strdup(c.filename);
    enter_scope(&c);
    struct symtab *root = c.st;
    for (size_t i = 0; predefined && predefined[i]; i++)
        define(&c, predefined[i], (uint32_t)strlen(predefined[i]));
    int rc = compile_list(&c, &file->stmts);
    if (rc == OK) {
        emit(&c, (struct tg_pos){ 0, 0, 0 }, TG_OP_SUSPEND, 0, 0);
        c.bc->nglobals = root->max_def;
        if (c.bc->nglobals > 0x10000)
            rc = errorf(&c, (struct tg_pos){ 0, 1, 1 }, "too many global variables");
    }
    if (rc == OK) {
        collect_globals(&c, root);
        c.st = root; /* leave_scope pops to the (absent) parent */
        c.bc->main = leave_scope(&c);
        c.bc->main->num_locals = 0;
        *out = c.bc;
    } else {
        while (c.nscopes)
            free_scope(c.scopes[--c.nscopes]);
        tg_bytecode_free(c.bc);
        *out = NULL;
    }
    arena_free(c.a);
    return rc;
}

void tg_bytecode_free(struct tg_bytecode *bc)
{
    if (!bc)
        return;
    for (uint32_t i = 0; i < bc->ncodes; i++) {
        free(bc->codes[i]->insts);
        free(bc->codes[i]->map_ip);
        free(bc->codes[i]->map_pos);
        free(bc->codes[i]->filename);
        free(bc->codes[i]);
    }
    free(bc->codes);
    for (uint32_t i = 0; i < bc->nglobal_names; i++)
        free(bc->globals[i].name);
    free(bc->globals);
    free(bc->constants);
    free(bc->filename);
    tg_heap_free(&bc->heap);
    free(bc);
}

int tg_bytecode_global(const struct tg_bytecode *bc, const char *name)
{
    for (uint32_t i = 0; i < bc->nglobal_names; i++)
        if (strcmp(bc->globals[i].name, name) == 0)
            return (int)bc->globals[i].index;
    return -1;
}

struct tg_pos tg_code_pos(const struct tg_code *code, uint32_t ip)
{
    /* map_ip is ascending; the last entry at or before ip */
    uint32_t lo = 0, hi = code->nmap;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (code->map_ip[mid] <= ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return (struct tg_pos){ 0, 0, 0 };
    return code->map_pos[lo - 1];
}

void tg_code_dump(buf_t *out, const struct tg_code *code)
{
    for (uint32_t ip = 0; ip < code->len;) {
        uint8_t op = code->insts[ip];
        buf_printf(out, "%04u %s", ip, op < TG_OP_COUNT ? tg_op_names[op] : "?");
        uint32_t at = ip + 1;
        for (int k = 0; k < 2 && op < TG_OP_COUNT; k++) {
            int w = tg_op_widths[op][k];
            if (!w)
                continue;
            uint32_t v = w == 4 ? tg_read_u32(code->insts + at)
                                : w == 2 ? tg_read_u16(code->insts + at) : code->insts[at];
            buf_printf(out, " %u", v);
            at += (uint32_t)w;
        }
        buf_putc(out, '\n');
        ip = at;
    }
}
