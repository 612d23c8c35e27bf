/* fuzz_tengo_parse — tg_parse on any source; errors must format. */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "parser.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(0);
    struct tg_file *file = NULL;
    struct tg_error_list errs = { 0 };
    if (tg_parse(a, "fuzz", (const char *)data, size, &file, &errs) == OK) {
        if (!file)
            abort();
    } else {
        if (file || errs.len == 0)
            abort();
        (void)tg_error_list_string(a, &errs);
    }
    arena_free(a);
    return 0;
}
