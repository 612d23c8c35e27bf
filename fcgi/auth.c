/* auth.c — HTTP Basic authentication against the domain's user_tokens. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "base64.h"
#include "domains.h"
#include "server.h"
#include "status.h"
#include "token.h"

/* The token's owner. The hash is computed here and sent as binary bytea,
 * so the secret itself never reaches the database or its logs. */
static const struct db_stmt SQL_TOKEN_OWNER = {
    "auth_token_owner",
    "SELECT u.uuid, u.name FROM user_tokens t JOIN users u ON u.uuid = t.user_uuid "
    "WHERE t.token_hash = $1::bytea LIMIT 1",
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
    if (PQntuples(res) != 1) {
        PQclear(res);
        return unauthorized(r, "The API key is invalid");
    }
    strncpy(r->user_uuid, PQgetvalue(res, 0, 0), UUID_STRLEN);
    r->user_uuid[UUID_STRLEN] = '\0';
    r->user_name = arena_strdup(r->arena, PQgetvalue(res, 0, 1));
    r->domain = arena_strdup(r->arena, domain);
    PQclear(res);
    return OK;
}
