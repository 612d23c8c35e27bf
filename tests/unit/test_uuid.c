/* test_uuid.c — uuid.h: canonical parsing (case, length, dash positions,
 * non-hex), lower-case formatting and version-4 generation. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "cunit_main.h"
#include "status.h"
#include "uuid.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static const char *CANON = "0123abcd-4567-89ef-0123-456789abcdef";
static const uint8_t CANON_BYTES[16] = { 0x01, 0x23, 0xab, 0xcd, 0x45, 0x67, 0x89, 0xef,
                                         0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

static int parse(const char *s, struct uuid *u)
{
    return uuid_parse(s, strlen(s), u);
}

static void test_uuid_parse_canonical_gives_bytes_in_order(void)
{
    struct uuid u;
    CU_ASSERT_EQUAL_FATAL(parse(CANON, &u), OK);
    CU_ASSERT_EQUAL(memcmp(u.b, CANON_BYTES, 16), 0);
}

static void test_uuid_parse_accepts_upper_and_mixed_case(void)
{
    struct uuid u;
    CU_ASSERT_EQUAL_FATAL(parse("0123ABCD-4567-89EF-0123-456789ABCDEF", &u), OK);
    CU_ASSERT_EQUAL(memcmp(u.b, CANON_BYTES, 16), 0);
    CU_ASSERT_EQUAL_FATAL(parse("0123AbCd-4567-89eF-0123-456789aBcDeF", &u), OK);
    CU_ASSERT_EQUAL(memcmp(u.b, CANON_BYTES, 16), 0);
}

static void test_uuid_parse_nil_and_max(void)
{
    struct uuid u;
    uint8_t ff[16];
    memset(ff, 0xff, 16);
    CU_ASSERT_EQUAL(parse("00000000-0000-0000-0000-000000000000", &u), OK);
    CU_ASSERT_EQUAL(memcmp(u.b, (uint8_t[16]){ 0 }, 16), 0);
    CU_ASSERT_EQUAL(parse("ffffffff-ffff-ffff-ffff-ffffffffffff", &u), OK);
    CU_ASSERT_EQUAL(memcmp(u.b, ff, 16), 0);
}

static void test_uuid_parse_uses_len_not_nul(void)
{
    struct uuid u;
    char s[64];
    snprintf(s, sizeof s, "%sTRAILING", CANON);
    CU_ASSERT_EQUAL(uuid_parse(s, UUID_STRLEN, &u), OK);
    CU_ASSERT_EQUAL(memcmp(u.b, CANON_BYTES, 16), 0);
    CU_ASSERT_EQUAL(uuid_parse(s, strlen(s), &u), ERROR);
}

static void test_uuid_parse_rejects_null_and_empty(void)
{
    struct uuid u;
    CU_ASSERT_EQUAL(uuid_parse(NULL, 0, &u), ERROR);
    CU_ASSERT_EQUAL(uuid_parse(NULL, UUID_STRLEN, &u), ERROR);
    CU_ASSERT_EQUAL(uuid_parse("", 0, &u), ERROR);
}

static void test_uuid_parse_rejects_wrong_lengths(void)
{
    struct uuid u;
    for (size_t len = 0; len < UUID_STRLEN; len++)
        CU_ASSERT_EQUAL(uuid_parse(CANON, len, &u), ERROR);
    CU_ASSERT_EQUAL(parse("0123abcd-4567-89ef-0123-456789abcdef0", &u), ERROR);
    CU_ASSERT_EQUAL(parse("0123abcd-4567-89ef-0123-456789abcde", &u), ERROR);
}

static void test_uuid_parse_rejects_misplaced_or_missing_dashes(void)
{
    struct uuid u;
    CU_ASSERT_EQUAL(parse("0123abcd4567-89ef-0123-456789abcdef-", &u), ERROR);
    CU_ASSERT_EQUAL(parse("0123abc-d4567-89ef-0123-456789abcdef", &u), ERROR);
    CU_ASSERT_EQUAL(parse("0123abcd-456789ef-0123-456789abcdef", &u), ERROR);
    CU_ASSERT_EQUAL(parse("0123abcd456789ef0123456789abcdef", &u), ERROR);
    CU_ASSERT_EQUAL(parse("0123abcd_4567_89ef_0123_456789abcdef", &u), ERROR);
    /* a dash in every non-dash position */
    for (size_t i = 0; i < UUID_STRLEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            continue;
        char s[UUID_STRLEN + 1];
        memcpy(s, CANON, sizeof s);
        s[i] = '-';
        CU_ASSERT_EQUAL(parse(s, &u), ERROR);
    }
}

static void test_uuid_parse_rejects_non_hex_characters(void)
{
    struct uuid u;
    static const char bad[] = { 'g', 'G', 'z', ' ', '+', 'x', '\0', (char)0xc3, '/', ':', '@', '`' };
    for (size_t i = 0; i < sizeof bad; i++) {
        char s[UUID_STRLEN + 1];
        memcpy(s, CANON, sizeof s);
        s[35] = bad[i];
        CU_ASSERT_EQUAL(uuid_parse(s, UUID_STRLEN, &u), ERROR);
        memcpy(s, CANON, sizeof s);
        s[0] = bad[i];
        CU_ASSERT_EQUAL(uuid_parse(s, UUID_STRLEN, &u), ERROR);
    }
}

static void test_uuid_parse_rejects_braces_and_urn(void)
{
    struct uuid u;
    CU_ASSERT_EQUAL(parse("{0123abcd-4567-89ef-0123-456789abcdef}", &u), ERROR);
    CU_ASSERT_EQUAL(parse("urn:uuid:0123abcd-4567-89ef-0123-456789abcdef", &u), ERROR);
    CU_ASSERT_EQUAL(parse(" 0123abcd-4567-89ef-0123-456789abcde", &u), ERROR);
}

static void test_uuid_parse_error_leaves_output_untouched(void)
{
    struct uuid u;
    memset(u.b, 0x5a, 16);
    CU_ASSERT_EQUAL(parse("0123abcd-4567-89ef-0123-456789abcdeg", &u), ERROR);
    uint8_t expect[16];
    memset(expect, 0x5a, 16);
    CU_ASSERT_EQUAL(memcmp(u.b, expect, 16), 0);
}

static void test_uuid_format_writes_lower_case_8_4_4_4_12(void)
{
    struct uuid u;
    memcpy(u.b, CANON_BYTES, 16);
    char out[UUID_STRLEN + 1];
    memset(out, 'X', sizeof out);
    uuid_format(&u, out);
    CU_ASSERT_STRING_EQUAL(out, CANON);
    CU_ASSERT_EQUAL(strlen(out), UUID_STRLEN);
}

static void test_uuid_format_of_upper_case_input_is_lower_case(void)
{
    struct uuid u;
    CU_ASSERT_EQUAL_FATAL(parse("ABCDEF01-2345-6789-ABCD-EF0123456789", &u), OK);
    char out[UUID_STRLEN + 1];
    uuid_format(&u, out);
    CU_ASSERT_STRING_EQUAL(out, "abcdef01-2345-6789-abcd-ef0123456789");
}

static void test_uuid_v4_sets_version_and_variant_bits(void)
{
    for (int i = 0; i < 1000; i++) {
        struct uuid u;
        uuid_v4(&u);
        CU_ASSERT_EQUAL(u.b[6] >> 4, 4);
        CU_ASSERT_EQUAL(u.b[8] >> 6, 2);
        char s[UUID_STRLEN + 1];
        uuid_format(&u, s);
        CU_ASSERT_EQUAL(s[14], '4');
        CU_ASSERT_PTR_NOT_NULL(strchr("89ab", s[19]));
        CU_ASSERT_EQUAL(uuid_valid(s), OK);
    }
}

static void test_uuid_v4_values_differ_and_use_all_random_bits(void)
{
    struct uuid a, b;
    uuid_v4(&a);
    uuid_v4(&b);
    CU_ASSERT_NOT_EQUAL(memcmp(a.b, b.b, 16), 0);
    /* over many draws every non-fixed bit is seen both set and clear */
    uint8_t seen_set[16] = { 0 }, seen_clear[16] = { 0 };
    for (int i = 0; i < 2000; i++) {
        struct uuid u;
        uuid_v4(&u);
        for (int j = 0; j < 16; j++) {
            seen_set[j] |= u.b[j];
            seen_clear[j] |= (uint8_t)~u.b[j];
        }
    }
    for (int j = 0; j < 16; j++) {
        uint8_t fixed = j == 6 ? 0xf0 : j == 8 ? 0xc0 : 0x00;
        CU_ASSERT_EQUAL(seen_set[j] & seen_clear[j], (uint8_t)~fixed);
    }
}

static void test_uuid_format_parse_round_trip(void)
{
    for (int i = 0; i < 200; i++) {
        struct uuid u, back;
        char s[UUID_STRLEN + 1];
        uuid_v4(&u);
        uuid_format(&u, s);
        CU_ASSERT_EQUAL(uuid_parse(s, UUID_STRLEN, &back), OK);
        CU_ASSERT_EQUAL(memcmp(u.b, back.b, 16), 0);
    }
}

static void test_uuid_valid_checks_nul_terminated_strings(void)
{
    CU_ASSERT_EQUAL(uuid_valid(CANON), OK);
    CU_ASSERT_EQUAL(uuid_valid("00000000-0000-1000-8000-000000000000"), OK);
    CU_ASSERT_EQUAL(uuid_valid(""), ERROR);
    CU_ASSERT_EQUAL(uuid_valid(NULL), ERROR);
    CU_ASSERT_EQUAL(uuid_valid("not-a-uuid"), ERROR);
    CU_ASSERT_EQUAL(uuid_valid("0123abcd-4567-89ef-0123-456789abcdef "), ERROR);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("uuid", NULL, NULL);
    ADD(s, test_uuid_parse_canonical_gives_bytes_in_order);
    ADD(s, test_uuid_parse_accepts_upper_and_mixed_case);
    ADD(s, test_uuid_parse_nil_and_max);
    ADD(s, test_uuid_parse_uses_len_not_nul);
    ADD(s, test_uuid_parse_rejects_null_and_empty);
    ADD(s, test_uuid_parse_rejects_wrong_lengths);
    ADD(s, test_uuid_parse_rejects_misplaced_or_missing_dashes);
    ADD(s, test_uuid_parse_rejects_non_hex_characters);
    ADD(s, test_uuid_parse_rejects_braces_and_urn);
    ADD(s, test_uuid_parse_error_leaves_output_untouched);
    ADD(s, test_uuid_format_writes_lower_case_8_4_4_4_12);
    ADD(s, test_uuid_format_of_upper_case_input_is_lower_case);
    ADD(s, test_uuid_v4_sets_version_and_variant_bits);
    ADD(s, test_uuid_v4_values_differ_and_use_all_random_bits);
    ADD(s, test_uuid_format_parse_round_trip);
    ADD(s, test_uuid_valid_checks_nul_terminated_strings);
}
