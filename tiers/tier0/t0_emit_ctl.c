/* t0_emit_ctl.c — tier 0 code for branches, JAL and JALR.
 *
 * Static targets inside the text are reached through the dispatch table (t0_jump_to), so that
 * a region installed by tier-up is entered from every jump; a taken branch or JAL to a pc
 * outside the text (or misaligned) exits with FAULT before any effect. JALR checks
 * (rs1 + imm) & ~1 against the text bounds and 4-byte alignment with one compare (the offset
 * from pc_base rotated right by 2 is the table index when aligned, and huge when not), then
 * jumps through the jump table. Every control transfer commits the block's clock steps
 * (t0_emit.h) and then exits with CYCLES (pc = the next pc) when clk > clk_limit, as the
 * interpreter does; a taken branch, JAL or JALR does so through an exit shared by all of them
 * (the pc from rbx, set for the table jump anyway, or from rax), not a stub of its own.
 * Usage: t0_emit_branch(e, i, in) / t0_emit_jump(e, i, in) from the translate loop. */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
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

    const enum x86_reg s1 = t0_src(e, in->rs1, X86_RAX);
    if (in->rs2 == 0)
        x86_test_rr(a, s1, s1);   /* flags as cmp s1, 0 for every condition used here */
    else
        x86_cmp_rr(a, s1, t0_src(e, in->rs2, X86_RCX));
    if (tl >= 0 && e->n_swaps && (uint32_t)tl == e->loop_head) {
        t0_loop_branch(e, i, cc);
        return;
    }
    if (tl < 0)
        t0_jcc_exit(e, cc, RV_EXIT_FAULT, pc);
    t0_block_end(e);   /* flag-neutral: between the compare and its jump */
    if (tl >= 0) {
        const uint32_t pend = e->pend;   /* the taken path commits; the other still owes it */
        const size_t not_taken = x86_jcc8_fwd(a, (enum x86_cc)(cc ^ 1));   /* cc ^ 1 = not cc */
        t0_step_clock(e);
        t0_jump_checked(e, (uint32_t)tl);
        x86_bind8(a, not_taken, x86_here(a));
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
            t0_jmp_exit(e, RV_EXIT_FAULT, pc);
            e->pend = 0;   /* nothing falls through */
            t0_block_forget(e);
            return;
        }
        const enum x86_reg d = t0_dst(e, in->rd, X86_RAX);
        if (in->rd)
            x86_mov_imm(a, d, pc + 4);
        t0_store_reg(e, in->rd, d);
        t0_block_end(e);
        t0_step_clock(e);
        t0_jump_checked(e, (uint32_t)tl);
        return;
    }

    /* JALR: target = (rs1 + imm) & ~1 in rax, computed before rd is written (rd may be rs1) */
    const enum x86_reg h = t0_home(e, in->rs1);
    if (h != X86_NOREG) {
        x86_lea(a, X86_RAX, x86_mem(h, (int32_t)in->imm));
    } else {
        t0_load_reg(e, X86_RAX, in->rs1);
        if (in->imm)
            x86_add_ri(a, X86_RAX, (int32_t)in->imm);
    }
    x86_and_ri(a, X86_RAX, -2);
    const uint64_t base = e->p->pc_base;
    if (base <= INT32_MAX) {
        x86_lea(a, X86_RBX, x86_mem(X86_RAX, -(int32_t)base));
    } else {
        x86_mov_rr(a, X86_RBX, X86_RAX);
        x86_mov_imm(a, X86_RCX, base);
        x86_sub_rr(a, X86_RBX, X86_RCX);
    }
    x86_ror_ri(a, X86_RBX, 2);   /* below pc_base or not 4-aligned: >= 2^62 */
    x86_cmp_ri(a, X86_RBX, (int32_t)e->p->n_insns);
    t0_jcc_exit(e, X86_CC_AE, RV_EXIT_FAULT, pc);
    const enum x86_reg d = t0_dst(e, in->rd, X86_RCX);
    if (in->rd)
        x86_mov_imm(a, d, pc + 4);
    t0_store_reg(e, in->rd, d);
    t0_block_end(e);
    t0_step_clock(e);
    t0_commit_clock(e);
    t0_cycle_check_rax(e);
    t0_owed_correct(e);   /* a computed target may be inside a block */
    x86_jmp_m(a, x86_mem_idx(RM_JUMP_TABLE, X86_RBX, 8, 0));
}
