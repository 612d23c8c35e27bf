/* modules.h — the builtin modules importable with import("name"): each is
 * a descriptor (functions, named constants and nested modules, e.g.
 * cgi.request) defined in its own file (stdlib_math.c, stdlib_text.c, …)
 * and listed in modules.c with the module sets (host.h) it belongs to. The
 * compiler turns a descriptor into an immutable map constant. */
#ifndef TENGO_MODULES_H
#define TENGO_MODULES_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "value.h"

enum tg_const_kind { TG_CONST_INT, TG_CONST_FLOAT, TG_CONST_STRING, TG_CONST_BOOL };

/* A named constant of a module (math.pi, times.second, …). */
struct tg_module_const {
    const char *name;
    enum tg_const_kind kind;
    int64_t i;     /* TG_CONST_INT, TG_CONST_BOOL */
    double f;      /* TG_CONST_FLOAT */
    const char *s; /* TG_CONST_STRING */
};

struct tg_module {
    const char *name;
    const struct tg_builtin *funcs;
    int nfuncs;
    const struct tg_module_const *consts;
    int nconsts;
    const struct tg_module *const *subs; /* nested modules: immutable maps by name */
    int nsubs;
    /* a module written in Tengo (enum, as Go Tengo's source modules): its
     * source, compiled at the import like an embedder's source module;
     * NULL for a module of C functions */
    const char *source;
};

#define TG_NELEMS(a) ((int)(sizeof(a) / sizeof *(a)))

/* modules.c: the module of the set named name[0..len), or NULL. */
const struct tg_module *tg_module_find(const char *name, size_t len, enum tg_module_set set);

#endif
