/* t0_emit_alu.c — tier 0 code for the integer ALU (RV64I register-register and
 * register-immediate, LUI/AUIPC) and RV64M multiply/divide.
 * Shape: the result is computed in d = rd's home GPR when it has one (else rax, then stored to
 * its ctx slot or XMM lane); sources in GPRs are used in place, others are loaded into rcx/rax
 * (a ctx source read in place by the op measured slower: docs/tier0.md). So
 * `add a2, a4, a3` is `mov r8, rdi; add r8, rbp`. W forms operate on 32 bits and sign-extend
 * with movsxd (ISA §5.2). An op whose sources are all x0 (or none: LUI, AUIPC, li) is folded to
 * its constant with the interpreter's own semantics (tiers/semantics.h). Division and
 * remainder: t0_emit_div.c.
 * Usage: t0_emit_alu(e, i, in) from the translate loop. */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
#include "runtime/ctx.h"
#include "tiers/semantics.h"
#include "tiers/tier0/t0_emit.h"

#define RA X86_RAX
#define RC X86_RCX
#define RD X86_RDX

/* Writes back the value computed in d (sign-extending a W result) and steps the clock. */
static void finish(struct t0_emitter *e, unsigned rd, enum x86_reg d, int w32)
{
    if (w32)
        x86_movsxd_rr(&e->a, d, d);
    t0_store_reg(e, rd, d);
    t0_step_clock(e);
}

/* The two-operand forms binop_rr emits: the classic ALU group and imul. */
#define OP_IMUL 100

static int commutative(int op)
{
    return op == X86_ALU_ADD || op == X86_ALU_AND || op == X86_ALU_OR || op == X86_ALU_XOR ||
           op == OP_IMUL;
}

static void two_op(struct x86_asm *a, int op, int w32, enum x86_reg d, enum x86_reg s)
{
    if (op != OP_IMUL)
        x86_alu_rr(a, (enum x86_alu)op, !w32, d, s);
    else if (w32)
        x86_imul_rr32(a, d, s);
    else
        x86_imul_rr(a, d, s);
}

/* rd = rs1 op rs2 for the two-operand x86 forms (d op= s). */
static void binop_rr(struct t0_emitter *e, const struct rv_insn *in, int op, int w32)
{
    struct x86_asm *a = &e->a;
    const enum x86_reg hd = t0_home(e, in->rd);
    if (hd != X86_NOREG && in->rd == in->rs2 && in->rd != in->rs1) {
        /* rd's home holds rs2, which the usual "d = rs1" would overwrite */
        if (commutative(op)) {
            two_op(a, op, w32, hd, t0_src(e, in->rs1, RC));
            finish(e, in->rd, hd, w32);
        } else {
            t0_load_reg(e, RA, in->rs1);
            two_op(a, op, w32, RA, hd);
            finish(e, in->rd, RA, w32);
        }
        return;
    }
    const enum x86_reg d = t0_dst(e, in->rd, RA);
    const enum x86_reg s2 = t0_src(e, in->rs2, RC);
    t0_load_reg(e, d, in->rs1);
    two_op(a, op, w32, d, s2);
    finish(e, in->rd, d, w32);
}

/* rd = rs1 shifted by rs2 (x86 masks cl to 6 bits, or 5 for the W forms, as RISC-V). */
static void shift_rr(struct t0_emitter *e, const struct rv_insn *in, enum x86_shift op, int w32)
{
    t0_load_reg(e, RC, in->rs2);   /* first: rd's home may be rs2's */
    const enum x86_reg d = t0_dst(e, in->rd, RA);
    t0_load_reg(e, d, in->rs1);
    x86_shift_rcl(&e->a, op, !w32, d);
    finish(e, in->rd, d, w32);
}

/* rd = (rs1 < rs2 or imm) ? 1 : 0 under cc. */
static void set_less(struct t0_emitter *e, const struct rv_insn *in, enum x86_cc cc, int with_imm)
{
    struct x86_asm *a = &e->a;
    const enum x86_reg s1 = t0_src(e, in->rs1, RA);
    if (with_imm)
        x86_cmp_ri(a, s1, (int32_t)in->imm);
    else
        x86_cmp_rr(a, s1, t0_src(e, in->rs2, RC));
    const enum x86_reg d = t0_dst(e, in->rd, RA);
    x86_setcc(a, cc, d);
    x86_movzx8_rr(a, d, d);
    finish(e, in->rd, d, 0);
}

/* rd = rs1 op imm for the logic ops and the constant shifts: d = rs1, then one x86 op. */
static void op_imm(struct t0_emitter *e, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const int32_t imm = (int32_t)in->imm;   /* I-type: 12 bits; shifts: 0..63 */
    const uint8_t sh = (uint8_t)(in->imm & 63), sh32 = (uint8_t)(in->imm & 31);
    const enum x86_reg d = t0_dst(e, in->rd, RA);
    int w32 = 0;
    t0_load_reg(e, d, in->rs1);
    switch ((enum rv_op)in->op) {
    case RV_OP_XORI:  x86_xor_ri(a, d, imm); break;
    case RV_OP_ORI:   x86_or_ri(a, d, imm); break;
    case RV_OP_ANDI:  x86_and_ri(a, d, imm); break;
    case RV_OP_SLLI:  if (sh) x86_shl_ri(a, d, sh); break;
    case RV_OP_SRLI:  if (sh) x86_shr_ri(a, d, sh); break;
    case RV_OP_SRAI:  if (sh) x86_sar_ri(a, d, sh); break;
    case RV_OP_SLLIW: x86_shl_ri32(a, d, sh32); w32 = 1; break;
    case RV_OP_SRLIW:   /* by 1..31: bit 31 is 0, and the 32-bit op zeroed the top: no sext */
        x86_shr_ri32(a, d, sh32);
        w32 = sh32 == 0;
        break;
    case RV_OP_SRAIW: x86_sar_ri32(a, d, sh32); w32 = 1; break;
    default:
        x86_asm_fail(a, "op_imm called for another opcode");
        return;
    }
    finish(e, in->rd, d, w32);
}

static void addi(struct t0_emitter *e, const struct rv_insn *in, int w32)
{
    struct x86_asm *a = &e->a;
    const int32_t imm = (int32_t)in->imm;
    const enum x86_reg d = t0_dst(e, in->rd, RA), h1 = t0_home(e, in->rs1);
    if (w32 && imm == 0 && h1 != X86_NOREG) {
        x86_movsxd_rr(a, d, h1);   /* sext.w */
        finish(e, in->rd, d, 0);
    } else if (!w32 && imm != 0 && h1 != X86_NOREG && h1 != d) {
        x86_lea(a, d, x86_mem(h1, imm));
        finish(e, in->rd, d, 0);
    } else {
        t0_load_reg(e, d, in->rs1);
        if (imm)
            x86_alu_ri(a, X86_ALU_ADD, !w32, d, imm);
        finish(e, in->rd, d, w32);
    }
}

/* Fields a format lacks decode as 0 (decode.c), so U-type and I-type sources are x0 here too. */
static int sources_all_x0(const struct rv_insn *in)
{
    return in->rs1 == 0 && in->rs2 == 0;
}

void t0_emit_alu(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const enum rv_op op = (enum rv_op)in->op;
    if (in->rd == 0) {   /* no effect but the clock (nop, hints) */
        t0_step_clock(e);
        return;
    }
    if (sources_all_x0(in)) {   /* li, lui, auipc, and anything else of constants */
        const enum x86_reg d = t0_dst(e, in->rd, RA);
        x86_mov_imm(a, d, rv_alu_result(op, t0_pc(e, i), 0, 0, (uint64_t)in->imm));
        finish(e, in->rd, d, 0);
        return;
    }
    switch (op) {
    case RV_OP_ADD:   binop_rr(e, in, X86_ALU_ADD, 0); break;
    case RV_OP_SUB:   binop_rr(e, in, X86_ALU_SUB, 0); break;
    case RV_OP_XOR:   binop_rr(e, in, X86_ALU_XOR, 0); break;
    case RV_OP_OR:    binop_rr(e, in, X86_ALU_OR, 0); break;
    case RV_OP_AND:   binop_rr(e, in, X86_ALU_AND, 0); break;
    case RV_OP_ADDW:  binop_rr(e, in, X86_ALU_ADD, 1); break;
    case RV_OP_SUBW:  binop_rr(e, in, X86_ALU_SUB, 1); break;
    case RV_OP_SLL:   shift_rr(e, in, X86_SHL, 0); break;
    case RV_OP_SRL:   shift_rr(e, in, X86_SHR, 0); break;
    case RV_OP_SRA:   shift_rr(e, in, X86_SAR, 0); break;
    case RV_OP_SLLW:  shift_rr(e, in, X86_SHL, 1); break;
    case RV_OP_SRLW:  shift_rr(e, in, X86_SHR, 1); break;
    case RV_OP_SRAW:  shift_rr(e, in, X86_SAR, 1); break;
    case RV_OP_SLT:   set_less(e, in, X86_CC_L, 0); break;
    case RV_OP_SLTU:  set_less(e, in, X86_CC_B, 0); break;
    case RV_OP_SLTI:  set_less(e, in, X86_CC_L, 1); break;
    /* the immediate is sign-extended, then compared unsigned (ISA §2.4) */
    case RV_OP_SLTIU: set_less(e, in, X86_CC_B, 1); break;
    case RV_OP_ADDI:  addi(e, in, 0); break;
    case RV_OP_ADDIW: addi(e, in, 1); break;
    case RV_OP_XORI: case RV_OP_ORI: case RV_OP_ANDI: case RV_OP_SLLI: case RV_OP_SRLI:
    case RV_OP_SRAI: case RV_OP_SLLIW: case RV_OP_SRLIW: case RV_OP_SRAIW:
        op_imm(e, in);
        break;
    default:   /* LUI and AUIPC have no sources: folded above */
        x86_asm_fail(a, "t0_emit_alu called for a non-ALU opcode");
        return;
    }
}

void t0_emit_muldiv(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const enum rv_op op = (enum rv_op)in->op;
    if (in->rd == 0) {   /* M ops have no side effects */
        t0_step_clock(e);
        return;
    }
    if (in->rs1 == 0 && in->rs2 == 0) {
        const enum x86_reg d = t0_dst(e, in->rd, RA);
        x86_mov_imm(a, d, rv_alu_result(op, t0_pc(e, i), 0, 0, 0));
        finish(e, in->rd, d, 0);
        return;
    }
    if (op == RV_OP_MUL || op == RV_OP_MULW) {
        binop_rr(e, in, OP_IMUL, op == RV_OP_MULW);
        return;
    }
    t0_load_reg(e, RA, in->rs1);
    t0_load_reg(e, RC, in->rs2);
    enum x86_reg res = RA;
    int w32 = 0;
    switch (op) {
    case RV_OP_MULH:   x86_imul_r(a, RC); res = RD; break;
    case RV_OP_MULHU:  x86_mul_r(a, RC); res = RD; break;
    case RV_OP_MULHSU:
        /* signed a * unsigned b, high half = mulhu(a, b) - (a < 0 ? b : 0) */
        x86_mov_rr(a, RM_TMP_A, RA);
        x86_sar_ri(a, RM_TMP_A, 63);
        x86_and_rr(a, RM_TMP_A, RC);
        x86_mul_r(a, RC);
        x86_sub_rr(a, RD, RM_TMP_A);
        res = RD;
        break;
    case RV_OP_DIV: case RV_OP_DIVU: case RV_OP_REM: case RV_OP_REMU:
        t0_emit_div(e, i, in);
        break;
    case RV_OP_DIVW: case RV_OP_DIVUW: case RV_OP_REMW: case RV_OP_REMUW:
        t0_emit_div(e, i, in);
        w32 = 1;
        break;
    default:
        x86_asm_fail(a, "t0_emit_muldiv called for a non-M opcode");
        return;
    }
    finish(e, in->rd, res, w32);
}
