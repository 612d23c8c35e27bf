/* test_api_things.c — /v2/things* through nginx and a selfserv pool: every
 * operation's reply with exact field values, its errors, the tags filter
 * (any tag in common, as the reference's &&), paging, the read filter of
 * the list, the policies a creator gets, deletes that detach series and
 * datasets or meet thing_deps (409), and the two sub-lists. Datasets,
 * series and dependencies are inserted with libpq (their endpoints are not
 * part of this suite). Each test makes its own data (names and tags carry
 * a random uuid), so the suite runs against a non-empty database. */
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
#define SHA256_HELLO "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

/* ---- helpers ------------------------------------------------------------ */

static const char *const NO_TAGS[] = { NULL };

/* Exactly the Thing schema with these values (type NULL: null). */
static int is_thing(json_object *o, const char *uuid, const char *name, const char *type,
                    const char *state, const char *created_by, const char *const *tags)
{
    int ok = json_object_is_type(o, json_type_object) && json_object_object_length(o) == 6 &&
             jstr(o, "uuid") && uuid_valid(jstr(o, "uuid")) == OK &&
             (!uuid || jstr_is(o, "uuid", uuid)) && jstr_is(o, "name", name) &&
             (type ? jstr_is(o, "type", type) : jnull(o, "type")) && jstr_is(o, "state", state) &&
             jstr_is(o, "created_by", created_by) && jstrings_are(o, "tags", tags);
    if (!ok)
        fprintf(stderr, "\nnot the thing %s: %s\n", name,
                o ? json_object_to_json_string(o) : "(none)");
    return ok;
}

/* POST /v2/things with body as userpwd; uuid gets the new thing's uuid. */
static long post_thing(const char *userpwd, const char *body, char uuid[UUID_STRLEN + 1])
{
    struct http_reply r = call("POST", "/v2/things", userpwd, body);
    long status = r.status;
    const char *u = jstr(r.json, "uuid");
    if (uuid)
        snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    if (status != 201)
        fprintf(stderr, "\nPOST /v2/things %s -> %ld %s\n", body, status, r.body);
    itest_reply_free(&r);
    return status;
}

/* A thing made by the admin with a name and an optional tags JSON array. */
static void api_thing(const char *name, const char *tags_json, char uuid[UUID_STRLEN + 1])
{
    char body[512];
    snprintf(body, sizeof body, "{\"name\":\"%s\"%s%s}", name, tags_json ? ",\"tags\":" : "",
             tags_json ? tags_json : "");
    CU_ASSERT_EQUAL(post_thing(itest_admin(), body, uuid), 201);
}

/* ---- create ------------------------------------------------------------- */

static void test_things_create_is_201_with_thing(void)
{
    char u[UUID_STRLEN + 1], name[64], tag[64], body[256];
    new_uuid(u);
    snprintf(name, sizeof name, "thing-%s", u);
    snprintf(tag, sizeof tag, "office-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":\"building/office\",\"tags\":[\"%s\",\"b\"]}",
             name, tag);
    struct http_reply r = call("POST", "/v2/things", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    const char *const tags[] = { tag, "b", NULL };
    CU_ASSERT_TRUE(is_thing(r.json, NULL, name, "building/office", "inactive", ROOT_UUID, tags));
    const char *uuid = jstr(r.json, "uuid");
    if (uuid) {
        const char *p[] = { uuid, name, tag };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM things WHERE uuid = $1 AND name = $2 "
                                 "AND type = 'building/office' AND state = 'inactive' "
                                 "AND created_by = '" ROOT_UUID "' AND tags = ARRAY[$3, 'b']",
                                 3, p), 1);
    }
    itest_reply_free(&r);
}

static void test_things_create_minimal_has_null_type_and_no_tags(void)
{
    char u[UUID_STRLEN + 1], name[64], body[256];
    new_uuid(u);
    snprintf(name, sizeof name, "min-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    struct http_reply r = call("POST", "/v2/things", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_TRUE(is_thing(r.json, NULL, name, NULL, "inactive", ROOT_UUID, NO_TAGS));
    itest_reply_free(&r);
    /* null is "not given", as Go's pointer fields take it */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":null,\"tags\":null}", name);
    r = call("POST", "/v2/things", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_TRUE(is_thing(r.json, NULL, name, NULL, "inactive", ROOT_UUID, NO_TAGS));
    itest_reply_free(&r);
    /* names need not be unique */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"tags\":[]}", name);
    r = call("POST", "/v2/things", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_TRUE(is_thing(r.json, NULL, name, NULL, "inactive", ROOT_UUID, NO_TAGS));
    itest_reply_free(&r);
}

static void test_things_create_grants_creator_group_policies(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "pol-%s", u);
    api_thing(name, NULL, thing);
    const char *p[] = { thing };
    /* the root user's personal group is the root group */
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE group_uuid = '" ROOT_UUID
                             "' AND priority = 0 AND effect = 'allow' "
                             "AND resource = 'things/' || $1 || '/%' "
                             "AND action IN ('create', 'read', 'update', 'delete')",
                             1, p), 4);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies "
                             "WHERE resource LIKE 'things/' || $1 || '%'", 1, p), 4);
}

/* A user made through the API has a personal group (its own name): that
 * group gets the policies, which cover things/<uuid>/% but not the thing
 * itself, exactly as the reference grants them. */
static void test_things_create_by_user_grants_its_personal_group(void)
{
    char u[UUID_STRLEN + 1], uname[64], body[256], path[128], user[UUID_STRLEN + 1];
    char userpwd[256], thing[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(uname, sizeof uname, "thu-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", uname);
    struct http_reply r = call("POST", "/v2/users", itest_admin(), body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(user, sizeof user, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/users/%s/tokens", user);
    r = call("POST", path, itest_admin(), "{\"name\":\"things test\"}");
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(userpwd, sizeof userpwd, "%s:%s", itest_env("ITEST_DOMAIN"), jstr(r.json, "secret"));
    itest_reply_free(&r);

    expect_status("POST", "/v2/things", userpwd, "{\"name\":\"never made\"}", 403);
    grant(user, "allow", "create", "things");
    snprintf(body, sizeof body, "{\"name\":\"by-%s\",\"type\":\"sensor\"}", u);
    r = call("POST", "/v2/things", userpwd, body);
    CU_ASSERT_EQUAL(r.status, 201);
    snprintf(body, sizeof body, "by-%s", u);
    CU_ASSERT_TRUE(is_thing(r.json, NULL, body, "sensor", "inactive", user, NO_TAGS));
    snprintf(thing, sizeof thing, "%s", jstr(r.json, "uuid") ? jstr(r.json, "uuid") : NO_SUCH_UUID);
    itest_reply_free(&r);

    const char *p[] = { thing, uname };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies gp JOIN groups g "
                             "ON g.uuid = gp.group_uuid WHERE g.name = $2 AND gp.effect = 'allow' "
                             "AND gp.resource = 'things/' || $1 || '/%'", 2, p), 4);
    snprintf(path, sizeof path, "/v2/things/%s/datasets", thing);
    expect_status("GET", path, userpwd, NULL, 200);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
}

static void test_things_create_by_user_without_personal_group_grants_nothing(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], body[128], thing[UUID_STRLEN + 1];
    make_user(user, userpwd, sizeof userpwd);
    grant(user, "allow", "create", "things");
    snprintf(body, sizeof body, "{\"name\":\"lonely-%s\"}", user);
    CU_ASSERT_EQUAL(post_thing(userpwd, body, thing), 201);
    const char *p[] = { thing, user };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM things WHERE uuid = $1 AND created_by = $2",
                             2, p), 1);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies "
                             "WHERE resource LIKE 'things/' || $1 || '%'", 1, p), 0);
}

static void test_things_create_bad_bodies_are_400(void)
{
    static const char *const bodies[] = {
        "{\"name\":",                          /* malformed JSON */
        "not json",
        "",                                    /* empty body */
        "[]",                                  /* not an object */
        "null",
        "{}",                                  /* missing name */
        "{\"name\":null}",
        "{\"name\":42}",                       /* wrong type */
        "{\"name\":[\"abc\"]}",
        "{\"name\":\"ab\"}",                   /* shorter than 3 */
        "{\"name\":\"\"}",
        "{\"name\":\"\\u00e4\\u00f6\"}",       /* 2 characters in 4 bytes */
        "{\"name\":\"abcd\",\"x\":1}",         /* unknown field */
        "{\"name\":\"abcd\",\"state\":\"active\"}", /* not in NewThing */
        "{\"name\":\"abcd\",\"type\":\"ab\"}", /* type shorter than 3 */
        "{\"name\":\"abcd\",\"type\":1}",
        "{\"name\":\"abcd\",\"tags\":\"a\"}",  /* tags not an array */
        "{\"name\":\"abcd\",\"tags\":[1]}",    /* tags not strings */
        "{\"name\":\"abcd\",\"tags\":[\"a\",null]}",
        "{\"name\":\"abcd\",\"tags\":[[\"a\"]]}",
        "{\"name\":\"abcd\",\"tags\":{\"a\":\"b\"}}",
        "{\"name\":\"ab\\u0000cd\"}",          /* NUL cannot be stored */
        "{\"name\":\"abcd\",\"tags\":[\"a\\u0000\"]}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("POST", "/v2/things", itest_admin(), bodies[i], 400);
}

/* ---- get ---------------------------------------------------------------- */

static void test_things_get_returns_thing(void)
{
    char u[UUID_STRLEN + 1], name[64], body[256], thing[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "get-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":\"meter\",\"tags\":[\"x\",\"y\",\"x\"]}",
             name);
    CU_ASSERT_EQUAL(post_thing(itest_admin(), body, thing), 201);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    const char *const tags[] = { "x", "y", "x", NULL }; /* kept as given */
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, "meter", "inactive", ROOT_UUID, tags));
    itest_reply_free(&r);
    /* upper-case hex in the path finds it too */
    for (char *p = path; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, "meter", "inactive", ROOT_UUID, tags));
    itest_reply_free(&r);
}

static void test_things_get_missing_is_404(void)
{
    expect_status("GET", "/v2/things/" NO_SUCH_UUID, itest_admin(), NULL, 404);
}

static void test_things_invalid_uuid_in_path_is_400(void)
{
    expect_status("GET", "/v2/things/not-a-uuid", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/things/not-a-uuid", itest_admin(), "{\"name\":\"abcd\"}", 400);
    expect_status("DELETE", "/v2/things/1234", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/things/5a8d3e0c00004000800000000000dead/datasets", itest_admin(),
                  NULL, 400);
    expect_status("GET", "/v2/things/" NO_SUCH_UUID "0/timeseries", itest_admin(), NULL, 400);
}

/* Tags with every character that means something in an array literal
 * come back exactly, and each one filters. */
static void test_things_tags_keep_special_characters(void)
{
    char u[UUID_STRLEN + 1], name[64], body[1024], thing[UUID_STRLEN + 1], path[512];
    char t_quote[64], t_back[64], t_brace[64], t_comma[64], t_space[64], t_null[64];
    new_uuid(u);
    snprintf(name, sizeof name, "tags-%s", u);
    snprintf(t_quote, sizeof t_quote, "q\"uote-%s", u);
    snprintf(t_back, sizeof t_back, "back\\slash-%s", u);
    snprintf(t_brace, sizeof t_brace, "{brace}-%s", u);
    snprintf(t_comma, sizeof t_comma, "%.8s-x,%.8s-y", u, u);
    snprintf(t_space, sizeof t_space, " sp ace %s", u);
    snprintf(t_null, sizeof t_null, "NULL");
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"tags\":[\"q\\\"uote-%s\",\"back\\\\slash-%s\",\"{brace}-%s\","
             "\"%.8s-x,%.8s-y\",\" sp ace %s\",\"NULL\",\"\",\"\\u00e4\\u20ac\\ud83d\\ude00\"]}",
             name, u, u, u, u, u, u);
    CU_ASSERT_EQUAL_FATAL(post_thing(itest_admin(), body, thing), 201);
    const char *const tags[] = { t_quote, t_back, t_brace, t_comma, t_space, t_null, "",
                                 "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", NULL };
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, NULL, "inactive", ROOT_UUID, tags));
    itest_reply_free(&r);
    const char *p[] = { thing };
    CU_ASSERT_EQUAL(sql_long("SELECT cardinality(tags) FROM things WHERE uuid = $1", 1, p), 8);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM things WHERE uuid = $1 "
                             "AND 'NULL' = ANY(tags) AND '' = ANY(tags) "
                             "AND array_position(tags, NULL) IS NULL", 1, p), 1);

    snprintf(path, sizeof path, "/v2/things?tags=q%%22uote-%s", u);
    expect_list(path, itest_admin(), thing);
    snprintf(path, sizeof path, "/v2/things?tags=back%%5Cslash-%s", u);
    expect_list(path, itest_admin(), thing);
    snprintf(path, sizeof path, "/v2/things?tags=%%7Bbrace%%7D-%s", u);
    expect_list(path, itest_admin(), thing);
    snprintf(path, sizeof path, "/v2/things?tags=+sp+ace+%s", u);
    expect_list(path, itest_admin(), thing);
    /* a comma separates tags in the query: "<u>-x,<u>-y" is either of two */
    snprintf(path, sizeof path, "/v2/things?tags=%.8s-x%%2C%.8s-y", u, u);
    expect_list(path, itest_admin(), "");
}

/* ---- update --------------------------------------------------------------- */

static void test_things_update_changes_fields_with_204(void)
{
    char u[UUID_STRLEN + 1], name[64], body[512], thing[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "upd-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":\"old/type\",\"tags\":[\"old\"]}", name);
    CU_ASSERT_EQUAL_FATAL(post_thing(itest_admin(), body, thing), 201);
    snprintf(path, sizeof path, "/v2/things/%s", thing);

    snprintf(name, sizeof name, "upd-new-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"type\":\"new/type\",\"state\":\"active\",\"tags\":[\"n1\",\"n2\"]}",
             name);
    struct http_reply r = call("PUT", path, itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    const char *const tags[] = { "n1", "n2", NULL };
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, "new/type", "active", ROOT_UUID, tags));
    itest_reply_free(&r);

    /* fields left out or null keep their values; {} changes nothing */
    expect_status("PUT", path, itest_admin(), "{}", 204);
    expect_status("PUT", path, itest_admin(),
                  "{\"name\":null,\"type\":null,\"state\":null,\"tags\":null}", 204);
    expect_status("PUT", path, itest_admin(), "{\"state\":\"passive\"}", 204);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, "new/type", "passive", ROOT_UUID, tags));
    itest_reply_free(&r);

    /* tags [] empties them; UpdateThing puts no minLength on type */
    expect_status("PUT", path, itest_admin(), "{\"tags\":[],\"type\":\"ab\"}", 204);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, "ab", "passive", ROOT_UUID, NO_TAGS));
    itest_reply_free(&r);
}

static void test_things_update_every_state(void)
{
    static const char *const states[] = { "active", "inactive", "passive", "archived" };
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1], path[128], body[64];
    new_uuid(u);
    snprintf(name, sizeof name, "state-%s", u);
    api_thing(name, NULL, thing);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        snprintf(body, sizeof body, "{\"state\":\"%s\"}", states[i]);
        expect_status("PUT", path, itest_admin(), body, 204);
        struct http_reply r = call("GET", path, itest_admin(), NULL);
        CU_ASSERT_TRUE(is_thing(r.json, thing, name, NULL, states[i], ROOT_UUID, NO_TAGS));
        itest_reply_free(&r);
    }
}

static void test_things_update_bad_bodies_are_400(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "bad-upd-%s", u);
    api_thing(name, "[\"keep\"]", thing);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    static const char *const bodies[] = {
        "{\"name\":", "", "[]", "null", "\"name\"",
        "{\"name\":\"ab\"}",                 /* shorter than 3 */
        "{\"name\":1}",
        "{\"name\":\"abcd\",\"a\":1}",       /* unknown field */
        "{\"uuid\":\"" NO_SUCH_UUID "\"}",
        "{\"created_by\":\"" ROOT_UUID "\"}",
        "{\"state\":\"broken\"}",            /* outside the enum */
        "{\"state\":\"Active\"}",
        "{\"state\":\"\"}",
        "{\"state\":1}",
        "{\"type\":5}",
        "{\"tags\":\"a\"}",
        "{\"tags\":[1]}",
        "{\"tags\":[null]}",
        "{\"name\":\"abcd\",\"state\":\"nope\"}", /* nothing changes when one field is bad */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("PUT", path, itest_admin(), bodies[i], 400);
    const char *const tags[] = { "keep", NULL };
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, NULL, "inactive", ROOT_UUID, tags));
    itest_reply_free(&r);
}

static void test_things_update_missing_is_404(void)
{
    expect_status("PUT", "/v2/things/" NO_SUCH_UUID, itest_admin(), "{\"name\":\"nobody\"}", 404);
    expect_status("PUT", "/v2/things/" NO_SUCH_UUID, itest_admin(), "{}", 404);
}

/* ---- delete --------------------------------------------------------------- */

static void test_things_delete_is_204_then_404(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "del-%s", u);
    api_thing(name, NULL, thing);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    struct http_reply r = call("DELETE", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    expect_status("GET", path, itest_admin(), NULL, 404);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    expect_status("PUT", path, itest_admin(), "{\"name\":\"gone\"}", 404);
}

static void test_things_delete_detaches_timeseries_and_datasets(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1], path[128];
    char ts[UUID_STRLEN + 1], ds[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "detach-%s", u);
    api_thing(name, NULL, thing);
    new_uuid(ts);
    new_uuid(ds);
    const char *p[] = { thing, ts, ds };
    sql("WITH s AS (INSERT INTO timeseries(uuid, thing_uuid, name, si_unit) "
        "           VALUES ($2, $1, 'detach series', 'm')) "
        "INSERT INTO datasets(uuid, name, format, belongs_to) VALUES ($3, 'detach ds', 'ini', $1)",
        3, p);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM timeseries WHERE uuid = $2 "
                             "AND thing_uuid IS NULL AND $1::uuid IS NOT NULL", 2, p), 1);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $3 AND belongs_to IS NULL "
                             "AND $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL", 3, p), 1);
    sql("DELETE FROM timeseries WHERE uuid = $2 AND $1::uuid IS NOT NULL", 2, p);
    sql("DELETE FROM datasets WHERE uuid = $3 AND $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL",
        3, p);
}

static void test_things_delete_with_dependencies_is_409(void)
{
    char u[UUID_STRLEN + 1], name[64], parent[UUID_STRLEN + 1], child[UUID_STRLEN + 1];
    char ppath[128], cpath[128];
    new_uuid(u);
    snprintf(name, sizeof name, "parent-%s", u);
    api_thing(name, NULL, parent);
    snprintf(name, sizeof name, "child-%s", u);
    api_thing(name, NULL, child);
    const char *p[] = { parent, child };
    sql("INSERT INTO thing_deps(parent, child) VALUES ($1, $2)", 2, p);
    snprintf(ppath, sizeof ppath, "/v2/things/%s", parent);
    snprintf(cpath, sizeof cpath, "/v2/things/%s", child);
    expect_status("DELETE", ppath, itest_admin(), NULL, 409);
    expect_status("DELETE", cpath, itest_admin(), NULL, 409);
    expect_status("GET", ppath, itest_admin(), NULL, 200);
    expect_status("GET", cpath, itest_admin(), NULL, 200);
    sql("DELETE FROM thing_deps WHERE parent = $1 AND child = $2", 2, p);
    expect_status("DELETE", cpath, itest_admin(), NULL, 204);
    expect_status("DELETE", ppath, itest_admin(), NULL, 204);
}

/* ---- list --------------------------------------------------------------- */

static void test_things_list_as_admin_is_array_of_things(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "adm-%s", u);
    api_thing(name, NULL, thing);
    struct http_reply r = call("GET", "/v2/things?limit=100", itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE_FATAL(json_object_is_type(r.json, json_type_array));
    size_t n = json_object_array_length(r.json);
    CU_ASSERT_TRUE(n >= 1 && n <= 100);
    const char *prev = "";
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(r.json, i);
        json_object *tags, *type;
        CU_ASSERT_TRUE(json_object_object_length(t) == 6 && jstr(t, "uuid") && jstr(t, "name") &&
                       jstr(t, "state") && jstr(t, "created_by") &&
                       json_object_object_get_ex(t, "type", &type) &&
                       json_object_object_get_ex(t, "tags", &tags) &&
                       json_object_is_type(tags, json_type_array));
        const char *cur = jstr(t, "name");
        if (cur) { /* by name, in the database's collation: compare there */
            const char *p[] = { prev, cur };
            CU_ASSERT_EQUAL(sql_long("SELECT ($1::text <= $2::text)::int", 2, p), 1);
            prev = cur;
        }
    }
    itest_reply_free(&r);
}

/* ?tags= matches things having any of the tags (PostgreSQL &&). */
static void test_things_list_tags_filter_matches_any(void)
{
    char u[UUID_STRLEN + 1], name[96], tags[256], path[512], want[512];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1], d[UUID_STRLEN + 1];
    new_uuid(u);
    /* created out of order: the list is by name */
    snprintf(name, sizeof name, "tf-%s-c", u);
    snprintf(tags, sizeof tags, "[\"t4-%s\"]", u);
    api_thing(name, tags, c);
    snprintf(name, sizeof name, "tf-%s-a", u);
    snprintf(tags, sizeof tags, "[\"t1-%s\",\"t2-%s\"]", u, u);
    api_thing(name, tags, a);
    snprintf(name, sizeof name, "tf-%s-d", u);
    api_thing(name, "[]", d);
    snprintf(name, sizeof name, "tf-%s-b", u);
    snprintf(tags, sizeof tags, "[\"t2-%s\",\"t3-%s\"]", u, u);
    api_thing(name, tags, b);

    snprintf(path, sizeof path, "/v2/things?tags=t1-%s", u);
    expect_list(path, itest_admin(), a);
    snprintf(path, sizeof path, "/v2/things?tags=t2-%s", u);
    snprintf(want, sizeof want, "%s,%s", a, b);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/things?tags=t1-%s&tags=t3-%s", u, u);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/things?tags=t3-%s,t1-%s", u, u);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/things?tags=t1-%s,t4-%s", u, u);
    snprintf(want, sizeof want, "%s,%s", a, c);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/things?tags=t1-%s&tags=t2-%s&tags=t3-%s&tags=t4-%s", u, u, u, u);
    snprintf(want, sizeof want, "%s,%s,%s", a, b, c);
    expect_list(path, itest_admin(), want);
    /* exact, case-sensitive matches only */
    snprintf(path, sizeof path, "/v2/things?tags=T1-%s", u);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/things?tags=t1-%.8s", u);
    expect_list(path, itest_admin(), "");
    /* the filter pages too */
    snprintf(path, sizeof path, "/v2/things?tags=t2-%s,t4-%s&limit=1&offset=1", u, u);
    expect_list(path, itest_admin(), b);
    /* and so does a tag change */
    char tpath[128];
    snprintf(tpath, sizeof tpath, "/v2/things/%s", d);
    snprintf(tags, sizeof tags, "{\"tags\":[\"t1-%s\"]}", u);
    expect_status("PUT", tpath, itest_admin(), tags, 204);
    snprintf(path, sizeof path, "/v2/things?tags=t1-%s", u);
    snprintf(want, sizeof want, "%s,%s", a, d);
    expect_list(path, itest_admin(), want);
}

static void test_things_list_empty_tags_filter_is_400(void)
{
    expect_status("GET", "/v2/things?tags=", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/things?tags=,", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/things?tags=%zz", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/things?tags=a%00b", itest_admin(), NULL, 400);
}

static void test_things_list_pages_by_name(void)
{
    char u[UUID_STRLEN + 1], name[96], tags[128], path[256], want[256];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(tags, sizeof tags, "[\"page-%s\"]", u);
    snprintf(name, sizeof name, "pg-%s-b", u);
    api_thing(name, tags, b);
    snprintf(name, sizeof name, "pg-%s-c", u);
    api_thing(name, tags, c);
    snprintf(name, sizeof name, "pg-%s-a", u);
    api_thing(name, tags, a);
    snprintf(path, sizeof path, "/v2/things?tags=page-%s", u);
    snprintf(want, sizeof want, "%s,%s,%s", a, b, c);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/things?tags=page-%s&limit=2", u);
    snprintf(want, sizeof want, "%s,%s", a, b);
    expect_list(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/things?limit=2&offset=2&tags=page-%s", u);
    expect_list(path, itest_admin(), c);
    snprintf(path, sizeof path, "/v2/things?tags=page-%s&offset=1&limit=1", u);
    expect_list(path, itest_admin(), b);
    snprintf(path, sizeof path, "/v2/things?tags=page-%s&offset=3", u);
    expect_list(path, itest_admin(), "");
    snprintf(path, sizeof path, "/v2/things?tags=page-%s&offset=100000000", u);
    expect_list(path, itest_admin(), "");
}

static void test_things_list_default_limit_is_20(void)
{
    char u[UUID_STRLEN + 1], path[256], want[96];
    new_uuid(u);
    const char *p[] = { u };
    sql("INSERT INTO things(name, tags) SELECT 'many-' || $1 || '-' || lpad(i::text, 2, '0'), "
        "ARRAY['many-' || $1] FROM generate_series(1, 21) i",
        1, p);
    snprintf(path, sizeof path, "/v2/things?tags=many-%s", u);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 20);
    snprintf(want, sizeof want, "many-%s-20", u);
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 19), "name", want));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/things?tags=many-%s&limit=100", u);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(json_object_array_length(r.json), 21);
    snprintf(want, sizeof want, "many-%s-21", u);
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 20), "name", want));
    /* made without a creator: Go's zero UUID, as the reference writes it */
    CU_ASSERT_TRUE(jstr_is(json_object_array_get_idx(r.json, 20), "created_by", NIL_UUID));
    itest_reply_free(&r);
}

static void test_things_list_bad_paging_is_400(void)
{
    static const char *const q[] = {
        "limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5",
        "offset=-1", "offset=x", "limit=10&limit=20", "offset=1&offset=2",
    };
    char path[128];
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        snprintf(path, sizeof path, "/v2/things?%s", q[i]);
        expect_status("GET", path, itest_admin(), NULL, 400);
    }
    expect_status("GET", "/v2/things?limit=1", itest_admin(), NULL, 200);
    expect_status("GET", "/v2/things?limit=100", itest_admin(), NULL, 200);
}

static void test_things_list_empty_is_empty_array(void)
{
    char user[UUID_STRLEN + 1], userpwd[256];
    make_user(user, userpwd, sizeof userpwd);
    grant(user, "allow", "read", "things");
    struct http_reply r = call("GET", "/v2/things", userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);
}

/* ---- sub-lists ------------------------------------------------------------ */

static void test_things_timeseries_lists_its_series_by_name(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1], other[UUID_STRLEN + 1];
    char s1[UUID_STRLEN + 1], s2[UUID_STRLEN + 1], s3[UUID_STRLEN + 1], path[128], want[128];
    new_uuid(u);
    snprintf(name, sizeof name, "ts-owner-%s", u);
    api_thing(name, NULL, thing);
    snprintf(name, sizeof name, "ts-other-%s", u);
    api_thing(name, NULL, other);
    snprintf(path, sizeof path, "/v2/things/%s/timeseries", thing);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);

    new_uuid(s1);
    new_uuid(s2);
    new_uuid(s3);
    const char *p[] = { thing, other, s1, s2, s3 };
    sql("INSERT INTO timeseries(uuid, thing_uuid, name, si_unit, lower_bound, upper_bound, "
        "                       created_by, tags) VALUES "
        "($4, $1, 'b series', 'degC', -1.5, NULL, '" ROOT_UUID "', ARRAY['x', 'y z']), "
        "($3, $1, 'a series', 'm/s', NULL, 100, NULL, '{}'), "
        "($5, $2, 'a other', 'm', NULL, NULL, NULL, '{}')",
        5, p);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    snprintf(want, sizeof want, "%s,%s", s1, s2);
    char got[256];
    uuids_of(r.json, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (json_object_is_type(r.json, json_type_array) && json_object_array_length(r.json) == 2) {
        json_object *a = json_object_array_get_idx(r.json, 0), *b = json_object_array_get_idx(r.json, 1);
        json_object *v;
        const char *const tags_b[] = { "x", "y z", NULL };
        CU_ASSERT_TRUE(jstr_is(a, "thing_uuid", thing) && jstr_is(a, "name", "a series") &&
                       jstr_is(a, "si_unit", "m/s") && jnull(a, "lower_bound") &&
                       json_object_object_get_ex(a, "upper_bound", &v) &&
                       json_object_get_double(v) == 100.0 && jstrings_are(a, "tags", NO_TAGS));
        CU_ASSERT_TRUE(jstr_is(b, "thing_uuid", thing) && jstr_is(b, "name", "b series") &&
                       jstr_is(b, "si_unit", "degC") &&
                       json_object_object_get_ex(b, "lower_bound", &v) &&
                       json_object_get_double(v) == -1.5 && jnull(b, "upper_bound") &&
                       jstr_is(b, "created_by", ROOT_UUID) && jstrings_are(b, "tags", tags_b));
    }
    itest_reply_free(&r);
    sql("DELETE FROM timeseries WHERE uuid IN ($3::uuid, $4::uuid, $5::uuid) "
        "AND $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL", 5, p);
}

static void test_things_timeseries_missing_thing_is_404(void)
{
    expect_status("GET", "/v2/things/" NO_SUCH_UUID "/timeseries", itest_admin(), NULL, 404);
}

static void test_things_datasets_lists_its_datasets_by_name(void)
{
    char u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1], other[UUID_STRLEN + 1];
    char d1[UUID_STRLEN + 1], d2[UUID_STRLEN + 1], d3[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "ds-owner-%s", u);
    api_thing(name, NULL, thing);
    snprintf(name, sizeof name, "ds-other-%s", u);
    api_thing(name, NULL, other);
    snprintf(path, sizeof path, "/v2/things/%s/datasets", thing);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "[]\n");
    itest_reply_free(&r);

    new_uuid(d1);
    new_uuid(d2);
    new_uuid(d3);
    const char *p[] = { thing, other, d1, d2, d3 };
    sql("INSERT INTO datasets(uuid, name, format, content, checksum, size, belongs_to, created, "
        "                     updated, created_by, updated_by, tags) VALUES "
        "($4, 'model b', 'ini', 'hello', sha256('hello'::bytea), 5, $1, "
        " '2021-06-01 12:00:00.5+00', '2021-06-02 01:02:03.000123+02', '" ROOT_UUID "', NULL, "
        " ARRAY['ini', 'x\"y']), "
        "($3, 'model a', 'json', DEFAULT, DEFAULT, DEFAULT, $1, '2020-01-01 00:00:00+00', "
        " '2020-01-01 00:00:00+00', NULL, '" ROOT_UUID "', DEFAULT), "
        "($5, 'model a', 'csv', DEFAULT, DEFAULT, DEFAULT, $2, DEFAULT, DEFAULT, NULL, NULL, DEFAULT)",
        5, p);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    char got[256], want[128];
    uuids_of(r.json, got, sizeof got);
    snprintf(want, sizeof want, "%s,%s", d1, d2);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (json_object_is_type(r.json, json_type_array) && json_object_array_length(r.json) == 2) {
        json_object *a = json_object_array_get_idx(r.json, 0), *b = json_object_array_get_idx(r.json, 1);
        json_object *size;
        CU_ASSERT_EQUAL(json_object_object_length(a), 11);
        CU_ASSERT_TRUE(jstr_is(a, "uuid", d1) && jstr_is(a, "name", "model a") &&
                       jstr_is(a, "format", "json") && jstr_is(a, "checksum", "") &&
                       json_object_object_get_ex(a, "size", &size) &&
                       json_object_is_type(size, json_type_int) && json_object_get_int(size) == 0 &&
                       jstr_is(a, "thing_uuid", thing) &&
                       jstr_is(a, "created", "2020-01-01T00:00:00Z") &&
                       jstr_is(a, "updated", "2020-01-01T00:00:00Z") &&
                       jstr_is(a, "created_by", NIL_UUID) && jstr_is(a, "updated_by", ROOT_UUID) &&
                       jstrings_are(a, "tags", NO_TAGS));
        const char *const tags_b[] = { "ini", "x\"y", NULL };
        CU_ASSERT_EQUAL(json_object_object_length(b), 11);
        CU_ASSERT_TRUE(jstr_is(b, "uuid", d2) && jstr_is(b, "name", "model b") &&
                       jstr_is(b, "format", "ini") && jstr_is(b, "checksum", SHA256_HELLO) &&
                       json_object_object_get_ex(b, "size", &size) &&
                       json_object_get_int(size) == 5 && jstr_is(b, "thing_uuid", thing) &&
                       jstr_is(b, "created", "2021-06-01T12:00:00.5Z") &&
                       jstr_is(b, "updated", "2021-06-01T23:02:03.000123Z") &&
                       jstr_is(b, "created_by", ROOT_UUID) && jstr_is(b, "updated_by", NIL_UUID) &&
                       jstrings_are(b, "tags", tags_b));
        CU_ASSERT_FALSE(json_object_object_get_ex(b, "content", NULL));
    } else {
        fprintf(stderr, "\nGET %s -> %s\n", path, r.body);
    }
    itest_reply_free(&r);
    sql("DELETE FROM datasets WHERE uuid IN ($3::uuid, $4::uuid, $5::uuid) "
        "AND $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL", 5, p);
}

static void test_things_datasets_missing_thing_is_404(void)
{
    expect_status("GET", "/v2/things/" NO_SUCH_UUID "/datasets", itest_admin(), NULL, 404);
}

/* ---- authentication and authorization ------------------------------------ */

static void test_things_without_credentials_is_401(void)
{
    expect_status("GET", "/v2/things", NULL, NULL, 401);
    expect_status("POST", "/v2/things", NULL, "{\"name\":\"abcd\"}", 401);
    expect_status("GET", "/v2/things/" NO_SUCH_UUID, NULL, NULL, 401);
    expect_status("PUT", "/v2/things/" NO_SUCH_UUID, NULL, "{\"name\":\"abcd\"}", 401);
    expect_status("DELETE", "/v2/things/" NO_SUCH_UUID, NULL, NULL, 401);
    expect_status("GET", "/v2/things/" NO_SUCH_UUID "/datasets", NULL, NULL, 401);
    expect_status("GET", "/v2/things/" NO_SUCH_UUID "/timeseries", NULL, NULL, 401);
    expect_status("GET", "/v2/things/not-a-uuid", NULL, NULL, 401);
    expect_status("GET", "/v2/things", "itest:secret-token.wrong", NULL, 401);
}

static void test_things_user_without_policies_is_403(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], u[UUID_STRLEN + 1], name[64], thing[UUID_STRLEN + 1];
    char path[128];
    make_user(user, userpwd, sizeof userpwd);
    new_uuid(u);
    snprintf(name, sizeof name, "forbidden-%s", u);
    api_thing(name, NULL, thing);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    expect_status("GET", "/v2/things", userpwd, NULL, 403);
    expect_status("POST", "/v2/things", userpwd, "{\"name\":\"never made\"}", 403);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("PUT", path, userpwd, "{\"name\":\"stolen\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/things/%s/datasets", thing);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/things/%s/timeseries", thing);
    expect_status("GET", path, userpwd, NULL, 403);
    /* a missing thing is 403 too: nothing is told about what exists */
    expect_status("GET", "/v2/things/" NO_SUCH_UUID, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_thing(r.json, thing, name, NULL, "inactive", ROOT_UUID, NO_TAGS));
    itest_reply_free(&r);
}

/* A read policy on one thing: the list shows that one only, a deny hides
 * it again, and reading does not grant writing. */
static void test_things_read_policy_on_one_thing(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[96], tags[128], path[256];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], res[64];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(tags, sizeof tags, "[\"ro-%s\"]", user);
    snprintf(name, sizeof name, "ro-%s-a", user);
    api_thing(name, tags, a);
    snprintf(name, sizeof name, "ro-%s-b", user);
    api_thing(name, tags, b);
    grant(user, "allow", "read", "things");
    snprintf(res, sizeof res, "things/%s", a);
    grant(user, "allow", "read", res);

    expect_list("/v2/things", userpwd, a);
    expect_list("/v2/things?limit=100", userpwd, a);
    snprintf(path, sizeof path, "/v2/things?tags=ro-%s", user);
    expect_list(path, userpwd, a);
    snprintf(path, sizeof path, "/v2/things/%s", a);
    struct http_reply r = call("GET", path, userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    snprintf(name, sizeof name, "ro-%s-a", user);
    snprintf(tags, sizeof tags, "ro-%s", user);
    const char *const want_tags[] = { tags, NULL };
    CU_ASSERT_TRUE(is_thing(r.json, a, name, NULL, "inactive", ROOT_UUID, want_tags));
    itest_reply_free(&r);
    expect_status("PUT", path, userpwd, "{\"name\":\"renamed\"}", 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    /* timeseries needs read:things/<uuid>; datasets read:things/<uuid>/datasets */
    snprintf(path, sizeof path, "/v2/things/%s/timeseries", a);
    expect_status("GET", path, userpwd, NULL, 200);
    snprintf(path, sizeof path, "/v2/things/%s/datasets", a);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/things/%s", b);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/things/%s/timeseries", b);
    expect_status("GET", path, userpwd, NULL, 403);

    /* deny wins, in the list as in the check */
    grant(user, "deny", "read", res);
    expect_list("/v2/things", userpwd, "");
    snprintf(path, sizeof path, "/v2/things/%s", a);
    expect_status("GET", path, userpwd, NULL, 403);
}

static void test_things_update_and_delete_policies_apply(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], name[96], thing[UUID_STRLEN + 1], path[128];
    char res[64];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(name, sizeof name, "wr-%s", user);
    api_thing(name, NULL, thing);
    snprintf(path, sizeof path, "/v2/things/%s", thing);
    snprintf(res, sizeof res, "things/%s", thing);
    grant(user, "allow", "update", res);
    expect_status("PUT", path, userpwd, "{\"state\":\"archived\"}", 204);
    expect_status("GET", path, userpwd, NULL, 403);
    expect_status("DELETE", path, userpwd, NULL, 403);
    grant(user, "allow", "delete", res);
    expect_status("DELETE", path, userpwd, NULL, 204);
    expect_status("GET", path, itest_admin(), NULL, 404);
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
    CU_pSuite s = CU_add_suite("api_things", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(things_create_is_201_with_thing);
    T(things_create_minimal_has_null_type_and_no_tags);
    T(things_create_grants_creator_group_policies);
    T(things_create_by_user_grants_its_personal_group);
    T(things_create_by_user_without_personal_group_grants_nothing);
    T(things_create_bad_bodies_are_400);
    T(things_get_returns_thing);
    T(things_get_missing_is_404);
    T(things_invalid_uuid_in_path_is_400);
    T(things_tags_keep_special_characters);
    T(things_update_changes_fields_with_204);
    T(things_update_every_state);
    T(things_update_bad_bodies_are_400);
    T(things_update_missing_is_404);
    T(things_delete_is_204_then_404);
    T(things_delete_detaches_timeseries_and_datasets);
    T(things_delete_with_dependencies_is_409);
    T(things_list_as_admin_is_array_of_things);
    T(things_list_tags_filter_matches_any);
    T(things_list_empty_tags_filter_is_400);
    T(things_list_pages_by_name);
    T(things_list_default_limit_is_20);
    T(things_list_bad_paging_is_400);
    T(things_list_empty_is_empty_array);
    T(things_timeseries_lists_its_series_by_name);
    T(things_timeseries_missing_thing_is_404);
    T(things_datasets_lists_its_datasets_by_name);
    T(things_datasets_missing_thing_is_404);
    T(things_without_credentials_is_401);
    T(things_user_without_policies_is_403);
    T(things_read_policy_on_one_thing);
    T(things_update_and_delete_policies_apply);
#undef T
}
