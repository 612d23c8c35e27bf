/* sandbox.h — the program child's last two walls, after the rlimits of
 * child.c: another user, and a system call filter (seccomp).
 *
 * The user: [worker] program_user, resolved once when the worker starts.
 * The child takes that user's uid and gid (all three of each, no
 * supplementary groups) and drops every capability before the program
 * runs, so that a bug in the VM cannot read what only the worker's user
 * may: its configuration, the domain file, the PostgreSQL socket folder.
 * Changing users needs root or CAP_SETUID + CAP_SETGID (the systemd unit
 * and sh_programs_start give the worker just those two); a worker without
 * them, or a program_user that does not exist, keeps the worker's own user
 * for its children and says so once at start (warning). Empty: the
 * worker's user, by choice (info).
 *
 * The filter allows what the VM, the http module (libcurl: sockets, poll,
 * DNS through /etc files and UDP/TCP, a resolver thread), the report pipe,
 * memory management and exit need. A call outside the list kills the child
 * at once (SECCOMP_RET_KILL_PROCESS: SIGSYS), which the worker reports as
 * crashed, "killed by the sandbox". A few calls libraries try and can do
 * without fail with an errno instead: sockets other than IPv4/IPv6
 * (EACCES: no Unix socket, so not PostgreSQL's), opening a file for
 * writing (EACCES), clone3 (ENOSYS: glibc falls back to clone, whose flags
 * the filter can read: threads yes, processes no), ioctl other than
 * FIONREAD/FIONBIO (ENOTTY), signals to any process but the child's own
 * (EPERM). Built for x86_64 and aarch64; elsewhere there is no filter and
 * the worker says so at start. */
#ifndef SELFPWRK_SANDBOX_H
#define SELFPWRK_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct sandbox_user {
    int change;      /* 1: children take uid/gid; 0: they keep the worker's */
    uid_t uid;
    gid_t gid;
    char name[64];
};

/* The worker, at start: resolves name (empty: keep the worker's user) and
 * checks that the worker may change users. Always fills *u; returns OK
 * when the children will run as name (or name is empty), ERROR with the
 * reason in why (the children then keep the worker's user). */
int sandbox_user_setup(const char *name, struct sandbox_user *u, char *why, size_t whysz);
/* The child: becomes u (when u->change) and drops every capability.
 * ERROR with errno when a step failed: the child must not go on. */
int sandbox_drop_user(const struct sandbox_user *u);
/* The child, last before the program: no new privileges, then the filter.
 * ERROR with errno when the kernel refused it. */
int sandbox_filter(void);
/* 1 when this build has a filter for the machine's architecture. */
int sandbox_filter_available(void);
/* The worker: kill(pid, sig) for a child that may run as another user
 * (taking that user's effective uid for the call when the worker lacks
 * CAP_KILL). */
int sandbox_kill(pid_t pid, int sig, const struct sandbox_user *u);

#endif
