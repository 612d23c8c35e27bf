/* test_tengo_stdlib_times.c — Tengo's time values (tengo/value.c,
 * value_time.c, vm_ops.c) and the times module (stdlib_times.c), driven
 * with whole programs as in test_tengo_vm.c: each case is a program and
 * out's String() afterwards, or the exact error. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
          "[1970-01-01 00:00:05 +0000 UTC, \"UTC\", \"UTC\", \"1970-01-01 00:00:05 +0000 UTC\"]" },
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

/* ---- zones (common/tzfile.c) ---- */

#define ST "\"Europe/Stockholm\""
#define NY "\"America/New_York\""

static void test_times_in_location_dst_transitions_both_ways(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = [t.in_location(t.unix(1711846799, 0), " ST "), "
          "t.in_location(t.unix(1711846800, 0), " ST "), t.in_location(t.unix(1729990799, 0), " ST
          "), t.in_location(t.unix(1729990800, 0), " ST ")]",
          "[2024-03-31 01:59:59 +0100 CET, 2024-03-31 03:00:00 +0200 CEST, "
          "2024-10-27 02:59:59 +0200 CEST, 2024-10-27 02:00:00 +0100 CET]" },
        { "t := import(\"times\"); out = [t.in_location(t.unix(1710053999, 0), " NY "), "
          "t.in_location(t.unix(1710054000, 0), " NY "), t.in_location(t.unix(1730613599, 0), " NY
          "), t.in_location(t.unix(1730613600, 0), " NY ")]",
          "[2024-03-10 01:59:59 -0500 EST, 2024-03-10 03:00:00 -0400 EDT, "
          "2024-11-03 01:59:59 -0400 EDT, 2024-11-03 01:00:00 -0500 EST]" },
        /* arithmetic asks the zone again: one second later is summer time */
        { "t := import(\"times\"); a := t.in_location(t.unix(1711846799, 0), " ST "); "
          "out = [a + t.second, t.add(a, t.second), t.time_hour(a + t.second)]",
          "[2024-03-31 03:00:00 +0200 CEST, 2024-03-31 03:00:00 +0200 CEST, 3]" },
        { "t := import(\"times\"); out = t.add_date(t.date(2024, 3, 30, 12, 0, 0, 0, " ST "), 0, 0, 1)",
          "2024-03-31 12:00:00 +0200 CEST" },
        /* a wall time in the spring gap moves forward, in the autumn overlap as Go picks */
        { "t := import(\"times\"); out = [t.date(2024, 3, 31, 2, 30, 0, 0, " ST "), "
          "t.date(2024, 10, 27, 2, 30, 0, 0, " ST "), t.date(2024, 3, 10, 2, 30, 0, 0, " NY "), "
          "t.date(2024, 11, 3, 1, 30, 0, 0, " NY ")]",
          "[2024-03-31 03:30:00 +0200 CEST, 2024-10-27 02:30:00 +0100 CET, "
          "2024-03-10 01:30:00 -0500 EST, 2024-11-03 01:30:00 -0400 EDT]" },
        { "t := import(\"times\"); a := t.in_location(t.unix(1720000000, 0), " NY "); "
          "out = [t.time_location(a), t.time_format(a, \"MST -0700 Z07:00 15\"), "
          "t.time_unix(a), t.time_location(t.to_utc(a)), t.time_location(t.to_local(a))]",
          "[\"America/New_York\", \"EDT -0400 -04:00 05\", 1720000000, \"UTC\", \"UTC\"]" },
        { "t := import(\"times\"); a := t.unix(5, 0); out = [t.in_location(a, \"\"), "
          "t.time_location(t.in_location(a, \"UTC\")), t.time_location(t.in_location(a, \"Local\")), "
          "t.time_location(t.date(2024, 1, 1, 0, 0, 0, 0, \"Asia/Kolkata\")), "
          "t.date(2024, 1, 1, 0, 0, 0, 0, \"Asia/Kolkata\")]",
          "[1970-01-01 00:00:05 +0000 UTC, \"UTC\", \"UTC\", \"Asia/Kolkata\", "
          "2024-01-01 00:00:00 +0530 IST]" },
    };
    CHECK(cases);
}

static void test_times_far_future_uses_the_footer_rule(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = [t.in_location(t.date(2100, 3, 28, 1, 59, 59, 0, \"UTC\"), " ST
          "), t.in_location(t.date(2100, 3, 28, 2, 0, 0, 0, \"UTC\"), " ST "), "
          "t.in_location(t.date(2100, 10, 31, 0, 59, 59, 0, \"UTC\"), " ST "), "
          "t.in_location(t.date(2100, 10, 31, 1, 0, 0, 0, \"UTC\"), " ST ")]",
          "[2100-03-28 03:59:59 +0200 CEST, 2100-03-28 04:00:00 +0200 CEST, "
          "2100-10-31 02:59:59 +0200 CEST, 2100-10-31 02:00:00 +0100 CET]" },
        { "t := import(\"times\"); out = [t.date(2200, 7, 4, 12, 0, 0, 0, " NY "), "
          "t.date(2200, 12, 25, 12, 0, 0, 0, " NY "), "
          "t.in_location(t.date(2200, 3, 9, 7, 0, 0, 0, \"UTC\"), " NY ")]",
          "[2200-07-04 12:00:00 -0400 EDT, 2200-12-25 12:00:00 -0500 EST, "
          "2200-03-09 03:00:00 -0400 EDT]" },
    };
    CHECK(cases);
}

static void test_times_in_location_errors_are_go_errors(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); a := t.unix(0, 0); out = [t.in_location(a, \"Nowhere/City\"), "
          "t.in_location(a, \"../etc/passwd\"), t.in_location(a, \"/etc/passwd\"), "
          "t.in_location(a, \"Europe\"), t.in_location(a, \"a b\")]",
          "[error: \"unknown time zone Nowhere/City\", error: \"time: invalid location name\", "
          "error: \"time: invalid location name\", error: \"is a directory\", "
          "error: \"unknown time zone a b\"]" },
        { "t := import(\"times\"); out = t.date(2024, 1, 1, 0, 0, 0, 0, \"Mars/Olympus\")",
          "error: \"unknown time zone Mars/Olympus\"" },
        /* Tengo's ToString takes any value but undefined */
        { "t := import(\"times\"); out = [t.in_location(t.unix(0, 0), 5), t.date(1, 1, 1, 0, 0, 0, 0, [])]",
          "[error: \"unknown time zone 5\", error: \"unknown time zone []\"]" },
        { "t := import(\"times\"); out = t.in_location(t.unix(0, 0), undefined)",
          "Runtime Error: invalid type for argument 'second' in call to 'user-function:in_location': "
          "expected string(compatible), found undefined\n\tat test:1:29" },
        { "t := import(\"times\"); out = t.in_location(t.unix(0, 0))",
          "Runtime Error: wrong number of arguments in call to 'user-function:in_location'\n\tat "
          "test:1:29" },
        { "t := import(\"times\"); out = t.date(1, 1, 1, 0, 0, 0, 0, \"UTC\", 9)",
          "Runtime Error: wrong number of arguments in call to 'user-function:date'\n\tat test:1:29" },
        { "t := import(\"times\"); out = t.date(1, 1, 1, 0, 0, 0, 0, undefined)",
          "Runtime Error: invalid type for argument 'eighth' in call to 'user-function:date': "
          "expected string(compatible), found undefined\n\tat test:1:29" },
    };
    CHECK(cases);
}

static void test_times_parse_layouts(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = [t.parse(\"2006-01-02\", \"2024-02-29\"), "
          "t.parse(t.format_rfc3339, \"2024-03-31T03:00:00+02:00\"), "
          "t.parse(t.format_rfc3339_nano, \"2006-01-02T15:04:05.123456789Z\"), "
          "t.parse(t.format_rfc1123, \"Mon, 02 Jan 2006 15:04:05 PST\"), "
          "t.parse(t.format_rfc1123z, \"Mon, 02 Jan 2006 15:04:05 -0700\"), "
          "t.parse(t.format_kitchen, \"3:04PM\")]",
          "[2024-02-29 00:00:00 +0000 UTC, 2024-03-31 03:00:00 +0200 +0200, "
          "2006-01-02 15:04:05.123456789 +0000 UTC, 2006-01-02 15:04:05 +0000 PST, "
          "2006-01-02 15:04:05 -0700 -0700, 0000-01-01 15:04:00 +0000 UTC]" },
        { "t := import(\"times\"); out = [t.parse(\"2006-01-02 15:04:05\", \"2024-01-02 03:04:05.25\"), "
          "t.parse(\"Jan _2 2006 MST\", \"Feb  3 2024 GMT+3\"), t.parse(\"2006-002\", \"2024-060\"), "
          "t.parse(t.format_ansic, \"mon jan  2 15:04:05 2006\"), "
          "t.parse(\"02/01/06 3:04:05.000 pm\", \"31/12/99 11:59:58.999 pm\"), "
          "t.parse(\"2006-01-02T15:04:05 -07:00:00\", \"2024-01-02T03:04:05 +05:30:15\"), "
          "t.parse(\"2006-01-02 15:04 Z07\", \"2024-01-02 03:04 -03\"), "
          "t.parse(\"2006-01-02 MST\", \"2024-01-02 +03\"), "
          "t.parse(t.format_rfc3339, \"2024-01-02T03:04:05.5Z\")]",
          "[2024-01-02 03:04:05.25 +0000 UTC, 2024-02-03 03:00:00 +0300 GMT+3, "
          "2024-02-29 00:00:00 +0000 UTC, 2006-01-02 15:04:05 +0000 UTC, "
          "1999-12-31 23:59:58.999 +0000 UTC, 2024-01-02 03:04:05 +0530 +0530, "
          "2024-01-02 03:04:00 -0300 -0300, 2024-01-02 00:00:00 +0000 +03, "
          "2024-01-02 03:04:05.5 +0000 UTC]" },
        { "t := import(\"times\"); out = [t.time_location(t.parse(t.format_rfc3339, "
          "\"2024-01-02T03:04:05Z\")), t.time_location(t.parse(t.format_rfc1123, "
          "\"Mon, 02 Jan 2006 15:04:05 PST\")), t.time_location(t.parse(t.format_rfc3339, "
          "\"2024-01-02T03:04:05+01:00\")), t.time_location(t.parse(t.format_rfc3339, "
          "\"2024-01-02T03:04:05+00:00\"))]",
          "[\"UTC\", \"PST\", \"\", \"UTC\"]" },
        /* format then parse gives the same instant back */
        { "t := import(\"times\"); a := t.in_location(t.unix(1720000000, 123456789), " NY "); "
          "ls := [t.format_rfc3339_nano, t.format_rfc1123z, t.format_ruby_date, "
          "\"2006-01-02T15:04:05.000000000-07:00:00\", \"Monday, 02-Jan-06 15:04:05.999 Z0700\"]; "
          "out = []; for l in ls { s := t.time_format(a, l); "
          "out = append(out, t.time_format(t.parse(l, s), l) == s, t.time_unix(t.parse(l, s))) }",
          "[true, 1720000000, true, 1720000000, true, 1720000000, true, 1720000000, true, "
          "1720000000]" },
    };
    CHECK(cases);
}

static void test_times_parse_errors_are_go_errors(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = [t.parse(\"2006-01-02\", \"x\"), "
          "t.parse(\"2006-01-02\", \"2024-13-01\"), t.parse(\"2006-01-02\", \"2024-02-30\"), "
          "t.parse(\"2006-01-02\", \"2024-01-02x\"), t.parse(\"2006-01-02\", \"2024/01/02\"), "
          "t.parse(\"15:04\", \"25:00\"), t.parse(\"2006-002\", \"2023-366\")]",
          "[error: \"parsing time \\\"x\\\" as \\\"2006-01-02\\\": cannot parse \\\"x\\\" as "
          "\\\"2006\\\"\", error: \"parsing time \\\"2024-13-01\\\": month out of range\", "
          "error: \"parsing time \\\"2024-02-30\\\": day out of range\", "
          "error: \"parsing time \\\"2024-01-02x\\\": extra text: \\\"x\\\"\", "
          "error: \"parsing time \\\"2024/01/02\\\" as \\\"2006-01-02\\\": cannot parse "
          "\\\"/01/02\\\" as \\\"-\\\"\", error: \"parsing time \\\"25:00\\\": hour out of range\", "
          "error: \"parsing time \\\"2023-366\\\": day-of-year out of range\"]" },
        { "t := import(\"times\"); out = [t.parse(\"Jan 2006\", \"Foo 2024\"), "
          "t.parse(\"15:04:05.000\", \"01:02:03.12\")]",
          "[error: \"parsing time \\\"Foo 2024\\\" as \\\"Jan 2006\\\": cannot parse \\\"Foo "
          "2024\\\" as \\\"Jan\\\"\", error: \"parsing time \\\"01:02:03.12\\\" as "
          "\\\"15:04:05.000\\\": cannot parse \\\".12\\\" as \\\".000\\\"\"]" },
        { "t := import(\"times\"); out = [t.parse([], \"x\"), t.parse(undefined, \"x\")]",
          "Runtime Error: invalid type for argument 'first' in call to 'user-function:parse': "
          "expected string(compatible), found undefined\n\tat test:1:48" },
        { "t := import(\"times\"); out = t.parse(\"x\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:parse'\n\tat "
          "test:1:29" },
    };
    CHECK(cases);
}

/* With TZ naming a zone, Local is that zone: unix(), date() and parse()'s
 * abbreviations use it, as Go's time.Local does. */
static void test_times_local_zone_from_tz(void)
{
    static const struct vm_case cases[] = {
        { "t := import(\"times\"); out = [t.unix(0, 0), t.date(2024, 7, 1, 0, 0, 0, 0), "
          "t.unix(1711846799, 0) + t.second, t.time_location(t.unix(0, 0))]",
          "[1970-01-01 01:00:00 +0100 CET, 2024-07-01 00:00:00 +0200 CEST, "
          "2024-03-31 03:00:00 +0200 CEST, \"Europe/Stockholm\"]" },
        /* the time builtin gives local times with the zone's rules too */
        { "t := import(\"times\"); a := time(1711846799); out = [a, a + t.second, "
          "t.time_location(a)]",
          "[2024-03-31 01:59:59 +0100 CET, 2024-03-31 03:00:00 +0200 CEST, \"Europe/Stockholm\"]" },
        { "t := import(\"times\"); f := t.format_rfc1123; out = ["
          "t.parse(f, \"Mon, 01 Jul 2024 12:00:00 CEST\"), t.parse(f, \"Mon, 01 Jan 2024 12:00:00 CEST\"), "
          "t.parse(f, \"Mon, 01 Jan 2024 12:00:00 CET\"), t.parse(f, \"Mon, 01 Jul 2024 12:00:00 EST\"), "
          "t.parse(t.format_rfc3339, \"2024-07-01T12:00:00+02:00\"), "
          "t.parse(t.format_rfc3339, \"2024-07-01T12:00:00+01:00\")]",
          "[2024-07-01 12:00:00 +0200 CEST, 2024-01-01 11:00:00 +0100 CET, "
          "2024-01-01 12:00:00 +0100 CET, 2024-07-01 12:00:00 +0000 EST, "
          "2024-07-01 12:00:00 +0200 CEST, 2024-07-01 12:00:00 +0100 +0100]" },
    };
    setenv("TZ", "Europe/Stockholm", 1);
    tzset();
    CHECK(cases);
    set_utc();
}

/* time_location of a local time is the name Go gives time.Local: "Local"
 * for /etc/localtime, TZ as given (less a ':'), "UTC" when TZ is empty,
 * "UTC" or no zone (Go Tengo v2.10.1's answers under each TZ). */
static void test_times_local_location_name_is_gos(void)
{
    static const struct {
        const char *tz; /* NULL: unset */
        const char *want;
    } tzs[] = {
        { NULL, "\"Local\"" },
        { "", "\"UTC\"" },
        { "UTC", "\"UTC\"" },
        { ":Europe/Stockholm", "\"Europe/Stockholm\"" },
        { "/etc/localtime", "\"Local\"" },
        { "Bogus/Zone", "\"UTC\"" },
    };
    for (size_t i = 0; i < sizeof tzs / sizeof *tzs; i++) {
        if (tzs[i].tz)
            setenv("TZ", tzs[i].tz, 1);
        else
            unsetenv("TZ");
        tzset();
        struct vm_case c = { "t := import(\"times\"); out = t.time_location(t.unix(0, 0))",
                             tzs[i].want };
        if (!tzs[i].tz && access("/etc/localtime", R_OK) != 0)
            c.want = "\"UTC\""; /* no zone to load: Go falls back to UTC */
        check_cases(&c, 1);
    }
    set_utc();
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
    ADD(s, test_times_in_location_dst_transitions_both_ways);
    ADD(s, test_times_far_future_uses_the_footer_rule);
    ADD(s, test_times_in_location_errors_are_go_errors);
    ADD(s, test_times_parse_layouts);
    ADD(s, test_times_parse_errors_are_go_errors);
    ADD(s, test_times_local_zone_from_tz);
    ADD(s, test_times_local_location_name_is_gos);
}
