/* auth.h — who is asking: HTTP Basic credentials (user = domain,
 * password = token) -> the domain's database -> the token's owner,
 * found by sha256(token) in user_tokens. */
#ifndef SELFSERV_AUTH_H
#define SELFSERV_AUTH_H

#include "request.h"

/* Fills r->domain, r->db, r->user_uuid, r->user_name, r->token_hash.
 * Missing, malformed or wrong credentials and unknown domains are all 401
 * with a WWW-Authenticate header (the reference answers some of them 400
 * or 403 in plain text; see docs/compatibility.md). */
int auth_authenticate(struct req *r);

/* Keeps body, a reply that depends only on what the authentication epoch
 * covers (users, groups, memberships, tokens, policies, rates), with the
 * answer authentication just used, so that the next request of the token
 * for the same scopes finds it in r->kept_body while the epoch holds.
 * Nothing on a schema without the epoch. */
void auth_keep_body(struct req *r, const char *body);

/* Splits a decoded "domain:token" pair; exposed for unit tests. The header
 * value is "Basic <base64>" (scheme case-insensitive). Results are in the
 * arena. */
int auth_parse_basic(arena_t *a, const char *header, const char **domain, const char **token);

#endif
