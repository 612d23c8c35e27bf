/* policy.c — authorization of a routed, authenticated request (policy.h). */
#include "policy.h"

#include <string.h>

#include "policy_match.h"
#include "router.h"
#include "status.h"

int policy_may(const struct req *r, const char *action, const char *resource)
{
    return policy_allows(r->rules, r->nrules, action, resource);
}

int policy_authorize(struct req *r)
{
    for (int i = 0; i < ROUTE_MAX_PERMS && r->route->perms[i]; i++) {
        char action[16], resource[512];
        if (router_expand_perm(r, r->route->perms[i], action, sizeof action, resource,
                               sizeof resource) != OK)
            return req_fail(r, 500, "Malformed permission in route table");
        if (!policy_may(r, action, resource))
            return req_fail(r, 403, "Forbidden");
    }
    return OK;
}

/* Appends pattern as one element of a PostgreSQL array literal. */
static void array_item(buf_t *b, const char *pattern)
{
    if (b->len > 1) /* past the opening '{' */
        buf_putc(b, ',');
    buf_putc(b, '"');
    for (const char *p = pattern; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

void policy_patterns(struct req *r, const char *action, const char **allow, const char **deny)
{
    buf_t a = BUF_INIT, d = BUF_INIT;
    buf_putc(&a, '{');
    buf_putc(&d, '{');
    for (size_t i = 0; i < r->nrules; i++) {
        if (strcmp(r->rules[i].action, action) != 0)
            continue;
        array_item(r->rules[i].effect == POLICY_ALLOW ? &a : &d, r->rules[i].resource);
    }
    buf_putc(&a, '}');
    buf_putc(&d, '}');
    *allow = arena_strdup(r->arena, buf_cstr(&a));
    *deny = arena_strdup(r->arena, buf_cstr(&d));
    buf_free(&a);
    buf_free(&d);
}
