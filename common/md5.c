/* md5.c — MD5 as RFC 1321 specifies it (see md5.h for why it exists).
 * Written from the RFC's description: 64-byte blocks, four rounds of
 * sixteen steps, little-endian words, length in bits appended. */
#include "md5.h"

#include <ctype.h>
#include <string.h>

#include "base64.h"
#include "status.h"

/* K[i] = floor(|sin(i + 1)| * 2^32), RFC 1321 section 3.4 */
static const uint32_t K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* left rotations per round, four per round */
static const uint8_t S[4][4] = {
    { 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
};

static uint32_t rotl(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void transform(uint32_t st[4], const uint8_t p[64])
{
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g, round = i / 16;
        switch (round) {
        case 0: f = (b & c) | (~b & d); g = i; break;
        case 1: f = (b & d) | (c & ~d); g = (5 * i + 1) % 16; break;
        case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
        default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + K[i] + x[g], S[round][i % 4]);
        a = t;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

void md5_init(struct md5_ctx *c)
{
    c->state[0] = 0x67452301;
    c->state[1] = 0xefcdab89;
    c->state[2] = 0x98badcfe;
    c->state[3] = 0x10325476;
    c->bytes = 0;
}

void md5_update(struct md5_ctx *c, const void *data, size_t n)
{
    if (n == 0)
        return;
    const uint8_t *p = data;
    size_t have = (size_t)(c->bytes % 64);
    c->bytes += n;
    if (have) {
        size_t take = 64 - have < n ? 64 - have : n;
        memcpy(c->block + have, p, take);
        p += take;
        n -= take;
        if (have + take < 64)
            return;
        transform(c->state, c->block);
    }
    for (; n >= 64; p += 64, n -= 64)
        transform(c->state, p);
    if (n)
        memcpy(c->block, p, n);
}

void md5_final(struct md5_ctx *c, uint8_t out[MD5_LEN])
{
    uint64_t bits = c->bytes * 8;
    static const uint8_t pad[64] = { 0x80 };
    size_t have = (size_t)(c->bytes % 64);
    md5_update(c, pad, have < 56 ? 56 - have : 120 - have);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (8 * i));
    md5_update(c, len, 8);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(c->state[i] >> (8 * j));
    memset(c, 0, sizeof *c);
}

void md5(const void *data, size_t n, uint8_t out[MD5_LEN])
{
    struct md5_ctx c;
    md5_init(&c);
    md5_update(&c, data, n);
    md5_final(&c, out);
}

void md5_hex(const uint8_t digest[MD5_LEN], char out[MD5_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < MD5_LEN; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[MD5_HEX_LEN] = '\0';
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int md5_parse(const char *s, uint8_t out[MD5_LEN])
{
    if (!s)
        return ERROR;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == MD5_HEX_LEN) {
        for (size_t i = 0; i < MD5_LEN; i++) {
            int h = hexval((unsigned char)s[2 * i]), l = hexval((unsigned char)s[2 * i + 1]);
            if (h < 0 || l < 0)
                return ERROR;
            out[i] = (uint8_t)(h << 4 | l);
        }
        return OK;
    }
    if (n == 24) { /* base64 of 16 bytes: 22 characters and "==" */
        uint8_t tmp[18];
        size_t len = 0;
        if (base64_decode(s, n, tmp, &len) != OK || len != MD5_LEN)
            return ERROR;
        memcpy(out, tmp, MD5_LEN);
        return OK;
    }
    return ERROR;
}
