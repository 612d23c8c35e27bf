/* policy.h — may this user do this? The route names the scopes it needs
 * ("read:users/{uuid}"); every scope must be allowed. A scope is allowed
 * when its resource matches (SQL LIKE) an allow policy of one of the
 * user's groups for the action and no deny policy of them: deny wins.
 * The matching is the schema's own user_has_access() function, the one
 * the reference calls, so both servers decide alike on the same data. */
#ifndef SELFSERV_POLICY_H
#define SELFSERV_POLICY_H

#include "request.h"

/* OK when every scope of r->route is allowed for r->user_uuid; otherwise
 * 403 recorded on r. */
int policy_authorize(struct req *r);

#endif
