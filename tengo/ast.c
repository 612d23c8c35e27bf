/* ast.c — node construction and the small helpers the printers and the
 * compiler share (kind names, quoting, identifier test). */
#include "ast.h"

#include <string.h>

#include "unicode.h"
#include "utf8.h"

struct tg_node *tg_node_new(arena_t *a, enum tg_node_kind kind, struct tg_pos pos)
{
    struct tg_node *n = arena_calloc(a, 1, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    return n;
}

static const char *const kind_names[TG_NODE_KIND_COUNT] = {
    [TG_BAD_EXPR] = "bad", [TG_IDENT] = "ident", [TG_INT_LIT] = "int",
    [TG_FLOAT_LIT] = "float", [TG_CHAR_LIT] = "char", [TG_STRING_LIT] = "string",
    [TG_BOOL_LIT] = "bool", [TG_UNDEFINED_LIT] = "undefined", [TG_ARRAY_LIT] = "array",
    [TG_MAP_LIT] = "map", [TG_FUNC_LIT] = "func", [TG_UNARY_EXPR] = "unary",
    [TG_BINARY_EXPR] = "binary", [TG_COND_EXPR] = "cond", [TG_PAREN_EXPR] = "paren",
    [TG_SELECTOR_EXPR] = "selector", [TG_INDEX_EXPR] = "index", [TG_SLICE_EXPR] = "slice",
    [TG_CALL_EXPR] = "call", [TG_IMPORT_EXPR] = "import", [TG_ERROR_EXPR] = "error",
    [TG_IMMUTABLE_EXPR] = "immutable", [TG_BAD_STMT] = "badstmt", [TG_EMPTY_STMT] = "empty",
    [TG_EXPR_STMT] = "expr", [TG_ASSIGN_STMT] = "assign", [TG_INC_DEC_STMT] = "incdec",
    [TG_RETURN_STMT] = "return", [TG_EXPORT_STMT] = "export", [TG_BRANCH_STMT] = "branch",
    [TG_BLOCK_STMT] = "block", [TG_IF_STMT] = "if", [TG_FOR_STMT] = "for",
    [TG_FOR_IN_STMT] = "forin",
};

const char *tg_node_kind_name(enum tg_node_kind kind)
{
    if ((unsigned)kind < TG_NODE_KIND_COUNT && kind_names[kind])
        return kind_names[kind];
    return "?";
}

int tg_node_is_expr(const struct tg_node *n)
{
    return n->kind <= TG_IMMUTABLE_EXPR;
}

void tg_quote(buf_t *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    buf_putc(out, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c >= 0x80) {
            size_t len = utf8_seq_len(u + i, n - i);
            if (len) {
                buf_append(out, u + i, len);
                i += len;
                continue;
            }
        }
        i++;
        switch (c) {
        case '"': buf_puts(out, "\\\""); continue;
        case '\\': buf_puts(out, "\\\\"); continue;
        case '\n': buf_puts(out, "\\n"); continue;
        case '\t': buf_puts(out, "\\t"); continue;
        case '\r': buf_puts(out, "\\r"); continue;
        default: break;
        }
        if (c < 0x20 || c >= 0x7f) {
            char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
            buf_append(out, esc, 4);
        } else {
            buf_putc(out, (char)c);
        }
    }
    buf_putc(out, '"');
}

int tg_is_identifier(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0 || tg_token_lookup(s, n) != TK_IDENT)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t w;
        int32_t c = tg_utf8_decode(u + i, n - i, &w);
        if (c == 0xfffd && w == 1)
            return 0;
        if (!tg_uc_is_letter(c) && (i == 0 || !tg_uc_is_digit(c)))
            return 0;
        i += w;
    }
    return 1;
}
