/* vm.c — the instruction loop (Tengo's vm.go): frames, locals and cells,
 * calls (compiled functions with variadics and spread arguments, self tail
 * calls; builtins), iterators, and the error report with the position of
 * every active call. Garbage is collected between instructions, when the
 * heap has doubled since the last collection; the roots are the stack,
 * the globals and the running functions. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "clock.h"
#include "opcodes.h"
#include "unicode.h"
#include "status.h"
#include "token.h"
#include "vm.h"
#include "xalloc.h"

#define CHECK_EVERY 1024 /* instructions between deadline checks */

int64_t tg_now_ns(void)
{
    return clock_mono_ns();
}

void tg_vm_print(struct tg_vm *vm, const char *s, size_t n)
{
    if (!vm->out)
        return;
    if (vm->out_max) {
        size_t room = vm->out->len < vm->out_max ? vm->out_max - vm->out->len : 0;
        if (n > room)
            n = room; /* may cut a UTF-8 sequence; JSON output replaces it */
    }
    if (n)
        buf_append(vm->out, s, n);
}

void tg_vm_init(struct tg_vm *vm, const struct tg_bytecode *bc)
{
    memset(vm, 0, sizeof *vm);
    vm->bc = bc;
    xalloc_tune_churn(); /* objects come and go by the hundred thousand */
    tg_heap_init(&vm->heap, false);
    vm->stack = xcalloc(TG_STACK_SIZE, sizeof *vm->stack);
    vm->nglobals = bc->nglobals;
    vm->globals = xcalloc(bc->nglobals, sizeof *vm->globals);
    vm->frames = xcalloc(TG_MAX_FRAMES, sizeof *vm->frames);
    buf_init(&vm->error);
    buf_init(&vm->msg);
}

void tg_vm_free(struct tg_vm *vm)
{
    while (vm->res) {
        struct tg_vm_res *r = vm->res;
        vm->res = r->next;
        r->release(r);
    }
    tg_heap_free(&vm->heap);
    free(vm->stack);
    free(vm->globals);
    free(vm->frames);
    buf_free(&vm->error);
    buf_free(&vm->msg);
}

int tg_vm_res_add(struct tg_vm *vm, struct tg_vm_res *r)
{
    if (vm->max_heap_bytes &&
        vm->heap.bytes + vm->res_bytes + r->bytes > vm->max_heap_bytes) {
        r->release(r);
        return tg_vm_errorf(vm, "object allocation limit exceeded");
    }
    r->next = vm->res;
    vm->res = r;
    vm->res_bytes += r->bytes;
    return OK;
}

int tg_vm_res_charge(struct tg_vm *vm, struct tg_vm_res *r, size_t bytes)
{
    if (vm->max_heap_bytes && vm->heap.bytes + vm->res_bytes + bytes > vm->max_heap_bytes)
        return tg_vm_errorf(vm, "object allocation limit exceeded");
    r->bytes += bytes;
    vm->res_bytes += bytes;
    return OK;
}

struct tg_vm_res *tg_vm_res_find(const struct tg_vm *vm, void (*release)(struct tg_vm_res *r))
{
    for (struct tg_vm_res *r = vm->res; r; r = r->next)
        if (r->release == release)
            return r;
    return NULL;
}

int tg_vm_errorf(struct tg_vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_reset(&vm->msg);
    buf_vprintf(&vm->msg, fmt, ap);
    va_end(ap);
    return ERROR;
}

struct tg_value tg_vm_global(const struct tg_vm *vm, const char *name)
{
    int i = tg_bytecode_global(vm->bc, name);
    return i < 0 || (uint32_t)i >= vm->nglobals ? tg_undefined() : vm->globals[i];
}

static void collect(struct tg_vm *vm)
{
    struct tg_heap *h = &vm->heap;
    for (uint32_t i = 0; i < vm->nframes; i++)
        if (vm->frames[i].fn)
            tg_heap_mark_value(h, tg_obj_value(vm->frames[i].fn));
    for (uint32_t i = 0; i < vm->nglobals; i++)
        tg_heap_mark_value(h, vm->globals[i]);
    tg_heap_collect(h, vm->stack, vm->sp);
    tg_check_heap(&vm->bc->heap);
}

static struct tg_pos error_pos(const struct tg_code *code, uint32_t op_start)
{
    /* Tengo looks up ip-1 where ip is the last byte read: the instruction
     * itself when it has operands, else the one before it. */
    uint8_t op = code->insts[op_start];
    if (tg_op_widths[op][0] || !op_start)
        return tg_code_pos(code, op_start);
    return tg_code_pos(code, op_start - 1);
}

/* One "at FILE:L:C" line of the trace. A closure's frame keeps its
 * position too, where Go Tengo v2.10.1 prints "at -" (its OpClosure drops
 * the function's source map): a deliberate difference,
 * docs/compatibility.md. */
static void put_pos(struct tg_vm *vm, const struct tg_frame *fr, struct tg_pos p)
{
    const char *file = fr->code->filename ? fr->code->filename : vm->bc->filename;
    buf_printf(&vm->error, "\n\tat %s:%u:%u", file, p.line, p.column);
}

static void report(struct tg_vm *vm, const struct tg_code *code, uint32_t op_start)
{
    buf_reset(&vm->error);
    buf_puts(&vm->error, "Runtime Error: ");
    buf_append(&vm->error, vm->msg.data, vm->msg.len);
    put_pos(vm, &vm->frames[vm->nframes - 1], error_pos(code, op_start));
    for (uint32_t i = vm->nframes - 1; i-- > 0;)
        put_pos(vm, &vm->frames[i], tg_code_pos(vm->frames[i].code, vm->frames[i].call_ip));
}

static bool is_array(struct tg_value v)
{
    return v.type == TG_ARRAY || v.type == TG_IMMUTABLE_ARRAY;
}

static int type_error(struct tg_vm *vm, const char *what, struct tg_value v)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, v);
    tg_vm_errorf(vm, "%s: %s", what, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

static int iterator_init(struct tg_vm *vm, struct tg_value src, struct tg_value *res)
{
    struct tg_iterator *it;
    switch ((enum tg_type)src.type) {
    case TG_ARRAY:
    case TG_IMMUTABLE_ARRAY:
    case TG_STRING:
    case TG_BYTES:
        it = tg_iterator_new(&vm->heap, src);
        break;
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        it = tg_iterator_new(&vm->heap, src);
        struct tg_map *m = TG_MAPV(src);
        it->keys = tg_array_new(&vm->heap, m->b->count);
        for (uint32_t i = 0; i < m->b->nentries; i++)
            if (m->b->entries[i].key)
                it->keys->items[it->keys->len++] = tg_obj_value(m->b->entries[i].key);
        break;
    }
    default:
        return type_error(vm, "not iterable", src);
    }
    *res = tg_obj_value(it);
    return OK;
}

static int32_t decode_at(const struct tg_string *s, int64_t off, size_t *w)
{
    return tg_utf8_decode((const unsigned char *)s->data + off, s->len - (size_t)off, w);
}

/* Strings iterate by rune: pos is the byte offset, len the rune's size,
 * idx the rune's index. */
static bool iterator_next(struct tg_iterator *it)
{
    struct tg_value s = it->src;
    if (s.type == TG_STRING) {
        int64_t next = it->pos < 0 ? 0 : it->pos + it->len;
        if (next >= TG_STR(s)->len)
            return false;
        size_t w;
        decode_at(TG_STR(s), next, &w);
        it->idx = it->pos < 0 ? 0 : it->idx + 1;
        it->pos = next;
        it->len = (int64_t)w;
        return true;
    }
    it->pos++;
    int64_t n = s.type == TG_BYTES ? TG_STR(s)->len
              : it->keys          ? it->keys->len
                                  : TG_ARR(s)->len;
    return it->pos < n;
}

static struct tg_value iterator_key(struct tg_iterator *it)
{
    if (it->keys)
        return it->keys->items[it->pos];
    if (it->src.type == TG_STRING)
        return tg_int(it->idx);
    return tg_int(it->pos);
}

static struct tg_value iterator_value(struct tg_iterator *it)
{
    struct tg_value s = it->src;
    switch ((enum tg_type)s.type) {
    case TG_STRING: {
        size_t w;
        return tg_char(decode_at(TG_STR(s), it->pos, &w));
    }
    case TG_BYTES:
        return tg_int((unsigned char)TG_STR(s)->data[it->pos]);
    case TG_MAP:
    case TG_IMMUTABLE_MAP: {
        struct tg_string *k = TG_STR(it->keys->items[it->pos]);
        struct tg_value *v = tg_map_get_next(TG_MAPV(s), k, &it->entry);
        return v ? *v : tg_undefined();
    }
    default:
        return it->pos < TG_ARR(s)->len ? TG_ARR(s)->items[it->pos] : tg_undefined();
    }
}

/* The result goes straight into the callee's slot (no builtin reads it:
 * vm->callee says which builtin runs), not through a local copied there:
 * a 16-byte copy of a value the builtin has just written as two words
 * stalls on the store buffer, as every out-parameter copied whole does
 * (so the operators, index and slice write theirs in place too). */
static int call_builtin(struct tg_vm *vm, struct tg_value callee, uint32_t nargs)
{
    struct tg_value *ret = vm->stack + vm->sp - nargs - 1;
    vm->callee = callee.u.bi;
    *ret = tg_undefined();
    int rc = callee.u.bi->fn(vm, ret + 1, (int)nargs, ret);
    vm->sp -= nargs;
    return rc != OK ? ERROR : OK;
}

/* Instructions are dispatched with GCC's labels as values where the
 * compiler has them (one indirect jump per handler predicts better than
 * one shared switch), else with a switch. The stack pointer, the stack,
 * the instruction bytes, the constants and the running frame's locals
 * and cells live in locals, which the compiler may keep in registers
 * where it would reload a field of vm or of the frame after every store;
 * vm->sp is written back (SYNC) before anything that reads it (builtins,
 * the collector, errors), vm->nframes (SYNC_FRAMES) before the collector
 * and the error report.
 *
 * Checks run at instruction boundaries where they can matter: the
 * collector and the allocation limit after instructions that may allocate
 * (NEXT_CHECKED; an instruction that allocates nothing cannot change
 * their outcome), the deadline and abort every CHECK_EVERY jumps and
 * calls (NEXT_COUNTED; a program runs forever only by jumping back or
 * calling). */
#if defined(__GNUC__) && !defined(TG_VM_NO_COMPUTED_GOTO)
#define TG_VM_COMPUTED_GOTO 1
#endif

/* The check build (check.h): at every instruction boundary, sp within the
 * running frame and the value on top sound. */
#ifdef TG_CHECKS
static void check_state(const struct tg_vm *vm, const struct tg_frame *fr,
                        const struct tg_code *code, uint32_t sp, const struct tg_value *locals,
                        struct tg_cell *const *cells)
{
    TG_CHECK(fr >= vm->frames && fr < vm->frames + TG_MAX_FRAMES);
    TG_CHECK(fr->code == code);
    TG_CHECK(locals == vm->stack + fr->bp);
    TG_CHECK(cells == (fr->fn ? fr->fn->free : NULL));
    TG_CHECK(sp >= fr->bp + code->num_locals);
    TG_CHECK(sp <= fr->bp + code->num_locals + code->max_stack);
    TG_CHECK(sp < TG_STACK_SIZE);
    if (sp > fr->bp + code->num_locals)
        tg_check_value(vm->stack[sp - 1]);
}
#define CHECK_STATE() check_state(vm, fr, code, sp, locals, cells)
#else
#define CHECK_STATE() ((void)0)
#endif

#define READ8() (insts[ip++])
#define READ16() (ip += 2, tg_read_u16(insts + ip - 2))
#define READ32() (ip += 4, tg_read_u32(insts + ip - 4))
#define PUSH(v)                                                                                    \
    do {                                                                                           \
        tg_value_set(&stack[sp], (v));                                                             \
        sp++;                                                                                      \
    } while (0)
#define SYNC() (vm->sp = sp)
#define SYNC_FRAMES() (vm->nframes = (uint32_t)(fr - vm->frames) + 1)
#define FAIL() goto fail
#ifdef TG_VM_COMPUTED_GOTO
#define CASE(name) op_##name:
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        CHECK_STATE();                                                                             \
        op_start = ip;                                                                             \
        op = insts[ip++];                                                                          \
        goto *labels[op];                                                                          \
    } while (0)
#else
#define CASE(name) case TG_OP_##name:
#define DISPATCH() goto dispatch
#endif
#define NEXT() DISPATCH()
#define NEXT_CHECKED() goto checks
#define NEXT_COUNTED()                                                                             \
    do {                                                                                           \
        if (--check == 0)                                                                          \
            goto tick;                                                                             \
        DISPATCH();                                                                                \
    } while (0)

/* A comparison or an ITERATOR_NEXT whose bool a JUMP_FALSY takes at once
 * (an if's or a loop's condition) jumps there and then: one dispatch and
 * one push and pop fewer, the jump still counted. Neither instruction can
 * fail, so no position is lost; a jump to the JUMP_FALSY itself still
 * finds it. */
#define FUSED_JUMP_FALSY(truth)                                                                    \
    do {                                                                                           \
        if (insts[ip] == TG_OP_JUMP_FALSY) {                                                       \
            ip = (truth) ? ip + 5 : tg_read_u32(insts + ip + 1);                                   \
            sp--;                                                                                  \
            NEXT_COUNTED();                                                                        \
        }                                                                                          \
    } while (0)

/* Truthiness of the common cases inline, the rest by tg_is_falsy. */
static inline bool is_falsy(struct tg_value v)
{
    if (v.type == TG_BOOL)
        return !v.u.b;
    if (v.type == TG_INT)
        return v.u.i == 0;
    return tg_is_falsy(v);
}

/* Integer operators that cannot fail, inline; false for the rest. */
static inline bool int_binary(int tok, int64_t a, int64_t b, struct tg_value *r)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (tok) {
    case TK_ADD: *r = tg_int((int64_t)(ua + ub)); return true;
    case TK_SUB: *r = tg_int((int64_t)(ua - ub)); return true;
    case TK_MUL: *r = tg_int((int64_t)(ua * ub)); return true;
    case TK_AND: *r = tg_int(a & b); return true;
    case TK_OR: *r = tg_int(a | b); return true;
    case TK_XOR: *r = tg_int(a ^ b); return true;
    case TK_LESS: *r = tg_bool(a < b); return true;
    case TK_GREATER: *r = tg_bool(a > b); return true;
    case TK_LESS_EQ: *r = tg_bool(a <= b); return true;
    case TK_GREATER_EQ: *r = tg_bool(a >= b); return true;
    case TK_QUO: /* b <= 0: zero is an error, -1 may overflow; vm_ops.c */
        if (b <= 0)
            return false;
        *r = tg_int(a / b);
        return true;
    case TK_REM:
        if (b <= 0)
            return false;
        *r = tg_int(a % b);
        return true;
    default: return false;
    }
}

int tg_vm_run(struct tg_vm *vm)
{
    const struct tg_bytecode *bc = vm->bc;
    const struct tg_code *code = bc->main;
    const uint8_t *insts = code->insts;
    struct tg_value *const stack = vm->stack;
    struct tg_value *const globals = vm->globals;
    const struct tg_value *const constants = bc->constants;
    /* the running frame; vm->nframes is set from it (SYNC_FRAMES) only
     * where it is read: the collector and the error report */
    struct tg_frame *fr = &vm->frames[0];
    struct tg_frame *const frames_last = &vm->frames[TG_MAX_FRAMES - 1];
    /* the running frame's locals and captured cells, kept out of fr so
     * that reading a local costs one load, not two */
    struct tg_value *locals = stack;
    struct tg_cell *const *cells = NULL;
    uint32_t ip = 0, op_start = 0, sp = 0;
    unsigned check = CHECK_EVERY;
    uint8_t op;
#ifdef TG_VM_COMPUTED_GOTO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
    static const void *const labels[256] = {
        [0 ... 255] = &&op_unknown,
#define TG_OP_LABEL(name, a, b) [TG_OP_##name] = &&op_##name,
        TG_OPCODES(TG_OP_LABEL)
#undef TG_OP_LABEL
    };
#pragma GCC diagnostic pop
#endif
    memset(fr, 0, sizeof *fr);
    fr->code = code;
    vm->nframes = 1;
    vm->sp = 0;
    buf_reset(&vm->error);
    if ((uint64_t)code->max_stack + 16 >= TG_STACK_SIZE) {
        tg_vm_errorf(vm, "stack overflow");
        FAIL();
    }
    goto checks;

tick:
    check = CHECK_EVERY;
    if (vm->abort && *vm->abort) {
        tg_vm_errorf(vm, "VM aborted");
        FAIL();
    }
    if (vm->deadline_ns && tg_now_ns() >= vm->deadline_ns) {
        tg_vm_errorf(vm, "deadline exceeded");
        FAIL();
    }
    /* fall through */
checks:
    if (vm->heap.bytes > vm->heap.next_gc) {
        SYNC();
        SYNC_FRAMES();
        collect(vm);
        if (vm->max_heap_bytes && vm->heap.bytes + vm->res_bytes > vm->max_heap_bytes) {
            tg_vm_errorf(vm, "object allocation limit exceeded");
            FAIL();
        }
    }
    /* Go counts the objects its instructions make; we count every one
     * (a builtin's intermediate objects too), after the instruction */
    if (vm->max_allocs && vm->heap.allocs > (uint64_t)vm->max_allocs) {
        tg_vm_errorf(vm, "object allocation limit exceeded");
        FAIL();
    }
#ifdef TG_VM_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    CHECK_STATE();
    op_start = ip;
    op = READ8();
    switch ((enum tg_opcode)op) {
#endif
    CASE(CONSTANT) {
        uint32_t k = READ32();
        TG_CHECK(k < bc->nconst);
        const struct tg_value *c = &constants[k];
        /* an int constant on the right of an int operator (x - 1, i < n,
         * x == 0) goes into it at once, and a comparison into the
         * JUMP_FALSY after it; the next instruction's operand is only
         * read once it is known to be one of those (and x below the
         * constant then exists) */
        uint8_t next = insts[ip];
        if (c->type == TG_INT &&
            (next == TG_OP_BINARY || next == TG_OP_EQUAL || next == TG_OP_NOT_EQUAL)) {
            struct tg_value *a = &stack[sp - 1];
            if (next == TG_OP_BINARY && a->type == TG_INT &&
                int_binary(insts[ip + 1], a->u.i, c->u.i, a)) {
                ip += 2;
                if (a->type == TG_BOOL)
                    FUSED_JUMP_FALSY(a->u.b);
                NEXT();
            }
            if (next != TG_OP_BINARY && a->type == TG_INT) {
                bool truth = (a->u.i == c->u.i) == (next == TG_OP_EQUAL);
                ip++;
                FUSED_JUMP_FALSY(truth);
                *a = tg_bool(truth);
                NEXT();
            }
        }
        PUSH(*c);
        NEXT();
    }
    CASE(NULL)
        PUSH(tg_undefined());
        NEXT();
    CASE(TRUE)
        PUSH(tg_bool(true));
        NEXT();
    CASE(FALSE)
        PUSH(tg_bool(false));
        NEXT();
    CASE(POP)
        sp--;
        NEXT();
    CASE(BINARY) {
        int tok = READ8();
        struct tg_value *a = &stack[sp - 2], *b = &stack[sp - 1];
        if (a->type == TG_INT && b->type == TG_INT && int_binary(tok, a->u.i, b->u.i, a)) {
            sp--;
            if (a->type == TG_BOOL)
                FUSED_JUMP_FALSY(a->u.b);
            NEXT();
        }
        SYNC();
        if (tg_binary_op(vm, tok, *a, *b, a) != OK)
            FAIL();
        sp--;
        NEXT_CHECKED();
    }
    CASE(EQUAL)
    CASE(NOT_EQUAL) {
        struct tg_value a = stack[sp - 2], b = stack[sp - 1];
        bool eq = a.type == TG_INT && b.type == TG_INT ? a.u.i == b.u.i : tg_equals(a, b);
        sp--;
        FUSED_JUMP_FALSY(op == TG_OP_EQUAL ? eq : !eq);
        stack[sp - 1] = tg_bool(op == TG_OP_EQUAL ? eq : !eq);
        NEXT();
    }
    CASE(MINUS) {
        struct tg_value *v = &stack[sp - 1];
        if (v->type == TG_INT)
            *v = tg_int((int64_t)(0 - (uint64_t)v->u.i));
        else if (v->type == TG_FLOAT)
            *v = tg_float(-v->u.f);
        else {
            buf_t m = BUF_INIT;
            tg_type_name(&m, *v);
            tg_vm_errorf(vm, "invalid operation: -%s", buf_cstr(&m));
            buf_free(&m);
            FAIL();
        }
        NEXT();
    }
    CASE(BCOMPLEMENT) {
        struct tg_value *v = &stack[sp - 1];
        if (v->type != TG_INT) {
            buf_t m = BUF_INIT;
            tg_type_name(&m, *v);
            tg_vm_errorf(vm, "invalid operation: ^%s", buf_cstr(&m));
            buf_free(&m);
            FAIL();
        }
        *v = tg_int(~v->u.i);
        NEXT();
    }
    CASE(LNOT)
        stack[sp - 1] = tg_bool(is_falsy(stack[sp - 1]));
        NEXT();
    CASE(JUMP)
        ip = READ32();
        NEXT_COUNTED();
    CASE(JUMP_FALSY) {
        uint32_t to = READ32();
        if (is_falsy(stack[--sp]))
            ip = to;
        NEXT_COUNTED();
    }
    CASE(AND_JUMP) {
        uint32_t to = READ32();
        if (is_falsy(stack[sp - 1]))
            ip = to;
        else
            sp--;
        NEXT_COUNTED();
    }
    CASE(OR_JUMP) {
        uint32_t to = READ32();
        if (!is_falsy(stack[sp - 1]))
            ip = to;
        else
            sp--;
        NEXT_COUNTED();
    }
    CASE(GET_GLOBAL) {
        uint32_t g = READ16();
        TG_CHECK(g < vm->nglobals);
        PUSH(globals[g]);
        NEXT();
    }
    CASE(SET_GLOBAL) {
        uint32_t g = READ16();
        TG_CHECK(g < vm->nglobals);
        tg_value_set(&globals[g], stack[--sp]);
        NEXT();
    }
    CASE(SET_SEL_GLOBAL)
    CASE(SET_SEL_LOCAL)
    CASE(SET_SEL_FREE) {
        uint32_t idx = op == TG_OP_SET_SEL_GLOBAL ? READ16() : READ8();
        uint32_t nsel = READ8();
        struct tg_value dst;
        TG_CHECK(op != TG_OP_SET_SEL_GLOBAL || idx < vm->nglobals);
        TG_CHECK(op != TG_OP_SET_SEL_LOCAL || idx < code->num_locals);
        TG_CHECK(op != TG_OP_SET_SEL_FREE || (fr->fn && idx < fr->fn->nfree));
        if (op == TG_OP_SET_SEL_GLOBAL) {
            dst = globals[idx];
        } else if (op == TG_OP_SET_SEL_LOCAL) {
            dst = locals[idx];
            if (dst.type == TG_CELL)
                dst = ((struct tg_cell *)dst.u.o)->v;
        } else {
            dst = cells[idx]->v;
        }
        sp -= nsel + 1;
        if (nsel == 1 && dst.type == TG_ARRAY && stack[sp + 1].type == TG_INT &&
            stack[sp + 1].u.i >= 0 && stack[sp + 1].u.i < TG_ARR(dst)->len) {
            /* a[i] = v within bounds, inline */
            tg_value_set(&TG_ARR(dst)->items[stack[sp + 1].u.i], stack[sp]);
            NEXT();
        }
        SYNC();
        if (tg_index_assign(vm, dst, stack[sp], stack + sp + 1, (int)nsel) != OK)
            FAIL();
        NEXT_CHECKED();
    }
    CASE(GET_LOCAL) {
        uint32_t l = READ8();
        TG_CHECK(l < code->num_locals);
        struct tg_value v = locals[l];
        if (v.type == TG_CELL)
            v = ((struct tg_cell *)v.u.o)->v;
        PUSH(v);
        NEXT();
    }
    CASE(SET_LOCAL) {
        uint32_t l = READ8();
        TG_CHECK(l < code->num_locals);
        struct tg_value *slot = &locals[l];
        struct tg_value v = stack[--sp];
        if (slot->type == TG_CELL)
            tg_value_set(&((struct tg_cell *)slot->u.o)->v, v);
        else
            tg_value_set(slot, v);
        NEXT();
    }
    CASE(DEFINE_LOCAL) {
        uint32_t l = READ8();
        TG_CHECK(l < code->num_locals);
        tg_value_set(&locals[l], stack[--sp]);
        NEXT();
    }
    CASE(GET_LOCAL_PTR) {
        uint32_t l = READ8();
        TG_CHECK(l < code->num_locals);
        struct tg_value *slot = &locals[l];
        if (slot->type != TG_CELL)
            *slot = tg_obj_value(tg_cell_new(&vm->heap, *slot));
        PUSH(*slot);
        NEXT_CHECKED();
    }
    CASE(GET_FREE) {
        uint32_t f = READ8();
        TG_CHECK(fr->fn && f < fr->fn->nfree);
        PUSH(cells[f]->v);
        NEXT();
    }
    CASE(SET_FREE) {
        uint32_t f = READ8();
        TG_CHECK(fr->fn && f < fr->fn->nfree);
        tg_value_set(&cells[f]->v, stack[--sp]);
        NEXT();
    }
    CASE(GET_FREE_PTR) {
        uint32_t f = READ8();
        TG_CHECK(fr->fn && f < fr->fn->nfree);
        PUSH(tg_obj_value(cells[f]));
        NEXT();
    }
    CASE(GET_BUILTIN) {
        uint32_t b = READ8();
        TG_CHECK(b < (uint32_t)tg_nbuiltins);
        struct tg_value v = { .type = TG_BUILTIN, .u.bi = &tg_builtins[b] };
        PUSH(v);
        NEXT();
    }
    CASE(ARRAY) {
        uint32_t n = READ32();
        /* Go Tengo appends the items one by one: its capacity */
        struct tg_array *a = tg_array_new(&vm->heap, tg_array_cap_for(n));
        sp -= n;
        for (uint32_t i = 0; i < n; i++) /* fresh values: word by word */
            tg_value_set(&a->items[i], stack[sp + i]);
        a->len = n;
        PUSH(tg_obj_value(a));
        NEXT_CHECKED();
    }
    CASE(MAP) {
        uint32_t n = READ32();
        struct tg_map *m = tg_map_new(&vm->heap);
        sp -= n;
        for (uint32_t i = 0; i < n; i += 2)
            tg_map_set_key(m, TG_STR(stack[sp + i]), stack[sp + i + 1]);
        PUSH(tg_obj_value(m));
        NEXT_CHECKED();
    }
    CASE(ERROR)
        stack[sp - 1] = tg_obj_value(tg_error_new(&vm->heap, stack[sp - 1]));
        NEXT_CHECKED();
    CASE(IMMUTABLE) {
        struct tg_value v = stack[sp - 1];
        if (v.type == TG_ARRAY) {
            /* the same store: writes to the array show through (Go Tengo) */
            struct tg_array *a = TG_ARR(v);
            stack[sp - 1] =
                tg_obj_value(tg_array_slice(&vm->heap, a, 0, a->len, TG_IMMUTABLE_ARRAY));
        } else if (v.type == TG_MAP) {
            /* the same table: writes to the map show through (Go Tengo) */
            stack[sp - 1] =
                tg_obj_value(tg_map_view(&vm->heap, TG_MAPV(v), TG_IMMUTABLE_MAP));
        }
        NEXT_CHECKED();
    }
    CASE(INDEX) {
        struct tg_value r;
        const struct tg_value *x = &stack[sp - 2], *k = &stack[sp - 1];
        if (is_array(*x) && k->type == TG_INT) { /* the common case, inline */
            const struct tg_array *a = TG_ARR(*x);
            r = k->u.i >= 0 && k->u.i < a->len ? a->items[k->u.i] : tg_undefined();
            sp--;
            tg_value_set(&stack[sp - 1], r);
            NEXT();
        }
        if ((x->type == TG_MAP || x->type == TG_IMMUTABLE_MAP) && k->type == TG_STRING) {
            const struct tg_value *v = tg_map_get_str(TG_MAPV(*x), TG_STR(*k));
            r = v ? *v : tg_undefined();
            sp--;
            tg_value_set(&stack[sp - 1], r);
            NEXT();
        }
        sp -= 2;
        SYNC();
        if (tg_index_get(vm, stack[sp], stack[sp + 1], &stack[sp]) != OK)
            FAIL();
        sp++;
        NEXT_CHECKED();
    }
    CASE(SLICE_INDEX) {
        sp -= 3;
        SYNC();
        if (tg_slice(vm, stack[sp], stack[sp + 1], stack[sp + 2], &stack[sp]) != OK)
            FAIL();
        sp++;
        NEXT_CHECKED();
    }
    CASE(CALL) {
        uint32_t nargs = READ8();
        uint32_t spread = READ8();
        struct tg_value callee = stack[sp - 1 - nargs];
        /* compiled functions without spread arguments go straight on */
        if (callee.type != TG_FUNCTION || spread) {
            if (callee.type != TG_FUNCTION && callee.type != TG_BUILTIN) {
                SYNC();
                type_error(vm, "not callable", callee);
                FAIL();
            }
            if (spread) {
                struct tg_value arr = stack[--sp];
                if (!is_array(arr)) {
                    SYNC();
                    type_error(vm, "not an array", arr);
                    FAIL();
                }
                struct tg_array *a = TG_ARR(arr);
                if ((uint64_t)sp + a->len + 16 >= TG_STACK_SIZE) {
                    tg_vm_errorf(vm, "stack overflow");
                    FAIL();
                }
                memcpy(stack + sp, a->items, a->len * sizeof *a->items);
                sp += a->len;
                nargs = nargs - 1 + a->len;
            }
            if (callee.type == TG_BUILTIN) {
                SYNC();
                int rc = call_builtin(vm, callee, nargs);
                sp = vm->sp;
                if (rc != OK)
                    FAIL();
                NEXT_CHECKED();
            }
        }
        struct tg_function *fn = (struct tg_function *)callee.u.o;
        const struct tg_code *fc = fn->code;
        bool allocated = false;
        if (fc->varargs) {
            uint32_t real = fc->num_params - 1;
            if (nargs >= real) {
                uint32_t nvar = nargs - real;
                struct tg_array *rest = tg_array_new(&vm->heap, nvar);
                sp -= nvar;
                for (uint32_t i = 0; i < nvar; i++)
                    tg_value_set(&rest->items[i], stack[sp + i]);
                rest->len = nvar;
                PUSH(tg_obj_value(rest));
                nargs = real + 1;
                allocated = true;
            }
        }
        if (nargs != fc->num_params) {
            SYNC();
            if (fc->varargs)
                tg_vm_errorf(vm, "wrong number of arguments: want>=%u, got=%u",
                             fc->num_params - 1, nargs);
            else
                tg_vm_errorf(vm, "wrong number of arguments: want=%u, got=%u", fc->num_params,
                             nargs);
            FAIL();
        }
        /* a self call in tail position reuses the frame (as Tengo) */
        if (fn == fr->fn && ip < code->len &&
            (insts[ip] == TG_OP_RETURN ||
             (insts[ip] == TG_OP_POP && ip + 1 < code->len && insts[ip + 1] == TG_OP_RETURN))) {
            for (uint32_t i = 0; i < nargs; i++) /* down: never over an argument unread */
                tg_value_set(&locals[i], stack[sp - nargs + i]);
            sp -= nargs + 1;
            for (uint32_t i = nargs; i < fc->num_locals; i++)
                locals[i] = tg_undefined();
            ip = 0;
        } else {
            if (fr == frames_last ||
                (uint64_t)sp + fc->num_locals + fc->max_stack + 16 >= TG_STACK_SIZE) {
                SYNC();
                tg_vm_errorf(vm, "stack overflow");
                FAIL();
            }
            fr->ip = ip;
            fr->call_ip = op_start;
            fr++;
            fr->code = code = fc;
            fr->fn = fn;
            fr->bp = sp - nargs;
            locals = stack + fr->bp;
            cells = fn->free;
            for (uint32_t i = nargs; i < fc->num_locals; i++)
                locals[i] = tg_undefined();
            sp = fr->bp + fc->num_locals;
            insts = code->insts;
            ip = 0;
        }
        if (allocated)
            NEXT_CHECKED();
        NEXT_COUNTED();
    }
    CASE(RETURN) {
        struct tg_value ret = READ8() ? stack[sp - 1] : tg_undefined();
        sp = fr->bp;
        fr--;
        code = fr->code;
        insts = code->insts;
        ip = fr->ip;
        locals = stack + fr->bp;
        cells = fr->fn ? fr->fn->free : NULL;
        tg_value_set(&stack[sp - 1], ret);
        NEXT();
    }
    CASE(CLOSURE) {
        uint32_t k = READ32();
        TG_CHECK(k < bc->nconst && bc->constants[k].type == TG_FUNCTION);
        const struct tg_function *proto = (const struct tg_function *)bc->constants[k].u.o;
        uint32_t nfree = READ8();
        struct tg_function *f = tg_function_new(&vm->heap, proto->code, nfree);
        sp -= nfree;
        for (uint32_t i = 0; i < nfree; i++) {
            TG_CHECK(stack[sp + i].type == TG_CELL);
            f->free[i] = (struct tg_cell *)stack[sp + i].u.o;
        }
        PUSH(tg_obj_value(f));
        NEXT_CHECKED();
    }
    CASE(ITERATOR_INIT) {
        struct tg_value it;
        SYNC();
        if (iterator_init(vm, stack[sp - 1], &it) != OK)
            FAIL();
        tg_value_set(&stack[sp - 1], it);
        NEXT_CHECKED();
    }
    CASE(ITERATOR_NEXT) {
        TG_CHECK(stack[sp - 1].type == TG_ITERATOR);
        bool more = iterator_next((struct tg_iterator *)stack[sp - 1].u.o);
        FUSED_JUMP_FALSY(more); /* a for-in loop's test */
        stack[sp - 1] = tg_bool(more);
        NEXT();
    }
    CASE(ITERATOR_KEY)
        TG_CHECK(stack[sp - 1].type == TG_ITERATOR);
        stack[sp - 1] = iterator_key((struct tg_iterator *)stack[sp - 1].u.o);
        NEXT();
    CASE(ITERATOR_VALUE)
        TG_CHECK(stack[sp - 1].type == TG_ITERATOR);
        stack[sp - 1] = iterator_value((struct tg_iterator *)stack[sp - 1].u.o);
        NEXT();
    CASE(SUSPEND)
        tg_check_heap(&bc->heap);
        vm->sp = 0;
        return OK;
#ifdef TG_VM_COMPUTED_GOTO
op_unknown:
#else
    default:
#endif
        tg_vm_errorf(vm, "unknown opcode: %u", op);
        FAIL();
#ifndef TG_VM_COMPUTED_GOTO
    }
#endif
fail:
    tg_check_heap(&bc->heap);
    SYNC_FRAMES();
    report(vm, code, op_start);
    vm->sp = 0;
    vm->nframes = 0;
    return ERROR;
}
