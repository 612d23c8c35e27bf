/* test_arena.c — arena.h: alignment, chunk overflow, oversized blocks,
 * reset/reuse, string helpers and the abort-on-overflow policy. */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "cunit_main.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static int is_max_aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

/* Runs fn in a child; true when the child died of SIGABRT. */
static int aborts(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fclose(stderr); /* keep the expected message out of the test log */
        fn();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_arena_alloc_returns_max_aligned_pointers(void)
{
    arena_t *a = arena_new(256);
    static const size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 33, 100, 255, 256, 257, 1000 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = arena_alloc(a, sizes[i]);
        CU_ASSERT_PTR_NOT_NULL(p);
        CU_ASSERT_TRUE(is_max_aligned(p));
    }
    arena_free(a);
}

static void test_arena_alloc_zero_size_is_non_null_and_aligned(void)
{
    arena_t *a = arena_new(0);
    void *p = arena_alloc(a, 0);
    CU_ASSERT_PTR_NOT_NULL(p);
    CU_ASSERT_TRUE(is_max_aligned(p));
    CU_ASSERT_EQUAL(arena_used(a), 0);
    arena_free(a);
}

static void test_arena_many_small_allocations_across_chunks_keep_their_contents(void)
{
    arena_t *a = arena_new(128);
    enum { N = 2000 };
    static unsigned char *ptrs[N];
    for (int i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(a, 24);
        memset(ptrs[i], i & 0xff, 24);
    }
    int intact = 1;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < 24; j++)
            if (ptrs[i][j] != (i & 0xff))
                intact = 0;
    CU_ASSERT_TRUE(intact);
    CU_ASSERT_EQUAL(arena_used(a), (size_t)N * 24);
    arena_free(a);
}

static void test_arena_allocation_bigger_than_chunk_is_usable_and_keeps_chunk(void)
{
    arena_t *a = arena_new(64);
    char *small1 = arena_alloc(a, 16);
    memset(small1, 'a', 16);
    unsigned char *big = arena_alloc(a, 100000);
    CU_ASSERT_TRUE(is_max_aligned(big));
    memset(big, 0xab, 100000);
    char *small2 = arena_alloc(a, 16);
    memset(small2, 'b', 16);
    /* the oversized block must not waste the current chunk */
    CU_ASSERT_PTR_EQUAL(small2, small1 + 16);
    CU_ASSERT_EQUAL(big[0], 0xab);
    CU_ASSERT_EQUAL(big[99999], 0xab);
    CU_ASSERT_EQUAL(small1[15], 'a');
    CU_ASSERT_EQUAL(arena_used(a), 16 + 100000 + 16);
    arena_free(a);
}

static void test_arena_allocation_exactly_one_chunk_fits_in_a_chunk(void)
{
    arena_t *a = arena_new(64);
    char *p = arena_alloc(a, 64);
    memset(p, 'x', 64);
    char *q = arena_alloc(a, 64);
    memset(q, 'y', 64);
    CU_ASSERT_EQUAL(p[63], 'x');
    CU_ASSERT_EQUAL(q[0], 'y');
    arena_free(a);
}

static void test_arena_used_counts_requested_bytes(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_EQUAL(arena_used(a), 0);
    arena_alloc(a, 10);
    arena_alloc(a, 100);
    CU_ASSERT_EQUAL(arena_used(a), 110);
    arena_strdup(a, "abc");
    CU_ASSERT_EQUAL(arena_used(a), 114);
    arena_free(a);
}

static void test_arena_reset_reuses_first_chunk_and_zeroes_used(void)
{
    arena_t *a = arena_new(128);
    void *first = arena_alloc(a, 32);
    for (int i = 0; i < 100; i++)
        arena_alloc(a, 100);          /* forces many new chunks */
    arena_alloc(a, 1 << 20);          /* and an oversized block */
    arena_reset(a);
    CU_ASSERT_EQUAL(arena_used(a), 0);
    void *again = arena_alloc(a, 32);
    CU_ASSERT_PTR_EQUAL(again, first);
    arena_free(a);
}

static void test_arena_reset_twice_and_reuse_works(void)
{
    arena_t *a = arena_new(64);
    arena_reset(a);
    arena_reset(a);
    char *s = arena_strdup(a, "still works after two resets");
    CU_ASSERT_STRING_EQUAL(s, "still works after two resets");
    arena_free(a);
}

static void test_arena_calloc_zeroes_reused_memory(void)
{
    arena_t *a = arena_new(256);
    memset(arena_alloc(a, 200), 0xff, 200);
    arena_reset(a);
    unsigned char *p = arena_calloc(a, 50, 4);
    int zero = 1;
    for (int i = 0; i < 200; i++)
        if (p[i] != 0)
            zero = 0;
    CU_ASSERT_TRUE(zero);
    CU_ASSERT_EQUAL(arena_used(a), 200);
    arena_free(a);
}

/* Held in a static so the aborting child's arena is still reachable and
 * valgrind does not report it as lost. */
static arena_t *child_arena;

static void calloc_overflow(void)
{
    child_arena = arena_new(0);
    arena_calloc(child_arena, SIZE_MAX / 2, 3);
    arena_free(child_arena); /* only reached if it failed to abort */
}

static void test_arena_calloc_size_overflow_aborts(void)
{
    CU_ASSERT_TRUE(aborts(calloc_overflow));
}

static void alloc_size_max(void)
{
    child_arena = arena_new(0);
    arena_alloc(child_arena, SIZE_MAX);
    arena_free(child_arena); /* only reached if it failed to abort */
}

static void test_arena_alloc_size_max_aborts(void)
{
    CU_ASSERT_TRUE(aborts(alloc_size_max));
}

static void test_arena_strndup_copies_at_most_n_and_terminates(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_STRING_EQUAL(arena_strndup(a, "hello", 3), "hel");
    CU_ASSERT_STRING_EQUAL(arena_strndup(a, "hi", 10), "hi");
    CU_ASSERT_STRING_EQUAL(arena_strndup(a, "hello", 0), "");
    /* n larger than the source must not read past its NUL */
    const char src[3] = { 'a', 'b', '\0' };
    CU_ASSERT_STRING_EQUAL(arena_strndup(a, src, 1000), "ab");
    arena_free(a);
}

static void test_arena_strdup_copies_empty_and_long_strings(void)
{
    arena_t *a = arena_new(32);
    CU_ASSERT_STRING_EQUAL(arena_strdup(a, ""), "");
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *copy = arena_strdup(a, big);
    CU_ASSERT_PTR_NOT_EQUAL(copy, big);
    CU_ASSERT_STRING_EQUAL(copy, big);
    arena_free(a);
}

static void test_arena_sprintf_formats_values(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_STRING_EQUAL(arena_sprintf(a, "%s-%d-%05.1f", "x", -42, 3.14159), "x--42-003.1");
    CU_ASSERT_STRING_EQUAL(arena_sprintf(a, "%s", ""), "");
    arena_free(a);
}

static void test_arena_sprintf_result_larger_than_chunk(void)
{
    arena_t *a = arena_new(64);
    char big[70000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *s = arena_sprintf(a, "[%s]%d", big, 7);
    CU_ASSERT_EQUAL(strlen(s), sizeof big - 1 + 3);
    CU_ASSERT_EQUAL(s[0], '[');
    CU_ASSERT_EQUAL(s[sizeof big], ']');
    CU_ASSERT_STRING_EQUAL(s + sizeof big + 1, "7");
    arena_free(a);
}

static char *vsprintf_wrapper(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *vsprintf_wrapper(arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

static void test_arena_vsprintf_takes_a_va_list(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_STRING_EQUAL(vsprintf_wrapper(a, "%u/%c/%x", 12u, 'k', 255u), "12/k/ff");
    arena_free(a);
}

static void test_arena_free_null_is_a_no_op(void)
{
    arena_free(NULL);
    CU_PASS("arena_free(NULL) returned");
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("arena", NULL, NULL);
    ADD(s, test_arena_alloc_returns_max_aligned_pointers);
    ADD(s, test_arena_alloc_zero_size_is_non_null_and_aligned);
    ADD(s, test_arena_many_small_allocations_across_chunks_keep_their_contents);
    ADD(s, test_arena_allocation_bigger_than_chunk_is_usable_and_keeps_chunk);
    ADD(s, test_arena_allocation_exactly_one_chunk_fits_in_a_chunk);
    ADD(s, test_arena_used_counts_requested_bytes);
    ADD(s, test_arena_reset_reuses_first_chunk_and_zeroes_used);
    ADD(s, test_arena_reset_twice_and_reuse_works);
    ADD(s, test_arena_calloc_zeroes_reused_memory);
    ADD(s, test_arena_calloc_size_overflow_aborts);
    ADD(s, test_arena_alloc_size_max_aborts);
    ADD(s, test_arena_strndup_copies_at_most_n_and_terminates);
    ADD(s, test_arena_strdup_copies_empty_and_long_strings);
    ADD(s, test_arena_sprintf_formats_values);
    ADD(s, test_arena_sprintf_result_larger_than_chunk);
    ADD(s, test_arena_vsprintf_takes_a_va_list);
    ADD(s, test_arena_free_null_is_a_no_op);
}
