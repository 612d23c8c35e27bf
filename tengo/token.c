/* token.c — names, precedence and keyword lookup of Tengo's tokens. */
#include "token.h"

#include <string.h>

static const char *const token_names[TK_COUNT] = {
    [TK_ILLEGAL] = "ILLEGAL", [TK_EOF] = "EOF", [TK_COMMENT] = "COMMENT",
    [TK_IDENT] = "IDENT", [TK_INT] = "INT", [TK_FLOAT] = "FLOAT",
    [TK_CHAR] = "CHAR", [TK_STRING] = "STRING",
    [TK_ADD] = "+", [TK_SUB] = "-", [TK_MUL] = "*", [TK_QUO] = "/", [TK_REM] = "%",
    [TK_AND] = "&", [TK_OR] = "|", [TK_XOR] = "^", [TK_SHL] = "<<", [TK_SHR] = ">>",
    [TK_AND_NOT] = "&^", [TK_ADD_ASSIGN] = "+=", [TK_SUB_ASSIGN] = "-=",
    [TK_MUL_ASSIGN] = "*=", [TK_QUO_ASSIGN] = "/=", [TK_REM_ASSIGN] = "%=",
    [TK_AND_ASSIGN] = "&=", [TK_OR_ASSIGN] = "|=", [TK_XOR_ASSIGN] = "^=",
    [TK_SHL_ASSIGN] = "<<=", [TK_SHR_ASSIGN] = ">>=", [TK_AND_NOT_ASSIGN] = "&^=",
    [TK_LAND] = "&&", [TK_LOR] = "||", [TK_INC] = "++", [TK_DEC] = "--",
    [TK_EQUAL] = "==", [TK_LESS] = "<", [TK_GREATER] = ">", [TK_ASSIGN] = "=",
    [TK_NOT] = "!", [TK_NOT_EQUAL] = "!=", [TK_LESS_EQ] = "<=", [TK_GREATER_EQ] = ">=",
    [TK_DEFINE] = ":=", [TK_ELLIPSIS] = "...", [TK_LPAREN] = "(", [TK_LBRACK] = "[",
    [TK_LBRACE] = "{", [TK_COMMA] = ",", [TK_PERIOD] = ".", [TK_RPAREN] = ")",
    [TK_RBRACK] = "]", [TK_RBRACE] = "}", [TK_SEMICOLON] = ";", [TK_COLON] = ":",
    [TK_QUESTION] = "?",
    [TK_BREAK] = "break", [TK_CONTINUE] = "continue", [TK_ELSE] = "else",
    [TK_FOR] = "for", [TK_FUNC] = "func", [TK_ERROR] = "error",
    [TK_IMMUTABLE] = "immutable", [TK_IF] = "if", [TK_RETURN] = "return",
    [TK_EXPORT] = "export", [TK_TRUE] = "true", [TK_FALSE] = "false", [TK_IN] = "in",
    [TK_UNDEFINED] = "undefined", [TK_IMPORT] = "import",
};

const char *tg_token_str(enum tg_token t)
{
    if ((unsigned)t < TK_COUNT && token_names[t])
        return token_names[t];
    return "token(?)";
}

int tg_token_precedence(enum tg_token t)
{
    switch (t) {
    case TK_LOR:
        return 1;
    case TK_LAND:
        return 2;
    case TK_EQUAL: case TK_NOT_EQUAL: case TK_LESS: case TK_LESS_EQ:
    case TK_GREATER: case TK_GREATER_EQ:
        return 3;
    case TK_ADD: case TK_SUB: case TK_OR: case TK_XOR:
        return 4;
    case TK_MUL: case TK_QUO: case TK_REM: case TK_SHL: case TK_SHR:
    case TK_AND: case TK_AND_NOT:
        return 5;
    default:
        return 0;
    }
}

int tg_token_is_literal(enum tg_token t)
{
    return t >= TK_IDENT && t <= TK_STRING;
}

int tg_token_is_operator(enum tg_token t)
{
    return t >= TK_ADD && t <= TK_QUESTION;
}

int tg_token_is_keyword(enum tg_token t)
{
    return t >= TK_BREAK && t <= TK_IMPORT;
}

enum tg_token tg_token_lookup(const char *s, size_t n)
{
    if (n < 2 || n > 9)
        return TK_IDENT;
    for (int t = TK_BREAK; t <= TK_IMPORT; t++)
        if (strlen(token_names[t]) == n && memcmp(token_names[t], s, n) == 0)
            return (enum tg_token)t;
    return TK_IDENT;
}
