/* compiler_internal.h — what the compiler's files share (compiler.h is the
 * public side): the compiler's state, the symbol tables of Tengo's
 * symbol_table.go, the function being emitted, and the helpers each file
 * offers the others. Internal names carry the tgc_ prefix. */
#ifndef TENGO_COMPILER_INTERNAL_H
#define TENGO_COMPILER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "compiler.h"
#include "host.h"
#include "opcodes.h"
#include "parser.h"

enum scope { SCOPE_GLOBAL, SCOPE_LOCAL, SCOPE_BUILTIN, SCOPE_FREE };

struct symbol {
    const char *name;
    uint32_t len;
    enum scope scope;
    uint32_t index;
    bool local_assigned;
};

struct symtab {
    struct symtab *parent;
    bool block;
    struct symbol **store;
    uint32_t nstore, cap_store;
    uint32_t num_def, max_def;
    struct symbol **free_syms; /* the captured originals, in cell order */
    uint32_t nfree, cap_free;
};

struct loop {
    uint32_t *breaks, *conts;
    uint32_t nbreaks, nconts, cap_breaks, cap_conts;
};

struct cscope { /* one function being compiled */
    buf_t insts;
    uint32_t *map_ip;
    struct tg_pos *map_pos;
    uint32_t nmap, cap_map;
    struct loop *loops[256];
    uint32_t nloops;
    int depth, max_depth;
    uint32_t last_op; /* start of the last instruction */
};

/* A source module compiled during this compile: its function's constant,
 * called again at every import of the same name (as Tengo does). */
struct compiled_module {
    struct compiled_module *next;
    const char *name;
    uint32_t len;
    uint32_t konst;
};

/* Source modules importing source modules: bounded so that a resolver
 * handing out endless distinct names cannot exhaust the stack. */
#define MAX_MODULE_DEPTH 32

struct compiler {
    arena_t *a;
    const char *filename; /* of the file being compiled (main or module) */
    const struct tg_compile_opts *opts;
    /* the source modules being compiled, outermost first (cycle check) */
    const struct tg_node *chain[MAX_MODULE_DEPTH];
    int nchain;
    struct compiled_module *modules;
    int scope_base; /* the scope of the file being compiled (export's "top level") */
    struct tg_bytecode *bc;
    struct symtab *st;
    struct cscope *scopes[TG_MAX_DEPTH + 2];
    int nscopes;
    uint32_t cap_const, cap_codes;
    buf_t *err;
    int failed;
};

#define CUR(c) ((c)->scopes[(c)->nscopes - 1])

/* compiler_emit.c — errors, growable arrays, instructions, constants, and
 * the function scopes being emitted */

/* Records Tengo's "Compile Error: …\n\tat FILE:L:C" (the first error only)
 * and returns ERROR. */
int tgc_errorf(struct compiler *c, struct tg_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Room for item n of the array v (*cap items of `size` allocated): v
 * itself while n < *cap, else a copy twice as large (`first` items the
 * first time). From arena a when not NULL (the old block stays there until
 * the arena goes), else realloc'd (bytecode that outlives the compile). */
void *tgc_grow(arena_t *a, void *v, uint32_t n, uint32_t *cap, size_t size, uint32_t first);
uint32_t tgc_emit(struct compiler *c, struct tg_pos pos, enum tg_opcode op, uint32_t a,
                  uint32_t b);
uint32_t tgc_here(struct compiler *c); /* the offset of the next instruction */
void tgc_patch(struct compiler *c, uint32_t at, uint32_t target); /* the jump at `at` */
uint32_t tgc_add_constant(struct compiler *c, struct tg_value v);
void tgc_enter_scope(struct compiler *c);
struct tg_code *tgc_leave_scope(struct compiler *c);
void tgc_free_scope(struct cscope *s);

/* compiler_symtab.c — names to slots */
struct symtab *tgc_symtab_new(struct compiler *c, struct symtab *parent, bool block);
struct symtab *tgc_symtab_parent(struct symtab *t, bool skip_block);
struct symbol *tgc_define(struct compiler *c, const char *name, uint32_t len);
/* The symbol `name` refers to from t (capturing it as a free variable
 * through the functions in between); NULL if none. *depth: how many
 * tables up it was found. */
struct symbol *tgc_resolve(struct compiler *c, struct symtab *t, const char *name, uint32_t len,
                           bool recur, int *depth);

/* compiler.c */
int tgc_compile(struct compiler *c, const struct tg_node *n);

/* compiler_expr.c */
int tgc_compile_expr(struct compiler *c, const struct tg_node *n);
int tgc_load_symbol(struct compiler *c, struct tg_pos pos, const struct symbol *s);

/* compiler_stmt.c */
int tgc_compile_stmt(struct compiler *c, const struct tg_node *n);
int tgc_compile_list(struct compiler *c, const struct tg_node_list *l);

/* compiler_module.c */
int tgc_compile_import(struct compiler *c, const struct tg_node *n);

#endif
