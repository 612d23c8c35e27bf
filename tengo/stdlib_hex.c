/* stdlib_hex.c — Tengo's hex module (stdlib/hex.go): encode takes bytes or
 * a string and returns lower-case hex; decode takes anything
 * string-compatible and returns bytes, or an error value with Go's
 * encoding/hex message. */
#include <stdio.h>
#include <string.h>

#include "modules.h"
#include "status.h"
#include "unicode.h"
#include "vm.h"

static int type_error(struct tg_vm *vm, const char *fn, const char *want, struct tg_value v)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, v);
    tg_vm_errorf(vm,
                 "invalid type for argument 'first' in call to 'user-function:%s': expected %s, "
                 "found %s",
                 fn, want, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

static int hex_encode(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    static const char digits[] = "0123456789abcdef";
    if (n != 1)
        return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:'");
    if (a[0].type != TG_BYTES && a[0].type != TG_STRING)
        return type_error(vm, "", "bytes(compatible)", a[0]);
    const struct tg_string *s = TG_STR(a[0]);
    buf_t o = BUF_INIT;
    buf_reserve(&o, (size_t)s->len * 2);
    for (uint32_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        char d[2] = { digits[c >> 4], digits[c & 15] };
        buf_append(&o, d, 2);
    }
    *ret = tg_make_string(vm, buf_cstr(&o), o.len);
    buf_free(&o);
    return OK;
}

static int nibble(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Go's InvalidByteError: "%#U" of the byte as a rune. */
static void invalid_byte(buf_t *m, unsigned char c)
{
    buf_printf(m, "encoding/hex: invalid byte: U+%04X", c);
    bool printable = (c >= 0x20 && c < 0x7f) || (c >= 0xa1 && c != 0xad);
    if (printable) {
        char u[4];
        int w = tg_utf8_encode(c, u);
        buf_puts(m, " '");
        buf_append(m, u, (size_t)w);
        buf_putc(m, '\'');
    }
}

static int hex_decode(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:'");
    buf_t in = BUF_INIT, o = BUF_INIT, m = BUF_INIT;
    if (!tg_to_string(&in, a[0]))
        return type_error(vm, "", "string(compatible)", a[0]);
    const unsigned char *s = (const unsigned char *)buf_cstr(&in);
    size_t i = 1;
    for (; i < in.len; i += 2) {
        int hi = nibble(s[i - 1]), lo = nibble(s[i]);
        if (hi < 0 || lo < 0) {
            invalid_byte(&m, hi < 0 ? s[i - 1] : s[i]);
            break;
        }
        buf_putc(&o, (char)(hi << 4 | lo));
    }
    if (!m.len && in.len % 2) {
        if (nibble(s[i - 1]) < 0)
            invalid_byte(&m, s[i - 1]);
        else
            buf_puts(&m, "encoding/hex: odd length hex string");
    }
    if (m.len)
        *ret = tg_obj_value(tg_error_new(&vm->heap, tg_make_string(vm, m.data, m.len)));
    else
        /* Go's DecodeString decodes in place in []byte(s) */
        *ret = tg_obj_value(
            tg_bytes_new_cap(&vm->heap, buf_cstr(&o), o.len, (size_t)tg_go_roundupsize(in.len)));
    buf_free(&in);
    buf_free(&o);
    buf_free(&m);
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "encode", hex_encode, "" }, /* Go Tengo: unnamed */
    { "decode", hex_decode, "" },
};

const struct tg_module tg_mod_hex = { "hex", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
