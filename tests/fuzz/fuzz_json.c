/* fuzz_json — json_parse on any bytes, json_validate of what parses
 * against a small field table, and json_put_strn round trips: the output
 * must parse back as a string, equal to the input when that is valid
 * UTF-8 without NUL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "status.h"
#include "utf8.h"

static const struct json_field fields[] = {
    { "name", JK_STRING, 1, 0 },   { "n", JK_INT, 0, 1 },
    { "x", JK_NUMBER, 0, 0 },      { "on", JK_BOOL, 0, 0 },
    { "list", JK_ARRAY, 0, 1 },    { "obj", JK_OBJECT, 0, 0 },
    { "id", JK_UUID, 0, 1 },       { "at", JK_TIME, 0, 0 },
    { "tags", JK_STRING_ARRAY, 0, 0 }, { "ids", JK_UUID_ARRAY, 0, 0 },
    { NULL, 0, 0, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    json_object *obj = NULL;
    if (json_parse((const char *)data, size, &obj, err, sizeof err) == OK) {
        if (json_validate(obj, fields, err, sizeof err) == OK) {
            (void)json_str(obj, "name", NULL);
            (void)json_int(obj, "n", 0);
            (void)json_num(obj, "x", 0);
            (void)json_has(obj, "id");
        }
        json_object_put(obj);
    } else if (strlen(err) == 0) {
        abort(); /* ERROR without a reason */
    }

    /* round trip of the bytes as a JSON string */
    buf_t b;
    buf_init(&b);
    json_put_strn(&b, (const char *)data, size);
    json_object *s = NULL;
    if (json_parse(b.data, b.len, &s, err, sizeof err) != OK || !s ||
        !json_object_is_type(s, json_type_string))
        abort(); /* json_put_strn wrote something that is not a JSON string */
    if (utf8_valid((const char *)data, size) && !memchr(data, 0, size)) {
        const char *got = json_object_get_string(s);
        size_t n = (size_t)json_object_get_string_len(s);
        if (n != size || memcmp(got, data, size) != 0)
            abort(); /* valid UTF-8 did not survive the round trip */
    }
    json_object_put(s);
    buf_free(&b);
    return 0;
}
