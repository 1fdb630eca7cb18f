/* regmap.h — the static register map shared by tier 0 and tier 1 (DESIGN.md "Host register
 * conventions"): where each guest register lives while generated code runs, and the pinned
 * host registers, each a named constant with its role and its SysV ABI class (a caller-saved
 * pin must be spilled around calls out to C; a callee-saved one survives them).
 * Code of either tier is entered and left with the guest state in this map. Prologue, epilogue
 * and call-out spills are loops over RV_REGMAP, never hand-written lists.
 * Usage: struct rv_loc l = RV_REGMAP[rd]; if (l.kind == RV_LOC_XMM) pinsrq xmm{l.reg}, .., l.lane */
#ifndef RVT_TIERS_REGMAP_H
#define RVT_TIERS_REGMAP_H

#include <stdint.h>

#include "tiers/tier0/x86_enc.h"

/* ---- pinned host registers ---- */
/* Guest a0 (x10): the syscall argument and return register lives in a GPR. Caller-saved. */
#define RM_A0          X86_R11
/* Trace: number of records in the current chunk. Caller-saved. */
#define RM_TRACE_NUM   X86_R8
/* Trace: host pointer to the next free {clk, value} record slot. Caller-saved. */
#define RM_TRACE_TAIL  X86_R9
/* Guest memory base (struct rv_ctx.mem). Caller-saved. */
#define RM_MEM         X86_R10
/* struct rv_ctx *. Callee-saved. */
#define RM_CTX         X86_R12
/* The jump table ((pc - pc_base) / 4 -> host code). Callee-saved. */
#define RM_JUMP_TABLE  X86_R13
/* The trace chunk buffer (struct rv_trace_header, then records). Callee-saved. */
#define RM_TRACE_BUF   X86_R14
/* clk; holds the saved rsp instead while calling out to C. Callee-saved. */
#define RM_CLK         X86_R15
/* global_clk. Caller-saved (SysV passes the 2nd argument in rsi): spill around calls. */
#define RM_GLOBAL_CLK  X86_RSI

/* ---- scratch (free inside one guest instruction's sequence) ---- */
#define RM_TMP_A       X86_RBX   /* callee-saved */
#define RM_TMP_B       X86_RBP   /* callee-saved */
#define RM_TMP_C       X86_RAX   /* caller-saved; mul/div result */
#define RM_TMP_D       X86_RCX   /* caller-saved; shift count */
#define RM_TMP_E       X86_RDX   /* caller-saved; mul/div high half */
#define RM_TMP_F       X86_RDI   /* caller-saved; 1st C argument */
#define RM_XTMP        X86_XMM15 /* caller-saved */

/* ---- guest register locations ---- */
enum rv_loc_kind { RV_LOC_ZERO, RV_LOC_GPR, RV_LOC_XMM };

struct rv_loc {
    uint8_t kind;   /* enum rv_loc_kind */
    uint8_t reg;    /* enum x86_reg (GPR) or enum x86_xmm (XMM) */
    uint8_t lane;   /* XMM: 0 = low 64 bits, 1 = high 64 bits */
};

#define RV_LOC_X(x, l) {RV_LOC_XMM, (x), (l)}

/* The seed's REG_LOOKUP: frequently used registers in lane 0 (movq, 1 cycle) and the rest in
 * lane 1 (pextrq/pinsrq, 2-3 cycles); xmm15 stays free as scratch. */
static const struct rv_loc RV_REGMAP[32] = {
    [0] = {RV_LOC_ZERO, 0, 0},
    [1] = RV_LOC_X(0, 0),    /* ra */
    [2] = RV_LOC_X(1, 0),    /* sp */
    [3] = RV_LOC_X(0, 1),    /* gp */
    [4] = RV_LOC_X(1, 1),    /* tp */
    [5] = RV_LOC_X(2, 0),    /* t0 */
    [6] = RV_LOC_X(3, 0),    /* t1 */
    [7] = RV_LOC_X(4, 0),    /* t2 */
    [8] = RV_LOC_X(5, 0),    /* s0 */
    [9] = RV_LOC_X(6, 0),    /* s1 */
    [10] = {RV_LOC_GPR, RM_A0, 0},  /* a0 */
    [11] = RV_LOC_X(7, 0),   /* a1 */
    [12] = RV_LOC_X(8, 0),   /* a2 */
    [13] = RV_LOC_X(9, 0),   /* a3 */
    [14] = RV_LOC_X(10, 0),  /* a4 */
    [15] = RV_LOC_X(11, 0),  /* a5 */
    [16] = RV_LOC_X(12, 0),  /* a6 */
    [17] = RV_LOC_X(13, 0),  /* a7 */
    [18] = RV_LOC_X(14, 0),  /* s2 */
    [19] = RV_LOC_X(2, 1),   /* s3 */
    [20] = RV_LOC_X(3, 1),   /* s4 */
    [21] = RV_LOC_X(4, 1),   /* s5 */
    [22] = RV_LOC_X(5, 1),   /* s6 */
    [23] = RV_LOC_X(6, 1),   /* s7 */
    [24] = RV_LOC_X(7, 1),   /* s8 */
    [25] = RV_LOC_X(8, 1),   /* s9 */
    [26] = RV_LOC_X(9, 1),   /* s10 */
    [27] = RV_LOC_X(10, 1),  /* s11 */
    [28] = RV_LOC_X(11, 1),  /* t3 */
    [29] = RV_LOC_X(12, 1),  /* t4 */
    [30] = RV_LOC_X(13, 1),  /* t5 */
    [31] = RV_LOC_X(14, 1),  /* t6 */
};

#undef RV_LOC_X

#endif
