/* test_frame.c — frame.h over real socketpairs: round trips (small, 1 MiB,
 * exactly the limit), many frames per write, a frame trickled byte by byte
 * to a non-blocking reader, truncated, oversized, zero-length and garbage
 * frames, write errors (limit, closed peer, timeout), peer credentials,
 * and frame_parse on random bytes. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cunit_main.h"
#include "frame.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static const char HELLO[] = "{\"type\":\"hello\",\"capacity\":4}";
#define HELLO_LEN (sizeof HELLO - 1)

static void put_len(unsigned char *p, uint32_t len)
{
    p[0] = (unsigned char)(len >> 24);
    p[1] = (unsigned char)(len >> 16);
    p[2] = (unsigned char)(len >> 8);
    p[3] = (unsigned char)len;
}

/* A valid body of exactly len bytes: {"type":"job","pad":"xxx…"}. */
static char *make_body(size_t len)
{
    static const char head[] = "{\"type\":\"job\",\"pad\":\"";
    size_t h = sizeof head - 1;
    if (len < h + 2)
        return NULL;
    char *b = malloc(len + 1);
    memcpy(b, head, h);
    memset(b + h, 'x', len - h - 2);
    memcpy(b + len - 2, "\"}", 3);
    return b;
}

static void pair(int sv[2])
{
    CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    CU_ASSERT_FATAL(fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0);
}

static void write_all(int fd, const void *p, size_t n)
{
    CU_ASSERT_FATAL(write(fd, p, n) == (ssize_t)n);
}

/* Writes length + body raw (no checks), as a misbehaving peer would. */
static void write_raw_frame(int fd, uint32_t len, const char *body, size_t n)
{
    unsigned char h[4];
    put_len(h, len);
    write_all(fd, h, 4);
    if (n)
        write_all(fd, body, n);
}

/* Reads with poll until the reader returns something other than AGAIN. */
static int read_wait(struct frame_reader *fr, int fd, const char **d, size_t *n, int *agains)
{
    for (;;) {
        int r = frame_read(fr, fd, d, n);
        if (r != FRAME_AGAIN)
            return r;
        if (agains)
            (*agains)++;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 5000) != 1)
            return -100;
    }
}

/* A child that writes frames of the given body sizes, then exits. */
static pid_t spawn_writer(int fd, int other, const size_t *sizes, int count)
{
    pid_t pid = fork();
    if (pid == 0) {
        close(other);
        int rc = 0;
        for (int i = 0; i < count; i++) {
            char *b = make_body(sizes[i]);
            if (frame_write(fd, b, sizes[i], -1) != OK)
                rc = 1;
            free(b);
        }
        _exit(rc);
    }
    return pid;
}

static int child_ok(pid_t pid)
{
    int st = 0;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- round trips -------------------------------------------------------- */

static void test_frame_small_round_trip_then_eof_at_boundary(void)
{
    int sv[2];
    pair(sv);
    struct frame_reader *fr = frame_reader_new(0);
    CU_ASSERT_EQUAL(frame_write(sv[1], HELLO, HELLO_LEN, 1000), OK);
    const char *d = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_OK);
    CU_ASSERT_EQUAL(n, HELLO_LEN);
    CU_ASSERT_STRING_EQUAL(d, HELLO); /* NUL-terminated */
    close(sv[1]);
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_EOF);
    CU_ASSERT_STRING_EQUAL(frame_reader_error(fr), "");
    frame_reader_free(fr);
    close(sv[0]);
}

static void test_frame_one_mib_then_small_round_trip_through_forked_writer(void)
{
    int sv[2];
    pair(sv);
    const size_t sizes[] = { 1u << 20, 40, (1u << 20) + 7 };
    pid_t pid = spawn_writer(sv[1], sv[0], sizes, 3);
    close(sv[1]);
    struct frame_reader *fr = frame_reader_new(0);
    for (int i = 0; i < 3; i++) {
        const char *d = NULL;
        size_t n = 0;
        CU_ASSERT_EQUAL_FATAL(read_wait(fr, sv[0], &d, &n, NULL), FRAME_OK);
        char *want = make_body(sizes[i]);
        CU_ASSERT_EQUAL(n, sizes[i]);
        CU_ASSERT(memcmp(d, want, n) == 0);
        CU_ASSERT_EQUAL(d[n], '\0');
        free(want);
    }
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_EOF);
    CU_ASSERT(child_ok(pid));
    frame_reader_free(fr);
    close(sv[0]);
}

static void test_frame_exactly_frame_max_round_trips(void)
{
    int sv[2];
    pair(sv);
    const size_t sizes[] = { FRAME_MAX };
    pid_t pid = spawn_writer(sv[1], sv[0], sizes, 1);
    close(sv[1]);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(read_wait(fr, sv[0], &d, &n, NULL), FRAME_OK);
    CU_ASSERT_EQUAL(n, FRAME_MAX);
    CU_ASSERT(n == FRAME_MAX && d[0] == '{' && d[n - 1] == '}' && d[n] == '\0');
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_EOF);
    CU_ASSERT(child_ok(pid));
    frame_reader_free(fr);
    close(sv[0]);
}

static void test_frame_exactly_custom_max_accepted_one_more_rejected(void)
{
    int sv[2];
    pair(sv);
    struct frame_reader *fr = frame_reader_new(1000);
    char *b = make_body(1000);
    CU_ASSERT_EQUAL(frame_write(sv[1], b, 1000, 1000), OK);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_OK);
    CU_ASSERT_EQUAL(n, 1000);
    free(b);
    b = make_body(1001);
    CU_ASSERT_EQUAL(frame_write(sv[1], b, 1001, 1000), OK);
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_ERROR);
    CU_ASSERT_EQUAL(errno, EMSGSIZE);
    free(b);
    frame_reader_free(fr);
    close(sv[0]);
    close(sv[1]);
}

static void test_frame_many_frames_in_one_write(void)
{
    enum { N = 100 };
    int sv[2];
    pair(sv);
    set_nonblock(sv[0]);
    unsigned char all[N * (4 + 40)];
    size_t off = 0;
    for (int i = 0; i < N; i++) {
        char body[40];
        int bl = snprintf(body, sizeof body, "{\"type\":\"log\",\"i\":%d}", i);
        put_len(all + off, (uint32_t)bl);
        memcpy(all + off + 4, body, (size_t)bl);
        off += 4 + (size_t)bl;
    }
    write_all(sv[1], all, off);
    struct frame_reader *fr = frame_reader_new(0);
    for (int i = 0; i < N; i++) {
        const char *d = NULL;
        size_t n = 0;
        char want[40];
        snprintf(want, sizeof want, "{\"type\":\"log\",\"i\":%d}", i);
        CU_ASSERT_EQUAL_FATAL(frame_read(fr, sv[0], &d, &n), FRAME_OK);
        CU_ASSERT_STRING_EQUAL(d, want);
    }
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_AGAIN);
    frame_reader_free(fr);
    close(sv[0]);
    close(sv[1]);
}

static void test_frame_byte_by_byte_gives_again_then_frame(void)
{
    int sv[2];
    pair(sv);
    set_nonblock(sv[0]);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        unsigned char f[4 + HELLO_LEN];
        put_len(f, HELLO_LEN);
        memcpy(f + 4, HELLO, HELLO_LEN);
        for (size_t i = 0; i < sizeof f; i++) {
            if (write(sv[1], f + i, 1) != 1)
                _exit(1);
            usleep(1000);
        }
        _exit(0);
    }
    close(sv[1]);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d = NULL;
    size_t n = 0;
    int agains = 0;
    CU_ASSERT_EQUAL(read_wait(fr, sv[0], &d, &n, &agains), FRAME_OK);
    CU_ASSERT(agains >= 2);
    CU_ASSERT_EQUAL(n, HELLO_LEN);
    CU_ASSERT_STRING_EQUAL(d, HELLO);
    CU_ASSERT_EQUAL(read_wait(fr, sv[0], &d, &n, NULL), FRAME_EOF);
    CU_ASSERT(child_ok(pid));
    frame_reader_free(fr);
    close(sv[0]);
}

/* ---- truncated, oversized, empty, garbage -------------------------------- */

static void test_frame_eof_mid_length_is_error(void)
{
    int sv[2];
    pair(sv);
    write_all(sv[1], "\0\0", 2);
    close(sv[1]);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_ERROR);
    CU_ASSERT_EQUAL(errno, EPROTO);
    CU_ASSERT_PTR_NOT_NULL(strstr(frame_reader_error(fr), "truncated"));
    frame_reader_free(fr);
    close(sv[0]);
}

static void test_frame_eof_mid_body_is_error(void)
{
    int sv[2];
    pair(sv);
    write_raw_frame(sv[1], HELLO_LEN, HELLO, HELLO_LEN - 1);
    close(sv[1]);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_ERROR);
    CU_ASSERT_EQUAL(errno, EPROTO);
    CU_ASSERT_PTR_NOT_NULL(strstr(frame_reader_error(fr), "truncated"));
    frame_reader_free(fr);
    close(sv[0]);
}

static void test_frame_eof_with_nothing_sent_is_eof(void)
{
    int sv[2];
    pair(sv);
    close(sv[1]);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_EOF);
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_EOF);
    frame_reader_free(fr);
    close(sv[0]);
}

/* The reader must decide from the 4 length bytes alone: the bytes after
 * them are still in the socket afterwards. */
static void check_oversized_rejected_unread(size_t max, uint32_t len)
{
    int sv[2];
    pair(sv);
    write_raw_frame(sv[1], len, "0123456789", 10);
    struct frame_reader *fr = frame_reader_new(max);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_ERROR);
    CU_ASSERT_EQUAL(errno, EMSGSIZE);
    CU_ASSERT_PTR_NOT_NULL(strstr(frame_reader_error(fr), "exceeds"));
    char rest[32];
    CU_ASSERT_EQUAL(recv(sv[0], rest, sizeof rest, MSG_DONTWAIT), 10);
    /* sticky: the stream is out of sync for good */
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_ERROR);
    frame_reader_free(fr);
    close(sv[0]);
    close(sv[1]);
}

static void test_frame_length_over_max_rejected_without_reading_body(void)
{
    check_oversized_rejected_unread(1024, 1025);
    check_oversized_rejected_unread(0, FRAME_MAX + 1);
    check_oversized_rejected_unread(0, 0xFFFFFFFFu);
    check_oversized_rejected_unread((size_t)FRAME_MAX * 4, FRAME_MAX + 1); /* clamped */
}

static void test_frame_zero_length_is_error(void)
{
    int sv[2];
    pair(sv);
    write_raw_frame(sv[1], 0, NULL, 0);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, sv[0], &d, &n), FRAME_ERROR);
    CU_ASSERT_EQUAL(errno, EPROTO);
    frame_reader_free(fr);
    close(sv[0]);
    close(sv[1]);
    unsigned char z[4] = { 0 };
    size_t used = 0;
    const char *b = NULL;
    CU_ASSERT_EQUAL(frame_parse((const char *)z, 4, 0, &used, &b, &n), FRAME_ERROR);
}

static const struct {
    const char *body;
    size_t len;
} garbage[] = {
#define G(s) { s, sizeof s - 1 }
    G("not json"),
    G("[1,2,3]"),
    G("[{\"type\":\"job\"}]"),
    G("{}"),
    G("{\"kind\":\"job\"}"),
    G("{\"type\":1}"),
    G("{\"type\":null}"),
    G("{\"type\":[\"job\"]}"),
    G("{\"type\":\"\"}"),
    G("{\"type\":\"job\"} junk"),
    G("{\"type\":\"job\"}{\"type\":\"job\"}"),
    G("{\"type\":\"job\"}\0"),
    G("{\"type\":\"job\""),
    G("null"),
    G("\"type\""),
    G("42"),
    G("\xff\xfe{}"),
    G("{\"type\":\"j\xc3\"}"),
    G(" "),
#undef G
};

static void test_frame_garbage_bodies_are_errors(void)
{
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        int sv[2];
        pair(sv);
        write_raw_frame(sv[1], (uint32_t)garbage[i].len, garbage[i].body, garbage[i].len);
        struct frame_reader *fr = frame_reader_new(0);
        const char *d;
        size_t n;
        int r = frame_read(fr, sv[0], &d, &n);
        CU_ASSERT_EQUAL(r, FRAME_ERROR);
        if (r != FRAME_ERROR)
            fprintf(stderr, "accepted garbage #%zu\n", i);
        CU_ASSERT_EQUAL(errno, EPROTO);
        CU_ASSERT(frame_reader_error(fr)[0] != '\0');
        frame_reader_free(fr);
        close(sv[0]);
        close(sv[1]);

        char buf[64];
        put_len((unsigned char *)buf, (uint32_t)garbage[i].len);
        memcpy(buf + 4, garbage[i].body, garbage[i].len);
        size_t used = 99;
        const char *b = NULL;
        CU_ASSERT_EQUAL(frame_parse(buf, 4 + garbage[i].len, 0, &used, &b, &n), FRAME_ERROR);
        CU_ASSERT_EQUAL(used, 99); /* untouched */
    }
}

static void test_frame_valid_bodies_with_spaces_and_fields_accepted(void)
{
    static const char *ok[] = {
        " {\"type\":\"job\"} \n",
        "{\"id\":7,\"type\":\"result\",\"out\":{\"a\":[1,2]},\"log\":\"\\u00e9\"}",
        "{\"type\":\"heartbeat\"}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char buf[128];
        size_t l = strlen(ok[i]);
        put_len((unsigned char *)buf, (uint32_t)l);
        memcpy(buf + 4, ok[i], l);
        size_t used = 0, n = 0;
        const char *b = NULL;
        CU_ASSERT_EQUAL(frame_parse(buf, 4 + l, 0, &used, &b, &n), FRAME_OK);
        CU_ASSERT_EQUAL(used, 4 + l);
        CU_ASSERT_PTR_EQUAL(b, buf + 4);
        CU_ASSERT_EQUAL(n, l);
    }
}

/* ---- frame_parse ---------------------------------------------------------- */

static void test_frame_parse_consumes_frames_in_sequence_and_waits_on_partial(void)
{
    char buf[256];
    size_t off = 0;
    const char *bodies[] = { "{\"type\":\"a\"}", "{\"type\":\"bb\",\"x\":1}", HELLO };
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(bodies[i]);
        put_len((unsigned char *)buf + off, (uint32_t)l);
        memcpy(buf + off + 4, bodies[i], l);
        off += 4 + l;
    }
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        size_t used = 0, n = 0;
        const char *b = NULL;
        CU_ASSERT_EQUAL_FATAL(frame_parse(buf + at, off - at, 0, &used, &b, &n), FRAME_OK);
        CU_ASSERT_EQUAL(n, strlen(bodies[i]));
        CU_ASSERT(memcmp(b, bodies[i], n) == 0);
        at += used;
    }
    CU_ASSERT_EQUAL(at, off);
    size_t used = 0, n = 0;
    const char *b = NULL;
    CU_ASSERT_EQUAL(frame_parse(buf, 0, 0, &used, &b, &n), FRAME_AGAIN);
    size_t first = 4 + strlen(bodies[0]);
    for (size_t k = 1; k < first; k++)
        CU_ASSERT_EQUAL(frame_parse(buf, k, 0, &used, &b, &n), FRAME_AGAIN);
    CU_ASSERT_EQUAL(used, 0);
    CU_ASSERT_PTR_NULL(b);
    /* a length over max is known before the body arrives */
    CU_ASSERT_EQUAL(frame_parse(buf, 4, 5, &used, &b, &n), FRAME_ERROR);
}

static void test_frame_parse_random_bytes_never_crash(void)
{
    unsigned seed = 12345;
    unsigned char buf[64];
    int oks = 0;
    for (int iter = 0; iter < 30000; iter++) {
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)rand_r(&seed);
        if (n > 4 && iter % 3 == 0) { /* plausible length and JSON-ish body */
            put_len(buf, (uint32_t)(n - 4 - (size_t)(rand_r(&seed) % 2)));
            buf[4] = '{';
            if (iter % 6 == 0 && n > 16) { /* valid, then maybe one byte flipped */
                put_len(buf, (uint32_t)(n - 4));
                memcpy(buf + 4, "{\"type\":\"x\"}", 12);
                memset(buf + 16, ' ', n - 16);
                if (rand_r(&seed) % 2)
                    buf[4 + (size_t)rand_r(&seed) % (n - 4)] = (unsigned char)rand_r(&seed);
            }
        }
        size_t used = 0, blen = 0;
        const char *b = NULL;
        int r = frame_parse((const char *)buf, n, iter % 2 ? 16 : 0, &used, &b, &blen);
        CU_ASSERT(r == FRAME_OK || r == FRAME_AGAIN || r == FRAME_ERROR);
        if (r == FRAME_OK) {
            oks++;
            CU_ASSERT(used == 4 + blen && used <= n && b == (const char *)buf + 4);
        }
    }
    CU_ASSERT(oks > 0);
}

static void test_frame_read_random_streams_never_crash(void)
{
    unsigned seed = 777;
    for (int iter = 0; iter < 300; iter++) {
        int sv[2];
        pair(sv);
        unsigned char buf[96];
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)rand_r(&seed);
        if (n >= 4 && iter % 2)
            put_len(buf, (uint32_t)(rand_r(&seed) % 100));
        if (n)
            write_all(sv[1], buf, n);
        close(sv[1]);
        struct frame_reader *fr = frame_reader_new(64);
        const char *d;
        size_t l;
        int r, rounds = 0;
        while ((r = frame_read(fr, sv[0], &d, &l)) == FRAME_OK && rounds++ < 100)
            ;
        CU_ASSERT(r == FRAME_EOF || r == FRAME_ERROR);
        frame_reader_free(fr);
        close(sv[0]);
    }
}

/* ---- writing -------------------------------------------------------------- */

static void test_frame_write_rejects_over_frame_max_and_empty(void)
{
    int sv[2];
    pair(sv);
    CU_ASSERT_EQUAL(frame_write(sv[1], HELLO, (size_t)FRAME_MAX + 1, 100), ERROR);
    CU_ASSERT_EQUAL(errno, EMSGSIZE);
    CU_ASSERT_EQUAL(frame_write(sv[1], HELLO, 0, 100), ERROR);
    CU_ASSERT_EQUAL(errno, EINVAL);
    char c;
    CU_ASSERT_EQUAL(recv(sv[0], &c, 1, MSG_DONTWAIT), -1); /* nothing sent */
    CU_ASSERT(errno == EAGAIN || errno == EWOULDBLOCK);
    close(sv[0]);
    close(sv[1]);
}

/* No signal handler is installed: a SIGPIPE would kill the test run. */
static void test_frame_write_to_closed_peer_is_epipe_without_signal(void)
{
    int sv[2];
    pair(sv);
    close(sv[0]);
    CU_ASSERT_EQUAL(frame_write(sv[1], HELLO, HELLO_LEN, 100), ERROR);
    CU_ASSERT_EQUAL(errno, EPIPE);
    close(sv[1]);
}

static void test_frame_write_times_out_when_nobody_reads(void)
{
    int sv[2];
    pair(sv);
    set_nonblock(sv[1]);
    size_t len = 4u << 20;
    char *b = make_body(len);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(frame_write(sv[1], b, len, 100), ERROR);
    CU_ASSERT_EQUAL(errno, ETIMEDOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CU_ASSERT(ms >= 90 && ms < 5000);
    free(b);
    close(sv[0]);
    close(sv[1]);
}

static void test_frame_write_and_read_work_on_a_pipe(void)
{
    int p[2];
    CU_ASSERT_FATAL(pipe(p) == 0);
    CU_ASSERT_EQUAL(frame_write(p[1], HELLO, HELLO_LEN, -1), OK);
    close(p[1]);
    struct frame_reader *fr = frame_reader_new(0);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, p[0], &d, &n), FRAME_OK);
    CU_ASSERT_STRING_EQUAL(d, HELLO);
    CU_ASSERT_EQUAL(frame_read(fr, p[0], &d, &n), FRAME_EOF);
    CU_ASSERT_EQUAL(frame_peer(p[0], NULL, NULL, NULL), ERROR);
    CU_ASSERT_EQUAL(frame_peer_trusted(p[0]), ERROR);
    frame_reader_free(fr);
    close(p[0]);
}

static void test_frame_read_error_on_bad_fd(void)
{
    struct frame_reader *fr = frame_reader_new(0);
    const char *d;
    size_t n;
    CU_ASSERT_EQUAL(frame_read(fr, -1, &d, &n), FRAME_ERROR);
    CU_ASSERT_EQUAL(errno, EBADF);
    CU_ASSERT_PTR_NOT_NULL(strstr(frame_reader_error(fr), "read"));
    frame_reader_free(fr);
    frame_reader_free(NULL);
}

/* ---- peer credentials ------------------------------------------------------ */

static void test_frame_peer_is_ourselves_across_socketpair(void)
{
    int sv[2];
    pair(sv);
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    pid_t pid = -1;
    CU_ASSERT_EQUAL(frame_peer(sv[0], &uid, &gid, &pid), OK);
    CU_ASSERT_EQUAL(uid, geteuid());
    CU_ASSERT_EQUAL(gid, getegid());
    CU_ASSERT_EQUAL(pid, getpid());
    CU_ASSERT_EQUAL(frame_peer(sv[1], NULL, NULL, NULL), OK);
    CU_ASSERT_EQUAL(frame_peer_trusted(sv[0]), OK);
    close(sv[0]);
    close(sv[1]);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("frame", NULL, NULL);
    ADD(s, test_frame_small_round_trip_then_eof_at_boundary);
    ADD(s, test_frame_one_mib_then_small_round_trip_through_forked_writer);
    ADD(s, test_frame_exactly_frame_max_round_trips);
    ADD(s, test_frame_exactly_custom_max_accepted_one_more_rejected);
    ADD(s, test_frame_many_frames_in_one_write);
    ADD(s, test_frame_byte_by_byte_gives_again_then_frame);
    ADD(s, test_frame_eof_mid_length_is_error);
    ADD(s, test_frame_eof_mid_body_is_error);
    ADD(s, test_frame_eof_with_nothing_sent_is_eof);
    ADD(s, test_frame_length_over_max_rejected_without_reading_body);
    ADD(s, test_frame_zero_length_is_error);
    ADD(s, test_frame_garbage_bodies_are_errors);
    ADD(s, test_frame_valid_bodies_with_spaces_and_fields_accepted);
    ADD(s, test_frame_parse_consumes_frames_in_sequence_and_waits_on_partial);
    ADD(s, test_frame_parse_random_bytes_never_crash);
    ADD(s, test_frame_read_random_streams_never_crash);
    ADD(s, test_frame_write_rejects_over_frame_max_and_empty);
    ADD(s, test_frame_write_to_closed_peer_is_epipe_without_signal);
    ADD(s, test_frame_write_times_out_when_nobody_reads);
    ADD(s, test_frame_write_and_read_work_on_a_pipe);
    ADD(s, test_frame_read_error_on_bad_fd);
    ADD(s, test_frame_peer_is_ourselves_across_socketpair);
}
