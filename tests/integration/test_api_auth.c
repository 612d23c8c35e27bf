/* test_api_auth.c — authentication, authorization and the error shape,
 * through nginx and a selfserv pool, on GET /v2/users/me. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "itest.h"
#include "itest_data.h"
#include "token.h"
#include "uuid.h"

#define ROOT_UUID "00000000-0000-1000-8000-000000000000"

static void test_users_me_with_admin_token_is_root(void)
{
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.json);
    json_object *v, *groups;
    CU_ASSERT_TRUE(json_object_object_get_ex(r.json, "uuid", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), ROOT_UUID);
    CU_ASSERT_TRUE(json_object_object_get_ex(r.json, "name", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "root");
    CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(r.json, "groups", &groups));
    CU_ASSERT_TRUE_FATAL(json_object_is_type(groups, json_type_array));
    CU_ASSERT_EQUAL(json_object_array_length(groups), 1);
    json_object *g = json_object_array_get_idx(groups, 0);
    CU_ASSERT_TRUE(json_object_object_get_ex(g, "name", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "root");
    itest_reply_free(&r);
}

static void test_head_users_me_has_no_body(void)
{
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("HEAD", "/v2/users/me", itest_admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
}

static void test_missing_credentials_is_401_with_challenge(void)
{
    struct http_reply r;
    char v[256];
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", NULL, NULL, NULL, &r), 0);
    itest_assert_error(&r, 401);
    CU_ASSERT_PTR_NOT_NULL(itest_header(&r, "WWW-Authenticate", v, sizeof v));
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "Basic realm="));
    itest_reply_free(&r);
}

static void expect_401(const char *userpwd)
{
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
    itest_assert_error(&r, 401);
    itest_reply_free(&r);
}

static void expect_401_header(const char *authorization)
{
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http_auth("GET", "/v2/users/me", authorization, NULL, NULL, &r), 0);
    itest_assert_error(&r, 401);
    itest_reply_free(&r);
}

static void test_wrong_token_is_401_json(void)
{
    char userpwd[256];
    snprintf(userpwd, sizeof userpwd, "%s:secret-token.wrong", itest_env("ITEST_DOMAIN"));
    expect_401(userpwd);
}

static void test_seeded_root_token_was_replaced(void)
{
    char userpwd[256];
    snprintf(userpwd, sizeof userpwd, "%s:root", itest_env("ITEST_DOMAIN"));
    expect_401(userpwd);
}

static void test_unknown_domain_is_401(void)
{
    char userpwd[512];
    snprintf(userpwd, sizeof userpwd, "no-such-domain:%s", itest_env("ITEST_TOKEN"));
    expect_401(userpwd);
}

static void test_malformed_authorization_headers_are_401(void)
{
    expect_401_header("Bearer abc");
    expect_401_header("Basic");
    expect_401_header("Basic !!!!");
    expect_401_header("Basic bm9jb2xvbg=="); /* "nocolon" */
    expect_401_header("Basic OnRva2Vu");     /* ":token" (no domain) */
    expect_401_header("Basic ZG9tYWluOg=="); /* "domain:" (no token) */
    /* a domain name that could never be a database: "../x:y" */
    expect_401_header("Basic Li4veDp5");
}

static void test_user_without_policy_is_403_then_allowed_by_policy(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256];
    make_user(uuid, userpwd, sizeof userpwd);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
    itest_assert_error(&r, 403);
    itest_reply_free(&r);

    /* a group granting exactly read:users/me */
    char gname[64];
    snprintf(gname, sizeof gname, "g-%s", uuid);
    const char *p[] = { gname, uuid };
    sql("WITH g AS (INSERT INTO groups(name) VALUES ($1) RETURNING uuid), "
        "p AS (INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "      SELECT uuid, 'allow', 'read', 'users/me' FROM g) "
        "INSERT INTO user_groups(user_uuid, group_uuid) SELECT $2::uuid, uuid FROM g",
        2, p);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    json_object *v;
    CU_ASSERT_TRUE(r.json && json_object_object_get_ex(r.json, "uuid", &v) &&
                   strcmp(json_object_get_string(v), uuid) == 0);
    itest_reply_free(&r);

    /* a deny policy of the same group wins over the allow */
    const char *p2[] = { gname };
    sql("INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "SELECT uuid, 'deny', 'read', 'users/%' FROM groups WHERE name = $1", 1, p2);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
    itest_assert_error(&r, 403);
    itest_reply_free(&r);
}

/* Every operation of the API, with valid inputs, for a user in no group. */
static void test_user_without_policies_gets_403_everywhere(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256];
    make_user(uuid, userpwd, sizeof userpwd);
    static const char *const ops[][3] = {
        { "GET", "/v2/users", NULL },
        { "POST", "/v2/users", "{\"name\":\"someone\"}" },
        { "GET", "/v2/users/me", NULL },
        { "GET", "/v2/users/" ROOT_UUID, NULL },
        { "PUT", "/v2/users/" ROOT_UUID, "{\"name\":\"renamed\"}" },
        { "DELETE", "/v2/users/" ROOT_UUID, NULL },
        { "GET", "/v2/users/" ROOT_UUID "/policies", NULL },
        { "PUT", "/v2/users/" ROOT_UUID "/rate", "{\"rate\":1}" },
        { "GET", "/v2/users/" ROOT_UUID "/tokens", NULL },
        { "POST", "/v2/users/" ROOT_UUID "/tokens", "{\"name\":\"stolen\"}" },
        { "DELETE", "/v2/users/" ROOT_UUID "/tokens/" ROOT_UUID, NULL },
        { "GET", "/v2/groups", NULL },
        { "POST", "/v2/groups", "{\"name\":\"mygroup\"}" },
        { "GET", "/v2/groups/" ROOT_UUID, NULL },
        { "PUT", "/v2/groups/" ROOT_UUID, "{\"name\":\"mygroup\"}" },
        { "DELETE", "/v2/groups/" ROOT_UUID, NULL },
        { "GET", "/v2/groups/" ROOT_UUID "/policies", NULL },
        { "GET", "/v2/policies", NULL },
        { "POST", "/v2/policies", "{\"group_uuid\":\"" ROOT_UUID "\",\"priority\":0,"
                                  "\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"%\"}" },
        { "GET", "/v2/policies/" ROOT_UUID, NULL },
        { "PUT", "/v2/policies/" ROOT_UUID, "{\"priority\":1}" },
        { "DELETE", "/v2/policies/" ROOT_UUID, NULL },
        { "GET", "/v2/things", NULL },
        { "POST", "/v2/things", "{\"name\":\"thing\",\"type\":\"pump\"}" },
        { "GET", "/v2/things/" ROOT_UUID, NULL },
        { "PUT", "/v2/things/" ROOT_UUID, "{\"name\":\"thing\"}" },
        { "DELETE", "/v2/things/" ROOT_UUID, NULL },
        { "GET", "/v2/things/" ROOT_UUID "/timeseries", NULL },
        { "GET", "/v2/things/" ROOT_UUID "/datasets", NULL },
        { "GET", "/v2/timeseries", NULL },
        { "POST", "/v2/timeseries", "{\"name\":\"series\",\"si_unit\":\"C\"}" },
        { "GET", "/v2/timeseries/" ROOT_UUID, NULL },
        { "PUT", "/v2/timeseries/" ROOT_UUID, "{\"name\":\"series\"}" },
        { "DELETE", "/v2/timeseries/" ROOT_UUID, NULL },
        { "GET", "/v2/timeseries/" ROOT_UUID "/data", NULL },
        { "POST", "/v2/timeseries/" ROOT_UUID "/data", "[{\"v\":1,\"ts\":\"2021-01-01T00:00:00Z\"}]" },
        { "DELETE", "/v2/timeseries/" ROOT_UUID "/data", NULL },
        { "GET", "/v2/tsquery?uuids=" ROOT_UUID, NULL },
    };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        struct http_reply r;
        CU_ASSERT_EQUAL_FATAL(itest_http(ops[i][0], ops[i][1], userpwd, ops[i][2],
                                         ops[i][2] ? "application/json" : NULL, &r), 0);
        if (r.status != 403)
            fprintf(stderr, "\n  %s %s -> %ld\n", ops[i][0], ops[i][1], r.status);
        itest_assert_error(&r, 403);
        itest_reply_free(&r);
    }
}

static void test_revoked_token_is_401_on_next_request(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256];
    make_user(uuid, userpwd, sizeof userpwd);
    const char *p[] = { uuid };
    sql("INSERT INTO user_groups(user_uuid, group_uuid) VALUES ($1, '" ROOT_UUID "')", 1, p);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    itest_reply_free(&r);
    sql("DELETE FROM user_tokens WHERE user_uuid = $1", 1, p);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
    itest_assert_error(&r, 401);
    itest_reply_free(&r);
}

/* Every responder keeps what authentication found per token
 * (fcgi/auth_cache.h). Enough requests in a row reach each responder of
 * the pool several times (they take turns at the socket), so every one of
 * them holds an answer before each change: each change, made in SQL as
 * another host or psql would make it, must show at the very next request,
 * whichever responder answers. */
#define ROUNDS 16

static void expect_all(const char *userpwd, long status)
{
    int wrong = 0;
    for (int i = 0; i < ROUNDS; i++) {
        struct http_reply r;
        CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
        if (r.status != status) {
            wrong++;
            fprintf(stderr, "\n  answer %d: %ld %.*s", i, r.status, (int)r.body_len, r.body);
        }
        itest_reply_free(&r);
    }
    if (wrong)
        fprintf(stderr, "\n  %d of %d answers were not %ld\n", wrong, ROUNDS, status);
    CU_ASSERT_EQUAL(wrong, 0);
}

static void test_kept_answers_follow_every_change_at_the_next_request(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256], gname[64], gname2[64];
    make_user(uuid, userpwd, sizeof userpwd);
    snprintf(gname, sizeof gname, "kg-%s", uuid);
    snprintf(gname2, sizeof gname2, "kg2-%s", uuid);
    const char *pg[] = { gname, uuid };
    sql("WITH g AS (INSERT INTO groups(name) VALUES ($1) RETURNING uuid), "
        "p AS (INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "      SELECT uuid, 'allow', 'read', 'users/me' FROM g) "
        "INSERT INTO user_groups(user_uuid, group_uuid) SELECT $2::uuid, uuid FROM g",
        2, pg);
    expect_all(userpwd, 200);

    const char *pn[] = { gname };
    sql("INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "SELECT uuid, 'deny', 'read', 'users/%' FROM groups WHERE name = $1", 1, pn);
    expect_all(userpwd, 403); /* a deny added */
    sql("DELETE FROM group_policies WHERE effect = 'deny' AND group_uuid = "
        "(SELECT uuid FROM groups WHERE name = $1)", 1, pn);
    expect_all(userpwd, 200); /* and taken away */
    sql("UPDATE group_policies SET resource = 'users/other' WHERE group_uuid = "
        "(SELECT uuid FROM groups WHERE name = $1)", 1, pn);
    expect_all(userpwd, 403); /* the allow changed to another resource */
    sql("UPDATE group_policies SET resource = 'users/%' WHERE group_uuid = "
        "(SELECT uuid FROM groups WHERE name = $1)", 1, pn);
    expect_all(userpwd, 200);

    const char *pu[] = { uuid, gname };
    sql("DELETE FROM user_groups WHERE user_uuid = $1 AND group_uuid = "
        "(SELECT uuid FROM groups WHERE name = $2)", 2, pu);
    expect_all(userpwd, 403); /* out of the group */
    sql("INSERT INTO user_groups(user_uuid, group_uuid) SELECT $1, uuid FROM groups WHERE name = $2",
        2, pu);
    expect_all(userpwd, 200); /* in again */

    /* the same allow through a second group; the first group deleted
     * (its policies and memberships go by cascade) */
    const char *pg2[] = { gname2, uuid };
    sql("WITH g AS (INSERT INTO groups(name) VALUES ($1) RETURNING uuid), "
        "p AS (INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "      SELECT uuid, 'allow', 'read', 'users/me' FROM g) "
        "INSERT INTO user_groups(user_uuid, group_uuid) SELECT $2::uuid, uuid FROM g",
        2, pg2);
    sql("DELETE FROM groups WHERE name = $1", 1, pn);
    expect_all(userpwd, 200);
    const char *pn2[] = { gname2 };
    sql("DELETE FROM groups WHERE name = $1", 1, pn2);
    expect_all(userpwd, 403); /* the last group granting it gone */
    sql("INSERT INTO user_groups(user_uuid, group_uuid) VALUES ($1, '" ROOT_UUID "')", 1, pu);
    expect_all(userpwd, 200);

    /* a second token of the user, then the first revoked */
    char userpwd2[256];
    add_token(uuid, "second", userpwd2, sizeof userpwd2);
    const char *pt[] = { uuid };
    expect_all(userpwd2, 200);
    sql("DELETE FROM user_tokens WHERE user_uuid = $1 AND name = 'itest'", 1, pt);
    expect_all(userpwd, 401);
    expect_all(userpwd2, 200);
    /* the user deleted: its tokens go by cascade */
    sql("DELETE FROM users WHERE uuid = $1", 1, pt);
    expect_all(userpwd2, 401);
}

/* The responders' connections ended by the server (as a restart or a
 * failover would): what they kept is still used, and still follows. */
static void end_responder_connections(void)
{
    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = 'selfserv'", 0, NULL);
    /* gone before the next request (one racing the backend's exit gets
     * the JSON 503 of a connection lost mid-request) */
    for (int i = 0; i < 200 && sql_long("SELECT count(*) FROM pg_stat_activity WHERE "
                                        "datname = current_database() AND "
                                        "application_name = 'selfserv'", 0, NULL) > 0; i++)
        usleep(10000);
}

static void test_kept_answers_outlive_reconnections_and_still_follow(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256];
    make_user(uuid, userpwd, sizeof userpwd);
    grant(uuid, "allow", "read", "users/me");
    expect_all(userpwd, 200);
    end_responder_connections();
    expect_all(userpwd, 200);
    grant(uuid, "deny", "read", "users/%");
    end_responder_connections();
    expect_all(userpwd, 403); /* changed while they were away */
    end_responder_connections();
    expect_all(userpwd, 403);
    const char *p[] = { uuid };
    sql("DELETE FROM group_policies WHERE effect = 'deny' AND group_uuid = "
        "(SELECT uuid FROM groups WHERE name = 'ug-' || $1)", 1, p);
    expect_all(userpwd, 200);
}

/* users/me is kept with the token's answer: every change of the user, its
 * groups or their names shows at the next request, on every responder. */
static void expect_me_all(const char *userpwd, const char *want_name, const char *want_groups)
{
    int wrong = 0;
    for (int i = 0; i < ROUNDS; i++) {
        struct http_reply r;
        CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
        json_object *groups;
        char got[512] = "";
        if (r.status == 200 && r.json && json_object_object_get_ex(r.json, "groups", &groups))
            for (size_t k = 0; k < json_object_array_length(groups); k++) {
                const char *n = jstr(json_object_array_get_idx(groups, k), "name");
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", k ? "," : "", n ? n : "?");
            }
        if (r.status != 200 || !jstr_is(r.json, "name", want_name) || strcmp(got, want_groups) != 0)
            wrong++;
        itest_reply_free(&r);
    }
    if (wrong)
        fprintf(stderr, "\n  %d of %d answers were not %s in [%s]\n", wrong, ROUNDS, want_name,
                want_groups);
    CU_ASSERT_EQUAL(wrong, 0);
}

static void test_kept_users_me_follows_every_change_at_the_next_request(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256], name[96], renamed[112], g1[64], g2[64], g1b[72];
    make_user(uuid, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "itest-%s", uuid);
    snprintf(renamed, sizeof renamed, "renamed-%s", uuid);
    snprintf(g1, sizeof g1, "ma-%s", uuid);
    snprintf(g2, sizeof g2, "mb-%s", uuid);
    snprintf(g1b, sizeof g1b, "mc-%s", uuid);
    const char *p[] = { uuid, g1 };
    sql("WITH g AS (INSERT INTO groups(name) VALUES ($2) RETURNING uuid), "
        "p AS (INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "      SELECT uuid, 'allow', 'read', 'users/me' FROM g) "
        "INSERT INTO user_groups(user_uuid, group_uuid) SELECT $1::uuid, uuid FROM g", 2, p);
    expect_me_all(userpwd, name, g1);
    const char *pr[] = { uuid, renamed };
    sql("UPDATE users SET name = $2 WHERE uuid = $1", 2, pr);
    expect_me_all(userpwd, renamed, g1); /* the user renamed */
    const char *p2[] = { uuid, g2 };
    sql("WITH g AS (INSERT INTO groups(name) VALUES ($2) RETURNING uuid) "
        "INSERT INTO user_groups(user_uuid, group_uuid) SELECT $1::uuid, uuid FROM g", 2, p2);
    char both[160];
    snprintf(both, sizeof both, "%s,%s", g1, g2);
    expect_me_all(userpwd, renamed, both); /* in one more group */
    const char *pg[] = { g1, g1b };
    sql("UPDATE groups SET name = $2 WHERE name = $1", 2, pg);
    snprintf(both, sizeof both, "%s,%s", g2, g1b);
    expect_me_all(userpwd, renamed, both); /* a group renamed (and sorted again) */
    sql("DELETE FROM user_groups WHERE user_uuid = $1 AND group_uuid = "
        "(SELECT uuid FROM groups WHERE name = $2)", 2, p2);
    expect_me_all(userpwd, renamed, g1b); /* out of one */
}

static void test_unknown_path_is_404_json(void)
{
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/no/such/thing", itest_admin(), NULL, NULL, &r), 0);
    itest_assert_error(&r, 404);
    itest_reply_free(&r);
}

/* Paths outside /v2/ get the same JSON 404 from nginx (not its HTML page),
 * as every error does; GET /status is the reference's heartbeat: "." with
 * no credentials needed, whatever credentials come with it. */
static void test_paths_outside_the_api(void)
{
    static const char *const paths[] = { "/v1/users/me", "/nope", "/status/x", "/statuses" };
    struct http_reply r;
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        CU_ASSERT_EQUAL_FATAL(itest_http("GET", paths[i], itest_admin(), NULL, NULL, &r), 0);
        itest_assert_error(&r, 404);
        itest_reply_free(&r);
    }
    char v[128];
    static const char *const auths[] = { NULL, "nosuchdomain:whatever" };
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/status", auths[i], NULL, NULL, &r), 0);
        CU_ASSERT_EQUAL(r.status, 200);
        CU_ASSERT_STRING_EQUAL(r.body, ".");
        CU_ASSERT_PTR_NOT_NULL(itest_header(&r, "Content-Type", v, sizeof v));
        CU_ASSERT_STRING_EQUAL(v, "text/plain");
        itest_reply_free(&r);
    }
    CU_ASSERT_EQUAL_FATAL(itest_http("HEAD", "/status", NULL, NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", "/status", NULL, "x", "text/plain", &r), 0);
    itest_assert_error(&r, 405);
    itest_reply_free(&r);
}

static void test_wrong_method_is_405_with_allow(void)
{
    struct http_reply r;
    char v[128];
    CU_ASSERT_EQUAL_FATAL(itest_http("PUT", "/v2/users/me", itest_admin(), "{}", "application/json", &r), 0);
    itest_assert_error(&r, 405);
    CU_ASSERT_PTR_NOT_NULL(itest_header(&r, "Allow", v, sizeof v));
    CU_ASSERT_STRING_EQUAL(v, "GET");
    itest_reply_free(&r);
}

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
    CU_pSuite s = CU_add_suite("api_auth", suite_init, suite_clean);
    CU_add_test(s, "users_me_with_admin_token_is_root", test_users_me_with_admin_token_is_root);
    CU_add_test(s, "paths_outside_the_api", test_paths_outside_the_api);
    CU_add_test(s, "head_users_me_has_no_body", test_head_users_me_has_no_body);
    CU_add_test(s, "missing_credentials_is_401_with_challenge", test_missing_credentials_is_401_with_challenge);
    CU_add_test(s, "wrong_token_is_401_json", test_wrong_token_is_401_json);
    CU_add_test(s, "seeded_root_token_was_replaced", test_seeded_root_token_was_replaced);
    CU_add_test(s, "unknown_domain_is_401", test_unknown_domain_is_401);
    CU_add_test(s, "malformed_authorization_headers_are_401", test_malformed_authorization_headers_are_401);
    CU_add_test(s, "user_without_policy_is_403_then_allowed_by_policy",
                test_user_without_policy_is_403_then_allowed_by_policy);
    CU_add_test(s, "revoked_token_is_401_on_next_request", test_revoked_token_is_401_on_next_request);
    CU_add_test(s, "kept_answers_follow_every_change_at_the_next_request",
                test_kept_answers_follow_every_change_at_the_next_request);
    CU_add_test(s, "kept_answers_outlive_reconnections_and_still_follow",
                test_kept_answers_outlive_reconnections_and_still_follow);
    CU_add_test(s, "kept_users_me_follows_every_change_at_the_next_request",
                test_kept_users_me_follows_every_change_at_the_next_request);
    CU_add_test(s, "user_without_policies_gets_403_everywhere",
                test_user_without_policies_gets_403_everywhere);
    CU_add_test(s, "unknown_path_is_404_json", test_unknown_path_is_404_json);
    CU_add_test(s, "wrong_method_is_405_with_allow", test_wrong_method_is_405_with_allow);
}
