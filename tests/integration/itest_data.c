/* itest_data.c — see itest_data.h. */
#include "itest_data.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

static PGconn *db;

PGconn *itest_db(void)
{
    if (!db) {
        char uri[1024];
        snprintf(uri, sizeof uri, "postgresql:///itest_main?host=%s&user=postgres",
                 itest_env("ITEST_PGHOST"));
        db = PQconnectdb(uri);
    }
    return db;
}

void itest_db_close(void)
{
    if (db)
        PQfinish(db);
    db = NULL;
}

PGresult *sql_res(const char *query, int nparams, const char *const *params)
{
    PGconn *c = itest_db();
    PGresult *res = PQexecParams(c, query, nparams, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "sql failed: %s\n", PQerrorMessage(c));
    CU_ASSERT_TRUE(ok);
    return res;
}

void sql(const char *query, int nparams, const char *const *params)
{
    PQclear(sql_res(query, nparams, params));
}

long sql_long(const char *query, int nparams, const char *const *params)
{
    PGresult *res = sql_res(query, nparams, params);
    long v = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? strtol(PQgetvalue(res, 0, 0), NULL, 10)
                                                            : -1;
    PQclear(res);
    return v;
}

void new_uuid(char out[UUID_STRLEN + 1])
{
    struct uuid u;
    uuid_v4(&u);
    uuid_format(&u, out);
}

void add_token(const char *user, const char *label, char *userpwd, size_t n)
{
    char secret[TOKEN_MAX], hex[2 * TOKEN_HASH_LEN + 3];
    token_generate(secret);
    uint8_t hash[TOKEN_HASH_LEN];
    token_hash(secret, strlen(secret), hash);
    strcpy(hex, "\\x");
    for (int i = 0; i < TOKEN_HASH_LEN; i++)
        sprintf(hex + 2 + 2 * i, "%02x", hash[i]);
    const char *p[] = { user, label, hex };
    sql("INSERT INTO user_tokens(user_uuid, name, token_hash) VALUES ($1, $2, $3::bytea)", 3, p);
    snprintf(userpwd, n, "%s:%s", itest_env("ITEST_DOMAIN"), secret);
}

void make_user(char uuid[UUID_STRLEN + 1], char *userpwd, size_t n)
{
    new_uuid(uuid);
    char name[64];
    snprintf(name, sizeof name, "itest-%s", uuid);
    const char *p1[] = { uuid, name };
    sql("INSERT INTO users(uuid, name) VALUES ($1, $2)", 2, p1);
    add_token(uuid, "itest", userpwd, n);
}

void grant(const char *user, const char *effect, const char *action, const char *resource)
{
    char gname[64];
    snprintf(gname, sizeof gname, "ug-%s", user);
    const char *p[] = { gname, user, effect, action, resource };
    sql("WITH g AS (INSERT INTO groups(name) VALUES ($1) "
        "           ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING uuid), "
        "m AS (INSERT INTO user_groups(user_uuid, group_uuid) SELECT $2::uuid, uuid FROM g "
        "      ON CONFLICT DO NOTHING) "
        "INSERT INTO group_policies(group_uuid, effect, action, resource) "
        "SELECT uuid, $3::policy_effect, $4::policy_action, $5 FROM g",
        5, p);
}

struct http_reply call_as(const char *method, const char *path, const char *userpwd,
                          const char *body, const char *content_type)
{
    struct http_reply r;
    CU_ASSERT_EQUAL(itest_http(method, path, userpwd, body, content_type, &r), 0);
    return r;
}

struct http_reply call(const char *method, const char *path, const char *userpwd, const char *body)
{
    return call_as(method, path, userpwd, body, body ? "application/json" : NULL);
}

void expect_status_as(const char *method, const char *path, const char *userpwd, const char *body,
                      const char *content_type, long status)
{
    struct http_reply r = call_as(method, path, userpwd, body, content_type);
    if (status >= 400)
        itest_assert_error(&r, status);
    else
        CU_ASSERT_EQUAL(r.status, status);
    if (r.status != status)
        fprintf(stderr, "\n%s %s %.200s -> %ld %s (want %ld)\n", method, path, body ? body : "",
                r.status, r.body, status);
    itest_reply_free(&r);
}

void expect_status(const char *method, const char *path, const char *userpwd, const char *body,
                   long status)
{
    expect_status_as(method, path, userpwd, body, body ? "application/json" : NULL, status);
}

long status_of(const char *method, const char *path, const char *userpwd, const char *body)
{
    struct http_reply r;
    if (itest_http(method, path, userpwd, body, body ? "application/json" : NULL, &r) != 0)
        return -1;
    long s = r.status;
    if (s >= 400)
        itest_assert_error(&r, s);
    itest_reply_free(&r);
    return s;
}

const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int jstr_is(json_object *o, const char *key, const char *want)
{
    const char *s = jstr(o, key);
    return s && strcmp(s, want) == 0;
}

long long jint(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return -999;
    return (long long)json_object_get_int64(v);
}

int jint_is(json_object *o, const char *key, long long want)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int) &&
           json_object_get_int64(v) == want;
}

double jnum(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : NAN;
}

int jnull(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && v == NULL;
}

int jstrings_are(json_object *o, const char *key, const char *const *want)
{
    json_object *arr;
    if (!o || !json_object_object_get_ex(o, key, &arr) || !json_object_is_type(arr, json_type_array))
        return 0;
    size_t n = 0;
    while (want[n])
        n++;
    if (json_object_array_length(arr) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(item, json_type_string) ||
            strcmp(json_object_get_string(item), want[i]) != 0)
            return 0;
    }
    return 1;
}

void uuids_of(json_object *arr, char *out, size_t n)
{
    out[0] = '\0';
    if (!json_object_is_type(arr, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        const char *u = jstr(json_object_array_get_idx(arr, i), "uuid");
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", i ? "," : "", u ? u : "?");
    }
}

void expect_list(const char *path, const char *userpwd, const char *want)
{
    struct http_reply r = call("GET", path, userpwd, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(json_object_is_type(r.json, json_type_array));
    char got[8192];
    uuids_of(r.json, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\nGET %s\n  got  %s\n  want %s\n", path, got, want);
    itest_reply_free(&r);
}

const char *uname(const char *prefix)
{
    static char names[16][64];
    static int next;
    char s[UUID_STRLEN + 1];
    new_uuid(s);
    char *out = names[next++ % 16];
    snprintf(out, 64, "%s-%.8s", prefix, s);
    return out;
}
