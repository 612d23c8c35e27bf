/* tengo_vmcheck_fires.c — the VM check build's assertions (tengo/check.h)
 * fire: each test corrupts one invariant on purpose, in a forked child,
 * and expects that child to die of SIGABRT with "TG_CHECK failed: …" on
 * stderr naming the broken condition. A control runs the same program
 * uncorrupted and expects a clean exit, so that a child dying of anything
 * else cannot pass.
 *
 * Built only against tengo_vmcheck (the checks on, the switch dispatch),
 * as unit.tengo_vmcheck_fires: a build without the checks has no such
 * test rather than one that passes (tests/unit/CMakeLists.txt). */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "compiler.h"
#include "cunit_main.h"
#include "host.h"
#include "opcodes.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

#ifndef TG_CHECKS
#error "tengo_vmcheck_fires.c needs the check build (link tengo_vmcheck)"
#endif

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* Runs fn in a child with stderr on a pipe: *sig is the signal that ended
 * it (0: it exited, *code its status), err what it wrote. */
static void in_child(void (*fn)(void), int *sig, int *code, char *err, size_t errsz)
{
    int p[2];
    CU_ASSERT_FATAL(pipe(p) == 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 2);
        fn();
        _exit(0);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < errsz && (r = read(p[0], err + n, errsz - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = '\0';
    close(p[0]);
    int status = 0;
    CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
    *sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* fn must abort on a failed check whose text contains cond. */
static void expect_check(void (*fn)(void), const char *cond)
{
    int sig, code;
    char err[4096];
    in_child(fn, &sig, &code, err, sizeof err);
    CU_ASSERT_EQUAL(sig, SIGABRT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "TG_CHECK failed: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, cond));
    if (sig != SIGABRT || !strstr(err, cond))
        fprintf(stderr, "\n  wanted a failed check on '%s'; signal %d, status %d, stderr: %s\n",
                cond, sig, code, err);
}

static struct tg_bytecode *compile(const char *src)
{
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    buf_t err = BUF_INIT;
    struct tg_bytecode *bc = NULL;
    struct tg_compile_opts o = { .modules = TG_MODULES_STANDARD };
    if (tg_parse(a, "check", src, strlen(src), &file, &errs) != OK ||
        tg_compile_with(file, &o, &bc, &err) != OK) {
        fprintf(stderr, "cannot compile: %s\n", buf_cstr(&err));
        _exit(3);
    }
    buf_free(&err);
    arena_free(a);
    return bc;
}

/* Runs bc; exits 2 when the run fails without a check firing. */
static void run(struct tg_bytecode *bc)
{
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    int rc = tg_vm_run(&vm);
    tg_vm_free(&vm);
    tg_bytecode_free(bc);
    if (rc != OK)
        _exit(2);
}

static const char program[] = "text := import(\"text\")\n"
                              "f := func(n) { a := [n, n + 1]; return a[1] + len(text.repeat(\"x\", n)) }\n"
                              "x := 0\n"
                              "for i := 0; i < 3000; i++ { x += f(i) }\n";

/* ---- the children ---- */

static void run_clean(void)
{
    run(compile(program));
}

/* an array object seen through a value tagged map */
static void tag_mismatch(void)
{
    struct tg_heap h;
    tg_heap_init(&h, false);
    struct tg_value v = tg_obj_value(tg_array_new(&h, 2));
    v.type = TG_MAP;
    tg_heap_collect(&h, &v, 1);
}

/* a live array whose store has lost its last reference */
static void store_without_refs(void)
{
    struct tg_heap h;
    tg_heap_init(&h, false);
    struct tg_array *a = tg_array_new(&h, 4);
    a->store->refs = 0;
    struct tg_value v = tg_obj_value(a);
    tg_heap_collect(&h, &v, 1);
}

/* a store released when nothing holds it any more (one release too
 * many: on a store of the stack, so that free() is never reached) */
static void store_released_twice(void)
{
    struct tg_store spent = { .refs = 0, .cap = 0 };
    tg_store_release(&spent);
}

/* an array whose window runs past its store */
static void window_past_store(void)
{
    struct tg_heap h;
    tg_heap_init(&h, false);
    struct tg_array *a = tg_array_new(&h, 4);
    a->cap = 8;
    struct tg_value v = tg_obj_value(a);
    tg_heap_collect(&h, &v, 1);
}

/* an array longer than its capacity */
static void len_past_cap(void)
{
    struct tg_heap h;
    tg_heap_init(&h, false);
    struct tg_array *a = tg_array_new(&h, 4);
    a->len = 5;
    struct tg_value v = tg_obj_value(a);
    tg_heap_collect(&h, &v, 1);
}

/* a constant (the text module's map, on the bytecode's heap) given a
 * value from a VM heap: the check at the end of the run sees it */
static void constant_points_into_vm_heap(void)
{
    struct tg_bytecode *bc = compile(program);
    struct tg_map *mod = NULL;
    for (uint32_t i = 0; i < bc->nconst; i++)
        if (bc->constants[i].type == TG_IMMUTABLE_MAP)
            mod = TG_MAPV(bc->constants[i]);
    if (!mod)
        _exit(4);
    static struct tg_heap vmheap;
    tg_heap_init(&vmheap, false);
    tg_map_set(&bc->heap, mod, "stray", 5, tg_obj_value(tg_string_new(&vmheap, "x", 1)));
    run(bc);
}

/* an object on a VM heap flagged as a constant */
static void perm_object_on_vm_heap(void)
{
    struct tg_heap h;
    tg_heap_init(&h, false);
    struct tg_string *s = tg_string_new(&h, "abc", 3);
    s->h.perm = 1;
    tg_heap_collect(&h, NULL, 0);
}

/* the compiler's operand room for main set too small: the stack check at
 * the next instruction boundary */
static void stack_past_frame(void)
{
    struct tg_bytecode *bc = compile(program);
    bc->main->max_stack = 0;
    run(bc);
}

/* an instruction reading a global slot past the VM's globals */
static void global_index_out_of_range(void)
{
    struct tg_bytecode *bc = compile("x := 1\ny := x\n");
    struct tg_code *m = bc->main;
    uint32_t ip = 0;
    while (ip < m->len && m->insts[ip] != TG_OP_GET_GLOBAL) {
        ip += 1u + tg_op_widths[m->insts[ip]][0] + tg_op_widths[m->insts[ip]][1];
    }
    if (ip >= m->len)
        _exit(4);
    m->insts[ip + 1] = 0xff; /* little-endian u16: slot 0x7fff */
    m->insts[ip + 2] = 0x7f;
    run(bc);
}

/* ---- the tests ---- */

static void test_vmcheck_clean_program_runs(void)
{
    int sig, code;
    char err[4096];
    in_child(run_clean, &sig, &code, err, sizeof err);
    CU_ASSERT_EQUAL(sig, 0);
    CU_ASSERT_EQUAL(code, 0);
    CU_ASSERT_PTR_NULL(strstr(err, "TG_CHECK"));
}

static void test_vmcheck_value_tag_is_object_type(void)
{
    expect_check(tag_mismatch, "v.u.o->type == v.type");
}

static void test_vmcheck_store_refs_above_zero(void)
{
    expect_check(store_without_refs, "a->store->refs > 0");
}

static void test_vmcheck_release_needs_a_reference(void)
{
    expect_check(store_released_twice, "s->refs > 0");
}

static void test_vmcheck_window_within_store(void)
{
    expect_check(window_past_store, "a->items + a->cap == a->store->items + a->store->cap");
}

static void test_vmcheck_len_within_cap(void)
{
    expect_check(len_past_cap, "a->len <= a->cap");
}

static void test_vmcheck_constant_never_points_into_vm_heap(void)
{
    expect_check(constant_points_into_vm_heap, "v.u.o->perm");
}

static void test_vmcheck_heap_perm_flags(void)
{
    expect_check(perm_object_on_vm_heap, "o->perm == h->perm");
}

static void test_vmcheck_stack_within_frame(void)
{
    expect_check(stack_past_frame, "sp <= fr->bp + code->num_locals + code->max_stack");
}

static void test_vmcheck_global_index_in_range(void)
{
    expect_check(global_index_out_of_range, "g < vm->nglobals");
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_vmcheck", NULL, NULL);
    ADD(s, test_vmcheck_clean_program_runs);
    ADD(s, test_vmcheck_value_tag_is_object_type);
    ADD(s, test_vmcheck_store_refs_above_zero);
    ADD(s, test_vmcheck_release_needs_a_reference);
    ADD(s, test_vmcheck_window_within_store);
    ADD(s, test_vmcheck_len_within_cap);
    ADD(s, test_vmcheck_constant_never_points_into_vm_heap);
    ADD(s, test_vmcheck_heap_perm_flags);
    ADD(s, test_vmcheck_stack_within_frame);
    ADD(s, test_vmcheck_global_index_in_range);
}
