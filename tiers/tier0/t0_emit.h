/* t0_emit.h — internal interface between the tier 0 translation driver (t0_emit.c) and the
 * per-class emitters (t0_emit_alu.c, t0_emit_div.c, t0_emit_mem.c, t0_emit_ctl.c).
 *
 * Per guest instruction the host sequence is: checks (jumping to an exit stub on a fault,
 * before any effect), trace record, the operation computed straight into rd's home when rd
 * lives in a GPR (tiers/regmap.h) or into a scratch register that is then written to its XMM
 * lane, then the chunk or cycle-limit check. Operands in GPRs are used in place.
 * Clocks are added per block, not per instruction: the emitter counts the instructions stepped
 * since the last commit (pend) and adds 8*pend to clk at block ends, before control transfers
 * and in every exit stub; a trace record uses clk + 8*pend as a displacement. So at
 * instruction i the host clk lags the guest's by owed_clk[i] (0 at every leader). Direct jumps
 * only reach leaders; every jump through the table (JALR, entry from C, the tier 1 gate)
 * subtracts owed_clk[target] first. global_clk is not kept at all: C derives it from clk at
 * exit (every instruction generated code runs steps clk by exactly 8; ECALLs run in C).
 * Exit stubs go to their own area of the code buffer as their jumps are emitted (each stub
 * first, then the jump to it), so translation needs no labels or fixups.
 * Usage (inside tiers/tier0 only): t0_emit_alu(e, i, in) etc. from the translate loop. */
#ifndef RVT_TIER0_T0_EMIT_H
#define RVT_TIER0_T0_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frontend/decode.h"
#include "runtime/ctx.h"
#include "runtime/program.h"
#include "tiers/regmap.h"
#include "tiers/tier0/x86_enc.h"

/* The moves between guest register r and GPR g under the home map, encoded on first use:
 * bytes 0-6 the instruction, byte 7 its length | T0_MOVE_MADE (0: not made yet). A table look
 * and one 8-byte store instead of the forms' branches on the location and on REX, which a
 * text's varied registers mispredicted about once per guest instruction (callgrind
 * --branch-sim: 1 of 6.8 mispredictions per instruction of a random text). One table per
 * translation, shared by its slices: an entry depends only on the map, so two threads that
 * make the same entry store the same value (relaxed atomics: no torn or racy access). */
struct t0_moves {
    uint64_t load[32][16], store[32][16];
};

/* A load/store's trace record as emitted for one address register (t0_emit_mem.c). */
struct t0_record_tpl {
    uint8_t len;                    /* 0: not made yet */
    uint8_t disp_at;                /* where its clk + 1 disp8 is */
    uint8_t bytes[46];
};

struct t0_emitter {
    const struct rv_regmap *map;    /* where guest registers are now: home, or cur in a block
                                     * with swaps (t0_swap.c) */
    const struct rv_regmap *home;   /* the program's map (struct t0_code): at block boundaries */
    struct rv_regmap cur;
    unsigned n_swaps;
    uint8_t swap[RV_REGMAP_GPRS][2];   /* (promoted XMM register, demoted GPR register) */
    size_t undo_tail[RV_EXIT_HOT + 1];   /* per reason: undo this block's swaps, exit (or 0) */
    /* A block with swaps whose last instruction branches back to its own head (a one-block
     * loop): loop_head = that head, else UINT32_MAX; loop_entry and loop_body are the offsets
     * of its swap-in code (the tier-0-only table's entry) and of the code after it. */
    uint32_t loop_head;
    size_t loop_entry, loop_body;
    /* The swaps hold for instructions [its head, range_end): one block, or a loop whose body
     * runs straight through two blocks (t0_swap.c); its inner leader keeps them. */
    uint64_t range_end;
    uint64_t limit;                 /* the end of this emitter's slice of the text */
    /* A translation is cut into slices of whole blocks, each translated by its own emitter
     * (t0_emit.c: on its own thread) into its own two areas of the one code buffer. */
    uint8_t *code;                  /* the code buffer: offsets below are from here */
    struct x86_asm a;               /* this slice's guest code, from offset main_off */
    struct x86_asm s;               /* this slice's exit stubs, from offset stubs_off */
    size_t main_off, stubs_off, main_end;
    const struct rvt_program *p;
    size_t exit_tail[RV_EXIT_HOT + 1];   /* per reason: store it, store pc (rcx), epilogue */
    size_t epilogue_off, gate_off;
    size_t cycles_rbx, cycles_rax;  /* shared CYCLES exits: pc = that of index rbx / rax */
    const void *const *t0_table;    /* the tier-0-only table: where the gate resumes tier 0 */
    const uint32_t *insn_off;       /* struct t0_code's: where the gate finds a head's code */
    uint32_t pend;                  /* instructions stepped, not yet added to clk */
    uint64_t div_consumer;          /* a div/rem paired with an earlier one (t0_emit_div.c), or 0 */
    uint32_t promotable, gpr_regs;  /* guest registers (bit r) with an XMM or ctx / a GPR home */
    struct t0_record_tpl record_tpl[16];   /* by the entry's index register */
    struct t0_moves *moves;         /* the home map's encoded moves (shared by the slices) */
    int32_t owed_disp, counters_disp;   /* r13-relative offsets of owed_clk[0], counters[0] */
};

static inline uint64_t t0_pc(const struct t0_emitter *e, uint64_t i)
{
    return e->p->pc_base + 4 * i;
}

/* Code offset (from the start of the buffer) of the next byte a writes; a is e->a or e->s. */
static inline size_t t0_code_at(const struct t0_emitter *e, const struct x86_asm *a)
{
    return x86_here(a) + (a == &e->s ? e->stubs_off : e->main_off);
}
/* rel32 of an instruction of len bytes about to be written into a, to code offset `to`. */
static inline int32_t t0_rel(const struct t0_emitter *e, const struct x86_asm *a, size_t to,
                             int len)
{
    return (int32_t)((int64_t)to - (int64_t)t0_code_at(e, a) - len);
}

/* Block head i's profiling counter (struct t0_dispatch) as a memory operand. */
static inline struct x86_mem t0_counter(const struct t0_emitter *e, uint64_t i)
{
    return x86_mem(RM_JUMP_TABLE, e->counters_disp + 4 * (int32_t)i);
}

/* Whether instruction last is a branch back to instruction i: the end of a one-block loop
 * headed at i. */
static inline int t0_branches_back(const struct rvt_program *p, uint64_t i, uint64_t last)
{
    const struct rv_insn *in = &p->insns[last];
    return rv_op_class((enum rv_op)in->op) == RV_CLS_BRANCH &&
           (int64_t)in->imm == -4 * (int64_t)(last - i);
}

/* A field of struct rv_ctx (RV_CTX_* offset) as a memory operand off the biased RM_CTX. */
static inline struct x86_mem t0_ctx(int32_t off)
{
    return x86_mem(RM_CTX, off - RM_CTX_BIAS);
}

/* Index of a static target inside the text, or -1 when it is outside or misaligned. */
int t0_label_for_pc(const struct t0_emitter *e, uint64_t target);

/* A new exit stub for (reason, pc) with the clocks pending now; returns its code offset. */
size_t t0_exit_stub(struct t0_emitter *e, int reason, uint64_t pc);
/* jcc / jmp to a new exit stub for (reason, pc) with the clocks pending now. */
void t0_jcc_exit(struct t0_emitter *e, enum x86_cc cc, int reason, uint64_t pc);
void t0_jmp_exit(struct t0_emitter *e, int reason, uint64_t pc);
/* The same, with the exit pc in rax at run time. */
void t0_jcc_exit_rax(struct t0_emitter *e, enum x86_cc cc, int reason);
/* Points the rel32 at rel_at (main code, a jcc emitted before code_at) at a new exit stub for
 * (reason, pc) that first runs a copy of the code from code_at to here (position-independent:
 * no rip-relative operands, no jumps) with the clocks pending now: how a check placed before
 * the end of an instruction leaves after it. */
void t0_bind_exit_after(struct t0_emitter *e, size_t rel_at, int reason, uint64_t pc,
                        size_t code_at);

/* ---- guest registers (tiers/regmap.h) ---- */

/* The GPR that is guest r's home, or X86_NOREG (ctx- or XMM-resident, or x0). */
static inline enum x86_reg t0_home(const struct t0_emitter *e, unsigned r)
{
    const struct rv_loc l = e->map->loc[r];
    return l.kind == RV_LOC_GPR ? (enum x86_reg)l.reg : X86_NOREG;
}
/* dst = guest r under map (x0: xor dst, dst, which clobbers the flags), into a. */
static inline void t0_load_reg_enc(struct x86_asm *a, const struct rv_regmap *map,
                                   enum x86_reg dst, unsigned r)
{
    const struct rv_loc l = map->loc[r];
    if (l.kind == RV_LOC_GPR) {
        if (l.reg != dst)
            x86_mov_rr(a, dst, (enum x86_reg)l.reg);
    } else if (l.kind == RV_LOC_ZERO) {
        x86_xor_rr32(a, dst, dst);
    } else if (l.kind == RV_LOC_CTX) {
        x86_mov_rm(a, dst, x86_mem(RM_CTX, rv_loc_ctx_disp(l)));
    } else if (l.lane == 0) {
        x86_movq_rx(a, dst, (enum x86_xmm)l.reg);   /* 1 cycle; pextrq needs 2-3 */
    } else {
        x86_pextrq_rx(a, dst, (enum x86_xmm)l.reg, 1);
    }
}
/* guest rd = v under map (a write to x0 is dropped; nothing to do when v is rd's home). */
static inline void t0_store_reg_enc(struct x86_asm *a, const struct rv_regmap *map, unsigned rd,
                                    enum x86_reg v)
{
    const struct rv_loc l = map->loc[rd];
    if (l.kind == RV_LOC_GPR) {
        if (l.reg != v)
            x86_mov_rr(a, (enum x86_reg)l.reg, v);
    } else if (l.kind == RV_LOC_ZERO) {
        return;
    } else if (l.kind == RV_LOC_CTX) {
        x86_mov_mr(a, x86_mem(RM_CTX, rv_loc_ctx_disp(l)), v);
    } else if (l.solo) {
        x86_movq_xr(a, (enum x86_xmm)l.reg, v);   /* lane 1 is unused: zeroing it is harmless */
    } else {
        x86_pinsrq_xr(a, (enum x86_xmm)l.reg, v, l.lane);
    }
}
#define T0_MOVE_MADE 0x80u
/* A move longer than 7 bytes, which is encoded each time instead. */
#define T0_MOVE_LONG ((uint64_t)T0_MOVE_MADE << 56)
/* Encodes moves->load[r][g] (store 0) or moves->store[r][g] (store 1) into *slot (t0_emit.c). */
uint64_t t0_move_make(struct t0_emitter *e, int store, unsigned r, enum x86_reg g,
                      uint64_t *slot);
/* Appends the home map's move between guest r and GPR g (store: guest r = g; load: g = guest
 * r) from the table, making it on first use: all 8 bytes are stored (code_room leaves far more
 * room than that) and the cursor advances by its length; the bytes past it are overwritten by
 * what follows, or lie in the unused part of the reservation (as emit_record's copies do). */
static inline __attribute__((always_inline)) void t0_move(struct t0_emitter *e, int store,
                                                         unsigned r, enum x86_reg g)
{
    uint64_t *slot = store ? &e->moves->store[r & 31][g & 15] : &e->moves->load[r & 31][g & 15];
    uint64_t m = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (__builtin_expect(m == 0, 0))
        m = t0_move_make(e, store, r, g, slot);
    if (__builtin_expect(m == T0_MOVE_LONG, 0)) {   /* x1 in ctx: a disp32 */
        if (store)
            t0_store_reg_enc(&e->a, e->home, r, g);
        else
            t0_load_reg_enc(&e->a, e->home, g, r);
        return;
    }
    memcpy(e->a.pos, &m, 8);
    e->a.pos += (m >> 56) & 7;
}
/* dst = guest r (x0: xor dst, dst, which clobbers the flags). */
static inline void t0_load_reg(struct t0_emitter *e, enum x86_reg dst, unsigned r)
{
    if (e->map != e->home)   /* a block with swaps: rare, and its map changes per block */
        t0_load_reg_enc(&e->a, e->map, dst, r);
    else
        t0_move(e, 0, r, dst);
}
/* A register holding guest r for reading: its home GPR, else scratch after loading r into it. */
static inline enum x86_reg t0_src(struct t0_emitter *e, unsigned r, enum x86_reg scratch)
{
    const enum x86_reg h = t0_home(e, r);
    if (h != X86_NOREG)
        return h;
    t0_load_reg(e, scratch, r);
    return scratch;
}
/* Where to compute guest rd: its home GPR, else scratch (then t0_store_reg writes it back). */
static inline enum x86_reg t0_dst(const struct t0_emitter *e, unsigned rd, enum x86_reg scratch)
{
    const enum x86_reg h = t0_home(e, rd);
    return h == X86_NOREG ? scratch : h;
}
/* guest rd = v (a write to x0 is dropped; nothing to do when v is rd's home). */
static inline void t0_store_reg(struct t0_emitter *e, unsigned rd, enum x86_reg v)
{
    if (e->map != e->home)
        t0_store_reg_enc(&e->a, e->map, rd, v);
    else
        t0_move(e, 1, rd, v);
}

/* ---- clocks ---- */

/* One instruction completed: clk += 8, deferred to the next commit. */
static inline void t0_step_clock(struct t0_emitter *e)
{
    e->pend++;
}
/* clk as the guest sees it now, as a displacement from RM_CLK (records). */
static inline int32_t t0_clk_disp(const struct t0_emitter *e)
{
    return (int32_t)(e->pend * RV_CLK_STEP);
}
/* Adds the pending steps to clk (clobbers the flags). */
void t0_commit_clock(struct t0_emitter *e);
/* After a control transfer to a known pc: commit, then exit with CYCLES if clk > clk_limit. */
void t0_cycle_check(struct t0_emitter *e, uint64_t next_pc);
/* rbx = the index of a table jump's target: clk -= owed_clk[rbx] (clobbers rcx, flags). */
void t0_owed_correct(struct t0_emitter *e);
/* Jump to instruction idx through the dispatch table (rbx = idx: the tier 1 gate needs it). */
void t0_jump_to(struct t0_emitter *e, uint32_t idx);
/* A control transfer to instruction idx: commit, the cycle-limit check, the table jump. Its
 * CYCLES exit is shared by every such site (the pc is derived from rbx = idx), so it needs
 * no stub of its own. Outside a block with swaps only. */
void t0_jump_checked(struct t0_emitter *e, uint32_t idx);
/* After a commit outside a block with swaps, with the target pc in rax: exit with CYCLES if
 * clk > clk_limit, through one exit shared by every such site. */
void t0_cycle_check_rax(struct t0_emitter *e);

/* ---- block-local promotion (t0_swap.c) ---- */

/* Shorter blocks are not looked at, unless they are one-block loops or loop heads falling
 * into the next block (which may make a loop with it): few of them would gain, and the look
 * costs translation time in every block. */
#define T0_MIN_BLOCK 6
/* A loop with swaps starts its body on a T0_LOOP_ALIGN boundary (the code buffer is
 * page-aligned), after at most T0_LOOP_ALIGN - 1 bytes of NOPs per block, which t0_emit.c
 * reserves. Measured in --mode tier0 against no padding (9 interleaved runs, 8 guests): 32
 * bytes took fibonacci 0.77 of the time, matmul 0.88, keccak 0.94, sieve 0.95, the others
 * 0.98-1.00; 64 bytes did as well on those but took sort 1.11-1.23 (its byte-copy memcpy loop,
 * 196 bytes, ran slower on a line boundary than 32 bytes into one). */
#define T0_LOOP_ALIGN 32u
/* The look at a block of at least T0_MIN_BLOCK instructions (or one near the text end). */
void t0_block_analyze(struct t0_emitter *e, uint64_t i, uint32_t *insn_off,
                      const void **t0_only);
/* At leader i (after its counter): choose and make the block's swaps; the table entries of
 * its other instructions are pointed at its re-entry stub. Inline: most blocks are short, and
 * one 8-byte look at the leader bytes after i rejects them. */
static inline void t0_block_begin(struct t0_emitter *e, uint64_t i, uint32_t *insn_off,
                                  const void **t0_only)
{
    e->n_swaps = 0;
    if (i + 1 + 8 <= e->p->n_insns) {
        uint64_t next8;
        memcpy(&next8, e->p->leader + i + 1, 8);
        next8 &= (1ull << (8 * (T0_MIN_BLOCK - 1))) - 1;
        if (next8) {   /* a leader in i+1 .. i+5: a short block; is it (part of) a loop? */
            const uint64_t last = i + (unsigned)__builtin_ctzll(next8) / 8;
            if (!t0_branches_back(e->p, i, last) &&
                (!e->p->loop_head[i] || rv_insn_ends_block(&e->p->insns[last])))
                return;   /* neither a loop nor a loop's head falling into the next block */
        }
    }
    t0_block_analyze(e, i, insn_off, t0_only);
}
/* Leader i inside a range with swaps (i < range_end): its code starts with an entry from
 * the home map that makes the swaps (the table's, both tables', and the gate's), which the
 * code falling in from the previous instruction jumps over; then its counter, with the swaps
 * in force (its HOT exit undoes them). Sets t0_only[i]; returns the entry's offset, the
 * instruction's insn_off. */
size_t t0_inner_leader(struct t0_emitter *e, uint64_t i, const void **t0_only);
/* Undoes the swaps in force in the main code (flag-neutral; clobbers rdx), back to the home map. */
void t0_block_undo(struct t0_emitter *e);
/* The taken edge of a one-block loop's branch back to its head (flags from the compare
 * pending, e->loop_head = the target): while the head's table entry is its own tier 0 code
 * it stays in the swaps and jumps straight past the head's swap-in (in a tiered run after
 * counting the iteration on the head's counter); the not-taken path then leaves the block as
 * t0_emit_branch's does. */
void t0_loop_branch(struct t0_emitter *e, uint64_t i, enum x86_cc cc);
/* Leaving the block: t0_block_undo when it has swaps (inline: most blocks have none). */
static inline void t0_block_end(struct t0_emitter *e)
{
    if (e->n_swaps)
        t0_block_undo(e);
}
/* The block left by a jump to a stub that undid the swaps itself: back to the home map. */
static inline void t0_block_forget(struct t0_emitter *e)
{
    e->n_swaps = 0;
    e->map = e->home;
}
/* Emits the undoing of the swaps in force into a, with tmp as scratch. */
void t0_swaps_undo(const struct t0_emitter *e, struct x86_asm *a, enum x86_reg tmp);
/* Where a stub for reason exits: the reason's exit tail, or with swaps in force this block's
 * tail that undoes them first (made on first use). */
size_t t0_exit_tail(struct t0_emitter *e, int reason);

/* The prologue, epilogue, exit tails and tier 1 gate, at the current offset; sets
 * epilogue_off, gate_off, exit_tail[], cycles_rbx and cycles_rax (t0_entry.c). */
void t0_emit_entry_code(struct t0_emitter *e);

/* One guest instruction (index i) per class; each ends with the code falling through to the
 * next instruction or jumping away. */
void t0_emit_alu(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_muldiv(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
/* Division and remainder, inside t0_emit_muldiv: rax = rs1 and rcx = rs2 loaded; leaves the
 * result in rax (a W result not yet sign-extended). */
void t0_emit_div(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_mem(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_branch(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);
void t0_emit_jump(struct t0_emitter *e, uint64_t i, const struct rv_insn *in);

#endif
