/* regmap.h — the register map shared by tier 0 and tier 1 (DESIGN.md "Host register
 * conventions", improved as it allows: more guest registers in GPRs, the rest in ctx instead
 * of XMM lanes, both measured): where each guest register lives while generated code runs,
 * and the pinned host registers, each a named constant with its role and its SysV ABI class
 * (a caller-saved pin must be spilled around calls out to C; a callee-saved one survives them).
 * Code of either tier is entered and left with the guest state in the map. Prologue,
 * epilogue and call-out spills are loops over it, never hand-written lists.
 *
 * Why six guest registers in GPRs: a loop's induction and accumulator registers are
 * loop-carried chains, 1 cycle per step in a GPR. The GPRs come from pins that can be derived:
 * global_clk (= instructions since entry = clk steps, computed by C at exit), the trace record
 * count (= tail offset / 16) and the trace buffer pointer (recording is "tail != NULL").
 * Why the other 25 live in ctx->regs, not in XMM lanes (stop 23): a chain through a lane costs
 * a movq out and a movq/pinsrq back, ~7-8 cycles per step on this project's AMD hosts, where a
 * load, op and store of the same [r12 + disp8] costs ~1 (the store is forwarded to the load
 * by memory renaming; tests/bench/rvt_regloc_bench, docs/tier0.md).
 * In ctx they also need no spill or reload at exits and tier 1 gate calls. Tier 0 on the
 * guest suite: sha256 0.63-0.65 of the XMM map's time, matmul 0.68-0.74, keccak 0.79, sort 0.80,
 * sieve 0.91, the rest ~1 (docs/tier0.md). The XMM layout of DESIGN.md stays available
 * (RV_LAYOUT_XMM, `rvtier run --reg-home xmm`) for A/B studies and hosts without memory
 * renaming, and tests map registers to every class at once (RV_LAYOUT_MIXED).
 * The map is a value (struct rv_regmap) kept with the translated code, which both tiers and
 * the gate read: the default one for every program (rv_regmap_default), any ranking and
 * layout in tests (rv_regmap_ranked), so every register is exercised in every location class.
 * Usage: struct rv_regmap m; rv_regmap_default(&m);
 *        struct rv_loc l = m.loc[rd]; if (l.kind == RV_LOC_CTX) mov [r12 + ..8*l.reg], .. */
#ifndef RVT_TIERS_REGMAP_H
#define RVT_TIERS_REGMAP_H

#include <stdint.h>

#include "runtime/ctx.h"
#include "tiers/tier0/x86_enc.h"

/* ---- pinned host registers ---- */
/* Trace: host pointer to the next free {clk, value} record slot; NULL when this entry takes no
 * records (tracing off, or unconstrained). Caller-saved. */
#define RM_TRACE_TAIL  X86_R9
/* Guest memory base (struct rv_ctx.mem). Caller-saved. */
#define RM_MEM         X86_R10
/* struct rv_ctx * + RM_CTX_BIAS, so that what generated code touches on its hot paths is a
 * disp8 away: guest registers x2..x31 (the memory-resident ones are used in place), clk_limit
 * (every branch) and trace_limit (every load/store), which follow regs in ctx.h; x1 and the
 * fields touched only at entries and exits take a disp32. Callee-saved. */
#define RM_CTX         X86_R12
#define RM_CTX_BIAS    (RV_CTX_REGS + 16 + 128)
_Static_assert(RV_CTX_REGS + 16 - RM_CTX_BIAS == -128 &&
                   RV_CTX_CLK_LIMIT - RM_CTX_BIAS <= 127 && RV_CTX_TRACE_LIMIT - RM_CTX_BIAS <= 127,
               "x2..x31, clk_limit and trace_limit a disp8 away from RM_CTX");
/* The jump table ((pc - pc_base) / 4 -> host code). Callee-saved. */
#define RM_JUMP_TABLE  X86_R13
/* clk. Callee-saved. */
#define RM_CLK         X86_R15

/* ---- scratch (free inside one guest instruction's sequence) ---- */
#define RM_TMP_A       X86_RBX   /* callee-saved; the table index at every table jump */
#define RM_TMP_C       X86_RAX   /* caller-saved; mul/div result */
#define RM_TMP_D       X86_RCX   /* caller-saved; shift count */
#define RM_TMP_E       X86_RDX   /* caller-saved; mul/div high half */
#define RM_XTMP        X86_XMM15 /* caller-saved */

/* ---- guest register locations ---- */
enum rv_loc_kind { RV_LOC_ZERO, RV_LOC_GPR, RV_LOC_XMM, RV_LOC_CTX };

struct rv_loc {
    uint8_t kind;   /* enum rv_loc_kind */
    uint8_t reg;    /* enum x86_reg (GPR), enum x86_xmm (XMM), or the index of the ctx->regs
                       slot (CTX: its own, but a block's swaps give it another's) */
    uint8_t lane;   /* XMM: 0 = low 64 bits, 1 = high 64 bits */
    uint8_t solo;   /* XMM lane 0 with lane 1 unused: written with movq (1 uop), not pinsrq */
};

/* The memory operand of a CTX location, off the biased RM_CTX. */
static inline int32_t rv_loc_ctx_disp(struct rv_loc l)
{
    return RV_CTX_REGS + 8 * (int32_t)l.reg - RM_CTX_BIAS;
}

/* The GPR homes, in order of weight. rsi, rdi and rbp first: 32-bit ops on them need no REX
 * prefix. */
#define RV_REGMAP_GPRS 6
static const enum x86_reg RV_GUEST_GPRS[RV_REGMAP_GPRS] = {X86_RSI, X86_RDI, X86_RBP,
                                                           X86_R8, X86_R11, X86_R14};

/* Where the registers after the GPR homes go, in order of their weight: `solo` alone in
 * xmm0.. (movq both ways), then `pairs` XMM registers with two each (lane 0 first: movq out,
 * pinsrq in; lane 1 needs pextrq out too), the rest in ctx; xmm15 stays free as scratch. */
struct rv_layout {
    uint8_t solo, pairs;
};
#define RV_LAYOUT_CTX   ((struct rv_layout){0, 0})    /* the default: 25 in ctx */
#define RV_LAYOUT_XMM   ((struct rv_layout){5, 10})   /* DESIGN.md's: all 25 in xmm0-14 */
#define RV_LAYOUT_MIXED ((struct rv_layout){3, 6})    /* tests: 3 solo, 12 in lanes, 10 in ctx */

struct rv_regmap {
    struct rv_loc loc[32];      /* loc[0] is RV_LOC_ZERO */
};

/* The map that puts rank[0..5] in the GPR homes and the rest as layout says (solo + 2 * pairs
 * at most 25, solo + pairs at most 15). rank is a permutation of 1..31. */
void rv_regmap_ranked(const uint8_t rank[31], struct rv_layout layout, struct rv_regmap *out);
/* The map of every program: a5, a4, a3, a2, a1, a0 in GPRs, the rest in ctx. */
void rv_regmap_default(struct rv_regmap *out);
/* The default ranking in another layout (RV_LAYOUT_XMM: `rvtier run --reg-home xmm`). */
void rv_regmap_default_in(struct rv_layout layout, struct rv_regmap *out);
/* Whether m keeps any guest register in an XMM lane. */
int rv_regmap_uses_xmm(const struct rv_regmap *m);

#endif
