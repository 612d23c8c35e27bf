/* fuzz_rfc3339 — rfc3339_parse on any bytes; whatever parses must format
 * and parse back to the same instant (in UTC and at a fixed offset). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rfc3339.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t usec, again;
    if (rfc3339_parse((const char *)data, size, &usec) != OK)
        return 0;
    char out[RFC3339_MAX];
    size_t n = rfc3339_format(usec, out);
    if (n >= RFC3339_MAX || strlen(out) != n)
        abort();
    /* "9999-12-31T23:59:59-23:59" is year 10000 in UTC (and "0000-...+01:00"
     * year -1): the output leaves YYYY, which parse rejects, as Go does */
    if (out[0] == '-' || out[4] != '-')
        return 0;
    if (rfc3339_parse(out, n, &again) != OK || again != usec)
        abort(); /* UTC output does not round-trip */
    /* an offset derived from the input, whole minutes within ±23:59 */
    int offset = (int)((usec % 1440) * 60);
    n = rfc3339_format_offset(usec, offset, out);
    if (n >= RFC3339_MAX || strlen(out) != n)
        abort();
    /* the same at the other end of the offset */
    if (out[0] == '-' || out[4] != '-')
        return 0;
    if (rfc3339_parse(out, n, &again) != OK || again != usec)
        abort(); /* offset output does not round-trip */
    return 0;
}
