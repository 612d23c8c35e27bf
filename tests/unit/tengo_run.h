/* tengo_run.h — shared by the Tengo unit tests: run a program with `out`
 * predefined and compare its value (or error) with a table of cases. */
#ifndef SELFHOST_TENGO_RUN_H
#define SELFHOST_TENGO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct vm_case {
    const char *src;
    const char *want; /* out's String(), or the whole error message */
};

/* A source module import() finds, by name. */
struct run_module {
    const char *name;
    const char *src;
};

struct run_opts {
    const struct run_module *modules;
    size_t nmodules;
    const char *init;      /* out starts as this type's zero value ("int", "array", …); NULL: undefined */
    int64_t max_allocs;    /* 0: none */
    size_t max_heap_bytes; /* 0: none */
    int64_t timeout_ms;    /* 0: none */
    bool canonical;        /* *got: out as tengo_canon.h writes it, not String() */
};

/* Runs src with o; *got receives out (String() or canonical) or the error
 * text; what the program prints goes to *printed (may be NULL). */
int run_program_opts(const char *src, const struct run_opts *o, buf_t *got, buf_t *printed);
/* Runs src; *got receives out's String() or the error text; what the
 * program prints goes to *printed (may be NULL). timeout_ms 0: none. */
int run_program(const char *src, buf_t *got, buf_t *printed, int64_t timeout_ms);
/* run_program with the VM's allocation limits set (0: none). */
int run_program_limited(const char *src, buf_t *got, int64_t max_allocs, size_t max_heap_bytes);
/* Runs every case (10 s deadline each) and asserts its result; a want
 * ending in "..." only has to start the result. */
void check_cases(const struct vm_case *cases, size_t n);

#define CHECK(cases) check_cases(cases, sizeof cases / sizeof *cases)

#endif
