/* rvt_compile_bench.c — times tier 1 compilation of an ELF's static regions (the ones
 * `--mode tier1` compiles: one per loop head, no calls followed), one region per module, with
 * nothing else: no guest memory, no run, no other thread. Real runs compile on a thread that
 * shares the machine with the guest, so their compile times move with the load; this is the
 * steady measure, and under callgrind an exact one (valgrind cannot run `rvtier run`, which
 * reserves 2^41 bytes of guest memory).
 * Each region is compiled REPS times in a fresh engine per repetition (the first compile of
 * an engine also pays LLVM's first-touch costs, as the first region of a run does); the time
 * of a region is its compiling thread's CPU time (t1_compiled.seconds), its median over the
 * repetitions is what is reported.
 * Usage: rvt_compile_bench ELF [REPS=3] [OPT_LEVEL=default] [MAX_REGIONS=all]
 *        valgrind --tool=callgrind rvt_compile_bench guest.elf 1 */
#include <stdio.h>
#include <stdlib.h>

#include "include/rvtier.h"
#include "runtime/program.h"
#include "runtime/region.h"
#include "tiers/tier1/tier1.h"

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ELF [REPS=3] [OPT_LEVEL=%d] [MAX_REGIONS=all]\n", argv[0],
                T1_DEFAULT_OPT_LEVEL);
        return 2;
    }
    const int reps = argc > 2 && atoi(argv[2]) > 0 ? atoi(argv[2]) : 3;
    const int opt = argc > 3 ? atoi(argv[3]) : T1_DEFAULT_OPT_LEVEL;
    char err[512];
    struct rvt_program *p;
    if (rvt_program_load_file(argv[1], &p, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    uint32_t *heads;
    int64_t n = rt_region_static_heads(p, &heads);
    if (n < 0) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    if (argc > 4 && atoll(argv[4]) > 0 && atoll(argv[4]) < n)
        n = atoll(argv[4]);
    struct rt_region *regions = calloc((size_t)n + 1, sizeof *regions);
    double *secs = calloc((size_t)n * (size_t)reps + 1, sizeof *secs);
    double *per = calloc((size_t)reps + 1, sizeof *per);
    double *meds = calloc((size_t)n + 1, sizeof *meds);
    double phase[4] = {0};
    uint64_t insns = 0;
    if (!regions || !secs || !per || !meds) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (int64_t k = 0; k < n; k++) {
        if (rt_region_form(p, heads[k], NULL, 0, NULL, RT_REGION_STATIC_MAX_INSNS,
                           &regions[k]) != 0) {
            fprintf(stderr, "out of memory forming regions\n");
            return 1;
        }
        insns += regions[k].n_insns;
    }
    int rc = 0;
    for (int rep = 0; rep < reps && rc == 0; rep++) {
        struct t1_engine *e = t1_engine_new(opt, 0, err, sizeof err);
        if (!e) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        for (int64_t k = 0; k < n; k++) {
            struct t1_compiled out = {0};
            if (t1_compile(e, p, &regions[k], NULL, 0, &out, err, sizeof err) != 0) {
                fprintf(stderr, "region at 0x%llx: %s\n",
                        (unsigned long long)(p->pc_base + 4ull * regions[k].head), err);
                rc = 1;
                break;
            }
            secs[(size_t)k * (size_t)reps + (size_t)rep] = out.seconds;
            for (int f = 0; f < 4; f++)
                phase[f] += out.phase_seconds[f];
            t1_compiled_free(&out);
        }
        t1_engine_free(e);
    }
    if (rc == 0) {
        double total = 0;
        for (int64_t k = 0; k < n; k++) {
            for (int rep = 0; rep < reps; rep++)
                per[rep] = secs[(size_t)k * (size_t)reps + (size_t)rep];
            meds[k] = median(per, (size_t)reps);
            total += meds[k];
        }
        double all = phase[0] + phase[1] + phase[2] + phase[3];
        if (all <= 0)
            all = 1;   /* no region (a text without loops): every share is 0 */
        printf("%lld regions, %llu instructions, opt level %d: compile median %.2f ms per "
               "region, total %.1f ms (medians of %d); lift %.0f%%, IR passes %.0f%%, code "
               "generation %.0f%%, link %.0f%%\n",
               (long long)n, (unsigned long long)insns, opt, n ? median(meds, (size_t)n) * 1e3 : 0,
               total * 1e3, reps, 100 * phase[0] / all, 100 * phase[1] / all,
               100 * phase[2] / all, 100 * phase[3] / all);
    }
    for (int64_t k = 0; k < n; k++)
        rt_region_free(&regions[k]);
    free(regions);
    free(secs);
    free(per);
    free(meds);
    free(heads);
    rvt_program_free(p);
    return rc;
}
