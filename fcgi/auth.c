/* auth.c — HTTP Basic authentication against the domain's user_tokens,
 * with the answers kept per token while the domain's epoch holds
 * (auth_cache.h). */
#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth_cache.h"
#include "base64.h"
#include "domains.h"
#include "policy.h"
#include "server.h"
#include "status.h"
#include "token.h"

/* The token's owner, the owner's own rate (or NULL) and the candidate
 * policies for this request's scopes (policy.h), in one round trip: one
 * row per candidate (one row with NULL policy columns when there is none).
 * The hash is computed here and sent as binary bytea, so the secret itself
 * never reaches the database or its logs.
 *   $1 sha256(token)   $2 text[] actions   $3 text[] resources
 *   $4 text[] the resources' prefixes (schema 18 and later)
 * lead: columns before the owner's (the epoch, or nothing). */
#define SQL_TOKEN_OWNER_TEXT(lead, rate, candidates)                                    \
    "SELECT " lead "u.uuid, u.name, " rate ", c.effect, c.action, c.resource FROM users u " \
    "LEFT JOIN LATERAL (" candidates ") c ON true "                                      \
    "WHERE u.uuid = (SELECT user_uuid FROM user_tokens WHERE token_hash = $1::bytea LIMIT 1)"
#define USER_RATE "(SELECT req_per_hour FROM user_rates WHERE user_uuid = u.uuid)"

static const struct db_stmt SQL_TOKEN_OWNER = {
    "auth_token_owner",
    SQL_TOKEN_OWNER_TEXT("", USER_RATE, POLICY_CANDIDATES_INDEXED("u.uuid", "$2::text[]",
                                                                  "$3::text[]", "$4::text[]")), 4
};
/* Schema 22 and later: the same, each row led by the domain's
 * authentication epoch it was read with (auth_cache.h; NULL if someone
 * deleted the epoch's row: then nothing is kept). */
#define EPOCH_NOW "(SELECT epoch FROM selfhost_auth_epoch)"
static const struct db_stmt SQL_TOKEN_OWNER_EPOCH = {
    "auth_token_owner_epoch",
    SQL_TOKEN_OWNER_TEXT(EPOCH_NOW ", ", USER_RATE,
                         POLICY_CANDIDATES_INDEXED("u.uuid", "$2::text[]", "$3::text[]",
                                                   "$4::text[]")), 4
};
/* Whether the answer kept for a token still holds: the epoch alone. */
static const struct db_stmt SQL_EPOCH = { "auth_epoch", "SELECT " EPOCH_NOW, 0 };
/* Schemas 14 to 17: no policy lookup function (000018). */
static const struct db_stmt SQL_TOKEN_OWNER_SCAN = {
    "auth_token_owner_scan",
    SQL_TOKEN_OWNER_TEXT("", USER_RATE, POLICY_CANDIDATES_SCAN("u.uuid", "$2::text[]", "$3::text[]")), 3
};
/* A database still at the reference's schema has no user_rates (000014). */
static const struct db_stmt SQL_TOKEN_OWNER_NO_RATES = {
    "auth_token_owner_no_rates",
    SQL_TOKEN_OWNER_TEXT("", "NULL::int4", POLICY_CANDIDATES_SCAN("u.uuid", "$2::text[]", "$3::text[]")), 3
};

static const struct db_stmt *token_owner_stmt(int schema)
{
    return schema >= 22   ? &SQL_TOKEN_OWNER_EPOCH
           : schema >= 18 ? &SQL_TOKEN_OWNER
           : schema >= 14 ? &SQL_TOKEN_OWNER_SCAN
                          : &SQL_TOKEN_OWNER_NO_RATES;
}

#define AUTH_MAX_HEADER 4096

int auth_parse_basic(arena_t *a, const char *header, const char **domain, const char **token)
{
    if (!header || strncasecmp(header, "Basic ", 6) != 0)
        return ERROR;
    const char *b64 = header + 6;
    while (*b64 == ' ')
        b64++;
    size_t len = strlen(b64);
    while (len > 0 && b64[len - 1] == ' ')
        len--;
    if (len == 0 || len > AUTH_MAX_HEADER)
        return ERROR;
    uint8_t *raw = arena_alloc(a, base64_decoded_max(len) + 1);
    size_t rawlen;
    if (base64_decode(b64, len, raw, &rawlen) != OK)
        return ERROR;
    raw[rawlen] = '\0';
    if (strlen((char *)raw) != rawlen) /* embedded NUL */
        return ERROR;
    char *colon = strchr((char *)raw, ':');
    if (!colon || colon == (char *)raw || colon[1] == '\0')
        return ERROR;
    *colon = '\0';
    *domain = (char *)raw;
    *token = colon + 1;
    return OK;
}

static int unauthorized(struct req *r, const char *message, const char *reason)
{
    req_header(r, "WWW-Authenticate: Basic realm=\"Selfhost API\", charset=\"UTF-8\"");
    return req_deny(r, 401, message, reason);
}

/* Runs st for the request's first statement; once more on a new
 * connection when the server had ended the idle one and its goodbye came
 * too late for server_domain_db to see (a restart, pg_terminate_backend). */
static PGresult *first_exec(struct req *r, const struct db_stmt *st, const char *const *params,
                            const int *lengths, const int *formats)
{
    PGresult *res = db_exec_full(r->db, st, params, lengths, formats, 0);
    if (!db_ok(res) && PQstatus(r->db->pg) == CONNECTION_BAD && db_reset(r->db) == OK) {
        PQclear(res);
        res = db_exec_full(r->db, st, params, lengths, formats, 0);
    }
    return res;
}

/* The epoch in column 0 of the first row; -1 when there is none. */
static int64_t epoch_of(const PGresult *res, int row)
{
    if (PQntuples(res) <= row || PQgetisnull(res, row, 0))
        return -1;
    return strtoll(PQgetvalue(res, row, 0), NULL, 10);
}

int auth_authenticate(struct req *r)
{
    const char *domain, *token;
    const char *header = req_env(r, "HTTP_AUTHORIZATION");
    if (!header)
        return unauthorized(r, "Unauthorized", "no credentials");
    if (auth_parse_basic(r->arena, header, &domain, &token) != OK || !domain_name_valid(domain))
        return unauthorized(r, "Malformed credentials: expected Basic base64(domain:token)",
                            "malformed credentials");

    int status;
    if (server_domain_db(r->srv, domain, &r->db, &status) != OK) {
        if (status == 401)
            return unauthorized(r, "The API key is invalid",
                                arena_sprintf(r->arena, "unknown domain %s", domain));
        req_header(r, "Retry-After: 1");
        return req_fail(r, 503, r->srv->budget_full
                                    ? "All connections to the domain's database server are in use"
                                    : "The domain's database is not available");
    }
    token_hash(token, strlen(token), r->token_hash);
    const char *actions, *resources, *prefixes;
    if (policy_scopes(r, &actions, &resources, &prefixes) != OK)
        return ERROR;
    int epochs = r->db->schema >= 22;
    struct auth_cache *cache = epochs ? server_auth_cache(r->db) : NULL;
    const struct auth_answer *kept = auth_cache_find(cache, r->token_hash, actions, resources);
    struct auth_answer a = { .epoch = -1 };
    PGresult *res;
    if (kept) {
        res = first_exec(r, &SQL_EPOCH, NULL, NULL, NULL);
        if (!db_ok(res))
            return req_fail_db(r, res);
        int64_t now = epoch_of(res, 0);
        PQclear(res);
        if (now >= 0 && now == kept->epoch) {
            a = *kept; /* still holds: nothing authentication reads has changed */
            a.rules = auth_rules_copy(r->arena, kept->rules, kept->nrules);
            a.user_name = arena_strdup(r->arena, kept->user_name);
            r->kept_body = kept->body ? arena_strdup(r->arena, kept->body) : NULL;
        }
    }
    if (a.epoch < 0) {
        const char *params[] = { (const char *)r->token_hash, actions, resources, prefixes };
        const int lengths[] = { TOKEN_HASH_LEN, 0, 0, 0 };
        const int formats[] = { 1, 0, 0, 0 };
        res = first_exec(r, token_owner_stmt((int)r->db->schema), params, lengths, formats);
        if (!db_ok(res))
            return req_fail_db(r, res);
        if (PQntuples(res) == 0) {
            PQclear(res);
            return unauthorized(r, "The API key is invalid",
                                arena_sprintf(r->arena, "unknown or revoked token in domain %s",
                                              domain));
        }
        int col = epochs; /* the owner's columns follow the epoch */
        snprintf(a.user_uuid, sizeof a.user_uuid, "%s", PQgetvalue(res, 0, col));
        a.user_name = arena_strdup(r->arena, PQgetvalue(res, 0, col + 1));
        a.user_rate = PQgetisnull(res, 0, col + 2) ? -1 : strtoll(PQgetvalue(res, 0, col + 2), NULL, 10);
        struct policy_rule *rules;
        policy_rules_from(r, res, col + 3, &rules, &a.nrules);
        a.rules = rules;
        a.epoch = epochs ? epoch_of(res, 0) : -1;
        PQclear(res);
        if (a.epoch >= 0)
            auth_cache_put(cache, r->token_hash, actions, resources, &a);
    }
    memcpy(r->user_uuid, a.user_uuid, sizeof r->user_uuid);
    r->user_name = a.user_name;
    r->domain = arena_strdup(r->arena, domain);
    r->user_rate = a.user_rate;
    r->rules = (struct policy_rule *)a.rules;
    r->nrules = a.nrules;
    r->auth_epoch = a.epoch;
    r->auth_actions = actions;
    r->auth_resources = resources;
    return OK;
}

void auth_keep_body(struct req *r, const char *body)
{
    if (r->auth_epoch < 0 || !r->auth_actions)
        return;
    auth_cache_keep_body(server_auth_cache(r->db), r->token_hash, r->auth_actions,
                         r->auth_resources, r->auth_epoch, body);
}
