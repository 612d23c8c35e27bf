/* cmd_pmgr.c — `selfctl pmgr status`: asks the running program manager
 * (selfpmgr, on [manager] socket) what it is doing — its workers, the
 * queue, the domains it watches, the last runs — with the `status`
 * message of docs/protocol.md, and prints it for people (or as the raw
 * JSON reply with --json, for scripts). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "commands.h"
#include "frame.h"
#include "json.h"
#include "status.h"

#define STATUS_TIMEOUT_MS 5000
#define STATUS_REQUEST "{\"type\":\"status\"}"

/* A connected socket, or -1 after printing why not. */
static int manager_connect(const char *path)
{
    int fd = frame_connect(path);
    if (fd >= 0)
        return fd;
    int e = errno;
    if (e == ENAMETOOLONG) {
        fail("the [manager] socket path is too long: %s", path);
        return -1;
    }
    if (e == ENOENT)
        fail("selfpmgr is not running (no socket at %s)", path);
    else if (e == ECONNREFUSED)
        fail("selfpmgr is not running (connection refused at %s)", path);
    else
        fail("cannot connect to selfpmgr at %s: %s", path, strerror(e));
    return -1;
}

/* Sends `status` and reads one frame into *reply (owned by the reader).
 * OK, or fail()'s 1 after printing why. */
static int status_ask(int fd, struct frame_reader *fr, const char **reply, size_t *len)
{
    int64_t until = clock_mono_ms() + STATUS_TIMEOUT_MS;
    if (frame_write(fd, STATUS_REQUEST, strlen(STATUS_REQUEST), STATUS_TIMEOUT_MS) != OK)
        return fail("selfpmgr: cannot send the request: %s", strerror(errno));
    for (;;) {
        int rc = frame_read(fr, fd, reply, len);
        if (rc == FRAME_OK)
            return OK;
        if (rc == FRAME_EOF)
            return fail("selfpmgr closed the connection without an answer");
        if (rc == FRAME_ERROR)
            return fail("selfpmgr: bad answer: %s", frame_reader_error(fr));
        int64_t left = until - clock_mono_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (n == 0)
            return fail("selfpmgr did not answer within %d s", STATUS_TIMEOUT_MS / 1000);
        if (n < 0 && errno != EINTR)
            return fail("poll: %s", strerror(errno));
    }
}

/* ---- the readable summary -------------------------------------------------- */

/* A member as text for a table cell: strings as they are, other values
 * as JSON, "-" when missing. */
static const char *cell(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !v)
        return "-";
    if (json_object_is_type(v, json_type_boolean))
        return json_object_get_boolean(v) ? "yes" : "no";
    if (json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static size_t array_len(json_object *o, const char *key, json_object **arr)
{
    *arr = NULL;
    if (!json_object_object_get_ex(o, key, arr) || !json_object_is_type(*arr, json_type_array)) {
        *arr = NULL;
        return 0;
    }
    return json_object_array_length(*arr);
}

static void print_workers(json_object *st)
{
    json_object *arr;
    size_t n = array_len(st, "workers", &arr);
    printf("workers: %zu\n", n);
    if (n)
        printf("  %-6s %-8s %-24s %8s %8s %10s\n", "ID", "PID", "NAME", "CAPACITY", "RUNNING",
               "JOBS DONE");
    for (size_t i = 0; i < n; i++) {
        json_object *w = json_object_array_get_idx(arr, i);
        printf("  %-6s", cell(w, "worker"));
        printf(" %-8s", cell(w, "pid"));
        printf(" %-24s", cell(w, "name"));
        printf(" %8s", cell(w, "capacity"));
        printf(" %8s", cell(w, "running"));
        printf(" %10s\n", cell(w, "jobs_done"));
    }
}

static void print_domains(json_object *st)
{
    json_object *arr;
    size_t n = array_len(st, "domains", &arr);
    printf("domains: %zu\n", n);
    if (n)
        printf("  %-24s %-10s %8s\n", "DOMAIN", "CONNECTED", "PROGRAMS");
    for (size_t i = 0; i < n; i++) {
        json_object *d = json_object_array_get_idx(arr, i);
        printf("  %-24s", cell(d, "domain"));
        printf(" %-10s", cell(d, "connected"));
        printf(" %8s\n", cell(d, "programs"));
    }
}

static void print_recent(json_object *st)
{
    json_object *arr;
    size_t n = array_len(st, "recent", &arr);
    printf("recent runs: %zu\n", n);
    if (n)
        printf("  %-8s %-26s %-16s %-24s %-8s %-9s %8s  %s\n", "JOB", "FINISHED", "DOMAIN", "NAME",
               "KIND", "OUTCOME", "MS", "PROGRAM");
    for (size_t i = 0; i < n; i++) {
        json_object *j = json_object_array_get_idx(arr, i);
        printf("  %-8s", cell(j, "id"));
        printf(" %-26s", cell(j, "finished"));
        printf(" %-16s", cell(j, "domain"));
        printf(" %-24s", cell(j, "name"));
        printf(" %-8s", cell(j, "kind"));
        printf(" %-9s", cell(j, "outcome"));
        printf(" %8s", cell(j, "duration_ms"));
        printf("  %s\n", cell(j, "program"));
    }
}

static int print_summary(const char *reply, size_t len)
{
    json_object *st;
    char why[256];
    if (json_parse(reply, len, &st, why, sizeof why) != OK || !st)
        return fail("selfpmgr: bad answer: %s", why);
    int rc = 0;
    const char *type = json_str(st, "type", "");
    if (strcmp(type, "status") != 0) {
        rc = fail("selfpmgr answered '%s' instead of 'status': %s", type,
                  json_str(st, "message", ""));
    } else {
        print_workers(st);
        printf("queue: %s jobs waiting\n", cell(st, "queue"));
        print_domains(st);
        print_recent(st);
    }
    json_object_put(st);
    return rc;
}

int cmd_pmgr_status(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("pmgr", "status", 0);
    int as_json = flag_take(argc, argv, "--json");
    if (args_done(argc, argv) != OK)
        return 2;
    if (cli_config(c) != OK)
        return 1;
    int fd = manager_connect(c->cfg.manager_socket);
    if (fd < 0)
        return 1;
    struct frame_reader *fr = frame_reader_new(0);
    const char *reply;
    size_t len;
    int rc = 1;
    if (!fr)
        fail("out of memory");
    else if (status_ask(fd, fr, &reply, &len) == OK) {
        if (as_json)
            rc = printf("%s\n", reply) < 0;
        else
            rc = print_summary(reply, len);
    }
    frame_reader_free(fr);
    close(fd);
    return rc;
}
