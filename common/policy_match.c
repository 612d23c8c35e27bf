/* policy_match.c — PostgreSQL LIKE matching and the allow/deny decision of
 * user_has_access() (sql/000004), so that selfserv decides scopes without a
 * query per check. Expected values in tests/unit/test_policy_match.c come
 * from a real PostgreSQL 15 (UTF-8 database). */
#include "policy_match.h"

#include <string.h>

/* Bytes of the character starting at s, as PostgreSQL's pg_utf_mblen
 * counts them (from the lead byte alone; a stray continuation byte is one
 * character), but never past the terminating NUL. */
static size_t char_len(const unsigned char *s)
{
    size_t len, i;

    if ((*s & 0x80) == 0)
        len = 1;
    else if ((*s & 0xe0) == 0xc0)
        len = 2;
    else if ((*s & 0xf0) == 0xe0)
        len = 3;
    else if ((*s & 0xf8) == 0xf0)
        len = 4;
    else
        len = 1;
    for (i = 1; i < len; i++)
        if (s[i] == '\0')
            return i;
    return len;
}

/* Greedy with backtracking to the last '%': the pattern between two '%' is
 * a run of fixed-width items ('_' = one character, a literal = one byte),
 * so matching each run at its leftmost possible place is never wrong, and
 * on a mismatch only the start of the current run needs to move. */
int policy_like(const char *text, const char *pattern)
{
    const unsigned char *t = (const unsigned char *)text;
    const unsigned char *p = (const unsigned char *)pattern;
    const unsigned char *run_p = NULL; /* pattern just after the last '%' */
    const unsigned char *run_t = NULL; /* where that run is being tried */

    if (t == NULL || p == NULL)
        return 0;
    for (;;) {
        if (*p == '%') {
            while (*p == '%')
                p++;
            if (*p == '\0')
                return 1; /* a trailing '%' takes whatever text is left */
            run_p = p;
            run_t = t;
            continue;
        }
        if (*t == '\0')
            break;
        if (*p == '_') {
            t += char_len(t);
            p++;
            continue;
        }
        if (*p == '\\' && p[1] == '\0')
            return 0; /* PostgreSQL: "must not end with escape character" */
        if (*p != '\0') {
            const unsigned char *lit = *p == '\\' ? p + 1 : p;
            if (*lit == *t) {
                t++;
                p = lit + 1;
                continue;
            }
        }
        /* Mismatch (or pattern ended before the text): retry the run one
         * character further into the text, if there is a run to retry. */
        if (run_p == NULL)
            return 0;
        run_t += char_len(run_t);
        if (*run_t == '\0')
            return 0; /* a run starts with '_' or a literal: needs text */
        t = run_t;
        p = run_p;
    }
    /* Text used up: only '%'s may remain. Moving the run later would leave
     * it even less text, so no backtracking here. */
    while (*p == '%')
        p++;
    return *p == '\0';
}

int policy_pattern_valid(const char *pattern)
{
    if (pattern == NULL)
        return 0;
    size_t run = 0; /* backslashes at the end */
    for (const char *p = pattern; *p; p++)
        run = *p == '\\' ? run + 1 : 0;
    return run % 2 == 0;
}

int policy_allows(const struct policy_rule *rules, size_t n, const char *action,
                  const char *resource)
{
    int allowed = 0;
    size_t i;

    if (rules == NULL || action == NULL || resource == NULL)
        return 0;
    for (i = 0; i < n; i++) {
        const struct policy_rule *r = &rules[i];
        if (r->action == NULL || r->resource == NULL || strcmp(r->action, action) != 0)
            continue;
        if (r->effect == POLICY_DENY) {
            if (!policy_pattern_valid(r->resource) || policy_like(resource, r->resource))
                return 0;
        } else if (r->effect == POLICY_ALLOW && !allowed) {
            allowed = policy_like(resource, r->resource);
        }
    }
    return allowed;
}
