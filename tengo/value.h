/* value.h — Tengo's runtime values (docs/runtime-types.md) and the heap
 * they live on.
 *
 * A value is a 16-byte tagged union: undefined, bool, int, float, char and
 * builtin functions are immediate; everything else points to a heap object.
 * Objects are owned by a heap (struct tg_heap): an array of every object it
 * allocated. The VM's heap is collected by mark and sweep at instruction
 * boundaries (never while a builtin runs, so C code may hold unrooted
 * values) and freed whole at the end of a run. Constants live on the
 * bytecode's own heap, are flagged `perm`, never marked nor swept, and never
 * point into a VM heap: one compiled program can be run many times.
 *
 * Strings are immutable byte runs. Bytes are Go byte slices: a window
 * (data, len, cap) on a counted backing store that slicing, bytes(b) and
 * + within capacity share; Tengo has no byte assignment, but + writes
 * into spare capacity other slices may show, and rand.read writes in
 * place, exactly as in Go Tengo. Arrays and maps share one struct
 * with their immutable twins; the type tag tells them apart. Arrays are
 * Go slices: a window (items, len, cap) on a backing store that slicing,
 * immutable() and append within capacity share, so that writes through
 * one show through the others exactly as in Go Tengo. Maps keep
 * insertion order (Tengo's Go maps iterate in random order; any order is
 * Tengo-compatible, a stable one makes output reproducible). */
#ifndef TENGO_VALUE_H
#define TENGO_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum tg_type {
    /* immediates */
    TG_UNDEFINED,
    TG_BOOL,
    TG_INT,
    TG_FLOAT,
    TG_CHAR,
    TG_BUILTIN,
    /* heap objects (TG_CELL and TG_ITERATOR are internal to the VM) */
    TG_STRING,
    TG_BYTES,
    TG_ARRAY,
    TG_IMMUTABLE_ARRAY,
    TG_MAP,
    TG_IMMUTABLE_MAP,
    TG_ERROR,
    TG_FUNCTION,
    TG_CELL,
    TG_ITERATOR,
    TG_TIME,
};

struct tg_obj {
    uint8_t type;
    uint8_t marked;
    uint8_t perm; /* a constant: never marked, never swept */
    uint8_t small; /* its size class (value.c), 16-byte units; 0: malloc'd */
};

struct tg_vm;
struct tg_value;

/* A builtin: returns OK with *ret set (undefined if untouched), or ERROR
 * with the message in vm (tg_vm_errorf). */
typedef int (*tg_builtin_fn)(struct tg_vm *vm, struct tg_value *args, int nargs,
                             struct tg_value *ret);
struct tg_builtin {
    const char *name;
    tg_builtin_fn fn;
    /* Go Tengo's Name for it when that is not `name` (base64's and hex's
     * functions have none: ""); NULL: name */
    const char *go_name;
};

/* The tag takes a whole word (it is padding otherwise) so that a value is
 * always written as two 8-byte stores: a 1-byte store of the tag followed
 * by an 8-byte load of the word (copying the value, passing it in a
 * register) cannot be forwarded from the store buffer and stalls the load
 * until the store retires, a dozen cycles on every value the VM has just
 * made and reads back at once (an EQUAL's result read by JUMP_FALSY). */
struct tg_value {
    uint64_t type; /* enum tg_type */
    union {
        bool b;
        int64_t i;
        double f;
        int32_t c;
        const struct tg_builtin *bi;
        struct tg_obj *o;
    } u;
};

/* A bytes' backing store (Go's []byte backing array): malloc'd, counted
 * by the bytes whose windows lie on it, freed with the last of them;
 * never shared between heaps (a constant's bytes are copied). */
struct tg_bytes_store {
    uint32_t refs, cap;
    uint64_t counted; /* the heap's sweep that last counted it (value.c) */
    char data[];
};

struct tg_string { /* TG_STRING and TG_BYTES */
    struct tg_obj h;
    uint32_t len;
    uint32_t cap; /* bytes: from data to the end of the store; strings: len */
    /* strings: the map hash of the text once a map has needed it (0: not
     * yet), in what was padding; a constant's is set when it is made, so
     * that VMs sharing the bytecode never write to it (value.c) */
    uint32_t hash;
    /* Strings: text, NUL-terminated for convenience (may hold NULs).
     * Bytes: into store->data and never NUL-terminated: the byte after a
     * slice is the next one of the store, so nothing may read past len. */
    char *data;
    char text[]; /* strings: what data points at; bytes: the store pointer */
};

/* The store of bytes (NULL when cap is 0). It lives where a string keeps
 * its text, so strings — most of a program's objects — pay nothing for it. */
#define TG_BYTES_STORE(b) (*(struct tg_bytes_store **)(void *)(b)->text)
#define TG_BYTES_SIZE (sizeof(struct tg_string) + sizeof(struct tg_bytes_store *))

/* An array's backing store (Go's slice backing array): malloc'd, counted
 * by the arrays whose windows lie on it, freed with the last of them.
 * Never shared between heaps: a constant (perm) array is copied, not
 * shared, so that VMs running one program never touch the same count. */
struct tg_store {
    uint32_t refs, cap;
    struct tg_value items[];
};

struct tg_array { /* TG_ARRAY and TG_IMMUTABLE_ARRAY */
    struct tg_obj h;
    uint32_t len, cap;      /* cap: from items to the end of the store */
    struct tg_value *items; /* into store->items; [len, cap) is spare room */
    struct tg_store *store; /* NULL when cap is 0 */
};

struct tg_map_entry {
    struct tg_string *key; /* NULL: deleted */
    uint32_t hash;
    struct tg_value value;
};

/* A map's table, counted by the map objects that show it: a map and the
 * immutable views immutable() makes of it (Go Tengo's ImmutableMap holds
 * the same Go map, so later writes to the map show through the view).
 * Freed with the last of them; never shared between heaps.
 *
 * The index is open addressing over entries with 4-byte slots, so that
 * the one random read a lookup costs lands in a table half the size of
 * one with (entry, hash) pairs: a slot is 0 when empty, else the entry's
 * number plus one in its low bits (those of entry_mask) and the top bits
 * of the entry's hash above them, a tag that settles most mismatches
 * without reading the entry. */
struct tg_map_body {
    uint32_t refs;
    uint32_t count;             /* live entries */
    uint32_t nentries, cap;     /* entries used (live or deleted), allocated */
    struct tg_map_entry *entries;
    uint32_t *index;
    uint32_t index_cap;         /* a power of two, >= 4/3 * cap */
    uint32_t entry_mask;        /* 2^k - 1 > cap: the bits of a slot that number its entry */
};

struct tg_map { /* TG_MAP and TG_IMMUTABLE_MAP */
    struct tg_obj h;
    struct tg_map_body *b;      /* never NULL */
};

struct tg_error_obj {
    struct tg_obj h;
    struct tg_value value;
};

struct tg_cell { /* a captured variable (Tengo's ObjectPtr) */
    struct tg_obj h;
    struct tg_value v;
};

struct tg_code; /* compiler.h: a compiled function's instructions */

struct tg_function { /* a compiled function, with its captured cells */
    struct tg_obj h;
    const struct tg_code *code;
    uint32_t nfree;
    struct tg_cell *free[];
};

struct tg_iterator {
    struct tg_obj h;
    struct tg_value src;  /* what is iterated */
    struct tg_array *keys; /* maps: the keys when iteration began */
    int64_t pos;           /* -1 before the first next */
    int64_t len;           /* strings: the current rune's size */
    int64_t idx;           /* strings: the current rune's index */
    uint32_t entry;        /* maps: the entry where the next key is looked for first */
};

/* Tengo's Time (Go's time.Time without the monotonic reading): an instant
 * as Unix seconds and nanoseconds, shown at a UTC offset. zone is the
 * abbreviation in force ("UTC", "CET", …); empty prints the offset (Go's
 * unnamed fixed zones). loc is the location's rules (common/tzfile.h: an
 * IANA zone or Local), consulted again whenever the instant moves; NULL
 * for a fixed offset (UTC, or a zone made up by times.parse). */
struct tz_zone;
struct tg_time {
    struct tg_obj h;
    int64_t sec;    /* since 1970-01-01 00:00:00 UTC */
    int32_t nsec;   /* [0, 1e9) */
    int32_t offset; /* seconds east of UTC */
    bool local;     /* made in the process's zone: location "Local" */
    char zone[8];
    const struct tz_zone *loc; /* never freed (tzfile.h) */
};
#define TG_TIMEV(v) ((struct tg_time *)(v).u.o)
/* Go's zero Time (January 1, year 1, 00:00:00 UTC) in Unix seconds. */
#define TG_TIME_ZERO_SEC (-62135596800LL)

#define TG_SMALL_MAX 256 /* the largest object a slab holds */
struct tg_slab {
    char *base;
    size_t size;
    size_t used; /* bytes carved from it, once it is no longer the current one */
};

struct tg_heap {
    /* the objects not in a slab (large ones, constants): an array, not a
     * list threaded through them, so that a sweep reads it in order and
     * fetches the objects ahead; the slabs' objects are walked in place */
    struct tg_obj **objs;
    size_t nobjs, cap_objs;
    size_t bytes;      /* allocated by live-or-unswept objects */
    size_t next_gc;    /* collect when bytes passes this */
    struct tg_obj **gray; /* the mark stack */
    size_t ngray, cap_gray;
    bool perm;         /* objects are constants */
    uint64_t sweeps;   /* sweeps begun (counts each bytes store once a sweep) */
    uint64_t allocs;   /* objects allocated since init (Tengo's allocation count) */
    /* Small objects of a VM's heap: carved from slabs the heap maps itself
     * (2 MB ones asked for as transparent huge pages, so that a million
     * strings fault in 2 MB at a time, not 4 kB) and kept on free lists by
     * size class, 16 bytes apart; value.c. */
    void *small_free[TG_SMALL_MAX / 16];
    char *slab_next, *slab_end;
    struct tg_slab *slabs;
    size_t nslabs, cap_slabs;
};

#define TG_MAX_STRING_LEN 2147483647u

/* *d = v word by word, as the tag's comment wants: GCC copies a 16-byte
 * struct through an SSE register, one 16-byte load, and such a load of a
 * value just written as two words (an operator's result, a function's)
 * waits for both stores to retire instead of being forwarded from them:
 * a stall of a dozen cycles wherever the VM moves a fresh value (a
 * SET_GLOBAL of i + 1, a RETURN of a + b, an append of f(x)). */
static inline void tg_value_set(struct tg_value *d, struct tg_value v)
{
    d->type = v.type;
    d->u.i = v.u.i;
}

static inline struct tg_value tg_undefined(void)
{
    struct tg_value v = { .type = TG_UNDEFINED, .u.i = 0 };
    return v;
}
static inline struct tg_value tg_int(int64_t i)
{
    struct tg_value v = { .type = TG_INT, .u.i = i };
    return v;
}
static inline struct tg_value tg_float(double f)
{
    struct tg_value v = { .type = TG_FLOAT, .u.f = f };
    return v;
}
static inline struct tg_value tg_bool(bool b)
{
    struct tg_value v = { .type = TG_BOOL, .u.i = 0 };
    v.u.b = b;
    return v;
}
static inline struct tg_value tg_char(int32_t c)
{
    struct tg_value v = { .type = TG_CHAR, .u.i = 0 };
    v.u.c = c;
    return v;
}
static inline struct tg_value tg_obj_value(void *o)
{
    struct tg_value v = { .type = ((struct tg_obj *)o)->type, .u.o = o };
    return v;
}
#define TG_STR(v) ((struct tg_string *)(v).u.o)
#define TG_ARR(v) ((struct tg_array *)(v).u.o)
#define TG_MAPV(v) ((struct tg_map *)(v).u.o)

void tg_heap_init(struct tg_heap *h, bool perm);
/* Calls fn with every object of the heap (check.c). */
void tg_heap_each(const struct tg_heap *h, void (*fn)(const struct tg_obj *o, void *arg),
                  void *arg);
/* Frees every object of the heap. */
void tg_heap_free(struct tg_heap *h);
/* Collects: marks from roots[0..n), then sweeps. */
void tg_heap_collect(struct tg_heap *h, const struct tg_value *roots, size_t n);
/* Marks one more root (between collect_begin and collect_end). */
void tg_heap_mark_value(struct tg_heap *h, struct tg_value v);
void tg_heap_sweep(struct tg_heap *h);

/* value_*.c: a zeroed object of the given size, counted and on the list. */
void *tg_heap_alloc(struct tg_heap *h, enum tg_type type, size_t size);
/* A string of len bytes copied from s; s NULL: the text is left for the
 * caller to fill (not zeroed), its NUL terminator set. */
struct tg_string *tg_string_new(struct tg_heap *h, const char *s, size_t len);
/* Bytes of len bytes (copied from s, zeroed when s is NULL) on a new
 * store of capacity len (value_bytes.c, as the rest of the bytes calls). */
struct tg_string *tg_bytes_new(struct tg_heap *h, const char *s, size_t len);
/* The same with capacity cap >= len. */
struct tg_string *tg_bytes_new_cap(struct tg_heap *h, const char *s, size_t len, size_t cap);
/* Go's []byte(s) and append([]byte{}, s...): capacity len rounded up to
 * the allocator's size class. */
struct tg_string *tg_bytes_from(struct tg_heap *h, const char *s, size_t len);
/* Go's b[lo:hi] (lo <= hi <= b->len): a view on b's store, capacity
 * b->cap - lo; a copy when b is a constant. */
struct tg_string *tg_bytes_slice(struct tg_heap *h, struct tg_string *b, uint32_t lo, uint32_t hi);
/* Go's append(a, s[0..n)...) (the caller checks the length limit): on
 * a's store while it fits in a's capacity (overwriting what other slices
 * see there), else on a new store grown by Go's rule for bytes. */
struct tg_string *tg_bytes_append(struct tg_heap *h, struct tg_string *a, const char *s, size_t n);
void tg_bytes_store_release(struct tg_bytes_store *s);
/* An empty array with room for cap items (undefined until written). */
struct tg_array *tg_array_new(struct tg_heap *h, uint32_t cap);
/* Appends in place, moving to a new store when full (Go's growth). */
void tg_array_push(struct tg_array *a, struct tg_value v);
/* Go's a[lo:hi] (lo <= hi <= a->len): a new array of type `type` on a's
 * store, capacity a->cap - lo. */
struct tg_array *tg_array_slice(struct tg_heap *h, struct tg_array *a, uint32_t lo, uint32_t hi,
                                enum tg_type type);
/* Go's append(a, v[0..n)...): a new array; on a's store while the items
 * fit in its capacity (overwriting what other slices see there), else on
 * a new store grown by Go's rule. */
struct tg_array *tg_array_append(struct tg_heap *h, struct tg_array *a, const struct tg_value *v,
                                 uint32_t n);
/* Tengo's splice body: a = append(a[:start], ins..., a[start+del:]...), in
 * place while it fits (start + del <= a->len). */
void tg_array_splice(struct tg_array *a, uint32_t start, uint32_t del, const struct tg_value *ins,
                     uint32_t nins);
/* The capacity Go's append gives a slice of capacity oldcap growing to
 * newlen items of elem_size bytes (runtime.growslice: doubling below 256,
 * then 1.25x plus 192, rounded up to the allocator's size classes). */
uint32_t tg_go_growcap(uint32_t oldcap, uint32_t newlen, size_t elem_size);
/* Go's roundupsize: size rounded up to the allocator's size class. */
uint64_t tg_go_roundupsize(uint64_t size);
/* The capacity of n items appended one at a time to an empty slice (how
 * Go Tengo builds array literals and copy() results). */
uint32_t tg_array_cap_for(uint32_t n);
/* value_array.c, for value.c: a store of cap undefined items, refs 1; and
 * dropping one reference (NULL is fine). */
struct tg_store *tg_store_new(uint32_t cap);
void tg_store_release(struct tg_store *s);
struct tg_map *tg_map_new(struct tg_heap *h);
/* A map object of the given type showing m's table (immutable(m)); a
 * copy of it when m is a constant. */
struct tg_map *tg_map_view(struct tg_heap *h, struct tg_map *m, enum tg_type type);
/* NULL when absent. */
struct tg_value *tg_map_get(const struct tg_map *m, const char *key, size_t len);
/* tg_map_get with the key as a string object, whose hash is kept in it. */
struct tg_value *tg_map_get_str(const struct tg_map *m, struct tg_string *key);
/* tg_map_get for an iteration in entry order: key is looked for first in
 * entry *hint (the one after the previous key's) or just past entries
 * deleted since, without a probe of the index; *hint is then set past
 * the entry found. */
struct tg_value *tg_map_get_next(const struct tg_map *m, struct tg_string *key,
                                 uint32_t *hint);
void tg_map_set(struct tg_heap *h, struct tg_map *m, const char *key, size_t len,
                struct tg_value v);
/* tg_map_set with the key as a string object, which a new entry keeps
 * (strings are immutable) instead of copying. */
void tg_map_set_key(struct tg_map *m, struct tg_string *key, struct tg_value v);
void tg_map_delete(struct tg_map *m, const char *key, size_t len);
struct tg_error_obj *tg_error_new(struct tg_heap *h, struct tg_value v);
struct tg_cell *tg_cell_new(struct tg_heap *h, struct tg_value v);
struct tg_function *tg_function_new(struct tg_heap *h, const struct tg_code *code,
                                    uint32_t nfree);
struct tg_iterator *tg_iterator_new(struct tg_heap *h, struct tg_value src);
/* zone: NULL or "" for an unnamed offset; truncated to 7 bytes. */
struct tg_time *tg_time_new(struct tg_heap *h, int64_t sec, int64_t nsec, int32_t offset,
                            const char *zone);
/* Go's Time.Format(layout) (the layout tokens of package time). */
void tg_time_format(buf_t *out, const struct tg_time *t, const char *layout, size_t len);
/* value_time.c: a time's wall clock at its offset; wday 0 is Sunday. */
struct tg_civil {
    int64_t year;
    int month, day, hour, min, sec, nsec, wday, yday;
};
void tg_time_civil(const struct tg_time *t, struct tg_civil *c);
/* Days since 1970-01-01 of y-m-d, m in [1, 12]. */
int64_t tg_days_from_civil(int64_t y, int64_t m, int64_t d);
/* "January" … "December", or NULL. */
const char *tg_month_name(int64_t m);
/* Go's Time.Add(d nanoseconds), in t's zone. */
struct tg_time *tg_time_add(struct tg_heap *h, const struct tg_time *t, int64_t d);
/* Go's time.Time.Sub: nanoseconds, saturated to the int64 range. */
int64_t tg_time_sub(const struct tg_time *a, const struct tg_time *b);
/* Go's time.Date(f[0] year, month, day, hour, min, sec, f[6] nsec, loc):
 * out-of-range fields carry over; in z when not NULL (a gap's wall time
 * moves forward, as Go), else at the fixed offset with abbreviation abbr. */
struct tg_time *tg_time_date(struct tg_heap *h, const int64_t f[7], const struct tz_zone *z,
                             int32_t offset, const char *abbr);
/* Puts t in location z (NULL: UTC): its offset and abbreviation there. */
void tg_time_set_loc(struct tg_time *t, const struct tz_zone *z);
/* A time in the process's zone (Go's time.Unix): offset, abbreviation and
 * the zone's rules, so arithmetic across a DST change moves the offset. */
struct tg_time *tg_time_local(struct tg_heap *h, int64_t sec, int64_t nsec);
/* The process's zone; NULL (UTC) only when the zone cache is full. */
const struct tz_zone *tg_local_zone(void);
/* Go's time.Parse(layout, value) with UTC as the default location and
 * local for zone abbreviations: ERROR with Go's message in err. */
int tg_time_parse(struct tg_heap *h, const char *layout, size_t llen, const char *value,
                  size_t vlen, const struct tz_zone *local, struct tg_time **out, buf_t *err);

/* Tengo's TypeName(): "int", "immutable-map", "builtin-function:len", … */
void tg_type_name(buf_t *out, struct tg_value v);
const char *tg_type_name_static(struct tg_value v); /* without the builtin's name */
/* One of the global builtins (builtin-function), not a module's function
 * (user-function). */
bool tg_is_global_builtin(const struct tg_builtin *b);
/* Tengo's String(): strings quoted, floats as strconv 'f' -1, … */
void tg_value_string(buf_t *out, struct tg_value v);
/* Tengo's ToString(): strings raw, the rest as String(); false for undefined. */
bool tg_to_string(buf_t *out, struct tg_value v);
void tg_format_float(buf_t *out, double f);
/* Go's strconv.FormatInt(i, 10) into out (no NUL); returns the length. */
#define TG_INT_DIGITS_MAX 20
size_t tg_format_int(char out[TG_INT_DIGITS_MAX], int64_t i);
bool tg_is_falsy(struct tg_value v);
bool tg_equals(struct tg_value a, struct tg_value b);

#endif
