/* cmd_program.c — `selfctl program compile FILE.tengo`: checks a Tengo
 * program the way the worker will load it. Errors are printed as Tengo's
 * own CLI prints them (the file's base name, line and column):
 *     Parse Error: expected ';', found ')'
 *     	at prog.tengo:3:10
 * For now compiling means parsing; the compiler will extend this. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "commands.h"
#include "parser.h"
#include "status.h"

#define PROGRAM_MAX_BYTES (64u * 1024u * 1024u)

/* The whole file into b; NUL bytes included. */
static int read_file(const char *path, buf_t *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail("cannot open %s: %s", path, strerror(errno)), ERROR;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b->len + n > PROGRAM_MAX_BYTES) {
            fclose(f);
            return fail("%s: larger than %u bytes", path, PROGRAM_MAX_BYTES), ERROR;
        }
        buf_append(b, chunk, n);
    }
    int err = ferror(f);
    fclose(f);
    if (err)
        return fail("cannot read %s", path), ERROR;
    return OK;
}

int cmd_program_compile(struct cli *c, int argc, char **argv)
{
    (void)c;
    if (wants_help(argc, argv))
        return usage_of("program", "compile", 0);
    const char *path = arg_take(argc, argv);
    if (!path || args_done(argc, argv) != OK)
        return usage_of("program", "compile", 1);
    buf_t src = BUF_INIT;
    if (read_file(path, &src) != OK) {
        buf_free(&src);
        return 1;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    int rc = 0;
    if (tg_parse(a, base, src.data ? src.data : "", src.len, &file, &errs) != OK) {
        fprintf(stderr, "%s\n", tg_error_list_string(a, &errs));
        rc = 1;
    }
    arena_free(a);
    buf_free(&src);
    return rc;
}
