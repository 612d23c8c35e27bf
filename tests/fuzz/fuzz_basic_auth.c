/* fuzz_basic_auth — auth_parse_basic on any Authorization header value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(0);
    char *header = arena_strndup(a, (const char *)data, size); /* a C string, as FastCGI gives */
    const char *domain = NULL, *token = NULL;
    if (auth_parse_basic(a, header, &domain, &token) == OK) {
        if (!domain || !token)
            abort();
        (void)strlen(domain);
        (void)strlen(token);
    }
    arena_free(a);
    return 0;
}
