/* unicode.c — code point classes and UTF-8 helpers for the Tengo scanner
 * (see unicode.h); the ranges live in the generated unicode_tables.c. */
#include "unicode.h"

#include "utf8.h"

enum tg_uc_class tg_uc_class(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return TG_UC_LETTER;
        if (cp >= '0' && cp <= '9')
            return TG_UC_DIGIT;
        return (cp > 0x20 && cp < 0x7f) ? TG_UC_PRINT : TG_UC_OTHER;
    }
    if (cp > 0x10ffff)
        return TG_UC_OTHER;
    unsigned lo = 0, hi = tg_uc_nranges;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if ((uint32_t)cp < tg_uc_ranges[mid].lo)
            hi = mid;
        else if ((uint32_t)cp > tg_uc_ranges[mid].hi)
            lo = mid + 1;
        else
            return tg_uc_ranges[mid].cls;
    }
    return TG_UC_OTHER;
}

int tg_uc_is_letter(int32_t cp)
{
    return cp == '_' || tg_uc_class(cp) == TG_UC_LETTER;
}

int tg_uc_is_digit(int32_t cp)
{
    return tg_uc_class(cp) == TG_UC_DIGIT;
}

int tg_uc_is_print(int32_t cp)
{
    return cp == ' ' || tg_uc_class(cp) != TG_UC_OTHER;
}

int tg_utf8_encode(int32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int32_t tg_utf8_decode(const unsigned char *p, size_t n, size_t *w)
{
    if (p[0] < 0x80) {
        *w = 1;
        return p[0];
    }
    size_t len = utf8_seq_len(p, n);
    if (len == 0) {
        *w = 1;
        return 0xfffd;
    }
    *w = len;
    if (len == 2)
        return ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
    if (len == 3)
        return ((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    return ((p[0] & 0x07) << 18) | ((p[1] & 0x3f) << 12) | ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
}
