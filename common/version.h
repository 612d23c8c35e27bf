/* version.h — what `--version` prints in every binary: the release and the
 * commit it was built from ("0.1.0 (commit abc1234)"), the commit taken at
 * build time by cmake/version.cmake ("unknown" without git). */
#ifndef SELFHOST_VERSION_H
#define SELFHOST_VERSION_H

#include <stdio.h>

/* "0.1.0 (commit abc1234)" */
const char *selfhost_version(void);
/* The commit alone: 7+ hex digits, or "unknown". */
const char *selfhost_commit(void);
/* Writes "PROG 0.1.0 (commit abc1234)\n" to f. */
void version_print(FILE *f, const char *prog);

#endif
