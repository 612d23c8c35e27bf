/* tengo_canon.c — see tengo_canon.h. */
#include "tengo_canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

static void canon_list(buf_t *out, const struct tg_array *a)
{
    for (uint32_t i = 0; i < a->len; i++) {
        if (i)
            buf_puts(out, ", ");
        tengo_canon(out, a->items[i]);
    }
}

static int entry_cmp(const void *x, const void *y)
{
    const struct tg_string *a = (*(const struct tg_map_entry *const *)x)->key;
    const struct tg_string *b = (*(const struct tg_map_entry *const *)y)->key;
    int c = memcmp(a->data, b->data, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void canon_map(buf_t *out, const struct tg_map_body *b)
{
    const struct tg_map_entry **live = malloc((b->count + 1) * sizeof *live);
    if (!live)
        abort();
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->nentries; i++)
        if (b->entries[i].key)
            live[n++] = &b->entries[i];
    qsort(live, n, sizeof *live, entry_cmp);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            buf_puts(out, ", ");
        tg_go_quote(out, live[i]->key->data, live[i]->key->len, false);
        buf_puts(out, ": ");
        tengo_canon(out, live[i]->value);
    }
    free(live);
}

void tengo_canon(buf_t *out, struct tg_value v)
{
    switch ((enum tg_type)v.type) {
    case TG_UNDEFINED:
        buf_puts(out, "undefined");
        return;
    case TG_BOOL: case TG_INT: case TG_FLOAT: case TG_STRING: case TG_TIME:
        buf_puts(out, tg_type_name_static(v));
        buf_putc(out, ':');
        tg_value_string(out, v);
        return;
    case TG_CHAR:
        buf_printf(out, "char:%d", (int)v.u.c);
        return;
    case TG_BYTES:
        buf_puts(out, "bytes:");
        for (uint32_t i = 0; i < TG_STR(v)->len; i++)
            buf_printf(out, "%02x", (unsigned char)TG_STR(v)->data[i]);
        return;
    case TG_ARRAY: case TG_IMMUTABLE_ARRAY:
        buf_puts(out, v.type == TG_ARRAY ? "[" : "immutable[");
        canon_list(out, TG_ARR(v));
        buf_putc(out, ']');
        return;
    case TG_MAP: case TG_IMMUTABLE_MAP:
        buf_puts(out, v.type == TG_MAP ? "{" : "immutable{");
        canon_map(out, TG_MAPV(v)->b);
        buf_putc(out, '}');
        return;
    case TG_ERROR:
        buf_puts(out, "error(");
        tengo_canon(out, ((struct tg_error_obj *)v.u.o)->value);
        buf_putc(out, ')');
        return;
    default:
        buf_puts(out, "type:");
        tg_type_name(out, v);
        return;
    }
}
