/* md5.h — MD5 (RFC 1321), for the Content-MD5 checks of multipart dataset
 * uploads. libsodium has no MD5 (it is broken as a cryptographic hash);
 * here it only detects transfer errors, as HTTP's Content-MD5 (RFC 1864)
 * and S3 use it. Never use it for anything that must resist an attacker. */
#ifndef SELFHOST_MD5_H
#define SELFHOST_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_LEN 16
#define MD5_HEX_LEN 32 /* lower-case hex, NUL not counted */

struct md5_ctx {
    uint32_t state[4];
    uint64_t bytes;     /* message length so far */
    uint8_t block[64];  /* pending input, bytes % 64 of it */
};

void md5_init(struct md5_ctx *c);
void md5_update(struct md5_ctx *c, const void *data, size_t n);
/* Writes the digest; the context must be initialised again to be reused. */
void md5_final(struct md5_ctx *c, uint8_t out[MD5_LEN]);
/* One call for a whole buffer. */
void md5(const void *data, size_t n, uint8_t out[MD5_LEN]);

/* The digest as 32 lower-case hex characters and a NUL. */
void md5_hex(const uint8_t digest[MD5_LEN], char out[MD5_HEX_LEN + 1]);
/* Parses a Content-MD5 value: 32 hex characters (either case, as the
 * reference's OpenAPI file declares the header) or the 24 characters of
 * standard padded base64 that RFC 1864 defines. Surrounding spaces are
 * ignored; anything else is ERROR. */
int md5_parse(const char *s, uint8_t out[MD5_LEN]);

#endif
