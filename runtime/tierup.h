/* tierup.h — the dispatcher's tier-up: a program's tier 1 state (engine, installed regions,
 * per-head status) and one run's view of it.
 *
 * Profiling: tier 0 decrements a counter at every block head (struct t0_dispatch); when one
 * reaches 0 the run exits HOT at that head and rt_tierup_hot() forms a region there
 * (runtime/region.h). A region that is not (yet) a loop is retried after another `threshold`
 * executions, twice, then taken as it is. The region is compiled on the spot (--sync-compile)
 * or queued for the compile threads, in the variant of the run it got hot in (plain, or
 * recording when the run takes trace records: region.h); either way installing it is two
 * atomic stores into the tiered dispatch block: t1_fn[head] (or t1_fn_rec[head]) = the
 * function, then table[head] = tier 0's gate. Code of any tier reaches the head only through
 * that table, so from then on it enters tier 1 — in runs of the other kind only once that
 * variant is compiled too.
 * Tier-up never changes a result: tier 1 code keeps tier 0's semantics, clocks and records.
 * Usage (run.c): rt_tierup_begin(job, &tu, code) ... t0_run_job ... rt_tierup_end(job, &tu). */
#ifndef RVT_RUNTIME_TIERUP_H
#define RVT_RUNTIME_TIERUP_H

#include <stdint.h>
#include <stdio.h>

struct rt_job;
struct rt_tier1;
struct rvt_program;
struct t0_code;

#define RT_DEFAULT_TIER_THRESHOLD 1000

/* One run's tier-up state (job->tierup). */
struct rt_tierup {
    struct rt_tier1 *t1;
    int static_only;        /* tier1 mode: regions compiled up front, HOT exits ignored */
    int sync;               /* compile on the guest's thread */
    double start;           /* monotonic seconds when the guest started */
    uint64_t regions_at_start;
};

/* Sets up tier-up for job (creating the program's tier 1 state on first use; its engine
 * takes the compile-thread count and opt level of this first run, and its counters this
 * run's threshold). In tier1 mode, compiles the program's static regions first. Returns 0,
 * or -1 after rt_job_fail(). */
int rt_tierup_begin(struct rt_job *job, struct rt_tierup *tu, const struct t0_code *code);
/* Fills the run's tier 1 stats and timeline; writes the --dump-ir index. */
void rt_tierup_end(struct rt_job *job, struct rt_tierup *tu);

/* HOT exit at pc (a block head). Returns 0 (the run continues), -1 after rt_job_fail(). */
int rt_tierup_hot(struct rt_job *job, uint64_t pc);
/* Block head `head`'s region has been queued: from now on table jumps to it go past its
 * counter, until a region is installed there. Does nothing once its table entry is no longer
 * the counter (the gate). Called by rt_tierup_hot before it queues a region. */
void rt_tierup_stop_counting(struct rt_tier1 *t1, uint32_t head);

/* Frees a program's tier 1 state (rvt_program_free): stops its compile threads first. */
void rt_tier1_free(struct rt_tier1 *t1);

/* Writes every installed region's machine code (--dump-asm, after tier 0's listing). */
int rt_tier1_dump_asm(FILE *out, struct rvt_program *p, char *err, size_t errlen);

#endif
