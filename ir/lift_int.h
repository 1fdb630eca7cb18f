/* lift_int.h — state shared by ir/lift.c (function frame, control flow, exits) and
 * ir/lift_ops.c (the value semantics of each instruction class).
 * Guest registers and clocks live in allocas that the optimizer turns into SSA values. */
#ifndef RVT_IR_LIFT_INT_H
#define RVT_IR_LIFT_INT_H

#include <stdint.h>

#include <llvm-c/Core.h>

#include "frontend/decode.h"
#include "runtime/program.h"
#include "runtime/region.h"

struct ir_lifter {
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMBuilderRef b;
    LLVMTypeRef i1, i8, i16, i32, i64, i128, ptr, v2i64;
    LLVMValueRef fn, ctx, rec, mem;
    LLVMValueRef reg[32];             /* allocas (NULL for x0) */
    LLVMValueRef clk, gclk, num;      /* allocas */
    LLVMValueRef recording;           /* i1: rec != NULL */
    LLVMValueRef max_trace;           /* i64: ctx->max_trace_size */
    LLVMBasicBlockRef exit_bb;
    LLVMValueRef exit_pc, exit_reason;/* phis in exit_bb */
    LLVMBasicBlockRef *block_bb;      /* per member block */
    LLVMTypeRef expect_ty;
    LLVMValueRef expect_fn;           /* llvm.expect.i1 */
    const struct rvt_program *p;
    const struct rt_region *r;
};

static inline LLVMValueRef ir_c64(struct ir_lifter *l, uint64_t v)
{
    return LLVMConstInt(l->i64, v, 0);
}

LLVMValueRef ir_get_reg(struct ir_lifter *l, unsigned r);
void ir_set_reg(struct ir_lifter *l, unsigned r, LLVMValueRef v);
/* clk += step, global_clk += 1 */
void ir_step_clock(struct ir_lifter *l, uint64_t step);
/* Leaves the region when cond holds (marked unlikely): exit with reason and pc. */
void ir_exit_if(struct ir_lifter *l, LLVMValueRef cond, int reason, LLVMValueRef pc);
/* Unconditional exit from the current block. */
void ir_exit(struct ir_lifter *l, int reason, LLVMValueRef pc);

/* rd's value for an op of RV_ALU_SEMANTICS (tiers/semantics.h). */
LLVMValueRef ir_alu_value(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc);
/* A load or store at pc (fault check, trace record, access, clock, chunk check). */
void ir_lift_mem(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc);

#endif
