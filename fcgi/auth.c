/* auth.c — HTTP Basic authentication against the domain's user_tokens. */
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
 *   $4 text[] the resources' prefixes (schema 18 and later) */
#define SQL_TOKEN_OWNER_TEXT(rate, candidates)                                          \
    "SELECT u.uuid, u.name, " rate ", c.effect, c.action, c.resource FROM users u "     \
    "LEFT JOIN LATERAL (" candidates ") c ON true "                                      \
    "WHERE u.uuid = (SELECT user_uuid FROM user_tokens WHERE token_hash = $1::bytea LIMIT 1)"
#define USER_RATE "(SELECT req_per_hour FROM user_rates WHERE user_uuid = u.uuid)"

static const struct db_stmt SQL_TOKEN_OWNER = {
    "auth_token_owner",
    SQL_TOKEN_OWNER_TEXT(USER_RATE, POLICY_CANDIDATES_INDEXED("u.uuid", "$2::text[]", "$3::text[]",
                                                              "$4::text[]")), 4
};
/* Schema 22 and later: the same look-up behind the domain's authentication
 * epoch (auth_cache.h). $5 is the epoch of the answer this responder
 * keeps for the token and scopes (NULL: none); while the epoch is still
 * that one, PostgreSQL does not look (the condition is constant for the
 * inner query: a one-time filter) and answers one row, the epoch and
 * NULLs. Otherwise the rows of SQL_TOKEN_OWNER, each after the epoch they
 * were read with (NULL if someone deleted the epoch's row: then nothing is
 * kept). */
static const struct db_stmt SQL_TOKEN_OWNER_EPOCH = {
    "auth_token_owner_epoch",
    "SELECT e.epoch, a.* FROM (SELECT (SELECT epoch FROM selfhost_auth_epoch) AS epoch) e "
    "LEFT JOIN LATERAL ("
    SQL_TOKEN_OWNER_TEXT(USER_RATE, POLICY_CANDIDATES_INDEXED("u.uuid", "$2::text[]", "$3::text[]",
                                                              "$4::text[]"))
    " AND e.epoch IS DISTINCT FROM $5::int8) a ON true", 5
};
/* Schemas 14 to 17: no policy lookup function (000018). */
static const struct db_stmt SQL_TOKEN_OWNER_SCAN = {
    "auth_token_owner_scan",
    SQL_TOKEN_OWNER_TEXT(USER_RATE, POLICY_CANDIDATES_SCAN("u.uuid", "$2::text[]", "$3::text[]")), 3
};
/* A database still at the reference's schema has no user_rates (000014). */
static const struct db_stmt SQL_TOKEN_OWNER_NO_RATES = {
    "auth_token_owner_no_rates",
    SQL_TOKEN_OWNER_TEXT("NULL::int4", POLICY_CANDIDATES_SCAN("u.uuid", "$2::text[]", "$3::text[]")), 3
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
    char kept_epoch[24];
    if (kept)
        snprintf(kept_epoch, sizeof kept_epoch, "%lld", (long long)kept->epoch);
    const char *params[] = { (const char *)r->token_hash, actions, resources, prefixes,
                             kept ? kept_epoch : NULL };
    const int lengths[] = { TOKEN_HASH_LEN, 0, 0, 0, 0 };
    const int formats[] = { 1, 0, 0, 0, 0 };
    const struct db_stmt *st = token_owner_stmt((int)r->db->schema);
    PGresult *res = db_exec_full(r->db, st, params, lengths, formats, 0);
    if (!db_ok(res) && PQstatus(r->db->pg) == CONNECTION_BAD && db_reset(r->db) == OK) {
        /* the server ended the connection while it was idle and its goodbye
         * came too late for server_domain_db to see: this read, the
         * request's first statement, once more on a new connection */
        PQclear(res);
        res = db_exec_full(r->db, st, params, lengths, formats, 0);
    }
    if (!db_ok(res))
        return req_fail_db(r, res);
    int n = PQntuples(res);
    int col = epochs; /* the owner's columns follow the epoch */
    struct auth_answer a = { .epoch = -1 };
    int has_epoch = epochs && n > 0 && !PQgetisnull(res, 0, 0);
    if (has_epoch)
        a.epoch = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    if (kept && has_epoch && a.epoch == kept->epoch) {
        a = *kept; /* still holds: PostgreSQL did not look again */
        a.rules = auth_rules_copy(r->arena, kept->rules, kept->nrules);
        a.user_name = arena_strdup(r->arena, kept->user_name);
        r->kept_body = kept->body ? arena_strdup(r->arena, kept->body) : NULL;
    } else if (n == 0 || PQgetisnull(res, 0, col)) {
        PQclear(res);
        return unauthorized(r, "The API key is invalid",
                            arena_sprintf(r->arena, "unknown or revoked token in domain %s", domain));
    } else {
        snprintf(a.user_uuid, sizeof a.user_uuid, "%s", PQgetvalue(res, 0, col));
        a.user_name = arena_strdup(r->arena, PQgetvalue(res, 0, col + 1));
        a.user_rate = PQgetisnull(res, 0, col + 2) ? -1 : strtoll(PQgetvalue(res, 0, col + 2), NULL, 10);
        struct policy_rule *rules;
        policy_rules_from(r, res, col + 3, &rules, &a.nrules);
        a.rules = rules;
        if (has_epoch)
            auth_cache_put(cache, r->token_hash, actions, resources, &a);
    }
    PQclear(res);
    memcpy(r->user_uuid, a.user_uuid, sizeof r->user_uuid);
    r->user_name = a.user_name;
    r->domain = arena_strdup(r->arena, domain);
    r->user_rate = a.user_rate;
    r->rules = (struct policy_rule *)a.rules;
    r->nrules = a.nrules;
    r->auth_epoch = has_epoch ? a.epoch : -1;
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
