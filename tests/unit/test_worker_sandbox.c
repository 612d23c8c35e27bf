/* test_worker_sandbox.c — the program child's filter and user change
 * (worker/sandbox.h), for real: each case forks, installs the very filter
 * selfpwrk's children install (sandbox_filter), and makes calls. A call
 * outside the list must kill the child with SIGSYS; what the VM and the
 * http module need must work (memory, a thread, an IPv4 socket, a file
 * opened for reading); what libraries may try must fail with an errno
 * (a Unix socket, a file opened for writing, fork). The user change runs
 * only as root (registered only then): the child becomes `nobody`, has no
 * capability left and cannot read a 0600 file of root's. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cunit_main.h"
#include "sandbox.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* fn's exit status in a filtered child, or 1000 + the signal that ended it. */
static int filtered(int (*fn)(void))
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        if (sandbox_filter() != OK)
            _exit(99);
        _exit(fn());
    }
    int status = 0;
    CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
    return WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void *thread_fn(void *arg)
{
    return arg;
}

/* 0 when everything a run needs works */
static int needed_calls(void)
{
    void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 1;
    memset(m, 1, 1 << 20);
    munmap(m, 1 << 20);
    char *p = malloc(64 << 20);
    if (!p)
        return 2;
    free(p);
    pthread_t t;
    void *r = NULL;
    if (pthread_create(&t, NULL, thread_fn, (void *)7) != 0 || pthread_join(t, &r) != 0 ||
        r != (void *)7)
        return 3;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return 4;
    close(s);
    int f = open("/etc/hosts", O_RDONLY);
    if (f < 0)
        return 5;
    char b[16];
    if (read(f, b, sizeof b) < 0)
        return 6;
    close(f);
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 7;
    return 0;
}

/* 0 when the calls libraries may try fail cleanly */
static int refused_calls(void)
{
    if (socket(AF_UNIX, SOCK_STREAM, 0) >= 0 || errno != EACCES)
        return 1;
    if (socket(AF_NETLINK, SOCK_RAW, 0) >= 0 || errno != EACCES)
        return 2;
    if (open("/tmp/sandbox-test-write", O_WRONLY | O_CREAT, 0600) >= 0 || errno != EACCES)
        return 3;
    if (kill(1, 0) == 0 || errno != EPERM)
        return 4;
    return 0;
}

static int call_ptrace(void)
{
    ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    return 0; /* not reached under the filter */
}

static int call_fork(void)
{
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    return 0; /* not reached */
}

static int call_execve(void)
{
    execl("/bin/true", "true", (char *)NULL);
    return 0;
}

static int call_setuid(void)
{
    syscall(SYS_setuid, 0);
    return 0;
}

static void test_sandbox_filter_allows_what_a_run_needs(void)
{
    CU_ASSERT_EQUAL(filtered(needed_calls), 0);
}

static void test_sandbox_filter_refuses_with_errno(void)
{
    CU_ASSERT_EQUAL(filtered(refused_calls), 0);
}

static void test_sandbox_forbidden_call_kills_with_sigsys(void)
{
    CU_ASSERT_EQUAL(filtered(call_ptrace), 1000 + SIGSYS);
    CU_ASSERT_EQUAL(filtered(call_fork), 1000 + SIGSYS);
    CU_ASSERT_EQUAL(filtered(call_execve), 1000 + SIGSYS);
    CU_ASSERT_EQUAL(filtered(call_setuid), 1000 + SIGSYS);
}

static void test_sandbox_empty_user_keeps_the_workers(void)
{
    struct sandbox_user u;
    char why[256];
    CU_ASSERT_EQUAL(sandbox_user_setup("", &u, why, sizeof why), OK);
    CU_ASSERT_EQUAL(u.change, 0);
    CU_ASSERT_EQUAL(sandbox_user_setup("no-such-user-xyz", &u, why, sizeof why), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "does not exist"));
    CU_ASSERT_EQUAL(u.change, 0);
    CU_ASSERT_EQUAL(sandbox_user_setup("root", &u, why, sizeof why), ERROR);
    CU_ASSERT_EQUAL(u.change, 0);
}

/* as root: the child becomes nobody and cannot read root's 0600 file */
static void test_sandbox_child_runs_as_the_program_user(void)
{
    struct passwd *pw = getpwnam("nobody");
    CU_ASSERT_FATAL(pw != NULL);
    struct sandbox_user u;
    char why[256];
    CU_ASSERT_EQUAL_FATAL(sandbox_user_setup("nobody", &u, why, sizeof why), OK);
    CU_ASSERT_EQUAL(u.change, 1);
    CU_ASSERT_EQUAL(u.uid, pw->pw_uid);
    char secret[] = "/tmp/sandbox-secret.XXXXXX";
    int fd = mkstemp(secret); /* mode 0600, owner root */
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT(write(fd, "x", 1) == 1);
    close(fd);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        if (sandbox_drop_user(&u) != OK)
            _exit(10);
        if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid || getgid() != pw->pw_gid)
            _exit(11);
        if (open(secret, O_RDONLY) >= 0 || errno != EACCES)
            _exit(12);
        if (setuid(0) == 0)
            _exit(13);
        _exit(0);
    }
    int status = 0;
    CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
    CU_ASSERT(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
    unlink(secret);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("worker_sandbox", NULL, NULL);
    ADD(s, test_sandbox_empty_user_keeps_the_workers);
    if (sandbox_filter_available()) {
        ADD(s, test_sandbox_filter_allows_what_a_run_needs);
        ADD(s, test_sandbox_filter_refuses_with_errno);
        ADD(s, test_sandbox_forbidden_call_kills_with_sigsys);
    } else {
        fprintf(stderr, "no seccomp filter for this architecture: its tests are not registered\n");
    }
    if (geteuid() == 0)
        ADD(s, test_sandbox_child_runs_as_the_program_user);
    else
        fprintf(stderr, "not root: the user-change test is not registered\n");
}
