/* fork_join.h — the one fork-join the library uses for work cut into parts (tier 0's
 * translation slices, decoding a large text, tier1 mode's up-front compiles): part 0 runs on
 * the calling thread, every other part on a thread of its own, and the call returns when all
 * are done. A part whose thread cannot be started runs on the calling thread afterwards: it
 * only takes longer, nothing is lost. No state outside the call.
 * Usage: rt_fork_join(n, work, parts, sizeof parts[0]);   (work(&parts[k]) for k < n)
 *        rt_fork_join(n, work, &shared, 0);                (n workers on one shared job) */
#ifndef RVT_RUNTIME_FORK_JOIN_H
#define RVT_RUNTIME_FORK_JOIN_H

#include <stddef.h>
#include <stdint.h>

/* Most parts one call takes (more are run on the calling thread, in turn). */
#define RT_FORK_JOIN_MAX 16

/* work((char *)arg + k * stride) for k < n, concurrently. */
void rt_fork_join(size_t n, void *(*work)(void *), void *arg, size_t stride);

/* How many parts to cut `items` into: one per online CPU, at most max_parts, each of at least
 * min_items (a smaller part would not pay for its thread's start); at least 1. */
size_t rt_fork_join_parts(uint64_t items, uint64_t min_items, size_t max_parts);

#endif
