/* t0_entry.c — the fixed code at the front of every tier 0 buffer (t0_emit.c's layout): the
 * entry prologue from C, the common epilogue with one exit tail per reason, the shared cycle
 * limit exits, and the tier 1 gate. All of it moves the guest state between ctx and the
 * register map by loops over the map (tiers/regmap.h), never by hand-written lists. */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
#include "runtime/ctx.h"
#include "runtime/trace.h"
#include "tiers/tier0/t0_emit.h"

/* Callee-saved registers the generated code uses, pushed by the prologue. */
static const enum x86_reg SAVED[] = {X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R14, X86_R15};
#define N_SAVED (sizeof SAVED / sizeof SAVED[0])

/* jmp rel32 to an offset already emitted. */
static void jmp_back(struct x86_asm *a, size_t to)
{
    x86_jmp_rel32(a, (int32_t)((int64_t)to - ((int64_t)x86_here(a) + 5)));
}

/* Guest registers, clk and the trace tail: from the map into ctx (ctx-resident registers are
 * there already: the spill and the reload skip them). */
static void emit_spill_map(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    for (unsigned r = 1; r < 32; r++) {
        struct rv_loc l = e->map->loc[r];
        struct x86_mem m = t0_ctx(RV_CTX_REGS + 8 * (int32_t)r);
        if (l.kind == RV_LOC_GPR)
            x86_mov_mr(a, m, l.reg);
        else if (l.kind == RV_LOC_XMM && l.lane == 0)
            x86_movq_mx(a, m, l.reg);
        else if (l.kind == RV_LOC_XMM)
            x86_pextrq_mx(a, m, l.reg, 1);
    }
    x86_mov_mr(a, t0_ctx(RV_CTX_CLK), RM_CLK);
    /* a non-recording entry leaves ctx's tail (and count) alone: C owns them then */
    x86_test_rr(a, RM_TRACE_TAIL, RM_TRACE_TAIL);
    size_t skip = x86_jcc8_fwd(a, X86_CC_E);
    x86_mov_mr(a, t0_ctx(RV_CTX_TRACE_TAIL), RM_TRACE_TAIL);
    x86_bind8(a, skip, x86_here(a));
}

/* Everything but the trace tail: from ctx into the map (lane 0 first: movq zeroes lane 1). */
static void emit_load_map(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    x86_mov_rm(a, RM_MEM, t0_ctx(RV_CTX_MEM));
    x86_mov_rm(a, RM_CLK, t0_ctx(RV_CTX_CLK));
    for (int lane = 0; lane < 2; lane++)
        for (unsigned r = 1; r < 32; r++) {
            struct rv_loc l = e->map->loc[r];
            struct x86_mem m = t0_ctx(RV_CTX_REGS + 8 * (int32_t)r);
            if (l.kind == RV_LOC_GPR && lane == 0)
                x86_mov_rm(a, l.reg, m);
            else if (l.kind == RV_LOC_XMM && l.lane == 0 && lane == 0)
                x86_movq_xm(a, l.reg, m);
            else if (l.kind == RV_LOC_XMM && l.lane == 1 && lane == 1)
                x86_pinsrq_xm(a, l.reg, m, 1);
        }
}

/* rbx = index of the pc in rax (inside the text by construction; bit 0 is ignored). */
static void emit_index_rax(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    x86_mov_rr(a, RM_TMP_A, RM_TMP_C);
    x86_mov_imm(a, RM_TMP_D, e->p->pc_base);
    x86_sub_rr(a, RM_TMP_A, RM_TMP_D);
    x86_shr_ri(a, RM_TMP_A, 2);
}

/* rbx = index of the pc in rax, then jump to its code through the table. */
static void emit_dispatch_rax(struct t0_emitter *e)
{
    emit_index_rax(e);
    t0_owed_correct(e);
    x86_jmp_m(&e->a, x86_mem_idx(RM_JUMP_TABLE, RM_TMP_A, 8, 0));
}

/* entry(ctx = rdi, recording = rsi): save callee-saved registers, pin the context, load the
 * map from ctx, jump to the host code of ctx->pc through the jump table. */
static void emit_prologue(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    for (size_t k = 0; k < N_SAVED; k++)
        x86_push_r(a, SAVED[k]);
    x86_lea(a, RM_CTX, x86_mem(X86_RDI, RM_CTX_BIAS));
    x86_mov_rm(a, RM_JUMP_TABLE, t0_ctx(RV_CTX_JUMP_TABLE));
    /* the tail when recording, else NULL (before rsi becomes a guest register) */
    x86_mov_rm(a, RM_TRACE_TAIL, t0_ctx(RV_CTX_TRACE_TAIL));
    x86_test_rr(a, X86_RSI, X86_RSI);
    x86_cmovcc(a, X86_CC_E, RM_TRACE_TAIL, X86_RSI);
    emit_load_map(e);
    x86_mov_rm(a, RM_TMP_C, t0_ctx(RV_CTX_PC));
    emit_dispatch_rax(e);
}

/* The common exit. exit_pc: pc in rcx, then the epilogue (exit_reason is already in ctx);
 * the epilogue: spill the map and return to C. Then one tail per exit reason: store it and
 * go to exit_pc. */
static void emit_epilogue(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    const size_t exit_pc = x86_here(a);
    x86_mov_mr(a, t0_ctx(RV_CTX_PC), RM_TMP_D);
    e->epilogue_off = x86_here(a);
    emit_spill_map(e);
    for (size_t k = N_SAVED; k-- > 0;)
        x86_pop_r(a, SAVED[k]);
    x86_ret(a);
    static const uint8_t reasons[] = {RV_EXIT_CHUNK, RV_EXIT_ECALL, RV_EXIT_FAULT,
                                      RV_EXIT_CYCLES, RV_EXIT_HOT};
    for (size_t k = 0; k < sizeof reasons; k++) {
        e->exit_tail[reasons[k]] = x86_here(a);
        x86_mov_mi(a, t0_ctx(RV_CTX_EXIT_REASON), reasons[k]);
        jmp_back(a, exit_pc);
    }
    /* the shared CYCLES exits (t0_jump_checked, t0_cycle_check_rax): a stub's work with
     * nothing pending, the pc from the table index in rbx or from rax */
    const uint64_t base = e->p->pc_base;
    e->cycles_rbx = x86_here(a);
    if (base + 4 * e->p->n_insns <= INT32_MAX) {
        x86_lea(a, RM_TMP_D, x86_mem_idx(X86_NOREG, RM_TMP_A, 4, (int32_t)base));
    } else {
        x86_mov_imm(a, RM_TMP_D, base);
        x86_lea(a, RM_TMP_D, x86_mem_idx(RM_TMP_D, RM_TMP_A, 4, 0));
    }
    jmp_back(a, e->exit_tail[RV_EXIT_CYCLES]);
    e->cycles_rax = x86_here(a);
    x86_mov_rr(a, RM_TMP_D, RM_TMP_C);
    jmp_back(a, e->exit_tail[RV_EXIT_CYCLES]);
}

/* The tier 1 gate: the dispatcher points a region head's table entry here. Entered with
 * rbx = the head's index and the guest state in the map, it takes the region function of this
 * entry's variant (t1_fn_rec[rbx] when recording, else t1_fn[rbx]; ir/lift.h); if there is
 * none yet it continues in the head's tier 0 code, counter included, so the head can get hot
 * for that variant. Else it spills the map to ctx (with the record count tier 1 reads), calls
 * the function (SysV: ctx, recording, mem; it returns the next pc, or sets ctx->exit_reason
 * and ctx->pc), reloads the map and continues at the returned pc through the table — or
 * leaves through the epilogue when the region exited for C. Tier 1 functions read and write
 * the guest state in ctx, so this one stub serves every region; its cost (~70 moves) is paid
 * once per region entry (ctx->tier1_entries counts them), not per guest instruction. */
static void emit_gate(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    const int32_t n = (int32_t)e->p->n_insns;
    e->gate_off = x86_here(a);
    x86_mov_rm(a, RM_TMP_C, x86_mem_idx(RM_JUMP_TABLE, RM_TMP_A, 8, 8 * n));
    x86_test_rr(a, RM_TRACE_TAIL, RM_TRACE_TAIL);
    const size_t plain = x86_jcc8_fwd(a, X86_CC_E);
    x86_mov_rm(a, RM_TMP_C, x86_mem_idx(RM_JUMP_TABLE, RM_TMP_A, 8, 16 * n));
    x86_bind8(a, plain, x86_here(a));
    x86_test_rr(a, RM_TMP_C, RM_TMP_C);
    const size_t missing = x86_jcc32_fwd(a, X86_CC_E);
    emit_spill_map(e);   /* leaves rax alone */
    x86_test_rr(a, RM_TRACE_TAIL, RM_TRACE_TAIL);
    size_t no_rec = x86_jcc8_fwd(a, X86_CC_E);
    /* num_mem_reads = (tail - trace_buf - header) / 16 */
    x86_mov_rr(a, RM_TMP_D, RM_TRACE_TAIL);
    x86_sub_rm(a, RM_TMP_D, t0_ctx(RV_CTX_TRACE_BUF));
    x86_shr_ri(a, RM_TMP_D, 4);
    x86_sub_ri(a, RM_TMP_D, RV_TRACE_HDR_SIZE / 16);
    x86_mov_mr(a, t0_ctx(RV_CTX_NUM_MEM_READS), RM_TMP_D);
    x86_bind8(a, no_rec, x86_here(a));
    x86_mov_rr(a, RM_TMP_A, RM_TRACE_TAIL);   /* rbx survives the call: "recording" */
    x86_alu_mi(a, X86_ALU_ADD, 1, t0_ctx(RV_CTX_TIER1_ENTRIES), 1);
    x86_lea(a, X86_RDI, x86_mem(RM_CTX, -RM_CTX_BIAS));
    x86_mov_rm(a, X86_RSI, t0_ctx(RV_CTX_TRACE_BUF));
    x86_test_rr(a, RM_TMP_A, RM_TMP_A);
    x86_cmovcc(a, X86_CC_E, X86_RSI, RM_TMP_A);   /* not recording: NULL */
    x86_mov_rm(a, X86_RDX, t0_ctx(RV_CTX_MEM));
    /* the prologue's return address and 6 pushes leave rsp 8 mod 16; SysV wants 0 */
    x86_sub_ri(a, X86_RSP, 8);
    x86_call_r(a, RM_TMP_C);
    x86_add_ri(a, X86_RSP, 8);
    emit_load_map(e);
    x86_mov_rm(a, RM_TRACE_TAIL, t0_ctx(RV_CTX_TRACE_TAIL));
    x86_test_rr(a, RM_TMP_A, RM_TMP_A);
    x86_cmovcc(a, X86_CC_E, RM_TRACE_TAIL, RM_TMP_A);
    x86_cmp_mi(a, t0_ctx(RV_CTX_EXIT_REASON), RV_EXIT_NONE);
    x86_jcc_rel32(a, X86_CC_NE, (int32_t)((int64_t)e->epilogue_off - ((int64_t)x86_here(a) + 6)));
    x86_test_ri32(a, RM_TMP_C, 1);
    size_t resume = x86_jcc8_fwd(a, X86_CC_NE);
    emit_dispatch_rax(e);
    /* pc | 1: the region left a block to tier 0 (ir/lift.h); the tier-0-only table, because
     * the tiered one may lead straight back into a region at that pc */
    x86_bind8(a, resume, x86_here(a));
    emit_index_rax(e);
    t0_owed_correct(e);   /* 0 at block heads; kept so any pc is safe */
    x86_mov_imm(a, RM_TMP_D, (uint64_t)(uintptr_t)e->t0_table);
    x86_jmp_m(a, x86_mem_idx(RM_TMP_D, RM_TMP_A, 8, 0));
    /* no function of this variant: the head's tier 0 code at insn_off[rbx], counter first */
    x86_bind32(a, missing, x86_here(a));
    x86_movabs_ri(a, RM_TMP_D, (uint64_t)(uintptr_t)e->insn_off);
    x86_mov_rm32(a, RM_TMP_D, x86_mem_idx(RM_TMP_D, RM_TMP_A, 4, 0));
    x86_movabs_ri(a, RM_TMP_E, (uint64_t)(uintptr_t)e->code);
    x86_add_rr(a, RM_TMP_D, RM_TMP_E);
    x86_jmp_r(a, RM_TMP_D);
}

void t0_emit_entry_code(struct t0_emitter *e)
{
    emit_prologue(e);
    emit_epilogue(e);
    emit_gate(e);
}
