/* test_tengo_stdlib_times.c — Tengo's time values (worker/tengo/value.c,
 * value_time.c, vm_ops.c) and the times module (stdlib_times.c), driven
 * with whole programs as in test_tengo_vm.c: each case is a program and
 * out's String() afterwards, or the exact error. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "compiler.h"
#include "cunit_main.h"
#include "tengo_run.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)


/* The process zone is UTC for these tests: Go's time.Unix and times.date
 * use the local zone. */
static int set_utc(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static void test_time_value_string_type_and_operators(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = t.unix(1136214245, 0)",
          "2006-01-02 15:04:05 +0000 UTC" },
        { "t := import(\"times\"); out = t.unix(0, 123456789)",
          "1970-01-01 00:00:00.123456789 +0000 UTC" },
        { "t := import(\"times\"); out = t.unix(0, 500000000)", "1970-01-01 00:00:00.5 +0000 UTC" },
        { "t := import(\"times\"); out = t.unix(-1, 0)", "1969-12-31 23:59:59 +0000 UTC" },
        { "t := import(\"times\"); out = [type_name(t.now()), is_time(t.now()), is_time(1)]",
          "[\"time\", true, false]" },
        { "t := import(\"times\"); a := t.unix(10, 0); out = a + 1500000000",
          "1970-01-01 00:00:11.5 +0000 UTC" },
        { "t := import(\"times\"); a := t.unix(10, 0); out = a - t.second",
          "1970-01-01 00:00:09 +0000 UTC" },
        { "t := import(\"times\"); out = t.unix(10, 5) - t.unix(8, 0)", "2000000005" },
        { "t := import(\"times\"); a := t.unix(1, 0); b := t.unix(2, 0); "
          "out = [a < b, a > b, a <= a, b >= a, a == t.unix(1, 0), a != b]",
          "[true, false, true, true, true, true]" },
        { "t := import(\"times\"); out = t.unix(1, 0) * 2",
          "Runtime Error: invalid operation: time * int\n\tat test:1:29" },
        { "t := import(\"times\"); out = t.unix(1, 0) + 1.5",
          "Runtime Error: invalid operation: time + float\n\tat test:1:29" },
        { "t := import(\"times\"); out = [!t.unix(1, 0), !t.date(1, 1, 1, 0, 0, 0, 0)]",
          "[false, true]" },
    };
    CHECK(cases);
}

static void test_times_date_fields_and_normalisation(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); d := t.date(2024, 2, 29, 13, 4, 5, 6); "
          "out = [t.time_year(d), t.time_month(d), t.time_day(d), t.time_weekday(d), "
          "t.time_hour(d), t.time_minute(d), t.time_second(d), t.time_nanosecond(d)]",
          "[2024, 2, 29, 4, 13, 4, 5, 6]" },
        { "t := import(\"times\"); out = t.date(2023, 13, 32, 25, 0, 0, 0)",
          "2024-02-02 01:00:00 +0000 UTC" },
        { "t := import(\"times\"); out = t.date(2024, 0, 0, 0, -1, 0, -1)",
          "2023-11-29 23:58:59.999999999 +0000 UTC" },
        { "t := import(\"times\"); d := t.date(1970, 1, 2, 0, 0, 0, 7); "
          "out = [t.time_unix(d), t.time_unix_nano(d)]",
          "[86400, 86400000000007]" },
        { "t := import(\"times\"); out = t.add_date(t.date(2024, 1, 31, 0, 0, 0, 0), 0, 1, 0)",
          "2024-03-02 00:00:00 +0000 UTC" },
        { "t := import(\"times\"); out = t.add_date(t.date(2024, 2, 29, 0, 0, 0, 0), 1, 0, 1)",
          "2025-03-02 00:00:00 +0000 UTC" },
        { "t := import(\"times\"); out = t.is_zero(t.date(1, 1, 1, 0, 0, 0, 0))", "true" },
        { "t := import(\"times\"); out = t.is_zero(t.unix(0, 0))", "false" },
        { "t := import(\"times\"); out = t.date(-1, 1, 1, 0, 0, 0, 0)",
          "-0001-01-01 00:00:00 +0000 UTC" },
        { "t := import(\"times\"); out = t.date(1, 2, 3)",
          "Runtime Error: wrong number of arguments in call to 'user-function:date'\n\tat "
          "test:1:29" },
        { "t := import(\"times\"); out = t.date(1, 2, 3, 4, 5, 6, [])",
          "Runtime Error: invalid type for argument 'seventh' in call to 'user-function:date': "
          "expected int(compatible), found array\n\tat test:1:29" },
    };
    CHECK(cases);
}

static void test_times_add_sub_after_before(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); a := t.unix(100, 0); "
          "out = [t.add(a, 2 * t.second), t.sub(t.add(a, 5), a), t.after(a, 99), t.before(a, 99)]",
          "[1970-01-01 00:01:42 +0000 UTC, 5, true, false]" },
        { "t := import(\"times\"); out = t.sub(1, 2)", "-1000000000" },
        { "t := import(\"times\"); out = t.add(\"x\", 1)",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:add': "
          "expected time(compatible), found string\n\tat test:1:29" },
        { "t := import(\"times\"); a := t.now(); out = t.since(a) >= 0 && t.until(a) <= 0",
          "true" },
        { "t := import(\"times\"); out = t.sub(t.date(2263, 1, 1, 0, 0, 0, 0), t.unix(0, 0))",
          "9223372036854775807" },
        { "t := import(\"times\"); out = [t.to_utc(t.unix(5, 0)), t.time_location(t.to_utc(t.unix(5, 0))), "
          "t.time_location(t.unix(5, 0)), t.time_string(t.to_local(t.unix(5, 0)))]",
          "[1970-01-01 00:00:05 +0000 UTC, \"UTC\", \"Local\", \"1970-01-01 00:00:05 +0000 UTC\"]" },
    };
    CHECK(cases);
}

static void test_times_format_go_layouts(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); d := t.date(2009, 11, 10, 23, 4, 5, 120000000); "
          "out = [t.time_format(d, t.format_rfc3339), t.time_format(d, t.format_rfc3339_nano), "
          "t.time_format(d, t.format_ansic), t.time_format(d, t.format_rfc1123), "
          "t.time_format(d, t.format_kitchen), t.time_format(d, t.format_stamp_milli), "
          "t.time_format(d, t.format_rfc850), t.time_format(d, t.format_ruby_date)]",
          "[\"2009-11-10T23:04:05Z\", \"2009-11-10T23:04:05.12Z\", \"Tue Nov 10 23:04:05 2009\", "
          "\"Tue, 10 Nov 2009 23:04:05 UTC\", \"11:04PM\", \"Nov 10 23:04:05.120\", "
          "\"Tuesday, 10-Nov-09 23:04:05 UTC\", \"Tue Nov 10 23:04:05 +0000 2009\"]" },
        { "t := import(\"times\"); d := t.date(2024, 3, 5, 7, 8, 9, 0); "
          "out = t.time_format(d, \"Monday January 2 _2 002 3 03 pm 4 5 06 .000 ,99 Z0700 -07:00 x\")",
          "\"Tuesday March 5  5 065 7 07 am 8 9 24 .000  Z +00:00 x\"" },
        { "t := import(\"times\"); out = t.time_format(t.unix(0, 0), \"05.0001 _2006\")",
          "\"00.0001 _1970\"" },
    };
    CHECK(cases);
}

static void test_times_durations(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = [t.duration_string(0), t.duration_string(1), "
          "t.duration_string(1500), t.duration_string(1500000), t.duration_string(-1500000000), "
          "t.duration_string(3723 * t.second + 5), t.duration_string(60 * t.second)]",
          "[\"0s\", \"1ns\", \"1.5\xc2\xb5s\", \"1.5ms\", \"-1.5s\", \"1h2m3.000000005s\", "
          "\"1m0s\"]" },
        { "t := import(\"times\"); out = [t.parse_duration(\"1h2m3.5s\"), t.parse_duration(\"-1.5ms\"), "
          "t.parse_duration(\"0\"), t.parse_duration(\"+3us\"), t.parse_duration(\".5s\")]",
          "[3723500000000, -1500000, 0, 3000, 500000000]" },
        { "t := import(\"times\"); out = [t.parse_duration(\"\"), t.parse_duration(\"1\"), "
          "t.parse_duration(\"1x\"), t.parse_duration(\"9999999999h\")]",
          "[error: \"time: invalid duration \\\"\\\"\", error: \"time: missing unit in duration "
          "\\\"1\\\"\", error: \"time: unknown unit \\\"x\\\" in duration \\\"1x\\\"\", error: "
          "\"time: invalid duration \\\"9999999999h\\\"\"]" },
        { "t := import(\"times\"); out = [t.duration_hours(90 * t.minute), "
          "t.duration_minutes(90 * t.second), t.duration_seconds(1500 * t.millisecond), "
          "t.duration_nanoseconds(7)]",
          "[1.5, 1.5, 1.5, 7]" },
        { "t := import(\"times\"); out = [t.month_string(t.march), t.month_string(13)]",
          "[\"March\", \"%!Month(13)\"]" },
        { "t := import(\"times\"); out = [t.hour, t.minute, t.millisecond, t.december]",
          "[3600000000000, 60000000000, 1000000, 12]" },
    };
    CHECK(cases);
}

static void test_times_sleep_respects_the_deadline(void)
{
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_program("t := import(\"times\"); t.sleep(t.millisecond); out = 1", &got,
                                NULL, 10000),
                    OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), "1");
    buf_reset(&got);
    int64_t start = tg_now_ns();
    CU_ASSERT_EQUAL(run_program("t := import(\"times\"); t.sleep(60 * t.second)", &got, NULL, 100),
                    ERROR);
    CU_ASSERT(tg_now_ns() - start < 2000000000);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_cstr(&got), "deadline exceeded"));
    buf_free(&got);
}

static void test_times_json_encode_is_rfc3339_nano(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); j := import(\"json\"); "
          "out = string(j.encode({a: t.unix(1136214245, 120000000), b: t.unix(0, 0)}))",
          "\"{\\\"a\\\":\\\"2006-01-02T15:04:05.12Z\\\",\\\"b\\\":\\\"1970-01-01T00:00:00Z\\\"}\"" },
        { "t := import(\"times\"); j := import(\"json\"); out = j.encode(t.date(10000, 1, 1, 0, 0, 0, 0))",
          "error: \"Time.MarshalJSON: year outside of range [0,9999]\"" },
    };
    CHECK(cases);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_stdlib_times", set_utc, NULL);
    ADD(s, test_time_value_string_type_and_operators);
    ADD(s, test_times_date_fields_and_normalisation);
    ADD(s, test_times_add_sub_after_before);
    ADD(s, test_times_format_go_layouts);
    ADD(s, test_times_durations);
    ADD(s, test_times_sleep_respects_the_deadline);
    ADD(s, test_times_json_encode_is_rfc3339_nano);
}
