/* test_metrics.c — metrics.h, the host's shared counters: forked writers
 * counting at the same time sum exactly, a SIGKILLed writer's counts stay
 * and its row is adopted (not a new one taken), histograms hold every
 * request in exactly one bucket, a full table of distinct series counts
 * the rest as uncounted, a truncated or overwritten file is repaired, and
 * another route layout starts the table afresh. Each test works in its
 * own mkdtemp folder under /tmp. */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cunit_main.h"
#include "metrics.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define LAYOUT 42

static char dir[64], path[128];

static struct metrics *table_open(uint64_t layout)
{
    struct metrics *m = NULL;
    char err[256];
    CU_ASSERT_FATAL(metrics_open(dir, layout, &m, err, sizeof err) == OK);
    return m;
}

static struct metrics *fresh(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_metrics.XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/%s", dir, METRICS_FILE);
    return table_open(LAYOUT);
}

static void done(struct metrics *m)
{
    metrics_close(m);
    unlink(path);
    rmdir(dir);
}

static struct metrics_sum *sum_of(struct metrics *m)
{
    struct metrics_sum *s = calloc(1, sizeof *s);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_FATAL(metrics_sum(m, s) == OK);
    return s;
}

static uint64_t count_of(const struct metrics_sum *s, unsigned route, unsigned method, unsigned status)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->req[i].route == route && s->req[i].method == method && s->req[i].status == status)
            return s->req[i].count;
    return 0;
}

static uint64_t hist_count(const struct metrics_sum *s, unsigned route)
{
    uint64_t n = 0;
    for (int b = 0; b < METRICS_BUCKETS; b++)
        n += s->http_buckets[route][b];
    return n;
}

/* A child that counts n requests of (route 3, GET, 200) and, when
 * linger, says so on the pipe and sleeps until killed. */
static pid_t writer(int n, int linger, int *ready_fd)
{
    int p[2];
    CU_ASSERT_FATAL(pipe(p) == 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        struct metrics *m = NULL;
        char err[256];
        if (metrics_open(dir, LAYOUT, &m, err, sizeof err) != OK)
            _exit(2);
        for (int i = 0; i < n; i++)
            metrics_request(m, 3, 1, 200, 1500 + i % 7 * 100000);
        metrics_run(m, 1, 0, 120);
        if (linger) {
            if (write(p[1], "x", 1) != 1)
                _exit(3);
            for (;;)
                pause();
        }
        metrics_close(m);
        _exit(0);
    }
    close(p[1]);
    if (ready_fd)
        *ready_fd = p[0];
    else
        close(p[0]);
    return pid;
}

static void wait_ready(int fd)
{
    char c;
    CU_ASSERT_EQUAL(read(fd, &c, 1), 1);
    close(fd);
}

static void test_metrics_forked_writers_sum_exactly(void)
{
    struct metrics *m = fresh();
    pid_t pids[6];
    for (int i = 0; i < 6; i++)
        pids[i] = writer(5000, 0, NULL);
    for (int i = 0; i < 6; i++) {
        int st;
        CU_ASSERT_EQUAL(waitpid(pids[i], &st, 0), pids[i]);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    metrics_request(m, 3, 1, 200, 10);
    metrics_request(m, 0, 0, 404, 10);
    struct metrics_sum *s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 3, 1, 200), 30001);
    CU_ASSERT_EQUAL(count_of(s, 0, 0, 404), 1);
    CU_ASSERT_EQUAL(hist_count(s, 3), 30001);
    CU_ASSERT_EQUAL(s->runs[1][0], 6);
    CU_ASSERT_EQUAL(s->run_buckets[1][3], 6); /* 120 ms: (100, 250] */
    CU_ASSERT_EQUAL(s->uncounted, 0);
    CU_ASSERT_EQUAL(s->rows_live, 1);          /* the writers are gone; their counts stay */
    /* one row a process alive at once: 7 when all ran together, 1 when a
     * loaded machine ran the writers one after another (each adopts the
     * row of the one before it, and so does this process) */
    CU_ASSERT(s->rows_used >= 1 && s->rows_used <= 7);
    free(s);
    done(m);
}

static void test_metrics_killed_writer_keeps_counts_and_row_is_adopted(void)
{
    struct metrics *m = fresh();
    int fd;
    pid_t a = writer(700, 1, &fd);
    wait_ready(fd);
    pid_t b = writer(300, 1, &fd);
    wait_ready(fd);
    struct metrics_sum *s = sum_of(m);
    CU_ASSERT_EQUAL(s->rows_live, 3);
    int used = s->rows_used;
    free(s);
    kill(a, SIGKILL);
    waitpid(a, NULL, 0);
    s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 3, 1, 200), 1000);
    CU_ASSERT_EQUAL(s->rows_live, 2);
    free(s);
    /* the next writer takes the dead row: no new one */
    pid_t c = writer(5, 0, NULL);
    waitpid(c, NULL, 0);
    s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 3, 1, 200), 1005);
    CU_ASSERT_EQUAL(s->rows_used, used);
    free(s);
    kill(b, SIGKILL);
    waitpid(b, NULL, 0);
    done(m);
}

static void test_metrics_histogram_buckets(void)
{
    struct metrics *m = fresh();
    int64_t d[] = { 0, 1000, 1001, 2500, 99999, 10000000, 10000001, 600000000 };
    for (size_t i = 0; i < sizeof d / sizeof *d; i++)
        metrics_request(m, 7, 3, 201, d[i]);
    struct metrics_sum *s = sum_of(m);
    CU_ASSERT_EQUAL(s->http_buckets[7][0], 2);                   /* <= 1 ms, bounds inclusive */
    CU_ASSERT_EQUAL(s->http_buckets[7][1], 2);                   /* (1 ms, 2.5 ms] */
    CU_ASSERT_EQUAL(s->http_buckets[7][6], 1);                   /* (50 ms, 100 ms] */
    CU_ASSERT_EQUAL(s->http_buckets[7][METRICS_BUCKETS - 2], 1); /* (5 s, 10 s] */
    CU_ASSERT_EQUAL(s->http_buckets[7][METRICS_BUCKETS - 1], 2); /* +Inf */
    CU_ASSERT_EQUAL(hist_count(s, 7), 8);
    CU_ASSERT_EQUAL(s->http_sum_us[7], 0 + 1000 + 1001 + 2500 + 99999 + 10000000 + 10000001 + 600000000ull);
    /* out-of-range inputs are counted, not lost */
    metrics_request(m, 5000, 99, 5000, -5);
    free(s);
    s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 0, 0, 0), 1);
    free(s);
    done(m);
}

static void test_metrics_full_series_table_counts_uncounted(void)
{
    struct metrics *m = fresh();
    /* 100 routes x 8 methods = 800 distinct series, more than METRICS_KEYS */
    for (unsigned r = 0; r < 100; r++)
        for (unsigned k = 0; k < 8; k++)
            metrics_request(m, r, k, 200, 1);
    struct metrics_sum *s = sum_of(m);
    CU_ASSERT_EQUAL(s->n, METRICS_KEYS);
    CU_ASSERT_EQUAL(s->uncounted, 800 - METRICS_KEYS);
    uint64_t total = s->uncounted;
    for (size_t i = 0; i < s->n; i++)
        total += s->req[i].count;
    CU_ASSERT_EQUAL(total, 800);
    for (size_t i = 1; i < s->n; i++) /* sorted by route, method, status */
        CU_ASSERT(s->req[i - 1].route < s->req[i].route ||
                  (s->req[i - 1].route == s->req[i].route && s->req[i - 1].method < s->req[i].method));
    free(s);
    done(m);
}

static void test_metrics_damaged_file_is_repaired(void)
{
    struct metrics *m = fresh();
    metrics_request(m, 1, 1, 200, 10);
    /* garbage over the header: the next count makes the table afresh */
    int fd = open(path, O_WRONLY);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(pwrite(fd, "garbage!garbage!", 16, 0), 16);
    close(fd);
    metrics_request(m, 1, 1, 200, 10);
    struct metrics_sum *s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 1, 1, 200), 1);
    CU_ASSERT_EQUAL(s->rows_live, 1);
    free(s);
    /* truncated to half: reopened and sized again, no SIGBUS */
    struct stat st;
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    CU_ASSERT_FATAL(truncate(path, st.st_size / 2) == 0);
    metrics_request(m, 1, 1, 200, 10);
    metrics_request(m, 1, 1, 200, 10);
    s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 1, 1, 200), 2);
    free(s);
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    /* deleted: made again */
    unlink(path);
    metrics_request(m, 1, 1, 200, 10);
    s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 1, 1, 200), 1);
    free(s);
    CU_ASSERT(access(path, F_OK) == 0);
    done(m);
}

static void test_metrics_other_layout_starts_afresh(void)
{
    struct metrics *m = fresh();
    metrics_request(m, 2, 1, 200, 10);
    /* the manager (layout 0) shares the table whatever its layout */
    struct metrics *mgr = NULL;
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        char err[256];
        if (metrics_open(dir, 0, &mgr, err, sizeof err) != OK)
            _exit(2);
        metrics_run(mgr, 0, 2, 5);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    struct metrics_sum *s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 2, 1, 200), 1);
    CU_ASSERT_EQUAL(s->runs[0][2], 1);
    free(s);
    /* another selfserv version: its routes number otherwise */
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        struct metrics *other = NULL;
        char err[256];
        if (metrics_open(dir, LAYOUT + 1, &other, err, sizeof err) != OK)
            _exit(2);
        metrics_request(other, 2, 1, 500, 10);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    metrics_request(m, 2, 1, 200, 10); /* ours is no longer counted */
    s = sum_of(m);
    CU_ASSERT_EQUAL(count_of(s, 2, 1, 200), 0);
    CU_ASSERT_EQUAL(count_of(s, 2, 1, 500), 1);
    CU_ASSERT_EQUAL(s->runs[0][2], 0);
    free(s);
    done(m);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("metrics", NULL, NULL);
    ADD(s, test_metrics_forked_writers_sum_exactly);
    ADD(s, test_metrics_killed_writer_keeps_counts_and_row_is_adopted);
    ADD(s, test_metrics_histogram_buckets);
    ADD(s, test_metrics_full_series_table_counts_uncounted);
    ADD(s, test_metrics_damaged_file_is_repaired);
    ADD(s, test_metrics_other_layout_starts_afresh);
}
