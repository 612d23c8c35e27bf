/* test_rfc3339.c — rfc3339.h: parsing (leap years, offsets, fractions,
 * malformed and truncated input) and Go RFC3339Nano-compatible output.
 * Expected epoch values were computed independently (Python datetime). */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "rfc3339.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define SENTINEL INT64_C(0x5eed5eed5eed)

static int parse(const char *s, int64_t *usec)
{
    return rfc3339_parse(s, strlen(s), usec);
}

/* Parses s expecting OK and returns the value (SENTINEL on failure). */
static int64_t parse_ok(const char *s)
{
    int64_t v = SENTINEL;
    CU_ASSERT_EQUAL(parse(s, &v), OK);
    return v;
}

/* ERROR and *usec left untouched. */
static int rejected(const char *s)
{
    int64_t v = SENTINEL;
    return parse(s, &v) == ERROR && v == SENTINEL;
}

static const char *fmt(int64_t usec)
{
    static char out[RFC3339_MAX];
    size_t n = rfc3339_format(usec, out);
    CU_ASSERT_EQUAL(n, strlen(out));
    return out;
}

static const char *fmt_off(int64_t usec, int off)
{
    static char out[RFC3339_MAX];
    size_t n = rfc3339_format_offset(usec, off, out);
    CU_ASSERT_EQUAL(n, strlen(out));
    return out;
}

/* ---- parse: valid input ---- */

static void test_rfc3339_parse_epoch_is_zero(void)
{
    CU_ASSERT_EQUAL(parse_ok("1970-01-01T00:00:00Z"), 0);
}

static void test_rfc3339_parse_known_utc_instants(void)
{
    CU_ASSERT_EQUAL(parse_ok("2021-03-04T05:06:07Z"), INT64_C(1614834367000000));
    CU_ASSERT_EQUAL(parse_ok("2016-12-31T23:59:59Z"), INT64_C(1483228799000000));
    CU_ASSERT_EQUAL(parse_ok("1600-03-01T00:00:00Z"), INT64_C(-11670912000000000));
    CU_ASSERT_EQUAL(parse_ok("1900-03-01T00:00:00Z"), INT64_C(-2203891200000000));
}

static void test_rfc3339_parse_year_range_limits(void)
{
    CU_ASSERT_EQUAL(parse_ok("0001-01-01T00:00:00Z"), INT64_C(-62135596800000000));
    CU_ASSERT_EQUAL(parse_ok("9999-12-31T23:59:59.999999Z"), INT64_C(253402300799999999));
}

static void test_rfc3339_parse_before_epoch_with_fraction(void)
{
    CU_ASSERT_EQUAL(parse_ok("1969-12-31T23:59:59.5Z"), -500000);
}

static void test_rfc3339_parse_accepts_feb_29_in_leap_years(void)
{
    CU_ASSERT_EQUAL(parse_ok("2000-02-29T00:00:00Z"), INT64_C(951782400000000));
    CU_ASSERT_EQUAL(parse_ok("2024-02-29T12:00:00Z"), INT64_C(1709208000000000));
    CU_ASSERT_EQUAL(parse_ok("1600-02-29T00:00:00Z"), INT64_C(-11670912000000000) - INT64_C(86400000000));
}

static void test_rfc3339_parse_rejects_feb_29_in_common_years(void)
{
    CU_ASSERT_TRUE(rejected("2023-02-29T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("1900-02-29T00:00:00Z")); /* divisible by 100 */
    CU_ASSERT_TRUE(rejected("2100-02-29T00:00:00Z"));
}

static void test_rfc3339_parse_rejects_feb_30(void)
{
    CU_ASSERT_TRUE(rejected("2024-02-30T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("2000-02-30T00:00:00Z"));
}

/* Feb 29 exists exactly in Gregorian leap years, and consecutive Jan 1sts
 * are 365 or 366 days apart accordingly, for every year 0001..9998. */
static void test_rfc3339_parse_leap_rule_holds_for_all_years(void)
{
    int all_ok = 1;
    int64_t day = INT64_C(86400000000);
    for (int y = 1; y < 9999; y++) {
        char s[32], t[32];
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int64_t a, b, c;
        snprintf(s, sizeof s, "%04d-02-29T00:00:00Z", y);
        if ((parse(s, &a) == OK) != leap)
            all_ok = 0;
        snprintf(s, sizeof s, "%04d-01-01T00:00:00Z", y);
        snprintf(t, sizeof t, "%04d-01-01T00:00:00Z", y + 1);
        if (parse(s, &b) != OK || parse(t, &c) != OK || c - b != (leap ? 366 : 365) * day)
            all_ok = 0;
    }
    CU_ASSERT_TRUE(all_ok);
}

static void test_rfc3339_parse_applies_plus_14_00_offset(void)
{
    CU_ASSERT_EQUAL(parse_ok("2021-03-04T05:06:07+14:00"), INT64_C(1614783967000000));
}

static void test_rfc3339_parse_applies_minus_00_30_offset(void)
{
    CU_ASSERT_EQUAL(parse_ok("2021-03-04T05:06:07-00:30"), INT64_C(1614836167000000));
}

static void test_rfc3339_parse_offset_crossing_midnight_and_year(void)
{
    CU_ASSERT_EQUAL(parse_ok("1970-01-01T01:00:00+01:00"), 0);
    CU_ASSERT_EQUAL(parse_ok("1969-12-31T23:30:00-00:30"), 0);
    CU_ASSERT_EQUAL(parse_ok("1970-01-01T23:59:00+23:59"), 0);
    CU_ASSERT_EQUAL(parse_ok("1970-01-01T00:00:00-00:00"), 0);
}

static void test_rfc3339_parse_accepts_lower_case_t_z_and_space(void)
{
    CU_ASSERT_EQUAL(parse_ok("2021-03-04t05:06:07z"), INT64_C(1614834367000000));
    CU_ASSERT_EQUAL(parse_ok("2021-03-04 05:06:07Z"), INT64_C(1614834367000000));
}

static void test_rfc3339_parse_fractions_of_1_to_9_digits(void)
{
    static const struct { const char *s; int64_t usec; } cases[] = {
        { "1970-01-01T00:00:00.1Z", 100000 },
        { "1970-01-01T00:00:00.12Z", 120000 },
        { "1970-01-01T00:00:00.123Z", 123000 },
        { "1970-01-01T00:00:00.1234Z", 123400 },
        { "1970-01-01T00:00:00.12345Z", 123450 },
        { "1970-01-01T00:00:00.123456Z", 123456 },
        { "1970-01-01T00:00:00.1234567Z", 123456 },
        { "1970-01-01T00:00:00.12345678Z", 123456 },
        { "1970-01-01T00:00:00.123456789Z", 123456 },
        { "1970-01-01T00:00:00.000001Z", 1 },
        { "1970-01-01T00:00:00.0000009Z", 0 },
        { "1970-01-01T00:00:00.000000Z", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CU_ASSERT_EQUAL(parse_ok(cases[i].s), cases[i].usec);
}

static void test_rfc3339_parse_truncates_long_fraction_not_rounds(void)
{
    CU_ASSERT_EQUAL(parse_ok("1970-01-01T00:00:00.999999999Z"), 999999);
    CU_ASSERT_EQUAL(parse_ok("1970-01-01T00:00:00.1234569999999999999999999Z"), 123456);
    /* the fraction is cut to microseconds before it is added to the
     * (negative) second, so 23:59:59.9999999 is 1 us before the epoch */
    CU_ASSERT_EQUAL(parse_ok("1969-12-31T23:59:59.9999999Z"), -1);
}

static void test_rfc3339_parse_uses_len_not_nul(void)
{
    const char *s = "2021-03-04T05:06:07Zjunk";
    int64_t v = 0;
    CU_ASSERT_EQUAL(rfc3339_parse(s, 20, &v), OK);
    CU_ASSERT_EQUAL(v, INT64_C(1614834367000000));
    CU_ASSERT_EQUAL(rfc3339_parse(s, 21, &v), ERROR);
}

/* ---- parse: malformed input ---- */

static void test_rfc3339_parse_rejects_null_and_empty(void)
{
    int64_t v = SENTINEL;
    CU_ASSERT_EQUAL(rfc3339_parse(NULL, 0, &v), ERROR);
    CU_ASSERT_EQUAL(rfc3339_parse(NULL, 20, &v), ERROR);
    CU_ASSERT_EQUAL(rfc3339_parse("", 0, &v), ERROR);
    CU_ASSERT_EQUAL(v, SENTINEL);
}

static void test_rfc3339_parse_rejects_every_truncation(void)
{
    const char *full = "2021-03-04T05:06:07.123+02:00";
    size_t n = strlen(full);
    int any_accepted = 0;
    for (size_t len = 0; len < n; len++) {
        int64_t v = SENTINEL;
        if (rfc3339_parse(full, len, &v) != ERROR || v != SENTINEL)
            any_accepted = 1;
    }
    CU_ASSERT_FALSE(any_accepted);
    CU_ASSERT_EQUAL(parse_ok(full), INT64_C(1614827167123000));
}

static void test_rfc3339_parse_rejects_missing_zone(void)
{
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07.5"));
    CU_ASSERT_TRUE(rejected("2021-03-04"));
}

static void test_rfc3339_parse_rejects_out_of_range_fields(void)
{
    CU_ASSERT_TRUE(rejected("2021-13-01T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("2021-00-01T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("2021-01-00T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("2021-01-32T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("2021-04-31T00:00:00Z"));
    CU_ASSERT_TRUE(rejected("2021-01-01T24:00:00Z"));
    CU_ASSERT_TRUE(rejected("2021-01-01T00:60:00Z"));
    CU_ASSERT_TRUE(rejected("2021-01-01T00:00:61Z"));
    CU_ASSERT_TRUE(rejected("2021-01-01T00:00:99Z"));
}

static void test_rfc3339_parse_rejects_leap_second_60_like_go(void)
{
    CU_ASSERT_TRUE(rejected("2016-12-31T23:59:60Z"));
}

static void test_rfc3339_parse_rejects_bad_offsets(void)
{
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07+24:00"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07+05:60"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07+0100"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07+01"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07+1:00"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07 +01:00"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07UTC"));
}

static void test_rfc3339_parse_rejects_malformed_fraction(void)
{
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07.Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07,5Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07.5.5Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07.-5Z"));
}

static void test_rfc3339_parse_rejects_wrong_widths_and_separators(void)
{
    CU_ASSERT_TRUE(rejected("2021-3-04T05:06:07Z"));
    CU_ASSERT_TRUE(rejected("21-03-04T05:06:07Z"));
    CU_ASSERT_TRUE(rejected("+2021-03-04T05:06:07Z"));
    CU_ASSERT_TRUE(rejected("12021-03-04T05:06:07Z"));
    CU_ASSERT_TRUE(rejected("2021/03/04T05:06:07Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04X05:06:07Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05.06.07Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04T5:06:07Z"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06Z"));
    CU_ASSERT_TRUE(rejected("2021-0a-04T05:06:07Z"));
    CU_ASSERT_TRUE(rejected(" 2021-03-04T05:06:07Z"));
}

static void test_rfc3339_parse_rejects_trailing_garbage(void)
{
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07Zx"));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07Z "));
    CU_ASSERT_TRUE(rejected("2021-03-04T05:06:07+01:00:00"));
    int64_t v = SENTINEL;
    CU_ASSERT_EQUAL(rfc3339_parse("2021-03-04T05:06:07Z\0", 21, &v), ERROR);
}

/* ---- format ---- */

static void test_rfc3339_format_epoch(void)
{
    CU_ASSERT_STRING_EQUAL(fmt(0), "1970-01-01T00:00:00Z");
}

static void test_rfc3339_format_strips_trailing_zeros_like_go(void)
{
    int64_t t = INT64_C(1614834367000000);
    CU_ASSERT_STRING_EQUAL(fmt(t), "2021-03-04T05:06:07Z");
    CU_ASSERT_STRING_EQUAL(fmt(t + 100000), "2021-03-04T05:06:07.1Z");
    CU_ASSERT_STRING_EQUAL(fmt(t + 123000), "2021-03-04T05:06:07.123Z");
    CU_ASSERT_STRING_EQUAL(fmt(t + 120), "2021-03-04T05:06:07.00012Z");
    CU_ASSERT_STRING_EQUAL(fmt(t + 1), "2021-03-04T05:06:07.000001Z");
    CU_ASSERT_STRING_EQUAL(fmt(t + 999999), "2021-03-04T05:06:07.999999Z");
}

static void test_rfc3339_format_before_epoch(void)
{
    CU_ASSERT_STRING_EQUAL(fmt(-1), "1969-12-31T23:59:59.999999Z");
    CU_ASSERT_STRING_EQUAL(fmt(-500000), "1969-12-31T23:59:59.5Z");
    CU_ASSERT_STRING_EQUAL(fmt(INT64_C(-62135596800000000)), "0001-01-01T00:00:00Z");
}

static void test_rfc3339_format_leap_day_and_year_end(void)
{
    CU_ASSERT_STRING_EQUAL(fmt(INT64_C(951782400000000)), "2000-02-29T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(fmt(INT64_C(253402300799999999)), "9999-12-31T23:59:59.999999Z");
}

/* Values Go prints for time.UnixMicro(math.MaxInt64 / MinInt64). */
static void test_rfc3339_format_int64_extremes_fit_buffer(void)
{
    CU_ASSERT_STRING_EQUAL(fmt(INT64_MAX), "294247-01-10T04:00:54.775807Z");
    CU_ASSERT_STRING_EQUAL(fmt(INT64_MIN), "-290308-12-21T19:59:05.224192Z");
    CU_ASSERT_STRING_EQUAL(fmt_off(INT64_MAX, 23 * 3600 + 59 * 60), "294247-01-11T03:59:54.775807+23:59");
    CU_ASSERT_STRING_EQUAL(fmt_off(INT64_MIN, -(23 * 3600 + 59 * 60)), "-290308-12-20T20:00:05.224192-23:59");
}

static void test_rfc3339_format_offset_zero_writes_z(void)
{
    CU_ASSERT_STRING_EQUAL(fmt_off(0, 0), "1970-01-01T00:00:00Z");
}

static void test_rfc3339_format_offset_positive_and_negative(void)
{
    CU_ASSERT_STRING_EQUAL(fmt_off(0, 3600), "1970-01-01T01:00:00+01:00");
    CU_ASSERT_STRING_EQUAL(fmt_off(0, -1800), "1969-12-31T23:30:00-00:30");
    CU_ASSERT_STRING_EQUAL(fmt_off(0, 14 * 3600), "1970-01-01T14:00:00+14:00");
    CU_ASSERT_STRING_EQUAL(fmt_off(INT64_C(1614834367250000), -(9 * 3600 + 30 * 60)),
                           "2021-03-03T19:36:07.25-09:30");
}

static void test_rfc3339_format_offset_drops_seconds_of_offset_like_go(void)
{
    /* Go shows whole minutes of the zone; a sub-minute offset is "+00:00" */
    CU_ASSERT_STRING_EQUAL(fmt_off(0, 30), "1970-01-01T00:00:30+00:00");
    CU_ASSERT_STRING_EQUAL(fmt_off(0, 3661), "1970-01-01T01:01:01+01:01");
}

static void test_rfc3339_format_then_parse_round_trips(void)
{
    /* a spread of instants over years 1..9999, including odd microseconds */
    int64_t lo = INT64_C(-62135596800000000), hi = INT64_C(253402300799999999);
    uint64_t x = 88172645463325252u;
    int ok = 1;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t t = lo + (int64_t)(x % (uint64_t)(hi - lo));
        char out[RFC3339_MAX];
        size_t n = rfc3339_format(t, out);
        int64_t back;
        if (rfc3339_parse(out, n, &back) != OK || back != t)
            ok = 0;
    }
    CU_ASSERT_TRUE(ok);
}

static void test_rfc3339_parse_then_format_offset_reproduces_input(void)
{
    static const struct { const char *s; int off; } cases[] = {
        { "2021-03-04T05:06:07.123+14:00", 14 * 3600 },
        { "2021-03-04T05:06:07-00:30", -1800 },
        { "2000-02-29T23:59:59.000001+05:45", 5 * 3600 + 45 * 60 },
        { "0001-01-01T00:00:00Z", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = parse_ok(cases[i].s);
        CU_ASSERT_STRING_EQUAL(fmt_off(t, cases[i].off), cases[i].s);
    }
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("rfc3339", NULL, NULL);
    ADD(s, test_rfc3339_parse_epoch_is_zero);
    ADD(s, test_rfc3339_parse_known_utc_instants);
    ADD(s, test_rfc3339_parse_year_range_limits);
    ADD(s, test_rfc3339_parse_before_epoch_with_fraction);
    ADD(s, test_rfc3339_parse_accepts_feb_29_in_leap_years);
    ADD(s, test_rfc3339_parse_rejects_feb_29_in_common_years);
    ADD(s, test_rfc3339_parse_rejects_feb_30);
    ADD(s, test_rfc3339_parse_leap_rule_holds_for_all_years);
    ADD(s, test_rfc3339_parse_applies_plus_14_00_offset);
    ADD(s, test_rfc3339_parse_applies_minus_00_30_offset);
    ADD(s, test_rfc3339_parse_offset_crossing_midnight_and_year);
    ADD(s, test_rfc3339_parse_accepts_lower_case_t_z_and_space);
    ADD(s, test_rfc3339_parse_fractions_of_1_to_9_digits);
    ADD(s, test_rfc3339_parse_truncates_long_fraction_not_rounds);
    ADD(s, test_rfc3339_parse_uses_len_not_nul);
    ADD(s, test_rfc3339_parse_rejects_null_and_empty);
    ADD(s, test_rfc3339_parse_rejects_every_truncation);
    ADD(s, test_rfc3339_parse_rejects_missing_zone);
    ADD(s, test_rfc3339_parse_rejects_out_of_range_fields);
    ADD(s, test_rfc3339_parse_rejects_leap_second_60_like_go);
    ADD(s, test_rfc3339_parse_rejects_bad_offsets);
    ADD(s, test_rfc3339_parse_rejects_malformed_fraction);
    ADD(s, test_rfc3339_parse_rejects_wrong_widths_and_separators);
    ADD(s, test_rfc3339_parse_rejects_trailing_garbage);
    ADD(s, test_rfc3339_format_epoch);
    ADD(s, test_rfc3339_format_strips_trailing_zeros_like_go);
    ADD(s, test_rfc3339_format_before_epoch);
    ADD(s, test_rfc3339_format_leap_day_and_year_end);
    ADD(s, test_rfc3339_format_int64_extremes_fit_buffer);
    ADD(s, test_rfc3339_format_offset_zero_writes_z);
    ADD(s, test_rfc3339_format_offset_positive_and_negative);
    ADD(s, test_rfc3339_format_offset_drops_seconds_of_offset_like_go);
    ADD(s, test_rfc3339_format_then_parse_round_trips);
    ADD(s, test_rfc3339_parse_then_format_offset_reproduces_input);
}
