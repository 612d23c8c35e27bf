/* stdlib_url.c — Go's query escaping and url.Values (see stdlib_url.h). */
#include <stdlib.h>
#include <string.h>

#include "stdlib_url.h"
#include "xalloc.h"

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

void tg_url_query_escape(buf_t *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) {
            buf_putc(out, (char)c);
        } else if (c == ' ') {
            buf_putc(out, '+');
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            buf_append(out, e, 3);
        }
    }
}

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

bool tg_url_query_unescape(buf_t *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            buf_putc(out, ' ');
        } else if (s[i] == '%') {
            if (i + 2 >= n)
                return false;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0)
                return false;
            buf_putc(out, (char)(h * 16 + l));
            i += 2;
        } else {
            buf_putc(out, s[i]);
        }
    }
    return true;
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void tg_query_add(struct tg_query *q, const char *k, size_t kl, const char *v, size_t vl)
{
    if (q->len == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 8;
        q->items = xrealloc(q->items, q->cap * sizeof *q->items);
    }
    struct tg_query_pair *p = &q->items[q->len++];
    p->key = dup_bytes(k, kl);
    p->key_len = kl;
    p->value = dup_bytes(v, vl);
    p->value_len = vl;
}

void tg_query_set(struct tg_query *q, const char *k, size_t kl, const char *v, size_t vl)
{
    size_t w = 0;
    bool placed = false;
    for (size_t i = 0; i < q->len; i++) {
        struct tg_query_pair *p = &q->items[i];
        if (p->key_len == kl && memcmp(p->key, k, kl) == 0) {
            if (placed) {
                free(p->key);
                free(p->value);
                continue;
            }
            free(p->value);
            p->value = dup_bytes(v, vl);
            p->value_len = vl;
            placed = true;
        }
        q->items[w++] = *p;
    }
    q->len = w;
    if (!placed)
        tg_query_add(q, k, kl, v, vl);
}

void tg_query_parse(struct tg_query *q, const char *raw, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && raw[j] != '&')
            j++;
        if (j > i) {
            const char *eq = memchr(raw + i, '=', j - i);
            size_t kl = eq ? (size_t)(eq - (raw + i)) : j - i;
            buf_t k = BUF_INIT, v = BUF_INIT;
            if (tg_url_query_unescape(&k, raw + i, kl) &&
                (!eq || tg_url_query_unescape(&v, eq + 1, j - i - kl - 1)))
                tg_query_add(q, k.data ? k.data : "", k.len, v.data ? v.data : "", v.len);
            buf_free(&k);
            buf_free(&v);
        }
        i = j + 1;
    }
}

static int cmp_keys(const struct tg_query_pair *a, const struct tg_query_pair *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

void tg_query_encode(buf_t *out, const struct tg_query *q)
{
    /* insertion sort by key: stable, and queries are short */
    size_t n = q->len;
    const struct tg_query_pair **order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && cmp_keys(order[j - 1], &q->items[i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = &q->items[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(out, '&');
        tg_url_query_escape(out, order[i]->key, order[i]->key_len);
        buf_putc(out, '=');
        tg_url_query_escape(out, order[i]->value, order[i]->value_len);
    }
    free(order);
}

void tg_query_free(struct tg_query *q)
{
    for (size_t i = 0; i < q->len; i++) {
        free(q->items[i].key);
        free(q->items[i].value);
    }
    free(q->items);
    q->items = NULL;
    q->len = q->cap = 0;
}
