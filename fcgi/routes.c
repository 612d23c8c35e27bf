/* routes.c — the whole API on one screen: method, path, handler and the
 * permission scopes each operation needs (as in openapi-reference.yaml).
 * Order matters only between a literal segment and a parameter at the same
 * place: "/v2/users/me" comes before "/v2/users/{uuid}". */
#include "router.h"
#include "users.h"

#define PERM(scope) { scope, NULL }

const struct route routes[] = {
    { "GET", "/v2/users/me", users_me, PERM("read:users/me") },
};

const int n_routes = (int)(sizeof routes / sizeof *routes);
