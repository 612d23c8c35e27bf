/* ini.h — the INI reader behind every configuration file.
 * Syntax: "[section]", "key = value", comments from '#' or ';' at the start
 * of a line, blank lines ignored, whitespace around keys and values
 * trimmed, a value in double quotes keeps its inner spaces. */
#ifndef SELFHOST_INI_H
#define SELFHOST_INI_H

#include <stddef.h>

/* Called once per key; returns OK, or ERROR after writing a reason into
 * err (the parser prefixes "file:line: "). */
typedef int (*ini_entry_fn)(void *ctx, const char *section, const char *key,
                            const char *value, char *err, size_t errsz);

/* Returns OK, or ERROR with "path:line: reason" (or the open error) in err.
 * A missing file is ERROR with errno ENOENT left set. */
int ini_parse_file(const char *path, ini_entry_fn fn, void *ctx, char *err, size_t errsz);

#endif
