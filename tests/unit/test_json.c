/* test_json.c — json.h: strict parsing (trailing data, depth bombs,
 * non-JSON numbers, integers outside int64), validation against field
 * tables (unknown fields, wrong kinds, null handling), accessors, and
 * output (escaping, invalid UTF-8, Go-compatible float64 text). */
#include <CUnit/CUnit.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "json.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static char err[256];

static int parse(const char *s, json_object **out)
{
    err[0] = '\0';
    return json_parse(s, strlen(s), out, err, sizeof err);
}

/* ERROR, and err mentions want. */
static int parse_fails_with(const char *s, size_t len, const char *want)
{
    json_object *o = NULL;
    err[0] = '\0';
    int rc = json_parse(s, len, &o, err, sizeof err);
    if (rc == OK)
        json_object_put(o);
    return rc == ERROR && strstr(err, want) != NULL;
}

static int rejects(const char *s)
{
    return parse_fails_with(s, strlen(s), "invalid JSON");
}

/* ---- parse ---- */

static void test_json_parse_object_and_members(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(parse(" {\"a\": 1, \"b\": [true, null, \"x\"], \"c\": {\"d\": 2.5}}\n", &o), OK);
    CU_ASSERT_TRUE(json_object_is_type(o, json_type_object));
    CU_ASSERT_EQUAL(json_int(o, "a", -1), 1);
    CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o, "b")), 3);
    json_object_put(o);
}

static void test_json_parse_top_level_scalars(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL(parse("123", &o), OK);
    CU_ASSERT_EQUAL(json_object_get_int64(o), 123);
    json_object_put(o);
    CU_ASSERT_EQUAL(parse("-0.5", &o), OK);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(o), -0.5, 0);
    json_object_put(o);
    CU_ASSERT_EQUAL(parse("true", &o), OK);
    CU_ASSERT_TRUE(json_object_get_boolean(o));
    json_object_put(o);
    CU_ASSERT_EQUAL(parse("\"s\"", &o), OK);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(o), "s");
    json_object_put(o);
}

static void test_json_parse_null_gives_null_object(void)
{
    json_object *o = (json_object *)&o;
    CU_ASSERT_EQUAL(parse("null", &o), OK);
    CU_ASSERT_PTR_NULL(o);
}

static void test_json_parse_rejects_empty_and_blank_input(void)
{
    CU_ASSERT_TRUE(parse_fails_with("", 0, "offset 0: unexpected end of data"));
    CU_ASSERT_TRUE(parse_fails_with("  \n", 3, "offset 3"));
    json_object *o;
    CU_ASSERT_EQUAL(json_parse(NULL, 0, &o, err, sizeof err), ERROR);
    CU_ASSERT_EQUAL(json_parse(NULL, 5, &o, err, sizeof err), ERROR);
}

static void test_json_parse_rejects_trailing_garbage(void)
{
    CU_ASSERT_TRUE(rejects("{} x"));
    CU_ASSERT_TRUE(rejects("{}}"));
    CU_ASSERT_TRUE(rejects("[1] [2]"));
    CU_ASSERT_TRUE(rejects("1 2"));
    CU_ASSERT_TRUE(rejects("\"a\" \"b\""));
    CU_ASSERT_TRUE(parse_fails_with("{}\0", 3, "offset 2: unexpected data after the value"));
    CU_ASSERT_TRUE(parse_fails_with("1\0", 2, "offset 1"));
}

static void test_json_parse_uses_len_not_nul(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL(json_parse("[1]garbage", 3, &o, err, sizeof err), OK);
    CU_ASSERT_EQUAL(json_object_array_length(o), 1);
    json_object_put(o);
    CU_ASSERT_EQUAL(json_parse("12345", 2, &o, err, sizeof err), OK);
    CU_ASSERT_EQUAL(json_object_get_int64(o), 12);
    json_object_put(o);
}

static void test_json_parse_rejects_every_truncation(void)
{
    const char *doc = "{\"a\":[1,2.5e3,\"x\\u00e9\"],\"b\":{\"c\":true,\"d\":null}}";
    size_t n = strlen(doc);
    int accepted = 0;
    for (size_t len = 0; len < n; len++) {
        json_object *o = NULL;
        if (json_parse(doc, len, &o, err, sizeof err) == OK) {
            accepted = 1;
            json_object_put(o);
        }
    }
    CU_ASSERT_FALSE(accepted);
}

static void test_json_parse_depth_64_ok_65_rejected(void)
{
    char s[200];
    for (int d = 64; d <= 65; d++) {
        memset(s, '[', (size_t)d);
        memset(s + d, ']', (size_t)d);
        json_object *o = NULL;
        int rc = json_parse(s, 2 * (size_t)d, &o, err, sizeof err);
        CU_ASSERT_EQUAL(rc, d == 64 ? OK : ERROR);
        json_object_put(o);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nesting too deep"));
}

static void test_json_parse_rejects_depth_bomb(void)
{
    size_t n = 1u << 20;
    char *s = malloc(n);
    memset(s, '[', n / 2);
    memset(s + n / 2, ']', n / 2);
    CU_ASSERT_TRUE(parse_fails_with(s, n, "nesting too deep"));
    memset(s, ' ', n);
    for (size_t i = 0; i + 6 <= n; i += 6) /* {"a": {"a": ... */
        memcpy(s + i, "{\"a\":", 5);
    CU_ASSERT_TRUE(parse_fails_with(s, n, "nesting too deep"));
    free(s);
}

static void test_json_parse_rejects_non_json_numbers(void)
{
    static const char *bad[] = { "NaN", "Infinity", "-Infinity", "[NaN]", "1.", "[1.]", ".5", "01", "-01",
                                 "00", "+1", "0x10", "1e", "1e+", "-", "[-]", "1.5.3", "1e5e5", "--1",
                                 "[1,]", "{\"a\":1,}", "nan", "True", "nul", "undefined" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_TRUE(rejects(bad[i]));
    CU_ASSERT_TRUE(parse_fails_with("[1, 01]", 7, "offset 4: invalid number"));
    CU_ASSERT_TRUE(parse_fails_with("{\"v\": NaN}", 10, "offset 6: invalid literal"));
}

static void test_json_parse_accepts_json_number_forms(void)
{
    static const struct { const char *s; double v; } good[] = {
        { "0", 0 }, { "-0", 0 }, { "0.5", 0.5 }, { "-0.5", -0.5 }, { "1e2", 100 }, { "1E+2", 100 },
        { "1e-2", 0.01 }, { "2.5E3", 2500 }, { "10", 10 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        json_object *o = NULL;
        CU_ASSERT_EQUAL(parse(good[i].s, &o), OK);
        CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(o), good[i].v, 0);
        json_object_put(o);
    }
}

static void test_json_parse_rejects_comments_quotes_and_bare_keys(void)
{
    CU_ASSERT_TRUE(rejects("/* c */ {}"));
    CU_ASSERT_TRUE(rejects("{} // c"));
    CU_ASSERT_TRUE(rejects("{'a': 1}"));
    CU_ASSERT_TRUE(rejects("{a: 1}"));
    CU_ASSERT_TRUE(rejects("{\"a\" 1}"));
    CU_ASSERT_TRUE(rejects("[1 2]"));
}

static void test_json_parse_rejects_raw_control_characters_in_strings(void)
{
    CU_ASSERT_TRUE(parse_fails_with("\"a\tb\"", 5, "offset 2: control character in string"));
    CU_ASSERT_TRUE(rejects("{\"k\n\": 1}"));
    CU_ASSERT_TRUE(parse_fails_with("\"a\0b\"", 5, "control character"));
    json_object *o = NULL;
    CU_ASSERT_EQUAL(parse("\"a\\tb\\n\\u0001\"", &o), OK);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(o), "a\tb\n\x01");
    json_object_put(o);
}

static void test_json_parse_rejects_invalid_utf8_and_bad_escapes(void)
{
    CU_ASSERT_TRUE(rejects("\"\xff\""));
    CU_ASSERT_TRUE(rejects("\"\xc3\""));
    CU_ASSERT_TRUE(rejects("\"\xc0\xaf\""));               /* overlong */
    CU_ASSERT_TRUE(rejects("\"\xe0\x80\xaf\""));           /* overlong */
    CU_ASSERT_TRUE(rejects("\"\xed\xa0\x80\""));           /* UTF-16 surrogate */
    CU_ASSERT_TRUE(rejects("\"\xf4\x90\x80\x80\""));       /* past U+10FFFF */
    CU_ASSERT_TRUE(parse_fails_with("{\"k\":\"ab\\\"\xff\"}", 13, "offset 10: invalid UTF-8 in string"));
    CU_ASSERT_TRUE(rejects("\"\\x41\""));
    CU_ASSERT_TRUE(rejects("\"\\u12\""));
    CU_ASSERT_TRUE(rejects("\"abc"));
    json_object *o = NULL;
    CU_ASSERT_EQUAL(parse("\"\xc3\xa9\\u00e9\\ud834\\udd1e\"", &o), OK);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(o), "\xc3\xa9\xc3\xa9\xf0\x9d\x84\x9e");
    json_object_put(o);
}

static void test_json_parse_keeps_int64_limits_as_integers(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(parse("[9223372036854775807, -9223372036854775808]", &o), OK);
    json_object *hi = json_object_array_get_idx(o, 0), *lo = json_object_array_get_idx(o, 1);
    CU_ASSERT_TRUE(json_object_is_type(hi, json_type_int));
    CU_ASSERT_TRUE(json_object_is_type(lo, json_type_int));
    CU_ASSERT_EQUAL(json_object_get_int64(hi), INT64_MAX);
    CU_ASSERT_EQUAL(json_object_get_int64(lo), INT64_MIN);
    json_object_put(o);
}

/* json-c alone would clamp these to UINT64_MAX / INT64_MIN. */
static void test_json_parse_integers_beyond_int64_become_exact_doubles(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(
        parse("{\"a\": 9223372036854775808, \"b\": -9223372036854775809, \"c\": 100000000000000000000}", &o), OK);
    CU_ASSERT_TRUE(json_object_is_type(json_object_object_get(o, "a"), json_type_double));
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "a", 0), 9223372036854775808.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "b", 0), -9223372036854775809.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "c", 0), 1e20, 0);
    json_object_put(o);
}

static void test_json_parse_error_offset_after_big_integer_is_in_caller_input(void)
{
    /* '}' is at offset 22 of the input even though the parser saw ".0" added */
    CU_ASSERT_TRUE(parse_fails_with("[99999999999999999999 }", 23, "offset 22:"));
}

static void test_json_parse_duplicate_keys_keep_the_last(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(parse("{\"a\":1,\"a\":2}", &o), OK);
    CU_ASSERT_EQUAL(json_int(o, "a", 0), 2);
    json_object_put(o);
}

static void test_json_parse_error_buffer_is_optional_and_truncated(void)
{
    json_object *o;
    CU_ASSERT_EQUAL(json_parse("[", 1, &o, NULL, 0), ERROR);
    char small[8];
    CU_ASSERT_EQUAL(json_parse("[", 1, &o, small, sizeof small), ERROR);
    CU_ASSERT_STRING_EQUAL(small, "invalid");
}

/* ---- validate ---- */

static const struct json_field FIELDS[] = {
    { "name", JK_STRING, 1, 0 },     { "count", JK_INT, 0, 0 },      { "value", JK_NUMBER, 0, 1 },
    { "on", JK_BOOL, 0, 0 },         { "list", JK_ARRAY, 0, 0 },     { "obj", JK_OBJECT, 0, 0 },
    { "id", JK_UUID, 0, 0 },         { "ts", JK_TIME, 0, 1 },        { "tags", JK_STRING_ARRAY, 0, 0 },
    { "ids", JK_UUID_ARRAY, 0, 0 },  { NULL, 0, 0, 0 },
};

/* Parses s (which must be valid JSON) and validates it against FIELDS. */
static int validate(const char *s)
{
    json_object *o = NULL;
    err[0] = '\0';
    if (parse(s, &o) != OK) {
        CU_FAIL("test document does not parse");
        return 99;
    }
    err[0] = '\0';
    int rc = json_validate(o, FIELDS, err, sizeof err);
    json_object_put(o);
    return rc;
}

static int invalid_with(const char *s, const char *msg)
{
    return validate(s) == ERROR && strcmp(err, msg) == 0;
}

static void test_json_validate_accepts_every_kind(void)
{
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"count\":-3,\"value\":1.5,\"on\":false,\"list\":[1,\"a\"],"
                             "\"obj\":{\"x\":1},\"id\":\"0123ABCD-4567-89ef-0123-456789abcdef\","
                             "\"ts\":\"2021-03-04T05:06:07.5+01:00\",\"tags\":[\"a\",\"\"],"
                             "\"ids\":[\"00000000-0000-1000-8000-000000000000\"]}"),
                    OK);
}

static void test_json_validate_accepts_only_required_fields(void)
{
    CU_ASSERT_EQUAL(validate("{\"name\":\"\"}"), OK);
}

static void test_json_validate_rejects_unknown_field(void)
{
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"nmae\":\"x\"}", "unknown field 'nmae'"));
    CU_ASSERT_TRUE(invalid_with("{\"Name\":\"n\"}", "unknown field 'Name'")); /* case matters */
}

static void test_json_validate_unknown_field_message_is_sanitised_and_bounded(void)
{
    CU_ASSERT_TRUE(invalid_with("{\"a\\u0001b\\nc\":1}", "unknown field 'a?b?c'"));
    char doc[300], want[100];
    memset(want, 0, sizeof want);
    snprintf(doc, sizeof doc, "{\"%0200d\":1}", 0);
    snprintf(want, sizeof want, "unknown field '%064d'", 0);
    CU_ASSERT_TRUE(invalid_with(doc, want));
}

static void test_json_validate_rejects_missing_required_field(void)
{
    CU_ASSERT_TRUE(invalid_with("{}", "field 'name' is required"));
    CU_ASSERT_TRUE(invalid_with("{\"count\":1}", "field 'name' is required"));
}

static void test_json_validate_rejects_null_for_required_field(void)
{
    CU_ASSERT_TRUE(invalid_with("{\"name\":null}", "field 'name' must not be null"));
}

static void test_json_validate_null_allowed_only_when_nullable(void)
{
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"value\":null,\"ts\":null}"), OK);
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"count\":null}", "field 'count' must not be null"));
}

static void test_json_validate_rejects_wrong_kinds(void)
{
    CU_ASSERT_TRUE(invalid_with("{\"name\":1}", "field 'name' must be a string without NUL characters"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"count\":\"1\"}", "field 'count' must be an integer"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"value\":\"1\"}", "field 'value' must be a finite number"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"on\":1}", "field 'on' must be a boolean"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"list\":{}}", "field 'list' must be an array"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"obj\":[]}", "field 'obj' must be an object"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"id\":\"x\"}", "field 'id' must be a UUID"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"id\":7}", "field 'id' must be a UUID"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"ts\":\"2021-02-30T00:00:00Z\"}",
                                "field 'ts' must be an RFC 3339 timestamp"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"ts\":1614834367}", "field 'ts' must be an RFC 3339 timestamp"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"tags\":\"a\"}", "field 'tags' must be an array of strings"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"ids\":{}}", "field 'ids' must be an array of UUIDs"));
}

static void test_json_validate_int_rejects_fractions_exponents_and_overflow(void)
{
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"count\":1.0}", "field 'count' must be an integer"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"count\":1e2}", "field 'count' must be an integer"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"count\":9223372036854775808}", "field 'count' must be an integer"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"count\":-9223372036854775809}", "field 'count' must be an integer"));
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"count\":-9223372036854775808}"), OK);
}

static void test_json_validate_number_accepts_ints_rejects_overflow(void)
{
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"value\":42}"), OK);
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"value\":-1e-300}"), OK);
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"value\":123456789012345678901234567890}"), OK);
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"value\":1e400}", "field 'value' must be a finite number"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"value\":true}", "field 'value' must be a finite number"));
}

static void test_json_validate_arrays_check_every_item(void)
{
    CU_ASSERT_EQUAL(validate("{\"name\":\"n\",\"tags\":[],\"ids\":[]}"), OK);
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"tags\":[\"a\",1]}", "field 'tags' must be an array of strings"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"tags\":[null]}", "field 'tags' must be an array of strings"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"tags\":[[\"a\"]]}", "field 'tags' must be an array of strings"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"ids\":[\"00000000-0000-1000-8000-000000000000\",\"nope\"]}",
                                "field 'ids' must be an array of UUIDs"));
}

static void test_json_validate_rejects_strings_with_nul(void)
{
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"a\\u0000b\"}", "field 'name' must be a string without NUL characters"));
    CU_ASSERT_TRUE(invalid_with("{\"name\":\"n\",\"tags\":[\"\\u0000\"]}", "field 'tags' must be an array of strings"));
}

static void test_json_validate_rejects_non_objects(void)
{
    json_object *arr = json_object_new_array();
    CU_ASSERT_EQUAL(json_validate(arr, FIELDS, err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(err, "the body must be a JSON object");
    json_object_put(arr);
    CU_ASSERT_EQUAL(json_validate(NULL, FIELDS, err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(err, "the body must be a JSON object");
}

static void test_json_validate_with_empty_table_allows_only_empty_object(void)
{
    static const struct json_field none[] = { { NULL, 0, 0, 0 } };
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(parse("{}", &o), OK);
    CU_ASSERT_EQUAL(json_validate(o, none, NULL, 0), OK);
    json_object_put(o);
    CU_ASSERT_EQUAL_FATAL(parse("{\"a\":1}", &o), OK);
    CU_ASSERT_EQUAL(json_validate(o, none, err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(err, "unknown field 'a'");
    json_object_put(o);
}

/* ---- accessors ---- */

static void test_json_accessors_return_values_or_defaults(void)
{
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(parse("{\"s\":\"x\",\"i\":-7,\"d\":2.5,\"n\":null}", &o), OK);
    CU_ASSERT_STRING_EQUAL(json_str(o, "s", "dflt"), "x");
    CU_ASSERT_STRING_EQUAL(json_str(o, "missing", "dflt"), "dflt");
    CU_ASSERT_STRING_EQUAL(json_str(o, "n", "dflt"), "dflt");
    CU_ASSERT_STRING_EQUAL(json_str(o, "i", "dflt"), "dflt"); /* wrong kind */
    CU_ASSERT_PTR_NULL(json_str(o, "missing", NULL));
    CU_ASSERT_EQUAL(json_int(o, "i", 0), -7);
    CU_ASSERT_EQUAL(json_int(o, "missing", 11), 11);
    CU_ASSERT_EQUAL(json_int(o, "d", 11), 11);
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "d", 0), 2.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "i", 0), -7.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "n", 9.5), 9.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(json_num(o, "s", 9.5), 9.5, 0);
    CU_ASSERT_TRUE(json_has(o, "s"));
    CU_ASSERT_FALSE(json_has(o, "n"));
    CU_ASSERT_FALSE(json_has(o, "missing"));
    json_object_put(o);
}

static void test_json_accessors_on_null_or_non_object(void)
{
    CU_ASSERT_STRING_EQUAL(json_str(NULL, "a", "d"), "d");
    CU_ASSERT_EQUAL(json_int(NULL, "a", 5), 5);
    CU_ASSERT_FALSE(json_has(NULL, "a"));
    json_object *arr = json_object_new_array();
    CU_ASSERT_EQUAL(json_int(arr, "a", 5), 5);
    json_object_put(arr);
}

/* ---- output: strings ---- */

static const char *put_strn(const char *s, size_t n)
{
    static buf_t b = BUF_INIT;
    static char copy[512];
    buf_reset(&b);
    json_put_strn(&b, s, n);
    snprintf(copy, sizeof copy, "%s", buf_cstr(&b));
    buf_free(&b);
    return copy;
}

static const char *put_str(const char *s)
{
    return put_strn(s, s ? strlen(s) : 0);
}

static void test_json_put_str_plain_and_empty(void)
{
    CU_ASSERT_STRING_EQUAL(put_str("hello"), "\"hello\"");
    CU_ASSERT_STRING_EQUAL(put_str(""), "\"\"");
}

static void test_json_put_str_null_writes_null(void)
{
    CU_ASSERT_STRING_EQUAL(put_str(NULL), "null");
    CU_ASSERT_STRING_EQUAL(put_strn(NULL, 5), "null");
}

static void test_json_put_str_escapes_quote_and_backslash_not_slash(void)
{
    CU_ASSERT_STRING_EQUAL(put_str("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
}

static void test_json_put_str_escapes_control_characters_as_u00xx(void)
{
    CU_ASSERT_STRING_EQUAL(put_str("\n\r\t\x01\x1f"), "\"\\u000a\\u000d\\u0009\\u0001\\u001f\"");
    CU_ASSERT_STRING_EQUAL(put_str("\x7f~ "), "\"\x7f~ \""); /* DEL is not a JSON control char */
}

static void test_json_put_strn_escapes_embedded_nul(void)
{
    CU_ASSERT_STRING_EQUAL(put_strn("a\0b", 3), "\"a\\u0000b\"");
    CU_ASSERT_STRING_EQUAL(put_strn("abc", 1), "\"a\"");
}

static void test_json_put_str_passes_valid_utf8_through(void)
{
    CU_ASSERT_STRING_EQUAL(put_str("\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xef\xbf\xbf \xf4\x8f\xbf\xbf"),
                           "\"\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xef\xbf\xbf \xf4\x8f\xbf\xbf\"");
}

static void test_json_put_str_replaces_each_invalid_utf8_byte(void)
{
    CU_ASSERT_STRING_EQUAL(put_str("\xff"), "\"\\ufffd\"");
    CU_ASSERT_STRING_EQUAL(put_str("a\xc3"), "\"a\\ufffd\"");              /* truncated at end */
    CU_ASSERT_STRING_EQUAL(put_str("\xe2\x82z"), "\"\\ufffd\\ufffdz\"");   /* truncated in middle */
    CU_ASSERT_STRING_EQUAL(put_str("\xc0\xaf"), "\"\\ufffd\\ufffd\"");     /* overlong '/' */
    CU_ASSERT_STRING_EQUAL(put_str("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
    CU_ASSERT_STRING_EQUAL(put_str("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
    CU_ASSERT_STRING_EQUAL(put_str("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    CU_ASSERT_STRING_EQUAL(put_str("\x80\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
}

static void test_json_put_str_output_of_all_bytes_is_valid_json(void)
{
    char all[255];
    for (int i = 0; i < 255; i++)
        all[i] = (char)(i + 1);
    buf_t b = BUF_INIT;
    json_put_strn(&b, all, sizeof all);
    json_object *o = NULL;
    CU_ASSERT_EQUAL_FATAL(json_parse(b.data, b.len, &o, err, sizeof err), OK);
    const char *s = json_object_get_string(o);
    CU_ASSERT_EQUAL(memcmp(s, all, 127), 0); /* the ASCII part reads back unchanged */
    json_object_put(o);
    buf_free(&b);
}

static void test_json_put_key_writes_escaped_key_and_colon(void)
{
    buf_t b = BUF_INIT;
    buf_putc(&b, '{');
    json_put_key(&b, "k\"1");
    json_put_int(&b, 1);
    buf_putc(&b, ',');
    json_put_key(&b, "s");
    json_put_str(&b, "v");
    buf_putc(&b, '}');
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "{\"k\\\"1\":1,\"s\":\"v\"}");
    buf_free(&b);
}

static void test_json_put_int_extremes(void)
{
    buf_t b = BUF_INIT;
    json_put_int(&b, INT64_MIN);
    buf_putc(&b, ' ');
    json_put_int(&b, INT64_MAX);
    buf_putc(&b, ' ');
    json_put_int(&b, 0);
    buf_putc(&b, ' ');
    json_put_int(&b, -1);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "-9223372036854775808 9223372036854775807 0 -1");
    buf_free(&b);
}

/* ---- output: doubles ---- */

static const char *put_double(double v)
{
    static char out[64];
    buf_t b = BUF_INIT;
    json_put_double(&b, v);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* What Go's encoding/json writes for these float64 values. */
static void test_json_put_double_matches_go_encoding(void)
{
    static const struct { double v; const char *go; } cases[] = {
        { 0.0, "0" },
        { 1.0, "1" },
        { -1.0, "-1" },
        { 100.0, "100" },
        { 0.1, "0.1" },
        { 0.1 + 0.2, "0.30000000000000004" },
        { 1.0 / 3.0, "0.3333333333333333" },
        { 3.14159, "3.14159" },
        { -2.5, "-2.5" },
        { 9007199254740992.0, "9007199254740992" },
        { 1e20, "100000000000000000000" },
        { 123456789012345678901.0, "123456789012345680000" },
        { 1e21, "1e+21" },
        { 1.5e21, "1.5e+21" },
        { 1e23, "1e+23" },
        { -1e21, "-1e+21" },
        { 1e-6, "0.000001" },
        { 1.234e-6, "0.000001234" },
        { 1e-7, "1e-7" },
        { 1.5e-7, "1.5e-7" },
        { -1.5e-7, "-1.5e-7" },
        { 1.23e-10, "1.23e-10" },
        { 5e-324, "5e-324" },
        { DBL_MAX, "1.7976931348623157e+308" },
        { DBL_MIN, "2.2250738585072014e-308" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CU_ASSERT_STRING_EQUAL(put_double(cases[i].v), cases[i].go);
}

static void test_json_put_double_switches_format_exactly_at_go_thresholds(void)
{
    CU_ASSERT_STRING_EQUAL(put_double(nextafter(1e-6, 0)), "9.999999999999997e-7");
    CU_ASSERT_STRING_EQUAL(put_double(nextafter(1e21, 0)), "999999999999999900000");
}

static void test_json_put_double_negative_zero_like_go(void)
{
    CU_ASSERT_STRING_EQUAL(put_double(-0.0), "-0");
}

/* Powers of two have a lopsided rounding interval; the correctly rounded
 * 16-digit decimal misses it but its neighbour does not (Go: 16 digits). */
static void test_json_put_double_power_of_two_uses_shortest_neighbour(void)
{
    CU_ASSERT_STRING_EQUAL(put_double(ldexp(1.0, -1017)), "7.120236347223045e-307");
    CU_ASSERT_STRING_EQUAL(put_double(ldexp(1.0, -1007)), "7.291122019556398e-304");
}

static void test_json_put_double_non_finite_writes_null(void)
{
    CU_ASSERT_STRING_EQUAL(put_double(NAN), "null");
    CU_ASSERT_STRING_EQUAL(put_double(INFINITY), "null");
    CU_ASSERT_STRING_EQUAL(put_double(-INFINITY), "null");
}

static void test_json_put_double_round_trips_and_parses(void)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    int ok = 1;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        const char *s = put_double(v);
        if (strtod(s, NULL) != v)
            ok = 0;
        json_object *o = NULL;
        if (json_parse(s, strlen(s), &o, err, sizeof err) != OK)
            ok = 0;
        json_object_put(o);
    }
    CU_ASSERT_TRUE(ok);
}

/* The exact integer path picks the printf path's digits: random bit
 * patterns folded into its range [1e-3, 1e15), averages of short decimals
 * (what aggregated reads print), powers of two (the lopsided interval),
 * values next to powers of ten and to 16-digit rounding edges. */
static void test_json_put_double_exact_path_matches_printf_path(void)
{
    uint64_t x = 0x243f6a8885a308d3u;
    long compared = 0, differ = 0;
    double first_bad = 0;
#define CHECK(val)                                                                                 \
    do {                                                                                           \
        double v_ = (val);                                                                         \
        int r_ = json_double_paths_agree(v_);                                                      \
        if (r_ >= 0)                                                                               \
            compared++;                                                                            \
        if (r_ == 0 && differ++ == 0)                                                              \
            first_bad = v_;                                                                        \
    } while (0)
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* exponent within [1e-3, 1e15): 2^-10 .. 2^49 */
        uint64_t bits = (x & 0x800fffffffffffffu) | ((uint64_t)(1023 - 10 + (int)((x >> 52) % 60)) << 52);
        double v;
        memcpy(&v, &bits, sizeof v);
        CHECK(v);
        CHECK((double)(x % 100000) / 3.0);
        CHECK((double)(x % 1000003) / 1000.0 / (double)(1 + (x >> 40) % 60));
        CHECK(nextafter(v, 0));
    }
    for (int e = -10; e < 50; e++) {
        double p2 = ldexp(1, e);
        CHECK(p2);
        CHECK(-p2);
        CHECK(nextafter(p2, 0));
        CHECK(nextafter(p2, INFINITY));
    }
    for (int e = -3; e < 15; e++) {
        double p10 = pow(10, e);
        for (int k = -3; k <= 3; k++) {
            double v = p10;
            for (int j = 0; j < (k < 0 ? -k : k); j++)
                v = nextafter(v, k < 0 ? 0 : INFINITY);
            CHECK(v);
            CHECK(v * 9.999999999999999);
        }
    }
#undef CHECK
    CU_ASSERT(compared > 1000000);
    CU_ASSERT_EQUAL(differ, 0);
    if (differ)
        printf("\n  %ld of %ld differ, first %.17g\n", differ, compared, first_bad);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("json", NULL, NULL);
    ADD(s, test_json_parse_object_and_members);
    ADD(s, test_json_parse_top_level_scalars);
    ADD(s, test_json_parse_null_gives_null_object);
    ADD(s, test_json_parse_rejects_empty_and_blank_input);
    ADD(s, test_json_parse_rejects_trailing_garbage);
    ADD(s, test_json_parse_uses_len_not_nul);
    ADD(s, test_json_parse_rejects_every_truncation);
    ADD(s, test_json_parse_depth_64_ok_65_rejected);
    ADD(s, test_json_parse_rejects_depth_bomb);
    ADD(s, test_json_parse_rejects_non_json_numbers);
    ADD(s, test_json_parse_accepts_json_number_forms);
    ADD(s, test_json_parse_rejects_comments_quotes_and_bare_keys);
    ADD(s, test_json_parse_rejects_raw_control_characters_in_strings);
    ADD(s, test_json_parse_rejects_invalid_utf8_and_bad_escapes);
    ADD(s, test_json_parse_keeps_int64_limits_as_integers);
    ADD(s, test_json_parse_integers_beyond_int64_become_exact_doubles);
    ADD(s, test_json_parse_error_offset_after_big_integer_is_in_caller_input);
    ADD(s, test_json_parse_duplicate_keys_keep_the_last);
    ADD(s, test_json_parse_error_buffer_is_optional_and_truncated);
    ADD(s, test_json_validate_accepts_every_kind);
    ADD(s, test_json_validate_accepts_only_required_fields);
    ADD(s, test_json_validate_rejects_unknown_field);
    ADD(s, test_json_validate_unknown_field_message_is_sanitised_and_bounded);
    ADD(s, test_json_validate_rejects_missing_required_field);
    ADD(s, test_json_validate_rejects_null_for_required_field);
    ADD(s, test_json_validate_null_allowed_only_when_nullable);
    ADD(s, test_json_validate_rejects_wrong_kinds);
    ADD(s, test_json_validate_int_rejects_fractions_exponents_and_overflow);
    ADD(s, test_json_validate_number_accepts_ints_rejects_overflow);
    ADD(s, test_json_validate_arrays_check_every_item);
    ADD(s, test_json_validate_rejects_strings_with_nul);
    ADD(s, test_json_validate_rejects_non_objects);
    ADD(s, test_json_validate_with_empty_table_allows_only_empty_object);
    ADD(s, test_json_accessors_return_values_or_defaults);
    ADD(s, test_json_accessors_on_null_or_non_object);
    ADD(s, test_json_put_str_plain_and_empty);
    ADD(s, test_json_put_str_null_writes_null);
    ADD(s, test_json_put_str_escapes_quote_and_backslash_not_slash);
    ADD(s, test_json_put_str_escapes_control_characters_as_u00xx);
    ADD(s, test_json_put_strn_escapes_embedded_nul);
    ADD(s, test_json_put_str_passes_valid_utf8_through);
    ADD(s, test_json_put_str_replaces_each_invalid_utf8_byte);
    ADD(s, test_json_put_str_output_of_all_bytes_is_valid_json);
    ADD(s, test_json_put_key_writes_escaped_key_and_colon);
    ADD(s, test_json_put_int_extremes);
    ADD(s, test_json_put_double_matches_go_encoding);
    ADD(s, test_json_put_double_switches_format_exactly_at_go_thresholds);
    ADD(s, test_json_put_double_negative_zero_like_go);
    ADD(s, test_json_put_double_exact_path_matches_printf_path);
    ADD(s, test_json_put_double_power_of_two_uses_shortest_neighbour);
    ADD(s, test_json_put_double_non_finite_writes_null);
    ADD(s, test_json_put_double_round_trips_and_parses);
}
