/* fuzz_query — input_url_decode on any bytes: a result never holds a NUL
 * and is never longer than the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(0);
    char *s = input_url_decode(a, (const char *)data, size);
    if (s && strlen(s) > size)
        abort();
    arena_free(a);
    return 0;
}
