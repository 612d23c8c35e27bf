/* clock.h — the two clocks every process reads: monotonic for deadlines,
 * timeouts and intervals (never jumps), real time for what is stored or
 * shown (program_runs.started, "now" in queries). */
#ifndef SELFHOST_CLOCK_H
#define SELFHOST_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t clock_mono_us(void) { return clock_mono_ns() / 1000; }
static inline int64_t clock_mono_ms(void) { return clock_mono_ns() / 1000000; }

/* Microseconds since the epoch. */
static inline int64_t clock_real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
