/* frame.c — length-prefixed JSON frames over Unix sockets: an incremental
 * reader for non-blocking connections, a whole-buffer parser with the same
 * rules, a complete writer, and SO_PEERCRED checks. See frame.h. */
#include "frame.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "json.h"
#include "xalloc.h"

#define FRAME_HDR 4
#define FRAME_KEEP (64u << 10)   /* body buffer kept between frames */
#define FRAME_FIRST 4096u        /* first body allocation */

struct frame_reader {
    size_t max;
    unsigned char hdr[FRAME_HDR];
    size_t hdr_got;   /* length bytes received for the current frame */
    size_t need;      /* body length, once hdr_got == FRAME_HDR */
    char *body;       /* need + 1 bytes at most (NUL terminator) */
    size_t cap;
    size_t got;
    int failed;       /* sticky: the stream is out of sync */
    char err[160];
};

static size_t frame_limit(size_t max)
{
    return max == 0 || max > FRAME_MAX ? FRAME_MAX : max;
}

static uint32_t frame_get_len(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Checks a length field; writes a reason on failure. */
static int frame_check_len(uint32_t len, size_t max, char *err, size_t errsz)
{
    if (len == 0) {
        snprintf(err, errsz, "frame length 0");
        errno = EPROTO;
        return ERROR;
    }
    if (len > max) {
        snprintf(err, errsz, "frame length %" PRIu32 " exceeds %zu", len, max);
        errno = EMSGSIZE;
        return ERROR;
    }
    return OK;
}

/* A body must be one JSON object with a non-empty string "type". */
static int frame_check_body(const char *body, size_t len, char *err, size_t errsz)
{
    json_object *obj = NULL, *type = NULL;
    char why[128];
    int rc = ERROR;

    if (json_parse(body, len, &obj, why, sizeof why) != OK)
        snprintf(err, errsz, "frame body: %s", why);
    else if (!json_object_is_type(obj, json_type_object))
        snprintf(err, errsz, "frame body is not a JSON object");
    else if (!json_object_object_get_ex(obj, "type", &type))
        snprintf(err, errsz, "frame body has no \"type\"");
    else if (!json_object_is_type(type, json_type_string) || json_object_get_string_len(type) == 0)
        snprintf(err, errsz, "frame \"type\" is not a non-empty string");
    else
        rc = OK;
    json_object_put(obj);
    if (rc != OK)
        errno = EPROTO;
    return rc;
}

struct frame_reader *frame_reader_new(size_t max)
{
    struct frame_reader *fr = xcalloc(1, sizeof *fr);
    fr->max = frame_limit(max);
    return fr;
}

void frame_reader_free(struct frame_reader *fr)
{
    if (!fr)
        return;
    free(fr->body);
    free(fr);
}

const char *frame_reader_error(const struct frame_reader *fr)
{
    return fr->err;
}

/* Marks the reader as failed; the reason is already in fr->err. */
static int frame_failed(struct frame_reader *fr, int err)
{
    fr->failed = 1;
    errno = err;
    return FRAME_ERROR;
}

static int frame_fail(struct frame_reader *fr, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int frame_fail(struct frame_reader *fr, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fr->err, sizeof fr->err, fmt, ap);
    va_end(ap);
    return frame_failed(fr, err);
}

/* Makes room for more body bytes, growing with what has arrived rather
 * than with what the peer announced. */
static int frame_grow(struct frame_reader *fr)
{
    size_t want = fr->need + 1;
    if (fr->cap >= want || fr->got + 1 < fr->cap)
        return OK;
    size_t ncap = fr->cap ? fr->cap * 2 : FRAME_FIRST;
    if (ncap > want)
        ncap = want;
    char *p = realloc(fr->body, ncap);
    if (!p)
        return ERROR;
    fr->body = p;
    fr->cap = ncap;
    return OK;
}

int frame_read(struct frame_reader *fr, int fd, const char **data, size_t *len)
{
    if (fr->failed) {
        errno = EPROTO;
        return FRAME_ERROR;
    }
    if (fr->hdr_got == 0 && fr->cap > FRAME_KEEP) {
        free(fr->body);   /* do not pin a large buffer per connection */
        fr->body = NULL;
        fr->cap = 0;
    }
    for (;;) {
        void *dst;
        size_t want;
        if (fr->hdr_got < FRAME_HDR) {
            dst = fr->hdr + fr->hdr_got;
            want = FRAME_HDR - fr->hdr_got;
        } else {
            if (frame_grow(fr) != OK)
                return frame_fail(fr, ENOMEM, "out of memory for a %zu-byte frame", fr->need);
            dst = fr->body + fr->got;
            want = fr->need - fr->got;
            if (want > fr->cap - 1 - fr->got)
                want = fr->cap - 1 - fr->got;
        }
        ssize_t n = read(fd, dst, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return FRAME_AGAIN;
            int e = errno;
            return frame_fail(fr, e, "read: %s", strerror(e));
        }
        if (n == 0) {
            if (fr->hdr_got == 0)
                return FRAME_EOF;
            if (fr->hdr_got < FRAME_HDR)
                return frame_fail(fr, EPROTO, "truncated frame: EOF after %zu of %d length bytes",
                                  fr->hdr_got, FRAME_HDR);
            return frame_fail(fr, EPROTO, "truncated frame: EOF after %zu of %zu body bytes",
                              fr->got, fr->need);
        }
        if (fr->hdr_got < FRAME_HDR) {
            fr->hdr_got += (size_t)n;
            if (fr->hdr_got < FRAME_HDR)
                continue;
            uint32_t l = frame_get_len(fr->hdr);
            if (frame_check_len(l, fr->max, fr->err, sizeof fr->err) != OK)
                return frame_failed(fr, errno);
            fr->need = l;
            fr->got = 0;
            continue;
        }
        fr->got += (size_t)n;
        if (fr->got < fr->need)
            continue;
        fr->body[fr->need] = '\0';
        if (frame_check_body(fr->body, fr->need, fr->err, sizeof fr->err) != OK)
            return frame_failed(fr, errno);
        *data = fr->body;
        *len = fr->need;
        fr->hdr_got = 0;   /* next call starts a new frame; body stays valid */
        fr->got = 0;
        return FRAME_OK;
    }
}

int frame_parse(const char *buf, size_t n, size_t max, size_t *consumed,
                const char **body, size_t *body_len)
{
    char err[160];
    if (n < FRAME_HDR)
        return FRAME_AGAIN;
    uint32_t l = frame_get_len((const unsigned char *)buf);
    if (frame_check_len(l, frame_limit(max), err, sizeof err) != OK)
        return FRAME_ERROR;
    if (n - FRAME_HDR < l)
        return FRAME_AGAIN;
    if (frame_check_body(buf + FRAME_HDR, l, err, sizeof err) != OK)
        return FRAME_ERROR;
    *consumed = FRAME_HDR + (size_t)l;
    *body = buf + FRAME_HDR;
    *body_len = l;
    return FRAME_OK;
}

/* Waits until fd is writable or the deadline (-1: none) passes. */
static int frame_wait_writable(int fd, int64_t deadline)
{
    for (;;) {
        int wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - clock_mono_ms();
            if (left <= 0) {
                errno = ETIMEDOUT;
                return ERROR;
            }
            wait = left > INT32_MAX ? INT32_MAX : (int)left;
        }
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int r = poll(&p, 1, wait);
        if (r > 0)
            return OK;   /* writable, or an error the next write reports */
        if (r < 0 && errno != EINTR)
            return ERROR;
    }
}

int frame_write(int fd, const char *body, size_t len, int timeout_ms)
{
    if (len == 0 || !body) {
        errno = EINVAL;
        return ERROR;
    }
    if (len > FRAME_MAX) {
        errno = EMSGSIZE;
        return ERROR;
    }
    unsigned char hdr[FRAME_HDR] = {
        (unsigned char)(len >> 24), (unsigned char)(len >> 16),
        (unsigned char)(len >> 8), (unsigned char)len,
    };
    struct iovec iov[2] = { { hdr, FRAME_HDR }, { (void *)body, len } };
    struct iovec *v = iov;
    int nv = 2;
    int64_t deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
    int is_socket = 1;

    while (nv > 0) {
        ssize_t n;
        if (is_socket) {
            struct msghdr m = { .msg_iov = v, .msg_iovlen = (size_t)nv };
            n = sendmsg(fd, &m, MSG_NOSIGNAL);
            if (n < 0 && errno == ENOTSOCK) {
                is_socket = 0;
                continue;
            }
        } else {
            n = writev(fd, v, nv);
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (frame_wait_writable(fd, deadline) != OK)
                    return ERROR;
                continue;
            }
            return ERROR;
        }
        size_t done = (size_t)n;
        while (nv > 0 && done >= v->iov_len) {
            done -= v->iov_len;
            v++;
            nv--;
        }
        if (nv > 0) {
            v->iov_base = (char *)v->iov_base + done;
            v->iov_len -= done;
        }
    }
    return OK;
}

int frame_peer(int fd, uid_t *uid, gid_t *gid, pid_t *pid)
{
    struct ucred uc;
    socklen_t l = sizeof uc;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &l) != 0)
        return ERROR;
    if (l != sizeof uc) {
        errno = EPROTO;
        return ERROR;
    }
    if (uid)
        *uid = uc.uid;
    if (gid)
        *gid = uc.gid;
    if (pid)
        *pid = uc.pid;
    return OK;
}

int frame_peer_trusted(int fd)
{
    uid_t uid;
    if (frame_peer(fd, &uid, NULL, NULL) != OK)
        return ERROR;
    if (uid != 0 && uid != geteuid()) {
        errno = EACCES;
        return ERROR;
    }
    return OK;
}

int frame_unix_addr(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof sa->sun_path) {
        errno = ENAMETOOLONG;
        return ERROR;
    }
    memcpy(sa->sun_path, path, n + 1);
    return OK;
}

int frame_connect(const char *path)
{
    struct sockaddr_un sa;
    if (frame_unix_addr(path, &sa) != OK)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}
