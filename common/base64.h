/* base64.h — standard base64 (RFC 4648 section 4, '+' '/', '=' padding).
 * Used for HTTP Basic credentials and for bytea values in JSON. */
#ifndef SELFHOST_BASE64_H
#define SELFHOST_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64_encode writes for n bytes, NUL not counted. */
size_t base64_encoded_len(size_t n);
/* Largest number of bytes a decode of len characters can produce. */
size_t base64_decoded_max(size_t len);
/* Writes base64_encoded_len(n) characters plus a NUL into out. Returns the
 * length written (without the NUL). */
size_t base64_encode(const uint8_t *in, size_t n, char *out);
/* Strict decode: padding required, no whitespace, no characters outside
 * the alphabet, non-zero trailing bits rejected. out must hold
 * base64_decoded_max(len) bytes. Returns OK or ERROR. */
int base64_decode(const char *in, size_t len, uint8_t *out, size_t *outlen);

#endif
