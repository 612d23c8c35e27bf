/* pmgr_probe.c — one `status` request to selfpmgr, bounded in time
 * (pmgr_probe.h). One connection per call, closed after the answer. */
#include "pmgr_probe.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "frame.h"
#include "status.h"

#define STATUS_REQUEST "{\"type\":\"status\"}"

static int refused(const char *path, char *err, size_t errsz)
{
    int e = errno;
    if (e == ENOENT)
        snprintf(err, errsz, "not running (no socket at %s)", path);
    else if (e == ECONNREFUSED)
        snprintf(err, errsz, "not running (connection refused at %s)", path);
    else
        snprintf(err, errsz, "cannot connect to %s: %s", path, strerror(e));
    return ERROR;
}

/* Reads the answer frame until the deadline. */
static int answer(int fd, int timeout_ms, int64_t until_ms, json_object **status, char *err,
                  size_t errsz)
{
    struct frame_reader *fr = frame_reader_new(0);
    if (!fr) {
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    int rc = ERROR;
    for (;;) {
        const char *data;
        size_t len;
        int got = frame_read(fr, fd, &data, &len);
        if (got == FRAME_OK) {
            json_object *o = json_tokener_parse(data);
            json_object *type;
            if (o && json_object_object_get_ex(o, "type", &type) &&
                strcmp(json_object_get_string(type), "status") == 0) {
                *status = o;
                rc = OK;
            } else {
                json_object_put(o);
                snprintf(err, errsz, "answered something else than its status");
            }
            break;
        }
        if (got == FRAME_EOF || got == FRAME_ERROR) {
            snprintf(err, errsz, "closed the connection without an answer%s%s",
                     got == FRAME_ERROR ? ": " : "", got == FRAME_ERROR ? frame_reader_error(fr) : "");
            break;
        }
        int64_t left = until_ms - clock_mono_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (n == 0) {
            snprintf(err, errsz, "did not answer within %d ms", timeout_ms);
            break;
        }
        if (n < 0 && errno != EINTR) {
            snprintf(err, errsz, "poll: %s", strerror(errno));
            break;
        }
    }
    frame_reader_free(fr);
    return rc;
}

int pmgr_probe(const char *socket_path, int timeout_ms, json_object **status, char *err,
               size_t errsz)
{
    *status = NULL;
    if (!socket_path || !*socket_path) {
        snprintf(err, errsz, "no [manager] socket is configured");
        return ERROR;
    }
    int64_t until = clock_mono_ms() + timeout_ms;
    int fd = frame_connect(socket_path);
    if (fd < 0)
        return refused(socket_path, err, errsz);
    int rc;
    if (frame_write(fd, STATUS_REQUEST, strlen(STATUS_REQUEST), timeout_ms) != OK) {
        snprintf(err, errsz, "cannot send the request: %s", strerror(errno));
        rc = ERROR;
    } else {
        rc = answer(fd, timeout_ms, until, status, err, errsz);
    }
    close(fd);
    return rc;
}
