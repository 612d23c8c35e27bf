/* frame_route.c — a frame's route and the check of its members
 * (frame_route.h). The members a route names are copied (by reference)
 * into a fresh object and handed to json_validate, so the project's one
 * validator decides kinds and required members while members the route
 * does not name stay ignored; nested objects and arrays are checked the
 * same way, one level at a time. */
#include "frame_route.h"

#include <stdio.h>
#include <string.h>

static void set_err(char *err, size_t errsz, const char *prefix, const char *why)
{
    if (err && errsz)
        snprintf(err, errsz, "%s%s", prefix, why);
}

/* s for a log line: printable ASCII only, at most 60 bytes (a peer's
 * type or key must not be able to forge lines). */
static const char *printable(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; *s && k + 1 < n && k < 60; s++)
        out[k++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
    out[k] = '\0';
    return out;
}

/* Only the named members of obj, as json_validate sees them. */
static json_object *named_members(json_object *obj, const struct json_field *fields)
{
    json_object *copy = json_object_new_object();
    for (const struct json_field *f = fields; f->key; f++) {
        json_object *v;
        if (json_object_object_get_ex(obj, f->key, &v))
            json_object_object_add(copy, f->key, json_object_get(v));
    }
    return copy;
}

static int check_object(json_object *obj, const struct json_field *fields,
                        const struct frame_nested *nested, const char *where, char *err,
                        size_t errsz);

static int check_string_map(json_object *obj, const char *where, char *err, size_t errsz)
{
    if (!json_object_is_type(obj, json_type_object)) {
        set_err(err, errsz, where, "must be an object");
        return ERROR;
    }
    json_object_object_foreach(obj, key, val) {
        if (!json_object_is_type(val, json_type_string)
            || strlen(json_object_get_string(val)) != (size_t)json_object_get_string_len(val)) {
            char why[120], name[64];
            snprintf(why, sizeof why, "member '%s' must be a string without NUL characters",
                     printable(key, name, sizeof name));
            set_err(err, errsz, where, why);
            return ERROR;
        }
    }
    return OK;
}

static int check_nested(json_object *obj, const struct frame_nested *n, const char *where,
                        char *err, size_t errsz)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, n->key, &v) || !v)
        return OK; /* absent: json_validate said whether that is allowed */
    char inner[160];
    if (n->shape == FRAME_STRING_MAP) {
        snprintf(inner, sizeof inner, "%sin '%s': ", where, n->key);
        return check_string_map(v, inner, err, errsz);
    }
    if (n->shape == FRAME_OBJECT) {
        snprintf(inner, sizeof inner, "%sin '%s': ", where, n->key);
        return check_object(v, n->fields, n->nested, inner, err, errsz);
    }
    size_t len = json_object_array_length(v);
    for (size_t i = 0; i < len; i++) {
        snprintf(inner, sizeof inner, "%sin '%s[%zu]': ", where, n->key, i);
        if (check_object(json_object_array_get_idx(v, i), n->fields, n->nested, inner, err,
                         errsz) != OK)
            return ERROR;
    }
    return OK;
}

static int check_object(json_object *obj, const struct json_field *fields,
                        const struct frame_nested *nested, const char *where, char *err,
                        size_t errsz)
{
    if (!json_object_is_type(obj, json_type_object)) {
        set_err(err, errsz, where, "must be an object");
        return ERROR;
    }
    json_object *copy = named_members(obj, fields);
    char why[200];
    int rc = json_validate(copy, fields, why, sizeof why);
    json_object_put(copy);
    if (rc != OK) {
        set_err(err, errsz, where, why);
        return ERROR;
    }
    for (const struct frame_nested *n = nested; n && n->key; n++)
        if (check_nested(obj, n, where, err, errsz) != OK)
            return ERROR;
    return OK;
}

const struct frame_route *frame_route_find(const struct frame_route *routes, const char *type)
{
    for (const struct frame_route *r = routes; r->type; r++)
        if (strcmp(r->type, type) == 0)
            return r;
    return NULL;
}

int frame_route_match(const struct frame_route *routes, json_object *msg,
                      const struct frame_route **route, char *err, size_t errsz)
{
    *route = NULL;
    const char *type = json_str(msg, "type", NULL);
    if (!type) {
        set_err(err, errsz, "", "a message without a string 'type'");
        return FRAME_ROUTE_UNKNOWN;
    }
    const struct frame_route *r = frame_route_find(routes, type);
    char name[64], where[100];
    printable(type, name, sizeof name);
    if (!r) {
        snprintf(where, sizeof where, "unknown message type '%s'", name);
        set_err(err, errsz, "", where);
        return FRAME_ROUTE_UNKNOWN;
    }
    *route = r;
    snprintf(where, sizeof where, "message '%s': ", name);
    return check_object(msg, r->fields, r->nested, where, err, errsz) == OK ? FRAME_ROUTE_OK
                                                                           : FRAME_ROUTE_BAD;
}
