/* lift.c — see lift.h. The function frame (state in, state out through one exit block),
 * the member blocks and every control transfer: direct edges between members stay inside;
 * edges to other pcs, ECALLs, traps, faults, chunk and cycle-limit stops leave through the
 * exit block with (pc, reason). A JALR switches over the region's call-return points, so a
 * loop that calls a function inside the region does not leave it to return. */
#include "ir/lift.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ir/lift_int.h"
#include "runtime/ctx.h"
#include "runtime/trace.h"

void ir_region_name(uint64_t head_pc, char *out, size_t len)
{
    snprintf(out, len, "r_%" PRIx64, head_pc);
}

LLVMValueRef ir_get_reg(struct ir_lifter *l, unsigned r)
{
    if (r == 0)
        return ir_c64(l, 0);
    return LLVMBuildLoad2(l->b, l->i64, l->reg[r], "");
}

void ir_set_reg(struct ir_lifter *l, unsigned r, LLVMValueRef v)
{
    if (r != 0)
        LLVMBuildStore(l->b, v, l->reg[r]);
}

static void add_to(struct ir_lifter *l, LLVMValueRef slot, uint64_t d)
{
    LLVMValueRef v = LLVMBuildLoad2(l->b, l->i64, slot, "");
    LLVMBuildStore(l->b, LLVMBuildAdd(l->b, v, ir_c64(l, d), ""), slot);
}

void ir_step_clock(struct ir_lifter *l, uint64_t step)
{
    add_to(l, l->clk, step);
    add_to(l, l->gclk, 1);
}

void ir_exit(struct ir_lifter *l, int reason, LLVMValueRef pc)
{
    LLVMBasicBlockRef here = LLVMGetInsertBlock(l->b);
    LLVMValueRef r = ir_c64(l, (uint64_t)reason);
    LLVMAddIncoming(l->exit_pc, &pc, &here, 1);
    LLVMAddIncoming(l->exit_reason, &r, &here, 1);
    LLVMBuildBr(l->b, l->exit_bb);
}

void ir_exit_if(struct ir_lifter *l, LLVMValueRef cond, int reason, LLVMValueRef pc)
{
    LLVMValueRef args[2] = {cond, LLVMConstInt(l->i1, 0, 0)};
    cond = LLVMBuildCall2(l->b, l->expect_ty, l->expect_fn, args, 2, "");
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(l->c, l->fn, "exit");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(l->c, l->fn, "");
    LLVMBuildCondBr(l->b, cond, out, cont);
    LLVMPositionBuilderAtEnd(l->b, out);
    ir_exit(l, reason, pc);
    LLVMPositionBuilderAtEnd(l->b, cont);
}

static LLVMValueRef ctx_field(struct ir_lifter *l, int off)
{
    LLVMValueRef o = ir_c64(l, (uint64_t)off);
    return LLVMBuildInBoundsGEP2(l->b, l->i8, l->ctx, &o, 1, "");
}

static LLVMValueRef load_ctx(struct ir_lifter *l, int off)
{
    LLVMValueRef v = LLVMBuildLoad2(l->b, l->i64, ctx_field(l, off), "");
    LLVMSetAlignment(v, 8);
    return v;
}

static void store_ctx(struct ir_lifter *l, int off, LLVMValueRef v)
{
    LLVMSetAlignment(LLVMBuildStore(l->b, v, ctx_field(l, off)), 8);
}

/* After a control transfer to pc: stop with CYCLES when clk > clk_limit. The limit is read
 * on every check (atomic, relaxed): a cancel from another thread lowers it while we run. */
static void cycle_check(struct ir_lifter *l, LLVMValueRef pc)
{
    LLVMValueRef lim = LLVMBuildLoad2(l->b, l->i64, ctx_field(l, RV_CTX_CLK_LIMIT), "");
    LLVMSetAlignment(lim, 8);
    LLVMSetOrdering(lim, LLVMAtomicOrderingMonotonic);
    LLVMValueRef clk = LLVMBuildLoad2(l->b, l->i64, l->clk, "");
    ir_exit_if(l, LLVMBuildICmp(l->b, LLVMIntUGT, clk, lim, ""), RV_EXIT_CYCLES, pc);
}

/* Continue at a static pc: the member block, or leave the region for it. */
static void go_to(struct ir_lifter *l, uint64_t pc)
{
    int64_t idx = rt_program_index(l->p, pc);
    int k = idx < 0 ? -1 : rt_region_block_of(l->r, (uint32_t)idx);
    if (k >= 0)
        LLVMBuildBr(l->b, l->block_bb[k]);
    else
        ir_exit(l, RV_EXIT_NONE, ir_c64(l, pc));
}

static LLVMIntPredicate branch_pred(enum rv_op op)
{
    switch (op) {
    case RV_OP_BEQ: return LLVMIntEQ;
    case RV_OP_BNE: return LLVMIntNE;
    case RV_OP_BLT: return LLVMIntSLT;
    case RV_OP_BGE: return LLVMIntSGE;
    case RV_OP_BLTU: return LLVMIntULT;
    default: return LLVMIntUGE;   /* BGEU */
    }
}

static void lift_branch(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc)
{
    LLVMBuilderRef B = l->b;
    const uint64_t target = pc + (uint64_t)in->imm;
    LLVMValueRef cond = LLVMBuildICmp(B, branch_pred((enum rv_op)in->op), ir_get_reg(l, in->rs1),
                                      ir_get_reg(l, in->rs2), "");
    if (rt_program_index(l->p, target) < 0)   /* taken: a fault before any effect */
        ir_exit_if(l, cond, RV_EXIT_FAULT, ir_c64(l, pc));
    ir_step_clock(l, RV_CLK_STEP);
    if (rt_program_index(l->p, target) < 0) {
        cycle_check(l, ir_c64(l, pc + 4));
        go_to(l, pc + 4);
        return;
    }
    LLVMBasicBlockRef taken = LLVMAppendBasicBlockInContext(l->c, l->fn, "taken");
    LLVMBasicBlockRef not_taken = LLVMAppendBasicBlockInContext(l->c, l->fn, "not_taken");
    LLVMBuildCondBr(B, cond, taken, not_taken);
    LLVMPositionBuilderAtEnd(B, taken);
    cycle_check(l, ir_c64(l, target));
    go_to(l, target);
    LLVMPositionBuilderAtEnd(B, not_taken);
    cycle_check(l, ir_c64(l, pc + 4));
    go_to(l, pc + 4);
}

/* Member block k as a JALR target: the head (an indirect call), or a call's return point
 * (the block after a JAL/JALR that links). */
static int jalr_may_land(const struct rvt_program *p, const struct rt_region *r, uint32_t k)
{
    uint32_t s = r->blocks[k].start;
    return k == 0 || (s > 0 && rv_op_class((enum rv_op)p->insns[s - 1].op) == RV_CLS_JUMP &&
                      p->insns[s - 1].rd != 0);
}

/* JALR: target checked before any effect; then a switch over the member blocks a return (or
 * an indirect call to the head) can land on; anything else leaves through the table. */
static void lift_jalr(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc)
{
    LLVMBuilderRef B = l->b;
    const struct rvt_program *p = l->p;
    LLVMValueRef t = LLVMBuildAnd(B, LLVMBuildAdd(B, ir_get_reg(l, in->rs1),
                                                  ir_c64(l, (uint64_t)in->imm), ""),
                                  ir_c64(l, ~1ull), "");
    LLVMValueRef off = LLVMBuildSub(B, t, ir_c64(l, p->pc_base), "");
    LLVMValueRef bad = LLVMBuildOr(
        B, LLVMBuildICmp(B, LLVMIntUGE, off, ir_c64(l, p->n_insns * 4), ""),
        LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, off, ir_c64(l, 3), ""), ir_c64(l, 0), ""), "");
    ir_exit_if(l, bad, RV_EXIT_FAULT, ir_c64(l, pc));
    ir_set_reg(l, in->rd, ir_c64(l, pc + 4));
    ir_step_clock(l, RV_CLK_STEP);
    cycle_check(l, t);
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(l->c, l->fn, "jalr_out");
    unsigned n_cases = 0;
    for (uint32_t k = 0; k < l->r->n_blocks; k++)
        n_cases += jalr_may_land(p, l->r, k);
    LLVMValueRef sw = LLVMBuildSwitch(B, t, out, n_cases);
    for (uint32_t k = 0; k < l->r->n_blocks; k++)
        if (jalr_may_land(p, l->r, k))
            LLVMAddCase(sw, ir_c64(l, p->pc_base + 4ull * l->r->blocks[k].start),
                        l->block_bb[k]);
    LLVMPositionBuilderAtEnd(B, out);
    ir_exit(l, RV_EXIT_NONE, t);
}

/* One instruction; returns 1 if it ended the block (control left it). */
static int lift_insn(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc)
{
    switch (rv_op_class((enum rv_op)in->op)) {
    case RV_CLS_ALU: case RV_CLS_ALU32: case RV_CLS_MUL: case RV_CLS_DIV:
        ir_set_reg(l, in->rd, ir_alu_value(l, in, pc));
        ir_step_clock(l, RV_CLK_STEP);
        return 0;
    case RV_CLS_LOAD: case RV_CLS_STORE:
        ir_lift_mem(l, in, pc);
        return 0;
    case RV_CLS_NOP:   /* FENCE */
        ir_step_clock(l, RV_CLK_STEP);
        return 0;
    case RV_CLS_BRANCH:
        lift_branch(l, in, pc);
        return 1;
    case RV_CLS_JUMP:
        if (in->op == RV_OP_JALR) {
            lift_jalr(l, in, pc);
            return 1;
        }
        if (rt_program_index(l->p, pc + (uint64_t)in->imm) < 0) {
            ir_exit(l, RV_EXIT_FAULT, ir_c64(l, pc));
            return 1;
        }
        ir_set_reg(l, in->rd, ir_c64(l, pc + 4));
        ir_step_clock(l, RV_CLK_STEP);
        cycle_check(l, ir_c64(l, pc + (uint64_t)in->imm));
        go_to(l, pc + (uint64_t)in->imm);
        return 1;
    case RV_CLS_SYSTEM:   /* ECALL: C runs it with pc = the ECALL and its clk */
        ir_exit(l, RV_EXIT_ECALL, ir_c64(l, pc));
        return 1;
    case RV_CLS_TRAP:
        ir_exit(l, RV_EXIT_FAULT, ir_c64(l, pc));
        return 1;
    }
    return 1;
}

static void lift_block(struct ir_lifter *l, const struct rt_block *blk)
{
    const struct rvt_program *p = l->p;
    for (uint32_t i = blk->start; i < blk->end; i++)
        if (lift_insn(l, &p->insns[i], p->pc_base + 4ull * i))
            return;
    if (blk->end >= p->n_insns)   /* fell off the end of the text: tier 0's fall-off fault */
        ir_exit(l, RV_EXIT_FAULT, ir_c64(l, p->pc_base + 4ull * p->n_insns));
    else
        go_to(l, p->pc_base + 4ull * blk->end);
}

/* Which guest registers the region reads or writes (only those are loaded / stored back). */
static void scan_regs(const struct rvt_program *p, const struct rt_region *r, uint8_t used[32],
                      uint8_t written[32])
{
    for (uint32_t k = 0; k < r->n_blocks; k++)
        for (uint32_t i = r->blocks[k].start; i < r->blocks[k].end; i++) {
            const struct rv_insn *in = &p->insns[i];
            used[in->rs1] = used[in->rs2] = used[in->rd] = 1;
            written[in->rd] = 1;
        }
    used[0] = written[0] = 0;
}

static void build_exit(struct ir_lifter *l, const uint8_t written[32], LLVMValueRef gclk0)
{
    LLVMBuilderRef B = l->b;
    LLVMPositionBuilderAtEnd(B, l->exit_bb);
    l->exit_pc = LLVMBuildPhi(B, l->i64, "pc");
    l->exit_reason = LLVMBuildPhi(B, l->i64, "reason");
    for (unsigned r = 1; r < 32; r++)
        if (written[r])
            store_ctx(l, RV_CTX_REGS + 8 * (int)r, LLVMBuildLoad2(B, l->i64, l->reg[r], ""));
    store_ctx(l, RV_CTX_CLK, LLVMBuildLoad2(B, l->i64, l->clk, ""));
    LLVMValueRef gclk = LLVMBuildLoad2(B, l->i64, l->gclk, "");
    store_ctx(l, RV_CTX_GLOBAL_CLK, gclk);
    LLVMValueRef t1 = load_ctx(l, RV_CTX_TIER1_INSNS);
    store_ctx(l, RV_CTX_TIER1_INSNS, LLVMBuildAdd(B, t1, LLVMBuildSub(B, gclk, gclk0, ""), ""));
    LLVMValueRef num = LLVMBuildLoad2(B, l->i64, l->num, "");
    store_ctx(l, RV_CTX_NUM_MEM_READS, num);
    store_ctx(l, RV_CTX_PC, l->exit_pc);
    store_ctx(l, RV_CTX_EXIT_REASON, l->exit_reason);
    /* the tail follows num (trace.h); a non-recording entry left both alone */
    LLVMBasicBlockRef tail_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "tail");
    LLVMBasicBlockRef ret_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "ret");
    LLVMBuildCondBr(B, l->recording, tail_bb, ret_bb);
    LLVMPositionBuilderAtEnd(B, tail_bb);
    LLVMValueRef off = LLVMBuildAdd(B, ir_c64(l, RV_TRACE_HDR_SIZE),
                                    LLVMBuildShl(B, num, ir_c64(l, 4), ""), "");
    LLVMValueRef tail = LLVMBuildInBoundsGEP2(B, l->i8, l->rec, &off, 1, "");
    LLVMSetAlignment(LLVMBuildStore(B, tail, ctx_field(l, RV_CTX_TRACE_TAIL)), 8);
    LLVMBuildBr(B, ret_bb);
    LLVMPositionBuilderAtEnd(B, ret_bb);
    LLVMBuildRet(B, l->exit_pc);
}

LLVMValueRef ir_lift_region(LLVMModuleRef m, const struct rvt_program *p,
                            const struct rt_region *r, uint64_t *entries)
{
    struct ir_lifter L = {.m = m, .p = p, .r = r};
    struct ir_lifter *l = &L;
    l->c = LLVMGetModuleContext(m);
    l->i1 = LLVMInt1TypeInContext(l->c);
    l->i8 = LLVMInt8TypeInContext(l->c);
    l->i16 = LLVMInt16TypeInContext(l->c);
    l->i32 = LLVMInt32TypeInContext(l->c);
    l->i64 = LLVMInt64TypeInContext(l->c);
    l->i128 = LLVMIntTypeInContext(l->c, 128);
    l->ptr = LLVMPointerTypeInContext(l->c, 0);
    l->v2i64 = LLVMVectorType(l->i64, 2);
    LLVMTypeRef params[3] = {l->ptr, l->ptr, l->ptr};
    char name[32];
    ir_region_name(p->pc_base + 4ull * r->head, name, sizeof name);
    l->fn = LLVMAddFunction(m, name, LLVMFunctionType(l->i64, params, 3, 0));
    unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
    unsigned nocapture = LLVMGetEnumAttributeKindForName("nocapture", 9);
    for (unsigned i = 0; i < 3; i++) {
        LLVMAddAttributeAtIndex(l->fn, i + 1, LLVMCreateEnumAttribute(l->c, noalias, 0));
        LLVMAddAttributeAtIndex(l->fn, i + 1, LLVMCreateEnumAttribute(l->c, nocapture, 0));
    }
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(l->fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(l->c, nounwind, 0));
    l->ctx = LLVMGetParam(l->fn, 0);
    l->rec = LLVMGetParam(l->fn, 1);
    l->mem = LLVMGetParam(l->fn, 2);
    LLVMTypeRef i1t = l->i1;
    l->expect_fn = LLVMGetIntrinsicDeclaration(m, LLVMLookupIntrinsicID("llvm.expect", 11),
                                               &i1t, 1);
    l->expect_ty = LLVMIntrinsicGetType(l->c, LLVMLookupIntrinsicID("llvm.expect", 11), &i1t, 1);

    l->b = LLVMCreateBuilderInContext(l->c);
    LLVMBuilderRef B = l->b;
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(l->c, l->fn, "entry");
    l->exit_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "exit_all");
    l->block_bb = calloc(r->n_blocks, sizeof *l->block_bb);
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        char bn[32];
        snprintf(bn, sizeof bn, "b_%" PRIx64, (uint64_t)(p->pc_base + 4ull * r->blocks[k].start));
        l->block_bb[k] = LLVMAppendBasicBlockInContext(l->c, l->fn, bn);
    }
    uint8_t used[32] = {0}, written[32] = {0};
    scan_regs(p, r, used, written);

    /* the exit block's phis exist before any edge reaches them */
    LLVMPositionBuilderAtEnd(B, entry);
    for (unsigned i = 1; i < 32; i++)
        l->reg[i] = LLVMBuildAlloca(B, l->i64, "");
    l->clk = LLVMBuildAlloca(B, l->i64, "clk");
    l->gclk = LLVMBuildAlloca(B, l->i64, "gclk");
    l->num = LLVMBuildAlloca(B, l->i64, "num");
    LLVMValueRef gclk0 = load_ctx(l, RV_CTX_GLOBAL_CLK);
    l->recording = LLVMBuildICmp(B, LLVMIntNE, l->rec, LLVMConstPointerNull(l->ptr), "rec");
    build_exit(l, written, gclk0);   /* phis + write-back; positions the builder away */

    LLVMPositionBuilderAtEnd(B, entry);
    for (unsigned i = 1; i < 32; i++)
        LLVMBuildStore(B, used[i] ? load_ctx(l, RV_CTX_REGS + 8 * (int)i) : ir_c64(l, 0),
                       l->reg[i]);
    LLVMBuildStore(B, load_ctx(l, RV_CTX_CLK), l->clk);
    LLVMBuildStore(B, gclk0, l->gclk);
    LLVMBuildStore(B, load_ctx(l, RV_CTX_NUM_MEM_READS), l->num);
    l->max_trace = load_ctx(l, RV_CTX_MAX_TRACE_SIZE);
    if (entries) {
        LLVMValueRef cnt = LLVMConstIntToPtr(ir_c64(l, (uint64_t)(uintptr_t)entries), l->ptr);
        LLVMBuildAtomicRMW(B, LLVMAtomicRMWBinOpAdd, cnt, ir_c64(l, 1),
                           LLVMAtomicOrderingMonotonic, 0);
    }
    LLVMBuildBr(B, l->block_bb[0]);
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        LLVMPositionBuilderAtEnd(B, l->block_bb[k]);
        lift_block(l, &r->blocks[k]);
    }
    LLVMDisposeBuilder(B);
    free(l->block_bb);
    return l->fn;
}
