/* vm.h — runs Tengo bytecode (compiler.h): Tengo's stack machine (vm.go)
 * with its runtime errors, positions and limits.
 *
 * A VM owns its heap, stack and globals; the bytecode is only read, and
 * must outlive the VM (its constants, strings included, are referenced
 * from the VM's values without copying). A run
 * ends at the end of the main function, at a runtime error, or when the
 * deadline passes or *abort becomes non-zero (both checked in the loop).
 * Everything the run allocated is freed by tg_vm_free. */
#ifndef TENGO_VM_H
#define TENGO_VM_H

#include <stdint.h>

#include "buf.h"
#include "compiler.h"
#include "value.h"

struct tg_host;

#define TG_STACK_SIZE 65536
#define TG_MAX_FRAMES 1024

struct tg_frame {
    const struct tg_code *code;
    struct tg_function *fn;
    uint32_t ip;      /* resume here (callers), or the current ip */
    uint32_t call_ip; /* callers: start of the call instruction */
    uint32_t bp;      /* first local */
};

/* Memory a builtin keeps outside the heap until the run ends (the text
 * module's compiled regexps): listed on the VM, released by tg_vm_free,
 * and counted with the heap against max_heap_bytes. */
struct tg_vm_res {
    struct tg_vm_res *next;
    void (*release)(struct tg_vm_res *r);
    size_t bytes;
};

struct tg_vm {
    const struct tg_bytecode *bc;
    struct tg_heap heap;
    struct tg_value *stack;
    uint32_t sp;
    struct tg_value *globals;
    uint32_t nglobals;
    struct tg_frame *frames;
    uint32_t nframes;
    /* limits, set by the caller before running */
    int64_t deadline_ns;       /* CLOCK_MONOTONIC; 0: none */
    volatile int *abort;       /* non-zero aborts; NULL: none */
    size_t max_heap_bytes;     /* live heap after a collection; 0: none */
    int64_t max_allocs;        /* objects allocated in the run (Go's SetMaxAllocs); 0: none */
    buf_t *out;                /* where fmt's print functions write; NULL: dropped */
    size_t out_max;            /* bytes kept in out; later prints are dropped; 0: no limit */
    const struct tg_host *host; /* log, http, cgi services (host.h); NULL: none */
    /* the builtin being called (valid when it starts): methods bound to an
     * object find it through their struct tg_builtin */
    const struct tg_builtin *callee;
    struct tg_vm_res *res; /* see struct tg_vm_res */
    size_t res_bytes;
    /* the error of the last run: "Runtime Error: …\n\tat FILE:L:C…" */
    buf_t error;
    buf_t msg; /* the bare message while unwinding */
};

void tg_vm_init(struct tg_vm *vm, const struct tg_bytecode *bc);
void tg_vm_free(struct tg_vm *vm);
/* OK, or ERROR with vm->error set. */
int tg_vm_run(struct tg_vm *vm);
/* A top-level variable after the run (undefined when unknown). */
struct tg_value tg_vm_global(const struct tg_vm *vm, const char *name);
/* For builtins: records the runtime error message; returns ERROR. */
int tg_vm_errorf(struct tg_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Lists r (bytes and release set) on the VM; ERROR ("object allocation
 * limit exceeded", r released) when it takes the run past max_heap_bytes. */
int tg_vm_res_add(struct tg_vm *vm, struct tg_vm_res *r);
/* Counts bytes more for r (already listed); ERROR, nothing counted, when
 * that takes the run past max_heap_bytes. */
int tg_vm_res_charge(struct tg_vm *vm, struct tg_vm_res *r, size_t bytes);
/* The first resource released by release, or NULL. */
struct tg_vm_res *tg_vm_res_find(const struct tg_vm *vm, void (*release)(struct tg_vm_res *r));
/* Monotonic now, for deadlines. */
int64_t tg_now_ns(void);
/* Appends printed text to vm->out within vm->out_max. */
void tg_vm_print(struct tg_vm *vm, const char *s, size_t n);

/* vm_ops.c: operators and indexing with Tengo's rules; ERROR with the
 * message recorded in vm. */
int tg_binary_op(struct tg_vm *vm, int tok, struct tg_value a, struct tg_value b,
                 struct tg_value *res);
int tg_index_get(struct tg_vm *vm, struct tg_value x, struct tg_value idx, struct tg_value *res);
int tg_index_assign(struct tg_vm *vm, struct tg_value dst, struct tg_value val,
                    const struct tg_value *sel, int nsel);
int tg_slice(struct tg_vm *vm, struct tg_value x, struct tg_value lo, struct tg_value hi,
             struct tg_value *res);
struct tg_value tg_make_string(struct tg_vm *vm, const char *s, size_t len);

#endif
