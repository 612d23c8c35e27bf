/* token.h — Tengo's tokens, in the order of Go's token package (the ranges
 * literal / operator / keyword matter: the parser's messages print literal
 * tokens by their text and the others by their name). */
#ifndef TENGO_TOKEN_H
#define TENGO_TOKEN_H

#include <stddef.h>

enum tg_token {
    TK_ILLEGAL,
    TK_EOF,
    TK_COMMENT,
    /* literals */
    TK_IDENT,
    TK_INT,
    TK_FLOAT,
    TK_CHAR,
    TK_STRING,
    /* operators and delimiters */
    TK_ADD,            /* + */
    TK_SUB,            /* - */
    TK_MUL,            /* * */
    TK_QUO,            /* / */
    TK_REM,            /* % */
    TK_AND,            /* & */
    TK_OR,             /* | */
    TK_XOR,            /* ^ */
    TK_SHL,            /* << */
    TK_SHR,            /* >> */
    TK_AND_NOT,        /* &^ */
    TK_ADD_ASSIGN,     /* += */
    TK_SUB_ASSIGN,     /* -= */
    TK_MUL_ASSIGN,     /* *= */
    TK_QUO_ASSIGN,     /* /= */
    TK_REM_ASSIGN,     /* %= */
    TK_AND_ASSIGN,     /* &= */
    TK_OR_ASSIGN,      /* |= */
    TK_XOR_ASSIGN,     /* ^= */
    TK_SHL_ASSIGN,     /* <<= */
    TK_SHR_ASSIGN,     /* >>= */
    TK_AND_NOT_ASSIGN, /* &^= */
    TK_LAND,           /* && */
    TK_LOR,            /* || */
    TK_INC,            /* ++ */
    TK_DEC,            /* -- */
    TK_EQUAL,          /* == */
    TK_LESS,           /* < */
    TK_GREATER,        /* > */
    TK_ASSIGN,         /* = */
    TK_NOT,            /* ! */
    TK_NOT_EQUAL,      /* != */
    TK_LESS_EQ,        /* <= */
    TK_GREATER_EQ,     /* >= */
    TK_DEFINE,         /* := */
    TK_ELLIPSIS,       /* ... */
    TK_LPAREN,         /* ( */
    TK_LBRACK,         /* [ */
    TK_LBRACE,         /* { */
    TK_COMMA,          /* , */
    TK_PERIOD,         /* . */
    TK_RPAREN,         /* ) */
    TK_RBRACK,         /* ] */
    TK_RBRACE,         /* } */
    TK_SEMICOLON,      /* ; (also inserted at line ends, literal "\n") */
    TK_COLON,          /* : */
    TK_QUESTION,       /* ? */
    /* keywords */
    TK_BREAK,
    TK_CONTINUE,
    TK_ELSE,
    TK_FOR,
    TK_FUNC,
    TK_ERROR,
    TK_IMMUTABLE,
    TK_IF,
    TK_RETURN,
    TK_EXPORT,
    TK_TRUE,
    TK_FALSE,
    TK_IN,
    TK_UNDEFINED,
    TK_IMPORT,
    TK_COUNT
};

/* Go's Token.String(): "+", "break", "IDENT", "EOF", "ILLEGAL", … */
const char *tg_token_str(enum tg_token t);
/* Binary operator precedence: 5 (* / % << >> & &^), 4 (+ - | ^),
 * 3 (comparisons), 2 (&&), 1 (||); 0 for anything else. */
int tg_token_precedence(enum tg_token t);
int tg_token_is_literal(enum tg_token t);
int tg_token_is_operator(enum tg_token t);
int tg_token_is_keyword(enum tg_token t);
/* The keyword spelled s[0..n), or TK_IDENT. */
enum tg_token tg_token_lookup(const char *s, size_t n);

#endif
