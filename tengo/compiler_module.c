/* compiler_module.c — import(): builtin modules become immutable map
 * constants; source modules (the library's own, as enum, and those of the
 * embedder's resolver) are compiled
 * once each into a function called at every import, as Tengo does. */
#include <string.h>

#include "compiler_internal.h"
#include "modules.h"
#include "status.h"

/* A builtin module as an immutable map constant (nested modules as
 * nested immutable maps). */
static struct tg_map *module_map(struct compiler *c, const struct tg_module *m)
{
    struct tg_map *map = tg_map_new(&c->bc->heap);
    for (int i = 0; i < m->nfuncs; i++) {
        struct tg_value v = { .type = TG_BUILTIN, .u.bi = &m->funcs[i] };
        tg_map_set(&c->bc->heap, map, m->funcs[i].name, strlen(m->funcs[i].name), v);
    }
    for (int i = 0; i < m->nconsts; i++) {
        const struct tg_module_const *k = &m->consts[i];
        struct tg_value v;
        switch (k->kind) {
        case TG_CONST_INT:
            v = tg_int(k->i);
            break;
        case TG_CONST_FLOAT:
            v = tg_float(k->f);
            break;
        case TG_CONST_BOOL:
            v = tg_bool(k->i != 0);
            break;
        default:
            v = tg_obj_value(tg_string_new(&c->bc->heap, k->s, strlen(k->s)));
            break;
        }
        tg_map_set(&c->bc->heap, map, k->name, strlen(k->name), v);
    }
    for (int i = 0; i < m->nsubs; i++)
        tg_map_set(&c->bc->heap, map, m->subs[i]->name, strlen(m->subs[i]->name),
                   tg_obj_value(module_map(c, m->subs[i])));
    map->h.type = TG_IMMUTABLE_MAP;
    return map;
}

static bool same_name(const struct tg_node *imp, const char *name, uint32_t len)
{
    return imp->import_expr.len == len && memcmp(imp->import_expr.module, name, len) == 0;
}

/* Compiles src as the body of a function of no parameters, in a scope of
 * its own (no access to the importer's names, builtins only), the way
 * Tengo's compileModule does: top-level names are the function's locals
 * and `export X` returns immutable(X). ERROR with the message set. */
static int compile_module_body(struct compiler *c, const struct tg_node *imp,
                               const struct tg_source *src, uint32_t *konst)
{
    const char *fname = src->filename
                            ? arena_strdup(c->a, src->filename)
                            : arena_strndup(c->a, imp->import_expr.module, imp->import_expr.len);
    struct tg_file *file;
    struct tg_error_list errs;
    if (tg_parse(c->a, fname, src->code ? src->code : "", src->len, &file, &errs) != OK) {
        if (!c->failed) {
            c->failed = 1;
            buf_puts(c->err, tg_error_list_string(c->a, &errs));
        }
        return ERROR;
    }
    const char *saved_file = c->filename;
    struct symtab *saved_st = c->st;
    int saved_base = c->scope_base;
    int saved_nscopes = c->nscopes;
    c->filename = fname;
    c->chain[c->nchain++] = imp;
    c->st = tgc_symtab_new(c, NULL, false); /* the builtins only */
    tgc_enter_scope(c);
    c->scope_base = c->nscopes - 1;
    struct symtab *mst = c->st;
    int rc = tgc_compile_list(c, &file->stmts);
    if (rc == OK && mst->max_def > 0xFF + 1)
        rc = tgc_errorf(c, (struct tg_pos){ 0, 1, 1 }, "too many local variables");
    if (rc == OK) {
        tgc_emit(c, (struct tg_pos){ 0, 0, 0 }, TG_OP_RETURN, 0, 0);
        struct tg_code *code = tgc_leave_scope(c);
        struct tg_function *f = tg_function_new(&c->bc->heap, code, 0);
        *konst = tgc_add_constant(c, tg_obj_value(f));
    } else {
        while (c->nscopes > saved_nscopes)
            tgc_free_scope(c->scopes[--c->nscopes]);
    }
    c->nchain--;
    c->filename = saved_file;
    c->st = saved_st;
    c->scope_base = saved_base;
    return rc;
}

/* A source module: the library's own (builtin not NULL) or the resolver's. */
static int compile_source_module(struct compiler *c, const struct tg_node *n,
                                 const struct tg_module *builtin)
{
    const char *name = n->import_expr.module;
    uint32_t len = n->import_expr.len;
    for (int i = 0; i < c->nchain; i++)
        if (same_name(c->chain[i], name, len))
            return tgc_errorf(c, n->pos, "cyclic module import: %.*s", (int)len, name);
    struct compiled_module *m = c->modules;
    while (m && !(m->len == len && memcmp(m->name, name, len) == 0))
        m = m->next;
    if (!m) {
        struct tg_source src = { 0 };
        if (builtin) {
            src.code = builtin->source;
            src.len = strlen(builtin->source);
            src.filename = builtin->name;
        } else if (c->opts->resolve(c->opts->resolve_ctx, name, len, &src) != OK)
            return tgc_errorf(c, n->pos, "module '%.*s' not found", (int)len, name);
        if (c->nchain == MAX_MODULE_DEPTH || c->nscopes > TG_MAX_DEPTH)
            return tgc_errorf(c, n->pos, "modules nested too deeply");
        uint32_t k;
        if (compile_module_body(c, n, &src, &k) != OK)
            return ERROR;
        m = arena_calloc(c->a, 1, sizeof *m);
        m->name = name;
        m->len = len;
        m->konst = k;
        m->next = c->modules;
        c->modules = m;
    }
    tgc_emit(c, n->pos, TG_OP_CONSTANT, m->konst, 0);
    tgc_emit(c, n->pos, TG_OP_CALL, 0, 0);
    return OK;
}

int tgc_compile_import(struct compiler *c, const struct tg_node *n)
{
    if (n->import_expr.len == 0)
        return tgc_errorf(c, n->pos, "empty module name");
    const struct tg_module *m =
        tg_module_find(n->import_expr.module, n->import_expr.len, c->opts->modules);
    if (m && m->source)
        return compile_source_module(c, n, m);
    if (m) {
        tgc_emit(c, n->pos, TG_OP_CONSTANT, tgc_add_constant(c, tg_obj_value(module_map(c, m))), 0);
        return OK;
    }
    if (c->opts->resolve)
        return compile_source_module(c, n, NULL);
    return tgc_errorf(c, n->pos, "module '%.*s' not found", (int)n->import_expr.len,
                  n->import_expr.module);
}
