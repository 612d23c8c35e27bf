/* token.c — API tokens behind token.h.
 * The server never stores a token, only sha256 of the whole string as the
 * client sends it (prefix included), matching the reference server's
 * token_hash = sha256(secret) so tokens and hashes can move between the
 * two. Randomness comes from libsodium (the reference used math/rand). */
#include "token.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_RANDOM_BYTES 32

static void sodium_ready(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "token: sodium_init failed\n");
        abort();
    }
}

void token_generate(char out[TOKEN_MAX])
{
    _Static_assert(sodium_base64_ENCODED_LEN(TOKEN_RANDOM_BYTES,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
                       TOKEN_RANDOM_CHARS + 1,
                   "TOKEN_RANDOM_CHARS must match 32 bytes of unpadded base64");
    uint8_t rnd[TOKEN_RANDOM_BYTES];
    const size_t plen = sizeof(TOKEN_PREFIX) - 1;

    sodium_ready();
    randombytes_buf(rnd, sizeof rnd);
    memcpy(out, TOKEN_PREFIX, plen);
    sodium_bin2base64(out + plen, TOKEN_MAX - plen, rnd, sizeof rnd,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(rnd, sizeof rnd);
}

void token_hash(const char *token, size_t len, uint8_t out[TOKEN_HASH_LEN])
{
    sodium_ready();
    crypto_hash_sha256(out, (const unsigned char *)token, len);
}

int token_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
