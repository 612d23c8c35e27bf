/* test_api_program_runs.c — GET /v2/programs/{uuid}/runs through nginx and
 * the selfserv pool: rows written into program_runs with libpq (as the
 * program manager writes them) read back with exact bodies, newest first
 * (control characters escaped as \u00XX, UTF-8 as it is);
 * paging with limit/offset and its 400s; another program's runs never
 * show; a program without runs is [], an unknown one 404, a deleted one
 * takes its runs along; 401 without credentials, 403 without a read
 * policy on the program. (409 on a database older than schema 17:
 * test_program_runs_schema.sh.) */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "itest_data.h"
#include "status.h"
#include "uuid.h"

#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"

/* ---- helpers ------------------------------------------------------------ */

/* A routine made by the admin through the API. */
static void program(char uuid[UUID_STRLEN + 1])
{
    char u[UUID_STRLEN + 1], body[512];
    new_uuid(u);
    snprintf(body, sizeof body,
             "{\"name\":\"runs-%s\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":"
             "\"@every 60s\",\"deadline\":500,\"language\":\"tengo\"}", u);
    struct http_reply r = call("POST", "/v2/programs", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    const char *got = jstr(r.json, "uuid");
    snprintf(uuid, UUID_STRLEN + 1, "%s", got ? got : NO_SUCH_UUID);
    itest_reply_free(&r);
}

/* Inserts one run; returns its id. */
static long run_insert(const char *program, const char *revision, const char *kind,
                       const char *started, const char *duration, const char *outcome,
                       const char *error, const char *output, const char *log)
{
    const char *p[] = { program, revision, kind, started, duration, outcome, error, output, log };
    return sql_long("INSERT INTO program_runs (program_uuid, revision, kind, started, duration_ms, "
                    "outcome, error, output, log) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                    "RETURNING id", 9, p);
}

/* GET as userpwd: 200 application/json with exactly want. */
static void expect_runs(const char *path, const char *userpwd, const char *want)
{
    struct http_reply r = call("GET", path, userpwd, NULL);
    char ct[128];
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strcmp(ct, "application/json") == 0);
    CU_ASSERT_TRUE(r.body && strcmp(r.body, want) == 0);
    if (r.status != 200 || !r.body || strcmp(r.body, want) != 0)
        fprintf(stderr, "\nGET %s -> %ld\n--- got ---\n%s--- want ---\n%s", path, r.status,
                r.body, want);
    itest_reply_free(&r);
}

/* The three runs of the_runs(), as the API writes them. */
struct three {
    char uuid[UUID_STRLEN + 1];
    char json[3][512]; /* oldest first */
};

static void the_runs(struct three *t)
{
    program(t->uuid);
    long a = run_insert(t->uuid, "0", "routine", "2024-03-01T12:00:00.123456Z", "12", "ok", "",
                        "hello\n", "info: started\ninfo: done\n");
    long b = run_insert(t->uuid, "1", "webhook", "2024-03-01T12:05:00Z", "0", "error",
                        "main.tengo:3:5: Runtime Error: \"x\" is not defined", "", "");
    long c = run_insert(t->uuid, "1", "routine", "2024-03-01T12:10:00.5+02:00", "500", "deadline",
                        "deadline of 500 ms exceeded", "tab\there, unicode \xc3\xa5\xe2\x82\xac",
                        "warn: slow\n");
    snprintf(t->json[0], sizeof t->json[0],
             "{\"id\":%ld,\"revision\":0,\"kind\":\"routine\",\"started\":"
             "\"2024-03-01T12:00:00.123456Z\",\"duration_ms\":12,\"outcome\":\"ok\",\"error\":\"\","
             "\"output\":\"hello\\u000a\",\"log\":\"info: started\\u000ainfo: done\\u000a\"}", a);
    snprintf(t->json[1], sizeof t->json[1],
             "{\"id\":%ld,\"revision\":1,\"kind\":\"webhook\",\"started\":\"2024-03-01T12:05:00Z\","
             "\"duration_ms\":0,\"outcome\":\"error\",\"error\":\"main.tengo:3:5: Runtime Error: "
             "\\\"x\\\" is not defined\",\"output\":\"\",\"log\":\"\"}", b);
    snprintf(t->json[2], sizeof t->json[2],
             "{\"id\":%ld,\"revision\":1,\"kind\":\"routine\",\"started\":\"2024-03-01T10:10:00.5Z\","
             "\"duration_ms\":500,\"outcome\":\"deadline\",\"error\":\"deadline of 500 ms exceeded\","
             "\"output\":\"tab\\u0009here, unicode \xc3\xa5\xe2\x82\xac\",\"log\":\"warn: slow\\u000a\"}", c);
}

/* ---- tests -------------------------------------------------------------- */

static void test_runs_are_listed_newest_first_with_exact_fields(void)
{
    struct three t;
    the_runs(&t);
    char path[160], want[2048];
    snprintf(path, sizeof path, "/v2/programs/%s/runs", t.uuid);
    snprintf(want, sizeof want, "[%s,%s,%s]\n", t.json[2], t.json[1], t.json[0]);
    expect_runs(path, itest_admin(), want);
}

static void test_runs_paging_with_limit_and_offset(void)
{
    struct three t;
    the_runs(&t);
    char path[200], want[2048];
    snprintf(path, sizeof path, "/v2/programs/%s/runs?limit=2", t.uuid);
    snprintf(want, sizeof want, "[%s,%s]\n", t.json[2], t.json[1]);
    expect_runs(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/programs/%s/runs?limit=2&offset=2", t.uuid);
    snprintf(want, sizeof want, "[%s]\n", t.json[0]);
    expect_runs(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/programs/%s/runs?offset=1&limit=1", t.uuid);
    snprintf(want, sizeof want, "[%s]\n", t.json[1]);
    expect_runs(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/programs/%s/runs?offset=3", t.uuid);
    expect_runs(path, itest_admin(), "[]\n");
    snprintf(path, sizeof path, "/v2/programs/%s/runs?offset=1000000", t.uuid);
    expect_runs(path, itest_admin(), "[]\n");
    static const char *const bad[] = { "limit=0", "limit=101", "limit=x", "offset=-1",
                                       "limit=1&limit=2" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(path, sizeof path, "/v2/programs/%s/runs?%s", t.uuid, bad[i]);
        expect_status("GET", path, itest_admin(), NULL, 400);
    }
}

static void test_runs_default_limit_is_20(void)
{
    char uuid[UUID_STRLEN + 1], path[160];
    program(uuid);
    for (int i = 0; i < 25; i++)
        run_insert(uuid, "0", "routine", "2024-01-01T00:00:00Z", "1", "ok", "", "", "");
    snprintf(path, sizeof path, "/v2/programs/%s/runs", uuid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(r.json && json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) == 20);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/programs/%s/runs?limit=100", uuid);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(r.json && json_object_array_length(r.json) == 25);
    itest_reply_free(&r);
}

static void test_runs_of_one_program_only_and_none_is_empty(void)
{
    struct three t;
    the_runs(&t);
    char other[UUID_STRLEN + 1], path[160];
    program(other);
    snprintf(path, sizeof path, "/v2/programs/%s/runs", other);
    expect_runs(path, itest_admin(), "[]\n");
    long id = run_insert(other, "7", "routine", "2025-01-01T00:00:00Z", "3", "crashed",
                         "killed by signal 9", "", "");
    char want[512];
    snprintf(want, sizeof want,
             "[{\"id\":%ld,\"revision\":7,\"kind\":\"routine\",\"started\":\"2025-01-01T00:00:00Z\","
             "\"duration_ms\":3,\"outcome\":\"crashed\",\"error\":\"killed by signal 9\","
             "\"output\":\"\",\"log\":\"\"}]\n", id);
    expect_runs(path, itest_admin(), want);
}

static void test_runs_of_unknown_or_deleted_program_is_404(void)
{
    struct http_reply r = call("GET", "/v2/programs/" NO_SUCH_UUID "/runs", itest_admin(), NULL);
    itest_assert_error(&r, 404);
    CU_ASSERT_TRUE(r.body && strcmp(r.body, "{\"code\":404,\"message\":\"The requested resource "
                                            "does not exist\"}\n") == 0);
    itest_reply_free(&r);
    expect_status("GET", "/v2/programs/not-a-uuid/runs", itest_admin(), NULL, 400);

    struct three t;
    the_runs(&t);
    char path[160];
    snprintf(path, sizeof path, "/v2/programs/%s", t.uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    snprintf(path, sizeof path, "/v2/programs/%s/runs", t.uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
    const char *p[] = { t.uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_runs WHERE program_uuid = $1", 1, p), 0);
}

static void test_runs_need_credentials_and_a_read_policy(void)
{
    struct three t;
    the_runs(&t);
    char path[160], user[UUID_STRLEN + 1], userpwd[256], resource[96], want[2048];
    snprintf(path, sizeof path, "/v2/programs/%s/runs", t.uuid);
    expect_status("GET", path, NULL, NULL, 401);
    make_user(user, userpwd, sizeof userpwd);
    expect_status("GET", path, userpwd, NULL, 403);
    /* read on another program does not help */
    char other[UUID_STRLEN + 1];
    program(other);
    snprintf(resource, sizeof resource, "programs/%s", other);
    grant(user, "allow", "read", resource);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(resource, sizeof resource, "programs/%s", t.uuid);
    grant(user, "allow", "update", resource);
    expect_status("GET", path, userpwd, NULL, 403);
    grant(user, "allow", "read", resource);
    snprintf(want, sizeof want, "[%s,%s,%s]\n", t.json[2], t.json[1], t.json[0]);
    expect_runs(path, userpwd, want);
    /* deny wins */
    grant(user, "deny", "read", resource);
    expect_status("GET", path, userpwd, NULL, 403);
}

/* ---- registration ------------------------------------------------------- */

static int suite_init(void)
{
    return PQstatus(itest_db()) == CONNECTION_OK ? 0 : 1;
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
    CU_pSuite s = CU_add_suite("api_program_runs", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(runs_are_listed_newest_first_with_exact_fields);
    T(runs_paging_with_limit_and_offset);
    T(runs_default_limit_is_20);
    T(runs_of_one_program_only_and_none_is_empty);
    T(runs_of_unknown_or_deleted_program_is_404);
    T(runs_need_credentials_and_a_read_policy);
#undef T
}
