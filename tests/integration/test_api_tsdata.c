/* test_api_tsdata.c — /v2/timeseries/{uuid}/data and /v2/tsquery through
 * nginx: writes (units, bounds, duplicates), reads (window, ge/le, units,
 * precision and aggregates, time zones across DST changes), range deletes,
 * many series at once, and the errors. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "itest.h"
#include "itest_data.h"
#include "uuid.h"

#define JSON "application/json"

/* A new series (unit, optional bounds as JSON text or NULL); uuid out. */
static void make_series(const char *unit, const char *bounds, char uuid[UUID_STRLEN + 1])
{
    struct uuid u;
    uuid_v4(&u);
    char name[UUID_STRLEN + 1], body[512];
    uuid_format(&u, name);
    snprintf(body, sizeof body, "{\"name\":\"series %.8s\",\"si_unit\":\"%s\"%s%s}", name, unit,
             bounds ? "," : "", bounds ? bounds : "");
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", "/v2/timeseries", itest_admin(), body, JSON, &r), 0);
    if (r.status != 201)
        fprintf(stderr, "\n  create series: %ld %s\n", r.status, r.body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(uuid, UUID_STRLEN + 1, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
}

static long post_data(const char *uuid, const char *query, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "/v2/timeseries/%s/data%s", uuid, query ? query : "");
    struct http_reply r;
    if (itest_http("POST", path, itest_admin(), body, JSON, &r) != 0)
        return -1;
    long s = r.status;
    if (s >= 400)
        itest_assert_error(&r, s);
    itest_reply_free(&r);
    return s;
}

/* GET data; returns the status, the reply in *out (caller frees). */
static long get_data(const char *uuid, const char *query, struct http_reply *out)
{
    char path[512];
    snprintf(path, sizeof path, "/v2/timeseries/%s/data%s", uuid, query);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, itest_admin(), NULL, NULL, out), 0);
    if (out->status >= 400)
        itest_assert_error(out, out->status);
    return out->status;
}

static long status_get(const char *uuid, const char *query)
{
    struct http_reply r;
    long s = get_data(uuid, query, &r);
    itest_reply_free(&r);
    return s;
}

/* GET or POST data expecting a 400 whose message is exactly `message`. */
static void expect_400(const char *method, const char *uuid, const char *query, const char *body,
                       const char *message)
{
    char path[512];
    snprintf(path, sizeof path, "/v2/timeseries/%s/data%s", uuid, query);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http(method, path, itest_admin(), body, body ? JSON : NULL, &r), 0);
    itest_assert_error(&r, 400);
    json_object *m = NULL;
    int same = r.json && json_object_object_get_ex(r.json, "message", &m) &&
               strcmp(json_object_get_string(m), message) == 0;
    if (!same)
        fprintf(stderr, "\n  %s %s -> %ld %s\n  want 400 %s\n", method, path, r.status, r.body,
                message);
    CU_ASSERT_TRUE(same);
    itest_reply_free(&r);
}

/* GET path (any route) expecting 200 and exactly `want` as the body. */
static void expect_body(const char *path, const char *want)
{
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, want);
    if (r.status != 200 || strcmp(r.body, want) != 0)
        fprintf(stderr, "\n  GET %s -> %ld %s\n  want %s\n", path, r.status, r.body, want);
    itest_reply_free(&r);
}

#define DAY_2021_01_01 "?start=2021-01-01T00:00:00Z&end=2021-01-02T00:00:00Z"

static void test_write_then_read_exact_values(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":21.5,\"ts\":\"2021-01-01T00:00:00Z\"},"
                                        "{\"v\":-3.25,\"ts\":\"2021-01-01T01:00:00.5+01:00\"},"
                                        "{\"v\":0.1,\"ts\":\"2021-01-01T12:00:00.000001Z\"},"
                                        "{\"v\":1e21,\"ts\":\"2021-01-02T00:00:00Z\"}]"), 201);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01, &r), 200);
    /* both ends inclusive, ordered by time, values as written */
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":21.5,\"ts\":\"2021-01-01T00:00:00Z\"},"
                                   "{\"v\":-3.25,\"ts\":\"2021-01-01T00:00:00.5Z\"},"
                                   "{\"v\":0.1,\"ts\":\"2021-01-01T12:00:00.000001Z\"},"
                                   "{\"v\":1e+21,\"ts\":\"2021-01-02T00:00:00Z\"}]\n");
    itest_reply_free(&r);
    /* the other end of inclusivity */
    CU_ASSERT_EQUAL(get_data(ts, "?start=2021-01-01T00:00:00.000001Z&end=2021-01-01T23:59:59Z", &r), 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 2);
    itest_reply_free(&r);
    /* the default window is "now": nothing */
    CU_ASSERT_EQUAL(get_data(ts, "", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
}

static void test_duplicates_are_refused_whole(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":1,\"ts\":\"2021-01-01T00:00:00Z\"}]"), 201);
    /* a time already stored: the whole request is refused */
    CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":2,\"ts\":\"2021-01-01T06:00:00Z\"},"
                                        "{\"v\":3,\"ts\":\"2021-01-01T00:00:00Z\"}]"), 400);
    /* the same time twice in one request (same instant, other offset) */
    CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":2,\"ts\":\"2021-01-01T07:00:00Z\"},"
                                        "{\"v\":3,\"ts\":\"2021-01-01T08:00:00+01:00\"}]"), 400);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01, &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":1,\"ts\":\"2021-01-01T00:00:00Z\"}]\n");
    itest_reply_free(&r);
}

static void test_bad_points_are_400(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    static const char *const bodies[] = {
        "[]", "{}", "not json", "[{\"v\":1}]", "[{\"ts\":\"2021-01-01T00:00:00Z\"}]",
        "[{\"v\":\"1\",\"ts\":\"2021-01-01T00:00:00Z\"}]", "[{\"v\":NaN,\"ts\":\"2021-01-01T00:00:00Z\"}]",
        "[{\"v\":Infinity,\"ts\":\"2021-01-01T00:00:00Z\"}]", "[{\"v\":1e400,\"ts\":\"2021-01-01T00:00:00Z\"}]",
        "[{\"v\":1,\"ts\":\"2021-01-01 00:00:00\"}]", "[{\"v\":1,\"ts\":\"2021-02-30T00:00:00Z\"}]",
        "[{\"v\":1,\"ts\":\"yesterday\"}]", "[{\"v\":1,\"ts\":\"2021-01-01T00:00:00Z\",\"x\":1}]",
        "[{\"v\":1,\"ts\":\"2021-01-01T00:00:00Z\"},3]", "[null]",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        long s = post_data(ts, NULL, bodies[i]);
        if (s != 400)
            fprintf(stderr, "\n  %s -> %ld\n", bodies[i], s);
        CU_ASSERT_EQUAL(s, 400);
    }
    CU_ASSERT_EQUAL(post_data("6f1c1a7e-0000-4000-8000-000000000000", NULL,
                              "[{\"v\":1,\"ts\":\"2021-01-01T00:00:00Z\"}]"), 404);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01, &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n"); /* nothing half-written */
    itest_reply_free(&r);
}

static void test_units_on_write_and_read(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    CU_ASSERT_EQUAL(post_data(ts, "?unit=F", "[{\"v\":212,\"ts\":\"2021-01-01T00:00:00Z\"},"
                                              "{\"v\":32,\"ts\":\"2021-01-01T01:00:00Z\"}]"), 201);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01, &r), 200);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 0), "v"), 100, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 1), "v"), 0, 1e-9);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&unit=K", &r), 200);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 0), "v"), 373.15, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 1), "v"), 273.15, 1e-9);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&unit=F", &r), 200);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 0), "v"), 212, 1e-9);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(status_get(ts, DAY_2021_01_01 "&unit=furlongs-per-fortnight"), 400);
    CU_ASSERT_EQUAL(status_get(ts, DAY_2021_01_01 "&unit=m"), 400); /* not a temperature */
    CU_ASSERT_EQUAL(post_data(ts, "?unit=nope", "[{\"v\":1,\"ts\":\"2021-01-01T02:00:00Z\"}]"), 400);
    CU_ASSERT_EQUAL(post_data(ts, "?unit=kWh", "[{\"v\":1,\"ts\":\"2021-01-01T02:00:00Z\"}]"), 400);
    /* the messages name both units and what the series' unit converts to */
    expect_400("GET", ts, DAY_2021_01_01 "&unit=m", NULL,
               "Unable to convert to the requested unit: \"m\" (length) and the series' unit "
               "\"C\" (temperature) are different quantities; \"C\" converts to F, K");
    expect_400("POST", ts, "?unit=kWh", "[{\"v\":1,\"ts\":\"2021-01-01T02:00:00Z\"}]",
               "Unable to convert to the requested unit: \"kWh\" (energy) and the series' unit "
               "\"C\" (temperature) are different quantities; \"C\" converts to F, K");
    expect_400("GET", ts, DAY_2021_01_01 "&unit=ppm", NULL,
               "The provided unit can not be handled: \"ppm\" is not a unit this server knows; "
               "the series' unit \"C\" converts to F, K");
    char b[UUID_STRLEN + 1];
    make_series("kB", NULL, b); /* bits and bytes convert into each other */
    expect_400("GET", b, DAY_2021_01_01 "&unit=W", NULL,
               "Unable to convert to the requested unit: \"W\" (power) and the series' unit "
               "\"kB\" (bits) are different quantities; \"kB\" converts to B, KB, MB, GB, TB, "
               "PB, exabyte, zettabyte, yottabyte, b, Eb, Pb, Tb, Gb, Mb, nibble");
}

static void test_bounds_drop_points_on_write(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", "\"lower_bound\":0,\"upper_bound\":100", ts);
    CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":-1,\"ts\":\"2021-01-01T00:00:00Z\"},"
                                        "{\"v\":50,\"ts\":\"2021-01-01T01:00:00Z\"},"
                                        "{\"v\":101,\"ts\":\"2021-01-01T02:00:00Z\"}]"), 201);
    CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":-5,\"ts\":\"2021-01-01T03:00:00Z\"}]"), 204);
    /* bounds apply after conversion: 212 F = 100 C is kept, 213 F is not */
    CU_ASSERT_EQUAL(post_data(ts, "?unit=F", "[{\"v\":212,\"ts\":\"2021-01-01T04:00:00Z\"},"
                                              "{\"v\":213,\"ts\":\"2021-01-01T05:00:00Z\"}]"), 201);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01, &r), 200);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.json), 2);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 0), "v"), 50, 0);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, 1), "v"), 100, 1e-9);
    itest_reply_free(&r);
}

/* 10 points, value i at 2021-01-01T0i:00Z */
static void make_ten(char ts[UUID_STRLEN + 1])
{
    make_series("C", NULL, ts);
    buf_t b = BUF_INIT;
    buf_putc(&b, '[');
    for (int i = 0; i < 10; i++)
        buf_printf(&b, "%s{\"v\":%d,\"ts\":\"2021-01-01T%02d:00:00Z\"}", i ? "," : "", i, i);
    buf_putc(&b, ']');
    CU_ASSERT_EQUAL(post_data(ts, NULL, buf_cstr(&b)), 201);
    buf_free(&b);
}

static int count_of(const char *uuid, const char *query)
{
    struct http_reply r;
    get_data(uuid, query, &r);
    int n = r.json ? (int)json_object_array_length(r.json) : -1;
    itest_reply_free(&r);
    return n;
}

static void test_ge_le_filters(void)
{
    char ts[UUID_STRLEN + 1];
    make_ten(ts);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&ge=3&le=5"), 3);  /* inside: 3 4 5 */
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&ge=7&le=2"), 6);  /* outside: 0 1 2 7 8 9 */
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&ge=8"), 2);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&le=0"), 1);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&ge=4.5&le=4.5"), 0);
    CU_ASSERT_EQUAL(status_get(ts, DAY_2021_01_01 "&ge=abc"), 400);
}

static void test_aggregates(void)
{
    char ts[UUID_STRLEN + 1];
    make_ten(ts);
    struct http_reply r;
    /* 0..9 at hours 0..9: one day bucket */
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=day", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":4.5,\"ts\":\"2021-01-01T00:00:00Z\"}]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=day&aggregate=sum", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":45,\"ts\":\"2021-01-01T00:00:00Z\"}]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=day&aggregate=min", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":0,\"ts\":\"2021-01-01T00:00:00Z\"}]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=day&aggregate=max", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":9,\"ts\":\"2021-01-01T00:00:00Z\"}]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=day&aggregate=count&unit=F", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":10,\"ts\":\"2021-01-01T00:00:00Z\"}]\n"); /* counts have no unit */
    itest_reply_free(&r);
    /* ge/le apply after aggregation */
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&precision=day&ge=5"), 0);
    /* hour buckets: one point each; 5-hour buckets via minute… not; use minute30 (= hours here) */
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&precision=hour"), 10);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&precision=minute30"), 10);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&precision=year"), 1);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01 "&precision=millennia"), 1);
    CU_ASSERT_EQUAL(status_get(ts, DAY_2021_01_01 "&precision=fortnight"), 400);
    CU_ASSERT_EQUAL(status_get(ts, DAY_2021_01_01 "&precision=day&aggregate=median"), 400);
}

static void test_minute_buckets(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    buf_t b = BUF_INIT;
    buf_putc(&b, '[');
    for (int m = 0; m < 60; m++) /* one point a minute, value = minute */
        buf_printf(&b, "%s{\"v\":%d,\"ts\":\"2021-01-01T10:%02d:00Z\"}", m ? "," : "", m, m);
    buf_putc(&b, ']');
    CU_ASSERT_EQUAL(post_data(ts, NULL, buf_cstr(&b)), 201);
    buf_free(&b);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=minute15&aggregate=count", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":15,\"ts\":\"2021-01-01T10:00:00Z\"},"
                                   "{\"v\":15,\"ts\":\"2021-01-01T10:15:00Z\"},"
                                   "{\"v\":15,\"ts\":\"2021-01-01T10:30:00Z\"},"
                                   "{\"v\":15,\"ts\":\"2021-01-01T10:45:00Z\"}]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=minute20&aggregate=min", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":0,\"ts\":\"2021-01-01T10:00:00Z\"},"
                                   "{\"v\":20,\"ts\":\"2021-01-01T10:20:00Z\"},"
                                   "{\"v\":40,\"ts\":\"2021-01-01T10:40:00Z\"}]\n");
    itest_reply_free(&r);
    /* minute5 in a half-hour-offset zone keeps local wall-clock buckets */
    CU_ASSERT_EQUAL(get_data(ts, DAY_2021_01_01 "&precision=minute30&aggregate=count&timezone=Asia/Kolkata", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":30,\"ts\":\"2021-01-01T15:30:00+05:30\"},"
                                   "{\"v\":30,\"ts\":\"2021-01-01T16:00:00+05:30\"}]\n");
    itest_reply_free(&r);
}

static void test_timezones_across_dst(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    /* hourly value 1 from 2021-03-27T00Z to 2021-03-29T00Z (49 points):
     * Stockholm moves from +01:00 to +02:00 on 2021-03-28 at 01:00Z */
    buf_t b = BUF_INIT;
    buf_putc(&b, '[');
    for (int h = 0; h <= 48; h++)
        buf_printf(&b, "%s{\"v\":1,\"ts\":\"2021-03-%02dT%02d:00:00Z\"}", h ? "," : "", 27 + h / 24, h % 24);
    buf_putc(&b, ']');
    CU_ASSERT_EQUAL(post_data(ts, NULL, buf_cstr(&b)), 201);
    buf_free(&b);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, "?start=2021-03-27T00:00:00Z&end=2021-03-29T00:00:00Z"
                                 "&precision=day&aggregate=count&timezone=Europe/Stockholm", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":23,\"ts\":\"2021-03-27T00:00:00+01:00\"},"
                                   "{\"v\":23,\"ts\":\"2021-03-28T00:00:00+01:00\"},"
                                   "{\"v\":3,\"ts\":\"2021-03-29T00:00:00+02:00\"}]\n");
    itest_reply_free(&r);
    /* raw rows are shown at their own offset */
    CU_ASSERT_EQUAL(get_data(ts, "?start=2021-03-28T00:00:00Z&end=2021-03-28T02:00:00Z"
                                 "&timezone=Europe/Stockholm", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":1,\"ts\":\"2021-03-28T01:00:00+01:00\"},"
                                   "{\"v\":1,\"ts\":\"2021-03-28T03:00:00+02:00\"},"
                                   "{\"v\":1,\"ts\":\"2021-03-28T04:00:00+02:00\"}]\n");
    itest_reply_free(&r);

    /* autumn: 2021-10-31 01:00Z, 03:00 CEST becomes 02:00 CET; the local
     * hour 02:00 happens twice and gives two buckets */
    char ts2[UUID_STRLEN + 1];
    make_series("C", NULL, ts2);
    CU_ASSERT_EQUAL(post_data(ts2, NULL, "[{\"v\":1,\"ts\":\"2021-10-30T23:00:00Z\"},{\"v\":1,\"ts\":\"2021-10-30T23:30:00Z\"},"
                                         "{\"v\":1,\"ts\":\"2021-10-31T00:00:00Z\"},{\"v\":1,\"ts\":\"2021-10-31T00:30:00Z\"},"
                                         "{\"v\":1,\"ts\":\"2021-10-31T01:00:00Z\"},{\"v\":1,\"ts\":\"2021-10-31T01:30:00Z\"},"
                                         "{\"v\":1,\"ts\":\"2021-10-31T02:00:00Z\"}]"), 201);
    CU_ASSERT_EQUAL(get_data(ts2, "?start=2021-10-30T00:00:00Z&end=2021-11-01T00:00:00Z"
                                  "&precision=hour&aggregate=count&timezone=Europe/Stockholm", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":2,\"ts\":\"2021-10-31T01:00:00+02:00\"},"
                                   "{\"v\":2,\"ts\":\"2021-10-31T02:00:00+02:00\"},"
                                   "{\"v\":2,\"ts\":\"2021-10-31T02:00:00+01:00\"},"
                                   "{\"v\":1,\"ts\":\"2021-10-31T03:00:00+01:00\"}]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(status_get(ts2, "?start=2021-10-30T00:00:00Z&end=2021-11-01T00:00:00Z&timezone=Mars/Olympus"), 400);
}

/* Any non-empty si_unit is stored (as the reference does): such series are
 * written and read in their own unit, also through ?unit= with the same
 * text and through tsquery; only a conversion to another unit is a 400. */
static void test_any_unit_text_end_to_end(void)
{
    static const char *const units[] = { "ppm", "\u00b0C", "m\u00b3/h", "rpm", "count", "V" };
    static const char *const stored[] = { "ppm", "\xc2\xb0""C", "m\xc2\xb3/h", "rpm", "count", "V" };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        char ts[UUID_STRLEN + 1], path[512], want[512];
        make_series(units[i], NULL, ts);
        CU_ASSERT_EQUAL(post_data(ts, NULL, "[{\"v\":400.5,\"ts\":\"2021-01-01T00:00:00Z\"}]"), 201);
        struct http_reply r;
        char *q = curl_easy_escape(NULL, stored[i], 0);
        buf_t query = BUF_INIT;
        buf_printf(&query, "?unit=%s", q);
        CU_ASSERT_EQUAL(post_data(ts, buf_cstr(&query), "[{\"v\":401,\"ts\":\"2021-01-01T01:00:00Z\"}]"), 201);
        buf_reset(&query);
        buf_printf(&query, DAY_2021_01_01 "&unit=%s", q);
        CU_ASSERT_EQUAL(get_data(ts, buf_cstr(&query), &r), 200);
        CU_ASSERT_STRING_EQUAL(r.body, "[{\"v\":400.5,\"ts\":\"2021-01-01T00:00:00Z\"},"
                                       "{\"v\":401,\"ts\":\"2021-01-01T01:00:00Z\"}]\n");
        itest_reply_free(&r);
        snprintf(path, sizeof path, "/v2/tsquery?uuids=%s&start=2021-01-01T00:00:00Z"
                 "&end=2021-01-02T00:00:00Z&precision=day&aggregate=max", ts);
        snprintf(want, sizeof want, "[{\"uuid\":\"%s\",\"data\":[{\"v\":401,\"ts\":\"2021-01-01T00:00:00Z\"}]}]\n", ts);
        expect_body(path, want);
        char msg[512];
        snprintf(msg, sizeof msg,
                 "Unable to convert to the requested unit: the series' unit \"%s\" is not one this "
                 "server converts (docs/units.md lists them), so its data is read and written in "
                 "\"%s\" only, not in \"F\"", stored[i], stored[i]);
        expect_400("GET", ts, DAY_2021_01_01 "&unit=F", NULL, msg);
        expect_400("POST", ts, "?unit=F", "[{\"v\":1,\"ts\":\"2021-01-01T02:00:00Z\"}]", msg);
        CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01), 2); /* nothing written by the refused POST */
        curl_free(q);
        buf_free(&query);
    }
}

static void test_window_rules(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("C", NULL, ts);
    /* 366 days + 1 s is the longest window */
    CU_ASSERT_EQUAL(status_get(ts, "?start=2020-01-01T00:00:00Z&end=2021-01-01T00:00:01Z"), 200);
    CU_ASSERT_EQUAL(status_get(ts, "?start=2020-01-01T00:00:00Z&end=2021-01-01T00:00:02Z"), 400);
    CU_ASSERT_EQUAL(status_get(ts, "?start=2021-01-01&end=2021-01-02T00:00:00Z"), 400);
    CU_ASSERT_EQUAL(status_get(ts, "?start=2021-01-01T00:00:00%2B01:00&end=2021-01-02T00:00:00Z"), 200);
    CU_ASSERT_EQUAL(status_get("6f1c1a7e-0000-4000-8000-000000000000", DAY_2021_01_01), 404);
    CU_ASSERT_EQUAL(status_get("nope", DAY_2021_01_01), 400);
}

/* An end before the start is an empty window, as on the reference: reads
 * and tsquery answer no points (200), a delete removes nothing (204). */
static void test_end_before_start_is_empty(void)
{
    char ts[UUID_STRLEN + 1], path[512], want[256];
    make_ten(ts);
#define BACKWARDS "?start=2021-01-01T05:00:00Z&end=2021-01-01T01:00:00Z"
    snprintf(path, sizeof path, "/v2/timeseries/%s/data" BACKWARDS, ts);
    expect_body(path, "[]\n");
    snprintf(path, sizeof path, "/v2/timeseries/%s/data" BACKWARDS "&precision=hour&aggregate=max"
             "&timezone=Europe/Stockholm", ts);
    expect_body(path, "[]\n");
    snprintf(path, sizeof path, "/v2/tsquery" BACKWARDS "&uuids=%s", ts);
    snprintf(want, sizeof want, "[{\"uuid\":\"%s\",\"data\":[]}]\n", ts);
    expect_body(path, want);
    snprintf(path, sizeof path, "/v2/tsquery" BACKWARDS "&uuids=%s&precision=day", ts);
    expect_body(path, want);
    struct http_reply r;
    snprintf(path, sizeof path, "/v2/timeseries/%s/data" BACKWARDS, ts);
    CU_ASSERT_EQUAL_FATAL(itest_http("DELETE", path, itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 204);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01), 10);
#undef BACKWARDS
}

/* timezone is a tz database name on every read that takes it, with or
 * without precision; numeric offsets and POSIX rules are refused (PostgreSQL
 * would read them with the sign reversed), Etc/GMT-1 is one hour east. */
static void test_time_zones_are_checked_everywhere(void)
{
    char ts[UUID_STRLEN + 1], path[512];
    make_ten(ts);
    static const char *const bad[] = { "Mars/Olympus", "%2B01:00", "-01:00", "CET%2B1", "CET-1",
                                       "Local", "utc", "../etc/passwd", "Europe/Stockholm%20" };
    static const char *const shapes[] = { "", "&precision=hour", "&precision=day&aggregate=max" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (size_t j = 0; j < sizeof shapes / sizeof *shapes; j++) {
            char query[256];
            snprintf(query, sizeof query, DAY_2021_01_01 "&timezone=%s%s", bad[i], shapes[j]);
            CU_ASSERT_EQUAL(status_get(ts, query), 400);
            snprintf(path, sizeof path, "/v2/tsquery?uuids=%s&%s", ts, query + 1);
            struct http_reply r;
            CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, itest_admin(), NULL, NULL, &r), 0);
            itest_assert_error(&r, 400);
            itest_reply_free(&r);
        }
    expect_400("GET", ts, DAY_2021_01_01 "&timezone=%2B01:00", NULL,
               "Unknown time zone \"+01:00\": query parameter 'timezone' takes a name of the tz "
               "database, such as UTC or Europe/Stockholm (numeric offsets such as +01:00 are not "
               "zones; Etc/GMT-1 is one hour east of UTC)");
    snprintf(path, sizeof path, "/v2/timeseries/%s/data?start=2021-01-01T00:00:00Z"
             "&end=2021-01-01T01:00:00Z&timezone=Etc/GMT-1", ts);
    expect_body(path, "[{\"v\":0,\"ts\":\"2021-01-01T01:00:00+01:00\"},"
                      "{\"v\":1,\"ts\":\"2021-01-01T02:00:00+01:00\"}]\n");
    snprintf(path, sizeof path, "/v2/tsquery?uuids=%s&start=2021-01-01T00:00:00Z"
             "&end=2021-01-01T00:00:00Z&timezone=Etc/GMT%%2B1", ts);
    char want[256];
    snprintf(want, sizeof want, "[{\"uuid\":\"%s\",\"data\":[{\"v\":0,\"ts\":\"2020-12-31T23:00:00-01:00\"}]}]\n", ts);
    expect_body(path, want);
}

static void test_delete_range(void)
{
    char ts[UUID_STRLEN + 1], path[256];
    make_ten(ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s/data?start=2021-01-01T02:00:00Z&end=2021-01-01T05:00:00Z", ts);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("DELETE", path, itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 204);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01), 6);
    snprintf(path, sizeof path, "/v2/timeseries/%s/data" DAY_2021_01_01 "&ge=8&le=9", ts);
    CU_ASSERT_EQUAL_FATAL(itest_http("DELETE", path, itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 204);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(count_of(ts, DAY_2021_01_01), 4); /* 0 1 6 7 */
    snprintf(path, sizeof path, "/v2/timeseries/%s/data" DAY_2021_01_01 "&ge=9&le=1", ts);
    CU_ASSERT_EQUAL_FATAL(itest_http("DELETE", path, itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 400);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL_FATAL(itest_http("DELETE", "/v2/timeseries/6f1c1a7e-0000-4000-8000-000000000000/data"
                                     DAY_2021_01_01, itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 404);
    itest_reply_free(&r);
}

static void test_tsquery(void)
{
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], empty[UUID_STRLEN + 1], path[512];
    make_ten(a);
    make_ten(b);
    make_series("C", NULL, empty);
    snprintf(path, sizeof path, "/v2/tsquery?uuids=%s&uuids=%s,%s&start=2021-01-01T00:00:00Z"
             "&end=2021-01-01T01:00:00Z&precision=hour&aggregate=sum", b, empty, a);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    char want[1024];
    snprintf(want, sizeof want,
             "[{\"uuid\":\"%s\",\"data\":[{\"v\":0,\"ts\":\"2021-01-01T00:00:00Z\"},{\"v\":1,\"ts\":\"2021-01-01T01:00:00Z\"}]},"
             "{\"uuid\":\"%s\",\"data\":[]},"
             "{\"uuid\":\"%s\",\"data\":[{\"v\":0,\"ts\":\"2021-01-01T00:00:00Z\"},{\"v\":1,\"ts\":\"2021-01-01T01:00:00Z\"}]}]\n",
             b, empty, a);
    CU_ASSERT_STRING_EQUAL(r.body, want);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/tsquery?uuids=%s,6f1c1a7e-0000-4000-8000-000000000000&start=2021-01-01T00:00:00Z&end=2021-01-02T00:00:00Z", a);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 404);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/tsquery?uuids=nope", itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 400);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/tsquery", itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 400);
    itest_reply_free(&r);
    buf_t many = BUF_INIT;
    buf_puts(&many, "/v2/tsquery?uuids=");
    for (int i = 0; i < 11; i++)
        buf_printf(&many, "%s%s", i ? "," : "", a);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", buf_cstr(&many), itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 400);
    itest_reply_free(&r);
    buf_free(&many);
}

static void test_large_write_and_streamed_read(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("kWh", NULL, ts);
    enum { N = 20000 };
    buf_t b = BUF_INIT;
    buf_putc(&b, '[');
    for (int i = 0; i < N; i++) /* one point a minute from 2021-01-01 */
        buf_printf(&b, "%s{\"v\":%d.25,\"ts\":\"2021-01-%02dT%02d:%02d:00Z\"}", i ? "," : "", i,
                   1 + i / 1440, i / 60 % 24, i % 60);
    buf_putc(&b, ']');
    CU_ASSERT_EQUAL(post_data(ts, NULL, buf_cstr(&b)), 201);
    buf_free(&b);
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, "?start=2021-01-01T00:00:00Z&end=2021-02-01T00:00:00Z", &r), 200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.json);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.json), N);
    CU_ASSERT_DOUBLE_EQUAL(jnum(json_object_array_get_idx(r.json, N - 1), "v"), N - 1 + 0.25, 0);
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(r.json, N - 1), "ts"), "2021-01-14T21:19:00Z");
    itest_reply_free(&r);
}

/* A short window's raw read is asked for at most 20,000 + 1 rows at once
 * and read again row by row when there are more: every size around that
 * bound answers every point, in order, in UTC and in a zone. */
static void test_short_window_reads_around_the_whole_read_bound(void)
{
    char ts[UUID_STRLEN + 1];
    make_series("W", NULL, ts);
    enum { N = 20002 };
    buf_t b = BUF_INIT;
    buf_putc(&b, '[');
    for (int i = 0; i < N; i++) /* one point a second from 2021-03-01 */
        buf_printf(&b, "%s{\"v\":%d,\"ts\":\"2021-03-01T%02d:%02d:%02dZ\"}", i ? "," : "", i,
                   i / 3600, i / 60 % 60, i % 60);
    buf_putc(&b, ']');
    CU_ASSERT_EQUAL_FATAL(post_data(ts, NULL, buf_cstr(&b)), 201);
    buf_free(&b);
    static const struct {
        const char *query;
        int rows;
        const char *last_ts;
    } reads[] = {
        { "?start=2021-03-01T00:00:00Z&end=2021-03-01T05:33:18Z", 19999, "2021-03-01T05:33:18Z" },
        { "?start=2021-03-01T00:00:00Z&end=2021-03-01T05:33:19Z", 20000, "2021-03-01T05:33:19Z" },
        { "?start=2021-03-01T00:00:00Z&end=2021-03-01T05:33:20Z", 20001, "2021-03-01T05:33:20Z" },
        { "?start=2021-03-01T00:00:00Z&end=2021-03-02T00:00:00Z", N, "2021-03-01T05:33:21Z" },
        { "?start=2021-03-01T00:00:00Z&end=2021-03-02T00:00:00Z&timezone=Europe/Stockholm", N,
          "2021-03-01T06:33:21+01:00" },
        { "?start=2021-03-01T00:00:00Z&end=2021-03-02T00:00:00Z&ge=2", N - 2, "2021-03-01T05:33:21Z" },
        { "?start=2021-02-27T00:00:00Z&end=2021-03-04T00:00:00Z", N, "2021-03-01T05:33:21Z" },
    };
    for (size_t k = 0; k < sizeof reads / sizeof *reads; k++) {
        struct http_reply r;
        CU_ASSERT_EQUAL(get_data(ts, reads[k].query, &r), 200);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r.json);
        int n = (int)json_object_array_length(r.json);
        CU_ASSERT_EQUAL(n, reads[k].rows);
        if (n != reads[k].rows)
            fprintf(stderr, "\n  %s: %d rows\n", reads[k].query, n);
        int ordered = 1, first = strstr(reads[k].query, "ge=2") ? 2 : 0;
        for (int i = 0; i < n; i++)
            ordered &= jnum(json_object_array_get_idx(r.json, i), "v") == first + i;
        CU_ASSERT_TRUE(ordered);
        if (!ordered)
            fprintf(stderr, "\n  %s: not every point in order\n", reads[k].query);
        if (n > 0)
            CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(r.json, n - 1), "ts"),
                                   reads[k].last_ts);
        itest_reply_free(&r);
    }
    /* per-minute sums over the same window: whole buckets, every point */
    struct http_reply r;
    CU_ASSERT_EQUAL(get_data(ts, "?start=2021-03-01T00:00:00Z&end=2021-03-02T00:00:00Z"
                                 "&precision=minute&aggregate=count", &r), 200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.json);
    int buckets = (int)json_object_array_length(r.json);
    CU_ASSERT_EQUAL(buckets, (N + 59) / 60);
    double total = 0;
    for (int i = 0; i < buckets; i++)
        total += jnum(json_object_array_get_idx(r.json, i), "v");
    CU_ASSERT_DOUBLE_EQUAL(total, N, 0);
    itest_reply_free(&r);
}

void register_tests(void);
void register_tests(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CU_pSuite s = CU_add_suite("api_tsdata", NULL, NULL);
#define ADD(t) CU_add_test(s, #t, t)
    ADD(test_write_then_read_exact_values);
    ADD(test_duplicates_are_refused_whole);
    ADD(test_bad_points_are_400);
    ADD(test_units_on_write_and_read);
    ADD(test_bounds_drop_points_on_write);
    ADD(test_ge_le_filters);
    ADD(test_aggregates);
    ADD(test_minute_buckets);
    ADD(test_timezones_across_dst);
    ADD(test_window_rules);
    ADD(test_end_before_start_is_empty);
    ADD(test_time_zones_are_checked_everywhere);
    ADD(test_any_unit_text_end_to_end);
    ADD(test_delete_range);
    ADD(test_tsquery);
    ADD(test_large_write_and_streamed_read);
    ADD(test_short_window_reads_around_the_whole_read_bound);
}
