/* test_tengo_parser.c — the Tengo parser (tengo/parser*.c) and the
 * tree printers (ast_print.c).
 *
 * The table's expectations were produced by Tengo's own Go parser on the
 * same inputs: the test cases of Tengo's parser_test.go (arrays, assignment,
 * calls, chars, ?:, error(), for, for-in, functions, if, import, index and
 * slice, logical operators, maps, precedence, selectors, semicolons,
 * strings, every int and float form) and many more, each either the whole
 * tree with every node's position (the DUMP print) or the exact error text
 * ("Parse Error: …\n\tat test:LINE:COL (and N more errors)"). */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cunit_main.h"
#include "parser.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define S(lit) lit, sizeof lit - 1 /* a literal and its length, NULs included */

struct parse_case {
    const char *src;
    size_t len;
    const char *want;
};

static const struct parse_case parse_cases[] = {
    { S("[1, 2, 3]"),
      "(expr@1:1 (array@1:1 ]@1:9 (int@1:2 1) (int@1:5 2) (int@1:8 3)))" },
    { S("\n[\n\t1,\n\t2,\n\t3\n]"),
      "(expr@2:1 (array@2:1 ]@6:1 (int@3:2 1) (int@4:2 2) (int@5:2 3)))" },
    { S("\n[\n\t1,\n\t2,\n\t3\n\n]"),
      "(expr@2:1 (array@2:1 ]@7:1 (int@3:2 1) (int@4:2 2) (int@5:2 3)))" },
    { S("[1, \"foo\", 12.34]"),
      "(expr@1:1 (array@1:1 ]@1:17 (int@1:2 1) (string@1:5 \"foo\") (float@1:12 12.34)))" },
    { S("a = [1, 2, 3]"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (array@1:5 ]@1:13 (int@1:6 1) (int@1:9 2) (int@1:12 3)) ])" },
    { S("a = [1 + 2, b * 4, [4, c]]"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (array@1:5 ]@1:26 (binary@1:6 +@1:8 (int@1:6 1) (int@1:10 2)) (binary@1:13 *@1:15 (ident@1:13 b) (int@1:17 4)) (array@1:20 ]@1:25 (int@1:21 4) (ident@1:24 c))) ])" },
    { S("[1, 2, 3,]"),
      "Parse Error: expected array element, found ']'\n\tat test:1:10" },
    { S("\n[\n\t1,\n\t2,\n\t3,\n]"),
      "Parse Error: expected array element, found ']'\n\tat test:6:1" },
    { S("\n[\n\t1,\n\t2,\n\t3,\n\n]"),
      "Parse Error: expected array element, found ']'\n\tat test:7:1" },
    { S("[1, 2, 3, ,]"),
      "Parse Error: expected operand, found ','\n\tat test:1:11" },
    { S("a = 5"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (int@1:5 5) ])" },
    { S("a := 5"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (int@1:6 5) ])" },
    { S("a, b = 5, 10"),
      "(assign@1:1 =@1:6 [ (ident@1:1 a) (ident@1:4 b) ] [ (int@1:8 5) (int@1:11 10) ])" },
    { S("a, b := 5, 10"),
      "(assign@1:1 :=@1:6 [ (ident@1:1 a) (ident@1:4 b) ] [ (int@1:9 5) (int@1:12 10) ])" },
    { S("a, b = a + 2, b - 8"),
      "(assign@1:1 =@1:6 [ (ident@1:1 a) (ident@1:4 b) ] [ (binary@1:8 +@1:10 (ident@1:8 a) (int@1:12 2)) (binary@1:15 -@1:17 (ident@1:15 b) (int@1:19 8)) ])" },
    { S("a += 5"),
      "(assign@1:1 +=@1:3 [ (ident@1:1 a) ] [ (int@1:6 5) ])" },
    { S("a *= 5 + 10"),
      "(assign@1:1 *=@1:3 [ (ident@1:1 a) ] [ (binary@1:6 +@1:8 (int@1:6 5) (int@1:10 10)) ])" },
    { S("true"),
      "(expr@1:1 (bool@1:1 true))" },
    { S("false"),
      "(expr@1:1 (bool@1:1 false))" },
    { S("true != false"),
      "(expr@1:1 (binary@1:1 !=@1:6 (bool@1:1 true) (bool@1:9 false)))" },
    { S("!false"),
      "(expr@1:2 (unary@1:2 !@1:1 (bool@1:2 false)))" },
    { S("add(1, 2, 3)"),
      "(expr@1:1 (call@1:1 (@1:4 )@1:12 (ident@1:1 add) (int@1:5 1) (int@1:8 2) (int@1:11 3)))" },
    { S("add(1, 2, v...)"),
      "(expr@1:1 (call@1:1 (@1:4 )@1:15 ...@1:12 (ident@1:1 add) (int@1:5 1) (int@1:8 2) (ident@1:11 v)))" },
    { S("a = add(1, 2, 3)"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (call@1:5 (@1:8 )@1:16 (ident@1:5 add) (int@1:9 1) (int@1:12 2) (int@1:15 3)) ])" },
    { S("a, b = add(1, 2, 3)"),
      "(assign@1:1 =@1:6 [ (ident@1:1 a) (ident@1:4 b) ] [ (call@1:8 (@1:11 )@1:19 (ident@1:8 add) (int@1:12 1) (int@1:15 2) (int@1:18 3)) ])" },
    { S("add(a + 1, 2 * 1, (b + c))"),
      "(expr@1:1 (call@1:1 (@1:4 )@1:26 (ident@1:1 add) (binary@1:5 +@1:7 (ident@1:5 a) (int@1:9 1)) (binary@1:12 *@1:14 (int@1:12 2) (int@1:16 1)) (paren@1:19 )@1:25 (binary@1:20 +@1:22 (ident@1:20 b) (ident@1:24 c)))))" },
    { S("func(a, b) { a + b }(1, 2)"),
      "(expr@1:1 (call@1:1 (@1:21 )@1:26 (func@1:1 (@1:5 )@1:10 (ident@1:6 a) (ident@1:9 b) (block@1:12 }@1:20 (expr@1:14 (binary@1:14 +@1:16 (ident@1:14 a) (ident@1:18 b))))) (int@1:22 1) (int@1:25 2)))" },
    { S("a.b()"),
      "(expr@1:1 (call@1:1 (@1:4 )@1:5 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\"))))" },
    { S("a.b.c()"),
      "(expr@1:1 (call@1:1 (@1:6 )@1:7 (selector@1:1 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (string@1:5 \"c\"))))" },
    { S("a[\"b\"].c()"),
      "(expr@1:1 (call@1:1 (@1:9 )@1:10 (selector@1:1 (index@1:1 [@1:2 ]@1:6 (ident@1:1 a) (string@1:3 \"b\")) (string@1:8 \"c\"))))" },
    { S("add(...a, 1)"),
      "Parse Error: expected operand, found '...'\n\tat test:1:5" },
    { S("add(a..., 1)"),
      "Parse Error: expected ')', found 1\n\tat test:1:11" },
    { S("add(a..., b...)"),
      "Parse Error: expected ')', found b\n\tat test:1:11" },
    { S("add(1, a..., b...)"),
      "Parse Error: expected ')', found b\n\tat test:1:14" },
    { S("add(...)"),
      "Parse Error: expected operand, found '...'\n\tat test:1:5" },
    { S("add(1, ...)"),
      "Parse Error: expected operand, found '...'\n\tat test:1:8" },
    { S("add(1, ..., )"),
      "Parse Error: expected operand, found '...'\n\tat test:1:8" },
    { S("add(...a)"),
      "Parse Error: expected operand, found '...'\n\tat test:1:5" },
    { S("'A'"),
      "(expr@1:1 (char@1:1 65))" },
    { S("'\344\271\235'"),
      "(expr@1:1 (char@1:1 20061))" },
    { S("''"),
      "Parse Error: illegal rune literal\n\tat test:1:1" },
    { S("'AB'"),
      "Parse Error: illegal rune literal\n\tat test:1:1" },
    { S("'A\344\271\235'"),
      "Parse Error: illegal rune literal\n\tat test:1:1" },
    { S("a \? b : c"),
      "(expr@1:1 (cond@1:1 \?@1:3 :@1:7 (ident@1:1 a) (ident@1:5 b) (ident@1:9 c)))" },
    { S("a \?\nb :\nc"),
      "(expr@1:1 (cond@1:1 \?@1:3 :@2:3 (ident@1:1 a) (ident@2:1 b) (ident@3:1 c)))" },
    { S("a\n\? b\n: c"),
      "Parse Error: expected statement, found '\?'\n\tat test:2:1" },
    { S("a \? (b : e)"),
      "Parse Error: expected ')', found ':'\n\tat test:1:8" },
    { S("(a \? b) : e"),
      "Parse Error: expected ':', found ')'\n\tat test:1:7" },
    { S("a \? b \? c : d : e"),
      "(expr@1:1 (cond@1:1 \?@1:3 :@1:15 (ident@1:1 a) (cond@1:5 \?@1:7 :@1:11 (ident@1:5 b) (ident@1:9 c) (ident@1:13 d)) (ident@1:17 e)))" },
    { S("x := a \? b \? c : d : e"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (cond@1:6 \?@1:8 :@1:20 (ident@1:6 a) (cond@1:10 \?@1:12 :@1:16 (ident@1:10 b) (ident@1:14 c) (ident@1:18 d)) (ident@1:22 e)) ])" },
    { S("error(1234)"),
      "(expr@1:1 (error@1:1 (@1:6 )@1:11 (int@1:7 1234)))" },
    { S("err1 := error(\"some error\")"),
      "(assign@1:1 :=@1:6 [ (ident@1:1 err1) ] [ (error@1:9 (@1:14 )@1:27 (string@1:15 \"some error\")) ])" },
    { S("return error(\"some error\")"),
      "(return@1:1 (error@1:8 (@1:13 )@1:26 (string@1:14 \"some error\")))" },
    { S("return error(\"some\" + \"error\")"),
      "(return@1:1 (error@1:8 (@1:13 )@1:30 (binary@1:14 +@1:21 (string@1:14 \"some\") (string@1:23 \"error\"))))" },
    { S("error()"),
      "Parse Error: expected operand, found ')'\n\tat test:1:7" },
    { S("for x in y {}"),
      "(forin@1:1 (ident@1:5 _) (ident@1:5 x) (ident@1:10 y) (block@1:12 }@1:13))" },
    { S("for _ in y {}"),
      "(forin@1:1 (ident@1:5 _) (ident@1:5 _) (ident@1:10 y) (block@1:12 }@1:13))" },
    { S("for x in [1, 2, 3] {}"),
      "(forin@1:1 (ident@1:5 _) (ident@1:5 x) (array@1:10 ]@1:18 (int@1:11 1) (int@1:14 2) (int@1:17 3)) (block@1:20 }@1:21))" },
    { S("for x, y in z {}"),
      "(forin@1:1 (ident@1:5 x) (ident@1:8 y) (ident@1:13 z) (block@1:15 }@1:16))" },
    { S("for x, y in {k1: 1, k2: 2} {}"),
      "(forin@1:1 (ident@1:5 x) (ident@1:8 y) (map@1:13 }@1:26 (k1@1:14 :@1:16 (int@1:18 1)) (k2@1:21 :@1:23 (int@1:25 2))) (block@1:28 }@1:29))" },
    { S("for {}"),
      "(for@1:1 _ _ _ (block@1:5 }@1:6))" },
    { S("for a == 5 {}"),
      "(for@1:1 _ (binary@1:5 ==@1:7 (ident@1:5 a) (int@1:10 5)) _ (block@1:12 }@1:13))" },
    { S("for a := 0; a == 5;  {}"),
      "(for@1:1 (assign@1:5 :=@1:7 [ (ident@1:5 a) ] [ (int@1:10 0) ]) (binary@1:13 ==@1:15 (ident@1:13 a) (int@1:18 5)) _ (block@1:22 }@1:23))" },
    { S("for a := 0; a < 5; a++ {}"),
      "(for@1:1 (assign@1:5 :=@1:7 [ (ident@1:5 a) ] [ (int@1:10 0) ]) (binary@1:13 <@1:15 (ident@1:13 a) (int@1:17 5)) (incdec@1:20 ++@1:21 (ident@1:20 a)) (block@1:24 }@1:25))" },
    { S("for ; a < 5; a++ {}"),
      "(for@1:1 _ (binary@1:7 <@1:9 (ident@1:7 a) (int@1:11 5)) (incdec@1:14 ++@1:15 (ident@1:14 a)) (block@1:18 }@1:19))" },
    { S("for a := 0; ; a++ {}"),
      "(for@1:1 (assign@1:5 :=@1:7 [ (ident@1:5 a) ] [ (int@1:10 0) ]) _ (incdec@1:15 ++@1:16 (ident@1:15 a)) (block@1:19 }@1:20))" },
    { S("for a == 5 && b != 4 {}"),
      "(for@1:1 _ (binary@1:5 &&@1:12 (binary@1:5 ==@1:7 (ident@1:5 a) (int@1:10 5)) (binary@1:15 !=@1:17 (ident@1:15 b) (int@1:20 4))) _ (block@1:22 }@1:23))" },
    { S("a = func(b, c, d) { return d }"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (func@1:5 (@1:9 )@1:17 (ident@1:10 b) (ident@1:13 c) (ident@1:16 d) (block@1:19 }@1:30 (return@1:21 (ident@1:28 d)))) ])" },
    { S("a = func(...args) { return args }"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (func@1:5 (@1:9 )@1:17 ... (ident@1:13 args) (block@1:19 }@1:33 (return@1:21 (ident@1:28 args)))) ])" },
    { S("a = func(x, y, ...z) { return z }"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (func@1:5 (@1:9 )@1:20 ... (ident@1:10 x) (ident@1:13 y) (ident@1:19 z) (block@1:22 }@1:33 (return@1:24 (ident@1:31 z)))) ])" },
    { S("a = func(x, y, ...z, invalid) { return z }"),
      "Parse Error: expected ')', found ','\n\tat test:1:20" },
    { S("a = func(...args, invalid) { return args }"),
      "Parse Error: expected ')', found ','\n\tat test:1:17" },
    { S("if a == 5 {}"),
      "(if@1:1 _ (binary@1:4 ==@1:6 (ident@1:4 a) (int@1:9 5)) (block@1:11 }@1:12) _)" },
    { S("if a == 5 && b != 3 {}"),
      "(if@1:1 _ (binary@1:4 &&@1:11 (binary@1:4 ==@1:6 (ident@1:4 a) (int@1:9 5)) (binary@1:14 !=@1:16 (ident@1:14 b) (int@1:19 3))) (block@1:21 }@1:22) _)" },
    { S("if a == 5 { a = 3; a = 1 }"),
      "(if@1:1 _ (binary@1:4 ==@1:6 (ident@1:4 a) (int@1:9 5)) (block@1:11 }@1:26 (assign@1:13 =@1:15 [ (ident@1:13 a) ] [ (int@1:17 3) ]) (assign@1:20 =@1:22 [ (ident@1:20 a) ] [ (int@1:24 1) ])) _)" },
    { S("if a == 5 { a = 3; a = 1 } else { a = 2; a = 4 }"),
      "(if@1:1 _ (binary@1:4 ==@1:6 (ident@1:4 a) (int@1:9 5)) (block@1:11 }@1:26 (assign@1:13 =@1:15 [ (ident@1:13 a) ] [ (int@1:17 3) ]) (assign@1:20 =@1:22 [ (ident@1:20 a) ] [ (int@1:24 1) ])) (block@1:33 }@1:48 (assign@1:35 =@1:37 [ (ident@1:35 a) ] [ (int@1:39 2) ]) (assign@1:42 =@1:44 [ (ident@1:42 a) ] [ (int@1:46 4) ])))" },
    { S("\nif a == 5 {\n\tb = 3\n\tc = 1\n} else if d == 3 {\n\te = 8\n\tf = 3\n} else {\n\tg = 2\n\th = 4\n}"),
      "(if@2:1 _ (binary@2:4 ==@2:6 (ident@2:4 a) (int@2:9 5)) (block@2:11 }@5:1 (assign@3:2 =@3:4 [ (ident@3:2 b) ] [ (int@3:6 3) ]) (assign@4:2 =@4:4 [ (ident@4:2 c) ] [ (int@4:6 1) ])) (if@5:8 _ (binary@5:11 ==@5:13 (ident@5:11 d) (int@5:16 3)) (block@5:18 }@8:1 (assign@6:2 =@6:4 [ (ident@6:2 e) ] [ (int@6:6 8) ]) (assign@7:2 =@7:4 [ (ident@7:2 f) ] [ (int@7:6 3) ])) (block@8:8 }@11:1 (assign@9:2 =@9:4 [ (ident@9:2 g) ] [ (int@9:6 2) ]) (assign@10:2 =@10:4 [ (ident@10:2 h) ] [ (int@10:6 4) ]))))" },
    { S("if a := 3; a < b {}"),
      "(if@1:1 (assign@1:4 :=@1:6 [ (ident@1:4 a) ] [ (int@1:9 3) ]) (binary@1:12 <@1:14 (ident@1:12 a) (ident@1:16 b)) (block@1:18 }@1:19) _)" },
    { S("if a++; a < b {}"),
      "(if@1:1 (incdec@1:4 ++@1:5 (ident@1:4 a)) (binary@1:9 <@1:11 (ident@1:9 a) (ident@1:13 b)) (block@1:15 }@1:16) _)" },
    { S("if {}"),
      "Parse Error: missing condition in if statement\n\tat test:1:4" },
    { S("if a == b { } else a != b { }"),
      "Parse Error: expected if or {, found a\n\tat test:1:20" },
    { S("if a == b { } else if { }"),
      "Parse Error: missing condition in if statement\n\tat test:1:23" },
    { S("else { }"),
      "Parse Error: expected statement, found 'else'\n\tat test:1:1" },
    { S("if ; {}"),
      "Parse Error: missing init in if statement\n\tat test:1:4" },
    { S("if a := 3; {}"),
      "Parse Error: expected '{', found newline\n\tat test:1:14" },
    { S("if ; a < 3 {}"),
      "Parse Error: missing init in if statement\n\tat test:1:4" },
    { S("a := import(\"mod1\")"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (import@1:6 \"mod1\") ])" },
    { S("import(\"mod1\").var1"),
      "(expr@1:1 (selector@1:1 (import@1:1 \"mod1\") (string@1:16 \"var1\")))" },
    { S("import(\"mod1\").func1()"),
      "(expr@1:1 (call@1:1 (@1:21 )@1:22 (selector@1:1 (import@1:1 \"mod1\") (string@1:16 \"func1\"))))" },
    { S("for x, y in import(\"mod1\") {}"),
      "(forin@1:1 (ident@1:5 x) (ident@1:8 y) (import@1:13 \"mod1\") (block@1:28 }@1:29))" },
    { S("[1, 2, 3][1]"),
      "(expr@1:1 (index@1:1 [@1:10 ]@1:12 (array@1:1 ]@1:9 (int@1:2 1) (int@1:5 2) (int@1:8 3)) (int@1:11 1)))" },
    { S("[1, 2, 3][5 - a]"),
      "(expr@1:1 (index@1:1 [@1:10 ]@1:16 (array@1:1 ]@1:9 (int@1:2 1) (int@1:5 2) (int@1:8 3)) (binary@1:11 -@1:13 (int@1:11 5) (ident@1:15 a))))" },
    { S("[1, 2, 3][5 : a]"),
      "(expr@1:1 (slice@1:1 [@1:10 ]@1:16 (array@1:1 ]@1:9 (int@1:2 1) (int@1:5 2) (int@1:8 3)) (int@1:11 5) (ident@1:15 a)))" },
    { S("[1, 2, 3][a + 3 : b - 8]"),
      "(expr@1:1 (slice@1:1 [@1:10 ]@1:24 (array@1:1 ]@1:9 (int@1:2 1) (int@1:5 2) (int@1:8 3)) (binary@1:11 +@1:13 (ident@1:11 a) (int@1:15 3)) (binary@1:19 -@1:21 (ident@1:19 b) (int@1:23 8))))" },
    { S("{a: 1, b: 2}[\"b\"]"),
      "(expr@1:1 (index@1:1 [@1:13 ]@1:17 (map@1:1 }@1:12 (a@1:2 :@1:3 (int@1:5 1)) (b@1:8 :@1:9 (int@1:11 2))) (string@1:14 \"b\")))" },
    { S("{a: 1, b: 2}[a + b]"),
      "(expr@1:1 (index@1:1 [@1:13 ]@1:19 (map@1:1 }@1:12 (a@1:2 :@1:3 (int@1:5 1)) (b@1:8 :@1:9 (int@1:11 2))) (binary@1:14 +@1:16 (ident@1:14 a) (ident@1:18 b))))" },
    { S("a && 5 || true"),
      "(expr@1:1 (binary@1:1 ||@1:8 (binary@1:1 &&@1:3 (ident@1:1 a) (int@1:6 5)) (bool@1:11 true)))" },
    { S("a || 5 && true"),
      "(expr@1:1 (binary@1:1 ||@1:3 (ident@1:1 a) (binary@1:6 &&@1:8 (int@1:6 5) (bool@1:11 true))))" },
    { S("a && (5 || true)"),
      "(expr@1:1 (binary@1:1 &&@1:3 (ident@1:1 a) (paren@1:6 )@1:16 (binary@1:7 ||@1:9 (int@1:7 5) (bool@1:12 true)))))" },
    { S("{ key1: 1, key2: \"2\", key3: true }"),
      "(expr@1:1 (map@1:1 }@1:34 (key1@1:3 :@1:7 (int@1:9 1)) (key2@1:12 :@1:16 (string@1:18 \"2\")) (key3@1:23 :@1:27 (bool@1:29 true))))" },
    { S("{ \"key1\": 1 }"),
      "(expr@1:1 (map@1:1 }@1:13 (key1@1:3 :@1:9 (int@1:11 1))))" },
    { S("a = { key1: 1, key2: \"2\", key3: true }"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (map@1:5 }@1:38 (key1@1:7 :@1:11 (int@1:13 1)) (key2@1:16 :@1:20 (string@1:22 \"2\")) (key3@1:27 :@1:31 (bool@1:33 true))) ])" },
    { S("a = { key1: 1, key2: \"2\", key3: { k1: `bar`, k2: 4 } }"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (map@1:5 }@1:54 (key1@1:7 :@1:11 (int@1:13 1)) (key2@1:16 :@1:20 (string@1:22 \"2\")) (key3@1:27 :@1:31 (map@1:33 }@1:52 (k1@1:35 :@1:37 (string@1:39 \"bar\")) (k2@1:46 :@1:48 (int@1:50 4))))) ])" },
    { S("\n{\n\tkey1: 1,\n\tkey2: \"2\",\n\tkey3: true\n}"),
      "(expr@2:1 (map@2:1 }@6:1 (key1@3:2 :@3:6 (int@3:8 1)) (key2@4:2 :@4:6 (string@4:8 \"2\")) (key3@5:2 :@5:6 (bool@5:8 true))))" },
    { S("\n{\n\tkey1: 1,\n\tkey2: \"2\",\n\tkey3: true,\n}"),
      "Parse Error: expected map element, found '}'\n\tat test:6:1" },
    { S("{ key1: 1, }"),
      "Parse Error: expected map element, found '}'\n\tat test:1:12" },
    { S("{\nkey1: 1,\nkey2: 2,\n}"),
      "Parse Error: expected map element, found '}'\n\tat test:4:1" },
    { S("a + b + c"),
      "(expr@1:1 (binary@1:1 +@1:7 (binary@1:1 +@1:3 (ident@1:1 a) (ident@1:5 b)) (ident@1:9 c)))" },
    { S("a + b * c"),
      "(expr@1:1 (binary@1:1 +@1:3 (ident@1:1 a) (binary@1:5 *@1:7 (ident@1:5 b) (ident@1:9 c))))" },
    { S("x = 2 * 1 + 3 / 4"),
      "(assign@1:1 =@1:3 [ (ident@1:1 x) ] [ (binary@1:5 +@1:11 (binary@1:5 *@1:7 (int@1:5 2) (int@1:9 1)) (binary@1:13 /@1:15 (int@1:13 3) (int@1:17 4))) ])" },
    { S("a.b"),
      "(expr@1:1 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")))" },
    { S("a.b.c"),
      "(expr@1:1 (selector@1:1 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (string@1:5 \"c\")))" },
    { S("{k1:1}.k1"),
      "(expr@1:1 (selector@1:1 (map@1:1 }@1:6 (k1@1:2 :@1:4 (int@1:5 1))) (string@1:8 \"k1\")))" },
    { S("{k1:{v1:1}}.k1.v1"),
      "(expr@1:1 (selector@1:1 (selector@1:1 (map@1:1 }@1:11 (k1@1:2 :@1:4 (map@1:5 }@1:10 (v1@1:6 :@1:8 (int@1:9 1))))) (string@1:13 \"k1\")) (string@1:16 \"v1\")))" },
    { S("a.b = 4"),
      "(assign@1:1 =@1:5 [ (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) ] [ (int@1:7 4) ])" },
    { S("a.b.c = 4"),
      "(assign@1:1 =@1:7 [ (selector@1:1 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (string@1:5 \"c\")) ] [ (int@1:9 4) ])" },
    { S("a.b.c = 4 + 5"),
      "(assign@1:1 =@1:7 [ (selector@1:1 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (string@1:5 \"c\")) ] [ (binary@1:9 +@1:11 (int@1:9 4) (int@1:13 5)) ])" },
    { S("a[0].c = 4"),
      "(assign@1:1 =@1:8 [ (selector@1:1 (index@1:1 [@1:2 ]@1:4 (ident@1:1 a) (int@1:3 0)) (string@1:6 \"c\")) ] [ (int@1:10 4) ])" },
    { S("a.b[0].c = 4"),
      "(assign@1:1 =@1:10 [ (selector@1:1 (index@1:1 [@1:4 ]@1:6 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (int@1:5 0)) (string@1:8 \"c\")) ] [ (int@1:12 4) ])" },
    { S("a.b[0][2].c = 4"),
      "(assign@1:1 =@1:13 [ (selector@1:1 (index@1:1 [@1:7 ]@1:9 (index@1:1 [@1:4 ]@1:6 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (int@1:5 0)) (int@1:8 2)) (string@1:11 \"c\")) ] [ (int@1:15 4) ])" },
    { S("a.b[\"key1\"][2].c = 4"),
      "(assign@1:1 =@1:18 [ (selector@1:1 (index@1:1 [@1:12 ]@1:14 (index@1:1 [@1:4 ]@1:11 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (string@1:5 \"key1\")) (int@1:13 2)) (string@1:16 \"c\")) ] [ (int@1:20 4) ])" },
    { S("a[0].b[2].c = 4"),
      "(assign@1:1 =@1:13 [ (selector@1:1 (index@1:1 [@1:7 ]@1:9 (selector@1:1 (index@1:1 [@1:2 ]@1:4 (ident@1:1 a) (int@1:3 0)) (string@1:6 \"b\")) (int@1:8 2)) (string@1:11 \"c\")) ] [ (int@1:15 4) ])" },
    { S("a.(b.c)"),
      "Parse Error: expected selector, found '('\n\tat test:1:3" },
    { S("1"),
      "(expr@1:1 (int@1:1 1))" },
    { S("1;"),
      "(expr@1:1 (int@1:1 1))" },
    { S("1;;"),
      "(expr@1:1 (int@1:1 1)) (empty@1:3)" },
    { S("1\n"),
      "(expr@1:1 (int@1:1 1))" },
    { S("1\n;"),
      "(expr@1:1 (int@1:1 1)) (empty@2:1)" },
    { S("1;\n;"),
      "(expr@1:1 (int@1:1 1)) (empty@2:1)" },
    { S("a = \"foo\\nbar\""),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (string@1:5 \"foo\\nbar\") ])" },
    { S("a = `raw string`"),
      "(assign@1:1 =@1:3 [ (ident@1:1 a) ] [ (string@1:5 \"raw string\") ])" },
    { S("1234567890"),
      "(expr@1:1 (int@1:1 1234567890))" },
    { S("0b10"),
      "Parse Error: expected ';', found b10\n\tat test:1:2" },
    { S("0o12345670"),
      "Parse Error: expected ';', found o12345670\n\tat test:1:2" },
    { S("0x123456789abcdef0"),
      "(expr@1:1 (int@1:1 0))" },
    { S("0x123456789ABCDEF0"),
      "(expr@1:1 (int@1:1 0))" },
    { S("010"),
      "(expr@1:1 (int@1:1 10))" },
    { S("0B10"),
      "Parse Error: expected ';', found B10\n\tat test:1:2" },
    { S("0O10"),
      "Parse Error: expected ';', found O10\n\tat test:1:2" },
    { S("0X10"),
      "(expr@1:1 (int@1:1 0))" },
    { S("0b2"),
      "Parse Error: expected ';', found b2\n\tat test:1:2" },
    { S("08"),
      "Parse Error: illegal octal number\n\tat test:1:1" },
    { S("0o8"),
      "Parse Error: expected ';', found o8\n\tat test:1:2" },
    { S("1a"),
      "Parse Error: expected ';', found a\n\tat test:1:2" },
    { S("0xg"),
      "Parse Error: illegal hexadecimal number\n\tat test:1:1" },
    { S("9223372036854775807"),
      "(expr@1:1 (int@1:1 9223372036854775807))" },
    { S("9223372036854775808"),
      "(expr@1:1 (int@1:1 9223372036854775807))" },
    { S("42"),
      "(expr@1:1 (int@1:1 42))" },
    { S("4_2"),
      "Parse Error: expected ';', found _2\n\tat test:1:2" },
    { S("0600"),
      "(expr@1:1 (int@1:1 600))" },
    { S("0_600"),
      "Parse Error: expected ';', found _600\n\tat test:1:2" },
    { S("0o600"),
      "Parse Error: expected ';', found o600\n\tat test:1:2" },
    { S("0O600"),
      "Parse Error: expected ';', found O600\n\tat test:1:2" },
    { S("0xBadFace"),
      "(expr@1:1 (int@1:1 0))" },
    { S("0xBad_Face"),
      "Parse Error: expected ';', found _Face\n\tat test:1:6" },
    { S("0x_67_7a_2f_cc_40_c6"),
      "Parse Error: illegal hexadecimal number\n\tat test:1:1" },
    { S("170141183460469231731687303715884105727"),
      "(expr@1:1 (int@1:1 9223372036854775807))" },
    { S("170_141183_460469_231731_687303_715884_105727"),
      "Parse Error: expected ';', found _141183_460469_231731_687303_715884_105727\n\tat test:1:4" },
    { S("42_"),
      "Parse Error: expected ';', found _\n\tat test:1:3" },
    { S("4__2"),
      "Parse Error: expected ';', found __2\n\tat test:1:2" },
    { S("0_xBadFace"),
      "Parse Error: expected ';', found _xBadFace\n\tat test:1:2" },
    { S(".0"),
      "(expr@1:1 (float@1:1 0))" },
    { S("0."),
      "(expr@1:1 (float@1:1 0))" },
    { S("0.0"),
      "(expr@1:1 (float@1:1 0))" },
    { S("00.0"),
      "(expr@1:1 (float@1:1 0))" },
    { S("00.00"),
      "(expr@1:1 (float@1:1 0))" },
    { S("0.0.0"),
      "Parse Error: expected ';', found .0\n\tat test:1:4" },
    { S("0..0"),
      "Parse Error: expected ';', found .0\n\tat test:1:3" },
    { S("010.0"),
      "(expr@1:1 (float@1:1 1e+01))" },
    { S("00010.0"),
      "(expr@1:1 (float@1:1 1e+01))" },
    { S("08.0"),
      "(expr@1:1 (float@1:1 8))" },
    { S("0a.0"),
      "Parse Error: expected ';', found a\n\tat test:1:2" },
    { S("1e1"),
      "(expr@1:1 (float@1:1 1e+01))" },
    { S("1E1"),
      "(expr@1:1 (float@1:1 1e+01))" },
    { S("1e1.1"),
      "Parse Error: expected ';', found .1\n\tat test:1:4" },
    { S("1e+1"),
      "(expr@1:1 (float@1:1 1e+01))" },
    { S("1e-1"),
      "(expr@1:1 (float@1:1 0.1))" },
    { S("1e+-1"),
      "Parse Error: illegal floating-point exponent\n\tat test:1:1" },
    { S("0x1p1"),
      "Parse Error: expected ';', found p1\n\tat test:1:4" },
    { S("0x10p1"),
      "Parse Error: expected ';', found p1\n\tat test:1:5" },
    { S("72.40"),
      "(expr@1:1 (float@1:1 72.4))" },
    { S("072.40"),
      "(expr@1:1 (float@1:1 72.4))" },
    { S("2.71828"),
      "(expr@1:1 (float@1:1 2.71828))" },
    { S("1.e+0"),
      "(expr@1:1 (float@1:1 1))" },
    { S("6.67428e-11"),
      "(expr@1:1 (float@1:1 6.67428e-11))" },
    { S("1E6"),
      "(expr@1:1 (float@1:1 1e+06))" },
    { S(".25"),
      "(expr@1:1 (float@1:1 0.25))" },
    { S(".12345E+5"),
      "(expr@1:1 (float@1:1 12345))" },
    { S("1_5."),
      "Parse Error: expected ';', found _5\n\tat test:1:2" },
    { S("0.15e+0_2"),
      "Parse Error: expected ';', found _2\n\tat test:1:8" },
    { S("0x1p-2"),
      "Parse Error: expected ';', found p\n\tat test:1:4" },
    { S("0x2.p10"),
      "(expr@1:1 (selector@1:1 (int@1:1 0) (string@1:5 \"p10\")))" },
    { S("0x1.Fp+0"),
      "(expr@1:1 (binary@1:1 +@1:7 (selector@1:1 (int@1:1 0) (string@1:5 \"Fp\")) (int@1:8 0)))" },
    { S("0X.8p-0"),
      "Parse Error: illegal hexadecimal number\n\tat test:1:1" },
    { S("0X_1FFFP-16"),
      "Parse Error: illegal hexadecimal number\n\tat test:1:1" },
    { S("0x.p1"),
      "Parse Error: illegal hexadecimal number\n\tat test:1:1" },
    { S("1p-2"),
      "Parse Error: expected ';', found p\n\tat test:1:2" },
    { S("0x1.5e-2"),
      "Parse Error: expected ';', found .5e-2\n\tat test:1:4" },
    { S("1_.5"),
      "Parse Error: expected ';', found _\n\tat test:1:2" },
    { S("1._5"),
      "Parse Error: expected ';', found _5\n\tat test:1:3" },
    { S("1.5_e1"),
      "Parse Error: expected ';', found _e1\n\tat test:1:4" },
    { S("1.5e_1"),
      "Parse Error: illegal floating-point exponent\n\tat test:1:1" },
    { S("1.5e1_"),
      "Parse Error: expected ';', found _\n\tat test:1:6" },
    { S("0x15e+2"),
      "(expr@1:1 (binary@1:1 +@1:6 (int@1:1 0) (int@1:7 2)))" },
    { S("0-_42"),
      "(expr@1:1 (binary@1:1 -@1:2 (int@1:1 0) (ident@1:3 _42)))" },
    { S("1e400"),
      "(expr@1:1 (float@1:1 inf))" },
    { S("1e-400"),
      "(expr@1:1 (float@1:1 0))" },
    { S("0x1p-1080"),
      "Parse Error: expected ';', found p\n\tat test:1:4" },
    { S("4.9e-324"),
      "(expr@1:1 (float@1:1 5e-324))" },
    { S("1.7976931348623157e308"),
      "(expr@1:1 (float@1:1 1.7976931348623157e+308))" },
    { S("1.8e308"),
      "(expr@1:1 (float@1:1 inf))" },
    { S("a := (1 + 2"),
      "Parse Error: expected ')', found newline\n\tat test:1:12" },
    { S("a := 1 }"), /* Go Tengo stops at a '}' closing no block */
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (int@1:6 1) ])" },
    { S("a := 1 } b := (("),
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (int@1:6 1) ])" },
    { S("x := 1\ny := }"),
      "Parse Error: expected operand, found '}'\n\tat test:2:6" },
    { S("\"a\" \"b\""),
      "Parse Error: expected ';', found \"b\"\n\tat test:1:5" },
    { S("a b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\na b\n"),
      "Parse Error: expected ';', found b\n\tat test:1:3" },
    { S("a := 1 +\n"),
      "Parse Error: expected operand, found 'EOF'\n\tat test:1:10" },
    { S("func("),
      "Parse Error: expected 'IDENT', found 'EOF'\n\tat test:1:6" },
    { S("@"),
      "Parse Error: illegal character U+0040 '@'\n\tat test:1:1" },
    { S("a\000"),
      "Parse Error: illegal character NUL\n\tat test:1:2" },
    { S("x := \"\\q\""),
      "Parse Error: unknown escape sequence\n\tat test:1:8" },
    { S("x := '\\400'"),
      "Parse Error: escape sequence is invalid Unicode code point\n\tat test:1:8" },
    { S("/* unterminated"),
      "Parse Error: comment not terminated\n\tat test:1:1" },
    { S("x := `raw"),
      "Parse Error: raw string literal not terminated\n\tat test:1:6" },
    { S("if x { } else { }\nelse {}"),
      "Parse Error: expected statement, found 'else'\n\tat test:2:1" },
    { S("return 1, 2"),
      "Parse Error: expected ';', found ','\n\tat test:1:9" },
    { S("export"),
      "Parse Error: expected operand, found newline\n\tat test:1:7" },
    { S("break foo"),
      "(break@1:1 (ident@1:7 foo))" },
    { S("a.b.c = 1"),
      "(assign@1:1 =@1:7 [ (selector@1:1 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")) (string@1:5 \"c\")) ] [ (int@1:9 1) ])" },
    { S("a[1:2] = 3"),
      "(assign@1:1 =@1:8 [ (slice@1:1 [@1:2 ]@1:6 (ident@1:1 a) (int@1:3 1) (int@1:5 2)) ] [ (int@1:10 3) ])" },
    { S("f(a)(b)[c].d"),
      "(expr@1:1 (selector@1:1 (index@1:1 [@1:8 ]@1:10 (call@1:1 (@1:5 )@1:7 (call@1:1 (@1:2 )@1:4 (ident@1:1 f) (ident@1:3 a)) (ident@1:6 b)) (ident@1:9 c)) (string@1:12 \"d\")))" },
    { S("x := {}"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (map@1:6 }@1:7) ])" },
    { S("x := []"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (array@1:6 ]@1:7) ])" },
    { S("x := func() {}"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (func@1:6 (@1:10 )@1:11 (block@1:13 }@1:14)) ])" },
    { S("x := {\"a\": 1, b: 2, \"k\\tk\": 3}"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (map@1:6 }@1:30 (a@1:7 :@1:10 (int@1:12 1)) (b@1:15 :@1:16 (int@1:18 2)) (\"k\\tk\"@1:21 :@1:27 (int@1:29 3))) ])" },
    { S("{1: 2}"),
      "Parse Error: expected map key, found 1\n\tat test:1:2" },
    { S("a \? b"),
      "Parse Error: expected ':', found newline\n\tat test:1:6" },
    { S("a \?: b"),
      "Parse Error: expected operand, found ':'\n\tat test:1:4" },
    { S("1 +"),
      "Parse Error: expected operand, found 'EOF'\n\tat test:1:4" },
    { S("\"\\U0010FFFF\""),
      "(expr@1:1 (string@1:1 \"\364\217\277\277\"))" },
    { S("'\\U00110000'"),
      "Parse Error: escape sequence is invalid Unicode code point\n\tat test:1:3" },
    { S("x := 0x"),
      "Parse Error: illegal hexadecimal number\n\tat test:1:6" },
    { S("x := 1e"),
      "Parse Error: illegal floating-point exponent\n\tat test:1:6" },
    { S("\357\273\277a := 1"),
      "(assign@1:4 :=@1:6 [ (ident@1:4 a) ] [ (int@1:9 1) ])" },
    { S("a\357\273\277"),
      "Parse Error: illegal byte order mark\n\tat test:1:2" },
    { S("\303\251 := 1"),
      "(assign@1:1 :=@1:4 [ (ident@1:1 \303\251) ] [ (int@1:7 1) ])" },
    { S("a\333\260\333\261\333\270 := 1"),
      "(assign@1:1 :=@1:9 [ (ident@1:1 a\333\260\333\261\333\270) ] [ (int@1:12 1) ])" },
    { S("\331\243 := 1"),
      "Parse Error: illegal character U+0663 '\331\243'\n\tat test:1:1" },
    { S("a ++"),
      "(incdec@1:1 ++@1:3 (ident@1:1 a))" },
    { S("a+++b"),
      "Parse Error: expected ';', found '+'\n\tat test:1:4" },
    { S("a--b"),
      "Parse Error: expected ';', found b\n\tat test:1:4" },
    { S("-a := 1"),
      "(assign@1:2 :=@1:4 [ (unary@1:2 -@1:1 (ident@1:2 a)) ] [ (int@1:7 1) ])" },
    { S("a, -b := 1"),
      "(assign@1:1 :=@1:7 [ (ident@1:1 a) (unary@1:5 -@1:4 (ident@1:5 b)) ] [ (int@1:10 1) ])" },
    { S("for -x in y {}"),
      "Parse Error: expected identifier\n\tat test:1:6" },
    { S("for x, -y in z {}"),
      "Parse Error: expected identifier\n\tat test:1:9" },
    { S("if x := 1 {}"),
      "Parse Error: expected boolean expression, found assignment\n\tat test:1:4" },
    { S("for x := 1 {}"),
      "Parse Error: expected condition expression, found assignment\n\tat test:1:5" },
    { S("for x = 1; x < 2; {}"),
      "(for@1:1 (assign@1:5 =@1:7 [ (ident@1:5 x) ] [ (int@1:9 1) ]) (binary@1:12 <@1:14 (ident@1:12 x) (int@1:16 2)) _ (block@1:19 }@1:20))" },
    { S("if a = 1 {}"),
      "Parse Error: expected boolean expression, found assignment\n\tat test:1:4" },
    { S("if a++ {}"),
      "Parse Error: expected boolean expression, found simple statement\n\tat test:1:4" },
    { S("for x in y, z {}"),
      "Parse Error: expected '{', found ','\n\tat test:1:11" },
    { S("a.1"),
      "Parse Error: expected ';', found .1\n\tat test:1:2" },
    { S("a.(b)"),
      "Parse Error: expected selector, found '('\n\tat test:1:3" },
    { S("import(x)"),
      "Parse Error: expected module name, found x\n\tat test:1:8" },
    { S("import(\"a\" + \"b\")"),
      "Parse Error: expected ')', found '+'\n\tat test:1:12" },
    { S("immutable()"),
      "Parse Error: expected operand, found ')'\n\tat test:1:11" },
    { S("immutable({a: 1})"),
      "(expr@1:1 (immutable@1:1 (@1:10 )@1:17 (map@1:11 }@1:16 (a@1:12 :@1:13 (int@1:15 1)))))" },
    { S("func(a, b,) {}"),
      "Parse Error: expected 'IDENT', found ')'\n\tat test:1:11" },
    { S("func(...) {}"),
      "Parse Error: expected 'IDENT', found ')'\n\tat test:1:9" },
    { S("f(,)"),
      "Parse Error: expected operand, found ','\n\tat test:1:3" },
    { S("[,]"),
      "Parse Error: expected operand, found ','\n\tat test:1:2" },
    { S("{,}"),
      "Parse Error: expected map key, found ','\n\tat test:1:2" },
    { S("{a}"),
      "Parse Error: expected ':', found '}'\n\tat test:1:3" },
    { S("{a: }"),
      "Parse Error: expected operand, found '}'\n\tat test:1:5" },
    { S("{a 1}"),
      "Parse Error: expected ':', found 1\n\tat test:1:4" },
    { S("x\n.y"),
      "Parse Error: expected statement, found '.'\n\tat test:2:1" },
    { S("x.\ny"),
      "(expr@1:1 (selector@1:1 (ident@1:1 x) (string@2:1 \"y\")))" },
    { S("x\n+ y"),
      "(expr@1:1 (ident@1:1 x)) (expr@2:3 (unary@2:3 +@2:1 (ident@2:3 y)))" },
    { S("x +\ny"),
      "(expr@1:1 (binary@1:1 +@1:3 (ident@1:1 x) (ident@2:1 y)))" },
    { S("f(\na,\nb\n)"),
      "(expr@1:1 (call@1:1 (@1:2 )@4:1 (ident@1:1 f) (ident@2:1 a) (ident@3:1 b)))" },
    { S("f(\na,\nb,\n)"),
      "Parse Error: expected call argument, found ')'\n\tat test:4:1" },
    { S("[\n1\n,2]"),
      "Parse Error: expected ']', found ','\n\tat test:3:1" },
    { S("a = b = c"),
      "Parse Error: expected ';', found '='\n\tat test:1:7" },
    { S("a := b := c"),
      "Parse Error: expected ';', found ':='\n\tat test:1:8" },
    { S("a += b, c"),
      "Parse Error: expected ';', found ','\n\tat test:1:7" },
    { S("a, b += 1"),
      "Parse Error: expected 1 expression\n\tat test:1:1" },
    { S("a := 1;; b := 2"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (int@1:6 1) ]) (empty@1:8) (assign@1:10 :=@1:12 [ (ident@1:10 b) ] [ (int@1:15 2) ])" },
    { S("continue\nbreak"),
      "(continue@1:1) (break@2:1)" },
    { S("return\n1"),
      "(return@1:1 _) (expr@2:1 (int@2:1 1))" },
    { S("return }"),
      "(return@1:1 _)" },
    { S("{a: 1}.a"),
      "(expr@1:1 (selector@1:1 (map@1:1 }@1:6 (a@1:2 :@1:3 (int@1:5 1))) (string@1:8 \"a\")))" },
    { S("true.x"),
      "(expr@1:1 (selector@1:1 (bool@1:1 true) (string@1:6 \"x\")))" },
    { S("x := undefined"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (undefined@1:6) ])" },
    { S("\"a\" + 'b'"),
      "(expr@1:1 (binary@1:1 +@1:5 (string@1:1 \"a\") (char@1:7 98)))" },
    { S("x := '\\xff'"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (char@1:6 255) ])" },
    { S("x := \"\\xff\\377\\x00\""),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (string@1:6 \"\\xff\\xff\\x00\") ])" },
    { S("x := \"\346\227\245\346\234\254\\u00e9\\U0001F600\""),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (string@1:6 \"\346\227\245\346\234\254\303\251\360\237\230\200\") ])" },
    { S("x := 1 // c"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (int@1:6 1) ])" },
    { S("x := 1 /* c */ + 2"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (binary@1:6 +@1:16 (int@1:6 1) (int@1:18 2)) ])" },
    { S("x := 1 /* c\n */ + 2"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (int@1:6 1) ]) (expr@2:7 (unary@2:7 +@2:5 (int@2:7 2)))" },
    { S("a := [1, 2\n]"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (array@1:6 ]@2:1 (int@1:7 1) (int@1:10 2)) ])" },
    { S("a := [1, 2,\n]"),
      "Parse Error: expected array element, found ']'\n\tat test:2:1" },
    { S("a := {\n}"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 a) ] [ (map@1:6 }@2:1) ])" },
    { S("'\\''"),
      "(expr@1:1 (char@1:1 39))" },
    { S("\"\\\"\""),
      "(expr@1:1 (string@1:1 \"\\\"\"))" },
    { S("'\"'"),
      "(expr@1:1 (char@1:1 34))" },
    { S("'\\\"'"),
      "Parse Error: unknown escape sequence\n\tat test:1:3" },
    { S("\"\\'\""),
      "Parse Error: unknown escape sequence\n\tat test:1:3" },
    { S("x := `a\015\nb`"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (string@1:6 \"a\\nb\") ])" },
    { S("x := \"a\015b\""),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (string@1:6 \"a\\rb\") ])" },
    { S("a\n\n\n\?"),
      "Parse Error: expected statement, found '\?'\n\tat test:4:1" },
    { S("if a {\n} \nelse {}"),
      "Parse Error: expected statement, found 'else'\n\tat test:3:1" },
    { S("if a { b }\nc"),
      "(if@1:1 _ (ident@1:4 a) (block@1:6 }@1:10 (expr@1:8 (ident@1:8 b))) _) (expr@2:1 (ident@2:1 c))" },
    { S("func() {}()"),
      "(expr@1:1 (call@1:1 (@1:10 )@1:11 (func@1:1 (@1:5 )@1:6 (block@1:8 }@1:9))))" },
    { S("x := -1 - -1"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (binary@1:7 -@1:9 (unary@1:7 -@1:6 (int@1:7 1)) (unary@1:12 -@1:11 (int@1:12 1))) ])" },
    { S("x := - - 1"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (unary@1:10 -@1:6 (unary@1:10 -@1:8 (int@1:10 1))) ])" },
    { S("x := ^1 &^ 2"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (binary@1:7 &^@1:9 (unary@1:7 ^@1:6 (int@1:7 1)) (int@1:12 2)) ])" },
    { S("x <<= 2; y >>= 1; z &^= 3; w %= 4"),
      "(assign@1:1 <<=@1:3 [ (ident@1:1 x) ] [ (int@1:7 2) ]) (assign@1:10 >>=@1:12 [ (ident@1:10 y) ] [ (int@1:16 1) ]) (assign@1:19 &^=@1:21 [ (ident@1:19 z) ] [ (int@1:25 3) ]) (assign@1:28 %=@1:30 [ (ident@1:28 w) ] [ (int@1:33 4) ])" },
    { S("x := a || b && c == d + e * f"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (binary@1:6 ||@1:8 (ident@1:6 a) (binary@1:11 &&@1:13 (ident@1:11 b) (binary@1:16 ==@1:18 (ident@1:16 c) (binary@1:21 +@1:23 (ident@1:21 d) (binary@1:25 *@1:27 (ident@1:25 e) (ident@1:29 f)))))) ])" },
    { S("x := a < b == c > d"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (binary@1:6 >@1:17 (binary@1:6 ==@1:12 (binary@1:6 <@1:8 (ident@1:6 a) (ident@1:10 b)) (ident@1:15 c)) (ident@1:19 d)) ])" },
    { S("f := func(a, ...b) { return len(b) }"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 f) ] [ (func@1:6 (@1:10 )@1:18 ... (ident@1:11 a) (ident@1:17 b) (block@1:20 }@1:36 (return@1:22 (call@1:29 (@1:32 )@1:34 (ident@1:29 len) (ident@1:33 b))))) ])" },
    { S("x := [1, 2, 3][:]"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (slice@1:6 [@1:15 ]@1:17 (array@1:6 ]@1:14 (int@1:7 1) (int@1:10 2) (int@1:13 3)) _ _) ])" },
    { S("x := s[1:]"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (slice@1:6 [@1:7 ]@1:10 (ident@1:6 s) (int@1:8 1) _) ])" },
    { S("x := s[:2]"),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (slice@1:6 [@1:7 ]@1:10 (ident@1:6 s) _ (int@1:9 2)) ])" },
    { S("for i := 0; i < 10; i++ {\n\tif i%2 == 0 {\n\t\tcontinue\n\t}\n}"),
      "(for@1:1 (assign@1:5 :=@1:7 [ (ident@1:5 i) ] [ (int@1:10 0) ]) (binary@1:13 <@1:15 (ident@1:13 i) (int@1:17 10)) (incdec@1:21 ++@1:22 (ident@1:21 i)) (block@1:25 }@5:1 (if@2:2 _ (binary@2:5 ==@2:9 (binary@2:5 %@2:6 (ident@2:5 i) (int@2:7 2)) (int@2:12 0)) (block@2:14 }@4:2 (continue@3:3)) _)))" },
    { S("each := func(seq, fn) {\n\tfor x in seq { fn(x) }\n}"),
      "(assign@1:1 :=@1:6 [ (ident@1:1 each) ] [ (func@1:9 (@1:13 )@1:21 (ident@1:14 seq) (ident@1:19 fn) (block@1:23 }@3:1 (forin@2:2 (ident@2:6 _) (ident@2:6 x) (ident@2:11 seq) (block@2:15 }@2:23 (expr@2:17 (call@2:17 (@2:19 )@2:21 (ident@2:17 fn) (ident@2:20 x))))))) ])" },
    { S("out := text.re_match(\"^a\", s) \? \"y\" : \"n\""),
      "(assign@1:1 :=@1:5 [ (ident@1:1 out) ] [ (cond@1:8 \?@1:31 :@1:37 (call@1:8 (@1:21 )@1:29 (selector@1:8 (ident@1:8 text) (string@1:13 \"re_match\")) (string@1:22 \"^a\") (ident@1:28 s)) (string@1:33 \"y\") (string@1:39 \"n\")) ])" },
    { S("a.b++"),
      "(incdec@1:1 ++@1:4 (selector@1:1 (ident@1:1 a) (string@1:3 \"b\")))" },
    { S("a[0]--"),
      "(incdec@1:1 --@1:5 (index@1:1 [@1:2 ]@1:4 (ident@1:1 a) (int@1:3 0)))" },
    { S("x = y\n"),
      "(assign@1:1 =@1:3 [ (ident@1:1 x) ] [ (ident@1:5 y) ])" },
    { S("\n\n\nx\n\n"),
      "(expr@4:1 (ident@4:1 x))" },
    { S(""),
      "" },
    { S(";"),
      "(empty@1:1)" },
    { S("\n"),
      "" },
    { S("// only a comment"),
      "" },
    { S("/* c */"),
      "" },
    { S("x\015\n:= 1\015\n"),
      "Parse Error: expected statement, found ':='\n\tat test:2:1" },
    { S("x := \"tab\there\""),
      "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (string@1:6 \"tab\\there\") ])" },
    { S("a b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\na b\nreturn\n"),
      "Parse Error: expected ';', found b\n\tat test:1:3 (and 10 more errors)" },
    { S("@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n"),
      "Parse Error: illegal character U+0040 '@'\n\tat test:1:1" },
    { S("x := 1 @ 2\n$"),
      "Parse Error: illegal character U+0040 '@'\n\tat test:1:8 (and 1 more errors)" },
};

/* The dump of the tree, or the error text. */
static void parse_to(buf_t *out, const char *src, size_t len, enum tg_print_style style)
{
    arena_t *a = arena_new(0);
    struct tg_file *f;
    struct tg_error_list e;
    if (tg_parse(a, "test", src, len, &f, &e) == OK) {
        tg_print_file(out, f, style);
    } else {
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_TRUE(e.len > 0);
        buf_puts(out, tg_error_list_string(a, &e));
    }
    arena_free(a);
}

static void test_parser_matches_tengo_on_every_table_case(void)
{
    size_t n = sizeof parse_cases / sizeof parse_cases[0], failed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct parse_case *c = &parse_cases[i];
        buf_t got = BUF_INIT;
        parse_to(&got, c->src, c->len, TG_PRINT_DUMP);
        if (strcmp(buf_cstr(&got), c->want) != 0) {
            failed++;
            fprintf(stderr, "\ncase %zu: %s\n  got:  %s\n  want: %s\n", i, c->src, buf_cstr(&got), c->want);
        }
        buf_free(&got);
    }
    CU_ASSERT_EQUAL(failed, 0);
}

static void expect_string(const char *src, const char *want)
{
    buf_t got = BUF_INIT;
    parse_to(&got, src, strlen(src), TG_PRINT_TENGO);
    if (strcmp(buf_cstr(&got), want) != 0)
        fprintf(stderr, "\n%s\n  got:  %s\n  want: %s\n", src, buf_cstr(&got), want);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), want);
    buf_free(&got);
}

/* Tengo's expectParseString cases: its String() form shows the grouping. */
static void test_parser_precedence_and_grouping_as_tengo_prints_them(void)
{
    expect_string("a + add(b * c) + d", "((a + add((b * c))) + d)");
    expect_string("add(a, b, 1, 2 * 3, 4 + 5, add(6, 7 * 8))", "add(a, b, 1, (2 * 3), (4 + 5), add(6, (7 * 8)))");
    expect_string("f1(a) + f2(b) * f3(c)", "(f1(a) + (f2(b) * f3(c)))");
    expect_string("(f1(a) + f2(b)) * f3(c)", "(((f1(a) + f2(b))) * f3(c))");
    expect_string("a ? b : c", "(a ? b : c)");
    expect_string("a + b ? c - d : e * f", "((a + b) ? (c - d) : (e * f))");
    expect_string("a == b ? c + (d / e) : f ? g : h + i", "((a == b) ? (c + ((d / e))) : (f ? g : (h + i)))");
    expect_string("(a + b) ? (c - d) : (e * f)", "(((a + b)) ? ((c - d)) : ((e * f)))");
    expect_string("a + (b ? c : d) - e", "((a + ((b ? c : d))) - e)");
    expect_string("a ? b ? c : d : e", "(a ? (b ? c : d) : e)");
    expect_string("a := b ? c : d", "a := (b ? c : d)");
    expect_string("x := a ? b ? c : d : e", "x := (a ? (b ? c : d) : e)");
    expect_string("a + b + c", "((a + b) + c)");
    expect_string("a + b * c", "(a + (b * c))");
    expect_string("x = 2 * 1 + 3 / 4", "x = ((2 * 1) + (3 / 4))");
    /* the five levels: * / % << >> & &^, then + - | ^, comparisons, &&, || */
    expect_string("a || b && c == d + e * f", "(a || (b && (c == (d + (e * f)))))");
    expect_string("a << 1 | b &^ c ^ d % 2", "(((a << 1) | (b &^ c)) ^ (d % 2))");
    expect_string("a < b == c >= d != e", "((((a < b) == c) >= d) != e)");
    expect_string("-a * !b - ^c", "(((-a) * (!b)) - (^c))");
    expect_string("-a.b[1](c)", "(-a.b[1](c))");
    expect_string("f(a, b...)", "f(a, b...)");
    expect_string("x := func(a, ...b) { return a }", "x := func(a, ...b) {return a}");
    expect_string("for i := 0; i < 3; i++ { }", "for i := 0 ; (i < 3)  ; i++{}");
    expect_string("for x in y {}", "for _, x in y {}");
    expect_string("if a := 1; a { b } else if c { d } else { e }", "if a := 1; a {b} else if c {d} else {e}");
}

static char *canonical(arena_t *a, const char *src, size_t len, const char *what)
{
    struct tg_file *f;
    struct tg_error_list e;
    if (tg_parse(a, "test", src, len, &f, &e) != OK) {
        fprintf(stderr, "\n%s does not parse: %s\n%s\n", what, tg_error_list_string(a, &e), src);
        return NULL;
    }
    buf_t b = BUF_INIT;
    tg_print_file(&b, f, TG_PRINT_CANONICAL);
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* print(parse(src)) parses back to the same tree, printed the same. */
static void expect_round_trip(const char *src, const char *want)
{
    arena_t *a = arena_new(0);
    char *c1 = canonical(a, src, strlen(src), "source");
    char *c2 = c1 ? canonical(a, c1, strlen(c1), "canonical print") : NULL;
    CU_ASSERT_PTR_NOT_NULL(c2);
    if (c1 && c2) {
        CU_ASSERT_STRING_EQUAL(c1, c2);
        buf_t t1 = BUF_INIT, t2 = BUF_INIT;
        parse_to(&t1, src, strlen(src), TG_PRINT_TENGO);
        parse_to(&t2, c1, strlen(c1), TG_PRINT_TENGO);
        CU_ASSERT_STRING_EQUAL(buf_cstr(&t1), buf_cstr(&t2));
        buf_free(&t1);
        buf_free(&t2);
        if (want) {
            if (strcmp(c1, want) != 0)
                fprintf(stderr, "\n  got:\n%s\n  want:\n%s\n", c1, want);
            CU_ASSERT_STRING_EQUAL(c1, want);
        }
    }
    arena_free(a);
}

static void test_parser_canonical_print_is_source_that_reparses_identically(void)
{
    expect_round_trip("a:=1+2*3;b:=(a+1)*2", "a := 1 + 2 * 3\nb := (a + 1) * 2\n");
    expect_round_trip("x := - -1; y := + +1; z := -(-1); w := !!t", "x := - -1\ny := + +1\nz := -(-1)\nw := !!t\n");
    expect_round_trip("m := {a: 1, \"b c\": 2, \"in\": 3, \"\\t\": 4}", "m := {a: 1, \"b c\": 2, \"in\": 3, \"\\t\": 4}\n");
    expect_round_trip("if x := f(); x > 0 { y++ } else if z { return } else { w-- }",
                      "if x := f(); x > 0 {\n\ty++\n} else if z {\n\treturn\n} else {\n\tw--\n}\n");
    expect_round_trip("for {}\nfor a {}\nfor i := 0; i < 3; i++ {}\nfor ; ; {}\nfor ; a; {}\nfor k, v in m { continue }\nfor v in a { break }",
                      "for {}\nfor a {}\nfor i := 0; i < 3; i++ {}\nfor {}\nfor a {}\nfor k, v in m {\n\tcontinue\n}\nfor v in a {\n\tbreak\n}\n");
    expect_round_trip("f := func(a, ...b) { g := func() { return [a, b[1:], b[:2], b[:]] }; return g() }",
                      "f := func(a, ...b) {\n\tg := func() {\n\t\treturn [a, b[1:], b[:2], b[:]]\n\t}\n\treturn g()\n}\n");
    expect_round_trip("x := import(\"fmt\").sprintf(\"%d\", y...)\nexport {x: x, e: error(\"e\"), i: immutable([1])}",
                      "x := import(\"fmt\").sprintf(\"%d\", y...)\nexport {x: x, e: error(\"e\"), i: immutable([1])}\n");
    expect_round_trip("s := `raw\nstring` + \"\\u00e9\" + 'c' + '\\n'; n := 0x1F + 017 + 1000 + 1.5e3 + .5", NULL);
    expect_round_trip("a, b = 1, 2\nc += d\ne <<= 1\nx.y.z = w[0].v\nt := a ? b ? c : d : (e ? f : g)", NULL);
    expect_round_trip("x := f(\n\ta,\n\tb\n)\ny := [\n1,\n2\n]\nz := {\na: 1\n}", "x := f(a, b)\ny := [1, 2]\nz := {a: 1}\n");
    expect_round_trip("x := 1 // c\n/* d */ y := 2", "x := 1\ny := 2\n");
    expect_round_trip("x := 7 .o + 0x1F .y + 1.5.z", "x := 7 .o + 0x1F .y + 1.5.z\n");
    expect_round_trip("", "");
}

static void test_parser_canonical_print_of_every_table_tree_is_stable(void)
{
    size_t n = sizeof parse_cases / sizeof parse_cases[0], checked = 0;
    for (size_t i = 0; i < n; i++) {
        const struct parse_case *c = &parse_cases[i];
        if (strncmp(c->want, "Parse Error", 11) == 0)
            continue;
        arena_t *a = arena_new(0);
        char *c1 = canonical(a, c->src, c->len, "table source");
        char *c2 = c1 ? canonical(a, c1, strlen(c1), "canonical print") : NULL;
        CU_ASSERT_PTR_NOT_NULL(c2);
        if (c2)
            CU_ASSERT_STRING_EQUAL(c1, c2);
        arena_free(a);
        checked++;
    }
    CU_ASSERT_TRUE(checked > 150);
}

static void test_parser_error_text_has_tengo_format(void)
{
    arena_t *a = arena_new(0);
    struct tg_error e = { { 9, 1, 10 }, "test" };
    CU_ASSERT_STRING_EQUAL(tg_error_string(a, "", &e), "Parse Error: test\n\tat 1:10");
    CU_ASSERT_STRING_EQUAL(tg_error_string(a, "f.tengo", &e), "Parse Error: test\n\tat f.tengo:1:10");
    struct tg_error none = { { 0, 0, 0 }, "test" };
    CU_ASSERT_STRING_EQUAL(tg_error_string(a, "", &none), "Parse Error: test");
    CU_ASSERT_STRING_EQUAL(tg_error_string(a, "f", &none), "Parse Error: test\n\tat f");
    struct tg_error three[] = { { { 9, 1, 10 }, "error 1" }, { { 19, 2, 10 }, "error 2" }, { { 29, 3, 10 }, "error 3" } };
    struct tg_error_list l = { "", three, 3 };
    CU_ASSERT_STRING_EQUAL(tg_error_list_string(a, &l), "Parse Error: error 1\n\tat 1:10 (and 2 more errors)");
    l.len = 0;
    CU_ASSERT_STRING_EQUAL(tg_error_list_string(a, &l), "no errors");
    arena_free(a);
}

static void test_parser_errors_are_sorted_by_position(void)
{
    arena_t *a = arena_new(0);
    struct tg_file *f;
    struct tg_error_list e;
    /* the scanner reports the bad escape of line 2 while the parser is still
     * on line 1; the list comes out in source order */
    const char *src = "x := (1\ny := \"\\q\"\nz := )";
    CU_ASSERT_EQUAL(tg_parse(a, "p.tengo", src, strlen(src), &f, &e), ERROR);
    CU_ASSERT_TRUE(e.len >= 2);
    for (size_t i = 1; i < e.len; i++)
        CU_ASSERT_TRUE(e.items[i - 1].pos.line < e.items[i].pos.line ||
                       (e.items[i - 1].pos.line == e.items[i].pos.line &&
                        e.items[i - 1].pos.column <= e.items[i].pos.column));
    CU_ASSERT_STRING_EQUAL(e.filename, "p.tengo");
    arena_free(a);
}

/* The dump or error text of src is want (NULL: any tree). */
static void expect_parse(const char *src, const char *want)
{
    buf_t got = BUF_INIT;
    parse_to(&got, src, strlen(src), TG_PRINT_DUMP);
    if (!want) {
        CU_ASSERT_NOT_EQUAL(strncmp(buf_cstr(&got), "Parse Error", 11), 0);
        buf_free(&got);
        return;
    }
    if (strcmp(buf_cstr(&got), want) != 0)
        fprintf(stderr, "\n%.60s…\n  got:  %s\n  want: %s\n", src, buf_cstr(&got), want);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), want);
    buf_free(&got);
}

/* A source of n copies of open, then x, then n copies of close. */
static char *nested(arena_t *a, const char *open, const char *x, const char *close, int n)
{
    buf_t b = BUF_INIT;
    for (int i = 0; i < n; i++)
        buf_puts(&b, open);
    buf_puts(&b, x);
    for (int i = 0; i < n; i++)
        buf_puts(&b, close);
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void test_parser_nesting_deeper_than_limit_is_an_error_not_a_crash(void)
{
    arena_t *a = arena_new(0);
    /* deep but within the limit: fine */
    const char *deep = nested(a, "(", "1", ")", 500);
    buf_t ok = BUF_INIT;
    parse_to(&ok, deep, strlen(deep), TG_PRINT_TENGO);
    CU_ASSERT_NOT_EQUAL(strncmp(buf_cstr(&ok), "Parse Error", 11), 0);
    buf_free(&ok);
    expect_parse("x := ((((((((((((((((((((1))))))))))))))))))))", NULL);
    /* hostile: a million levels of every kind of nesting */
    static const char *const kinds[][3] = {
        { "(", "1", ")" }, { "[", "1", "]" }, { "{a: ", "1", "}" }, { "- ", "1", "" },
        { "!", "x", "" }, { "f(", "1", ")" }, { "if x {", "", "}" }, { "x := func() {", "", "}" },
        { "a ? b : ", "c", "" }, { "for {", "", "}" },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const char *src = nested(a, kinds[k][0], kinds[k][1], kinds[k][2], 1000000 / (int)strlen(kinds[k][0]));
        buf_t got = BUF_INIT;
        parse_to(&got, src, strlen(src), TG_PRINT_TENGO);
        CU_ASSERT_PTR_NOT_NULL(strstr(buf_cstr(&got), "Parse Error: nesting too deep (more than 1024 levels)"));
        buf_free(&got);
    }
    arena_free(a);
}

static void test_parser_long_chains_count_as_nesting(void)
{
    arena_t *a = arena_new(0);
    buf_t src = BUF_INIT;
    buf_puts(&src, "x := 1");
    for (int i = 0; i < 1000; i++)
        buf_puts(&src, " + 1");
    buf_t got = BUF_INIT;
    parse_to(&got, src.data, src.len, TG_PRINT_TENGO);
    CU_ASSERT_EQUAL(strncmp(buf_cstr(&got), "x := ", 5), 0); /* 1000 links fit */
    for (int i = 0; i < 100000; i++)
        buf_puts(&src, " + 1");
    buf_reset(&got);
    parse_to(&got, src.data, src.len, TG_PRINT_TENGO);
    CU_ASSERT_EQUAL(strncmp(buf_cstr(&got), "Parse Error: nesting too deep", 29), 0);
    buf_reset(&src);
    for (int i = 0; i < 100000; i++)
        buf_puts(&src, "if a {} else ");
    buf_puts(&src, "{}");
    buf_reset(&got);
    parse_to(&got, src.data, src.len, TG_PRINT_TENGO);
    CU_ASSERT_EQUAL(strncmp(buf_cstr(&got), "Parse Error: nesting too deep", 29), 0);
    buf_reset(&src);
    buf_puts(&src, "x");
    for (int i = 0; i < 100000; i++)
        buf_puts(&src, ".y[0](1)");
    buf_reset(&got);
    parse_to(&got, src.data, src.len, TG_PRINT_TENGO);
    CU_ASSERT_EQUAL(strncmp(buf_cstr(&got), "Parse Error: nesting too deep", 29), 0);
    buf_free(&got);
    buf_free(&src);
    arena_free(a);
}

static void test_parser_for_in_with_three_names_is_an_error(void)
{
    /* Tengo accepts it and then crashes in its compiler */
    expect_parse("for a, b, c in x {}", "Parse Error: expected 'in'\n\tat test:1:11");
}

static void test_parser_tree_shape_for_the_compiler(void)
{
    arena_t *a = arena_new(0);
    struct tg_file *f;
    struct tg_error_list e;
    const char *src = "x := f(\"a\\x00b\", 'é', 0x1F, 2.5, y...)\nfor v in m { v.k++ }\ng := func(p, ...q) {}\nx.s[1:] = import(\"m\")";
    CU_ASSERT_EQUAL_FATAL(tg_parse(a, "t", src, strlen(src), &f, &e), OK);
    CU_ASSERT_EQUAL_FATAL(f->stmts.len, 4);

    struct tg_node *s = f->stmts.items[0];
    CU_ASSERT_EQUAL(s->kind, TG_ASSIGN_STMT);
    CU_ASSERT_EQUAL(s->assign.op, TK_DEFINE);
    CU_ASSERT_EQUAL(s->assign.op_pos.column, 3);
    struct tg_node *call = s->assign.rhs.items[0];
    CU_ASSERT_EQUAL(call->kind, TG_CALL_EXPR);
    CU_ASSERT_EQUAL(call->call.args.len, 5);
    CU_ASSERT_EQUAL(call->call.ellipsis.line, 1);
    CU_ASSERT_EQUAL(call->call.ellipsis.column, 36);
    struct tg_node *str = call->call.args.items[0];
    CU_ASSERT_EQUAL(str->kind, TG_STRING_LIT);
    CU_ASSERT_EQUAL(str->string_lit.len, 3);
    CU_ASSERT_EQUAL(memcmp(str->string_lit.value, "a\0b", 3), 0);
    CU_ASSERT_STRING_EQUAL(str->string_lit.lit, "\"a\\x00b\"");
    CU_ASSERT_EQUAL(call->call.args.items[1]->char_lit.value, 0xe9);
    CU_ASSERT_EQUAL(call->call.args.items[2]->int_lit.value, 0); /* ParseInt(lit, 10): Go Tengo v2.10.1 */
    CU_ASSERT_DOUBLE_EQUAL(call->call.args.items[3]->float_lit.value, 2.5, 0);
    CU_ASSERT_EQUAL(call->call.args.items[0]->pos.offset, 7);

    s = f->stmts.items[1];
    CU_ASSERT_EQUAL(s->kind, TG_FOR_IN_STMT);
    CU_ASSERT_STRING_EQUAL(s->for_in.key->ident.name, "_");
    CU_ASSERT_STRING_EQUAL(s->for_in.value->ident.name, "v");
    struct tg_node *inc = s->for_in.body->block.stmts.items[0];
    CU_ASSERT_EQUAL(inc->kind, TG_INC_DEC_STMT);
    CU_ASSERT_EQUAL(inc->inc_dec.expr->kind, TG_SELECTOR_EXPR);
    CU_ASSERT_EQUAL(inc->inc_dec.expr->selector.sel->kind, TG_STRING_LIT);
    CU_ASSERT_STRING_EQUAL(inc->inc_dec.expr->selector.sel->string_lit.value, "k");

    struct tg_node *fn = f->stmts.items[2]->assign.rhs.items[0];
    CU_ASSERT_EQUAL(fn->kind, TG_FUNC_LIT);
    CU_ASSERT_TRUE(fn->func_lit.varargs);
    CU_ASSERT_EQUAL(fn->func_lit.params.len, 2);
    CU_ASSERT_EQUAL(fn->func_lit.body->block.stmts.len, 0);

    s = f->stmts.items[3];
    CU_ASSERT_EQUAL(s->assign.op, TK_ASSIGN);
    CU_ASSERT_EQUAL(s->assign.lhs.items[0]->kind, TG_SLICE_EXPR);
    CU_ASSERT_PTR_NULL(s->assign.lhs.items[0]->slice.high);
    CU_ASSERT_EQUAL(s->assign.rhs.items[0]->kind, TG_IMPORT_EXPR);
    CU_ASSERT_STRING_EQUAL(s->assign.rhs.items[0]->import_expr.module, "m");
    CU_ASSERT_EQUAL(s->pos.line, 4);
    arena_free(a);
}

static void test_parser_unary_position_is_its_operand_like_tengo(void)
{
    expect_parse("x := -y", "(assign@1:1 :=@1:3 [ (ident@1:1 x) ] [ (unary@1:7 -@1:6 (ident@1:7 y)) ])");
}

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Random token soups and bytes: an error or a tree, never a crash; every
 * tree prints to source that parses again. */
static void test_parser_random_input_never_crashes(void)
{
    static const char *const frags[] = {
        "a", "b", "_", "1", "0x1F", "1.5", "1e", "'c'", "\"s\"", "`r`", "\"\\q", "for", "if", "else", "in",
        "func", "return", "export", "break", "continue", "true", "undefined", "import", "error", "immutable",
        "+", "-", "*", "/", "&^", "<<=", "&&", "||", "++", "--", "==", "!", "=", ":=", "...", "(", ")", "[",
        "]", "{", "}", ",", ".", ";", ":", "?", "\n", "\n", " ", " ", "// c\n", "/* c */", "/*", "@", "\xff",
    };
    uint32_t seed = 12345;
    char src[160];
    int trees = 0;
    for (int iter = 0; iter < 30000; iter++) {
        size_t n = 0, want = rnd(&seed) % 120;
        while (n < want) {
            if (rnd(&seed) % 8 == 0) {
                src[n++] = (char)(rnd(&seed) & 0xff);
            } else {
                const char *f = frags[rnd(&seed) % (sizeof frags / sizeof frags[0])];
                for (; *f && n < sizeof src; f++)
                    src[n++] = *f;
                if (n < sizeof src && rnd(&seed) % 2)
                    src[n++] = ' ';
            }
        }
        arena_t *a = arena_new(0);
        struct tg_file *f;
        struct tg_error_list e;
        if (tg_parse(a, "fuzz", src, n, &f, &e) == OK) {
            trees++;
            char *c1 = canonical(a, src, n, "fuzz source");
            char *c2 = c1 ? canonical(a, c1, strlen(c1), "canonical print") : NULL;
            CU_ASSERT_PTR_NOT_NULL(c2);
            if (c2)
                CU_ASSERT_STRING_EQUAL(c1, c2);
        } else {
            CU_ASSERT_TRUE(e.len > 0 && e.len <= 64);
            CU_ASSERT_PTR_NOT_NULL(tg_error_list_string(a, &e));
        }
        arena_free(a);
    }
    CU_ASSERT_TRUE(trees > 100);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_parser", NULL, NULL);
    ADD(s, test_parser_matches_tengo_on_every_table_case);
    ADD(s, test_parser_precedence_and_grouping_as_tengo_prints_them);
    ADD(s, test_parser_canonical_print_is_source_that_reparses_identically);
    ADD(s, test_parser_canonical_print_of_every_table_tree_is_stable);
    ADD(s, test_parser_error_text_has_tengo_format);
    ADD(s, test_parser_errors_are_sorted_by_position);
    ADD(s, test_parser_nesting_deeper_than_limit_is_an_error_not_a_crash);
    ADD(s, test_parser_long_chains_count_as_nesting);
    ADD(s, test_parser_for_in_with_three_names_is_an_error);
    ADD(s, test_parser_tree_shape_for_the_compiler);
    ADD(s, test_parser_unary_position_is_its_operand_like_tengo);
    ADD(s, test_parser_random_input_never_crashes);
}
