/* test_tengo_vm.c — the Tengo compiler and VM (tengo/compiler.c,
 * vm.c, vm_ops.c, value.c, builtins.c), driven with whole programs.
 *
 * Each case is a program and what it must leave in the global `out`
 * (written as Tengo's String() of the value: strings quoted), or the exact
 * compile or runtime error. The cases follow Tengo's own vm tests
 * (vm_test.go and the per-feature tests): every operator rule, closures,
 * recursion, variadics, for-in, break/continue, indexing, slicing,
 * builtins, and the error messages with their positions. Positions are
 * Tengo's, quirks included: an error raised by an instruction without
 * operands (index, slice, iterator) is reported at the instruction before
 * it, i.e. often at the last operand compiled ("hello"[3:1] at the 1). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "compiler.h"
#include "cunit_main.h"
#include "tengo_run.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)


static void test_vm_int_arithmetic_wraps_like_go(void)
{
    static const struct vm_case cases[] = {
        { "out = 5", "5" },
        { "out = -5", "-5" },
        { "out = 1 + 2 * 3", "7" },
        { "out = (1 + 2) * 3", "9" },
        { "out = 7 / 2", "3" },
        { "out = -7 / 2", "-3" },
        { "out = 7 % 3", "1" },
        { "out = -7 % 3", "-1" },
        { "out = 9223372036854775807 + 1", "-9223372036854775808" },
        { "out = -9223372036854775807 - 2", "9223372036854775807" },
        { "out = 4611686018427387904 * 4", "0" },
        { "x := -9223372036854775807 - 1; out = x / -1", "-9223372036854775808" },
        { "x := -9223372036854775807 - 1; out = x % -1", "0" },
        { "out = 12 & 10", "8" },
        { "out = 12 | 10", "14" },
        { "out = 12 ^ 10", "6" },
        { "out = 12 &^ 10", "4" },
        { "out = 0b1100", "Parse Error: expected ';', found b1100\n\tat test:1:8" }, /* Go Tengo v2.10.1 */
        { "out = ^0", "-1" },
        { "out = 1 << 62", "4611686018427387904" },
        { "out = 1 << 64", "0" },
        { "out = -16 >> 2", "-4" },
        { "out = -1 >> 100", "-1" },
        { "out = 1 << -1", "0" },
        { "out = 16 >> -1", "0" },
        { "out = +5", "5" },
        { "out = - -5", "5" },
    };
    CHECK(cases);
}

static void test_vm_float_and_mixed_arithmetic(void)
{
    static const struct vm_case cases[] = {
        { "out = 1.5 + 2", "3.5" },
        { "out = 2 + 1.5", "3.5" },
        { "out = 10 / 4.0", "2.5" },
        { "out = 1.0 / 3", "0.3333333333333333" },
        { "out = 3.0 * 2", "6" },
        { "out = 1e21", "1000000000000000000000" },
        { "out = 1.5e-7", "0.00000015" },
        { "out = 1.0 / 0", "+Inf" },
        { "out = -1.0 / 0", "-Inf" },
        { "out = -2.5", "-2.5" },
        { "out = 0.1 + 0.2", "0.30000000000000004" },
        { "out = 1 < 1.5", "true" },
        { "out = 2.5 >= 2", "true" },
        { "out = 1.5 % 2", "Runtime Error: invalid operation: float % int\n\tat test:1:7" },
        { "out = 2 & 1.5", "Runtime Error: invalid operation: int & float\n\tat test:1:7" },
    };
    CHECK(cases);
}

static void test_vm_comparison_and_equality(void)
{
    static const struct vm_case cases[] = {
        { "out = 1 < 2", "true" },
        { "out = 1 > 2", "false" },
        { "out = 2 <= 2", "true" },
        { "out = 3 >= 4", "false" },
        { "out = 1 == 1", "true" },
        { "out = 1 == 1.0", "false" },
        { "out = 1 != 1.0", "true" },
        { "out = \"a\" < \"b\"", "true" },
        { "out = \"abc\" > \"ab\"", "true" },
        { "out = 'a' < 'b'", "true" },
        { "out = 'a' == 97", "false" },
        { "out = 'a' < 98", "true" },
        { "out = [1, 2] == [1, 2]", "true" },
        { "out = [1, 2] == [1, 2, 3]", "false" },
        { "out = {a: 1} == {a: 1}", "true" },
        { "out = {a: 1} == {a: 2}", "false" },
        { "out = immutable([1]) == [1]", "true" },
        { "out = undefined == undefined", "true" },
        { "out = undefined == 0", "false" },
        { "out = error(1) == error(1)", "false" },
        { "out = true == true", "true" },
        { "out = true < false", "Runtime Error: invalid operation: bool > bool\n\tat test:1:7" },
        { "out = \"a\" < 1", "Runtime Error: invalid operation: int > string\n\tat test:1:7" },
    };
    CHECK(cases);
}

/* The VM's inline int/bool fast paths give what the general rules give:
 * operands in variables, so nothing is decided at compile time. */
static void test_vm_int_fast_paths_match_general_rules(void)
{
    static const struct vm_case cases[] = {
        { "a := 9223372036854775807; b := 1; out = [a + b, -a - b - b, a * 2]",
          "[-9223372036854775808, 9223372036854775807, -2]" },
        { "a := -7; b := 2; c := -2; out = [a / b, a % b, 7 / c, 7 % c, a / c, a % c]",
          "[-3, -1, -3, 1, 3, -1]" },
        { "a := -9223372036854775807 - 1; b := -1; out = [a / b, a % b]",
          "[-9223372036854775808, 0]" },
        { "a := 7; b := 0; out = a / b", "Runtime Error: division by zero\n\tat test:1:23" },
        { "a := 7; b := 0; out = a % b", "Runtime Error: division by zero\n\tat test:1:23" },
        { "a := 3; b := 1.5; out = [a < b, a * b, a == 3.0, a != 3, a >= 3, a <= 2]",
          "[false, 4.5, false, false, true, false]" },
        { "a := 6; b := 3; out = [a & b, a | b, a ^ b, a &^ b, a << b, a >> 1, a > b]",
          "[2, 7, 5, 4, 48, 3, true]" },
        { "x := 0; y := \"\"; f := 0.0; out = [!x, !1, x || 5, 1 && 0, !y, !f, !true, !false]",
          "[true, false, 5, 0, true, false, false, true]" },
        { "n := 0; for i := 0; i < 10; i++ { if i % 3 { n += i } }; out = n", "27" },
        { "a := \"ab\"; b := \"a\" + \"b\"; out = [a == b, a != b, a == \"abc\", a == 1]",
          "[true, false, false, false]" },
        { "a := 'a'; b := 97; out = [a == b, b == a, a < b + 1]", "[false, false, true]" },
        { "m := -9223372036854775807 - 1; out = [string(m), string(0), string(-5), \"k\" + 42, "
          "string(9223372036854775807)]",
          "[\"-9223372036854775808\", \"0\", \"-5\", \"k42\", \"9223372036854775807\"]" },
    };
    CHECK(cases);
}

/* The VM fuses an int constant into the operator after it and a
 * comparison or a for-in's ITERATOR_NEXT into the JUMP_FALSY after it
 * (vm.c); the results and the errors are those of the instructions one
 * by one, a jump that lands on the JUMP_FALSY (a && b == 1) included.
 * Checked against the VM before the fusion. */
static void test_vm_fused_constant_and_jump_match_the_plain_instructions(void)
{
    static const struct vm_case cases[] = {
        { "a := 9223372036854775807; out = [a + 1, a * 2, -a - 2, a - -1]",
          "[-9223372036854775808, -2, 9223372036854775807, -9223372036854775808]" },
        { "a := 7; out = [a / 2, a % 3, a / -1, a % -2, a & 3, a | 8, a ^ 1, a << 2, a >> 1]",
          "[3, 1, -7, 1, 3, 15, 6, 28, 3]" },
        { "a := 7; out = a / 0", "Runtime Error: division by zero\n\tat test:1:15" },
        { "a := 7; out = a % 0", "Runtime Error: division by zero\n\tat test:1:15" },
        { "x := 1.5; out = [x == 1, x != 1, x < 2, x + 1]", "[false, true, true, 2.5]" },
        { "x := \"a\"; out = [x == 1, x != 1]", "[false, true]" },
        { "x := 'a'; out = [x == 97, x + 1, x < 98]", "[false, b, true]" },
        { "n := 0; for i := 0; i < 10; i++ { if i == 3 || i % 2 == 0 { n += i } }; out = n",
          "23" },
        { "a := 0; b := 1; out = 5; if a && b == 1 { out = 6 }", "5" },
        { "a := 1; b := 1; out = 5; if a && b == 1 { out = 6 }", "6" },
        { "a := 1; b := 2; out = 5; if a == 2 || b != 2 { out = 6 } else if a != 1 { out = 7 } "
          "else { out = 8 }",
          "8" },
        { "x := 5; out = [x > 3 ? \"big\" : \"small\", x < 3 ? \"big\" : \"small\", x == 5 ? 1 : 2]",
          "[\"big\", \"small\", 1]" },
        { "x := 3; y := x == 3; z := x != 3; out = [y, z, x < 4, x >= 4, x <= 2, x > 2]",
          "[true, false, true, false, false, true]" },
        { "x := \"a\"; out = x < 1", "Runtime Error: invalid operation: int > string\n\tat test:1:17" },
        { "x := undefined; out = x + 1",
          "Runtime Error: invalid operation: undefined + int\n\tat test:1:23" },
        { "f := func(x) { if x == 0 { return 0 }; return x + f(x - 1) }; out = f(100)", "5050" },
        { "out = 0; for i := 0; i < 5; i++ { if i != 2 { out += i } }", "8" },
        { "out = 0; for i, x in [1, 2, 3] { if x == 2 { continue }; out += i * x }; "
          "for k in {} { out = k }; "
          "for i, c in \"h\u00e9llo\" { if c == 'l' { out += i; break } }",
          "8" },
    };
    CHECK(cases);
}

static void test_vm_deadline_aborts_endless_tail_calls(void)
{
    /* a self tail call reuses its frame: no jump, no stack overflow */
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_program("f := func(n) { return f(n + 1) }\nf(0)", &got, NULL, 50), ERROR);
    CU_ASSERT_EQUAL(strncmp(buf_cstr(&got), "Runtime Error: deadline exceeded", 32), 0);
    buf_free(&got);
}

static void test_vm_strings_and_chars(void)
{
    static const struct vm_case cases[] = {
        { "out = \"foo\" + \"bar\"", "\"foobar\"" },
        { "out = \"a\" + 1", "\"a1\"" },
        { "out = \"a\" + 1.5", "\"a1.5\"" },
        { "out = \"a\" + [1, \"b\"]", "\"a[1, \\\"b\\\"]\"" },
        { "out = \"a\" + undefined", "\"a<undefined>\"" },
        { "out = \"a\" + 'b'", "\"ab\"" },
        { "out = 1 + \"a\"", "Runtime Error: invalid operation: int + string\n\tat test:1:7" },
        { "out = 'a' + 1", "b" },
        { "out = 'b' - 1", "a" },
        { "out = 'b' - 'a'", "\x01" },
        { "out = 1 + 'a'", "b" },
        { "out = \"héllo\"[1]", "é" },
        { "out = \"abc\"[5]", "<undefined>" },
        { "out = \"abc\"[-1]", "<undefined>" },
        { "out = len(\"héllo\")", "6" },
        { "out = \"hello\"[1:3]", "\"el\"" },
        { "out = \"hello\"[:2]", "\"he\"" },
        { "out = \"hello\"[3:]", "\"lo\"" },
        { "out = \"hello\"[-5:100]", "\"hello\"" },
        { "out = \"hello\"[3:1]", "Runtime Error: invalid slice index: 3 > 1\n\tat test:1:17" },
        { "out = \"ab\" * 2", "Runtime Error: invalid operation: string * int\n\tat test:1:7" },
    };
    CHECK(cases);
}

static void test_vm_logical_and_conditional(void)
{
    static const struct vm_case cases[] = {
        { "out = true && false", "false" },
        { "out = 1 && 2", "2" },
        { "out = 0 && 2", "0" },
        { "out = 0 || \"x\"", "\"x\"" },
        { "out = 3 || 4", "3" },
        { "out = !0", "true" },
        { "out = !\"\"", "true" },
        { "out = ![]", "true" },
        { "out = !{}", "true" },
        { "out = !undefined", "true" },
        { "out = !error(1)", "true" },
        { "out = !1.5", "false" },
        { "out = !func(){}", "false" },
        { "x := 0; f := func() { x = 1; return true }; false && f(); out = x", "0" },
        { "out = 1 > 2 ? \"a\" : \"b\"", "\"b\"" },
        { "out = 1 < 2 ? (3 > 2 ? 10 : 20) : 30", "10" },
    };
    CHECK(cases);
}

static void test_vm_variables_and_assignment(void)
{
    static const struct vm_case cases[] = {
        { "a := 1; a = 2; out = a", "2" },
        { "a := 5; a += 3; a -= 1; a *= 2; a /= 7; out = a", "2" },
        { "a := 7; a %= 4; a <<= 3; a >>= 1; a |= 1; a &= 13; a ^= 3; a &^= 4; out = a", "10" },
        { "a := 1; a++; a++; a--; out = a", "2" },
        { "a := \"x\"; a += 1; out = a", "\"x1\"" },
        { "out = 1; if true { out := 2; out = 3 }", "1" },
        { "a := 1; if true { a := 2; a = 3 }; out = a", "1" },
        { "a := 1; if true { a = 2 }; out = a", "2" },
        { "a := 1; a := 2", "Compile Error: 'a' redeclared in this block\n\tat test:1:9" },
        { "a = 1", "Compile Error: unresolved reference 'a'\n\tat test:1:1" },
        { "out = b", "Compile Error: unresolved reference 'b'\n\tat test:1:7" },
        { "a, b := 1, 2", "Compile Error: tuple assignment not allowed\n\tat test:1:1" },
        { "a := {}; a.b := 1", "Compile Error: operator ':=' not allowed with selector\n\tat test:1:10" },
        { "return 1", "Compile Error: return not allowed outside function\n\tat test:1:1" },
        { "break", "Compile Error: break not allowed outside loop\n\tat test:1:1" },
        { "continue", "Compile Error: continue not allowed outside loop\n\tat test:1:1" },
        { "f := func() { export 1 }", "Compile Error: export not allowed inside function\n\tat test:1:15" },
        { "x := import(\"os\")", "Compile Error: module 'os' not found\n\tat test:1:6" },
        { "out = 1; export {a: 1}", "1" },
    };
    CHECK(cases);
}

static void test_vm_if_and_for(void)
{
    static const struct vm_case cases[] = {
        { "out = 0; if 1 > 0 { out = 1 } else { out = 2 }", "1" },
        { "out = 0; if 1 < 0 { out = 1 } else if 2 > 1 { out = 2 } else { out = 3 }", "2" },
        { "out = 0; if x := 5; x > 3 { out = x }", "5" },
        { "out = 0; for i := 0; i < 10; i++ { out += i }", "45" },
        { "out = 0; for out < 5 { out++ }", "5" },
        { "out = 0; for { out++; if out == 7 { break } }", "7" },
        { "out = 0; for i := 0; i < 10; i++ { if i % 2 == 0 { continue }; out += i }", "25" },
        { "out = 0; for i := 0; i < 3; i++ { for j := 0; j < 3; j++ { if j == 1 { break }; "
          "out++ } }",
          "3" },
        { "out = []; for i := 0; i < 3; i++ { out = append(out, func() { return i }) }; "
          "out = [out[0](), out[2]()]",
          "[3, 3]" },
    };
    CHECK(cases);
}

static void test_vm_for_in(void)
{
    static const struct vm_case cases[] = {
        { "out = 0; for x in [1, 2, 3] { out += x }", "6" },
        { "out = 0; for i, x in [10, 20] { out += i * x }", "20" },
        { "out = \"\"; for k, v in {a: 1, b: 2} { out += k + string(v) }", "\"a1b2\"" },
        { "out = []; for i, c in \"héy\" { out = append(out, i, c) }", "[0, h, 1, é, 2, y]" },
        { "out = 0; for b in bytes(\"AB\") { out += b }", "131" },
        { "out = 0; for _, v in immutable([1, 2]) { out += v }", "3" },
        { "out = 0; for x in [1, 2, 3, 4] { if x == 3 { break }; out += x }", "3" },
        { "out = 0; for x in [1, 2, 3, 4] { if x == 3 { continue }; out += x }", "7" },
        { "for x in 5 { }", "Runtime Error: not iterable: int\n\tat test:1:10" },
        { "f := func() { s := 0; for x in [1, 2] { s += x }; return s }; out = f()", "3" },
    };
    CHECK(cases);
}

/* A map's for-in walks the keys it had when it began and reads each
 * value as it is then: changes made during the loop show, a key deleted
 * since gives undefined; in entry order, past deleted entries (a short run
 * and a long one), across a key that moved to the end and across a
 * rehash that renumbers the entries. */
static void test_vm_for_in_map_reads_each_value_as_it_is_then(void)
{
    static const struct vm_case cases[] = {
        { "m := {}; for i := 0; i < 10; i++ { m[string(i)] = i }; "
          "for i := 1; i < 10; i += 2 { delete(m, string(i)) }; "
          "out = \"\"; for k, v in m { out += k + \"=\" + string(v) + \" \" }",
          "\"0=0 2=2 4=4 6=6 8=8 \"" },
        { "m := {}; for i := 0; i < 100; i++ { m[string(i)] = i }; "
          "for i := 1; i < 99; i++ { delete(m, string(i)) }; "
          "out = []; for k, v in m { out = append(out, k, v) }",
          "[\"0\", 0, \"99\", 99]" },
        { "m := {a: 1, b: 2, c: 3}; out = []; "
          "for k, v in m { if k == \"a\" { delete(m, \"b\"); m.c = 30 }; out = append(out, k, v) }",
          "[\"a\", 1, \"b\", <undefined>, \"c\", 30]" },
        { "m := {a: 1, b: 2, c: 3}; out = []; "
          "for k, v in m { if k == \"a\" { delete(m, \"b\"); m.b = 9 }; out = append(out, k, v) }; "
          "out = append(out, m)",
          "[\"a\", 1, \"b\", 9, \"c\", 3, {a: 1, c: 3, b: 9}]" },
        { "m := {a: 1, b: 2, c: 3}; out = []; "
          "for k, v in m { if k == \"a\" { delete(m, \"a\"); "
          "for i := 0; i < 100; i++ { m[string(i)] = i }; m.c = 7 }; out = append(out, k, v) }; "
          "out = append(out, len(m))",
          "[\"a\", 1, \"b\", 2, \"c\", 7, 102]" },
        { "m := {a: 1, b: 2}; out = []; for k, v in m { out = append(out, k, v, m[k]) }",
          "[\"a\", 1, 1, \"b\", 2, 2]" },
    };
    CHECK(cases);
}

static void test_vm_functions_and_closures(void)
{
    static const struct vm_case cases[] = {
        { "f := func(a, b) { return a + b }; out = f(1, 2)", "3" },
        { "f := func() { }; out = f()", "<undefined>" },
        { "f := func() { return }; out = f()", "<undefined>" },
        { "fib := func(n) { if n < 2 { return n }; return fib(n-1) + fib(n-2) }; out = fib(20)",
          "6765" },
        { "f := func() { g := func(n) { if n == 0 { return 0 }; return n + g(n-1) }; return "
          "g(10) }; out = f()",
          "55" },
        { "adder := func(x) { return func(y) { return x + y } }; out = adder(3)(4)", "7" },
        { "mk := func() { n := 0; return func() { n++; return n } }; c := mk(); c(); c(); out = "
          "c()",
          "3" },
        { "f := func() { a := 1; g := func() { a = 5 }; g(); return a }; out = f()", "5" },
        { "f := func() { a := 1; g := func() { return func() { a += 10; return a } }; g()(); "
          "return a }; out = f()",
          "11" },
        { "f := func(a, ...rest) { return [a, rest] }; out = f(1, 2, 3)", "[1, [2, 3]]" },
        { "f := func(...rest) { return rest }; out = f()", "[]" },
        { "f := func(a, b) { return a * b }; out = f([2, 3]...)", "6" },
        { "f := func(a, ...b) { return b }; out = f(1, [2, 3]...)", "[2, 3]" },
        { "f := func(a) { return a }; out = f(1, 2)",
          "Runtime Error: wrong number of arguments: want=1, got=2\n\tat test:1:34" },
        { "f := func(a, b, ...c) { return a }; out = f(1)",
          "Runtime Error: wrong number of arguments: want>=2, got=1\n\tat test:1:43" },
        { "x := 1; x()", "Runtime Error: not callable: int\n\tat test:1:9" },
        { "f := func(a) { return a }; x := 1; f(x...)",
          "Runtime Error: not an array: int\n\tat test:1:36" },
        { "f := func(n) { if n == 0 { return 0 }; return f(n - 1) }; out = f(100000)", "0" },
        { "f := func(n) { return 1 + f(n + 1) }; f(0)",
          "Runtime Error: stack overflow\n\tat test:1:27\n\tat test:1:27\n\tat test:1:27..." },
    };
    CHECK(cases);
}

/* A closure that outlives the block it was made in keeps its own copy of
 * what it captured: writing it must not touch a variable defined after
 * the block, global (the root table counts a block's globals) or local
 * (the variable's cell is replaced when the slot is defined again). Go
 * Tengo prints 5 for both. */
static void test_vm_closure_outliving_its_block_keeps_its_variable(void)
{
    static const struct vm_case cases[] = {
        { "f := undefined\nif true { x := 1; f = func() { x = 10; return x } }\n"
          "y := 5\nf()\nout = y",
          "5" },
        { "f := undefined\nif true { x := 1; f = func() { x = 10; return x } }\n"
          "y := 5\nout = [f(), y, f()]",
          "[10, 5, 10]" },
        { "out = func() {\nf := undefined\nif true { x := 1; f = func() { x = 10; return x } }\n"
          "y := 5\nf()\nreturn y }()",
          "5" },
        { "if true { a := 1 }\nb := 2\nif true { c := 3; b += c }\nout = b", "5" },
        { "fs := []\nfor i := 0; i < 3; i++ { if true { v := i; fs = append(fs, func() { v *= 10; return v }) } }\n"
          "w := 7\nout = [fs[0](), fs[1](), fs[2](), w]",
          "[20, 200, 2000, 7]" }, /* v is one global: Go shares it too */
    };
    CHECK(cases);
}

static void test_vm_arrays_maps_indexing(void)
{
    static const struct vm_case cases[] = {
        { "out = [1, 2, 3][1]", "2" },
        { "out = [1, 2, 3][3]", "<undefined>" },
        { "out = [1, 2, 3][-1]", "<undefined>" },
        { "out = [1, 2, 3][1:]", "[2, 3]" },
        { "out = [1, 2, 3][:-1]", "Runtime Error: invalid slice index: 0 > -1\n\tat test:1:19" },
        { "out = [1, 2, 3][-5:1]", "[1]" },
        { "out = [1, 2, 3][2:2]", "[]" },
        { "out = [1, 2, 3] + [4]", "[1, 2, 3, 4]" },
        { "a := [1, 2]; a[0] = 9; out = a", "[9, 2]" },
        { "a := [1, 2]; a[2] = 9", "Runtime Error: index out of bounds\n\tat test:1:14" },
        { "a := [1, 2]; a[\"x\"] = 9", "Runtime Error: invalid index type\n\tat test:1:14" },
        { "a := [1, 2]; out = a[\"x\"]", "Runtime Error: invalid index type: string\n\tat test:1:22" },
        { "out = {a: 1, \"b c\": 2}", "{a: 1, b c: 2}" },
        { "m := {a: {b: [1, 2]}}; m.a.b[1] = 5; out = m", "{a: {b: [1, 5]}}" },
        { "m := {}; m.x = 1; m[\"y\"] = 2; out = m", "{x: 1, y: 2}" },
        { "m := {a: 1}; out = m.b", "<undefined>" },
        { "m := {}; out = m.a.b.c", "<undefined>" },
        { "m := {}; m[1] = 2; out = m[\"1\"]", "2" },
        { "out = 1[0]", "Runtime Error: not indexable: int\n\tat test:1:9" },
        { "out = 5.5[\"x\"]", "Runtime Error: not indexable: string\n\tat test:1:11" },
        { "x := 1; x.a = 2", "Runtime Error: not index-assignable: int\n\tat test:1:9" },
        { "a := immutable([1, 2]); a[0] = 5",
          "Runtime Error: not index-assignable: immutable-array\n\tat test:1:25" },
        { "m := immutable({a: 1}); m.a = 5",
          "Runtime Error: not index-assignable: immutable-map\n\tat test:1:25" },
        { "m := immutable({a: {b: 1}}); m.a.b = 5; out = m", "{a: {b: 5}}" },
        { "out = immutable([1, 2])[0:1]", "[1]" },
        { "e := error(\"oops\"); out = e.value", "\"oops\"" },
        { "e := error(\"oops\"); out = e", "error: \"oops\"" },
        { "e := error(1); out = e.x", "Runtime Error: invalid index on error\n\tat test:1:24" },
        { "out = bytes(\"ab\")[1]", "98" },
        { "out = 5[1:2]", "Runtime Error: not sliceable: int\n\tat test:1:11" },
        { "out = [1][\"a\":]", "Runtime Error: invalid slice index type: int\n\tat test:1:7" /* sic: Go Tengo */ },
    };
    CHECK(cases);
}

/* Slices share their array's store as Go slices do; the expected values
 * come from the same operations on Go slices (go1.19, growslice with size
 * classes), the way Go Tengo's vm.go and builtins.go perform them. */
static void test_vm_slices_share_storage_like_go(void)
{
    static const struct vm_case cases[] = {
        /* a write through a slice shows in the original, and back */
        { "a := [1, 2, 3, 4]; b := a[1:3]; b[0] = 9; out = a", "[1, 9, 3, 4]" },
        { "a := [1, 2, 3, 4]; b := a[1:3]; a[2] = 7; out = b", "[2, 7]" },
        /* append within the capacity overwrites the original's next item */
        { "a := [1, 2, 3, 4]; b := a[1:3]; c := append(b, 7); out = [a, c]",
          "[[1, 2, 3, 7], [2, 3, 7]]" },
        /* beyond it, a new store: the original is untouched */
        { "a := [1, 2, 3, 4]; b := a[1:3]; c := append(b, 7, 8); c[0] = 0; out = [a, c]",
          "[[1, 2, 3, 4], [0, 3, 7, 8]]" },
        /* a literal of 3 has room for 4: two appends share the fourth slot */
        { "a := [1, 2, 3]; b := append(a, 4); c := append(a, 5); out = b", "[1, 2, 3, 5]" },
        /* slices of slices keep the capacity to the store's end */
        { "a := [1, 2, 3, 4, 5, 6, 7, 8]; b := a[2:4]; c := b[1:2]; d := append(c, 0); "
          "out = [a, d]",
          "[[1, 2, 3, 4, 0, 6, 7, 8], [4, 0]]" },
        /* growth doubles: 4 -> 8, shared by the appends after it */
        { "a := [1, 2, 3, 4]; b := append(a, 5); d := append(b, 6); e := append(b, 7); "
          "out = [a, d]",
          "[[1, 2, 3, 4], [1, 2, 3, 4, 5, 7]]" },
        /* past 256 items: 1.25x plus 192, rounded to Go's size classes */
        { "a := []; for i := 0; i < 300; i++ { a = append(a, i) }; "
          "b := append(a, -1); c := append(a, -2); out = b[300]",
          "-2" },
        { "a := []; for i := 0; i < 512; i++ { a = append(a, i) }; "
          "b := append(a, -1); c := append(a, -2); out = b[512]",
          "-1" },
        /* + appends too */
        { "a := [1, 2, 3]; b := a[:1] + [8]; out = [a, b]", "[[1, 8, 3], [1, 8]]" },
        { "a := [1, 2]; out = is_array(a + [])", "true" },
        /* immutable() shares the store; slicing an immutable array gives a
         * mutable array on it (Go Tengo's OpImmutable / OpSliceIndex) */
        { "a := [1, 2]; b := immutable(a); a[0] = 9; out = b", "[9, 2]" },
        { "a := immutable([1, 2, 3]); b := a[1:]; b[0] = 9; out = [a, type_name(b)]",
          "[[1, 9, 3], \"array\"]" },
        { "a := immutable([1, 2, 3]); b := a[1:]; out = is_immutable_array(a)", "true" },
        { "a := immutable([1, 2, 3]); b := append(a[:1], 0); out = a", "[1, 0, 3]" },
        /* splice works in place while the result fits */
        { "a := [1, 2, 3, 4]; b := a[:]; splice(a, 1, 1); out = [a, b]",
          "[[1, 3, 4], [1, 3, 4, 4]]" },
        { "a := [1, 2, 3]; b := a[:]; splice(a, 1, 0, 7); out = [a, b]",
          "[[1, 7, 2, 3], [1, 7, 2]]" },
        { "a := [1, 2, 3, 4]; b := a[:]; splice(a, 4, 0, 5); a[0] = 9; out = [a, b]",
          "[[9, 2, 3, 4, 5], [1, 2, 3, 4]]" },
        { "a := [1, 2, 3, 4, 5]; d := splice(a, 0, 3); e := append(d[:1], 0); out = [a, d]",
          "[[4, 5], [1, 0, 3]]" },
        /* copy() is deep and has the capacity Go's item-by-item append gives */
        { "a := copy([1, 2, 3]); b := append(a[:1], 7); out = a", "[1, 7, 3]" },
        { "a := [[1]]; b := copy(a); b[0][0] = 2; out = a", "[[1]]" },
        { "a := [1, 2]; b := copy(a); b[0] = 5; out = a", "[1, 2]" },
        /* empty and clamped slices */
        { "a := []; b := a[:]; out = append(b, 1)", "[1]" },
        { "a := [1, 2, 3]; b := a[3:]; c := append(b, 4); out = [a, c]", "[[1, 2, 3], [4]]" },
        { "a := [1, 2, 3]; b := a[5:9]; out = [len(b), b == []]", "[0, true]" },
        /* the slice keeps the store alive after the original is gone */
        { "f := func() { a := [\"x\", \"y\", \"z\"]; return a[1:] }; b := f(); "
          "for i := 0; i < 2000; i++ { c := [i, i, i] }; out = b",
          "[\"y\", \"z\"]" },
    };
    CHECK(cases);
}

static void test_vm_bytes_share_storage_like_go(void)
{
    /* Go Tengo's bytes are Go byte slices: b[lo:hi] is a view with the
     * capacity to the original's end, + is append(a, b...) and writes into
     * spare capacity that other bytes may show */
    static const struct vm_case cases[] = {
        /* + on a slice overwrites the original's next byte */
        { "b := bytes(\"abcd\"); c := b[:2] + bytes(\"X\"); out = [string(b), string(c)]",
          "[\"abXd\", \"abX\"]" },
        /* bytes("abc") has room for 8: two appends share the fourth byte */
        { "a := bytes(\"abc\"); x := a + bytes(\"X\"); y := a + bytes(\"Y\"); "
          "out = [string(x), string(y), string(a)]",
          "[\"abcY\", \"abcY\", \"abc\"]" },
        /* bytes(string): the length rounded up to Go's size classes */
        { "a := bytes(\"abc\"); x := a + bytes(\"12345\"); y := a + bytes(\"6\"); out = string(x)",
          "\"abc62345\"" },
        { "a := bytes(\"abc\"); x := a + bytes(\"123456\"); y := a + bytes(\"Z\"); "
          "out = string(x)",
          "\"abc123456\"" },
        { "a := bytes(\"123456789\"); x := a + bytes(\"abcdefg\"); y := a + bytes(\"Z\"); "
          "out = string(x)",
          "\"123456789Zbcdefg\"" },
        { "s := \"\"; for i := 0; i < 34; i++ { s += \"x\" }; a := bytes(s); "
          "t := a + bytes(14); u := a + bytes(\"Z\"); v := a + bytes(15); w := a + bytes(\"Z\"); "
          "out = [len(t), t[34], v[34]]",
          "[48, 90, 0]" },
        /* bytes(n): exactly n */
        { "a := bytes(3); x := a + bytes(\"A\"); y := a + bytes(\"B\"); out = [x[3], len(a)]",
          "[65, 3]" },
        { "a := bytes(0); out = [len(a + bytes(\"\")), len(a + bytes(\"q\"))]", "[0, 1]" },
        /* bytes(b): the same bytes, no copy */
        { "a := bytes(\"abc\"); b := bytes(a); c := a[:1] + bytes(\"Z\"); out = string(b)",
          "\"aZc\"" },
        /* + grows by Go's append for bytes: 8 -> 16 */
        { "a := bytes(\"abc\"); x := a + bytes(\"123456\"); y := x + bytes(\"1234567\"); "
          "z := x + bytes(\"Z\"); out = [string(a), y[9], len(y)]",
          "[\"abc\", 90, 16]" },
        { "a := bytes(\"abc\"); x := a + bytes(\"123456\"); y := x + bytes(\"12345678\"); "
          "z := x + bytes(\"Z\"); out = y[9]",
          "49" },
        /* past 256: 1.25x plus 192, rounded to a size class (567 -> 576) */
        { "a := bytes(300); b := a + bytes(1); c := b + bytes(275); d := b + bytes(\"Z\"); "
          "out = [c[301], len(c)]",
          "[90, 576]" },
        { "a := bytes(300); b := a + bytes(1); c := b + bytes(276); d := b + bytes(\"Z\"); "
          "out = c[301]",
          "0" },
        /* a + a[1:]: the source lies on the store written to */
        { "a := bytes(\"abcd\"); x := a + a[1:]; out = [string(x), string(a)]",
          "[\"abcdbcd\", \"abcd\"]" },
        { "a := bytes(\"abcd\"); x := a[:1] + a[1:3]; out = [string(x), string(a)]",
          "[\"abc\", \"abcd\"]" },
        /* slices of slices keep the capacity to the store's end */
        { "b := bytes(\"abcdefgh\"); s := b[2:6]; t := s[1:3]; u := t + bytes(\"XY\"); "
          "out = [string(b), string(t), string(u), len(t)]",
          "[\"abcdeXYh\", \"de\", \"deXY\", 2]" },
        /* slicing clamps to the length, not the capacity */
        { "b := bytes(\"abcdef\"); s := b[:2]; out = [string(s[0:5]), string(b[1:10])]",
          "[\"ab\", \"bcdef\"]" },
        { "b := bytes(\"abc\"); s := b[3:]; t := s + bytes(\"Z\"); out = [string(b), len(s)]",
          "[\"abc\", 0]" },
        /* equality, len, index, iteration, falsiness, conversion of a slice */
        { "b := bytes(\"abcdef\"); s := b[2:4]; "
          "out = [len(s), s == bytes(\"cd\"), s != bytes(\"cde\"), s[0], s[1], is_undefined(s[2])]",
          "[2, true, true, 99, 100, true]" },
        { "b := bytes(\"abcdef\"); out = []; for i, x in b[2:4] { out = append(out, [i, x]) }",
          "[[0, 99], [1, 100]]" },
        { "b := bytes(\"ab\"); out = [!b[2:], !b[1:], string(b[1:]), format(\"%x %d %v\", b[:1], "
          "b[1:], b[1:])]",
          "[true, false, \"b\", \"61 [98] b\"]" },
        /* immutable() of an array holds the same bytes; copy() copies them */
        { "b := bytes(\"abc\"); a := immutable([b]); c := b[:1] + bytes(\"Z\"); out = string(a[0])",
          "\"aZc\"" },
        { "b := bytes(\"abc\"); a := copy([b]); c := b[:1] + bytes(\"Z\"); out = string(a[0])",
          "\"abc\"" },
        { "a := bytes(\"abc\"); b := copy(a); c := b[:1] + bytes(\"Z\"); "
          "out = [string(a), string(b)]",
          "[\"abc\", \"aZc\"]" },
        /* copy(): the length rounded up to a size class */
        { "a := copy(bytes(\"abcd\")[:3]); x := a + bytes(\"X\"); y := a + bytes(\"Y\"); "
          "out = string(x)",
          "\"abcY\"" },
        /* the slice keeps the store alive after the original is gone, and
         * appends into it after collections */
        { "f := func() { b := bytes(\"hello world\"); return b[6:] }; s := f(); t := s[1:3]; "
          "for i := 0; i < 20000; i++ { x := bytes(1000); y := bytes(\"garbage\")[1:] }; "
          "u := t + bytes(\"!\"); "
          "for i := 0; i < 20000; i++ { x := bytes(1000) }; "
          "out = [string(s), string(t), string(u)]",
          "[\"wor!d\", \"or\", \"or!\"]" },
    };
    CHECK(cases);
}

static void test_vm_immutable_map_shares_the_map_like_go(void)
{
    /* Go Tengo's OpImmutable wraps the same Go map in an ImmutableMap:
     * writes and deletes through the map show through the view */
    static const struct vm_case cases[] = {
        { "m := {a: 1}; v := immutable(m); m.b = 2; m.a = 3; out = v", "{a: 3, b: 2}" },
        { "m := {a: 1, b: 2}; v := immutable(m); delete(m, \"a\"); out = [v, len(v)]",
          "[{b: 2}, 1]" },
        /* the table grows (rehashes) behind the view */
        { "m := {}; v := immutable(m); for i := 0; i < 100; i++ { m[string(i)] = i }; "
          "out = [len(v), v[\"99\"], v == m]",
          "[100, 99, true]" },
        { "m := {a: 1}; v := immutable(m); m.b = 2; out = 0; for _, x in v { out += x }", "3" },
        { "m := {a: 1}; v := immutable(m); out = [is_immutable_map(v), is_map(m)]",
          "[true, true]" },
        /* the view stays read-only, and copy() of it is a new map */
        { "m := {a: 1}; v := immutable(m); v.b = 2",
          "Runtime Error: not index-assignable: immutable-map\n\tat test:1:33" },
        { "m := {a: 1}; v := copy(immutable(m)); m.a = 2; out = [v, is_map(v)]",
          "[{a: 1}, true]" },
        /* the view keeps the table alive once the map is garbage */
        { "f := func() { m := {a: \"x\"}; return immutable(m) }; v := f(); "
          "for i := 0; i < 40000; i++ { c := {x: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" + string(i)} }; "
          "out = v",
          "{a: \"x\"}" },
        { "f := func() { m := {a: 1}; v := immutable(m); return m }; m := f(); "
          "for i := 0; i < 40000; i++ { c := immutable({x: [i]}) }; m.b = 2; out = m",
          "{a: 1, b: 2}" },
    };
    CHECK(cases);
}

static void test_vm_builtins(void)
{
    static const struct vm_case cases[] = {
        { "out = len([1, 2, 3])", "3" },
        { "out = len({a: 1})", "1" },
        { "out = len(1)",
          "Runtime Error: invalid type for argument 'first' in call to 'builtin-function:len': "
          "expected array/string/bytes/map, found int\n\tat test:1:7" },
        { "out = len()",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:len'\n\tat "
          "test:1:7" },
        { "a := [1]; b := append(a, 2, 3); out = [a, b]", "[[1], [1, 2, 3]]" },
        { "m := {a: 1, b: 2}; delete(m, \"a\"); out = m", "{b: 2}" },
        { "m := {a: 1, b: 2}; delete(m, \"a\"); m.a = 3; out = m", "{b: 2, a: 3}" },
        { "a := [1, [2]]; b := copy(a); b[1][0] = 9; out = [a, b]", "[[1, [2]], [1, [9]]]" },
        { "a := [1, 2, 3, 4]; d := splice(a, 1, 2, \"x\"); out = [a, d]",
          "[[1, \"x\", 4], [2, 3]]" },
        { "out = type_name(1) + type_name(\"\") + type_name(len)",
          "\"intstringbuiltin-function:len\"" },
        { "out = [string(1), string(\"a\"), string(undefined), string(undefined, \"d\")]",
          "[\"1\", \"a\", <undefined>, \"d\"]" },
        { "out = [string(0), string(9), string(10), string(99), string(100), string(-7), "
          "string(1234567), string(9223372036854775807), string(-9223372036854775807 - 1)]",
          "[\"0\", \"9\", \"10\", \"99\", \"100\", \"-7\", \"1234567\", "
          "\"9223372036854775807\", \"-9223372036854775808\"]" },
        { "out = [int(\"0x1F\"), int(2.9), int(\"x\"), int(\"x\", 7), int('a'), int(true)]",
          "[<undefined>, 2, <undefined>, 7, 97, 1]" },
        { "out = [float(1), float(\"2.5\"), float(\"x\")]", "[1, 2.5, <undefined>]" },
        { "out = [bool(0), bool(\"a\"), char(98), bytes(\"hi\")]", "[false, true, b, hi]" },
        { "out = [is_int(1), is_float(1), is_string(\"\"), is_error(error(1)), "
          "is_undefined(undefined), is_callable(len), is_function(func(){}), "
          "is_immutable_array(immutable([]))]",
          "[true, false, true, true, true, true, true, true]" },
    };
    CHECK(cases);
}

static void test_vm_runtime_errors_carry_call_positions(void)
{
    static const struct vm_case cases[] = {
        { "out = 1 / 0", "Runtime Error: division by zero\n\tat test:1:7" },
        { "out = 1 % 0", "Runtime Error: division by zero\n\tat test:1:7" },
        { "f := func(x) {\n\treturn x / 0\n}\ng := func() {\n\treturn f(1)\n}\ng()",
          "Runtime Error: division by zero\n\tat test:2:9\n\tat test:5:9\n\tat test:7:1" },
        { "out = -\"a\"", "Runtime Error: invalid operation: -string\n\tat test:1:8" },
        { "out = ^1.5", "Runtime Error: invalid operation: ^float\n\tat test:1:8" },
    };
    CHECK(cases);
}

static void test_vm_deadline_aborts_endless_loop(void)
{
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_program("for {}", &got, NULL, 50), ERROR);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), "Runtime Error: deadline exceeded\n\tat test:1:1");
    buf_free(&got);
}

static void test_vm_garbage_is_collected_during_run(void)
{
    /* ~100 MB allocated in total, little of it live at once */
    static const struct vm_case cases[] = {
        { "out = 0; for i := 0; i < 200000; i++ { a := [i, i, i, i, \"xxxxxxxxxxxxxxxxxxxxx\" + "
          "string(i)]; m := {k: a}; out += len(m.k) }",
          "1000000" },
        { "a := [1]; a[0] = a; m := {}; m.self = m; out = len(a)", "1" },
    };
    CHECK(cases);
}

/* A sweep's garbage is allocated again: rounds of 50 000 strings of
 * every small size, garbage but for one in a thousand kept (marked) to
 * the end, map only about one round's worth of slabs (no reuse would take
 * 20 rounds' worth: 130 MB), and the kept ones come through intact.
 * Builds under AddressSanitizer use malloc and map none. */
static void test_heap_reuses_the_memory_of_swept_objects(void)
{
    static const char text[256] = "0123456789012345678901234567890123456789012345678901234567890"
                                  "1234567890123456789012345678901234567890123456789012345678901"
                                  "2345678901234567890123456789012345678901234567890123456789012"
                                  "34567890123456789012345678901234567890123456789";
    struct tg_value kept[20 * 50];
    size_t nkept = 0;
    struct tg_heap h;
    tg_heap_init(&h, false);
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < 50000; i++) {
            struct tg_string *s = tg_string_new(&h, text, i % 200);
            if (i % 1000 == 999)
                kept[nkept++] = tg_obj_value(s);
        }
        for (size_t i = 0; i < nkept; i++)
            tg_heap_mark_value(&h, kept[i]);
        tg_heap_sweep(&h);
    }
    for (size_t i = 0; i < nkept; i++) {
        const struct tg_string *s = TG_STR(kept[i]);
        CU_ASSERT_EQUAL(kept[i].u.o->type, TG_STRING);
        CU_ASSERT_EQUAL(s->len, (999 + 1000 * (i % 50)) % 200);
        CU_ASSERT(memcmp(s->data, text, s->len) == 0 && s->data[s->len] == 0);
    }
    size_t mapped = 0;
    for (size_t i = 0; i < h.nslabs; i++)
        mapped += h.slabs[i].size;
    CU_ASSERT(mapped < (16u << 20));
    tg_heap_free(&h);
}

static void test_vm_fmt_prints(void)
{
    buf_t got = BUF_INIT, printed = BUF_INIT;
    CU_ASSERT_EQUAL(run_program("fmt := import(\"fmt\")\nfmt.println(\"a\", 1, [2, \"b\"], "
                                "undefined)\nfmt.print(\"x\", 2, \"\\n\")",
                                &got, &printed, 1000),
                    OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&printed), "a1[2, \"b\"]\nx2\n"); /* Tengo adds no spaces */
    buf_free(&got);
    buf_free(&printed);
}

static void test_vm_bytecode_runs_twice(void)
{
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    const char *src = "s := \"k\"; out := {}; out[s] = [1, 2]";
    CU_ASSERT_EQUAL_FATAL(tg_parse(a, "t", src, strlen(src), &file, &errs), OK);
    struct tg_bytecode *bc;
    buf_t err = BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(tg_compile(file, NULL, &bc, &err), OK);
    arena_free(a);
    for (int i = 0; i < 2; i++) {
        struct tg_vm vm;
        tg_vm_init(&vm, bc);
        CU_ASSERT_EQUAL(tg_vm_run(&vm), OK);
        buf_t got = BUF_INIT;
        tg_value_string(&got, tg_vm_global(&vm, "out"));
        CU_ASSERT_STRING_EQUAL(buf_cstr(&got), "{k: [1, 2]}");
        buf_free(&got);
        tg_vm_free(&vm);
    }
    tg_bytecode_free(bc);
    buf_free(&err);
}

static void test_vm_builtin_range_like_go(void)
{
    static const struct vm_case cases[] = {
        { "out = range(0, 5)", "[0, 1, 2, 3, 4]" },
        { "out = range(5, 0)", "[5, 4, 3, 2, 1]" },
        { "out = range(0, 10, 3)", "[0, 3, 6, 9]" },
        { "out = range(10, 0, 3)", "[10, 7, 4, 1]" },
        { "out = range(-3, 3, 2)", "[-3, -1, 1]" },
        { "out = range(-1, -4)", "[-1, -2, -3]" },
        { "out = [range(0, 0), range(7, 7, 3)]", "[[], []]" },
        { "out = [range(0, 2, 10), range(2, 0, 10)]", "[[0], [2]]" },
        { "out = range(9223372036854775805, 9223372036854775807)",
          "[9223372036854775805, 9223372036854775806]" },
        { "out = range(-9223372036854775807 - 1, -9223372036854775806)",
          "[-9223372036854775808, -9223372036854775807]" },
        { "out = range(9223372036854775807, -9223372036854775807 - 1, 9223372036854775807)",
          "[9223372036854775807, 0, -9223372036854775807]" },
        { "a := range(0, 100000); out = [len(a), a[99999], is_array(a)]",
          "[100000, 99999, true]" },
        { "a := range(0, 3); a[0] = 9; out = append(a, 3)", "[9, 1, 2, 3]" },
        { "s := 0; for x in range(1, 101) { s += x }; out = s", "5050" },
        { "out = range(0, 5, 0)",
          "Runtime Error: range step must be greater than 0\n\tat test:1:7" },
        { "out = range(5, 0, -1)",
          "Runtime Error: range step must be greater than 0\n\tat test:1:7" },
        { "out = range(\"a\", 5, 0)",
          "Runtime Error: invalid type for argument 'start' in call to 'builtin-function:range': "
          "expected int, found string\n\tat test:1:7" },
        { "out = range(0, 1.5)",
          "Runtime Error: invalid type for argument 'stop' in call to 'builtin-function:range': "
          "expected int, found float\n\tat test:1:7" },
        { "out = range(0, 5, '1')",
          "Runtime Error: invalid type for argument 'step' in call to 'builtin-function:range': "
          "expected int, found char\n\tat test:1:7" },
        { "out = range(1)",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:range'\n\tat "
          "test:1:7" },
        { "out = range(1, 2, 3, 4)",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:range'\n\tat "
          "test:1:7" },
        /* Go would try to allocate it; ours cannot hold more than 2^32 - 1 items */
        { "out = range(0, 9223372036854775807)",
          "Runtime Error: object allocation limit exceeded\n\tat test:1:7" },
        { "out = type_name(range)", "\"builtin-function:range\"" },
    };
    CHECK(cases);
}

static void test_vm_builtin_time_converts_like_go(void)
{
    static const struct vm_case cases[] = {
        { "out = [is_time(time(0)), type_name(time(1))]", "[true, \"time\"]" },
        { "t := time(1700000000); out = import(\"times\").time_unix(t)", "1700000000" },
        { "t := time(-5); out = import(\"times\").time_unix(t)", "-5" },
        { "t := time(5); out = [time(t) == t, time(t, 1) == t, time(6) == t]",
          "[true, true, false]" },
        { "out = [time(\"x\"), time(\"x\", 7), time(1.5, \"d\"), time(undefined)]",
          "[<undefined>, 7, \"d\", <undefined>]" },
        { "out = time()",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:time'\n\tat "
          "test:1:7" },
        { "out = time(1, 2, 3)",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:time'\n\tat "
          "test:1:7" },
    };
    CHECK(cases);
}

/* The builtins' indexes are Go Tengo's (builtins.go), so the compiler's
 * GetBuiltin operands are the same as Go's. */
static void test_vm_builtin_table_is_in_go_order(void)
{
    static const char *const go[] = {
        "len", "copy", "append", "delete", "splice", "string", "int", "bool", "float", "char",
        "bytes", "time", "is_int", "is_float", "is_string", "is_bool", "is_char", "is_bytes",
        "is_array", "is_immutable_array", "is_map", "is_immutable_map", "is_iterable",
        "is_time", "is_error", "is_undefined", "is_function", "is_callable", "type_name",
        "format", "range",
    };
    CU_ASSERT_EQUAL_FATAL(tg_nbuiltins, (int)(sizeof go / sizeof *go));
    for (int i = 0; i < tg_nbuiltins; i++)
        CU_ASSERT_STRING_EQUAL(tg_builtins[i].name, go[i]);
}

struct limit_case {
    const char *src;
    int64_t max_allocs;
    size_t max_heap_bytes;
    const char *want;
};

static void check_limited(const struct limit_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_t got = BUF_INIT;
        run_program_limited(cases[i].src, &got, cases[i].max_allocs, cases[i].max_heap_bytes);
        if (strcmp(buf_cstr(&got), cases[i].want) != 0)
            fprintf(stderr, "\ncase %zu: %s\n  want: %s\n  got:  %s\n", i, cases[i].src,
                    cases[i].want, buf_cstr(&got));
        CU_ASSERT_STRING_EQUAL(buf_cstr(&got), cases[i].want);
        buf_free(&got);
    }
}

static void test_vm_allocation_limit_stops_the_run_where_it_is_exceeded(void)
{
    static const struct limit_case cases[] = {
        /* 0: no limit */
        { "out = 0; for i := 0; i < 100000; i++ { out += len([i]) }", 0, 0, "100000" },
        /* exactly max_allocs objects are allowed (Go: allocs starts at max + 1) */
        { "out = [1, 2]", 1, 0, "[1, 2]" },
        { "out = [[1], [2]]", 3, 0, "[[1], [2]]" },
        { "out = [[1], [2]]", 2, 0, "Runtime Error: object allocation limit exceeded\n\tat test:1:7" },
        { "a := []\nfor i := 0; i < 100; i++ {\n\ta = append(a, \"x\" + string(i))\n}", 50, 0,
          "Runtime Error: object allocation limit exceeded\n\tat test:3:16" },
        { "f := func() { return {a: 1} }\nout = 0\nfor {\n\tout += len(f())\n}", 1000, 0,
          "Runtime Error: object allocation limit exceeded\n\tat test:1:22\n\tat test:4:13" },
        /* inside a callback of enum.map (a closure of the enum module: its
         * frame keeps its position, where Go Tengo prints "at -") */
        { "e := import(\"enum\")\nout = e.map(range(0, 10), func(k, v) { return [v] })", 20, 0,
          "Runtime Error: object allocation limit exceeded\n\tat test:2:47\n\tat enum:50:45\n\tat test:2:7" },
        { "out = len(range(0, 1000000))", 0, 1 << 20,
          "Runtime Error: object allocation limit exceeded\n\tat test:1:11" },
        { "out = len(range(0, 1000))", 0, 1 << 20, "1000" },
    };
    check_limited(cases, sizeof cases / sizeof *cases);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_vm", NULL, NULL);
    ADD(s, test_vm_int_arithmetic_wraps_like_go);
    ADD(s, test_vm_float_and_mixed_arithmetic);
    ADD(s, test_vm_comparison_and_equality);
    ADD(s, test_vm_int_fast_paths_match_general_rules);
    ADD(s, test_vm_fused_constant_and_jump_match_the_plain_instructions);
    ADD(s, test_vm_strings_and_chars);
    ADD(s, test_vm_logical_and_conditional);
    ADD(s, test_vm_variables_and_assignment);
    ADD(s, test_vm_if_and_for);
    ADD(s, test_vm_for_in);
    ADD(s, test_vm_for_in_map_reads_each_value_as_it_is_then);
    ADD(s, test_vm_functions_and_closures);
    ADD(s, test_vm_closure_outliving_its_block_keeps_its_variable);
    ADD(s, test_vm_arrays_maps_indexing);
    ADD(s, test_vm_slices_share_storage_like_go);
    ADD(s, test_vm_bytes_share_storage_like_go);
    ADD(s, test_vm_immutable_map_shares_the_map_like_go);
    ADD(s, test_vm_builtins);
    ADD(s, test_vm_runtime_errors_carry_call_positions);
    ADD(s, test_vm_deadline_aborts_endless_loop);
    ADD(s, test_vm_deadline_aborts_endless_tail_calls);
    ADD(s, test_vm_garbage_is_collected_during_run);
    ADD(s, test_heap_reuses_the_memory_of_swept_objects);
    ADD(s, test_vm_fmt_prints);
    ADD(s, test_vm_bytecode_runs_twice);
    ADD(s, test_vm_builtin_range_like_go);
    ADD(s, test_vm_builtin_time_converts_like_go);
    ADD(s, test_vm_builtin_table_is_in_go_order);
    ADD(s, test_vm_allocation_limit_stops_the_run_where_it_is_exceeded);
}
