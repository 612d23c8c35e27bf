/* stdlib_cgi.c — the selfhost set's cgi module, for webhook runs:
 *     cgi.request.headers() method() path() query() body()
 *     cgi.response.headers(name, value) write(data) status(code)
 * reading the host's request and building its response (host.h). Without
 * a request the getters return empty values; without a response what is
 * written is dropped (arguments are still checked). */
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

static const struct tg_cgi_request *request_of(const struct tg_vm *vm)
{
    return vm->host ? vm->host->cgi_request : NULL;
}

static struct tg_value cstring(struct tg_vm *vm, const char *s)
{
    return tg_make_string(vm, s ? s : "", s ? strlen(s) : 0);
}

static int req_headers(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return tg_arg_count_error(vm, "headers");
    const struct tg_cgi_request *r = request_of(vm);
    struct tg_map *m = tg_map_new(&vm->heap);
    for (size_t i = 0; r && i < r->nheaders; i++) {
        const struct tg_header *h = &r->headers[i];
        tg_map_set(&vm->heap, m, h->name, strlen(h->name), cstring(vm, h->value));
    }
    *ret = tg_obj_value(m);
    return OK;
}

static int req_body(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return tg_arg_count_error(vm, "body");
    const struct tg_cgi_request *r = request_of(vm);
    const char *b = r && r->body ? r->body : "";
    size_t len = r && r->body ? r->body_len : 0;
    if (len > TG_MAX_STRING_LEN)
        return tg_vm_errorf(vm, "exceeding bytes size limit");
    *ret = tg_obj_value(tg_bytes_new(&vm->heap, b, len));
    return OK;
}

static int req_method(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return tg_arg_count_error(vm, "method");
    const struct tg_cgi_request *r = request_of(vm);
    *ret = cstring(vm, r ? r->method : NULL);
    return OK;
}

static int req_path(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return tg_arg_count_error(vm, "path");
    const struct tg_cgi_request *r = request_of(vm);
    *ret = cstring(vm, r ? r->path : NULL);
    return OK;
}

/* name → its first value, decoded (Go's Values.Get for every name). */
static int req_query(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return tg_arg_count_error(vm, "query");
    const struct tg_cgi_request *r = request_of(vm);
    struct tg_map *m = tg_map_new(&vm->heap);
    if (r && r->query) {
        struct tg_query q = { 0 };
        tg_query_parse(&q, r->query, strlen(r->query));
        for (size_t i = 0; i < q.len; i++) {
            const struct tg_query_pair *p = &q.items[i];
            if (!tg_map_get(m, p->key, p->key_len))
                tg_map_set(&vm->heap, m, p->key, p->key_len,
                           tg_make_string(vm, p->value, p->value_len));
        }
        tg_query_free(&q);
    }
    *ret = tg_obj_value(m);
    return OK;
}

static char *dup_str(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static int resp_headers(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, "headers");
    if (a[0].type != TG_STRING)
        return tg_arg_named_type_error(vm, "headers", "key", "string", a[0]);
    if (a[1].type != TG_STRING)
        return tg_arg_named_type_error(vm, "headers", "value", "string", a[1]);
    const struct tg_string *k = TG_STR(a[0]), *v = TG_STR(a[1]);
    /* a header line cannot carry these; refuse rather than split it */
    if (memchr(k->data, '\n', k->len) || memchr(k->data, '\r', k->len) ||
        memchr(k->data, ':', k->len) || memchr(k->data, 0, k->len) || k->len == 0)
        return tg_vm_errorf(vm, "invalid header name");
    if (memchr(v->data, '\n', v->len) || memchr(v->data, '\r', v->len) ||
        memchr(v->data, 0, v->len))
        return tg_vm_errorf(vm, "invalid header value");
    struct tg_cgi_response *r = vm->host ? vm->host->cgi_response : NULL;
    *ret = tg_undefined();
    if (!r)
        return OK;
    for (size_t i = 0; i < r->nheaders; i++)
        if (strlen(r->headers[i].name) == k->len &&
            strncasecmp(r->headers[i].name, k->data, k->len) == 0) {
            free(r->headers[i].value);
            r->headers[i].value = dup_str(v->data, v->len);
            return OK;
        }
    struct tg_header *hs = xrealloc(r->headers, (r->nheaders + 1) * sizeof *hs);
    r->headers = hs;
    hs[r->nheaders].name = dup_str(k->data, k->len);
    hs[r->nheaders].value = dup_str(v->data, v->len);
    r->nheaders++;
    return OK;
}

static int resp_write(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "write");
    if (a[0].type != TG_STRING && a[0].type != TG_BYTES)
        return tg_arg_named_type_error(vm, "write", "data", "string", a[0]);
    const struct tg_string *d = TG_STR(a[0]);
    struct tg_cgi_response *r = vm->host ? vm->host->cgi_response : NULL;
    if (r) {
        size_t max = vm->host->cgi_max_body;
        if (max && (r->body.len > max || d->len > max - r->body.len))
            return tg_vm_errorf(vm, "cgi response body larger than %zu bytes", max);
        buf_append(&r->body, d->data, d->len);
    }
    *ret = tg_int(d->len);
    return OK;
}

static int resp_status(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "status");
    if (a[0].type != TG_INT)
        return tg_arg_named_type_error(vm, "status", "status", "int", a[0]);
    /* a final answer: 1xx are interim responses a program cannot give */
    if (a[0].u.i < 200 || a[0].u.i > 599)
        return tg_vm_errorf(vm, "invalid HTTP status code %lld (want 200 to 599)",
                            (long long)a[0].u.i);
    struct tg_cgi_response *r = vm->host ? vm->host->cgi_response : NULL;
    if (r)
        r->status = (int)a[0].u.i;
    *ret = tg_undefined();
    return OK;
}

void tg_cgi_response_init(struct tg_cgi_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    buf_init(&r->body);
}

void tg_cgi_response_free(struct tg_cgi_response *r)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->nheaders = 0;
    buf_free(&r->body);
}

static const struct tg_builtin request_funcs[] = {
    { "headers", req_headers, NULL }, { "body", req_body, NULL },   { "method", req_method, NULL },
    { "path", req_path, NULL },       { "query", req_query, NULL },
};
static const struct tg_builtin response_funcs[] = {
    { "headers", resp_headers, NULL },
    { "write", resp_write, NULL },
    { "status", resp_status, NULL },
};
static const struct tg_module request = { "request", request_funcs, TG_NELEMS(request_funcs),
                                          NULL, 0, NULL, 0, NULL };
static const struct tg_module response = { "response", response_funcs, TG_NELEMS(response_funcs),
                                           NULL, 0, NULL, 0, NULL };
static const struct tg_module *const subs[] = { &request, &response };

const struct tg_module tg_mod_cgi = { "cgi", NULL, 0, NULL, 0, subs, TG_NELEMS(subs), NULL };
