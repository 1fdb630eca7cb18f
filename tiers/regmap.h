/* regmap.h — the static register map shared by tier 0 and tier 1 (DESIGN.md "Host register
 * conventions", improved as it allows: more guest registers in GPRs): where each guest register
 * lives while generated code runs, and the pinned host registers, each a named constant with
 * its role and its SysV ABI class (a caller-saved pin must be spilled around calls out to C; a
 * callee-saved one survives them).
 * Code of either tier is entered and left with the guest state in this map. Prologue, epilogue
 * and call-out spills are loops over RV_REGMAP, never hand-written lists.
 *
 * Why six guest registers in GPRs: a value that lives in an XMM lane costs a movq out and a
 * movq/pinsrq back, ~7 cycles of latency on a loop-carried chain against 1 for a GPR (measured
 * on this project's Zen 4 hosts), and a loop's induction and accumulator registers are exactly
 * such chains. a0-a5 are the registers both gcc and LLVM allocate first for temporaries (by
 * dynamic count over the guest suite: a5, a4, a3, a2, a1 are the five most used). The GPRs come
 * from pins that can be derived: global_clk (= instructions since entry = clk steps, computed
 * by C at exit), the trace record count (= tail offset / 16) and the trace buffer pointer
 * (recording is "tail != NULL").
 * Usage: struct rv_loc l = RV_REGMAP[rd]; if (l.kind == RV_LOC_XMM) pinsrq xmm{l.reg}, .., l.lane */
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

#define RV_LOC_G(r) {RV_LOC_GPR, (r), 0, 0}
#define RV_LOC_S(x) {RV_LOC_XMM, (x), 0, 1}
#define RV_LOC_X(x, l) {RV_LOC_XMM, (x), (l), 0}

/* The 25 others in xmm0-xmm14: the five next most used alone in xmm0-4 (movq both ways), then
 * ten pairs with the more used register in lane 0 (movq out, pinsrq in; lane 1 needs pextrq
 * out too); xmm15 stays free as scratch. */
static const struct rv_loc RV_REGMAP[32] = {
    [0] = {RV_LOC_ZERO, 0, 0, 0},
    [1] = RV_LOC_X(5, 1),    /* ra */
    [2] = RV_LOC_X(5, 0),    /* sp */
    [3] = RV_LOC_X(6, 1),    /* gp */
    [4] = RV_LOC_X(7, 1),    /* tp */
    [5] = RV_LOC_S(1),       /* t0 */
    [6] = RV_LOC_S(0),       /* t1 */
    [7] = RV_LOC_X(7, 0),    /* t2 */
    [8] = RV_LOC_X(6, 0),    /* s0 */
    [9] = RV_LOC_X(8, 0),    /* s1 */
    [10] = RV_LOC_G(X86_R11),   /* a0 */
    [11] = RV_LOC_G(X86_R14),   /* a1 */
    [12] = RV_LOC_G(X86_R8),    /* a2 */
    [13] = RV_LOC_G(X86_RBP),   /* a3 */
    [14] = RV_LOC_G(X86_RDI),   /* a4 */
    [15] = RV_LOC_G(X86_RSI),   /* a5 */
    [16] = RV_LOC_S(4),      /* a6 */
    [17] = RV_LOC_S(2),      /* a7 */
    [18] = RV_LOC_S(3),      /* s2 */
    [19] = RV_LOC_X(14, 0),  /* s3 */
    [20] = RV_LOC_X(8, 1),   /* s4 */
    [21] = RV_LOC_X(9, 1),   /* s5 */
    [22] = RV_LOC_X(10, 1),  /* s6 */
    [23] = RV_LOC_X(11, 1),  /* s7 */
    [24] = RV_LOC_X(12, 1),  /* s8 */
    [25] = RV_LOC_X(13, 1),  /* s9 */
    [26] = RV_LOC_X(13, 0),  /* s10 */
    [27] = RV_LOC_X(12, 0),  /* s11 */
    [28] = RV_LOC_X(9, 0),   /* t3 */
    [29] = RV_LOC_X(14, 1),  /* t4 */
    [30] = RV_LOC_X(11, 0),  /* t5 */
    [31] = RV_LOC_X(10, 0),  /* t6 */
};

#undef RV_LOC_G
#undef RV_LOC_S
#undef RV_LOC_X

#endif
