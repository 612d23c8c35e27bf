/* test_tengo_stdlib_regexp.c — the text module's regexp objects
 * (tengo/stdlib_text_regexp.c: text.re_compile and the methods
 * match, find, replace and split) over the regex operations they share
 * with re_match/re_find/re_replace/re_split (stdlib_text_re.c), driven
 * with whole programs as in test_tengo_vm.c: each case is a program and
 * out's String() afterwards, or the exact error. Expected values follow
 * Go's regexp package and Tengo's stdlib/text_regexp.go. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cunit_main.h"
#include "status.h"
#include "tengo_run.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

#define T "t := import(\"text\"); "

static void test_regexp_compile_gives_an_immutable_map_of_methods(void)
{
    static const struct vm_case cases[] = {
        { T "r := t.re_compile(\"a\"); out = [type_name(r), is_immutable_map(r), len(r)]",
          "[\"immutable-map\", true, 4]" },
        { T "r := t.re_compile(\"a\"); out = [is_callable(r.match), is_callable(r.find), "
            "is_callable(r.replace), is_callable(r.split), r.nope]",
          "[true, true, true, true, <undefined>]" },
        { T "r := t.re_compile(\"a\"); r.match = 1",
          "Runtime Error: not index-assignable: immutable-map\n\tat test:1:46" },
        { T "out = t.re_compile(\"(\")", "error: \"error parsing regexp: ..." },
        { T "out = is_error(t.re_compile(\"a(b\"))", "true" },
        { T "out = t.re_compile(123).match(\"x123\")", "true" },
        { T "out = t.re_compile()",
          "Runtime Error: wrong number of arguments in call to 'user-function:re_compile'\n\tat "
          "test:1:28" },
        { T "out = t.re_compile(\"a\", \"b\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:re_compile'\n\tat "
          "test:1:28" },
        /* Tengo's ToString takes anything but undefined: [] is the pattern "[]" */
        { T "out = t.re_compile([])", "error: \"error parsing regexp: ..." },
        { T "out = t.re_compile(undefined)",
          "Runtime Error: invalid type for argument 'first' in call to "
          "'user-function:re_compile': expected string(compatible), found undefined\n\tat "
          "test:1:28" },
    };
    CHECK(cases);
}

static void test_regexp_match(void)
{
    static const struct vm_case cases[] = {
        { T "r := t.re_compile(\"^[a-z]+\\\\[[0-9]+\\\\]$\"); out = [r.match(\"adam[23]\"), "
            "r.match(\"eve[7]\"), r.match(\"Job[48]\"), r.match(\"snakey\")]",
          "[true, true, false, false]" },
        { T "r := t.re_compile(\"a$\"); out = [r.match(\"a\"), r.match(\"a\\n\")]", "[true, false]" },
        { T "r := t.re_compile(\"\"); out = [r.match(\"\"), r.match(\"x\")]", "[true, true]" },
        { T "r := t.re_compile(\"é+\"); out = r.match(\"café\")", "true" },
        { T "m := t.re_compile(\"b\").match; out = [m(\"abc\"), m(\"xyz\")]", "[true, false]" },
        { T "r := t.re_compile(\"a\"); out = r.match()",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:52" },
        { T "r := t.re_compile(\"a\"); out = r.match(\"a\", \"b\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:52" },
        { T "r := t.re_compile(\"a\"); out = [r.match([]), r.match(undefined)]",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:': "
          "expected string(compatible), found undefined\n\tat test:1:66" },
    };
    CHECK(cases);
}

static void test_regexp_find_with_and_without_count(void)
{
    static const struct vm_case cases[] = {
        { T "out = t.re_compile(\"a(x*)b\").find(\"-ab-axxb-\")",
          "[[{text: \"ab\", begin: 1, end: 3}, {text: \"\", begin: 2, end: 2}]]" },
        { T "out = t.re_compile(\"a(x*)b\").find(\"-ab-axxb-\", -1)",
          "[[{text: \"ab\", begin: 1, end: 3}, {text: \"\", begin: 2, end: 2}], "
          "[{text: \"axxb\", begin: 4, end: 8}, {text: \"xx\", begin: 5, end: 7}]]" },
        { T "r := t.re_compile(\"a\"); out = [len(r.find(\"banana\", 1)), len(r.find(\"banana\", 2)), "
            "len(r.find(\"banana\", 100)), r.find(\"banana\", 0), r.find(\"xyz\"), "
            "r.find(\"xyz\", -1)]",
          "[1, 2, 3, <undefined>, <undefined>, <undefined>]" },
        /* an unmatched group: begin and end -1, text empty (Go) */
        { T "out = t.re_compile(\"a(z)?\").find(\"a\")",
          "[[{text: \"a\", begin: 0, end: 1}, {text: \"\", begin: -1, end: -1}]]" },
        /* empty matches: not right after a match, one rune apart */
        { T "r := t.re_compile(\"x*\"); f := r.find(\"axxé\", -1); out = [len(f), f[1][0], f[2][0]]",
          "[3, {text: \"xx\", begin: 1, end: 3}, {text: \"\", begin: 5, end: 5}]" },
        { T "out = t.re_compile(\"é+\").find(\"caféé!\")[0][0]",
          "{text: \"éé\", begin: 3, end: 7}" },
        { T "out = len(t.re_compile(\"a\").find(t.repeat(\"a\", 20000), -1))", "20000" },
        { T "out = t.re_compile(\"[0-9]+\").find(12345)[0][0].text", "\"12345\"" },
        { T "out = t.re_compile(\"a\").find(\"a\", \"x\")",
          "Runtime Error: invalid type for argument 'second' in call to 'user-function:': "
          "expected int(compatible), found string\n\tat test:1:28" },
        { T "out = t.re_compile(\"a\").find()",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:28" },
        { T "out = t.re_compile(\"a\").find(\"a\", 1, 2)",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void test_regexp_replace_expands_go_templates(void)
{
    static const struct vm_case cases[] = {
        { T "r := t.re_compile(\"a(x*)b\"); out = [r.replace(\"-ab-axxb-\", \"T\"), "
            "r.replace(\"-ab-axxb-\", \"$1\"), r.replace(\"-ab-axxb-\", \"${1}W\"), "
            "r.replace(\"-ab-axxb-\", \"$1W\"), r.replace(\"-ab-axxb-\", \"$$1\"), "
            "r.replace(\"-ab-axxb-\", \"$9\")]",
          "[\"-T-T-\", \"--xx-\", \"-W-xxW-\", \"---\", \"-$1-$1-\", \"---\"]" },
        { T "out = t.re_compile(\"(?P<first>\\\\w+)\\\\s(?P<last>\\\\w+)\").replace(\"Ada "
            "Lovelace\", \"$last, ${first}!\")",
          "\"Lovelace, Ada!\"" },
        { T "out = [t.re_compile(\"x*\").replace(\"abc\", \"-\"), t.re_compile(\"z\").replace(\"abc\", "
            "\"-\"), t.re_compile(\"\").replace(\"\", \"-\")]",
          "[\"-a-b-c-\", \"abc\", \"-\"]" },
        { T "out = t.re_compile(\"a\").replace(\"aaa\", 1)", "\"111\"" },
        { T "out = t.re_compile(\"a\").replace(\"a\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:28" },
        { T "out = [t.re_compile(\"a\").replace(\"a\", []), t.re_compile(\"{}\").replace({}, 1)]",
          "[\"[]\", \"1\"]" },
        { T "out = t.re_compile(\"a\").replace(\"a\", undefined)",
          "Runtime Error: invalid type for argument 'second' in call to 'user-function:': "
          "expected string(compatible), found undefined\n\tat test:1:28" },
        { T "out = t.re_compile(\"a\").replace(undefined, \"b\")",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:': "
          "expected string(compatible), found undefined\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void test_regexp_split_with_count(void)
{
    static const struct vm_case cases[] = {
        { T "r := t.re_compile(\"a\"); out = [r.split(\"banana\"), r.split(\"banana\", -1), "
            "r.split(\"banana\", 2), r.split(\"banana\", 0), r.split(\"banana\", 1), "
            "r.split(\"banana\", 100)]",
          "[[\"b\", \"n\", \"n\", \"\"], [\"b\", \"n\", \"n\", \"\"], [\"b\", \"nana\"], [], "
          "[\"banana\"], [\"b\", \"n\", \"n\", \"\"]]" },
        { T "out = [t.re_compile(\"a\").split(\"\"), t.re_compile(\"\").split(\"\"), "
            "t.re_compile(\"x*\").split(\"abc\"), t.re_compile(\"\").split(\"abc\", 2)]",
          "[[\"\"], [], [\"a\", \"b\", \"c\"], [\"a\", \"bc\"]]" },
        { T "out = t.re_compile(\"\\\\s*,\\\\s*\").split(\"a , b,c ,d\")",
          "[\"a\", \"b\", \"c\", \"d\"]" },
        { T "out = len(t.re_compile(\",\").split(t.repeat(\"x,\", 10000)))", "10001" },
        { T "out = t.re_compile(\"a\").split(\"a\", \"b\")",
          "Runtime Error: invalid type for argument 'second' in call to 'user-function:': "
          "expected int(compatible), found string\n\tat test:1:28" },
        { T "out = t.re_compile(\"a\").split()",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void test_regexp_objects_are_independent_and_reusable(void)
{
    static const struct vm_case cases[] = {
        { T "a := t.re_compile(\"a\"); b := t.re_compile(\"b\"); out = [a.match(\"b\"), "
            "b.match(\"b\"), a.split(\"xax\"), b.split(\"xbx\")]",
          "[false, true, [\"x\", \"x\"], [\"x\", \"x\"]]" },
        /* the same pattern again, in a loop: compiled once per run */
        { T "out = 0; for i := 0; i < 20000; i++ { if t.re_compile(\"^a+$\").match(\"aaa\") { out++ "
            "} }",
          "20000" },
        { T "rs := []; for i := 0; i < 300; i++ { rs = append(rs, t.re_compile(\"^\" + string(i) + "
            "\"$\")) }; out = 0; for i, r in rs { if r.match(string(i)) && !r.match(string(i + 1)) "
            "{ out++ } }",
          "300" },
        { "e := import(\"enum\"); " T "r := t.re_compile(\"^[0-9]+$\"); "
          "out = e.filter([\"1\", \"x\", \"22\"], func(i, v) { return r.match(v) })",
          "[\"1\", \"22\"]" },
        { T "r := t.re_compile(\"a\"); c := copy(r); out = [type_name(c), c.match(\"a\")]",
          "[\"map\", true]" },
    };
    CHECK(cases);
}

/* The re_ functions compile the pattern in the order Go's do: re_find
 * before looking at its other arguments. */
static void test_regexp_re_functions_report_bad_patterns_first_where_go_does(void)
{
    static const struct vm_case cases[] = {
        { T "out = t.re_find(\"(\", undefined)", "error: \"error parsing regexp: ..." },
        { T "out = t.re_split(\"(\", undefined)",
          "Runtime Error: invalid type for argument 'second' in call to 'user-function:re_split': "
          "expected string(compatible), found undefined\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void check_limited(const char *src, int64_t max_allocs, size_t max_heap_bytes,
                          const char *want)
{
    buf_t got = BUF_INIT;
    run_program_limited(src, &got, max_allocs, max_heap_bytes);
    if (strcmp(buf_cstr(&got), want) != 0)
        fprintf(stderr, "\n%s\n  want: %s\n  got:  %s\n", src, want, buf_cstr(&got));
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), want);
    buf_free(&got);
}

static void test_regexp_memory_counts_against_the_heap_limit(void)
{
    /* distinct patterns stay compiled until the run ends: bounded by the limit */
    check_limited(T "for i := 0; i < 1000000; i++ { t.re_compile(\"a\" + string(i)) }", 0,
                  4u << 20, "Runtime Error: object allocation limit exceeded\n\tat test:1:53");
    /* one pattern many times costs nothing more */
    check_limited(T "out = 0; for i := 0; i < 100000; i++ { out += len(t.re_compile(\"a+\")"
                    ".split(\"bab\")) }",
                  0, 4u << 20, "200000");
    /* every object a method makes counts against max_allocs */
    check_limited(T "r := t.re_compile(\"a\"); out = r.find(\"aaaa\", -1)", 20, 0,
                  "Runtime Error: object allocation limit exceeded\n\tat test:1:52");
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_stdlib_regexp", NULL, NULL);
    ADD(s, test_regexp_compile_gives_an_immutable_map_of_methods);
    ADD(s, test_regexp_match);
    ADD(s, test_regexp_find_with_and_without_count);
    ADD(s, test_regexp_replace_expands_go_templates);
    ADD(s, test_regexp_split_with_count);
    ADD(s, test_regexp_objects_are_independent_and_reusable);
    ADD(s, test_regexp_re_functions_report_bad_patterns_first_where_go_does);
    ADD(s, test_regexp_memory_counts_against_the_heap_limit);
}
