/* units.c — the go-units unit table of the reference server and the two
 * things it does with it: find a unit by name, convert between two units.
 *
 * What is reproduced (github.com/ganehag/go-units v1.0.3, a 2021 fork of
 * bcicen/go-units; see docs/units.md for the user-facing consequences):
 *   - the units: name, symbol ("" for none), quantity label, the custom
 *     plural (only a custom one is a lookup name) and aliases, declared in
 *     go-units' file and declaration order;
 *   - metric prefixes exa..atto, built like go-units' makeUnit: prefix +
 *     name, prefix symbol + symbol ("μ" U+03BC for micro), prefix + each
 *     alias, ratio 10^n to the base unit, no custom plural;
 *   - the conversion graph: NewRatioConversion(a, b, r) registers a->b as
 *     x * r and b->a as x / r; the temperature formulas are their own edges.
 *     Edges are listed in go-units' registration order (all prefix edges,
 *     made while package variables initialise, then each file's init()), so
 *     a breadth-first search visiting edges in that order finds the same
 *     path as go-units' bfstree: the shortest, first in registration order;
 *   - the values: go-units evaluates "x * %.62f" strings with govaluate;
 *     printing a double with 62 decimals and parsing it back gives the same
 *     double for every ratio here, so the ratios are plain double literals
 *     (tests/unit/test_units.c checks that round trip).
 *
 * Every edge is affine, so any path is too. */
#include "units.h"

#include <stdint.h>
#include <string.h>

#include "status.h"

struct unit {
	const char *name;
	const char *symbol;   /* "" when none, as in go-units */
	const char *quantity;
	const char *extra[3]; /* custom plural, aliases; NULL = unused */
};

/* ---- the table -------------------------------------------------------- */

#define Q_ANGLE  "Angle" /* sic: the only capitalised label */
#define Q_BITS   "bits"
#define Q_BYTES  "bytes"
#define Q_ENERGY "energy"
#define Q_LENGTH "length"
#define Q_MASS   "mass"
#define Q_SPEED  "metric/time"
#define Q_POWER  "power"
#define Q_PRESS  "pressure"
#define Q_RATIO  "ratio"
#define Q_TEMP   "temperature"
#define Q_TIME   "time"
#define Q_FLOW   "volume/time"
#define Q_VOLUME "volume"

/* How a prefixed unit's alias is made from its base unit's. */
#define NO_ALIAS(p) NULL
#define METRE(p)    p "metre"
#define LITRE(p)    p "litre"

/* X(id, name, symbol, quantity, custom plural, alias, alias) */
#define PFX(X, P, PN, PS, ID, N, S, Q, A) X(P##_##ID, PN N, PS S, Q, NULL, A(PN), NULL)
#define P_EXA(X, ID, N, S, Q, A)   PFX(X, EXA, "exa", "E", ID, N, S, Q, A)
#define P_PETA(X, ID, N, S, Q, A)  PFX(X, PETA, "peta", "P", ID, N, S, Q, A)
#define P_TERA(X, ID, N, S, Q, A)  PFX(X, TERA, "tera", "T", ID, N, S, Q, A)
#define P_GIGA(X, ID, N, S, Q, A)  PFX(X, GIGA, "giga", "G", ID, N, S, Q, A)
#define P_MEGA(X, ID, N, S, Q, A)  PFX(X, MEGA, "mega", "M", ID, N, S, Q, A)
#define P_KILO(X, ID, N, S, Q, A)  PFX(X, KILO, "kilo", "k", ID, N, S, Q, A)
#define P_HECTO(X, ID, N, S, Q, A) PFX(X, HECTO, "hecto", "h", ID, N, S, Q, A)
#define P_DECA(X, ID, N, S, Q, A)  PFX(X, DECA, "deca", "da", ID, N, S, Q, A)
#define P_DECI(X, ID, N, S, Q, A)  PFX(X, DECI, "deci", "d", ID, N, S, Q, A)
#define P_CENTI(X, ID, N, S, Q, A) PFX(X, CENTI, "centi", "c", ID, N, S, Q, A)
#define P_MILLI(X, ID, N, S, Q, A) PFX(X, MILLI, "milli", "m", ID, N, S, Q, A)
#define P_MICRO(X, ID, N, S, Q, A) PFX(X, MICRO, "micro", "\u03bc", ID, N, S, Q, A)
#define P_NANO(X, ID, N, S, Q, A)  PFX(X, NANO, "nano", "n", ID, N, S, Q, A)
#define P_PICO(X, ID, N, S, Q, A)  PFX(X, PICO, "pico", "p", ID, N, S, Q, A)
#define P_FEMTO(X, ID, N, S, Q, A) PFX(X, FEMTO, "femto", "f", ID, N, S, Q, A)
#define P_ATTO(X, ID, N, S, Q, A)  PFX(X, ATTO, "atto", "a", ID, N, S, Q, A)

/* A base unit followed by its 16 prefixed units, as go-units declares them. */
#define METRIC(X, ID, N, S, Q, A)                                              \
	X(ID, N, S, Q, NULL, A(""), NULL)                                      \
	P_EXA(X, ID, N, S, Q, A) P_PETA(X, ID, N, S, Q, A)                     \
	P_TERA(X, ID, N, S, Q, A) P_GIGA(X, ID, N, S, Q, A)                    \
	P_MEGA(X, ID, N, S, Q, A) P_KILO(X, ID, N, S, Q, A)                    \
	P_HECTO(X, ID, N, S, Q, A) P_DECA(X, ID, N, S, Q, A)                   \
	P_DECI(X, ID, N, S, Q, A) P_CENTI(X, ID, N, S, Q, A)                   \
	P_MILLI(X, ID, N, S, Q, A) P_MICRO(X, ID, N, S, Q, A)                  \
	P_NANO(X, ID, N, S, Q, A) P_PICO(X, ID, N, S, Q, A)                    \
	P_FEMTO(X, ID, N, S, Q, A) P_ATTO(X, ID, N, S, Q, A)

/* go-units source files in the order Go initialises them. */
#define UNITS(X)                                                               \
	/* angular_units.go (fork) */                                          \
	X(RADIAN, "radians", "rad", Q_ANGLE, NULL, NULL, NULL)                 \
	X(DEGREE, "degree", "\u00b0", Q_ANGLE, NULL, NULL, NULL)               \
	X(TURN, "turn", "rot", Q_ANGLE, NULL, "revolution", "rotation")        \
	/* data_units.go */                                                    \
	X(BYTE, "byte", "B", Q_BYTES, NULL, NULL, NULL)                        \
	X(KILOBYTE, "kilobyte", "KB", Q_BYTES, NULL, NULL, NULL)               \
	X(MEGABYTE, "megabyte", "MB", Q_BYTES, NULL, NULL, NULL)               \
	X(GIGABYTE, "gigabyte", "GB", Q_BYTES, NULL, NULL, NULL)               \
	X(TERABYTE, "terabyte", "TB", Q_BYTES, NULL, NULL, NULL)               \
	X(PETABYTE, "petabyte", "PB", Q_BYTES, NULL, NULL, NULL)               \
	X(EXABYTE, "exabyte", "", Q_BYTES, NULL, NULL, NULL)                   \
	X(ZETTABYTE, "zettabyte", "", Q_BYTES, NULL, NULL, NULL)               \
	X(YOTTABYTE, "yottabyte", "", Q_BYTES, NULL, NULL, NULL)               \
	X(BIT, "bit", "b", Q_BITS, NULL, NULL, NULL)                           \
	P_EXA(X, BIT, "bit", "b", Q_BITS, NO_ALIAS)                            \
	P_PETA(X, BIT, "bit", "b", Q_BITS, NO_ALIAS)                           \
	P_TERA(X, BIT, "bit", "b", Q_BITS, NO_ALIAS)                           \
	P_GIGA(X, BIT, "bit", "b", Q_BITS, NO_ALIAS)                           \
	P_MEGA(X, BIT, "bit", "b", Q_BITS, NO_ALIAS)                           \
	P_KILO(X, BIT, "bit", "b", Q_BITS, NO_ALIAS)                           \
	X(NIBBLE, "nibble", "", Q_BYTES, NULL, NULL, NULL)                     \
	/* energy_units.go (fork) */                                           \
	METRIC(X, JOULE, "joule", "J", Q_ENERGY, NO_ALIAS)                     \
	METRIC(X, WATTHOUR, "watthour", "Wh", Q_ENERGY, NO_ALIAS)              \
	/* length_units.go */                                                  \
	METRIC(X, METER, "meter", "m", Q_LENGTH, METRE)                        \
	X(ANGSTROM, "angstrom", "\u00c5", Q_LENGTH, "angstroms", NULL, NULL)   \
	X(INCH, "inch", "in", Q_LENGTH, "inches", NULL, NULL)                  \
	X(FOOT, "foot", "ft", Q_LENGTH, "feet", NULL, NULL)                    \
	X(YARD, "yard", "yd", Q_LENGTH, NULL, NULL, NULL)                      \
	X(MILE, "mile", "", Q_LENGTH, NULL, NULL, NULL)                        \
	X(LEAGUE, "league", "lea", Q_LENGTH, NULL, NULL, NULL)                 \
	X(FURLONG, "furlong", "fur", Q_LENGTH, NULL, NULL, NULL)               \
	/* mass_units.go */                                                    \
	METRIC(X, GRAM, "gram", "g", Q_MASS, NO_ALIAS)                         \
	X(GRAIN, "grain", "gr", Q_MASS, NULL, NULL, NULL)                      \
	X(DRACHM, "drachm", "dr", Q_MASS, NULL, NULL, NULL)                    \
	X(OUNCE, "ounce", "oz", Q_MASS, NULL, NULL, NULL)                      \
	X(POUND, "pound", "lb", Q_MASS, NULL, NULL, NULL)                      \
	X(STONE, "stone", "st", Q_MASS, NULL, NULL, NULL)                      \
	X(TON, "ton", "t", Q_MASS, NULL, NULL, NULL)                           \
	X(SLUG, "slug", "", Q_MASS, NULL, NULL, NULL)                          \
	/* metric_time_units.go (fork) */                                      \
	X(M_PER_S, "meter/second", "m/s", Q_SPEED, NULL, "metre/second", NULL) \
	X(M_PER_H, "meter/hour", "m/h", Q_SPEED, NULL, "metre/hour", NULL)     \
	X(KM_PER_S, "kilometer/second", "km/s", Q_SPEED, NULL,                 \
	  "kilometre/second", NULL)                                            \
	X(KM_PER_H, "kilometer/hour", "km/h", Q_SPEED, NULL,                   \
	  "kilometre/hour", NULL)                                              \
	/* power_units.go (fork) */                                            \
	METRIC(X, WATT, "watt", "W", Q_POWER, NO_ALIAS)                        \
	/* pressure_units.go */                                                \
	METRIC(X, PASCAL, "pascal", "Pa", Q_PRESS, NO_ALIAS)                   \
	X(AT, "technical atmosphere", "at", Q_PRESS, "technical atmospheres",  \
	  NULL, NULL)                                                          \
	X(ATM, "standard atmosphere", "atm", Q_PRESS, "standard atmospheres",  \
	  NULL, NULL)                                                          \
	X(BAR, "bar", "bar", Q_PRESS, "bars", NULL, NULL)                      \
	P_CENTI(X, BAR, "bar", "bar", Q_PRESS, NO_ALIAS)                       \
	P_MILLI(X, BAR, "bar", "bar", Q_PRESS, NO_ALIAS)                       \
	P_MICRO(X, BAR, "bar", "bar", Q_PRESS, NO_ALIAS)                       \
	X(BARYE, "barye", "Ba", Q_PRESS, "baryes", NULL, NULL)                 \
	X(INH2O, "inch of Water Column", "inH2O", Q_PRESS, NULL, NULL, NULL)   \
	X(INHG, "inch of Mercury", "inHg", Q_PRESS, NULL, NULL, NULL)          \
	/* sic: metre units with millimetre symbols, prefixes stacked on them */\
	X(MH2O, "meter of Water Column", "mmH2O", Q_PRESS,                     \
	  "meters of Water Column", NULL, NULL)                                \
	P_MILLI(X, MH2O, "meter of Water Column", "mmH2O", Q_PRESS, NO_ALIAS)  \
	P_CENTI(X, MH2O, "meter of Water Column", "mmH2O", Q_PRESS, NO_ALIAS)  \
	X(MHG, "meter of Mercury", "mmHg", Q_PRESS, "meters of Mercury",       \
	  NULL, NULL)                                                          \
	P_MILLI(X, MHG, "meter of Mercury", "mmHg", Q_PRESS, NO_ALIAS)         \
	P_CENTI(X, MHG, "meter of Mercury", "mmHg", Q_PRESS, NO_ALIAS)         \
	X(NEWTON_M2, "newton per square meter", "N/m\u00b2", Q_PRESS, NULL,    \
	  NULL, NULL)                                                          \
	X(PSI, "pound-force per square inch", "psi", Q_PRESS, NULL, NULL,      \
	  NULL)                                                                \
	X(TORR, "torr", "Torr", Q_PRESS, NULL, NULL, NULL)                     \
	/* ratio_units.go (fork) */                                            \
	X(PERCENT, "percentage", "%", Q_RATIO, NULL, NULL, NULL)               \
	X(PERMILLE, "permille", "\u2030", Q_RATIO, NULL, NULL, NULL)           \
	X(PERMYRIAD, "permyriad", "\u2031", Q_RATIO, NULL, NULL, NULL)         \
	/* temp_units.go */                                                    \
	X(CELSIUS, "celsius", "C", Q_TEMP, NULL, NULL, NULL)                   \
	X(FAHRENHEIT, "fahrenheit", "F", Q_TEMP, NULL, NULL, NULL)             \
	X(KELVIN, "kelvin", "K", Q_TEMP, NULL, NULL, NULL)                     \
	/* time_units.go */                                                    \
	METRIC(X, SECOND, "second", "s", Q_TIME, NO_ALIAS)                     \
	X(MINUTE, "minute", "min", Q_TIME, NULL, NULL, NULL)                   \
	X(HOUR, "hour", "hr", Q_TIME, NULL, NULL, NULL)                        \
	X(DAY, "day", "d", Q_TIME, NULL, NULL, NULL)                           \
	X(MONTH, "month", "", Q_TIME, NULL, NULL, NULL)                        \
	X(YEAR, "year", "yr", Q_TIME, NULL, NULL, NULL)                        \
	X(DECADE, "decade", "", Q_TIME, NULL, NULL, NULL)                      \
	X(CENTURY, "century", "", Q_TIME, NULL, NULL, NULL)                    \
	X(MILLENNIUM, "millennium", "", Q_TIME, NULL, NULL, NULL)              \
	X(PLANCK_TIME, "planck time", "\U0001d461\u209a", Q_TIME, NULL, NULL,  \
	  NULL)                                                                \
	X(FORTNIGHT, "fortnight", "", Q_TIME, NULL, NULL, NULL)                \
	X(SCORE, "score", "", Q_TIME, NULL, NULL, NULL)                        \
	/* volume_time_units.go (fork) */                                      \
	X(L_PER_S, "liter/second", "l/s", Q_FLOW, NULL, "litre/second", NULL)  \
	X(M3_PER_S, "cubicmeter/second", "m3/s", Q_FLOW, NULL,                 \
	  "cubicmetre/second", NULL)                                           \
	X(L_PER_H, "liter/hour", "l/h", Q_FLOW, NULL, "litre/hour", NULL)      \
	X(M3_PER_H, "cubicmeter/hour", "m3/h", Q_FLOW, NULL,                   \
	  "cubicmetre/hour", NULL)                                             \
	/* volume_units.go (fork) */                                           \
	METRIC(X, LITER, "liter", "l", Q_VOLUME, LITRE)                        \
	X(M3, "cubicmeter", "m3", Q_VOLUME, NULL, "cubicmetre", NULL)          \
	X(QUART, "quart", "qt", Q_VOLUME, NULL, NULL, NULL)                    \
	X(PINT, "pint", "pt", Q_VOLUME, NULL, NULL, NULL)                      \
	X(GALLON, "gallon", "gal", Q_VOLUME, NULL, NULL, NULL)                 \
	X(FLUID_OUNCE, "fluid ounce", "fl oz", Q_VOLUME, NULL, "floz", NULL)   \
	X(FLUID_QUART, "fluid quart", "", Q_VOLUME, NULL, NULL, NULL)          \
	X(FLUID_PINT, "fluid pint", "", Q_VOLUME, NULL, NULL, NULL)            \
	X(FLUID_GALLON, "fluid gallon", "", Q_VOLUME, NULL, NULL, NULL)        \
	X(CUSTOMARY_FLUID_OUNCE, "customary fluid ounce", "", Q_VOLUME, NULL,  \
	  NULL, NULL)

#define UNIT_ID(id, n, s, q, p, a1, a2) U_##id,
enum { UNITS(UNIT_ID) UNIT_N };

#define UNIT_ROW(id, n, s, q, p, a1, a2) {n, s, q, {p, a1, a2}},
static const struct unit units[UNIT_N] = {UNITS(UNIT_ROW)};

/* ---- the conversion graph --------------------------------------------- */

enum op { OP_MUL, OP_DIV, OP_MUL_ADD, OP_SUB_DIV, OP_ADD, OP_SUB };

struct edge {
	unsigned short from, to;
	unsigned char op;
	double a, b; /* x*a, x/a, x*a+b, (x-a)/b, x+a, x-a */
};

/* NewRatioConversion(from, to, r): from->to is x * r, to->from is x / r. */
#define RATIO(F, T, R) {U_##F, U_##T, OP_MUL, R, 0}, {U_##T, U_##F, OP_DIV, R, 0},
#define FORMULA(F, T, OP, A, B) {U_##F, U_##T, OP, A, B},

/* makeUnit's conversion: ratio math.Pow(10, n), exact for n >= 0 and the
 * correctly rounded 1/10^-n otherwise — the same doubles as these literals. */
#define E_EXA(ID)   RATIO(EXA_##ID, ID, 1e18)
#define E_PETA(ID)  RATIO(PETA_##ID, ID, 1e15)
#define E_TERA(ID)  RATIO(TERA_##ID, ID, 1e12)
#define E_GIGA(ID)  RATIO(GIGA_##ID, ID, 1e9)
#define E_MEGA(ID)  RATIO(MEGA_##ID, ID, 1e6)
#define E_KILO(ID)  RATIO(KILO_##ID, ID, 1e3)
#define E_HECTO(ID) RATIO(HECTO_##ID, ID, 1e2)
#define E_DECA(ID)  RATIO(DECA_##ID, ID, 1e1)
#define E_DECI(ID)  RATIO(DECI_##ID, ID, 1e-1)
#define E_CENTI(ID) RATIO(CENTI_##ID, ID, 1e-2)
#define E_MILLI(ID) RATIO(MILLI_##ID, ID, 1e-3)
#define E_MICRO(ID) RATIO(MICRO_##ID, ID, 1e-6)
#define E_NANO(ID)  RATIO(NANO_##ID, ID, 1e-9)
#define E_PICO(ID)  RATIO(PICO_##ID, ID, 1e-12)
#define E_FEMTO(ID) RATIO(FEMTO_##ID, ID, 1e-15)
#define E_ATTO(ID)  RATIO(ATTO_##ID, ID, 1e-18)
#define METRIC_EDGES(ID)                                                       \
	E_EXA(ID) E_PETA(ID) E_TERA(ID) E_GIGA(ID) E_MEGA(ID) E_KILO(ID)       \
	E_HECTO(ID) E_DECA(ID) E_DECI(ID) E_CENTI(ID) E_MILLI(ID) E_MICRO(ID)  \
	E_NANO(ID) E_PICO(ID) E_FEMTO(ID) E_ATTO(ID)

/* kb..yb in data_units.go: 1 << (10 * iota). */
#define KIB 1024.0
#define MIB (KIB * KIB)
#define GIB (MIB * KIB)
#define TIB (GIB * KIB)
#define PIB (TIB * KIB)
#define EIB (PIB * KIB)
#define ZIB (EIB * KIB)
#define YIB (ZIB * KIB)

static const struct edge edges[] = {
	/* package variables: prefixed units, in declaration order */
	E_EXA(BIT) E_PETA(BIT) E_TERA(BIT) E_GIGA(BIT) E_MEGA(BIT) E_KILO(BIT)
	METRIC_EDGES(JOULE)
	METRIC_EDGES(WATTHOUR)
	METRIC_EDGES(METER)
	METRIC_EDGES(GRAM)
	METRIC_EDGES(WATT)
	METRIC_EDGES(PASCAL)
	E_CENTI(BAR) E_MILLI(BAR) E_MICRO(BAR)
	E_MILLI(MH2O) E_CENTI(MH2O)
	E_MILLI(MHG) E_CENTI(MHG)
	METRIC_EDGES(SECOND)
	METRIC_EDGES(LITER)
	/* init() of angular_units.go: 180.0 / math.Pi is a Go constant
	 * expression, correctly rounded — 180.0 / M_PI is the same double */
	RATIO(RADIAN, DEGREE, 180.0 / 3.14159265358979323846)
	RATIO(TURN, DEGREE, 360.0)
	/* data_units.go */
	RATIO(NIBBLE, BIT, 4.0)
	RATIO(BYTE, BIT, 8.0)
	RATIO(KILOBYTE, BYTE, KIB)
	RATIO(MEGABYTE, BYTE, MIB)
	RATIO(GIGABYTE, BYTE, GIB)
	RATIO(TERABYTE, BYTE, TIB)
	RATIO(PETABYTE, BYTE, PIB)
	RATIO(EXABYTE, BYTE, EIB)
	RATIO(ZETTABYTE, BYTE, ZIB)
	RATIO(YOTTABYTE, BYTE, YIB)
	/* energy_units.go */
	RATIO(WATTHOUR, JOULE, 3600.0)
	/* length_units.go */
	RATIO(ANGSTROM, METER, 0.0000000001)
	RATIO(INCH, METER, 0.0254)
	RATIO(FOOT, METER, 0.3048)
	RATIO(YARD, METER, 0.9144)
	RATIO(MILE, METER, 1609.344)
	RATIO(LEAGUE, METER, 4828.032)
	RATIO(FURLONG, METER, 201.168)
	/* mass_units.go; ton is the long ton */
	RATIO(GRAIN, GRAM, 0.06479891)
	RATIO(DRACHM, GRAM, 1.7718451953125)
	RATIO(OUNCE, GRAM, 28.349523125)
	RATIO(POUND, GRAM, 453.59237)
	RATIO(STONE, GRAM, 6350.29318)
	RATIO(TON, GRAM, 1016046.9088)
	RATIO(SLUG, GRAM, 14593.90294)
	/* metric_time_units.go — sic: m/s -> m/h multiplies by 1/3600 */
	RATIO(M_PER_S, M_PER_H, 1 / 3600.0)
	RATIO(M_PER_S, KM_PER_S, 1 / 1000.0)
	RATIO(M_PER_S, KM_PER_H, 3.6)
	RATIO(KM_PER_S, M_PER_H, 3600000)
	/* power_units.go: none. pressure_units.go, before upstream's 2023 fix
	 * of bar, mH2O and mHg */
	RATIO(AT, PASCAL, 98066.5)
	RATIO(ATM, PASCAL, 101325.2738)
	RATIO(BAR, PASCAL, 98000)
	RATIO(BARYE, PASCAL, 0.1)
	RATIO(INH2O, PASCAL, 248.84)
	RATIO(INHG, PASCAL, 3386.38815789)
	RATIO(MH2O, PASCAL, 980.665)
	RATIO(MHG, PASCAL, 13332.2368421)
	RATIO(NEWTON_M2, PASCAL, 1)
	RATIO(PSI, PASCAL, 6894.757)
	RATIO(TORR, PASCAL, 133.322368421)
	/* ratio_units.go */
	RATIO(PERCENT, PERMILLE, 10)
	RATIO(PERMILLE, PERMYRIAD, 10)
	/* temp_units.go: the four formulas, as govaluate evaluates them */
	FORMULA(CELSIUS, FAHRENHEIT, OP_MUL_ADD, 1.8, 32)   /* x * 1.8 + 32 */
	FORMULA(FAHRENHEIT, CELSIUS, OP_SUB_DIV, 32, 1.8)   /* (x - 32) / 1.8 */
	FORMULA(CELSIUS, KELVIN, OP_ADD, 273.15, 0)         /* x + 273.15 */
	FORMULA(KELVIN, CELSIUS, OP_SUB, 273.15, 0)         /* x - 273.15 */
	/* time_units.go */
	RATIO(MINUTE, SECOND, 60.0)
	RATIO(HOUR, SECOND, 3600.0)
	RATIO(DAY, HOUR, 24.0)
	RATIO(MONTH, DAY, 30.0)
	RATIO(YEAR, DAY, 365.25)
	RATIO(DECADE, YEAR, 10.0)
	RATIO(CENTURY, YEAR, 100.0)
	RATIO(MILLENNIUM, YEAR, 1000.0)
	RATIO(PLANCK_TIME, SECOND, 5.39e-44)
	RATIO(FORTNIGHT, DAY, 14)
	RATIO(SCORE, YEAR, 20.0)
	/* volume_time_units.go — sic: 0.277778, not 1/3.6 */
	RATIO(M3_PER_S, L_PER_S, 1000)
	RATIO(L_PER_H, L_PER_S, 1 / 3600.0)
	RATIO(M3_PER_H, L_PER_S, 0.277778)
	/* volume_units.go */
	RATIO(M3, LITER, 1000)
	RATIO(QUART, LITER, 1.1365225)
	RATIO(PINT, LITER, 0.56826125)
	RATIO(GALLON, LITER, 4.54609)
	RATIO(FLUID_OUNCE, MILLI_LITER, 28.4130625)
	RATIO(FLUID_QUART, LITER, 0.946352946)
	RATIO(FLUID_PINT, LITER, 0.473176473)
	RATIO(FLUID_GALLON, LITER, 3.785411784)
	RATIO(CUSTOMARY_FLUID_OUNCE, MILLI_LITER, 29.5735295625)
};

#define EDGE_N (sizeof edges / sizeof edges[0])
#define NONE   0xffffu

_Static_assert(UNIT_N < NONE && EDGE_N < NONE, "indexes must fit unsigned short");

/* ---- accessors -------------------------------------------------------- */

size_t unit_count(void) { return UNIT_N; }

const struct unit *unit_at(size_t i) { return i < UNIT_N ? &units[i] : NULL; }

const char *unit_name(const struct unit *u) { return u ? u->name : NULL; }

const char *unit_symbol(const struct unit *u) { return u ? u->symbol : NULL; }

const char *unit_quantity(const struct unit *u) { return u ? u->quantity : NULL; }

const char *unit_alias(const struct unit *u, size_t i)
{
	if (!u)
		return NULL;
	for (size_t k = 0; k < sizeof u->extra / sizeof u->extra[0]; k++)
		if (u->extra[k] && i-- == 0)
			return u->extra[k];
	return NULL;
}

/* ---- lookup ----------------------------------------------------------- */

/* Next rune of [*p, end) as Go's utf8.DecodeRuneInString reads it: an
 * invalid or truncated sequence is U+FFFD and consumes one byte. */
static uint32_t rune_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	size_t avail = (size_t)(end - s);
	uint32_t r;
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		r = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		r = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		r = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		goto invalid;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		goto invalid;
	for (size_t i = 1; i < n; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xbf))
			goto invalid;
		r = r << 6 | (s[i] & 0x3f);
	}
	*p = s + n;
	return r;
invalid:
	*p = s + 1;
	return 0xfffd;
}

/* Go's strings.EqualFold treats runes as equal when they are in one
 * unicode.SimpleFold orbit. Unit names hold ASCII plus a few non-ASCII
 * runes; only these orbits can ever make a name match, so each is mapped to
 * one member. Every other rune stands for itself (and matches no name). */
static uint32_t rune_fold(uint32_t r)
{
	if (r >= 'A' && r <= 'Z')
		return r + ('a' - 'A');
	switch (r) {
	case 0x212a: /* KELVIN SIGN */
		return 'k';
	case 0x017f: /* LATIN SMALL LETTER LONG S */
		return 's';
	case 0x00b5: /* MICRO SIGN */
	case 0x039c: /* GREEK CAPITAL LETTER MU */
		return 0x03bc;
	case 0x00c5: /* LATIN CAPITAL LETTER A WITH RING ABOVE */
	case 0x212b: /* ANGSTROM SIGN */
		return 0x00e5;
	default:
		return r;
	}
}

/* strings.EqualFold(s[0:len], name). */
static int equal_fold(const char *s, size_t len, const char *name)
{
	const unsigned char *p = (const unsigned char *)s, *pe = p + len;
	const unsigned char *q = (const unsigned char *)name, *qe = q + strlen(name);

	while (p < pe && q < qe)
		if (rune_fold(rune_next(&p, pe)) != rune_fold(rune_next(&q, qe)))
			return 0;
	return p == pe && q == qe;
}

static int name_matches(const char *s, size_t len, const char *name, int fold)
{
	if (!name || !*name) /* go-units leaves an empty symbol out */
		return 0;
	if (fold)
		return equal_fold(s, len, name);
	return strlen(name) == len && memcmp(name, s, len) == 0;
}

static int unit_matches(const struct unit *u, const char *s, size_t len, int fold)
{
	if (name_matches(s, len, u->name, fold) || name_matches(s, len, u->symbol, fold))
		return 1;
	for (size_t k = 0; k < sizeof u->extra / sizeof u->extra[0]; k++)
		if (name_matches(s, len, u->extra[k], fold))
			return 1;
	return 0;
}

/* go-units ranges over a Go map here, so with several matches the reference
 * answers any of them; take the first by (quantity, name). */
static const struct unit *find_pass(const char *s, size_t len, int fold)
{
	const struct unit *best = NULL;

	for (size_t i = 0; i < UNIT_N; i++) {
		const struct unit *u = &units[i];
		if (!unit_matches(u, s, len, fold))
			continue;
		if (!best) {
			best = u;
			continue;
		}
		int c = strcmp(u->quantity, best->quantity);
		if (c < 0 || (c == 0 && strcmp(u->name, best->name) < 0))
			best = u;
	}
	return best;
}

const struct unit *unit_find(const char *s)
{
	const struct unit *u;
	size_t len;

	if (!s || !*s)
		return NULL;
	len = strlen(s);
	if ((u = find_pass(s, len, 0)) || (u = find_pass(s, len, 1)))
		return u;
	if (s[len - 1] == 's' || s[len - 1] == 'S') /* plural: drop one byte */
		return find_pass(s, len - 1, 1);
	return NULL;
}

/* ---- conversion ------------------------------------------------------- */

/* The edges of go-units' conversion path from -> to, in order, into
 * path[0..*len). bfstree expands paths level by level, children in edge
 * registration order, and returns the first that reaches the goal; a
 * breadth-first search with that child order reaches every node first by
 * that same path, so the result is identical. */
static int path_find(size_t from, size_t to, unsigned short path[UNIT_N], size_t *len)
{
	unsigned short head[UNIT_N], next[EDGE_N], via[UNIT_N], queue[UNIT_N];
	size_t qh = 0, qt = 0, n = 0;

	for (size_t i = 0; i < UNIT_N; i++)
		head[i] = via[i] = NONE;
	for (size_t e = EDGE_N; e-- > 0;) { /* lists in registration order */
		next[e] = head[edges[e].from];
		head[edges[e].from] = (unsigned short)e;
	}
	via[from] = (unsigned short)EDGE_N; /* visited, no edge */
	queue[qt++] = (unsigned short)from;
	while (qh < qt) {
		for (unsigned e = head[queue[qh++]]; e != NONE; e = next[e]) {
			unsigned t = edges[e].to;
			if (via[t] != NONE)
				continue;
			via[t] = (unsigned short)e;
			if (t == to)
				goto found;
			queue[qt++] = (unsigned short)t;
		}
	}
	return ERROR;
found:
	for (size_t t = to; t != from; t = edges[via[t]].from)
		n++;
	*len = n;
	for (size_t t = to; t != from; t = edges[via[t]].from)
		path[--n] = via[t];
	return OK;
}

/* One go-units conversion function, with govaluate's float64 operations. */
static double edge_apply(const struct edge *e, double x)
{
	switch (e->op) {
	case OP_MUL:
		return x * e->a;
	case OP_DIV:
		return x / e->a;
	case OP_MUL_ADD:
		return x * e->a + e->b;
	case OP_SUB_DIV:
		return (x - e->a) / e->b;
	case OP_ADD:
		return x + e->a;
	default: /* OP_SUB */
		return x - e->a;
	}
}

/* Resolves from -> to; *len = 0 for the same unit (go-units' Value.Convert
 * returns the value as is when the names are equal). */
static int resolve(const struct unit *from, const struct unit *to,
		   unsigned short path[UNIT_N], size_t *len)
{
	if (!from || !to)
		return ERROR;
	if (from == to) {
		*len = 0;
		return OK;
	}
	return path_find((size_t)(from - units), (size_t)(to - units), path, len);
}

int unit_conversion(const struct unit *from, const struct unit *to, double *scale, double *offset)
{
	unsigned short path[UNIT_N];
	size_t len;
	double num = 1, den = 1, off = 0;

	if (resolve(from, to, path, &len) != OK)
		return ERROR;
	for (size_t i = 0; i < len; i++) {
		const struct edge *e = &edges[path[i]];
		if (e->op == OP_MUL || e->op == OP_MUL_ADD)
			num *= e->a;
		else if (e->op == OP_DIV)
			den *= e->a;
		else if (e->op == OP_SUB_DIV)
			den *= e->b;
		off = edge_apply(e, off); /* the path applied to 0 */
	}
	*scale = num / den;
	*offset = off;
	return OK;
}

int unit_convert(const struct unit *from, const struct unit *to, double value, double *out)
{
	unsigned short path[UNIT_N];
	size_t len;

	if (resolve(from, to, path, &len) != OK)
		return ERROR;
	for (size_t i = 0; i < len; i++)
		value = edge_apply(&edges[path[i]], value);
	*out = value;
	return OK;
}
