/* pgarray.c — text[] literals and text[] output (see pgarray.h).
 * PostgreSQL's array syntax: inside double quotes a backslash takes the
 * next byte literally and nothing else is special, so quoting every
 * element and escaping '"' and '\\' is enough for any text; an unquoted
 * NULL (any case) is the null element, which quoting also rules out. */
#include "pgarray.h"

#include <string.h>
#include <strings.h>

#include "json.h"
#include "status.h"

static void put_item(buf_t *b, const char *s, int first)
{
    if (!first)
        buf_putc(b, ',');
    buf_putc(b, '"');
    for (const char *run = s;;) {
        size_t n = strcspn(run, "\"\\");
        buf_append(b, run, n);
        if (run[n] == '\0')
            break;
        buf_putc(b, '\\');
        buf_putc(b, run[n]);
        run += n + 1;
    }
    buf_putc(b, '"');
}

void pgarray_put(buf_t *b, const char *const *items, size_t n)
{
    buf_putc(b, '{');
    for (size_t i = 0; i < n; i++)
        put_item(b, items[i], i == 0);
    buf_putc(b, '}');
}

void pgarray_put_json(buf_t *b, json_object *strings)
{
    buf_putc(b, '{');
    size_t n = json_object_is_type(strings, json_type_array) ? json_object_array_length(strings) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(strings, i));
        put_item(b, s ? s : "", i == 0);
    }
    buf_putc(b, '}');
}

/* One quoted element starting after its opening quote; *pp ends past the
 * closing one. The element goes into item. */
static int read_quoted(const char **pp, buf_t *item)
{
    const char *p = *pp;
    for (;;) {
        size_t n = strcspn(p, "\"\\");
        buf_append(item, p, n);
        p += n;
        if (*p == '\0')
            return ERROR;
        if (*p == '"')
            break;
        if (p[1] == '\0') /* backslash at the very end */
            return ERROR;
        buf_putc(item, p[1]);
        p += 2;
    }
    *pp = p + 1;
    return OK;
}

int pgarray_write_json(buf_t *b, const char *text)
{
    const char *p = text;
    if (*p == '[') { /* dimension decoration of arrays not starting at 1 */
        p = strchr(p, '=');
        if (!p)
            return ERROR;
        p++;
    }
    if (*p != '{')
        return ERROR;
    buf_t item = BUF_INIT;
    int depth = 0, count = 0, rc = ERROR;
    buf_putc(b, '[');
    for (;;) {
        if (*p == '{') {
            depth++;
            p++;
            continue;
        }
        if (*p == '}') {
            p++;
            if (--depth == 0)
                break;
            continue;
        }
        if (*p == ',' && count > 0) {
            p++;
            continue;
        }
        if (*p == '\0' || *p == ',')
            goto out;
        if (count++ > 0)
            buf_putc(b, ',');
        buf_reset(&item);
        if (*p == '"') {
            p++;
            if (read_quoted(&p, &item) != OK)
                goto out;
            json_put_strn(b, buf_cstr(&item), item.len);
        } else {
            size_t n = strcspn(p, ",{}\"");
            if (n == 4 && strncasecmp(p, "NULL", 4) == 0)
                buf_puts(b, "null");
            else
                json_put_strn(b, p, n);
            p += n;
        }
        if (*p != ',' && *p != '}')
            goto out;
    }
    if (*p == '\0') {
        buf_putc(b, ']');
        rc = OK;
    }
out:
    buf_free(&item);
    return rc;
}
