/* test_diff.c — diff.h: output byte for byte as GNU diff 3.8 writes it
 * (`diff -u --label A --label B`; every expected text below was produced
 * that way): empty and identical texts, one-line files, additions at the
 * start and end, missing final newlines, hunks merged and split at the
 * context boundary, many hunks, a program revision; then bytes diff
 * treats as ordinary (CR, NUL, invalid UTF-8), the size limits, and
 * random and pathological inputs whose diffs must apply back (checked
 * with a small patch applier). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cunit_main.h"
#include "diff.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* diff of NUL-terminated texts; the result is static (or "ERROR"). */
static const char *udiff(const char *a, const char *b)
{
    static buf_t out;
    buf_reset(&out);
    if (diff_unified(a, strlen(a), b, strlen(b), "A", "B", &out) != OK)
        return "ERROR";
    return buf_cstr(&out);
}

static int same(const char *got, const char *want)
{
    int ok = strcmp(got, want) == 0;
    if (!ok)
        fprintf(stderr, "\n--- got ---\n%s--- want ---\n%s", got, want);
    return ok;
}

/* "line 1\n" … "line 40\n" with some lines replaced (index, text). */
static char *forty(int n, const int *at, const char *const *repl)
{
    buf_t b = BUF_INIT;
    for (int i = 0; i < 40; i++) {
        const char *r = NULL;
        for (int k = 0; k < n; k++)
            if (at[k] == i)
                r = repl[k];
        if (r)
            buf_puts(&b, r);
        else
            buf_printf(&b, "line %d\n", i + 1);
    }
    return buf_steal(&b, NULL);
}

/* ---- a small patch applier ------------------------------------------------ */

static const char *next_line(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl + 1 : end;
}

/* Applies unified diff d to text a; returns the result (malloc'ed) or NULL
 * when the diff does not fit a. */
static char *apply(const char *a, size_t alen, const char *d, size_t dlen, size_t *outlen)
{
    size_t na = 0, cap = 16;
    const char **lines = malloc(cap * sizeof *lines);
    size_t *lens = malloc(cap * sizeof *lens);
    for (const char *p = a; p < a + alen; na++) {
        if (na == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            lens = realloc(lens, cap * sizeof *lens);
        }
        const char *q = next_line(p, a + alen);
        lines[na] = p;
        lens[na] = (size_t)(q - p);
        p = q;
    }
    buf_t out = BUF_INIT;
    size_t ai = 0;
    const char *p = d, *end = d + dlen;
    if (dlen)
        p = next_line(next_line(p, end), end); /* "---" and "+++" */
    while (p < end) {
        long a0, ac = 1;
        if (sscanf(p, "@@ -%ld,%ld", &a0, &ac) < 1)
            goto bad;
        if (ac == 0)
            a0++; /* an empty range names the line before it */
        for (; ai + 1 < (size_t)a0 && ai < na; ai++)
            buf_append(&out, lines[ai], lens[ai]);
        p = next_line(p, end);
        while (p < end && *p != '@') {
            const char *q = next_line(p, end);
            char op = *p;
            const char *text = p + 1;
            size_t len = (size_t)(q - p - 1);
            if (q < end && *q == '\\') { /* "\ No newline at end of file" */
                len--;
                q = next_line(q, end);
            }
            if (op == ' ' || op == '-') {
                if (ai >= na || lens[ai] != len || memcmp(lines[ai], text, len) != 0)
                    goto bad;
                ai++;
            } else if (op != '+') {
                goto bad;
            }
            if (op != '-')
                buf_append(&out, text, len);
            p = q;
        }
    }
    for (; ai < na; ai++)
        buf_append(&out, lines[ai], lens[ai]);
    free(lines);
    free(lens);
    return buf_steal(&out, outlen);
bad:
    free(lines);
    free(lens);
    buf_free(&out);
    return NULL;
}

/* diff(a, b) applied to a gives b. */
static int round_trips(const char *a, size_t alen, const char *b, size_t blen)
{
    buf_t d = BUF_INIT;
    if (diff_unified(a, alen, b, blen, "A", "B", &d) != OK)
        return 0;
    size_t n = 0;
    char *got = apply(a, alen, d.data ? d.data : "", d.len, &n);
    int ok = got && n == blen && memcmp(got, b, blen) == 0;
    if (!ok)
        fprintf(stderr, "\nround trip failed; diff was:\n%.*s\n", (int)d.len, d.data);
    free(got);
    buf_free(&d);
    return ok;
}

/* ---- exact output ------------------------------------------------------- */

static void test_diff_empty_and_identical_texts_give_nothing(void)
{
    CU_ASSERT_TRUE(same(udiff("", ""), ""));
    CU_ASSERT_TRUE(same(udiff("a\nb\n", "a\nb\n"), ""));
    CU_ASSERT_TRUE(same(udiff("a\nb", "a\nb"), ""));
    buf_t out = BUF_INIT;
    CU_ASSERT_EQUAL(diff_unified(NULL, 0, NULL, 0, "A", "B", &out), OK);
    CU_ASSERT_EQUAL(out.len, 0);
}

static void test_diff_one_line_changed(void)
{
    CU_ASSERT_TRUE(same(udiff("a\nb\nc\n", "a\nB\nc\n"),
                        "--- A\n+++ B\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"));
}

static void test_diff_single_line_ranges_have_no_count(void)
{
    CU_ASSERT_TRUE(same(udiff("a\n", "b\n"), "--- A\n+++ B\n@@ -1 +1 @@\n-a\n+b\n"));
}

static void test_diff_from_and_to_empty_text(void)
{
    CU_ASSERT_TRUE(same(udiff("", "a\nb\n"), "--- A\n+++ B\n@@ -0,0 +1,2 @@\n+a\n+b\n"));
    CU_ASSERT_TRUE(same(udiff("a\nb\n", ""), "--- A\n+++ B\n@@ -1,2 +0,0 @@\n-a\n-b\n"));
    CU_ASSERT_TRUE(same(udiff("", "a\n"), "--- A\n+++ B\n@@ -0,0 +1 @@\n+a\n"));
}

static void test_diff_additions_at_start_and_end(void)
{
    CU_ASSERT_TRUE(same(udiff("c\nd\ne\nf\ng\n", "a\nb\nc\nd\ne\nf\ng\n"),
                        "--- A\n+++ B\n@@ -1,3 +1,5 @@\n+a\n+b\n c\n d\n e\n"));
    CU_ASSERT_TRUE(same(udiff("a\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\ng\n"),
                        "--- A\n+++ B\n@@ -3,3 +3,5 @@\n c\n d\n e\n+f\n+g\n"));
}

static void test_diff_no_newline_at_end_of_file(void)
{
    CU_ASSERT_TRUE(same(udiff("a\nb", "a\nc"),
                        "--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                        "+c\n\\ No newline at end of file\n"));
    CU_ASSERT_TRUE(same(udiff("a\nb", "a\nb\n"),
                        "--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                        "+b\n"));
    CU_ASSERT_TRUE(same(udiff("a\nb\n", "a\nb"),
                        "--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n"
                        "\\ No newline at end of file\n"));
    /* as context */
    CU_ASSERT_TRUE(same(udiff("a\nb\nc", "A\nb\nc"),
                        "--- A\n+++ B\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n"
                        "\\ No newline at end of file\n"));
}

static void test_diff_many_hunks(void)
{
    static const int at[] = { 1, 19, 37 };
    static const char *const repl[] = { "changed 2\n", "changed 20\n", "changed 38\n" };
    char *a = forty(0, NULL, NULL), *b = forty(3, at, repl);
    CU_ASSERT_TRUE(same(udiff(a, b),
                        "--- A\n+++ B\n"
                        "@@ -1,5 +1,5 @@\n line 1\n-line 2\n+changed 2\n line 3\n line 4\n line 5\n"
                        "@@ -17,7 +17,7 @@\n line 17\n line 18\n line 19\n-line 20\n+changed 20\n"
                        " line 21\n line 22\n line 23\n"
                        "@@ -35,6 +35,6 @@\n line 35\n line 36\n line 37\n-line 38\n+changed 38\n"
                        " line 39\n line 40\n"));
    free(a);
    free(b);
}

static void test_diff_hunks_six_lines_apart_merge_seven_split(void)
{
    static const int at6[] = { 9, 16 }, at7[] = { 9, 17 };
    static const char *const repl[] = { "x\n", "y\n" };
    char *a = forty(0, NULL, NULL), *b6 = forty(2, at6, repl), *b7 = forty(2, at7, repl);
    CU_ASSERT_TRUE(same(udiff(a, b6),
                        "--- A\n+++ B\n@@ -7,14 +7,14 @@\n line 7\n line 8\n line 9\n-line 10\n+x\n"
                        " line 11\n line 12\n line 13\n line 14\n line 15\n line 16\n-line 17\n+y\n"
                        " line 18\n line 19\n line 20\n"));
    CU_ASSERT_TRUE(same(udiff(a, b7),
                        "--- A\n+++ B\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+x\n"
                        " line 11\n line 12\n line 13\n"
                        "@@ -15,7 +15,7 @@\n line 15\n line 16\n line 17\n-line 18\n+y\n"
                        " line 19\n line 20\n line 21\n"));
    free(a);
    free(b6);
    free(b7);
}

static void test_diff_program_revision(void)
{
    const char *a = "fmt := import(\"fmt\")\nlog := import(\"log\")\n\nmain := func() {\n"
                    "\tx := 1\n\tlog.info(fmt.sprintf(\"x=%d\", x))\n}\n\nmain()\n";
    const char *b = "fmt := import(\"fmt\")\nlog := import(\"log\")\nhttp := import(\"http\")\n\n"
                    "main := func() {\n\tx := 2\n\tr := http.get(\"http://example.com\", {}, {})\n"
                    "\tlog.info(fmt.sprintf(\"x=%d status=%d\", x, r.StatusCode))\n}\n\nmain()\n";
    CU_ASSERT_TRUE(same(udiff(a, b),
                        "--- A\n+++ B\n@@ -1,9 +1,11 @@\n fmt := import(\"fmt\")\n"
                        " log := import(\"log\")\n+http := import(\"http\")\n \n main := func() {\n"
                        "-\tx := 1\n-\tlog.info(fmt.sprintf(\"x=%d\", x))\n+\tx := 2\n"
                        "+\tr := http.get(\"http://example.com\", {}, {})\n"
                        "+\tlog.info(fmt.sprintf(\"x=%d status=%d\", x, r.StatusCode))\n }\n \n"
                        " main()\n"));
}

static void test_diff_ambiguous_changes_sit_where_diff_puts_them(void)
{
    CU_ASSERT_TRUE(same(udiff("x\nx\nx\nx\n", "x\nx\nx\n"),
                        "--- A\n+++ B\n@@ -1,4 +1,3 @@\n x\n x\n x\n-x\n"));
    CU_ASSERT_TRUE(same(udiff("a\nb\nc\nd\ne\nf\n", "d\ne\nf\na\nb\nc\n"),
                        "--- A\n+++ B\n@@ -1,6 +1,6 @@\n-a\n-b\n-c\n d\n e\n f\n+a\n+b\n+c\n"));
    /* a deletion slides only three lines into the common suffix */
    CU_ASSERT_TRUE(same(udiff("a\nb\nq\nx\nx\nx\nx\nx\nx\nx\nx\n", "a\nc\nq\nx\nx\nx\nx\nx\nx\nx\n"),
                        "--- A\n+++ B\n@@ -1,10 +1,9 @@\n a\n-b\n+c\n q\n x\n x\n x\n-x\n x\n x\n x\n"));
    /* and merges with a change above when it can */
    CU_ASSERT_TRUE(same(udiff("A\nx\nx\nx\nx\nx\n", "B\nx\nx\nx\nx\n"),
                        "--- A\n+++ B\n@@ -1,5 +1,4 @@\n-A\n-x\n+B\n x\n x\n x\n"));
}

static void test_diff_labels_are_written_as_given(void)
{
    buf_t out = BUF_INIT;
    CU_ASSERT_EQUAL(diff_unified("a\n", 2, "b\n", 2, "0f1c@1", "0f1c@2", &out), OK);
    CU_ASSERT_TRUE(same(buf_cstr(&out), "--- 0f1c@1\n+++ 0f1c@2\n@@ -1 +1 @@\n-a\n+b\n"));
    /* appended, not replaced */
    CU_ASSERT_EQUAL(diff_unified("a\n", 2, "a\n", 2, "x", "y", &out), OK);
    CU_ASSERT_EQUAL(out.len, strlen("--- 0f1c@1\n+++ 0f1c@2\n@@ -1 +1 @@\n-a\n+b\n"));
    buf_free(&out);
}

/* ---- bytes that are not text --------------------------------------------- */

static void test_diff_carriage_returns_are_part_of_lines(void)
{
    CU_ASSERT_TRUE(same(udiff("a\r\nb\r\n\tc\n", "a\r\nb\n\tc\n"),
                        "--- A\n+++ B\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+b\n \tc\n"));
}

static void test_diff_nul_and_invalid_utf8_pass_through(void)
{
    const char a[] = "x\0y\nz\n", b[] = "x\0Y\nz\xff\n";
    buf_t out = BUF_INIT;
    CU_ASSERT_EQUAL(diff_unified(a, sizeof a - 1, b, sizeof b - 1, "A", "B", &out), OK);
    const char want[] = "--- A\n+++ B\n@@ -1,2 +1,2 @@\n-x\0y\n-z\n+x\0Y\n+z\xff\n";
    CU_ASSERT_EQUAL(out.len, sizeof want - 1);
    CU_ASSERT_EQUAL(memcmp(out.data, want, sizeof want - 1), 0);
    buf_free(&out);
    CU_ASSERT_TRUE(round_trips(a, sizeof a - 1, b, sizeof b - 1));
}

static void test_diff_lines_differing_only_in_the_final_newline(void)
{
    CU_ASSERT_TRUE(round_trips("x", 1, "x\n", 2));
    CU_ASSERT_TRUE(round_trips("x\n", 2, "x", 1));
    CU_ASSERT_TRUE(round_trips("\n", 1, "", 0));
    CU_ASSERT_TRUE(round_trips("", 0, "\n\n", 2));
}

/* ---- limits ---------------------------------------------------------------- */

static void test_diff_refuses_texts_past_the_limits(void)
{
    size_t n = DIFF_MAX_BYTES + 1;
    char *big = malloc(n);
    memset(big, 'x', n);
    buf_t out = BUF_INIT;
    buf_puts(&out, "kept");
    CU_ASSERT_EQUAL(diff_unified(big, n, "a\n", 2, "A", "B", &out), ERROR);
    CU_ASSERT_EQUAL(diff_unified("a\n", 2, big, n, "A", "B", &out), ERROR);
    /* too many lines, within the byte limit */
    n = DIFF_MAX_LINES + 1;
    memset(big, '\n', n);
    CU_ASSERT_EQUAL(diff_unified(big, n, "a\n", 2, "A", "B", &out), ERROR);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&out), "kept");
    /* exactly the line limit is fine */
    CU_ASSERT_EQUAL(diff_unified(big, DIFF_MAX_LINES, "a\n", 2, "A", "B", &out), OK);
    buf_free(&out);
    free(big);
}

/* ---- every diff applies ----------------------------------------------------- */

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void random_text(buf_t *b, unsigned lines, unsigned alphabet)
{
    buf_reset(b);
    for (unsigned i = 0; i < lines; i++)
        buf_printf(b, "l%u\n", rnd(alphabet));
    if (b->len && rnd(5) == 0)
        b->len--; /* no final newline */
}

static void test_diff_random_texts_round_trip(void)
{
    buf_t a = BUF_INIT, b = BUF_INIT;
    int failures = 0;
    for (int i = 0; i < 2000; i++) {
        unsigned alphabet = (unsigned[]){ 2, 3, 5, 30 }[rnd(4)];
        random_text(&a, rnd(40), alphabet);
        random_text(&b, rnd(40), alphabet);
        failures += !round_trips(a.data ? a.data : "", a.len, b.data ? b.data : "", b.len);
    }
    CU_ASSERT_EQUAL(failures, 0);
    buf_free(&a);
    buf_free(&b);
}

/* Two texts of 60000 lines drawn from two values: far past the search
 * cost bound (4096 edits), where the diff is no longer minimal but must
 * still be correct. */
static void test_diff_pathological_input_is_still_a_correct_diff(void)
{
    buf_t a = BUF_INIT, b = BUF_INIT;
    random_text(&a, 60000, 2);
    random_text(&b, 60000, 2);
    CU_ASSERT_TRUE(round_trips(a.data, a.len, b.data, b.len));
    buf_free(&a);
    buf_free(&b);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("diff", NULL, NULL);
    ADD(s, test_diff_empty_and_identical_texts_give_nothing);
    ADD(s, test_diff_one_line_changed);
    ADD(s, test_diff_single_line_ranges_have_no_count);
    ADD(s, test_diff_from_and_to_empty_text);
    ADD(s, test_diff_additions_at_start_and_end);
    ADD(s, test_diff_no_newline_at_end_of_file);
    ADD(s, test_diff_many_hunks);
    ADD(s, test_diff_hunks_six_lines_apart_merge_seven_split);
    ADD(s, test_diff_program_revision);
    ADD(s, test_diff_ambiguous_changes_sit_where_diff_puts_them);
    ADD(s, test_diff_labels_are_written_as_given);
    ADD(s, test_diff_carriage_returns_are_part_of_lines);
    ADD(s, test_diff_nul_and_invalid_utf8_pass_through);
    ADD(s, test_diff_lines_differing_only_in_the_final_newline);
    ADD(s, test_diff_refuses_texts_past_the_limits);
    ADD(s, test_diff_random_texts_round_trip);
    ADD(s, test_diff_pathological_input_is_still_a_correct_diff);
}
