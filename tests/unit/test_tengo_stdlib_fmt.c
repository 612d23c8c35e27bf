/* test_tengo_stdlib_fmt.c — Tengo's format verbs (format.c: the builtin
 * format() and fmt.printf/sprintf), the math and text modules
 * (stdlib_math.c, stdlib_text.c) and the module table (modules.c), driven
 * with whole programs like test_tengo_vm.c.
 *
 * Each case is a program and what it must leave in the global `out`
 * (Tengo's String() of the value: strings quoted), or the error. Expected
 * values follow Go's fmt/strconv/strings/math and Tengo's stdlib tests. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "compiler.h"
#include "cunit_main.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

struct vm_case {
    const char *src;
    const char *want; /* out's String(), or the whole error message */
};

/* Runs src; *got receives out's String() or the error text. */
static int run_program(const char *src, buf_t *got, buf_t *printed)
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
    vm.deadline_ns = tg_now_ns() + 10000 * 1000000LL;
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

static void check_cases(const struct vm_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_t got = BUF_INIT;
        run_program(cases[i].src, &got, NULL);
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

#define CHECK(cases) check_cases(cases, sizeof cases / sizeof *cases)

static void test_format_verbs_like_go(void)
{
    static const struct vm_case cases[] = {
        { "out = format(\"hello\")", "\"hello\"" },
        { "out = format(\"%d-%s\", 12, \"ab\")", "\"12-ab\"" },
        { "out = format(\"%v %v %v\", 1, \"s\", [1, \"x\"])", "\"1 \\\"s\\\" [1, \\\"x\\\"]\"" },
        { "out = format(\"%5d|%-5d|%05d\", 42, 42, -42)", "\"   42|42   |-0042\"" },
        { "out = format(\"%+d % d\", 5, 5)", "\"+5  5\"" },
        { "out = format(\"%x %X %o %b %#x %#o %#b\", 255, 255, 8, 5, 255, 8, 5)",
          "\"ff FF 10 101 0xff 010 0b101\"" },
        { "out = format(\"%c %q %U %#U\", 65, 65, 128512, 65)",
          "\"A 'A' U+1F600 U+0041 'A'\"" },
        { "out = format(\"%f %.2f %e %E %g %G\", 3.14159, 3.14159, 1234.5678, 1234.5678, "
          "1e21, 1e-7)",
          "\"3.141590 3.14 1.234568e+03 1.234568E+03 1e+21 1E-07\"" },
        { "out = format(\"%g %g %.3g %8.3f|%-8.3f|%08.3f\", 100000.0, 1234567.0, 3.14159, "
          "3.14159, 3.14159, -3.14159)",
          "\"100000 1.234567e+06 3.14    3.142|3.142   |-003.142\"" },
        { "out = format(\"%s|%10s|%-10s|%.2s\", \"hi\", \"hi\", \"hi\", \"hello\")",
          "\"hi|        hi|hi        |he\"" },
        { "out = format(\"%q\", \"a\\\"b\\n\\x01\")", "\"\\\"a\\\\\\\"b\\\\n\\\\x01\\\"\"" },
        { "out = format(\"%x % x %X\", \"hi\", \"hi\", bytes(\"hi\"))", "\"6869 68 69 6869\"" },
        { "out = format(\"%t %v\", true, false)", "\"true false\"" },
        { "out = format(\"%T %T %T\", 1, \"s\", [])", "\"int string array\"" },
        { "out = format(\"%d%%\", 50)", "\"50%\"" },
        { "out = format(\"%d %d\", 1)", "\"1 %!d(MISSING)\"" },
        { "out = format(\"%d\", 1, 2)", "\"1%!(EXTRA int=2)\"" },
        { "out = format(\"%d\", \"hi\")", "\"%!d(\\\"hi\\\"=\\\"hi\\\")\"" },
        { "out = format(\"100%\", 1)", "\"100%!(NOVERB)%!(EXTRA int=1)\"" },
        { "out = format(\"%[2]d %[1]d\", 1, 2)", "\"2 1\"" },
        { "out = format(\"%*d|%.*f\", 4, 7, 1, 2.25)", "\"   7|2.2\"" },
        { "out = format(\"%v %s\", 1.5, 2.0)", "\"1.5 %!s(2=2)\"" }, /* Tengo: no %s for floats */
        { "out = format(\"%d\", [1,2])", "\"%!d([1, 2]=[1, 2])\"" },
        { "out = format(\"%6.2f%%\", 99.5)", "\" 99.50%\"" },
        { "out = format(\"%d\", bytes(\"ab\"))", "\"[97 98]\"" },
        { "out = format(\"%5t|%-7v|\", true, \"ab\")", "\" true|\\\"ab\\\"   |\"" },
        { "out = format(\"%f %v\", 1.0/0, -1.0/0)", "\"+Inf -Inf\"" },
        { "out = format(1)",
          "Runtime Error: invalid type for argument 'format' in call to "
          "'builtin-function:format': expected string, found int..." },
        { "out = format()",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:format'..." },
    };
    CHECK(cases);
}

/* Malformed formats never crash and report Go's way. */
static void test_format_malformed_directives(void)
{
    static const struct vm_case cases[] = {
        { "out = format(\"%[\", 1)", "\"%!(NOVERB)\"" },
        { "out = format(\"%[0]d\", 1)", "\"%!d(BADINDEX)\"" },
        { "out = format(\"%[9]d\", 1)", "\"%!d(BADINDEX)\"" },
        { "out = format(\"%.\", 1)", "\"%!.(1=1)\"" },
        { "out = format(\"%-\", 1)", "\"%!(NOVERB)%!(EXTRA int=1)\"" },
        { "out = format(\"%*d\", \"x\", 1)", "\"%!(BADWIDTH)1\"" },
        { "out = format(\"%99999999d\", 1)", "\"%!(NOVERB)%!(EXTRA int=1)\"" },
        { "out = format(\"%z %\", 1)", "\"%!z(1=1) %!(NOVERB)\"" },
        { "out = format(\"%é\", 1)", "\"%!é(1=1)\"" },
        { "out = format(\"%s\", undefined)", "\"<undefined>\"" },
        { "out = format(\"%d %s\", 'x', error(\"e\"))", "\"%!d(x=x) error: \\\"e\\\"\"" },
    };
    CHECK(cases);
}

static void test_fmt_module_printf_and_sprintf(void)
{
    static const struct vm_case cases[] = {
        { "fmt := import(\"fmt\"); out = fmt.sprintf(\"%s=%d\", \"a\", 1)", "\"a=1\"" },
        { "fmt := import(\"fmt\"); out = fmt.sprintf(\"x\")", "\"x\"" },
        { "fmt := import(\"fmt\"); out = fmt.sprintf(1)",
          "Runtime Error: invalid type for argument 'format' in call to 'user-function:sprintf': "
          "expected string, found int..." },
    };
    CHECK(cases);
    buf_t got = BUF_INIT, printed = BUF_INIT;
    CU_ASSERT_EQUAL(run_program("fmt := import(\"fmt\")\nfmt.printf(\"%d-%s\\n\", 3, \"x\")\n"
                                "fmt.printf(\"raw\\n\")",
                                &got, &printed),
                    OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&printed), "3-x\nraw\n");
    buf_free(&got);
    buf_free(&printed);
}

static void test_math_functions_and_constants(void)
{
    static const struct vm_case cases[] = {
        { "m := import(\"math\"); out = m.pi", "3.141592653589793" },
        { "m := import(\"math\"); out = [m.e, m.sqrt2, m.ln2]",
          "[2.718281828459045, 1.4142135623730951, 0.6931471805599453]" },
        { "m := import(\"math\"); out = [m.maxInt, m.minInt, m.maxInt8, m.minInt32]",
          "[9223372036854775807, -9223372036854775808, 127, -2147483648]" },
        { "m := import(\"math\"); out = m.smallestNonzeroFloat64 > 0 && m.maxFloat64 > 1e308",
          "true" },
        { "m := import(\"math\"); out = [m.abs(-5), m.abs(-2.5), m.sqrt(16), m.pow(2, 10)]",
          "[5, 2.5, 4, 1024]" },
        { "m := import(\"math\"); out = [m.floor(2.7), m.ceil(2.1), m.trunc(-2.7), m.mod(7, 3)]",
          "[2, 3, -2, 1]" },
        { "m := import(\"math\"); out = [m.max(1, 2.5), m.min(1, 2.5), m.hypot(3, 4)]",
          "[2.5, 1, 5]" },
        { "m := import(\"math\"); out = [m.is_nan(m.nan()), m.is_inf(m.inf(1), 1), "
          "m.is_inf(m.inf(-1), 1), m.is_inf(m.inf(-1), 0), m.signbit(-1.0)]",
          "[true, true, false, true, true]" },
        { "m := import(\"math\"); out = [m.ilogb(8), m.ldexp(0.5, 3), m.pow10(3), m.log2(8)]",
          "[3, 4, 1000, 3]" },
        { "m := import(\"math\"); out = [m.exp(0), m.log(1), m.log10(100), m.cbrt(27)]",
          "[1, 0, 2, 3]" },
        { "m := import(\"math\"); out = [m.atan2(0, 1), m.copysign(3, -1), m.dim(5, 3), "
          "m.dim(3, 5)]",
          "[0, -3, 2, 0]" },
        { "m := import(\"math\"); out = m.sin(0) + m.cos(0) + m.tan(0)", "1" },
        { "m := import(\"math\"); out = m.inf(1)", "+Inf" },
        { "m := import(\"math\"); out = m.sqrt(\"x\")",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:sqrt': "
          "expected float(compatible), found string..." },
        { "m := import(\"math\"); out = m.pow(1)",
          "Runtime Error: wrong number of arguments in call to 'user-function:pow'..." },
        { "m := import(\"math\"); m.pi = 3", "Runtime Error: not index-assignable..." },
    };
    CHECK(cases);
}

static void test_text_functions_like_go_strings(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"text\"); out = [t.contains(\"seafood\", \"foo\"), t.contains(\"seafood\", \"bar\"), t.contains(\"\", \"\")]",
          "[true, false, true]" },
        { "t := import(\"text\"); out = [t.contains_any(\"failure\", \"ui\"), t.contains_any(\"foo\", \"\")]",
          "[true, false]" },
        { "t := import(\"text\"); out = [t.count(\"cheese\", \"e\"), t.count(\"five\", \"\")]",
          "[3, 5]" },
        { "t := import(\"text\"); out = [t.equal_fold(\"Go\", \"GO\"), t.equal_fold(\"Straße\", \"STRASSE\")]",
          "[true, false]" },
        { "t := import(\"text\"); out = t.fields(\"  foo bar\\tbaz  \")",
          "[\"foo\", \"bar\", \"baz\"]" },
        { "t := import(\"text\"); out = [t.has_prefix(\"golang\", \"go\"), t.has_suffix(\"golang\", \"ng\"), t.has_prefix(\"go\", \"golang\")]",
          "[true, true, false]" },
        { "t := import(\"text\"); out = [t.index(\"chicken\", \"ken\"), t.index(\"chicken\", \"dmr\"), t.index_any(\"golang\", \"ny\"), t.last_index(\"go gopher\", \"go\"), t.last_index_any(\"golang\", \"go\")]",
          "[4, -1, 4, 3, 5]" },
        { "t := import(\"text\"); out = [t.join([\"a\", 1, \"c\"], \", \"), t.join([], \"-\")]",
          "[\"a, 1, c\", \"\"]" },
        { "t := import(\"text\"); out = [t.repeat(\"na\", 3), t.repeat(\"x\", 0)]",
          "[\"nanana\", \"\"]" },
        { "t := import(\"text\"); out = [t.replace(\"oink oink oink\", \"k\", \"ky\", 2), t.replace(\"oink oink oink\", \"oink\", \"moo\", -1), t.replace(\"abc\", \"\", \"-\", -1)]",
          "[\"oinky oinky oink\", \"moo moo moo\", \"-a-b-c-\"]" },
        { "t := import(\"text\"); out = [t.split(\"a,b,c\", \",\"), t.split(\"abc\", \"\"), t.split_n(\"a,b,c\", \",\", 2), t.split_after(\"a,b\", \",\"), t.split_after_n(\"a,b,c\", \",\", 2), t.split_n(\"a\", \",\", 0)]",
          "[[\"a\", \"b\", \"c\"], [\"a\", \"b\", \"c\"], [\"a\", \"b,c\"], [\"a,\", \"b\"], [\"a,\", \"b,c\"], []]" },
        { "t := import(\"text\"); out = [t.title(\"her royal highness\"), t.to_lower(\"Gopher ÄÖ\"), t.to_upper(\"Gopher äö\"), t.to_title(\"loud\")]",
          "[\"Her Royal Highness\", \"gopher äö\", \"GOPHER ÄÖ\", \"LOUD\"]" },
        { "t := import(\"text\"); out = [t.trim(\"  !!Hi!! \", \"! \"), t.trim_left(\"xxhixx\", \"x\"), t.trim_right(\"xxhixx\", \"x\"), t.trim_prefix(\"prefix-x\", \"prefix-\"), t.trim_suffix(\"x.go\", \".go\"), t.trim_space(\" \\t hi \\n\")]",
          "[\"Hi\", \"hixx\", \"xxhi\", \"x\", \"x\", \"hi\"]" },
        { "t := import(\"text\"); out = [t.atoi(\"-42\"), t.itoa(42), t.format_bool(true), t.format_int(255, 16), t.format_int(-5, 2)]",
          "[-42, \"42\", \"true\", \"ff\", \"-101\"]" },
        { "t := import(\"text\"); out = t.atoi(\"4x\")",
          "error: \"strconv.Atoi: parsing \\\"4x\\\": invalid syntax\"" },
        { "t := import(\"text\"); out = [t.parse_int(\"-0x1F\", 0, 64), t.parse_int(\"777\", 8, 64), t.parse_int(\"1_000\", 0, 64), t.parse_int(\"128\", 10, 8)]",
          "[-31, 511, 1000, error: \"strconv.ParseInt: parsing \\\"128\\\": value out of range\"]" },
        { "t := import(\"text\"); out = [t.parse_float(\"3.25\", 64), t.parse_float(\"1e3\", 64), is_error(t.parse_float(\"x\", 64))]",
          "[3.25, 1000, true]" },
        { "t := import(\"text\"); out = [t.parse_bool(\"T\"), t.parse_bool(\"false\"), is_error(t.parse_bool(\"yes\"))]",
          "[true, false, true]" },
        { "t := import(\"text\"); out = [t.format_float(3.14159, \"f\", 2, 64), t.format_float(1234.5, \"e\", -1, 64), t.format_float(0.000001, \"g\", -1, 64)]",
          "[\"3.14\", \"1.2345e+03\", \"1e-06\"]" },
        { "t := import(\"text\"); out = [t.quote(\"hi\\n\\\"x\\\"\"), t.unquote(\"\\\"a\\\\tb\\\"\"), t.unquote(\"`raw`\"), is_error(t.unquote(\"nope\"))]",
          "[\"\\\"hi\\\\n\\\\\\\"x\\\\\\\"\\\"\", \"a\\tb\", \"raw\", true]" },
        { "t := import(\"text\"); out = [t.substr(\"hello\", 1, 3), t.substr(\"hello\", 2), t.substr(\"hello\", -1, 10)]",
          "[\"el\", \"llo\", \"hello\"]" },
        { "t := import(\"text\"); out = [t.pad_left(\"7\", 3, \"0\"), t.pad_right(\"ab\", 5, \"xy\"), t.pad_left(\"ab\", 5, \"xy\"), t.pad_left(\"abc\", 2), t.pad_left(\"a\", 3)]",
          "[\"007\", \"abxyx\", \"yxyab\", \"abc\", \"  a\"]" },
        { "t := import(\"text\"); out = t.substr(\"hello\", 3, 1)",
          "Runtime Error: invalid index type..." },
        { "t := import(\"text\"); out = t.join(1, \",\")",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:join': expected array, found int..." },
        { "t := import(\"text\"); out = t.contains(\"a\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:contains'..." },
    };
    CHECK(cases);
}

static void test_text_regex_like_go_regexp(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"text\"); out = [t.re_match(\"^[a-z]+\\\\[[0-9]+\\\\]$\", \"adam[23]\"), t.re_match(\"a$\", \"a\\n\")]",
          "[true, false]" },
        { "t := import(\"text\"); out = t.re_match(\"(\", \"x\")",
          "error: \"error parsing regexp: ..." },
        { "t := import(\"text\"); out = t.re_find(\"a(x*)b\", \"-ab-axxb-\")",
          "[[{text: \"ab\", begin: 1, end: 3}, {text: \"\", begin: 2, end: 2}]]" },
        { "t := import(\"text\"); out = t.re_find(\"a(x*)b\", \"-ab-axxb-\", -1)[1][1].text",
          "\"xx\"" },
        { "t := import(\"text\"); out = [t.re_find(\"z\", \"abc\"), len(t.re_find(\"a\", \"aaaa\", 2))]",
          "[<undefined>, 2]" },
        { "t := import(\"text\"); out = [t.re_replace(\"a(x*)b\", \"-ab-axxb-\", \"T\"), t.re_replace(\"a(x*)b\", \"-ab-axxb-\", \"$1\"), t.re_replace(\"a(x*)b\", \"-ab-axxb-\", \"${1}W\"), t.re_replace(\"a(?P<n>x*)b\", \"axb\", \"[$n$$]\")]",
          "[\"-T-T-\", \"--xx-\", \"-W-xxW-\", \"[x$]\"]" },
        { "t := import(\"text\"); out = [t.re_replace(\"x*\", \"abc\", \"-\"), t.re_split(\"a\", \"banana\"), t.re_split(\"a\", \"banana\", 2), t.re_split(\"x*\", \"abc\"), t.re_split(\"a\", \"\"), t.re_split(\"a\", \"b\", 0)]",
          "[\"-a-b-c-\", [\"b\", \"n\", \"n\", \"\"], [\"b\", \"nana\"], [\"a\", \"b\", \"c\"], [\"\"], []]" },
    };
    CHECK(cases);
}

static void test_import_unknown_module_is_compile_error(void)
{
    static const struct vm_case cases[] = {
        { "x := import(\"nope\")", "Compile Error: module 'nope' not found..." },
    };
    CHECK(cases);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_stdlib_fmt", NULL, NULL);
    ADD(s, test_format_verbs_like_go);
    ADD(s, test_format_malformed_directives);
    ADD(s, test_fmt_module_printf_and_sprintf);
    ADD(s, test_math_functions_and_constants);
    ADD(s, test_text_functions_like_go_strings);
    ADD(s, test_text_regex_like_go_regexp);
    ADD(s, test_import_unknown_module_is_compile_error);
}
