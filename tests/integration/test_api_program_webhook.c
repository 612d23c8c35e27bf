/* test_api_program_webhook.c — POST /v2/programs/{uuid}/webhook through
 * nginx and the selfserv pool, in a world where no program manager
 * listens ([manager] socket is a path in the world's folder that nobody
 * binds): every call that gets as far as the manager is 503 "No program
 * manager is available", whatever its body, Content-Type, query or
 * headers. What is decided before the manager is asked is exact: 404
 * unknown or inactive program, 400 not a webhook, 413 for a body over
 * [programs] webhook_max_body (65536 in the world's configuration), with
 * and without a Content-Length; 401/403/405 as for every route. Then a
 * fake manager on the world's socket answers with scripted frames: a reply
 * of an unknown type or with a bad member is refused with 502 (never
 * half-used), good ones become the answer. The webhook answered by a real
 * manager and its workers is tested where they are started. */
#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "frame.h"
#include "itest.h"
#include "itest_data.h"
#include "status.h"
#include "uuid.h"

#define NO_SUCH_UUID "5a8d3e0c-0000-4000-8000-00000000dead"
#define WEBHOOK_MAX_BODY 65536 /* harness.sh */
#define NO_MANAGER "{\"code\":503,\"message\":\"No program manager is available\"}\n"
#define TOO_LARGE "{\"code\":413,\"message\":\"Request Entity Too Large: a webhook body is " \
                  "limited to 65536 bytes\"}\n"

/* ---- helpers ------------------------------------------------------------ */

/* A program made by the admin through the API; path gets its webhook path. */
static void program(const char *type, const char *state, char path[128])
{
    char u[UUID_STRLEN + 1], body[512];
    new_uuid(u);
    snprintf(body, sizeof body,
             "{\"name\":\"hook-%s\",\"type\":\"%s\",\"state\":\"%s\",\"schedule\":\"@every 60s\","
             "\"deadline\":500,\"language\":\"tengo\"}", u, type, state);
    struct http_reply r = call("POST", "/v2/programs", itest_admin(), body);
    CU_ASSERT_EQUAL(r.status, 201);
    const char *uuid = jstr(r.json, "uuid");
    snprintf(path, 128, "/v2/programs/%s/webhook", uuid ? uuid : NO_SUCH_UUID);
    itest_reply_free(&r);
}

/* POST as the admin; asserts status and the exact body. */
static void expect_body(const char *path, const char *body, const char *content_type, long status,
                        const char *want)
{
    struct http_reply r = call_as("POST", path, itest_admin(), body, content_type);
    itest_assert_error(&r, status);
    CU_ASSERT_TRUE(r.body && strcmp(r.body, want) == 0);
    if (!r.body || strcmp(r.body, want) != 0)
        fprintf(stderr, "\nPOST %s -> %ld %s (want %s)\n", path, r.status, r.body, want);
    itest_reply_free(&r);
}

static char *bytes(size_t n, char c)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

struct upload {
    size_t left;
};

static size_t upload_read(char *buf, size_t size, size_t nitems, void *ctx)
{
    struct upload *u = ctx;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memset(buf, 'x', n);
    u->left -= n;
    return n;
}

static size_t sink(char *data, size_t size, size_t n, void *ctx)
{
    buf_t *b = ctx;
    buf_append(b, data, size * n);
    return size * n;
}

/* POST n bytes with Transfer-Encoding: chunked (no Content-Length) and
 * extra headers; *body gets the reply body (caller frees). */
static long post_chunked(const char *path, size_t n, char **body)
{
    CURL *c = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "%s%s", itest_env("ITEST_URL"), path);
    struct upload u = { n };
    buf_t out = BUF_INIT;
    struct curl_slist *h = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    h = curl_slist_append(h, "Content-Type: application/octet-stream");
    h = curl_slist_append(h, "X-Hook-Test: yes");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_USERPWD, itest_admin());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    long status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    *body = buf_steal(&out, NULL);
    return status;
}

/* ---- tests -------------------------------------------------------------- */

static void test_webhook_without_a_manager_is_503_json(void)
{
    char path[128], query[200];
    program("webhook", "active", path);
    expect_body(path, "{\"any\":\"thing\"}", "application/json", 503, NO_MANAGER);
    expect_body(path, NULL, NULL, 503, NO_MANAGER);
    expect_body(path, "", "text/plain", 503, NO_MANAGER);
    expect_body(path, "a=1&b=2", "application/x-www-form-urlencoded", 503, NO_MANAGER);
    expect_body(path, "\x01\x02 not json", "application/octet-stream", 503, NO_MANAGER);
    snprintf(query, sizeof query, "%s?x=1&y=%%20z&flag", path);
    expect_body(query, "{}", "application/json", 503, NO_MANAGER);
}

static void test_webhook_body_at_the_limit_is_read_and_over_it_is_413(void)
{
    char path[128];
    program("webhook", "active", path);
    char *at = bytes(WEBHOOK_MAX_BODY, 'a'), *over = bytes(WEBHOOK_MAX_BODY + 1, 'a');
    expect_body(path, at, "application/octet-stream", 503, NO_MANAGER);
    expect_body(path, over, "application/octet-stream", 413, TOO_LARGE);
    expect_body(path, over, "text/plain", 413, TOO_LARGE);
    free(at);
    free(over);
    char *big = bytes(900000, 'b'); /* under server.max_body (1 MiB), far over the limit */
    expect_body(path, big, "application/json", 413, TOO_LARGE);
    free(big);
}

static void test_webhook_chunked_body_without_length_is_limited_too(void)
{
    char path[128], *body;
    program("webhook", "active", path);
    CU_ASSERT_EQUAL(post_chunked(path, 1000, &body), 503);
    CU_ASSERT_STRING_EQUAL(body, NO_MANAGER);
    free(body);
    CU_ASSERT_EQUAL(post_chunked(path, WEBHOOK_MAX_BODY, &body), 503);
    CU_ASSERT_STRING_EQUAL(body, NO_MANAGER);
    free(body);
    CU_ASSERT_EQUAL(post_chunked(path, WEBHOOK_MAX_BODY + 1, &body), 413);
    CU_ASSERT_STRING_EQUAL(body, TOO_LARGE);
    free(body);
}

static void test_webhook_of_unknown_inactive_or_non_webhook_programs(void)
{
    char path[128];
    expect_body("/v2/programs/" NO_SUCH_UUID "/webhook", NULL, NULL, 404,
                "{\"code\":404,\"message\":\"The requested resource does not exist\"}\n");
    program("routine", "active", path);
    expect_body(path, "{}", "application/json", 400,
                "{\"code\":400,\"message\":\"The program is not a webhook\"}\n");
    program("module", "active", path);
    expect_body(path, NULL, NULL, 400, "{\"code\":400,\"message\":\"The program is not a webhook\"}\n");
    program("webhook", "inactive", path);
    expect_body(path, "{}", "application/json", 404,
                "{\"code\":404,\"message\":\"The webhook program is not active\"}\n");
    program("webhook", "failed", path);
    expect_body(path, NULL, NULL, 404,
                "{\"code\":404,\"message\":\"The webhook program is not active\"}\n");
    /* the program is checked before the body is read */
    char *over = bytes(WEBHOOK_MAX_BODY + 1, 'a');
    expect_body("/v2/programs/" NO_SUCH_UUID "/webhook", over, "text/plain", 404,
                "{\"code\":404,\"message\":\"The requested resource does not exist\"}\n");
    free(over);
    expect_status("POST", "/v2/programs/not-a-uuid/webhook", itest_admin(), NULL, 400);
}

static void test_webhook_other_methods_405_no_credentials_401_no_policy_403(void)
{
    char path[128], user[UUID_STRLEN + 1], userpwd[256], resource[128];
    program("webhook", "active", path);
    expect_status("GET", path, itest_admin(), NULL, 405);
    expect_status("PUT", path, itest_admin(), "{}", 405);
    expect_status("DELETE", path, itest_admin(), NULL, 405);
    expect_status("POST", path, NULL, "{}", 401);
    make_user(user, userpwd, sizeof userpwd);
    expect_status("POST", path, userpwd, "{}", 403);
    /* reading the program is not calling its webhook */
    snprintf(resource, sizeof resource, "%.*s", (int)(strlen(path) - strlen("/webhook") - 4),
             path + 4);
    grant(user, "allow", "read", resource);
    expect_status("POST", path, userpwd, "{}", 403);
    snprintf(resource + strlen(resource), sizeof resource - strlen(resource), "/webhook");
    grant(user, "allow", "create", resource);
    expect_status("POST", path, userpwd, "{}", 503);
}

/* A fake manager on the world's [manager] socket: a child that takes n
 * connections, reads each one's webhook frame and answers replies[i]. The
 * socket is removed again by fake_manager_stop. */
static char fake_path[256];

static pid_t fake_manager(const char *const *replies, size_t n)
{
    snprintf(fake_path, sizeof fake_path, "%s/run/selfpmgr.sock", itest_env("ITEST_DIR"));
    struct sockaddr_un sa;
    CU_ASSERT_FATAL(frame_unix_addr(fake_path, &sa) == OK);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(fake_path);
    CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&sa, sizeof sa) == 0);
    chmod(fake_path, 0666); /* selfserv runs as the service user */
    CU_ASSERT_FATAL(listen(lfd, 8) == 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        for (size_t i = 0; i < n; i++) {
            int fd = accept(lfd, NULL, NULL);
            struct frame_reader *fr = frame_reader_new(0);
            const char *d;
            size_t len;
            int rc = frame_read(fr, fd, &d, &len); /* blocking: the whole webhook frame */
            if (rc == FRAME_OK && strstr(d, "\"type\":\"webhook\"") != NULL)
                frame_write(fd, replies[i], strlen(replies[i]), 2000);
            frame_reader_free(fr);
            close(fd);
        }
        _exit(0);
    }
    close(lfd);
    return pid;
}

static void fake_manager_stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    unlink(fake_path);
}

static void test_webhook_bad_replies_of_the_manager_are_502(void)
{
    static const char *const replies[] = {
        "{\"type\":\"surprise\",\"status\":200}",
        "{\"type\":\"webhook_result\",\"status\":201,\"body_b64\":\"\"}",
        "{\"type\":\"webhook_result\",\"status\":\"201\",\"headers\":{},\"body_b64\":\"\"}",
        "{\"type\":\"webhook_result\",\"status\":201,\"headers\":{\"x-a\":1},\"body_b64\":\"\"}",
        "{\"type\":\"webhook_result\",\"status\":201,\"headers\":{},\"body_b64\":\"!!\"}",
        "{\"type\":\"webhook_result\",\"status\":99,\"headers\":{},\"body_b64\":\"\"}",
        "{\"type\":\"error\",\"status\":404}",
        "{\"type\":\"error\",\"status\":404,\"message\":\"m\",\"retry_after\":\"1\"}",
        "{\"type\":\"error\",\"status\":200,\"message\":\"fine\"}",
    };
    size_t n = sizeof replies / sizeof *replies;
    char path[128];
    program("webhook", "active", path);
    pid_t pid = fake_manager(replies, n);
    for (size_t i = 0; i < n; i++) {
        struct http_reply r = call("POST", path, itest_admin(), "{}");
        itest_assert_error(&r, 502);
        if (r.status != 502)
            fprintf(stderr, "\nreply %s -> %ld %s (want 502)\n", replies[i], r.status, r.body);
        itest_reply_free(&r);
    }
    fake_manager_stop(pid);
}

static void test_webhook_good_replies_of_the_manager_are_the_answer(void)
{
    static const char *const replies[] = {
        "{\"type\":\"webhook_result\",\"status\":201,\"headers\":{\"X-Hook\":\"yes\"},"
        "\"body_b64\":\"aGk=\",\"from_a_newer_manager\":true}",
        "{\"type\":\"error\",\"status\":409,\"message\":\"The webhook program has no signed "
        "revision\"}",
        "{\"type\":\"error\",\"status\":503,\"message\":\"busy\",\"retry_after\":7}",
    };
    char path[128], h[64];
    program("webhook", "active", path);
    pid_t pid = fake_manager(replies, 3);
    struct http_reply r = call("POST", path, itest_admin(), "{}");
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT(r.body && strcmp(r.body, "hi") == 0);
    CU_ASSERT(itest_header(&r, "X-Hook", h, sizeof h) && strcmp(h, "yes") == 0);
    itest_reply_free(&r);
    r = call("POST", path, itest_admin(), "{}");
    itest_assert_error(&r, 409);
    CU_ASSERT(r.body && strstr(r.body, "no signed revision") != NULL);
    itest_reply_free(&r);
    r = call("POST", path, itest_admin(), "{}");
    itest_assert_error(&r, 503);
    CU_ASSERT(itest_header(&r, "Retry-After", h, sizeof h) && strcmp(h, "7") == 0);
    itest_reply_free(&r);
    fake_manager_stop(pid);
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
    CU_pSuite s = CU_add_suite("api_program_webhook", suite_init, suite_clean);
#define T(name) CU_add_test(s, #name, test_##name)
    T(webhook_without_a_manager_is_503_json);
    T(webhook_body_at_the_limit_is_read_and_over_it_is_413);
    T(webhook_chunked_body_without_length_is_limited_too);
    T(webhook_of_unknown_inactive_or_non_webhook_programs);
    T(webhook_other_methods_405_no_credentials_401_no_policy_403);
    T(webhook_bad_replies_of_the_manager_are_502);
    T(webhook_good_replies_of_the_manager_are_the_answer);
#undef T
}
