/* compiler_emit.c — the output side of the compiler: instructions with
 * their source map and stack bound, jump patching, constants, the function
 * scopes being emitted, errors, and the one growable-array helper the
 * compiler's files use. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "status.h"
#include "xalloc.h"

int tgc_errorf(struct compiler *c, struct tg_pos pos, const char *fmt, ...)
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

void *tgc_grow(arena_t *a, void *v, uint32_t n, uint32_t *cap, size_t size, uint32_t first)
{
    if (n < *cap)
        return v;
    uint32_t ncap = *cap ? 2 * *cap : first;
    void *nv;
    if (a) {
        nv = arena_calloc(a, ncap, size);
        if (n)
            memcpy(nv, v, n * size);
    } else {
        nv = xrealloc(v, (size_t)ncap * size);
    }
    *cap = ncap;
    return nv;
}

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

uint32_t tgc_emit(struct compiler *c, struct tg_pos pos, enum tg_opcode op, uint32_t a,
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
    uint32_t cap = s->cap_map; /* the two arrays grow together */
    s->map_ip = tgc_grow(NULL, s->map_ip, s->nmap, &cap, sizeof *s->map_ip, 64);
    s->map_pos = tgc_grow(NULL, s->map_pos, s->nmap, &s->cap_map, sizeof *s->map_pos, 64);
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

uint32_t tgc_here(struct compiler *c)
{
    return (uint32_t)CUR(c)->insts.len;
}

/* Sets the 4-byte operand of the jump at `at`. */
void tgc_patch(struct compiler *c, uint32_t at, uint32_t target)
{
    uint8_t *p = (uint8_t *)CUR(c)->insts.data + at + 1;
    for (int w = 0; w < 4; w++)
        p[w] = (uint8_t)(target >> (8 * w));
}

uint32_t tgc_add_constant(struct compiler *c, struct tg_value v)
{
    struct tg_bytecode *bc = c->bc;
    bc->constants =
        tgc_grow(NULL, bc->constants, bc->nconst, &c->cap_const, sizeof *bc->constants, 64);
    bc->constants[bc->nconst] = v;
    return bc->nconst++;
}

void tgc_enter_scope(struct compiler *c)
{
    struct cscope *s = xcalloc(1, sizeof *s);
    c->scopes[c->nscopes++] = s;
    c->st = tgc_symtab_new(c, c->st, false);
}

/* Ends the current function: its code, registered with the bytecode. */
struct tg_code *tgc_leave_scope(struct compiler *c)
{
    struct cscope *s = CUR(c);
    struct tg_code *code = xcalloc(1, sizeof *code);
    size_t len;
    code->insts = (uint8_t *)buf_steal(&s->insts, &len);
    code->len = (uint32_t)len;
    code->map_ip = s->map_ip;
    code->map_pos = s->map_pos;
    code->nmap = s->nmap;
    code->max_stack = (uint32_t)s->max_depth + 4;
    code->num_locals = c->st->max_def;
    if (c->nchain) {
        code->filename = xstrdup(c->filename);
    }
    struct tg_bytecode *bc = c->bc;
    bc->codes = tgc_grow(NULL, bc->codes, bc->ncodes, &c->cap_codes, sizeof *bc->codes, 16);
    bc->codes[bc->ncodes++] = code;
    free(s);
    c->nscopes--;
    c->st = c->st->parent;
    return code;
}

void tgc_free_scope(struct cscope *s)
{
    buf_free(&s->insts);
    free(s->map_ip);
    free(s->map_pos);
    free(s);
}
