/* token_store.h — tokens in a domain's database: create one for a user
 * (only its sha256 is stored; the secret is returned once), find a user by
 * name or uuid, and deal with the seeded token whose secret is "root". */
#ifndef SELFHOST_TOKEN_STORE_H
#define SELFHOST_TOKEN_STORE_H

#include <stddef.h>

#include "db.h"
#include "token.h"
#include "uuid.h"

/* user: a user's uuid or name. Writes its uuid into uuid_out. */
int token_store_find_user(struct db_conn *db, const char *user, char uuid_out[UUID_STRLEN + 1],
                          char *err, size_t errsz);
/* New token named name for user_uuid; the secret goes to secret_out and
 * the token's uuid to uuid_out (when not NULL). */
int token_store_create(struct db_conn *db, const char *user_uuid, const char *name,
                       char secret_out[TOKEN_MAX], char uuid_out[UUID_STRLEN + 1], char *err,
                       size_t errsz);
/* 1 when the well-known seed token (secret "root") still works. */
int token_store_has_seed_root(struct db_conn *db, int *present, char *err, size_t errsz);
/* Replaces the seed token by a fresh random one for the root user, in one
 * transaction; the new secret goes to secret_out. */
int token_store_replace_seed_root(struct db_conn *db, char secret_out[TOKEN_MAX], char *err,
                                  size_t errsz);

#endif
