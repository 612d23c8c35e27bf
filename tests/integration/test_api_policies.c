/* test_api_policies.c — /v2/policies* through nginx and a selfserv pool:
 * every operation's reply and errors, partial updates, the list's group
 * filter, order, paging and read filter, the "grant only what you may do"
 * rule, and policy changes taking effect on the very next request.
 * Each test makes its own users, groups and policies (names carry a random
 * uuid), so it runs in parallel with others against a non-empty database. */
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

#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"

/* ---- helpers ------------------------------------------------------------ */

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

/* Exactly the Policy schema, priority a JSON integer. */
static int is_policy(json_object *o, const char *uuid, const char *group, int priority,
                     const char *effect, const char *action, const char *resource)
{
    json_object *prio;
    return json_object_is_type(o, json_type_object) && json_object_object_length(o) == 6 &&
           jstr(o, "uuid") && uuid_valid(jstr(o, "uuid")) == OK &&
           (!uuid || jstr_is(o, "uuid", uuid)) && jstr_is(o, "group_uuid", group) &&
           json_object_object_get_ex(o, "priority", &prio) &&
           json_object_is_type(prio, json_type_int) && json_object_get_int(prio) == priority &&
           jstr_is(o, "effect", effect) && jstr_is(o, "action", action) &&
           jstr_is(o, "resource", resource);
}

static void expect_policy(const char *uuid, const char *group, int priority, const char *effect,
                          const char *action, const char *resource)
{
    char path[128];
    snprintf(path, sizeof path, "/v2/policies/%s", uuid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_policy(r.json, uuid, group, priority, effect, action, resource));
    if (!is_policy(r.json, uuid, group, priority, effect, action, resource))
        fprintf(stderr, "\nGET %s -> %s\n", path, r.body);
    itest_reply_free(&r);
}

/* A fresh group made through the API, named <prefix>-<random uuid>. */
static void fresh_group(const char *prefix, char gid[UUID_STRLEN + 1])
{
    char u[UUID_STRLEN + 1], name[96];
    new_uuid(u);
    snprintf(name, sizeof name, "%s-%s", prefix, u);
    api_group(name, gid);
}

/* printf-like "%s" (value) and "%%" substitution for test tables, without
 * a non-literal format string. */
static void fill(char *out, size_t n, const char *tmpl, const char *value)
{
    size_t o = 0;
    for (const char *t = tmpl; *t && o + 1 < n; t++) {
        if (t[0] == '%' && t[1] == 's') {
            o += (size_t)snprintf(out + o, n - o, "%s", value);
            if (o >= n)
                o = n - 1;
            t++;
        } else if (t[0] == '%' && t[1] == '%') {
            out[o++] = '%';
            t++;
        } else {
            out[o++] = *t;
        }
    }
    out[o] = '\0';
}

/* ---- create / get --------------------------------------------------------- */

static void test_policies_create_is_201_with_policy(void)
{
    char gid[UUID_STRLEN + 1], res[96], body[512];
    fresh_group("pol-new", gid);
    snprintf(res, sizeof res, "things/%s/%%", gid);
    snprintf(body, sizeof body,
             "{\"group_uuid\":\"%s\",\"priority\":10,\"effect\":\"allow\",\"action\":\"read\","
             "\"resource\":\"%s\"}", gid, res);
    struct http_reply r = call("POST", "/v2/policies", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    CU_ASSERT_TRUE(is_policy(r.json, NULL, gid, 10, "allow", "read", res));
    const char *uuid = jstr(r.json, "uuid");
    if (uuid) {
        const char *p[] = { uuid, gid, res };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE uuid = $1 AND "
                                 "group_uuid = $2 AND priority = 10 AND effect = 'allow' AND "
                                 "action = 'read' AND resource = $3", 3, p), 1);
        expect_policy(uuid, gid, 10, "allow", "read", res);
    }
    itest_reply_free(&r);
}

static void test_policies_create_every_effect_and_action(void)
{
    static const char *const effects[] = { "allow", "deny" };
    static const char *const actions[] = { "create", "read", "update", "delete" };
    char gid[UUID_STRLEN + 1], uuid[UUID_STRLEN + 1];
    fresh_group("pol-enum", gid);
    for (int e = 0; e < 2; e++)
        for (int a = 0; a < 4; a++) {
            CU_ASSERT_EQUAL(api_policy(gid, -2147483647 - 1 + e, effects[e], actions[a], "x/%",
                                       uuid), 201);
            expect_policy(uuid, gid, -2147483647 - 1 + e, effects[e], actions[a], "x/%");
        }
    CU_ASSERT_EQUAL(api_policy(gid, 2147483647, "allow", "read", "x/%", uuid), 201);
    expect_policy(uuid, gid, 2147483647, "allow", "read", "x/%");
}

static void test_policies_get_missing_is_404(void)
{
    expect_status("GET", "/v2/policies/" NO_SUCH_UUID, itest_admin(), NULL, 404);
}

static void test_policies_invalid_uuid_in_path_is_400(void)
{
    expect_status("GET", "/v2/policies/nope", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/policies/nope", itest_admin(), "{\"priority\":1}", 400);
    expect_status("DELETE", "/v2/policies/" NO_SUCH_UUID "0", itest_admin(), NULL, 400);
}

static void test_policies_create_bad_bodies_are_400(void)
{
    char gid[UUID_STRLEN + 1];
    fresh_group("pol-bad", gid);
    /* %s: the group uuid; each line breaks one rule */
    static const char *const tmpl[] = {
        "{\"group_uuid\":\"%s\",",                                                     /* malformed */
        "[\"%s\"]",                                                                    /* not an object */
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"read\"}", /* no resource */
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"resource\":\"a\"}",  /* no action */
        "{\"group_uuid\":\"%s\",\"priority\":1,\"action\":\"read\",\"resource\":\"a\"}",   /* no effect */
        "{\"group_uuid\":\"%s\",\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}", /* no priority */
        "{\"priority\":1,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\",\"x\":\"%s\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\",\"x\":1}",
        "{\"group_uuid\":\"%s\",\"priority\":\"1\",\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1.5,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":2147483648,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":-2147483649,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":null,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"permit\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"Allow\",\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":true,\"action\":\"read\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"write\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"\",\"resource\":\"a\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"\"}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"read\",\"resource\":7}",
        "{\"group_uuid\":\"%s\",\"priority\":1,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\\\\\"}",
        "{\"group_uuid\":\"%s-x\",\"priority\":1,\"effect\":\"allow\",\"action\":\"read\",\"resource\":\"a\"}",
    };
    char body[512];
    for (size_t i = 0; i < sizeof tmpl / sizeof *tmpl; i++) {
        fill(body, sizeof body, tmpl[i], gid);
        expect_status("POST", "/v2/policies", itest_admin(), body, 400);
    }
    expect_status("POST", "/v2/policies", itest_admin(), "", 400);
    expect_status("POST", "/v2/policies", itest_admin(), "{}", 400);
    const char *p[] = { gid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE group_uuid = $1", 1, p), 0);
    /* an escaped trailing backslash is a usable pattern */
    CU_ASSERT_EQUAL(api_policy(gid, 0, "allow", "read", "a\\\\\\\\", NULL), 201);
}

static void test_policies_create_unknown_group_is_400(void)
{
    expect_status("POST", "/v2/policies", itest_admin(),
                  "{\"group_uuid\":\"" NO_SUCH_UUID "\",\"priority\":1,\"effect\":\"allow\","
                  "\"action\":\"read\",\"resource\":\"a\"}", 400);
}

static void test_policies_create_duplicate_is_400(void)
{
    char gid[UUID_STRLEN + 1];
    fresh_group("pol-dup", gid);
    CU_ASSERT_EQUAL(api_policy(gid, 1, "allow", "read", "dup/%", NULL), 201);
    CU_ASSERT_EQUAL(api_policy(gid, 1, "allow", "read", "dup/%", NULL), 400);
    /* any difference makes it another policy */
    CU_ASSERT_EQUAL(api_policy(gid, 2, "allow", "read", "dup/%", NULL), 201);
    CU_ASSERT_EQUAL(api_policy(gid, 1, "deny", "read", "dup/%", NULL), 201);
}

/* ---- update ------------------------------------------------------------- */

static void put_policy(const char *uuid, const char *body, const char *userpwd, long status)
{
    char path[128];
    snprintf(path, sizeof path, "/v2/policies/%s", uuid);
    expect_status("PUT", path, userpwd, body, status);
}

static void test_policies_update_changes_only_given_fields(void)
{
    char g1[UUID_STRLEN + 1], g2[UUID_STRLEN + 1], p[UUID_STRLEN + 1], body[128];
    fresh_group("pol-upd1", g1);
    fresh_group("pol-upd2", g2);
    CU_ASSERT_EQUAL_FATAL(api_policy(g1, 10, "allow", "read", "r/1", p), 201);

    put_policy(p, "{\"priority\":5}", itest_admin(), 204);
    expect_policy(p, g1, 5, "allow", "read", "r/1");
    put_policy(p, "{\"effect\":\"deny\"}", itest_admin(), 204);
    expect_policy(p, g1, 5, "deny", "read", "r/1");
    put_policy(p, "{\"action\":\"delete\",\"resource\":\"r/2\"}", itest_admin(), 204);
    expect_policy(p, g1, 5, "deny", "delete", "r/2");
    snprintf(body, sizeof body, "{\"group_uuid\":\"%s\"}", g2);
    put_policy(p, body, itest_admin(), 204);
    expect_policy(p, g2, 5, "deny", "delete", "r/2");
    put_policy(p, "{}", itest_admin(), 204);
    expect_policy(p, g2, 5, "deny", "delete", "r/2");
    /* null leaves a field as it is */
    put_policy(p, "{\"priority\":null,\"effect\":null,\"action\":null,\"resource\":null,"
                  "\"group_uuid\":null}", itest_admin(), 204);
    expect_policy(p, g2, 5, "deny", "delete", "r/2");
    snprintf(body, sizeof body,
             "{\"group_uuid\":\"%s\",\"priority\":-3,\"effect\":\"allow\",\"action\":\"create\","
             "\"resource\":\"r/3\"}", g1);
    put_policy(p, body, itest_admin(), 204);
    expect_policy(p, g1, -3, "allow", "create", "r/3");
}

static void test_policies_update_missing_is_404(void)
{
    put_policy(NO_SUCH_UUID, "{\"priority\":1}", itest_admin(), 404);
    put_policy(NO_SUCH_UUID, "{}", itest_admin(), 404);
}

static void test_policies_update_bad_bodies_are_400(void)
{
    char g[UUID_STRLEN + 1], p[UUID_STRLEN + 1];
    fresh_group("pol-updbad", g);
    CU_ASSERT_EQUAL_FATAL(api_policy(g, 1, "allow", "read", "r/x", p), 201);
    static const char *const bodies[] = {
        "{\"priority\":", "[]", "null", "{\"prio\":1}", "{\"priority\":\"1\"}",
        "{\"priority\":1.25}", "{\"priority\":4294967296}", "{\"effect\":\"maybe\"}",
        "{\"effect\":1}", "{\"action\":\"execute\"}", "{\"action\":\"READ\"}",
        "{\"resource\":\"\"}", "{\"resource\":\"r/\\\\\"}", "{\"resource\":[\"a\"]}",
        "{\"group_uuid\":\"not-a-uuid\"}", "{\"group_uuid\":7}",
        "{\"group_uuid\":\"" NO_SUCH_UUID "\"}",
        "{\"priority\":2,\"effect\":\"nope\"}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        put_policy(p, bodies[i], itest_admin(), 400);
    expect_policy(p, g, 1, "allow", "read", "r/x"); /* nothing changed, not even priority */
}

static void test_policies_update_into_duplicate_is_400(void)
{
    char g[UUID_STRLEN + 1], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];
    fresh_group("pol-upddup", g);
    CU_ASSERT_EQUAL_FATAL(api_policy(g, 1, "allow", "read", "d/1", a), 201);
    CU_ASSERT_EQUAL_FATAL(api_policy(g, 2, "allow", "read", "d/1", b), 201);
    put_policy(b, "{\"priority\":1}", itest_admin(), 400);
    expect_policy(b, g, 2, "allow", "read", "d/1");
}

/* ---- delete ------------------------------------------------------------- */

static void test_policies_delete_is_204_then_404(void)
{
    char g[UUID_STRLEN + 1], p[UUID_STRLEN + 1], path[128];
    fresh_group("pol-del", g);
    CU_ASSERT_EQUAL_FATAL(api_policy(g, 1, "allow", "read", "del/1", p), 201);
    snprintf(path, sizeof path, "/v2/policies/%s", p);
    struct http_reply r = call("DELETE", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    expect_status("GET", path, itest_admin(), NULL, 404);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    put_policy(p, "{\"priority\":1}", itest_admin(), 404);
    /* the group is untouched */
    snprintf(path, sizeof path, "/v2/groups/%s", g);
    expect_status("GET", path, itest_admin(), NULL, 200);
}

/* ---- list --------------------------------------------------------------- */

static void test_policies_list_filters_by_group_and_orders(void)
{
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], empty[UUID_STRLEN + 1];
    char p1[UUID_STRLEN + 1], p2[UUID_STRLEN + 1], p3[UUID_STRLEN + 1], p4[UUID_STRLEN + 1],
        p5[UUID_STRLEN + 1], pb[UUID_STRLEN + 1];
    char ra[96], rb[96], rc[96], path[256], want[512];
    fresh_group("pol-lst-a", a);
    fresh_group("pol-lst-b", b);
    fresh_group("pol-lst-e", empty);
    snprintf(ra, sizeof ra, "ord/%s/a", a);
    snprintf(rb, sizeof rb, "ord/%s/b", a);
    snprintf(rc, sizeof rc, "ord/%s/c", a);
    /* order: resource desc, effect asc (allow < deny), action desc
     * (delete > update > read > create), priority asc */
    CU_ASSERT_EQUAL(api_policy(a, 0, "allow", "read", rb, p1), 201);
    CU_ASSERT_EQUAL(api_policy(a, 0, "deny", "read", ra, p2), 201);
    CU_ASSERT_EQUAL(api_policy(a, 5, "allow", "create", ra, p3), 201);
    CU_ASSERT_EQUAL(api_policy(a, 5, "allow", "update", ra, p4), 201);
    CU_ASSERT_EQUAL(api_policy(a, 1, "allow", "update", ra, p5), 201);
    CU_ASSERT_EQUAL(api_policy(b, 9, "deny", "delete", rc, pb), 201);

    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s", a);
    snprintf(want, sizeof want, "%s,%s,%s,%s,%s", p1, p5, p4, p3, p2);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s&limit=2&offset=2", a);
    snprintf(want, sizeof want, "%s,%s", p4, p3);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/policies?offset=4&group_uuids=%s", a);
    expect_list(path, itest_admin(), p2);
    snprintf(path, sizeof path, "/v2/policies?offset=5&group_uuids=%s", a);
    expect_list(path, itest_admin(), "");

    snprintf(want, sizeof want, "%s,%s,%s,%s,%s,%s", pb, p1, p5, p4, p3, p2);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s,%s", a, b);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s&group_uuids=%s", b, a);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s%%2C%s&group_uuids=%s", b, empty, a);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s", empty);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/policies?group_uuids=" NO_SUCH_UUID);
    expect_list(path, itest_admin(), "");

    /* exact objects in the list */
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s", b);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) == 1 &&
                   is_policy(json_object_array_get_idx(r.json, 0), pb, b, 9, "deny", "delete", rc));
    itest_reply_free(&r);

    /* upper-case uuids filter the same */
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s", b);
    for (char *c = strchr(path, '=') + 1; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    expect_list(path, itest_admin(), pb);
}

static void test_policies_list_default_limit_is_20(void)
{
    char g[UUID_STRLEN + 1], path[128];
    fresh_group("pol-many", g);
    const char *p[] = { g };
    sql("INSERT INTO group_policies(group_uuid, priority, effect, action, resource) "
        "SELECT $1::uuid, i, 'allow', 'read', 'many' FROM generate_series(1, 21) i", 1, p);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s", g);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 20);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s&limit=100", g);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 21);
    /* same resource, effect and action: by priority */
    for (int i = 0; i < 21 && (size_t)i < json_object_array_length(r.json); i++) {
        json_object *prio;
        CU_ASSERT_TRUE(json_object_object_get_ex(json_object_array_get_idx(r.json, (size_t)i),
                                                 "priority", &prio) &&
                       json_object_get_int(prio) == i + 1);
    }
    itest_reply_free(&r);
}

static void test_policies_list_without_filter_as_admin(void)
{
    struct http_reply r = call("GET", "/v2/policies?limit=100", itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE_FATAL(json_object_is_type(r.json, json_type_array));
    size_t n = json_object_array_length(r.json);
    CU_ASSERT_TRUE(n >= 25 && n <= 100); /* the seeded policies alone are 25 */
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(json_object_object_length(json_object_array_get_idx(r.json, i)), 6);
    itest_reply_free(&r);
}

static void test_policies_list_bad_query_is_400(void)
{
    char g[UUID_STRLEN + 1], path[256];
    new_uuid(g);
    static const char *const q[] = {
        "group_uuids=xyz", "group_uuids=%s,xyz", "group_uuids=%s&group_uuids=1",
        "group_uuids=", "group_uuids=,", "group_uuids=%s%%00", "limit=0", "limit=101",
        "offset=-1", "limit=1e1",
    };
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        char qs[128];
        fill(qs, sizeof qs, q[i], g);
        snprintf(path, sizeof path, "/v2/policies?%s", qs);
        expect_status("GET", path, itest_admin(), NULL, 400);
    }
}

static void test_policies_list_shows_only_readable_policies(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], g[UUID_STRLEN + 1];
    char p1[UUID_STRLEN + 1], p2[UUID_STRLEN + 1], p3[UUID_STRLEN + 1], res[96], want[256];
    make_user(user, userpwd, sizeof userpwd);
    fresh_group("pol-vis", g);
    CU_ASSERT_EQUAL(api_policy(g, 0, "allow", "read", "vis/b", p1), 201);
    CU_ASSERT_EQUAL(api_policy(g, 0, "allow", "read", "vis/a", p2), 201);
    CU_ASSERT_EQUAL(api_policy(g, 0, "allow", "read", "vis/c", p3), 201);
    grant(user, "allow", "read", "policies");
    snprintf(res, sizeof res, "policies/%s", p1);
    grant(user, "allow", "read", res);
    snprintf(res, sizeof res, "policies/%s", p2);
    grant(user, "allow", "read", res);
    snprintf(want, sizeof want, "%s,%s", p1, p2);
    expect_list("/v2/policies", userpwd, want);
    char path[128];
    snprintf(path, sizeof path, "/v2/policies?group_uuids=%s", g);
    expect_list(path, userpwd, want);
    /* deny wins */
    snprintf(res, sizeof res, "policies/%s", p1);
    grant(user, "deny", "read", res);
    expect_list("/v2/policies", userpwd, p2);
    snprintf(path, sizeof path, "/v2/policies/%s", p1);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/policies/%s", p2);
    expect_status("GET", path, userpwd, NULL, 200);
}

/* ---- authentication and authorization ------------------------------------ */

static void test_policies_without_credentials_is_401(void)
{
    expect_status("GET", "/v2/policies", NULL, NULL, 401);
    expect_status("POST", "/v2/policies", NULL, "{}", 401);
    expect_status("GET", "/v2/policies/" NO_SUCH_UUID, NULL, NULL, 401);
    expect_status("PUT", "/v2/policies/" NO_SUCH_UUID, NULL, "{}", 401);
    expect_status("DELETE", "/v2/policies/" NO_SUCH_UUID, NULL, NULL, 401);
    expect_status("GET", "/v2/policies?limit=0", NULL, NULL, 401);
}

static void test_policies_user_without_policies_is_403(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], g[UUID_STRLEN + 1], p[UUID_STRLEN + 1];
    char path[128], body[256];
    make_user(user, userpwd, sizeof userpwd);
    fresh_group("pol-403", g);
    CU_ASSERT_EQUAL(api_policy(g, 0, "allow", "read", "x", p), 201);
    snprintf(path, sizeof path, "/v2/policies/%s", p);
    snprintf(body, sizeof body,
             "{\"group_uuid\":\"%s\",\"priority\":0,\"effect\":\"allow\",\"action\":\"read\","
             "\"resource\":\"y\"}", g);
    expect_status("GET", "/v2/policies", userpwd, NULL, 403);
    expect_status("POST", "/v2/policies", userpwd, body, 403);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("PUT", path, userpwd, "{\"priority\":1}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    expect_policy(p, g, 0, "allow", "read", "x");
}

static void test_policies_create_grants_only_what_caller_may_do(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], g[UUID_STRLEN + 1], body[512];
    make_user(user, userpwd, sizeof userpwd);
    fresh_group("pol-grant", g);
    grant(user, "allow", "create", "policies");
    grant(user, "allow", "read", "things/%");
    grant(user, "deny", "read", "things/secret%");
    static const struct { const char *action, *resource; long status; } cases[] = {
        { "read", "things/abc", 201 },
        { "read", "things/%", 201 },      /* the pattern, read as text, matches */
        { "read", "%", 403 },
        { "read", "things", 403 },
        { "delete", "things/abc", 403 },
        { "read", "timeseries/abc", 403 },
        { "read", "things/secret1", 403 }, /* denied to the caller */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(body, sizeof body,
                 "{\"group_uuid\":\"%s\",\"priority\":0,\"effect\":\"allow\",\"action\":\"%s\","
                 "\"resource\":\"%s\"}", g, cases[i].action, cases[i].resource);
        expect_status("POST", "/v2/policies", userpwd, body, cases[i].status);
    }
    /* granting a deny needs the same rights */
    snprintf(body, sizeof body,
             "{\"group_uuid\":\"%s\",\"priority\":0,\"effect\":\"deny\",\"action\":\"read\","
             "\"resource\":\"%%\"}", g);
    expect_status("POST", "/v2/policies", userpwd, body, 403);
    /* a bad body is a 400 before any permission check */
    expect_status("POST", "/v2/policies", userpwd, "{\"group_uuid\":1}", 400);
}

static void test_policies_update_cannot_widen_beyond_caller(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], g[UUID_STRLEN + 1], g2[UUID_STRLEN + 1];
    char p[UUID_STRLEN + 1], body[128];
    make_user(user, userpwd, sizeof userpwd);
    fresh_group("pol-widen", g);
    fresh_group("pol-widen2", g2);
    CU_ASSERT_EQUAL_FATAL(api_policy(g, 0, "allow", "read", "things/a", p), 201);
    grant(user, "allow", "update", "policies/%");
    grant(user, "allow", "read", "things/%");

    put_policy(p, "{\"resource\":\"%\"}", userpwd, 403);
    put_policy(p, "{\"action\":\"delete\"}", userpwd, 403);
    put_policy(p, "{\"action\":\"delete\",\"resource\":\"things/%\"}", userpwd, 403);
    expect_policy(p, g, 0, "allow", "read", "things/a");
    put_policy(p, "{\"resource\":\"things/b\"}", userpwd, 204);
    put_policy(p, "{\"priority\":7,\"effect\":\"deny\"}", userpwd, 204);
    snprintf(body, sizeof body, "{\"group_uuid\":\"%s\"}", g2);
    put_policy(p, body, userpwd, 204);
    expect_policy(p, g2, 7, "deny", "read", "things/b");

    /* a policy beyond the caller: only its priority may change */
    put_policy(p, "{\"resource\":\"%\",\"action\":\"update\"}", itest_admin(), 204);
    put_policy(p, "{\"priority\":8}", userpwd, 204);
    put_policy(p, "{\"effect\":\"allow\"}", userpwd, 403);
    snprintf(body, sizeof body, "{\"group_uuid\":\"%s\"}", g);
    put_policy(p, body, userpwd, 403);
    put_policy(p, "{\"resource\":\"things/c\"}", userpwd, 403); /* still 'update' */
    expect_policy(p, g2, 8, "deny", "update", "%");
}

static void test_policies_changes_take_effect_on_next_request(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], g[UUID_STRLEN + 1], other[UUID_STRLEN + 1];
    char p[UUID_STRLEN + 1], res[96], gpath[128], opath[128], body[160];
    make_user(user, userpwd, sizeof userpwd);
    fresh_group("pol-eff", g);
    fresh_group("pol-eff-o", other);
    snprintf(gpath, sizeof gpath, "/v2/groups/%s", g);
    snprintf(opath, sizeof opath, "/v2/groups/%s", other);
    snprintf(res, sizeof res, "groups/%s", g);
    CU_ASSERT_EQUAL_FATAL(api_policy(g, 0, "allow", "read", res, p), 201);
    expect_status("GET", gpath, userpwd, NULL, 403); /* not a member yet */
    const char *m[] = { user, g };
    sql("INSERT INTO user_groups(user_uuid, group_uuid) VALUES ($1, $2)", 2, m);
    expect_status("GET", gpath, userpwd, NULL, 200);
    expect_status("GET", opath, userpwd, NULL, 403);

    put_policy(p, "{\"effect\":\"deny\"}", itest_admin(), 204);
    expect_status("GET", gpath, userpwd, NULL, 403);
    put_policy(p, "{\"effect\":\"allow\"}", itest_admin(), 204);
    expect_status("GET", gpath, userpwd, NULL, 200);
    snprintf(body, sizeof body, "{\"resource\":\"groups/%s\"}", other);
    put_policy(p, body, itest_admin(), 204);
    expect_status("GET", gpath, userpwd, NULL, 403);
    expect_status("GET", opath, userpwd, NULL, 200);
    put_policy(p, "{\"action\":\"update\"}", itest_admin(), 204);
    expect_status("GET", opath, userpwd, NULL, 403);
    put_policy(p, "{\"action\":\"read\"}", itest_admin(), 204);
    expect_status("GET", opath, userpwd, NULL, 200);

    /* deny beats allow, whatever the priorities */
    CU_ASSERT_EQUAL(api_policy(g, 1000, "allow", "read", "groups/%", NULL), 201);
    expect_status("GET", gpath, userpwd, NULL, 200);
    char deny[UUID_STRLEN + 1];
    CU_ASSERT_EQUAL(api_policy(g, -1000, "deny", "read", res, deny), 201);
    expect_status("GET", gpath, userpwd, NULL, 403);
    expect_status("GET", opath, userpwd, NULL, 200);
    char dpath[128];
    snprintf(dpath, sizeof dpath, "/v2/policies/%s", deny);
    expect_status("DELETE", dpath, itest_admin(), NULL, 204);
    expect_status("GET", gpath, userpwd, NULL, 200);

    char ppath[128];
    snprintf(ppath, sizeof ppath, "/v2/policies/%s", p);
    expect_status("DELETE", ppath, itest_admin(), NULL, 204);
    expect_status("GET", opath, userpwd, NULL, 200); /* still the groups/% allow */
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
    CU_pSuite s = CU_add_suite("api_policies", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(policies_create_is_201_with_policy);
    T(policies_create_every_effect_and_action);
    T(policies_get_missing_is_404);
    T(policies_invalid_uuid_in_path_is_400);
    T(policies_create_bad_bodies_are_400);
    T(policies_create_unknown_group_is_400);
    T(policies_create_duplicate_is_400);
    T(policies_update_changes_only_given_fields);
    T(policies_update_missing_is_404);
    T(policies_update_bad_bodies_are_400);
    T(policies_update_into_duplicate_is_400);
    T(policies_delete_is_204_then_404);
    T(policies_list_filters_by_group_and_orders);
    T(policies_list_default_limit_is_20);
    T(policies_list_without_filter_as_admin);
    T(policies_list_bad_query_is_400);
    T(policies_list_shows_only_readable_policies);
    T(policies_without_credentials_is_401);
    T(policies_user_without_policies_is_403);
    T(policies_create_grants_only_what_caller_may_do);
    T(policies_update_cannot_widen_beyond_caller);
    T(policies_changes_take_effect_on_next_request);
#undef T
}
