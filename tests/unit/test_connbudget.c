/* test_connbudget.c — connbudget.h: the limit holds across processes, a
 * wait is bounded, a SIGKILLed holder's slots come back, a waiter gets a
 * slot another process yields, keys are independent, a damaged table is
 * repaired, a forked child counts its own slots, the statistics for
 * /metrics (slots per key, waits, timeouts); and db_server_key, the
 * key the slots are counted under. Every test works in its own mkdtemp
 * folder under /tmp. */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "connbudget.h"
#include "cunit_main.h"
#include "db.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define KEY "/run/postgresql:5432/serve"

static char dir[64];

static struct connbudget *budget_open(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_connbudget.XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    struct connbudget *b = NULL;
    char err[256];
    CU_ASSERT_FATAL(connbudget_open(dir, &b, err, sizeof err) == OK);
    return b;
}

static void budget_done(struct connbudget *b)
{
    char path[128];
    connbudget_close(b);
    snprintf(path, sizeof path, "%s/%s", dir, CONNBUDGET_FILE);
    unlink(path);
    rmdir(dir);
}

static int total_of(struct connbudget *b, const char *key)
{
    int mine = -1, total = -1;
    CU_ASSERT_EQUAL(connbudget_count(b, key, &mine, &total), OK);
    return total;
}

/* A child that takes n slots of key, says so on the pipe, then runs
 * loop(b) until killed (NULL: sleeps). */
static pid_t child_holding(int n, const char *key, void (*loop)(struct connbudget *))
{
    int p[2];
    CU_ASSERT_FATAL(pipe(p) == 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        struct connbudget *b;
        char err[256];
        if (connbudget_open(dir, &b, err, sizeof err) != OK)
            _exit(1);
        for (int i = 0; i < n; i++)
            if (connbudget_acquire(b, key, 1000, 0) != OK)
                _exit(2);
        char c = 'x';
        if (write(p[1], &c, 1) != 1)
            _exit(3);
        for (;;)
            if (loop)
                loop(b);
            else
                pause();
    }
    char c;
    CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
    close(p[0]);
    close(p[1]);
    return pid;
}

static void kill_child(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
}

static void test_connbudget_limit_holds_and_release_frees(void)
{
    struct connbudget *b = budget_open();
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), CONNBUDGET_FULL);
    CU_ASSERT_EQUAL(total_of(b, KEY), 3);
    connbudget_release(b, KEY);
    CU_ASSERT_EQUAL(total_of(b, KEY), 2);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    /* a lower limit counts what is held already */
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 2, 0), CONNBUDGET_FULL);
    budget_done(b);
}

static void test_connbudget_keys_are_independent(void)
{
    struct connbudget *b = budget_open();
    CU_ASSERT_EQUAL(connbudget_acquire(b, "a:5432/serve", 1, 0), OK);
    CU_ASSERT_EQUAL(connbudget_acquire(b, "a:5432/serve", 1, 0), CONNBUDGET_FULL);
    CU_ASSERT_EQUAL(connbudget_acquire(b, "a:5432/manager", 1, 0), OK);
    CU_ASSERT_EQUAL(connbudget_acquire(b, "a:5433/serve", 1, 0), OK);
    CU_ASSERT_EQUAL(total_of(b, "a:5432/serve"), 1);
    budget_done(b);
}

static void test_connbudget_wait_is_bounded(void)
{
    struct connbudget *b = budget_open();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 1, 0), OK);
    int64_t t0 = clock_mono_us();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 1, 150), CONNBUDGET_FULL);
    int64_t waited = clock_mono_us() - t0;
    CU_ASSERT(waited >= 150000 && waited < 1000000);
    budget_done(b);
}

static void test_connbudget_other_process_counts_against_the_limit(void)
{
    struct connbudget *b = budget_open();
    pid_t pid = child_holding(3, KEY, NULL);
    CU_ASSERT_EQUAL(total_of(b, KEY), 3);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 4, 0), OK);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 4, 0), CONNBUDGET_FULL);
    kill_child(pid);
    budget_done(b);
}

static void test_connbudget_sigkilled_holder_slots_come_back(void)
{
    struct connbudget *b = budget_open();
    pid_t pid = child_holding(5, KEY, NULL);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 5, 0), CONNBUDGET_FULL);
    kill_child(pid);
    /* no pid check: the dead process's row lock is gone, so its row is */
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 5, 0), OK);
    CU_ASSERT_EQUAL(total_of(b, KEY), 5);
    budget_done(b);
}

static void yield_loop(struct connbudget *b)
{
    if (connbudget_yield(b, KEY, 2) == 1) {
        connbudget_release(b, KEY); /* its connection closed: the slot goes */
        _exit(0);
    }
    usleep(1000);
}

static void test_connbudget_waiter_gets_the_slot_another_yields(void)
{
    struct connbudget *b = budget_open();
    pid_t pid = child_holding(2, KEY, yield_loop);
    CU_ASSERT_EQUAL(connbudget_yield(b, KEY, 2), 0); /* nobody waits, nothing of ours */
    int64_t t0 = clock_mono_us();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 2, 2000), OK);
    CU_ASSERT(clock_mono_us() - t0 < 1000000);
    int status;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(total_of(b, KEY), 1); /* the child's other slot went with it */
    CU_ASSERT(!connbudget_anyone_waiting(b));
    budget_done(b);
}

static void test_connbudget_yield_only_when_full_and_wanted(void)
{
    struct connbudget *b = budget_open();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    CU_ASSERT_EQUAL(connbudget_yield(b, KEY, 3), 0);
    CU_ASSERT_EQUAL(total_of(b, KEY), 1);
    budget_done(b);
}

static void test_connbudget_trim_frees_one_of_two_when_full(void)
{
    struct connbudget *b = budget_open();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    CU_ASSERT_EQUAL(connbudget_trim(b, KEY, 3), 0); /* not full */
    pid_t pid = child_holding(2, KEY, NULL);
    CU_ASSERT_EQUAL(connbudget_trim(b, KEY, 3), 0); /* full, but we hold one only */
    kill_child(pid);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    CU_ASSERT_EQUAL(connbudget_trim(b, KEY, 3), 1);
    CU_ASSERT_EQUAL(total_of(b, KEY), 3); /* held until its connection is closed */
    connbudget_release(b, KEY);
    CU_ASSERT_EQUAL(total_of(b, KEY), 2);
    CU_ASSERT_EQUAL(connbudget_trim(b, KEY, 3), 0); /* one free now */
    budget_done(b);
}

static void test_connbudget_damaged_table_is_repaired(void)
{
    struct connbudget *b = budget_open();
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, CONNBUDGET_FILE);
    FILE *f = fopen(path, "r+");
    CU_ASSERT_FATAL(f != NULL);
    fputs("garbage", f);
    fclose(f);
    struct connbudget *c;
    char err[256];
    CU_ASSERT_EQUAL(connbudget_open(dir, &c, err, sizeof err), OK);
    CU_ASSERT_EQUAL(connbudget_acquire(c, KEY, 1, 0), OK);
    CU_ASSERT_EQUAL(truncate(path, 10), 0);
    CU_ASSERT_EQUAL(connbudget_acquire(c, KEY, 1, 0), OK); /* re-made: the slot was forgotten */
    connbudget_close(c);
    budget_done(b);
}

static void test_connbudget_forked_child_counts_its_own(void)
{
    struct connbudget *b = budget_open();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 3, 0), OK);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        int ok = connbudget_acquire(b, KEY, 3, 0) == OK && connbudget_acquire(b, KEY, 3, 0) == OK &&
                 connbudget_acquire(b, KEY, 3, 0) == CONNBUDGET_FULL;
        connbudget_close(b);
        _exit(ok ? 0 : 1);
    }
    int status;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(total_of(b, KEY), 1); /* ours kept, the child's freed when it closed */
    budget_done(b);
}

struct stat_seen {
    int calls, held, waiting, limit;
    char key[CONNBUDGET_KEY_MAX];
};

static void stat_row(void *ctx, const char *key, int held, int waiting, int limit)
{
    struct stat_seen *s = ctx;
    s->calls++;
    snprintf(s->key, sizeof s->key, "%s", key);
    s->held = held;
    s->waiting = waiting;
    s->limit = limit;
}

/* connbudget_stats (GET /metrics): one call per key with the slots of all
 * processes, waits counted once per acquire that waited, timeouts for
 * those that got nothing; an acquire without a wait counts neither. */
static void test_connbudget_stats_count_waits_and_timeouts(void)
{
    struct connbudget *b = budget_open();
    pid_t pid = child_holding(2, KEY, yield_loop);
    struct stat_seen seen = { 0 };
    uint64_t waits = 99, timeouts = 99;
    CU_ASSERT_EQUAL(connbudget_stats(b, stat_row, &seen, &waits, &timeouts), OK);
    CU_ASSERT_EQUAL(seen.calls, 1);
    CU_ASSERT_STRING_EQUAL(seen.key, KEY);
    CU_ASSERT_EQUAL(seen.held, 2);
    CU_ASSERT_EQUAL(seen.limit, 1000); /* the largest its holders gave (child_holding: 1000) */
    CU_ASSERT_EQUAL(waits, 0);
    CU_ASSERT_EQUAL(timeouts, 0);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 2, 0), CONNBUDGET_FULL); /* no wait: not counted */
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 2, 2000), OK);           /* waits; the child yields */
    waitpid(pid, NULL, 0);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 1, 0), CONNBUDGET_FULL);
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 1, 60), CONNBUDGET_FULL); /* waits, in vain */
    memset(&seen, 0, sizeof seen);
    CU_ASSERT_EQUAL(connbudget_stats(b, stat_row, &seen, &waits, &timeouts), OK);
    CU_ASSERT_EQUAL(seen.calls, 1);
    CU_ASSERT_EQUAL(seen.held, 1); /* ours; the child's went with it */
    CU_ASSERT_EQUAL(seen.waiting, 0);
    CU_ASSERT_EQUAL(waits, 2);
    CU_ASSERT_EQUAL(timeouts, 1);
    budget_done(b);
}

static void test_connbudget_bad_arguments(void)
{
    struct connbudget *b = NULL;
    char err[256];
    CU_ASSERT_EQUAL(connbudget_open("", &b, err, sizeof err), ERROR);
    CU_ASSERT_EQUAL(connbudget_open("/nonexistent/dir", &b, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_EQUAL(connbudget_acquire(NULL, KEY, 1, 0), ERROR);
    b = budget_open();
    CU_ASSERT_EQUAL(connbudget_acquire(b, KEY, 0, 0), ERROR);
    CU_ASSERT_EQUAL(connbudget_acquire(b, "", 1, 0), ERROR);
    connbudget_release(b, "never-taken"); /* harmless */
    connbudget_release(NULL, KEY);
    connbudget_close(NULL);
    budget_done(b);
}

static void test_db_server_key_of_uris(void)
{
    char k[CONNBUDGET_KEY_MAX];
    unsetenv("PGHOST");
    unsetenv("PGPORT");
    CU_ASSERT_EQUAL(db_server_key("postgresql://u:p@db.internal:6432/acme", k, sizeof k), OK);
    CU_ASSERT_STRING_EQUAL(k, "db.internal:6432");
    CU_ASSERT_EQUAL(db_server_key("postgresql:///acme?host=/tmp/x/run&user=postgres", k, sizeof k), OK);
    CU_ASSERT_STRING_EQUAL(k, "/tmp/x/run:5432");
    CU_ASSERT_EQUAL(db_server_key("postgresql:///acme", k, sizeof k), OK);
    CU_ASSERT_STRING_EQUAL(k, "/var/run/postgresql:5432");
    CU_ASSERT_EQUAL(db_server_key("host=10.0.0.5 port=5433 dbname=x", k, sizeof k), OK);
    CU_ASSERT_STRING_EQUAL(k, "10.0.0.5:5433");
    CU_ASSERT_EQUAL(db_server_key("hostaddr=10.0.0.6 dbname=x", k, sizeof k), OK);
    CU_ASSERT_STRING_EQUAL(k, "10.0.0.6:5432");
    setenv("PGHOST", "pg.env", 1);
    setenv("PGPORT", "7000", 1);
    CU_ASSERT_EQUAL(db_server_key("postgresql:///acme", k, sizeof k), OK);
    CU_ASSERT_STRING_EQUAL(k, "pg.env:7000");
    unsetenv("PGHOST");
    unsetenv("PGPORT");
    CU_ASSERT_EQUAL(db_server_key("postgresql://[::1", k, sizeof k), ERROR);
    CU_ASSERT_EQUAL(db_server_key("host = 'unterminated", k, sizeof k), ERROR);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("connbudget", NULL, NULL);
    ADD(s, test_connbudget_limit_holds_and_release_frees);
    ADD(s, test_connbudget_keys_are_independent);
    ADD(s, test_connbudget_wait_is_bounded);
    ADD(s, test_connbudget_other_process_counts_against_the_limit);
    ADD(s, test_connbudget_sigkilled_holder_slots_come_back);
    ADD(s, test_connbudget_waiter_gets_the_slot_another_yields);
    ADD(s, test_connbudget_yield_only_when_full_and_wanted);
    ADD(s, test_connbudget_trim_frees_one_of_two_when_full);
    ADD(s, test_connbudget_damaged_table_is_repaired);
    ADD(s, test_connbudget_forked_child_counts_its_own);
    ADD(s, test_connbudget_stats_count_waits_and_timeouts);
    ADD(s, test_connbudget_bad_arguments);
    ADD(s, test_db_server_key_of_uris);
}
