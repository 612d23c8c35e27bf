/* auth.c — HTTP Basic authentication against the domain's user_tokens. */
#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "domains.h"
#include "policy_match.h"
#include "server.h"
#include "status.h"
#include "token.h"

/* The token's owner, the owner's own rate (or NULL) and every policy of
 * the owner's groups, in one round trip: one row per policy (one row with NULL policy columns when there is
 * none). The hash is computed here and sent as binary bytea, so the secret
 * itself never reaches the database or its logs. */
static const struct db_stmt SQL_TOKEN_OWNER = {
    "auth_token_owner",
    "SELECT u.uuid, u.name, gp.effect, gp.action, gp.resource, "
    "  (SELECT req_per_hour FROM user_rates WHERE user_uuid = u.uuid) FROM users u "
    "LEFT JOIN user_groups ug ON ug.user_uuid = u.uuid "
    "LEFT JOIN group_policies gp ON gp.group_uuid = ug.group_uuid "
    "WHERE u.uuid = (SELECT user_uuid FROM user_tokens WHERE token_hash = $1::bytea LIMIT 1)",
    1
};

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

static int unauthorized(struct req *r, const char *message)
{
    req_header(r, "WWW-Authenticate: Basic realm=\"Selfhost API\", charset=\"UTF-8\"");
    return req_fail(r, 401, message);
}

int auth_authenticate(struct req *r)
{
    const char *domain, *token;
    const char *header = req_env(r, "HTTP_AUTHORIZATION");
    if (!header)
        return unauthorized(r, "Unauthorized");
    if (auth_parse_basic(r->arena, header, &domain, &token) != OK || !domain_name_valid(domain))
        return unauthorized(r, "Malformed credentials: expected Basic base64(domain:token)");

    int status;
    if (server_domain_db(r->srv, domain, &r->db, &status) != OK) {
        if (status == 401)
            return unauthorized(r, "The API key is invalid");
        return req_fail(r, 503, "The domain's database is not available");
    }
    token_hash(token, strlen(token), r->token_hash);
    const char *params[] = { (const char *)r->token_hash };
    const int lengths[] = { TOKEN_HASH_LEN };
    const int formats[] = { 1 };
    PGresult *res = db_exec_full(r->db, &SQL_TOKEN_OWNER, params, lengths, formats, 0);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int n = PQntuples(res);
    if (n == 0) {
        PQclear(res);
        return unauthorized(r, "The API key is invalid");
    }
    strncpy(r->user_uuid, PQgetvalue(res, 0, 0), UUID_STRLEN);
    r->user_uuid[UUID_STRLEN] = '\0';
    r->user_name = arena_strdup(r->arena, PQgetvalue(res, 0, 1));
    r->domain = arena_strdup(r->arena, domain);
    r->user_rate = PQgetisnull(res, 0, 5) ? -1 : strtoll(PQgetvalue(res, 0, 5), NULL, 10);
    r->rules = arena_calloc(r->arena, (size_t)n, sizeof *r->rules);
    r->nrules = 0;
    for (int i = 0; i < n; i++) {
        if (PQgetisnull(res, i, 2))
            continue;
        struct policy_rule *rule = &r->rules[r->nrules++];
        rule->effect = strcmp(PQgetvalue(res, i, 2), "allow") == 0 ? POLICY_ALLOW : POLICY_DENY;
        rule->action = arena_strdup(r->arena, PQgetvalue(res, i, 3));
        rule->resource = arena_strdup(r->arena, PQgetvalue(res, i, 4));
    }
    PQclear(res);
    return OK;
}
