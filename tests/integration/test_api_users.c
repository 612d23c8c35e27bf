/* test_api_users.c — /v2/users*, through nginx: users, groups membership,
 * policies, per-user rate, tokens, and access control of a fresh user. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "itest_data.h"
#include "uuid.h"

#define ROOT_UUID "00000000-0000-1000-8000-000000000000"
#define JSON "application/json"

static const char *admin(void) { return itest_admin(); }

/* POST /v2/users as admin; returns the new uuid (static storage per call site copy). */
static void create_user(const char *name, char uuid[UUID_STRLEN + 1])
{
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", "/v2/users", admin(), body, JSON, &r), 0);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(uuid, UUID_STRLEN + 1, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
}

/* A token for user uuid, as "domain:secret". */
static void create_token(const char *uuid, char *userpwd, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "/v2/users/%s/tokens", uuid);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", path, admin(), "{\"name\":\"test token\"}", JSON, &r), 0);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(userpwd, n, "%s:%s", itest_env("ITEST_DOMAIN"), jstr(r.json, "secret"));
    itest_reply_free(&r);
}

static void test_create_user_returns_201_with_personal_group(void)
{
    const char *name = uname("alice");
    char body[128];
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", "/v2/users", admin(), body, JSON, &r), 0);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_STRING_EQUAL(jstr(r.json, "name"), name);
    CU_ASSERT_EQUAL(uuid_valid(jstr(r.json, "uuid")), 0);
    json_object *groups;
    CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(r.json, "groups", &groups));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(groups), 1);
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(groups, 0), "name"), name);
    char path[128];
    snprintf(path, sizeof path, "/v2/users/%s", jstr(r.json, "uuid"));
    struct http_reply g;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, admin(), NULL, NULL, &g), 0);
    CU_ASSERT_EQUAL(g.status, 200);
    CU_ASSERT_STRING_EQUAL(g.body, r.body); /* same object, same bytes */
    itest_reply_free(&g);
    itest_reply_free(&r);
}

static void test_create_user_bad_input_is_400(void)
{
    const char *name = uname("dup");
    char uuid[UUID_STRLEN + 1], body[128];
    create_user(name, uuid);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), body), 400);      /* duplicate */
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{\"name\":\"ab\"}"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{}"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{\"name\":42}"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{\"name\":null}"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{\"name\":\"okname\",\"x\":1}"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "not json"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "[\"name\"]"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{\"name\":\"a\\u0000b\"}"), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), "{\"name\":\"things\"}"), 400); /* group name taken */
}

static void test_body_too_large_is_413_json(void)
{
    size_t n = 2u << 20; /* 2 MiB: over the test server's max_body (1 MiB), under nginx's */
    char *body = malloc(n + 32);
    strcpy(body, "{\"name\":\"");
    memset(body + 9, 'x', n);
    strcpy(body + 9 + n, "\"}");
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), body), 413);
    free(body);
    n = 40u << 20; /* 40 MiB: refused by nginx itself, still JSON */
    body = malloc(n + 32);
    memset(body, ' ', n);
    body[n] = '\0';
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", admin(), body), 413);
    free(body);
}

static void test_list_users_paging_and_limits(void)
{
    char uuid[UUID_STRLEN + 1];
    create_user(uname("list"), uuid);
    create_user(uname("list"), uuid);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users?limit=100", admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE_FATAL(r.json && json_object_is_type(r.json, json_type_array));
    size_t all = json_object_array_length(r.json);
    CU_ASSERT_TRUE(all >= 3);
    /* ordered by name */
    for (size_t i = 1; i < all; i++)
        CU_ASSERT_TRUE(strcmp(jstr(json_object_array_get_idx(r.json, i - 1), "name"),
                              jstr(json_object_array_get_idx(r.json, i), "name")) <= 0);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users?limit=1&offset=1", admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 1);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users?offset=100000", admin(), NULL, NULL, &r), 0);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users?limit=0", admin(), NULL), 400);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users?limit=101", admin(), NULL), 400);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users?limit=abc", admin(), NULL), 400);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users?offset=-1", admin(), NULL), 400);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users?limit=1&limit=2", admin(), NULL), 400);
}

static void test_get_user_errors(void)
{
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/not-a-uuid", admin(), NULL), 400);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000", admin(), NULL), 404);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/" ROOT_UUID, NULL, NULL), 401);
    /* the reference's message, its spelling corrected */
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000",
                                     admin(), NULL, NULL, &r), 0);
    CU_ASSERT_STRING_EQUAL(r.body, "{\"code\":404,\"message\":\"The requested user does not exist\"}\n");
    itest_reply_free(&r);
}

static void test_update_user_name_and_groups(void)
{
    char uuid[UUID_STRLEN + 1], path[128], body[512];
    create_user(uname("upd"), uuid);
    snprintf(path, sizeof path, "/v2/users/%s", uuid);
    const char *newname = uname("renamed");
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", newname);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), body), 204);
    /* groups: set to exactly [things, tsdata] */
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(),
                              "{\"groups\":[\"00000000-0000-1000-8000-000000000001\","
                              "\"00000000-0000-1000-8000-000000000003\"]}"), 204);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, admin(), NULL, NULL, &r), 0);
    CU_ASSERT_STRING_EQUAL(jstr(r.json, "name"), newname);
    json_object *groups;
    json_object_object_get_ex(r.json, "groups", &groups);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(groups), 2);
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(groups, 0), "name"), "things");
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(groups, 1), "name"), "tsdata");
    itest_reply_free(&r);
    /* add timeseries (twice: idempotent), remove things */
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(),
                              "{\"groups_add\":[\"00000000-0000-1000-8000-000000000002\","
                              "\"00000000-0000-1000-8000-000000000002\"],"
                              "\"groups_remove\":[\"00000000-0000-1000-8000-000000000001\"]}"), 204);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, admin(), NULL, NULL, &r), 0);
    json_object_object_get_ex(r.json, "groups", &groups);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(groups), 2);
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(groups, 0), "name"), "timeseries");
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(groups, 1), "name"), "tsdata");
    itest_reply_free(&r);
}

static void test_update_user_errors(void)
{
    char uuid[UUID_STRLEN + 1], path[128];
    create_user(uname("upderr"), uuid);
    snprintf(path, sizeof path, "/v2/users/%s", uuid);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(),
                              "{\"groups\":[],\"groups_add\":[\"00000000-0000-1000-8000-000000000001\"]}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"groups_add\":[\"nope\"]}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(),
                              "{\"groups_add\":[\"6f1c1a7e-0000-4000-8000-000000000000\"]}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"name\":\"x\"}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"nmae\":\"xyzw\"}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000", admin(),
                              "{\"name\":\"whoever\"}"), 404);
    CU_ASSERT_EQUAL(status_of("PUT", "/v2/users/zzz", admin(), "{\"name\":\"whoever\"}"), 400);
    /* a failed update changes nothing */
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, admin(), NULL, NULL, &r), 0);
    json_object *groups;
    json_object_object_get_ex(r.json, "groups", &groups);
    CU_ASSERT_EQUAL(json_object_array_length(groups), 1);
    itest_reply_free(&r);
}

static void test_delete_user(void)
{
    char uuid[UUID_STRLEN + 1], path[128];
    create_user(uname("del"), uuid);
    snprintf(path, sizeof path, "/v2/users/%s", uuid);
    CU_ASSERT_EQUAL(status_of("DELETE", path, admin(), NULL), 204);
    CU_ASSERT_EQUAL(status_of("GET", path, admin(), NULL), 404);
    CU_ASSERT_EQUAL(status_of("DELETE", path, admin(), NULL), 404);
    CU_ASSERT_EQUAL(status_of("DELETE", "/v2/users/" ROOT_UUID, admin(), NULL), 409); /* yourself */
}

static void test_user_policies(void)
{
    char uuid[UUID_STRLEN + 1], path[128];
    create_user(uname("pol"), uuid);
    snprintf(path, sizeof path, "/v2/users/%s/policies", uuid);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.json), 10);
    int deny_rate = 0;
    for (size_t i = 0; i < 10; i++) {
        json_object *p = json_object_array_get_idx(r.json, i), *prio;
        CU_ASSERT_TRUE(json_object_object_get_ex(p, "priority", &prio) &&
                       json_object_is_type(prio, json_type_int));
        char want[128];
        snprintf(want, sizeof want, "users/%s/rate", uuid);
        if (strcmp(jstr(p, "effect"), "deny") == 0 && strcmp(jstr(p, "resource"), want) == 0 &&
            strcmp(jstr(p, "action"), "update") == 0)
            deny_rate = 1;
    }
    CU_ASSERT_TRUE(deny_rate);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000/policies",
                              admin(), NULL), 404);
}

static void test_tokens_lifecycle(void)
{
    char uuid[UUID_STRLEN + 1], path[160], userpwd[256];
    create_user(uname("tok"), uuid);
    snprintf(path, sizeof path, "/v2/users/%s/tokens", uuid);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", path, admin(), "{\"name\":\"ci token\"}", JSON, &r), 0);
    CU_ASSERT_EQUAL(r.status, 201);
    const char *secret = jstr(r.json, "secret");
    CU_ASSERT_TRUE_FATAL(secret && strncmp(secret, "secret-token.", 13) == 0 && strlen(secret) > 40);
    CU_ASSERT_STRING_EQUAL(jstr(r.json, "name"), "ci token");
    char token_uuid[UUID_STRLEN + 1];
    snprintf(token_uuid, sizeof token_uuid, "%s", jstr(r.json, "uuid"));
    snprintf(userpwd, sizeof userpwd, "%s:%s", itest_env("ITEST_DOMAIN"), secret);
    itest_reply_free(&r);

    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/me", userpwd, NULL), 200);
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", path, admin(), NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.json), 1);
    json_object *t = json_object_array_get_idx(r.json, 0);
    CU_ASSERT_STRING_EQUAL(jstr(t, "uuid"), token_uuid);
    CU_ASSERT_STRING_EQUAL(jstr(t, "name"), "ci token");
    const char *created = jstr(t, "created");
    CU_ASSERT_TRUE(created && strlen(created) >= 20 && created[10] == 'T' &&
                   created[strlen(created) - 1] == 'Z');
    CU_ASSERT_PTR_NULL(strstr(r.body, "secret"));
    itest_reply_free(&r);

    char del[256];
    snprintf(del, sizeof del, "%s/%s", path, token_uuid);
    CU_ASSERT_EQUAL(status_of("DELETE", del, admin(), NULL), 204);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/me", userpwd, NULL), 401);
    CU_ASSERT_EQUAL(status_of("DELETE", del, admin(), NULL), 404);
    CU_ASSERT_EQUAL(status_of("POST", path, admin(), "{\"name\":\"ab\"}"), 400);
    snprintf(del, sizeof del, "%s/not-a-uuid", path);
    CU_ASSERT_EQUAL(status_of("DELETE", del, admin(), NULL), 400);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000/tokens", admin(),
                              "{\"name\":\"whatever\"}"), 404);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000/tokens", admin(),
                              NULL), 404);
}

static void test_new_user_sees_only_itself(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256], path[160];
    create_user(uname("plain"), uuid);
    create_token(uuid, userpwd, sizeof userpwd);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users", userpwd, NULL, NULL, &r), 0);
    /* read:users is not granted to a new user */
    itest_assert_error(&r, 403);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/users/%s", uuid);
    CU_ASSERT_EQUAL(status_of("GET", path, userpwd, NULL), 200);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/" ROOT_UUID, userpwd, NULL), 403);
    CU_ASSERT_EQUAL(status_of("POST", "/v2/users", userpwd, "{\"name\":\"sneaky\"}"), 403);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/groups", userpwd, NULL), 403);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/policies", userpwd, NULL), 403);
    snprintf(path, sizeof path, "/v2/users/%s/rate", uuid);
    CU_ASSERT_EQUAL(status_of("PUT", path, userpwd, "{\"rate\":10000}"), 403); /* deny wins */
    snprintf(path, sizeof path, "/v2/users/%s/tokens", uuid);
    CU_ASSERT_EQUAL(status_of("GET", path, userpwd, NULL), 200);
}

static void test_list_is_filtered_by_read_policies(void)
{
    /* a user whose groups grant read on users (the list) and on itself only */
    char uuid[UUID_STRLEN + 1], userpwd[256], gbody[256], pbody[512], path[160];
    create_user(uname("lister"), uuid);
    create_token(uuid, userpwd, sizeof userpwd);
    snprintf(gbody, sizeof gbody, "{\"name\":\"%s\"}", uname("listers"));
    struct http_reply g;
    CU_ASSERT_EQUAL_FATAL(itest_http("POST", "/v2/groups", admin(), gbody, JSON, &g), 0);
    CU_ASSERT_EQUAL_FATAL(g.status, 201);
    snprintf(pbody, sizeof pbody,
             "{\"group_uuid\":\"%s\",\"priority\":0,\"effect\":\"allow\",\"action\":\"read\","
             "\"resource\":\"users\"}", jstr(g.json, "uuid"));
    CU_ASSERT_EQUAL(status_of("POST", "/v2/policies", admin(), pbody), 201);
    snprintf(pbody, sizeof pbody, "{\"groups_add\":[\"%s\"]}", jstr(g.json, "uuid"));
    snprintf(path, sizeof path, "/v2/users/%s", uuid);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), pbody), 204);
    itest_reply_free(&g);
    struct http_reply r;
    CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users?limit=100", userpwd, NULL, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.json), 1);
    CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(r.json, 0), "uuid"), uuid);
    itest_reply_free(&r);
}

static void test_rate_endpoint_and_per_user_limit(void)
{
    char uuid[UUID_STRLEN + 1], userpwd[256], path[160];
    create_user(uname("rate"), uuid);
    create_token(uuid, userpwd, sizeof userpwd);
    snprintf(path, sizeof path, "/v2/users/%s/rate", uuid);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"rate\":-1}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"rate\":10001}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"rate\":1.5}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"rate\":\"60\"}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{}"), 400);
    CU_ASSERT_EQUAL(status_of("PUT", "/v2/users/6f1c1a7e-0000-4000-8000-000000000000/rate", admin(),
                              "{\"rate\":60}"), 404);
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"rate\":60}"), 204);
    /* the world runs with rate control off; this user's own 60/h applies,
     * with the default burst of 10, across the pool's processes */
    int ok = 0, limited = 0;
    for (int i = 0; i < 14; i++) {
        struct http_reply r;
        CU_ASSERT_EQUAL_FATAL(itest_http("GET", "/v2/users/me", userpwd, NULL, NULL, &r), 0);
        if (r.status == 200)
            ok++;
        if (r.status == 429) {
            limited++;
            itest_assert_error(&r, 429);
            char v[64];
            CU_ASSERT_PTR_NOT_NULL(itest_header(&r, "X-RateLimit-Limit", v, sizeof v));
            CU_ASSERT_STRING_EQUAL(v, "60");
            CU_ASSERT_PTR_NOT_NULL(itest_header(&r, "Retry-After", v, sizeof v));
            CU_ASSERT_TRUE(atoi(v) >= 1 && atoi(v) <= 60);
        }
        itest_reply_free(&r);
    }
    CU_ASSERT_EQUAL(ok, 10);
    CU_ASSERT_EQUAL(limited, 4);
    /* other users are not affected */
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/me", admin(), NULL), 200);
    /* 0 lifts the limit */
    CU_ASSERT_EQUAL(status_of("PUT", path, admin(), "{\"rate\":0}"), 204);
    CU_ASSERT_EQUAL(status_of("GET", "/v2/users/me", userpwd, NULL), 200);
}

void register_tests(void);
void register_tests(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CU_pSuite s = CU_add_suite("api_users", NULL, NULL);
#define ADD(t) CU_add_test(s, #t, t)
    ADD(test_create_user_returns_201_with_personal_group);
    ADD(test_create_user_bad_input_is_400);
    ADD(test_body_too_large_is_413_json);
    ADD(test_list_users_paging_and_limits);
    ADD(test_get_user_errors);
    ADD(test_update_user_name_and_groups);
    ADD(test_update_user_errors);
    ADD(test_delete_user);
    ADD(test_user_policies);
    ADD(test_tokens_lifecycle);
    ADD(test_new_user_sees_only_itself);
    ADD(test_list_is_filtered_by_read_policies);
    ADD(test_rate_endpoint_and_per_user_limit);
}
