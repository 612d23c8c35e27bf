/* vm_call.c — Tengo callables called from C (see vm_call.h). The outer
 * run is suspended inside a builtin; a call swaps in a fresh stack and
 * frame array, a bytecode whose main is a stub
 *     GET_GLOBAL fn; GET_GLOBAL arg…; CALL n 0; SET_GLOBAL ret; SUSPEND
 * and an enlarged globals array holding, after the program's own globals,
 * the call's slots, the keep[] roots and a copy of the outer stack, so
 * that a collection during the call marks everything the outer run still
 * uses. Compiled functions keep indexing constants and globals as before:
 * the first globals are the program's, and are copied back at the end. */
#include <stdlib.h>
#include <string.h>

#include "opcodes.h"
#include "status.h"
#include "vm_call.h"

static _Thread_local int call_depth;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static uint32_t put16(uint8_t *p, uint32_t at, uint32_t v)
{
    p[at] = (uint8_t)v;
    p[at + 1] = (uint8_t)(v >> 8);
    return at + 2;
}

void tg_vm_call_begin(struct tg_vm_call *c, struct tg_vm *vm)
{
    memset(c, 0, sizeof *c);
    c->vm = vm;
    c->saved_bc = vm->bc;
    c->saved_stack = vm->stack;
    c->saved_globals = vm->globals;
    c->saved_frames = vm->frames;
    c->saved_sp = vm->sp;
    c->saved_nframes = vm->nframes;
    c->saved_nglobals = vm->nglobals;
    c->bc = *vm->bc;
    c->bc.main = &c->stub;
    /* slots: fn, args, ret */
    c->first_slot = vm->nglobals;
    uint32_t nslots = 2 + TG_CALL_MAX_ARGS;
    c->nglobals = vm->nglobals + nslots + TG_CALL_KEEP + vm->sp;
    c->globals = xmalloc(c->nglobals * sizeof *c->globals);
    memcpy(c->globals, vm->globals, vm->nglobals * sizeof *c->globals);
    for (uint32_t i = vm->nglobals; i < vm->nglobals + nslots + TG_CALL_KEEP; i++)
        c->globals[i] = tg_undefined();
    memcpy(c->globals + vm->nglobals + nslots + TG_CALL_KEEP, vm->stack,
           vm->sp * sizeof *c->globals);
    c->ok = call_depth < TG_CALL_MAX_DEPTH && c->first_slot + nslots <= 65535;
    if (c->ok) {
        c->stack = xmalloc(TG_STACK_SIZE * sizeof *c->stack);
        c->frames = xmalloc(TG_MAX_FRAMES * sizeof *c->frames);
        call_depth++;
    }
}

int tg_vm_call(struct tg_vm_call *c, struct tg_value fn, const struct tg_value *args, int nargs,
               struct tg_value *ret)
{
    struct tg_vm *vm = c->vm;
    if (!c->ok)
        return tg_vm_errorf(vm, "stack overflow");
    if (nargs < 0 || nargs > TG_CALL_MAX_ARGS)
        return tg_vm_errorf(vm, "too many arguments in a call from C");
    uint32_t slot = c->first_slot, at = 0;
    uint32_t ret_slot = slot + 1 + TG_CALL_MAX_ARGS;
    c->globals[slot] = fn;
    for (int i = 0; i < nargs; i++)
        c->globals[slot + 1 + (uint32_t)i] = args[i];
    memcpy(c->globals + ret_slot + 1, c->keep, sizeof c->keep);
    for (int i = 0; i <= nargs; i++) {
        c->insts[at++] = TG_OP_GET_GLOBAL;
        at = put16(c->insts, at, slot + (uint32_t)i);
    }
    c->insts[at++] = TG_OP_CALL;
    c->insts[at++] = (uint8_t)nargs;
    c->insts[at++] = 0;
    c->insts[at++] = TG_OP_SET_GLOBAL;
    at = put16(c->insts, at, ret_slot);
    c->insts[at++] = TG_OP_SUSPEND;
    memset(&c->stub, 0, sizeof c->stub);
    c->stub.insts = c->insts;
    c->stub.len = at;
    c->stub.max_stack = (uint32_t)nargs + 2;

    vm->bc = &c->bc;
    vm->stack = c->stack;
    vm->frames = c->frames;
    vm->globals = c->globals;
    vm->nglobals = c->nglobals;
    int rc = tg_vm_run(vm);
    vm->bc = c->saved_bc;
    vm->stack = c->saved_stack;
    vm->frames = c->saved_frames;
    vm->globals = c->saved_globals;
    vm->nglobals = c->saved_nglobals;
    vm->sp = c->saved_sp;
    vm->nframes = c->saved_nframes;
    buf_reset(&vm->error); /* the message stays in vm->msg */
    for (int i = 0; i <= nargs; i++)
        c->globals[slot + (uint32_t)i] = tg_undefined();
    *ret = rc == OK ? c->globals[ret_slot] : tg_undefined();
    c->globals[ret_slot] = tg_undefined();
    return rc;
}

void tg_vm_call_end(struct tg_vm_call *c)
{
    struct tg_vm *vm = c->vm;
    memcpy(vm->globals, c->globals, vm->nglobals * sizeof *vm->globals);
    free(c->globals);
    if (c->ok) {
        free(c->stack);
        free(c->frames);
        call_depth--;
    }
    c->globals = NULL;
}
