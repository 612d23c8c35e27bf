/* test_worker_run.c — the real selfpwrk binary against a test that plays
 * the manager: a listening Unix socket in a temp folder, a config file
 * pointing [manager] socket at it, hello/welcome, job frames in, result
 * frames out. Programs print and log, fail to compile, fail at run time,
 * loop past their deadline, are stopped or killed by a signal, eat
 * memory, answer a webhook, import a source module, hit the cache, run two
 * at once; the manager drops the connection mid-job and sends bad frames.
 * The binary is found next to this test's build folder
 * (../../worker/selfpwrk) or through $SELFPWRK. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "buf.h"
#include "cunit_main.h"
#include "frame.h"
#include "json.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

struct wk {
    char dir[64];
    char sock[128];
    int lfd;       /* listening */
    int fd;        /* the worker's connection */
    pid_t pid;
    struct frame_reader *fr;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void selfpwrk_path(char *out, size_t n)
{
    const char *env = getenv("SELFPWRK");
    if (env) {
        snprintf(out, n, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CU_ASSERT_FATAL(len > 0);
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    *slash = '\0';
    buf_t b = BUF_INIT;
    buf_printf(&b, "%s/../../worker/selfpwrk", exe);
    CU_ASSERT_FATAL(b.len < n);
    memcpy(out, b.data, b.len + 1);
    buf_free(&b);
}

/* A fresh connection from the worker, within ms; -1 if none came. */
static int accept_within(struct wk *w, int ms)
{
    struct pollfd p = { .fd = w->lfd, .events = POLLIN };
    if (poll(&p, 1, ms) != 1)
        return -1;
    int fd = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
        frame_reader_free(w->fr);
        w->fr = frame_reader_new(0);
    }
    return fd;
}

/* The next frame's JSON within ms (NULL on timeout, EOF or error);
 * heartbeats are skipped unless want_heartbeat. */
static json_object *next_msg(struct wk *w, int ms, int want_heartbeat)
{
    int64_t end = now_ms() + ms;
    for (;;) {
        const char *d;
        size_t n;
        int rc = frame_read(w->fr, w->fd, &d, &n);
        if (rc == FRAME_OK) {
            json_object *o = NULL;
            CU_ASSERT_FATAL(json_parse(d, n, &o, NULL, 0) == OK);
            if (!want_heartbeat && strcmp(json_str(o, "type", ""), "heartbeat") == 0) {
                json_object_put(o);
                continue;
            }
            return o;
        }
        if (rc != FRAME_AGAIN)
            return NULL;
        int left = (int)(end - now_ms());
        if (left <= 0)
            return NULL;
        struct pollfd p = { .fd = w->fd, .events = POLLIN };
        poll(&p, 1, left);
    }
}

static void send_raw(struct wk *w, const char *body)
{
    CU_ASSERT_FATAL(frame_write(w->fd, body, strlen(body), 2000) == OK);
}

/* Waits for hello and answers welcome. */
static void greet(struct wk *w)
{
    json_object *h = next_msg(w, 5000, 0);
    CU_ASSERT_FATAL(h != NULL);
    CU_ASSERT_STRING_EQUAL(json_str(h, "type", ""), "hello");
    CU_ASSERT_STRING_EQUAL(json_str(h, "role", ""), "worker");
    CU_ASSERT_EQUAL(json_int(h, "capacity", 0), 2);
    CU_ASSERT_EQUAL(json_int(h, "pid", 0), w->pid);
    CU_ASSERT_STRING_EQUAL(json_str(h, "name", ""), "test-worker");
    json_object_put(h);
    send_raw(w, "{\"type\":\"welcome\",\"worker\":7}");
}

/* Workers a failed assertion left behind, killed at the end. */
static pid_t started[32];
static int nstarted;

static int cleanup_workers(void)
{
    for (int i = 0; i < nstarted; i++)
        if (started[i] > 0 && waitpid(started[i], NULL, WNOHANG) == 0) {
            kill(started[i], SIGKILL);
            waitpid(started[i], NULL, 0);
        }
    return 0;
}

static void wk_start(struct wk *w)
{
    memset(w, 0, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/selfpwrk-test-XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(w->dir) != NULL);
    snprintf(w->sock, sizeof w->sock, "%s/m.sock", w->dir);
    w->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    CU_ASSERT_FATAL(strlen(w->sock) < sizeof sa.sun_path);
    memcpy(sa.sun_path, w->sock, strlen(w->sock) + 1);
    CU_ASSERT_FATAL(bind(w->lfd, (struct sockaddr *)&sa, sizeof sa) == 0);
    CU_ASSERT_FATAL(listen(w->lfd, 4) == 0);

    char conf[128], log[128], bin[PATH_MAX];
    snprintf(conf, sizeof conf, "%s/w.conf", w->dir);
    snprintf(log, sizeof log, "%s/w.log", w->dir);
    FILE *f = fopen(conf, "w");
    CU_ASSERT_FATAL(f != NULL);
    fprintf(f, "[server]\nlog_level = debug\n[manager]\nsocket = %s\n"
               "[worker]\ncapacity = 2\nmemory_limit = 268435456\nopen_files = 32\n"
               "cache_size = 4\n[programs]\nhttp_timeout = 5\n",
            w->sock);
    fclose(f);
    selfpwrk_path(bin, sizeof bin);
    CU_ASSERT_FATAL(access(bin, X_OK) == 0);
    w->pid = fork();
    CU_ASSERT_FATAL(w->pid >= 0);
    if (w->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, "selfpwrk", "-c", conf, "-n", "test-worker", (char *)NULL);
        _exit(127);
    }
    if (nstarted < 32)
        started[nstarted++] = w->pid;
    w->fd = accept_within(w, 5000);
    CU_ASSERT_FATAL(w->fd >= 0);
    greet(w);
}

/* SIGTERM: the worker leaves with status 0 (within 5 s). */
static void wk_stop(struct wk *w)
{
    kill(w->pid, SIGTERM);
    int status = -1;
    pid_t p = 0;
    for (int i = 0; i < 500 && p == 0; i++) {
        p = waitpid(w->pid, &status, WNOHANG);
        if (p == 0)
            usleep(10000);
    }
    if (p == 0) {
        kill(w->pid, SIGKILL);
        waitpid(w->pid, &status, 0);
    }
    CU_ASSERT(p == w->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!(p == w->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "cat %s/w.log >&2", w->dir);
        if (system(cmd) != 0)
            perror("system");
    }
    if (w->fd >= 0)
        close(w->fd);
    close(w->lfd);
    frame_reader_free(w->fr);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", w->dir);
    if (system(cmd) != 0)
        perror("system");
}

static void put_b64(buf_t *b, const char *s, size_t n)
{
    char *enc = malloc(base64_encoded_len(n) + 1);
    base64_encode((const uint8_t *)s, n, enc);
    json_put_str(b, enc);
    free(enc);
}

/* A job frame; modules and request are raw JSON (NULL: [] / none). */
static void send_job_full(struct wk *w, int64_t id, const char *code, const char *checksum,
                          int deadline_ms, const char *modules, const char *request)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"type\":\"job\",\"id\":%lld,\"kind\":\"%s\",\"domain\":\"test\","
                   "\"program\":\"47daa6eb-bd1c-49de-9782-1e9422a206f5\",\"name\":\"t\","
                   "\"revision\":1,\"checksum\":",
               (long long)id, request ? "webhook" : "routine");
    json_put_str(&b, checksum);
    buf_puts(&b, ",\"code_b64\":");
    put_b64(&b, code, strlen(code));
    buf_printf(&b, ",\"deadline_ms\":%d,\"modules\":%s", deadline_ms, modules ? modules : "[]");
    if (request)
        buf_printf(&b, ",\"request\":%s", request);
    buf_putc(&b, '}');
    send_raw(w, b.data);
    buf_free(&b);
}

static void send_job(struct wk *w, int64_t id, const char *code, int deadline_ms)
{
    char sum[32];
    snprintf(sum, sizeof sum, "sum-%lld", (long long)id);
    send_job_full(w, id, code, sum, deadline_ms, NULL, NULL);
}

/* The result for id within ms (fails the test otherwise). */
static json_object *result_of(struct wk *w, int64_t id, int ms)
{
    json_object *r = next_msg(w, ms, 0);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_STRING_EQUAL(json_str(r, "type", ""), "result");
    CU_ASSERT_EQUAL(json_int(r, "id", -1), id);
    CU_ASSERT(json_has(r, "duration_ms"));
    if (getenv("TEST_VERBOSE"))
        fprintf(stderr, "result: %s\n", json_object_to_json_string(r));
    return r;
}

static json_object *run(struct wk *w, int64_t id, const char *code, int deadline_ms)
{
    send_job(w, id, code, deadline_ms);
    return result_of(w, id, deadline_ms + 3000);
}

/* Pids of the worker's children, from /proc. */
static int child_count(pid_t pid)
{
    char path[64], buf[256] = "";
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    int count = 0;
    for (char *p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
        count++;
    return count;
}

/* The pid of the worker's only child, waiting for it up to ms; -1 if
 * none appeared. */
static pid_t child_pid_within(pid_t pid, int ms)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    int64_t end = now_ms() + ms;
    do {
        FILE *f = fopen(path, "r");
        int c = 0;
        if (f) {
            if (fscanf(f, "%d", &c) != 1)
                c = 0;
            fclose(f);
        }
        if (c > 0)
            return (pid_t)c;
        usleep(1000);
    } while (now_ms() < end);
    return -1;
}

/* Gone for good: not even a zombie waiting for the worker's waitpid. */
static int process_gone(pid_t pid)
{
    return kill(pid, 0) != 0 && errno == ESRCH;
}

/* ==== tests ============================================================= */

static void test_worker_output_and_log_arrive(void)
{
    struct wk w;
    wk_start(&w);
    json_object *r = run(&w, 1,
                         "fmt := import(\"fmt\")\nlog := import(\"log\")\n"
                         "fmt.println(\"hello\")\nfmt.printf(\"%d\\n\", 6 * 7)\n"
                         "log.info(\"n=%d\", 7)\nlog[\"error\"](\"bad thing\")\n",
                         2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "error", "x"), "");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "hello\n42\n");
    json_object *log;
    CU_ASSERT_FATAL(json_object_object_get_ex(r, "log", &log));
    CU_ASSERT_FATAL(json_object_array_length(log) == 2);
    json_object *l0 = json_object_array_get_idx(log, 0), *l1 = json_object_array_get_idx(log, 1);
    CU_ASSERT_STRING_EQUAL(json_str(l0, "level", ""), "info");
    CU_ASSERT_STRING_EQUAL(json_str(l0, "message", ""), "n=7");
    CU_ASSERT_STRING_EQUAL(json_str(l1, "level", ""), "error");
    CU_ASSERT_STRING_EQUAL(json_str(l1, "message", ""), "bad thing");
    CU_ASSERT(!json_has(r, "response"));
    json_object_put(r);
    wk_stop(&w);
}

/* A NUL byte in what a program prints cannot travel (every string member
 * of a frame is checked to hold none, and PostgreSQL text could not keep
 * it): the output ends before it (error the same way, job.c put_text),
 * and the run keeps its own outcome instead of a refused report
 * (crashed). */
static void test_worker_nul_in_output_ends_it(void)
{
    struct wk w;
    wk_start(&w);
    json_object *r = run(&w, 1, "fmt := import(\"fmt\")\nfmt.print(\"ab\\x00cd\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", "x"), "ab");
    json_object_put(r);
    wk_stop(&w);
}

/* A print loop keeps at most 64 KiB of output (later prints are dropped,
 * memory does not grow with them) and still ends as ok. */
static void test_worker_print_loop_output_is_capped(void)
{
    struct wk w;
    wk_start(&w);
    json_object *r = run(&w, 1,
                         "fmt := import(\"fmt\")\n"
                         "for i := 0; i < 400000; i++ { fmt.print(\"0123456789abcdef\") }\n",
                         20000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_EQUAL(strlen(json_str(r, "output", "")), 64 * 1024);
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_compile_errors_have_line_and_column(void)
{
    struct wk w;
    wk_start(&w);
    json_object *r = run(&w, 1, "x := 1\ny := (\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    const char *e = json_str(r, "error", "");
    CU_ASSERT(strncmp(e, "Parse Error:", 12) == 0);
    CU_ASSERT(strstr(e, "(main):2:") != NULL);
    json_object_put(r);
    r = run(&w, 2, "a := 1\nb := a + nope\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    CU_ASSERT_STRING_EQUAL(json_str(r, "error", ""),
                           "Compile Error: unresolved reference 'nope'\n\tat (main):2:10");
    json_object_put(r);
    r = run(&w, 3, "os := import(\"os\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    CU_ASSERT(strstr(json_str(r, "error", ""), "module 'os' not found") != NULL);
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_runtime_error(void)
{
    struct wk w;
    wk_start(&w);
    json_object *r = run(&w, 1, "fmt := import(\"fmt\")\nfmt.print(\"before\")\nz := 0\nx := 1 / z\n",
                         2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    CU_ASSERT(strncmp(json_str(r, "error", ""), "Runtime Error: division by zero", 31) == 0);
    CU_ASSERT(strstr(json_str(r, "error", ""), "(main):4:") != NULL);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "before");
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_deadline_then_next_job(void)
{
    struct wk w;
    wk_start(&w);
    int64_t t0 = now_ms();
    json_object *r = run(&w, 1, "for {}\n", 300);
    int64_t took = now_ms() - t0;
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "deadline");
    CU_ASSERT(strstr(json_str(r, "error", ""), "deadline") != NULL);
    CU_ASSERT(took >= 250 && took < 3000);
    json_object_put(r);
    r = run(&w, 2, "fmt := import(\"fmt\")\nfmt.println(\"after\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "after\n");
    json_object_put(r);
    CU_ASSERT_EQUAL(child_count(w.pid), 0);
    wk_stop(&w);
}

/* A child that cannot stop itself at its deadline (stopped by a signal,
 * as a child stuck in the kernel would be) is SIGKILLed by the worker
 * 500 ms after it, reported as "deadline" and reaped. The deadline leaves
 * a second to stop the child before the VM would stop itself. */
static void test_worker_kills_a_stopped_child_after_grace(void)
{
    struct wk w;
    wk_start(&w);
    send_job(&w, 1, "for {}\n", 1000);
    pid_t cpid = child_pid_within(w.pid, 2000);
    CU_ASSERT_FATAL(cpid > 0);
    CU_ASSERT_FATAL(kill(cpid, SIGSTOP) == 0);
    json_object *r = result_of(&w, 1, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "deadline");
    CU_ASSERT_STRING_EQUAL(json_str(r, "error", ""), "deadline exceeded (1000 ms)");
    /* the worker's kill, not the VM's own check at 1000 ms */
    CU_ASSERT(json_int(r, "duration_ms", 0) >= 1500);
    json_object_put(r);
    CU_ASSERT_EQUAL(child_count(w.pid), 0);
    CU_ASSERT(process_gone(cpid));
    r = run(&w, 2, "fmt := import(\"fmt\")\nfmt.print(\"next\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "next");
    json_object_put(r);
    wk_stop(&w);
}

/* Long deadlines, so the signal always comes well before it. */
static void crash_with(struct wk *w, int64_t id, int sig, const char *want)
{
    send_job(w, id, "for {}\n", 20000);
    pid_t cpid = child_pid_within(w->pid, 2000);
    CU_ASSERT_FATAL(cpid > 0);
    CU_ASSERT_FATAL(kill(cpid, sig) == 0);
    json_object *r = result_of(w, id, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "crashed");
    CU_ASSERT_STRING_EQUAL(json_str(r, "error", ""), want);
    CU_ASSERT(json_int(r, "duration_ms", 0) < 20000);
    json_object_put(r);
    CU_ASSERT_EQUAL(child_count(w->pid), 0);
    CU_ASSERT(process_gone(cpid));
}

/* A child killed before its deadline, by anything but the worker, has
 * crashed, with the signal named (SIGKILL: the OOM killer; SIGXCPU before
 * the deadline: a CPU limit set by someone else). The worker carries on. */
static void test_worker_child_killed_by_a_signal_has_crashed(void)
{
    struct wk w;
    wk_start(&w);
    crash_with(&w, 1, SIGKILL, "killed by signal 9 (SIGKILL)");
    crash_with(&w, 2, SIGSEGV, "killed by signal 11 (SIGSEGV)");
    crash_with(&w, 3, SIGXCPU, "killed by signal 24 (SIGXCPU)");
    json_object *r = run(&w, 4, "fmt := import(\"fmt\")\nfmt.print(\"alive\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "alive");
    json_object_put(r);
    wk_stop(&w);
}

/* SIGXCPU after the deadline is the CPU limit set a little past it: a
 * deadline, not a crash. The real limit (whole seconds past the deadline,
 * counted in CPU time) always comes after the worker's kill, so the test
 * sends the signal itself: the child is stopped at once, gets SIGXCPU
 * between its deadline (300 ms) and the worker's kill (800 ms), and dies
 * of it when continued. Either way the outcome is "deadline"; the SIGXCPU
 * path is the one taken unless this process stalls for ~300 ms. */
static void test_worker_sigxcpu_after_deadline_is_deadline(void)
{
    struct wk w;
    wk_start(&w);
    send_job(&w, 1, "for {}\n", 300);
    pid_t cpid = child_pid_within(w.pid, 2000);
    CU_ASSERT_FATAL(cpid > 0);
    int64_t seen = now_ms(); /* the worker started the clock before the fork */
    CU_ASSERT_FATAL(kill(cpid, SIGSTOP) == 0);
    int64_t left = seen + 450 - now_ms();
    if (left > 0)
        usleep((useconds_t)left * 1000);
    kill(cpid, SIGXCPU);
    kill(cpid, SIGCONT);
    json_object *r = result_of(&w, 1, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "deadline");
    CU_ASSERT_STRING_EQUAL(json_str(r, "error", ""), "deadline exceeded (300 ms)");
    json_object_put(r);
    CU_ASSERT_EQUAL(child_count(w.pid), 0);
    CU_ASSERT(process_gone(cpid));
    r = run(&w, 2, "fmt := import(\"fmt\")\nfmt.print(\"next\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_memory_bomb_then_next_job(void)
{
    struct wk w;
    wk_start(&w);
    json_object *r = run(&w, 1,
                         "a := []\ns := \"x\"\nfor i := 0; i < 20; i++ { s += s }\n"
                         "for i := 0; true; i++ { a = append(a, s + string(i)) }\n",
                         8000);
    const char *oc = json_str(r, "outcome", "");
    CU_ASSERT(strcmp(oc, "crashed") == 0 || strcmp(oc, "error") == 0);
    CU_ASSERT(strlen(json_str(r, "error", "")) > 0);
    json_object_put(r);
    r = run(&w, 2, "s := \"x\"\nfor { s += s }\n", 8000);
    oc = json_str(r, "outcome", "");
    CU_ASSERT(strcmp(oc, "crashed") == 0 || strcmp(oc, "error") == 0);
    json_object_put(r);
    /* outside the VM's heap accounting: malloc fails under RLIMIT_AS */
    r = run(&w, 4, "b := bytes(260000000)\n", 8000);
    oc = json_str(r, "outcome", "");
    if (strcmp(oc, "crashed") == 0)
        CU_ASSERT_STRING_EQUAL(json_str(r, "error", ""), "killed by signal 6 (SIGABRT)")
    else
        CU_ASSERT_STRING_EQUAL(oc, "error");
    json_object_put(r);
    r = run(&w, 3, "fmt := import(\"fmt\")\nfmt.println(\"alive\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "alive\n");
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_webhook_response(void)
{
    struct wk w;
    wk_start(&w);
    const char *code =
        "cgi := import(\"cgi\")\n"
        "req := cgi.request\n"
        "cgi.response.status(201)\n"
        "cgi.response.headers(\"X-Method\", req.method())\n"
        "cgi.response.headers(\"Content-Type\", \"text/plain\")\n"
        "cgi.response.write(\"got \" + string(req.body()) + \" \" + req.query()[\"a\"] + \" \" + "
        "req.path() + \" \" + req.headers()[\"x-token\"])\n";
    send_job_full(&w, 5, code, "wh", 2000, NULL,
                  "{\"method\":\"POST\",\"path\":\"/hook\",\"query\":\"a=1\","
                  "\"headers\":{\"x-token\":\"abc\"},\"body_b64\":\"cGluZw==\"}");
    json_object *r = result_of(&w, 5, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "error", "x"), "");
    json_object *resp, *hdrs;
    CU_ASSERT_FATAL(json_object_object_get_ex(r, "response", &resp));
    CU_ASSERT_EQUAL(json_int(resp, "status", 0), 201);
    CU_ASSERT_FATAL(json_object_object_get_ex(resp, "headers", &hdrs));
    CU_ASSERT_STRING_EQUAL(json_str(hdrs, "X-Method", ""), "POST");
    CU_ASSERT_STRING_EQUAL(json_str(hdrs, "Content-Type", ""), "text/plain");
    const char *b64 = json_str(resp, "body_b64", "");
    uint8_t body[256];
    size_t blen = 0;
    CU_ASSERT_FATAL(strlen(b64) < 300);
    CU_ASSERT_FATAL(base64_decode(b64, strlen(b64), body, &blen) == OK);
    CU_ASSERT(blen == strlen("got ping 1 /hook abc") &&
              memcmp(body, "got ping 1 /hook abc", blen) == 0);
    json_object_put(r);
    /* a webhook that fails carries no response */
    send_job_full(&w, 6, "cgi := import(\"cgi\")\ncgi.response.status(200)\nx := 1 / 0\n", "wh2",
                  2000, NULL,
                  "{\"method\":\"GET\",\"path\":\"/\",\"query\":\"\",\"headers\":{},\"body_b64\":\"\"}");
    r = result_of(&w, 6, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    CU_ASSERT(!json_has(r, "response"));
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_imports_source_modules(void)
{
    struct wk w;
    wk_start(&w);
    buf_t mods = BUF_INIT;
    const char *m = "fmt := import(\"fmt\")\nexport { double: func(x) { return x * 2 } }\n";
    buf_puts(&mods, "[{\"spec\":\"m@latest\",\"checksum\":\"c1\",\"code_b64\":");
    put_b64(&mods, m, strlen(m));
    buf_puts(&mods, "}]");
    send_job_full(&w, 1, "fmt := import(\"fmt\")\nm := import(\"m@latest\")\nfmt.println(m.double(21))\n",
                  "main1", 2000, mods.data, NULL);
    json_object *r = result_of(&w, 1, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "42\n");
    json_object_put(r);
    /* an import the job does not carry */
    send_job_full(&w, 2, "m := import(\"other@3\")\n", "main2", 2000, mods.data, NULL);
    r = result_of(&w, 2, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    CU_ASSERT(strstr(json_str(r, "error", ""), "module 'other@3' not found") != NULL);
    json_object_put(r);
    buf_free(&mods);
    wk_stop(&w);
}

/* The cache is keyed by checksums: the same checksum with other code runs
 * what was compiled first. */
static void test_worker_cache_by_checksum(void)
{
    struct wk w;
    wk_start(&w);
    send_job_full(&w, 1, "fmt := import(\"fmt\")\nfmt.println(\"one\")\n", "same", 2000, NULL, NULL);
    json_object *r = result_of(&w, 1, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "one\n");
    json_object_put(r);
    send_job_full(&w, 2, "fmt := import(\"fmt\")\nfmt.println(\"two\")\n", "same", 2000, NULL, NULL);
    r = result_of(&w, 2, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "one\n");
    json_object_put(r);
    send_job_full(&w, 3, "fmt := import(\"fmt\")\nfmt.println(\"two\")\n", "new", 2000, NULL, NULL);
    r = result_of(&w, 3, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "two\n");
    json_object_put(r);
    wk_stop(&w);
}

static void test_worker_runs_capacity_jobs_at_once(void)
{
    struct wk w;
    wk_start(&w);
    const char *nap = "times := import(\"times\")\ntimes.sleep(300 * times.millisecond)\n";
    int64_t t0 = now_ms();
    send_job(&w, 1, nap, 3000);
    send_job(&w, 2, nap, 3000);
    send_job(&w, 3, nap, 3000); /* over capacity: refused at once */
    int seen = 0;
    for (int i = 0; i < 3; i++) {
        json_object *r = next_msg(&w, 3000, 0);
        CU_ASSERT_FATAL(r != NULL);
        int64_t id = json_int(r, "id", 0);
        if (id == 3) {
            CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
            CU_ASSERT(strstr(json_str(r, "error", ""), "busy") != NULL);
        } else {
            CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
            CU_ASSERT(json_int(r, "duration_ms", 0) >= 290);
        }
        seen |= 1 << id;
        json_object_put(r);
    }
    int64_t took = now_ms() - t0;
    CU_ASSERT_EQUAL(seen, 0xe);
    CU_ASSERT(took < 580); /* one after the other would be 600+ */
    wk_stop(&w);
}

/* The manager goes away mid-job: the child is killed, the worker comes
 * back with a new hello. */
static void test_worker_reconnects_and_kills_children(void)
{
    struct wk w;
    wk_start(&w);
    send_job(&w, 1, "for {}\n", 20000);
    usleep(200000);
    CU_ASSERT_EQUAL(child_count(w.pid), 1);
    close(w.fd);
    w.fd = accept_within(&w, 3000);
    CU_ASSERT_FATAL(w.fd >= 0);
    greet(&w);
    CU_ASSERT_EQUAL(child_count(w.pid), 0);
    json_object *r = run(&w, 2, "fmt := import(\"fmt\")\nfmt.print(\"back\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "back");
    json_object_put(r);
    wk_stop(&w);
}

/* Bad jobs: with an id, an error result; without one, or a broken frame,
 * a new connection. Frames of unknown types are logged and dropped. */
static void test_worker_bad_frames(void)
{
    struct wk w;
    wk_start(&w);
    send_raw(&w, "{\"type\":\"something_new\",\"x\":1}");
    send_raw(&w, "{\"type\":\"job\",\"id\":9,\"kind\":\"routine\",\"domain\":\"d\"}");
    json_object *r = result_of(&w, 9, 3000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    CU_ASSERT(strstr(json_str(r, "error", ""),
                     "bad job: message 'job': field 'program' is required") != NULL);
    json_object_put(r);
    send_raw(&w, "{\"type\":\"job\",\"id\":10,\"kind\":\"routine\",\"domain\":\"d\","
                 "\"program\":\"47daa6eb-bd1c-49de-9782-1e9422a206f5\","
                 "\"name\":\"n\",\"revision\":1,\"checksum\":\"c\",\"deadline_ms\":100,"
                 "\"code_b64\":\"!!\",\"modules\":[]}");
    r = result_of(&w, 10, 3000);
    CU_ASSERT(strstr(json_str(r, "error", ""), "'code_b64' is not valid base64") != NULL);
    json_object_put(r);
    send_raw(&w, "{\"type\":\"job\",\"kind\":\"routine\"}");
    CU_ASSERT(next_msg(&w, 3000, 0) == NULL); /* closed */
    close(w.fd);
    w.fd = accept_within(&w, 3000);
    CU_ASSERT_FATAL(w.fd >= 0);
    greet(&w);
    CU_ASSERT_FATAL(write(w.fd, "\0\0\0\3abc", 7) == 7);
    CU_ASSERT(next_msg(&w, 3000, 0) == NULL);
    close(w.fd);
    w.fd = accept_within(&w, 3000);
    CU_ASSERT_FATAL(w.fd >= 0);
    greet(&w);
    r = run(&w, 11, "fmt := import(\"fmt\")\nfmt.print(\"fine\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "fine");
    json_object_put(r);
    wk_stop(&w);
}

/* The error of the result for id, which must be "bad job: ..." holding
 * want. */
static void expect_bad_job(struct wk *w, int64_t id, const char *want)
{
    json_object *r = result_of(w, id, 3000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "error");
    const char *e = json_str(r, "error", "");
    CU_ASSERT(strncmp(e, "bad job: ", 9) == 0 && strstr(e, want) != NULL);
    if (!(strncmp(e, "bad job: ", 9) == 0 && strstr(e, want) != NULL))
        fprintf(stderr, "job %lld: want '%s', got '%s'\n", (long long)id, want, e);
    json_object_put(r);
}

/* Every member of a job is checked before it is used, nested ones too:
 * each bad one is an error result naming it, and nothing runs (the
 * program would print). */
static void test_worker_job_members_checked_first(void)
{
    struct wk w;
    wk_start(&w);
    const char *code = "fmt := import(\"fmt\")\nfmt.print(\"ran\")\n";
    send_job_full(&w, 20, code, "s20", 1000, "[{\"spec\":\"m@1\",\"checksum\":\"c\"}]", NULL);
    expect_bad_job(&w, 20, "in 'modules[0]': field 'code_b64' is required");
    send_job_full(&w, 21, code, "s21", 1000, "[{\"spec\":7,\"checksum\":\"c\",\"code_b64\":\"\"}]",
                  NULL);
    expect_bad_job(&w, 21, "in 'modules[0]': field 'spec' must be a string");
    send_job_full(&w, 22, code, "s22", 1000, "{}", NULL);
    expect_bad_job(&w, 22, "field 'modules' must be an array");
    send_job_full(&w, 23, code, "s23", 1000, NULL,
                  "{\"method\":\"POST\",\"path\":\"/\",\"query\":\"\",\"headers\":{\"a\":1},"
                  "\"body_b64\":\"\"}");
    expect_bad_job(&w, 23, "in 'request': in 'headers': member 'a' must be a string");
    send_job_full(&w, 24, code, "s24", 1000, NULL,
                  "{\"method\":\"POST\",\"path\":\"/\",\"headers\":{},\"body_b64\":\"\"}");
    expect_bad_job(&w, 24, "in 'request': field 'query' is required");
    send_job_full(&w, 25, code, "s25", 0, NULL, NULL);
    expect_bad_job(&w, 25, "'deadline_ms' must be at least 1");
    send_raw(&w, "{\"type\":\"job\",\"id\":26,\"kind\":\"routine\",\"domain\":\"d\","
                 "\"program\":\"not-a-uuid\",\"name\":\"n\",\"revision\":1,\"checksum\":\"c\","
                 "\"deadline_ms\":100,\"code_b64\":\"\",\"modules\":[]}");
    expect_bad_job(&w, 26, "field 'program' must be a UUID");
    /* members no route names are ignored: the job runs */
    send_raw(&w, "{\"type\":\"job\",\"id\":27,\"kind\":\"routine\",\"domain\":\"d\","
                 "\"program\":\"47daa6eb-bd1c-49de-9782-1e9422a206f5\",\"name\":\"n\","
                 "\"revision\":1,\"checksum\":\"s27\",\"deadline_ms\":2000,\"modules\":[],"
                 "\"from_the_future\":[1,2],"
                 "\"code_b64\":\"Zm10IDo9IGltcG9ydCgiZm10IikKZm10LnByaW50KCJyYW4iKQo=\"}");
    json_object *r = result_of(&w, 27, 5000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "outcome", ""), "ok");
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "ran");
    json_object_put(r);
    wk_stop(&w);
}

/* Before welcome the worker accepts welcome only, with an integer
 * worker: anything else closes the connection and the worker says hello
 * again on a new one. */
static void test_worker_refuses_a_bad_welcome(void)
{
    static const char *const bad[] = {
        "{\"type\":\"welcome\"}",
        "{\"type\":\"welcome\",\"worker\":\"7\"}",
        "{\"type\":\"job\",\"id\":1}",
    };
    struct wk w;
    memset(&w, 0, sizeof w);
    wk_start(&w);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        close(w.fd);
        w.fd = accept_within(&w, 3000); /* hello again after the close above */
        CU_ASSERT_FATAL(w.fd >= 0);
        json_object *h = next_msg(&w, 5000, 0);
        CU_ASSERT_FATAL(h != NULL);
        CU_ASSERT_STRING_EQUAL(json_str(h, "type", ""), "hello");
        json_object_put(h);
        send_raw(&w, bad[i]);
        CU_ASSERT(next_msg(&w, 3000, 0) == NULL); /* closed by the worker */
    }
    close(w.fd);
    w.fd = accept_within(&w, 3000);
    CU_ASSERT_FATAL(w.fd >= 0);
    greet(&w);
    json_object *r = run(&w, 1, "fmt := import(\"fmt\")\nfmt.print(\"fine\")\n", 2000);
    CU_ASSERT_STRING_EQUAL(json_str(r, "output", ""), "fine");
    json_object_put(r);
    wk_stop(&w);
}

void register_tests(void)
{
    signal(SIGPIPE, SIG_IGN);
    CU_pSuite s = CU_add_suite("worker_run", NULL, cleanup_workers);
    ADD(s, test_worker_output_and_log_arrive);
    ADD(s, test_worker_print_loop_output_is_capped);
    ADD(s, test_worker_compile_errors_have_line_and_column);
    ADD(s, test_worker_runtime_error);
    ADD(s, test_worker_deadline_then_next_job);
    ADD(s, test_worker_kills_a_stopped_child_after_grace);
    ADD(s, test_worker_child_killed_by_a_signal_has_crashed);
    ADD(s, test_worker_sigxcpu_after_deadline_is_deadline);
    ADD(s, test_worker_memory_bomb_then_next_job);
    ADD(s, test_worker_webhook_response);
    ADD(s, test_worker_imports_source_modules);
    ADD(s, test_worker_cache_by_checksum);
    ADD(s, test_worker_runs_capacity_jobs_at_once);
    ADD(s, test_worker_reconnects_and_kills_children);
    ADD(s, test_worker_bad_frames);
    ADD(s, test_worker_nul_in_output_ends_it);
    ADD(s, test_worker_job_members_checked_first);
    ADD(s, test_worker_refuses_a_bad_welcome);
}
