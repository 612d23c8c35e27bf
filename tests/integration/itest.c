/* itest.c — integration test helpers (see itest.h). */
#include "itest.h"

#include <CUnit/CUnit.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

static char env_lines[64][1024];
static int env_count = -1;

static void env_load(void)
{
    const char *path = getenv("ITEST_ENV");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        fprintf(stderr, "itest: cannot read ITEST_ENV (%s); run through ctest\n",
                path ? path : "unset");
        exit(1);
    }
    env_count = 0;
    while (env_count < 64 && fgets(env_lines[env_count], sizeof env_lines[0], f)) {
        env_lines[env_count][strcspn(env_lines[env_count], "\n")] = '\0';
        env_count++;
    }
    fclose(f);
}

const char *itest_env(const char *key)
{
    if (env_count < 0)
        env_load();
    size_t n = strlen(key);
    for (int i = 0; i < env_count; i++)
        if (strncmp(env_lines[i], key, n) == 0 && env_lines[i][n] == '=')
            return env_lines[i] + n + 1;
    fprintf(stderr, "itest: %s missing from itest.env\n", key);
    exit(1);
}

const char *itest_admin(void)
{
    static char userpwd[512];
    snprintf(userpwd, sizeof userpwd, "%s:%s", itest_env("ITEST_DOMAIN"), itest_env("ITEST_TOKEN"));
    return userpwd;
}

static size_t collect(char *data, size_t size, size_t n, void *ctx)
{
    buf_append(ctx, data, size * n);
    return size * n;
}

static int request(const char *method, const char *path, const char *userpwd,
                   const char *authorization, const char *body, const char *content_type,
                   struct http_reply *out)
{
    memset(out, 0, sizeof *out);
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    char url[2048];
    snprintf(url, sizeof url, "%s%s", itest_env("ITEST_URL"), path);
    buf_t b = BUF_INIT, h = BUF_INIT;
    struct curl_slist *hdrs = NULL;
    char line[4200];
    if (authorization) {
        snprintf(line, sizeof line, "Authorization: %s", authorization);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type);
        hdrs = curl_slist_append(hdrs, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (userpwd)
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    out->body = buf_steal(&b, &out->body_len);
    size_t hl;
    out->headers = buf_steal(&h, &hl);
    char ct[256];
    if (itest_header(out, "Content-Type", ct, sizeof ct) && strstr(ct, "application/json"))
        out->json = json_tokener_parse(out->body);
    if (rc != CURLE_OK)
        fprintf(stderr, "itest: %s %s: %s\n", method, path, curl_easy_strerror(rc));
    return rc == CURLE_OK ? 0 : -1;
}

int itest_http(const char *method, const char *path, const char *userpwd, const char *body,
               const char *content_type, struct http_reply *out)
{
    return request(method, path, userpwd, NULL, body, content_type, out);
}

int itest_http_auth(const char *method, const char *path, const char *authorization,
                    const char *body, const char *content_type, struct http_reply *out)
{
    return request(method, path, NULL, authorization, body, content_type, out);
}

const char *itest_header(const struct http_reply *r, const char *name, char *buf, size_t n)
{
    size_t len = strlen(name);
    for (const char *p = r->headers; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
        if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
            const char *v = p + len + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            snprintf(buf, n, "%.*s", (int)vl, v);
            return buf;
        }
    }
    return NULL;
}

void itest_reply_free(struct http_reply *r)
{
    free(r->body);
    free(r->headers);
    if (r->json)
        json_object_put(r->json);
    memset(r, 0, sizeof *r);
}

void itest_assert_error(const struct http_reply *r, long status)
{
    CU_ASSERT_EQUAL(r->status, status);
    char ct[256];
    CU_ASSERT_PTR_NOT_NULL(itest_header(r, "Content-Type", ct, sizeof ct));
    CU_ASSERT_PTR_NOT_NULL(r->json);
    if (!r->json)
        return;
    json_object *code, *message;
    CU_ASSERT_TRUE(json_object_object_get_ex(r->json, "code", &code));
    CU_ASSERT_TRUE(json_object_object_get_ex(r->json, "message", &message));
    CU_ASSERT_EQUAL(json_object_get_int64(code), status);
    CU_ASSERT_TRUE(json_object_is_type(message, json_type_string) &&
                   json_object_get_string_len(message) > 0);
}
