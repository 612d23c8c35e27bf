/* version.c — the release and commit of this build (see version.h). The
 * generated header is rewritten only when the commit changes, so this is
 * the one file a new commit recompiles. */
#include "version.h"

#include "selfhost_version.h"

const char *selfhost_version(void)
{
    return SELFHOST_VERSION_STRING " (commit " SELFHOST_COMMIT ")";
}

const char *selfhost_commit(void)
{
    return SELFHOST_COMMIT;
}

void version_print(FILE *f, const char *prog)
{
    fprintf(f, "%s %s\n", prog, selfhost_version());
}
