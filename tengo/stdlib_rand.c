/* stdlib_rand.c — Tengo's rand module (stdlib/rand.go): int, float, intn,
 * exp_float, norm_float, perm, seed, read, and rand(seed), an object with
 * the same methods on a generator of its own. The generator is Go's
 * math/rand (go_rand.h): after rand.seed(n), and on rand.rand(n), the
 * numbers are the ones Go Tengo gives. Unseeded, the module's generator
 * starts from the clock and the process id, like Go >= 1.20's random
 * top-level seed. A rand.rand object lives until the run ends (it is a
 * resource of the VM, counted against max_heap_bytes). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "go_rand.h"
#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "vm.h"
#include "xalloc.h"

static _Thread_local struct go_rand module_rng;
static _Thread_local bool module_seeded;

enum { R_INT, R_FLOAT, R_INTN, R_EXP_FLOAT, R_NORM_FLOAT, R_PERM, R_SEED, R_READ, NMETHODS };

struct rand_obj;

struct method {
    struct tg_builtin bi; /* first: vm->callee points here */
    struct rand_obj *owner;
};

struct rand_obj { /* what rand.rand(seed) returns the methods of */
    struct tg_vm_res res; /* first: released with the VM */
    struct method methods[NMETHODS];
    struct go_rand rng;
};

/* The generator the called function works on: its object's, or the
 * module's. */
static struct go_rand *rng_of(struct tg_vm *vm, bool method)
{
    if (method)
        return &((const struct method *)vm->callee)->owner->rng;
    if (!module_seeded) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        go_rand_seed(&module_rng, ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)getpid() * 7919);
        module_seeded = true;
    }
    return &module_rng;
}

static int no_args(struct tg_vm *vm, int n, const char *fn)
{
    return n == 0 ? OK : tg_arg_count_error(vm, fn);
}

/* FuncAI64R…: one argument, ToInt64. */
static int one_int(struct tg_vm *vm, const struct tg_value *a, int n, const char *fn, int64_t *x)
{
    if (n != 1)
        return tg_arg_count_error(vm, fn);
    if (!tg_to_int(a[0], x))
        return tg_arg_type_error(vm, fn, 0, "int(compatible)", a[0]);
    return OK;
}

static int do_int(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    (void)a;
    if (no_args(vm, n, "int") != OK)
        return ERROR;
    *ret = tg_int(go_rand_int63(rng_of(vm, m)));
    return OK;
}

static int do_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    (void)a;
    if (no_args(vm, n, "float") != OK)
        return ERROR;
    *ret = tg_float(go_rand_float64(rng_of(vm, m)));
    return OK;
}

static int do_exp_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    (void)a;
    if (no_args(vm, n, "exp_float") != OK)
        return ERROR;
    *ret = tg_float(go_rand_exp_float64(rng_of(vm, m)));
    return OK;
}

static int do_norm_float(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    (void)a;
    if (no_args(vm, n, "norm_float") != OK)
        return ERROR;
    *ret = tg_float(go_rand_norm_float64(rng_of(vm, m)));
    return OK;
}

static int do_intn(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    int64_t x;
    if (one_int(vm, a, n, "intn", &x) != OK)
        return ERROR;
    if (x <= 0) /* Go panics (docs/compatibility.md) */
        return tg_vm_errorf(vm, "invalid argument to Int63n");
    *ret = tg_int(go_rand_int63n(rng_of(vm, m), x));
    return OK;
}

static int do_seed(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    int64_t x;
    (void)ret;
    if (one_int(vm, a, n, "seed", &x) != OK)
        return ERROR;
    go_rand_seed(m ? rng_of(vm, m) : &module_rng, x);
    if (!m)
        module_seeded = true;
    return OK;
}

static int do_perm(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    int64_t x;
    if (n != 1)
        return tg_arg_count_error(vm, "perm");
    if (!tg_to_int(a[0], &x)) /* FuncAIRIs: ToInt */
        return tg_arg_type_error(vm, "perm", 0, "int(compatible)", a[0]);
    if (x < 0) /* Go panics (docs/compatibility.md) */
        return tg_vm_errorf(vm, "invalid argument to Perm");
    if (x > 100000000)
        return tg_vm_errorf(vm, "object allocation limit exceeded");
    int64_t *p = xmalloc((size_t)(x ? x : 1) * sizeof *p);
    go_rand_perm(rng_of(vm, m), p, x);
    struct tg_array *r = tg_array_new(&vm->heap, (uint32_t)x);
    for (uint32_t i = 0; i < (uint32_t)x; i++)
        r->items[i] = tg_int(p[i]);
    r->len = (uint32_t)x;
    free(p);
    *ret = tg_obj_value(r);
    return OK;
}

/* Fills bytes in place (Go Tengo takes bytes only); returns the count. */
static int do_read(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret, bool m)
{
    if (n != 1)
        return tg_arg_count_error(vm, "read");
    if (a[0].type != TG_BYTES)
        return tg_arg_type_error(vm, "read", 0, "bytes", a[0]);
    struct tg_string *b = TG_STR(a[0]);
    struct go_rand *r = rng_of(vm, m);
    if (b->h.perm) { /* a constant: draw the numbers, change nothing */
        unsigned char scratch[256];
        for (uint32_t done = 0; done < b->len; done += sizeof scratch)
            go_rand_read(r, scratch, b->len - done < sizeof scratch ? b->len - done : sizeof scratch);
    } else {
        go_rand_read(r, (unsigned char *)b->data, b->len);
    }
    *ret = tg_int(b->len);
    return OK;
}

typedef int (*impl_fn)(struct tg_vm *, struct tg_value *, int, struct tg_value *, bool);

/* Each implementation twice: as a module function and as a method. */
#define BOTH(name, impl)                                                                   \
    static int mod_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *r) \
    {                                                                                      \
        return impl(vm, a, n, r, false);                                                   \
    }                                                                                      \
    static int obj_##name(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *r) \
    {                                                                                      \
        return impl(vm, a, n, r, true);                                                    \
    }
BOTH(int, do_int)
BOTH(float, do_float)
BOTH(intn, do_intn)
BOTH(exp_float, do_exp_float)
BOTH(norm_float, do_norm_float)
BOTH(perm, do_perm)
BOTH(seed, do_seed)
BOTH(read, do_read)
#undef BOTH

static const struct tg_builtin method_table[NMETHODS] = {
    [R_INT] = { "int", obj_int, NULL },
    [R_FLOAT] = { "float", obj_float, NULL },
    [R_INTN] = { "intn", obj_intn, NULL },
    [R_EXP_FLOAT] = { "exp_float", obj_exp_float, NULL },
    [R_NORM_FLOAT] = { "norm_float", obj_norm_float, NULL },
    [R_PERM] = { "perm", obj_perm, NULL },
    [R_SEED] = { "seed", obj_seed, NULL },
    [R_READ] = { "read", obj_read, NULL },
};

static void rand_obj_release(struct tg_vm_res *r)
{
    free(r);
}

static int mod_rand(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    int64_t seed;
    if (one_int(vm, a, n, "rand", &seed) != OK)
        return ERROR;
    struct rand_obj *o = xcalloc(1, sizeof *o);
    o->res.release = rand_obj_release;
    o->res.bytes = sizeof *o;
    if (tg_vm_res_add(vm, &o->res) != OK)
        return ERROR;
    go_rand_seed(&o->rng, seed);
    struct tg_map *m = tg_map_new(&vm->heap);
    for (int i = 0; i < NMETHODS; i++) {
        o->methods[i].bi = method_table[i];
        o->methods[i].owner = o;
        struct tg_value f = { .type = TG_BUILTIN, .u.bi = &o->methods[i].bi };
        tg_map_set(&vm->heap, m, method_table[i].name, strlen(method_table[i].name), f);
    }
    m->h.type = TG_IMMUTABLE_MAP;
    *ret = tg_obj_value(m);
    return OK;
}

static const struct tg_builtin funcs[] = {
    { "int", mod_int, NULL },
    { "float", mod_float, NULL },
    { "intn", mod_intn, NULL },
    { "exp_float", mod_exp_float, NULL },
    { "norm_float", mod_norm_float, NULL },
    { "perm", mod_perm, NULL },
    { "seed", mod_seed, NULL },
    { "read", mod_read, NULL },
    { "rand", mod_rand, NULL },
};

const struct tg_module tg_mod_rand = { "rand", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
