/* format_arg.c — Go's printArg adapted to Tengo values: which operand
 * formatter a value goes to under a verb, and the %!verb(...) text for a
 * verb the value has no use for. */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_internal.h"

static const char ldigits[] = "0123456789abcdefx";
static const char udigits[] = "0123456789ABCDEFX";

static void bad_verb(struct fmtst *f, struct tg_value v, int verb)
{
    buf_puts(f->out, "%!");
    tg_fmt_put_rune(f->out, verb);
    buf_putc(f->out, '(');
    tg_value_string(f->out, v);
    buf_putc(f->out, '=');
    tg_fmt_print_arg(f, v, 'v');
    buf_putc(f->out, ')');
}

static void fmt_string(struct fmtst *f, struct tg_value arg, const char *s, size_t n, int verb)
{
    switch (verb) {
    case 'v':
        if (f->sharp_v)
            tg_fmt_q(f, s, n);
        else
            tg_fmt_s(f, s, n);
        break;
    case 's':
        tg_fmt_s(f, s, n);
        break;
    case 'x':
        tg_fmt_sx(f, s, n, ldigits);
        break;
    case 'X':
        tg_fmt_sx(f, s, n, udigits);
        break;
    case 'q':
        tg_fmt_q(f, s, n);
        break;
    default:
        bad_verb(f, arg, verb);
    }
}

static void fmt_int_verb(struct fmtst *f, struct tg_value arg, int64_t i, int verb)
{
    uint64_t u = (uint64_t)i;
    switch (verb) {
    case 'v':
    case 'd': tg_fmt_integer(f, u, 10, true, (char)verb, ldigits); return;
    case 'b': tg_fmt_integer(f, u, 2, true, (char)verb, ldigits); return;
    case 'o':
    case 'O': tg_fmt_integer(f, u, 8, true, (char)verb, ldigits); return;
    case 'x': tg_fmt_integer(f, u, 16, true, (char)verb, ldigits); return;
    case 'X': tg_fmt_integer(f, u, 16, true, (char)verb, udigits); return;
    case 'c': {
        buf_t t = BUF_INIT;
        tg_fmt_put_rune(&t, u > 0x10FFFF ? 0xFFFD : (int32_t)u);
        tg_fmt_pad(f, t.data, t.len);
        buf_free(&t);
        return;
    }
    case 'q':
        if (u <= 0x10FFFF) {
            buf_t t = BUF_INIT;
            tg_go_quote_rune(&t, (int32_t)u, f->plus);
            tg_fmt_pad(f, t.data, t.len);
            buf_free(&t);
            return;
        }
        break;
    case 'U': tg_fmt_unicode(f, u); return;
    default: break;
    }
    bad_verb(f, arg, verb);
}

static void fmt_bytes(struct fmtst *f, const char *s, size_t n, int verb)
{
    switch (verb) {
    case 'v':
    case 'd':
        buf_putc(f->out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_putc(f->out, ' ');
            tg_fmt_integer(f, (unsigned char)s[i], 10, false, (char)verb, ldigits);
        }
        buf_putc(f->out, ']');
        break;
    case 's': tg_fmt_s(f, s, n); break;
    case 'x': tg_fmt_sx(f, s, n, ldigits); break;
    case 'X': tg_fmt_sx(f, s, n, udigits); break;
    case 'q': tg_fmt_q(f, s, n); break;
    default: break; /* Tengo prints nothing */
    }
}

void tg_fmt_print_arg(struct fmtst *f, struct tg_value v, int verb)
{
    buf_t t = BUF_INIT;
    if (verb == 'T' || verb == 'v') {
        if (verb == 'T')
            tg_type_name(&t, v);
        else
            tg_value_string(&t, v);
        tg_fmt_s(f, t.data ? t.data : "", t.len);
        buf_free(&t);
        return;
    }
    switch ((enum tg_type)v.type) {
    case TG_BOOL:
        if (verb == 't')
            tg_fmt_pad(f, v.u.b ? "true" : "false", v.u.b ? 4 : 5);
        else
            bad_verb(f, v, verb);
        break;
    case TG_FLOAT:
        switch (verb) {
        case 'b': case 'g': case 'G': case 'x': case 'X':
            tg_fmt_float(f, v.u.f, (char)verb, -1);
            break;
        case 'f': case 'e': case 'E':
            tg_fmt_float(f, v.u.f, (char)verb, 6);
            break;
        case 'F':
            tg_fmt_float(f, v.u.f, 'f', 6);
            break;
        default:
            bad_verb(f, v, verb);
        }
        break;
    case TG_INT:
        fmt_int_verb(f, v, v.u.i, verb);
        break;
    case TG_STRING:
        fmt_string(f, v, TG_STR(v)->data, TG_STR(v)->len, verb);
        break;
    case TG_BYTES:
        fmt_bytes(f, TG_STR(v)->data, TG_STR(v)->len, verb);
        break;
    default:
        tg_value_string(&t, v);
        fmt_string(f, v, t.data ? t.data : "", t.len, verb);
        break;
    }
    buf_free(&t);
}
