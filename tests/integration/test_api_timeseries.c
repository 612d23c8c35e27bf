/* test_api_timeseries.c — /v2/timeseries and /v2/timeseries/{uuid} through
 * nginx and a selfserv pool: every operation's reply with exact fields,
 * its errors, the read filter, tags filter and paging of the list, the
 * policies a creator's personal group gets, and deleting a series that
 * holds data. Each test makes its own users, series and tags (names carry
 * a random uuid), so the suite runs beside others on a non-empty database. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "itest_data.h"
#include "status.h"
#include "token.h"
#include "uuid.h"

#define ROOT_UUID "00000000-0000-1000-8000-000000000000"
#define NIL_UUID "00000000-0000-0000-0000-000000000000"
#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"

/* ---- helpers ------------------------------------------------------------ */

/* First column of the first row into out ("" when none). */
static void sql_text(const char *query, int nparams, const char *const *params, char *out,
                     size_t n)
{
    PGresult *res = sql_res(query, nparams, params);
    snprintf(out, n, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
}

/* The error reply's message must be exactly message. */
static void expect_error(const char *method, const char *path, const char *body, long status,
                        const char *message)
{
    struct http_reply r = call(method, path, itest_admin(), body);
    itest_assert_error(&r, status);
    json_object *m;
    CU_ASSERT_TRUE(r.json && json_object_object_get_ex(r.json, "message", &m) &&
                   strcmp(json_object_get_string(m), message) == 0);
    if (r.status != status)
        fprintf(stderr, "\n%s %s %s -> %ld %s (want %ld)\n", method, path, body ? body : "",
                r.status, r.body, status);
    itest_reply_free(&r);
}

/* What a Timeseries object must hold. */
struct ts_want {
    const char *uuid;       /* NULL: any UUID */
    const char *thing;      /* NULL: null */
    const char *created_by;
    const char *name;
    const char *unit;
    int has_lower, has_upper;
    double lower, upper;
    const char *tags;       /* the array as plain JSON text */
};

static int num_is(json_object *o, const char *key, int has, double want)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (!has)
        return v == NULL;
    return (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) &&
           json_object_get_double(v) == want;
}

/* Exactly the Timeseries schema: eight keys with these values. */
static int is_ts(json_object *o, const struct ts_want *w)
{
    json_object *thing, *tags;
    if (!json_object_is_type(o, json_type_object) || json_object_object_length(o) != 8)
        return 0;
    const char *uuid = jstr(o, "uuid");
    if (!uuid || uuid_valid(uuid) != OK || (w->uuid && strcmp(uuid, w->uuid) != 0))
        return 0;
    if (!json_object_object_get_ex(o, "thing_uuid", &thing) ||
        (w->thing ? !jstr(o, "thing_uuid") || strcmp(jstr(o, "thing_uuid"), w->thing) != 0
                  : thing != NULL))
        return 0;
    if (!jstr(o, "created_by") || strcmp(jstr(o, "created_by"), w->created_by) != 0 ||
        !jstr(o, "name") || strcmp(jstr(o, "name"), w->name) != 0 || !jstr(o, "si_unit") ||
        strcmp(jstr(o, "si_unit"), w->unit) != 0)
        return 0;
    if (!num_is(o, "lower_bound", w->has_lower, w->lower) ||
        !num_is(o, "upper_bound", w->has_upper, w->upper))
        return 0;
    if (!json_object_object_get_ex(o, "tags", &tags) || !json_object_is_type(tags, json_type_array))
        return 0;
    const char *t = json_object_to_json_string_ext(
        tags, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (strcmp(t, w->tags) != 0) {
        fprintf(stderr, "\ntags %s, want %s\n", t, w->tags);
        return 0;
    }
    return 1;
}

static void check_get(const char *uuid, const struct ts_want *w)
{
    char path[128];
    snprintf(path, sizeof path, "/v2/timeseries/%s", uuid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_ts(r.json, w));
    if (!is_ts(r.json, w))
        fprintf(stderr, "\nGET %s -> %s\n", path, r.body);
    itest_reply_free(&r);
}

/* POST /v2/timeseries as userpwd, expecting 201; uuid gets the new uuid. */
static void api_ts_as(const char *userpwd, const char *body, char uuid[UUID_STRLEN + 1])
{
    struct http_reply r = call("POST", "/v2/timeseries", userpwd, body);
    CU_ASSERT_EQUAL(r.status, 201);
    if (r.status != 201)
        fprintf(stderr, "\nPOST /v2/timeseries %s -> %ld %s\n", body, r.status, r.body);
    const char *u = jstr(r.json, "uuid");
    snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    itest_reply_free(&r);
}

static void api_ts(const char *body, char uuid[UUID_STRLEN + 1])
{
    api_ts_as(itest_admin(), body, uuid);
}

/* A series named name with unit C (and the given tags JSON) as admin. */
static void named_ts(const char *name, const char *tags, char uuid[UUID_STRLEN + 1])
{
    char body[512];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"C\",\"tags\":%s}", name,
             tags ? tags : "[]");
    api_ts(body, uuid);
}

static void join3(char *out, size_t n, const char *a, const char *b, const char *c)
{
    snprintf(out, n, "%s%s%s%s%s", a, b ? "," : "", b ? b : "", c ? "," : "", c ? c : "");
}

/* ---- create --------------------------------------------------------------- */

static void test_timeseries_create_is_201_with_exact_fields(void)
{
    char u[UUID_STRLEN + 1], name[64], body[256];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"C\",\"lower_bound\":-50,\"upper_bound\":50.5,"
             "\"tags\":[\"GT31\",\"ODT\"]}", name);
    struct http_reply r = call("POST", "/v2/timeseries", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    struct ts_want w = { NULL, NULL, ROOT_UUID, name, "C", 1, 1, -50, 50.5, "[\"GT31\",\"ODT\"]" };
    CU_ASSERT_TRUE(is_ts(r.json, &w));
    const char *uuid = jstr(r.json, "uuid");
    if (uuid) {
        /* the bytes, as the reference's encoder writes them */
        char want[512];
        snprintf(want, sizeof want,
                 "{\"created_by\":\"" ROOT_UUID "\",\"lower_bound\":-50,\"name\":\"%s\","
                 "\"si_unit\":\"C\",\"tags\":[\"GT31\",\"ODT\"],\"thing_uuid\":null,"
                 "\"upper_bound\":50.5,\"uuid\":\"%s\"}\n", name, uuid);
        CU_ASSERT_STRING_EQUAL(r.body, want);
        const char *p[] = { uuid, name };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM timeseries WHERE uuid = $1 AND name = $2 "
                                 "AND si_unit = 'C' AND lower_bound = -50 AND upper_bound = 50.5 "
                                 "AND tags = '{GT31,ODT}' AND thing_uuid IS NULL "
                                 "AND created_by = '" ROOT_UUID "'", 2, p), 1);
        w.uuid = uuid;
        check_get(uuid, &w);
    }
    itest_reply_free(&r);
}

static void test_timeseries_create_minimal_has_null_bounds_and_no_tags(void)
{
    char u[UUID_STRLEN + 1], name[64], body[256], ts[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-min-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"K\"}", name);
    api_ts(body, ts);
    struct ts_want w = { ts, NULL, ROOT_UUID, name, "K", 0, 0, 0, 0, "[]" };
    check_get(ts, &w);
    /* explicit nulls mean the same */
    snprintf(body, sizeof body,
             "{\"name\":\"%s-n\",\"si_unit\":\"K\",\"thing_uuid\":null,\"lower_bound\":null,"
             "\"upper_bound\":null,\"tags\":null}", name);
    api_ts(body, ts);
    snprintf(name + strlen(name), sizeof name - strlen(name), "-n");
    w.uuid = ts;
    check_get(ts, &w);
}

static void test_timeseries_create_with_thing(void)
{
    char u[UUID_STRLEN + 1], thing[UUID_STRLEN + 1], name[64], body[256], ts[UUID_STRLEN + 1];
    new_uuid(u);
    new_uuid(thing);
    const char *p[] = { thing };
    sql("INSERT INTO things(uuid, name) VALUES ($1, 'itest thing')", 1, p);
    snprintf(name, sizeof name, "ts-thing-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"C\",\"thing_uuid\":\"%s\"}",
             name, thing);
    api_ts(body, ts);
    struct ts_want w = { ts, thing, ROOT_UUID, name, "C", 0, 0, 0, 0, "[]" };
    check_get(ts, &w);

    /* the nil UUID is no thing, as in the reference */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"C\",\"thing_uuid\":\"" NIL_UUID
             "\"}", name);
    api_ts(body, ts);
    w.uuid = ts;
    w.thing = NULL;
    check_get(ts, &w);
}

static void test_timeseries_create_unknown_thing_is_400(void)
{
    expect_error("POST", "/v2/timeseries",
                 "{\"name\":\"no thing\",\"si_unit\":\"C\",\"thing_uuid\":\"" NO_SUCH_UUID "\"}",
                 400, "Malformed request: field 'thing_uuid' names no thing");
}

/* Any non-empty si_unit is stored as given, on create and update, as the
 * reference does (only conversions need a unit the server knows). */
static void test_timeseries_any_unit_text(void)
{
    static const char *const units[] = { "V", "A", "ppm", "lux", "\\u00b0C", "count",
                                         "m\\u00b3/h", "rpm", "c ", "no-such-unit" };
    static const char *const stored[] = { "V", "A", "ppm", "lux", "\xc2\xb0""C", "count",
                                          "m\xc2\xb3/h", "rpm", "c ", "no-such-unit" };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        char body[256], ts[UUID_STRLEN + 1], path[128];
        snprintf(body, sizeof body, "{\"name\":\"unit %zu\",\"si_unit\":\"%s\"}", i, units[i]);
        api_ts(body, ts);
        struct ts_want w = { ts, NULL, ROOT_UUID, NULL, stored[i], 0, 0, 0, 0, "[]" };
        char name[32];
        snprintf(name, sizeof name, "unit %zu", i);
        w.name = name;
        check_get(ts, &w);
        snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
        snprintf(body, sizeof body, "{\"si_unit\":\"%s\"}", units[(i + 1) % 10]);
        expect_status("PUT", path, itest_admin(), body, 204);
        w.unit = stored[(i + 1) % 10];
        check_get(ts, &w);
        expect_error("PUT", path, "{\"si_unit\":\"\"}", 400,
                     "Malformed request: field 'si_unit' must be at least 1 character");
    }
    expect_error("POST", "/v2/timeseries", "{\"name\":\"no unit\",\"si_unit\":\"\"}", 400,
                 "Malformed request: field 'si_unit' must be at least 1 character");
}

static void test_timeseries_create_bad_bodies_are_400(void)
{
    static const char *const bodies[] = {
        "{\"name\":",                                          /* malformed JSON */
        "not json",
        "",
        "[]",
        "null",
        "{}",
        "{\"si_unit\":\"C\"}",                                 /* missing name */
        "{\"name\":\"abcd\"}",                                 /* missing si_unit */
        "{\"name\":null,\"si_unit\":\"C\"}",
        "{\"name\":\"abcd\",\"si_unit\":null}",
        "{\"name\":42,\"si_unit\":\"C\"}",                     /* wrong types */
        "{\"name\":\"abcd\",\"si_unit\":1}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"tags\":\"a\"}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"tags\":[1]}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"tags\":[null]}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"tags\":[\"a\\u0000b\"]}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"lower_bound\":\"1\"}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"upper_bound\":true}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"upper_bound\":1e400}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"thing_uuid\":5}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"thing_uuid\":\"not-a-uuid\"}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"thing_uuid\":\"\"}",
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"x\":1}",       /* unknown field */
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"siunit\":\"C\"}",
        "{\"name\":\"ab\",\"si_unit\":\"C\"}",                 /* name too short */
        "{\"name\":\"\",\"si_unit\":\"C\"}",
        "{\"name\":\"\\u00e4\\u00f6\",\"si_unit\":\"C\"}",     /* 2 characters in 4 bytes */
        "{\"name\":\"abcd\",\"si_unit\":\"\"}",                /* empty unit */
        "{\"name\":\"abcd\",\"si_unit\":\"C\",\"lower_bound\":2,\"upper_bound\":1}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("POST", "/v2/timeseries", itest_admin(), bodies[i], 400);
}

static void test_timeseries_create_equal_bounds_are_accepted(void)
{
    char u[UUID_STRLEN + 1], body[256], ts[UUID_STRLEN + 1], name[64];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-eq-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"C\",\"lower_bound\":3.25,\"upper_bound\":3.25}", name);
    api_ts(body, ts);
    struct ts_want w = { ts, NULL, ROOT_UUID, name, "C", 1, 1, 3.25, 3.25, "[]" };
    check_get(ts, &w);
}

static void test_timeseries_numbers_are_written_as_go_does(void)
{
    char u[UUID_STRLEN + 1], body[256], ts[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(body, sizeof body,
             "{\"name\":\"ts-num-%s\",\"si_unit\":\"C\",\"lower_bound\":0.1,"
             "\"upper_bound\":1e21}", u);
    api_ts(body, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"lower_bound\":0.1,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"upper_bound\":1e+21,"));
    itest_reply_free(&r);
    snprintf(body, sizeof body,
             "{\"lower_bound\":-1.7976931348623157e308,\"upper_bound\":1e-7}");
    expect_status("PUT", path, itest_admin(), body, 204);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"lower_bound\":-1.7976931348623157e+308,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"upper_bound\":1e-7,"));
    itest_reply_free(&r);
}

static void test_timeseries_text_round_trips(void)
{
    char u[UUID_STRLEN + 1], body[512], ts[UUID_STRLEN + 1], name[128];
    new_uuid(u);
    /* a name and tags full of array and JSON syntax, and non-ASCII text */
    snprintf(name, sizeof name, "Temp \xc3\xa4 \\\"q\\\" %s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"C\",\"tags\":[\"a,b\",\"{c}\",\"d\\\"e\","
             "\"f\\\\g\",\"NULL\",\"\",\" sp \",\"\\u00e5\"]}", name);
    api_ts(body, ts);
    char want_name[128];
    snprintf(want_name, sizeof want_name, "Temp \xc3\xa4 \"q\" %s", u);
    struct ts_want w = { ts, NULL, ROOT_UUID, want_name, "C", 0, 0, 0, 0,
                         "[\"a,b\",\"{c}\",\"d\\\"e\",\"f\\\\g\",\"NULL\",\"\",\" sp \","
                         "\"\xc3\xa5\"]" };
    check_get(ts, &w);
    const char *p[] = { ts };
    CU_ASSERT_EQUAL(sql_long("SELECT cardinality(tags) FROM timeseries WHERE uuid = $1", 1, p), 8);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM timeseries WHERE uuid = $1 "
                             "AND tags[5] = 'NULL' AND tags[6] = '' AND tags[4] = 'f\\g'", 1, p), 1);
}

/* ---- get ------------------------------------------------------------------ */

static void test_timeseries_get_missing_is_404(void)
{
    expect_error("GET", "/v2/timeseries/" NO_SUCH_UUID, NULL, 404,
                 "The requested resource does not exist");
}

static void test_timeseries_invalid_uuid_in_path_is_400(void)
{
    expect_status("GET", "/v2/timeseries/not-a-uuid", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/timeseries/not-a-uuid", itest_admin(), "{\"name\":\"abcd\"}", 400);
    expect_status("DELETE", "/v2/timeseries/1234", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/timeseries/5a8d3e0c00004000800000000000dead", itest_admin(), NULL,
                  400);
}

static void test_timeseries_get_upper_case_uuid_finds_series(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], upper[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-uc-%s", u);
    named_ts(name, NULL, ts);
    for (size_t i = 0; i <= UUID_STRLEN; i++)
        upper[i] = (char)(ts[i] >= 'a' && ts[i] <= 'f' ? ts[i] - 'a' + 'A' : ts[i]);
    struct ts_want w = { ts, NULL, ROOT_UUID, name, "C", 0, 0, 0, 0, "[]" };
    check_get(upper, &w); /* written lower-case */
}

static void test_timeseries_created_by_of_deleted_user_is_nil_uuid(void)
{
    char u[UUID_STRLEN + 1], name[64];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-orphan-%s", u);
    const char *p[] = { u, name };
    sql("INSERT INTO timeseries(uuid, name, si_unit, created_by) VALUES ($1, $2, 'C', NULL)", 2, p);
    struct ts_want w = { u, NULL, NIL_UUID, name, "C", 0, 0, 0, 0, "[]" };
    check_get(u, &w);
}

/* ---- update --------------------------------------------------------------- */

static void test_timeseries_update_each_field_with_204(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], thing[UUID_STRLEN + 1], path[128];
    char body[256];
    new_uuid(u);
    new_uuid(thing);
    const char *p[] = { thing };
    sql("INSERT INTO things(uuid, name) VALUES ($1, 'itest thing')", 1, p);
    snprintf(name, sizeof name, "ts-upd-%s", u);
    named_ts(name, "[\"old\"]", ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);

    snprintf(name, sizeof name, "ts-upd2-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"K\",\"thing_uuid\":\"%s\",\"lower_bound\":-1.5,"
             "\"upper_bound\":99,\"tags\":[\"new\",\"x\"]}", name, thing);
    struct http_reply r = call("PUT", path, itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    struct ts_want w = { ts, thing, ROOT_UUID, name, "K", 1, 1, -1.5, 99, "[\"new\",\"x\"]" };
    check_get(ts, &w);

    /* one field at a time leaves the others */
    expect_status("PUT", path, itest_admin(), "{\"upper_bound\":100}", 204);
    w.upper = 100;
    check_get(ts, &w);
    expect_status("PUT", path, itest_admin(), "{\"tags\":[]}", 204);
    w.tags = "[]";
    check_get(ts, &w);
    expect_status("PUT", path, itest_admin(), "{\"si_unit\":\"m\"}", 204);
    w.unit = "m";
    check_get(ts, &w);
}

static void test_timeseries_update_null_clears_bounds_and_thing_only(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], thing[UUID_STRLEN + 1], path[128];
    char body[256];
    new_uuid(u);
    new_uuid(thing);
    const char *p[] = { thing };
    sql("INSERT INTO things(uuid, name) VALUES ($1, 'itest thing')", 1, p);
    snprintf(name, sizeof name, "ts-null-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"C\",\"thing_uuid\":\"%s\",\"lower_bound\":1,"
             "\"upper_bound\":2,\"tags\":[\"t\"]}", name, thing);
    api_ts(body, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);

    /* null for the columns that cannot be null leaves them */
    expect_status("PUT", path, itest_admin(),
                  "{\"name\":null,\"si_unit\":null,\"tags\":null}", 204);
    struct ts_want w = { ts, thing, ROOT_UUID, name, "C", 1, 1, 1, 2, "[\"t\"]" };
    check_get(ts, &w);
    expect_status("PUT", path, itest_admin(), "{\"lower_bound\":null}", 204);
    w.has_lower = 0;
    check_get(ts, &w);
    expect_status("PUT", path, itest_admin(), "{\"upper_bound\":null,\"thing_uuid\":null}", 204);
    w.has_upper = 0;
    w.thing = NULL;
    check_get(ts, &w);
    snprintf(body, sizeof body, "{\"thing_uuid\":\"%s\"}", thing);
    expect_status("PUT", path, itest_admin(), body, 204);
    w.thing = thing;
    check_get(ts, &w);
    expect_status("PUT", path, itest_admin(), "{\"thing_uuid\":\"" NIL_UUID "\"}", 204);
    w.thing = NULL;
    check_get(ts, &w);
}

static void test_timeseries_update_empty_body_is_204_unchanged(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-empty-%s", u);
    named_ts(name, "[\"k\"]", ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    expect_status("PUT", path, itest_admin(), "{}", 204);
    struct ts_want w = { ts, NULL, ROOT_UUID, name, "C", 0, 0, 0, 0, "[\"k\"]" };
    check_get(ts, &w);
}

static void test_timeseries_update_missing_is_404(void)
{
    expect_error("PUT", "/v2/timeseries/" NO_SUCH_UUID, "{\"name\":\"nobody\"}", 404,
                 "The requested resource does not exist");
    expect_status("PUT", "/v2/timeseries/" NO_SUCH_UUID, itest_admin(), "{}", 404);
}

static void test_timeseries_update_bad_bodies_are_400_and_change_nothing(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], path[128], body[256];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-bad-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"C\",\"lower_bound\":0,\"upper_bound\":10,"
             "\"tags\":[\"keep\"]}", name);
    api_ts(body, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    static const char *const bodies[] = {
        "{\"name\":", "[]", "null", "", "{\"name\":1}", "{\"si_unit\":2}", "{\"tags\":\"x\"}",
        "{\"tags\":[1]}", "{\"lower_bound\":\"1\"}", "{\"upper_bound\":[]}",
        "{\"thing_uuid\":\"nope\"}", "{\"thing_uuid\":1}", "{\"name\":\"abcd\",\"zz\":1}",
        "{\"name\":\"ab\"}", "{\"si_unit\":\"\"}",
        "{\"thing_uuid\":\"" NO_SUCH_UUID "\"}",
        "{\"lower_bound\":11}",                      /* above the stored upper bound */
        "{\"upper_bound\":-1}",                      /* below the stored lower bound */
        "{\"lower_bound\":5,\"upper_bound\":4}",
        "{\"name\":\"renamed\",\"lower_bound\":20}", /* one bad field: nothing changes */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("PUT", path, itest_admin(), bodies[i], 400);
    struct ts_want w = { ts, NULL, ROOT_UUID, name, "C", 1, 1, 0, 10, "[\"keep\"]" };
    check_get(ts, &w);
    expect_error("PUT", path, "{\"thing_uuid\":\"" NO_SUCH_UUID "\"}", 400,
                 "Malformed request: field 'thing_uuid' names no thing");
    /* clearing the crossing bound first makes the other one acceptable */
    expect_status("PUT", path, itest_admin(), "{\"upper_bound\":null,\"lower_bound\":20}", 204);
    w.has_upper = 0;
    w.lower = 20;
    check_get(ts, &w);
}

/* ---- delete --------------------------------------------------------------- */

static void test_timeseries_delete_is_204_then_404(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-del-%s", u);
    named_ts(name, NULL, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    struct http_reply r = call("DELETE", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    expect_status("GET", path, itest_admin(), NULL, 404);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    expect_status("PUT", path, itest_admin(), "{\"name\":\"gone\"}", 404);
}

static void test_timeseries_delete_with_data_removes_the_data(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], other[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-data-%s", u);
    named_ts(name, NULL, ts);
    snprintf(name, sizeof name, "ts-data-other-%s", u);
    named_ts(name, NULL, other);
    const char *p[] = { ts }, *po[] = { other };
    const char *fill = "INSERT INTO tsdata(ts_uuid, value, ts, created_by) "
                       "SELECT $1, i, now() - i * interval '1 minute', '" ROOT_UUID "' "
                       "FROM generate_series(1, 500) i";
    sql(fill, 1, p);
    sql(fill, 1, po);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM tsdata WHERE ts_uuid = $1", 1, p), 500);

    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM tsdata WHERE ts_uuid = $1", 1, p), 0);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM timeseries WHERE uuid = $1", 1, p), 0);
    /* another series' data is untouched */
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM tsdata WHERE ts_uuid = $1", 1, po), 500);
    expect_status("GET", path, itest_admin(), NULL, 404);
}

/* ---- list ----------------------------------------------------------------- */

static void test_timeseries_list_shows_readable_series_by_name_and_pages(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[96], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];
    char c[UUID_STRLEN + 1], hidden[UUID_STRLEN + 1], res[64], want[256];
    make_user(user, userpwd, sizeof userpwd);
    /* created out of order: the list is by name, not by creation */
    snprintf(name, sizeof name, "lst-%s-c", user);
    named_ts(name, NULL, c);
    snprintf(name, sizeof name, "lst-%s-a", user);
    named_ts(name, NULL, a);
    snprintf(name, sizeof name, "lst-%s-b", user);
    named_ts(name, NULL, b);
    snprintf(name, sizeof name, "lst-%s-0", user);
    named_ts(name, NULL, hidden);
    grant(user, "allow", "read", "timeseries");
    const char *mine[] = { a, b, c };
    for (int i = 0; i < 3; i++) {
        snprintf(res, sizeof res, "timeseries/%s", mine[i]);
        grant(user, "allow", "read", res);
    }
    join3(want, sizeof want, a, b, c);
    expect_list("/v2/timeseries", userpwd, want);
    join3(want, sizeof want, a, b, NULL);
    expect_list("/v2/timeseries?limit=2", userpwd, want);
    expect_list("/v2/timeseries?limit=2&offset=2", userpwd, c);
    expect_list("/v2/timeseries?offset=1&limit=1", userpwd, b);
    expect_list("/v2/timeseries?offset=3", userpwd, "");
    expect_list("/v2/timeseries?offset=100000000", userpwd, "");

    /* a deny on one of them hides it, however it is allowed */
    snprintf(res, sizeof res, "timeseries/%s", b);
    grant(user, "deny", "read", res);
    join3(want, sizeof want, a, c, NULL);
    expect_list("/v2/timeseries", userpwd, want);
}

static void test_timeseries_list_one_readable_series_shows_exactly_it(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[96], other_name[96], mine[UUID_STRLEN + 1];
    char other[UUID_STRLEN + 1], res[64], path[128];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "one-%s", user);
    named_ts(name, "[\"one\"]", mine);
    snprintf(other_name, sizeof other_name, "one-other-%s", user);
    named_ts(other_name, "[\"one\"]", other);
    snprintf(res, sizeof res, "timeseries/%s", mine);
    grant(user, "allow", "read", res);

    /* the series itself, but not the list (which needs read:timeseries) */
    snprintf(path, sizeof path, "/v2/timeseries/%s", mine);
    struct http_reply r = call("GET", path, userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    struct ts_want w = { mine, NULL, ROOT_UUID, name, "C", 0, 0, 0, 0, "[\"one\"]" };
    CU_ASSERT_TRUE(is_ts(r.json, &w));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/timeseries/%s", other);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("GET", "/v2/timeseries", userpwd, NULL, 403);

    grant(user, "allow", "read", "timeseries");
    r = call("GET", "/v2/timeseries?limit=100", userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE_FATAL(json_object_is_type(r.json, json_type_array));
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 1);
    CU_ASSERT_TRUE(is_ts(json_object_array_get_idx(r.json, 0), &w));
    itest_reply_free(&r);
    /* reading does not allow changing */
    snprintf(path, sizeof path, "/v2/timeseries/%s", mine);
    expect_status("PUT", path, userpwd, "{\"name\":\"renamed\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
}

static void test_timeseries_list_tags_filter_is_any_overlap(void)
{
    char u[UUID_STRLEN + 1], name[96], tags[256], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];
    char c[UUID_STRLEN + 1], path[512], want[256], x[48], y[48], z[48];
    new_uuid(u);
    snprintf(x, sizeof x, "x-%s", u);
    snprintf(y, sizeof y, "y-%s", u);
    snprintf(z, sizeof z, "z-%s", u);
    snprintf(name, sizeof name, "tag-%s-a", u);
    snprintf(tags, sizeof tags, "[\"%s\",\"%s\"]", x, y);
    named_ts(name, tags, a);
    snprintf(name, sizeof name, "tag-%s-b", u);
    snprintf(tags, sizeof tags, "[\"%s\"]", y);
    named_ts(name, tags, b);
    snprintf(name, sizeof name, "tag-%s-c", u);
    snprintf(tags, sizeof tags, "[\"%s\"]", z);
    named_ts(name, tags, c);

    snprintf(path, sizeof path, "/v2/timeseries?tags=%s", x);
    expect_list(path, itest_admin(), a);
    snprintf(path, sizeof path, "/v2/timeseries?tags=%s", y);
    join3(want, sizeof want, a, b, NULL);
    expect_list(path, itest_admin(), want);
    /* several tags: any of them (repeated or comma-separated) */
    join3(want, sizeof want, a, c, NULL);
    snprintf(path, sizeof path, "/v2/timeseries?tags=%s&tags=%s", x, z);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/timeseries?tags=%s,%s", z, x);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/timeseries?tags=%s,%s,%s", x, y, z);
    join3(want, sizeof want, a, b, c);
    expect_list(path, itest_admin(), want);
    /* paging applies after the filter */
    snprintf(path, sizeof path, "/v2/timeseries?tags=%s,%s,%s&limit=1&offset=1", x, y, z);
    expect_list(path, itest_admin(), b);
    /* no match, and a tag's prefix is not the tag */
    snprintf(path, sizeof path, "/v2/timeseries?tags=q-%s", u);
    expect_list(path, itest_admin(), "");
    expect_list("/v2/timeseries?tags=x-", itest_admin(), "");
}

static void test_timeseries_list_tags_filter_respects_read_policies(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[96], tags[128], a[UUID_STRLEN + 1];
    char b[UUID_STRLEN + 1], res[64], path[256];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(tags, sizeof tags, "[\"t-%s\"]", user);
    snprintf(name, sizeof name, "tp-%s-a", user);
    named_ts(name, tags, a);
    snprintf(name, sizeof name, "tp-%s-b", user);
    named_ts(name, tags, b);
    grant(user, "allow", "read", "timeseries");
    snprintf(res, sizeof res, "timeseries/%s", b);
    grant(user, "allow", "read", res);
    snprintf(path, sizeof path, "/v2/timeseries?tags=t-%s", user);
    expect_list(path, userpwd, b);
    char both[2 * UUID_STRLEN + 2];
    snprintf(both, sizeof both, "%s,%s", a, b);
    expect_list(path, itest_admin(), both);
}

static void test_timeseries_list_tags_with_special_characters(void)
{
    char u[UUID_STRLEN + 1], name[96], body[256], ts[UUID_STRLEN + 1], path[256];
    new_uuid(u);
    snprintf(name, sizeof name, "tsp-%s", u);
    /* tag: q"b\c{}% <u> */
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"si_unit\":\"C\",\"tags\":[\"q\\\"b\\\\c{} %s\"]}", name, u);
    api_ts(body, ts);
    snprintf(path, sizeof path, "/v2/timeseries?tags=q%%22b%%5Cc%%7B%%7D+%s", u);
    expect_list(path, itest_admin(), ts);
    snprintf(path, sizeof path, "/v2/timeseries?tags=q%%22b%%5Cc%%7B%%7D%%20%s", u);
    expect_list(path, itest_admin(), ts);
    snprintf(path, sizeof path, "/v2/timeseries?tags=q%%22b%%5Cc%%7B%%7D%s", u);
    expect_list(path, itest_admin(), "");
}

static void test_timeseries_list_bad_query_is_400(void)
{
    static const char *const q[] = {
        "limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5",
        "offset=-1", "offset=x", "limit=10&limit=20", "tags=", "tags=,", "tags=%zz",
        "tags=a%00b",
    };
    char path[128];
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        snprintf(path, sizeof path, "/v2/timeseries?%s", q[i]);
        expect_status("GET", path, itest_admin(), NULL, 400);
    }
    expect_status("GET", "/v2/timeseries?limit=1", itest_admin(), NULL, 200);
    expect_status("GET", "/v2/timeseries?limit=100", itest_admin(), NULL, 200);
}

static void test_timeseries_list_default_limit_is_20(void)
{
    char u[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    const char *p[] = { u };
    sql("INSERT INTO timeseries(name, si_unit, tags, created_by) "
        "SELECT 'many-' || $1 || '-' || lpad(i::text, 2, '0'), 'C', ARRAY['many-' || $1], "
        "       '" ROOT_UUID "' FROM generate_series(1, 21) i",
        1, p);
    snprintf(path, sizeof path, "/v2/timeseries?tags=many-%s", u);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 20);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/timeseries?tags=many-%s&limit=100", u);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 21);
    char want[96];
    snprintf(want, sizeof want, "many-%s-21", u);
    const char *last = jstr(json_object_array_get_idx(r.json, 20), "name");
    CU_ASSERT_TRUE(last && strcmp(last, want) == 0);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/timeseries?tags=many-%s&offset=20", u);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 1);
    last = jstr(json_object_array_get_idx(r.json, 0), "name");
    CU_ASSERT_TRUE(last && strcmp(last, want) == 0);
    itest_reply_free(&r);
}

static void test_timeseries_list_empty_is_empty_array(void)
{
    char user[UUID_STRLEN + 1], userpwd[256];
    make_user(user, userpwd, sizeof userpwd);
    grant(user, "allow", "read", "timeseries");
    struct http_reply r = call("GET", "/v2/timeseries", userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
}

/* ---- creator's policies --------------------------------------------------- */

static void test_timeseries_create_grants_creators_personal_group(void)
{
    /* a user made through the API has a personal group of its own name */
    char u[UUID_STRLEN + 1], uname[64], body[256], path[128], userpwd[256];
    new_uuid(u);
    snprintf(uname, sizeof uname, "creator-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", uname);
    struct http_reply r = call("POST", "/v2/users", itest_admin(), body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    char user[UUID_STRLEN + 1];
    snprintf(user, sizeof user, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/users/%s/tokens", user);
    r = call("POST", path, itest_admin(), "{\"name\":\"itest token\"}");
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(userpwd, sizeof userpwd, "%s:%s", itest_env("ITEST_DOMAIN"), jstr(r.json, "secret"));
    itest_reply_free(&r);
    expect_status("POST", "/v2/timeseries", userpwd, "{\"name\":\"denied\",\"si_unit\":\"C\"}",
                  403);
    grant(user, "allow", "create", "timeseries");

    char ts[UUID_STRLEN + 1], name[64];
    snprintf(name, sizeof name, "mine-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"C\"}", name);
    api_ts_as(userpwd, body, ts);
    struct ts_want w = { ts, NULL, user, name, "C", 0, 0, 0, 0, "[]" };
    check_get(ts, &w);
    char resource[96];
    snprintf(resource, sizeof resource, "timeseries/%s/%%", ts);
    const char *p[] = { uname, resource };
    CU_ASSERT_EQUAL(sql_long("SELECT count(DISTINCT gp.action) FROM group_policies gp "
                             "JOIN groups g ON g.uuid = gp.group_uuid "
                             "WHERE g.name = $1 AND gp.resource = $2 AND gp.effect = 'allow' "
                             "AND gp.priority = 0", 2, p), 4);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE resource = $2 "
                             "AND group_uuid <> (SELECT uuid FROM groups WHERE name = $1)", 2, p),
                    0);
    /* the series itself stays out of reach: the grant covers what is below it */
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    expect_status("GET", path, userpwd, NULL, 403);
}

static void test_timeseries_create_as_root_grants_root_group(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], resource[96];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-rootgrant-%s", u);
    named_ts(name, NULL, ts);
    snprintf(resource, sizeof resource, "timeseries/%s/%%", ts);
    const char *p[] = { resource };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE resource = $1 "
                             "AND group_uuid = '" ROOT_UUID "'", 1, p), 4);
}

static void test_timeseries_create_without_personal_group_grants_nothing(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[64], body[128], ts[UUID_STRLEN + 1];
    char resource[96];
    make_user(user, userpwd, sizeof userpwd);
    grant(user, "allow", "create", "timeseries");
    snprintf(name, sizeof name, "ts-nogrp-%s", user);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"C\"}", name);
    api_ts_as(userpwd, body, ts);
    snprintf(resource, sizeof resource, "timeseries/%s/%%", ts);
    const char *p[] = { resource }, *q[] = { ts };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE resource = $1", 1, p), 0);
    char created_by[64];
    sql_text("SELECT created_by FROM timeseries WHERE uuid = $1", 1, q, created_by,
             sizeof created_by);
    CU_ASSERT_STRING_EQUAL(created_by, user);
}

/* ---- authentication and authorization ------------------------------------ */

static void test_timeseries_without_credentials_is_401(void)
{
    char u[UUID_STRLEN + 1], name[64], ts[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-401-%s", u);
    named_ts(name, NULL, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    expect_status("GET", "/v2/timeseries", NULL, NULL, 401);
    expect_status("POST", "/v2/timeseries", NULL, "{\"name\":\"abcd\",\"si_unit\":\"C\"}", 401);
    expect_status("GET", path, NULL, NULL, 401);
    expect_status("PUT", path, NULL, "{\"name\":\"abcd\"}", 401);
    expect_status("DELETE", path, NULL, NULL, 401);
    expect_status("GET", "/v2/timeseries/not-a-uuid", NULL, NULL, 401);
    expect_status("GET", "/v2/timeseries", "itest:secret-token.wrong", NULL, 401);
    expect_status("GET", path, itest_admin(), NULL, 200); /* still there */
}

static void test_timeseries_user_without_policies_is_403(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[64], ts[UUID_STRLEN + 1], path[128];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "ts-403-%s", user);
    named_ts(name, NULL, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    expect_status("GET", "/v2/timeseries", userpwd, NULL, 403);
    expect_status("POST", "/v2/timeseries", userpwd, "{\"name\":\"never\",\"si_unit\":\"C\"}", 403);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("PUT", path, userpwd, "{\"name\":\"stolen\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    expect_status("GET", "/v2/timeseries/" NO_SUCH_UUID, userpwd, NULL, 403);
    /* forbidden before the body is looked at */
    expect_status("POST", "/v2/timeseries", userpwd, "{\"bad\":", 403);
    struct ts_want w = { ts, NULL, ROOT_UUID, name, "C", 0, 0, 0, 0, "[]" };
    check_get(ts, &w);
}

static void test_timeseries_seeded_timeseries_group_may_do_everything(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[64], body[128], ts[UUID_STRLEN + 1];
    char path[128];
    make_user(user, userpwd, sizeof userpwd);
    const char *p[] = { user };
    sql("INSERT INTO user_groups(user_uuid, group_uuid) "
        "VALUES ($1, '00000000-0000-1000-8000-000000000002')", 1, p);
    snprintf(name, sizeof name, "ts-grp-%s", user);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"si_unit\":\"C\"}", name);
    api_ts_as(userpwd, body, ts);
    snprintf(path, sizeof path, "/v2/timeseries/%s", ts);
    expect_status("GET", path, userpwd, NULL, 200);
    expect_status("GET", "/v2/timeseries", userpwd, NULL, 200);
    expect_status("PUT", path, userpwd, "{\"name\":\"renamed by group\"}", 204);
    expect_status("DELETE", path, userpwd, NULL, 204);
}

/* ---- registration ------------------------------------------------------- */

static int suite_init(void)
{
    PGconn *db = itest_db();
    return PQstatus(db) == CONNECTION_OK ? 0 : 1;
}

static int suite_clean(void)
{
    itest_db_close();
    return 0;
}

void register_tests(void);
void register_tests(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CU_pSuite s = CU_add_suite("api_timeseries", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(timeseries_create_is_201_with_exact_fields);
    T(timeseries_create_minimal_has_null_bounds_and_no_tags);
    T(timeseries_create_with_thing);
    T(timeseries_create_unknown_thing_is_400);
    T(timeseries_any_unit_text);
    T(timeseries_create_bad_bodies_are_400);
    T(timeseries_create_equal_bounds_are_accepted);
    T(timeseries_numbers_are_written_as_go_does);
    T(timeseries_text_round_trips);
    T(timeseries_get_missing_is_404);
    T(timeseries_invalid_uuid_in_path_is_400);
    T(timeseries_get_upper_case_uuid_finds_series);
    T(timeseries_created_by_of_deleted_user_is_nil_uuid);
    T(timeseries_update_each_field_with_204);
    T(timeseries_update_null_clears_bounds_and_thing_only);
    T(timeseries_update_empty_body_is_204_unchanged);
    T(timeseries_update_missing_is_404);
    T(timeseries_update_bad_bodies_are_400_and_change_nothing);
    T(timeseries_delete_is_204_then_404);
    T(timeseries_delete_with_data_removes_the_data);
    T(timeseries_list_shows_readable_series_by_name_and_pages);
    T(timeseries_list_one_readable_series_shows_exactly_it);
    T(timeseries_list_tags_filter_is_any_overlap);
    T(timeseries_list_tags_filter_respects_read_policies);
    T(timeseries_list_tags_with_special_characters);
    T(timeseries_list_bad_query_is_400);
    T(timeseries_list_default_limit_is_20);
    T(timeseries_list_empty_is_empty_array);
    T(timeseries_create_grants_creators_personal_group);
    T(timeseries_create_as_root_grants_root_group);
    T(timeseries_create_without_personal_group_grants_nothing);
    T(timeseries_without_credentials_is_401);
    T(timeseries_user_without_policies_is_403);
    T(timeseries_seeded_timeseries_group_may_do_everything);
#undef T
}
