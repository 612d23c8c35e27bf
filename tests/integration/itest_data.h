/* itest_data.h — shared helpers of the C integration tests: SQL over a
 * libpq connection to the world's database, users and grants made directly
 * in the database, HTTP calls with status/error-shape assertions, JSON
 * accessors and unique names. */
#ifndef SELFHOST_ITEST_DATA_H
#define SELFHOST_ITEST_DATA_H

#include <json-c/json.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "itest.h"
#include "uuid.h"

/* The test program's connection to itest_main, opened on first use. */
PGconn *itest_db(void);
/* Closes the connection itest_db() opened (if any). */
void itest_db_close(void);

/* Runs query on itest_db(), asserting success; caller PQclear()s. */
PGresult *sql_res(const char *query, int nparams, const char *const *params);
void sql(const char *query, int nparams, const char *const *params);
/* First column of the first row as a number; -1 when no row or NULL. */
long sql_long(const char *query, int nparams, const char *const *params);

void new_uuid(char out[UUID_STRLEN + 1]);
/* A user in no group, with a token: userpwd gets "domain:token". */
void make_user(char uuid[UUID_STRLEN + 1], char *userpwd, size_t n);
/* Adds a fresh token named label to user; userpwd gets "domain:secret". */
void add_token(const char *user, const char *label, char *userpwd, size_t n);
/* Adds a policy to the user's own test group "ug-<user>" (made on demand). */
void grant(const char *user, const char *effect, const char *action, const char *resource);

/* HTTP through itest_http, asserting the request went out. */
struct http_reply call_as(const char *method, const char *path, const char *userpwd,
                          const char *body, const char *content_type);
/* Same with content type application/json when there is a body. */
struct http_reply call(const char *method, const char *path, const char *userpwd, const char *body);
/* Asserts the status (and the JSON error shape for >= 400). */
void expect_status_as(const char *method, const char *path, const char *userpwd, const char *body,
                      const char *content_type, long status);
void expect_status(const char *method, const char *path, const char *userpwd, const char *body,
                   long status);
/* The status (-1 when the request failed), asserting the JSON error shape
 * for >= 400. */
long status_of(const char *method, const char *path, const char *userpwd, const char *body);

/* JSON accessors: o may be NULL. */
const char *jstr(json_object *o, const char *key);           /* NULL unless a string */
int jstr_is(json_object *o, const char *key, const char *want);
long long jint(json_object *o, const char *key);             /* -999 unless an int */
int jint_is(json_object *o, const char *key, long long want);
double jnum(json_object *o, const char *key);                /* NAN when missing */
int jnull(json_object *o, const char *key);                  /* present and null */
/* key is an array of exactly the strings of the NULL-terminated want. */
int jstrings_are(json_object *o, const char *key, const char *const *want);

/* "uuid" members of an array's objects, comma-separated ("?" when missing). */
void uuids_of(json_object *arr, char *out, size_t n);
/* GET path is 200 with an array whose uuids are exactly want. */
void expect_list(const char *path, const char *userpwd, const char *want);

/* "<prefix>-<8 random hex>", in one of 16 rotating static buffers. */
const char *uname(const char *prefix);

#endif
