/* token_store.c — user_tokens rows (see token_store.h). */
#include "token_store.h"

#include <stdio.h>
#include <string.h>

#include "status.h"

#define ROOT_USER_UUID "00000000-0000-1000-8000-000000000000"
#define SEED_ROOT_SECRET "root"

static const struct db_stmt SQL_FIND_USER = {
    "token_store_find_user",
    "SELECT uuid FROM users WHERE ($1::text ~* '^[0-9a-f-]{36}$' AND uuid::text = lower($1)) "
    "OR name = $1 ORDER BY (name = $1) LIMIT 2",
    1
};
static const struct db_stmt SQL_INSERT = {
    "token_store_insert",
    "INSERT INTO user_tokens(user_uuid, name, token_hash) VALUES ($1::uuid, $2, $3::bytea) "
    "RETURNING uuid",
    3
};
static const struct db_stmt SQL_HAS_SEED = {
    "token_store_has_seed",
    "SELECT count(*) FROM user_tokens WHERE token_hash = $1::bytea", 1
};
static const struct db_stmt SQL_DELETE_SEED = {
    "token_store_delete_seed",
    "DELETE FROM user_tokens WHERE token_hash = $1::bytea", 1
};

static int fail_res(struct db_conn *db, PGresult *res, const char *what, char *err, size_t errsz)
{
    char line[400];
    snprintf(err, errsz, "%s: %s", what, db_error_line(db, res, line, sizeof line));
    PQclear(res);
    return ERROR;
}

int token_store_find_user(struct db_conn *db, const char *user, char uuid_out[UUID_STRLEN + 1],
                          char *err, size_t errsz)
{
    const char *params[] = { user };
    PGresult *res = db_exec(db, &SQL_FIND_USER, params);
    if (!db_ok(res))
        return fail_res(db, res, "cannot look up the user", err, errsz);
    if (PQntuples(res) == 0) {
        snprintf(err, errsz, "no user '%s' in this domain", user);
        PQclear(res);
        return ERROR;
    }
    snprintf(uuid_out, UUID_STRLEN + 1, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return OK;
}

static int insert_token(struct db_conn *db, const char *user_uuid, const char *name,
                        char secret_out[TOKEN_MAX], char uuid_out[UUID_STRLEN + 1], char *err,
                        size_t errsz)
{
    uint8_t hash[TOKEN_HASH_LEN];
    token_generate(secret_out);
    token_hash(secret_out, strlen(secret_out), hash);
    const char *params[] = { user_uuid, name, (const char *)hash };
    const int lengths[] = { 0, 0, TOKEN_HASH_LEN };
    const int formats[] = { 0, 0, 1 };
    PGresult *res = db_exec_full(db, &SQL_INSERT, params, lengths, formats, 0);
    if (!db_ok(res))
        return fail_res(db, res, "cannot store the token", err, errsz);
    if (uuid_out)
        snprintf(uuid_out, UUID_STRLEN + 1, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return OK;
}

int token_store_create(struct db_conn *db, const char *user_uuid, const char *name,
                       char secret_out[TOKEN_MAX], char uuid_out[UUID_STRLEN + 1], char *err,
                       size_t errsz)
{
    return insert_token(db, user_uuid, name, secret_out, uuid_out, err, errsz);
}

static PGresult *seed_stmt(struct db_conn *db, const struct db_stmt *st)
{
    uint8_t hash[TOKEN_HASH_LEN];
    token_hash(SEED_ROOT_SECRET, strlen(SEED_ROOT_SECRET), hash);
    const char *params[] = { (const char *)hash };
    const int lengths[] = { TOKEN_HASH_LEN };
    const int formats[] = { 1 };
    return db_exec_full(db, st, params, lengths, formats, 0);
}

int token_store_has_seed_root(struct db_conn *db, int *present, char *err, size_t errsz)
{
    PGresult *res = seed_stmt(db, &SQL_HAS_SEED);
    if (!db_ok(res))
        return fail_res(db, res, "cannot check the seed token", err, errsz);
    *present = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
    PQclear(res);
    return OK;
}

int token_store_replace_seed_root(struct db_conn *db, char secret_out[TOKEN_MAX], char *err,
                                  size_t errsz)
{
    PQclear(db_exec_sql(db, "BEGIN"));
    PGresult *res = seed_stmt(db, &SQL_DELETE_SEED);
    if (!db_ok(res)) {
        PQclear(db_exec_sql(db, "ROLLBACK"));
        return fail_res(db, res, "cannot remove the seed token", err, errsz);
    }
    PQclear(res);
    if (insert_token(db, ROOT_USER_UUID, "root", secret_out, NULL, err, errsz) != OK) {
        PQclear(db_exec_sql(db, "ROLLBACK"));
        return ERROR;
    }
    res = db_exec_sql(db, "COMMIT");
    if (!db_ok(res))
        return fail_res(db, res, "cannot commit the new root token", err, errsz);
    PQclear(res);
    return OK;
}
