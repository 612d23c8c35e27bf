/* uuid.h — UUIDs as the API writes them: 36 characters, lower-case hex,
 * 8-4-4-4-12. Parsing accepts upper-case hex and nothing else (no braces,
 * no urn: prefix, no missing dashes), like PostgreSQL's canonical input. */
#ifndef SELFHOST_UUID_H
#define SELFHOST_UUID_H

#include <stddef.h>
#include <stdint.h>

#define UUID_STRLEN 36

struct uuid {
    uint8_t b[16];
};

/* len is the length of s. Returns OK or ERROR. */
int uuid_parse(const char *s, size_t len, struct uuid *out);
/* Writes 36 characters and a NUL. */
void uuid_format(const struct uuid *u, char out[UUID_STRLEN + 1]);
/* Random version-4 UUID from libsodium's randombytes (sodium_init must have
 * succeeded; uuid_v4 calls it itself, it is idempotent). */
void uuid_v4(struct uuid *out);
/* Convenience: OK when s (NUL-terminated) is a valid UUID string. */
int uuid_valid(const char *s);

#endif
