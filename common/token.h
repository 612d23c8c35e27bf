/* token.h — API tokens: generation, hashing, comparison.
 * A token is written "secret-token.<random>" (RFC 8959 style); only
 * sha256(token) is stored (user_tokens.token_hash). */
#ifndef SELFHOST_TOKEN_H
#define SELFHOST_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_PREFIX "secret-token."
#define TOKEN_HASH_LEN 32
/* prefix + random part + NUL; the random part is TOKEN_RANDOM_CHARS long */
#define TOKEN_RANDOM_CHARS 43
#define TOKEN_MAX (sizeof(TOKEN_PREFIX) - 1 + TOKEN_RANDOM_CHARS + 1)

/* Fresh token from libsodium randomness (32 random bytes written as
 * URL-safe base64 without padding: 43 characters). out gets a NUL. */
void token_generate(char out[TOKEN_MAX]);
/* sha256 of the token bytes exactly as given (the whole string, prefix
 * included, as the reference hashes it: sha256($secret) in SQL). Tokens
 * are opaque: reference-issued ones ("secret-token." + 40 of [a-z0-9]) and
 * its seeded root token (sha256('root')) hash and verify the same way. */
void token_hash(const char *token, size_t len, uint8_t out[TOKEN_HASH_LEN]);
/* Constant-time equality of two n-byte buffers: 1 when equal, 0 otherwise. */
int token_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
