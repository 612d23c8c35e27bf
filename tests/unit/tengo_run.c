/* tengo_run.c — the Tengo unit tests' runner (see tengo_run.h). */
#include "tengo_run.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "compiler.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

static int run_with(const char *src, buf_t *got, buf_t *printed, int64_t timeout_ms,
                    int64_t max_allocs, size_t max_heap_bytes)
{
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    int rc = ERROR;
    if (tg_parse(a, "test", src, strlen(src), &file, &errs) != OK) {
        buf_puts(got, tg_error_list_string(a, &errs));
        arena_free(a);
        return ERROR;
    }
    struct tg_bytecode *bc;
    static const char *const predefined[] = { "out", NULL };
    if (tg_compile(file, predefined, &bc, got) != OK) {
        arena_free(a);
        return ERROR;
    }
    arena_free(a);
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    vm.out = printed;
    vm.max_allocs = max_allocs;
    vm.max_heap_bytes = max_heap_bytes;
    if (timeout_ms)
        vm.deadline_ns = tg_now_ns() + timeout_ms * 1000000;
    if (tg_vm_run(&vm) == OK) {
        tg_value_string(got, tg_vm_global(&vm, "out"));
        rc = OK;
    } else {
        buf_append(got, vm.error.data, vm.error.len);
    }
    tg_vm_free(&vm);
    tg_bytecode_free(bc);
    return rc;
}

/* Runs src; *got receives out's String() or the error text. */
int run_program(const char *src, buf_t *got, buf_t *printed, int64_t timeout_ms)
{
    return run_with(src, got, printed, timeout_ms, 0, 0);
}

int run_program_limited(const char *src, buf_t *got, int64_t max_allocs, size_t max_heap_bytes)
{
    return run_with(src, got, NULL, 10000, max_allocs, max_heap_bytes);
}

void check_cases(const struct vm_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_t got = BUF_INIT;
        run_program(cases[i].src, &got, NULL, 10000);
        /* a want ending in "..." only has to start the result */
        size_t wl = strlen(cases[i].want);
        if (wl > 3 && strcmp(cases[i].want + wl - 3, "...") == 0 && got.len > wl - 3 &&
            memcmp(got.data, cases[i].want, wl - 3) == 0) {
            buf_free(&got);
            continue;
        }
        if (strcmp(buf_cstr(&got), cases[i].want) != 0)
            fprintf(stderr, "\ncase %zu: %s\n  want: %s\n  got:  %s\n", i, cases[i].src,
                    cases[i].want, buf_cstr(&got));
        CU_ASSERT_STRING_EQUAL(buf_cstr(&got), cases[i].want);
        buf_free(&got);
    }
}
