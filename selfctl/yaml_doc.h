/* yaml_doc.h — reading a YAML file the way the reference's configuration
 * library (viper on go-yaml) sees it, on top of libyaml's document loader:
 * the first document of the file, aliases resolved, mapping keys compared
 * without regard to case (viper lower-cases every key), "<<" merge keys
 * followed. Only what `selfctl config import` needs. */
#ifndef SELFCTL_YAML_DOC_H
#define SELFCTL_YAML_DOC_H

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

struct ydoc {
    char *path;           /* as given */
    yaml_document_t doc;
    int loaded;
};

/* Loads the first document of path. On ERROR err holds one line:
 * "PATH: cannot read: REASON" or "PATH:LINE:COLUMN: PROBLEM (…)". A
 * mapping key given twice (also in another case) is an error too, as it
 * is for the reference's YAML reader. */
int ydoc_load(struct ydoc *d, const char *path, char *err, size_t errsz);
void ydoc_free(struct ydoc *d);

/* The top node; NULL for an empty file. */
yaml_node_t *ydoc_root(struct ydoc *d);
/* The value of key in mapping node map (case-insensitive, merge keys
 * followed); NULL when map is not a mapping or has no such key. A value
 * that is YAML null (~, null, nothing) is returned as NULL too. */
yaml_node_t *ydoc_get(struct ydoc *d, yaml_node_t *map, const char *key);
/* Follows a dotted path ("rate_control.cleanup") from the root. */
yaml_node_t *ydoc_path(struct ydoc *d, const char *dotted);

/* Pairs of a mapping node, in file order (merge keys not expanded). */
size_t ydoc_map_len(const yaml_node_t *map);
void ydoc_map_pair(struct ydoc *d, yaml_node_t *map, size_t i, yaml_node_t **key,
                   yaml_node_t **value);
/* Items of a sequence node. */
size_t ydoc_seq_len(const yaml_node_t *seq);
yaml_node_t *ydoc_seq_item(struct ydoc *d, yaml_node_t *seq, size_t i);

/* The text of a scalar node, NULL for other nodes. */
const char *ydoc_scalar(const yaml_node_t *n);
/* 1 when n is absent or a YAML null. */
int ydoc_is_null(const yaml_node_t *n);
/* 1-based line of a node (0 for NULL). */
int ydoc_line(const yaml_node_t *n);
/* 1-based column of a node (0 for NULL). */
int ydoc_column(const yaml_node_t *n);
/* A short rendering of a value for messages: the scalar, "[a, b]" for a
 * sequence of scalars, "{…}" for a mapping. Written into out. */
void ydoc_show(struct ydoc *d, yaml_node_t *n, char *out, size_t outsz);

/* Conversions as viper's (spf13/cast) do them; OK or ERROR. */
int ydoc_int(const yaml_node_t *n, int64_t *out);
int ydoc_bool(const yaml_node_t *n, int *out);
/* A Go duration ("3m", "1h30m", "250ms") in nanoseconds; a bare number
 * (123 or "123") is nanoseconds, as Go's cast reads it. */
int ydoc_duration_ns(const yaml_node_t *n, double *out);

/* Every leaf under node (scalars, sequences, empty mappings) with its
 * dotted path (keys lower-cased), in file order. */
typedef void (*ydoc_leaf_fn)(struct ydoc *d, const char *dotted, yaml_node_t *value,
                             void *ctx);
void ydoc_leaves(struct ydoc *d, yaml_node_t *node, ydoc_leaf_fn fn, void *ctx);

#endif
