/* fuzz_tzfile — tz_parse on any bytes (a corrupt or hostile zoneinfo
 * file); whatever parses must answer lookups at any instant, including the
 * far ends of time where the footer rule applies, with an offset within a
 * day and a NUL-terminated abbreviation, and map wall clocks back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "tzfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tz_zone *z;
    if (tz_parse(data, size, "fuzz", &z) != OK)
        return 0;
    static const int64_t instants[] = { INT64_MIN, -62135596800, -1, 0, 1, 1711846799,
                                        1711846800, 4102444800, 253402300799, INT64_MAX };
    for (size_t i = 0; i < sizeof instants / sizeof *instants; i++) {
        struct tz_info info;
        tz_lookup(z, instants[i], &info);
        if (info.offset <= -8 * 86400 || info.offset >= 8 * 86400) /* footer rules: up to a week */
            abort();
        if (memchr(info.abbr, '\0', sizeof info.abbr) == NULL)
            abort();
        if (info.start > info.end)
            abort();
        int32_t off;
        tz_lookup_abbr(z, info.abbr, instants[i], &off);
        (void)tz_wall_to_utc(z, instants[i] / 2);
    }
    tz_free(z);
    return 0;
}
