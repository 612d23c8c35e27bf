/* go_rand.c — Go's math/rand, step for step (see go_rand.h; the tables
 * are in go_rand_tables.c). Integer overflow wraps as in Go: the state
 * is added as unsigned. */
#include "go_rand.h"

#include <math.h>

#define INT32MAX 2147483647

static int32_t seedrand(int32_t x)
{
    const int32_t A = 48271, Q = 44488, R = 3399;
    int32_t hi = x / Q, lo = x % Q;
    x = A * lo - R * hi;
    if (x < 0)
        x += INT32MAX;
    return x;
}

void go_rand_seed(struct go_rand *r, int64_t seed)
{
    r->tap = 0;
    r->feed = GO_RNG_LEN - GO_RNG_TAP;
    seed %= INT32MAX;
    if (seed < 0)
        seed += INT32MAX;
    if (seed == 0)
        seed = 89482311;
    int32_t x = (int32_t)seed;
    for (int i = -20; i < GO_RNG_LEN; i++) {
        x = seedrand(x);
        if (i >= 0) {
            uint64_t u = (uint64_t)(int64_t)x << 40;
            x = seedrand(x);
            u ^= (uint64_t)(int64_t)x << 20;
            x = seedrand(x);
            u ^= (uint64_t)(int64_t)x;
            u ^= (uint64_t)go_rng_cooked[i];
            r->vec[i] = (int64_t)u;
        }
    }
    r->read_pos = 0;
    r->read_val = 0;
}

static uint64_t uint64_next(struct go_rand *r)
{
    if (--r->tap < 0)
        r->tap += GO_RNG_LEN;
    if (--r->feed < 0)
        r->feed += GO_RNG_LEN;
    uint64_t x = (uint64_t)r->vec[r->feed] + (uint64_t)r->vec[r->tap];
    r->vec[r->feed] = (int64_t)x;
    return x;
}

int64_t go_rand_int63(struct go_rand *r)
{
    return (int64_t)(uint64_next(r) & (UINT64_MAX >> 1));
}

static uint32_t uint32_next(struct go_rand *r)
{
    return (uint32_t)(go_rand_int63(r) >> 31);
}

static int32_t int31(struct go_rand *r)
{
    return (int32_t)(go_rand_int63(r) >> 32);
}

double go_rand_float64(struct go_rand *r)
{
    for (;;) {
        double f = (double)go_rand_int63(r) / 9223372036854775808.0;
        if (f != 1)
            return f;
    }
}

int64_t go_rand_int63n(struct go_rand *r, int64_t n)
{
    if ((n & (n - 1)) == 0)
        return go_rand_int63(r) & (n - 1);
    int64_t max = (int64_t)((UINT64_MAX >> 1) - (1ULL << 63) % (uint64_t)n);
    int64_t v = go_rand_int63(r);
    while (v > max)
        v = go_rand_int63(r);
    return v % n;
}

static int32_t int31n(struct go_rand *r, int32_t n)
{
    if ((n & (n - 1)) == 0)
        return int31(r) & (n - 1);
    int32_t max = (int32_t)(INT32MAX - (1U << 31) % (uint32_t)n);
    int32_t v = int31(r);
    while (v > max)
        v = int31(r);
    return v % n;
}

int64_t go_rand_intn(struct go_rand *r, int64_t n)
{
    if (n <= INT32MAX)
        return int31n(r, (int32_t)n);
    return go_rand_int63n(r, n);
}

double go_rand_exp_float64(struct go_rand *r)
{
    const double re = 7.69711747013104972;
    for (;;) {
        uint32_t j = uint32_next(r);
        uint32_t i = j & 0xFF;
        double x = (double)j * (double)go_rand_we[i];
        if (j < go_rand_ke[i])
            return x;
        if (i == 0)
            return re - log(go_rand_float64(r));
        float f = (float)go_rand_float64(r);
        if (go_rand_fe[i] + f * (go_rand_fe[i - 1] - go_rand_fe[i]) < (float)exp(-x))
            return x;
    }
}

double go_rand_norm_float64(struct go_rand *r)
{
    const double rn = 3.442619855899;
    for (;;) {
        int32_t j = (int32_t)uint32_next(r);
        int32_t i = j & 0x7F;
        double x = (double)j * (double)go_rand_wn[i];
        uint32_t aj = j < 0 ? (uint32_t)(-(int64_t)j) : (uint32_t)j;
        if (aj < go_rand_kn[i])
            return x;
        if (i == 0) {
            for (;;) {
                x = -log(go_rand_float64(r)) * (1.0 / rn);
                double y = -log(go_rand_float64(r));
                if (y + y >= x * x)
                    break;
            }
            return j > 0 ? rn + x : -rn - x;
        }
        float f = (float)go_rand_float64(r);
        if (go_rand_fn[i] + f * (go_rand_fn[i - 1] - go_rand_fn[i]) < (float)exp(-.5 * x * x))
            return x;
    }
}

void go_rand_perm(struct go_rand *r, int64_t *out, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t j = go_rand_intn(r, i + 1);
        out[i] = out[j];
        out[j] = i;
    }
}

void go_rand_read(struct go_rand *r, unsigned char *p, size_t n)
{
    int pos = r->read_pos;
    int64_t val = r->read_val;
    for (size_t k = 0; k < n; k++) {
        if (pos == 0) {
            val = go_rand_int63(r);
            pos = 7;
        }
        p[k] = (unsigned char)val;
        val >>= 8;
        pos--;
    }
    r->read_pos = pos;
    r->read_val = val;
}
