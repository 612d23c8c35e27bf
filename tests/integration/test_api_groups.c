/* test_api_groups.c — /v2/groups* through nginx and a selfserv pool:
 * every operation's reply, its errors, paging, the read filter of the
 * list, and policies created through the API taking effect at once.
 * Each test makes its own users and groups (names carry a random uuid), so
 * the suite runs in parallel with others against a non-empty database. */
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

#define THINGS_GROUP "00000000-0000-1000-8000-000000000001"
#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"

/* ---- helpers ------------------------------------------------------------ */

/* Exactly the Group schema: {"uuid": string, "name": string}. */
static int is_group(json_object *o, const char *uuid, const char *name)
{
    return json_object_is_type(o, json_type_object) && json_object_object_length(o) == 2 &&
           jstr(o, "uuid") && uuid_valid(jstr(o, "uuid")) == OK &&
           (!uuid || jstr_is(o, "uuid", uuid)) && jstr_is(o, "name", name);
}

/* POST /v2/groups as admin; uuid gets the new group's uuid. */
static void api_group(const char *name, char uuid[UUID_STRLEN + 1])
{
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    struct http_reply r = call("POST", "/v2/groups", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    const char *u = jstr(r.json, "uuid");
    snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    itest_reply_free(&r);
}

/* POST /v2/policies as admin; returns the status. */
static long api_policy(const char *group, int priority, const char *effect, const char *action,
                       const char *resource, char uuid[UUID_STRLEN + 1])
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"group_uuid\":\"%s\",\"priority\":%d,\"effect\":\"%s\",\"action\":\"%s\","
             "\"resource\":\"%s\"}",
             group, priority, effect, action, resource);
    struct http_reply r = call("POST", "/v2/policies", itest_admin(), body);
    long status = r.status;
    const char *u = jstr(r.json, "uuid");
    if (uuid)
        snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    itest_reply_free(&r);
    return status;
}

/* ---- create / get / update / delete ------------------------------------- */

static void test_groups_create_is_201_with_group(void)
{
    char u[UUID_STRLEN + 1], name[64], body[128];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    struct http_reply r = call("POST", "/v2/groups", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    CU_ASSERT_TRUE(is_group(r.json, NULL, name));
    const char *params[] = { jstr(r.json, "uuid"), name };
    if (params[0])
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM groups WHERE uuid = $1 AND name = $2", 2,
                                 params), 1);
    itest_reply_free(&r);
}

static void test_groups_get_returns_group(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-get-%s", u);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_group(r.json, gid, name));
    itest_reply_free(&r);
}

static void test_groups_get_seeded_group(void)
{
    struct http_reply r = call("GET", "/v2/groups/" THINGS_GROUP, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_group(r.json, THINGS_GROUP, "things"));
    itest_reply_free(&r);
}

static void test_groups_get_upper_case_uuid_finds_group(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-uc-%s", u);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    for (char *p = path; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_group(r.json, gid, name)); /* written lower-case */
    itest_reply_free(&r);
}

static void test_groups_get_missing_is_404(void)
{
    expect_status("GET", "/v2/groups/" NO_SUCH_UUID, itest_admin(), NULL, 404);
}

static void test_groups_invalid_uuid_in_path_is_400(void)
{
    expect_status("GET", "/v2/groups/not-a-uuid", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/groups/not-a-uuid", itest_admin(), "{\"name\":\"abcd\"}", 400);
    expect_status("DELETE", "/v2/groups/1234", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/groups/5a8d3e0c00004000800000000000dead/policies", itest_admin(),
                  NULL, 400);
}

static void test_groups_update_renames_with_204(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1], path[128], body[128];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-old-%s", u);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    snprintf(name, sizeof name, "grp-new-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    struct http_reply r = call("PUT", path, itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_group(r.json, gid, name));
    itest_reply_free(&r);
}

static void test_groups_update_missing_is_404(void)
{
    expect_status("PUT", "/v2/groups/" NO_SUCH_UUID, itest_admin(), "{\"name\":\"nobody\"}", 404);
}

static void test_groups_delete_is_204_then_404(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-del-%s", u);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    struct http_reply r = call("DELETE", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    expect_status("GET", path, itest_admin(), NULL, 404);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
}

static void test_groups_delete_cascades_to_members_and_policies(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[64], gid[UUID_STRLEN + 1], path[128];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "grp-casc-%s", user);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    CU_ASSERT_EQUAL(api_policy(gid, 0, "allow", "read", path + 4, NULL), 201);
    const char *p[] = { user, gid };
    sql("INSERT INTO user_groups(user_uuid, group_uuid) VALUES ($1, $2)", 2, p);
    expect_status("GET", path, userpwd, NULL, 200);

    expect_status("DELETE", path, itest_admin(), NULL, 204);
    const char *g[] = { gid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE group_uuid = $1", 1, g), 0);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM user_groups WHERE group_uuid = $1", 1, g), 0);
    /* the user still exists, and has lost what the group gave it */
    const char *uu[] = { user };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM users WHERE uuid = $1", 1, uu), 1);
    expect_status("GET", path, userpwd, NULL, 403);
}

/* ---- body validation ------------------------------------------------------ */

static void test_groups_create_bad_bodies_are_400(void)
{
    static const char *const bodies[] = {
        "{\"name\":",                     /* malformed JSON */
        "not json",
        "",                               /* empty body */
        "[]",                             /* not an object */
        "null",
        "{}",                             /* missing name */
        "{\"name\":null}",                /* null name */
        "{\"name\":42}",                  /* wrong type */
        "{\"name\":[\"abc\"]}",
        "{\"name\":\"abcd\",\"x\":1}",    /* unknown field */
        "{\"nmae\":\"abcd\"}",
        "{\"name\":\"ab\"}",              /* shorter than 3 */
        "{\"name\":\"\"}",
        "{\"name\":\"\\u00e4\\u00f6\"}",  /* 2 characters in 4 bytes */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("POST", "/v2/groups", itest_admin(), bodies[i], 400);
}

/* Three random CJK characters: a 3-character (9-byte) name that is unique. */
static void cjk_name_body(char *body, size_t n, int chars)
{
    struct uuid u;
    uuid_v4(&u);
    size_t len = (size_t)snprintf(body, n, "{\"name\":\"");
    for (int i = 0; i < chars; i++) {
        unsigned cp = 0x4E00u + (((unsigned)u.b[2 * i] << 8 | u.b[2 * i + 1]) % 0x5000u);
        len += (size_t)snprintf(body + len, n - len, "\\u%04x", cp);
    }
    snprintf(body + len, n - len, "\"}");
}

static void test_groups_name_length_counts_characters(void)
{
    char body[128];
    cjk_name_body(body, sizeof body, 3);
    struct http_reply r = call("POST", "/v2/groups", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    const char *name = jstr(r.json, "name");
    CU_ASSERT_TRUE(name && strlen(name) == 9);
    if (r.status == 201) {
        char path[128];
        snprintf(path, sizeof path, "/v2/groups/%s", jstr(r.json, "uuid"));
        cjk_name_body(body, sizeof body, 2); /* 6 bytes, 2 characters */
        expect_status("PUT", path, itest_admin(), body, 400);
        expect_status("DELETE", path, itest_admin(), NULL, 204);
    }
    itest_reply_free(&r);
}

static void test_groups_update_bad_bodies_are_400(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-upd-%s", u);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    static const char *const bodies[] = {
        "{\"name\":", "{}", "{\"name\":null}", "{\"name\":1}", "{\"name\":\"abcd\",\"a\":1}",
        "{\"name\":\"xy\"}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("PUT", path, itest_admin(), bodies[i], 400);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_group(r.json, gid, name)); /* unchanged */
    itest_reply_free(&r);
}

static void test_groups_duplicate_name_is_400(void)
{
    char u[UUID_STRLEN + 1], a[64], b[64], gid_a[UUID_STRLEN + 1], gid_b[UUID_STRLEN + 1];
    char body[128], path[128];
    new_uuid(u);
    snprintf(a, sizeof a, "grp-dup-a-%s", u);
    snprintf(b, sizeof b, "grp-dup-b-%s", u);
    api_group(a, gid_a);
    api_group(b, gid_b);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", a);
    expect_status("POST", "/v2/groups", itest_admin(), body, 400);
    expect_status("POST", "/v2/groups", itest_admin(), "{\"name\":\"root\"}", 400);
    snprintf(path, sizeof path, "/v2/groups/%s", gid_b);
    expect_status("PUT", path, itest_admin(), body, 400);
    /* renaming a group to its own name is not a conflict */
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", b);
    expect_status("PUT", path, itest_admin(), body, 204);
}

/* ---- list --------------------------------------------------------------- */

static void test_groups_list_as_admin_is_array_of_groups(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-adm-%s", u);
    api_group(name, gid);
    struct http_reply r = call("GET", "/v2/groups?limit=100", itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE_FATAL(json_object_is_type(r.json, json_type_array));
    size_t n = json_object_array_length(r.json);
    CU_ASSERT_TRUE(n >= 8 && n <= 100); /* 7 seeded + ours at least */
    int seen_root = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *g = json_object_array_get_idx(r.json, i);
        CU_ASSERT_TRUE(json_object_object_length(g) == 2 && jstr(g, "uuid") && jstr(g, "name"));
        seen_root |= is_group(g, "00000000-0000-1000-8000-000000000000", "root");
    }
    CU_ASSERT_TRUE(seen_root || n == 100);
    itest_reply_free(&r);
}

static void test_groups_list_shows_readable_groups_by_name_and_pages(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[96], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1],
        c[UUID_STRLEN + 1], res[64], want[256];
    make_user(user, userpwd, sizeof userpwd);
    /* created out of order: the list is by name, not by creation */
    snprintf(name, sizeof name, "lst-%s-c", user);
    api_group(name, c);
    snprintf(name, sizeof name, "lst-%s-a", user);
    api_group(name, a);
    snprintf(name, sizeof name, "lst-%s-b", user);
    api_group(name, b);
    grant(user, "allow", "read", "groups");
    const char *mine[] = { a, b, c };
    for (int i = 0; i < 3; i++) {
        snprintf(res, sizeof res, "groups/%s", mine[i]);
        grant(user, "allow", "read", res);
    }
    snprintf(want, sizeof want, "%s,%s,%s", a, b, c);
    expect_list("/v2/groups", userpwd, want);
    snprintf(want, sizeof want, "%s,%s", a, b);
    expect_list("/v2/groups?limit=2", userpwd, want);
    expect_list("/v2/groups?limit=2&offset=2", userpwd, c);
    expect_list("/v2/groups?offset=1&limit=1", userpwd, b);
    expect_list("/v2/groups?offset=3", userpwd, "");
    expect_list("/v2/groups?offset=100000000", userpwd, "");

    /* a deny on one of them hides it, however it is allowed */
    snprintf(res, sizeof res, "groups/%s", b);
    grant(user, "deny", "read", res);
    snprintf(want, sizeof want, "%s,%s", a, c);
    expect_list("/v2/groups", userpwd, want);
}

static void test_groups_list_default_limit_is_20(void)
{
    char user[UUID_STRLEN + 1], userpwd[256];
    make_user(user, userpwd, sizeof userpwd);
    grant(user, "allow", "read", "groups");
    const char *p[] = { user };
    sql("WITH g AS (INSERT INTO groups(name) "
        "           SELECT 'many-' || $1 || '-' || lpad(i::text, 2, '0') "
        "           FROM generate_series(1, 21) i RETURNING uuid), "
        "u AS (SELECT uuid FROM groups WHERE name = 'ug-' || $1) "
        "INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "SELECT u.uuid, 'allow', 'read', 'groups/' || g.uuid FROM g, u",
        1, p);
    struct http_reply r = call("GET", "/v2/groups", userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 20);
    itest_reply_free(&r);
    r = call("GET", "/v2/groups?limit=100", userpwd, NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 21);
    char want[64];
    snprintf(want, sizeof want, "many-%s-21", user);
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 20), "name", want));
    itest_reply_free(&r);
}

static void test_groups_list_bad_paging_is_400(void)
{
    static const char *const q[] = {
        "limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5",
        "offset=-1", "offset=x", "limit=10&limit=20",
    };
    char path[128];
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        snprintf(path, sizeof path, "/v2/groups?%s", q[i]);
        expect_status("GET", path, itest_admin(), NULL, 400);
    }
    expect_status("GET", "/v2/groups?limit=1", itest_admin(), NULL, 200);
    expect_status("GET", "/v2/groups?limit=100", itest_admin(), NULL, 200);
}

static void test_groups_list_empty_is_empty_array(void)
{
    char user[UUID_STRLEN + 1], userpwd[256];
    make_user(user, userpwd, sizeof userpwd);
    grant(user, "allow", "read", "groups");
    struct http_reply r = call("GET", "/v2/groups", userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
}

/* ---- /v2/groups/{uuid}/policies ------------------------------------------ */

static int is_policy(json_object *o, const char *uuid, const char *group, int priority,
                     const char *effect, const char *action, const char *resource)
{
    json_object *prio;
    return json_object_is_type(o, json_type_object) && json_object_object_length(o) == 6 &&
           jstr_is(o, "uuid", uuid) && jstr_is(o, "group_uuid", group) &&
           json_object_object_get_ex(o, "priority", &prio) &&
           json_object_is_type(prio, json_type_int) && json_object_get_int(prio) == priority &&
           jstr_is(o, "effect", effect) && jstr_is(o, "action", action) &&
           jstr_is(o, "resource", resource);
}

static void test_groups_policies_lists_by_priority(void)
{
    char u[UUID_STRLEN + 1], name[64], gid[UUID_STRLEN + 1], path[128];
    char p20[UUID_STRLEN + 1], p10[UUID_STRLEN + 1], p30[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "grp-pol-%s", u);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s/policies", gid);
    expect_list(path, itest_admin(), "");

    CU_ASSERT_EQUAL(api_policy(gid, 20, "allow", "read", "things/%", p20), 201);
    CU_ASSERT_EQUAL(api_policy(gid, -10, "deny", "delete", "things/x", p10), 201);
    CU_ASSERT_EQUAL(api_policy(gid, 30, "allow", "update", "a\\\\_b", p30), 201);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE_FATAL(json_object_is_type(r.json, json_type_array));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.json), 3);
    CU_ASSERT_TRUE(is_policy(json_object_array_get_idx(r.json, 0), p10, gid, -10, "deny", "delete",
                             "things/x"));
    CU_ASSERT_TRUE(is_policy(json_object_array_get_idx(r.json, 1), p20, gid, 20, "allow", "read",
                             "things/%"));
    CU_ASSERT_TRUE(is_policy(json_object_array_get_idx(r.json, 2), p30, gid, 30, "allow", "update",
                             "a\\_b"));
    itest_reply_free(&r);
}

static void test_groups_policies_missing_group_is_404(void)
{
    expect_status("GET", "/v2/groups/" NO_SUCH_UUID "/policies", itest_admin(), NULL, 404);
}

/* ---- authentication and authorization ------------------------------------ */

static void test_groups_without_credentials_is_401(void)
{
    expect_status("GET", "/v2/groups", NULL, NULL, 401);
    expect_status("POST", "/v2/groups", NULL, "{\"name\":\"abcd\"}", 401);
    expect_status("GET", "/v2/groups/" THINGS_GROUP, NULL, NULL, 401);
    expect_status("PUT", "/v2/groups/" THINGS_GROUP, NULL, "{\"name\":\"abcd\"}", 401);
    expect_status("DELETE", "/v2/groups/" THINGS_GROUP, NULL, NULL, 401);
    expect_status("GET", "/v2/groups/" THINGS_GROUP "/policies", NULL, NULL, 401);
    expect_status("GET", "/v2/groups/not-a-uuid", NULL, NULL, 401);
}

static void test_groups_user_without_policies_is_403(void)
{
    char user[UUID_STRLEN + 1], userpwd[256];
    make_user(user, userpwd, sizeof userpwd);
    expect_status("GET", "/v2/groups", userpwd, NULL, 403);
    expect_status("POST", "/v2/groups", userpwd, "{\"name\":\"never-made\"}", 403);
    expect_status("GET", "/v2/groups/" THINGS_GROUP, userpwd, NULL, 403);
    expect_status("PUT", "/v2/groups/" THINGS_GROUP, userpwd, "{\"name\":\"stolen\"}", 403);
    expect_status("DELETE", "/v2/groups/" THINGS_GROUP, userpwd, NULL, 403);
    expect_status("GET", "/v2/groups/" THINGS_GROUP "/policies", userpwd, NULL, 403);
    struct http_reply r = call("GET", "/v2/groups/" THINGS_GROUP, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_group(r.json, THINGS_GROUP, "things"));
    itest_reply_free(&r);
}

static void test_groups_read_policy_does_not_grant_update_or_delete(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[64], gid[UUID_STRLEN + 1], path[128];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "grp-ro-%s", user);
    api_group(name, gid);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    grant(user, "allow", "read", path + 4);
    expect_status("GET", path, userpwd, NULL, 200);
    expect_status("PUT", path, userpwd, "{\"name\":\"renamed\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    grant(user, "allow", "create", "groups");
    char body[128];
    snprintf(body, sizeof body, "{\"name\":\"grp-byuser-%s\"}", user);
    expect_status("POST", "/v2/groups", userpwd, body, 201);
}

static void test_groups_policy_made_through_api_takes_effect_at_once(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[64], gid[UUID_STRLEN + 1];
    char other[UUID_STRLEN + 1], path[128], opath[128];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "te-%s", user);
    api_group(name, gid);
    snprintf(name, sizeof name, "te-other-%s", user);
    api_group(name, other);
    snprintf(path, sizeof path, "/v2/groups/%s", gid);
    snprintf(opath, sizeof opath, "/v2/groups/%s", other);
    expect_status("GET", path, userpwd, NULL, 403);

    CU_ASSERT_EQUAL(api_policy(gid, 0, "allow", "read", path + 4, NULL), 201);
    const char *p[] = { user, gid };
    sql("INSERT INTO user_groups(user_uuid, group_uuid) VALUES ($1, $2)", 2, p);

    struct http_reply r = call("GET", path, userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    snprintf(name, sizeof name, "te-%s", user);
    CU_ASSERT_TRUE(is_group(r.json, gid, name));
    itest_reply_free(&r);
    expect_status("GET", opath, userpwd, NULL, 403);
    expect_status("GET", "/v2/groups", userpwd, NULL, 403);
    expect_status("PUT", path, userpwd, "{\"name\":\"renamed\"}", 403);

    /* deny beats allow: a deny on every group, in the same group */
    CU_ASSERT_EQUAL(api_policy(gid, 100, "deny", "read", "groups/%", NULL), 201);
    expect_status("GET", path, userpwd, NULL, 403);
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
    CU_pSuite s = CU_add_suite("api_groups", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(groups_create_is_201_with_group);
    T(groups_get_returns_group);
    T(groups_get_seeded_group);
    T(groups_get_upper_case_uuid_finds_group);
    T(groups_get_missing_is_404);
    T(groups_invalid_uuid_in_path_is_400);
    T(groups_update_renames_with_204);
    T(groups_update_missing_is_404);
    T(groups_delete_is_204_then_404);
    T(groups_delete_cascades_to_members_and_policies);
    T(groups_create_bad_bodies_are_400);
    T(groups_name_length_counts_characters);
    T(groups_update_bad_bodies_are_400);
    T(groups_duplicate_name_is_400);
    T(groups_list_as_admin_is_array_of_groups);
    T(groups_list_shows_readable_groups_by_name_and_pages);
    T(groups_list_default_limit_is_20);
    T(groups_list_bad_paging_is_400);
    T(groups_list_empty_is_empty_array);
    T(groups_policies_lists_by_priority);
    T(groups_policies_missing_group_is_404);
    T(groups_without_credentials_is_401);
    T(groups_user_without_policies_is_403);
    T(groups_read_policy_does_not_grant_update_or_delete);
    T(groups_policy_made_through_api_takes_effect_at_once);
#undef T
}
