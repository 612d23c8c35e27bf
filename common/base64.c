/* base64.c — strict standard base64 (RFC 4648 section 4) behind base64.h.
 * Strict on input so one byte string has exactly one accepted encoding:
 * padding required, no whitespace, zero trailing bits. */
#include "base64.h"

#include "status.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

size_t base64_decoded_max(size_t len)
{
    return (len + 3) / 4 * 3;
}

size_t base64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

static int sextet(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* One 4-character group; last says whether padding is allowed in it.
 * Returns the number of bytes produced (1..3) or -1. */
static int decode_quad(const char *q, int last, uint8_t *out)
{
    int pad = 0;
    if (last && q[3] == '=')
        pad = q[2] == '=' ? 2 : 1;
    uint32_t v = 0;
    for (int i = 0; i < 4 - pad; i++) {
        int s = sextet(q[i]);
        if (s < 0)
            return -1;
        v = v << 6 | (uint32_t)s;
    }
    v <<= 6 * pad;
    if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
        return -1; /* non-zero bits that no byte carries */
    out[0] = (uint8_t)(v >> 16);
    if (pad < 2)
        out[1] = (uint8_t)(v >> 8);
    if (pad < 1)
        out[2] = (uint8_t)v;
    return 3 - pad;
}

int base64_decode(const char *in, size_t len, uint8_t *out, size_t *outlen)
{
    if (len % 4 != 0 || (len > 0 && (!in || !out)))
        return ERROR;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int n = decode_quad(in + i, i + 4 == len, out + o);
        if (n < 0)
            return ERROR;
        o += (size_t)n;
    }
    if (outlen)
        *outlen = o;
    return OK;
}
