/* units.h — the measurement units a time series may use, and conversions
 * between them, exactly as the reference server does them.
 *
 * The reference (Go) names units and converts values with the library fork
 * github.com/ganehag/go-units v1.0.3; this module reproduces its unit table
 * (names, symbols, aliases, custom plurals, quantity labels), its lookup
 * rules (exact match first, then Unicode case folding, then one trailing
 * 's' stripped) and its conversion graph (each conversion is the shortest
 * path of registered conversions, applied step by step). docs/units.md
 * lists every unit and the places where go-units differs from physics.
 *
 * All data is static and read-only: every function here is thread-safe and
 * allocates nothing. */
#ifndef SELFHOST_UNITS_H
#define SELFHOST_UNITS_H

#include <stddef.h>

struct unit; /* opaque, static data */

/* The unit named s (name or symbol, as go-units looks it up), or NULL.
 * Order of tries, as go-units' Find:
 *   1. exact (byte-wise) match on a name, symbol, custom plural or alias;
 *   2. the same, ignoring case the way Go's strings.EqualFold does (Unicode
 *      simple folding: "µm" with the micro sign finds "μm", "å" finds "Å");
 *   3. if s ends in 's' or 'S': that one byte removed, then as in 2.
 * Where several units match at one step go-units picks one at random (it
 * walks a Go map); we always pick the first by (quantity, name) byte order,
 * which is the order later go-units releases made deterministic — so "MM"
 * finds megameter and "mL" megaliter. NULL and "" give NULL. A caller that
 * got s from a URL must reject values containing NUL itself (a C string
 * ends there; go-units would not have found the unit). */
const struct unit *unit_find(const char *s);

const char *unit_name(const struct unit *u);     /* canonical name */
const char *unit_symbol(const struct unit *u);   /* "" when it has none */
const char *unit_quantity(const struct unit *u); /* e.g. "temperature" */

/* The other names unit_find accepts for u besides name and symbol (a custom
 * plural such as "feet", aliases such as "metre"), i from 0; NULL past the
 * last one. */
const char *unit_alias(const struct unit *u, size_t i);

/* Every unit, in go-units' declaration order (grouped by quantity):
 * unit_at(i) for i < unit_count(); NULL past the end. */
size_t unit_count(void);
const struct unit *unit_at(size_t i);

/* Conversion from -> to as an affine map: to_value = from_value * *scale + *offset.
   OK when both are the same quantity, ERROR otherwise (OK/ERROR from common/status.h).
   from == to gives scale 1, offset 0. If go-units has any conversion that is NOT affine, do not fake it: report it to me and return ERROR for it.
 *
 * Precisely: OK when go-units finds a conversion path between the two units,
 * which is exactly "same quantity" except that go-units also links its
 * "bytes" and "bits" quantities (byte <-> bit converts). Every go-units
 * conversion is affine, so no pair is refused for that reason. NULL units
 * give ERROR. On ERROR *scale and *offset are left untouched.
 *
 * *offset is the go-units result for 0 (exact); *scale is the product of
 * the path's ratios, within a few ulp of go-units. For values that must
 * match the reference bit for bit use unit_convert, which replays the path;
 * for many values, call this once and apply the map. */
int unit_conversion(const struct unit *from, const struct unit *to, double *scale, double *offset);

/* Convenience: convert one value. Replays go-units' conversion path step by
 * step with the same float64 operations, so the result is bit-identical to
 * the reference's (before it narrows read values to float32). Same OK/ERROR
 * rule as unit_conversion; *out untouched on ERROR. Costs a path search. */
int unit_convert(const struct unit *from, const struct unit *to, double value, double *out);

#endif
