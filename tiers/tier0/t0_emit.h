/* t0_emit.h — tier 0 emitter internals shared by t0_emit*.c: the emitter state, operand
 * access through the register map, clock steps and the out-of-line exit stubs.
 *
 * Per guest instruction the host sequence is: checks (jumping to a cold exit stub on a fault,
 * before any effect), trace record, the operation, the register write (x0 dropped, W forms
 * sign-extended), then the chunk or cycle-limit check.
 * Clocks are added per block, not per instruction: the emitter counts the instructions stepped
 * since the last commit (pend) and adds 8*pend to clk and pend to global_clk at block ends,
 * before control transfers and in every exit stub; a trace record uses clk + 8*pend as a
 * displacement. So at instruction i's label the host clk lags the guest's by pend_at[i]
 * instructions (0 at every leader). Direct jumps only reach leaders; every jump through the
 * table (JALR, entry from C, the tier 1 gate) subtracts pend_at[target] first.
 * Usage (inside tiers/tier0 only): t0_emit_alu(e, i, in) etc. from the translate loop. */
#ifndef RVT_TIER0_T0_EMIT_H
#define RVT_TIER0_T0_EMIT_H

#include <stdint.h>

#include "frontend/decode.h"
#include "runtime/ctx.h"
#include "runtime/program.h"
#include "tiers/regmap.h"
#include "tiers/tier0/x86_enc.h"

/* An exit stub emitted after all instruction code: sets exit_reason and pc, then jumps to the
 * common epilogue. pc_in_rax: the pc is computed at run time (JALR) and sits in rax. */
struct t0_cold {
    int label;
    uint8_t reason;
    uint8_t pc_in_rax;
    uint32_t pend;                  /* instructions the stub adds to the clocks before exiting */
    uint64_t pc;
};

struct t0_emitter {
    struct x86_asm a;               /* labels 0 .. n_insns-1 are the instructions */
    const struct rvt_program *p;
    int exit_label;                 /* common epilogue: spill the map, return to C */
    int falloff_label;              /* fault exit with pc = text end */
    size_t gate_off;                /* the tier 1 gate */
    const void *const *t0_table;    /* the tier-0-only table: where the gate resumes tier 0 */
    struct t0_cold *cold;
    size_t n_cold, cap_cold;
    uint32_t pend;                  /* instructions stepped, not yet added to the clocks */
    int32_t pend_disp;              /* r13-relative offset of pend_at[0] (struct t0_dispatch) */
};

static inline uint64_t t0_pc(const struct t0_emitter *e, uint64_t i)
{
    return e->p->pc_base + 4 * i;
}

/* Label of the instruction at target, or -1 when target is outside the text / misaligned. */
int t0_label_for_pc(const struct t0_emitter *e, uint64_t target);

/* A cold exit stub (reason, pc); returns its label. */
int t0_cold_exit(struct t0_emitter *e, int reason, uint64_t pc);
/* Same with the pc in rax at the jump. */
int t0_cold_exit_rax(struct t0_emitter *e, int reason);

/* dst = guest register r (x0 reads as 0). */
void t0_load_reg(struct t0_emitter *e, enum x86_reg dst, unsigned r);
/* guest register rd = src (a write to x0 is dropped). */
void t0_store_reg(struct t0_emitter *e, unsigned rd, enum x86_reg src);
/* One instruction completed: clk += 8, global_clk += 1, deferred to the next commit (the C
 * side undoes global_clk in unconstrained mode). */
static inline void t0_step_clock(struct t0_emitter *e)
{
    e->pend++;
}
/* clk as the guest sees it now, as a displacement from RM_CLK (records, exits). */
static inline int32_t t0_clk_disp(const struct t0_emitter *e)
{
    return (int32_t)(e->pend * RV_CLK_STEP);
}
/* Adds the pending steps to clk and global_clk (clobbers the flags). */
void t0_commit_clock(struct t0_emitter *e);
/* After a control transfer to a known pc: commit, then exit with CYCLES if clk > clk_limit. */
void t0_cycle_check(struct t0_emitter *e, uint64_t next_pc);
/* rbx = the index of a table jump's target: subtract its pend_at from the clocks (clobbers
 * rcx and the flags). */
void t0_pend_correct(struct t0_emitter *e);
/* Jump to instruction idx through the dispatch table (rbx = idx: the tier 1 gate needs it). */
void t0_jump_to(struct t0_emitter *e, int idx);

/* One guest instruction (index i) per class; each ends with the code falling through to the
 * next instruction or jumping away. */
void t0_emit_alu(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_muldiv(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_mem(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_branch(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_jump(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);

#endif
