/* stdlib_text.c — Tengo's text module (stdlib/text.go): Go's strings
 * package functions over Tengo strings. Indexes are byte offsets, as in
 * Go; functions that walk characters decode UTF-8 (invalid bytes count as
 * U+FFFD, one byte wide).
 *
 * Case mapping (to_lower, to_upper, title, equal_fold) covers ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic — not all of Unicode as
 * Go does. The module's table below also lists the functions kept in
 * their own files (stdlib_text.h): strconv's (stdlib_text_conv.c), the
 * regex functions (stdlib_text_re.c) and re_compile's regexp objects
 * (stdlib_text_regexp.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "stdlib_text.h"
#include "unicode.h"
#include "vm.h"

/* ---- helpers ---- */

static int32_t rune_at(const char *s, size_t n, size_t i, size_t *w)
{
    return tg_utf8_decode((const unsigned char *)s + i, n - i, w);
}

static void put_rune(buf_t *b, int32_t r)
{
    char t[4];
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    buf_append(b, t, (size_t)tg_utf8_encode(r, t));
}

static bool is_space(int32_t r)
{
    switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return r >= 0x2000 && r <= 0x200A;
    }
}

static int32_t to_upper(int32_t r)
{
    if (r >= 'a' && r <= 'z')
        return r - 32;
    if ((r >= 0xE0 && r <= 0xFE && r != 0xF7) || (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) ||
        (r >= 0x430 && r <= 0x44F))
        return r - 32;
    if (r == 0xFF)
        return 0x178;
    if (r >= 0x450 && r <= 0x45F)
        return r - 80;
    if (((r >= 0x100 && r <= 0x137) || (r >= 0x14A && r <= 0x177)) && (r & 1))
        return r - 1;
    if (((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) && !(r & 1))
        return r - 1;
    return r;
}

static int32_t to_lower(int32_t r)
{
    if (r >= 'A' && r <= 'Z')
        return r + 32;
    if ((r >= 0xC0 && r <= 0xDE && r != 0xD7) || (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) ||
        (r >= 0x410 && r <= 0x42F))
        return r + 32;
    if (r == 0x178)
        return 0xFF;
    if (r >= 0x400 && r <= 0x40F)
        return r + 80;
    if (((r >= 0x100 && r <= 0x137) || (r >= 0x14A && r <= 0x177)) && !(r & 1))
        return r + 1;
    if (((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) && (r & 1))
        return r + 1;
    return r;
}

static struct tg_value str_value(struct tg_vm *vm, const buf_t *b)
{
    return tg_make_string(vm, b->data ? b->data : "", b->len);
}

/* Reads n string(compatible) arguments into bufs (all freed by free_strs). */
static int get_strs(struct tg_vm *vm, const char *fn, struct tg_value *a, int n, buf_t *bufs)
{
    for (int i = 0; i < n; i++)
        if (tg_arg_string(vm, fn, a, i, &bufs[i]) != OK)
            return ERROR;
    return OK;
}

static void free_strs(buf_t *bufs, int n)
{
    for (int i = 0; i < n; i++)
        buf_free(&bufs[i]);
}

#define S(b) ((b).data ? (b).data : "")

/* Byte index of needle in hay, or -1. */
static long find(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0)
        return 0;
    if (nn > hn)
        return -1;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == nd[0] && memcmp(h + i, nd, nn) == 0)
            return (long)i;
    return -1;
}

static long rfind(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0)
        return (long)hn;
    if (nn > hn)
        return -1;
    for (size_t i = hn - nn + 1; i-- > 0;)
        if (memcmp(h + i, nd, nn) == 0)
            return (long)i;
    return -1;
}

static bool rune_in(int32_t r, const char *set, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t w;
        if (rune_at(set, n, i, &w) == r)
            return true;
        i += w;
    }
    return false;
}

static size_t rune_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0, w; i < n; i += w, c++)
        rune_at(s, n, i, &w);
    return c;
}

static long count(const char *s, size_t n, const char *sub, size_t sn)
{
    if (sn == 0)
        return (long)rune_count(s, n) + 1;
    long c = 0;
    for (size_t i = 0; i + sn <= n;) {
        long j = find(s + i, n - i, sub, sn);
        if (j < 0)
            break;
        c++;
        i += (size_t)j + sn;
    }
    return c;
}

/* ---- (string, string) → bool / int ---- */

enum ss_op { SS_CONTAINS, SS_CONTAINS_ANY, SS_HAS_PREFIX, SS_HAS_SUFFIX, SS_EQUAL_FOLD, SS_COUNT,
             SS_INDEX, SS_INDEX_ANY, SS_LAST_INDEX, SS_LAST_INDEX_ANY, SS_COMPARE };

static bool equal_fold(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an && j < bn) {
        size_t wa, wb;
        int32_t ra = rune_at(a, an, i, &wa), rb = rune_at(b, bn, j, &wb);
        if (ra != rb && to_lower(ra) != to_lower(rb))
            return false;
        i += wa;
        j += wb;
    }
    return i == an && j == bn;
}

static int ss_call(struct tg_vm *vm, const char *fn, enum ss_op op, struct tg_value *a, int n,
                   struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, fn);
    buf_t b[2] = { BUF_INIT, BUF_INIT };
    if (get_strs(vm, fn, a, 2, b) != OK) {
        free_strs(b, 2);
        return ERROR;
    }
    const char *s = S(b[0]), *t = S(b[1]);
    size_t sn = b[0].len, tn = b[1].len;
    long r = -1;
    switch (op) {
    case SS_CONTAINS: *ret = tg_bool(find(s, sn, t, tn) >= 0); break;
    case SS_HAS_PREFIX: *ret = tg_bool(tn <= sn && memcmp(s, t, tn) == 0); break;
    case SS_HAS_SUFFIX: *ret = tg_bool(tn <= sn && memcmp(s + sn - tn, t, tn) == 0); break;
    case SS_EQUAL_FOLD: *ret = tg_bool(equal_fold(s, sn, t, tn)); break;
    case SS_COUNT: *ret = tg_int(count(s, sn, t, tn)); break;
    case SS_INDEX: *ret = tg_int(find(s, sn, t, tn)); break;
    case SS_LAST_INDEX: *ret = tg_int(rfind(s, sn, t, tn)); break;
    case SS_COMPARE: {
        size_t m = sn < tn ? sn : tn;
        int c = memcmp(s, t, m);
        *ret = tg_int(c < 0 ? -1 : c > 0 ? 1 : sn < tn ? -1 : sn > tn ? 1 : 0);
        break;
    }
    case SS_CONTAINS_ANY:
    case SS_INDEX_ANY:
        for (size_t i = 0, w; i < sn; i += w)
            if (rune_in(rune_at(s, sn, i, &w), t, tn)) {
                r = (long)i;
                break;
            }
        *ret = op == SS_INDEX_ANY ? tg_int(r) : tg_bool(r >= 0);
        break;
    case SS_LAST_INDEX_ANY:
        for (size_t i = 0, w; i < sn; i += w)
            if (rune_in(rune_at(s, sn, i, &w), t, tn))
                r = (long)i;
        *ret = tg_int(r);
        break;
    }
    free_strs(b, 2);
    return OK;
}

/* ---- (string[, string]) → string ---- */

enum s_op { S_TO_LOWER, S_TO_UPPER, S_TO_TITLE, S_TITLE, S_TRIM_SPACE, S_TRIM, S_TRIM_LEFT,
            S_TRIM_RIGHT, S_TRIM_PREFIX, S_TRIM_SUFFIX };

static bool title_sep(int32_t r)
{
    if (r <= 0x7F)
        return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
                 r == '_');
    if (tg_uc_is_letter(r) || tg_uc_is_digit(r))
        return false;
    return is_space(r);
}

static void trim_set(const char *s, size_t n, const char *set, size_t sn, bool left, bool right,
                     size_t *lo, size_t *hi)
{
    size_t i = 0, j = n;
    if (left)
        while (i < j) {
            size_t w;
            int32_t r = rune_at(s, n, i, &w);
            if (set ? !rune_in(r, set, sn) : !is_space(r))
                break;
            i += w;
        }
    if (right)
        while (j > i) {
            size_t k = j - 1;
            while (k > i && ((unsigned char)s[k] & 0xC0) == 0x80 && j - k < 4)
                k--;
            size_t w;
            int32_t r = rune_at(s, j, k, &w);
            if (k + w != j) { /* an invalid tail byte */
                k = j - 1;
                r = 0xFFFD;
            }
            if (set ? !rune_in(r, set, sn) : !is_space(r))
                break;
            j = k;
        }
    *lo = i;
    *hi = j;
}

static int s_call(struct tg_vm *vm, const char *fn, enum s_op op, struct tg_value *a, int n,
                  struct tg_value *ret)
{
    int want = op >= S_TRIM ? 2 : 1;
    if (n != want)
        return tg_arg_count_error(vm, fn);
    buf_t b[2] = { BUF_INIT, BUF_INIT }, out = BUF_INIT;
    if (get_strs(vm, fn, a, want, b) != OK) {
        free_strs(b, 2);
        return ERROR;
    }
    const char *s = S(b[0]), *t = S(b[1]);
    size_t sn = b[0].len, tn = b[1].len, lo, hi;
    bool prev_sep = true;
    switch (op) {
    case S_TO_LOWER:
    case S_TO_UPPER:
    case S_TO_TITLE:
    case S_TITLE:
        for (size_t i = 0, w; i < sn; i += w) {
            int32_t r = rune_at(s, sn, i, &w);
            if (r == 0xFFFD && w == 1 && op == S_TITLE) {
                buf_putc(&out, s[i]);
                prev_sep = false;
                continue;
            }
            if (op == S_TO_LOWER)
                r = to_lower(r);
            else if (op == S_TO_UPPER || op == S_TO_TITLE)
                r = to_upper(r);
            else {
                if (prev_sep)
                    r = to_upper(r);
                prev_sep = title_sep(r);
            }
            put_rune(&out, r);
        }
        break;
    case S_TRIM_SPACE:
        trim_set(s, sn, NULL, 0, true, true, &lo, &hi);
        buf_append(&out, s + lo, hi - lo);
        break;
    case S_TRIM:
    case S_TRIM_LEFT:
    case S_TRIM_RIGHT:
        trim_set(s, sn, t, tn, op != S_TRIM_RIGHT, op != S_TRIM_LEFT, &lo, &hi);
        buf_append(&out, s + lo, hi - lo);
        break;
    case S_TRIM_PREFIX:
        if (tn <= sn && memcmp(s, t, tn) == 0)
            buf_append(&out, s + tn, sn - tn);
        else
            buf_append(&out, s, sn);
        break;
    case S_TRIM_SUFFIX:
        if (tn <= sn && memcmp(s + sn - tn, t, tn) == 0)
            buf_append(&out, s, sn - tn);
        else
            buf_append(&out, s, sn);
        break;
    }
    *ret = str_value(vm, &out);
    buf_free(&out);
    free_strs(b, 2);
    return OK;
}

/* ---- split family ---- */

/* Go's genSplit: sep_save bytes of sep kept at the end of each piece; n
 * < 0: all. */
static void gen_split(struct tg_vm *vm, struct tg_array *arr, const char *s, size_t sn,
                      const char *sep, size_t pn, size_t save, long n)
{
    if (n == 0)
        return;
    if (pn == 0) { /* explode into runes */
        size_t i = 0;
        long k = 0;
        while (i < sn && (n < 0 || k < n - 1)) {
            size_t w;
            rune_at(s, sn, i, &w);
            tg_array_push(arr, tg_make_string(vm, s + i, w));
            i += w;
            k++;
        }
        if (i < sn)
            tg_array_push(arr, tg_make_string(vm, s + i, sn - i));
        return;
    }
    size_t start = 0;
    long k = 0;
    while (n < 0 || k < n - 1) {
        long j = find(s + start, sn - start, sep, pn);
        if (j < 0)
            break;
        tg_array_push(arr, tg_make_string(vm, s + start, (size_t)j + save));
        start += (size_t)j + pn;
        k++;
    }
    tg_array_push(arr, tg_make_string(vm, s + start, sn - start));
}

static int split_call(struct tg_vm *vm, const char *fn, bool after, bool with_n,
                      struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != (with_n ? 3 : 2))
        return tg_arg_count_error(vm, fn);
    buf_t b[2] = { BUF_INIT, BUF_INIT };
    int64_t cnt = -1;
    if (get_strs(vm, fn, a, 2, b) != OK || (with_n && tg_arg_int(vm, fn, a, 2, &cnt) != OK)) {
        free_strs(b, 2);
        return ERROR;
    }
    struct tg_array *arr = tg_array_new(&vm->heap, 4);
    gen_split(vm, arr, S(b[0]), b[0].len, S(b[1]), b[1].len, after ? b[1].len : 0, (long)cnt);
    *ret = tg_obj_value(arr);
    free_strs(b, 2);
    return OK;
}

static int t_fields(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return tg_arg_count_error(vm, "fields");
    buf_t b = BUF_INIT;
    if (tg_arg_string(vm, "fields", a, 0, &b) != OK) {
        buf_free(&b);
        return ERROR;
    }
    struct tg_array *arr = tg_array_new(&vm->heap, 4);
    const char *s = S(b);
    size_t start = 0;
    bool in = false;
    for (size_t i = 0, w; i < b.len; i += w) {
        int32_t r = rune_at(s, b.len, i, &w);
        if (is_space(r)) {
            if (in)
                tg_array_push(arr, tg_make_string(vm, s + start, i - start));
            in = false;
        } else if (!in) {
            in = true;
            start = i;
        }
    }
    if (in)
        tg_array_push(arr, tg_make_string(vm, s + start, b.len - start));
    *ret = tg_obj_value(arr);
    buf_free(&b);
    return OK;
}

/* ---- the rest ---- */

static int t_join(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, "join");
    if (a[0].type != TG_ARRAY && a[0].type != TG_IMMUTABLE_ARRAY)
        return tg_arg_type_error(vm, "join", 0, "array", a[0]);
    buf_t sep = BUF_INIT, out = BUF_INIT;
    if (tg_arg_string(vm, "join", a, 1, &sep) != OK) {
        buf_free(&sep);
        return ERROR;
    }
    struct tg_array *arr = TG_ARR(a[0]);
    for (uint32_t i = 0; i < arr->len; i++) {
        if (i)
            buf_append(&out, S(sep), sep.len);
        if (!tg_to_string(&out, arr->items[i])) {
            buf_t t = BUF_INIT;
            tg_type_name(&t, arr->items[i]);
            tg_vm_errorf(vm,
                         "invalid type for argument 'first[%u]' in call to 'user-function:join': "
                         "expected string(compatible), found %s",
                         i, buf_cstr(&t));
            buf_free(&t);
            buf_free(&sep);
            buf_free(&out);
            return ERROR;
        }
        if (out.len > TG_MAX_STRING_LEN) {
            buf_free(&sep);
            buf_free(&out);
            return tg_vm_errorf(vm, "exceeding string size limit");
        }
    }
    *ret = str_value(vm, &out);
    buf_free(&sep);
    buf_free(&out);
    return OK;
}

static int t_repeat(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, "repeat");
    buf_t s = BUF_INIT, out = BUF_INIT;
    int64_t k;
    if (tg_arg_string(vm, "repeat", a, 0, &s) != OK || tg_arg_int(vm, "repeat", a, 1, &k) != OK) {
        buf_free(&s);
        return ERROR;
    }
    if (k < 0 || (s.len && (uint64_t)k > TG_MAX_STRING_LEN / s.len)) {
        buf_free(&s);
        return tg_vm_errorf(vm, k < 0 ? "strings: negative Repeat count"
                                      : "exceeding string size limit");
    }
    for (int64_t i = 0; i < k && s.len; i++)
        buf_append(&out, s.data, s.len);
    *ret = str_value(vm, &out);
    buf_free(&s);
    buf_free(&out);
    return OK;
}

static int t_replace(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 4)
        return tg_arg_count_error(vm, "replace");
    buf_t b[3] = { BUF_INIT, BUF_INIT, BUF_INIT }, out = BUF_INIT;
    int64_t cnt;
    if (get_strs(vm, "replace", a, 3, b) != OK || tg_arg_int(vm, "replace", a, 3, &cnt) != OK) {
        free_strs(b, 3);
        return ERROR;
    }
    const char *s = S(b[0]), *old = S(b[1]), *nw = S(b[2]);
    size_t sn = b[0].len, on = b[1].len, nn = b[2].len;
    long m = count(s, sn, old, on);
    if ((on == nn && memcmp(old, nw, on) == 0) || cnt == 0 || m == 0) {
        *ret = a[0].type == TG_STRING ? a[0] : str_value(vm, &b[0]);
        free_strs(b, 3);
        return OK;
    }
    if (cnt < 0 || m < cnt)
        cnt = m;
    size_t start = 0;
    for (int64_t i = 0; i < cnt; i++) {
        size_t j = start;
        if (on == 0) {
            if (i > 0) {
                size_t w;
                rune_at(s, sn, start, &w);
                j += w;
            }
        } else {
            j += (size_t)find(s + start, sn - start, old, on);
        }
        buf_append(&out, s + start, j - start);
        buf_append(&out, nw, nn);
        start = j + on;
        if (out.len > TG_MAX_STRING_LEN)
            break;
    }
    buf_append(&out, s + start, sn - start);
    free_strs(b, 3);
    if (out.len > TG_MAX_STRING_LEN) {
        buf_free(&out);
        return tg_vm_errorf(vm, "exceeding string size limit");
    }
    *ret = str_value(vm, &out);
    buf_free(&out);
    return OK;
}

static int t_substr(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2 && n != 3)
        return tg_arg_count_error(vm, "substr");
    buf_t s = BUF_INIT;
    int64_t lo, hi;
    if (tg_arg_string(vm, "substr", a, 0, &s) != OK || tg_arg_int(vm, "substr", a, 1, &lo) != OK) {
        buf_free(&s);
        return ERROR;
    }
    hi = (int64_t)s.len;
    if (n == 3 && tg_arg_int(vm, "substr", a, 2, &hi) != OK) {
        buf_free(&s);
        return ERROR;
    }
    if (lo > hi) {
        buf_free(&s);
        return tg_vm_errorf(vm, "invalid index type");
    }
    int64_t len = (int64_t)s.len;
    lo = lo < 0 ? 0 : lo > len ? len : lo;
    hi = hi < 0 ? 0 : hi > len ? len : hi;
    *ret = tg_make_string(vm, S(s) + lo, (size_t)(hi - lo));
    buf_free(&s);
    return OK;
}

static int pad_call(struct tg_vm *vm, const char *fn, bool left, struct tg_value *a, int n,
                    struct tg_value *ret)
{
    if (n != 2 && n != 3)
        return tg_arg_count_error(vm, fn);
    buf_t s = BUF_INIT, p = BUF_INIT, out = BUF_INIT;
    int64_t len;
    if (tg_arg_string(vm, fn, a, 0, &s) != OK || tg_arg_int(vm, fn, a, 1, &len) != OK) {
        buf_free(&s);
        return ERROR;
    }
    if (len > (int64_t)TG_MAX_STRING_LEN) {
        buf_free(&s);
        return tg_vm_errorf(vm, "exceeding string size limit");
    }
    if ((int64_t)s.len >= len) {
        *ret = str_value(vm, &s);
        buf_free(&s);
        return OK;
    }
    if (n == 3) {
        if (tg_arg_string(vm, fn, a, 2, &p) != OK) {
            buf_free(&s);
            buf_free(&p);
            return ERROR;
        }
    } else {
        buf_putc(&p, ' ');
    }
    if (p.len == 0) {
        *ret = str_value(vm, &s);
    } else {
        size_t need = (size_t)len - s.len; /* pad bytes */
        if (left) {
            /* the last `need` bytes of repeat(p) + s: the repeat is cut at its start */
            size_t reps = ((size_t)len - p.len) / p.len + 1, total = reps * p.len;
            for (size_t i = total - need; i < total; i++)
                buf_putc(&out, p.data[i % p.len]);
            buf_append(&out, s.data, s.len);
        } else {
            buf_append(&out, S(s), s.len);
            for (size_t i = 0; i < need; i++)
                buf_putc(&out, p.data[i % p.len]);
        }
        *ret = str_value(vm, &out);
    }
    buf_free(&s);
    buf_free(&p);
    buf_free(&out);
    return OK;
}

/* ---- the table ---- */

#define SS(name, op)                                                                        \
    static int t_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                       \
        return ss_call(vm, #name, op, a, n, ret);                                           \
    }
SS(compare, SS_COMPARE)
SS(contains, SS_CONTAINS)
SS(contains_any, SS_CONTAINS_ANY)
SS(count, SS_COUNT)
SS(equal_fold, SS_EQUAL_FOLD)
SS(has_prefix, SS_HAS_PREFIX)
SS(has_suffix, SS_HAS_SUFFIX)
SS(index, SS_INDEX)
SS(index_any, SS_INDEX_ANY)
SS(last_index, SS_LAST_INDEX)
SS(last_index_any, SS_LAST_INDEX_ANY)
#undef SS

#define SF(name, op)                                                                        \
    static int t_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                       \
        return s_call(vm, #name, op, a, n, ret);                                            \
    }
SF(title, S_TITLE)
SF(to_lower, S_TO_LOWER)
SF(to_title, S_TO_TITLE)
SF(to_upper, S_TO_UPPER)
SF(trim, S_TRIM)
SF(trim_left, S_TRIM_LEFT)
SF(trim_prefix, S_TRIM_PREFIX)
SF(trim_right, S_TRIM_RIGHT)
SF(trim_space, S_TRIM_SPACE)
SF(trim_suffix, S_TRIM_SUFFIX)
#undef SF

#define SP(name, after, with_n)                                                             \
    static int t_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                       \
        return split_call(vm, #name, after, with_n, a, n, ret);                             \
    }
SP(split, false, false)
SP(split_after, true, false)
SP(split_after_n, true, true)
SP(split_n, false, true)
#undef SP

static int t_pad_left(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return pad_call(vm, "pad_left", true, a, n, ret);
}

static int t_pad_right(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return pad_call(vm, "pad_right", false, a, n, ret);
}

#define F(name) { #name, t_##name, NULL }
#define C(name) { #name, tg_text_##name, NULL }
static const struct tg_builtin funcs[] = {
    C(re_match), C(re_find), C(re_replace), C(re_split), C(re_compile),
    F(compare), F(contains), F(contains_any), F(count), F(equal_fold), F(fields),
    F(has_prefix), F(has_suffix), F(index), F(index_any), F(join), F(last_index),
    F(last_index_any), F(repeat), F(replace), F(substr), F(split), F(split_after),
    F(split_after_n), F(split_n), F(title), F(to_lower), F(to_title), F(to_upper),
    F(pad_left), F(pad_right), F(trim), F(trim_left), F(trim_prefix), F(trim_right),
    F(trim_space), F(trim_suffix), C(atoi), C(format_bool), C(format_float), C(format_int),
    C(itoa), C(parse_bool), C(parse_float), C(parse_int), C(quote), C(unquote),
};
#undef C
#undef F

const struct tg_module tg_mod_text = { "text", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
