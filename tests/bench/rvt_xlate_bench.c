/* rvt_xlate_bench.c — times loading (decode, leaders) and tier 0 translation of an ELF, with
 * nothing else: no guest memory, no run. `rvtier run` reserves 2^41 bytes of guest memory,
 * which valgrind cannot map, so this is what callgrind counts translation work with.
 * Repetitions after the first reuse memory the process already faulted in; a single
 * repetition (the default) is what a one-shot `rvtier run` pays.
 * Loading decodes on one thread per CPU for a large text (runtime/program.c); THREADS is
 * tier 0's t0_options.threads (0: its default, one per CPU for a large text).
 * Usage: rvt_xlate_bench ELF [REPS=1] [THREADS=0]
 *        valgrind --tool=callgrind rvt_xlate_bench /tmp/big.elf   (scripts/gen_big_elf.py) */
#include <stdio.h>
#include <stdlib.h>

#include "include/rvtier.h"
#include "runtime/program.h"
#include "runtime/wallclock.h"
#include "tiers/tier0/tier0.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ELF [REPS=1] [THREADS=0]\n", argv[0]);
        return 2;
    }
    const int reps = argc > 2 ? atoi(argv[2]) : 1;
    const struct t0_options o = {.threads = argc > 3 ? (unsigned)atoi(argv[3]) : 0};
    unsigned slices = 0;
    char err[512];
    double best_load = 1e9, best_xlate = 1e9;
    uint64_t n = 0;
    size_t bytes = 0;
    for (int r = 0; r < reps; r++) {
        struct rvt_program *p;
        struct t0_code *c;
        const double t0 = rt_wallclock();
        if (rvt_program_load_file(argv[1], &p, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        const double t1 = rt_wallclock();
        if (t0_translate_opts(p, &o, &c, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            rvt_program_free(p);
            return 1;
        }
        const double t2 = rt_wallclock();
        n = p->n_insns;
        bytes = t0_code_bytes(c);
        slices = c->n_slices;
        best_load = t1 - t0 < best_load ? t1 - t0 : best_load;
        best_xlate = t2 - t1 < best_xlate ? t2 - t1 : best_xlate;
        t0_code_free(c);
        rvt_program_free(p);
    }
    printf("%llu instructions: load %.2f ms, translate %.2f ms (%.1f M/s; with load %.1f M/s), "
           "code %.1f bytes per instruction, %u thread%s (best of %d)\n",
           (unsigned long long)n, best_load * 1e3, best_xlate * 1e3, n / best_xlate / 1e6,
           n / (best_xlate + best_load) / 1e6, (double)bytes / (double)n, slices,
           slices == 1 ? "" : "s", reps);
    return 0;
}
