/* diff.c — unified diffs (see diff.h). Four steps:
 *   1. split both texts into lines and number the distinct lines
 *      (equivalence classes, one hash table), so lines compare as ints;
 *   2. mark changed lines: drop the common prefix and suffix, set aside
 *      lines found only in one text (always changes), and run Myers'
 *      linear-space O(ND) search on the rest;
 *   3. slide each run of changes as diff does (merge with neighbouring
 *      runs, then as far down as possible unless that breaks its pairing
 *      with a run in the other text), so output matches `diff -u`;
 *   4. group changes into hunks with three lines of context and write. */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "xalloc.h"

/* Lines of the common prefix and suffix next to the differences that
 * still take part (diff keeps as many as it shows for context). */
#define DIFF_HORIZON DIFF_CONTEXT

struct line {
    uint32_t off, len; /* len includes the '\n', if the line has one */
    uint32_t hash;
};

struct text {
    const char *data;
    int32_t n;
    struct line *lines;
    uint32_t *ids; /* equivalence class of each line */
    uint8_t *chg;  /* changed flags; chg[-1] and chg[n] exist and stay 0 */
};

/* ---- 1. lines and classes -------------------------------------------------- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
    return (uint32_t)(h ^ (h >> 32));
}

static int split(struct text *t, const char *data, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += data[i] == '\n';
    if (len > 0 && data[len - 1] != '\n')
        n++;
    if (n > DIFF_MAX_LINES)
        return ERROR;
    t->data = data;
    t->n = (int32_t)n;
    t->lines = xcalloc(n, sizeof *t->lines);
    t->ids = xcalloc(n, sizeof *t->ids);
    t->chg = (uint8_t *)xcalloc(n + 2, 1) + 1;
    size_t start = 0, k = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '\n' && i + 1 < len)
            continue;
        size_t end = i + 1;
        t->lines[k].off = (uint32_t)start;
        t->lines[k].len = (uint32_t)(end - start);
        t->lines[k].hash = hash_bytes(data + start, end - start);
        k++;
        start = end;
    }
    return OK;
}

static void text_free(struct text *t)
{
    free(t->lines);
    free(t->ids);
    if (t->chg)
        free(t->chg - 1);
}

static const char *line_at(const struct text *t, int32_t i)
{
    return t->data + t->lines[i].off;
}

/* Numbers the distinct lines of both texts 0, 1, 2, …; returns how many. */
static uint32_t classify(struct text *a, struct text *b)
{
    size_t total = (size_t)a->n + (size_t)b->n, size = 16;
    while (size < 2 * total)
        size <<= 1;
    uint32_t *slot = xcalloc(size, sizeof *slot);  /* class + 1, 0 = empty */
    struct text **rep_t = xcalloc(total, sizeof *rep_t);
    int32_t *rep_i = xcalloc(total, sizeof *rep_i);
    uint32_t nclasses = 0;
    struct text *both[2] = { a, b };
    for (int w = 0; w < 2; w++) {
        struct text *t = both[w];
        for (int32_t i = 0; i < t->n; i++) {
            const struct line *l = &t->lines[i];
            size_t s = l->hash & (size - 1);
            for (;; s = (s + 1) & (size - 1)) {
                if (slot[s] == 0) {
                    rep_t[nclasses] = t;
                    rep_i[nclasses] = i;
                    slot[s] = ++nclasses;
                    t->ids[i] = nclasses - 1;
                    break;
                }
                uint32_t c = slot[s] - 1;
                const struct line *r = &rep_t[c]->lines[rep_i[c]];
                if (r->hash == l->hash && r->len == l->len &&
                    memcmp(line_at(rep_t[c], rep_i[c]), line_at(t, i), l->len) == 0) {
                    t->ids[i] = c;
                    break;
                }
            }
        }
    }
    free(slot);
    free(rep_t);
    free(rep_i);
    return nclasses;
}

/* ---- 2. Myers ------------------------------------------------------------- */

struct search {
    const uint32_t *xv, *yv;     /* class sequences of the lines searched */
    const int32_t *xmap, *ymap;  /* their line numbers in the texts */
    uint8_t *xchg, *ychg;
    int32_t *fd, *bd;            /* furthest x per diagonal, forward and backward */
    int32_t too_expensive;
    long long work;
};

struct partition {
    int32_t xmid, ymid;
    int lo_minimal, hi_minimal; /* may the halves use the cost heuristic? */
};

/* Called after a search went on too long: the forward diagonal that got
 * furthest or the backward one, whichever made more progress. */
static void settle(const struct search *s, int32_t xoff, int32_t xlim, int32_t yoff,
                   int32_t ylim, int32_t fmin, int32_t fmax, int32_t bmin, int32_t bmax,
                   struct partition *part)
{
    int32_t fxybest = -1, fxbest = xoff;
    for (int32_t d = fmax; d >= fmin; d -= 2) {
        int32_t x = s->fd[d] < xlim ? s->fd[d] : xlim, y = x - d;
        if (ylim < y) {
            x = ylim + d;
            y = ylim;
        }
        if (fxybest < x + y) {
            fxybest = x + y;
            fxbest = x;
        }
    }
    int32_t bxybest = INT32_MAX, bxbest = xlim;
    for (int32_t d = bmax; d >= bmin; d -= 2) {
        int32_t x = s->bd[d] > xoff ? s->bd[d] : xoff, y = x - d;
        if (y < yoff) {
            x = yoff + d;
            y = yoff;
        }
        if (x + y < bxybest) {
            bxybest = x + y;
            bxbest = x;
        }
    }
    if ((xlim + ylim) - bxybest < fxybest - (xoff + yoff)) {
        part->xmid = fxbest;
        part->ymid = fxybest - fxbest;
        part->lo_minimal = 1;
        part->hi_minimal = 0;
    } else {
        part->xmid = bxbest;
        part->ymid = bxybest - bxbest;
        part->lo_minimal = 0;
        part->hi_minimal = 1;
    }
}

/* Finds the middle snake of x[xoff, xlim) vs y[yoff, ylim) (both ends
 * differ): searches forward from the top-left and backward from the
 * bottom-right one edit at a time until the paths meet. */
static void middle(struct search *s, int32_t xoff, int32_t xlim, int32_t yoff, int32_t ylim,
                   int minimal, struct partition *part)
{
    int32_t *fd = s->fd, *bd = s->bd;
    const uint32_t *xv = s->xv, *yv = s->yv;
    const int32_t dmin = xoff - ylim, dmax = xlim - yoff;
    const int32_t fmid = xoff - yoff, bmid = xlim - ylim;
    int32_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
    const int odd = (fmid - bmid) & 1;
    fd[fmid] = xoff;
    bd[bmid] = xlim;
    for (int32_t cost = 1;; cost++) {
        if (fmin > dmin)
            fd[--fmin - 1] = -1;
        else
            ++fmin;
        if (fmax < dmax)
            fd[++fmax + 1] = -1;
        else
            --fmax;
        for (int32_t d = fmax; d >= fmin; d -= 2) {
            int32_t tlo = fd[d - 1], thi = fd[d + 1];
            int32_t x0 = tlo < thi ? thi : tlo + 1, x = x0, y = x0 - d;
            while (x < xlim && y < ylim && xv[x] == yv[y])
                x++, y++;
            s->work += 1 + (x - x0);
            fd[d] = x;
            if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
                *part = (struct partition){ x, y, 1, 1 };
                return;
            }
        }
        if (bmin > dmin)
            bd[--bmin - 1] = INT32_MAX;
        else
            ++bmin;
        if (bmax < dmax)
            bd[++bmax + 1] = INT32_MAX;
        else
            --bmax;
        for (int32_t d = bmax; d >= bmin; d -= 2) {
            int32_t tlo = bd[d - 1], thi = bd[d + 1];
            int32_t x0 = tlo < thi ? tlo : thi - 1, x = x0, y = x0 - d;
            while (xoff < x && yoff < y && xv[x - 1] == yv[y - 1])
                x--, y--;
            s->work += 1 + (x0 - x);
            bd[d] = x;
            if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
                *part = (struct partition){ x, y, 1, 1 };
                return;
            }
        }
        if ((!minimal && cost >= s->too_expensive) || s->work > DIFF_MAX_WORK) {
            settle(s, xoff, xlim, yoff, ylim, fmin, fmax, bmin, bmax, part);
            return;
        }
    }
}

static void mark(const int32_t *map, uint8_t *chg, int32_t from, int32_t to)
{
    for (int32_t i = from; i < to; i++)
        chg[map[i]] = 1;
}

/* Marks the changes of x[xoff, xlim) vs y[yoff, ylim): the lower half of
 * each split recursively (its depth stays logarithmic), the upper half in
 * the loop. Past the work limit whatever is left is one replacement. */
static void compare(struct search *s, int32_t xoff, int32_t xlim, int32_t yoff, int32_t ylim,
                    int minimal)
{
    for (;;) {
        while (xoff < xlim && yoff < ylim && s->xv[xoff] == s->yv[yoff])
            xoff++, yoff++;
        while (xoff < xlim && yoff < ylim && s->xv[xlim - 1] == s->yv[ylim - 1])
            xlim--, ylim--;
        if (xoff == xlim || yoff == ylim || s->work > DIFF_MAX_WORK) {
            mark(s->xmap, s->xchg, xoff, xlim);
            mark(s->ymap, s->ychg, yoff, ylim);
            return;
        }
        struct partition part;
        middle(s, xoff, xlim, yoff, ylim, minimal, &part);
        compare(s, xoff, part.xmid, yoff, part.ymid, part.lo_minimal);
        xoff = part.xmid;
        yoff = part.ymid;
        minimal = part.hi_minimal;
    }
}

/* Which lines of t[lo, hi) to set aside before the search (d[i] != 0):
 * a line that occurs nowhere in the other window is a change whatever the
 * alignment; a line occurring very often there ("many", about
 * 5 * sqrt(lines / 64)) is set aside too, but only inside a run of the
 * first kind, not near its ends and not in long stretches of its own —
 * diff's rules, kept so that equally short edit scripts come out the way
 * diff writes them. d[i]: 0 keep, 1 no match, 2 many matches. */
static void set_aside(const struct text *t, int32_t lo, int32_t hi, const uint32_t *other_count,
                      uint8_t *d)
{
    int32_t end = hi - lo;
    uint32_t many = 5;
    for (int32_t tem = end / 64; (tem >>= 2) > 0;)
        many *= 2;
    for (int32_t i = 0; i < end; i++) {
        uint32_t n = other_count[t->ids[lo + i]];
        d[i] = n == 0 ? 1 : n > many ? 2 : 0;
    }
    for (int32_t i = 0; i < end; i++) {
        if (d[i] == 2) {
            d[i] = 0; /* not inside a run that starts with a line of no match */
            continue;
        }
        if (d[i] == 0)
            continue;
        int32_t j = i, provisional = 0;
        for (; j < end && d[j] != 0; j++)
            provisional += d[j] == 2;
        while (j > i && d[j - 1] == 2) {
            d[--j] = 0;
            provisional--;
        }
        int32_t length = j - i;
        if (provisional * 4 > length) {
            while (j > i)
                if (d[--j] == 2)
                    d[j] = 0;
        } else {
            int32_t minimum = 1, consec = 0;
            for (int32_t tem = length >> 2; (tem >>= 2) > 0;)
                minimum <<= 1;
            minimum++;
            /* long stretches of frequent lines stay */
            for (j = 0; j < length; j++) {
                if (d[i + j] != 2)
                    consec = 0;
                else if (minimum == ++consec)
                    j -= consec;
                else if (minimum < consec)
                    d[i + j] = 0;
            }
            /* near either end of the run, frequent lines stay */
            for (j = 0, consec = 0; j < length; j++) {
                if (j >= 8 && d[i + j] == 1)
                    break;
                if (d[i + j] == 2) {
                    consec = 0;
                    d[i + j] = 0;
                } else if (d[i + j] == 0) {
                    consec = 0;
                } else if (++consec == 3) {
                    break;
                }
            }
            i += length - 1;
            for (j = 0, consec = 0; j < length; j++) {
                if (j >= 8 && d[i - j] == 1)
                    break;
                if (d[i - j] == 2) {
                    consec = 0;
                    d[i - j] = 0;
                } else if (d[i - j] == 0) {
                    consec = 0;
                } else if (++consec == 3) {
                    break;
                }
            }
        }
    }
}

/* The lines of t[lo, hi) kept for the search go into (v, map); the ones
 * set aside are marked changed. Returns how many were kept. */
static int32_t keep(struct text *t, int32_t lo, int32_t hi, const uint32_t *other_count,
                    uint32_t *v, int32_t *map)
{
    uint8_t *d = xcalloc((size_t)(hi - lo), 1);
    set_aside(t, lo, hi, other_count, d);
    int32_t n = 0;
    for (int32_t i = lo; i < hi; i++) {
        if (d[i - lo]) {
            t->chg[i] = 1;
            continue;
        }
        v[n] = t->ids[i];
        map[n++] = i;
    }
    free(d);
    return n;
}

/* Marks the changed lines of both texts. The work is confined to a window
 * from DIFF_HORIZON lines before the first difference to DIFF_HORIZON
 * lines after the last (*lo, and *ahi / *bhi in a / b): lines further into
 * the common prefix and suffix are neither searched nor slid into. */
static void find_changes(struct text *a, struct text *b, uint32_t nclasses, int32_t *plo,
                         int32_t *pahi, int32_t *pbhi)
{
    int32_t lo = 0, ahi = a->n, bhi = b->n;
    while (lo < ahi && lo < bhi && a->ids[lo] == b->ids[lo])
        lo++;
    while (ahi > lo && bhi > lo && a->ids[ahi - 1] == b->ids[bhi - 1])
        ahi--, bhi--;
    if (lo == ahi && lo == bhi) {
        *plo = *pahi = *pbhi = 0;
        return;
    }
    int32_t after = (a->n - ahi) < DIFF_HORIZON ? (a->n - ahi) : DIFF_HORIZON;
    lo = lo > DIFF_HORIZON ? lo - DIFF_HORIZON : 0;
    ahi += after;
    bhi += after;
    *plo = lo;
    *pahi = ahi;
    *pbhi = bhi;

    uint32_t *acount = xcalloc(nclasses, sizeof *acount);
    uint32_t *bcount = xcalloc(nclasses, sizeof *bcount);
    for (int32_t i = lo; i < ahi; i++)
        acount[a->ids[i]]++;
    for (int32_t i = lo; i < bhi; i++)
        bcount[b->ids[i]]++;
    uint32_t *xv = xcalloc((size_t)(ahi - lo), sizeof *xv);
    uint32_t *yv = xcalloc((size_t)(bhi - lo), sizeof *yv);
    int32_t *xmap = xcalloc((size_t)(ahi - lo), sizeof *xmap);
    int32_t *ymap = xcalloc((size_t)(bhi - lo), sizeof *ymap);
    int32_t nx = keep(a, lo, ahi, bcount, xv, xmap);
    int32_t ny = keep(b, lo, bhi, acount, yv, ymap);
    free(acount);
    free(bcount);

    size_t diags = (size_t)nx + (size_t)ny + 3;
    int32_t *v = xcalloc(2 * diags, sizeof *v);
    struct search s = {
        .xv = xv, .yv = yv, .xmap = xmap, .ymap = ymap, .xchg = a->chg, .ychg = b->chg,
        .fd = v + ny + 1, .bd = v + diags + ny + 1, .too_expensive = 1, .work = 0,
    };
    for (size_t d = diags; d != 0; d >>= 2)
        s.too_expensive <<= 1;
    if (s.too_expensive < 4096)
        s.too_expensive = 4096;
    compare(&s, 0, nx, 0, ny, 0);
    free(v);
    free(xv);
    free(yv);
    free(xmap);
    free(ymap);
}

/* ---- 3. sliding runs of changes -------------------------------------------- */

/* As GNU diff's shift_boundaries: a run of changed lines whose first line
 * equals the line after it (or whose last equals the one before) can sit
 * one line further down (up); move each run up to merge with runs above,
 * down to merge with runs below and as far down as it goes, then back up
 * to the last place where it lined up with a run in the other text. Runs
 * stay between the common prefix (lo lines) and the common suffix (the
 * last n - end lines), which diff does not slide into either. */
static void slide(struct text *t, const struct text *other, int32_t lo, int32_t end)
{
    uint8_t *chg = t->chg;
    const uint8_t *ochg = other->chg;
    const uint32_t *ids = t->ids;
    int32_t i = lo, j = lo;
    for (;;) {
        while (i < end && !chg[i]) {
            while (ochg[j++])
                ;
            i++;
        }
        if (i == end)
            break;
        int32_t start = i, runlength, corresponding;
        while (chg[++i])
            ;
        while (ochg[j])
            j++;
        do {
            runlength = i - start;
            while (start > lo && ids[start - 1] == ids[i - 1]) {
                chg[--start] = 1;
                chg[--i] = 0;
                while (chg[start - 1])
                    start--;
                while (ochg[--j])
                    ;
            }
            corresponding = ochg[j - 1] ? i : end;
            while (i != end && ids[start] == ids[i]) {
                chg[start++] = 0;
                chg[i++] = 1;
                while (chg[i])
                    i++;
                while (ochg[++j])
                    corresponding = i;
            }
        } while (runlength != i - start);
        while (corresponding < i) {
            chg[--start] = 1;
            chg[--i] = 0;
            while (ochg[--j])
                ;
        }
    }
}

/* ---- 4. output ------------------------------------------------------------ */

static void put_line(buf_t *out, char tag, const struct text *t, int32_t i)
{
    const struct line *l = &t->lines[i];
    buf_putc(out, tag);
    buf_append(out, line_at(t, i), l->len);
    if (l->len == 0 || line_at(t, i)[l->len - 1] != '\n')
        buf_puts(out, "\n\\ No newline at end of file\n");
}

/* "@@ -a,b" as diff writes a range: one line without its count, no lines
 * as the line before the range with ",0". */
static void put_range(buf_t *out, char sign, int32_t start, int32_t count)
{
    if (count == 0)
        buf_printf(out, " %c%ld,0", sign, (long)start);
    else if (count == 1)
        buf_printf(out, " %c%ld", sign, (long)start + 1);
    else
        buf_printf(out, " %c%ld,%ld", sign, (long)start + 1, (long)count);
}

static void put_hunk(buf_t *out, const struct text *a, const struct text *b, int32_t a0,
                     int32_t a1, int32_t b0, int32_t b1)
{
    buf_puts(out, "@@");
    put_range(out, '-', a0, a1 - a0);
    put_range(out, '+', b0, b1 - b0);
    buf_puts(out, " @@\n");
    int32_t i = a0, j = b0;
    while (i < a1 || j < b1) {
        if (i < a1 && j < b1 && !a->chg[i] && !b->chg[j]) {
            put_line(out, ' ', a, i++);
            j++;
            continue;
        }
        int32_t i0 = i, j0 = j;
        while (i < a1 && a->chg[i])
            put_line(out, '-', a, i++);
        while (j < b1 && b->chg[j])
            put_line(out, '+', b, j++);
        if (i == i0 && j == j0)
            break; /* unpaired unchanged lines: cannot happen */
    }
}

static void write_hunks(buf_t *out, const struct text *a, const struct text *b,
                        const char *label_a, const char *label_b)
{
    const int32_t ctx = DIFF_CONTEXT;
    int32_t i = 0, j = 0, first_i = -1, first_j = 0, end_i = 0, end_j = 0;
    int headers = 0;
    for (;;) {
        while (i < a->n && j < b->n && !a->chg[i] && !b->chg[j])
            i++, j++;
        int at_end = !(i < a->n && a->chg[i]) && !(j < b->n && b->chg[j]);
        /* flush the hunk so far when this block is too far from it */
        if (first_i >= 0 && (at_end || i - end_i > 2 * ctx)) {
            int32_t a0 = first_i > ctx ? first_i - ctx : 0, b0 = first_j - (first_i - a0);
            int32_t a1 = end_i + ctx < a->n ? end_i + ctx : a->n, b1 = end_j + (a1 - end_i);
            put_hunk(out, a, b, a0, a1, b0, b1);
            first_i = -1;
        }
        if (at_end)
            return;
        if (!headers) {
            buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
            headers = 1;
        }
        if (first_i < 0) {
            first_i = i;
            first_j = j;
        }
        while (i < a->n && a->chg[i])
            i++;
        while (j < b->n && b->chg[j])
            j++;
        end_i = i;
        end_j = j;
    }
}

int diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *label_a,
                 const char *label_b, buf_t *out)
{
    if (alen > DIFF_MAX_BYTES || blen > DIFF_MAX_BYTES)
        return ERROR;
    if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
        return OK;
    struct text ta = { 0 }, tb = { 0 };
    if (split(&ta, a, alen) != OK || split(&tb, b, blen) != OK) {
        text_free(&ta);
        text_free(&tb);
        return ERROR;
    }
    uint32_t nclasses = classify(&ta, &tb);
    int32_t lo, ahi, bhi;
    find_changes(&ta, &tb, nclasses, &lo, &ahi, &bhi);
    slide(&ta, &tb, lo, ahi);
    slide(&tb, &ta, lo, bhi);
    write_hunks(out, &ta, &tb, label_a, label_b);
    text_free(&ta);
    text_free(&tb);
    return OK;
}
