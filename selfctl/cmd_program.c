/* cmd_program.c — `selfctl program compile FILE.tengo` checks a Tengo
 * program the way the worker will load it (parse and compile);
 * `selfctl program run FILE.tengo [--selfhost]` also runs it, with what fmt
 * prints on stdout; --selfhost offers the modules a worker offers (log, http,
 * cgi; log lines on stderr as "info: MSG" / "error: MSG"). Errors are printed as Tengo's own CLI prints them (the file's
 * base name, line and column):
 *     Parse Error: expected ';', found ')'
 *     	at prog.tengo:3:10
 *     Runtime Error: division by zero
 *     	at prog.tengo:2:9 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "commands.h"
#include "compiler.h"
#include "host.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

#define PROGRAM_MAX_BYTES (64u * 1024u * 1024u)
#define RUN_DEFAULT_TIMEOUT_S 30

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

/* Reads, parses and compiles path; prints the error and returns ERROR. */
static int load_program(const char *path, enum tg_module_set set, struct tg_bytecode **bc)
{
    buf_t src = BUF_INIT;
    if (read_file(path, &src) != OK) {
        buf_free(&src);
        return ERROR;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    int rc = OK;
    if (tg_parse(a, base, src.data ? src.data : "", src.len, &file, &errs) != OK) {
        fprintf(stderr, "%s\n", tg_error_list_string(a, &errs));
        rc = ERROR;
    } else {
        buf_t err = BUF_INIT;
        struct tg_compile_opts opts = { .modules = set };
        if (tg_compile_with(file, &opts, bc, &err) != OK) {
            fprintf(stderr, "%s\n", buf_cstr(&err));
            rc = ERROR;
        }
        buf_free(&err);
    }
    arena_free(a);
    buf_free(&src);
    return rc;
}

int cmd_program_compile(struct cli *c, int argc, char **argv)
{
    (void)c;
    if (wants_help(argc, argv))
        return usage_of("program", "compile", 0);
    const char *path = arg_take(argc, argv);
    if (!path)
        return missing("program", "compile", "FILE.tengo");
    if (args_done(argc, argv) != OK)
        return 2;
    struct tg_bytecode *bc;
    if (load_program(path, TG_MODULES_STANDARD, &bc) != OK)
        return 1;
    tg_bytecode_free(bc);
    return 0;
}

/* log.info / log.error under --selfhost: one line on stderr. */
static void log_to_stderr(void *ctx, const char *level, const char *msg, size_t len)
{
    (void)ctx;
    fprintf(stderr, "%s: %.*s\n", level, (int)(len > 0x7fffffff ? 0x7fffffff : len), msg);
}

int cmd_program_run(struct cli *c, int argc, char **argv)
{
    (void)c;
    if (wants_help(argc, argv))
        return usage_of("program", "run", 0);
    int selfhost = flag_take(argc, argv, "--selfhost");
    const char *timeout = opt_take(argc, argv, "--timeout");
    const char *path = arg_take(argc, argv);
    if (!path)
        return missing("program", "run", "FILE.tengo");
    if (args_done(argc, argv) != OK)
        return 2;
    long secs = RUN_DEFAULT_TIMEOUT_S;
    if (timeout) {
        char *end;
        errno = 0;
        secs = strtol(timeout, &end, 10);
        if (errno || *end || end == timeout || secs <= 0 || secs > 86400)
            return fail("--timeout: expected seconds (1..86400), got '%s'", timeout);
    }
    struct tg_bytecode *bc;
    if (load_program(path, selfhost ? TG_MODULES_SELFHOST : TG_MODULES_STANDARD, &bc) != OK)
        return 1;
    buf_t out = BUF_INIT;
    struct tg_host host = { .log = log_to_stderr };
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    vm.out = &out;
    if (selfhost)
        vm.host = &host;
    vm.deadline_ns = tg_now_ns() + (int64_t)secs * 1000000000;
    int rc = tg_vm_run(&vm) == OK ? 0 : 1;
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    fflush(stdout);
    if (rc)
        fprintf(stderr, "%s\n", buf_cstr(&vm.error));
    tg_vm_free(&vm);
    tg_bytecode_free(bc);
    buf_free(&out);
    return rc;
}
