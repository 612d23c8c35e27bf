/* tengo_run.h — shared by the Tengo unit tests: run a program with `out`
 * predefined and compare its value (or error) with a table of cases. */
#ifndef SELFHOST_TENGO_RUN_H
#define SELFHOST_TENGO_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct vm_case {
    const char *src;
    const char *want; /* out's String(), or the whole error message */
};

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
