/* modules.c — the tables of builtin modules import() can find, one per
 * module set (host.h). Each module lives in its own file and exports one
 * descriptor `tg_mod_NAME`; add a module by adding one line
 * `X(NAME, STANDARD, SELFHOST) \` to the block below (1: in the set). */
#include <string.h>

#include "modules.h"

/* fmt is the same in both sets: its print functions write to vm->out,
 * which selfpwrk captures and selfctl sends to stdout. */
#define TG_MODULES(X)   \
    X(fmt, 1, 1)        \
    X(math, 1, 1)       \
    X(text, 1, 1)       \
    X(base64, 1, 1)     \
    X(hex, 1, 1)        \
    X(json, 1, 1)       \
    X(rand, 1, 1)       \
    X(enum, 1, 1)       \
    X(times, 1, 1)      \
    X(log, 0, 1)        \
    X(http, 0, 1)       \
    X(cgi, 0, 1)        \
    /* end of modules */

#define DECLARE(n, std, sh) extern const struct tg_module tg_mod_##n;
TG_MODULES(DECLARE)
#undef DECLARE

struct entry {
    const struct tg_module *mod;
    unsigned char in[2]; /* by enum tg_module_set */
};

static const struct entry modules[] = {
#define ENTRY(n, std, sh) { &tg_mod_##n, { std, sh } },
    TG_MODULES(ENTRY)
#undef ENTRY
};

const struct tg_module *tg_module_find(const char *name, size_t len, enum tg_module_set set)
{
    if ((unsigned)set > TG_MODULES_SELFHOST)
        return NULL;
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++) {
        const struct tg_module *m = modules[i].mod;
        if (modules[i].in[set] && strlen(m->name) == len && memcmp(m->name, name, len) == 0)
            return m;
    }
    return NULL;
}
