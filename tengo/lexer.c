/* lexer.c — the Tengo scanner (see lexer.h). It follows the structure of
 * Tengo's Go scanner closely, because Tengo's observable behaviour depends
 * on it: which errors are reported, at which offsets and in which order,
 * and exactly where semicolons are inserted (a comment that runs to the
 * end of a line ends a statement; a comment between two tokens of a line
 * does not). */
#include "lexer.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "unicode.h"

#define BOM 0xfeff

static void add_line(struct tg_lexer *l, size_t offset)
{
    /* Go's File.AddLine: a newline that ends the file starts no line */
    if ((l->nlines > 0 && l->lines[l->nlines - 1] >= offset) || offset >= l->size)
        return;
    if (l->nlines == l->cap_lines) {
        size_t cap = l->cap_lines ? l->cap_lines * 2 : 64;
        uint32_t *lines = arena_alloc(l->arena, cap * sizeof *lines);
        memcpy(lines, l->lines, l->nlines * sizeof *lines);
        l->lines = lines;
        l->cap_lines = cap;
    }
    l->lines[l->nlines++] = (uint32_t)offset;
}

struct tg_pos tg_lexer_pos(const struct tg_lexer *l, size_t offset)
{
    size_t lo = 0, hi = l->nlines; /* last line start <= offset */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->lines[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    struct tg_pos p = { (uint32_t)offset, (uint32_t)(lo + 1), (uint32_t)(offset - l->lines[lo] + 1) };
    return p;
}

static void lx_error(struct tg_lexer *l, size_t offset, const char *msg)
{
    l->error_count++;
    if (l->on_error)
        l->on_error(l->ctx, tg_lexer_pos(l, offset), msg);
}

/* Go's fmt "%#U": U+0040 '@' (the quoted character only when printable). */
static void fmt_unicode(char *out, size_t n, int32_t r)
{
    int len = snprintf(out, n, "U+%04X", (unsigned)r);
    if (len > 0 && (size_t)len + 8 < n && r <= 0x10ffff && tg_uc_is_print(r)) {
        char u[4];
        int w = tg_utf8_encode(r, u);
        out[len++] = ' ';
        out[len++] = '\'';
        memcpy(out + len, u, (size_t)w);
        len += w;
        out[len++] = '\'';
        out[len] = '\0';
    }
}

/* Reads the next character into l->ch (Go's scanner.next). */
static void next(struct tg_lexer *l)
{
    if (l->read_offset < l->size) {
        l->offset = l->read_offset;
        if (l->ch == '\n')
            add_line(l, l->offset);
        size_t w = 1;
        int32_t r = l->src[l->read_offset];
        if (r == 0) {
            lx_error(l, l->offset, "illegal character NUL");
        } else if (r >= 0x80) {
            r = tg_utf8_decode(l->src + l->read_offset, l->size - l->read_offset, &w);
            if (r == 0xfffd && w == 1)
                lx_error(l, l->offset, "illegal UTF-8 encoding");
            else if (r == BOM && l->offset > 0)
                lx_error(l, l->offset, "illegal byte order mark");
        }
        l->read_offset += w;
        l->ch = r;
    } else {
        l->offset = l->size;
        if (l->ch == '\n')
            add_line(l, l->offset);
        l->ch = -1;
    }
}

static int peek(const struct tg_lexer *l)
{
    return l->read_offset < l->size ? l->src[l->read_offset] : 0;
}

void tg_lexer_init(struct tg_lexer *l, arena_t *a, const char *src, size_t size, unsigned mode,
                   tg_lex_error_fn on_error, void *ctx)
{
    memset(l, 0, sizeof *l);
    l->arena = a;
    l->src = (const unsigned char *)src;
    l->size = size;
    l->mode = mode;
    l->on_error = on_error;
    l->ctx = ctx;
    l->cap_lines = 64;
    l->lines = arena_alloc(a, l->cap_lines * sizeof *l->lines);
    l->lines[0] = 0;
    l->nlines = 1;
    l->ch = ' ';
    next(l);
    if (l->ch == BOM)
        next(l); /* a BOM at the very start is ignored */
}

size_t tg_strip_cr(char *s, size_t n, int comment)
{
    size_t i = 0;
    for (size_t j = 0; j < n; j++) {
        char c = s[j];
        /* in a comment, a CR between '*' and '/' stays: dropping it would
         * end the comment early (unless the '*' is the opening one) */
        if (c != '\r' || (comment && i > 2 && s[i - 1] == '*' && j + 1 < n && s[j + 1] == '/'))
            s[i++] = c;
    }
    return i;
}

static int digit_val(int32_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return 16;
}

static int is_letter(int32_t ch)
{
    if (ch < 0x80)
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
    return tg_uc_class(ch) == TG_UC_LETTER;
}

static int is_digit(int32_t ch)
{
    if (ch < 0x80)
        return ch >= '0' && ch <= '9';
    return tg_uc_class(ch) == TG_UC_DIGIT;
}

static void skip_whitespace(struct tg_lexer *l)
{
    while (l->ch == ' ' || l->ch == '\t' || (l->ch == '\n' && !l->insert_semi) || l->ch == '\r')
        next(l);
}

/* Copies src[from, to) to the arena with CRs stripped. */
static const char *strip_copy(struct tg_lexer *l, size_t from, size_t to, int comment, size_t *len)
{
    char *s = arena_alloc(l->arena, to - from + 1); /* NULs included */
    memcpy(s, l->src + from, to - from);
    *len = tg_strip_cr(s, to - from, comment);
    s[*len] = '\0';
    return s;
}

/* After the initial "/" (l->ch is '/' or '*'). Sets the literal when
 * comments are returned. */
static void scan_comment(struct tg_lexer *l, struct tg_tok *t)
{
    size_t offs = l->offset - 1;
    int num_cr = 0;
    if (l->ch == '/') {
        next(l);
        while (l->ch != '\n' && l->ch >= 0) {
            if (l->ch == '\r')
                num_cr++;
            next(l);
        }
    } else {
        int closed = 0;
        next(l);
        while (l->ch >= 0) {
            int32_t c = l->ch;
            if (c == '\r')
                num_cr++;
            next(l);
            if (c == '*' && l->ch == '/') {
                next(l);
                closed = 1;
                break;
            }
        }
        if (!closed)
            lx_error(l, offs, "comment not terminated");
    }
    if (!(l->mode & TG_SCAN_COMMENTS))
        return;
    size_t end = l->offset;
    const unsigned char *lit = l->src + offs;
    /* a //-comment ending in "\r\n" loses its final CR */
    if (num_cr > 0 && end - offs >= 2 && lit[1] == '/' && l->src[end - 1] == '\r') {
        end--;
        num_cr--;
    }
    t->lit = (const char *)lit;
    t->lit_len = end - offs;
    if (num_cr > 0)
        t->lit = strip_copy(l, offs, end, lit[1] == '*', &t->lit_len);
}

/* With insert_semi set and the initial "/" consumed: does a newline (or the
 * end) follow the comment(s) before any other token? Leaves the scanner
 * where it was. */
static int find_line_end(struct tg_lexer *l)
{
    size_t offs = l->offset - 1;
    int found = 0;
    while (l->ch == '/' || l->ch == '*') {
        if (l->ch == '/') {
            found = 1; /* a //-comment always runs to a newline */
            goto done;
        }
        next(l);
        while (l->ch >= 0) {
            int32_t c = l->ch;
            if (c == '\n') {
                found = 1;
                goto done;
            }
            next(l);
            if (c == '*' && l->ch == '/') {
                next(l);
                break;
            }
        }
        skip_whitespace(l);
        if (l->ch < 0 || l->ch == '\n') {
            found = 1;
            goto done;
        }
        if (l->ch != '/')
            goto done;
        next(l);
    }
done:
    l->ch = '/';
    l->offset = offs;
    l->read_offset = offs + 1;
    next(l);
    return found;
}

static void scan_mantissa(struct tg_lexer *l, int base)
{
    while (digit_val(l->ch) < base)
        next(l);
}

/* Go Tengo v2.10.1's scanNumber: decimal, 0x hex and leading-0 octal
 * integers, decimal floats; no 0b/0o prefixes, no '_' separators, no hex
 * floats (0b1 is the int 0 and then the name b1). */
static enum tg_token scan_number(struct tg_lexer *l)
{
    enum tg_token tok = TK_INT;
    size_t offs = l->offset;
    if (l->ch == '.') { /* .5 */
        tok = TK_FLOAT;
        next(l);
        scan_mantissa(l, 10);
        goto exponent;
    }
    if (l->ch == '0') {
        next(l);
        if (l->ch == 'x' || l->ch == 'X') {
            next(l);
            scan_mantissa(l, 16);
            if (l->offset - offs <= 2)
                lx_error(l, offs, "illegal hexadecimal number");
            return tok;
        }
        bool decimal_digit = false;
        scan_mantissa(l, 8);
        if (l->ch == '8' || l->ch == '9') {
            decimal_digit = true;
            scan_mantissa(l, 10);
        }
        if (l->ch == '.' || l->ch == 'e' || l->ch == 'E' || l->ch == 'i')
            goto fraction;
        if (decimal_digit)
            lx_error(l, offs, "illegal octal number");
        return tok;
    }
    scan_mantissa(l, 10);
fraction:
    if (l->ch == '.') {
        tok = TK_FLOAT;
        next(l);
        scan_mantissa(l, 10);
    }
exponent:
    if (l->ch == 'e' || l->ch == 'E') {
        tok = TK_FLOAT;
        next(l);
        if (l->ch == '-' || l->ch == '+')
            next(l);
        if (digit_val(l->ch) < 10)
            scan_mantissa(l, 10);
        else
            lx_error(l, offs, "illegal floating-point exponent");
    }
    return tok;
}

/* After a backslash; reports what is wrong. 1 when the escape is valid. */
static int scan_escape(struct tg_lexer *l, int32_t quote)
{
    size_t offs = l->offset;
    int n;
    uint32_t base, max;
    switch (l->ch) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
        next(l);
        return 1;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        n = 3, base = 8, max = 255;
        break;
    case 'x':
        next(l);
        n = 2, base = 16, max = 255;
        break;
    case 'u':
        next(l);
        n = 4, base = 16, max = 0x10ffff;
        break;
    case 'U':
        next(l);
        n = 8, base = 16, max = 0x10ffff;
        break;
    default:
        if (l->ch == quote && quote >= 0) {
            next(l);
            return 1;
        }
        lx_error(l, offs, l->ch < 0 ? "escape sequence not terminated" : "unknown escape sequence");
        return 0;
    }
    uint32_t x = 0;
    for (; n > 0; n--) {
        uint32_t d = (uint32_t)digit_val(l->ch);
        if (d >= base) {
            if (l->ch < 0) {
                lx_error(l, l->offset, "escape sequence not terminated");
            } else {
                char u[32], msg[96];
                fmt_unicode(u, sizeof u, l->ch);
                snprintf(msg, sizeof msg, "illegal character %s in escape sequence", u);
                lx_error(l, l->offset, msg);
            }
            return 0;
        }
        x = x * base + d;
        next(l);
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
        lx_error(l, offs, "escape sequence is invalid Unicode code point");
        return 0;
    }
    return 1;
}

static void scan_rune(struct tg_lexer *l)
{
    size_t offs = l->offset - 1;
    int valid = 1, n = 0;
    for (;;) {
        int32_t c = l->ch;
        if (c == '\n' || c < 0) {
            if (valid) {
                lx_error(l, offs, "rune literal not terminated");
                valid = 0;
            }
            break;
        }
        next(l);
        if (c == '\'')
            break;
        n++;
        if (c == '\\' && !scan_escape(l, '\''))
            valid = 0;
    }
    if (valid && n != 1)
        lx_error(l, offs, "illegal rune literal");
}

static void scan_string(struct tg_lexer *l)
{
    size_t offs = l->offset - 1;
    for (;;) {
        int32_t c = l->ch;
        if (c == '\n' || c < 0) {
            lx_error(l, offs, "string literal not terminated");
            break;
        }
        next(l);
        if (c == '"')
            break;
        if (c == '\\')
            scan_escape(l, '"');
    }
}

static void scan_raw_string(struct tg_lexer *l, struct tg_tok *t)
{
    size_t offs = l->offset - 1;
    int has_cr = 0;
    for (;;) {
        int32_t c = l->ch;
        if (c < 0) {
            lx_error(l, offs, "raw string literal not terminated");
            break;
        }
        next(l);
        if (c == '`')
            break;
        if (c == '\r')
            has_cr = 1;
    }
    if (has_cr)
        t->lit = strip_copy(l, offs, l->offset, 0, &t->lit_len);
}

static enum tg_token switch2(struct tg_lexer *l, enum tg_token t0, enum tg_token t1)
{
    if (l->ch == '=') {
        next(l);
        return t1;
    }
    return t0;
}

static enum tg_token switch3(struct tg_lexer *l, enum tg_token t0, enum tg_token t1, int32_t ch2,
                             enum tg_token t2)
{
    if (l->ch == '=') {
        next(l);
        return t1;
    }
    if (l->ch == ch2) {
        next(l);
        return t2;
    }
    return t0;
}

static enum tg_token switch4(struct tg_lexer *l, enum tg_token t0, enum tg_token t1, int32_t ch2,
                             enum tg_token t2, enum tg_token t3)
{
    if (l->ch == '=') {
        next(l);
        return t1;
    }
    if (l->ch == ch2) {
        next(l);
        if (l->ch == '=') {
            next(l);
            return t3;
        }
        return t2;
    }
    return t0;
}

static void set_semicolon(struct tg_tok *t, struct tg_pos pos)
{
    t->tok = TK_SEMICOLON;
    t->lit = "\n";
    t->lit_len = 1;
    t->pos = pos;
}

/* Operators, delimiters, strings, comments, newlines and the end. Returns 0
 * when the token is complete (semicolon state included), 1 when it must
 * still go through the insert-semicolon update, 2 to scan again (a skipped
 * comment). */
static int scan_other(struct tg_lexer *l, struct tg_tok *t, int *insert)
{
    int32_t ch = l->ch;
    next(l); /* always make progress */
    switch (ch) {
    case -1:
        if (l->insert_semi) {
            l->insert_semi = 0;
            set_semicolon(t, t->pos);
            return 0;
        }
        t->tok = TK_EOF;
        break;
    case '\n': /* only reached with insert_semi set */
        l->insert_semi = 0;
        set_semicolon(t, t->pos);
        return 0;
    case '"':
        *insert = 1;
        t->tok = TK_STRING;
        scan_string(l);
        break;
    case '\'':
        *insert = 1;
        t->tok = TK_CHAR;
        scan_rune(l);
        break;
    case '`':
        *insert = 1;
        t->tok = TK_STRING;
        scan_raw_string(l, t);
        break;
    case ':': t->tok = switch2(l, TK_COLON, TK_DEFINE); break;
    case '.':
        t->tok = TK_PERIOD;
        if (l->ch == '.' && peek(l) == '.') {
            next(l);
            next(l);
            t->tok = TK_ELLIPSIS;
        }
        break;
    case ',': t->tok = TK_COMMA; break;
    case '?': t->tok = TK_QUESTION; break;
    case ';':
        t->tok = TK_SEMICOLON;
        t->lit = ";";
        t->lit_len = 1;
        return 1;
    case '(': t->tok = TK_LPAREN; break;
    case ')': *insert = 1; t->tok = TK_RPAREN; break;
    case '[': t->tok = TK_LBRACK; break;
    case ']': *insert = 1; t->tok = TK_RBRACK; break;
    case '{': t->tok = TK_LBRACE; break;
    case '}': *insert = 1; t->tok = TK_RBRACE; break;
    case '+':
        t->tok = switch3(l, TK_ADD, TK_ADD_ASSIGN, '+', TK_INC);
        *insert = t->tok == TK_INC;
        break;
    case '-':
        t->tok = switch3(l, TK_SUB, TK_SUB_ASSIGN, '-', TK_DEC);
        *insert = t->tok == TK_DEC;
        break;
    case '*': t->tok = switch2(l, TK_MUL, TK_MUL_ASSIGN); break;
    case '/':
        if (l->ch == '/' || l->ch == '*') {
            if (l->insert_semi && find_line_end(l)) {
                /* the comment ends the line: a semicolon here, and the
                 * comment is scanned (and skipped) next time */
                l->ch = '/';
                l->offset = t->pos.offset;
                l->read_offset = l->offset + 1;
                l->insert_semi = 0;
                set_semicolon(t, t->pos);
                return 0;
            }
            scan_comment(l, t);
            if (!(l->mode & TG_SCAN_COMMENTS)) {
                l->insert_semi = 0;
                return 2;
            }
            t->tok = TK_COMMENT;
            return 1;
        }
        t->tok = switch2(l, TK_QUO, TK_QUO_ASSIGN);
        break;
    case '%': t->tok = switch2(l, TK_REM, TK_REM_ASSIGN); break;
    case '^': t->tok = switch2(l, TK_XOR, TK_XOR_ASSIGN); break;
    case '<': t->tok = switch4(l, TK_LESS, TK_LESS_EQ, '<', TK_SHL, TK_SHL_ASSIGN); break;
    case '>': t->tok = switch4(l, TK_GREATER, TK_GREATER_EQ, '>', TK_SHR, TK_SHR_ASSIGN); break;
    case '=': t->tok = switch2(l, TK_ASSIGN, TK_EQUAL); break;
    case '!': t->tok = switch2(l, TK_NOT, TK_NOT_EQUAL); break;
    case '&':
        if (l->ch == '^') {
            next(l);
            t->tok = switch2(l, TK_AND_NOT, TK_AND_NOT_ASSIGN);
        } else {
            t->tok = switch3(l, TK_AND, TK_AND_ASSIGN, '&', TK_LAND);
        }
        break;
    case '|': t->tok = switch3(l, TK_OR, TK_OR_ASSIGN, '|', TK_LOR); break;
    default:
        if (ch != BOM) { /* next() already reported a stray BOM */
            char u[32], msg[96];
            fmt_unicode(u, sizeof u, ch);
            snprintf(msg, sizeof msg, "illegal character %s", u);
            lx_error(l, t->pos.offset, msg);
        }
        *insert = l->insert_semi; /* keep the semicolon state */
        t->tok = TK_ILLEGAL;
        t->lit = (const char *)l->src + t->pos.offset;
        t->lit_len = l->offset - t->pos.offset;
        return 1;
    }
    if (t->tok == TK_STRING || t->tok == TK_CHAR) {
        if (!t->lit) {
            t->lit = (const char *)l->src + t->pos.offset;
            t->lit_len = l->offset - t->pos.offset;
        }
    }
    return 1;
}

void tg_lexer_scan(struct tg_lexer *l, struct tg_tok *t)
{
    for (;;) {
        skip_whitespace(l);
        t->tok = TK_ILLEGAL;
        t->lit = NULL;
        t->lit_len = 0;
        t->pos = tg_lexer_pos(l, l->offset);
        int insert = 0;
        int32_t ch = l->ch;
        if (ch >= 0 && is_letter(ch)) {
            size_t offs = l->offset;
            while (is_letter(l->ch) || is_digit(l->ch))
                next(l);
            t->lit = (const char *)l->src + offs;
            t->lit_len = l->offset - offs;
            t->tok = tg_token_lookup(t->lit, t->lit_len);
            switch (t->tok) {
            case TK_IDENT: case TK_BREAK: case TK_CONTINUE: case TK_RETURN:
            case TK_EXPORT: case TK_TRUE: case TK_FALSE: case TK_UNDEFINED:
                insert = 1;
                break;
            default:
                break;
            }
        } else if ((ch >= '0' && ch <= '9') || (ch == '.' && peek(l) >= '0' && peek(l) <= '9')) {
            size_t offs = l->offset;
            insert = 1;
            t->tok = scan_number(l);
            t->lit = (const char *)l->src + offs;
            t->lit_len = l->offset - offs;
        } else {
            int r = scan_other(l, t, &insert);
            if (r == 0)
                return;
            if (r == 2)
                continue;
        }
        if (!(l->mode & TG_SCAN_DONT_INSERT_SEMIS))
            l->insert_semi = insert;
        if (!t->lit) {
            t->lit = "";
            t->lit_len = 0;
        }
        return;
    }
}
