/* wallclock.h — monotonic seconds, the one clock run and compile timings are taken with.
 * Usage: double t0 = rt_wallclock(); ...; double secs = rt_wallclock() - t0; */
#ifndef RVT_RUNTIME_WALLCLOCK_H
#define RVT_RUNTIME_WALLCLOCK_H

#include <time.h>

static inline double rt_wallclock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
