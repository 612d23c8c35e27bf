/* stdlib_url.h — Go's net/url query encoding, shared by the http module
 * (query arguments, form bodies) and cgi.request.query(). */
#ifndef TENGO_STDLIB_URL_H
#define TENGO_STDLIB_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Go's url.QueryEscape: unreserved bytes as is, ' ' as '+', the rest %XX. */
void tg_url_query_escape(buf_t *out, const char *s, size_t n);
/* Go's url.QueryUnescape: '+' is ' ', %XX a byte; false on a bad escape. */
bool tg_url_query_unescape(buf_t *out, const char *s, size_t n);

/* A query as (key, value) pairs, decoded. */
struct tg_query_pair {
    char *key, *value;
    size_t key_len, value_len;
};
struct tg_query {
    struct tg_query_pair *items;
    size_t len, cap;
};

/* Adds the pairs of a raw query string ("a=1&b=x+y"); pairs that do not
 * decode are skipped, as Go's url.ParseQuery skips them. */
void tg_query_parse(struct tg_query *q, const char *raw, size_t n);
void tg_query_add(struct tg_query *q, const char *k, size_t kl, const char *v, size_t vl);
/* Go's Values.Set: replaces the values of k by v (in the first one's place). */
void tg_query_set(struct tg_query *q, const char *k, size_t kl, const char *v, size_t vl);
/* Go's Values.Encode: sorted by key (stable: a key's values keep their
 * order), "k=v" joined by '&'. */
void tg_query_encode(buf_t *out, const struct tg_query *q);
void tg_query_free(struct tg_query *q);

#endif
