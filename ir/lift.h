/* lift.h — lifting a region (runtime/region.h) to an LLVM IR function, through the LLVM-C API.
 *
 * The function is   i64 @r_<head pc>[_rec](ptr noalias %ctx, ptr noalias %rec, ptr noalias %mem)
 * with %ctx the struct rv_ctx, %rec the trace chunk buffer and %mem the guest memory base. It
 * is compiled for one case (region.h rt_region.recording): the _rec variant records every
 * access and is only entered when this entry records (%rec != NULL); the plain one records
 * nothing, ignores %rec and is only entered when the entry does not record. It reads the guest registers, clocks and trace
 * count from ctx (the tier 1 gate spilled the register map there), runs the region with every
 * guest register an SSA value, and at its exits (one per member block) writes back what it
 * changed, sets ctx->pc and ctx->exit_reason and returns the next pc — with bit 0 set when the
 * gate must resume in tier 0 code at that pc rather than through the jump table (a block that
 * could reach a chunk boundary or the cycle limit is left to tier 0). Semantics, clocks, trace
 * records, faults, chunk and cycle-limit exits are tier 0's exactly (tiers/tier0/t0_emit.h), so
 * that a run's result and trace bytes do not depend on which tier ran which instruction.
 * Usage: LLVMValueRef f = ir_lift_region(mod, prog, &region, &entries_counter); */
#ifndef RVT_IR_LIFT_H
#define RVT_IR_LIFT_H

#include <stdint.h>

#include <llvm-c/Core.h>

#include "runtime/program.h"
#include "runtime/region.h"

/* Adds the region's function to m and returns it (NULL if out of memory). entries: a counter
 * the function increments on every entry (relaxed: concurrent entries may lose a count), or
 * NULL. */
LLVMValueRef ir_lift_region(LLVMModuleRef m, const struct rvt_program *p,
                            const struct rt_region *r, uint64_t *entries);

/* The function's symbol name for a head pc and variant ("r_<hex>", "r_<hex>_rec"). */
void ir_region_name(uint64_t head_pc, int recording, char *out, size_t len);

#endif
