/* pgarray.h — PostgreSQL text[] values in their text form, both ways:
 * literals to send as a parameter ($n::text[]) built from C strings or a
 * JSON array of strings, and the server's output of a text[] column read
 * back as a JSON array. Parameters stay parameters: every element is
 * double-quoted and escaped, so no element can end the literal or be read
 * as NULL, whatever it holds. */
#ifndef SELFHOST_PGARRAY_H
#define SELFHOST_PGARRAY_H

#include <json-c/json.h>
#include <stddef.h>

#include "buf.h"

/* Appends {"a","b\"c",""} for the n items (n = 0: {}). Items must not
 * contain NUL (they are C strings) and are copied byte for byte. */
void pgarray_put(buf_t *b, const char *const *items, size_t n);

/* Appends the literal for a JSON array whose items are strings (as
 * validated by JK_STRING_ARRAY); a non-array writes {}. A string item
 * holding U+0000 is cut there (JK_STRING_ARRAY rejects those). */
void pgarray_put_json(buf_t *b, json_object *strings);

/* Parses a text[] as PostgreSQL prints it ({a,"b c",NULL}, optional
 * "[lo:hi]=" decoration, nested braces of more dimensions flattened) and
 * appends it as a JSON array of strings; NULL elements are written as
 * null. Returns OK, or ERROR when text is not an array's output (b then
 * holds whatever was appended before the fault). */
int pgarray_write_json(buf_t *b, const char *text);

#endif
