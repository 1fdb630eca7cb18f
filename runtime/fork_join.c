/* fork_join.c — see fork_join.h. */
#include "runtime/fork_join.h"

#include <pthread.h>
#include <unistd.h>

size_t rt_fork_join_parts(uint64_t items, uint64_t min_items, size_t max_parts)
{
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t k = cpus > 1 ? (uint64_t)cpus : 1;
    if (k > max_parts)
        k = max_parts;
    if (min_items && k > items / min_items)
        k = items / min_items;
    return k ? (size_t)k : 1;
}

void rt_fork_join(size_t n, void *(*work)(void *), void *arg, size_t stride)
{
    pthread_t tid[RT_FORK_JOIN_MAX];
    uint8_t started[RT_FORK_JOIN_MAX] = {0};
    for (size_t k = 1; k < n && k < RT_FORK_JOIN_MAX; k++)
        started[k] = pthread_create(&tid[k], NULL, work, (char *)arg + k * stride) == 0;
    if (n)
        work(arg);
    for (size_t k = 1; k < n; k++) {
        if (k < RT_FORK_JOIN_MAX && started[k])
            pthread_join(tid[k], NULL);
        else
            work((char *)arg + k * stride);
    }
}
