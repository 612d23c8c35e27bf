/* itest.h — helpers for integration tests: the world harness.sh started
 * (read from $ITEST_ENV, the itest.env file) and HTTP requests through
 * nginx with libcurl. */
#ifndef SELFHOST_ITEST_H
#define SELFHOST_ITEST_H

#include <json-c/json.h>
#include <stddef.h>

struct http_reply {
    long status;
    char *body;        /* NUL-terminated */
    size_t body_len;
    char *headers;     /* raw header block, NUL-terminated */
    json_object *json; /* parsed body when it is JSON, else NULL */
};

/* Value from itest.env; aborts the test program when missing. */
const char *itest_env(const char *key);

/* method, path (e.g. "/v2/users/me"), user:password for Basic auth (NULL:
 * no Authorization header), body (NULL: none) with its content type. */
int itest_http(const char *method, const char *path, const char *userpwd, const char *body,
               const char *content_type, struct http_reply *out);
/* Same with a raw Authorization header value (NULL: none). */
int itest_http_auth(const char *method, const char *path, const char *authorization,
                    const char *body, const char *content_type, struct http_reply *out);
/* The header's value (case-insensitive name) copied into buf, or NULL. */
const char *itest_header(const struct http_reply *r, const char *name, char *buf, size_t n);
/* "domain:token" of the admin the harness created. */
const char *itest_admin(void);
void itest_reply_free(struct http_reply *r);

/* Asserts the JSON error shape: Content-Type application/json and a body
 * {"code": status, "message": non-empty string}. */
void itest_assert_error(const struct http_reply *r, long status);

#endif
