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

/* The actions and resources of r->route's scopes (path parameters filled
 * in) as PostgreSQL text[] literals, for authentication to fetch the
 * candidate policies of exactly these. */
int policy_scopes(struct req *r, const char **actions, const char **resources);
/* Reads policy rows (effect, action, resource at column `col` onward; rows
 * with a NULL effect are skipped) into an arena array. */
void policy_rules_from(struct req *r, const PGresult *res, int col, struct policy_rule **rules,
                       size_t *n);
/* OK when every scope of r->route is allowed for the user; otherwise 403
 * recorded on r. */
int policy_authorize(struct req *r);
/* 1 when the user may do action on resource (for checks inside handlers;
 * the first call for an action loads all the user's policies for it, once
 * per request). */
int policy_may(struct req *r, const char *action, const char *resource);
/* The user's allow and deny patterns for action as PostgreSQL text[]
 * literals, for list queries that show only what the user may see:
 * WHERE res LIKE ANY($allow::text[]) AND NOT res LIKE ANY($deny::text[]). */
void policy_patterns(struct req *r, const char *action, const char **allow, const char **deny);

#endif
