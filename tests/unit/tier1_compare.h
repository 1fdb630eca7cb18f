/* tier1_compare.h — running one program in the reference interpreter and in tier 1 under a
 * cycle limit, traced or not, and asserting the same status, error message, clk, instruction
 * count, registers and trace bytes. Shared by test_tier1.c and test_lift_loop.c.
 * Usage: t1cmp_every_limit(p, traced, chunk_size, share);
 *        or struct t1cmp c; t1cmp_open(&c, traced, chunk_size); struct t1cmp_run r = t1cmp_limit(&c, p, limit);
 *        ... t1cmp_close(&c);
 *        or t1cmp_run_cancelled(p, mode, &r); ... rvt_result_free(&r); */
#ifndef RVT_TESTS_TIER1_COMPARE_H
#define RVT_TESTS_TIER1_COMPARE_H

#include <stdint.h>

#include "rvtier.h"

struct rvt_program;

struct t1cmp {
    int traced;
    uint64_t chunk_size;
    char dir[64], t_ref[300], t_got[300];   /* the traces' temporary directory and files */
};

void t1cmp_open(struct t1cmp *c, int traced, uint64_t chunk_size);
/* What the compared runs did: the interpreter's status and instruction count, and how many
 * of them tier 1 ran. */
struct t1cmp_run {
    int status;   /* enum rvt_status */
    uint64_t instructions, tier1_instructions;
};
/* One run each with --max-cycles limit (0: none), compared. */
struct t1cmp_run t1cmp_limit(struct t1cmp *c, struct rvt_program *p, uint64_t limit);
void t1cmp_close(struct t1cmp *c);

/* Every cycle limit from 1 to past the program's end, and none. In the run with no limit,
 * tier 1 must have run more than half of the instructions (share 2), some (1), or any number
 * (0: a chunk too small for the guard of any loop). */
void t1cmp_every_limit(struct rvt_program *p, int traced, uint64_t chunk_size, int share);

/* Runs p in mode (tiered: threshold 5, synchronous compiles) while another thread cancels it
 * after 100 ms, and asserts (tier1, tiered: after a short run that compiled p's regions, which
 * p keeps, and asserted that tier 1 ran) that the run ended cancelled, with the cancel's reason. The caller
 * checks what else it expects of r and frees it. */
void t1cmp_run_cancelled(struct rvt_program *p, enum rvt_mode mode, struct rvt_result *r);

#endif
