/* test_cron.c — cron.h: what robfig/cron v3 (Second|Minute|Hour|Dom|Month|
 * Dow|Descriptor) accepts and refuses, the values each field stands for,
 * Go durations for "@every", locations, and next activation times (UTC,
 * named zones across daylight-saving changes in both directions, schedules
 * that never run). The expected instants are what the library's Next gives
 * on Go 1.19's time package with the same zoneinfo. */
#include <CUnit/CUnit.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"
#include "cunit_main.h"
#include "rfc3339.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define BIT(v) (UINT64_C(1) << (v))

static int valid(const char *expr)
{
    struct cron_spec s;
    char err[CRON_ERR_MAX];
    int ok = cron_parse(expr, &s, err, sizeof err) == OK;
    if (!ok)
        fprintf(stderr, "\nrefused '%s': %s\n", expr, err);
    return ok;
}

static int refused(const char *expr)
{
    struct cron_spec s;
    char err[CRON_ERR_MAX] = "";
    int bad = cron_parse(expr, &s, err, sizeof err) == ERROR;
    if (!bad)
        fprintf(stderr, "\naccepted '%s'\n", expr);
    return bad && err[0] != '\0';
}

static struct cron_spec parsed(const char *expr)
{
    struct cron_spec s;
    CU_ASSERT_EQUAL(cron_parse(expr, &s, NULL, 0), OK);
    return s;
}

static int64_t at(const char *rfc3339)
{
    int64_t v = 0;
    CU_ASSERT_EQUAL(rfc3339_parse(rfc3339, strlen(rfc3339), &v), OK);
    return v;
}

/* next(expr, after) as RFC 3339 (UTC), or "never". */
static const char *next(const char *expr, const char *after)
{
    static char out[RFC3339_MAX];
    int64_t n;
    if (cron_next(expr, at(after), &n) != OK)
        return "never";
    rfc3339_format(n, out);
    return out;
}

/* ---- accepted and refused ----------------------------------------------- */

static void test_cron_accepts_six_field_specs(void)
{
    CU_ASSERT_TRUE(valid("*/2 * * * * *"));
    CU_ASSERT_TRUE(valid("0 45 23 * * 6"));
    CU_ASSERT_TRUE(valid("0 0 12 * * MON-FRI"));
    CU_ASSERT_TRUE(valid("0 0 0 1 JAN,jul *"));
    CU_ASSERT_TRUE(valid("? * * * * ?"));
    CU_ASSERT_TRUE(valid("0 0 0 * * sun"));
    CU_ASSERT_TRUE(valid("1-10/2 * * * * *"));
    CU_ASSERT_TRUE(valid("5/15 * * * * *"));
    CU_ASSERT_TRUE(valid("0 0 0 1,15 * *"));
    CU_ASSERT_TRUE(valid("59 59 23 31 12 6"));
    CU_ASSERT_TRUE(valid("0 0 0 1 1 0"));
    CU_ASSERT_TRUE(valid("00 05 * * * *"));
    CU_ASSERT_TRUE(valid("0 0 0 * Feb-Dec/3 *"));
}

static void test_cron_accepts_white_space_like_go_fields(void)
{
    CU_ASSERT_TRUE(valid("  0 0 0 * * *  "));
    CU_ASSERT_TRUE(valid("0\t0\t0 * *\n*"));
    CU_ASSERT_TRUE(valid("0 0   0 * * *"));
}

static void test_cron_keeps_library_quirks(void)
{
    CU_ASSERT_TRUE(valid("+5 * * * * *"));     /* Go's Atoi takes a '+' */
    CU_ASSERT_TRUE(valid("*-5 * * * * *"));    /* read as '*' */
    CU_ASSERT_TRUE(valid("1,,2 * * * * *"));   /* empty list items skipped */
    CU_ASSERT_TRUE(valid("* * * * * ?/2"));
    CU_ASSERT_TRUE(valid("*/100 * * * * *"));  /* a step past the range: one value */
}

static void test_cron_accepts_descriptors(void)
{
    static const char *const ok[] = {
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
        "@every 60s", "@every 1h30m", "@every 1.5h", "@every .5m", "@every 1.h", "@every 500ms",
        "@every 2\xc2\xb5s", "@every 2\xce\xbcs", "@every 1h1m1s1ms1us1ns", "@every +5m",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        CU_ASSERT_TRUE(valid(ok[i]));
}

static void test_cron_accepts_locations(void)
{
    CU_ASSERT_TRUE(valid("TZ=UTC @hourly"));
    CU_ASSERT_TRUE(valid("CRON_TZ=UTC */5 * * * * *"));
    CU_ASSERT_TRUE(valid("TZ=Europe/Stockholm 0 0 8 * * *"));
    CU_ASSERT_TRUE(valid("TZ= 0 * * * * *"));   /* "" is UTC for Go */
    CU_ASSERT_TRUE(valid("TZ=Local @daily"));
    CU_ASSERT_TRUE(valid("TZ=UTC    @daily   ")); /* trimmed after the location */
    struct cron_spec s = parsed("TZ=America/New_York @hourly");
    CU_ASSERT_EQUAL(s.zone, CRON_ZONE_NAMED);
    CU_ASSERT_STRING_EQUAL(s.zone_name, "America/New_York");
    CU_ASSERT_EQUAL(parsed("TZ= @hourly").zone, CRON_ZONE_UTC);
    CU_ASSERT_EQUAL(parsed("@hourly").zone, CRON_ZONE_LOCAL);
}

static void test_cron_refuses_wrong_field_counts(void)
{
    CU_ASSERT_TRUE(refused(""));
    CU_ASSERT_TRUE(refused("   "));
    CU_ASSERT_TRUE(refused("0s")); /* the column default */
    CU_ASSERT_TRUE(refused("* * * * *"));
    CU_ASSERT_TRUE(refused("* * * * * * *"));
    CU_ASSERT_TRUE(refused(" @hourly")); /* not a descriptor: one field */
    CU_ASSERT_TRUE(refused(NULL));
}

static void test_cron_refuses_values_out_of_range(void)
{
    CU_ASSERT_TRUE(refused("60 * * * * *"));
    CU_ASSERT_TRUE(refused("* 60 * * * *"));
    CU_ASSERT_TRUE(refused("* * 24 * * *"));
    CU_ASSERT_TRUE(refused("* * * 0 * *"));
    CU_ASSERT_TRUE(refused("* * * 32 * *"));
    CU_ASSERT_TRUE(refused("* * * * 0 *"));
    CU_ASSERT_TRUE(refused("* * * * 13 *"));
    CU_ASSERT_TRUE(refused("* * * * * 7")); /* Sunday is 0 only */
    CU_ASSERT_TRUE(refused("99999999999999999999 * * * * *"));
    CU_ASSERT_TRUE(refused("9223372036854775807 * * * * *"));
}

static void test_cron_refuses_malformed_fields(void)
{
    static const char *const bad[] = {
        "*/0 * * * * *", "5-1 * * * * *", "1-2-3 * * * * *", "1/2/3 * * * * *",
        "a * * * * *", "-1 * * * * *", ", * * * * *", ",,, * * * * *", "MON * * * * *",
        "* * * * * MONDAY", "* * * * JANUARY *", "1- * * * * *", "-5 * * * * *",
        "1/ * * * * *", "*/ * * * * *", "*/-1 * * * * *", "1.5 * * * * *", "** * * * * *",
        "0x1 * * * * *", "1 2 3 4 5 L", "0 0 0 L * *", "0 0 0 1W * *", "0 0 0 * * 1#2",
        "+ * * * * *", "0 0 0 * * \xc2\xa0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CU_ASSERT_TRUE(refused(bad[i]));
}

static void test_cron_refuses_bad_descriptors(void)
{
    static const char *const bad[] = {
        "@every", "@every ", "@every 0s", "@every 0", "@every -5s", "@every 5", "@every 5x",
        "@every 1h ", "@every  1h", "@every .s", "@every 1e3s", "@hourly ", "@fortnightly",
        "@", "@every 9999999999999999999s", "@every 2562048h", "@Hourly", "@every 1H",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CU_ASSERT_TRUE(refused(bad[i]));
}

static void test_cron_refuses_bad_locations(void)
{
    CU_ASSERT_TRUE(refused("TZ=Nowhere/City @hourly"));
    CU_ASSERT_TRUE(refused("TZ=UTC"));   /* the library panics here */
    CU_ASSERT_TRUE(refused("TZ=UTC   ")); /* nothing after the location */
    CU_ASSERT_TRUE(refused("TZ=../../etc/passwd @hourly"));
    CU_ASSERT_TRUE(refused("TZ=/usr/share/zoneinfo/UTC @hourly"));
    CU_ASSERT_TRUE(refused("TZ=UTC TZ=UTC @hourly"));
    CU_ASSERT_TRUE(refused("TZ=Europe @hourly")); /* a directory */
    CU_ASSERT_TRUE(refused("tz=UTC @hourly"));
}

static void test_cron_error_messages_name_the_problem(void)
{
    struct cron_spec s;
    char err[CRON_ERR_MAX];
    cron_parse("* * * * *", &s, err, sizeof err);
    CU_ASSERT_STRING_EQUAL(err, "expected exactly 6 fields, found 5: * * * * *");
    cron_parse("* 61 * * * *", &s, err, sizeof err);
    CU_ASSERT_STRING_EQUAL(err, "end of range (61) above maximum (59): 61");
    cron_parse("@weekdays", &s, err, sizeof err);
    CU_ASSERT_STRING_EQUAL(err, "unrecognized descriptor: @weekdays");
    cron_parse("", &s, err, sizeof err);
    CU_ASSERT_STRING_EQUAL(err, "empty spec string");
    /* a tiny buffer is cut, not overrun */
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    CU_ASSERT_EQUAL(cron_parse("bad", &s, tiny, sizeof tiny), ERROR);
    CU_ASSERT_EQUAL(strlen(tiny), 7);
}

/* ---- what the fields stand for ---------------------------------------------- */

static void test_cron_field_values(void)
{
    struct cron_spec s = parsed("*/15 5/20 1-3,22 */10 jan-MAR * ");
    CU_ASSERT_EQUAL(s.second, BIT(0) | BIT(15) | BIT(30) | BIT(45)); /* no star: step 15 */
    CU_ASSERT_EQUAL(s.minute, BIT(5) | BIT(25) | BIT(45));
    CU_ASSERT_EQUAL(s.hour, BIT(1) | BIT(2) | BIT(3) | BIT(22));
    CU_ASSERT_EQUAL(s.dom, BIT(1) | BIT(11) | BIT(21) | BIT(31));
    CU_ASSERT_EQUAL(s.month, BIT(1) | BIT(2) | BIT(3));
    CU_ASSERT_EQUAL(s.dow, BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | CRON_STAR);
    CU_ASSERT_EQUAL(s.every_usec, 0);

    s = parsed("*/1 ? * * * MON-FRI");
    CU_ASSERT_TRUE((s.second & CRON_STAR) != 0); /* a step of 1 keeps the star */
    CU_ASSERT_TRUE((s.minute & CRON_STAR) != 0);
    CU_ASSERT_EQUAL(s.dow, BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5));

    s = parsed("@weekly");
    CU_ASSERT_EQUAL(s.second, BIT(0));
    CU_ASSERT_EQUAL(s.hour, BIT(0));
    CU_ASSERT_EQUAL(s.dow, BIT(0));
    CU_ASSERT_TRUE((s.dom & CRON_STAR) != 0);
}

static void test_cron_every_is_rounded_down_to_seconds_with_a_floor_of_one(void)
{
    CU_ASSERT_EQUAL(parsed("@every 90s").every_usec, INT64_C(90000000));
    CU_ASSERT_EQUAL(parsed("@every 1h30m").every_usec, INT64_C(5400000000));
    CU_ASSERT_EQUAL(parsed("@every 1.5h").every_usec, INT64_C(5400000000));
    CU_ASSERT_EQUAL(parsed("@every 1500ms").every_usec, INT64_C(1000000));
    CU_ASSERT_EQUAL(parsed("@every 500ms").every_usec, INT64_C(1000000));
    CU_ASSERT_EQUAL(parsed("@every 1ns").every_usec, INT64_C(1000000));
    CU_ASSERT_EQUAL(parsed("@every .5m").every_usec, INT64_C(30000000));
    CU_ASSERT_EQUAL(parsed("@every 2562047h").every_usec, INT64_C(2562047) * 3600 * 1000000);
}

/* ---- next activation ---------------------------------------------------- */

static void test_cron_next_every_two_seconds(void)
{
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC */2 * * * * *", "2021-01-01T00:00:00.5Z"),
                           "2021-01-01T00:00:02Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC */2 * * * * *", "2021-01-01T00:00:01Z"),
                           "2021-01-01T00:00:02Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC */2 * * * * *", "2021-01-01T00:00:02Z"),
                           "2021-01-01T00:00:04Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC */2 * * * * *", "2021-12-31T23:59:59Z"),
                           "2022-01-01T00:00:00Z");
}

static void test_cron_next_weekly_and_descriptors(void)
{
    /* 2021-01-01 is a Friday */
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 45 23 * * 6", "2021-01-01T00:00:00Z"),
                           "2021-01-02T23:45:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC @monthly", "2021-01-15T10:00:00Z"), "2021-02-01T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC @yearly", "2021-01-01T00:00:00Z"), "2022-01-01T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC @weekly", "2021-01-01T00:00:00Z"), "2021-01-03T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC @hourly", "2021-01-01T10:59:59.999Z"),
                           "2021-01-01T11:00:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 12 * * MON-FRI", "2021-01-01T12:00:00Z"),
                           "2021-01-04T12:00:00Z");
}

static void test_cron_next_day_of_month_and_week(void)
{
    /* both restricted: either matches (Friday the 8th before the 13th) */
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 13 * 5", "2021-01-01T00:00:00Z"),
                           "2021-01-08T00:00:00Z");
    /* one is a star: both must match */
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 * * 1", "2021-01-01T00:00:00Z"),
                           "2021-01-04T00:00:00Z");
    /* a step above 1 is no star: odd days or Mondays */
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 */2 * 1", "2021-01-01T00:00:00Z"),
                           "2021-01-03T00:00:00Z");
    /* leap day */
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 29 2 *", "2021-03-01T00:00:00Z"),
                           "2024-02-29T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 31 * *", "2021-04-01T00:00:00Z"),
                           "2021-05-31T00:00:00Z");
}

static void test_cron_next_never_is_error(void)
{
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 30 2 *", "2021-01-01T00:00:00Z"), "never");
    CU_ASSERT_STRING_EQUAL(next("TZ=UTC 0 0 0 31 4,6,9,11 *", "2021-01-01T00:00:00Z"), "never");
    int64_t n;
    CU_ASSERT_EQUAL(cron_next("not a spec", 0, &n), ERROR);
}

static void test_cron_next_every_counts_from_the_whole_second(void)
{
    CU_ASSERT_STRING_EQUAL(next("@every 90s", "2021-01-01T00:00:10.7Z"), "2021-01-01T00:01:40Z");
    CU_ASSERT_STRING_EQUAL(next("@every 1h", "2021-01-01T00:00:00Z"), "2021-01-01T01:00:00Z");
}

static void test_cron_next_in_a_named_zone_and_restores_tz(void)
{
    setenv("TZ", "UTC", 1);
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 0 8 * * *", "2021-06-01T00:00:00Z"),
                           "2021-06-01T06:00:00Z"); /* CEST */
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 0 8 * * *", "2021-01-01T00:00:00Z"),
                           "2021-01-01T07:00:00Z"); /* CET */
    CU_ASSERT_STRING_EQUAL(getenv("TZ"), "UTC");
    unsetenv("TZ");
    CU_ASSERT_STRING_EQUAL(next("CRON_TZ=Asia/Tokyo @daily", "2021-01-01T00:00:00Z"),
                           "2021-01-01T15:00:00Z");
    CU_ASSERT_PTR_NULL(getenv("TZ"));
}

static void test_cron_next_skips_a_time_lost_to_daylight_saving(void)
{
    /* 2021-03-14 02:30 does not exist in New York: the next one is a day on */
    CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 30 2 * * *", "2021-03-14T05:00:00Z"),
                           "2021-03-15T06:30:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 0 12 * * *", "2021-03-14T05:00:00Z"),
                           "2021-03-14T16:00:00Z");
}

/* Stockholm springs from 02:00 CET to 03:00 CEST on 2021-03-28, New York
 * from 02:00 EST to 03:00 EDT on 2021-03-14. */
static void test_cron_next_at_a_time_lost_to_spring_forward_is_the_next_day(void)
{
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 30 2 * * *", "2021-03-28T00:00:00Z"),
                           "2021-03-29T00:30:00Z"); /* 02:30 CEST on the 29th */
    CU_ASSERT_STRING_EQUAL(next("CRON_TZ=America/New_York 0 30 2 * * *", "2021-03-14T05:00:00Z"),
                           "2021-03-15T06:30:00Z");
}

static void test_cron_next_hourly_across_spring_forward(void)
{
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 0 * * * *", "2021-03-28T00:30:00Z"),
                           "2021-03-28T01:00:00Z"); /* 01:30 CET, then 03:00 CEST */
    CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 0 * * * *", "2021-03-14T06:30:00Z"),
                           "2021-03-14T07:00:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 0 0 * * *", "2021-03-13T12:00:00Z"),
                           "2021-03-14T05:00:00Z");
}

/* Stockholm falls back from 03:00 CEST to 02:00 CET on 2021-10-31 (at
 * 01:00Z), New York from 02:00 EDT to 01:00 EST on 2021-11-07 (at 06:00Z):
 * an hourly schedule runs in both copies of the repeated hour. */
static void test_cron_next_hourly_runs_in_both_halves_of_an_autumn_overlap(void)
{
    static const char *const stockholm[][2] = {
        { "2021-10-30T23:30:00Z", "2021-10-31T00:00:00Z" }, /* 02:00 CEST */
        { "2021-10-31T00:00:00Z", "2021-10-31T01:00:00Z" }, /* 02:00 CET */
        { "2021-10-31T01:00:00Z", "2021-10-31T02:00:00Z" }, /* 03:00 CET */
    };
    for (size_t i = 0; i < sizeof stockholm / sizeof *stockholm; i++)
        CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 0 * * * *", stockholm[i][0]),
                               stockholm[i][1]);
    static const char *const new_york[][2] = {
        { "2021-11-07T04:30:00Z", "2021-11-07T05:00:00Z" }, /* 01:00 EDT */
        { "2021-11-07T05:00:00Z", "2021-11-07T06:00:00Z" }, /* 01:00 EST */
        { "2021-11-07T06:00:00Z", "2021-11-07T07:00:00Z" }, /* 02:00 EST */
    };
    for (size_t i = 0; i < sizeof new_york / sizeof *new_york; i++)
        CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 0 * * * *", new_york[i][0]),
                               new_york[i][1]);
}

static void test_cron_next_daily_in_an_autumn_overlap_runs_twice(void)
{
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 30 2 * * *", "2021-10-31T00:00:00Z"),
                           "2021-10-31T00:30:00Z"); /* 02:30 CEST */
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 30 2 * * *", "2021-10-31T00:30:00Z"),
                           "2021-10-31T01:30:00Z"); /* 02:30 CET */
    CU_ASSERT_STRING_EQUAL(next("TZ=Europe/Stockholm 0 30 2 * * *", "2021-10-31T01:30:00Z"),
                           "2021-11-01T01:30:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 30 1 * * *", "2021-11-07T05:30:00Z"),
                           "2021-11-07T06:30:00Z"); /* 01:30 EST after 01:30 EDT */
    CU_ASSERT_STRING_EQUAL(next("TZ=America/New_York 0 0 0 * * *", "2021-11-06T12:00:00Z"),
                           "2021-11-07T04:00:00Z");
}

static void test_cron_next_keeps_library_quirks_around_daylight_saving(void)
{
    /* Sao Paulo's clocks went from 00:00 to 01:00 on 2018-11-04: the
     * hour walk passes from 23:00 on the 3rd to 01:00, so the 4th has no
     * midnight run (no move to 01:00) */
    CU_ASSERT_STRING_EQUAL(next("TZ=America/Sao_Paulo 0 0 0 * * *", "2018-11-03T12:00:00Z"),
                           "2018-11-05T02:00:00Z");
    /* Lord Howe falls back half an hour (02:00 +11 to 01:30 +10:30) */
    CU_ASSERT_STRING_EQUAL(next("TZ=Australia/Lord_Howe 0 0 * * * *", "2021-04-04T14:00:00Z"),
                           "2021-04-04T14:30:00Z");
    CU_ASSERT_STRING_EQUAL(next("TZ=Australia/Lord_Howe 0 0 * * * *", "2021-04-04T14:45:00Z"),
                           "2021-04-04T15:30:00Z");
}

static void test_cron_next_steps_over_a_day_the_zone_skipped(void)
{
    /* Apia went from 2011-12-29 (-10) to 2011-12-31 (+14); the library
     * never returns here, we give Sunday 2012-01-01 00:00 +14 */
    CU_ASSERT_STRING_EQUAL(next("TZ=Pacific/Apia @weekly", "2011-12-26T20:59:59Z"),
                           "2011-12-31T10:00:00Z");
}

struct zone_run {
    const char *expr, *after, *want;
    int ok;
};

static void *run_in_thread(void *arg)
{
    struct zone_run *r = arg;
    int64_t after = 0, n;
    rfc3339_parse(r->after, strlen(r->after), &after);
    char got[RFC3339_MAX];
    r->ok = 1;
    for (int i = 0; i < 2000 && r->ok; i++) {
        r->ok = cron_next(r->expr, after, &n) == OK;
        rfc3339_format(n, got);
        r->ok = r->ok && strcmp(got, r->want) == 0;
    }
    return NULL;
}

static void test_cron_next_in_named_zones_is_thread_safe_and_leaves_tz_alone(void)
{
    setenv("TZ", "Asia/Kolkata", 1);
    struct zone_run runs[] = {
        { "TZ=Europe/Stockholm 0 0 8 * * *", "2021-06-01T00:00:00Z", "2021-06-01T06:00:00Z", 0 },
        { "TZ=America/New_York 0 0 8 * * *", "2021-06-01T00:00:00Z", "2021-06-01T12:00:00Z", 0 },
        { "TZ=Asia/Tokyo 0 0 8 * * *", "2021-06-01T00:00:00Z", "2021-06-01T23:00:00Z", 0 },
        { "0 0 8 * * *", "2021-06-01T00:00:00Z", "2021-06-01T02:30:00Z", 0 }, /* Local */
    };
    pthread_t th[sizeof runs / sizeof *runs];
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, run_in_thread, &runs[i]), 0);
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        pthread_join(th[i], NULL);
        CU_ASSERT_TRUE(runs[i].ok);
    }
    CU_ASSERT_STRING_EQUAL(getenv("TZ"), "Asia/Kolkata");
    unsetenv("TZ");
}

static void test_cron_next_follows_local_time_without_a_location(void)
{
    setenv("TZ", "Asia/Kolkata", 1); /* +05:30 */
    tzset();
    CU_ASSERT_STRING_EQUAL(next("0 0 0 * * *", "2021-01-01T00:00:00Z"), "2021-01-01T18:30:00Z");
    unsetenv("TZ");
    tzset();
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("cron", NULL, NULL);
    ADD(s, test_cron_accepts_six_field_specs);
    ADD(s, test_cron_accepts_white_space_like_go_fields);
    ADD(s, test_cron_keeps_library_quirks);
    ADD(s, test_cron_accepts_descriptors);
    ADD(s, test_cron_accepts_locations);
    ADD(s, test_cron_refuses_wrong_field_counts);
    ADD(s, test_cron_refuses_values_out_of_range);
    ADD(s, test_cron_refuses_malformed_fields);
    ADD(s, test_cron_refuses_bad_descriptors);
    ADD(s, test_cron_refuses_bad_locations);
    ADD(s, test_cron_error_messages_name_the_problem);
    ADD(s, test_cron_field_values);
    ADD(s, test_cron_every_is_rounded_down_to_seconds_with_a_floor_of_one);
    ADD(s, test_cron_next_every_two_seconds);
    ADD(s, test_cron_next_weekly_and_descriptors);
    ADD(s, test_cron_next_day_of_month_and_week);
    ADD(s, test_cron_next_never_is_error);
    ADD(s, test_cron_next_every_counts_from_the_whole_second);
    ADD(s, test_cron_next_in_a_named_zone_and_restores_tz);
    ADD(s, test_cron_next_skips_a_time_lost_to_daylight_saving);
    ADD(s, test_cron_next_follows_local_time_without_a_location);
    ADD(s, test_cron_next_at_a_time_lost_to_spring_forward_is_the_next_day);
    ADD(s, test_cron_next_hourly_across_spring_forward);
    ADD(s, test_cron_next_hourly_runs_in_both_halves_of_an_autumn_overlap);
    ADD(s, test_cron_next_daily_in_an_autumn_overlap_runs_twice);
    ADD(s, test_cron_next_keeps_library_quirks_around_daylight_saving);
    ADD(s, test_cron_next_steps_over_a_day_the_zone_skipped);
    ADD(s, test_cron_next_in_named_zones_is_thread_safe_and_leaves_tz_alone);
}
