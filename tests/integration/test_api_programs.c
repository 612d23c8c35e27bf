/* test_api_programs.c — /v2/programs* through nginx and a selfserv pool:
 * programs with exact fields, schedules (cron with seconds, descriptors,
 * and what is refused), the list's read filter, tags and paging; a
 * program's code revised three times, signed, read, diffed (exact text)
 * and deleted; concurrent uploads; every error status (400, 401, 403,
 * 404, 413, 415; webhooks: test_api_program_webhook.c); and the NOTIFY on channel
 * selfhost_programs that every change sends (LISTEN with libpq). Each test
 * makes its own data (names carry a random uuid), so the suite runs
 * against a non-empty database. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"
#include "itest_data.h"
#include "status.h"
#include "token.h"
#include "uuid.h"

#define ROOT_UUID "00000000-0000-1000-8000-000000000000"
#define NIL_UUID "00000000-0000-0000-0000-000000000000"
#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"
#define TEXT_UTF8 "text/plain; charset=utf-8"

/* ---- helpers ------------------------------------------------------------ */

static const char *const NO_TAGS[] = { NULL };

/* Exactly the Program schema with these values (uuid NULL: any uuid). */
static int is_program(json_object *o, const char *uuid, const char *name, const char *type,
                      const char *state, const char *schedule, long long deadline,
                      const char *const *tags)
{
    int ok = json_object_is_type(o, json_type_object) && json_object_object_length(o) == 8 &&
             jstr(o, "uuid") && uuid_valid(jstr(o, "uuid")) == OK &&
             (!uuid || jstr_is(o, "uuid", uuid)) && jstr_is(o, "name", name) &&
             jstr_is(o, "type", type) && jstr_is(o, "state", state) &&
             jstr_is(o, "schedule", schedule) && jint(o, "deadline") == deadline &&
             jstr_is(o, "language", "tengo") && jstrings_are(o, "tags", tags);
    if (!ok)
        fprintf(stderr, "\nnot the program %s: %s\n", name,
                o ? json_object_to_json_string(o) : "(none)");
    return ok;
}

/* POST /v2/programs as userpwd; uuid gets the new program's uuid. */
static long post_program(const char *userpwd, const char *body, char uuid[UUID_STRLEN + 1])
{
    struct http_reply r = call("POST", "/v2/programs", userpwd, body);
    long status = r.status;
    const char *u = jstr(r.json, "uuid");
    if (uuid)
        snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    if (status != 201)
        fprintf(stderr, "\nPOST /v2/programs %s -> %ld %s\n", body, status, r.body);
    itest_reply_free(&r);
    return status;
}

/* A program made by the admin: a routine named <prefix>-<random>. */
static void api_program(const char *prefix, const char *type, char uuid[UUID_STRLEN + 1],
                        char *name, size_t namesz)
{
    char u[UUID_STRLEN + 1], body[512], local[96];
    new_uuid(u);
    if (!name) {
        name = local;
        namesz = sizeof local;
    }
    snprintf(name, namesz, "%s-%s", prefix, u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"type\":\"%s\",\"state\":\"inactive\",\"schedule\":\"@every 60s\","
             "\"deadline\":500,\"language\":\"tengo\"}",
             name, type);
    CU_ASSERT_EQUAL(post_program(itest_admin(), body, uuid), 201);
}

/* POST code; rev gets the new revision number (-1 on failure). */
static long post_code(const char *uuid, const char *code, const char *content_type, int *rev)
{
    char path[128];
    snprintf(path, sizeof path, "/v2/programs/%s/code", uuid);
    struct http_reply r = call_as("POST", path, itest_admin(), code, content_type);
    long status = r.status;
    if (rev)
        *rev = status == 201 ? (int)jint(r.json, "revision") : -1;
    if (status != 201 && status < 400)
        fprintf(stderr, "\nPOST %s -> %ld %s\n", path, status, r.body);
    itest_reply_free(&r);
    return status;
}

/* GET path as the admin; expects 200 text/plain; charset=utf-8 with body want. */
static void expect_text(const char *path, const char *want)
{
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    char ct[128];
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) && strcmp(ct, TEXT_UTF8) == 0);
    CU_ASSERT_TRUE(r.body && strcmp(r.body, want) == 0);
    if (r.status != 200 || !r.body || strcmp(r.body, want) != 0)
        fprintf(stderr, "\nGET %s -> %ld\n--- got ---\n%s--- want ---\n%s", path, r.status,
                r.body ? r.body : "", want);
    itest_reply_free(&r);
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", h[i]);
}

/* ---- programs: create and read ------------------------------------------ */

static void test_programs_create_is_201_with_exact_fields(void)
{
    char u[UUID_STRLEN + 1], name[64], tag[64], body[512], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "prog-%s", u);
    snprintf(tag, sizeof tag, "tag-%s", u);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"*/2 * * * * *\","
             "\"deadline\":1500,\"language\":\"tengo\",\"tags\":[\"%s\",\"b\"]}",
             name, tag);
    struct http_reply r = call("POST", "/v2/programs", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char ct[128];
    CU_ASSERT_TRUE(itest_header(&r, "Content-Type", ct, sizeof ct) &&
                   strstr(ct, "application/json"));
    const char *const tags[] = { tag, "b", NULL };
    CU_ASSERT_TRUE(is_program(r.json, NULL, name, "routine", "active", "*/2 * * * * *", 1500, tags));
    /* Go's field order */
    static const char go_order[] = "{\"deadline\":1500,\"language\":\"tengo\",\"name\":";
    CU_ASSERT_TRUE(r.body && strncmp(r.body, go_order, sizeof go_order - 1) == 0);
    char uuid[UUID_STRLEN + 1];
    snprintf(uuid, sizeof uuid, "%s", jstr(r.json, "uuid") ? jstr(r.json, "uuid") : NO_SUCH_UUID);
    itest_reply_free(&r);

    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(is_program(r.json, uuid, name, "routine", "active", "*/2 * * * * *", 1500, tags));
    itest_reply_free(&r);
    const char *p[] = { uuid, name, tag };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM programs WHERE uuid = $1 AND name = $2 "
                             "AND type = 'routine' AND state = 'active' AND deadline = 1500 "
                             "AND schedule = '*/2 * * * * *' AND language = 'tengo' "
                             "AND tags = ARRAY[$3, 'b']", 3, p), 1);
}

static void test_programs_create_without_tags_has_empty_tags(void)
{
    char uuid[UUID_STRLEN + 1], name[96], path[128];
    api_program("notags", "module", uuid, name, sizeof name);
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_program(r.json, uuid, name, "module", "inactive", "@every 60s", 500, NO_TAGS));
    itest_reply_free(&r);
    /* null is "not given" too */
    char body[512];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":\"webhook\",\"state\":\"failed\","
             "\"schedule\":\"@hourly\",\"deadline\":0,\"language\":\"tengo\",\"tags\":null}", name);
    r = call("POST", "/v2/programs", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_TRUE(is_program(r.json, NULL, name, "webhook", "failed", "@hourly", 0, NO_TAGS));
    itest_reply_free(&r);
}

static void test_programs_create_accepts_cron_with_seconds_and_descriptors(void)
{
    static const char *const ok[] = {
        "*/2 * * * * *", "0 45 23 * * 6", "0 0 12 * * MON-FRI", "0 0 0 1 JAN,jul ?",
        "5/15 1-10 * * * *", "@every 60s", "@every 1h30m", "@hourly", "@daily", "@midnight",
        "@weekly", "@monthly", "@yearly", "@annually", "TZ=UTC 0 0 8 * * *",
        "CRON_TZ=Europe/Stockholm @daily",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char u[UUID_STRLEN + 1], body[512];
        new_uuid(u);
        snprintf(body, sizeof body,
                 "{\"name\":\"cron-%s\",\"type\":\"routine\",\"state\":\"inactive\","
                 "\"schedule\":\"%s\",\"deadline\":100,\"language\":\"tengo\"}", u, ok[i]);
        CU_ASSERT_EQUAL(post_program(itest_admin(), body, NULL), 201);
    }
}

static void test_programs_bad_schedules_are_400(void)
{
    static const char *const bad[] = {
        "", "0s", "* * * * *", "* * * * * * *", "60 * * * * *", "* * 24 * * *", "* * * 0 * *",
        "* * * * 13 *", "* * * * * 7", "*/0 * * * * *", "5-1 * * * * *", "MON * * * * *",
        "@every 0s", "@every -5s", "@every 5", "@fortnightly", "@hourly ", "TZ=Nowhere/City @hourly",
        "TZ=UTC", "1 2 3 4 5 L",
    };
    char uuid[UUID_STRLEN + 1], path[128];
    api_program("badcron", "routine", uuid, NULL, 0);
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char u[UUID_STRLEN + 1], body[512];
        new_uuid(u);
        snprintf(body, sizeof body,
                 "{\"name\":\"cron-%s\",\"type\":\"routine\",\"state\":\"inactive\","
                 "\"schedule\":\"%s\",\"deadline\":100,\"language\":\"tengo\"}", u, bad[i]);
        struct http_reply r = call("POST", "/v2/programs", itest_admin(), body);
        itest_assert_error(&r, 400);
        CU_ASSERT_TRUE(jstr(r.json, "message") &&
                       strncmp(jstr(r.json, "message"), "unable to parse schedule: ", 26) == 0);
        if (r.status != 400)
            fprintf(stderr, "\nschedule '%s' -> %ld\n", bad[i], r.status);
        itest_reply_free(&r);
        const char *p[] = { u };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM programs WHERE name = 'cron-' || $1", 1, p), 0);
        snprintf(body, sizeof body, "{\"schedule\":\"%s\"}", bad[i]);
        expect_status("PUT", path, itest_admin(), body, 400);
    }
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM programs WHERE uuid = $1 "
                             "AND schedule = '@every 60s'", 1, p), 1);
}

static void test_programs_create_bad_bodies_are_400(void)
{
    static const char *const bad[] = {
        /* enums */
        "{\"name\":\"n\",\"type\":\"program\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"Routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"running\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"lua\"}",
        /* required fields */
        "{\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1}",
        "{\"name\":null,\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        /* values */
        "{\"name\":\"\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":-1,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":2147483648,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1.5,\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":\"500\",\"language\":\"tengo\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\",\"tags\":[1]}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\",\"tags\":\"a\"}",
        "{\"name\":\"n\\u0000\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}",
        /* unknown fields */
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\",\"uuid\":\"" NO_SUCH_UUID "\"}",
        "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\",\"code\":\"x\"}",
        /* not an object */
        "[]", "\"x\"", "{", "{\"name\":\"n\"}x", "null",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_status("POST", "/v2/programs", itest_admin(), bad[i], 400);
    /* accepted at the edges */
    char u[UUID_STRLEN + 1], body[512];
    new_uuid(u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":\"routine\",\"state\":\"active\","
             "\"schedule\":\"@hourly\",\"deadline\":2147483647,\"language\":\"tengo\"}", u);
    CU_ASSERT_EQUAL(post_program(itest_admin(), body, NULL), 201);
}

static void test_programs_get_missing_is_404_and_bad_uuid_400(void)
{
    expect_status("GET", "/v2/programs/" NO_SUCH_UUID, itest_admin(), NULL, 404);
    expect_status("GET", "/v2/programs/not-a-uuid", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/programs/" NO_SUCH_UUID, itest_admin(), "{\"name\":\"x\"}", 404);
    expect_status("DELETE", "/v2/programs/" NO_SUCH_UUID, itest_admin(), NULL, 404);
    expect_status("PATCH", "/v2/programs/" NO_SUCH_UUID, itest_admin(), NULL, 405);
}

/* ---- programs: update and delete ------------------------------------------ */

static void test_programs_update_each_field_is_204(void)
{
    char uuid[UUID_STRLEN + 1], name[96], path[128], body[256];
    api_program("upd", "routine", uuid, name, sizeof name);
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    snprintf(body, sizeof body, "{\"name\":\"%s-renamed\"}", name);
    expect_status("PUT", path, itest_admin(), body, 204);
    expect_status("PUT", path, itest_admin(), "{\"type\":\"webhook\"}", 204);
    expect_status("PUT", path, itest_admin(), "{\"state\":\"active\"}", 204);
    expect_status("PUT", path, itest_admin(), "{\"schedule\":\"0 30 * * * *\"}", 204);
    expect_status("PUT", path, itest_admin(), "{\"deadline\":2500}", 204);
    expect_status("PUT", path, itest_admin(), "{\"language\":\"tengo\"}", 204);
    expect_status("PUT", path, itest_admin(), "{\"tags\":[\"x\",\"y z\"]}", 204);
    snprintf(body, sizeof body, "%s-renamed", name);
    const char *const tags[] = { "x", "y z", NULL };
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_program(r.json, uuid, body, "webhook", "active", "0 30 * * * *", 2500, tags));
    itest_reply_free(&r);
    /* empty body and nulls change nothing, and are 204 */
    expect_status("PUT", path, itest_admin(), "{}", 204);
    expect_status("PUT", path, itest_admin(), "{\"name\":null,\"tags\":null,\"deadline\":null}", 204);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_program(r.json, uuid, body, "webhook", "active", "0 30 * * * *", 2500, tags));
    itest_reply_free(&r);
    expect_status("PUT", path, itest_admin(), "{\"tags\":[]}", 204);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_program(r.json, uuid, body, "webhook", "active", "0 30 * * * *", 2500, NO_TAGS));
    itest_reply_free(&r);
}

static void test_programs_update_bad_bodies_are_400_and_change_nothing(void)
{
    static const char *const bad[] = {
        "{\"type\":\"program\"}", "{\"state\":\"stopped\"}", "{\"language\":\"js\"}",
        "{\"name\":\"\"}", "{\"deadline\":-5}", "{\"deadline\":1e3}", "{\"schedule\":\"0s\"}",
        "{\"tags\":[null]}", "{\"nmae\":\"typo\"}", "[]", "{\"name\":\"ok\",\"type\":\"bad\"}",
    };
    char uuid[UUID_STRLEN + 1], name[96], path[128];
    api_program("updbad", "routine", uuid, name, sizeof name);
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_status("PUT", path, itest_admin(), bad[i], 400);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_program(r.json, uuid, name, "routine", "inactive", "@every 60s", 500, NO_TAGS));
    itest_reply_free(&r);
}

static void test_programs_delete_is_204_then_404_and_takes_its_code(void)
{
    char uuid[UUID_STRLEN + 1], path[128];
    api_program("del", "routine", uuid, NULL, 0);
    CU_ASSERT_EQUAL(post_code(uuid, "x := 1\n", TEXT_UTF8, NULL), 201);
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    expect_status("GET", path, itest_admin(), NULL, 404);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1",
                             1, p), 0);
}

/* ---- programs: list ------------------------------------------------------ */

static void test_programs_list_shows_readable_programs_by_name_with_tags_and_paging(void)
{
    char user[UUID_STRLEN + 1], userpwd[256], u[UUID_STRLEN + 1];
    char a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1], body[512], path[256];
    make_user(user, userpwd, sizeof userpwd);
    new_uuid(u);
    const char *names[] = { "b", "a", "c" };
    char *ids[] = { b, a, c };
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"name\":\"%s-%s\",\"type\":\"routine\",\"state\":\"active\","
                 "\"schedule\":\"@daily\",\"deadline\":1,\"language\":\"tengo\","
                 "\"tags\":[\"t-%s\",\"%s-%s\"]}", u, names[i], u, names[i], u);
        CU_ASSERT_EQUAL(post_program(itest_admin(), body, ids[i]), 201);
    }
    /* the user may read a and c (c then denied) and nothing else */
    snprintf(path, sizeof path, "programs/%s", a);
    grant(user, "allow", "read", path);
    snprintf(path, sizeof path, "programs/%s", c);
    grant(user, "allow", "read", path);
    grant(user, "deny", "read", path);
    grant(user, "allow", "read", "programs");

    snprintf(path, sizeof path, "/v2/programs?tags=t-%s", u);
    struct http_reply r = call("GET", path, userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) == 1 &&
                   jstr_is(json_object_array_get_idx(r.json, 0), "uuid", a));
    itest_reply_free(&r);

    /* the admin sees all three, by name; paging; tags any-of */
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) == 3 &&
                   jstr_is(json_object_array_get_idx(r.json, 0), "uuid", a) &&
                   jstr_is(json_object_array_get_idx(r.json, 1), "uuid", b) &&
                   jstr_is(json_object_array_get_idx(r.json, 2), "uuid", c));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/programs?tags=t-%s&limit=1&offset=1", u);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(json_object_array_length(r.json) == 1 &&
                   jstr_is(json_object_array_get_idx(r.json, 0), "uuid", b));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/programs?tags=c-%s,nothing&tags=a-%s", u, u);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(json_object_array_length(r.json) == 2 &&
                   jstr_is(json_object_array_get_idx(r.json, 0), "uuid", a) &&
                   jstr_is(json_object_array_get_idx(r.json, 1), "uuid", c));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/programs?tags=none-%s", u);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(r.body && strcmp(r.body, "[]\n") == 0);
    itest_reply_free(&r);

    expect_status("GET", "/v2/programs?limit=0", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/programs?limit=101", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/programs?offset=-1", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/programs?tags=", itest_admin(), NULL, 400);
    r = call("GET", "/v2/programs", itest_admin(), NULL);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) <= 20);
    itest_reply_free(&r);
}

/* ---- code: the whole life of a program's code ------------------------------ */

static const char *const REV0 = "a := 1\nb := 2\nc := 3\n";
static const char *const REV1 = "a := 1\nb := 20\nc := 3\n";
static const char *const REV2 = "a := 1\nb := 20\nc := 3\nd := 4";

/* The revision object with these values (signed_by NULL: not signed). */
static int is_revision(json_object *o, int revision, const char *code, const char *created_by,
                       const char *signed_by)
{
    char sum[65];
    sha256_hex(code, sum);
    int ok = json_object_is_type(o, json_type_object) && json_object_object_length(o) == 6 &&
             jint(o, "revision") == revision && jstr_is(o, "checksum", sum) &&
             jstr(o, "created") && strlen(jstr(o, "created")) >= 20 &&
             jstr_is(o, "created_by", created_by) &&
             (signed_by ? jstr_is(o, "signed_by", signed_by) && jstr(o, "signed") != NULL
                        : jnull(o, "signed_by") && jnull(o, "signed"));
    if (!ok)
        fprintf(stderr, "\nnot revision %d: %s\n", revision,
                o ? json_object_to_json_string(o) : "(none)");
    return ok;
}

static void test_code_revised_three_times_signed_diffed_and_deleted(void)
{
    char uuid[UUID_STRLEN + 1], path[256], want[1024];
    api_program("life", "routine", uuid, NULL, 0);

    /* three revisions, numbered from 0; the reply is the revision */
    char cpath[128];
    snprintf(cpath, sizeof cpath, "/v2/programs/%s/code", uuid);
    struct http_reply r = call_as("POST", cpath, itest_admin(), REV0, TEXT_UTF8);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_TRUE(is_revision(r.json, 0, REV0, ROOT_UUID, NULL));
    CU_ASSERT_TRUE(r.body && strncmp(r.body, "{\"checksum\":", 12) == 0);
    itest_reply_free(&r);
    int rev = -1;
    CU_ASSERT_EQUAL(post_code(uuid, REV1, "text/plain", &rev), 201);
    CU_ASSERT_EQUAL(rev, 1);
    CU_ASSERT_EQUAL(post_code(uuid, REV2, "Text/Plain; Charset=\"UTF-8\"", &rev), 201);
    CU_ASSERT_EQUAL(rev, 2);
    const char *p[] = { uuid };
    char sum[65];
    sha256_hex(REV2, sum);
    const char *p2[] = { uuid, sum, REV2 };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1 "
                             "AND revision = 2 AND encode(checksum, 'hex') = $2 "
                             "AND code = convert_to($3, 'UTF8') AND created_by = '" ROOT_UUID "'",
                             3, p2), 1);

    /* nothing signed yet: GET /code has nothing to give; ?revision reads any */
    expect_status("GET", cpath, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "%s?revision=1", cpath);
    expect_text(path, REV1);
    snprintf(path, sizeof path, "%s?revision=-1", cpath);
    expect_text(path, REV2);

    /* sign revision 1: GET /code is now revision 1 */
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/1/sign", uuid);
    expect_status("PUT", path, itest_admin(), NULL, 204);
    expect_text(cpath, REV1);
    char first_signed[64] = "";
    PGresult *res = sql_res("SELECT signed::text FROM program_code_revisions "
                            "WHERE program_uuid = $1 AND revision = 1", 1, p);
    if (PQntuples(res) == 1)
        snprintf(first_signed, sizeof first_signed, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    /* signing again is 204 and keeps the first signature */
    expect_status("PUT", path, itest_admin(), NULL, 204);
    const char *p3[] = { uuid, first_signed };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1 "
                             "AND revision = 1 AND signed::text = $2 "
                             "AND signed_by = '" ROOT_UUID "'", 2, p3), 1);

    /* the revisions, oldest first */
    snprintf(path, sizeof path, "/v2/programs/%s/revisions", uuid);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) && json_object_array_length(r.json) == 3);
    CU_ASSERT_TRUE(is_revision(json_object_array_get_idx(r.json, 0), 0, REV0, ROOT_UUID, NULL));
    CU_ASSERT_TRUE(is_revision(json_object_array_get_idx(r.json, 1), 1, REV1, ROOT_UUID, ROOT_UUID));
    CU_ASSERT_TRUE(is_revision(json_object_array_get_idx(r.json, 2), 2, REV2, ROOT_UUID, NULL));
    itest_reply_free(&r);

    /* diffs, exactly as diff -u writes them */
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=0&rev_b=2", uuid);
    snprintf(want, sizeof want,
             "--- %s@0\n+++ %s@2\n@@ -1,3 +1,4 @@\n a := 1\n-b := 2\n+b := 20\n c := 3\n+d := 4\n"
             "\\ No newline at end of file\n", uuid, uuid);
    expect_text(path, want);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=-1&rev_b=1", uuid);
    snprintf(want, sizeof want,
             "--- %s@2\n+++ %s@1\n@@ -1,4 +1,3 @@\n a := 1\n b := 20\n c := 3\n-d := 4\n"
             "\\ No newline at end of file\n", uuid, uuid);
    expect_text(path, want);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=1&rev_b=1", uuid);
    expect_text(path, "");

    /* delete revision 2: gone from the list, its number is free again */
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/2", uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=0&rev_b=2", uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions", uuid);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(json_object_array_length(r.json) == 2);
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(post_code(uuid, "e := 5\n", TEXT_UTF8, &rev), 201);
    CU_ASSERT_EQUAL(rev, 2);
    /* deleting the signed revision leaves nothing to run */
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/1", uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    expect_status("GET", cpath, itest_admin(), NULL, 404);
}

static void test_code_empty_and_unicode_code_round_trips(void)
{
    char uuid[UUID_STRLEN + 1], path[256];
    api_program("uni", "module", uuid, NULL, 0);
    const char *code = "s := \"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"\r\n\ttab\n";
    int rev;
    CU_ASSERT_EQUAL(post_code(uuid, code, TEXT_UTF8, &rev), 201);
    CU_ASSERT_EQUAL(post_code(uuid, "", TEXT_UTF8, &rev), 201);
    CU_ASSERT_EQUAL(rev, 1);
    snprintf(path, sizeof path, "/v2/programs/%s/code?revision=0", uuid);
    expect_text(path, code);
    snprintf(path, sizeof path, "/v2/programs/%s/code?revision=1", uuid);
    expect_text(path, "");
    snprintf(path, sizeof path, "/v2/programs/%s/revisions", uuid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_revision(json_object_array_get_idx(r.json, 1), 1, "", ROOT_UUID, NULL));
    itest_reply_free(&r);
}

/* The reference's limit is 1 MiB of code; exactly that is fine. */
static void test_code_of_one_mebibyte_is_accepted_and_more_is_413(void)
{
    char uuid[UUID_STRLEN + 1];
    api_program("big", "routine", uuid, NULL, 0);
    size_t n = 1024 * 1024;
    char *code = malloc(n + 2);
    for (size_t i = 0; i < n; i++)
        code[i] = i % 64 == 63 ? '\n' : 'a';
    code[n] = '\0';
    int rev;
    CU_ASSERT_EQUAL(post_code(uuid, code, TEXT_UTF8, &rev), 201);
    code[n] = 'b';
    code[n + 1] = '\0';
    char path[128];
    snprintf(path, sizeof path, "/v2/programs/%s/code", uuid);
    expect_status_as("POST", path, itest_admin(), code, TEXT_UTF8, 413);
    free(code);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1",
                             1, p), 1);
}

static void test_code_wrong_content_type_is_415(void)
{
    char uuid[UUID_STRLEN + 1], path[128];
    api_program("ctype", "routine", uuid, NULL, 0);
    snprintf(path, sizeof path, "/v2/programs/%s/code", uuid);
    static const char *const bad[] = {
        "application/json", "text/html", "text/plain; charset=latin1",
        "text/plain; charset=utf-16", "text/plainx", "application/octet-stream",
        "application/x-www-form-urlencoded", "text/x-tengo",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_status_as("POST", path, itest_admin(), "x := 1\n", bad[i], 415);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1",
                             1, p), 0);
    CU_ASSERT_EQUAL(post_code(uuid, "x := 1\n", "text/plain;charset=utf-8", NULL), 201);
    CU_ASSERT_EQUAL(post_code(uuid, "x := 1\n", "text/plain; format=flowed", NULL), 201);
}

static void test_code_not_utf8_is_400(void)
{
    char uuid[UUID_STRLEN + 1], path[128];
    api_program("utf8", "routine", uuid, NULL, 0);
    snprintf(path, sizeof path, "/v2/programs/%s/code", uuid);
    static const char *const bad[] = {
        "x := \"\xff\"\n", "\xc3\x28", "\xed\xa0\x80", "\xc0\xaf", "ok\n\xf4\x90\x80\x80",
        "\xe2\x82",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_status_as("POST", path, itest_admin(), bad[i], TEXT_UTF8, 400);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1",
                             1, p), 0);
}

static void test_code_and_revisions_of_unknown_things_are_404(void)
{
    char uuid[UUID_STRLEN + 1], path[256];
    const char *none = "/v2/programs/" NO_SUCH_UUID;
    snprintf(path, sizeof path, "%s/code", none);
    expect_status_as("POST", path, itest_admin(), "x := 1\n", TEXT_UTF8, 404);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "%s/revisions", none);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "%s/revisions/0/sign", none);
    expect_status("PUT", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "%s/revisions/0", none);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "%s/diff?rev_a=0&rev_b=0", none);
    expect_status("GET", path, itest_admin(), NULL, 404);

    api_program("unknownrev", "routine", uuid, NULL, 0);
    /* a program without code */
    snprintf(path, sizeof path, "/v2/programs/%s/revisions", uuid);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(r.body && strcmp(r.body, "[]\n") == 0);
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/programs/%s/code?revision=-1", uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=-1&rev_b=-1", uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
    CU_ASSERT_EQUAL(post_code(uuid, "x\n", TEXT_UTF8, NULL), 201);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/7/sign", uuid);
    expect_status("PUT", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/7", uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/code?revision=7", uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=0&rev_b=7", uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=7&rev_b=0", uuid);
    expect_status("GET", path, itest_admin(), NULL, 404);
}

static void test_code_bad_parameters_are_400(void)
{
    char uuid[UUID_STRLEN + 1], path[256];
    api_program("badparam", "routine", uuid, NULL, 0);
    CU_ASSERT_EQUAL(post_code(uuid, "x\n", TEXT_UTF8, NULL), 201);
    static const char *const bad[] = {
        "diff", "diff?rev_a=0", "diff?rev_b=0", "diff?rev_a=-2&rev_b=0", "diff?rev_a=x&rev_b=0",
        "diff?rev_a=0&rev_b=1.5", "diff?rev_a=0&rev_b=0&rev_b=0", "diff?rev_a=2147483648&rev_b=0",
        "code?revision=-2", "code?revision=abc", "code?revision=",
        "revisions/abc/sign", "revisions/-1/sign", "revisions/1x", "revisions/9999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(path, sizeof path, "/v2/programs/%s/%s", uuid, bad[i]);
        const char *method = strncmp(bad[i], "revisions/", 10) == 0
                                 ? (strstr(bad[i], "/sign") ? "PUT" : "DELETE")
                                 : "GET";
        expect_status(method, path, itest_admin(), NULL, 400);
    }
    expect_status("GET", "/v2/programs/not-a-uuid/revisions", itest_admin(), NULL, 400);
}

/* Concurrent uploads to one program get consecutive numbers. */
static void test_code_concurrent_uploads_get_distinct_revisions(void)
{
    char uuid[UUID_STRLEN + 1];
    api_program("conc", "routine", uuid, NULL, 0);
    enum { N = 8 };
    fflush(NULL);
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            char path[128], code[64];
            snprintf(path, sizeof path, "/v2/programs/%s/code", uuid);
            snprintf(code, sizeof code, "n := %d\n", i);
            struct http_reply r;
            int rc = itest_http("POST", path, itest_admin(), code, TEXT_UTF8, &r);
            _exit(rc == 0 && r.status == 201 ? 0 : 1);
        }
    }
    int ok = 0;
    for (int i = 0; i < N; i++) {
        int st = 0;
        if (kids[i] > 0 && waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) &&
            WEXITSTATUS(st) == 0)
            ok++;
    }
    CU_ASSERT_EQUAL(ok, N);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(DISTINCT revision) FROM program_code_revisions "
                             "WHERE program_uuid = $1 AND revision BETWEEN 0 AND 7", 1, p), N);
}

/* A user allowed only to create programs gets programs/<uuid>/% through
 * its personal group: code, revisions, signing — but not the program
 * itself (the reference's grant). */
static void test_code_creator_may_work_on_its_programs_code(void)
{
    char u[UUID_STRLEN + 1], uname[64], body[512], path[256], user[UUID_STRLEN + 1];
    char userpwd[256], prog[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(uname, sizeof uname, "pgu-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", uname);
    struct http_reply r = call("POST", "/v2/users", itest_admin(), body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(user, sizeof user, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/users/%s/tokens", user);
    r = call("POST", path, itest_admin(), "{\"name\":\"programs test\"}");
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(userpwd, sizeof userpwd, "%s:%s", itest_env("ITEST_DOMAIN"), jstr(r.json, "secret"));
    itest_reply_free(&r);

    snprintf(body, sizeof body, "{\"name\":\"mine-%s\",\"type\":\"module\",\"state\":\"active\","
             "\"schedule\":\"@hourly\",\"deadline\":1,\"language\":\"tengo\"}", u);
    CU_ASSERT_EQUAL(post_program(userpwd, body, NULL), 403);
    grant(user, "allow", "create", "programs");
    CU_ASSERT_EQUAL(post_program(userpwd, body, prog), 201);
    snprintf(path, sizeof path, "/v2/programs/%s/code", prog);
    expect_status_as("POST", path, userpwd, "m := 1\n", TEXT_UTF8, 201);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/0/sign", prog);
    expect_status("PUT", path, userpwd, NULL, 204);
    snprintf(path, sizeof path, "/v2/programs/%s/code", prog);
    expect_status("GET", path, userpwd, NULL, 200);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions", prog);
    r = call("GET", path, userpwd, NULL);
    CU_ASSERT_TRUE(is_revision(json_object_array_get_idx(r.json, 0), 0, "m := 1\n", user, user));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/programs/%s", prog);
    expect_status("GET", path, userpwd, NULL, 403);

    /* the user gone: created_by reads as the nil UUID, signed_by as null */
    const char *p[] = { user };
    sql("DELETE FROM users WHERE uuid = $1", 1, p);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions", prog);
    r = call("GET", path, itest_admin(), NULL);
    json_object *o = json_object_array_get_idx(r.json, 0);
    CU_ASSERT_TRUE(jstr_is(o, "created_by", NIL_UUID) && jnull(o, "signed_by") &&
                   jstr(o, "signed") != NULL);
    itest_reply_free(&r);
}

/* ---- who may call -------------------------------------------------------- */

static const struct {
    const char *method, *path; /* %s: an existing program */
} ROUTES[] = {
    { "GET", "/v2/programs" },
    { "POST", "/v2/programs" },
    { "GET", "/v2/programs/%s" },
    { "PUT", "/v2/programs/%s" },
    { "DELETE", "/v2/programs/%s" },
    { "POST", "/v2/programs/%s/webhook" },
    { "POST", "/v2/programs/%s/code" },
    { "GET", "/v2/programs/%s/code" },
    { "GET", "/v2/programs/%s/diff?rev_a=0&rev_b=0" },
    { "GET", "/v2/programs/%s/revisions" },
    { "PUT", "/v2/programs/%s/revisions/0/sign" },
    { "DELETE", "/v2/programs/%s/revisions/0" },
};

/* ROUTES[i].path with its %s replaced by uuid. */
static void route_path(char *out, size_t n, const char *pattern, const char *uuid)
{
    const char *at = strstr(pattern, "%s");
    if (!at)
        snprintf(out, n, "%s", pattern);
    else
        snprintf(out, n, "%.*s%s%s", (int)(at - pattern), pattern, uuid, at + 2);
}

static const char *route_body(const char *method, const char *path, const char **ctype)
{
    *ctype = "application/json";
    if (strcmp(method, "POST") == 0 && strstr(path, "/code")) {
        *ctype = TEXT_UTF8;
        return "x := 1\n";
    }
    if (strcmp(method, "POST") == 0 && strcmp(path, "/v2/programs") == 0)
        return "{\"name\":\"n\",\"type\":\"routine\",\"state\":\"active\",\"schedule\":\"@hourly\","
               "\"deadline\":1,\"language\":\"tengo\"}";
    if (strcmp(method, "PUT") == 0 && !strstr(path, "/sign"))
        return "{\"name\":\"hacked\"}";
    return NULL;
}

static void test_programs_without_credentials_is_401(void)
{
    char uuid[UUID_STRLEN + 1], path[256];
    api_program("anon", "routine", uuid, NULL, 0);
    for (size_t i = 0; i < sizeof ROUTES / sizeof *ROUTES; i++) {
        route_path(path, sizeof path, ROUTES[i].path, uuid);
        const char *ctype, *body = route_body(ROUTES[i].method, path, &ctype);
        expect_status_as(ROUTES[i].method, path, NULL, body, body ? ctype : NULL, 401);
        char bad[300];
        snprintf(bad, sizeof bad, "%s:secret-token.wrong", itest_env("ITEST_DOMAIN"));
        expect_status_as(ROUTES[i].method, path, bad, body, body ? ctype : NULL, 401);
    }
}

static void test_programs_user_without_policies_is_403(void)
{
    char uuid[UUID_STRLEN + 1], path[256], user[UUID_STRLEN + 1], userpwd[256];
    api_program("nopol", "webhook", uuid, NULL, 0);
    CU_ASSERT_EQUAL(post_code(uuid, "x := 1\n", TEXT_UTF8, NULL), 201);
    make_user(user, userpwd, sizeof userpwd);
    for (size_t i = 0; i < sizeof ROUTES / sizeof *ROUTES; i++) {
        route_path(path, sizeof path, ROUTES[i].path, uuid);
        const char *ctype, *body = route_body(ROUTES[i].method, path, &ctype);
        expect_status_as(ROUTES[i].method, path, userpwd, body, body ? ctype : NULL, 403);
    }
    /* a read grant does not let it write */
    snprintf(path, sizeof path, "programs/%s%%", uuid);
    grant(user, "allow", "read", path);
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    expect_status("GET", path, userpwd, NULL, 200);
    expect_status("PUT", path, userpwd, "{\"name\":\"hacked\"}", 403);
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/0/sign", uuid);
    expect_status("PUT", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/programs/%s/diff?rev_a=0&rev_b=0", uuid);
    expect_status("GET", path, userpwd, NULL, 200);
    const char *p[] = { uuid };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM programs WHERE uuid = $1 AND name <> 'hacked'",
                             1, p), 1);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM program_code_revisions WHERE program_uuid = $1 "
                             "AND signed IS NULL", 1, p), 1);
}

/* ---- NOTIFY selfhost_programs --------------------------------------------- */

static PGconn *listener;

static void drain(void)
{
    PQconsumeInput(listener);
    PGnotify *n;
    while ((n = PQnotifies(listener)))
        PQfreemem(n);
}

/* Waits up to ms for a notification on selfhost_programs with this
 * payload (others, from tests running alongside, are skipped). */
static int notified(const char *payload, int ms)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        PQconsumeInput(listener);
        PGnotify *n;
        int found = 0;
        while ((n = PQnotifies(listener))) {
            found |= strcmp(n->relname, "selfhost_programs") == 0 && strcmp(n->extra, payload) == 0;
            PQfreemem(n);
        }
        if (found)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0)
            return 0;
        int fd = PQsocket(listener);
        fd_set in;
        FD_ZERO(&in);
        FD_SET(fd, &in);
        struct timeval tv = { left / 1000, (left % 1000) * 1000 };
        select(fd + 1, &in, NULL, NULL, &tv);
    }
}

static void test_notify_on_every_change_to_a_program_and_its_code(void)
{
    CU_ASSERT_EQUAL_FATAL(PQstatus(listener), CONNECTION_OK);
    char uuid[UUID_STRLEN + 1], path[256];
    drain();
    api_program("notify", "routine", uuid, NULL, 0);
    CU_ASSERT_TRUE(notified(uuid, 5000));

    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    expect_status("PUT", path, itest_admin(), "{\"state\":\"active\"}", 204);
    CU_ASSERT_TRUE(notified(uuid, 5000));
    /* an update that changes nothing says nothing */
    expect_status("PUT", path, itest_admin(), "{}", 204);
    CU_ASSERT_FALSE(notified(uuid, 700));

    CU_ASSERT_EQUAL(post_code(uuid, "x := 1\n", TEXT_UTF8, NULL), 201);
    CU_ASSERT_TRUE(notified(uuid, 5000));
    snprintf(path, sizeof path, "/v2/programs/%s/revisions/0/sign", uuid);
    expect_status("PUT", path, itest_admin(), NULL, 204);
    CU_ASSERT_TRUE(notified(uuid, 5000));
    expect_status("PUT", path, itest_admin(), NULL, 204); /* already signed */
    CU_ASSERT_FALSE(notified(uuid, 700));

    /* refused requests change nothing and say nothing */
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    expect_status("PUT", path, itest_admin(), "{\"schedule\":\"0s\"}", 400);
    snprintf(path, sizeof path, "/v2/programs/%s/code", uuid);
    expect_status_as("POST", path, itest_admin(), "\xff", TEXT_UTF8, 400);
    CU_ASSERT_FALSE(notified(uuid, 700));

    snprintf(path, sizeof path, "/v2/programs/%s/revisions/0", uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    CU_ASSERT_TRUE(notified(uuid, 5000));
    CU_ASSERT_EQUAL(post_code(uuid, "x := 2\n", TEXT_UTF8, NULL), 201);
    CU_ASSERT_TRUE(notified(uuid, 5000));
    snprintf(path, sizeof path, "/v2/programs/%s", uuid);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    CU_ASSERT_TRUE(notified(uuid, 5000));
    /* the program and its revision went in one transaction: one payload */
    CU_ASSERT_FALSE(notified(uuid, 700));
}

/* ---- registration ------------------------------------------------------- */

static int suite_init(void)
{
    char uri[1024];
    snprintf(uri, sizeof uri, "postgresql:///itest_main?host=%s&user=postgres",
             itest_env("ITEST_PGHOST"));
    PGconn *db = itest_db();
    listener = PQconnectdb(uri);
    if (PQstatus(db) != CONNECTION_OK || PQstatus(listener) != CONNECTION_OK)
        return 1;
    PGresult *res = PQexec(listener, "LISTEN selfhost_programs");
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok && sodium_init() >= 0 ? 0 : 1;
}

static int suite_clean(void)
{
    PQfinish(listener);
    itest_db_close();
    return 0;
}

void register_tests(void);
void register_tests(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CU_pSuite s = CU_add_suite("api_programs", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(programs_create_is_201_with_exact_fields);
    T(programs_create_without_tags_has_empty_tags);
    T(programs_create_accepts_cron_with_seconds_and_descriptors);
    T(programs_bad_schedules_are_400);
    T(programs_create_bad_bodies_are_400);
    T(programs_get_missing_is_404_and_bad_uuid_400);
    T(programs_update_each_field_is_204);
    T(programs_update_bad_bodies_are_400_and_change_nothing);
    T(programs_delete_is_204_then_404_and_takes_its_code);
    T(programs_list_shows_readable_programs_by_name_with_tags_and_paging);
    T(code_revised_three_times_signed_diffed_and_deleted);
    T(code_empty_and_unicode_code_round_trips);
    T(code_of_one_mebibyte_is_accepted_and_more_is_413);
    T(code_wrong_content_type_is_415);
    T(code_not_utf8_is_400);
    T(code_and_revisions_of_unknown_things_are_404);
    T(code_bad_parameters_are_400);
    T(code_concurrent_uploads_get_distinct_revisions);
    T(code_creator_may_work_on_its_programs_code);
    T(programs_without_credentials_is_401);
    T(programs_user_without_policies_is_403);
    T(notify_on_every_change_to_a_program_and_its_code);
#undef T
}
