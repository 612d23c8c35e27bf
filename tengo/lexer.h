/* lexer.h — the Tengo scanner: source bytes to tokens, with Go's rules for
 * identifiers, numbers, strings, comments and automatic semicolon insertion,
 * and Tengo's exact error messages ("illegal character U+0040 '@'", …).
 *
 * Positions are byte offsets from the start of the source (0-based) with
 * 1-based line and column; the column counts bytes, as Tengo's does. A BOM
 * at the start is skipped (it still counts in offsets and columns). */
#ifndef TENGO_LEXER_H
#define TENGO_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "token.h"

/* A position in the source; line 0 means "no position". */
struct tg_pos {
    uint32_t offset; /* bytes from the start of the source */
    uint32_t line;   /* 1-based */
    uint32_t column; /* 1-based, in bytes */
};

/* Scan modes (Go's parser.ScanMode). The parser uses 0. */
enum {
    TG_SCAN_COMMENTS = 1,          /* return comments as TK_COMMENT tokens */
    TG_SCAN_DONT_INSERT_SEMIS = 2, /* no automatic semicolons */
};

/* Receives every scanner error, in the order Tengo reports them. */
typedef void (*tg_lex_error_fn)(void *ctx, struct tg_pos pos, const char *msg);

struct tg_tok {
    enum tg_token tok;
    /* Go's literal: the source text of identifiers, keywords, numbers,
     * strings (quotes included; raw strings with CRs removed), chars and
     * comments; ";" or "\n" for semicolons (the latter when inserted);
     * the offending character for TK_ILLEGAL; empty for operators. Points
     * into the source or into the arena; not NUL-terminated. */
    const char *lit;
    size_t lit_len;
    struct tg_pos pos;
};

struct tg_lexer {
    arena_t *arena;
    const unsigned char *src;
    size_t size;
    unsigned mode;
    tg_lex_error_fn on_error;
    void *ctx;
    int error_count;

    int32_t ch;         /* current character; -1 at the end */
    size_t offset;      /* offset of ch */
    size_t read_offset; /* offset just past ch */
    int insert_semi;    /* a newline here is a semicolon */

    uint32_t *lines; /* offsets where lines start (lines[0] = 0) */
    size_t nlines, cap_lines;
};

/* Sizes past this are refused by callers (offsets are 32-bit). */
#define TG_SOURCE_MAX ((size_t)UINT32_MAX - 1)

/* src must stay valid while scanning; size <= TG_SOURCE_MAX. on_error may
 * be NULL. All memory comes from the arena. */
void tg_lexer_init(struct tg_lexer *l, arena_t *a, const char *src, size_t size, unsigned mode,
                   tg_lex_error_fn on_error, void *ctx);
/* Next token; TK_EOF for ever once the end is reached. */
void tg_lexer_scan(struct tg_lexer *l, struct tg_tok *t);
/* Line and column of an offset already scanned past (Go's File.Position). */
struct tg_pos tg_lexer_pos(const struct tg_lexer *l, size_t offset);

/* Go's parser.StripCR: removes CRs from a comment (comment != 0: keeps the
 * one of "*\r/") or a raw string. Returns the new length (in place). */
size_t tg_strip_cr(char *s, size_t n, int comment);

#endif
