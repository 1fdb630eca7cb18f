/* t0_emit_alu.c — tier 0 code for the integer ALU (RV64I register-register and
 * register-immediate, LUI/AUIPC) and RV64M multiply/divide.
 * Shape: rax = rs1, rcx = rs2 (or an immediate), one x86 operation, store rd; W forms operate
 * on 32 bits and sign-extend with movsxd (ISA §5.2). Division never raises #DE: the RISC-V
 * special cases (x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0; ISA §7.2) are branched around
 * idiv/div, matching tiers/semantics.h.
 * Usage: t0_emit_alu(e, i, in) from the translate loop. */
#include "runtime/ctx.h"
#include "tiers/tier0/t0_emit.h"

#define RA X86_RAX
#define RC X86_RCX
#define RD X86_RDX

static void finish(struct t0_emitter *e, const struct rv_insn *in, enum x86_reg v, int w32)
{
    if (w32)
        x86_movsxd_rr(&e->a, v, v);
    t0_store_reg(e, in->rd, v);
    t0_step_clock(e);
}

static void set_cc(struct t0_emitter *e, enum x86_cc cc)
{
    x86_setcc(&e->a, cc, RA);
    x86_movzx8_rr(&e->a, RA, RA);
}

void t0_emit_alu(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const int32_t imm = (int32_t)in->imm;   /* I-type: 12 bits; shifts: 0..63 */
    const uint8_t sh = (uint8_t)(in->imm & 63), sh32 = (uint8_t)(in->imm & 31);
    int w32 = 0;

    switch ((enum rv_op)in->op) {
    case RV_OP_LUI:
        x86_mov_imm(a, RA, (uint64_t)in->imm);
        finish(e, in, RA, 0);
        return;
    case RV_OP_AUIPC:
        x86_mov_imm(a, RA, t0_pc(e, i) + (uint64_t)in->imm);
        finish(e, in, RA, 0);
        return;
    default:
        break;
    }
    t0_load_reg(e, RA, in->rs1);
    if (rv_op_format((enum rv_op)in->op) == RV_FMT_R)
        t0_load_reg(e, RC, in->rs2);

    switch ((enum rv_op)in->op) {
    case RV_OP_ADD:   x86_add_rr(a, RA, RC); break;
    case RV_OP_SUB:   x86_sub_rr(a, RA, RC); break;
    case RV_OP_SLL:   x86_shl_rcl(a, RA); break;   /* x86 masks cl to 6 bits, as RISC-V */
    case RV_OP_SRL:   x86_shr_rcl(a, RA); break;
    case RV_OP_SRA:   x86_sar_rcl(a, RA); break;
    case RV_OP_SLT:   x86_cmp_rr(a, RA, RC); set_cc(e, X86_CC_L); break;
    case RV_OP_SLTU:  x86_cmp_rr(a, RA, RC); set_cc(e, X86_CC_B); break;
    case RV_OP_XOR:   x86_xor_rr(a, RA, RC); break;
    case RV_OP_OR:    x86_or_rr(a, RA, RC); break;
    case RV_OP_AND:   x86_and_rr(a, RA, RC); break;
    case RV_OP_ADDW:  x86_add_rr32(a, RA, RC); w32 = 1; break;
    case RV_OP_SUBW:  x86_sub_rr32(a, RA, RC); w32 = 1; break;
    case RV_OP_SLLW:  x86_shl_rcl32(a, RA); w32 = 1; break;   /* cl masked to 5 bits */
    case RV_OP_SRLW:  x86_shr_rcl32(a, RA); w32 = 1; break;
    case RV_OP_SRAW:  x86_sar_rcl32(a, RA); w32 = 1; break;
    case RV_OP_ADDI:  if (imm) x86_add_ri(a, RA, imm); break;
    case RV_OP_SLTI:  x86_cmp_ri(a, RA, imm); set_cc(e, X86_CC_L); break;
    /* the immediate is sign-extended, then compared unsigned (ISA §2.4) */
    case RV_OP_SLTIU: x86_cmp_ri(a, RA, imm); set_cc(e, X86_CC_B); break;
    case RV_OP_XORI:  x86_xor_ri(a, RA, imm); break;
    case RV_OP_ORI:   x86_or_ri(a, RA, imm); break;
    case RV_OP_ANDI:  x86_and_ri(a, RA, imm); break;
    case RV_OP_SLLI:  x86_shl_ri(a, RA, sh); break;
    case RV_OP_SRLI:  x86_shr_ri(a, RA, sh); break;
    case RV_OP_SRAI:  x86_sar_ri(a, RA, sh); break;
    case RV_OP_ADDIW: x86_add_ri32(a, RA, imm); w32 = 1; break;
    case RV_OP_SLLIW: x86_shl_ri32(a, RA, sh32); w32 = 1; break;
    case RV_OP_SRLIW: x86_shr_ri32(a, RA, sh32); w32 = 1; break;
    case RV_OP_SRAIW: x86_sar_ri32(a, RA, sh32); w32 = 1; break;
    default:
        x86_asm_fail(a, "t0_emit_alu called for a non-ALU opcode");
        return;
    }
    finish(e, in, RA, w32);
}

/* rax = rs1 / rs2 or rs1 % rs2 per RISC-V, never faulting on the host. */
static void emit_div(struct t0_emitter *e, int is_signed, int is_rem, int w32)
{
    struct x86_asm *a = &e->a;
    int l_zero = x86_label_new(a), l_done = x86_label_new(a);
    if (w32)
        x86_test_rr32(a, RC, RC);
    else
        x86_test_rr(a, RC, RC);
    x86_jcc_label(a, X86_CC_E, l_zero);
    if (is_signed) {
        /* b == -1: quotient -a (wraps to MIN for MIN), remainder 0 */
        if (w32)
            x86_cmp_ri32(a, RC, -1);
        else
            x86_cmp_ri(a, RC, -1);
        int l_do = x86_label_new(a);
        x86_jcc_label(a, X86_CC_NE, l_do);
        if (is_rem)
            x86_mov_ri32(a, RA, 0);
        else if (w32)
            x86_neg_r32(a, RA);
        else
            x86_neg_r(a, RA);
        x86_jmp_label(a, l_done);
        x86_label_bind(a, l_do);
        if (w32) {
            x86_cdq(a);
            x86_idiv_r32(a, RC);
        } else {
            x86_cqo(a);
            x86_idiv_r(a, RC);
        }
    } else {
        x86_mov_ri32(a, RD, 0);
        if (w32)
            x86_div_r32(a, RC);
        else
            x86_div_r(a, RC);
    }
    if (is_rem)
        x86_mov_rr(a, RA, RD);
    x86_jmp_label(a, l_done);
    /* b == 0: quotient all ones, remainder a (rax already holds a) */
    x86_label_bind(a, l_zero);
    if (!is_rem)
        x86_mov_ri(a, RA, -1);
    x86_label_bind(a, l_done);
}

void t0_emit_muldiv(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    (void)i;
    struct x86_asm *a = &e->a;
    t0_load_reg(e, RA, in->rs1);
    t0_load_reg(e, RC, in->rs2);
    enum x86_reg res = RA;
    int w32 = 0;
    switch ((enum rv_op)in->op) {
    case RV_OP_MUL:    x86_imul_rr(a, RA, RC); break;
    case RV_OP_MULW:   x86_imul_rr32(a, RA, RC); w32 = 1; break;
    case RV_OP_MULH:   x86_imul_r(a, RC); res = RD; break;
    case RV_OP_MULHU:  x86_mul_r(a, RC); res = RD; break;
    case RV_OP_MULHSU:
        /* signed a * unsigned b, high half = mulhu(a, b) - (a < 0 ? b : 0) */
        x86_mov_rr(a, X86_RDI, RA);
        x86_sar_ri(a, X86_RDI, 63);
        x86_and_rr(a, X86_RDI, RC);
        x86_mul_r(a, RC);
        x86_sub_rr(a, RD, X86_RDI);
        res = RD;
        break;
    case RV_OP_DIV:    emit_div(e, 1, 0, 0); break;
    case RV_OP_DIVU:   emit_div(e, 0, 0, 0); break;
    case RV_OP_REM:    emit_div(e, 1, 1, 0); break;
    case RV_OP_REMU:   emit_div(e, 0, 1, 0); break;
    case RV_OP_DIVW:   emit_div(e, 1, 0, 1); w32 = 1; break;
    case RV_OP_DIVUW:  emit_div(e, 0, 0, 1); w32 = 1; break;
    case RV_OP_REMW:   emit_div(e, 1, 1, 1); w32 = 1; break;
    case RV_OP_REMUW:  emit_div(e, 0, 1, 1); w32 = 1; break;
    default:
        x86_asm_fail(a, "t0_emit_muldiv called for a non-M opcode");
        return;
    }
    finish(e, in, res, w32);
}
