/* stdlib_text_re.c — the text module's regex functions (re_match, re_find,
 * re_replace, re_split; stdlib/text.go) over PCRE2, the closest kept
 * library to Go's RE2 syntax.
 *
 * Patterns compile with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF (Go matches
 * UTF-8 and tolerates invalid bytes), PCRE2_DOLLAR_ENDONLY ($ is the end
 * of text, as in Go without (?m)) and PCRE2_NEVER_BACKSLASH_C; matching is
 * bounded by match and depth limits, a failure by limit counting as no
 * match. Both engines are leftmost-first. Differences left: PCRE2 accepts
 * what RE2 rejects (backreferences, lookaround, possessive quantifiers);
 * \s also matches \v; RE2's \pN one-letter classes and [[:word:]] work in
 * both; RE2 error messages differ (ours: "error parsing regexp: " + PCRE2's
 * message). Iteration over all matches follows Go (an empty match right
 * after a previous match is skipped; empty matches advance one rune);
 * replacement templates follow Go's Expand ($1, ${1}, $name, $$).
 *
 * The operations work on a compiled pattern (struct tg_re, stdlib_text.h),
 * so the regexp objects of re_compile (stdlib_text_regexp.c) share them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "stdlib_text.h"
#include "vm.h"
#include "xalloc.h"

#define S(b) ((b).data ? (b).data : "")

struct tg_re {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    uint32_t ncap;  /* groups + 1 */
    size_t pat_len; /* Go's Split treats an empty pattern apart */
};

void tg_re_free(struct tg_re *r)
{
    if (!r)
        return;
    pcre2_match_data_free(r->md);
    pcre2_match_context_free(r->mc);
    pcre2_code_free(r->code);
    free(r);
}

size_t tg_re_size(const struct tg_re *r)
{
    size_t code = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_SIZE, &code);
    return sizeof *r + code + 2 * r->ncap * sizeof(PCRE2_SIZE) + 256;
}

struct tg_re *tg_re_compile(struct tg_vm *vm, const char *pat, size_t len, struct tg_value *err)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
                                         PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
                                     &ec, &eo, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        buf_t m = BUF_INIT;
        buf_printf(&m, "error parsing regexp: %s: `", (const char *)msg);
        buf_append(&m, pat, len);
        buf_putc(&m, '`');
        *err = tg_obj_value(tg_error_new(&vm->heap, tg_make_string(vm, m.data, m.len)));
        buf_free(&m);
        return NULL;
    }
    struct tg_re *r = xcalloc(1, sizeof *r);
    r->code = code;
    r->pat_len = len;
    uint32_t ncap = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &ncap);
    r->ncap = ncap + 1;
    r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
    r->mc = pcre2_match_context_create(NULL);
    if (!r->md || !r->mc)
        xalloc_fail("pcre2 match data", sizeof *r);
    pcre2_set_match_limit(r->mc, 10000000);
    pcre2_set_depth_limit(r->mc, 10000);
    return r;
}

/* One match at or after pos: ov[0..2*ncap) (-1 for unset groups), or false. */
static bool re_exec(const struct tg_re *r, const char *s, size_t n, size_t pos, long *ov)
{
    int rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, pos, 0, r->md, r->mc);
    if (rc < 0)
        return false;
    PCRE2_SIZE *o = pcre2_get_ovector_pointer(r->md);
    for (uint32_t i = 0; i < 2 * r->ncap; i++)
        ov[i] = (i / 2 < (uint32_t)rc && o[i] != PCRE2_UNSET) ? (long)o[i] : -1;
    return true;
}

/* Go's allMatches: calls fn for each accepted match, at most n (n < 0: all). */
typedef void (*match_fn)(void *ctx, const long *ov);
static void re_all(const struct tg_re *r, const char *s, size_t len, long n, match_fn fn, void *ctx)
{
    long *ov = xmalloc(sizeof *ov * 2 * r->ncap);
    long prev_end = -1, found = 0;
    if (n < 0)
        n = (long)len + 1;
    for (size_t pos = 0; found < n && pos <= len;) {
        if (!re_exec(r, s, len, pos, ov))
            break;
        bool accept = true;
        if ((size_t)ov[1] == pos) {
            if (ov[0] == prev_end)
                accept = false;
            if (pos < len) {
                size_t w = 1;
                while (pos + w < len && ((unsigned char)s[pos + w] & 0xC0) == 0x80 && w < 4)
                    w++;
                pos += w;
            } else {
                pos = len + 1;
            }
        } else {
            pos = (size_t)ov[1];
        }
        prev_end = ov[1];
        if (accept) {
            fn(ctx, ov);
            found++;
        }
    }
    free(ov);
}

struct find_ctx {
    struct tg_vm *vm;
    const char *s;
    uint32_t ncap;
    struct tg_array *out;
};

static void find_one(void *p, const long *ov)
{
    struct find_ctx *c = p;
    struct tg_array *groups = tg_array_new(&c->vm->heap, c->ncap);
    for (uint32_t i = 0; i < c->ncap; i++) {
        struct tg_map *m = tg_map_new(&c->vm->heap);
        long b = ov[2 * i], e = ov[2 * i + 1];
        struct tg_value text = b >= 0 ? tg_make_string(c->vm, c->s + b, (size_t)(e - b))
                                      : tg_make_string(c->vm, "", 0);
        tg_map_set(&c->vm->heap, m, "text", 4, text);
        tg_map_set(&c->vm->heap, m, "begin", 5, tg_int(b));
        tg_map_set(&c->vm->heap, m, "end", 3, tg_int(e));
        m->h.type = TG_IMMUTABLE_MAP;
        tg_array_push(groups, tg_obj_value(m));
    }
    tg_array_push(c->out, tg_obj_value(groups));
}

struct repl_ctx {
    const struct tg_re *r;
    const char *s, *tpl;
    size_t tn;
    buf_t *out;
    long idx;
};

/* Go's Regexp.expand of the template for one match. */
static void expand(struct repl_ctx *c, const long *ov)
{
    const char *t = c->tpl;
    size_t n = c->tn;
    for (size_t i = 0; i < n;) {
        const char *d = memchr(t + i, '$', n - i);
        if (!d) {
            buf_append(c->out, t + i, n - i);
            break;
        }
        size_t j = (size_t)(d - t);
        buf_append(c->out, t + i, j - i);
        i = j + 1;
        if (i < n && t[i] == '$') {
            buf_putc(c->out, '$');
            i++;
            continue;
        }
        bool brace = i < n && t[i] == '{';
        size_t k = i + (brace ? 1 : 0), ns = k;
        while (k < n && (t[k] == '_' || (t[k] >= '0' && t[k] <= '9') ||
                         (t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z') ||
                         ((unsigned char)t[k] >= 0x80)))
            k++;
        size_t ne = k;
        if (ne == ns || (brace && (k >= n || t[k] != '}'))) {
            buf_putc(c->out, '$'); /* malformed: the $ is text */
            continue;
        }
        i = brace ? k + 1 : k;
        long g = -1;
        bool num = true;
        long v = 0;
        for (size_t q = ns; q < ne; q++) {
            if (t[q] < '0' || t[q] > '9' || v > 100000) {
                num = false;
                break;
            }
            v = v * 10 + (t[q] - '0');
        }
        if (num) {
            g = v;
        } else {
            char name[128];
            size_t nl = ne - ns < sizeof name - 1 ? ne - ns : sizeof name - 1;
            memcpy(name, t + ns, nl);
            name[nl] = 0;
            int gi = pcre2_substring_number_from_name(c->r->code, (PCRE2_SPTR)name);
            g = gi > 0 ? gi : -1;
        }
        if (g >= 0 && (uint32_t)g < c->r->ncap && ov[2 * g] >= 0)
            buf_append(c->out, c->s + ov[2 * g], (size_t)(ov[2 * g + 1] - ov[2 * g]));
    }
}

static void replace_one(void *p, const long *ov)
{
    struct repl_ctx *c = p;
    buf_append(c->out, c->s + c->idx, (size_t)(ov[0] - c->idx));
    expand(c, ov);
    c->idx = ov[1];
}

struct split_ctx {
    long *m; /* pairs */
    long nm, cap;
};

static void split_one(void *p, const long *ov)
{
    struct split_ctx *c = p;
    if (c->nm == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->m = xrealloc(c->m, sizeof *c->m * 2 * (size_t)c->cap);
    }
    c->m[2 * c->nm] = ov[0];
    c->m[2 * c->nm + 1] = ov[1];
    c->nm++;
}

int tg_re_match_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t n,
                   struct tg_value *ret)
{
    long *ov = xmalloc(sizeof *ov * 2 * r->ncap);
    *ret = tg_bool(re_exec(r, s, n, 0, ov));
    free(ov);
    return OK;
}

int tg_re_find_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t n, int64_t count,
                  struct tg_value *ret)
{
    struct find_ctx c = { vm, s, r->ncap, tg_array_new(&vm->heap, 1) };
    re_all(r, s, n, count < 0 ? -1 : count > (int64_t)n + 1 ? (long)n + 1 : (long)count,
           find_one, &c);
    *ret = c.out->len ? tg_obj_value(c.out) : tg_undefined();
    return OK;
}

int tg_re_replace_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t n,
                     const char *tpl, size_t tn, struct tg_value *ret)
{
    buf_t out = BUF_INIT;
    struct repl_ctx c = { r, s, tpl, tn, &out, 0 };
    re_all(r, s, n, -1, replace_one, &c);
    buf_append(&out, s + c.idx, n - (size_t)c.idx);
    int rc = OK;
    if (out.len > TG_MAX_STRING_LEN)
        rc = tg_vm_errorf(vm, "exceeding string size limit");
    else
        *ret = tg_make_string(vm, S(out), out.len);
    buf_free(&out);
    return rc;
}

int tg_re_split_op(struct tg_vm *vm, const struct tg_re *r, const char *s, size_t len,
                   int64_t count, struct tg_value *ret)
{
    struct tg_array *arr = tg_array_new(&vm->heap, 4);
    if (count == 0) {
        /* nothing */
    } else if (r->pat_len > 0 && len == 0) {
        tg_array_push(arr, tg_make_string(vm, "", 0));
    } else {
        struct split_ctx c = { NULL, 0, 0 };
        re_all(r, s, len, count < 0 || count > (int64_t)len + 1 ? -1 : (long)count, split_one,
               &c);
        long beg = 0, end = 0;
        for (long i = 0; i < c.nm; i++) {
            if (count > 0 && (int64_t)arr->len == count - 1)
                break;
            end = c.m[2 * i];
            if (c.m[2 * i + 1] != 0)
                tg_array_push(arr, tg_make_string(vm, s + beg, (size_t)(end - beg)));
            beg = c.m[2 * i + 1];
        }
        if ((size_t)end != len)
            tg_array_push(arr, tg_make_string(vm, s + beg, len - (size_t)beg));
        free(c.m);
    }
    *ret = tg_obj_value(arr);
    return OK;
}

/* ---- re_match, re_find, re_replace, re_split: pattern first ---- */

/* Reads the string arguments a[0..nstr) and the optional int a[nstr]
 * (kept in *count when present), then compiles a[0]. OK with *re NULL
 * when the pattern is bad (*ret is then the error value). */
static int re_args(struct tg_vm *vm, const char *fn, struct tg_value *a, int n, int nstr,
                   buf_t *b, int64_t *count, struct tg_re **re, struct tg_value *ret)
{
    *re = NULL;
    for (int i = 0; i < nstr; i++)
        if (tg_arg_string(vm, fn, a, i, &b[i]) != OK)
            return ERROR;
    if (n > nstr && tg_arg_int(vm, fn, a, nstr, count) != OK)
        return ERROR;
    *re = tg_re_compile(vm, S(b[0]), b[0].len, ret);
    return OK;
}

/* re_find compiles before looking at the other arguments (as Go). */
static int re_find_args(struct tg_vm *vm, struct tg_value *a, int n, buf_t *b, int64_t *count,
                        struct tg_re **re, struct tg_value *ret)
{
    *re = NULL;
    if (tg_arg_string(vm, "re_find", a, 0, &b[0]) != OK)
        return ERROR;
    if (!(*re = tg_re_compile(vm, S(b[0]), b[0].len, ret)))
        return OK;
    if (tg_arg_string(vm, "re_find", a, 1, &b[1]) != OK ||
        (n > 2 && tg_arg_int(vm, "re_find", a, 2, count) != OK))
        return ERROR;
    return OK;
}

static void free_bufs(buf_t *b, int n)
{
    for (int i = 0; i < n; i++)
        buf_free(&b[i]);
}

int tg_text_re_match(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2)
        return tg_arg_count_error(vm, "re_match");
    buf_t b[2] = { BUF_INIT, BUF_INIT };
    struct tg_re *r;
    int rc = re_args(vm, "re_match", a, n, 2, b, NULL, &r, ret);
    if (rc == OK && r)
        rc = tg_re_match_op(vm, r, S(b[1]), b[1].len, ret);
    tg_re_free(r);
    free_bufs(b, 2);
    return rc;
}

int tg_text_re_find(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2 && n != 3)
        return tg_arg_count_error(vm, "re_find");
    buf_t b[2] = { BUF_INIT, BUF_INIT };
    struct tg_re *r;
    int64_t count = 1;
    int rc = re_find_args(vm, a, n, b, &count, &r, ret);
    if (rc == OK && r)
        rc = tg_re_find_op(vm, r, S(b[1]), b[1].len, count, ret);
    tg_re_free(r);
    free_bufs(b, 2);
    return rc;
}

int tg_text_re_replace(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 3)
        return tg_arg_count_error(vm, "re_replace");
    buf_t b[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
    struct tg_re *r;
    int rc = re_args(vm, "re_replace", a, n, 3, b, NULL, &r, ret);
    if (rc == OK && r)
        rc = tg_re_replace_op(vm, r, S(b[1]), b[1].len, S(b[2]), b[2].len, ret);
    tg_re_free(r);
    free_bufs(b, 3);
    return rc;
}

int tg_text_re_split(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 2 && n != 3)
        return tg_arg_count_error(vm, "re_split");
    buf_t b[2] = { BUF_INIT, BUF_INIT };
    struct tg_re *r;
    int64_t count = -1;
    int rc = re_args(vm, "re_split", a, n, 2, b, &count, &r, ret);
    if (rc == OK && r)
        rc = tg_re_split_op(vm, r, S(b[1]), b[1].len, count, ret);
    tg_re_free(r);
    free_bufs(b, 2);
    return rc;
}
