/* test_tengo_lexer.c — the Tengo scanner (tengo/lexer.c) and the
 * literal decoders (literal.c).
 *
 * The table's expectations were produced by Tengo's own Go scanner on the
 * same inputs (Tengo's scanner test table laid out over many lines, then
 * semicolon insertion, comments, numbers, escapes and every error): every
 * token with its literal and line:column, every error with its position, in
 * the order reported. Format: " TOKEN|literal@line:col" (\\ \n \r \t escaped
 * in literals, "?" for ILLEGAL) and " !line:col:message" for errors. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cunit_main.h"
#include "lexer.h"
#include "literal.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define S(lit) lit, sizeof lit - 1 /* a literal and its length, NULs included */

struct scan_case {
    const char *src;
    size_t len;
    unsigned mode;
    const char *want;
    size_t want_len;
};

static const struct scan_case scan_cases[] = {
    { S("/* a comment */\n   \n // a comment \n       \n      \n      \n  /*\015*/    \n   /**\015/*/ \n     \n    /**\015\015/*/        \n \n \n     //\015\n     \n      foobar  \n\n       a\333\260\333\261\333\270         \n   \n   \n        foo\340\245\254\340\245\252      \n         bar\357\274\231\357\274\230\357\274\227\357\274\226   \n  \n\305\235\n     \n     \n \305\235foo       \n  0    \n    \n   1 \n\n\n    123456789012345678890        \n     01234567     \n      \n      0xcafebabe  \n  \n  \n       0.         \n        .0      \n \n         3.14159265   \n    \n    \n1e0\n 1e+100       \n   \n  1e-100    \n      \n      \n   2.71828e-1000 \n    'a'        \n     \n     '\\000'     \n \n \n      '\\xFF'  \n       '\\uff16'         \n\n        '\\U0000ff16'      \n   \n   \n         `foobar`   \n`foo\n\t                        bar`\n  \n `\015`       \n     \n     \n  `foo\015\nbar`    \n   + \n    \n    -        \n\n\n     *     \n      /  \n      \n       %         \n  \n  \n        &      \n         |   \n \n^\n    \n    \n <<       \n  >>    \n   \n   &^ \n      \n      \n    +=        \n     -=     \n     \n      *=  \n \n \n       /=         \n        %=      \n\n         &=   \n   \n   \n|=\n ^=       \n  \n  <<=    \n     \n     \n   >>= \n    &^=        \n    \n     &&     \n\n\n      ||  \n       ++         \n      \n        --      \n  \n  \n         ==   \n<\n \n >       \n    \n    \n  =    \n   ! \n   \n    !=        \n      \n      \n     <=     \n      >=  \n     \n       :=         \n \n \n        ...      \n         (   \n\n[\n   \n   \n {       \n  ,    \n  \n   . \n     \n     \n    )        \n     ]     \n    \n      }  \n\n\n       ;         \n        :      \n      \n         \?   \n  \n  \nbreak\n continue       \n \n  else    \n    \n    \n   for \n    func        \n   \n     if     \n      \n      \n      return  \n       export         \n     \n        error      \n \n \n         immutable   \ntrue\n\n false       \n   \n   \n  in    \n   undefined \n  \n    import        "), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" COMMENT|/* a comment */@1:1 COMMENT|// a comment @3:2 COMMENT|/**/@7:3 COMMENT|/**\\r/*/@8:4 COMMENT|/**\\r/*/@10:5 COMMENT|//@13:6 IDENT|foobar@15:7 IDENT|a\333\260\333\261\333\270@17:8 IDENT|foo\340\245\254\340\245\252@20:9 IDENT|bar\357\274\231\357\274\230\357\274\227\357\274\226@21:10 IDENT|\305\235@23:1 IDENT|\305\235foo@26:2 INT|0@27:3 INT|1@29:4 INT|123456789012345678890@32:5 INT|01234567@33:6 INT|0xcafebabe@35:7 FLOAT|0.@38:8 FLOAT|.0@39:9 FLOAT|3.14159265@41:10 FLOAT|1e0@44:1 FLOAT|1e+100@45:2 FLOAT|1e-100@47:3 FLOAT|2.71828e-1000@50:4 CHAR|'a'@51:5 CHAR|'\\\\000'@53:6 CHAR|'\\\\xFF'@56:7 CHAR|'\\\\uff16'@57:8 CHAR|'\\\\U0000ff16'@59:9 STRING|`foobar`@62:10 STRING|`foo\\n\\t                        bar`@63:1 STRING|``@66:2 STRING|`foo\\nbar`@69:3 +|@71:4 -|@73:5 *|@76:6 /|@77:7 %|@79:8 &|@82:9 ||@83:10 ^|@85:1 <<|@88:2 >>|@89:3 &^|@91:4 +=|@94:5 -=|@95:6 *=|@97:7 /=|@100:8 %=|@101:9 &=|@103:10 |=|@106:1 ^=|@107:2 <<=|@109:3 >>=|@112:4 &^=|@113:5 &&|@115:6 |||@118:7 ++|@119:8 --|@121:9 ==|@124:10 <|@125:1 >|@127:2 =|@130:3 !|@131:4 !=|@133:5 <=|@136:6 >=|@137:7 :=|@139:8 ...|@142:9 (|@143:10 [|@145:1 {|@148:2 ,|@149:3 .|@151:4 )|@154:5 ]|@155:6 }|@157:7 ;|;@160:8 :|@161:9 \?|@163:10 break|break@166:1 continue|continue@167:2 else|else@169:3 for|for@172:4 func|func@173:5 if|if@175:6 return|return@178:7 export|export@179:8 error|error@181:9 immutable|immutable@184:10 true|true@185:1 false|false@187:2 in|in@190:3 undefined|undefined@191:4 import|import@193:5 EOF|@193:19") },
    { S("/* a comment */\n   \n // a comment \n       \n      \n      \n  /*\015*/    \n   /**\015/*/ \n     \n    /**\015\015/*/        \n \n \n     //\015\n     \n      foobar  \n\n       a\333\260\333\261\333\270         \n   \n   \n        foo\340\245\254\340\245\252      \n         bar\357\274\231\357\274\230\357\274\227\357\274\226   \n  \n\305\235\n     \n     \n \305\235foo       \n  0    \n    \n   1 \n\n\n    123456789012345678890        \n     01234567     \n      \n      0xcafebabe  \n  \n  \n       0.         \n        .0      \n \n         3.14159265   \n    \n    \n1e0\n 1e+100       \n   \n  1e-100    \n      \n      \n   2.71828e-1000 \n    'a'        \n     \n     '\\000'     \n \n \n      '\\xFF'  \n       '\\uff16'         \n\n        '\\U0000ff16'      \n   \n   \n         `foobar`   \n`foo\n\t                        bar`\n  \n `\015`       \n     \n     \n  `foo\015\nbar`    \n   + \n    \n    -        \n\n\n     *     \n      /  \n      \n       %         \n  \n  \n        &      \n         |   \n \n^\n    \n    \n <<       \n  >>    \n   \n   &^ \n      \n      \n    +=        \n     -=     \n     \n      *=  \n \n \n       /=         \n        %=      \n\n         &=   \n   \n   \n|=\n ^=       \n  \n  <<=    \n     \n     \n   >>= \n    &^=        \n    \n     &&     \n\n\n      ||  \n       ++         \n      \n        --      \n  \n  \n         ==   \n<\n \n >       \n    \n    \n  =    \n   ! \n   \n    !=        \n      \n      \n     <=     \n      >=  \n     \n       :=         \n \n \n        ...      \n         (   \n\n[\n   \n   \n {       \n  ,    \n  \n   . \n     \n     \n    )        \n     ]     \n    \n      }  \n\n\n       ;         \n        :      \n      \n         \?   \n  \n  \nbreak\n continue       \n \n  else    \n    \n    \n   for \n    func        \n   \n     if     \n      \n      \n      return  \n       export         \n     \n        error      \n \n \n         immutable   \ntrue\n\n false       \n   \n   \n  in    \n   undefined \n  \n    import        "), 0,
      S(" IDENT|foobar@15:7 ;|\\n@15:15 IDENT|a\333\260\333\261\333\270@17:8 ;|\\n@17:24 IDENT|foo\340\245\254\340\245\252@20:9 ;|\\n@20:24 IDENT|bar\357\274\231\357\274\230\357\274\227\357\274\226@21:10 ;|\\n@21:28 IDENT|\305\235@23:1 ;|\\n@23:3 IDENT|\305\235foo@26:2 ;|\\n@26:14 INT|0@27:3 ;|\\n@27:8 INT|1@29:4 ;|\\n@29:6 INT|123456789012345678890@32:5 ;|\\n@32:34 INT|01234567@33:6 ;|\\n@33:19 INT|0xcafebabe@35:7 ;|\\n@35:19 FLOAT|0.@38:8 ;|\\n@38:19 FLOAT|.0@39:9 ;|\\n@39:17 FLOAT|3.14159265@41:10 ;|\\n@41:23 FLOAT|1e0@44:1 ;|\\n@44:4 FLOAT|1e+100@45:2 ;|\\n@45:15 FLOAT|1e-100@47:3 ;|\\n@47:13 FLOAT|2.71828e-1000@50:4 ;|\\n@50:18 CHAR|'a'@51:5 ;|\\n@51:16 CHAR|'\\\\000'@53:6 ;|\\n@53:17 CHAR|'\\\\xFF'@56:7 ;|\\n@56:15 CHAR|'\\\\uff16'@57:8 ;|\\n@57:25 CHAR|'\\\\U0000ff16'@59:9 ;|\\n@59:27 STRING|`foobar`@62:10 ;|\\n@62:21 STRING|`foo\\n\\t                        bar`@63:1 ;|\\n@64:30 STRING|``@66:2 ;|\\n@66:12 STRING|`foo\\nbar`@69:3 ;|\\n@70:9 +|@71:4 -|@73:5 *|@76:6 /|@77:7 %|@79:8 &|@82:9 ||@83:10 ^|@85:1 <<|@88:2 >>|@89:3 &^|@91:4 +=|@94:5 -=|@95:6 *=|@97:7 /=|@100:8 %=|@101:9 &=|@103:10 |=|@106:1 ^=|@107:2 <<=|@109:3 >>=|@112:4 &^=|@113:5 &&|@115:6 |||@118:7 ++|@119:8 ;|\\n@119:19 --|@121:9 ;|\\n@121:17 ==|@124:10 <|@125:1 >|@127:2 =|@130:3 !|@131:4 !=|@133:5 <=|@136:6 >=|@137:7 :=|@139:8 ...|@142:9 (|@143:10 [|@145:1 {|@148:2 ,|@149:3 .|@151:4 )|@154:5 ;|\\n@154:14 ]|@155:6 ;|\\n@155:12 }|@157:7 ;|\\n@157:10 ;|;@160:8 :|@161:9 \?|@163:10 break|break@166:1 ;|\\n@166:6 continue|continue@167:2 ;|\\n@167:17 else|else@169:3 for|for@172:4 func|func@173:5 if|if@175:6 return|return@178:7 ;|\\n@178:15 export|export@179:8 ;|\\n@179:23 error|error@181:9 immutable|immutable@184:10 true|true@185:1 ;|\\n@185:5 false|false@187:2 ;|\\n@187:14 in|in@190:3 undefined|undefined@191:4 ;|\\n@191:14 import|import@193:5 EOF|@193:19") },
    { S("a\n"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:2 EOF|@1:3") },
    { S("a"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:2 EOF|@1:2") },
    { S("a;"), 0,
      S(" IDENT|a@1:1 ;|;@1:2 EOF|@1:3") },
    { S("1\n"), 0,
      S(" INT|1@1:1 ;|\\n@1:2 EOF|@1:3") },
    { S("1.5\n"), 0,
      S(" FLOAT|1.5@1:1 ;|\\n@1:4 EOF|@1:5") },
    { S("'c'\n"), 0,
      S(" CHAR|'c'@1:1 ;|\\n@1:4 EOF|@1:5") },
    { S("\"s\"\n"), 0,
      S(" STRING|\"s\"@1:1 ;|\\n@1:4 EOF|@1:5") },
    { S("`r`\n"), 0,
      S(" STRING|`r`@1:1 ;|\\n@1:4 EOF|@1:5") },
    { S("break\n"), 0,
      S(" break|break@1:1 ;|\\n@1:6 EOF|@1:7") },
    { S("continue\n"), 0,
      S(" continue|continue@1:1 ;|\\n@1:9 EOF|@1:10") },
    { S("return\n"), 0,
      S(" return|return@1:1 ;|\\n@1:7 EOF|@1:8") },
    { S("export\n"), 0,
      S(" export|export@1:1 ;|\\n@1:7 EOF|@1:8") },
    { S("true\n"), 0,
      S(" true|true@1:1 ;|\\n@1:5 EOF|@1:6") },
    { S("false\n"), 0,
      S(" false|false@1:1 ;|\\n@1:6 EOF|@1:7") },
    { S("undefined\n"), 0,
      S(" undefined|undefined@1:1 ;|\\n@1:10 EOF|@1:11") },
    { S("else\n"), 0,
      S(" else|else@1:1 EOF|@1:6") },
    { S("func\n"), 0,
      S(" func|func@1:1 EOF|@1:6") },
    { S("for\n"), 0,
      S(" for|for@1:1 EOF|@1:5") },
    { S("if\n"), 0,
      S(" if|if@1:1 EOF|@1:4") },
    { S("in\n"), 0,
      S(" in|in@1:1 EOF|@1:4") },
    { S("import\n"), 0,
      S(" import|import@1:1 EOF|@1:8") },
    { S("error\n"), 0,
      S(" error|error@1:1 EOF|@1:7") },
    { S("immutable\n"), 0,
      S(" immutable|immutable@1:1 EOF|@1:11") },
    { S(")\n"), 0,
      S(" )|@1:1 ;|\\n@1:2 EOF|@1:3") },
    { S("]\n"), 0,
      S(" ]|@1:1 ;|\\n@1:2 EOF|@1:3") },
    { S("}\n"), 0,
      S(" }|@1:1 ;|\\n@1:2 EOF|@1:3") },
    { S("(\n"), 0,
      S(" (|@1:1 EOF|@1:3") },
    { S("[\n"), 0,
      S(" [|@1:1 EOF|@1:3") },
    { S("{\n"), 0,
      S(" {|@1:1 EOF|@1:3") },
    { S("x++\n"), 0,
      S(" IDENT|x@1:1 ++|@1:2 ;|\\n@1:4 EOF|@1:5") },
    { S("x--\n"), 0,
      S(" IDENT|x@1:1 --|@1:2 ;|\\n@1:4 EOF|@1:5") },
    { S("x+\n"), 0,
      S(" IDENT|x@1:1 +|@1:2 EOF|@1:4") },
    { S("a // comment\nb"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:1 ;|\\n@2:2 EOF|@2:2") },
    { S("a /* c */\nb"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:1 ;|\\n@2:2 EOF|@2:2") },
    { S("a /* c */ b"), 0,
      S(" IDENT|a@1:1 IDENT|b@1:11 ;|\\n@1:12 EOF|@1:12") },
    { S("a /* multi\nline */ b"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:9 ;|\\n@2:10 EOF|@2:10") },
    { S("a /* c */ /* d */\nb"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:1 ;|\\n@2:2 EOF|@2:2") },
    { S("a /* c */ // d\nb"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:1 ;|\\n@2:2 EOF|@2:2") },
    { S("a\n\n\nb"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:2 IDENT|b@4:1 ;|\\n@4:2 EOF|@4:2") },
    { S("a /* unterminated"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 !1:3:comment not terminated EOF|@1:18") },
    { S("return // x"), 0,
      S(" return|return@1:1 ;|\\n@1:8 EOF|@1:12") },
    { S("x /* c */ + y"), 0,
      S(" IDENT|x@1:1 +|@1:11 IDENT|y@1:13 ;|\\n@1:14 EOF|@1:14") },
    { S("a /* c */ /"), 0,
      S(" IDENT|a@1:1 /|@1:11 EOF|@1:12") },
    { S("a /* c */ / b"), 0,
      S(" IDENT|a@1:1 /|@1:11 IDENT|b@1:13 ;|\\n@1:14 EOF|@1:14") },
    { S("a\015\nb\015\n"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:1 ;|\\n@2:3 EOF|@2:4") },
    { S("a //\015\n"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 EOF|@1:7") },
    { S("x\n"), 0,
      S(" IDENT|x@1:1 ;|\\n@1:2 EOF|@1:3") },
    { S("x\n\n"), 0,
      S(" IDENT|x@1:1 ;|\\n@1:2 EOF|@2:2") },
    { S("a\nb"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:2 IDENT|b@2:1 ;|\\n@2:2 EOF|@2:2") },
    { S("`a\nb` c"), 0,
      S(" STRING|`a\\nb`@1:1 IDENT|c@2:4 ;|\\n@2:5 EOF|@2:5") },
    { S("\t@"), 0,
      S(" !1:2:illegal character U+0040 '@' ILLEGAL|\?@1:2 EOF|@1:3") },
    { S("\303\251@"), 0,
      S(" IDENT|\303\251@1:1 !1:3:illegal character U+0040 '@' ILLEGAL|\?@1:3 ;|\\n@1:4 EOF|@1:4") },
    { S("\357\273\277a"), 0,
      S(" IDENT|a@1:4 ;|\\n@1:5 EOF|@1:5") },
    { S("a\357\273\277b"), 0,
      S(" !1:2:illegal byte order mark IDENT|a@1:1 ILLEGAL|\?@1:2 IDENT|b@1:5 ;|\\n@1:6 EOF|@1:6") },
    { S("\357\273\277\357\273\277"), 0,
      S(" !1:4:illegal byte order mark ILLEGAL|\?@1:4 EOF|@1:7") },
    { S("@"), 0,
      S(" !1:1:illegal character U+0040 '@' ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("#"), 0,
      S(" !1:1:illegal character U+0023 '#' ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("$"), 0,
      S(" !1:1:illegal character U+0024 '$' ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("\\"), 0,
      S(" !1:1:illegal character U+005C '\\' ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("~"), 0,
      S(" !1:1:illegal character U+007E '~' ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("a\000"), 0,
      S(" !1:2:illegal character NUL IDENT|a@1:1 !1:2:illegal character U+0000 ILLEGAL|\?@1:2 ;|\\n@1:3 EOF|@1:3") },
    { S("\303\277"), 0,
      S(" IDENT|\303\277@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("\303\200\302\200"), 0,
      S(" IDENT|\303\200@1:1 !1:3:illegal character U+0080 ILLEGAL|\?@1:3 ;|\\n@1:5 EOF|@1:5") },
    { S("\303\255\302\240\302\200"), 0,
      S(" IDENT|\303\255@1:1 !1:3:illegal character U+00A0 ILLEGAL|\?@1:3 !1:5:illegal character U+0080 ILLEGAL|\?@1:5 ;|\\n@1:7 EOF|@1:7") },
    { S("\342\202\254"), 0,
      S(" !1:1:illegal character U+20AC '\342\202\254' ILLEGAL|\?@1:1 EOF|@1:4") },
    { S("\302\240"), 0,
      S(" !1:1:illegal character U+00A0 ILLEGAL|\?@1:1 EOF|@1:3") },
    { S("\331\243"), 0,
      S(" !1:1:illegal character U+0663 '\331\243' ILLEGAL|\?@1:1 EOF|@1:3") },
    { S("\001"), 0,
      S(" !1:1:illegal character U+0001 ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("\177"), 0,
      S(" !1:1:illegal character U+007F ILLEGAL|\?@1:1 EOF|@1:2") },
    { S("\"abc"), 0,
      S(" !1:1:string literal not terminated STRING|\"abc@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("\"a\nb\""), 0,
      S(" !1:1:string literal not terminated STRING|\"a@1:1 ;|\\n@1:3 IDENT|b@2:1 !2:2:string literal not terminated STRING|\"@2:2 ;|\\n@2:3 EOF|@2:3") },
    { S("`abc"), 0,
      S(" !1:1:raw string literal not terminated STRING|`abc@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("'a"), 0,
      S(" !1:1:rune literal not terminated CHAR|'a@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("''"), 0,
      S(" !1:1:illegal rune literal CHAR|''@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("'ab'"), 0,
      S(" !1:1:illegal rune literal CHAR|'ab'@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("\"\\q\""), 0,
      S(" !1:3:unknown escape sequence STRING|\"\\\\q\"@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("\"\\x4g\""), 0,
      S(" !1:5:illegal character U+0067 'g' in escape sequence STRING|\"\\\\x4g\"@1:1 ;|\\n@1:7 EOF|@1:7") },
    { S("\"\\uD800\""), 0,
      S(" !1:3:escape sequence is invalid Unicode code point STRING|\"\\\\uD800\"@1:1 ;|\\n@1:9 EOF|@1:9") },
    { S("\"\\U00110000\""), 0,
      S(" !1:3:escape sequence is invalid Unicode code point STRING|\"\\\\U00110000\"@1:1 ;|\\n@1:13 EOF|@1:13") },
    { S("\"\\400\""), 0,
      S(" !1:3:escape sequence is invalid Unicode code point STRING|\"\\\\400\"@1:1 ;|\\n@1:7 EOF|@1:7") },
    { S("'\\"), 0,
      S(" !1:3:escape sequence not terminated CHAR|'\\\\@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("\"\\x4"), 0,
      S(" !1:5:escape sequence not terminated !1:1:string literal not terminated STRING|\"\\\\x4@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("\"\\"), 0,
      S(" !1:3:escape sequence not terminated !1:1:string literal not terminated STRING|\"\\\\@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("/* abc"), 0,
      S(" !1:1:comment not terminated EOF|@1:7") },
    { S("1e+"), 0,
      S(" !1:1:illegal floating-point exponent FLOAT|1e+@1:1 ;|\\n@1:4 EOF|@1:4") },
    { S("1e"), 0,
      S(" !1:1:illegal floating-point exponent FLOAT|1e@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("0x"), 0,
      S(" !1:1:illegal hexadecimal number INT|0x@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("0b12"), 0,
      S(" INT|0@1:1 IDENT|b12@1:2 ;|\\n@1:5 EOF|@1:5") },
    { S("1.2.3"), 0,
      S(" FLOAT|1.2@1:1 FLOAT|.3@1:4 ;|\\n@1:6 EOF|@1:6") },
    { S("x.5"), 0,
      S(" IDENT|x@1:1 FLOAT|.5@1:2 ;|\\n@1:4 EOF|@1:4") },
    { S("0x15e+2"), 0,
      S(" INT|0x15e@1:1 +|@1:6 INT|2@1:7 ;|\\n@1:8 EOF|@1:8") },
    { S(".."), 0,
      S(" .|@1:1 .|@1:2 EOF|@1:3") },
    { S("...."), 0,
      S(" ...|@1:1 .|@1:4 EOF|@1:5") },
    { S("."), 0,
      S(" .|@1:1 EOF|@1:2") },
    { S("&^="), 0,
      S(" &^=|@1:1 EOF|@1:4") },
    { S("&&="), 0,
      S(" &&|@1:1 =|@1:3 EOF|@1:4") },
    { S("<<<"), 0,
      S(" <<|@1:1 <|@1:3 EOF|@1:4") },
    { S(">>>="), 0,
      S(" >>|@1:1 >=|@1:3 EOF|@1:5") },
    { S("a := b"), 0,
      S(" IDENT|a@1:1 :=|@1:3 IDENT|b@1:6 ;|\\n@1:7 EOF|@1:7") },
    { S("a:b"), 0,
      S(" IDENT|a@1:1 :|@1:2 IDENT|b@1:3 ;|\\n@1:4 EOF|@1:4") },
    { S("0o17"), 0,
      S(" INT|0@1:1 IDENT|o17@1:2 ;|\\n@1:5 EOF|@1:5") },
    { S("0O17"), 0,
      S(" INT|0@1:1 IDENT|O17@1:2 ;|\\n@1:5 EOF|@1:5") },
    { S("0B1"), 0,
      S(" INT|0@1:1 IDENT|B1@1:2 ;|\\n@1:4 EOF|@1:4") },
    { S("0XfF"), 0,
      S(" INT|0XfF@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("1_000"), 0,
      S(" INT|1@1:1 IDENT|_000@1:2 ;|\\n@1:6 EOF|@1:6") },
    { S("0x1p-2"), 0,
      S(" INT|0x1@1:1 IDENT|p@1:4 -|@1:5 INT|2@1:6 ;|\\n@1:7 EOF|@1:7") },
    { S("1p3"), 0,
      S(" INT|1@1:1 IDENT|p3@1:2 ;|\\n@1:4 EOF|@1:4") },
    { S("0b1e1"), 0,
      S(" INT|0@1:1 IDENT|b1e1@1:2 ;|\\n@1:6 EOF|@1:6") },
    { S("08.5"), 0,
      S(" FLOAT|08.5@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("'\\''"), 0,
      S(" CHAR|'\\\\''@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("\"\\\"\""), 0,
      S(" STRING|\"\\\\\"\"@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("'\"'"), 0,
      S(" CHAR|'\"'@1:1 ;|\\n@1:4 EOF|@1:4") },
    { S("x := 1 // done"), 0,
      S(" IDENT|x@1:1 :=|@1:3 INT|1@1:6 ;|\\n@1:8 EOF|@1:15") },
    { S("//c\nx"), 0,
      S(" IDENT|x@2:1 ;|\\n@2:2 EOF|@2:2") },
    { S("/*c*/x"), 0,
      S(" IDENT|x@1:6 ;|\\n@1:7 EOF|@1:7") },
    { S("x/*c*/"), 0,
      S(" IDENT|x@1:1 ;|\\n@1:2 EOF|@1:7") },
    { S("x/*\n*/"), 0,
      S(" IDENT|x@1:1 ;|\\n@1:2 EOF|@2:3") },
    { S("x/**/\n"), 0,
      S(" IDENT|x@1:1 ;|\\n@1:2 EOF|@1:7") },
    { S("a\015"), 0,
      S(" IDENT|a@1:1 ;|\\n@1:3 EOF|@1:3") },
    { S("/*\000*/"), 0,
      S(" !1:3:illegal character NUL EOF|@1:6") },
    { S("a /*\000\n*/ b"), 0,
      S(" IDENT|a@1:1 !1:5:illegal character NUL ;|\\n@1:3 !1:5:illegal character NUL IDENT|b@2:4 ;|\\n@2:5 EOF|@2:5") },
    { S("\"\000\""), 0,
      S(" !1:2:illegal character NUL STRING|\"\000\"@1:1 ;|\\n@1:4 EOF|@1:4") },
    { S("`\000`"), 0,
      S(" !1:2:illegal character NUL STRING|`\000`@1:1 ;|\\n@1:4 EOF|@1:4") },
    { S("'\303\277'"), 0,
      S(" CHAR|'\303\277'@1:1 ;|\\n@1:5 EOF|@1:5") },
    { S("ident\303\277x"), 0,
      S(" IDENT|ident\303\277x@1:1 ;|\\n@1:9 EOF|@1:9") },
    { S("a // comment\nb"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|// comment@1:3 IDENT|b@2:1 EOF|@2:2") },
    { S("a /* c */\nb"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* c */@1:3 IDENT|b@2:1 EOF|@2:2") },
    { S("a /* c */ b"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* c */@1:3 IDENT|b@1:11 EOF|@1:12") },
    { S("a /* multi\nline */ b"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* multi\\nline */@1:3 IDENT|b@2:9 EOF|@2:10") },
    { S("a /* c */ /* d */\nb"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* c */@1:3 COMMENT|/* d */@1:11 IDENT|b@2:1 EOF|@2:2") },
    { S("a /* c */ // d\nb"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* c */@1:3 COMMENT|// d@1:11 IDENT|b@2:1 EOF|@2:2") },
    { S("a\n\n\nb"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 IDENT|b@4:1 EOF|@4:2") },
    { S("a /* unterminated"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 !1:3:comment not terminated COMMENT|/* unterminated@1:3 EOF|@1:18") },
    { S("return // x"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" return|return@1:1 COMMENT|// x@1:8 EOF|@1:12") },
    { S("x /* c */ + y"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|x@1:1 COMMENT|/* c */@1:3 +|@1:11 IDENT|y@1:13 EOF|@1:14") },
    { S("a /* c */ /"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* c */@1:3 /|@1:11 EOF|@1:12") },
    { S("a /* c */ / b"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|/* c */@1:3 /|@1:11 IDENT|b@1:13 EOF|@1:14") },
    { S("a\015\nb\015\n"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 IDENT|b@2:1 EOF|@2:4") },
    { S("a //\015\n"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|a@1:1 COMMENT|//@1:3 EOF|@1:7") },
    { S("x\n"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|x@1:1 EOF|@1:3") },
    { S("x\n\n"), TG_SCAN_COMMENTS | TG_SCAN_DONT_INSERT_SEMIS,
      S(" IDENT|x@1:1 EOF|@2:2") },
};

static void esc(buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: buf_append(b, s + i, 1); break;
        }
    }
}

static void on_error(void *ctx, struct tg_pos pos, const char *msg)
{
    buf_printf(ctx, " !%u:%u:%s", pos.line, pos.column, msg);
}

/* All tokens of src in the table's format; 0 when the scan did not end. */
static int scan_all(buf_t *out, const char *src, size_t n, unsigned mode)
{
    arena_t *a = arena_new(0);
    struct tg_lexer l;
    struct tg_tok t;
    int ended = 0;
    tg_lexer_init(&l, a, src, n, mode, on_error, out);
    /* every token takes at least one byte, or is one inserted semicolon */
    for (size_t i = 0; i < 2 * n + 3 && !ended; i++) {
        tg_lexer_scan(&l, &t);
        buf_printf(out, " %s|", tg_token_str(t.tok));
        if (t.tok == TK_ILLEGAL)
            buf_puts(out, "?");
        else
            esc(out, t.lit, t.lit_len);
        buf_printf(out, "@%u:%u", t.pos.line, t.pos.column);
        ended = t.tok == TK_EOF;
    }
    arena_free(a);
    return ended;
}

static void test_lexer_matches_tengo_on_every_table_case(void)
{
    size_t n = sizeof scan_cases / sizeof scan_cases[0], failed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct scan_case *c = &scan_cases[i];
        buf_t got = BUF_INIT;
        scan_all(&got, c->src, c->len, c->mode);
        if (got.len != c->want_len || memcmp(buf_cstr(&got), c->want, got.len) != 0) {
            failed++;
            fprintf(stderr, "\ncase %zu: %s\n  got:  %s\n  want: %s\n", i, c->src, buf_cstr(&got), c->want);
        }
        buf_free(&got);
    }
    CU_ASSERT_EQUAL(failed, 0);
}

/* One token of src (mode 0) and the errors of the whole scan. */
static void scan_expect(const char *src, const char *want)
{
    buf_t got = BUF_INIT;
    CU_ASSERT_TRUE(scan_all(&got, src, strlen(src), 0));
    if (strcmp(buf_cstr(&got), want) != 0)
        fprintf(stderr, "\n%s\n  got:  %s\n  want: %s\n", src, buf_cstr(&got), want);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), want);
    buf_free(&got);
}

static void test_lexer_inserts_semicolon_at_newline_after_operand_tokens(void)
{
    scan_expect("x\n", " IDENT|x@1:1 ;|\\n@1:2 EOF|@1:3");
    scan_expect("f()\n", " IDENT|f@1:1 (|@1:2 )|@1:3 ;|\\n@1:4 EOF|@1:5");
    scan_expect("x+\ny", " IDENT|x@1:1 +|@1:2 IDENT|y@2:1 ;|\\n@2:2 EOF|@2:2");
    scan_expect("for\nx", " for|for@1:1 IDENT|x@2:1 ;|\\n@2:2 EOF|@2:2");
}

static void test_lexer_comment_ending_a_line_becomes_the_semicolon(void)
{
    /* the semicolon takes the comment's position; the comment is skipped */
    scan_expect("a // c\nb", " IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:1 ;|\\n@2:2 EOF|@2:2");
    scan_expect("a /* c */ b", " IDENT|a@1:1 IDENT|b@1:11 ;|\\n@1:12 EOF|@1:12");
    scan_expect("a /* x\ny */ b", " IDENT|a@1:1 ;|\\n@1:3 IDENT|b@2:6 ;|\\n@2:7 EOF|@2:7");
}

static void test_lexer_eof_after_final_newline_stays_on_last_line(void)
{
    /* as Tengo: a newline that ends the file starts no new line */
    scan_expect("a\n", " IDENT|a@1:1 ;|\\n@1:2 EOF|@1:3");
    scan_expect("a\n\n", " IDENT|a@1:1 ;|\\n@1:2 EOF|@2:2");
}

static void test_lexer_columns_count_bytes_and_skip_leading_bom(void)
{
    /* an illegal character keeps the semicolon state of the token before */
    scan_expect("\xc3\xa9@", " IDENT|\xc3\xa9@1:1 !1:3:illegal character U+0040 '@' ILLEGAL|?@1:3 ;|\\n@1:4 EOF|@1:4");
    scan_expect("\xef\xbb\xbfx", " IDENT|x@1:4 ;|\\n@1:5 EOF|@1:5");
}

static void test_lexer_reports_illegal_characters_like_go_fmt_U(void)
{
    scan_expect("\x01", " !1:1:illegal character U+0001 ILLEGAL|?@1:1 EOF|@1:2");
    scan_expect("\xe2\x82\xac", " !1:1:illegal character U+20AC '\xe2\x82\xac' ILLEGAL|?@1:1 EOF|@1:4");
    scan_expect("\xc2\xa0", " !1:1:illegal character U+00A0 ILLEGAL|?@1:1 EOF|@1:3");
}

static void test_lexer_unterminated_literals_report_at_their_start(void)
{
    scan_expect("x := \"abc", " IDENT|x@1:1 :=|@1:3 !1:6:string literal not terminated STRING|\"abc@1:6 ;|\\n@1:10 EOF|@1:10");
    scan_expect("`a\nb", " !1:1:raw string literal not terminated STRING|`a\\nb@1:1 ;|\\n@2:2 EOF|@2:2");
}

static void test_lexer_position_of_any_scanned_offset(void)
{
    arena_t *a = arena_new(0);
    struct tg_lexer l;
    struct tg_tok t;
    const char *src = "ab\ncd\n\nef";
    tg_lexer_init(&l, a, src, strlen(src), 0, NULL, NULL);
    do
        tg_lexer_scan(&l, &t);
    while (t.tok != TK_EOF);
    struct tg_pos p = tg_lexer_pos(&l, 4);
    CU_ASSERT_EQUAL(p.line, 2);
    CU_ASSERT_EQUAL(p.column, 2);
    p = tg_lexer_pos(&l, 6);
    CU_ASSERT_EQUAL(p.line, 3);
    CU_ASSERT_EQUAL(p.column, 1);
    p = tg_lexer_pos(&l, 9);
    CU_ASSERT_EQUAL(p.line, 4);
    CU_ASSERT_EQUAL(p.column, 3);
    CU_ASSERT_EQUAL(l.error_count, 0);
    arena_free(a);
}

static void test_lexer_strip_cr_keeps_the_cr_that_would_close_a_comment(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "//\n", "//\n" },      { "//\r\n", "//\n" },        { "//\r\r\r\n", "//\n" },
        { "//\r*\r/\r\n", "//*/\n" }, { "/**/", "/**/" },     { "/*\r/*/", "/*/*/" },
        { "/*\r*/", "/**/" },    { "/**\r/*/", "/**\r/*/" },  { "/*\r/\r*\r/*/", "/*/*\r/*/" },
        { "/*\r\r\r\r*/", "/**/" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char s[32];
        size_t n = strlen(cases[i].in);
        memcpy(s, cases[i].in, n);
        n = tg_strip_cr(s, n, n >= 2 && s[1] == '*');
        s[n] = '\0';
        CU_ASSERT_STRING_EQUAL(s, cases[i].out);
    }
}

/* xorshift: the same bytes on every run */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_lexer_random_bytes_always_reach_eof(void)
{
    static const char *const frags[] = {
        "a", "1", "0x", "1e", ".", "..", "'", "\"", "`", "/*", "*/", "//", "\n", "\r", " ",
        "\\", "\\x", "\\u", "@", "\xff", "\xc3", "\xef\xbb\xbf", "{", "}", "&^", "<<=", "'\\",
    };
    uint32_t seed = 0x9e3779b9u;
    char src[128];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = rnd(&seed) % sizeof src, k = 0;
        while (k < n) {
            if (rnd(&seed) % 2) {
                src[k++] = (char)(rnd(&seed) & 0xff);
            } else {
                const char *f = frags[rnd(&seed) % (sizeof frags / sizeof frags[0])];
                for (; *f && k < n; f++)
                    src[k++] = *f;
            }
        }
        buf_t out = BUF_INIT;
        int ended = scan_all(&out, src, n, iter % 2 ? 0 : TG_SCAN_COMMENTS);
        CU_ASSERT_TRUE(ended);
        buf_free(&out);
        if (!ended)
            break;
    }
}

static void test_literal_int_follows_go_parse_int_base_0(void)
{
    static const struct {
        const char *s;
        int ok;
        int64_t v;
    } cases[] = {
        { "0", 1, 0 },           { "42", 1, 42 },         { "4_2", 1, 42 },
        { "0600", 1, 0600 },     { "0_600", 1, 0600 },    { "0o600", 1, 0600 },
        { "0O600", 1, 0600 },    { "0xBadFace", 1, 0xBadFace }, { "0xBad_Face", 1, 0xBadFace },
        { "0x_67_7a_2f_cc_40_c6", 1, 0x677a2fcc40c6 }, { "0b10", 1, 2 }, { "0B10", 1, 2 },
        { "9223372036854775807", 1, INT64_MAX },
        { "9223372036854775808", 0, 0 }, { "18446744073709551616", 0, 0 },
        { "42_", 0, 0 },         { "4__2", 0, 0 },        { "0_xBadFace", 0, 0 },
        { "08", 0, 0 },          { "0b2", 0, 0 },         { "0x", 0, 0 },
        { "0b", 0, 0 },          { "1a", 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = -1;
        int rc = tg_go_parse_int(cases[i].s, strlen(cases[i].s), 0, 64, &v);
        CU_ASSERT_EQUAL(rc == 0, cases[i].ok);
        if (rc == 0)
            CU_ASSERT_EQUAL(v, cases[i].v);
    }
}

static void test_literal_float_follows_go_parse_float(void)
{
    static const struct {
        const char *s;
        int ok;
        double v;
    } cases[] = {
        { "0.", 1, 0 },          { ".25", 1, 0.25 },      { "072.40", 1, 72.4 },
        { "1.e+0", 1, 1 },       { "6.67428e-11", 1, 6.67428e-11 }, { "1E6", 1, 1e6 },
        { "1_5.", 1, 15 },       { "0.15e+0_2", 1, 15 },  { "0x1p-2", 1, 0.25 },
        { "0x2.p10", 1, 2048 },  { "0x1.Fp+0", 1, 1.9375 }, { "0X.8p-0", 1, 0.5 },
        { "0X_1FFFP-16", 1, 0.1249847412109375 }, { "1e-400", 1, 0 },
        { "0x.p1", 0, 0 },       { "1p-2", 0, 0 },        { "0x1.5e-2", 0, 0 },
        { "1_.5", 0, 0 },        { "1._5", 0, 0 },        { "1.5_e1", 0, 0 },
        { "1.5e_1", 0, 0 },      { "1.5e1_", 0, 0 },      { "1e400", 0, 0 },
        { "0o1e5", 0, 0 },       { "1e", 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        int rc = tg_parse_float(cases[i].s, strlen(cases[i].s), &v);
        CU_ASSERT_EQUAL(rc == 0, cases[i].ok);
        if (rc == 0)
            CU_ASSERT_DOUBLE_EQUAL(v, cases[i].v, 0);
    }
}

static void test_literal_unquote_decodes_escapes_to_bytes(void)
{
    arena_t *a = arena_new(0);
    char *v;
    size_t n;
    const char *lit = "\"a\\tb\\x00\\377\\u00e9\\U0001F600\\\\\\\"\"";
    CU_ASSERT_EQUAL(tg_unquote(a, lit, strlen(lit), &v, &n), 0);
    CU_ASSERT_EQUAL(n, 3 + 1 + 1 + 2 + 4 + 2);
    CU_ASSERT_EQUAL(memcmp(v, "a\tb\0\377\xc3\xa9\xf0\x9f\x98\x80\\\"", n), 0);
    CU_ASSERT_EQUAL(tg_unquote(a, "`a\r\\n`", 6, &v, &n), 0);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(memcmp(v, "a\\n", 3), 0);
    CU_ASSERT_EQUAL(tg_unquote(a, "\"\\q\"", 4, &v, &n), -1);
    CU_ASSERT_EQUAL(tg_unquote(a, "\"", 1, &v, &n), -1);
    int32_t r;
    size_t used;
    CU_ASSERT_EQUAL(tg_unquote_char("\\'", 2, '\'', &r, &used), 0);
    CU_ASSERT_EQUAL(r, '\'');
    CU_ASSERT_EQUAL(tg_unquote_char("\\\"", 2, '\'', &r, &used), -1);
    CU_ASSERT_EQUAL(tg_unquote_char("\\xff", 4, '\'', &r, &used), 0);
    CU_ASSERT_EQUAL(r, 255);
    CU_ASSERT_EQUAL(tg_unquote_char("\xe4\xb9\x9d", 3, '\'', &r, &used), 0);
    CU_ASSERT_EQUAL(r, 0x4e5d);
    CU_ASSERT_EQUAL(used, 3);
    CU_ASSERT_EQUAL(tg_unquote_char("\\uD800", 6, '\'', &r, &used), -1);
    arena_free(a);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_lexer", NULL, NULL);
    ADD(s, test_lexer_matches_tengo_on_every_table_case);
    ADD(s, test_lexer_inserts_semicolon_at_newline_after_operand_tokens);
    ADD(s, test_lexer_comment_ending_a_line_becomes_the_semicolon);
    ADD(s, test_lexer_eof_after_final_newline_stays_on_last_line);
    ADD(s, test_lexer_columns_count_bytes_and_skip_leading_bom);
    ADD(s, test_lexer_reports_illegal_characters_like_go_fmt_U);
    ADD(s, test_lexer_unterminated_literals_report_at_their_start);
    ADD(s, test_lexer_position_of_any_scanned_offset);
    ADD(s, test_lexer_strip_cr_keeps_the_cr_that_would_close_a_comment);
    ADD(s, test_lexer_random_bytes_always_reach_eof);
    CU_pSuite t = CU_add_suite("tengo_literal", NULL, NULL);
    ADD(t, test_literal_int_follows_go_parse_int_base_0);
    ADD(t, test_literal_float_follows_go_parse_float);
    ADD(t, test_literal_unquote_decodes_escapes_to_bytes);
}
