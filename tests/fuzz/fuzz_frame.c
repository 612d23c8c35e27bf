/* fuzz_frame — frame_parse over the buffer, frame after frame, with the
 * default and a small maximum body size. */
#include <stdint.h>
#include <stdlib.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(const uint8_t *data, size_t size, size_t max)
{
    size_t off = 0;
    while (off < size) {
        size_t consumed = 0, body_len = 0;
        const char *body = NULL;
        int rc = frame_parse((const char *)data + off, size - off, max, &consumed, &body, &body_len);
        if (rc != FRAME_OK)
            break;
        if (consumed != 4 + body_len || consumed > size - off || body_len == 0 ||
            body != (const char *)data + off + 4)
            abort();
        off += consumed;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_all(data, size, 0);
    parse_all(data, size, 64);
    return 0;
}
