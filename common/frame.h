/* frame.h — the framed protocol between selfserv, selfpmgr and selfpwrk
 * (OpenBSD imsg in spirit): over a Unix SOCK_STREAM socket, each message is
 * a 4-byte big-endian length followed by that many bytes holding one JSON
 * object with a non-empty string "type". docs/protocol.md ("Frames")
 * describes the wire format for operators and implementers of a peer.
 *
 * Return codes: FRAME_OK and FRAME_ERROR are the project's OK and ERROR
 * (common/status.h), so `if (frame_write(...) != OK)` reads as usual;
 * FRAME_AGAIN and FRAME_EOF are the two extra outcomes of reading.
 * A FRAME_ERROR on a connection means the byte stream can no longer be
 * trusted: the caller logs and closes the connection. */
#ifndef SELFHOST_FRAME_H
#define SELFHOST_FRAME_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/* Largest frame body accepted (and written): 16 MiB. Every connection may
 * hold one partly received frame in memory, so this bounds what a peer can
 * make the manager allocate; it is far above the normal traffic (jobs carry
 * program code, results carry output and logs, both small) yet large enough
 * for a webhook request or response body once escaped into JSON. As
 * server.max_body may be larger (32 MiB by default), the webhook path has
 * to cap its bodies so that the encoded frame stays below this. */
#define FRAME_MAX (16u << 20)

enum frame_status {
    FRAME_ERROR = ERROR, /* -1: see frame_reader_error() for why */
    FRAME_OK = OK,       /*  0: a complete, well-formed frame */
    FRAME_AGAIN = 1,     /* the fd would block: poll and call again */
    FRAME_EOF = 2        /* the peer closed cleanly between two frames */
};

struct frame_reader; /* incremental reader, one per connection */

/* A reader accepting bodies up to max bytes (0, or anything above
 * FRAME_MAX, means FRAME_MAX). Never NULL (xalloc.h). The body buffer,
 * which grows with what a peer sends, is allocated checked instead: a
 * failure there is the reader's FRAME_ERROR (ENOMEM), and only that
 * connection is lost. */
struct frame_reader *frame_reader_new(size_t max);
void frame_reader_free(struct frame_reader *fr); /* NULL is fine */

/* Reads from fd (blocking or non-blocking) until one frame is complete.
 *   FRAME_OK    *data and *len hold the body, NUL-terminated for convenience,
 *               owned by the reader and valid until the next call;
 *   FRAME_AGAIN read(2) said EAGAIN: what arrived is kept, call again when
 *               fd is readable;
 *   FRAME_EOF   orderly close at a frame boundary (before any byte of the
 *               next frame);
 *   FRAME_ERROR a read error (errno from read), EOF inside a frame, a zero
 *               length or a body that is not a JSON object with a non-empty
 *               string "type" (errno EPROTO), a length over max (EMSGSIZE;
 *               detected from the 4 length bytes, the body is neither read
 *               nor allocated), out of memory (ENOMEM). Sticky: every later
 *               call returns FRAME_ERROR too.
 * The reader never reads past the end of the current frame, so poll()
 * readability stays an exact signal: nothing is hidden in the reader's
 * buffer. After FRAME_OK, call again (more frames may be waiting) until
 * FRAME_AGAIN. Memory grows with the bytes actually received, not with the
 * announced length, and a buffer above 64 KiB is released before the next
 * frame. */
int frame_read(struct frame_reader *fr, int fd, const char **data, size_t *len);

/* Why the last FRAME_ERROR happened ("frame length 4294967295 exceeds
 * 16777216", "truncated frame: EOF after 2 of 4 length bytes", ...);
 * "" when there was none. */
const char *frame_reader_error(const struct frame_reader *fr);

/* The same rules on a whole buffer (tests, fuzzing, a peer's replay):
 * consumes one frame from the start of (buf, n). FRAME_OK sets *consumed
 * (4 + body length) and *body and *body_len (pointing into buf, not
 * NUL-terminated); FRAME_AGAIN when buf holds only the start of a frame
 * (including n == 0); FRAME_ERROR for a zero length, a length over max
 * (0 means FRAME_MAX) or a bad body. Outputs are untouched unless FRAME_OK. */
int frame_parse(const char *buf, size_t n, size_t max, size_t *consumed,
                const char **body, size_t *body_len);

/* Writes one frame (length + body) completely: one sendmsg(2) with
 * MSG_NOSIGNAL when it fits (a closed peer is EPIPE, never SIGPIPE; on a
 * non-socket fd falls back to writev(2), where SIGPIPE is the caller's
 * business), retrying after EINTR and short writes. On a non-blocking fd
 * waits with poll(2) for at most timeout_ms in total (< 0: no limit; then
 * ETIMEDOUT). The body is sent as is: callers build a JSON object with a
 * "type". OK, or ERROR with errno: EINVAL for len 0, EMSGSIZE for
 * len > FRAME_MAX (nothing written), otherwise from the write or
 * ETIMEDOUT — after which a partial frame may be on the wire, so the
 * connection must be closed. */
int frame_write(int fd, const char *body, size_t len, int timeout_ms);

/* The credentials of the peer of a connected Unix socket (SO_PEERCRED: as
 * they were at connect/socketpair time). Any output may be NULL. pid is 0
 * when the peer is in another PID namespace. OK, or ERROR with errno
 * (ENOTSOCK, ...). */
int frame_peer(int fd, uid_t *uid, gid_t *gid, pid_t *pid);

/* OK when the peer runs as our effective uid or as root; ERROR (errno
 * EACCES, or from frame_peer) otherwise. The socket file's mode is the
 * first gate; this is the second, so a wrongly created socket still does
 * not let another user drive the manager. */
int frame_peer_trusted(int fd);

struct sockaddr_un;
/* The address of the Unix socket at path; ERROR (errno ENAMETOOLONG) when
 * the path is empty or does not fit in sun_path. */
int frame_unix_addr(const char *path, struct sockaddr_un *sa);
/* Connects to the Unix socket at path: the fd, non-blocking and
 * close-on-exec, or -1 with errno (ENAMETOOLONG as above, ENOENT when no
 * socket is there, ECONNREFUSED when nobody listens, EAGAIN when the
 * listener's backlog is full). */
int frame_connect(const char *path);

#endif
