/* test_api_datasets.c — /v2/datasets* through nginx and a selfserv pool:
 * the Dataset replies with exact field values, base64 content, the list's
 * tags filter, paging and read filter, the creator's policies; /raw with
 * its Content-Type per format, ETag and If-None-Match (304), HEAD and
 * empty content (204); multipart uploads (parts in any order, Content-MD5
 * in hex and base64, replaced parts, every bad input a clear 4xx, nothing
 * half-written after a failed assemble, abort twice = 404) and a 100 MB
 * dataset uploaded in parts, assembled, downloaded and compared by sha256
 * while the responders' peak memory stays far below the dataset's size.
 * Each test makes its own data, so the suite runs against a non-empty
 * database and beside the other suites. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "buf.h"
#include "itest.h"
#include "itest_data.h"
#include "md5.h"
#include "status.h"
#include "token.h"
#include "uuid.h"

#define ROOT_UUID "00000000-0000-1000-8000-000000000000"
#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"
#define SHA256_HELLO "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MD5_HELLO "5d41402abc4b2a76b9719d911017c592"
#define MIB (1024 * 1024)

/* ---- helpers ------------------------------------------------------------ */

/* First column of the first row as text (into a static buffer). */
static const char *sql_text(const char *query, int nparams, const char *const *params)
{
    static char out[256];
    PGresult *res = sql_res(query, nparams, params);
    snprintf(out, sizeof out, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "(none)");
    PQclear(res);
    return out;
}

static const char *const NO_TAGS[] = { NULL };

/* "YYYY-MM-DDTHH:MM:SS[.frac]Z" */
static int is_utc_time(const char *s)
{
    return s && strlen(s) >= 20 && s[4] == '-' && s[10] == 'T' && s[strlen(s) - 1] == 'Z';
}

struct want_ds {
    const char *uuid; /* NULL: any */
    const char *name, *format, *checksum;
    long long size;
    const char *thing; /* NULL: null */
    const char *created_by, *updated_by;
    const char *const *tags;
};

/* Exactly the Dataset schema (11 fields) with these values. */
static int is_dataset(json_object *o, const struct want_ds *w)
{
    int ok = json_object_is_type(o, json_type_object) && json_object_object_length(o) == 11 &&
             jstr(o, "uuid") && uuid_valid(jstr(o, "uuid")) == OK &&
             (!w->uuid || jstr_is(o, "uuid", w->uuid)) && jstr_is(o, "name", w->name) &&
             jstr_is(o, "format", w->format) && jstr_is(o, "checksum", w->checksum) &&
             jint(o, "size") == w->size &&
             (w->thing ? jstr_is(o, "thing_uuid", w->thing) : jnull(o, "thing_uuid")) &&
             is_utc_time(jstr(o, "created")) && is_utc_time(jstr(o, "updated")) &&
             jstr_is(o, "created_by", w->created_by) && jstr_is(o, "updated_by", w->updated_by) &&
             jstrings_are(o, "tags", w->tags);
    if (!ok)
        fprintf(stderr, "\nnot the dataset %s: %s\n", w->name,
                o ? json_object_to_json_string(o) : "(none)");
    return ok;
}

static void sha256_hex(const void *data, size_t n, char out[65])
{
    uint8_t d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, data, n);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void md5_hex_of(const void *data, size_t n, char out[MD5_HEX_LEN + 1])
{
    uint8_t d[MD5_LEN];
    md5(data, n, d);
    md5_hex(d, out);
}

/* Deterministic bytes of every value (NULs included). */
static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)(x >> 24);
    }
}

/* POST /v2/datasets with body; uuid gets the new dataset's uuid. */
static long post_dataset(const char *userpwd, const char *body, char uuid[UUID_STRLEN + 1])
{
    struct http_reply r = call("POST", "/v2/datasets", userpwd, body);
    long status = r.status;
    const char *u = jstr(r.json, "uuid");
    if (uuid)
        snprintf(uuid, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    if (status != 201)
        fprintf(stderr, "\nPOST /v2/datasets %s -> %ld %s\n", body, status, r.body);
    itest_reply_free(&r);
    return status;
}

/* A dataset made by the admin: name, format, the content's bytes. */
static void api_dataset(const char *name, const char *format, const void *content, size_t n,
                        const char *tags_json, char uuid[UUID_STRLEN + 1])
{
    char *b64 = malloc(base64_encoded_len(n) + 1);
    base64_encode(content, n, b64);
    buf_t body = BUF_INIT;
    buf_printf(&body, "{\"name\":\"%s\",\"format\":\"%s\",\"content\":\"%s\"%s%s}", name, format,
               b64, tags_json ? ",\"tags\":" : "", tags_json ? tags_json : "");
    CU_ASSERT_EQUAL(post_dataset(itest_admin(), buf_cstr(&body), uuid), 201);
    buf_free(&body);
    free(b64);
}

/* ---- raw HTTP: binary bodies, extra headers, streamed downloads --------- */

struct sink {
    buf_t body;                        /* kept when hash is 0 */
    int hash;                          /* 1: only hash and count */
    crypto_hash_sha256_state sha;
    size_t bytes;
};

static size_t sink_write(char *data, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    s->bytes += size * n;
    if (s->hash)
        crypto_hash_sha256_update(&s->sha, (const unsigned char *)data, size * n);
    else
        buf_append(&s->body, data, size * n);
    return size * n;
}

static size_t header_write(char *data, size_t size, size_t n, void *ctx)
{
    buf_append(ctx, data, size * n);
    return size * n;
}

struct raw_reply {
    long status;
    struct sink sink;
    buf_t headers;
};

static CURL *shared_curl; /* reused across requests: keeps the client connection */

/* method path as userpwd with (body, len) (NULL: none) and up to two more
 * header lines; the reply body goes into out->sink. */
static void raw_http(const char *method, const char *path, const char *userpwd, const void *body,
                     size_t len, const char *h1, const char *h2, int hash, struct raw_reply *out)
{
    memset(out, 0, sizeof *out);
    out->sink.hash = hash;
    if (hash)
        crypto_hash_sha256_init(&out->sink.sha);
    if (!shared_curl)
        shared_curl = curl_easy_init();
    CURL *c = shared_curl;
    curl_easy_reset(c);
    char url[2048];
    snprintf(url, sizeof url, "%s%s", itest_env("ITEST_URL"), path);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    if (body)
        hdrs = curl_slist_append(hdrs, "Content-Type: application/octet-stream");
    if (h1)
        hdrs = curl_slist_append(hdrs, h1);
    if (h2)
        hdrs = curl_slist_append(hdrs, h2);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_write);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fprintf(stderr, "\n%s %s: %s\n", method, path, curl_easy_strerror(rc));
    CU_ASSERT_EQUAL(rc, CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hdrs);
}

static void raw_free(struct raw_reply *r)
{
    buf_free(&r->sink.body);
    buf_free(&r->headers);
}

/* The header's value (case-insensitive name), or NULL. */
static const char *raw_header(const struct raw_reply *r, const char *name, char *out, size_t n)
{
    struct http_reply h = { 0 };
    h.headers = (char *)buf_cstr(&r->headers);
    return itest_header(&h, name, out, n);
}

/* The JSON error shape with this status. */
static void raw_assert_error(const struct raw_reply *r, long status)
{
    CU_ASSERT_EQUAL(r->status, status);
    json_object *j = json_tokener_parse(buf_cstr(&r->sink.body));
    json_object *code, *msg;
    int ok = j && json_object_object_get_ex(j, "code", &code) &&
             json_object_get_int64(code) == status && json_object_object_get_ex(j, "message", &msg) &&
             json_object_get_string_len(msg) > 0;
    CU_ASSERT_TRUE(ok);
    if (r->status != status || !ok)
        fprintf(stderr, "\nwant %ld, got %ld %s\n", status, r->status, buf_cstr(&r->sink.body));
    if (j)
        json_object_put(j);
}

/* The message of a JSON error reply (static copy). */
static const char *raw_message(const struct raw_reply *r)
{
    static char out[512];
    json_object *j = json_tokener_parse(buf_cstr(&r->sink.body)), *msg;
    snprintf(out, sizeof out, "%s",
             j && json_object_object_get_ex(j, "message", &msg) ? json_object_get_string(msg) : "");
    if (j)
        json_object_put(j);
    return out;
}

/* POST /uploads: the new upload id into id. */
static void start_upload(const char *ds, char id[UUID_STRLEN + 1])
{
    char path[160];
    snprintf(path, sizeof path, "/v2/datasets/%s/uploads", ds);
    struct http_reply r = call("POST", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    const char *u = jstr(r.json, "uploadId");
    CU_ASSERT_TRUE(u && uuid_valid(u) == OK && json_object_object_length(r.json) == 1);
    snprintf(id, UUID_STRLEN + 1, "%s", u ? u : NO_SUCH_UUID);
    itest_reply_free(&r);
}

/* PUT one part with its correct Content-MD5 (hex); asserts the status. */
static void put_part(const char *ds, const char *id, int number, const void *data, size_t n,
                     long want)
{
    char path[256], hdr[64], hex[MD5_HEX_LEN + 1];
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=%d", ds, id, number);
    md5_hex_of(data, n, hex);
    snprintf(hdr, sizeof hdr, "Content-MD5: %s", hex);
    struct raw_reply r;
    raw_http("PUT", path, itest_admin(), data, n, hdr, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.status, want);
    if (r.status != want)
        fprintf(stderr, "\nPUT %s -> %ld %s (want %ld)\n", path, r.status,
                buf_cstr(&r.sink.body), want);
    raw_free(&r);
}

/* POST /assemble (query: extra, e.g. "&partNumber=3"); header h (or NULL). */
static void assemble(const char *ds, const char *id, const char *extra, const char *h,
                     struct raw_reply *out)
{
    char path[256];
    snprintf(path, sizeof path, "/v2/datasets/%s/assemble?uploadId=%s%s", ds, id,
             extra ? extra : "");
    raw_http("POST", path, itest_admin(), NULL, 0, h, NULL, 0, out);
}

/* GET /raw into r (kept in memory). */
static void get_raw(const char *ds, const char *h, struct raw_reply *r)
{
    char path[160];
    snprintf(path, sizeof path, "/v2/datasets/%s/raw", ds);
    raw_http("GET", path, itest_admin(), NULL, 0, h, NULL, 0, r);
}

static long upload_rows(const char *id)
{
    const char *p[] = { id };
    return sql_long("SELECT (SELECT count(*) FROM dataset_uploads WHERE upload_id = $1::uuid) + "
                    "(SELECT count(*) FROM dataset_upload_parts WHERE upload_id = $1::uuid)",
                    1, p);
}

/* ---- create ------------------------------------------------------------- */

static void test_datasets_create_is_201_with_dataset(void)
{
    char u[UUID_STRLEN + 1], name[64], body[512];
    new_uuid(u);
    snprintf(name, sizeof name, "ds-%s.ini", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"ini\",\"content\":\"aGVsbG8=\","
                                "\"tags\":[\"cfg-%s\",\"b\"]}", name, u);
    struct http_reply r = call("POST", "/v2/datasets", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char tag[64];
    snprintf(tag, sizeof tag, "cfg-%s", u);
    const char *const tags[] = { tag, "b", NULL };
    struct want_ds w = { NULL, name, "ini", SHA256_HELLO, 5, NULL, ROOT_UUID, ROOT_UUID, tags };
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    CU_ASSERT_STRING_EQUAL(jstr(r.json, "created") ? jstr(r.json, "created") : "",
                           jstr(r.json, "updated") ? jstr(r.json, "updated") : "?");
    const char *uuid = jstr(r.json, "uuid");
    if (uuid) {
        const char *p[] = { uuid };
        CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 "
                                 "AND content = 'hello'::bytea AND size = 5 "
                                 "AND checksum = sha256('hello'::bytea) AND belongs_to IS NULL "
                                 "AND created_by = '" ROOT_UUID "' AND updated_by = created_by",
                                 1, p), 1);
    }
    itest_reply_free(&r);
}

/* content may be left out or null (the reference stores an empty file);
 * rawdata, NewDataset's other name for it, works as content. */
static void test_datasets_create_without_content_is_empty(void)
{
    char u[UUID_STRLEN + 1], name[64], body[256];
    new_uuid(u);
    snprintf(name, sizeof name, "empty-%s", u);
    struct want_ds w = { NULL, name, "misc", SHA256_EMPTY, 0, NULL, ROOT_UUID, ROOT_UUID, NO_TAGS };
    static const char *const extras[] = { "", ",\"content\":null", ",\"content\":\"\"",
                                          ",\"tags\":null,\"thing_uuid\":null" };
    for (size_t i = 0; i < sizeof extras / sizeof *extras; i++) {
        snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"misc\"%s}", name, extras[i]);
        struct http_reply r = call("POST", "/v2/datasets", itest_admin(), body);
        CU_ASSERT_EQUAL(r.status, 201);
        CU_ASSERT_TRUE(is_dataset(r.json, &w));
        itest_reply_free(&r);
    }
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"misc\",\"rawdata\":\"aGVsbG8=\"}", name);
    struct http_reply r = call("POST", "/v2/datasets", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    w.checksum = SHA256_HELLO;
    w.size = 5;
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    itest_reply_free(&r);
}

static void test_datasets_create_with_thing(void)
{
    char u[UUID_STRLEN + 1], name[64], body[512], thing[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(body, sizeof body, "{\"name\":\"thing-%s\"}", u);
    struct http_reply r = call("POST", "/v2/things", itest_admin(), body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(thing, sizeof thing, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
    snprintf(name, sizeof name, "owned-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"json\",\"content\":\"e30=\","
                                "\"thing_uuid\":\"%s\"}", name, thing);
    r = call("POST", "/v2/datasets", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    char sum[65];
    sha256_hex("{}", 2, sum);
    struct want_ds w = { NULL, name, "json", sum, 2, thing, ROOT_UUID, ROOT_UUID, NO_TAGS };
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    itest_reply_free(&r);
    /* the thing lists it */
    char path[128];
    snprintf(path, sizeof path, "/v2/things/%s/datasets", thing);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) == 1 &&
                   is_dataset(json_object_array_get_idx(r.json, 0), &w));
    itest_reply_free(&r);
    /* the nil UUID is no thing, as in the reference */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"json\","
                                "\"thing_uuid\":\"00000000-0000-0000-0000-000000000000\"}", name);
    r = call("POST", "/v2/datasets", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_TRUE(jnull(r.json, "thing_uuid"));
    itest_reply_free(&r);
    /* a thing that does not exist */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"json\",\"thing_uuid\":\"%s\"}",
             name, NO_SUCH_UUID);
    expect_status("POST", "/v2/datasets", itest_admin(), body, 400);
}

static void test_datasets_create_grants_creator_group_policies(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "pol-%s", u);
    api_dataset(name, "csv", "a,b\n", 4, NULL, ds);
    const char *p[] = { ds };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies WHERE group_uuid = '" ROOT_UUID
                             "' AND priority = 0 AND effect = 'allow' "
                             "AND resource = 'datasets/' || $1 || '/%' "
                             "AND action IN ('create', 'read', 'update', 'delete')", 1, p), 4);
}

/* A user made through the API has a personal group, which gets the
 * policies; a user without one gets none, and the dataset is still made. */
static void test_datasets_create_by_user(void)
{
    char u[UUID_STRLEN + 1], uname[64], body[256], path[128], user[UUID_STRLEN + 1];
    char userpwd[256], ds[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(uname, sizeof uname, "dsu-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", uname);
    struct http_reply r = call("POST", "/v2/users", itest_admin(), body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(user, sizeof user, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);
    snprintf(path, sizeof path, "/v2/users/%s/tokens", user);
    r = call("POST", path, itest_admin(), "{\"name\":\"datasets test\"}");
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(userpwd, sizeof userpwd, "%s:%s", itest_env("ITEST_DOMAIN"), jstr(r.json, "secret"));
    itest_reply_free(&r);

    expect_status("POST", "/v2/datasets", userpwd, "{\"name\":\"never\",\"format\":\"ini\"}", 403);
    grant(user, "allow", "create", "datasets");
    snprintf(body, sizeof body, "{\"name\":\"by-%s\",\"format\":\"yaml\"}", u);
    r = call("POST", "/v2/datasets", userpwd, body);
    CU_ASSERT_EQUAL(r.status, 201);
    snprintf(body, sizeof body, "by-%s", u);
    struct want_ds w = { NULL, body, "yaml", SHA256_EMPTY, 0, NULL, user, user, NO_TAGS };
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    snprintf(ds, sizeof ds, "%s", jstr(r.json, "uuid") ? jstr(r.json, "uuid") : NO_SUCH_UUID);
    itest_reply_free(&r);
    const char *p[] = { ds, uname };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies gp JOIN groups g "
                             "ON g.uuid = gp.group_uuid WHERE g.name = $2 AND gp.effect = 'allow' "
                             "AND gp.resource = 'datasets/' || $1 || '/%'", 2, p), 4);

    char lone[UUID_STRLEN + 1], lonepwd[256];
    make_user(lone, lonepwd, sizeof lonepwd);
    grant(lone, "allow", "create", "datasets");
    snprintf(body, sizeof body, "{\"name\":\"lonely-%s\",\"format\":\"ini\"}", u);
    CU_ASSERT_EQUAL(post_dataset(lonepwd, body, ds), 201);
    const char *q[] = { ds, lone };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND created_by = $2 "
                             "AND updated_by = $2", 2, q), 1);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM group_policies "
                             "WHERE resource LIKE 'datasets/' || $1 || '%'", 1, q), 0);
}

static void test_datasets_create_bad_bodies_are_400(void)
{
    static const char *const bodies[] = {
        "{\"name\":",
        "",
        "[]",
        "null",
        "{}",
        "{\"format\":\"ini\"}",                                /* no name */
        "{\"name\":\"abcd\"}",                                 /* no format */
        "{\"name\":null,\"format\":\"ini\"}",
        "{\"name\":\"abcd\",\"format\":null}",
        "{\"name\":\"ab\",\"format\":\"ini\"}",                /* shorter than 3 */
        "{\"name\":\"abcd\",\"format\":\"exe\"}",              /* not in the enum */
        "{\"name\":\"abcd\",\"format\":\"INI\"}",
        "{\"name\":\"abcd\",\"format\":\"\"}",
        "{\"name\":\"abcd\",\"format\":1}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"content\":\"aGVsbG8\"}",   /* unpadded */
        "{\"name\":\"abcd\",\"format\":\"ini\",\"content\":\"a GVsbG8=\"}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"content\":\"aGVsbG8*\"}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"content\":5}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"content\":[104]}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"content\":\"aGVsbG8=\",\"rawdata\":\"aGVsbG8=\"}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"thing_uuid\":\"nope\"}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"thing_uuid\":5}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"tags\":\"a\"}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"tags\":[1]}",
        "{\"name\":\"abcd\",\"format\":\"ini\",\"size\":5}",   /* unknown field */
        "{\"name\":\"abcd\",\"format\":\"ini\",\"checksum\":\"x\"}",
        "{\"name\":\"ab\\u0000cd\",\"format\":\"ini\"}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("POST", "/v2/datasets", itest_admin(), bodies[i], 400);
}

/* ---- get, update, delete ---------------------------------------------------- */

static void test_datasets_get_returns_dataset(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "get-%s", u);
    api_dataset(name, "toml", "hello", 5, "[\"x\",\"y\",\"x\"]", ds);
    snprintf(path, sizeof path, "/v2/datasets/%s", ds);
    struct http_reply r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    const char *const tags[] = { "x", "y", "x", NULL };
    struct want_ds w = { ds, name, "toml", SHA256_HELLO, 5, NULL, ROOT_UUID, ROOT_UUID, tags };
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    itest_reply_free(&r);
    expect_status("GET", "/v2/datasets/" NO_SUCH_UUID, itest_admin(), NULL, 404);
    expect_status("GET", "/v2/datasets/not-a-uuid", itest_admin(), NULL, 400);
    expect_status("PUT", "/v2/datasets/not-a-uuid", itest_admin(), "{}", 400);
    expect_status("DELETE", "/v2/datasets/1234", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/datasets/1234/raw", itest_admin(), NULL, 400);
    expect_status("POST", "/v2/datasets/1234/uploads", itest_admin(), NULL, 400);
}

static void test_datasets_update_changes_fields_with_204(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], path[128], body[512];
    new_uuid(u);
    snprintf(name, sizeof name, "upd-%s", u);
    api_dataset(name, "ini", "hello", 5, "[\"old\"]", ds);
    snprintf(body, sizeof body, "{\"name\":\"t-%s\"}", u);
    char thing[UUID_STRLEN + 1];
    struct http_reply r = call("POST", "/v2/things", itest_admin(), body);
    CU_ASSERT_EQUAL_FATAL(r.status, 201);
    snprintf(thing, sizeof thing, "%s", jstr(r.json, "uuid"));
    itest_reply_free(&r);

    /* someone else updates: updated_by follows */
    char user[UUID_STRLEN + 1], userpwd[256];
    make_user(user, userpwd, sizeof userpwd);
    snprintf(path, sizeof path, "datasets/%s", ds);
    grant(user, "allow", "update", path);
    snprintf(path, sizeof path, "/v2/datasets/%s", ds);
    snprintf(name, sizeof name, "upd-new-%s", u);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"format\":\"json\",\"content\":\"e30=\","
                                "\"thing_uuid\":\"%s\",\"tags\":[\"n1\",\"n2\"]}", name, thing);
    const char *p[] = { ds };
    sql("UPDATE datasets SET updated = updated - interval '1 hour' WHERE uuid = $1", 1, p);
    r = call("PUT", path, userpwd, body);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    itest_reply_free(&r);
    char sum[65];
    sha256_hex("{}", 2, sum);
    const char *const tags[] = { "n1", "n2", NULL };
    struct want_ds w = { ds, name, "json", sum, 2, thing, ROOT_UUID, user, tags };
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    itest_reply_free(&r);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND content = '{}' "
                             "AND size = 2 AND updated > created", 1, p), 1);

    /* left out or null keeps; {} changes nothing, not even updated */
    const char *before = sql_text("SELECT updated::text FROM datasets WHERE uuid = $1", 1, p);
    char was[64];
    snprintf(was, sizeof was, "%s", before);
    expect_status("PUT", path, itest_admin(), "{}", 204);
    expect_status("PUT", path, itest_admin(),
                  "{\"name\":null,\"format\":null,\"content\":null,\"tags\":null}", 204);
    CU_ASSERT_STRING_EQUAL(sql_text("SELECT updated::text FROM datasets WHERE uuid = $1", 1, p), was);
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_dataset(r.json, &w));
    itest_reply_free(&r);

    /* null detaches the thing; empty content and tags */
    expect_status("PUT", path, itest_admin(), "{\"thing_uuid\":null,\"content\":\"\",\"tags\":[]}",
                  204);
    struct want_ds w2 = { ds, name, "json", SHA256_EMPTY, 0, NULL, ROOT_UUID, ROOT_UUID, NO_TAGS };
    r = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_TRUE(is_dataset(r.json, &w2));
    itest_reply_free(&r);
}

static void test_datasets_update_bad_input(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], path[128];
    new_uuid(u);
    snprintf(name, sizeof name, "updbad-%s", u);
    api_dataset(name, "ini", "hello", 5, NULL, ds);
    snprintf(path, sizeof path, "/v2/datasets/%s", ds);
    static const char *const bodies[] = {
        "", "[]", "{\"name\":\"ab\"}", "{\"format\":\"exe\"}", "{\"content\":\"!!!!\"}",
        "{\"content\":\"aGVsbG8\"}", "{\"thing_uuid\":\"x\"}", "{\"tags\":[null]}",
        "{\"rawdata\":\"aGVsbG8=\"}", "{\"size\":1}",
        "{\"thing_uuid\":\"" NO_SUCH_UUID "\"}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_status("PUT", path, itest_admin(), bodies[i], 400);
    const char *p[] = { ds };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND content = 'hello' "
                             "AND format = 'ini' AND belongs_to IS NULL", 1, p), 1);
    expect_status("PUT", "/v2/datasets/" NO_SUCH_UUID, itest_admin(), "{\"name\":\"abcd\"}", 404);
    expect_status("PUT", "/v2/datasets/" NO_SUCH_UUID, itest_admin(), "{}", 404);
}

static void test_datasets_delete_is_204_then_404(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], path[128], id[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "del-%s", u);
    api_dataset(name, "ini", "hello", 5, NULL, ds);
    start_upload(ds, id);
    put_part(ds, id, 1, "abc", 3, 200);
    snprintf(path, sizeof path, "/v2/datasets/%s", ds);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    expect_status("GET", path, itest_admin(), NULL, 404);
    CU_ASSERT_EQUAL(upload_rows(id), 0); /* its uploads went with it */
}

/* ---- list ----------------------------------------------------------------- */

static void expect_list_any(const char *path, const char *userpwd, const char *want)
{
    struct http_reply r = call("GET", path, userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    char got[4096];
    uuids_of(r.json, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\nGET %s\n  got  %s\n  want %s\n", path, got, want);
    itest_reply_free(&r);
}

static void test_datasets_list_tags_paging_and_order(void)
{
    char u[UUID_STRLEN + 1], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], c[UUID_STRLEN + 1];
    char name[64], tags[128], path[256], want[256];
    new_uuid(u);
    snprintf(name, sizeof name, "lst-b-%s", u);
    snprintf(tags, sizeof tags, "[\"t1-%s\"]", u);
    api_dataset(name, "ini", "1", 1, tags, b);
    snprintf(name, sizeof name, "lst-a-%s", u);
    snprintf(tags, sizeof tags, "[\"t2-%s\",\"t1-%s\"]", u, u);
    api_dataset(name, "ini", "2", 1, tags, a);
    snprintf(name, sizeof name, "lst-c-%s", u);
    snprintf(tags, sizeof tags, "[\"t2-%s\"]", u);
    api_dataset(name, "ini", "3", 1, tags, c);

    snprintf(path, sizeof path, "/v2/datasets?tags=t1-%s", u);
    snprintf(want, sizeof want, "%s,%s", a, b);
    expect_list_any(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/datasets?tags=t1-%s,t2-%s", u, u);
    snprintf(want, sizeof want, "%s,%s,%s", a, b, c);
    expect_list_any(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/datasets?tags=t1-%s&tags=t2-%s&limit=2", u, u);
    snprintf(want, sizeof want, "%s,%s", a, b);
    expect_list_any(path, itest_admin(), want);
    snprintf(path, sizeof path, "/v2/datasets?tags=t1-%s&tags=t2-%s&limit=2&offset=2", u, u);
    expect_list_any(path, itest_admin(), c);
    snprintf(path, sizeof path, "/v2/datasets?tags=none-%s", u);
    expect_list_any(path, itest_admin(), "");

    struct http_reply r = call("GET", "/v2/datasets", itest_admin(), NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array) &&
                   json_object_array_length(r.json) <= 20);
    itest_reply_free(&r);
    expect_status("GET", "/v2/datasets?tags=", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/datasets?limit=0", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/datasets?limit=101", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/datasets?offset=-1", itest_admin(), NULL, 400);
    expect_status("GET", "/v2/datasets?limit=x", itest_admin(), NULL, 400);
}

static void test_datasets_list_shows_only_readable(void)
{
    char u[UUID_STRLEN + 1], a[UUID_STRLEN + 1], b[UUID_STRLEN + 1], name[64], tags[64];
    char path[256], res[128], user[UUID_STRLEN + 1], userpwd[256];
    new_uuid(u);
    snprintf(tags, sizeof tags, "[\"vis-%s\"]", u);
    snprintf(name, sizeof name, "vis-a-%s", u);
    api_dataset(name, "ini", "1", 1, tags, a);
    snprintf(name, sizeof name, "vis-b-%s", u);
    api_dataset(name, "ini", "2", 1, tags, b);
    make_user(user, userpwd, sizeof userpwd);
    snprintf(path, sizeof path, "/v2/datasets?tags=vis-%s", u);
    expect_status("GET", path, userpwd, NULL, 403);
    grant(user, "allow", "read", "datasets");
    expect_list_any(path, userpwd, "");
    snprintf(res, sizeof res, "datasets/%s", b);
    grant(user, "allow", "read", res);
    expect_list_any(path, userpwd, b);
    grant(user, "allow", "read", "datasets/%");
    char both[2 * UUID_STRLEN + 2];
    snprintf(both, sizeof both, "%s,%s", a, b);
    expect_list_any(path, userpwd, both);
    grant(user, "deny", "read", res);
    expect_list_any(path, userpwd, a);
    /* and the single dataset, its content and parts follow the same rules */
    snprintf(path, sizeof path, "/v2/datasets/%s", b);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/datasets/%s/raw", b);
    expect_status("GET", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/datasets/%s/raw", a);
    expect_status("GET", path, userpwd, NULL, 200);
    snprintf(path, sizeof path, "/v2/datasets/%s/uploads", a);
    expect_status("POST", path, userpwd, NULL, 403);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=1", a, NO_SUCH_UUID);
    struct raw_reply r;
    raw_http("PUT", path, userpwd, "x", 1, "Content-MD5: 9dd4e461268c8034f5c8564e155c67a6", NULL, 0, &r);
    raw_assert_error(&r, 403);
    raw_free(&r);
    expect_status("GET", "/v2/datasets", NULL, NULL, 401);
}

/* ---- /raw ------------------------------------------------------------------- */

static void test_datasets_raw_content_type_per_format(void)
{
    static const struct { const char *format, *type; } v[] = {
        { "csv", "text/csv" },           { "ini", "text/plain; charset=utf-8" },
        { "json", "application/json" },  { "misc", "application/octet-stream" },
        { "toml", "application/toml" },  { "xml", "application/xml" },
        { "yaml", "application/yaml" },
    };
    char u[UUID_STRLEN + 1];
    new_uuid(u);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char name[64], ds[UUID_STRLEN + 1], got[128];
        snprintf(name, sizeof name, "fmt-%s-%s", v[i].format, u);
        api_dataset(name, v[i].format, "hello", 5, NULL, ds);
        struct raw_reply r;
        get_raw(ds, NULL, &r);
        CU_ASSERT_EQUAL(r.status, 200);
        CU_ASSERT_TRUE(raw_header(&r, "Content-Type", got, sizeof got) &&
                       strcmp(got, v[i].type) == 0);
        CU_ASSERT_TRUE(raw_header(&r, "ETag", got, sizeof got) &&
                       strcmp(got, "\"" SHA256_HELLO "\"") == 0);
        CU_ASSERT_TRUE(raw_header(&r, "Content-Length", got, sizeof got) && strcmp(got, "5") == 0);
        CU_ASSERT_EQUAL(r.sink.body.len, 5);
        CU_ASSERT_TRUE(r.sink.body.len == 5 && memcmp(r.sink.body.data, "hello", 5) == 0);
        raw_free(&r);
    }
}

static void test_datasets_raw_if_none_match_is_304(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], got[128];
    new_uuid(u);
    snprintf(name, sizeof name, "etag-%s", u);
    api_dataset(name, "json", "hello", 5, NULL, ds);
    static const char *const match[] = {
        "If-None-Match: \"" SHA256_HELLO "\"",
        "If-None-Match: " SHA256_HELLO, /* bare, as the reference compares it */
        "If-None-Match: W/\"" SHA256_HELLO "\"",
        "If-None-Match: \"abc\", \"" SHA256_HELLO "\"",
        "If-None-Match: *",
        "If-None-Match: \"2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824\"",
    };
    for (size_t i = 0; i < sizeof match / sizeof *match; i++) {
        struct raw_reply r;
        get_raw(ds, match[i], &r);
        CU_ASSERT_EQUAL(r.status, 304);
        CU_ASSERT_EQUAL(r.sink.bytes, 0);
        CU_ASSERT_TRUE(raw_header(&r, "ETag", got, sizeof got) &&
                       strcmp(got, "\"" SHA256_HELLO "\"") == 0);
        raw_free(&r);
    }
    static const char *const miss[] = {
        "If-None-Match: \"" SHA256_EMPTY "\"", "If-None-Match: \"\"", "If-None-Match: x",
    };
    for (size_t i = 0; i < sizeof miss / sizeof *miss; i++) {
        struct raw_reply r;
        get_raw(ds, miss[i], &r);
        CU_ASSERT_EQUAL(r.status, 200);
        CU_ASSERT_TRUE(r.sink.body.len == 5 && memcmp(r.sink.body.data, "hello", 5) == 0);
        raw_free(&r);
    }
}

static void test_datasets_raw_head_empty_missing_and_binary(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], path[160], got[128];
    new_uuid(u);
    /* every byte value, NULs included, comes back as stored */
    uint8_t bytes[512];
    for (int i = 0; i < 512; i++)
        bytes[i] = (uint8_t)(i * 37);
    snprintf(name, sizeof name, "bin-%s", u);
    api_dataset(name, "misc", bytes, sizeof bytes, NULL, ds);
    struct raw_reply r;
    get_raw(ds, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(r.sink.body.len == sizeof bytes &&
                   memcmp(r.sink.body.data, bytes, sizeof bytes) == 0);
    raw_free(&r);
    snprintf(path, sizeof path, "/v2/datasets/%s/raw", ds);
    raw_http("HEAD", path, itest_admin(), NULL, 0, NULL, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.sink.bytes, 0);
    CU_ASSERT_TRUE(raw_header(&r, "Content-Length", got, sizeof got) && strcmp(got, "512") == 0);
    raw_free(&r);

    /* empty content: 204, as the reference */
    snprintf(name, sizeof name, "nothing-%s", u);
    CU_ASSERT_EQUAL(post_dataset(itest_admin(), "{\"name\":\"nothing\",\"format\":\"csv\"}", ds), 201);
    get_raw(ds, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.sink.bytes, 0);
    CU_ASSERT_TRUE(raw_header(&r, "ETag", got, sizeof got) &&
                   strcmp(got, "\"" SHA256_EMPTY "\"") == 0);
    raw_free(&r);
    get_raw(NO_SUCH_UUID, NULL, &r);
    raw_assert_error(&r, 404);
    raw_free(&r);
}

/* ---- multipart uploads ------------------------------------------------------ */

/* Parts in any order, listed by number, assembled into the content. */
static void test_datasets_upload_parts_in_any_order(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], id[UUID_STRLEN + 1], path[256];
    new_uuid(u);
    snprintf(name, sizeof name, "mp-%s", u);
    api_dataset(name, "csv", "old", 3, NULL, ds);
    start_upload(ds, id);
    /* three parts of 1 MB, 700 KiB and 5 bytes: two slices to download */
    size_t sizes[3] = { 1000 * 1000, 700 * 1024, 5 };
    size_t total = sizes[0] + sizes[1] + sizes[2];
    uint8_t *all = malloc(total);
    fill(all, total, 7);
    put_part(ds, id, 3, all + sizes[0] + sizes[1], sizes[2], 200);
    put_part(ds, id, 1, all, sizes[0], 200);
    /* a part sent again replaces the first one */
    put_part(ds, id, 2, "wrong", 5, 200);
    put_part(ds, id, 2, all + sizes[0], sizes[1], 200);

    snprintf(path, sizeof path, "/v2/datasets/%s/parts?key=%s", ds, id);
    struct http_reply l = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(l.status, 200);
    CU_ASSERT_TRUE_FATAL(json_object_is_type(l.json, json_type_array) &&
                         json_object_array_length(l.json) == 3);
    size_t off = 0;
    for (int i = 0; i < 3; i++) {
        json_object *p = json_object_array_get_idx(l.json, (size_t)i);
        char hex[MD5_HEX_LEN + 1];
        md5_hex_of(all + off, sizes[i], hex);
        CU_ASSERT_EQUAL(jint(p, "partNumber"), i + 1);
        CU_ASSERT_EQUAL(jint(p, "size"), (long long)sizes[i]);
        CU_ASSERT_TRUE(jstr_is(p, "md5", hex));
        CU_ASSERT_TRUE(is_utc_time(jstr(p, "created")));
        off += sizes[i];
    }
    itest_reply_free(&l);

    char sum[65], got[128];
    sha256_hex(all, total, sum);
    struct raw_reply r;
    assemble(ds, id, NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    json_object *j = json_tokener_parse(buf_cstr(&r.sink.body));
    struct want_ds w = { ds, name, "csv", sum, (long long)total, NULL, ROOT_UUID, ROOT_UUID, NO_TAGS };
    CU_ASSERT_TRUE(is_dataset(j, &w));
    if (j)
        json_object_put(j);
    raw_free(&r);
    CU_ASSERT_EQUAL(upload_rows(id), 0);
    expect_status("GET", path, itest_admin(), NULL, 404);
    const char *p[] = { ds };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND updated > created "
                             "AND size = length(content) AND checksum = sha256(content)", 1, p), 1);

    get_raw(ds, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(r.sink.body.len == total && memcmp(r.sink.body.data, all, total) == 0);
    CU_ASSERT_TRUE(raw_header(&r, "Content-Type", got, sizeof got) && strcmp(got, "text/csv") == 0);
    raw_free(&r);
    free(all);
}

static void test_datasets_part_checks(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], id[UUID_STRLEN + 1], path[320];
    char other[UUID_STRLEN + 1], other_id[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "chk-%s", u);
    api_dataset(name, "ini", "x", 1, NULL, ds);
    api_dataset(name, "ini", "y", 1, NULL, other);
    start_upload(ds, id);
    start_upload(other, other_id);
    struct raw_reply r;
    const char *md5ok = "Content-MD5: " MD5_HELLO;

    /* Content-MD5: required, well-formed, matching; base64 form accepted */
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=1", ds, id);
    raw_http("PUT", path, itest_admin(), "hello", 5, NULL, NULL, 0, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    raw_http("PUT", path, itest_admin(), "hello", 5, "Content-MD5: 5d41402abc4b2a76", NULL, 0, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    raw_http("PUT", path, itest_admin(), "hellO", 5, md5ok, NULL, 0, &r);
    raw_assert_error(&r, 400);
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_message(&r), "BadDigest"));
    raw_free(&r);
    CU_ASSERT_EQUAL(upload_rows(id), 1); /* the upload, no part */
    raw_http("PUT", path, itest_admin(), "hello", 5, "Content-MD5: XUFAKrxLKna5cZ2REBfFkg==", NULL,
             0, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    json_object *j = json_tokener_parse(buf_cstr(&r.sink.body));
    CU_ASSERT_TRUE(jstr_is(j, "message", "OK") && jint(j, "partNumber") == 1 &&
                   jint(j, "size") == 5 && jstr_is(j, "md5", MD5_HELLO));
    if (j)
        json_object_put(j);
    raw_free(&r);
    CU_ASSERT_EQUAL(upload_rows(id), 2);

    /* partNumber: required, 1..10000 */
    static const char *const bad_numbers[] = { "", "&partNumber=", "&partNumber=0",
                                               "&partNumber=10001", "&partNumber=x",
                                               "&partNumber=-1", "&partNumber=1&partNumber=2" };
    for (size_t i = 0; i < sizeof bad_numbers / sizeof *bad_numbers; i++) {
        snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s%s", ds, id, bad_numbers[i]);
        raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
        raw_assert_error(&r, 400);
        raw_free(&r);
    }
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=10000", ds, id);
    raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    raw_free(&r);

    /* the upload id: required, known, of this dataset; key is its other name */
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?partNumber=2", ds);
    raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&key=%s&partNumber=2", ds, id,
             other_id);
    raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    static const char *const unknown[] = { NO_SUCH_UUID, "not-an-upload", "" };
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
        snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=2", ds, unknown[i]);
        raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
        raw_assert_error(&r, 404);
        raw_free(&r);
    }
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=2", ds, other_id);
    raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
    raw_assert_error(&r, 404);
    raw_free(&r);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?key=%s&partNumber=2", ds, id);
    raw_http("PUT", path, itest_admin(), "hello", 5, md5ok, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    raw_free(&r);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s", ds, id);
    struct http_reply l = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(l.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(l.json, json_type_array) &&
                   json_object_array_length(l.json) == 3);
    itest_reply_free(&l);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts", ds);
    expect_status("GET", path, itest_admin(), NULL, 400);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?key=%s", ds, NO_SUCH_UUID);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?key=%s", other, id);
    expect_status("GET", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?key=%s", other, other_id);
    l = call("GET", path, itest_admin(), NULL);
    CU_ASSERT_EQUAL(l.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(l.json, json_type_array) &&
                   json_object_array_length(l.json) == 0);
    itest_reply_free(&l);

    /* more than server.max_body (1 MiB in the test world): 413, nothing kept */
    size_t big = MIB + 1;
    uint8_t *data = malloc(big);
    fill(data, big, 3);
    char hdr[64], hex[MD5_HEX_LEN + 1];
    md5_hex_of(data, big, hex);
    snprintf(hdr, sizeof hdr, "Content-MD5: %s", hex);
    snprintf(path, sizeof path, "/v2/datasets/%s/parts?uploadId=%s&partNumber=5", ds, id);
    raw_http("PUT", path, itest_admin(), data, big, hdr, NULL, 0, &r);
    raw_assert_error(&r, 413);
    raw_free(&r);
    free(data);
    const char *p[] = { id };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM dataset_upload_parts WHERE upload_id = $1 "
                             "AND part_number = 5", 1, p), 0);
    /* a dataset that does not exist has no uploads */
    expect_status("POST", "/v2/datasets/" NO_SUCH_UUID "/uploads", itest_admin(), NULL, 404);
}

static void test_datasets_assemble_bad_input_changes_nothing(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], id[UUID_STRLEN + 1];
    new_uuid(u);
    snprintf(name, sizeof name, "asm-%s", u);
    api_dataset(name, "ini", "hello", 5, NULL, ds);
    start_upload(ds, id);
    struct raw_reply r;
    /* no parts */
    assemble(ds, id, NULL, NULL, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    /* a gap: part 2 is named */
    put_part(ds, id, 1, "aaa", 3, 200);
    put_part(ds, id, 3, "ccc", 3, 200);
    assemble(ds, id, NULL, NULL, &r);
    raw_assert_error(&r, 400);
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_message(&r), "part 2"));
    raw_free(&r);
    put_part(ds, id, 2, "bbb", 3, 200);
    /* partNumber beyond the parts: the first missing one is named */
    assemble(ds, id, "&partNumber=5", NULL, &r);
    raw_assert_error(&r, 400);
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_message(&r), "part 4"));
    raw_free(&r);
    assemble(ds, id, "&partNumber=0", NULL, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    /* the whole content's Content-MD5: malformed or not matching */
    assemble(ds, id, NULL, "Content-MD5: nope", &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    assemble(ds, id, NULL, "Content-MD5: " MD5_HELLO, &r);
    raw_assert_error(&r, 400);
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_message(&r), "BadDigest"));
    raw_free(&r);
    /* unknown or other upload ids */
    assemble(ds, NO_SUCH_UUID, NULL, NULL, &r);
    raw_assert_error(&r, 404);
    raw_free(&r);
    assemble(NO_SUCH_UUID, id, NULL, NULL, &r);
    raw_assert_error(&r, 404);
    raw_free(&r);
    char path[256];
    snprintf(path, sizeof path, "/v2/datasets/%s/assemble", ds);
    raw_http("POST", path, itest_admin(), NULL, 0, NULL, NULL, 0, &r);
    raw_assert_error(&r, 400);
    raw_free(&r);
    /* nothing of it reached the dataset; every part is still there */
    const char *p[] = { ds, id };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND content = 'hello' "
                             "AND checksum = sha256('hello'::bytea) AND size = 5", 1, p), 1);
    CU_ASSERT_EQUAL(upload_rows(id), 4);

    /* partNumber=2 joins parts 1 and 2 only; the matching MD5 passes */
    char hex[MD5_HEX_LEN + 1], hdr[64], sum[65];
    md5_hex_of("aaabbb", 6, hex);
    snprintf(hdr, sizeof hdr, "Content-MD5: %s", hex);
    assemble(ds, id, "&partNumber=2", hdr, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    json_object *j = json_tokener_parse(buf_cstr(&r.sink.body));
    sha256_hex("aaabbb", 6, sum);
    CU_ASSERT_TRUE(jstr_is(j, "checksum", sum) && jint(j, "size") == 6);
    if (j)
        json_object_put(j);
    raw_free(&r);
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND content = 'aaabbb' "
                             "AND $2::uuid IS NOT NULL", 2, p), 1);
    CU_ASSERT_EQUAL(upload_rows(id), 0);
    /* assembled: the upload is gone */
    assemble(ds, id, NULL, NULL, &r);
    raw_assert_error(&r, 404);
    raw_free(&r);
}

static void test_datasets_abort_twice_is_404(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], id[UUID_STRLEN + 1], path[256];
    new_uuid(u);
    snprintf(name, sizeof name, "abort-%s", u);
    api_dataset(name, "ini", "keep", 4, NULL, ds);
    start_upload(ds, id);
    put_part(ds, id, 1, "abc", 3, 200);
    put_part(ds, id, 2, "def", 3, 200);
    CU_ASSERT_EQUAL(upload_rows(id), 3);
    snprintf(path, sizeof path, "/v2/datasets/%s/uploads?key=%s", NO_SUCH_UUID, id);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/datasets/%s/uploads", ds);
    expect_status("DELETE", path, itest_admin(), NULL, 400);
    snprintf(path, sizeof path, "/v2/datasets/%s/uploads?key=%s", ds, id);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
    CU_ASSERT_EQUAL(upload_rows(id), 0);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    snprintf(path, sizeof path, "/v2/datasets/%s/uploads?uploadId=%s", ds, id);
    expect_status("DELETE", path, itest_admin(), NULL, 404);
    put_part(ds, id, 3, "ghi", 3, 404);
    const char *p[] = { ds };
    CU_ASSERT_EQUAL(sql_long("SELECT count(*) FROM datasets WHERE uuid = $1 AND content = 'keep'",
                             1, p), 1);
}

/* ---- 100 MB ------------------------------------------------------------------- */

/* Peak resident memory (VmHWM, KiB) of the biggest responder of the pool. */
static long pool_peak_kib(void)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/run/selfserv.pid", itest_env("ITEST_DIR"));
    FILE *f = fopen(path, "r");
    long parent = 0, peak = -1;
    if (!f || fscanf(f, "%ld", &parent) != 1) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long pid = strtol(e->d_name, NULL, 10), ppid = 0, hwm = -1;
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/status", pid);
        if (!(f = fopen(path, "r")))
            continue;
        while (fgets(line, sizeof line, f)) {
            sscanf(line, "PPid: %ld", &ppid);
            sscanf(line, "VmHWM: %ld", &hwm);
        }
        fclose(f);
        if (ppid == parent && hwm > peak)
            peak = hwm;
    }
    if (d)
        closedir(d);
    return peak;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

#define BIG_PART 1000000 /* under the test world's 1 MiB max_body */
#define BIG_PARTS 105    /* 105 MB */

static void test_datasets_100mb_in_parts_round_trips(void)
{
    char u[UUID_STRLEN + 1], name[64], ds[UUID_STRLEN + 1], id[UUID_STRLEN + 1], path[160];
    new_uuid(u);
    snprintf(name, sizeof name, "big-%s", u);
    api_dataset(name, "misc", "", 0, NULL, ds);
    start_upload(ds, id);
    double t0 = now_s();
    uint8_t *part = malloc(BIG_PART);
    crypto_hash_sha256_state sent;
    crypto_hash_sha256_init(&sent);
    /* parts go up from the last to the first */
    for (int i = BIG_PARTS; i >= 1; i--) {
        fill(part, BIG_PART, (uint64_t)i);
        put_part(ds, id, i, part, BIG_PART, 200);
    }
    for (int i = 1; i <= BIG_PARTS; i++) {
        fill(part, BIG_PART, (uint64_t)i);
        crypto_hash_sha256_update(&sent, part, BIG_PART);
    }
    free(part);
    uint8_t digest[32];
    char want[65];
    crypto_hash_sha256_final(&sent, digest);
    for (int i = 0; i < 32; i++)
        sprintf(want + 2 * i, "%02x", digest[i]);
    double t1 = now_s();

    struct raw_reply r;
    assemble(ds, id, NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    json_object *j = json_tokener_parse(buf_cstr(&r.sink.body));
    CU_ASSERT_TRUE(jstr_is(j, "checksum", want));
    CU_ASSERT_EQUAL(jint(j, "size"), (long long)BIG_PART * BIG_PARTS);
    if (j)
        json_object_put(j);
    raw_free(&r);
    CU_ASSERT_EQUAL(upload_rows(id), 0);
    double t2 = now_s();

    snprintf(path, sizeof path, "/v2/datasets/%s/raw", ds);
    raw_http("GET", path, itest_admin(), NULL, 0, NULL, NULL, 1, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.sink.bytes, (size_t)BIG_PART * BIG_PARTS);
    crypto_hash_sha256_final(&r.sink.sha, digest);
    char got[65];
    for (int i = 0; i < 32; i++)
        sprintf(got + 2 * i, "%02x", digest[i]);
    CU_ASSERT_STRING_EQUAL(got, want);
    raw_free(&r);
    double t3 = now_s();

    /* a rename leaves the 105 MB alone (no content in the update) */
    char body[128];
    snprintf(body, sizeof body, "{\"name\":\"big-renamed-%s\"}", u);
    snprintf(path, sizeof path, "/v2/datasets/%s", ds);
    expect_status("PUT", path, itest_admin(), body, 204);
    double t4 = now_s();

    /* no responder ever held the dataset: its peak stays far below 105 MB */
    long peak = pool_peak_kib();
    fprintf(stderr, "\n100 MB: upload %.1fs, assemble %.1fs, download %.1fs, rename %.2fs, "
                    "responder peak %ld KiB\n", t1 - t0, t2 - t1, t3 - t2, t4 - t3, peak);
#ifndef SELFHOST_SANITIZED_BUILD /* AddressSanitizer's shadow and quarantine inflate the peak */
    CU_ASSERT_TRUE(peak > 0 && peak < 64 * 1024);
#endif
    CU_ASSERT_TRUE(t4 - t0 < 60);
    expect_status("DELETE", path, itest_admin(), NULL, 204);
}

/* ---- registration ------------------------------------------------------- */

static int suite_init(void)
{
    PGconn *db = itest_db();
    return PQstatus(db) == CONNECTION_OK && sodium_init() >= 0 ? 0 : 1;
}

static int suite_clean(void)
{
    itest_db_close();
    if (shared_curl)
        curl_easy_cleanup(shared_curl);
    return 0;
}

void register_tests(void);
void register_tests(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CU_pSuite s = CU_add_suite("api_datasets", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(datasets_create_is_201_with_dataset);
    T(datasets_create_without_content_is_empty);
    T(datasets_create_with_thing);
    T(datasets_create_grants_creator_group_policies);
    T(datasets_create_by_user);
    T(datasets_create_bad_bodies_are_400);
    T(datasets_get_returns_dataset);
    T(datasets_update_changes_fields_with_204);
    T(datasets_update_bad_input);
    T(datasets_delete_is_204_then_404);
    T(datasets_list_tags_paging_and_order);
    T(datasets_list_shows_only_readable);
    T(datasets_raw_content_type_per_format);
    T(datasets_raw_if_none_match_is_304);
    T(datasets_raw_head_empty_missing_and_binary);
    T(datasets_upload_parts_in_any_order);
    T(datasets_part_checks);
    T(datasets_assemble_bad_input_changes_nothing);
    T(datasets_abort_twice_is_404);
    T(datasets_100mb_in_parts_round_trips);
#undef T
}
