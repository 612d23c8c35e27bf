/* compile.c — parse and compile a job's program with its source modules
 * (compile.h). Runs in the worker itself, before any fork: a compile
 * error is answered at once, and the bytecode goes into the cache. */
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "host.h"
#include "parser.h"
#include "status.h"

#define MAIN_FILENAME "(main)"

/* tg_resolve_fn over the job's modules[]. */
static int resolve_module(void *ctx, const char *spec, size_t len, struct tg_source *out)
{
    const struct job *j = ctx;
    for (size_t i = 0; i < j->nmodules; i++) {
        const struct job_module *m = &j->modules[i];
        if (strlen(m->spec) == len && memcmp(m->spec, spec, len) == 0) {
            out->code = m->code;
            out->len = m->code_len;
            out->filename = m->spec;
            return OK;
        }
    }
    return ERROR;
}

int compile_job(const struct job *j, struct tg_bytecode **bc, buf_t *err)
{
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    int rc = OK;
    if (tg_parse(a, MAIN_FILENAME, j->code ? j->code : "", j->code_len, &file, &errs) != OK) {
        buf_puts(err, tg_error_list_string(a, &errs));
        rc = ERROR;
    } else {
        struct tg_compile_opts opts = {
            .modules = TG_MODULES_SELFHOST,
            .resolve = resolve_module,
            .resolve_ctx = (void *)j,
            .predefined = NULL,
        };
        rc = tg_compile_with(file, &opts, bc, err);
    }
    arena_free(a);
    return rc;
}
