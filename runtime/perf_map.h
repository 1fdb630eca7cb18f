/* perf_map.h — /tmp/perf-<pid>.map, the file in which perf looks up the names of JIT code
 * ("START SIZE NAME", hex, a line each; perf reads it when it reports, so lines are appended
 * and flushed as code appears): tier 0's blocks when a program is translated
 * (tiers/tier0/tier0.h t0_perf_map) and each tier 1 region when it is installed. One per
 * process user that asks for it (`rvtier run --perf-map`, `rvtier serve --perf-map`), shared
 * by its programs (struct rvt_program.perf_map); appends from several threads are serialized.
 * Code that is freed leaves its lines behind (a service that evicts a program): perf may then
 * name a reused address after either.
 * Usage: rt_perf_map_open(&m, err, n); prog->perf_map = m; ...runs...;
 *        rt_perf_map_finish(m, err, n); rvt_program_free(prog); rt_perf_map_free(m); */
#ifndef RVT_RUNTIME_PERF_MAP_H
#define RVT_RUNTIME_PERF_MAP_H

#include <stddef.h>
#include <stdint.h>

struct rvt_program;
struct t0_code;
struct rt_perf_map;

/* Creates (truncates) /tmp/perf-<pid>.map. Returns 0, or -1 with err = what and where. */
int rt_perf_map_open(struct rt_perf_map **out, char *err, size_t errlen);
const char *rt_perf_map_path(const struct rt_perf_map *m);
/* Appends the symbols of p's tier 0 code c. */
void rt_perf_map_tier0(struct rt_perf_map *m, const struct rvt_program *p,
                       const struct t0_code *c);
/* Appends one tier 1 region: r_<head_pc>, with _rec for the recording variant (ir/lift.h). */
void rt_perf_map_region(struct rt_perf_map *m, const void *fn, size_t size, uint64_t head_pc,
                        int recording);
/* Closes the file; later appends (a compile still in flight when a run ends) are dropped.
 * Returns 0, or -1 when a write failed (err says which). NULL: nothing to do. */
int rt_perf_map_finish(struct rt_perf_map *m, char *err, size_t errlen);
/* Frees m (finishing it first if needed), once nothing can append to it any more: after the
 * programs that point at it are freed (rvt_program_free waits for their compiles). */
void rt_perf_map_free(struct rt_perf_map *m);

#endif
