/* trace_replay.h — the replay verifier of a trace file: re-executes every chunk on its own, from
 * its start registers, pc and clk, with every memory read served from its own records, and
 * checks that it ends exactly where the next chunk starts (pc, x0..x31, clk), at its own
 * clk_end and global_clk_end, having consumed exactly num_mem_reads records.
 *
 * It is its own small interpreter (tiers/semantics.h for values, the program's decoded text,
 * the syscall codes of syscalls.def and the precompile step lists of precompile.h), so it shares
 * no state with the runtime it checks. Memory is only what the records say: within a chunk, a
 * doubleword's later records must agree with what earlier accesses left (value and clk).
 * Usage: if (rt_trace_replay(f, prog, RVT_ABI_SP1, NULL, &s, err, sizeof err)) puts(err); */
#ifndef RVT_RUNTIME_TRACE_REPLAY_H
#define RVT_RUNTIME_TRACE_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "include/rvtier.h"

struct rt_replay_summary {
    uint64_t chunks;          /* chunks replayed (and found consistent) */
    uint64_t instructions;    /* instructions re-executed (an unconstrained block counts as one) */
    uint64_t records;         /* records consumed */
    int halted;               /* the last chunk ends with HALT / exit */
    int stopped_unconstrained;/* the run stopped inside an unconstrained block (not replayable) */
};

/* Reads the trace from f (from its start) and replays it against prog. precompiles: the
 * library precompiles the run used (NULL: built-ins only). Returns 0 if every chunk replays
 * consistently, -1 with err filled (which chunk, which pc, what mismatched) if not. */
int rt_trace_replay(FILE *f, const struct rvt_program *prog, enum rvt_abi abi,
                    const struct rt_precompile_set *precompiles, struct rt_replay_summary *s,
                    char *err, size_t errlen);

#endif
