/* test_buf.c — buf.h: growth, NUL termination, printf of large strings,
 * reset/free/steal and the abort-on-overflow policy. */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cunit_main.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static int aborts(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fclose(stderr);
        fn();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_buf_new_buffer_is_empty_string_with_null_data(void)
{
    buf_t b = BUF_INIT;
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
    buf_t c;
    buf_init(&c);
    CU_ASSERT_PTR_NULL(c.data);
    CU_ASSERT_EQUAL(c.cap, 0);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&c), "");
}

static void test_buf_append_zero_bytes_allocates_nothing(void)
{
    buf_t b = BUF_INIT;
    buf_append(&b, "ignored", 0);
    buf_puts(&b, "");
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_EQUAL(b.len, 0);
}

static void test_buf_puts_putc_append_concatenate_and_terminate(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "ab");
    buf_putc(&b, 'c');
    buf_append(&b, "defXYZ", 3);
    CU_ASSERT_EQUAL(b.len, 6);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abcdef");
    CU_ASSERT_EQUAL(b.data[b.len], '\0');
    CU_ASSERT_TRUE(b.cap > b.len);
    buf_free(&b);
}

static void test_buf_append_keeps_embedded_nul_bytes(void)
{
    buf_t b = BUF_INIT;
    buf_append(&b, "a\0b", 3);
    CU_ASSERT_EQUAL(b.len, 3);
    CU_ASSERT_EQUAL(memcmp(b.data, "a\0b", 4), 0); /* 4: includes the terminator */
    buf_putc(&b, '\0');
    CU_ASSERT_EQUAL(b.len, 4);
    buf_free(&b);
}

static void test_buf_grows_over_many_appends(void)
{
    buf_t b = BUF_INIT;
    enum { N = 100000 };
    for (int i = 0; i < N; i++)
        buf_append(&b, "abc", 3);
    CU_ASSERT_EQUAL(b.len, 3 * N);
    CU_ASSERT_TRUE(b.cap >= b.len + 1);
    int ok = 1;
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] != "abc"[i % 3])
            ok = 0;
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(b.data[b.len], '\0');
    buf_free(&b);
}

static void test_buf_reserve_gives_room_without_changing_len(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "xy");
    buf_reserve(&b, 5000);
    CU_ASSERT_TRUE(b.cap >= 2 + 5000 + 1);
    CU_ASSERT_EQUAL(b.len, 2);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "xy");
    char *before = b.data;
    for (int i = 0; i < 5000; i++)
        buf_putc(&b, 'z');
    CU_ASSERT_PTR_EQUAL(b.data, before); /* reserved room means no realloc */
    buf_free(&b);
}

static void test_buf_reserve_on_empty_buffer_yields_empty_cstring(void)
{
    buf_t b = BUF_INIT;
    buf_reserve(&b, 10);
    CU_ASSERT_PTR_NOT_NULL(b.data);
    CU_ASSERT_STRING_EQUAL(b.data, "");
    buf_free(&b);
}

static buf_t child_buf; /* static: still reachable when the child aborts */

static void reserve_overflow(void)
{
    buf_puts(&child_buf, "x");
    buf_reserve(&child_buf, SIZE_MAX);
    buf_free(&child_buf); /* only reached if it failed to abort */
}

static void test_buf_reserve_size_overflow_aborts(void)
{
    CU_ASSERT_TRUE(aborts(reserve_overflow));
}

static void test_buf_printf_formats_and_appends(void)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "%d:%s", 42, "x");
    buf_printf(&b, "|%.3f|%5s|", 1.5, "ab");
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "42:x|1.500|   ab|");
    CU_ASSERT_EQUAL(b.len, strlen("42:x|1.500|   ab|"));
    buf_free(&b);
}

static void test_buf_printf_empty_result_on_empty_buffer(void)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "%s", "");
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
    buf_free(&b);
}

static void test_buf_printf_of_large_string_grows_buffer(void)
{
    size_t n = 1u << 20;
    char *big = malloc(n + 1);
    memset(big, 'L', n);
    big[n] = '\0';
    buf_t b = BUF_INIT;
    buf_puts(&b, "<");
    buf_printf(&b, "%s>%d", big, 9);
    CU_ASSERT_EQUAL(b.len, 1 + n + 2);
    CU_ASSERT_EQUAL(b.data[0], '<');
    CU_ASSERT_EQUAL(b.data[1], 'L');
    CU_ASSERT_EQUAL(b.data[n], 'L');
    CU_ASSERT_STRING_EQUAL(b.data + n + 1, ">9");
    free(big);
    buf_free(&b);
}

/* Output that fits the spare room exactly (with its NUL) versus one byte
 * more: both paths of buf_vprintf. */
static void test_buf_printf_exact_fit_and_one_over(void)
{
    buf_t b = BUF_INIT;
    buf_putc(&b, '#');
    size_t room = b.cap - b.len - 1;
    char fill[4096];
    CU_ASSERT_FATAL(room < sizeof fill);
    memset(fill, 'f', room);
    fill[room] = '\0';
    char *before = b.data;
    buf_printf(&b, "%s", fill);
    CU_ASSERT_PTR_EQUAL(b.data, before);
    CU_ASSERT_EQUAL(b.len, room + 1);
    CU_ASSERT_EQUAL(b.data[b.len], '\0');
    buf_printf(&b, "%s", "g");
    CU_ASSERT_EQUAL(b.len, room + 2);
    CU_ASSERT_EQUAL(b.data[room + 1], 'g');
    CU_ASSERT_EQUAL(b.data[room], 'f');
    CU_ASSERT_EQUAL(b.data[b.len], '\0');
    buf_free(&b);
}

static void vprintf_wrapper(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vprintf_wrapper(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

static void test_buf_vprintf_takes_a_va_list(void)
{
    buf_t b = BUF_INIT;
    char big[3000];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    vprintf_wrapper(&b, "%s%s", big, "!"); /* large enough to need the retry */
    CU_ASSERT_EQUAL(b.len, sizeof big);
    CU_ASSERT_EQUAL(b.data[b.len - 1], '!');
    buf_free(&b);
}

static void test_buf_reset_keeps_memory_and_empties(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "some text");
    char *mem = b.data;
    size_t cap = b.cap;
    buf_reset(&b);
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_PTR_EQUAL(b.data, mem);
    CU_ASSERT_EQUAL(b.cap, cap);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
    buf_puts(&b, "new");
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "new");
    buf_free(&b);
}

static void test_buf_reset_on_empty_buffer_is_safe(void)
{
    buf_t b = BUF_INIT;
    buf_reset(&b);
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
}

static void test_buf_free_returns_to_initial_state(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "abc");
    buf_free(&b);
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_EQUAL(b.cap, 0);
    buf_free(&b); /* twice is fine */
    buf_puts(&b, "again");
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "again");
    buf_free(&b);
}

static void test_buf_steal_hands_over_data_and_empties_buffer(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "payload");
    size_t len = 0;
    char *s = buf_steal(&b, &len);
    CU_ASSERT_EQUAL(len, 7);
    CU_ASSERT_STRING_EQUAL(s, "payload");
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
    free(s);
}

static void test_buf_steal_of_empty_buffer_returns_empty_string(void)
{
    buf_t b = BUF_INIT;
    size_t len = 99;
    char *s = buf_steal(&b, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s, "");
    CU_ASSERT_EQUAL(len, 0);
    free(s);
    s = buf_steal(&b, NULL); /* len is optional */
    CU_ASSERT_STRING_EQUAL(s, "");
    free(s);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("buf", NULL, NULL);
    ADD(s, test_buf_new_buffer_is_empty_string_with_null_data);
    ADD(s, test_buf_append_zero_bytes_allocates_nothing);
    ADD(s, test_buf_puts_putc_append_concatenate_and_terminate);
    ADD(s, test_buf_append_keeps_embedded_nul_bytes);
    ADD(s, test_buf_grows_over_many_appends);
    ADD(s, test_buf_reserve_gives_room_without_changing_len);
    ADD(s, test_buf_reserve_on_empty_buffer_yields_empty_cstring);
    ADD(s, test_buf_reserve_size_overflow_aborts);
    ADD(s, test_buf_printf_formats_and_appends);
    ADD(s, test_buf_printf_empty_result_on_empty_buffer);
    ADD(s, test_buf_printf_of_large_string_grows_buffer);
    ADD(s, test_buf_printf_exact_fit_and_one_over);
    ADD(s, test_buf_vprintf_takes_a_va_list);
    ADD(s, test_buf_reset_keeps_memory_and_empties);
    ADD(s, test_buf_reset_on_empty_buffer_is_safe);
    ADD(s, test_buf_free_returns_to_initial_state);
    ADD(s, test_buf_steal_hands_over_data_and_empties_buffer);
    ADD(s, test_buf_steal_of_empty_buffer_returns_empty_string);
}
