/* yaml_doc.c — a YAML file as the reference's viper sees it (yaml_doc.h). */
#include "yaml_doc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "status.h"

/* deeper nesting than any configuration has; also stops alias cycles */
#define YDOC_MAX_DEPTH 64

static yaml_node_t *node_at(struct ydoc *d, int index)
{
    return yaml_document_get_node(&d->doc, index);
}

static int check_duplicates(struct ydoc *d, yaml_node_t *n, int depth, char *err, size_t errsz)
{
    if (!n || depth > YDOC_MAX_DEPTH)
        return OK;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
            if (check_duplicates(d, node_at(d, *it), depth + 1, err, errsz) != OK)
                return ERROR;
        return OK;
    }
    if (n->type != YAML_MAPPING_NODE)
        return OK;
    yaml_node_pair_t *start = n->data.mapping.pairs.start, *top = n->data.mapping.pairs.top;
    for (yaml_node_pair_t *p = start; p < top; p++) {
        const char *k = ydoc_scalar(node_at(d, p->key));
        for (yaml_node_pair_t *q = start; k && q < p; q++) {
            const char *k2 = ydoc_scalar(node_at(d, q->key));
            if (k2 && strcasecmp(k, k2) == 0 && strcmp(k, "<<") != 0) {
                yaml_node_t *kn = node_at(d, p->key);
                snprintf(err, errsz, "%s:%zu:%zu: key '%s' appears twice (first at line %zu)",
                         d->path, kn->start_mark.line + 1, kn->start_mark.column + 1, k,
                         node_at(d, q->key)->start_mark.line + 1);
                return ERROR;
            }
        }
        if (check_duplicates(d, node_at(d, p->value), depth + 1, err, errsz) != OK)
            return ERROR;
    }
    return OK;
}

int ydoc_load(struct ydoc *d, const char *path, char *err, size_t errsz)
{
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "%s: cannot read: %s", path, strerror(errno));
        return ERROR;
    }
    d->path = strdup(path);
    yaml_parser_t p;
    if (!d->path || !yaml_parser_initialize(&p)) {
        fclose(f);
        free(d->path);
        d->path = NULL;
        snprintf(err, errsz, "out of memory");
        return ERROR;
    }
    yaml_parser_set_input_file(&p, f);
    int ok = yaml_parser_load(&p, &d->doc);
    if (!ok) {
        const char *problem = p.problem ? p.problem : "not valid YAML";
        switch (p.error) {
        case YAML_READER_ERROR: {
            /* libyaml knows only the byte offset here: count lines */
            size_t line = 1, col = 1;
            rewind(f);
            for (size_t i = 0; i < p.problem_offset; i++) {
                int ch = fgetc(f);
                if (ch == EOF)
                    break;
                if (ch == '\n')
                    line++, col = 1;
                else if ((ch & 0xC0) != 0x80)
                    col++;
            }
            snprintf(err, errsz, "%s:%zu:%zu: %s", path, line, col, problem);
            break;
        }
        case YAML_SCANNER_ERROR:
        case YAML_PARSER_ERROR:
        case YAML_COMPOSER_ERROR:
            if (p.context)
                snprintf(err, errsz, "%s:%zu:%zu: %s (%s at line %zu column %zu)", path,
                         p.problem_mark.line + 1, p.problem_mark.column + 1, problem, p.context,
                         p.context_mark.line + 1, p.context_mark.column + 1);
            else
                snprintf(err, errsz, "%s:%zu:%zu: %s", path, p.problem_mark.line + 1,
                         p.problem_mark.column + 1, problem);
            break;
        default:
            snprintf(err, errsz, "%s: %s", path, p.error == YAML_MEMORY_ERROR ? "out of memory" : problem);
        }
    }
    yaml_parser_delete(&p);
    int read_failed = ferror(f);
    fclose(f);
    if (ok && read_failed) {
        yaml_document_delete(&d->doc);
        ok = 0;
        snprintf(err, errsz, "%s: cannot read: %s", path, strerror(EIO));
    }
    if (!ok) {
        free(d->path);
        d->path = NULL;
        return ERROR;
    }
    d->loaded = 1;
    if (check_duplicates(d, ydoc_root(d), 0, err, errsz) != OK) {
        ydoc_free(d);
        return ERROR;
    }
    return OK;
}

void ydoc_free(struct ydoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    free(d->path);
    memset(d, 0, sizeof *d);
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

const char *ydoc_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int ydoc_is_null(const yaml_node_t *n)
{
    if (!n)
        return 1;
    if (n->type != YAML_SCALAR_NODE)
        return 0;
    if (n->tag && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
        return 1;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

int ydoc_line(const yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 0;
}

int ydoc_column(const yaml_node_t *n)
{
    return n ? (int)n->start_mark.column + 1 : 0;
}

static yaml_node_t *get_depth(struct ydoc *d, yaml_node_t *map, const char *key, int depth)
{
    if (!map || map->type != YAML_MAPPING_NODE || depth > YDOC_MAX_DEPTH)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = ydoc_scalar(node_at(d, p->key));
        if (k && strcasecmp(k, key) == 0) {
            yaml_node_t *v = node_at(d, p->value);
            return ydoc_is_null(v) ? NULL : v;
        }
    }
    /* not there: a "<<" merge key brings in the pairs of other mappings */
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = ydoc_scalar(node_at(d, p->key));
        if (!k || strcmp(k, "<<") != 0)
            continue;
        yaml_node_t *v = node_at(d, p->value), *found = NULL;
        if (v && v->type == YAML_MAPPING_NODE)
            found = get_depth(d, v, key, depth + 1);
        else if (v && v->type == YAML_SEQUENCE_NODE)
            for (size_t i = 0; !found && i < ydoc_seq_len(v); i++)
                found = get_depth(d, ydoc_seq_item(d, v, i), key, depth + 1);
        if (found)
            return found;
    }
    return NULL;
}

yaml_node_t *ydoc_get(struct ydoc *d, yaml_node_t *map, const char *key)
{
    return get_depth(d, map, key, 0);
}

yaml_node_t *ydoc_path(struct ydoc *d, const char *dotted)
{
    yaml_node_t *n = ydoc_root(d);
    char part[128];
    const char *s = dotted;
    while (n && *s) {
        size_t len = strcspn(s, ".");
        if (len >= sizeof part)
            return NULL;
        memcpy(part, s, len);
        part[len] = '\0';
        n = ydoc_get(d, n, part);
        s += len;
        if (*s == '.')
            s++;
    }
    return n;
}

size_t ydoc_map_len(const yaml_node_t *map)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return 0;
    return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

void ydoc_map_pair(struct ydoc *d, yaml_node_t *map, size_t i, yaml_node_t **key, yaml_node_t **value)
{
    yaml_node_pair_t *p = map->data.mapping.pairs.start + i;
    *key = node_at(d, p->key);
    *value = node_at(d, p->value);
}

size_t ydoc_seq_len(const yaml_node_t *seq)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *ydoc_seq_item(struct ydoc *d, yaml_node_t *seq, size_t i)
{
    return node_at(d, seq->data.sequence.items.start[i]);
}

void ydoc_show(struct ydoc *d, yaml_node_t *n, char *out, size_t outsz)
{
    if (ydoc_is_null(n)) {
        snprintf(out, outsz, "null");
    } else if (n->type == YAML_SCALAR_NODE) {
        snprintf(out, outsz, "%s", ydoc_scalar(n));
    } else if (n->type == YAML_MAPPING_NODE) {
        snprintf(out, outsz, "{…}");
    } else {
        size_t used = (size_t)snprintf(out, outsz, "[");
        for (size_t i = 0; i < ydoc_seq_len(n) && used < outsz; i++) {
            const char *s = ydoc_scalar(ydoc_seq_item(d, n, i));
            used += (size_t)snprintf(out + used, outsz - used, "%s%s", i ? ", " : "", s ? s : "…");
        }
        if (used < outsz)
            snprintf(out + used, outsz - used, "]");
    }
}

/* The scalar without surrounding blanks, into buf; NULL when not a scalar
 * or too long. */
static const char *trimmed(const yaml_node_t *n, char *buf, size_t bufsz)
{
    const char *s = ydoc_scalar(n);
    if (!s)
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= bufsz)
        return NULL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

int ydoc_int(const yaml_node_t *n, int64_t *out)
{
    char buf[64], digits[64];
    const char *s = trimmed(n, buf, sizeof buf);
    if (!s || !*s)
        return ERROR;
    /* YAML 1.1 allows '_' between digits (1_000) */
    size_t j = 0;
    for (size_t i = 0; s[i]; i++)
        if (s[i] != '_')
            digits[j++] = s[i];
    digits[j] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(digits, &end, 0);
    /* base 0 reads a leading 0 as octal, as Go's ParseInt(s, 0, 0) does */
    if (errno || end == digits || *end)
        return ERROR;
    *out = v;
    return OK;
}

int ydoc_bool(const yaml_node_t *n, int *out)
{
    static const char *const yes[] = { "true", "yes", "on", "y", "t", "1" };
    static const char *const no[] = { "false", "no", "off", "n", "f", "0" };
    char buf[16];
    const char *s = trimmed(n, buf, sizeof buf);
    if (!s)
        return ERROR;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return OK;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return OK;
        }
    }
    return ERROR;
}

/* Go's time.ParseDuration, in nanoseconds as a double. */
static int go_duration(const char *s, double *out)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = {
        { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
        { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
    };
    int neg = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) {
        *out = 0;
        return OK;
    }
    if (!*s)
        return ERROR;
    double total = 0;
    while (*s) {
        const char *start = s;
        double whole = 0, frac = 0, scale = 1;
        while (isdigit((unsigned char)*s))
            whole = whole * 10 + (*s++ - '0');
        int have_int = s > start;
        int have_frac = 0;
        if (*s == '.') {
            s++;
            while (isdigit((unsigned char)*s)) {
                frac = frac * 10 + (*s++ - '0');
                scale *= 10;
                have_frac = 1;
            }
        }
        if (!have_int && !have_frac)
            return ERROR;
        size_t ulen = 0;
        while (s[ulen] && s[ulen] != '.' && !isdigit((unsigned char)s[ulen]))
            ulen++;
        size_t u;
        for (u = 0; u < sizeof units / sizeof *units; u++)
            if (strlen(units[u].unit) == ulen && strncmp(s, units[u].unit, ulen) == 0)
                break;
        if (ulen == 0 || u == sizeof units / sizeof *units)
            return ERROR;
        total += (whole + frac / scale) * units[u].ns;
        s += ulen;
    }
    *out = neg ? -total : total;
    return OK;
}

int ydoc_duration_ns(const yaml_node_t *n, double *out)
{
    char buf[128];
    const char *s = trimmed(n, buf, sizeof buf);
    if (!s || !*s)
        return ERROR;
    /* spf13/cast: a number, or a string without a unit letter, is
     * nanoseconds; anything else goes to time.ParseDuration */
    if (!strpbrk(s, "nsuµμmh")) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(v))
            return ERROR;
        *out = trunc(v);
        return OK;
    }
    return go_duration(s, out);
}

static void leaves(struct ydoc *d, yaml_node_t *node, const char *prefix, int depth, ydoc_leaf_fn fn,
                   void *ctx)
{
    if (depth > YDOC_MAX_DEPTH)
        return;
    if (!node || node->type != YAML_MAPPING_NODE || (ydoc_map_len(node) == 0 && *prefix)) {
        fn(d, prefix, node, ctx);
        return;
    }
    for (size_t i = 0; i < ydoc_map_len(node); i++) {
        yaml_node_t *k, *v;
        ydoc_map_pair(d, node, i, &k, &v);
        const char *ks = ydoc_scalar(k);
        if (ks && strcmp(ks, "<<") == 0) {
            if (v && v->type == YAML_SEQUENCE_NODE)
                for (size_t j = 0; j < ydoc_seq_len(v); j++)
                    leaves(d, ydoc_seq_item(d, v, j), prefix, depth + 1, fn, ctx);
            else
                leaves(d, v, prefix, depth + 1, fn, ctx);
            continue;
        }
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", ks ? ks : "?");
        for (char *c = path; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        leaves(d, v, path, depth + 1, fn, ctx);
    }
}

void ydoc_leaves(struct ydoc *d, yaml_node_t *node, ydoc_leaf_fn fn, void *ctx)
{
    leaves(d, node, "", 0, fn, ctx);
}
