/* stdlib_base64.c — Tengo's base64 module (stdlib/base64.go): the four Go
 * encodings (standard and URL alphabets, padded and raw). Encoders take
 * bytes or a string and return a string; decoders take anything
 * string-compatible and return bytes, or an error value carrying Go's
 * message ("illegal base64 data at input byte N"). Decoding follows Go's
 * (non-strict) rules: '\r' and '\n' are skipped anywhere, non-zero
 * trailing bits are accepted. */
#include <stdio.h>
#include <string.h>

#include "modules.h"
#include "status.h"
#include "vm.h"

static const char std_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64_encode(buf_t *out, const unsigned char *in, size_t n, const char *alpha, bool pad)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        char q[4] = { alpha[v >> 18], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63], alpha[v & 63] };
        buf_append(out, q, 4);
    }
    size_t rest = n - i;
    if (!rest)
        return;
    uint32_t v = (uint32_t)in[i] << 16 | (rest == 2 ? (uint32_t)in[i + 1] << 8 : 0);
    char q[4] = { alpha[v >> 18], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63], '=' };
    if (rest == 1)
        q[2] = '=';
    buf_append(out, q, pad ? 4 : rest + 1);
}

static int b64_value(const char *alpha, unsigned char c)
{
    const char *p = c ? strchr(alpha, c) : NULL;
    return p ? (int)(p - alpha) : -1;
}

static bool is_nl(unsigned char c)
{
    return c == '\n' || c == '\r';
}

/* Go's decodeQuantum loop. OK, or ERROR with *bad the offending offset. */
static int b64_decode(buf_t *out, const unsigned char *s, size_t n, const char *alpha, bool pad,
                      size_t *bad)
{
    size_t si = 0;
    while (si < n) {
        int d[4] = { 0, 0, 0, 0 };
        int dlen = 4;
        bool end = false;
        for (int j = 0; j < 4; j++) {
            if (si == n) {
                if (j == 0)
                    return OK;
                if (j == 1 || pad) {
                    *bad = si - (size_t)j;
                    return ERROR;
                }
                dlen = j;
                end = true;
                break;
            }
            unsigned char c = s[si++];
            int v = b64_value(alpha, c);
            if (v >= 0) {
                d[j] = v;
                continue;
            }
            if (is_nl(c)) {
                j--;
                continue;
            }
            if (!pad || c != '=' || j < 2) {
                *bad = si - 1;
                return ERROR;
            }
            if (j == 2) {
                while (si < n && is_nl(s[si]))
                    si++;
                if (si == n) {
                    *bad = n;
                    return ERROR;
                }
                if (s[si] != '=') {
                    *bad = si - 1;
                    return ERROR;
                }
                si++;
            }
            while (si < n && is_nl(s[si]))
                si++;
            if (si < n) {
                *bad = si;
                return ERROR;
            }
            dlen = j;
            end = true;
            break;
        }
        uint32_t v =
            (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 | (uint32_t)d[2] << 6 | (uint32_t)d[3];
        char b[3] = { (char)(v >> 16), (char)(v >> 8), (char)v };
        buf_append(out, b, (size_t)dlen - 1);
        if (end)
            return OK;
    }
    return OK;
}

static int enc(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, const char *name,
               const char *alpha, bool pad)
{
    if (n != 1)
        return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:%s'", name);
    if (a[0].type != TG_BYTES && a[0].type != TG_STRING) {
        buf_t t = BUF_INIT;
        tg_type_name(&t, a[0]);
        tg_vm_errorf(vm,
                     "invalid type for argument 'first' in call to 'user-function:%s': expected "
                     "bytes(compatible), found %s",
                     name, buf_cstr(&t));
        buf_free(&t);
        return ERROR;
    }
    buf_t o = BUF_INIT;
    b64_encode(&o, (const unsigned char *)TG_STR(a[0])->data, TG_STR(a[0])->len, alpha, pad);
    *ret = tg_make_string(vm, o.data ? o.data : "", o.len);
    buf_free(&o);
    return OK;
}

static int dec(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, const char *name,
               const char *alpha, bool pad)
{
    if (n != 1)
        return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:%s'", name);
    buf_t in = BUF_INIT, o = BUF_INIT;
    if (!tg_to_string(&in, a[0])) {
        buf_t t = BUF_INIT;
        tg_type_name(&t, a[0]);
        tg_vm_errorf(vm,
                     "invalid type for argument 'first' in call to 'user-function:%s': expected "
                     "string(compatible), found %s",
                     name, buf_cstr(&t));
        buf_free(&t);
        return ERROR;
    }
    size_t bad = 0;
    if (b64_decode(&o, (const unsigned char *)buf_cstr(&in), in.len, alpha, pad, &bad) == OK) {
        /* Go's DecodeString: dbuf[:n] of make([]byte, DecodedLen(len)) */
        size_t cap = pad ? in.len / 4 * 3 : in.len * 6 / 8;
        if (cap < o.len)
            cap = o.len;
        *ret = tg_obj_value(tg_bytes_new_cap(&vm->heap, buf_cstr(&o), o.len, cap));
    } else {
        char m[64];
        snprintf(m, sizeof m, "illegal base64 data at input byte %zu", bad);
        *ret = tg_obj_value(tg_error_new(&vm->heap, tg_make_string(vm, m, strlen(m))));
    }
    buf_free(&in);
    buf_free(&o);
    return OK;
}

#define CODEC(fn, name, alpha, pad)                                                       \
    static int fn(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                  \
        return name(vm, a, n, ret, "", alpha, pad); /* Go: unnamed */ \
    }
CODEC(encode, enc, std_alpha, true)
CODEC(decode, dec, std_alpha, true)
CODEC(raw_encode, enc, std_alpha, false)
CODEC(raw_decode, dec, std_alpha, false)
CODEC(url_encode, enc, url_alpha, true)
CODEC(url_decode, dec, url_alpha, true)
CODEC(raw_url_encode, enc, url_alpha, false)
CODEC(raw_url_decode, dec, url_alpha, false)
#undef CODEC

static const struct tg_builtin funcs[] = {
    { "encode", encode, "" },         { "decode", decode, "" },
    { "raw_encode", raw_encode, "" }, { "raw_decode", raw_decode, "" },
    { "url_encode", url_encode, "" }, { "url_decode", url_decode, "" },
    { "raw_url_encode", raw_url_encode, "" }, { "raw_url_decode", raw_url_decode, "" },
};

const struct tg_module tg_mod_base64 = { "base64", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
