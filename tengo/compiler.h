/* compiler.h — Tengo syntax tree (ast.h) to bytecode (opcodes.h), following
 * Tengo's compiler.go and symbol_table.go: globals at the top level, locals
 * in functions (blocks share their function's slots), free variables
 * captured by reference through cells, builtins by index.
 *
 * The bytecode is self-contained (malloc'd, no pointers into the tree or
 * the source) and read-only once built: compile once, run many times, from
 * several VMs at once. */
#ifndef TENGO_COMPILER_H
#define TENGO_COMPILER_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "buf.h"
#include "lexer.h"
#include "value.h"

struct tg_code {
    uint8_t *insts;
    uint32_t len;
    uint32_t num_locals;
    uint32_t num_params; /* the rest-array counts as one */
    bool varargs;
    uint32_t max_stack; /* operand stack the function may use */
    /* source map: instruction start → Tengo's node position */
    uint32_t *map_ip;
    struct tg_pos *map_pos;
    uint32_t nmap;
    char *filename; /* a source module's name (its positions); NULL: the bytecode's */
};

struct tg_global_name {
    char *name;
    uint32_t index;
};

struct tg_bytecode {
    char *filename;
    struct tg_code *main;
    struct tg_value *constants;
    uint32_t nconst;
    uint32_t nglobals;
    struct tg_global_name *globals; /* top-level names, for embedders and tests */
    uint32_t nglobal_names;
    struct tg_code **codes; /* every function, main included, for freeing */
    uint32_t ncodes;
    struct tg_heap heap; /* the constants (perm objects) */
};

/* Compiles a parsed file. `predefined` (NULL-terminated, may be NULL)
 * names globals that exist before the program starts (undefined until the
 * embedder sets them; Tengo's Script.Add). On ERROR, *err holds Tengo's
 * message: "Compile Error: unresolved reference 'x'\n\tat FILE:LINE:COL". */
int tg_compile(const struct tg_file *file, const char *const *predefined, struct tg_bytecode **out,
               buf_t *err);
void tg_bytecode_free(struct tg_bytecode *bc);
/* The global slot of a top-level name, or -1. */
int tg_bytecode_global(const struct tg_bytecode *bc, const char *name);
/* The source position of the instruction at ip, Tengo's way (nearest
 * instruction start at or before ip); line 0 when none. */
struct tg_pos tg_code_pos(const struct tg_code *code, uint32_t ip);
/* Appends a listing of the instructions (debugging, tests). */
void tg_code_dump(buf_t *out, const struct tg_code *code);

/* builtins.c */
extern const struct tg_builtin tg_builtins[];
extern const int tg_nbuiltins;

#endif
