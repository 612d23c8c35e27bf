/* test_units.c — units.h: the go-units (ganehag fork v1.0.3) unit table,
 * lookup rules and conversion values of the reference server.
 *
 * Expected values come from physics and the unit definitions, from the
 * fork's own *_test.go files (energy, volume, metric/time, volume/time,
 * ratio, angular) and from bcicen/go-units' conversions_test.go, whose
 * expected strings are go-units' own results printed with Value.Fmt
 * (precision 6, trailing zeros trimmed); go_fmt() below prints the same
 * way, so those strings check our results bit for bit. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "status.h"
#include "units.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)
#define SENTINEL 12345.678

static const struct unit *U(const char *s)
{
	const struct unit *u = unit_find(s);
	if (!u)
		fprintf(stderr, "unit not found: %s\n", s);
	CU_ASSERT_PTR_NOT_NULL(u);
	return u;
}

/* Name of what s finds, "(null)" when nothing. */
static const char *found(const char *s)
{
	const struct unit *u = unit_find(s);
	return u ? unit_name(u) : "(null)";
}

/* unit_convert by names; NAN when it fails. */
static double conv(const char *from, const char *to, double v)
{
	double out = NAN;
	CU_ASSERT_EQUAL(unit_convert(U(from), U(to), v, &out), OK);
	return out;
}

/* |a - b| <= 1e-12 * mag, mag at least max(|a|, |b|). */
static int close_to(double a, double b, double mag)
{
	double m = fmax(mag, fmax(fabs(a), fabs(b)));
	return fabs(a - b) <= 1e-12 * m;
}

#define CLOSE(a, b) CU_ASSERT(close_to((a), (b), 0))

/* go-units' Value.Fmt(FmtOptions{Label: false, Precision: 6}). */
static const char *go_fmt(double v)
{
	static char buf[512];
	int prec = 6;
	size_t n;

	if (v < 1 && v > 0)
		prec = (int)((log10(v) - 0.5) * -1) + prec;
	snprintf(buf, sizeof buf, "%.*f", prec, v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n == 0)
		return "0";
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* ---- table ------------------------------------------------------------ */

static void test_units_table_has_222_units_in_14_quantities(void)
{
	const char *seen[32];
	size_t nq = 0;

	CU_ASSERT_EQUAL(unit_count(), 222);
	CU_ASSERT_PTR_NULL(unit_at(unit_count()));
	CU_ASSERT_PTR_NULL(unit_at((size_t)-1));
	for (size_t i = 0; i < unit_count(); i++) {
		const char *q = unit_quantity(unit_at(i));
		size_t k = 0;
		while (k < nq && strcmp(seen[k], q) != 0)
			k++;
		if (k == nq && nq < 32)
			seen[nq++] = q;
	}
	CU_ASSERT_EQUAL(nq, 14);
}

static void test_units_table_names_are_unique_and_find_their_unit(void)
{
	/* Every name, symbol and alias finds its own unit in the exact pass:
	 * go-units has no two units sharing one (else its pick is random). */
	for (size_t i = 0; i < unit_count(); i++) {
		const struct unit *u = unit_at(i);
		const char *a;
		CU_ASSERT_PTR_EQUAL(unit_find(unit_name(u)), u);
		if (*unit_symbol(u))
			CU_ASSERT_PTR_EQUAL(unit_find(unit_symbol(u)), u);
		for (size_t k = 0; (a = unit_alias(u, k)); k++)
			CU_ASSERT_PTR_EQUAL(unit_find(a), u);
	}
}

static void test_units_table_prefixed_units_follow_makeunit(void)
{
	const struct unit *u = U("kilometer");
	CU_ASSERT_STRING_EQUAL(unit_symbol(u), "km");
	CU_ASSERT_STRING_EQUAL(unit_quantity(u), "length");
	CU_ASSERT_STRING_EQUAL(unit_alias(u, 0), "kilometre");
	CU_ASSERT_PTR_NULL(unit_alias(u, 1));
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("micrometer")), "\u03bcm");
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("decaliter")), "dal");
	CU_ASSERT_STRING_EQUAL(unit_alias(U("milliliter"), 0), "millilitre");
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("exawatthour")), "EWh");
	/* prefixes do not inherit a custom plural */
	CU_ASSERT_PTR_NULL(unit_alias(U("millimeter of Water Column"), 0));
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("millimeter of Water Column")), "mmmH2O");
}

static void test_units_table_symbols_aliases_and_quantities(void)
{
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("celsius")), "C");
	CU_ASSERT_STRING_EQUAL(unit_quantity(U("celsius")), "temperature");
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("month")), "");
	CU_ASSERT_STRING_EQUAL(unit_symbol(U("mile")), ""); /* "mi" came in 2022 */
	CU_ASSERT_STRING_EQUAL(unit_quantity(U("degree")), "Angle");
	CU_ASSERT_STRING_EQUAL(unit_quantity(U("bit")), "bits");
	CU_ASSERT_STRING_EQUAL(unit_quantity(U("byte")), "bytes");
	CU_ASSERT_STRING_EQUAL(unit_quantity(U("m/s")), "metric/time");
	CU_ASSERT_STRING_EQUAL(unit_quantity(U("l/s")), "volume/time");
	CU_ASSERT_STRING_EQUAL(unit_alias(U("foot"), 0), "feet");
	CU_ASSERT_STRING_EQUAL(unit_alias(U("turn"), 0), "revolution");
	CU_ASSERT_STRING_EQUAL(unit_alias(U("turn"), 1), "rotation");
	CU_ASSERT_PTR_NULL(unit_alias(U("turn"), 2));
	CU_ASSERT_PTR_NULL(unit_alias(NULL, 0));
	CU_ASSERT_PTR_NULL(unit_name(NULL));
	CU_ASSERT_PTR_NULL(unit_symbol(NULL));
	CU_ASSERT_PTR_NULL(unit_quantity(NULL));
}

static void test_units_table_ratios_survive_62_decimal_round_trip(void)
{
	/* go-units builds "x * %.62f" and parses it back; the extremes of the
	 * table must come back as the same double. */
	static const double r[] = {1e18, 1e-18, 1e-9, 5.39e-44, 1 / 3600.0, 0.277778,
				   13332.2368421, 3386.38815789, 1208925819614629174706176.0,
				   180.0 / 3.14159265358979323846, 0.06479891, 29.5735295625};
	char buf[128];

	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		snprintf(buf, sizeof buf, "%.62f", r[i]);
		CU_ASSERT_EQUAL(strtod(buf, NULL), r[i]);
	}
}

/* ---- lookup ----------------------------------------------------------- */

static void test_units_find_by_name_symbol_alias_and_plural(void)
{
	CU_ASSERT_STRING_EQUAL(found("celsius"), "celsius");
	CU_ASSERT_STRING_EQUAL(found("C"), "celsius");
	CU_ASSERT_STRING_EQUAL(found("F"), "fahrenheit");
	CU_ASSERT_STRING_EQUAL(found("K"), "kelvin");
	CU_ASSERT_STRING_EQUAL(found("kWh"), "kilowatthour");
	CU_ASSERT_STRING_EQUAL(found("kilowatthour"), "kilowatthour");
	CU_ASSERT_STRING_EQUAL(found("metre"), "meter");
	CU_ASSERT_STRING_EQUAL(found("kilometre"), "kilometer");
	CU_ASSERT_STRING_EQUAL(found("litre"), "liter");
	CU_ASSERT_STRING_EQUAL(found("cubicmetre"), "cubicmeter");
	CU_ASSERT_STRING_EQUAL(found("metre/second"), "meter/second");
	CU_ASSERT_STRING_EQUAL(found("feet"), "foot");
	CU_ASSERT_STRING_EQUAL(found("inches"), "inch");
	CU_ASSERT_STRING_EQUAL(found("bars"), "bar");
	CU_ASSERT_STRING_EQUAL(found("meters of Water Column"), "meter of Water Column");
	CU_ASSERT_STRING_EQUAL(found("floz"), "fluid ounce");
	CU_ASSERT_STRING_EQUAL(found("fl oz"), "fluid ounce");
	CU_ASSERT_STRING_EQUAL(found("rotation"), "turn");
	CU_ASSERT_STRING_EQUAL(found("%"), "percentage");
	CU_ASSERT_STRING_EQUAL(found("\u2030"), "permille");
	CU_ASSERT_STRING_EQUAL(found("\u00b0"), "degree");
	CU_ASSERT_STRING_EQUAL(found("N/m\u00b2"), "newton per square meter");
	CU_ASSERT_STRING_EQUAL(found("m3/h"), "cubicmeter/hour");
	CU_ASSERT_STRING_EQUAL(found("min"), "minute");
	CU_ASSERT_STRING_EQUAL(found("hr"), "hour");
	CU_ASSERT_STRING_EQUAL(found("ms"), "millisecond"); /* exact before plural */
	CU_ASSERT_STRING_EQUAL(found("b"), "bit");
	CU_ASSERT_STRING_EQUAL(found("B"), "byte");
}

static void test_units_find_odd_symbols_of_go_units(void)
{
	/* the metre-of-water/mercury units carry millimetre symbols */
	CU_ASSERT_STRING_EQUAL(found("mmH2O"), "meter of Water Column");
	CU_ASSERT_STRING_EQUAL(found("mmHg"), "meter of Mercury");
	CU_ASSERT_STRING_EQUAL(found("mmmHg"), "millimeter of Mercury");
	/* the radian's name is plural, so the singular is unknown */
	CU_ASSERT_STRING_EQUAL(found("radians"), "radians");
	CU_ASSERT_PTR_NULL(unit_find("radian"));
}

static void test_units_find_is_exact_then_case_insensitive(void)
{
	CU_ASSERT_STRING_EQUAL(found("mm"), "millimeter");
	CU_ASSERT_STRING_EQUAL(found("Mm"), "megameter");
	CU_ASSERT_STRING_EQUAL(found("ms"), "millisecond");
	CU_ASSERT_STRING_EQUAL(found("Ms"), "megasecond");
	CU_ASSERT_STRING_EQUAL(found("MW"), "megawatt");
	CU_ASSERT_STRING_EQUAL(found("mW"), "milliwatt");
	CU_ASSERT_STRING_EQUAL(found("c"), "celsius");
	CU_ASSERT_STRING_EQUAL(found("k"), "kelvin");
	CU_ASSERT_STRING_EQUAL(found("CELSIUS"), "celsius");
	CU_ASSERT_STRING_EQUAL(found("Fahrenheit"), "fahrenheit");
	CU_ASSERT_STRING_EQUAL(found("KWH"), "kilowatthour");
	CU_ASSERT_STRING_EQUAL(found("kwh"), "kilowatthour");
	CU_ASSERT_STRING_EQUAL(found("kw"), "kilowatt");
	CU_ASSERT_STRING_EQUAL(found("M"), "meter");
	CU_ASSERT_STRING_EQUAL(found("PA"), "pascal");
	CU_ASSERT_STRING_EQUAL(found("S"), "second");
	CU_ASSERT_STRING_EQUAL(found("M3/S"), "cubicmeter/second");
	CU_ASSERT_STRING_EQUAL(found("meter of water column"), "meter of Water Column");
}

static void test_units_find_ambiguous_case_picks_first_by_quantity_and_name(void)
{
	/* go-units would answer any of the matches (Go map order) */
	CU_ASSERT_STRING_EQUAL(found("MM"), "megameter");      /* not millimeter */
	CU_ASSERT_STRING_EQUAL(found("mL"), "megaliter");      /* not milliliter */
	CU_ASSERT_STRING_EQUAL(found("ML"), "megaliter");
	CU_ASSERT_STRING_EQUAL(found("mwh"), "megawatthour");
	CU_ASSERT_STRING_EQUAL(found("MPA"), "megapascal");
	CU_ASSERT_STRING_EQUAL(found("MG"), "megagram");
	CU_ASSERT_STRING_EQUAL(found("PS"), "petasecond");
	CU_ASSERT_STRING_EQUAL(found("kB"), "kilobit");        /* "bits" < "bytes" */
	CU_ASSERT_STRING_EQUAL(found("gb"), "gigabit");
}

static void test_units_find_folds_unicode_like_go(void)
{
	CU_ASSERT_STRING_EQUAL(found("\u03bcm"), "micrometer");   /* exact */
	CU_ASSERT_STRING_EQUAL(found("\u00b5m"), "micrometer");   /* micro sign */
	CU_ASSERT_STRING_EQUAL(found("\u039cs"), "microsecond");  /* capital mu */
	CU_ASSERT_STRING_EQUAL(found("\u00e5"), "angstrom");
	CU_ASSERT_STRING_EQUAL(found("\u212b"), "angstrom");      /* angstrom sign */
	CU_ASSERT_STRING_EQUAL(found("\u212aelvin"), "kelvin");   /* kelvin sign */
	CU_ASSERT_STRING_EQUAL(found("\u017fecond"), "second");   /* long s */
	CU_ASSERT_STRING_EQUAL(found("\U0001d461\u209a"), "planck time");
}

static void test_units_find_strips_one_plural_s(void)
{
	CU_ASSERT_STRING_EQUAL(found("meters"), "meter");
	CU_ASSERT_STRING_EQUAL(found("Meters"), "meter");
	CU_ASSERT_STRING_EQUAL(found("kilowatts"), "kilowatt");
	CU_ASSERT_STRING_EQUAL(found("degrees"), "degree");
	CU_ASSERT_STRING_EQUAL(found("hours"), "hour");
	CU_ASSERT_STRING_EQUAL(found("HOURS"), "hour");
	CU_ASSERT_STRING_EQUAL(found("hrs"), "hour");
	CU_ASSERT_STRING_EQUAL(found("kms"), "kilometer");
	CU_ASSERT_STRING_EQUAL(found("Cs"), "centisecond"); /* folds to "cs" first */
	CU_ASSERT_STRING_EQUAL(found("ss"), "second");
	CU_ASSERT_STRING_EQUAL(found("SS"), "second");
	CU_ASSERT_STRING_EQUAL(found("kWhs"), "kilowatthour");
	CU_ASSERT_STRING_EQUAL(found("foots"), "foot");
	CU_ASSERT_PTR_NULL(unit_find("metress")); /* only one byte goes */

}

static void test_units_find_unknown_empty_and_null(void)
{
	CU_ASSERT_PTR_NULL(unit_find(NULL));
	CU_ASSERT_PTR_NULL(unit_find(""));
	CU_ASSERT_PTR_NULL(unit_find("foo"));
	CU_ASSERT_PTR_NULL(unit_find("\u00b0C"));   /* no degree-sign forms */
	CU_ASSERT_PTR_NULL(unit_find("degC"));
	CU_ASSERT_PTR_NULL(unit_find("ppm"));
	CU_ASSERT_PTR_NULL(unit_find("mi"));
	CU_ASSERT_PTR_NULL(unit_find("kilowatt-hour"));
	CU_ASSERT_PTR_NULL(unit_find("m\u00b3"));
	CU_ASSERT_PTR_NULL(unit_find("kg/s"));
	CU_ASSERT_PTR_NULL(unit_find("C "));
	CU_ASSERT_PTR_NULL(unit_find(" C"));
	CU_ASSERT_PTR_NULL(unit_find("s"  "\xff"));
	CU_ASSERT_PTR_NULL(unit_find("\xff"));
	CU_ASSERT_PTR_NULL(unit_find("\xc3"));
	CU_ASSERT_PTR_NULL(unit_find("\xce"));     /* truncated mu */
	CU_ASSERT_PTR_NULL(unit_find("\xce" "m")); /* broken mu */
	CU_ASSERT_PTR_NULL(unit_find("h"));
}

/* ---- conversion: values ----------------------------------------------- */

static void test_units_convert_temperature_is_affine_and_exact(void)
{
	CU_ASSERT_EQUAL(conv("C", "F", 0), 32);
	CU_ASSERT_EQUAL(conv("C", "K", 0), 273.15);
	CU_ASSERT_EQUAL(conv("F", "C", 32), 0);
	CU_ASSERT_EQUAL(conv("F", "K", 32), 273.15);
	CU_ASSERT_EQUAL(conv("K", "C", 273.15), 0);
	CU_ASSERT_EQUAL(conv("C", "F", 100), 212);
	CU_ASSERT_EQUAL(conv("F", "C", 212), 100);
	CU_ASSERT_EQUAL(conv("C", "F", -40), -40);
	CU_ASSERT_EQUAL(conv("F", "C", -40), -40);
	CLOSE(conv("K", "F", 0), -459.67);
	CLOSE(conv("C", "K", 21), 294.15);
}

static void test_units_conversion_gives_the_affine_map(void)
{
	double s = SENTINEL, o = SENTINEL;

	CU_ASSERT_EQUAL(unit_conversion(U("C"), U("F"), &s, &o), OK);
	CU_ASSERT_EQUAL(s, 1.8);
	CU_ASSERT_EQUAL(o, 32);
	CU_ASSERT_EQUAL(unit_conversion(U("F"), U("C"), &s, &o), OK);
	CU_ASSERT_EQUAL(s, 1 / 1.8);
	CU_ASSERT_EQUAL(o, -32 / 1.8);
	CU_ASSERT_EQUAL(32 * s + o, 0);
	CU_ASSERT_EQUAL(unit_conversion(U("F"), U("K"), &s, &o), OK);
	CU_ASSERT(close_to(32 * s + o, 273.15, 0));
	CU_ASSERT(close_to(-459.67 * s + o, 0, 500));
	CU_ASSERT_EQUAL(unit_conversion(U("kWh"), U("J"), &s, &o), OK);
	CU_ASSERT_EQUAL(s, 3.6e6);
	CU_ASSERT_EQUAL(o, 0);
	CU_ASSERT_EQUAL(unit_conversion(U("J"), U("kWh"), &s, &o), OK);
	CLOSE(s, 1 / 3.6e6);
	CU_ASSERT_EQUAL(o, 0);
}

static void test_units_convert_identity(void)
{
	double s = SENTINEL, o = SENTINEL, out = SENTINEL;

	for (size_t i = 0; i < unit_count(); i++) {
		CU_ASSERT_EQUAL(unit_conversion(unit_at(i), unit_at(i), &s, &o), OK);
		CU_ASSERT_EQUAL(s, 1);
		CU_ASSERT_EQUAL(o, 0);
		CU_ASSERT_EQUAL(unit_convert(unit_at(i), unit_at(i), -17.25, &out), OK);
		CU_ASSERT_EQUAL(out, -17.25);
	}
	/* two names of one unit are one unit */
	CU_ASSERT_EQUAL(unit_convert(U("C"), U("celsius"), 21.5, &out), OK);
	CU_ASSERT_EQUAL(out, 21.5);
}

static void test_units_convert_energy(void)
{
	CU_ASSERT_EQUAL(conv("kWh", "J", 1), 3.6e6);
	CU_ASSERT_EQUAL(conv("J", "kWh", 3.6e6), 1);
	CU_ASSERT_EQUAL(conv("Wh", "J", 1), 3600); /* energy_units_test.go */
	CU_ASSERT_EQUAL(conv("MWh", "kWh", 1), 1000);
	CU_ASSERT_EQUAL(conv("kJ", "J", 2.5), 2500);
	CLOSE(conv("MJ", "kWh", 1), 1 / 3.6);
	CLOSE(conv("GJ", "MWh", 1), 1 / 3.6);
	CLOSE(conv("Wh", "kJ", 1), 3.6);
}

static void test_units_convert_power(void)
{
	CU_ASSERT_EQUAL(conv("kW", "W", 1), 1000);
	CU_ASSERT_EQUAL(conv("MW", "kW", 1), 1000);
	CLOSE(conv("W", "mW", 1), 1000);
	CLOSE(conv("W", "GW", 1), 1e-9);
}

static void test_units_convert_pressure_with_go_units_values(void)
{
	/* go-units v1.0.3 has bar = 98000 Pa (physics: 100000) */
	CU_ASSERT_EQUAL(conv("bar", "Pa", 1), 98000);
	CLOSE(conv("Pa", "bar", 98000), 1);
	CU_ASSERT_EQUAL(conv("psi", "Pa", 1), 6894.757);
	CLOSE(conv("bar", "psi", 1), 98000 / 6894.757);
	CU_ASSERT_EQUAL(conv("kPa", "Pa", 1), 1000);
	CU_ASSERT_EQUAL(conv("hPa", "Pa", 1), 100);
	CLOSE(conv("hPa", "mbar", 1), 100 / 98000.0 * 1000);
	CU_ASSERT_EQUAL(conv("atm", "Pa", 1), 101325.2738);
	CU_ASSERT_EQUAL(conv("at", "Pa", 1), 98066.5);
	CU_ASSERT_EQUAL(conv("Torr", "Pa", 1), 133.322368421);
	/* "mmHg" is the metre of mercury at 13332.2368421 Pa (physics: 1 mmHg
	 * = 133.322 Pa, 1 mHg = 133322 Pa); "mmH2O" the metre of water at
	 * 980.665 Pa (physics: 9.80665 and 9806.65) */
	CU_ASSERT_EQUAL(conv("mmHg", "Pa", 1), 13332.2368421);
	CU_ASSERT_EQUAL(conv("mmH2O", "Pa", 1), 980.665);
	CLOSE(conv("mmmHg", "Pa", 1), 13.3322368421);
	CU_ASSERT_EQUAL(conv("N/m\u00b2", "Pa", 7), 7);
	CU_ASSERT_EQUAL(conv("inHg", "Pa", 1), 3386.38815789);
}

static void test_units_convert_length(void)
{
	CU_ASSERT_EQUAL(conv("km", "m", 1), 1000);
	CU_ASSERT_EQUAL(conv("m", "km", 1000), 1);
	CU_ASSERT_EQUAL(conv("ft", "m", 1), 0.3048);
	CU_ASSERT_EQUAL(conv("in", "m", 1), 0.0254);
	CLOSE(conv("ft", "in", 1), 12);
	CLOSE(conv("m", "ft", 1), 1 / 0.3048);
	CU_ASSERT_EQUAL(conv("mile", "m", 1), 1609.344);
	CLOSE(conv("mile", "km", 1), 1.609344);
	CLOSE(conv("yd", "ft", 1), 3);
	CLOSE(conv("cm", "mm", 1), 10);
	CLOSE(conv("\u00c5", "nm", 1), 0.1);
}

static void test_units_convert_volume_and_flow(void)
{
	CU_ASSERT_EQUAL(conv("m3", "l", 1), 1000); /* volume_units_test.go */
	CU_ASSERT_EQUAL(conv("l", "m3", 1000), 1);
	CLOSE(conv("l", "ml", 1), 1000);
	CU_ASSERT_EQUAL(conv("gallon", "l", 1), 4.54609);
	CU_ASSERT_EQUAL(conv("fluid gallon", "l", 1), 3.785411784);
	CU_ASSERT_EQUAL(conv("floz", "ml", 1), 28.4130625);
	CLOSE(conv("m3", "ml", 1), 1e6);
	/* volume_time_units_test.go */
	CU_ASSERT_EQUAL(conv("m3/s", "l/s", 1), 1000);
	CU_ASSERT_EQUAL(conv("l/h", "l/s", 1), 1 / 3600.0);
	CU_ASSERT(fabs(conv("l/h", "m3/h", 1) - 0.001) < 0.0001);
	/* sic: m3/h is 0.277778 l/s (physics: 0.2777...) */
	CU_ASSERT_EQUAL(conv("m3/h", "l/s", 1), 0.277778);
	CLOSE(conv("m3/h", "m3/s", 1), 0.000277778);
	CLOSE(conv("l/s", "l/h", 1), 3600);
}

static void test_units_convert_speed_with_go_units_values(void)
{
	CLOSE(conv("m/s", "km/h", 10), 36);
	CLOSE(conv("km/h", "m/s", 36), 10);
	/* metric_time_units_test.go, including its inverted m/h ratio */
	CU_ASSERT_EQUAL(conv("m/h", "m/h", 1), 1);
	CU_ASSERT_EQUAL(conv("m/s", "km/s", 1), 0.001);
	CU_ASSERT_EQUAL(conv("km/s", "m/h", 1), 3600000);
	CU_ASSERT_EQUAL(conv("m/h", "m/s", 1), 3600); /* physics: 1/3600 */
	CU_ASSERT_EQUAL(conv("km/s", "m/s", 1), 1000);
	CLOSE(conv("m/s", "m/h", 1), 1 / 3600.0);
	CLOSE(conv("m/h", "km/h", 1), 3600 * 3.6);
}

static void test_units_convert_mass_time_angle_ratio_data(void)
{
	CU_ASSERT_EQUAL(conv("kg", "g", 1), 1000);
	CU_ASSERT_EQUAL(conv("lb", "g", 1), 453.59237);
	CLOSE(conv("lb", "kg", 1), 0.45359237);
	CLOSE(conv("t", "kg", 1), 1016.0469088); /* long ton */
	CU_ASSERT_EQUAL(conv("oz", "g", 1), 28.349523125);
	CU_ASSERT_EQUAL(conv("hour", "s", 1), 3600);
	CU_ASSERT_EQUAL(conv("min", "s", 1), 60);
	CU_ASSERT_EQUAL(conv("d", "hr", 1), 24);
	CU_ASSERT_EQUAL(conv("d", "s", 1), 86400);
	CU_ASSERT_EQUAL(conv("d", "min", 1), 1440);
	CU_ASSERT_EQUAL(conv("yr", "d", 1), 365.25);
	CU_ASSERT_EQUAL(conv("ms", "s", 1), 0.001);
	CLOSE(conv("s", "ms", 1), 1000);
	/* angular_units_test.go */
	CU_ASSERT_EQUAL(conv("rad", "\u00b0", 1), 180.0 / 3.14159265358979323846);
	CU_ASSERT_EQUAL(conv("turn", "\u00b0", 1), 360);
	CU_ASSERT_EQUAL(conv("turn", "rad", 1), 2 * 3.14159265358979323846);
	/* ratio_units_test.go */
	CU_ASSERT_EQUAL(conv("%", "\u2030", 1), 10);
	CU_ASSERT_EQUAL(conv("\u2030", "\u2031", 1), 10);
	CU_ASSERT_EQUAL(conv("%", "\u2031", 1), 100);
	/* data: kilobyte is 1024 bytes; bytes and bits convert */
	CU_ASSERT_EQUAL(conv("KB", "B", 1), 1024);
	CU_ASSERT_EQUAL(conv("MB", "KB", 1), 1024);
	CU_ASSERT_EQUAL(conv("B", "b", 1), 8);
	CU_ASSERT_EQUAL(conv("nibble", "B", 1), 0.5);
	CU_ASSERT_EQUAL(conv("kb", "b", 1), 1000);
}

/* bcicen/go-units conversions_test.go: 1 from -> to, as go-units prints it */
static const struct {
	const char *from, *to, *val;
} go_cases[] = {
	{"yard", "attometer", "914399999999999872"},
	{"yard", "femtometer", "914399999999999.875"},
	{"yard", "mile", "0.000568182"},
	{"yard", "furlong", "0.00454545"},
	{"millimeter", "inch", "0.0393701"},
	{"micrometer", "attometer", "999999999999.999878"},
	{"kilometer", "nanometer", "999999999999.999878"},
	{"kilometer", "attometer", "999999999999999868928"},
	{"terameter", "yard", "1093613298337.707764"},
	{"terameter", "attometer", "999999999999999879147136483328"},
	{"petameter", "picometer", "1000000000000000013287555072"},
	{"petameter", "mile", "621371192237.333984"},
	{"mile", "league", "0.333333"},
	{"hour", "femtosecond", "3599999999999999488"},
	{"hour", "planck time", "66790352504638225935235234914562793627277328384"},
	{"hour", "year", "0.0001140771"},
	{"hour", "month", "0.001388889"},
	{"hour", "fortnight", "0.00297619"},
	{"attosecond", "planck time", "18552875695732842406346752"},
	{"planck time", "hour", "0.00000000000000000000000000000000000000000000001497222"},
	{"megaliter", "femtoliter", "999999999999999868928"},
	{"petaliter", "fluid gallon", "264172052358148.4375"},
	{"petaliter", "gallon", "219969248299087.78125"},
	{"teraliter", "fluid ounce", "35195079727854.046875"},
	{"liter", "customary fluid ounce", "33.814023"},
	{"liter", "fluid ounce", "35.19508"},
	{"exaliter", "attoliter", "999999999999999894846684784341549056"},
	{"exaliter", "picoliter", "1000000000000000019884624838656"},
	{"zettabyte", "bit", "9444732965739290427392"},
	{"zettabyte", "gigabit", "9444732965739.291016"},
	{"exabit", "megabyte", "119209289550.78125"},
	{"petabit", "megabyte", "119209289.550781"},
	{"bit", "yottabyte", "0.0000000000000000000000001033976"},
	{"megabit", "kilobyte", "122.070312"},
	{"fahrenheit", "kelvin", "255.927778"},
	{"fahrenheit", "celsius", "-17.222222"},
	{"kelvin", "fahrenheit", "-457.87"},
	{"kelvin", "celsius", "-272.15"},
	{"celsius", "fahrenheit", "33.8"},
	{"celsius", "kelvin", "274.15"},
};

static void test_units_convert_matches_go_units_test_strings(void)
{
	for (size_t i = 0; i < sizeof go_cases / sizeof go_cases[0]; i++) {
		double v = conv(go_cases[i].from, go_cases[i].to, 1.0);
		const char *got = go_fmt(v);
		if (strcmp(got, go_cases[i].val) != 0)
			fprintf(stderr, "%s -> %s: got %s, go-units %s\n", go_cases[i].from,
				go_cases[i].to, got, go_cases[i].val);
		CU_ASSERT_STRING_EQUAL(got, go_cases[i].val);
	}
}

/* ---- conversion: refusals --------------------------------------------- */

static void test_units_convert_incompatible_is_error_and_leaves_outputs(void)
{
	static const char *pairs[][2] = {
		{"C", "m"}, {"kWh", "kW"}, {"l", "m3/s"}, {"%", "C"}, {"m/s", "km"},
		{"s", "m"}, {"B", "s"}, {"rad", "%"}, {"Pa", "J"}, {"l/s", "m/s"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const struct unit *a = unit_find(pairs[i][0]), *b = unit_find(pairs[i][1]);
		double s = SENTINEL, o = SENTINEL, out = SENTINEL;
		CU_ASSERT_EQUAL(unit_conversion(a, b, &s, &o), ERROR);
		CU_ASSERT_EQUAL(unit_convert(a, b, 1, &out), ERROR);
		CU_ASSERT_EQUAL(s, SENTINEL);
		CU_ASSERT_EQUAL(o, SENTINEL);
		CU_ASSERT_EQUAL(out, SENTINEL);
	}
}

static void test_units_convert_null_units_is_error(void)
{
	double s = SENTINEL, o = SENTINEL, out = SENTINEL;

	CU_ASSERT_EQUAL(unit_conversion(NULL, U("C"), &s, &o), ERROR);
	CU_ASSERT_EQUAL(unit_conversion(U("C"), NULL, &s, &o), ERROR);
	CU_ASSERT_EQUAL(unit_conversion(NULL, NULL, &s, &o), ERROR);
	CU_ASSERT_EQUAL(unit_convert(NULL, U("C"), 1, &out), ERROR);
	CU_ASSERT_EQUAL(unit_convert(U("C"), NULL, 1, &out), ERROR);
	CU_ASSERT_EQUAL(s, SENTINEL);
	CU_ASSERT_EQUAL(o, SENTINEL);
	CU_ASSERT_EQUAL(out, SENTINEL);
}

/* ---- conversion: every pair ------------------------------------------- */

/* go-units converts along its graph: same quantity, plus bytes <-> bits. */
static int same_group(const struct unit *a, const struct unit *b)
{
	const char *qa = unit_quantity(a), *qb = unit_quantity(b);
	int da = !strcmp(qa, "bytes") || !strcmp(qa, "bits");
	int db = !strcmp(qb, "bytes") || !strcmp(qb, "bits");
	return !strcmp(qa, qb) || (da && db);
}

static void test_units_every_pair_converts_iff_same_quantity(void)
{
	for (size_t i = 0; i < unit_count(); i++)
		for (size_t j = 0; j < unit_count(); j++) {
			double s, o;
			int rc = unit_conversion(unit_at(i), unit_at(j), &s, &o);
			CU_ASSERT_EQUAL(rc, same_group(unit_at(i), unit_at(j)) ? OK : ERROR);
		}
}

static void test_units_every_pair_round_trips_and_map_matches_replay(void)
{
	static const double vals[] = {1, 123.456, -40, 0.001};

	for (size_t i = 0; i < unit_count(); i++)
		for (size_t j = 0; j < unit_count(); j++) {
			const struct unit *a = unit_at(i), *b = unit_at(j);
			double s, o, mag;
			if (unit_conversion(a, b, &s, &o) != OK)
				continue;
			/* temperature offsets cancel: allow for their size */
			mag = strcmp(unit_quantity(a), "temperature") ? 0 : 1000;
			for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
				double x = vals[k], y = NAN, back = NAN;
				CU_ASSERT_EQUAL(unit_convert(a, b, x, &y), OK);
				CU_ASSERT_EQUAL(unit_convert(b, a, y, &back), OK);
				if (!close_to(back, x, mag) || !close_to(x * s + o, y, mag * fabs(s)))
					fprintf(stderr, "%s <-> %s at %g: %.17g back %.17g, map %.17g\n",
						unit_name(a), unit_name(b), x, y, back, x * s + o);
				CU_ASSERT(close_to(back, x, mag));
				CU_ASSERT(close_to(x * s + o, y, mag * fabs(s)));
			}
		}
}

void register_tests(void)
{
	CU_pSuite t = CU_add_suite("units_table", NULL, NULL);
	ADD(t, test_units_table_has_222_units_in_14_quantities);
	ADD(t, test_units_table_names_are_unique_and_find_their_unit);
	ADD(t, test_units_table_prefixed_units_follow_makeunit);
	ADD(t, test_units_table_symbols_aliases_and_quantities);
	ADD(t, test_units_table_ratios_survive_62_decimal_round_trip);

	CU_pSuite f = CU_add_suite("units_find", NULL, NULL);
	ADD(f, test_units_find_by_name_symbol_alias_and_plural);
	ADD(f, test_units_find_odd_symbols_of_go_units);
	ADD(f, test_units_find_is_exact_then_case_insensitive);
	ADD(f, test_units_find_ambiguous_case_picks_first_by_quantity_and_name);
	ADD(f, test_units_find_folds_unicode_like_go);
	ADD(f, test_units_find_strips_one_plural_s);
	ADD(f, test_units_find_unknown_empty_and_null);

	CU_pSuite c = CU_add_suite("units_convert", NULL, NULL);
	ADD(c, test_units_convert_temperature_is_affine_and_exact);
	ADD(c, test_units_conversion_gives_the_affine_map);
	ADD(c, test_units_convert_identity);
	ADD(c, test_units_convert_energy);
	ADD(c, test_units_convert_power);
	ADD(c, test_units_convert_pressure_with_go_units_values);
	ADD(c, test_units_convert_length);
	ADD(c, test_units_convert_volume_and_flow);
	ADD(c, test_units_convert_speed_with_go_units_values);
	ADD(c, test_units_convert_mass_time_angle_ratio_data);
	ADD(c, test_units_convert_matches_go_units_test_strings);
	ADD(c, test_units_convert_incompatible_is_error_and_leaves_outputs);
	ADD(c, test_units_convert_null_units_is_error);

	CU_pSuite p = CU_add_suite("units_all_pairs", NULL, NULL);
	ADD(p, test_units_every_pair_converts_iff_same_quantity);
	ADD(p, test_units_every_pair_round_trips_and_map_matches_replay);
}
