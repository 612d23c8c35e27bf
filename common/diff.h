/* diff.h — a unified diff of two texts, line by line, written as GNU
 * `diff -u --label A --label B` writes it: "--- A" / "+++ B" headers,
 * hunks "@@ -a,b +c,d @@" with three lines of context (",1" left out, an
 * empty range written as the line before it with ",0"), hunks whose
 * context would touch merged into one, and "\ No newline at end of file"
 * after a last line without one. Identical texts give no output at all.
 *
 * Lines are compared byte for byte, the newline included (so "x" at the
 * end of one text and "x\n" in the other differ, as in diff). The edit
 * script is Myers' O(ND) algorithm in its linear-space form (middle
 * snakes, divide and conquer) on the lines between the common prefix and
 * suffix (three lines of each kept, as diff keeps them), after setting
 * aside lines that occur in only one text (and, inside runs of those,
 * lines that occur very often); changes are then slid to the places diff
 * slides them to, so the output matches diff's (checked against GNU diff
 * 3.8 on thousands of random texts).
 *
 * Limits: each text at most DIFF_MAX_BYTES and DIFF_MAX_LINES lines
 * (larger input: ERROR, nothing written). Memory is about 20-40 bytes per
 * line of both texts together, freed before returning (36 MB measured for
 * two texts of a million empty lines each; well under 1 MB for programs of
 * ordinary size). Time is bounded: a middle-snake search that goes past
 * max(4096, ~sqrt(lines)) edit steps settles for the best split found so
 * far (as diff does), and past DIFF_MAX_WORK comparison steps in total the
 * rest is written as whole-block replacements (about 2 s for the worst
 * case measured: two unrelated 1 MiB texts of lines "a" and "b"). Either
 * way the output is a correct diff (applying it to A gives B); it is only
 * no longer minimal, which takes such pathological input.
 */
#ifndef SELFHOST_DIFF_H
#define SELFHOST_DIFF_H

#include <stddef.h>

#include "buf.h"

#define DIFF_CONTEXT 3
#define DIFF_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define DIFF_MAX_LINES ((size_t)1024 * 1024)
#define DIFF_MAX_WORK ((long long)400 * 1000 * 1000)

/* Appends the unified diff turning text a (alen bytes) into text b to out.
 * Texts may hold any bytes, NUL included. label_a / label_b go on the
 * "---" / "+++" lines as they are. Returns OK, or ERROR when a text is
 * past the limits above (out unchanged). */
int diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *label_a,
                 const char *label_b, buf_t *out);

#endif
