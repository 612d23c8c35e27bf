/* test_frame_route.c — frame_route_match on its own, with a small table
 * of the shapes the real ones use (plain members, an optional nested
 * object, an array of objects, an object of strings): found and checked,
 * unknown types, missing and mistyped members at each depth with the
 * reason naming where, members no route names ignored, and a log-safe
 * type in the reason. The roles' own tables are tested through the
 * binaries (test_manager_frames, test_worker_run,
 * test_api_program_webhook) and against docs/protocol.md
 * (test_protocol_doc). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "frame_route.h"
#include "json.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static int calls;

static int on_ping(void *ctx, json_object *msg)
{
    (void)ctx;
    (void)msg;
    calls++;
    return OK;
}

static const struct json_field ITEM[] = {
    { "name", JK_STRING, 1, 0 },
    { "n", JK_INT, 0, 0 },
    { NULL, 0, 0, 0 },
};

static const struct json_field BOX[] = {
    { "headers", JK_OBJECT, 1, 0 },
    { "items", JK_ARRAY, 1, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested BOX_NESTED[] = {
    { "headers", FRAME_STRING_MAP, NULL, NULL },
    { "items", FRAME_ARRAY, ITEM, NULL },
    { NULL, 0, NULL, NULL },
};

static const struct json_field PING[] = {
    { "id", JK_INT, 1, 0 },
    { "who", JK_UUID, 1, 0 },
    { "box", JK_OBJECT, 0, 0 },
    { NULL, 0, 0, 0 },
};

static const struct frame_nested PING_NESTED[] = {
    { "box", FRAME_OBJECT, BOX, BOX_NESTED },
    { NULL, 0, NULL, NULL },
};

static const struct json_field NONE[] = { { NULL, 0, 0, 0 } };

static const struct frame_route ROUTES[] = {
    { "ping", on_ping, PING, PING_NESTED },
    { "bye", on_ping, NONE, NULL },
    { NULL, NULL, NULL, NULL },
};

#define WHO "\"who\":\"47daa6eb-bd1c-49de-9782-1e9422a206f5\""

/* The status of matching text against ROUTES; err gets the reason. */
static int match(const char *text, const struct frame_route **route, char *err, size_t errsz)
{
    json_object *msg = NULL;
    CU_ASSERT_FATAL(json_parse(text, strlen(text), &msg, NULL, 0) == OK);
    err[0] = '\0';
    int rc = frame_route_match(ROUTES, msg, route, err, errsz);
    json_object_put(msg);
    return rc;
}

/* text is refused with want, and err holds part. */
static void refused(const char *text, int want, const char *part)
{
    const struct frame_route *route;
    char err[300];
    int rc = match(text, &route, err, sizeof err);
    CU_ASSERT_EQUAL(rc, want);
    CU_ASSERT(strstr(err, part) != NULL);
    if (rc != want || !strstr(err, part))
        fprintf(stderr, "\n%s: rc %d, '%s' (want %d, '%s')\n", text, rc, err, want, part);
    CU_ASSERT((want == FRAME_ROUTE_BAD) == (route != NULL));
}

static void test_frame_route_good_frames_are_found(void)
{
    const struct frame_route *route;
    char err[300];
    CU_ASSERT_EQUAL(match("{\"type\":\"ping\",\"id\":1," WHO "}", &route, err, sizeof err),
                    FRAME_ROUTE_OK);
    CU_ASSERT_PTR_EQUAL(route, &ROUTES[0]);
    CU_ASSERT_EQUAL(match("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"headers\":{\"a\":\"b\"},"
                          "\"items\":[{\"name\":\"x\"},{\"name\":\"y\",\"n\":2}]}}",
                          &route, err, sizeof err),
                    FRAME_ROUTE_OK);
    /* members no route names are ignored, at every depth */
    CU_ASSERT_EQUAL(match("{\"type\":\"ping\",\"id\":1," WHO ",\"later\":[{}],\"box\":{"
                          "\"headers\":{},\"items\":[{\"name\":\"x\",\"more\":null}],\"z\":1}}",
                          &route, err, sizeof err),
                    FRAME_ROUTE_OK);
    CU_ASSERT_EQUAL(match("{\"type\":\"bye\",\"anything\":true}", &route, err, sizeof err),
                    FRAME_ROUTE_OK);
    CU_ASSERT_PTR_EQUAL(route, &ROUTES[1]);
    CU_ASSERT_PTR_EQUAL(frame_route_find(ROUTES, "bye"), &ROUTES[1]);
    CU_ASSERT_PTR_NULL(frame_route_find(ROUTES, "Bye"));
}

static void test_frame_route_unknown_types(void)
{
    refused("{\"type\":\"pong\"}", FRAME_ROUTE_UNKNOWN, "unknown message type 'pong'");
    refused("{\"type\":\"PING\",\"id\":1," WHO "}", FRAME_ROUTE_UNKNOWN, "'PING'");
    refused("{\"id\":1}", FRAME_ROUTE_UNKNOWN, "without a string 'type'");
    refused("{\"type\":7}", FRAME_ROUTE_UNKNOWN, "without a string 'type'");
    refused("[1,2]", FRAME_ROUTE_UNKNOWN, "without a string 'type'");
    /* a peer's type cannot forge log lines */
    refused("{\"type\":\"a\\nb\\u0001c\"}", FRAME_ROUTE_UNKNOWN, "'a?b?c'");
}

static void test_frame_route_bad_members_name_where(void)
{
    refused("{\"type\":\"ping\"," WHO "}", FRAME_ROUTE_BAD,
            "message 'ping': field 'id' is required");
    refused("{\"type\":\"ping\",\"id\":null," WHO "}", FRAME_ROUTE_BAD, "field 'id'");
    refused("{\"type\":\"ping\",\"id\":1.5," WHO "}", FRAME_ROUTE_BAD,
            "field 'id' must be an integer");
    refused("{\"type\":\"ping\",\"id\":1,\"who\":\"nobody\"}", FRAME_ROUTE_BAD,
            "field 'who' must be a UUID");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":[]}", FRAME_ROUTE_BAD,
            "field 'box' must be an object");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"items\":[]}}", FRAME_ROUTE_BAD,
            "in 'box': field 'headers' is required");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"headers\":{\"a\":1},\"items\":[]}}",
            FRAME_ROUTE_BAD, "in 'box': in 'headers': member 'a' must be a string");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"headers\":{\"a\":\"x\\u0000y\"},"
            "\"items\":[]}}",
            FRAME_ROUTE_BAD, "member 'a' must be a string without NUL characters");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"headers\":{},\"items\":"
            "[{\"name\":\"x\"},{\"n\":1}]}}",
            FRAME_ROUTE_BAD, "in 'box': in 'items[1]': field 'name' is required");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"headers\":{},\"items\":[\"x\"]}}",
            FRAME_ROUTE_BAD, "in 'items[0]': must be an object");
    refused("{\"type\":\"ping\",\"id\":1," WHO ",\"box\":{\"headers\":{},\"items\":"
            "[{\"name\":\"x\",\"n\":\"2\"}]}}",
            FRAME_ROUTE_BAD, "field 'n' must be an integer");
}

/* frame_route_match only checks: the caller runs the handler. */
static void test_frame_route_runs_no_handler(void)
{
    const struct frame_route *route;
    char err[300];
    calls = 0;
    CU_ASSERT_EQUAL(match("{\"type\":\"bye\"}", &route, err, sizeof err), FRAME_ROUTE_OK);
    CU_ASSERT_EQUAL(match("{\"type\":\"ping\"}", &route, err, sizeof err), FRAME_ROUTE_BAD);
    CU_ASSERT_EQUAL(calls, 0);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("frame_route", NULL, NULL);
    ADD(s, test_frame_route_good_frames_are_found);
    ADD(s, test_frame_route_unknown_types);
    ADD(s, test_frame_route_bad_members_name_where);
    ADD(s, test_frame_route_runs_no_handler);
}
