/* uuid.c — UUID parse/format/generate behind uuid.h.
 * Only the canonical 8-4-4-4-12 form is accepted, so a UUID in a URL path
 * or JSON body has exactly one spelling (case aside). */
#include "uuid.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_dash_pos(size_t i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

int uuid_parse(const char *s, size_t len, struct uuid *out)
{
    if (!s || len != UUID_STRLEN)
        return ERROR;
    struct uuid u;
    size_t nib = 0;
    for (size_t i = 0; i < UUID_STRLEN; i++) {
        if (is_dash_pos(i)) {
            if (s[i] != '-')
                return ERROR;
            continue;
        }
        int v = hexval(s[i]);
        if (v < 0)
            return ERROR;
        if (nib % 2 == 0)
            u.b[nib / 2] = (uint8_t)(v << 4);
        else
            u.b[nib / 2] |= (uint8_t)v;
        nib++;
    }
    if (out)
        *out = u;
    return OK;
}

void uuid_format(const struct uuid *u, char out[UUID_STRLEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (is_dash_pos(o))
            out[o++] = '-';
        out[o++] = hex[u->b[i] >> 4];
        out[o++] = hex[u->b[i] & 0x0f];
    }
    out[o] = '\0';
}

void uuid_v4(struct uuid *out)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "uuid: sodium_init failed\n");
        abort();
    }
    randombytes_buf(out->b, sizeof out->b);
    out->b[6] = (uint8_t)((out->b[6] & 0x0f) | 0x40); /* version 4 */
    out->b[8] = (uint8_t)((out->b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

int uuid_valid(const char *s)
{
    if (!s)
        return ERROR;
    return uuid_parse(s, strlen(s), NULL);
}
