/* fuzz_tengo_run — parse, compile and run any source with a short
 * deadline and a heap limit, nothing predefined; fmt output is captured
 * and dropped. */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "compiler.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(0);
    struct tg_file *file = NULL;
    struct tg_error_list errs = { 0 };
    if (tg_parse(a, "fuzz", (const char *)data, size, &file, &errs) != OK) {
        arena_free(a);
        return 0;
    }
    struct tg_bytecode *bc = NULL;
    buf_t err;
    buf_init(&err);
    int rc = tg_compile(file, NULL, &bc, &err);
    arena_free(a);
    buf_free(&err);
    if (rc != OK)
        return 0;
    buf_t printed;
    buf_init(&printed);
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    vm.out = &printed;
    vm.deadline_ns = tg_now_ns() + 50 * 1000000LL; /* 50 ms */
    vm.max_heap_bytes = 32u << 20;
    if (tg_vm_run(&vm) != OK && vm.error.len == 0)
        abort(); /* a failed run must say why */
    tg_vm_free(&vm);
    tg_bytecode_free(bc);
    buf_free(&printed);
    return 0;
}
