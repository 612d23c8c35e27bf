/* frame_route.h — frames dispatched from a table, members checked first
 * (OpenBSD httpd's proc_dispatch with IMSG_SIZE_CHECK, in JSON): each
 * role that reads frames (the manager, the worker, the webhook handler of
 * selfserv) has a static table of {type, handler, members}.
 * frame_route_match finds the route of a frame's "type" and checks every
 * member the route names — presence, kind (the json_validate tables of
 * json.h) and the members of nested objects and arrays — before the
 * caller runs the handler, so a handler only ever reads checked values.
 * Members a route does not name are ignored (docs/protocol.md,
 * "Messages": a newer peer may send more); the handler still checks
 * values (ranges, enumerations) that a kind cannot say.
 *
 * docs/protocol.md lists every message with its members in the same
 * terms; tests/unit/test_protocol_doc.c compares the two. */
#ifndef SELFHOST_FRAME_ROUTE_H
#define SELFHOST_FRAME_ROUTE_H

#include <json-c/json.h>
#include <stddef.h>

#include "json.h"
#include "status.h"

/* The shape of a nested member (a JK_OBJECT or JK_ARRAY field). */
enum frame_shape {
    FRAME_OBJECT,      /* an object with the members in fields */
    FRAME_ARRAY,       /* an array of such objects */
    FRAME_STRING_MAP   /* an object of any keys whose values are all strings */
};

struct frame_nested {
    const char *key;                   /* a field of the enclosing fields */
    enum frame_shape shape;
    const struct json_field *fields;   /* FRAME_OBJECT, FRAME_ARRAY ({NULL}-ended) */
    const struct frame_nested *nested; /* their own nested members, or NULL */
};

/* ctx is the caller's (its state and the peer); msg has been checked. */
typedef int (*frame_handler)(void *ctx, json_object *msg);

struct frame_route {
    const char *type;
    frame_handler handler;
    const struct json_field *fields;   /* members besides "type", {NULL}-ended */
    const struct frame_nested *nested; /* {NULL}-ended, or NULL when none */
};

enum frame_route_status {
    FRAME_ROUTE_OK = OK,      /* *route found and msg checked: call the handler */
    FRAME_ROUTE_UNKNOWN = 1,  /* no route for its type (or no string type) */
    FRAME_ROUTE_BAD = 2       /* *route found, a member is missing or of the wrong kind */
};

/* Finds the route of msg's type in routes (ended by {NULL}) and checks msg
 * against it. *route is set for OK and FRAME_ROUTE_BAD, NULL otherwise;
 * err gets a one-line reason for the other two ("unknown message type
 * 'x'", "message 'job': field 'id' must be an integer", "message 'job':
 * in 'modules[2]': field 'spec' is required"). */
int frame_route_match(const struct frame_route *routes, json_object *msg,
                      const struct frame_route **route, char *err, size_t errsz);

/* The route of type in routes, or NULL (for tests and the manager's
 * choice of a reply). */
const struct frame_route *frame_route_find(const struct frame_route *routes, const char *type);

#endif
