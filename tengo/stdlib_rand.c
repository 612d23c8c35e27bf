/* stdlib_rand.c — Tengo's rand module (stdlib/rand.go): int, float, intn,
 * exp_float, norm_float, perm, seed, read.
 *
 * The generator is xoshiro256** (seeded through splitmix64), not Go's
 * math/rand source: programs get the same kinds of numbers, ranges and
 * errors, but a given seed does not reproduce Go's sequence. Unseeded, the
 * state comes from the clock and the process id, like Go >= 1.20's random
 * top-level seed. rand.rand (a separate generator object) is not provided:
 * module functions carry no state of their own. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "vm.h"

static _Thread_local uint64_t state[4];
static _Thread_local bool seeded;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void seed_with(uint64_t s)
{
    for (int i = 0; i < 4; i++)
        state[i] = splitmix(&s);
    seeded = true;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(void)
{
    if (!seeded) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed_with(((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
                  (uint64_t)getpid() << 32);
    }
    uint64_t r = rotl(state[1] * 5, 7) * 9, t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return r;
}

static int64_t int63(void)
{
    return (int64_t)(next_u64() >> 1);
}

static double float64(void) /* [0, 1) */
{
    return (double)(next_u64() >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static int64_t int63n(int64_t n)
{
    uint64_t max = (uint64_t)INT64_MAX - ((uint64_t)INT64_MAX % (uint64_t)n + 1) % (uint64_t)n;
    uint64_t v;
    do
        v = (uint64_t)int63();
    while (v > max);
    return (int64_t)(v % (uint64_t)n);
}

static int wrong_args(struct tg_vm *vm, const char *fn)
{
    return tg_vm_errorf(vm, "wrong number of arguments in call to 'user-function:%s'", fn);
}

static int bad_arg(struct tg_vm *vm, const char *fn, const char *want, struct tg_value v)
{
    buf_t t = BUF_INIT;
    tg_type_name(&t, v);
    tg_vm_errorf(vm,
                 "invalid type for argument 'first' in call to 'user-function:%s': expected %s, "
                 "found %s",
                 fn, want, buf_cstr(&t));
    buf_free(&t);
    return ERROR;
}

static int rand_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return wrong_args(vm, "int");
    *ret = tg_int(int63());
    return OK;
}

static int rand_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return wrong_args(vm, "float");
    *ret = tg_float(float64());
    return OK;
}

static int rand_exp_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return wrong_args(vm, "exp_float");
    *ret = tg_float(-log1p(-float64())); /* rate 1 */
    return OK;
}

static int rand_norm_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    (void)a;
    if (n != 0)
        return wrong_args(vm, "norm_float");
    double u, v, s; /* Marsaglia's polar method */
    do {
        u = 2 * float64() - 1;
        v = 2 * float64() - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    *ret = tg_float(u * sqrt(-2 * log(s) / s));
    return OK;
}

static int rand_intn(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t x;
    if (n != 1)
        return wrong_args(vm, "intn");
    if (!tg_to_int(a[0], &x))
        return bad_arg(vm, "intn", "int(compatible)", a[0]);
    if (x <= 0) /* Go panics */
        return tg_vm_errorf(vm, "invalid argument to Int63n");
    *ret = tg_int(int63n(x));
    return OK;
}

static int rand_seed(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t x;
    (void)ret;
    if (n != 1)
        return wrong_args(vm, "seed");
    if (!tg_to_int(a[0], &x))
        return bad_arg(vm, "seed", "int(compatible)", a[0]);
    seed_with((uint64_t)x);
    return OK;
}

static int rand_perm(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t x;
    if (n != 1)
        return wrong_args(vm, "perm");
    if (!tg_to_int(a[0], &x))
        return bad_arg(vm, "perm", "int(compatible)", a[0]);
    if (x < 0) /* Go panics */
        return tg_vm_errorf(vm, "invalid argument to Perm");
    if (x > 100000000)
        return tg_vm_errorf(vm, "object allocation limit exceeded");
    struct tg_array *r = tg_array_new(&vm->heap, (uint32_t)x);
    for (uint32_t i = 0; i < (uint32_t)x; i++) { /* inside-out Fisher-Yates */
        uint32_t j = (uint32_t)int63n((int64_t)i + 1);
        r->items[i] = r->items[j];
        r->items[j] = tg_int(i);
    }
    r->len = (uint32_t)x;
    *ret = tg_obj_value(r);
    return OK;
}

/* Fills a bytes value in place (a string argument is copied, as Go's
 * ToByteSlice does, so nothing visible changes); returns the count. */
static int rand_read(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    if (n != 1)
        return wrong_args(vm, "read");
    if (a[0].type != TG_BYTES && a[0].type != TG_STRING)
        return bad_arg(vm, "read", "bytes(compatible)", a[0]);
    struct tg_string *b = TG_STR(a[0]);
    if (a[0].type == TG_BYTES && !b->h.perm)
        for (uint32_t i = 0; i < b->len; i++)
            b->data[i] = (char)next_u64();
    *ret = tg_int(b->len);
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "int", rand_int },
    { "float", rand_float },
    { "intn", rand_intn },
    { "exp_float", rand_exp_float },
    { "norm_float", rand_norm_float },
    { "perm", rand_perm },
    { "seed", rand_seed },
    { "read", rand_read },
};

const struct tg_module tg_mod_rand = { "rand", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0 };
