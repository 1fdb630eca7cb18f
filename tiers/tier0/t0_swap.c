/* t0_swap.c — block-local promotion: inside one basic block, guest registers that live in ctx
 * (or XMM lanes) but are used far more there than some GPR-resident ones trade places with them.
 *
 * Why: a long block (a SHA-256 or Keccak round) keeps different registers busy than a5..a0,
 * and each use of a ctx-resident register costs a load or a store (an XMM-resident one a
 * movq/pextrq out or a movq/pinsrq back, ~7 cycles on a dependency chain). In loops it pays
 * (ctx map, stop 23: without it matmul 1.16-1.30x, sha256 1.13x slower); in other blocks it
 * measured nothing once registers moved to ctx, and stays. Swapping a pair costs three moves
 * at block entry and three at block exit.
 * The static map (struct t0_code.map) holds at every block boundary: at the head (after the
 * profiling counter) the swaps are made, before the block's terminator transfers control (and
 * before falling into the next leader) they are undone — the moves are flag-neutral, so this
 * goes between a branch's compare and its jump — and every exit stub emitted while they are
 * in force undoes them first. A table jump into the middle of a block with swaps (a JALR to a
 * computed target) lands on the block's re-entry stub, which makes the swaps and continues at
 * the instruction. A swap is symmetric: the same three moves make and undo it.
 * A loop whose body runs straight through two blocks to a branch back to its head (a rotated
 * loop entered in its middle: the second block begins only because that jump lands there)
 * keeps one set of swaps for both, as one block would: its inner leader does not undo them;
 * it starts with an entry from the home map that makes them, for the table jumps (and the
 * gate) that land there, which the code falling in jumps over (t0_inner_leader).
 * Usage: t0_block_begin(e, i) at a leader; t0_block_end(e) before leaving the block;
 *        t0_inner_leader(e, i) at a leader before e->range_end; t0_swaps_undo(e, asm, tmp)
 *        in a stub. */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
#include <string.h>

#include "tiers/tier0/t0_emit.h"

/* A swap must save this many XMM accesses (uses of the promoted register, less the uses of
 * the demoted one) to pay for its six moves and the longer exits. In a one-block loop the
 * moves are paid once per entry to the loop, not per iteration (t0_loop_branch), so any
 * gain pays. */
#define MIN_GAIN 4
#define MIN_GAIN_LOOP 1
_Static_assert(T0_MIN_BLOCK >= 2 && T0_MIN_BLOCK <= 9, "t0_block_begin reads 8 leader bytes");

/* Exchanges the values of guest registers x (at its home-map ctx or XMM slot) and y (its GPR):
 * tmp = x's slot, x's slot = y's GPR, y's GPR = tmp, with the home map's own moves. */
static void emit_swap(struct x86_asm *a, const struct rv_regmap *home, unsigned x, unsigned y,
                      enum x86_reg tmp)
{
    const enum x86_reg g = (enum x86_reg)home->loc[y].reg;
    t0_load_reg_enc(a, home, tmp, x);
    t0_store_reg_enc(a, home, x, g);
    x86_mov_rr(a, g, tmp);
}

void t0_swaps_undo(const struct t0_emitter *e, struct x86_asm *a, enum x86_reg tmp)
{
    for (unsigned k = 0; k < e->n_swaps; k++)
        emit_swap(a, e->home, e->swap[k][0], e->swap[k][1], tmp);
}

size_t t0_exit_tail(struct t0_emitter *e, int reason)
{
    if (!e->n_swaps)
        return e->exit_tail[reason];
    if (!e->undo_tail[reason]) {   /* stubs set rcx = pc and add clocks: rdx is free */
        struct x86_asm *s = &e->s;
        e->undo_tail[reason] = t0_code_at(e, s);
        t0_swaps_undo(e, s, X86_RDX);
        x86_jmp_rel32(s, t0_rel(e, s, e->exit_tail[reason], 5));
    }
    return e->undo_tail[reason];
}

/* Uses (reads and writes) of each guest register in instructions [i, end); returns the set
 * of registers used (bit r), x0 left out. */
static uint32_t count_uses(const struct t0_emitter *e, uint64_t i, uint64_t end,
                           uint32_t *uses)
{
    const struct rvt_program *p = e->p;
    uint32_t used = 0;
    for (; i < end; i++) {
        const struct rv_insn *in = &p->insns[i];
        uses[in->rd]++;   /* absent fields are 0 (decode.h) */
        uses[in->rs1]++;
        uses[in->rs2]++;
        used |= 1u << in->rd | 1u << in->rs1 | 1u << in->rs2;
    }
    uses[0] = 0;
    return used & ~1u;
}

/* The re-entry stub of a block with swaps: make them, then continue at the instruction the
 * table jump was for (rbx = its index) through insn_off. */
static size_t emit_reentry(struct t0_emitter *e, const uint32_t *insn_off)
{
    struct x86_asm *s = &e->s;
    const size_t at = t0_code_at(e, s);
    t0_swaps_undo(e, s, X86_RDX);   /* undo = do: a swap is symmetric */
    x86_movabs_ri(s, X86_RCX, (uint64_t)(uintptr_t)insn_off);
    x86_mov_rm32(s, X86_RCX, x86_mem_idx(X86_RCX, RM_TMP_A, 4, 0));
    x86_movabs_ri(s, X86_RDX, (uint64_t)(uintptr_t)e->code);
    x86_add_rr(s, X86_RCX, X86_RDX);
    x86_jmp_r(s, X86_RCX);
    return at;
}

/* The leader after i (rv_find_leaders marks the instruction after every block end, so a block
 * runs to the next leader: a byte scan instead of rv_block_end's look at every instruction),
 * or limit. */
static uint64_t next_leader(const struct rvt_program *p, uint64_t i, uint64_t limit)
{
    const uint8_t *next = i + 1 < limit ? memchr(p->leader + i + 1, 1, limit - i - 1) : NULL;
    return next ? (uint64_t)(next - p->leader) : limit;
}

/* A loop whose body runs straight through two blocks, the first headed at i and ending at
 * end: the first falls into the second (which begins only because a jump from outside enters
 * there, as a rotated loop is entered in its middle: sha256's rounds), and the second's last
 * instruction branches back to i. Returns the end of the second block, or 0. */
#define RANGE_MAX_INSNS 256
static uint64_t straight_loop_end(const struct rvt_program *p, uint64_t i, uint64_t end,
                                  uint64_t limit)
{
    if (!p->loop_head[i])   /* no backward branch lands here: the common case, at once */
        return 0;
    if (end >= limit || rv_insn_ends_block(&p->insns[end - 1]))
        return 0;
    end = next_leader(p, end, limit);
    return end - i <= RANGE_MAX_INSNS && t0_branches_back(p, i, end - 1) ? end : 0;
}

/* NOPs up to the next T0_LOOP_ALIGN boundary of the main code. */
static void pad_to_boundary(struct t0_emitter *e)
{
    unsigned pad = (unsigned)(-t0_code_at(e, &e->a) & (T0_LOOP_ALIGN - 1));
    for (; pad > 9; pad -= 9)
        x86_nop(&e->a, 9);
    if (pad)
        x86_nop(&e->a, pad);
}

void t0_block_analyze(struct t0_emitter *e, uint64_t i, uint32_t *insn_off,
                      const void **t0_only)
{
    const struct rvt_program *p = e->p;
    uint64_t end = next_leader(p, i, e->limit);
    int loop = t0_branches_back(p, i, end - 1);
    if (!loop) {
        const uint64_t range = straight_loop_end(p, i, end, e->limit);
        if (range) {
            end = range;
            loop = 1;
        }
    }
    if (end - i < T0_MIN_BLOCK && !loop)
        return;
    const uint32_t min_gain = loop ? MIN_GAIN_LOOP : MIN_GAIN;
    uint32_t uses[32] = {0};
    /* candidates: XMM- or ctx-resident by uses, descending; GPR homes by uses, ascending.
     * Only used such registers can be promoted, taken in ascending register order (the sorts
     * are stable); most blocks have none used MIN_GAIN times: a quick reject. */
    const uint32_t away = count_uses(e, i, end, uses) & e->promotable;
    uint8_t in[31], out[RV_REGMAP_GPRS];
    unsigned n_in = 0, n_out = 0;
    for (uint32_t m = away; m; m &= m - 1) {
        const unsigned r = (unsigned)__builtin_ctz(m);
        if (uses[r] >= min_gain) {
            unsigned k = n_in++;
            for (; k > 0 && uses[in[k - 1]] < uses[r]; k--)
                in[k] = in[k - 1];
            in[k] = (uint8_t)r;
        }
    }
    if (!n_in)
        return;
    for (uint32_t m = e->gpr_regs; m; m &= m - 1) {
        const unsigned r = (unsigned)__builtin_ctz(m);
        unsigned k = n_out++;
        for (; k > 0 && uses[out[k - 1]] > uses[r]; k--)
            out[k] = out[k - 1];
        out[k] = (uint8_t)r;
    }
    for (unsigned k = 0; k < n_in && k < n_out && uses[in[k]] >= uses[out[k]] + min_gain; k++) {
        e->swap[k][0] = in[k];
        e->swap[k][1] = out[k];
        e->n_swaps = k + 1;
    }
    if (!e->n_swaps)
        return;
    memset(e->undo_tail, 0, sizeof e->undo_tail);
    e->cur = *e->home;
    for (unsigned k = 0; k < e->n_swaps; k++) {
        const unsigned x = e->swap[k][0], y = e->swap[k][1];
        e->cur.loc[x] = e->home->loc[y];
        e->cur.loc[y] = e->home->loc[x];
    }
    e->loop_head = loop ? (uint32_t)i : UINT32_MAX;
    e->range_end = end;
    e->loop_entry = t0_code_at(e, &e->a);
    t0_swaps_undo(e, &e->a, X86_RDX);
    if (loop)   /* its NOPs run once per entry to the loop, not per iteration */
        pad_to_boundary(e);
    e->loop_body = t0_code_at(e, &e->a);
    e->map = &e->cur;
    const void *reentry = e->code + emit_reentry(e, insn_off);
    for (uint64_t j = i + 1; j < end; j++)   /* the head itself makes the swaps */
        t0_only[j] = reentry;   /* t0_code_tiered copies these; inner leaders: t0_inner_leader */
}

size_t t0_inner_leader(struct t0_emitter *e, uint64_t i, const void **t0_only)
{
    struct x86_asm *a = &e->a;
    t0_commit_clock(e);   /* leaders owe nothing */
    const size_t over = x86_jmp32_fwd(a);   /* falling in: the swaps are made */
    const size_t at = t0_code_at(e, a);
    t0_swaps_undo(e, a, X86_RDX);   /* entered through the table: make them (undo = do) */
    x86_bind32(a, over, x86_here(a));
    /* both tables enter here: the tiered one at insn_off (t0_code_tiered), and with the swaps
     * made from the home map this is also the tier-0-only entry */
    t0_only[i] = e->code + at;
    return at;
}

void t0_block_undo(struct t0_emitter *e)
{
    t0_swaps_undo(e, &e->a, X86_RDX);
    e->n_swaps = 0;
    e->map = e->home;
}

/* Compares a table entry with the address of code offset `to`: `cmp dword [entry], imm32`
 * against the address's low half. Every value a table entry can hold lies in the one code
 * buffer (a head's code or counter, a re-entry stub, the gate), which is under 2 GiB
 * (CODE_MAX, as rel32s need), so the low halves of two of them never match unless the
 * addresses do; one instruction instead of `lea rdx, [rip + rel32]; cmp rdx, [entry]`. */
static void cmp_entry(struct t0_emitter *e, struct x86_asm *a, struct x86_mem entry, size_t to)
{
    x86_alu_mi(a, X86_ALU_CMP, 0, entry, (int32_t)(uint32_t)(uintptr_t)(e->code + to));
}

void t0_loop_branch(struct t0_emitter *e, uint64_t i, enum x86_cc cc)
{
    struct x86_asm *a = &e->a;
    const uint32_t head = e->loop_head;
    const uint32_t pend = e->pend;   /* the taken path commits; the other still owes it */
    const size_t not_taken = x86_jcc8_fwd(a, (enum x86_cc)(cc ^ 1));
    t0_step_clock(e);
    t0_cycle_check(e, t0_pc(e, head));   /* its CYCLES stub undoes the swaps */
    /* The head's table entry is its swap-in code in the tier-0-only table: straight on. In
     * the tiered table it is the head's counter until a region is installed, then the gate:
     * from a stub, count the iteration as the head would (at 0 the HOT exit, before the head
     * runs) and go on in the swaps, or, once the entry has changed, undo them and take the
     * table jump as any other branch. */
    const struct x86_mem entry = x86_mem(RM_JUMP_TABLE, 8 * (int32_t)head);
    const size_t hot = t0_exit_stub(e, RV_EXIT_HOT, t0_pc(e, head));   /* undoes the swaps */
    struct x86_asm *s = &e->s;
    const size_t via_table = t0_code_at(e, s);
    t0_swaps_undo(e, s, X86_RDX);
    x86_mov_ri32(s, RM_TMP_A, head);
    x86_jmp_m(s, entry);
    const size_t tiered = t0_code_at(e, s);
    cmp_entry(e, s, entry, e->insn_off[head]);   /* the head's counter */
    x86_jcc_rel32(s, X86_CC_NE, t0_rel(e, s, via_table, 6));
    x86_alu_mi(s, X86_ALU_SUB, 0, t0_counter(e, head), 1);
    x86_jcc_rel32(s, X86_CC_E, t0_rel(e, s, hot, 6));
    x86_jmp_rel32(s, t0_rel(e, s, e->loop_body, 5));
    cmp_entry(e, a, entry, e->loop_entry);
    x86_jcc_rel32(a, X86_CC_NE, t0_rel(e, a, tiered, 6));
    x86_jmp_rel32(a, t0_rel(e, a, e->loop_body, 5));
    x86_bind8(a, not_taken, x86_here(a));
    e->pend = pend;
    t0_block_end(e);
    t0_step_clock(e);
    t0_cycle_check(e, t0_pc(e, i) + 4);
}
