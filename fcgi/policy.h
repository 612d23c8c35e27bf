/* policy.h — may this user do this? The route names the scopes it needs
 * ("read:users/{uuid}"); every scope must be allowed. The decision is
 * policy_allows() (common/policy_match.h) over the user's policies, which
 * authentication loaded with the token: allowed when the resource matches
 * (PostgreSQL LIKE) an allow policy of one of the user's groups for the
 * action and no deny policy of them — deny wins — exactly as the schema's
 * user_has_access() decides. */
#ifndef SELFSERV_POLICY_H
#define SELFSERV_POLICY_H

#include <libpq-fe.h>

#include "policy_match.h"
#include "request.h"

/* The candidate policies of user (an SQL expression) for the actions acts
 * and resources ress (text[] each): rows (effect, action, resource) that
 * include every policy of the user's groups for one of the actions whose
 * pattern matches one of the resources — what policy_allows() decides
 * over. A pattern that cannot be evaluated (it ends in a lone backslash)
 * is never LIKE-matched: as a deny it is always a candidate (it refuses),
 * as an allow never.
 *   POLICY_CANDIDATES_INDEXED (schema 18 and later): the function of
 *     sql/000018_policy_lookup.up.sql, which finds them through indexes,
 *     given also every prefix of the resources (policy_prefixes): its cost
 *     does not grow with the number of policies.
 *   POLICY_CANDIDATES_SCAN (older schemas): LIKE over all the policies of
 *     the user's groups for the actions. */
#define POLICY_CANDIDATES_INDEXED(user, acts, ress, prefixes) \
    "SELECT effect, action, resource FROM selfhost_policy_candidates(" user ", " acts ", " ress \
    ", " prefixes ")"
#define POLICY_CANDIDATES_SCAN(user, acts, ress)                                              \
    "SELECT gp.effect, gp.action, gp.resource "                                               \
    "FROM user_groups ug JOIN group_policies gp ON gp.group_uuid = ug.group_uuid "            \
    "WHERE ug.user_uuid = " user " AND gp.action::text = ANY(" acts ") AND "                  \
    "CASE WHEN gp.resource ~ '(^|[^\\\\])(\\\\\\\\)*\\\\$' THEN gp.effect = 'deny' "          \
    "ELSE EXISTS (SELECT 1 FROM unnest(" ress ") s(r) WHERE s.r LIKE gp.resource) END"

/* Every prefix of the n resources, in characters from the empty one to the
 * whole, as a PostgreSQL text[] literal (for POLICY_CANDIDATES). */
const char *policy_prefixes(struct req *r, const char *const *resources, size_t n);

/* The actions and resources of r->route's scopes (path parameters filled
 * in) and the resources' prefixes as PostgreSQL text[] literals, for
 * authentication to fetch the candidate policies of exactly these. */
int policy_scopes(struct req *r, const char **actions, const char **resources,
                  const char **prefixes);
/* Reads policy rows (effect, action, resource at column `col` onward; rows
 * with a NULL effect are skipped) into an arena array. */
void policy_rules_from(struct req *r, const PGresult *res, int col, struct policy_rule **rules,
                       size_t *n);
/* OK when every scope of r->route is allowed for the user; otherwise 403
 * recorded on r. */
int policy_authorize(struct req *r);
/* 1 when the user may do action on resource (for checks inside handlers;
 * one query for the candidates of exactly this pair). */
int policy_may(struct req *r, const char *action, const char *resource);
/* 403 with message, the access log naming the missing permission. */
int policy_forbidden(struct req *r, const char *message, const char *action,
                     const char *resource);
/* The index of the first of the n resources the user may not do action
 * on, n when it may do it on all (one query; 0 when the database does not
 * answer). */
size_t policy_first_refused(struct req *r, const char *action, const char *const *resources,
                            size_t n);
/* The user's allow and deny patterns for action as PostgreSQL text[]
 * literals, for list queries that show only what the user may see:
 * WHERE res LIKE ANY($allow::text[]) AND NOT res LIKE ANY($deny::text[]). */
void policy_patterns(struct req *r, const char *action, const char **allow, const char **deny);

#endif
