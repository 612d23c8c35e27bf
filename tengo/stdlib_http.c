/* stdlib_http.c — the selfhost set's http module over libcurl:
 *     get(url [, query_args [, headers]])
 *     post/put/delete(url [, query_args [, headers [, body]]])
 *     postform(url [, query_args [, headers]])   (query_args as the form body)
 *     toformdata(query_args) → "a=1&b=2"
 * query_args is an array of "key=value" strings, headers a map of strings.
 * A call returns {StatusCode, Body, ContentLength, Header} with Header's
 * names in Go's canonical form, each with its array of values. As the
 * reference does it, what goes wrong on the wire (refused, timed out, bad
 * URL, body too large) is an error value, not a runtime error; wrong
 * arguments are runtime errors. Only http and https are spoken; a call
 * lasts at most the host's http_timeout_ms and never past the run's
 * deadline, and stops when the run is aborted. */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host.h"
#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "stdlib_url.h"
#include "vm.h"
#include "xalloc.h"

#define USER_AGENT "Selfhost-tengo-client/1.0"
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_BODY (64u * 1024u * 1024u)
#define MAX_REDIRECTS 10

struct call {
    struct tg_vm *vm;
    const char *fn;     /* "get", … for argument errors */
    const char *method; /* "GET", … */
    const char *op;     /* "Get", … for transport errors, as Go's url.Error */
};

struct header {
    char *name; /* canonical */
    char *value;
};

struct request {
    buf_t url;
    buf_t body;
    bool has_body;
    struct header *headers;
    size_t nheaders;
};

struct transfer {
    struct tg_vm *vm;
    buf_t body;
    size_t max_body;
    bool too_big;
    struct tg_map *header; /* the last response's */
};

/* ---- arguments ---- */

static bool token_char(unsigned char c)
{
    return c > 32 && c < 127 && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

/* Go's CanonicalMIMEHeaderKey: "content-type" → "Content-Type"; names
 * with bytes outside a token are left as they are. */
static void canonical_name(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!token_char((unsigned char)s[i]))
            return;
    bool upper = true;
    for (size_t i = 0; i < n; i++) {
        if (upper && s[i] >= 'a' && s[i] <= 'z')
            s[i] = (char)(s[i] - 'a' + 'A');
        else if (!upper && s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] - 'A' + 'a');
        upper = s[i] == '-';
    }
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* Go's Header.Set: one value per (canonical) name, a later one replaces. */
static void header_set(struct request *r, const char *name, size_t nl, const char *value, size_t vl)
{
    char *cn = dup_bytes(name, nl);
    canonical_name(cn, nl);
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, cn) == 0) {
            free(cn);
            free(r->headers[i].value);
            r->headers[i].value = dup_bytes(value, vl);
            return;
        }
    struct header *h = xrealloc(r->headers, (r->nheaders + 1) * sizeof *h);
    r->headers = h;
    h[r->nheaders].name = cn;
    h[r->nheaders++].value = dup_bytes(value, vl);
}

static bool header_has(const struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return true;
    return false;
}

static void request_free(struct request *r)
{
    buf_free(&r->url);
    buf_free(&r->body);
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
}

static bool is_array(struct tg_value v)
{
    return v.type == TG_ARRAY || v.type == TG_IMMUTABLE_ARRAY;
}

static bool is_map(struct tg_value v)
{
    return v.type == TG_MAP || v.type == TG_IMMUTABLE_MAP;
}

/* query_args ("key=value" strings) into q, added (Values.Add) or set. */
static int query_args(const struct call *c, struct tg_value v, struct tg_query *q, bool set)
{
    if (!is_array(v))
        return tg_arg_named_type_error(c->vm, c->fn, "query_args", "[]string", v);
    const struct tg_array *a = TG_ARR(v);
    for (uint32_t i = 0; i < a->len; i++) {
        char name[48];
        snprintf(name, sizeof name, "query_args[%u]", i);
        if (a->items[i].type != TG_STRING)
            return tg_arg_named_error(c->vm, c->fn, name, "key=value", "unknown");
        const struct tg_string *s = TG_STR(a->items[i]);
        const char *eq = memchr(s->data, '=', s->len);
        if (!eq)
            return tg_arg_named_error(c->vm, c->fn, name, "key=value", s->data);
        size_t kl = (size_t)(eq - s->data);
        if (set)
            tg_query_set(q, s->data, kl, eq + 1, s->len - kl - 1);
        else
            tg_query_add(q, s->data, kl, eq + 1, s->len - kl - 1);
    }
    return OK;
}

static int headers_arg(const struct call *c, struct tg_value v, struct request *r)
{
    if (!is_map(v))
        return tg_arg_named_type_error(c->vm, c->fn, "headers", "map[string]string", v);
    const struct tg_map *m = TG_MAPV(v);
    for (uint32_t i = 0; i < m->b->nentries; i++) {
        const struct tg_map_entry *e = &m->b->entries[i];
        if (!e->key)
            continue;
        if (e->value.type != TG_STRING) {
            buf_t name = BUF_INIT;
            buf_printf(&name, "headers[%s]", e->key->data);
            tg_arg_named_error(c->vm, c->fn, buf_cstr(&name), "string", "unknown");
            buf_free(&name);
            return ERROR;
        }
        header_set(r, e->key->data, e->key->len, TG_STR(e->value)->data, TG_STR(e->value)->len);
    }
    return OK;
}

/* ---- the transfer ---- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct transfer *t = ctx;
    size_t len = size * n;
    if (t->body.len + len > t->max_body) {
        t->too_big = true;
        return 0; /* CURLE_WRITE_ERROR */
    }
    buf_append(&t->body, p, len);
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct transfer *t = ctx;
    size_t len = size * n, end = len;
    struct tg_heap *h = &t->vm->heap;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) { /* a new response (redirect, 100) */
        t->header = tg_map_new(h);
        return len;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon || colon == p || p[0] == ' ' || p[0] == '\t')
        return len;
    while (end > 0 && strchr(" \t\r\n", p[end - 1]))
        end--;
    size_t nl = (size_t)(colon - p);
    const char *v = colon + 1;
    while (v < p + end && (*v == ' ' || *v == '\t'))
        v++;
    char *name = dup_bytes(p, nl);
    canonical_name(name, nl);
    struct tg_value *vals = tg_map_get(t->header, name, nl);
    struct tg_value sv = tg_obj_value(tg_string_new(h, v, (size_t)(p + end - v)));
    if (vals) {
        tg_array_push(TG_ARR(*vals), sv);
    } else {
        struct tg_array *a = tg_array_new(h, 1);
        tg_array_push(a, sv);
        tg_map_set(h, t->header, name, nl, tg_obj_value(a));
    }
    free(name);
    return len;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const struct transfer *t = ctx;
    return t->vm->abort && *t->vm->abort ? 1 : 0;
}

static void error_value(struct tg_vm *vm, struct tg_value *ret, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error_value(struct tg_vm *vm, struct tg_value *ret, const char *fmt, ...)
{
    buf_t m = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&m, fmt, ap);
    va_end(ap);
    *ret = tg_obj_value(tg_error_new(&vm->heap, tg_make_string(vm, m.data ? m.data : "", m.len)));
    buf_free(&m);
}

static long timeout_ms(const struct tg_vm *vm)
{
    long ms = vm->host && vm->host->http_timeout_ms > 0 ? vm->host->http_timeout_ms
                                                        : DEFAULT_TIMEOUT_MS;
    if (vm->deadline_ns) {
        int64_t left = (vm->deadline_ns - tg_now_ns()) / 1000000;
        if (left < ms)
            ms = (long)left;
    }
    return ms;
}

static struct curl_slist *header_list(const struct request *r)
{
    struct curl_slist *l = NULL;
    buf_t line = BUF_INIT;
    for (size_t i = 0; i < r->nheaders; i++) {
        buf_reset(&line);
        if (r->headers[i].value[0])
            buf_printf(&line, "%s: %s", r->headers[i].name, r->headers[i].value);
        else
            buf_printf(&line, "%s;", r->headers[i].name); /* curl's way to send it empty */
        l = curl_slist_append(l, buf_cstr(&line));
    }
    /* curl's own defaults that Go's client does not send */
    if (!header_has(r, "Accept"))
        l = curl_slist_append(l, "Accept:");
    if (!header_has(r, "Expect"))
        l = curl_slist_append(l, "Expect:");
    if (r->has_body && !header_has(r, "Content-Type"))
        l = curl_slist_append(l, "Content-Type:");
    buf_free(&line);
    return l;
}

static int perform(const struct call *c, struct request *r, struct tg_value *ret)
{
    struct tg_vm *vm = c->vm;
    const char *url = buf_cstr(&r->url);
    for (size_t i = 0; i < r->nheaders; i++)
        if (strpbrk(r->headers[i].name, "\r\n") || strpbrk(r->headers[i].value, "\r\n")) {
            error_value(vm, ret, "%s \"%s\": net/http: invalid header field for \"%s\"", c->op,
                        url, r->headers[i].name);
            return OK;
        }
    long ms = timeout_ms(vm);
    if (ms <= 0) {
        error_value(vm, ret, "%s \"%s\": context deadline exceeded", c->op, url);
        return OK;
    }
    CURL *h = curl_easy_init();
    if (!h)
        return tg_vm_errorf(vm, "http: cannot start a transfer");
    struct transfer t = { .vm = vm, .header = tg_map_new(&vm->heap) };
    buf_init(&t.body);
    size_t max = vm->host && vm->host->http_max_body ? vm->host->http_max_body : DEFAULT_MAX_BODY;
    t.max_body = max < TG_MAX_STRING_LEN ? max : TG_MAX_STRING_LEN;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hl = header_list(r);
    curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    if (r->has_body) {
        if (strcmp(c->method, "POST") == 0)
            curl_easy_setopt(h, CURLOPT_POST, 1L);
        else
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body.data ? r->body.data : "");
    }
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        struct tg_map *m = tg_map_new(&vm->heap);
        tg_map_set(&vm->heap, m, "StatusCode", 10, tg_int(status));
        tg_map_set(&vm->heap, m, "Body", 4,
                   tg_obj_value(tg_bytes_new(&vm->heap, t.body.data ? t.body.data : "",
                                             t.body.len)));
        tg_map_set(&vm->heap, m, "ContentLength", 13, tg_int((int64_t)t.body.len));
        tg_map_set(&vm->heap, m, "Header", 6, tg_obj_value(t.header));
        *ret = tg_obj_value(m);
    } else if (t.too_big) {
        error_value(vm, ret, "%s \"%s\": response body larger than %zu bytes", c->op, url,
                    t.max_body);
    } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
        error_value(vm, ret, "%s \"%s\": aborted", c->op, url);
    } else {
        error_value(vm, ret, "%s \"%s\": %s", c->op, url,
                    errbuf[0] ? errbuf : curl_easy_strerror(rc));
    }
    curl_easy_cleanup(h);
    curl_slist_free_all(hl);
    buf_free(&t.body);
    return OK;
}

/* The URL with query_args added to its query (Go re-encodes the whole
 * query, sorted by key, as soon as query_args is given). */
static int build_url(const struct call *c, struct request *r, const struct tg_string *url,
                     struct tg_value qa)
{
    const char *hash = memchr(url->data, '#', url->len);
    size_t end = hash ? (size_t)(hash - url->data) : url->len;
    const char *qm = memchr(url->data, '?', end);
    size_t base = qm ? (size_t)(qm - url->data) : end;
    struct tg_query q = { 0 };
    if (qm)
        tg_query_parse(&q, qm + 1, end - base - 1);
    if (query_args(c, qa, &q, false) != OK) {
        tg_query_free(&q);
        return ERROR;
    }
    buf_append(&r->url, url->data, base);
    if (q.len) {
        buf_putc(&r->url, '?');
        tg_query_encode(&r->url, &q);
    }
    tg_query_free(&q);
    return OK;
}

/* get, post, put, delete; form: postform. */
static int http_call(const struct call *c, struct tg_value *a, int n, struct tg_value *ret,
                     int max_args, bool form)
{
    struct tg_vm *vm = c->vm;
    if (n < 1 || n > max_args)
        return tg_arg_count_error(vm, c->fn);
    struct request r = { 0 };
    buf_init(&r.url);
    buf_init(&r.body);
    buf_t url = BUF_INIT;
    int rc = ERROR;
    if (!tg_to_string(&url, a[0])) {
        tg_arg_named_type_error(vm, c->fn, "url", "string", a[0]);
        goto out;
    }
    struct tg_string *us = tg_string_new(&vm->heap, url.data ? url.data : "", url.len);
    r.has_body = strcmp(c->method, "GET") != 0;
    if (n == 4 && a[3].type != TG_UNDEFINED)
        tg_to_string(&r.body, a[3]);
    header_set(&r, "User-Agent", 10, USER_AGENT, strlen(USER_AGENT));
    bool has_qa = n >= 2 && a[1].type != TG_UNDEFINED;
    if (form) {
        buf_append(&r.url, us->data, us->len);
        struct tg_query q = { 0 };
        if (has_qa && query_args(c, a[1], &q, true) != OK) {
            tg_query_free(&q);
            goto out;
        }
        tg_query_encode(&r.body, &q);
        tg_query_free(&q);
    } else if (has_qa) {
        if (build_url(c, &r, us, a[1]) != OK)
            goto out;
    } else {
        buf_append(&r.url, us->data, us->len);
    }
    if (n >= 3 && headers_arg(c, a[2], &r) != OK)
        goto out;
    if (form)
        header_set(&r, "Content-Type", 12, "application/x-www-form-urlencoded", 33);
    rc = perform(c, &r, ret);
out:
    buf_free(&url);
    request_free(&r);
    return rc;
}

#define HTTP_FN(name, METHOD, Op, max, form)                                                \
    static int http_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                       \
        const struct call c = { vm, #name, METHOD, Op };                                    \
        return http_call(&c, a, n, ret, max, form);                                         \
    }
HTTP_FN(get, "GET", "Get", 3, false)
HTTP_FN(post, "POST", "Post", 4, false)
HTTP_FN(put, "PUT", "Put", 4, false)
HTTP_FN(delete, "DELETE", "Delete", 4, false)
HTTP_FN(postform, "POST", "Post", 3, true)
#undef HTTP_FN

static int http_toformdata(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    const struct call c = { vm, "toformdata", "", "" };
    if (n != 1)
        return tg_arg_count_error(vm, c.fn);
    struct tg_query q = { 0 };
    if (query_args(&c, a[0], &q, true) != OK) {
        tg_query_free(&q);
        return ERROR;
    }
    buf_t s = BUF_INIT;
    tg_query_encode(&s, &q);
    tg_query_free(&q);
    *ret = tg_make_string(vm, s.data ? s.data : "", s.len);
    buf_free(&s);
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "get", http_get, NULL },         { "put", http_put, NULL },       { "post", http_post, NULL },
    { "postform", http_postform, NULL }, { "delete", http_delete, NULL }, { "toformdata", http_toformdata, NULL },
};

const struct tg_module tg_mod_http = { "http", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
