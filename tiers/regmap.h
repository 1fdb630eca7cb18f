/* regmap.h — the register map shared by tier 0 and tier 1 (DESIGN.md "Host register
 * conventions", improved as it allows: more guest registers in GPRs, chosen per program):
 * where each guest register lives while generated code runs, and the pinned host registers,
 * each a named constant with its role and its SysV ABI class (a caller-saved pin must be
 * spilled around calls out to C; a callee-saved one survives them).
 * Code of either tier is entered and left with the guest state in the map. Prologue,
 * epilogue and call-out spills are loops over it, never hand-written lists.
 *
 * Why six guest registers in GPRs: a value that lives in an XMM lane costs a movq out and a
 * movq/pinsrq back, ~7 cycles of latency on a loop-carried chain against 1 for a GPR (measured
 * on this project's Zen 4 hosts), and a loop's induction and accumulator registers are exactly
 * such chains. The GPRs come from pins that can be derived: global_clk (= instructions since
 * entry = clk steps, computed by C at exit), the trace record count (= tail offset / 16) and
 * the trace buffer pointer (recording is "tail != NULL").
 * The map is a value (struct rv_regmap) kept with the translated code, which both tiers and
 * the gate read: the default one for every program (rv_regmap_default), any ranking in tests
 * (rv_regmap_ranked), so every register is exercised in every location class.
 * Usage: struct rv_regmap m; rv_regmap_default(&m);
 *        struct rv_loc l = m.loc[rd]; if (l.kind == RV_LOC_XMM) pinsrq xmm{l.reg}, .., l.lane */
#ifndef RVT_TIERS_REGMAP_H
#define RVT_TIERS_REGMAP_H

#include <stdint.h>

#include "tiers/tier0/x86_enc.h"

/* ---- pinned host registers ---- */
/* Trace: host pointer to the next free {clk, value} record slot; NULL when this entry takes no
 * records (tracing off, or unconstrained). Caller-saved. */
#define RM_TRACE_TAIL  X86_R9
/* Guest memory base (struct rv_ctx.mem). Caller-saved. */
#define RM_MEM         X86_R10
/* struct rv_ctx * + RM_CTX_BIAS, so that every field generated code touches at run time (pc,
 * clk, clk_limit, exit_reason, trace_limit, ...) is a disp8 away. Callee-saved. */
#define RM_CTX         X86_R12
#define RM_CTX_BIAS    384
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
enum rv_loc_kind { RV_LOC_ZERO, RV_LOC_GPR, RV_LOC_XMM };

struct rv_loc {
    uint8_t kind;   /* enum rv_loc_kind */
    uint8_t reg;    /* enum x86_reg (GPR) or enum x86_xmm (XMM) */
    uint8_t lane;   /* XMM: 0 = low 64 bits, 1 = high 64 bits */
    uint8_t solo;   /* XMM lane 0 with lane 1 unused: written with movq (1 uop), not pinsrq */
};

/* Where guest registers go, in order of their weight: the GPR homes, then xmm0-4 alone
 * (movq both ways), then ten pairs in xmm5-14 (lane 0 first: movq out, pinsrq in; lane 1 needs
 * pextrq out too); xmm15 stays free as scratch. rsi, rdi and rbp first: 32-bit ops on them
 * need no REX prefix. */
#define RV_REGMAP_GPRS 6
static const enum x86_reg RV_GUEST_GPRS[RV_REGMAP_GPRS] = {X86_RSI, X86_RDI, X86_RBP,
                                                           X86_R8, X86_R11, X86_R14};
#define RV_REGMAP_SOLO 5

struct rv_regmap {
    struct rv_loc loc[32];      /* loc[0] is RV_LOC_ZERO */
};

/* The map that puts rank[0..5] in the GPR homes, rank[6..10] alone in xmm0-4, rank[11..20]
 * in lane 0 and rank[21..30] in lane 1 of xmm5-14. rank is a permutation of 1..31. */
void rv_regmap_ranked(const uint8_t rank[31], struct rv_regmap *out);
/* The map of every program: a5, a4, a3, a2, a1, a0 in GPRs, t1, t0, a7, s2, a6 alone, ... */
void rv_regmap_default(struct rv_regmap *out);

#endif
