/* vm_call.h — calling Tengo callables (compiled functions, closures,
 * builtins) from C code running inside the VM, i.e. from a builtin such
 * as enum.map. vm.c's loop is not re-entrant, so a call runs a second
 * loop (tg_vm_run) on a tiny stub program "callee(args…); suspend" with
 * its own stack and frames, on the same heap and globals.
 *
 * Usage, inside a builtin:
 *     struct tg_vm_call c;
 *     tg_vm_call_begin(&c, vm);
 *     c.keep[0] = result_so_far;          // values C holds across calls
 *     rc = tg_vm_call(&c, fn, args, 2, &r);
 *     tg_vm_call_end(&c);                 // always, error or not
 *
 * Garbage collection may run during a call: everything the interrupted
 * program holds (its stack, globals, running functions) stays rooted, as
 * do the arguments and c.keep[]; any other value the C code holds across
 * a call must be put in keep. A failed call returns ERROR with the bare
 * message left in vm (as tg_vm_errorf), so the builtin can return ERROR
 * and the outer run reports it at the builtin's call site. Deadlines,
 * aborts and the allocation limit apply inside calls. Nesting (a callback
 * that calls enum.map again) is supported up to TG_CALL_MAX_DEPTH. */
#ifndef TENGO_VM_CALL_H
#define TENGO_VM_CALL_H

#include "compiler.h"
#include "vm.h"

#define TG_CALL_KEEP 4
#define TG_CALL_MAX_ARGS 8
#define TG_CALL_MAX_DEPTH 32

struct tg_vm_call {
    struct tg_vm *vm;
    struct tg_value keep[TG_CALL_KEEP];
    /* private */
    struct tg_bytecode bc;        /* the outer bytecode with the stub as main */
    struct tg_code stub;
    uint8_t insts[64];
    struct tg_value *stack;       /* the calls' own stack and frames */
    struct tg_frame *frames;
    struct tg_value *globals;     /* outer globals, then call slots, keep, outer stack */
    uint32_t nglobals, first_slot;
    /* the interrupted run's state, restored by tg_vm_call_end */
    const struct tg_bytecode *saved_bc;
    struct tg_value *saved_stack, *saved_globals;
    struct tg_frame *saved_frames;
    uint32_t saved_sp, saved_nframes, saved_nglobals;
    bool ok;
};

/* Prepares calls from the builtin now running on vm. */
void tg_vm_call_begin(struct tg_vm_call *c, struct tg_vm *vm);
/* Calls fn(args[0..nargs)) (nargs <= TG_CALL_MAX_ARGS). OK with *ret set,
 * or ERROR with the message in vm. */
int tg_vm_call(struct tg_vm_call *c, struct tg_value fn, const struct tg_value *args, int nargs,
               struct tg_value *ret);
/* Writes global changes back and releases the call machinery. */
void tg_vm_call_end(struct tg_vm_call *c);

#endif
