/* go_rand.h — Go's math/rand generator (Go 1.19's rngSource, an additive
 * lagged Fibonacci generator seeded through seedrand, and the Rand
 * methods Tengo's rand module exposes), reproduced exactly: a given seed
 * gives the numbers Go Tengo's rand.rand(seed) and rand.seed(seed) give. */
#ifndef TENGO_GO_RAND_H
#define TENGO_GO_RAND_H

#include <stddef.h>
#include <stdint.h>

#define GO_RNG_LEN 607
#define GO_RNG_TAP 273

struct go_rand {
    int tap, feed;
    int64_t vec[GO_RNG_LEN];
    int64_t read_val; /* Rand.Read's leftover bytes */
    int read_pos;
};

void go_rand_seed(struct go_rand *r, int64_t seed);
int64_t go_rand_int63(struct go_rand *r);
double go_rand_float64(struct go_rand *r);
/* n > 0 (Go panics otherwise; callers check). */
int64_t go_rand_int63n(struct go_rand *r, int64_t n);
int64_t go_rand_intn(struct go_rand *r, int64_t n);
double go_rand_exp_float64(struct go_rand *r);
double go_rand_norm_float64(struct go_rand *r);
/* Rand.Perm(n) into out[0..n). */
void go_rand_perm(struct go_rand *r, int64_t *out, int64_t n);
/* Rand.Read: fills p[0..n). */
void go_rand_read(struct go_rand *r, unsigned char *p, size_t n);

/* go_rand_tables.c */
extern const int64_t go_rng_cooked[GO_RNG_LEN];
extern const uint32_t go_rand_ke[256], go_rand_kn[128];
extern const float go_rand_we[256], go_rand_fe[256], go_rand_wn[128], go_rand_fn[128];

#endif
