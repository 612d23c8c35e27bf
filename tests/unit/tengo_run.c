/* tengo_run.c — the Tengo unit tests' runner (see tengo_run.h). */
#include "tengo_run.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "compiler.h"
#include "host.h"
#include "parser.h"
#include "status.h"
#include "tengo_canon.h"
#include "vm.h"

static int resolve_module(void *ctx, const char *spec, size_t len, struct tg_source *out)
{
    const struct run_opts *o = ctx;
    for (size_t i = 0; i < o->nmodules; i++)
        if (strlen(o->modules[i].name) == len && memcmp(o->modules[i].name, spec, len) == 0) {
            out->code = o->modules[i].src;
            out->len = strlen(o->modules[i].src);
            out->filename = o->modules[i].name;
            return OK;
        }
    return ERROR;
}

/* vm_test.go's objectZeroCopy: out starts as the zero value of the type
 * its expected value has. */
static struct tg_value zero_of(struct tg_heap *h, const char *type)
{
    if (!type || strcmp(type, "undefined") == 0)
        return tg_undefined();
    if (strcmp(type, "int") == 0)
        return tg_int(0);
    if (strcmp(type, "float") == 0)
        return tg_float(0);
    if (strcmp(type, "bool") == 0)
        return tg_bool(false);
    if (strcmp(type, "char") == 0)
        return tg_char(0);
    if (strcmp(type, "string") == 0)
        return tg_obj_value(tg_string_new(h, "", 0));
    if (strcmp(type, "bytes") == 0)
        return tg_obj_value(tg_bytes_new(h, NULL, 0));
    if (strcmp(type, "array") == 0)
        return tg_obj_value(tg_array_new(h, 0));
    if (strcmp(type, "immutable-array") == 0) {
        struct tg_array *a = tg_array_new(h, 0);
        a->h.type = TG_IMMUTABLE_ARRAY;
        return tg_obj_value(a);
    }
    if (strcmp(type, "map") == 0)
        return tg_obj_value(tg_map_new(h));
    if (strcmp(type, "immutable-map") == 0)
        return tg_obj_value(tg_map_view(h, tg_map_new(h), TG_IMMUTABLE_MAP));
    if (strcmp(type, "error") == 0)
        return tg_obj_value(tg_error_new(h, tg_undefined()));
    return tg_undefined();
}

int run_program_opts(const char *src, const struct run_opts *o, buf_t *got, buf_t *printed)
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
    struct tg_compile_opts copts = {
        .modules = TG_MODULES_STANDARD,
        .resolve = o->nmodules ? resolve_module : NULL,
        .resolve_ctx = (void *)o,
        .predefined = predefined,
    };
    if (tg_compile_with(file, &copts, &bc, got) != OK) {
        arena_free(a);
        return ERROR;
    }
    arena_free(a);
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    vm.out = printed;
    vm.max_allocs = o->max_allocs;
    vm.max_heap_bytes = o->max_heap_bytes;
    if (o->timeout_ms)
        vm.deadline_ns = tg_now_ns() + o->timeout_ms * 1000000;
    int out_slot = tg_bytecode_global(bc, "out");
    if (o->init && out_slot >= 0) { /* made by the embedder: not the run's allocations */
        uint64_t allocs = vm.heap.allocs;
        vm.globals[out_slot] = zero_of(&vm.heap, o->init);
        vm.heap.allocs = allocs;
    }
    if (tg_vm_run(&vm) == OK) {
        if (o->canonical)
            tengo_canon(got, tg_vm_global(&vm, "out"));
        else
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
    struct run_opts o = { .timeout_ms = timeout_ms };
    return run_program_opts(src, &o, got, printed);
}

int run_program_limited(const char *src, buf_t *got, int64_t max_allocs, size_t max_heap_bytes)
{
    struct run_opts o = { .max_allocs = max_allocs, .max_heap_bytes = max_heap_bytes,
                          .timeout_ms = 10000 };
    return run_program_opts(src, &o, got, NULL);
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
