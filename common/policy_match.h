/* policy_match.h — the access decision of sql/000004's user_has_access(),
 * in process: selfserv loads a user's policies once per request (one query)
 * and decides every (action, resource) here instead of one round trip each.
 *
 * The model: a user holds the policies of all its groups. It may perform
 * (action, resource) when resource matches (PostgreSQL LIKE) at least one
 * ALLOW policy for that action and no DENY policy for that action. Deny
 * wins; priority is ignored, as the SQL function ignores it. */
#ifndef SELFHOST_POLICY_MATCH_H
#define SELFHOST_POLICY_MATCH_H

#include <stddef.h>

enum policy_effect { POLICY_DENY = 0, POLICY_ALLOW = 1 };

struct policy_rule {
    enum policy_effect effect;
    const char *action;   /* "create" | "read" | "update" | "delete" */
    const char *resource; /* LIKE pattern, e.g. "timeseries/%" */
};

/* 1 when text matches pattern with PostgreSQL LIKE semantics in a UTF-8
 * database, else 0:
 *   '%'  any sequence of characters, also the empty one;
 *   '_'  exactly one character (a UTF-8 code point, not a byte);
 *   '\'  escapes the next character (LIKE's default ESCAPE);
 *   anything else matches itself, byte for byte (case-sensitive).
 * A pattern ending in a lone backslash makes PostgreSQL raise "LIKE pattern
 * must not end with escape character" (when matching reaches it; otherwise
 * it answers false): here such a pattern matches nothing. NULL text or
 * pattern matches nothing. Iterative, backtracking only to the last '%':
 * O(len(text) * len(pattern)) at worst, no recursion. */
int policy_like(const char *text, const char *pattern);

/* 1 when pattern can be evaluated: it does not end in a lone escape
 * backslash. Policies are checked with it before they are stored. */
int policy_pattern_valid(const char *pattern);

/* 1 when the n rules allow action on resource: some POLICY_ALLOW rule whose
 * action equals action (exactly) has a pattern resource matches, and no
 * POLICY_DENY rule for action matches. Otherwise (no rules, no matching
 * allow, a matching deny, NULL arguments) 0. Rules with a NULL action or
 * resource are skipped. A DENY rule for action whose pattern is not valid
 * refuses the action whatever the resource (fail closed). */
int policy_allows(const struct policy_rule *rules, size_t n, const char *action,
                  const char *resource);

#endif
