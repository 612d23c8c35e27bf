/* sandbox.c — another user and a seccomp filter for the program child
 * (sandbox.h). The filter is classic BPF written against the kernel's
 * interface (linux/seccomp.h), installed with prctl: no library. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "status.h"

#if defined(__x86_64__)
#define SB_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SB_ARCH AUDIT_ARCH_AARCH64
#endif

/* ==== the user ========================================================== */

static int caps_effective(uint64_t *eff)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capget, &h, d) != 0)
        return ERROR;
    *eff = (uint64_t)d[0].effective | (uint64_t)d[1].effective << 32;
    return OK;
}

static int may_change_users(void)
{
    uint64_t eff = 0;
    if (caps_effective(&eff) != OK)
        return 0;
    uint64_t need = (1ULL << CAP_SETUID) | (1ULL << CAP_SETGID);
    return (eff & need) == need;
}

int sandbox_user_setup(const char *name, struct sandbox_user *u, char *why, size_t whysz)
{
    memset(u, 0, sizeof *u);
    if (whysz)
        why[0] = '\0';
    if (!name || !*name)
        return OK;
    snprintf(u->name, sizeof u->name, "%s", name);
    errno = 0;
    struct passwd *pw = getpwnam(name);
    if (!pw) {
        snprintf(why, whysz, "program_user '%s' does not exist%s%s", name, errno ? ": " : "",
                 errno ? strerror(errno) : "");
        return ERROR;
    }
    if (pw->pw_uid == 0) {
        snprintf(why, whysz, "program_user '%s' is root: programs never run as root", name);
        return ERROR;
    }
    if (pw->pw_uid == geteuid())
        return OK; /* the worker's own user: nothing to change */
    if (!may_change_users()) {
        snprintf(why, whysz,
                 "the worker (uid %u) cannot change users: it needs root or CAP_SETUID and "
                 "CAP_SETGID to run programs as '%s'",
                 (unsigned)geteuid(), name);
        return ERROR;
    }
    u->change = 1;
    u->uid = pw->pw_uid;
    u->gid = pw->pw_gid;
    return OK;
}

int sandbox_drop_user(const struct sandbox_user *u)
{
    if (u->change) {
        if (setgroups(0, NULL) != 0 || setresgid(u->gid, u->gid, u->gid) != 0 ||
            setresuid(u->uid, u->uid, u->uid) != 0)
            return ERROR;
        uid_t r, e, s;
        gid_t gr, ge, gs;
        if (getresuid(&r, &e, &s) != 0 || getresgid(&gr, &ge, &gs) != 0 || r != u->uid ||
            e != u->uid || s != u->uid || gr != u->gid || ge != u->gid || gs != u->gid) {
            errno = EPERM;
            return ERROR;
        }
    }
    /* whatever the worker held (CAP_SETUID, CAP_SETGID, or root's), the
     * program holds nothing: ambient first (kernels without it: EINVAL) */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return ERROR;
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capset, &h, d) != 0)
        return ERROR;
    uint64_t eff = 1;
    if (caps_effective(&eff) != OK || eff != 0) {
        errno = EPERM;
        return ERROR;
    }
    return OK;
}

int sandbox_kill(pid_t pid, int sig, const struct sandbox_user *u)
{
    if (kill(pid, sig) == 0)
        return OK;
    if (errno != EPERM || !u->change)
        return ERROR;
    /* no CAP_KILL: the program user's effective uid may signal its own
     * processes; back at once (the real uid is still the worker's) */
    uid_t self = geteuid();
    if (setresuid((uid_t)-1, u->uid, (uid_t)-1) != 0)
        return ERROR;
    int rc = kill(pid, sig), e = errno;
    if (setresuid((uid_t)-1, self, (uid_t)-1) != 0)
        _exit(70); /* a worker stuck with the program user's uid must not go on */
    errno = e;
    return rc == 0 ? OK : ERROR;
}

/* ==== the filter ======================================================== */

#ifdef SB_ARCH

/* Allowed whatever their arguments. */
static const int allowed[] = {
    /* the report pipe, stderr, files opened for reading */
    __NR_read, __NR_write, __NR_readv, __NR_writev, __NR_pread64, __NR_close, __NR_lseek,
    __NR_fstat, __NR_newfstatat, __NR_statx, __NR_fcntl, __NR_faccessat, __NR_readlinkat,
    __NR_getdents64, __NR_getcwd,
#ifdef __NR_stat
    __NR_stat, __NR_lstat, __NR_access, __NR_readlink,
#endif
#ifdef __NR_faccessat2
    __NR_faccessat2,
#endif
    /* memory */
    __NR_brk, __NR_mmap, __NR_munmap, __NR_mremap, __NR_mprotect, __NR_madvise,
    /* waiting and time */
#ifdef __NR_poll
    __NR_poll,
#endif
#ifdef __NR_select
    __NR_select,
#endif
    __NR_ppoll, __NR_pselect6, __NR_nanosleep, __NR_clock_nanosleep, __NR_clock_gettime,
    __NR_clock_getres, __NR_gettimeofday,
#ifdef __NR_time
    __NR_time,
#endif
    /* the http module: sockets (socket itself is checked below), libcurl's
     * wakeup pair, the resolver's UDP and TCP */
    __NR_connect, __NR_sendto, __NR_recvfrom, __NR_sendmsg, __NR_recvmsg, __NR_sendmmsg,
    __NR_recvmmsg, __NR_getsockopt, __NR_setsockopt, __NR_getsockname, __NR_getpeername,
    __NR_bind, __NR_shutdown, __NR_socketpair, __NR_eventfd2, __NR_pipe2,
    /* threads (libcurl's resolver) and signals to itself */
    __NR_futex, __NR_set_robust_list, __NR_get_robust_list, __NR_set_tid_address, __NR_gettid,
    __NR_sched_yield, __NR_sched_getaffinity, __NR_rt_sigaction, __NR_rt_sigprocmask,
    __NR_rt_sigreturn, __NR_sigaltstack, __NR_restart_syscall,
#ifdef __NR_rseq
    __NR_rseq,
#endif
    /* who and what am I */
    __NR_getpid, __NR_getppid, __NR_getuid, __NR_geteuid, __NR_getgid, __NR_getegid,
    __NR_getrandom, __NR_uname, __NR_sysinfo, __NR_getrusage, __NR_times,
#ifdef __NR_getrlimit
    __NR_getrlimit,
#endif
    /* the end */
    __NR_exit, __NR_exit_group,
};

#define NALLOWED (sizeof allowed / sizeof *allowed)
#define MAX_INSNS (NALLOWED + 64)

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(__u64))
#define ARG_HI(i) (ARG_LO(i) + sizeof(__u32))
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

struct prog {
    struct sock_filter f[MAX_INSNS];
    unsigned short n;
};

static void put(struct prog *p, struct sock_filter s)
{
    if (p->n < MAX_INSNS)
        p->f[p->n++] = s;
}

#define STMT(code, k) put(p, (struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) put(p, (struct sock_filter)BPF_JUMP(code, k, jt, jf))
#define LOAD(off) STMT(BPF_LD | BPF_W | BPF_ABS, (__u32)(off))
#define RET(v) STMT(BPF_RET | BPF_K, (__u32)(v))
/* "if nr == NR, run the next len instructions (which all return)" */
#define IF_NR(nr, len) JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)(nr), 0, (len))

/* A call allowed when argument `arg` (its low 32 bits) is one of two
 * values, else errno e: 5 instructions after IF_NR. */
static void allow_arg_in(struct prog *p, int nr, int arg, __u32 a, __u32 b, int e)
{
    IF_NR(nr, 5);
    LOAD(ARG_LO(arg));
    JUMP(BPF_JMP | BPF_JEQ | BPF_K, a, 2, 0);
    JUMP(BPF_JMP | BPF_JEQ | BPF_K, b, 1, 0);
    RET(RET_ERRNO(e));
    RET(SECCOMP_RET_ALLOW);
}

/* open/openat: read-only opens only (flags in argument arg) */
static void allow_read_only_open(struct prog *p, int nr, int arg)
{
    IF_NR(nr, 4);
    LOAD(ARG_LO(arg));
    JUMP(BPF_JMP | BPF_JSET | BPF_K, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0, 1);
    RET(RET_ERRNO(EACCES));
    RET(SECCOMP_RET_ALLOW);
}

static void build(struct prog *p, pid_t self)
{
    p->n = 0;
    LOAD(offsetof(struct seccomp_data, arch));
    JUMP(BPF_JMP | BPF_JEQ | BPF_K, SB_ARCH, 1, 0);
    RET(SECCOMP_RET_KILL_PROCESS);
    LOAD(offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
    /* the x32 ABI's numbers alias the allowed ones */
    JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);
    RET(SECCOMP_RET_KILL_PROCESS);
#endif
    /* sockets: IPv4 and IPv6 only (no Unix socket, no netlink) */
    allow_arg_in(p, __NR_socket, 0, AF_INET, AF_INET6, EACCES);
    /* libcurl and the resolver ask how much is waiting, and set O_NONBLOCK */
    allow_arg_in(p, __NR_ioctl, 1, FIONREAD, FIONBIO, ENOTTY);
    /* signals: only to itself (abort(); a thread's tgkill) */
    allow_arg_in(p, __NR_kill, 0, (__u32)self, (__u32)self, EPERM);
    allow_arg_in(p, __NR_tgkill, 0, (__u32)self, (__u32)self, EPERM);
    /* its own limits only (pid 0 or itself); the hard limits still hold */
    allow_arg_in(p, __NR_prlimit64, 0, 0, (__u32)self, EPERM);
    allow_read_only_open(p, __NR_openat, 2);
#ifdef __NR_open
    allow_read_only_open(p, __NR_open, 1);
#endif
    /* threads yes, processes no: glibc falls back from clone3 to clone */
    IF_NR(__NR_clone3, 1);
    RET(RET_ERRNO(ENOSYS));
    IF_NR(__NR_clone, 4);
    LOAD(ARG_LO(0));
    JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0);
    RET(SECCOMP_RET_KILL_PROCESS);
    RET(SECCOMP_RET_ALLOW);
    /* every block above returns: the accumulator still holds nr here */
    for (size_t i = 0; i < NALLOWED; i++)
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)allowed[i], (__u8)(NALLOWED - i), 0);
    RET(SECCOMP_RET_KILL_PROCESS);
    RET(SECCOMP_RET_ALLOW);
}

int sandbox_filter_available(void)
{
    return 1;
}

int sandbox_filter(void)
{
    static struct prog p; /* the child's own copy (it is forked) */
    build(&p, getpid());
    if (p.n >= MAX_INSNS) {
        errno = E2BIG;
        return ERROR;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return ERROR;
    struct sock_fprog fp = { .len = p.n, .filter = p.f };
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) != 0)
        return ERROR;
    return OK;
}

#else /* no filter for this architecture */

int sandbox_filter_available(void)
{
    return 0;
}

int sandbox_filter(void)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return ERROR;
    return OK;
}

#endif
