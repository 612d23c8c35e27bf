/* router.c — matching a path against the route table, segment by segment. */
#include "router.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "input.h"
#include "status.h"
#include "uuid.h"

/* How each path parameter is validated, by name. */
enum param_kind { PK_UUID, PK_INT };

static const struct {
    const char *name;
    enum param_kind kind;
    const char *error;
} param_kinds[] = {
    { "uuid", PK_UUID, "Invalid UUID" },
    { "token_uuid", PK_UUID, "Invalid UUID" },
    { "revision_id", PK_INT, "Invalid revision" },
};

static int param_valid(const char *name, const char *value, const char **error)
{
    for (size_t i = 0; i < sizeof param_kinds / sizeof *param_kinds; i++) {
        if (strcmp(param_kinds[i].name, name) != 0)
            continue;
        *error = param_kinds[i].error;
        if (param_kinds[i].kind == PK_UUID)
            return uuid_valid(value) == OK;
        size_t n = strlen(value);
        if (n == 0 || n > 9)
            return 0;
        for (size_t j = 0; j < n; j++)
            if (!isdigit((unsigned char)value[j]))
                return 0;
        return 1;
    }
    *error = "Invalid path parameter";
    return 0;
}

/* A path parameter as found: pointers into the pattern and the path. */
struct raw_param {
    const char *name, *value;
    size_t name_len, value_len;
};

/* Compares one pattern against the path; on a match stores where the
 * parameters are (nothing is copied) and returns 1 + a specificity score:
 * one bit per segment, set for a literal segment, earlier segments
 * weighing more. 0 when the pattern does not match. */
static unsigned path_matches(const char *pattern, const char *path, struct raw_param *params,
                             int *nparams)
{
    unsigned score = 0;
    *nparams = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return 0;
        pattern++;
        path++;
        size_t plen = strcspn(pattern, "/");
        size_t slen = strcspn(path, "/");
        score <<= 1;
        if (pattern[0] == '{') {
            if (slen == 0 || *nparams >= REQ_MAX_PARAMS)
                return 0;
            params[*nparams] = (struct raw_param){ pattern + 1, path, plen - 2, slen };
            (*nparams)++;
        } else if (plen != slen || memcmp(pattern, path, plen) != 0) {
            return 0;
        } else {
            score |= 1;
        }
        pattern += plen;
        path += slen;
    }
    return *pattern == '\0' && *path == '\0' ? score + 1 : 0;
}

static int method_fits(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* Among the patterns matching the path, the most specific ones decide
 * (a literal segment beats a parameter: "/v2/users/me" is never taken for
 * "/v2/users/{uuid}"); their methods are the only ones allowed. One pass
 * over the table; only the chosen route's parameters are copied. */
int router_match(struct req *r)
{
    const char *path = r->path;
    size_t len = strlen(path);
    /* one trailing slash is tolerated */
    if (len > 1 && path[len - 1] == '/')
        path = arena_strndup(r->arena, path, len - 1);

    unsigned best = 0;
    const struct route *chosen = NULL;
    struct raw_param chosen_params[REQ_MAX_PARAMS];
    int chosen_n = 0;
    char allow[128] = "";
    for (int i = 0; i < n_routes; i++) {
        struct raw_param p[REQ_MAX_PARAMS];
        int np;
        unsigned score = path_matches(routes[i].pattern, path, p, &np);
        if (score == 0 || score < best)
            continue;
        if (score > best) { /* more specific than anything so far: start over */
            best = score;
            chosen = NULL;
            allow[0] = '\0';
        }
        if (!chosen && method_fits(routes[i].method, r->method)) {
            chosen = &routes[i];
            memcpy(chosen_params, p, sizeof p);
            chosen_n = np;
        } else if (!method_fits(routes[i].method, r->method)) {
            size_t used = strlen(allow);
            snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "", routes[i].method);
        }
    }
    if (best == 0)
        return req_not_found(r);
    if (!chosen) {
        req_header(r, "Allow: %s", allow);
        return req_fail(r, 405, "Method not allowed");
    }
    r->route = chosen;
    r->nparams = chosen_n;
    for (int i = 0; i < chosen_n; i++) {
        r->params[i].name = arena_strndup(r->arena, chosen_params[i].name, chosen_params[i].name_len);
        r->params[i].value = arena_strndup(r->arena, chosen_params[i].value, chosen_params[i].value_len);
    }
    return OK;
}

int router_validate_params(struct req *r)
{
    for (int i = 0; i < r->nparams; i++) {
        const char *error;
        if (!param_valid(r->params[i].name, r->params[i].value, &error))
            return req_fail(r, 400, error);
    }
    return OK;
}

int router_expand_perm(const struct req *r, const char *perm, char *action, size_t actsz,
                       char *resource, size_t ressz)
{
    const char *colon = strchr(perm, ':');
    if (!colon || (size_t)(colon - perm) >= actsz)
        return ERROR;
    snprintf(action, actsz, "%.*s", (int)(colon - perm), perm);
    size_t out = 0;
    if (ressz == 0)
        return ERROR;
    for (const char *p = colon + 1; *p; p++) {
        const char *piece = p;
        size_t n = 1;
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return ERROR;
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
            piece = req_param(r, name);
            if (!piece)
                return ERROR;
            n = strlen(piece);
            p = close;
        }
        if (out + n >= ressz)
            return ERROR;
        memcpy(resource + out, piece, n);
        out += n;
    }
    resource[out] = '\0';
    return OK;
}

static int param_known(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof param_kinds / sizeof *param_kinds; i++)
        if (strlen(param_kinds[i].name) == n && memcmp(param_kinds[i].name, name, n) == 0)
            return 1;
    return 0;
}

/* Every {name} of text is a known parameter kind and, when pattern is
 * given, one of pattern's parameters. */
static int names_ok(const char *text, const char *pattern)
{
    for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (!close || !param_known(p + 1, (size_t)(close - p - 1)))
            return 0;
        if (pattern && !memmem(pattern, strlen(pattern), p, (size_t)(close - p + 1)))
            return 0;
    }
    return 1;
}

int router_check_table(const struct route *table, int n, char *err, size_t errlen)
{
    static const char *const actions[] = { "create:", "read:", "update:", "delete:" };
    for (int i = 0; i < n; i++) {
        const struct route *rt = &table[i];
        const char *problem = NULL;
        int nq = 0;
        for (; rt->query && rt->query[nq].name; nq++)
            for (int j = 0; j < nq; j++)
                if (strcmp(rt->query[j].name, rt->query[nq].name) == 0)
                    problem = "names a query parameter twice";
        if (nq > QUERY_MAX)
            problem = "declares more query parameters than QUERY_MAX";
        if (!names_ok(rt->pattern, NULL))
            problem = "has a path parameter of no known kind";
        for (int k = 0; k < ROUTE_MAX_PERMS && rt->perms[k] && !problem; k++) {
            int action_ok = 0;
            for (size_t a = 0; a < sizeof actions / sizeof *actions; a++)
                action_ok |= strncmp(rt->perms[k], actions[a], strlen(actions[a])) == 0;
            if (!action_ok || !names_ok(rt->perms[k], rt->pattern))
                problem = "has a permission that does not expand";
        }
        if (!rt->perms[0] && rt->access != ROUTE_OPEN)
            problem = "needs a permission";
        if (problem) {
            snprintf(err, errlen, "route %s %s %s", rt->method, rt->pattern, problem);
            return ERROR;
        }
    }
    return OK;
}

