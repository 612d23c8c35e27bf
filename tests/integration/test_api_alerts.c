/* test_api_alerts.c — /v2/alerts* through nginx and a selfserv pool: every
 * operation with exact field values, the merge of duplicates (duplicate
 * count, previous_severity, last_receive_time; only into live alerts;
 * concurrent creates of one key), the effective 'expire' status, rawdata
 * as base64, every list filter (severity order as the reference's level
 * table), ordering and paging, every error status, and policies. Each test
 * makes its own data: keys carry a random uuid, so the suite runs against
 * a non-empty database. Times are moved into the past with libpq. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "itest.h"
#include "itest_data.h"
#include "rfc3339.h"
#include "status.h"
#include "token.h"
#include "uuid.h"

#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"
#define HELLO_B64 "aGVsbG8sIHdvcmxkIQo=" /* "hello, world!\n" */

/* ---- helpers ------------------------------------------------------------ */

static const char *const NONE[] = { NULL };

/* What an Alert must hold. created / last_receive_time: NULL = any RFC
 * 3339 UTC timestamp ("Z"), "" = null (last_receive_time only). */
struct want {
    const char *uuid, *resource, *environment, *event, *severity, *status;
    const char *value, *description, *origin, *previous_severity, *rawdata;
    const char *const *service, *const *tags;
    long long timeout, duplicate;
    const char *created, *last_receive_time;
};

static int time_ok(json_object *o, const char *key, const char *want)
{
    if (want && !want[0])
        return jnull(o, key);
    const char *s = jstr(o, key);
    int64_t usec;
    if (!s || rfc3339_parse(s, strlen(s), &usec) != OK || s[strlen(s) - 1] != 'Z')
        return 0;
    return !want || strcmp(s, want) == 0;
}

/* Exactly the Alert schema (17 keys) with these values. */
static int is_alert(json_object *o, const struct want *w)
{
    int ok = json_object_is_type(o, json_type_object) && json_object_object_length(o) == 17 &&
             (w->uuid ? jstr_is(o, "uuid", w->uuid)
                      : jstr(o, "uuid") && uuid_valid(jstr(o, "uuid")) == OK) &&
             jstr_is(o, "resource", w->resource) && jstr_is(o, "environment", w->environment) &&
             jstr_is(o, "event", w->event) && jstr_is(o, "severity", w->severity) &&
             jstr_is(o, "status", w->status) && jstr_is(o, "value", w->value) &&
             jstr_is(o, "description", w->description) && jstr_is(o, "origin", w->origin) &&
             jstr_is(o, "previous_severity", w->previous_severity) &&
             jstr_is(o, "rawdata", w->rawdata) && jstrings_are(o, "service", w->service) &&
             jstrings_are(o, "tags", w->tags) && jint_is(o, "timeout", w->timeout) &&
             jint_is(o, "duplicate", w->duplicate) && time_ok(o, "created", w->created) &&
             time_ok(o, "last_receive_time", w->last_receive_time);
    if (!ok)
        fprintf(stderr, "\nnot the alert %s/%s: %s\n", w->resource, w->event,
                o ? json_object_to_json_string(o) : "(none)");
    return ok;
}

/* POST /v2/alerts; uuid gets the reply's uuid. Returns the status. */
static long post_alert(const char *userpwd, const char *body, char uuid[UUID_STRLEN + 1])
{
    struct http_reply r = call("POST", "/v2/alerts", userpwd, body);
    long status = r.status;
    const char *u = jstr(r.json, "uuid");
    if (uuid)
        snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    if (status != 201)
        fprintf(stderr, "\nPOST /v2/alerts %s -> %ld %s\n", body, status, r.body);
    itest_reply_free(&r);
    return status;
}

/* An alert made by the admin with the required fields and extra JSON
 * members (",\"tags\":[…]" or ""). */
static void api_alert(const char *resource, const char *env, const char *event,
                      const char *origin, const char *severity, const char *extra,
                      char uuid[UUID_STRLEN + 1])
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"%s\",\"event\":\"%s\",\"origin\":\"%s\","
             "\"severity\":\"%s\",\"value\":\"v\",\"description\":\"d\"%s}",
             resource, env, event, origin, severity, extra ? extra : "");
    CU_ASSERT_EQUAL(post_alert(itest_admin(), body, uuid), 201);
}

static json_object *get_alert(const char *uuid, struct http_reply *r)
{
    char path[128];
    snprintf(path, sizeof path, "/v2/alerts/%s", uuid);
    *r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r->status, 200);
    return r->json;
}

/* Moves an alert's clock back: created and last_receive_time (when set)
 * by `ago` (an interval). */
static void age(const char *uuid, const char *ago)
{
    const char *p[] = { uuid, ago };
    sql("UPDATE alerts SET created = created - $2::interval, "
        "last_receive_time = last_receive_time - $2::interval WHERE uuid = $1",
        2, p);
}

/* Comma-joins n uuids into out. */
static void join(char *out, size_t n, int count, ...)
{
    va_list ap;
    va_start(ap, count);
    out[0] = '\0';
    for (int i = 0; i < count; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", i ? "," : "", va_arg(ap, const char *));
    }
    va_end(ap);
}

/* ---- create and get ----------------------------------------------------- */

static void test_alerts_create_is_201_with_uuid_only(void)
{
    char u[UUID_STRLEN + 1], body[1024];
    new_uuid(u);
    snprintf(body, sizeof body,
             "{\"resource\":\"web-%s\",\"environment\":\"production\",\"event\":\"Down\","
             "\"severity\":\"critical\",\"status\":\"acknowledge\",\"value\":\"OOM\","
             "\"description\":\"Process died due to low memory\","
             "\"origin\":\"watcher.go:check L123\",\"service\":[\"web\",\"api\"],"
             "\"tags\":[\"fixme\",\"not-a-drill\"],\"timeout\":120,"
             "\"rawdata\":\"" HELLO_B64 "\"}", u);
    struct http_reply r = call("POST", "/v2/alerts", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_object) &&
                   json_object_object_length(r.json) == 1);
    const char *uuid = jstr(r.json, "uuid");
    CU_ASSERT_TRUE_FATAL(uuid && uuid_valid(uuid) == OK);
    char res[64];
    snprintf(res, sizeof res, "web-%s", u);
    const char *p[] = { uuid, res };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 AND resource = $2 "
                             "AND environment = 'production' AND event = 'Down' "
                             "AND severity = 'critical' AND status = 'acknowledge' "
                             "AND value = 'OOM' AND description = 'Process died due to low memory' "
                             "AND origin = 'watcher.go:check L123' AND service = ARRAY['web','api'] "
                             "AND tags = ARRAY['fixme','not-a-drill'] AND timeout = 120 "
                             "AND rawdata = convert_to(E'hello, world!\\n', 'UTF8') "
                             "AND duplicate = 0 AND previous_severity = 'indeterminate' "
                             "AND last_receive_time IS NULL AND created > now() - interval '1 minute'",
                             2, p), 1);
    itest_reply_free(&r);
}

static void test_alerts_get_returns_alert_with_exact_fields(void)
{
    char u[UUID_STRLEN + 1], body[1024], res[64], uuid[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(res, sizeof res, "web-%s", u);
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"production\",\"event\":\"Down\","
             "\"severity\":\"major\",\"value\":\"OOM\",\"description\":\"d\\u00e4\\\"q\","
             "\"origin\":\"o\",\"service\":[\"web\"],\"tags\":[\"a b\",\"{c}\",\"\"],"
             "\"timeout\":7200,\"rawdata\":\"" HELLO_B64 "\"}", res);
    CU_ASSERT_EQUAL_FATAL(post_alert(itest_admin(), body, uuid), 201);
    const char *const service[] = { "web", NULL }, *const tags[] = { "a b", "{c}", "", NULL };
    struct want w = { uuid, res, "production", "Down", "major", "open", "OOM", "d\xc3\xa4\"q",
                      "o", "indeterminate", HELLO_B64, service, tags, 7200, 0, NULL, "" };
    struct http_reply r;
    CU_ASSERT_TRUE(is_alert(get_alert(uuid, &r), &w));
    /* created is the stored instant */
    const char *created = jstr(r.json, "created");
    if (created) {
        const char *p[] = { uuid, created };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 "
                                 "AND created = $2::timestamptz", 2, p), 1);
    }
    CU_ASSERT_EQUAL(r.body[r.body_len - 1], '\n');
    itest_reply_free(&r);

    /* fixed times come back in Go's RFC3339Nano, UTC */
    const char *p[] = { uuid };
    sql("UPDATE alerts SET created = '2021-06-01 14:00:00.5+02', "
        "last_receive_time = '2021-06-02 01:02:03.000123+00', timeout = 2000000000 "
        "WHERE uuid = $1", 1, p);
    w.created = "2021-06-01T12:00:00.5Z";
    w.last_receive_time = "2021-06-02T01:02:03.000123Z";
    w.timeout = 2000000000;
    CU_ASSERT_TRUE(is_alert(get_alert(uuid, &r), &w));
    itest_reply_free(&r);

    /* upper-case hex in the path finds it too */
    char path[128];
    snprintf(path, sizeof path, "/v2/alerts/%s", uuid);
    for (char *c = path + strlen("/v2/alerts/"); *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_alert(r.json, &w));
    itest_reply_free(&r);
}

static void test_alerts_create_defaults(void)
{
    char u[UUID_STRLEN + 1], res[64], uuid[UUID_STRLEN + 1], body[512];
    new_uuid(u);
    snprintf(res, sizeof res, "min-%s", u);
    api_alert(res, "env", "ev", "", "warning", NULL, uuid);
    struct want w = { uuid, res, "env", "ev", "warning", "open", "v", "d", "", "indeterminate",
                      "", NONE, NONE, 3600, 0, NULL, "" };
    struct http_reply r;
    CU_ASSERT_TRUE(is_alert(get_alert(uuid, &r), &w));
    itest_reply_free(&r);

    /* null optional fields are "not given"; empty strings are fine */
    snprintf(res, sizeof res, "nul-%s", u);
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"\",\"event\":\"\",\"origin\":\"\","
             "\"severity\":\"trace\",\"value\":\"\",\"description\":\"\",\"status\":null,"
             "\"service\":null,\"tags\":null,\"timeout\":null,\"rawdata\":null}", res);
    CU_ASSERT_EQUAL(post_alert(itest_admin(), body, uuid), 201);
    struct want w2 = { uuid, res, "", "", "trace", "open", "", "", "", "indeterminate", "",
                       NONE, NONE, 3600, 0, NULL, "" };
    CU_ASSERT_TRUE(is_alert(get_alert(uuid, &r), &w2));
    itest_reply_free(&r);

    /* every severity and status is accepted; timeout may be 0 or negative */
    static const char *const sev[] = { "security", "critical", "major", "minor", "warning",
                                       "informational", "debug", "trace", "indeterminate" };
    static const char *const st[] = { "open", "close", "expire", "shelve", "acknowledge",
                                      "unknown" };
    for (size_t i = 0; i < 9; i++) {
        snprintf(res, sizeof res, "sev%zu-%s", i, u);
        snprintf(body, sizeof body,
                 "{\"resource\":\"%s\",\"environment\":\"e\",\"event\":\"e\",\"origin\":\"\","
                 "\"severity\":\"%s\",\"status\":\"%s\",\"value\":\"\",\"description\":\"\","
                 "\"timeout\":%d}", res, sev[i], st[i % 6], i == 0 ? 0 : i == 1 ? -5 : 2147483647);
        CU_ASSERT_EQUAL(post_alert(itest_admin(), body, uuid), 201);
        const char *p[] = { uuid, sev[i], st[i % 6] };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 "
                                 "AND severity = $2::alert_severity AND status = $3::alert_status",
                                 3, p), 1);
    }
}

/* Binary rawdata (NUL, 0xff, long enough that PostgreSQL's base64 would
 * wrap lines) round-trips as one line of standard base64. */
static void test_alerts_rawdata_is_base64(void)
{
    uint8_t raw[300];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(255 - i);
    raw[10] = 0;
    char b64[512], u[UUID_STRLEN + 1], res[64], uuid[UUID_STRLEN + 1], extra[640];
    base64_encode(raw, sizeof raw, b64);
    new_uuid(u);
    snprintf(res, sizeof res, "raw-%s", u);
    snprintf(extra, sizeof extra, ",\"rawdata\":\"%s\"", b64);
    api_alert(res, "env", "ev", "", "debug", extra, uuid);
    struct http_reply r;
    CU_ASSERT_TRUE(jstr_is(get_alert(uuid, &r), "rawdata", b64));
    itest_reply_free(&r);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT length(rawdata) FROM alerts WHERE uuid = $1", 1, p), 300);
    CU_ASSERT_EQUAL(sql_long("SELECT get_byte(rawdata, 0) + 1000 * get_byte(rawdata, 10) "
                             "+ get_byte(rawdata, 299) FROM alerts WHERE uuid = $1", 1, p),
                    255 + 0 + (255 - 299 + 256) % 256);
    /* an update replaces it; "" empties it */
    char path[128];
    snprintf(path, sizeof path, "/v2/alerts/%s", uuid);
    expect_status("PUT", path, itest_admin(), "{\"rawdata\":\"AA==\"}", 204);
    CU_ASSERT_TRUE(jstr_is(get_alert(uuid, &r), "rawdata", "AA=="));
    itest_reply_free(&r);
    /* line breaks are skipped, as Go's decoder does (wrapped base64) */
    expect_status("PUT", path, itest_admin(), "{\"rawdata\":\"aGVs\\r\\nbG8=\\n\"}", 204);
    CU_ASSERT_TRUE(jstr_is(get_alert(uuid, &r), "rawdata", "aGVsbG8="));
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 "
                             "AND rawdata = 'hello'::bytea", 1, p), 1);
    expect_status("PUT", path, itest_admin(), "{\"rawdata\":\"\"}", 204);
    CU_ASSERT_TRUE(jstr_is(get_alert(uuid, &r), "rawdata", ""));
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(sql_long("SELECT length(rawdata) FROM alerts WHERE uuid = $1", 1, p), 0);
}

static void test_alerts_create_bad_bodies_are_400(void)
{
#define REQ "\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\",\"value\":\"x\"," \
            "\"description\":\"d\",\"origin\":\"o-badbody\""
    static const char *const bodies[] = {
        "{\"resource\":", "not json", "", "[]", "null", "{}",
        /* each required field missing or null */
        "{\"environment\":\"e\",\"event\":\"v\",\"severity\":\"minor\",\"value\":\"x\","
        "\"description\":\"d\",\"origin\":\"o-badbody\"}",
        "{\"resource\":\"r\",\"event\":\"v\",\"severity\":\"minor\",\"value\":\"x\","
        "\"description\":\"d\",\"origin\":\"o-badbody\"}",
        "{\"resource\":\"r\",\"environment\":\"e\",\"severity\":\"minor\",\"value\":\"x\","
        "\"description\":\"d\",\"origin\":\"o-badbody\"}",
        "{" REQ "}",
        "{\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\",\"severity\":\"minor\","
        "\"description\":\"d\",\"origin\":\"o-badbody\"}",
        "{\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\",\"severity\":\"minor\","
        "\"value\":\"x\",\"origin\":\"o-badbody\"}",
        "{\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\",\"severity\":\"minor\","
        "\"value\":\"x\",\"description\":\"d\"}",
        "{" REQ ",\"severity\":null}",
        "{\"resource\":null,\"environment\":\"e\",\"event\":\"v\",\"severity\":\"minor\","
        "\"value\":\"x\",\"description\":\"d\",\"origin\":\"o-badbody\"}",
        /* enums */
        "{" REQ ",\"severity\":\"high\"}",
        "{" REQ ",\"severity\":\"Critical\"}",
        "{" REQ ",\"severity\":\"\"}",
        "{" REQ ",\"severity\":1}",
        "{" REQ ",\"severity\":\"minor\",\"status\":\"closed\"}",
        "{" REQ ",\"severity\":\"minor\",\"status\":\"\"}",
        "{" REQ ",\"severity\":\"minor\",\"status\":0}",
        /* wrong types */
        "{" REQ ",\"severity\":\"minor\",\"resource\":1}",
        "{" REQ ",\"severity\":\"minor\",\"service\":\"web\"}",
        "{" REQ ",\"severity\":\"minor\",\"service\":[1]}",
        "{" REQ ",\"severity\":\"minor\",\"tags\":[null]}",
        "{" REQ ",\"severity\":\"minor\",\"tags\":{\"a\":\"b\"}}",
        "{" REQ ",\"severity\":\"minor\",\"timeout\":\"60\"}",
        "{" REQ ",\"severity\":\"minor\",\"timeout\":1.5}",
        "{" REQ ",\"severity\":\"minor\",\"timeout\":1e3}",
        "{" REQ ",\"severity\":\"minor\",\"timeout\":2147483648}",
        "{" REQ ",\"severity\":\"minor\",\"timeout\":-2147483649}",
        "{" REQ ",\"severity\":\"minor\",\"rawdata\":5}",
        "{" REQ ",\"severity\":\"minor\",\"rawdata\":[1,2]}",
        /* rawdata must be standard, padded base64 */
        "{" REQ ",\"severity\":\"minor\",\"rawdata\":\"aGVsbG8\"}",
        "{" REQ ",\"severity\":\"minor\",\"rawdata\":\"not base64!\"}",
        "{" REQ ",\"severity\":\"minor\",\"rawdata\":\"a-_b\"}",
        /* unknown fields, including Alert's read-only ones */
        "{" REQ ",\"severity\":\"minor\",\"x\":1}",
        "{" REQ ",\"severity\":\"minor\",\"uuid\":\"" NO_SUCH_UUID "\"}",
        "{" REQ ",\"severity\":\"minor\",\"duplicate\":3}",
        "{" REQ ",\"severity\":\"minor\",\"created\":\"2021-01-01T00:00:00Z\"}",
        /* NUL cannot be stored */
        "{" REQ ",\"severity\":\"minor\",\"value\":\"a\\u0000b\"}",
        "{" REQ ",\"severity\":\"minor\",\"tags\":[\"a\\u0000\"]}",
    };
#undef REQ
    long before = sql_long("SELECT count(*) FROM alerts WHERE resource = 'r' AND origin = 'o-badbody'",
                           0, NULL);
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("POST", "/v2/alerts", itest_admin(), bodies[i], 400);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE resource = 'r' AND origin = 'o-badbody'",
                             0, NULL), before);
    /* the message names the field */
    struct http_reply r = call("POST", "/v2/alerts", itest_admin(),
                               "{\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\","
                               "\"value\":\"x\",\"description\":\"d\",\"origin\":\"o-badbody\","
                               "\"severity\":\"high\"}");
    CU_ASSERT_TRUE(jstr(r.json, "message") && strstr(jstr(r.json, "message"), "severity"));
    itest_reply_free(&r);
}

static void test_alerts_get_missing_is_404(void)
{
    expect_status("GET", "/v2/alerts/" NO_SUCH_UUID, itest_admin(), NULL, 404);
}

static void test_alerts_invalid_uuid_in_path_is_400(void)
{
    expect_status("GET", "/v2/alerts/not-a-uuid", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/alerts/not-a-uuid", itest_admin(), "{\"value\":\"x\"}", 400);
    expect_status("DELETE", "/v2/alerts/1234", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/alerts/" NO_SUCH_UUID "0", itest_admin(), NULL, 400);
}

/* ---- merging ------------------------------------------------------------ */

static void test_alerts_create_merges_duplicates(void)
{
    char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], body[1024];
    new_uuid(u);
    snprintf(res, sizeof res, "dup-%s", u);
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"prod\",\"event\":\"Down\",\"origin\":\"o\","
             "\"severity\":\"minor\",\"status\":\"open\",\"value\":\"v1\",\"description\":\"d1\","
             "\"service\":[\"s1\"],\"tags\":[\"t1\"],\"timeout\":600,\"rawdata\":\"AA==\"}", res);
    CU_ASSERT_EQUAL_FATAL(post_alert(itest_admin(), body, a), 201);
    const char *p[] = { a };
    long created_before = sql_long("SELECT (extract(epoch FROM created) * 1000000)::int8 % 1000000000 "
                                   "FROM alerts WHERE uuid = $1", 1, p);

    /* same key: merged; the new status is ignored (alert_merge keeps it) */
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"prod\",\"event\":\"Down\",\"origin\":\"o\","
             "\"severity\":\"major\",\"status\":\"close\",\"value\":\"v2\",\"description\":\"d2\","
             "\"service\":[\"s2\",\"s3\"],\"tags\":[\"t2\"],\"timeout\":900,\"rawdata\":\"AQI=\"}",
             res);
    CU_ASSERT_EQUAL(post_alert(itest_admin(), body, b), 201);
    CU_ASSERT_STRING_EQUAL(b, a);
    const char *const s23[] = { "s2", "s3", NULL }, *const t2[] = { "t2", NULL };
    struct want w = { a, res, "prod", "Down", "major", "open", "v2", "d2", "o", "minor", "AQI=",
                      s23, t2, 900, 1, NULL, NULL };
    struct http_reply r;
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(sql_long("SELECT (extract(epoch FROM created) * 1000000)::int8 % 1000000000 "
                             "FROM alerts WHERE uuid = $1", 1, p), created_before);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 "
                             "AND last_receive_time >= created "
                             "AND last_receive_time > now() - interval '1 minute'", 1, p), 1);

    /* a third time, left-out optional fields take their defaults */
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"prod\",\"event\":\"Down\",\"origin\":\"o\","
             "\"severity\":\"security\",\"value\":\"v3\",\"description\":\"d3\"}", res);
    CU_ASSERT_EQUAL(post_alert(itest_admin(), body, b), 201);
    CU_ASSERT_STRING_EQUAL(b, a);
    struct want w3 = { a, res, "prod", "Down", "security", "open", "v3", "d3", "o", "major", "",
                       NONE, NONE, 3600, 2, NULL, NULL };
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w3));
    itest_reply_free(&r);

    /* any part of the key different: a new alert */
    static const struct { const char *suffix, *env, *event, *origin; } other[] = {
        { "-x", "prod", "Down", "o" },
        { "", "Prod", "Down", "o" },
        { "", "prod", "Up", "o" },
        { "", "prod", "Down", "o2" },
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        char key[128];
        snprintf(key, sizeof key, "%s%s", res, other[i].suffix);
        api_alert(key, other[i].env, other[i].event, other[i].origin, "minor", NULL, b);
        CU_ASSERT_STRING_NOT_EQUAL(b, a);
    }
    const char *pr[] = { res };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE resource LIKE $1 || '%'", 1, pr), 5);
}

/* Only live alerts merge: open, acknowledge or shelve and not past their
 * timeout (alert_merge); closed, unknown, expire or timed-out ones do not. */
static void test_alerts_merge_only_into_live_alerts(void)
{
    static const struct { const char *status; const char *ago; int merges; } cases[] = {
        { "open", NULL, 1 },
        { "acknowledge", NULL, 1 },
        { "shelve", NULL, 1 },
        { "close", NULL, 0 },
        { "unknown", NULL, 0 },
        { "expire", NULL, 0 },
        { "open", "2 hours", 0 },
        { "acknowledge", "2 hours", 0 },
        { "shelve", "2 hours", 0 },
        { "open", "50 minutes", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], extra[64];
        new_uuid(u);
        snprintf(res, sizeof res, "live%zu-%s", i, u);
        snprintf(extra, sizeof extra, ",\"status\":\"%s\"", cases[i].status);
        api_alert(res, "env", "ev", "o", "minor", extra, a);
        if (cases[i].ago)
            age(a, cases[i].ago);
        api_alert(res, "env", "ev", "o", "major", NULL, b);
        if (cases[i].merges) {
            CU_ASSERT_STRING_EQUAL(b, a);
        } else {
            CU_ASSERT_STRING_NOT_EQUAL(b, a);
        }
        const char *p[] = { a };
        CU_ASSERT_EQUAL(sql_long("SELECT duplicate FROM alerts WHERE uuid = $1", 1, p),
                        cases[i].merges);
        if (!cases[i].merges) {
            const char *q[] = { b };
            CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 AND duplicate = 0 "
                                     "AND status = 'open' AND severity = 'major' "
                                     "AND previous_severity = 'indeterminate'", 1, q), 1);
        }
    }
}

/* The timeout that counts is measured from the last receipt: an alert
 * merged recently stays live although created long ago. */
static void test_alerts_timeout_counts_from_last_receive(void)
{
    char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(res, sizeof res, "recv-%s", u);
    api_alert(res, "env", "ev", "o", "minor", ",\"timeout\":60", a);
    api_alert(res, "env", "ev", "o", "minor", ",\"timeout\":60", b);
    CU_ASSERT_STRING_EQUAL(b, a);
    const char *p[] = { a };
    sql("UPDATE alerts SET created = created - interval '1 day' WHERE uuid = $1", 1, p);
    struct http_reply r;
    CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", "open"));
    itest_reply_free(&r);
    api_alert(res, "env", "ev", "o", "minor", ",\"timeout\":60", b);
    CU_ASSERT_STRING_EQUAL(b, a);
    /* received more than timeout ago: expired, and the next one is new */
    sql("UPDATE alerts SET last_receive_time = now() - interval '61 seconds' WHERE uuid = $1", 1, p);
    CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", "expire"));
    itest_reply_free(&r);
    api_alert(res, "env", "ev", "o", "minor", ",\"timeout\":60", b);
    CU_ASSERT_STRING_NOT_EQUAL(b, a);
    CU_ASSERT_EQUAL(sql_long("SELECT duplicate FROM alerts WHERE uuid = $1", 1, p), 2);
}

/* Two live alerts with one key (an update renamed one into the other's
 * key): the reference's alert_merge() fails for good there; a create
 * merges into the most recently received one. */
static void test_alerts_merge_with_two_live_alerts_of_one_key(void)
{
    char u[UUID_STRLEN + 1], res[64], other[64], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];
    char c[UUID_STRLEN + 1], path[128], body[128];
    new_uuid(u);
    snprintf(res, sizeof res, "two-%s", u);
    snprintf(other, sizeof other, "two-other-%s", u);
    api_alert(res, "env", "ev", "o", "minor", NULL, a);
    api_alert(other, "env", "ev", "o", "minor", NULL, b);
    age(a, "10 minutes");
    snprintf(path, sizeof path, "/v2/alerts/%s", b);
    snprintf(body, sizeof body, "{\"resource\":\"%s\"}", res);
    expect_status("PUT", path, itest_admin(), body, 204);
    api_alert(res, "env", "ev", "o", "major", NULL, c);
    CU_ASSERT_STRING_EQUAL(c, b);
    const char *p[] = { a, b };
    CU_ASSERT_EQUAL(sql_long("SELECT duplicate FROM alerts WHERE uuid = $1", 1, p), 0);
    CU_ASSERT_EQUAL(sql_long("SELECT duplicate FROM alerts WHERE uuid = $2 AND $1::uuid IS NOT NULL",
                             2, p), 1);
}

struct racer {
    const char *body;
    char userpwd[512];
    long status;
    char uuid[UUID_STRLEN + 1];
};

static void *race(void *arg)
{
    struct racer *rc = arg;
    struct http_reply r;
    rc->status = -1;
    if (itest_http("POST", "/v2/alerts", rc->userpwd, rc->body, "application/json", &r) == 0) {
        rc->status = r.status;
        const char *u = jstr(r.json, "uuid");
        snprintf(rc->uuid, sizeof rc->uuid, "%s", u ? u : "");
        itest_reply_free(&r);
    }
    return NULL;
}

/* Creates of one new key at the same time make one alert, not several. */
static void test_alerts_concurrent_creates_merge_into_one(void)
{
    enum { N = 8 };
    char u[UUID_STRLEN + 1], body[512];
    new_uuid(u);
    snprintf(body, sizeof body,
             "{\"resource\":\"race-%s\",\"environment\":\"env\",\"event\":\"ev\",\"origin\":\"o\","
             "\"severity\":\"minor\",\"value\":\"\",\"description\":\"\"}", u);
    struct racer rc[N];
    pthread_t th[N];
    (void)itest_env("ITEST_URL"); /* loaded before the threads read it */
    for (int i = 0; i < N; i++) {
        rc[i].body = body;
        snprintf(rc[i].userpwd, sizeof rc[i].userpwd, "%s", itest_admin());
    }
    for (int i = 0; i < N; i++)
        pthread_create(&th[i], NULL, race, &rc[i]);
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL(rc[i].status, 201);
        CU_ASSERT_STRING_EQUAL(rc[i].uuid, rc[0].uuid);
    }
    char res[64];
    snprintf(res, sizeof res, "race-%s", u);
    const char *p[] = { res };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE resource = $1", 1, p), 1);
    CU_ASSERT_EQUAL(sql_long("SELECT duplicate FROM alerts WHERE resource = $1", 1, p), N - 1);
}

/* ---- expire ------------------------------------------------------------- */

/* Open and acknowledged alerts past their timeout read as 'expire'; the
 * others keep their status; the stored status is not changed. */
static void test_alerts_expire_is_computed_on_read(void)
{
    static const struct { const char *status, *reads; } cases[] = {
        { "open", "expire" }, { "acknowledge", "expire" }, { "shelve", "shelve" },
        { "close", "close" }, { "unknown", "unknown" },   { "expire", "expire" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], extra[64], path[256];
        new_uuid(u);
        snprintf(res, sizeof res, "exp%zu-%s", i, u);
        snprintf(extra, sizeof extra, ",\"status\":\"%s\",\"timeout\":30", cases[i].status);
        api_alert(res, "env", "ev", "o", "minor", extra, a);
        struct http_reply r;
        CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", cases[i].status));
        itest_reply_free(&r);
        age(a, "31 seconds");
        CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", cases[i].reads));
        itest_reply_free(&r);
        const char *p[] = { a, cases[i].status };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 "
                                 "AND status = $2::alert_status", 2, p), 1);
        /* the list shows and filters the effective status */
        snprintf(path, sizeof path, "/v2/alerts?resource=%s&status=%s", res, cases[i].reads);
        expect_list(path, itest_admin(), a);
        if (strcmp(cases[i].reads, cases[i].status) != 0) {
            snprintf(path, sizeof path, "/v2/alerts?resource=%s&status=%s", res, cases[i].status);
            expect_list(path, itest_admin(), "");
        }
        /* a longer timeout brings it back */
        snprintf(path, sizeof path, "/v2/alerts/%s", a);
        expect_status("PUT", path, itest_admin(), "{\"timeout\":3600}", 204);
        CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", cases[i].status));
        itest_reply_free(&r);
    }
}

/* ---- update ------------------------------------------------------------- */

static void test_alerts_update_changes_fields_with_204(void)
{
    char u[UUID_STRLEN + 1], res[64], res2[64], a[UUID_STRLEN + 1], path[128], body[1024];
    new_uuid(u);
    snprintf(res, sizeof res, "upd-%s", u);
    snprintf(res2, sizeof res2, "upd-new-%s", u);
    api_alert(res, "env", "ev", "o", "minor", ",\"tags\":[\"old\"],\"service\":[\"old\"]", a);
    snprintf(path, sizeof path, "/v2/alerts/%s", a);
    snprintf(body, sizeof body,
             "{\"resource\":\"%s\",\"environment\":\"env2\",\"event\":\"ev2\",\"origin\":\"o2\","
             "\"severity\":\"critical\",\"status\":\"acknowledge\",\"value\":\"v2\","
             "\"description\":\"d2\",\"service\":[\"s1\",\"s2\"],\"tags\":[\"n\"],"
             "\"timeout\":10000,\"rawdata\":\"" HELLO_B64 "\"}", res2);
    struct http_reply r = call("PUT", path, itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    const char *const s12[] = { "s1", "s2", NULL }, *const tn[] = { "n", NULL };
    struct want w = { a, res2, "env2", "ev2", "critical", "acknowledge", "v2", "d2", "o2", "minor",
                      HELLO_B64, s12, tn, 10000, 0, NULL, "" };
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);

    /* left out or null: kept; {} is 204 */
    expect_status("PUT", path, itest_admin(), "{}", 204);
    expect_status("PUT", path, itest_admin(),
                  "{\"resource\":null,\"environment\":null,\"event\":null,\"origin\":null,"
                  "\"severity\":null,\"status\":null,\"value\":null,\"description\":null,"
                  "\"service\":null,\"tags\":null,\"timeout\":null,\"rawdata\":null}", 204);
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);

    /* every severity change moves the old one to previous_severity, even
     * to the same value (as the reference) */
    expect_status("PUT", path, itest_admin(), "{\"severity\":\"debug\"}", 204);
    w.severity = "debug";
    w.previous_severity = "critical";
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);
    expect_status("PUT", path, itest_admin(), "{\"severity\":\"debug\"}", 204);
    w.previous_severity = "debug";
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);

    /* empty arrays and strings */
    expect_status("PUT", path, itest_admin(),
                  "{\"service\":[],\"tags\":[],\"value\":\"\",\"origin\":\"\"}", 204);
    w.service = NONE;
    w.tags = NONE;
    w.value = "";
    w.origin = "";
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);
    /* an update neither counts as a duplicate nor touches the times */
    const char *p[] = { a };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM alerts WHERE uuid = $1 AND duplicate = 0 "
                             "AND last_receive_time IS NULL", 1, p), 1);
}

/* Any status may be set, from any status (UpdateAlert allows all six). */
static void test_alerts_update_every_status(void)
{
    static const char *const st[] = { "close", "open", "shelve", "acknowledge", "unknown",
                                      "expire", "open", "close" };
    char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], path[128], body[64];
    new_uuid(u);
    snprintf(res, sizeof res, "status-%s", u);
    api_alert(res, "env", "ev", "o", "minor", NULL, a);
    snprintf(path, sizeof path, "/v2/alerts/%s", a);
    for (size_t i = 0; i < sizeof st / sizeof *st; i++) {
        snprintf(body, sizeof body, "{\"status\":\"%s\"}", st[i]);
        expect_status("PUT", path, itest_admin(), body, 204);
        struct http_reply r;
        CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", st[i]));
        itest_reply_free(&r);
    }
}

static void test_alerts_update_bad_bodies_are_400(void)
{
    char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(res, sizeof res, "badupd-%s", u);
    api_alert(res, "env", "ev", "o", "minor", ",\"tags\":[\"keep\"]", a);
    snprintf(path, sizeof path, "/v2/alerts/%s", a);
    static const char *const bodies[] = {
        "{\"value\":", "", "[]", "null", "\"value\"",
        "{\"severity\":\"high\"}", "{\"severity\":\"MINOR\"}", "{\"severity\":\"\"}",
        "{\"severity\":3}", "{\"status\":\"opened\"}", "{\"status\":\"\"}", "{\"status\":true}",
        "{\"resource\":1}", "{\"environment\":[]}", "{\"event\":{}}", "{\"origin\":false}",
        "{\"value\":1.5}", "{\"description\":[\"d\"]}",
        "{\"service\":\"s\"}", "{\"service\":[1]}", "{\"tags\":[null]}",
        "{\"timeout\":\"1\"}", "{\"timeout\":0.5}", "{\"timeout\":4294967296}",
        "{\"rawdata\":\"abc\"}", "{\"rawdata\":\"AB==\"}", "{\"rawdata\":1}",
        "{\"uuid\":\"" NO_SUCH_UUID "\"}", "{\"duplicate\":1}", "{\"previous_severity\":\"minor\"}",
        "{\"last_receive_time\":null}", "{\"x\":1}",
        "{\"value\":\"a\\u0000\"}",
        "{\"value\":\"changed\",\"severity\":\"nope\"}", /* nothing changes when one field is bad */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("PUT", path, itest_admin(), bodies[i], 400);
    const char *const keep[] = { "keep", NULL };
    struct want w = { a, res, "env", "ev", "minor", "open", "v", "d", "o", "indeterminate", "",
                      NONE, keep, 3600, 0, NULL, "" };
    struct http_reply r;
    CU_ASSERT_TRUE(is_alert(get_alert(a, &r), &w));
    itest_reply_free(&r);
}

static void test_alerts_update_missing_is_404(void)
{
    expect_status("PUT", "/v2/alerts/" NO_SUCH_UUID, itest_admin(), "{\"value\":\"x\"}", 404);
    expect_status("PUT", "/v2/alerts/" NO_SUCH_UUID, itest_admin(), "{}", 404);
}

/* ---- delete ------------------------------------------------------------- */

static void test_alerts_delete_is_204_then_404(void)
{
    char u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(res, sizeof res, "del-%s", u);
    api_alert(res, "env", "ev", "o", "minor", NULL, a);
    snprintf(path, sizeof path, "/v2/alerts/%s", a);
    struct http_reply r = call("DELETE", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    expect_status("GET", path, itest_admin(), NULL, 404);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    expect_status("PUT", path, itest_admin(), "{\"value\":\"gone\"}", 404);
    /* the next one of that key is a new alert */
    char b[UUID_STRLEN + 1];
    api_alert(res, "env", "ev", "o", "minor", NULL, b);
    CU_ASSERT_STRING_NOT_EQUAL(b, a);
}

/* ---- list --------------------------------------------------------------- */

/* Ordered by resource, environment, event; the uuid breaks ties. Every
 * element is a full Alert. */
static void test_alerts_list_order_and_fields(void)
{
    char u[UUID_STRLEN + 1], env[64], path[256], want[1024], r1[64], r2[64];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1], d[UUID_STRLEN + 1];
    char e[UUID_STRLEN + 1], f[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(env, sizeof env, "ord-%s", u);
    snprintf(r1, sizeof r1, "r1-%s", u);
    snprintf(r2, sizeof r2, "r2-%s", u);
    /* made out of order */
    api_alert(r2, env, "b", "o", "minor", NULL, d);
    api_alert(r1, env, "b", "o", "minor", NULL, b);
    api_alert(r2, env, "a", "o", "minor", NULL, c);
    api_alert(r1, env, "a", "o", "minor", ",\"tags\":[\"x\"],\"rawdata\":\"AA==\"", a);
    /* ties: same resource, environment and event, different origins */
    api_alert(r2, env, "c", "o1", "minor", NULL, e);
    api_alert(r2, env, "c", "o2", "minor", NULL, f);
    const char *lo = strcmp(e, f) < 0 ? e : f, *hi = lo == e ? f : e;
    snprintf(path, sizeof path, "/v2/alerts?environment=%s", env);
    join(want, sizeof want, 6, a, b, c, d, lo, hi);
    expect_list(path, itest_admin(), want);

    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body[r.body_len - 1], '\n');
    const char *const tx[] = { "x", NULL };
    struct want w = { a, r1, env, "a", "minor", "open", "v", "d", "o", "indeterminate", "AA==",
                      NONE, tx, 3600, 0, NULL, "" };
    CU_ASSERT_TRUE(is_alert(json_object_array_get_idx(r.json, 0), &w));
    itest_reply_free(&r);
}

static void test_alerts_list_text_filters(void)
{
    char u[UUID_STRLEN + 1], env[64], env2[64], path[512], want[512], r1[64], r2[64];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1], d[UUID_STRLEN + 1];
    char e[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(env, sizeof env, "txa-%s", u);
    snprintf(env2, sizeof env2, "txb-%s", u);
    snprintf(r1, sizeof r1, "r1 %s", u); /* a space: percent-encoded below */
    snprintf(r2, sizeof r2, "r2-%s", u);
    api_alert(r1, env, "Down", "watcher", "minor", NULL, a);
    api_alert(r1, env, "Up", "watcher", "minor", NULL, b);
    api_alert(r2, env, "Down", "pinger", "minor", NULL, c);
    api_alert(r2, env, "Down", "watcher", "minor", NULL, d);
    api_alert(r1, env2, "Down", "watcher", "minor", NULL, e);
    /* c and d tie on resource, environment and event: uuid order */
    const char *cd1 = strcmp(c, d) < 0 ? c : d, *cd2 = cd1 == c ? d : c;

    snprintf(path, sizeof path, "/v2/alerts?environment=%s", env);
    join(want, sizeof want, 4, a, b, cd1, cd2);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?resource=r1%%20%s", u);
    join(want, sizeof want, 3, a, b, e);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?resource=r1+%s&environment=%s", u, env);
    join(want, sizeof want, 2, a, b);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&event=Down", env);
    join(want, sizeof want, 3, a, cd1, cd2);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&event=down", env);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&origin=pinger", env);
    expect_list(path, itest_admin(), c);
    snprintf(path, sizeof path, "/v2/alerts?event=Down&origin=watcher&resource=r2-%s", u);
    expect_list(path, itest_admin(), d);
    /* exact matches only */
    snprintf(path, sizeof path, "/v2/alerts?environment=%.20s", env);
    expect_list(path, itest_admin(), "");
    /* empty values are no filter (the reference's NULLIF) */
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&resource=&event=&origin=&status="
                                "&severity=&severity_le=&severity_ge=", env);
    join(want, sizeof want, 4, a, b, cd1, cd2);
    expect_list(path, itest_admin(), want);
    /* unknown parameters are ignored */
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&origin=pinger&_=123", env);
    expect_list(path, itest_admin(), c);
}

static void test_alerts_list_status_filter(void)
{
    static const char *const st[] = { "open", "close", "expire", "shelve", "acknowledge",
                                      "unknown" };
    char u[UUID_STRLEN + 1], env[64], path[256], uuids[6][UUID_STRLEN + 1], res[64], extra[64];
    new_uuid(u);
    snprintf(env, sizeof env, "st-%s", u);
    for (int i = 0; i < 6; i++) {
        snprintf(res, sizeof res, "r%d", i);
        snprintf(extra, sizeof extra, ",\"status\":\"%s\"", st[i]);
        api_alert(res, env, "ev", "o", "minor", extra, uuids[i]);
    }
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "/v2/alerts?environment=%s&status=%s", env, st[i]);
        expect_list(path, itest_admin(), uuids[i]);
    }
}

/* The reference's level table: security 0 … indeterminate 8. severity_le
 * = X: level >= X's (no more severe than X); severity_ge = X: level <= X's
 * (at least as severe); severity = X: equal. Given together, all apply. */
static void test_alerts_list_severity_filters(void)
{
    static const char *const sev[] = { "security", "critical", "major", "minor", "warning",
                                       "informational", "debug", "trace", "indeterminate" };
    char u[UUID_STRLEN + 1], env[64], path[256], want[1024], res[64], s[9][UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(env, sizeof env, "sev-%s", u);
    for (int i = 0; i < 9; i++) {
        snprintf(res, sizeof res, "r%d", i); /* list order = level order */
        api_alert(res, env, "ev", "o", sev[i], NULL, s[i]);
    }
    for (int i = 0; i < 9; i++) {
        snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity=%s", env, sev[i]);
        expect_list(path, itest_admin(), s[i]);
        /* severity_le */
        want[0] = '\0';
        for (int j = i; j < 9; j++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", j > i ? "," : "", s[j]);
        snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity_le=%s", env, sev[i]);
        expect_list(path, itest_admin(), want);
        /* severity_ge */
        want[0] = '\0';
        for (int j = 0; j <= i; j++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", j ? "," : "", s[j]);
        snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity_ge=%s", env, sev[i]);
        expect_list(path, itest_admin(), want);
    }
    /* a range: no more severe than critical, at least as severe as warning */
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity_le=critical&severity_ge=warning",
             env);
    join(want, sizeof want, 4, s[1], s[2], s[3], s[4]);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity_le=warning&severity_ge=critical",
             env);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity=minor&severity_le=major", env);
    expect_list(path, itest_admin(), s[3]);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&severity=minor&severity_ge=major", env);
    expect_list(path, itest_admin(), "");
}

/* service and tags: any value in common (&&), repeated or comma-separated. */
static void test_alerts_list_service_and_tags_filters(void)
{
    char u[UUID_STRLEN + 1], env[64], path[512], want[512], extra[256];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1], d[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(env, sizeof env, "svc-%s", u);
    snprintf(extra, sizeof extra, ",\"service\":[\"web\",\"api\"],\"tags\":[\"t1\"]");
    api_alert("a", env, "ev", "o", "minor", extra, a);
    snprintf(extra, sizeof extra, ",\"service\":[\"db\"],\"tags\":[\"t1\",\"t2\"]");
    api_alert("b", env, "ev", "o", "minor", extra, b);
    snprintf(extra, sizeof extra, ",\"service\":[\"api\",\"db\"],\"tags\":[\"t 3\"]");
    api_alert("c", env, "ev", "o", "minor", extra, c);
    api_alert("d", env, "ev", "o", "minor", NULL, d);

    snprintf(path, sizeof path, "/v2/alerts?environment=%s&service=web", env);
    expect_list(path, itest_admin(), a);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&service=api", env);
    join(want, sizeof want, 2, a, c);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&service=web&service=db", env);
    join(want, sizeof want, 3, a, b, c);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&service=web,db", env);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&service=Web", env);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&tags=t1", env);
    join(want, sizeof want, 2, a, b);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&tags=t2&tags=t+3", env);
    join(want, sizeof want, 2, b, c);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&tags=t%%203,nope", env);
    expect_list(path, itest_admin(), c);
    /* both: each must match */
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&tags=t1&service=db", env);
    expect_list(path, itest_admin(), b);
    /* the filters page too */
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&service=api,db&limit=1&offset=1", env);
    expect_list(path, itest_admin(), b);
}

static void test_alerts_list_bad_filters_are_400(void)
{
    static const char *const q[] = {
        "status=opened", "status=Open", "status=1", "severity=high", "severity=CRITICAL",
        "severity_le=x", "severity_ge=severe", "severity_le=minor%20",
        "service=", "service=,", "tags=", "tags=,,", "tags=%zz", "resource=%zz", "event=a%00b",
        "limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5",
        "offset=-1", "offset=x", "limit=10&limit=20", "offset=1&offset=2",
        "resource=a&resource=b", "status=open&status=close", "severity=minor&severity=major",
    };
    char path[256];
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        snprintf(path, sizeof path, "/v2/alerts?%s", q[i]);
        expect_status("GET", path, itest_admin(), NULL, 400);
    }
    struct http_reply r = call("GET", "/v2/alerts?severity_ge=severe", itest_admin(), NULL);
    CU_ASSERT_TRUE(jstr(r.json, "message") && strstr(jstr(r.json, "message"), "severity_ge"));
    itest_reply_free(&r);
    expect_status("GET", "/v2/alerts?limit=1", itest_admin(), NULL, 200);
    expect_status("GET", "/v2/alerts?limit=100&offset=0", itest_admin(), NULL, 200);
}

static void test_alerts_list_pages(void)
{
    char u[UUID_STRLEN + 1], env[64], path[256], want[512];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(env, sizeof env, "page-%s", u);
    api_alert("b", env, "ev", "o", "minor", NULL, b);
    api_alert("c", env, "ev", "o", "minor", NULL, c);
    api_alert("a", env, "ev", "o", "minor", NULL, a);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&limit=2", env);
    join(want, sizeof want, 2, a, b);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts?limit=2&offset=2&environment=%s", env);
    expect_list(path, itest_admin(), c);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&offset=1&limit=1", env);
    expect_list(path, itest_admin(), b);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&offset=3", env);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&offset=100000000000", env);
    expect_list(path, itest_admin(), "");
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
}

static void test_alerts_list_default_limit_is_20_max_100(void)
{
    char u[UUID_STRLEN + 1], env[64], path[256];
    new_uuid(u);
    snprintf(env, sizeof env, "many-%s", u);
    const char *p[] = { env };
    sql("INSERT INTO alerts(resource, environment, event, severity, status) "
        "SELECT 'r' || lpad(i::text, 3, '0'), $1, 'ev', 'minor', 'open' "
        "FROM generate_series(1, 101) i", 1, p);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s", env);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 20);
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 19), "resource", "r020"));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&limit=100", env);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 100);
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 99), "resource", "r100"));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s&limit=100&offset=100", env);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 1);
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 0), "resource", "r101"));
    itest_reply_free(&r);
}

/* A reply larger than the stream chunk arrives whole and well-formed. */
static void test_alerts_list_large_rawdata(void)
{
    enum { RAW = 200000 };
    uint8_t *raw = malloc(RAW);
    char *b64 = malloc(base64_encoded_len(RAW) + 1), *body = malloc(base64_encoded_len(RAW) + 512);
    CU_ASSERT_FATAL(raw && b64 && body);
    for (size_t i = 0; i < RAW; i++)
        raw[i] = (uint8_t)(i * 7);
    base64_encode(raw, RAW, b64);
    char u[UUID_STRLEN + 1], env[64], path[256], uuids[3][UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(env, sizeof env, "big-%s", u);
    for (int i = 0; i < 3; i++) {
        sprintf(body, "{\"resource\":\"r%d\",\"environment\":\"%s\",\"event\":\"ev\","
                      "\"origin\":\"o\",\"severity\":\"minor\",\"value\":\"\",\"description\":\"\","
                      "\"rawdata\":\"%s\"}", i, env, b64);
        CU_ASSERT_EQUAL(post_alert(itest_admin(), body, uuids[i]), 201);
    }
    snprintf(path, sizeof path, "/v2/alerts?environment=%s", env);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) == 3);
    for (int i = 0; i < 3 && r.json; i++) {
        json_object *o = json_object_array_get_idx(r.json, (size_t)i);
        CU_ASSERT_TRUE(jstr_is(o, "uuid", uuids[i]) && jstr_is(o, "rawdata", b64));
    }
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    itest_reply_free(&r);
    free(raw);
    free(b64);
    free(body);
}

/* ---- authentication and authorization ------------------------------------ */

static void test_alerts_without_credentials_is_401(void)
{
    static const char *const body = "{\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\","
                                    "\"severity\":\"minor\",\"value\":\"\",\"description\":\"\","
                                    "\"origin\":\"\"}";
    expect_status("GET", "/v2/alerts", NULL, NULL, 401);
    expect_status("POST", "/v2/alerts", NULL, body, 401);
    expect_status("GET", "/v2/alerts/" NO_SUCH_UUID, NULL, NULL, 401);
    expect_status("PUT", "/v2/alerts/" NO_SUCH_UUID, NULL, "{\"value\":\"x\"}", 401);
    expect_status("DELETE", "/v2/alerts/" NO_SUCH_UUID, NULL, NULL, 401);
    expect_status("GET", "/v2/alerts/not-a-uuid", NULL, NULL, 401);
    expect_status("GET", "/v2/alerts?status=bad", NULL, NULL, 401);
    expect_status("GET", "/v2/alerts", "itest:secret-token.wrong", NULL, 401);
    expect_status("POST", "/v2/alerts", "itest:secret-token.wrong", body, 401);
}

static void test_alerts_user_without_policies_is_403(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], u[UUID_STRLEN + 1], res[64], a[UUID_STRLEN + 1];
    char path[128];
    make_user(user, userpwd, sizeof userpwd);
    new_uuid(u);
    snprintf(res, sizeof res, "forbidden-%s", u);
    api_alert(res, "env", "ev", "o", "minor", NULL, a);
    snprintf(path, sizeof path, "/v2/alerts/%s", a);
    expect_status("GET", "/v2/alerts", userpwd, NULL, 403);
    expect_status("POST", "/v2/alerts", userpwd,
                  "{\"resource\":\"r\",\"environment\":\"e\",\"event\":\"v\",\"severity\":\"minor\","
                  "\"value\":\"\",\"description\":\"\",\"origin\":\"\"}", 403);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("PUT", path, userpwd, "{\"status\":\"close\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    expect_status("GET", "/v2/alerts/" NO_SUCH_UUID, userpwd, NULL, 403);
    /* authorization comes before body and query checks */
    expect_status("POST", "/v2/alerts", userpwd, "{\"x\":1}", 403);
    expect_status("GET", "/v2/alerts?status=bad", userpwd, NULL, 403);
    struct http_reply r;
    CU_ASSERT_TRUE(jstr_is(get_alert(a, &r), "status", "open"));
    itest_reply_free(&r);
}

/* Per-operation scopes: read:alerts for the list, read:alerts/<uuid> for
 * one alert, create:alerts, update:/delete:alerts/<uuid>. */
static void test_alerts_policies_apply_per_operation(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], env[64], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];
    char c[UUID_STRLEN + 1], path[256], res[64], body[512], want[256];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(env, sizeof env, "pol-%s", user);
    api_alert("a", env, "ev", "o", "minor", NULL, a);
    api_alert("b", env, "ev", "o", "minor", NULL, b);

    /* the list needs read:alerts and then shows every alert (as the
     * reference), while one alert needs read:alerts/<uuid> */
    grant(user, "allow", "read", "alerts");
    snprintf(path, sizeof path, "/v2/alerts?environment=%s", env);
    join(want, sizeof want, 2, a, b);
    expect_list(path, userpwd, want);
    snprintf(path, sizeof path, "/v2/alerts/%s", a);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(res, sizeof res, "alerts/%s", a);
    grant(user, "allow", "read", res);
    expect_status("GET", path, userpwd, NULL, 200);
    expect_status("PUT", path, userpwd, "{\"status\":\"close\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);

    /* a read-deny on one alert hides it from the list too */
    snprintf(res, sizeof res, "alerts/%s", b);
    grant(user, "deny", "read", res);
    snprintf(path, sizeof path, "/v2/alerts?environment=%s", env);
    expect_list(path, userpwd, a);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/alerts/%s", b);
    expect_status("GET", path, userpwd, NULL, 403);

    /* create */
    snprintf(body, sizeof body,
             "{\"resource\":\"c\",\"environment\":\"%s\",\"event\":\"ev\",\"severity\":\"minor\","
             "\"value\":\"\",\"description\":\"\",\"origin\":\"o\"}", env);
    expect_status("POST", "/v2/alerts", userpwd, body, 403);
    grant(user, "allow", "create", "alerts");
    CU_ASSERT_EQUAL(post_alert(userpwd, body, c), 201);
    /* merging into an alert the user may not read is still a create */
    snprintf(body, sizeof body,
             "{\"resource\":\"b\",\"environment\":\"%s\",\"event\":\"ev\",\"severity\":\"major\","
             "\"value\":\"\",\"description\":\"\",\"origin\":\"o\"}", env);
    char m[UUID_STRLEN + 1];
    CU_ASSERT_EQUAL(post_alert(userpwd, body, m), 201);
    CU_ASSERT_STRING_EQUAL(m, b);

    /* update, delete */
    snprintf(path, sizeof path, "/v2/alerts/%s", c);
    snprintf(res, sizeof res, "alerts/%s", c);
    grant(user, "allow", "update", res);
    expect_status("PUT", path, userpwd, "{\"status\":\"shelve\"}", 204);
    expect_status("DELETE", path, userpwd, NULL, 403);
    grant(user, "allow", "delete", "alerts/%");
    expect_status("DELETE", path, userpwd, NULL, 204);
    expect_status("GET", path, itest_admin(), NULL, 404);
}

static void test_alerts_list_empty_is_empty_array(void)
{
    struct http_reply r = call("GET", "/v2/alerts?resource=no-such-resource-at-all-" NO_SUCH_UUID,
                               itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
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
    CU_pSuite s = CU_add_suite("api_alerts", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(alerts_create_is_201_with_uuid_only);
    T(alerts_get_returns_alert_with_exact_fields);
    T(alerts_create_defaults);
    T(alerts_rawdata_is_base64);
    T(alerts_create_bad_bodies_are_400);
    T(alerts_get_missing_is_404);
    T(alerts_invalid_uuid_in_path_is_400);
    T(alerts_create_merges_duplicates);
    T(alerts_merge_only_into_live_alerts);
    T(alerts_timeout_counts_from_last_receive);
    T(alerts_merge_with_two_live_alerts_of_one_key);
    T(alerts_concurrent_creates_merge_into_one);
    T(alerts_expire_is_computed_on_read);
    T(alerts_update_changes_fields_with_204);
    T(alerts_update_every_status);
    T(alerts_update_bad_bodies_are_400);
    T(alerts_update_missing_is_404);
    T(alerts_delete_is_204_then_404);
    T(alerts_list_order_and_fields);
    T(alerts_list_text_filters);
    T(alerts_list_status_filter);
    T(alerts_list_severity_filters);
    T(alerts_list_service_and_tags_filters);
    T(alerts_list_bad_filters_are_400);
    T(alerts_list_pages);
    T(alerts_list_default_limit_is_20_max_100);
    T(alerts_list_large_rawdata);
    T(alerts_without_credentials_is_401);
    T(alerts_user_without_policies_is_403);
    T(alerts_policies_apply_per_operation);
    T(alerts_list_empty_is_empty_array);
#undef T
}
