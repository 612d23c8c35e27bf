/* auth_cache.h — what authentication found for a token, kept by one
 * responder per domain, for as long as the domain's
 * authentication epoch (sql/000022_auth_epoch.up.sql) says it holds.
 *
 * Authentication asks PostgreSQL for a token's owner, the owner's rate and
 * the candidate policies of the request's scopes (auth.c). From schema 22
 * on, the database keeps an epoch that every committed change of users,
 * tokens, groups, memberships, policies or rates moves on; the answer is
 * kept here with the epoch it was read with. The next request with the
 * same token and scopes reads the epoch alone (one row of one table) and
 * looks up again only when it moved, so a change made anywhere — another
 * responder, another host, selfctl, psql, the reference's server on the
 * same database — takes effect at the next request.
 *
 * Up to AUTH_CACHE_SLOTS answers per domain (a token's scopes name the
 * object, so a client reading 100 series holds 100): a few slots at
 * first, twice as many whenever an answer finds no room near the slot
 * its key hashes to, then the oldest of those few slots makes room.
 * Kept across reconnections: every move of the epoch draws a new random
 * number, so one number names one state of what it covers, even in a
 * database restored from a backup or replaced by a standby. Tokens are
 * kept as their hashes only. */
#ifndef SELFSERV_AUTH_CACHE_H
#define SELFSERV_AUTH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "policy_match.h"
#include "token.h"
#include "uuid.h"

#define AUTH_CACHE_SLOTS 128

/* One look-up's answer. */
struct auth_answer {
    int64_t epoch;
    char user_uuid[UUID_STRLEN + 1];
    const char *user_name;
    int64_t user_rate; /* -1 when the user has none */
    const struct policy_rule *rules;
    size_t nrules;
    const char *body; /* a reply kept with the answer (auth_cache_keep_body), or NULL */
};

struct auth_cache;

struct auth_cache *auth_cache_new(void); /* NULL when out of memory: nothing is kept */
void auth_cache_free(struct auth_cache *c); /* NULL is a no-op */
void auth_cache_clear(struct auth_cache *c); /* NULL is a no-op */

/* The answer kept for this token hash and scopes (actions and resources as
 * auth.c sends them), or NULL. Valid until the next call on c. */
const struct auth_answer *auth_cache_find(struct auth_cache *c,
                                          const uint8_t hash[TOKEN_HASH_LEN],
                                          const char *actions, const char *resources);
/* Keeps a copy of a (its strings and rules) for the token hash and scopes,
 * replacing whatever held its slot. Out of memory: nothing is kept. */
void auth_cache_put(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                    const char *actions, const char *resources, const struct auth_answer *a);
/* Keeps body with the answer of this token hash and scopes when that is
 * still the one of epoch: a reply that depends only on what the epoch
 * covers (GET /v2/users/me), read after the answer, so never older than
 * it. Otherwise nothing. */
void auth_cache_keep_body(struct auth_cache *c, const uint8_t hash[TOKEN_HASH_LEN],
                          const char *actions, const char *resources, int64_t epoch,
                          const char *body);
/* A copy of rules in arena a (for a request to hold past the next call). */
struct policy_rule *auth_rules_copy(arena_t *a, const struct policy_rule *rules, size_t n);

#endif
