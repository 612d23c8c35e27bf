/* stdlib_math.c — Tengo's math module (stdlib/math.go): Go's math
 * functions over floats, and its constants under Go's names (maxInt,
 * sqrtPi, …; docs/stdlib-math.md).
 *
 * Argument conventions are Tengo's: a float argument accepts an int or a
 * float ("float(compatible)"), an int argument accepts anything ToInt
 * takes (int, float, char, bool, numeric string). Where C's libm and Go
 * differ on edge cases (max/min with NaN or signed zeros, ilogb of 0, Inf
 * and NaN), Go's answer is computed here. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "vm.h"

static double go_max(double x, double y)
{
    if (isinf(x) && x > 0)
        return x;
    if (isinf(y) && y > 0)
        return y;
    if (isnan(x) || isnan(y))
        return NAN;
    if (x == 0 && x == y)
        return signbit(x) ? y : x;
    return x > y ? x : y;
}

static double go_min(double x, double y)
{
    if (isinf(x) && x < 0)
        return x;
    if (isinf(y) && y < 0)
        return y;
    if (isnan(x) || isnan(y))
        return NAN;
    if (x == 0 && x == y)
        return signbit(x) ? x : y;
    return x < y ? x : y;
}

static double go_dim(double x, double y)
{
    double v = x - y;
    if (isnan(v))
        return NAN;
    return v <= 0 ? 0 : v;
}

static double go_pow10(int64_t n)
{
    if (n < -323)
        return 0;
    if (n > 308)
        return INFINITY;
    return pow(10, (double)n);
}

static double go_inf(int64_t sign)
{
    return sign >= 0 ? INFINITY : -INFINITY;
}

static int64_t go_ilogb(double x)
{
    if (x == 0)
        return INT32_MIN;
    if (isnan(x) || isinf(x))
        return INT32_MAX;
    return ilogb(x);
}

static double go_jn(int64_t n, double x)
{
    return jn((int)n, x);
}

static double go_yn(int64_t n, double x)
{
    return yn((int)n, x);
}

static double go_ldexp(double x, int64_t e)
{
    if (e > INT32_MAX)
        e = INT32_MAX;
    if (e < INT32_MIN)
        e = INT32_MIN;
    return ldexp(x, (int)e);
}

/* glibc's cbrt is off by an ulp on perfect cubes (cbrt(27) = 3.0000000000000004);
 * Go's is exact there: one Newton step in long double fixes it. */
static double go_cbrt(double x)
{
    double y = cbrt(x);
    if (y == 0 || isnan(y) || isinf(y))
        return y;
    long double ly = y;
    ly -= (ly * ly * ly - (long double)x) / (3 * ly * ly);
    return (double)ly;
}

static double go_nan(void)
{
    return NAN;
}

static bool go_is_nan(double x)
{
    return isnan(x);
}

static bool go_signbit(double x)
{
    return signbit(x) != 0;
}

static bool go_is_inf(double x, int64_t sign)
{
    return sign > 0 ? (isinf(x) && x > 0) : sign < 0 ? (isinf(x) && x < 0) : isinf(x);
}

/* Calling conventions (Tengo's FuncAFRF, FuncAFFRF, …): A = arguments,
 * R = result; F float, I int, B bool. */
static int call_f_f(struct tg_vm *vm, const char *fn, double (*f)(double), struct tg_value *a,
                    int n, struct tg_value *ret)
{
    double x;
    if (n != 1)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_float(vm, fn, a, 0, &x) != OK)
        return ERROR;
    *ret = tg_float(f(x));
    return OK;
}

static int call_ff_f(struct tg_vm *vm, const char *fn, double (*f)(double, double),
                     struct tg_value *a, int n, struct tg_value *ret)
{
    double x, y;
    if (n != 2)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_float(vm, fn, a, 0, &x) != OK || tg_arg_float(vm, fn, a, 1, &y) != OK)
        return ERROR;
    *ret = tg_float(f(x, y));
    return OK;
}

static int call_f_b(struct tg_vm *vm, const char *fn, bool (*f)(double), struct tg_value *a,
                    int n, struct tg_value *ret)
{
    double x;
    if (n != 1)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_float(vm, fn, a, 0, &x) != OK)
        return ERROR;
    *ret = tg_bool(f(x));
    return OK;
}

static int call_i_f(struct tg_vm *vm, const char *fn, double (*f)(int64_t), struct tg_value *a,
                    int n, struct tg_value *ret)
{
    int64_t i;
    if (n != 1)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_int(vm, fn, a, 0, &i) != OK)
        return ERROR;
    *ret = tg_float(f(i));
    return OK;
}

static int call_if_f(struct tg_vm *vm, const char *fn, double (*f)(int64_t, double),
                     struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t i;
    double x;
    if (n != 2)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_int(vm, fn, a, 0, &i) != OK || tg_arg_float(vm, fn, a, 1, &x) != OK)
        return ERROR;
    *ret = tg_float(f(i, x));
    return OK;
}

static int call_fi_f(struct tg_vm *vm, const char *fn, double (*f)(double, int64_t),
                     struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t i;
    double x;
    if (n != 2)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_float(vm, fn, a, 0, &x) != OK || tg_arg_int(vm, fn, a, 1, &i) != OK)
        return ERROR;
    *ret = tg_float(f(x, i));
    return OK;
}

static int call_fi_b(struct tg_vm *vm, const char *fn, bool (*f)(double, int64_t),
                     struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t i;
    double x;
    if (n != 2)
        return tg_arg_count_error(vm, fn);
    if (tg_arg_float(vm, fn, a, 0, &x) != OK || tg_arg_int(vm, fn, a, 1, &i) != OK)
        return ERROR;
    *ret = tg_bool(f(x, i));
    return OK;
}

static int m_ilogb(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    double x;
    if (n != 1)
        return tg_arg_count_error(vm, "ilogb");
    if (tg_arg_float(vm, "ilogb", a, 0, &x) != OK)
        return ERROR;
    *ret = tg_int(go_ilogb(x));
    return OK;
}

static int m_nan(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return tg_arg_count_error(vm, "nan");
    *ret = tg_float(go_nan());
    return OK;
}

#define WRAP(conv, name, cfn)                                                              \
    static int m_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret) \
    {                                                                                      \
        return call_##conv(vm, #name, cfn, a, n, ret);                                     \
    }
WRAP(f_f, abs, fabs)
WRAP(f_f, acos, acos)
WRAP(f_f, acosh, acosh)
WRAP(f_f, asin, asin)
WRAP(f_f, asinh, asinh)
WRAP(f_f, atan, atan)
WRAP(ff_f, atan2, atan2)
WRAP(f_f, atanh, atanh)
WRAP(f_f, cbrt, go_cbrt)
WRAP(f_f, ceil, ceil)
WRAP(ff_f, copysign, copysign)
WRAP(f_f, cos, cos)
WRAP(f_f, cosh, cosh)
WRAP(ff_f, dim, go_dim)
WRAP(f_f, erf, erf)
WRAP(f_f, erfc, erfc)
WRAP(f_f, exp, exp)
WRAP(f_f, exp2, exp2)
WRAP(f_f, expm1, expm1)
WRAP(f_f, floor, floor)
WRAP(f_f, gamma, tgamma)
WRAP(ff_f, hypot, hypot)
WRAP(i_f, inf, go_inf)
WRAP(fi_b, is_inf, go_is_inf)
WRAP(f_b, is_nan, go_is_nan)
WRAP(f_f, j0, j0)
WRAP(f_f, j1, j1)
WRAP(if_f, jn, go_jn)
WRAP(fi_f, ldexp, go_ldexp)
WRAP(f_f, log, log)
WRAP(f_f, log10, log10)
WRAP(f_f, log1p, log1p)
WRAP(f_f, log2, log2)
WRAP(f_f, logb, logb)
WRAP(ff_f, max, go_max)
WRAP(ff_f, min, go_min)
WRAP(ff_f, mod, fmod)
WRAP(ff_f, nextafter, nextafter)
WRAP(ff_f, pow, pow)
WRAP(i_f, pow10, go_pow10)
WRAP(ff_f, remainder, remainder)
WRAP(f_b, signbit, go_signbit)
WRAP(f_f, sin, sin)
WRAP(f_f, sinh, sinh)
WRAP(f_f, sqrt, sqrt)
WRAP(f_f, tan, tan)
WRAP(f_f, tanh, tanh)
WRAP(f_f, trunc, trunc)
WRAP(f_f, y0, y0)
WRAP(f_f, y1, y1)
WRAP(if_f, yn, go_yn)
#undef WRAP

#define F(name) { #name, m_##name, NULL }
static const struct tg_builtin funcs[] = {
    F(abs), F(acos), F(acosh), F(asin), F(asinh), F(atan), F(atan2), F(atanh), F(cbrt),
    F(ceil), F(copysign), F(cos), F(cosh), F(dim), F(erf), F(erfc), F(exp), F(exp2),
    F(expm1), F(floor), F(gamma), F(hypot), F(ilogb), F(inf), F(is_inf), F(is_nan), F(j0),
    F(j1), F(jn), F(ldexp), F(log), F(log10), F(log1p), F(log2), F(logb), F(max), F(min),
    F(mod), F(nan), F(nextafter), F(pow), F(pow10), F(remainder), F(signbit), F(sin),
    F(sinh), F(sqrt), F(tan), F(tanh), F(trunc), F(y0), F(y1), F(yn),
};
#undef F

#define CF(name, v) { name, TG_CONST_FLOAT, 0, v, NULL }
#define CI(name, v) { name, TG_CONST_INT, v, 0, NULL }
static const struct tg_module_const consts[] = {
    CF("e", 2.71828182845904523536028747135266249775724709369995957496696763),
    CF("pi", 3.14159265358979323846264338327950288419716939937510582097494459),
    CF("phi", 1.61803398874989484820458683436563811772030917980576286213544862),
    CF("sqrt2", 1.41421356237309504880168872420969807856967187537694807317667974),
    CF("sqrtE", 1.64872127070012814684865078831848186603413806006318063412706657),
    CF("sqrtPi", 1.77245385090551602729816748334114518279754945612238712821380779),
    CF("sqrtPhi", 1.27201964951406896425242246173749149171560804184009624861664038),
    CF("ln2", 0.693147180559945309417232121458176568075500134360255254120680009),
    CF("log2E", 1 / 0.693147180559945309417232121458176568075500134360255254120680009),
    CF("ln10", 2.30258509299404568401799145468436420760110148862877297603332790),
    CF("log10E", 1 / 2.30258509299404568401799145468436420760110148862877297603332790),
    CF("maxFloat32", FLT_MAX),
    CF("smallestNonzeroFloat32", 1.401298464324817070923729583289916131280e-45),
    CF("maxFloat64", DBL_MAX),
    CF("smallestNonzeroFloat64", 4.940656458412465441765687928682213723651e-324),
    CI("maxInt", INT64_MAX),
    CI("minInt", INT64_MIN),
    CI("maxInt8", INT8_MAX),
    CI("minInt8", INT8_MIN),
    CI("maxInt16", INT16_MAX),
    CI("minInt16", INT16_MIN),
    CI("maxInt32", INT32_MAX),
    CI("minInt32", INT32_MIN),
    CI("maxInt64", INT64_MAX),
    CI("minInt64", INT64_MIN),
};
#undef CF
#undef CI

const struct tg_module tg_mod_math = { "math", funcs, TG_NELEMS(funcs), consts, TG_NELEMS(consts),
                                       NULL, 0, NULL };
