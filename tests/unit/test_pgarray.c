/* test_pgarray.c — pgarray.h: text[] literals from C strings and JSON
 * arrays (every element quoted, '"' and '\\' escaped, NULL-looking text
 * kept as text), and PostgreSQL's text[] output read back as JSON,
 * including quoting, NULL elements, decorations and malformed input. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "pgarray.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static void expect_literal(const char *const *items, size_t n, const char *want)
{
    buf_t b = BUF_INIT;
    pgarray_put(&b, items, n);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), want);
    buf_free(&b);
}

static void expect_json(const char *text, const char *want)
{
    buf_t b = BUF_INIT;
    CU_ASSERT_EQUAL(pgarray_write_json(&b, text), OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), want);
    buf_free(&b);
}

static void test_pgarray_empty_list_is_braces(void)
{
    expect_literal(NULL, 0, "{}");
}

static void test_pgarray_items_are_quoted(void)
{
    const char *items[] = { "a", "b c", "" };
    expect_literal(items, 3, "{\"a\",\"b c\",\"\"}");
}

static void test_pgarray_quotes_and_backslashes_are_escaped(void)
{
    const char *items[] = { "say \"hi\"", "C:\\dir\\", "\\\"" };
    expect_literal(items, 3, "{\"say \\\"hi\\\"\",\"C:\\\\dir\\\\\",\"\\\\\\\"\"}");
}

static void test_pgarray_syntax_characters_stay_inside_quotes(void)
{
    const char *items[] = { "a,b", "{x}", "NULL", "null", " lead", "tab\tnew\nline" };
    expect_literal(items, 6,
                   "{\"a,b\",\"{x}\",\"NULL\",\"null\",\" lead\",\"tab\tnew\nline\"}");
}

static void test_pgarray_utf8_is_copied(void)
{
    const char *items[] = { "\xc3\xa4\xe2\x82\xac", "\xf0\x9f\x98\x80" };
    expect_literal(items, 2, "{\"\xc3\xa4\xe2\x82\xac\",\"\xf0\x9f\x98\x80\"}");
}

static void test_pgarray_appends_to_existing_buffer(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "x=");
    const char *items[] = { "1" };
    pgarray_put(&b, items, 1);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "x={\"1\"}");
    buf_free(&b);
}

static void test_pgarray_from_json_array(void)
{
    json_object *arr = json_tokener_parse("[\"a\", \"q\\\"\", \"\", \"b\\\\s\"]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arr);
    buf_t b = BUF_INIT;
    pgarray_put_json(&b, arr);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "{\"a\",\"q\\\"\",\"\",\"b\\\\s\"}");
    buf_free(&b);
    json_object_put(arr);
}

static void test_pgarray_from_json_empty_and_non_array(void)
{
    json_object *arr = json_object_new_array();
    json_object *str = json_object_new_string("x");
    buf_t b = BUF_INIT;
    pgarray_put_json(&b, arr);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "{}");
    buf_reset(&b);
    pgarray_put_json(&b, str);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "{}");
    buf_reset(&b);
    pgarray_put_json(&b, NULL);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "{}");
    buf_free(&b);
    json_object_put(arr);
    json_object_put(str);
}

static void test_pgarray_output_empty_and_plain(void)
{
    expect_json("{}", "[]");
    expect_json("{a}", "[\"a\"]");
    expect_json("{GT31,ODT,x-1}", "[\"GT31\",\"ODT\",\"x-1\"]");
}

static void test_pgarray_output_quoted_elements(void)
{
    expect_json("{\"a b\",\"\",\"x\\\"y\",\"c\\\\d\",\"a,b\",\"{}\"}",
                "[\"a b\",\"\",\"x\\\"y\",\"c\\\\d\",\"a,b\",\"{}\"]");
}

static void test_pgarray_output_null_element_and_null_text(void)
{
    expect_json("{NULL,\"NULL\",null}", "[null,\"NULL\",null]");
    expect_json("{NULLX}", "[\"NULLX\"]");
}

static void test_pgarray_output_escapes_for_json(void)
{
    expect_json("{\"ctl\x01x\",\"\xc3\xa4\"}", "[\"ctl\\u0001x\",\"\xc3\xa4\"]");
}

static void test_pgarray_output_decoration_and_dimensions(void)
{
    expect_json("[0:1]={a,b}", "[\"a\",\"b\"]");
    expect_json("{{a,b},{c,NULL}}", "[\"a\",\"b\",\"c\",null]");
    expect_json("[1:2][1:1]={{a},{\"b c\"}}", "[\"a\",\"b c\"]");
}

static void test_pgarray_output_appends(void)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "{\"tags\":");
    CU_ASSERT_EQUAL(pgarray_write_json(&b, "{x}"), OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "{\"tags\":[\"x\"]");
    buf_free(&b);
}

static void test_pgarray_output_malformed_is_error(void)
{
    static const char *const bad[] = {
        "", "a", "[0:1]", "[0:1]=a", "{", "{a", "{a,", "{\"a", "{\"a\\", "{\"a\\\"}",
        "{,a}", "{a\"b\"}", "{\"a\"b}", "{{a}", "{a}}", "{a} ", "x{a}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        buf_t b = BUF_INIT;
        int rc = pgarray_write_json(&b, bad[i]);
        CU_ASSERT_EQUAL(rc, ERROR);
        if (rc != ERROR)
            fprintf(stderr, "\naccepted malformed array output: '%s'\n", bad[i]);
        buf_free(&b);
    }
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("pgarray", NULL, NULL);
    ADD(s, test_pgarray_empty_list_is_braces);
    ADD(s, test_pgarray_items_are_quoted);
    ADD(s, test_pgarray_quotes_and_backslashes_are_escaped);
    ADD(s, test_pgarray_syntax_characters_stay_inside_quotes);
    ADD(s, test_pgarray_utf8_is_copied);
    ADD(s, test_pgarray_appends_to_existing_buffer);
    ADD(s, test_pgarray_from_json_array);
    ADD(s, test_pgarray_from_json_empty_and_non_array);
    ADD(s, test_pgarray_output_empty_and_plain);
    ADD(s, test_pgarray_output_quoted_elements);
    ADD(s, test_pgarray_output_null_element_and_null_text);
    ADD(s, test_pgarray_output_escapes_for_json);
    ADD(s, test_pgarray_output_decoration_and_dimensions);
    ADD(s, test_pgarray_output_appends);
    ADD(s, test_pgarray_output_malformed_is_error);
}
