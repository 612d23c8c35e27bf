/* test_tengo_stdlib_data.c — the data modules of the Tengo standard
 * library (tengo/stdlib_base64.c, stdlib_hex.c, stdlib_json.c,
 * stdlib_rand.c, stdlib_enum.c: Tengo source compiled at the import),
 * driven with whole programs as in test_tengo_vm.c: each case
 * is a program and out's String() afterwards, or the exact error. */
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


static void test_base64_round_trips_all_four_encodings(void)
{
    static const struct vm_case cases[] = {
        { "b := import(\"base64\"); out = b.encode(\"hello\")", "\"aGVsbG8=\"" },
        { "b := import(\"base64\"); out = b.encode(bytes(\"\"))", "\"\"" },
        { "b := import(\"base64\"); out = b.raw_encode(\"hi\")", "\"aGk\"" },
        { "b := import(\"base64\"); out = b.url_encode(\"\\xfb\\xff\")", "\"-_8=\"" },
        { "b := import(\"base64\"); out = b.raw_url_encode(\"\\xfb\\xff\")", "\"-_8\"" },
        { "b := import(\"base64\"); out = b.encode(\"\\xfb\\xff\")", "\"+/8=\"" },
        { "b := import(\"base64\"); out = string(b.decode(\"aGVsbG8=\"))", "\"hello\"" },
        { "b := import(\"base64\"); out = string(b.decode(\"aGVs\\nbG8=\\r\\n\"))", "\"hello\"" },
        { "b := import(\"base64\"); out = string(b.raw_decode(\"aGk\"))", "\"hi\"" },
        { "b := import(\"base64\"); out = b.url_decode(\"-_8=\") == bytes(\"\\xfb\\xff\")", "true" },
        { "b := import(\"base64\"); out = b.raw_url_decode(\"-_8\") == bytes(\"\\xfb\\xff\")", "true" },
        { "b := import(\"base64\"); out = string(b.decode(b.encode(\"any text\")))", "\"any text\"" },
    };
    CHECK(cases);
}

static void test_base64_malformed_input_is_an_error_value(void)
{
    static const struct vm_case cases[] = {
        { "b := import(\"base64\"); out = b.decode(\"aGVsbG8\")",
          "error: \"illegal base64 data at input byte 4\"" },
        { "b := import(\"base64\"); out = b.decode(\"a\")", "error: \"illegal base64 data at input byte 0\"" },
        { "b := import(\"base64\"); out = b.decode(\"aG!s\")", "error: \"illegal base64 data at input byte 2\"" },
        { "b := import(\"base64\"); out = b.decode(\"aGk=x\")", "error: \"illegal base64 data at input byte 4\"" },
        { "b := import(\"base64\"); out = b.raw_decode(\"aGk=\")", "error: \"illegal base64 data at input byte 3\"" },
        { "b := import(\"base64\"); out = b.decode(\"-_8=\")", "error: \"illegal base64 data at input byte 0\"" },
        { "b := import(\"base64\"); out = b.encode(1)",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:': expected bytes(compatible), found int\n\tat test:1:30" },
        { "b := import(\"base64\"); out = b.decode()",
          "Runtime Error: wrong number of arguments in call to 'user-function:'\n\tat test:1:30" },
    };
    CHECK(cases);
}

static void test_hex_encode_decode_and_go_errors(void)
{
    static const struct vm_case cases[] = {
        { "h := import(\"hex\"); out = h.encode(\"hi\\xff\")", "\"6869ff\"" },
        { "h := import(\"hex\"); out = string(h.decode(\"6869\"))", "\"hi\"" },
        { "h := import(\"hex\"); out = string(h.decode(\"4A4b\"))", "\"JK\"" },
        { "h := import(\"hex\"); out = h.decode(\"6g\")", "error: \"encoding/hex: invalid byte: U+0067 'g'\"" },
        { "h := import(\"hex\"); out = h.decode(\"686\")", "error: \"encoding/hex: odd length hex string\"" },
        { "h := import(\"hex\"); out = h.decode(\"68z\")", "error: \"encoding/hex: invalid byte: U+007A 'z'\"" },
        { "h := import(\"hex\"); out = h.decode(\"\\x01\\x02\")", "error: \"encoding/hex: invalid byte: U+0001\"" },
        { "h := import(\"hex\"); out = h.decode(undefined)",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:': expected string(compatible), found undefined\n\tat test:1:27" },
    };
    CHECK(cases);
}

static void test_json_encode_follows_tengo_rules(void)
{
    static const struct vm_case cases[] = {
        { "j := import(\"json\"); out = string(j.encode({a: [1, 2.5, \"x\\\"\\n<\", true, undefined]}))",
          "\"{\\\"a\\\":[1,2.5,\\\"x\\\\\\\"\\\\n<\\\",true,null]}\"" },
        { "j := import(\"json\"); out = string(j.encode('c'))", "\"99\"" },
        { "j := import(\"json\"); out = string(j.encode(bytes(\"hi\")))", "\"\\\"aGk=\\\"\"" },
        { "j := import(\"json\"); out = string(j.encode([1e21, 0.0000001, 1.5e-10, 123456789.0, -0.5]))",
          "\"[1e+21,1e-7,1.5e-10,123456789,-0.5]\"" },
        { "j := import(\"json\"); out = string(j.encode(\"\\x01\\t\"))", "\"\\\"\\\\u0001\\\\t\\\"\"" },
        { "j := import(\"json\"); out = string(j.encode([func() {}, 1]))", "\"[,1]\"" },
        { "j := import(\"json\"); out = string(j.encode(immutable({})))", "\"{}\"" },
        { "j := import(\"json\"); out = j.encode(1.0 / 0.0)", "error: \"unsupported float value\"" },
        { "j := import(\"json\"); out = j.encode()",
          "Runtime Error: wrong number of arguments in call to 'user-function:encode'\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void test_json_decode_values_and_numbers(void)
{
    static const struct vm_case cases[] = {
        { "j := import(\"json\"); out = j.decode(`{\"a\": [1, 2.0, 3e2, -4, null, false, true]}`)",
          "{a: [1, 2, 300, -4, <undefined>, false, true]}" },
        { "j := import(\"json\"); out = [type_name(j.decode(`1`)), type_name(j.decode(`1.0`)), "
          "type_name(j.decode(`1E2`))]",
          "[\"float\", \"float\", \"float\"]" },
        { "j := import(\"json\"); out = j.decode(`\"s\\u00e9\\ud83d\\ude00\\n\\/\"`)", "\"sé😀\\n/\"" },
        { "j := import(\"json\"); out = j.decode(`\"\\ud800x\"`)", "\"\xef\xbf\xbdx\"" },
        { "j := import(\"json\"); out = j.decode(bytes(` [ ] `))", "[]" },
        { "j := import(\"json\"); out = j.decode(\"\\\"\\xffa\\\"\")", "\"\xef\xbf\xbd" "a\"" },
        { "j := import(\"json\"); out = j.decode(`{\"a\":1,\"a\":2}`)", "{a: 2}" },
        { "j := import(\"json\"); out = j.decode(j.encode({k: [1, \"two\", {z: 3.5}]}))",
          "{k: [1, \"two\", {z: 3.5}]}" },
        { "j := import(\"json\"); out = j.decode(1)",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:decode': "
          "expected bytes/string, found int\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void test_json_decode_malformed_gives_go_messages(void)
{
    static const struct vm_case cases[] = {
        { "j := import(\"json\"); out = j.decode(``)", "error: \"unexpected end of JSON input\"" },
        { "j := import(\"json\"); out = j.decode(`[1,]`)",
          "error: \"invalid character ']' looking for beginning of value\"" },
        { "j := import(\"json\"); out = j.decode(`{\"a\" 1}`)",
          "error: \"invalid character '1' after object key\"" },
        { "j := import(\"json\"); out = j.decode(`{\"a\":1 \"b\"}`)",
          "error: \"invalid character '\\\"' after object key:value pair\"" },
        { "j := import(\"json\"); out = j.decode(`{1:2}`)",
          "error: \"invalid character '1' looking for beginning of object key string\"" },
        { "j := import(\"json\"); out = j.decode(`[1 2]`)", "error: \"invalid character '2' after array element\"" },
        { "j := import(\"json\"); out = j.decode(`trux`)",
          "error: \"invalid character 'x' in literal true (expecting 'e')\"" },
        { "j := import(\"json\"); out = j.decode(`01`)", "error: \"invalid character '1' after top-level value\"" },
        { "j := import(\"json\"); out = j.decode(`-x`)", "error: \"invalid character 'x' in numeric literal\"" },
        { "j := import(\"json\"); out = j.decode(`1.x`)",
          "error: \"invalid character 'x' after decimal point in numeric literal\"" },
        { "j := import(\"json\"); out = j.decode(`\"a\\x\"`)", "error: \"invalid character 'x' in string escape code\"" },
        { "j := import(\"json\"); out = j.decode(\"\\\"\\x01\\\"\")",
          "error: \"invalid character '\\\\x01' in string literal\"" },
        { "j := import(\"json\"); out = j.decode(`99999999999999999999`)",
          "100000000000000000000" },
        { "j := import(\"json\"); out = j.decode(`[[[`)", "error: \"unexpected end of JSON input\"" },
        /* at the end Go's scanner steps a space: inside a number, a
         * literal or an escape that names ' ' (Go Tengo's answers) */
        { "j := import(\"json\"); out = [j.decode(`-`), j.decode(`[-`), j.decode(`123.`), "
          "j.decode(`1e`), j.decode(`1e+`)]",
          "[error: \"invalid character ' ' in numeric literal\", "
          "error: \"invalid character ' ' in numeric literal\", "
          "error: \"invalid character ' ' after decimal point in numeric literal\", "
          "error: \"invalid character ' ' in exponent of numeric literal\", "
          "error: \"invalid character ' ' in exponent of numeric literal\"]" },
        { "j := import(\"json\"); out = [j.decode(`tr`), j.decode(`nul`), j.decode(`\"\\`), "
          "j.decode(`\"\\u12`), j.decode(`\"abc`), j.decode(`{\"a\"`)]",
          "[error: \"invalid character ' ' in literal true (expecting 'u')\", "
          "error: \"invalid character ' ' in literal null (expecting 'l')\", "
          "error: \"invalid character ' ' in string escape code\", "
          "error: \"invalid character ' ' in \\\\u hexadecimal character escape\", "
          "error: \"unexpected end of JSON input\", error: \"unexpected end of JSON input\"]" },
        { "j := import(\"json\"); out = [j.indent(`[1.`, \"\", \" \"), j.indent(`tr`, \"\", \" \")]",
          "[error: \"invalid character ' ' after decimal point in numeric literal\", "
          "error: \"invalid character ' ' in literal true (expecting 'u')\"]" },
    };
    CHECK(cases);
}

static void test_json_indent_and_html_escape(void)
{
    static const struct vm_case cases[] = {
        { "j := import(\"json\"); out = string(j.indent(`{\"a\":[1,2],\"b\":{},\"c\":[ ]}`, \"\", \"  \"))",
          "\"{\\n  \\\"a\\\": [\\n    1,\\n    2\\n  ],\\n  \\\"b\\\": {},\\n  \\\"c\\\": []\\n}\"" },
        { "j := import(\"json\"); out = string(j.indent(`[1]`, \">\", \"\\t\"))", "\"[\\n>\\t1\\n>]\"" },
        { "j := import(\"json\"); out = string(j.indent(`\"a, b: {\"`, \"\", \" \"))", "\"\\\"a, b: {\\\"\"" },
        { "j := import(\"json\"); out = j.indent(`[1`, \"\", \" \")", "error: \"unexpected end of JSON input\"" },
        { "j := import(\"json\"); out = j.indent(`[1]`, undefined, \" \")",
          "Runtime Error: invalid type for argument 'prefix' in call to 'user-function:encode': "
          "expected string(compatible), found undefined\n\tat test:1:28" },
        { "j := import(\"json\"); out = string(j.html_escape(`{\"a\":\"<b>&\"}`))",
          "\"{\\\"a\\\":\\\"\\\\u003cb\\\\u003e\\\\u0026\\\"}\"" },
        { "j := import(\"json\"); out = string(j.html_escape(\"\\u2028\"))", "\"\\\\u2028\"" },
    };
    CHECK(cases);
}

/* Bytes are Go slices (value_bytes.c): the codecs read a slice's own
 * bytes, never the store's next ones, and decoders give Go's capacities. */
static void test_codecs_on_bytes_slices_like_go(void)
{
    static const struct vm_case cases[] = {
        /* a decoder stops at the slice's end, not at the store's */
        { "j := import(\"json\"); b := bytes(\"12345\"); out = j.decode(b[:2])", "12" },
        { "j := import(\"json\"); b := bytes(\"[1,2]xyz\"); out = j.decode(b[:5])", "[1, 2]" },
        { "j := import(\"json\"); b := bytes(\"truex\"); out = j.decode(b[:4])", "true" },
        { "j := import(\"json\"); b := bytes(\"x\\\"ab\\\"cd\"); out = j.decode(b[1:4])",
          "error: \"unexpected end of JSON input\"" },
        { "j := import(\"json\"); b := bytes(\"\\\"\\\\u00e9\\\"x\"); out = j.decode(b[:7])",
          "error: \"unexpected end of JSON input\"" },
        { "j := import(\"json\"); out = string(j.encode(bytes(\"hello\")[1:3]))",
          "\"\\\"ZWw=\\\"\"" },
        { "j := import(\"json\"); out = string(j.indent(bytes(\"[1]2\")[:3], \"\", \" \"))",
          "\"[\\n 1\\n]\"" },
        { "j := import(\"json\"); out = string(j.html_escape(bytes(\"<a>&\")[:3]))",
          "\"\\\\u003ca\\\\u003e\"" },
        { "b := import(\"base64\"); out = b.encode(bytes(\"hello\")[1:3])", "\"ZWw=\"" },
        { "b := import(\"base64\"); out = string(b.decode(bytes(\"aGk=XXXX\")[:4]))", "\"hi\"" },
        { "h := import(\"hex\"); out = h.encode(bytes(\"abc\")[1:])", "\"6263\"" },
        { "h := import(\"hex\"); out = string(h.decode(bytes(\"6162zz\")[:4]))", "\"ab\"" },
        /* base64.decode: Go's DecodedLen as the capacity ("YQ==": 1 of 3) */
        { "b := import(\"base64\"); d := b.decode(\"YQ==\"); x := d + bytes(\"12\"); "
          "y := d + bytes(\"Z\"); out = [len(d), string(x)]",
          "[1, \"aZ2\"]" },
        { "b := import(\"base64\"); d := b.decode(\"YQ==\"); x := d + bytes(\"123\"); "
          "y := d + bytes(\"Z\"); out = string(x)",
          "\"a123\"" },
        { "b := import(\"base64\"); d := b.raw_decode(\"YWJj\"); x := d + bytes(\"1\"); "
          "y := d + bytes(\"Z\"); out = string(x)",
          "\"abc1\"" },
        /* hex.decode: the input's length rounded up (6 -> 8) */
        { "h := import(\"hex\"); d := h.decode(\"616263\"); x := d + bytes(\"12345\"); "
          "y := d + bytes(\"Z\"); out = string(x)",
          "\"abcZ2345\"" },
        /* json's results: capacity = length, appends never share */
        { "j := import(\"json\"); e := j.encode(1); x := e + bytes(\"a\"); y := e + bytes(\"b\"); "
          "out = string(x)",
          "\"1a\"" },
        /* rand.read fills a slice in place: the original shows it */
        { "r := import(\"rand\"); r.seed(1); b := bytes(8); s := b[2:4]; r.read(s); "
          "out = [b[:2] == bytes(2), b[4:] == bytes(4), b[2:4] == s, s != bytes(2)]",
          "[true, true, true, true]" },
    };
    CHECK(cases);
}

static void test_rand_ranges_seed_and_errors(void)
{
    static const struct vm_case cases[] = {
        { "r := import(\"rand\"); r.seed(7); a := [r.int(), r.float()]; r.seed(7); "
          "out = a == [r.int(), r.float()]",
          "true" },
        { "r := import(\"rand\"); ok := true; for i := 0; i < 1000; i++ { x := r.intn(3); "
          "f := r.float(); ok = ok && x >= 0 && x < 3 && f >= 0.0 && f < 1.0 && r.int() >= 0 "
          "&& r.exp_float() >= 0.0 && is_float(r.norm_float()) }; out = ok",
          "true" },
        { "r := import(\"rand\"); p := r.perm(10); s := 0; for x in p { s += x }; out = [len(p), s]",
          "[10, 45]" },
        { "r := import(\"rand\"); out = r.perm(0)", "[]" },
        { "r := import(\"rand\"); b := bytes(16); out = [r.read(b), len(b)]", "[16, 16]" },
        { "r := import(\"rand\"); out = r.intn(\"5\") < 5", "true" },
        { "r := import(\"rand\"); out = r.intn(0)",
          "Runtime Error: invalid argument to Int63n\n\tat test:1:28" },
        { "r := import(\"rand\"); out = r.intn([])",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:intn': "
          "expected int(compatible), found array\n\tat test:1:28" },
        { "r := import(\"rand\"); out = r.int(1)",
          "Runtime Error: wrong number of arguments in call to 'user-function:int'\n\tat test:1:28" },
    };
    CHECK(cases);
}

static void test_enum_functions_follow_the_tengo_source(void)
{
    static const struct vm_case cases[] = {
        { "e := import(\"enum\"); a := [1, 2, 3]; out = [e.all(a, func(k, v) { return v > 0 }), "
          "e.all(a, func(k, v) { return v > 1 }), e.all([], func(k, v) {}), e.all(5, func(k, v) {})]",
          "[true, false, true, <undefined>]" },
        { "e := import(\"enum\"); out = [e.any({x: 1, y: 2}, func(k, v) { return k == \"y\" }), "
          "e.any([], func(k, v) { return true }), e.any(\"s\", func(k, v) { return true })]",
          "[true, false, <undefined>]" },
        { "e := import(\"enum\"); out = [e.chunk([1, 2, 3, 4, 5], 2), e.chunk([], 2), "
          "e.chunk(immutable([1, 2, 3]), 5), e.chunk({}, 1)]",
          "[[[1, 2], [3, 4], [5]], [], [[1, 2, 3]], <undefined>]" },
        { "e := import(\"enum\"); out = [e.at([1, 2], 1), e.at({a: 3}, \"a\"), e.at([1], 5), e.at(\"s\", 0)]",
          "[2, 3, <undefined>, <undefined>]" },
        { "e := import(\"enum\"); s := 0; e.each([1, 2, 3], func(k, v) { s += k * v }); out = s", "8" },
        { "e := import(\"enum\"); out = [e.filter([1, 2, 3, 4], func(k, v) { return v % 2 == 0 }), "
          "e.filter({a: 1}, func(k, v) { return false })]",
          "[[2, 4], <undefined>]" },
        { "e := import(\"enum\"); out = [e.find([5, 6, 7], func(k, v) { return v > 5 }), "
          "e.find_key([5, 6, 7], func(k, v) { return v > 5 }), "
          "e.find([1], func(k, v) { return false }), e.find_key({a: 1, b: 2}, func(k, v) { return v == 2 }), "
          "e.find_index]",
          "[6, 1, <undefined>, \"b\", <undefined>]" },
        { "e := import(\"enum\"); out = [e.map([1, 2], func(k, v) { return v * 10 }), "
          "e.map({a: 1, b: 2}, e.key), e.map({a: 1}, e.value), e.map(3, e.key)]",
          "[[10, 20], [\"a\", \"b\"], [1], <undefined>]" },
        { "e := import(\"enum\"); out = e.map([[1, 2], [3]], func(k, v) { "
          "return e.map(v, func(i, x) { return x + k }) })",
          "[[1, 2], [4]]" },
        { "e := import(\"enum\"); f := func(k, v) { return v }; out = e.map([1], len)",
          "Runtime Error: wrong number of arguments in call to 'builtin-function:len'\n\tat enum:50:45\n\tat test:1:58" },
        { "e := import(\"enum\"); out = e.map([1], func(k) { return k })",
          "Runtime Error: wrong number of arguments: want=1, got=2\n\tat enum:50:45\n\tat test:1:28" },
        { "e := import(\"enum\"); out = e.each([1], 5)",
          "Runtime Error: not callable: int\n\tat enum:31:21\n\tat test:1:28" },
        { "e := import(\"enum\"); out = e.key(1)",
          "Runtime Error: wrong number of arguments: want=2, got=1\n\tat test:1:28" },
        { "e := import(\"enum\"); out = e.map([1, 2], func(k, v) { return v / 0 })",
          "Runtime Error: division by zero\n\tat test:1:62\n\tat enum:50:45\n\tat test:1:28" }, /* Go panics */
    };
    CHECK(cases);
}

/* Collections during callbacks must keep the caller's values, the
 * partial result and the interrupted program's stack alive. */
static void test_enum_callbacks_survive_garbage_collection(void)
{
    static const struct vm_case cases[] = {
        { "e := import(\"enum\"); keep := {k: \"v\"}; "
          "r := e.map(e.map([0, 1], e.key), e.key); "
          "big := []; for i := 0; i < 300; i++ { big = append(big, i) }; "
          "r = e.map(big, func(k, v) { s := \"\"; for j := 0; j < 20; j++ { s += string(j) }; "
          "return [v, s] }); "
          "ok := len(r) == 300; for i, x in r { ok = ok && x[0] == i && x[1] == "
          "\"012345678910111213141516171819\" }; out = [ok, keep.k]",
          "[true, \"v\"]" },
        { "e := import(\"enum\"); f := func(x) { return e.filter(x, func(k, v) { "
          "t := []; for j := 0; j < 50; j++ { t = append(t, [j]) }; return v % 3 == 0 }) }; "
          "a := []; for i := 0; i < 200; i++ { a = append(a, i) }; "
          "out = len(f(a)) + len(e.map(a, func(k, v) { return f([v, v + 1, v + 2]) }))",
          "267" },
        /* about 20 MB of garbage strings: several collections mid-callback */
        { "e := import(\"enum\"); m := {a: [\"x\"]}; "
          "r := e.map([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, "
          "21, 22, 23, 24, 25, 26, 27, 28, 29], func(k, v) { s := \"\"; "
          "for j := 0; j < 400; j++ { s += \"abcdefgh\" }; return [v, len(s), string(v)] }); "
          "ok := true; for i, x in r { ok = ok && x[0] == i && x[1] == 3200 && x[2] == string(i) }; "
          "out = [ok, m.a[0]]",
          "[true, \"x\"]" },
    };
    CHECK(cases);
}

static void test_enum_callback_deadline_aborts(void)
{
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_program("e := import(\"enum\"); e.each([1], func(k, v) { for {} })", &got,
                                NULL, 200),
                    ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_cstr(&got), "deadline exceeded"));
    buf_free(&got);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_stdlib_data", NULL, NULL);
    ADD(s, test_base64_round_trips_all_four_encodings);
    ADD(s, test_base64_malformed_input_is_an_error_value);
    ADD(s, test_hex_encode_decode_and_go_errors);
    ADD(s, test_json_encode_follows_tengo_rules);
    ADD(s, test_json_decode_values_and_numbers);
    ADD(s, test_json_decode_malformed_gives_go_messages);
    ADD(s, test_json_indent_and_html_escape);
    ADD(s, test_codecs_on_bytes_slices_like_go);
    ADD(s, test_rand_ranges_seed_and_errors);
    ADD(s, test_enum_functions_follow_the_tengo_source);
    ADD(s, test_enum_callbacks_survive_garbage_collection);
    ADD(s, test_enum_callback_deadline_aborts);
}
