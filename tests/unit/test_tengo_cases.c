/* test_tengo_cases.c — Go Tengo v2.10.1's own test programs, run through
 * ours: every case of the tengo_cases/ files (the file format is described at
 * the top of tengo_cases/vm.txt) must give what Go Tengo gave, out
 * compared canonically (tengo_canon.h), errors as whole messages. A case
 * marked "@@ ours" is a difference docs/compatibility.md lists; "@@ skip"
 * needs objects or settings defined in Go (or the os module). Each file
 * is one CUnit test; every failing case is printed with its origin, then
 * counted. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cunit_main.h"
#include "tengo_run.h"

#define MAX_MODULES 16

struct tcase {
    const char *title; /* "KIND TEST:LINE" */
    const char *skip, *init, *src, *want, *error, *error_contains, *ours, *why;
    int64_t max_allocs; /* -1: none */
    struct run_module modules[MAX_MODULES];
    size_t nmodules;
};

struct tally {
    int total, passed, skipped, documented;
};

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf_t b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    buf_putc(&b, '\0');
    return b.data;
}

/* The "@@ " line at p: its text (NUL-terminated in place) and where the
 * next line starts. */
static char *take_line(char *p, char **next)
{
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    *next = nl ? nl + 1 : p + strlen(p);
    return p;
}

/* A block: the lines up to the next "@@ " line, less the last newline. */
static char *take_block(char *p, char **next)
{
    char *q = p;
    while (*q && strncmp(q, "@@ ", 3) != 0) {
        char *nl = strchr(q, '\n');
        q = nl ? nl + 1 : q + strlen(q);
    }
    *next = q;
    if (q > p && q[-1] == '\n')
        q[-1] = '\0';
    else
        *q = '\0'; /* only at the end of the file */
    return p;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads the case at *p ("@@ case …" up to "@@ end"); 0 at the end of the
 * file, -1 on a malformed one. */
static int next_case(char **p, struct tcase *c)
{
    while (**p == '#' || **p == '\n') {
        char *nl = strchr(*p, '\n');
        *p = nl ? nl + 1 : *p + strlen(*p);
    }
    if (!**p)
        return 0;
    memset(c, 0, sizeof *c);
    c->max_allocs = -1;
    char *line = take_line(*p, p);
    if (!starts(line, "@@ case "))
        return -1;
    c->title = line + 8;
    for (;;) {
        if (!**p)
            return -1;
        line = take_line(*p, p);
        if (strcmp(line, "@@ end") == 0)
            return 1;
        if (starts(line, "@@ skip "))
            c->skip = line + 8;
        else if (strcmp(line, "@@ stdlib") == 0)
            continue; /* ours always has it */
        else if (starts(line, "@@ init "))
            c->init = line + 8;
        else if (starts(line, "@@ max_allocs "))
            c->max_allocs = strtoll(line + 14, NULL, 10);
        else if (starts(line, "@@ module ") && c->nmodules < MAX_MODULES) {
            c->modules[c->nmodules].name = line + 10;
            c->modules[c->nmodules++].src = take_block(*p, p);
        } else if (strcmp(line, "@@ src") == 0)
            c->src = take_block(*p, p);
        else if (strcmp(line, "@@ want") == 0)
            c->want = take_block(*p, p);
        else if (strcmp(line, "@@ error") == 0)
            c->error = take_block(*p, p);
        else if (strcmp(line, "@@ error_contains") == 0)
            c->error_contains = take_block(*p, p);
        else if (strcmp(line, "@@ ours") == 0)
            c->ours = take_block(*p, p);
        else if (strcmp(line, "@@ why") == 0)
            c->why = take_block(*p, p);
        else
            return -1;
    }
}

/* Runs one case; 1 when ours gives what Go Tengo gave (or, for a listed
 * difference, what docs/compatibility.md says). */
static int run_case(const struct tcase *c)
{
    struct run_opts o = {
        .modules = c->modules,
        .nmodules = c->nmodules,
        .init = c->init,
        /* Go's SetMaxAllocs(n) allows n; ours counts 0 as none */
        .max_allocs = c->max_allocs < 0 ? 0 : c->max_allocs == 0 ? -1 : c->max_allocs,
        .timeout_ms = 10000,
        .canonical = true,
    };
    buf_t got = BUF_INIT;
    int rc = run_program_opts(c->src, &o, &got, NULL);
    const char *want = c->ours ? c->ours : c->want ? c->want : c->error;
    int ok = want && strcmp(buf_cstr(&got), want) == 0 && (c->error && !c->ours ? rc != 0 : 1);
    if (!ok)
        fprintf(stderr, "\n--- %s\n%s\n  want: %s\n  got:  %s\n", c->title, c->src,
                want ? want : "(nothing)", buf_cstr(&got));
    buf_free(&got);
    return ok;
}

static void run_file(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", TENGO_CASES_DIR, name);
    char *text = read_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    struct tally t = { 0 };
    struct tcase c;
    char *p = text;
    int r;
    while ((r = next_case(&p, &c)) > 0) {
        t.total++;
        if (c.skip) {
            t.skipped++;
            continue;
        }
        if (c.ours)
            t.documented++;
        t.passed += run_case(&c);
    }
    CU_ASSERT_EQUAL(r, 0); /* the whole file read */
    fprintf(stderr, "\n%s: %d cases, %d pass (%d of them documented differences), %d not portable\n",
            name, t.total, t.passed, t.documented, t.skipped);
    CU_ASSERT_EQUAL(t.passed + t.skipped, t.total);
    free(text);
}

static void test_tengo_cases_vm_test_go(void)
{
    run_file("vm.txt");
}

static void test_tengo_cases_extra(void)
{
    run_file("extra.txt");
}

/* Go Tengo's stdlib tests (stdlib/NAME_test.go), one file per module,
 * recorded with TZ=UTC */
#define STDLIB_FILE(mod)                                                                           \
    static void test_tengo_cases_stdlib_##mod(void)                                                \
    {                                                                                              \
        run_file("stdlib_" #mod ".txt");                                                           \
    }
STDLIB_FILE(text)
STDLIB_FILE(times)
STDLIB_FILE(rand)
STDLIB_FILE(fmt)
STDLIB_FILE(json)
STDLIB_FILE(base64)
STDLIB_FILE(hex)
STDLIB_FILE(os)
STDLIB_FILE(go)

static int set_utc(void)
{
    setenv("TZ", "UTC", 1); /* the zone the stdlib cases were recorded in */
    tzset();
    return 0;
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_cases", NULL, NULL);
    CU_add_test(s, "test_tengo_cases_vm_test_go", test_tengo_cases_vm_test_go);
    CU_add_test(s, "test_tengo_cases_extra", test_tengo_cases_extra);
    CU_pSuite st = CU_add_suite("tengo_cases_stdlib", set_utc, NULL);
    CU_add_test(st, "test_tengo_cases_stdlib_text", test_tengo_cases_stdlib_text);
    CU_add_test(st, "test_tengo_cases_stdlib_times", test_tengo_cases_stdlib_times);
    CU_add_test(st, "test_tengo_cases_stdlib_rand", test_tengo_cases_stdlib_rand);
    CU_add_test(st, "test_tengo_cases_stdlib_fmt", test_tengo_cases_stdlib_fmt);
    CU_add_test(st, "test_tengo_cases_stdlib_json", test_tengo_cases_stdlib_json);
    CU_add_test(st, "test_tengo_cases_stdlib_base64", test_tengo_cases_stdlib_base64);
    CU_add_test(st, "test_tengo_cases_stdlib_hex", test_tengo_cases_stdlib_hex);
    CU_add_test(st, "test_tengo_cases_stdlib_os", test_tengo_cases_stdlib_os);
    CU_add_test(st, "test_tengo_cases_stdlib_go", test_tengo_cases_stdlib_go);
}
