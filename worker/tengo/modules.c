/* modules.c — the table of standard modules import() can find. Each module
 * lives in its own file and exports one descriptor `tg_mod_NAME`; add a
 * module by adding one line `X(NAME) \` to the block below. */
#include <string.h>

#include "modules.h"

/* modules: one line each */
#define TG_MODULES(X) \
    X(fmt)            \
    X(math)           \
    X(text)           \
    X(base64)         \
    X(hex)            \
    X(json)           \
    X(rand)           \
    X(enum)           \
    X(times)          \
    /* end of modules */

#define DECLARE(n) extern const struct tg_module tg_mod_##n;
TG_MODULES(DECLARE)
#undef DECLARE

static const struct tg_module *const modules[] = {
#define ENTRY(n) &tg_mod_##n,
    TG_MODULES(ENTRY)
#undef ENTRY
};

const struct tg_module *tg_module_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
        if (strlen(modules[i]->name) == len && memcmp(modules[i]->name, name, len) == 0)
            return modules[i];
    return NULL;
}
