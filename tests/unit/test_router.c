/* test_router.c — router.h on hand-built requests: matching against the
 * route table (404/405 with Allow), path parameter validation by kind,
 * permission expansion, and a sanity walk over routes.c itself. */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "cunit_main.h"
#include "input.h"
#include "request.h"
#include "router.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

#define VALID_UUID "0f8fad5b-d9cb-469f-a165-70867728950e"

static void req_init(struct req *r, const char *method, const char *path)
{
    memset(r, 0, sizeof *r);
    r->arena = arena_new(0);
    r->method = method;
    r->path = path;
    r->query = "";
}

static void req_done(struct req *r)
{
    arena_free(r->arena);
    r->arena = NULL;
}

static void set_params(struct req *r, const char *const *nv, int n)
{
    for (int i = 0; i < n; i++) {
        r->params[i].name = nv[2 * i];
        r->params[i].value = nv[2 * i + 1];
    }
    r->nparams = n;
}

static const struct route *route_of(const char *method, const char *pattern)
{
    for (int i = 0; i < n_routes; i++)
        if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, pattern) == 0)
            return &routes[i];
    return NULL;
}

/* --- router_match -------------------------------------------------------- */

static void test_router_users_me_get_matches(void)
{
    struct req r;
    req_init(&r, "GET", "/v2/users/me");
    CU_ASSERT_EQUAL(router_match(&r), OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.route);
    CU_ASSERT_PTR_EQUAL(r.route, route_of("GET", "/v2/users/me"));
    CU_ASSERT_STRING_EQUAL(r.route->pattern, "/v2/users/me");
    CU_ASSERT_STRING_EQUAL(r.route->perms[0], "read:users/me");
    CU_ASSERT_EQUAL(r.nparams, 0);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NULL(r.err_message);
    CU_ASSERT_EQUAL(r.nheaders, 0);
    req_done(&r);
}

static void test_router_head_matches_get_route(void)
{
    struct req r;
    req_init(&r, "HEAD", "/v2/users/me");
    CU_ASSERT_EQUAL(router_match(&r), OK);
    CU_ASSERT_PTR_EQUAL(r.route, route_of("GET", "/v2/users/me"));
    req_done(&r);
}

static void test_router_one_trailing_slash_is_tolerated(void)
{
    struct req r;
    req_init(&r, "GET", "/v2/users/me/");
    CU_ASSERT_EQUAL(router_match(&r), OK);
    CU_ASSERT_PTR_EQUAL(r.route, route_of("GET", "/v2/users/me"));
    CU_ASSERT_STRING_EQUAL(r.path, "/v2/users/me/"); /* the request's path is not rewritten */
    req_done(&r);
}

static void assert_404(const char *method, const char *path)
{
    struct req r;
    req_init(&r, method, path);
    CU_ASSERT_EQUAL(router_match(&r), ERROR);
    CU_ASSERT_EQUAL(r.status, 404);
    CU_ASSERT_PTR_NOT_NULL(r.err_message);
    if (r.err_message) /* the reference's wording, typo included */
        CU_ASSERT_STRING_EQUAL(r.err_message, "The requested resource does not exist");
    CU_ASSERT_EQUAL(r.nheaders, 0);
    CU_ASSERT_PTR_NULL(r.route);
    if (r.status != 404)
        fprintf(stderr, "\n  %s \"%s\" -> %d\n", method, path, r.status);
    req_done(&r);
}

static void test_router_unknown_path_is_404_with_message(void)
{
    assert_404("GET", "/v2/nothing");
    assert_404("GET", "/v2/users/me/extra");
    assert_404("GET", "/v2");
    assert_404("GET", "/");
    assert_404("GET", "");
    assert_404("GET", "/v2/users/me//");    /* only one trailing slash */
    assert_404("GET", "//v2/users/me");
    assert_404("GET", "/v2//users/me");
    assert_404("GET", "/V2/USERS/ME");      /* paths are case-sensitive */
    assert_404("GET", "v2/users/me");       /* no leading slash */
    assert_404("DELETE", "/v2/nothing");    /* unknown path wins over method */
}

static void test_router_known_path_wrong_method_is_405_with_allow(void)
{
    static const char *const methods[] = { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get" };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        struct req r;
        req_init(&r, methods[i], "/v2/users/me");
        CU_ASSERT_EQUAL(router_match(&r), ERROR);
        CU_ASSERT_EQUAL(r.status, 405);
        CU_ASSERT_PTR_NOT_NULL(r.err_message);
        if (r.err_message)
            CU_ASSERT_STRING_EQUAL(r.err_message, "Method not allowed");
        CU_ASSERT_EQUAL_FATAL(r.nheaders, 1);
        CU_ASSERT_STRING_EQUAL(r.headers[0], "Allow: GET");
        CU_ASSERT_PTR_NULL(r.route);
        req_done(&r);
    }
}

static void test_router_405_also_with_trailing_slash(void)
{
    struct req r;
    req_init(&r, "POST", "/v2/users/me/");
    CU_ASSERT_EQUAL(router_match(&r), ERROR);
    CU_ASSERT_EQUAL(r.status, 405);
    CU_ASSERT_EQUAL_FATAL(r.nheaders, 1);
    CU_ASSERT_STRING_EQUAL(r.headers[0], "Allow: GET");
    req_done(&r);
}

/* --- router_validate_params --------------------------------------------- */

static int validate(const char *name, const char *value, int *status, const char **message)
{
    struct req r;
    req_init(&r, "GET", "/x");
    const char *nv[] = { name, value };
    set_params(&r, nv, 1);
    int rc = router_validate_params(&r);
    *status = r.status;
    *message = r.err_message;
    req_done(&r);
    return rc;
}

static void test_router_validate_no_params_is_ok(void)
{
    struct req r;
    req_init(&r, "GET", "/x");
    CU_ASSERT_EQUAL(router_validate_params(&r), OK);
    CU_ASSERT_EQUAL(r.status, 0);
    req_done(&r);
}

static void test_router_validate_uuid_accepts_canonical_and_upper_case(void)
{
    int status;
    const char *msg;
    CU_ASSERT_EQUAL(validate("uuid", VALID_UUID, &status, &msg), OK);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_EQUAL(validate("uuid", "0F8FAD5B-D9CB-469F-A165-70867728950E", &status, &msg), OK);
    CU_ASSERT_EQUAL(validate("token_uuid", VALID_UUID, &status, &msg), OK);
}

static void test_router_validate_bad_uuid_is_400_invalid_uuid(void)
{
    static const char *const bad[] = {
        "not-a-uuid",
        "",
        "0f8fad5b-d9cb-469f-a165-70867728950",   /* 35 characters */
        "0f8fad5b-d9cb-469f-a165-70867728950e0", /* 37 characters */
        "0f8fad5bd9cb469fa16570867728950e",      /* no dashes */
        "{0f8fad5b-d9cb-469f-a165-70867728950e}",
        "0g8fad5b-d9cb-469f-a165-70867728950e",
        "me",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int status = 0;
        const char *msg = NULL;
        CU_ASSERT_EQUAL(validate("uuid", bad[i], &status, &msg), ERROR);
        CU_ASSERT_EQUAL(status, 400);
        CU_ASSERT_PTR_NOT_NULL(msg);
        if (msg)
            CU_ASSERT_STRING_EQUAL(msg, "Invalid UUID");
        CU_ASSERT_EQUAL(validate("token_uuid", bad[i], &status, &msg), ERROR);
        CU_ASSERT_EQUAL(status, 400);
    }
}

static void test_router_validate_revision_id_accepts_digits(void)
{
    static const char *const good[] = { "12", "0", "1", "123456789", "000000001" };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        int status = -1;
        const char *msg = NULL;
        CU_ASSERT_EQUAL(validate("revision_id", good[i], &status, &msg), OK);
        CU_ASSERT_EQUAL(status, 0);
        CU_ASSERT_PTR_NULL(msg);
    }
}

static void test_router_validate_bad_revision_id_is_400(void)
{
    static const char *const bad[] = { "-1", "1e3", "", "9999999999", "1234567890", "+1",
                                       " 1", "1 ", "0x1", "1.0", "abc", "١" /* Arabic-Indic 1 */ };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int status = 0;
        const char *msg = NULL;
        CU_ASSERT_EQUAL(validate("revision_id", bad[i], &status, &msg), ERROR);
        CU_ASSERT_EQUAL(status, 400);
        CU_ASSERT_PTR_NOT_NULL(msg);
        if (msg)
            CU_ASSERT_STRING_EQUAL(msg, "Invalid revision");
    }
}

static void test_router_validate_unknown_param_name_is_400(void)
{
    int status = 0;
    const char *msg = NULL;
    CU_ASSERT_EQUAL(validate("whatever", "1", &status, &msg), ERROR);
    CU_ASSERT_EQUAL(status, 400);
    CU_ASSERT_PTR_NOT_NULL(msg);
    if (msg)
        CU_ASSERT_STRING_EQUAL(msg, "Invalid path parameter");
}

static void test_router_validate_reports_first_bad_param(void)
{
    struct req r;
    req_init(&r, "GET", "/x");
    const char *nv[] = { "uuid", VALID_UUID, "revision_id", "x", "token_uuid", "bad" };
    set_params(&r, nv, 3);
    CU_ASSERT_EQUAL(router_validate_params(&r), ERROR);
    CU_ASSERT_EQUAL(r.status, 400);
    CU_ASSERT_PTR_NOT_NULL(r.err_message);
    if (r.err_message)
        CU_ASSERT_STRING_EQUAL(r.err_message, "Invalid revision");
    req_done(&r);
}

/* --- router_expand_perm -------------------------------------------------- */

static void test_router_expand_perm_without_params(void)
{
    struct req r;
    req_init(&r, "GET", "/v2/users/me");
    char action[16], resource[64];
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/me", action, sizeof action, resource,
                                       sizeof resource),
                    OK);
    CU_ASSERT_STRING_EQUAL(action, "read");
    CU_ASSERT_STRING_EQUAL(resource, "users/me");
    req_done(&r);
}

static void test_router_expand_perm_replaces_uuid(void)
{
    struct req r;
    req_init(&r, "GET", "/v2/users/" VALID_UUID);
    const char *nv[] = { "uuid", VALID_UUID };
    set_params(&r, nv, 1);
    char action[16], resource[128];
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/{uuid}", action, sizeof action, resource,
                                       sizeof resource),
                    OK);
    CU_ASSERT_STRING_EQUAL(action, "read");
    CU_ASSERT_STRING_EQUAL(resource, "users/" VALID_UUID);
    CU_ASSERT_EQUAL(router_expand_perm(&r, "update:timeseries/{uuid}/data", action, sizeof action,
                                       resource, sizeof resource),
                    OK);
    CU_ASSERT_STRING_EQUAL(action, "update");
    CU_ASSERT_STRING_EQUAL(resource, "timeseries/" VALID_UUID "/data");
    req_done(&r);
}

static void test_router_expand_perm_replaces_several_params(void)
{
    struct req r;
    req_init(&r, "GET", "/x");
    const char *nv[] = { "uuid", "U", "revision_id", "7" };
    set_params(&r, nv, 2);
    char action[16], resource[64];
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:programs/{uuid}/revisions/{revision_id}", action,
                                       sizeof action, resource, sizeof resource),
                    OK);
    CU_ASSERT_STRING_EQUAL(resource, "programs/U/revisions/7");
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:{uuid}{revision_id}{uuid}", action, sizeof action,
                                       resource, sizeof resource),
                    OK);
    CU_ASSERT_STRING_EQUAL(resource, "U7U");
    req_done(&r);
}

static void test_router_expand_perm_malformed_is_error(void)
{
    int strict = input_strict_names;
    input_strict_names = 0; /* unknown names on purpose */
    struct req r;
    req_init(&r, "GET", "/x");
    const char *nv[] = { "uuid", VALID_UUID };
    set_params(&r, nv, 1);
    char action[16], resource[128];
    static const char *const bad[] = {
        "readusers/me",        /* no colon */
        "",                    /* nothing */
        "read:users/{uuid",    /* unclosed brace */
        "read:users/{",        /* unclosed brace at the end */
        "read:users/{nope}",   /* unknown parameter */
        "read:users/{}",       /* empty parameter name */
        "read:users/{UUID}",   /* names are case-sensitive */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = router_expand_perm(&r, bad[i], action, sizeof action, resource, sizeof resource);
        CU_ASSERT_EQUAL(rc, ERROR);
        if (rc != ERROR)
            fprintf(stderr, "\n  accepted perm \"%s\"\n", bad[i]);
    }
    req_done(&r);
    input_strict_names = strict;
}

static void test_router_expand_perm_small_action_buffer_is_error(void)
{
    struct req r;
    req_init(&r, "GET", "/x");
    char action[8], resource[64];
    /* "read" needs 5 bytes with its NUL */
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/me", action, 4, resource, sizeof resource),
                    ERROR);
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/me", action, 5, resource, sizeof resource),
                    OK);
    CU_ASSERT_STRING_EQUAL(action, "read");
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/me", action, 0, resource, sizeof resource),
                    ERROR);
    req_done(&r);
}

static void test_router_expand_perm_small_resource_buffer_is_error(void)
{
    struct req r;
    req_init(&r, "GET", "/x");
    const char *nv[] = { "uuid", VALID_UUID };
    set_params(&r, nv, 1);
    char action[16], resource[64];
    /* "users/me" needs 9 bytes with its NUL */
    memset(resource, 'Z', sizeof resource);
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/me", action, sizeof action, resource, 8),
                    ERROR);
    CU_ASSERT_EQUAL(resource[8], 'Z'); /* nothing written past the given size */
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/me", action, sizeof action, resource, 9),
                    OK);
    CU_ASSERT_STRING_EQUAL(resource, "users/me");
    /* "users/" + 36 = 42 characters, 43 bytes */
    memset(resource, 'Z', sizeof resource);
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/{uuid}", action, sizeof action, resource,
                                       42),
                    ERROR);
    CU_ASSERT_EQUAL(resource[42], 'Z');
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:users/{uuid}", action, sizeof action, resource,
                                       43),
                    OK);
    CU_ASSERT_STRING_EQUAL(resource, "users/" VALID_UUID);
    req_done(&r);
}

static void test_router_expand_perm_zero_size_resource_buffer_is_error(void)
{
    /* even an empty resource needs one byte for its NUL */
    struct req r;
    req_init(&r, "GET", "/x");
    char action[16], resource[4];
    memset(resource, 'Z', sizeof resource);
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:", action, sizeof action, resource, 0), ERROR);
    CU_ASSERT_EQUAL(resource[0], 'Z'); /* nothing written into a 0-byte buffer */
    memset(resource, 'Z', sizeof resource);
    CU_ASSERT_EQUAL(router_expand_perm(&r, "read:", action, sizeof action, resource, 1), OK);
    CU_ASSERT_STRING_EQUAL(resource, "");
    CU_ASSERT_EQUAL(resource[1], 'Z');
    req_done(&r);
}

/* --- the route table ----------------------------------------------------- */

static void test_router_table_entries_are_well_formed(void)
{
    static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "PATCH" };
    CU_ASSERT_TRUE(n_routes > 0);
    for (int i = 0; i < n_routes; i++) {
        const struct route *rt = &routes[i];
        int method_ok = 0;
        for (size_t m = 0; m < sizeof methods / sizeof *methods; m++)
            method_ok |= strcmp(rt->method, methods[m]) == 0;
        CU_ASSERT_TRUE(method_ok);
        CU_ASSERT_EQUAL(rt->pattern[0], '/');
        CU_ASSERT_PTR_NOT_NULL(rt->handler);
        /* an open route needs no permission and takes no input */
        if (rt->access == ROUTE_OPEN) {
            CU_ASSERT_TRUE(!rt->perms[0] && !rt->query && !rt->body);
        } else {
            CU_ASSERT_PTR_NOT_NULL(rt->perms[0]);
        }
        for (int j = i + 1; j < n_routes; j++)
            CU_ASSERT_FALSE(strcmp(rt->method, routes[j].method) == 0 &&
                            strcmp(rt->pattern, routes[j].pattern) == 0);
    }
}

/* Each route, requested with its own pattern ({x} replaced by a valid
 * value for its kind), must match itself and expand all its perms. */
static void test_router_table_every_route_matches_and_expands_its_perms(void)
{
    for (int i = 0; i < n_routes; i++) {
        char path[512];
        size_t o = 0;
        for (const char *p = routes[i].pattern; *p && o < sizeof path - 64;) {
            if (*p == '{') {
                const char *close = strchr(p, '}');
                CU_ASSERT_PTR_NOT_NULL_FATAL(close);
                const char *value = strncmp(p, "{revision_id}", 13) == 0 ? "3" : VALID_UUID;
                o += (size_t)snprintf(path + o, sizeof path - o, "%s", value);
                p = close + 1;
            } else {
                path[o++] = *p++;
            }
        }
        path[o] = '\0';
        struct req r;
        req_init(&r, routes[i].method, path);
        CU_ASSERT_EQUAL(router_match(&r), OK);
        CU_ASSERT_PTR_EQUAL(r.route, &routes[i]);
        CU_ASSERT_EQUAL(router_validate_params(&r), OK);
        for (int k = 0; k < ROUTE_MAX_PERMS && routes[i].perms[k]; k++) {
            char action[32], resource[256];
            CU_ASSERT_EQUAL(router_expand_perm(&r, routes[i].perms[k], action, sizeof action,
                                               resource, sizeof resource),
                            OK);
            CU_ASSERT_PTR_NULL(strchr(resource, '{'));
        }
        req_done(&r);
    }
}

/* --- the table checked at start-up, names checked at lookup --------------- */

static void test_router_check_table_accepts_the_route_table(void)
{
    char err[256] = "";
    CU_ASSERT_EQUAL(router_check_table(routes, n_routes, err, sizeof err), OK);
    if (err[0])
        fprintf(stderr, "\n  %s\n", err);
}

static int dummy(struct req *r) { return req_fail(r, 500, "unused"); }

static void test_router_check_table_refuses_broken_routes(void)
{
    static const struct query_param seventeen[] = {
        { "a", Q_INT, NULL, 0, 9 }, { "b", Q_INT, NULL, 0, 9 }, { "c", Q_INT, NULL, 0, 9 },
        { "d", Q_INT, NULL, 0, 9 }, { "e", Q_INT, NULL, 0, 9 }, { "f", Q_INT, NULL, 0, 9 },
        { "g", Q_INT, NULL, 0, 9 }, { "h", Q_INT, NULL, 0, 9 }, { "i", Q_INT, NULL, 0, 9 },
        { "j", Q_INT, NULL, 0, 9 }, { "k", Q_INT, NULL, 0, 9 }, { "l", Q_INT, NULL, 0, 9 },
        { "m", Q_INT, NULL, 0, 9 }, { "n", Q_INT, NULL, 0, 9 }, { "o", Q_INT, NULL, 0, 9 },
        { "p", Q_INT, NULL, 0, 9 }, { "q", Q_INT, NULL, 0, 9 }, { NULL, 0, NULL, 0, 0 },
    };
    static const struct query_param twice[] = {
        { "limit", Q_INT, NULL, 1, 9 }, { "limit", Q_INT, NULL, 1, 9 }, { NULL, 0, NULL, 0, 0 },
    };
    static const struct {
        struct route route;
        const char *problem;
    } broken[] = {
        { { "GET", "/v2/x", dummy, { "read:x", NULL }, seventeen, NULL, ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY },
          "declares more query parameters than QUERY_MAX" },
        { { "GET", "/v2/x", dummy, { "read:x", NULL }, twice, NULL, ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY },
          "names a query parameter twice" },
        { { "GET", "/v2/x/{id}", dummy, { "read:x", NULL }, NULL, NULL, ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY },
          "has a path parameter of no known kind" },
        { { "GET", "/v2/x/{uuid}", dummy, { "read:x/{token_uuid}", NULL }, NULL, NULL,
            ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY },
          "has a permission that does not expand" },
        { { "GET", "/v2/x", dummy, { "look:x", NULL }, NULL, NULL, ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY },
          "has a permission that does not expand" },
        { { "GET", "/v2/x", dummy, { NULL, NULL }, NULL, NULL, ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY },
          "needs a permission" },
    };
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        char err[256] = "", want[256];
        CU_ASSERT_EQUAL(router_check_table(&broken[i].route, 1, err, sizeof err), ERROR);
        snprintf(want, sizeof want, "route %s %s %s", broken[i].route.method,
                 broken[i].route.pattern, broken[i].problem);
        CU_ASSERT_STRING_EQUAL(err, want);
    }
}

/* How a child that looks name up ends: its exit status, or -signal. */
static int lookup_in_child(const char *kind, const char *name)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        input_strict_names = 1;
        struct req r;
        req_init(&r, "GET", "/v2/users/" VALID_UUID);
        CU_ASSERT_EQUAL(router_match(&r), OK);
        struct query_value values[QUERY_MAX] = { 0 };
        r.query_values = values;
        if (strcmp(kind, "query") == 0)
            (void)req_query(&r, name);
        else
            (void)req_param(&r, name);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
}

static void test_input_strict_names_abort_on_undeclared_names(void)
{
    /* GET /v2/users/{uuid} takes the path parameter uuid and no query */
    CU_ASSERT_EQUAL(lookup_in_child("param", "uuid"), 0);
    CU_ASSERT_EQUAL(lookup_in_child("param", "uid"), -SIGABRT);
    CU_ASSERT_EQUAL(lookup_in_child("query", "limit"), -SIGABRT);
}

static void test_input_optional_lookup_of_undeclared_name_is_absent(void)
{
    int strict = input_strict_names;
    input_strict_names = 1;
    struct req r;
    req_init(&r, "GET", "/v2/users");
    CU_ASSERT_EQUAL(router_match(&r), OK);
    struct query_value values[QUERY_MAX] = { 0 };
    r.query_values = values;
    CU_ASSERT_FALSE(req_query_optional(&r, "timezone")->present);
    CU_ASSERT_PTR_EQUAL(req_query(&r, "limit"), &values[0]);
    req_done(&r);
    input_strict_names = strict;
}

void register_tests(void)
{
    CU_pSuite m = CU_add_suite("router_match", NULL, NULL);
    ADD(m, test_router_users_me_get_matches);
    ADD(m, test_router_head_matches_get_route);
    ADD(m, test_router_one_trailing_slash_is_tolerated);
    ADD(m, test_router_unknown_path_is_404_with_message);
    ADD(m, test_router_known_path_wrong_method_is_405_with_allow);
    ADD(m, test_router_405_also_with_trailing_slash);

    CU_pSuite v = CU_add_suite("router_validate_params", NULL, NULL);
    ADD(v, test_router_validate_no_params_is_ok);
    ADD(v, test_router_validate_uuid_accepts_canonical_and_upper_case);
    ADD(v, test_router_validate_bad_uuid_is_400_invalid_uuid);
    ADD(v, test_router_validate_revision_id_accepts_digits);
    ADD(v, test_router_validate_bad_revision_id_is_400);
    ADD(v, test_router_validate_unknown_param_name_is_400);
    ADD(v, test_router_validate_reports_first_bad_param);

    CU_pSuite e = CU_add_suite("router_expand_perm", NULL, NULL);
    ADD(e, test_router_expand_perm_without_params);
    ADD(e, test_router_expand_perm_replaces_uuid);
    ADD(e, test_router_expand_perm_replaces_several_params);
    ADD(e, test_router_expand_perm_malformed_is_error);
    ADD(e, test_router_expand_perm_small_action_buffer_is_error);
    ADD(e, test_router_expand_perm_small_resource_buffer_is_error);
    ADD(e, test_router_expand_perm_zero_size_resource_buffer_is_error);

    CU_pSuite t = CU_add_suite("router_table", NULL, NULL);
    ADD(t, test_router_table_entries_are_well_formed);
    ADD(t, test_router_table_every_route_matches_and_expands_its_perms);
    ADD(t, test_router_check_table_accepts_the_route_table);
    ADD(t, test_router_check_table_refuses_broken_routes);
    ADD(t, test_input_strict_names_abort_on_undeclared_names);
    ADD(t, test_input_optional_lookup_of_undeclared_name_is_absent);
}
