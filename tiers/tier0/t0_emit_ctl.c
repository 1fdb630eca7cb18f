/* t0_emit_ctl.c — tier 0 code for branches, JAL and JALR.
 *
 * Static targets inside the text are reached through the dispatch table (t0_jump_to), so that
 * a region installed by tier-up is entered from every jump; a taken branch or JAL to a pc
 * outside the text (or misaligned) exits with FAULT before any effect. JALR checks
 * (rs1 + imm) & ~1 against the text bounds and 4-byte alignment, then jumps through the jump
 * table. Every control transfer commits the block's clock steps (t0_emit.h) and then exits
 * with CYCLES (pc = the next pc) when clk > clk_limit, as the interpreter does.
 * Usage: t0_emit_branch(e, i, in) / t0_emit_jump(e, i, in) from the translate loop. */
#include "runtime/ctx.h"
#include "tiers/tier0/t0_emit.h"

static enum x86_cc branch_cc(enum rv_op op)
{
    switch (op) {
    case RV_OP_BEQ:  return X86_CC_E;
    case RV_OP_BNE:  return X86_CC_NE;
    case RV_OP_BLT:  return X86_CC_L;
    case RV_OP_BGE:  return X86_CC_GE;
    case RV_OP_BLTU: return X86_CC_B;
    default:         return X86_CC_AE;   /* BGEU */
    }
}

void t0_emit_branch(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const uint64_t pc = t0_pc(e, i), target = pc + (uint64_t)in->imm;
    const int tl = t0_label_for_pc(e, target);
    const enum x86_cc cc = branch_cc((enum rv_op)in->op);

    t0_load_reg(e, X86_RAX, in->rs1);
    t0_load_reg(e, X86_RCX, in->rs2);
    x86_cmp_rr(a, X86_RAX, X86_RCX);
    if (tl < 0) {
        x86_jcc_label(a, cc, t0_cold_exit(e, RV_EXIT_FAULT, pc));
    } else {
        int not_taken = x86_label_new(a);
        const uint32_t pend = e->pend;   /* the taken path commits; the other still owes it */
        x86_jcc_label(a, (enum x86_cc)(cc ^ 1), not_taken);   /* x86 cc ^ 1 = negation */
        t0_step_clock(e);
        t0_cycle_check(e, target);
        t0_jump_to(e, tl);
        x86_label_bind(a, not_taken);
        e->pend = pend;
    }
    t0_step_clock(e);
    t0_cycle_check(e, pc + 4);
}

void t0_emit_jump(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const uint64_t pc = t0_pc(e, i);

    if (in->op == RV_OP_JAL) {
        const uint64_t target = pc + (uint64_t)in->imm;
        const int tl = t0_label_for_pc(e, target);
        if (tl < 0) {
            x86_jmp_label(a, t0_cold_exit(e, RV_EXIT_FAULT, pc));
            e->pend = 0;   /* nothing falls through */
            return;
        }
        x86_mov_imm(a, X86_RAX, pc + 4);
        t0_store_reg(e, in->rd, X86_RAX);
        t0_step_clock(e);
        t0_cycle_check(e, target);
        t0_jump_to(e, tl);
        return;
    }

    /* JALR: target = (rs1 + imm) & ~1, computed before rd is written (rd may be rs1) */
    const int fault = t0_cold_exit(e, RV_EXIT_FAULT, pc);
    t0_load_reg(e, X86_RAX, in->rs1);
    if (in->imm)
        x86_add_ri(a, X86_RAX, (int32_t)in->imm);
    x86_and_ri(a, X86_RAX, -2);
    x86_mov_rr(a, X86_RBX, X86_RAX);
    x86_mov_imm(a, X86_RCX, e->p->pc_base);
    x86_sub_rr(a, X86_RBX, X86_RCX);
    x86_mov_imm(a, X86_RCX, e->p->n_insns * 4);
    x86_cmp_rr(a, X86_RBX, X86_RCX);
    x86_jcc_label(a, X86_CC_AE, fault);     /* below pc_base wraps to a huge offset */
    x86_test_ri32(a, X86_RBX, 3);
    x86_jcc_label(a, X86_CC_NE, fault);
    x86_mov_imm(a, X86_RCX, pc + 4);
    t0_store_reg(e, in->rd, X86_RCX);
    t0_step_clock(e);
    t0_commit_clock(e);
    x86_cmp_rm(a, RM_CLK, x86_mem(RM_CTX, RV_CTX_CLK_LIMIT));
    x86_jcc_label(a, X86_CC_A, t0_cold_exit_rax(e, RV_EXIT_CYCLES));
    x86_shr_ri(a, X86_RBX, 2);
    t0_pend_correct(e);   /* a computed target may be inside a block */
    x86_jmp_m(a, x86_mem_idx(RM_JUMP_TABLE, X86_RBX, 8, 0));
}
