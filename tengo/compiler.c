/* compiler.c — the syntax tree to bytecode, as Tengo's compiler.go does
 * it: the entry points and the dispatch between statements and
 * expressions. Scratch state (symbols, scopes) lives in an arena freed at
 * the end; the bytecode itself is malloc'd. The work is split by concern:
 * compiler_symtab.c (names), compiler_emit.c (instructions),
 * compiler_expr.c, compiler_stmt.c, compiler_module.c (import),
 * compiler_bytecode.c (the result). */
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "modules.h"
#include "status.h"
#include "xalloc.h"

int tgc_compile(struct compiler *c, const struct tg_node *n)
{
    if (c->failed)
        return ERROR;
    return tg_node_is_expr(n) ? tgc_compile_expr(c, n) : tgc_compile_stmt(c, n);
}

static void collect_globals(struct compiler *c, const struct symtab *root)
{
    struct tg_bytecode *bc = c->bc;
    bc->globals = xcalloc(root->nstore ? root->nstore : 1, sizeof *bc->globals);
    for (uint32_t i = 0; i < root->nstore; i++) {
        const struct symbol *s = root->store[i];
        if (s->scope != SCOPE_GLOBAL)
            continue;
        char *name = xmalloc(s->len + 1);
        memcpy(name, s->name, s->len);
        name[s->len] = 0;
        bc->globals[bc->nglobal_names].name = name;
        bc->globals[bc->nglobal_names++].index = s->index;
    }
}

int tg_compile(const struct tg_file *file, const char *const *predefined, struct tg_bytecode **out,
               buf_t *err)
{
    struct tg_compile_opts opts = { .modules = TG_MODULES_STANDARD, .predefined = predefined };
    return tg_compile_with(file, &opts, out, err);
}

int tg_compile_with(const struct tg_file *file, const struct tg_compile_opts *opts,
                    struct tg_bytecode **out, buf_t *err)
{
    const char *const *predefined = opts->predefined;
    struct compiler c = { 0 };
    c.opts = opts;
    c.a = arena_new(0);
    c.err = err;
    c.filename = file->name ? file->name : "";
    c.bc = xcalloc(1, sizeof *c.bc);
    tg_heap_init(&c.bc->heap, true);
    c.bc->filename = xstrdup(c.filename);
    tgc_enter_scope(&c);
    struct symtab *root = c.st;
    for (size_t i = 0; predefined && predefined[i]; i++)
        tgc_define(&c, predefined[i], (uint32_t)strlen(predefined[i]));
    int rc = tgc_compile_list(&c, &file->stmts);
    if (rc == OK) {
        tgc_emit(&c, (struct tg_pos){ 0, 0, 0 }, TG_OP_SUSPEND, 0, 0);
        c.bc->nglobals = root->max_def;
        if (c.bc->nglobals > 0x10000)
            rc = tgc_errorf(&c, (struct tg_pos){ 0, 1, 1 }, "too many global variables");
    }
    if (rc == OK) {
        collect_globals(&c, root);
        c.st = root; /* leave_scope pops to the (absent) parent */
        c.bc->main = tgc_leave_scope(&c);
        c.bc->main->num_locals = 0;
        *out = c.bc;
    } else {
        while (c.nscopes)
            tgc_free_scope(c.scopes[--c.nscopes]);
        tg_bytecode_free(c.bc);
        *out = NULL;
    }
    arena_free(c.a);
    return rc;
}
