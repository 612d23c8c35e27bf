/* test_manager_frames.c — the real selfpmgr binary against a test that
 * plays its peers (a worker, selfserv's webhook handler, selfctl): frames
 * of unknown types and frames with a missing, mistyped or out-of-range
 * member, at the first frame and from a welcomed worker. Each is refused —
 * the connection closed, after a 400 error frame for a webhook caller —
 * and the manager goes on serving the next peer. It runs without any
 * database: the domain file is empty, so a well-formed webhook call is
 * answered 404 (unknown domain), which shows it reached its handler.
 * The binary is found next to this test's build folder
 * (../../manager/selfpmgr) or through $SELFPMGR. */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cunit_main.h"
#include "frame.h"
#include "json.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static char dir[64], sock[128];
static pid_t manager;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void selfpmgr_path(char *out, size_t n)
{
    const char *env = getenv("SELFPMGR");
    if (env) {
        snprintf(out, n, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) {
        snprintf(out, n, "selfpmgr");
        return;
    }
    exe[len] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(out, n, "%.*s/../../manager/selfpmgr", (int)(n - 32), exe);
}

static int start_manager(void)
{
    snprintf(dir, sizeof dir, "/tmp/selfpmgr-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(sock, sizeof sock, "%s/m.sock", dir);
    char conf[128], domains[128], log[128], bin[PATH_MAX];
    snprintf(conf, sizeof conf, "%s/m.conf", dir);
    snprintf(domains, sizeof domains, "%s/domains.conf", dir);
    snprintf(log, sizeof log, "%s/m.log", dir);
    FILE *f = fopen(domains, "w");
    if (!f)
        return -1;
    fclose(f);
    f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f, "[server]\nlog_level = debug\ndomainfile = %s\nstate_dir = %s\n"
               "[manager]\nsocket = %s\n",
            domains, dir, sock);
    fclose(f);
    selfpmgr_path(bin, sizeof bin);
    if (access(bin, X_OK) != 0)
        return -1;
    manager = fork();
    if (manager < 0)
        return -1;
    if (manager == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, "selfpmgr", "-c", conf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) { /* 5 s for the socket */
        int fd = frame_connect(sock);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        usleep(10000);
    }
    return -1;
}

static int stop_manager(void)
{
    if (manager > 0) {
        kill(manager, SIGTERM);
        waitpid(manager, NULL, 0);
    }
    if (getenv("TEST_VERBOSE")) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "cat %s/m.log >&2", dir);
        if (system(cmd) != 0)
            perror("system");
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (dir[0] && system(cmd) != 0)
        perror("system");
    return 0;
}

struct peer {
    int fd;
    struct frame_reader *fr;
};

static struct peer peer_open(void)
{
    struct peer p = { frame_connect(sock), frame_reader_new(0) };
    CU_ASSERT_FATAL(p.fd >= 0);
    return p;
}

static void peer_close(struct peer *p)
{
    close(p->fd);
    frame_reader_free(p->fr);
}

static void peer_send(struct peer *p, const char *body)
{
    CU_ASSERT_FATAL(frame_write(p->fd, body, strlen(body), 2000) == OK);
}

/* The next frame within ms; NULL when the manager closed the connection
 * (or nothing came). *closed says which. */
static json_object *peer_next(struct peer *p, int ms, int *closed)
{
    int64_t end = now_ms() + ms;
    *closed = 0;
    for (;;) {
        const char *d;
        size_t n;
        int rc = frame_read(p->fr, p->fd, &d, &n);
        if (rc == FRAME_OK) {
            json_object *o = NULL;
            CU_ASSERT_FATAL(json_parse(d, n, &o, NULL, 0) == OK);
            return o;
        }
        if (rc != FRAME_AGAIN) {
            *closed = 1;
            return NULL;
        }
        int left = (int)(end - now_ms());
        if (left <= 0)
            return NULL;
        struct pollfd pf = { .fd = p->fd, .events = POLLIN };
        poll(&pf, 1, left);
    }
}

/* The connection is closed by the manager within 3 s, with no frame. */
static void expect_closed(struct peer *p, const char *after)
{
    int closed;
    json_object *o = peer_next(p, 3000, &closed);
    CU_ASSERT(o == NULL && closed);
    if (o || !closed)
        fprintf(stderr, "after %s: want the connection closed, got %s\n", after,
                o ? json_object_to_json_string(o) : "nothing");
    if (o)
        json_object_put(o);
}

/* One frame on a fresh connection, closed without an answer. */
static void first_frame_refused(const char *body)
{
    struct peer p = peer_open();
    peer_send(&p, body);
    expect_closed(&p, body);
    peer_close(&p);
}

/* A webhook frame on a fresh connection: the error frame's status and
 * message, then the close. */
static void webhook_answer(const char *body, int64_t status, const char *message_part)
{
    struct peer p = peer_open();
    peer_send(&p, body);
    int closed;
    json_object *o = peer_next(&p, 3000, &closed);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_STRING_EQUAL(json_str(o, "type", ""), "error");
    CU_ASSERT_EQUAL(json_int(o, "status", 0), status);
    CU_ASSERT(strstr(json_str(o, "message", ""), message_part) != NULL);
    if (json_int(o, "status", 0) != status || !strstr(json_str(o, "message", ""), message_part))
        fprintf(stderr, "%s: got %s\n", body, json_object_to_json_string(o));
    json_object_put(o);
    expect_closed(&p, body);
    peer_close(&p);
}

/* A welcomed worker connection. */
static struct peer worker_open(void)
{
    struct peer p = peer_open();
    peer_send(&p,
              "{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":2,\"pid\":1,\"name\":\"t\"}");
    int closed;
    json_object *o = peer_next(&p, 3000, &closed);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_STRING_EQUAL(json_str(o, "type", ""), "welcome");
    CU_ASSERT(json_int(o, "worker", 0) >= 1);
    json_object_put(o);
    return p;
}

/* The manager still answers: a status request gets its reply. */
static void expect_alive(void)
{
    struct peer p = peer_open();
    peer_send(&p, "{\"type\":\"status\"}");
    int closed;
    json_object *o = peer_next(&p, 3000, &closed);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_STRING_EQUAL(json_str(o, "type", ""), "status");
    json_object_put(o);
    peer_close(&p);
}

/* ==== tests ============================================================= */

static void test_manager_first_frame_of_unknown_type_is_refused(void)
{
    first_frame_refused("{\"type\":\"nope\"}");
    first_frame_refused("{\"type\":\"result\",\"id\":1}"); /* a worker's, before hello */
    first_frame_refused("{\"type\":\"welcome\",\"worker\":1}");
    first_frame_refused("{\"type\":\"heartbeat\",\"running\":0}");
    expect_alive();
}

static void test_manager_hello_with_bad_members_is_refused(void)
{
    first_frame_refused("{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":2,\"pid\":1}");
    first_frame_refused("{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":\"2\",\"pid\":1,"
                        "\"name\":\"t\"}");
    first_frame_refused("{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":2.5,\"pid\":1,"
                        "\"name\":\"t\"}");
    first_frame_refused("{\"type\":\"hello\",\"role\":null,\"capacity\":2,\"pid\":1,"
                        "\"name\":\"t\"}");
    /* kinds right, values not */
    first_frame_refused("{\"type\":\"hello\",\"role\":\"boss\",\"capacity\":2,\"pid\":1,"
                        "\"name\":\"t\"}");
    first_frame_refused("{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":0,\"pid\":1,"
                        "\"name\":\"t\"}");
    expect_alive();
    /* members no route names are ignored */
    struct peer p = peer_open();
    peer_send(&p, "{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":1,\"pid\":1,\"name\":\"t\","
                  "\"version\":\"9.9\"}");
    int closed;
    json_object *o = peer_next(&p, 3000, &closed);
    CU_ASSERT(o != NULL && strcmp(json_str(o, "type", ""), "welcome") == 0);
    if (o)
        json_object_put(o);
    peer_close(&p);
}

#define REQ_OK                                                                              \
    "{\"method\":\"POST\",\"path\":\"/\",\"query\":\"\",\"headers\":{},\"body_b64\":\"\"}"
#define PROGRAM "\"program\":\"47daa6eb-bd1c-49de-9782-1e9422a206f5\""

static void test_manager_webhook_with_bad_members_is_answered_400(void)
{
    /* well-formed: reaches its handler, which knows no such domain */
    webhook_answer("{\"type\":\"webhook\",\"domain\":\"none\"," PROGRAM ",\"request\":" REQ_OK "}",
                   404, "Unknown domain");
    webhook_answer("{\"type\":\"webhook\",\"domain\":\"none\"," PROGRAM "}", 400,
                   "field 'request' is required");
    webhook_answer("{\"type\":\"webhook\",\"domain\":\"none\",\"program\":\"x\",\"request\":" REQ_OK
                   "}",
                   400, "field 'program' must be a UUID");
    webhook_answer("{\"type\":\"webhook\",\"domain\":7," PROGRAM ",\"request\":" REQ_OK "}", 400,
                   "field 'domain' must be a string");
    webhook_answer("{\"type\":\"webhook\",\"domain\":\"none\"," PROGRAM ",\"request\":[]}", 400,
                   "field 'request' must be an object");
    webhook_answer("{\"type\":\"webhook\",\"domain\":\"none\"," PROGRAM
                   ",\"request\":{\"method\":\"POST\",\"path\":\"/\",\"query\":\"\",\"headers\":{},"
                   "\"body_b64\":5}}",
                   400, "in 'request': field 'body_b64' must be a string");
    webhook_answer("{\"type\":\"webhook\",\"domain\":\"none\"," PROGRAM
                   ",\"request\":{\"method\":\"POST\",\"path\":\"/\",\"query\":\"\","
                   "\"headers\":{\"x\":[\"a\"]},\"body_b64\":\"\"}}",
                   400, "in 'request': in 'headers': member 'x' must be a string");
    expect_alive();
}

static void test_manager_worker_frames_are_checked(void)
{
    /* a well-formed result for a job it does not know, a heartbeat: kept */
    struct peer w = worker_open();
    peer_send(&w, "{\"type\":\"heartbeat\",\"running\":0}");
    peer_send(&w, "{\"type\":\"result\",\"id\":999,\"outcome\":\"ok\",\"error\":\"\","
                  "\"output\":\"\","
                  "\"log\":[{\"level\":\"info\",\"message\":\"m\"}],\"duration_ms\":1}");
    int closed;
    json_object *o = peer_next(&w, 500, &closed);
    CU_ASSERT(o == NULL && !closed); /* nothing to say, still open */
    peer_close(&w);

    static const char *const bad[] = {
        "{\"type\":\"nope\"}",
        "{\"type\":\"hello\",\"role\":\"worker\",\"capacity\":1,\"pid\":1,\"name\":\"t\"}",
        "{\"type\":\"heartbeat\"}",
        "{\"type\":\"heartbeat\",\"running\":\"0\"}",
        "{\"type\":\"result\",\"id\":1,\"outcome\":\"ok\",\"error\":\"\",\"output\":\"\","
        "\"duration_ms\":1}",
        "{\"type\":\"result\",\"id\":\"1\",\"outcome\":\"ok\",\"error\":\"\",\"output\":\"\","
        "\"log\":[],\"duration_ms\":1}",
        "{\"type\":\"result\",\"id\":1,\"outcome\":\"ok\",\"error\":\"\",\"output\":\"\","
        "\"log\":[{\"level\":\"info\"}],\"duration_ms\":1}",
        "{\"type\":\"result\",\"id\":1,\"outcome\":\"ok\",\"error\":\"\",\"output\":\"\","
        "\"log\":[],\"duration_ms\":1,\"response\":{\"status\":200,\"headers\":{},\"body_b64\":1}}",
        "{\"type\":\"result\",\"id\":1,\"outcome\":\"fine\",\"error\":\"\",\"output\":\"\","
        "\"log\":[],\"duration_ms\":1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        w = worker_open();
        peer_send(&w, bad[i]);
        expect_closed(&w, bad[i]);
        peer_close(&w);
    }
    expect_alive();
}

static int suite_init(void)
{
    signal(SIGPIPE, SIG_IGN);
    return start_manager() == 0 ? 0 : -1;
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("manager_frames", suite_init, stop_manager);
    ADD(s, test_manager_first_frame_of_unknown_type_is_refused);
    ADD(s, test_manager_hello_with_bad_members_is_refused);
    ADD(s, test_manager_webhook_with_bad_members_is_answered_400);
    ADD(s, test_manager_worker_frames_are_checked);
}
