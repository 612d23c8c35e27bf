/* format_internal.h — what the parts of Tengo's Format share: the state
 * one verb is formatted under (Go's fmt.fmt flags, width and precision),
 * the operand formatters of format_fmt.c and printArg of format_arg.c.
 * Private to format*.c. */
#ifndef TENGO_FORMAT_INTERNAL_H
#define TENGO_FORMAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "value.h"

struct fmtst {
    buf_t *out;
    int wid, prec;
    bool wid_p, prec_p, minus, plus, sharp, zero, space, plus_v, sharp_v;
};

/* format_strconv.c: r as UTF-8, U+FFFD when it is no valid code point. */
void tg_fmt_put_rune(buf_t *out, int32_t r);

/* format_fmt.c: Go's fmt.fmt* — one operand under f's flags, padded to
 * its width. digits is "0123456789abcdefx" or its upper-case twin. */
void tg_fmt_pad(struct fmtst *f, const char *s, size_t n);
void tg_fmt_s(struct fmtst *f, const char *s, size_t n);
void tg_fmt_q(struct fmtst *f, const char *s, size_t n);
void tg_fmt_sx(struct fmtst *f, const char *s, size_t n, const char *digits);
void tg_fmt_integer(struct fmtst *f, uint64_t u, int base, bool is_signed, char verb,
                    const char *digits);
void tg_fmt_unicode(struct fmtst *f, uint64_t u);
void tg_fmt_float(struct fmtst *f, double v, char verb, int prec);

/* format_arg.c: Go's printArg — the value v under verb. */
void tg_fmt_print_arg(struct fmtst *f, struct tg_value v, int verb);

#endif
