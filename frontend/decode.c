/* decode.c — RV64IM decoder (frontend/decode.h): one switch on the major opcode, then on
 * funct3/funct7; the per-op name, format and class tables are generated from rv_insns.def.
 *
 * Conventions beyond decode.h (the tiers rely on them):
 * - Fields a format does not have are 0: I-type has rs2 = 0, S/B have rd = 0, U/J have
 *   rs1 = rs2 = 0. ECALL, EBREAK and ILLEGAL have rd = rs1 = rs2 = 0 and imm = 0 (raw keeps
 *   the word, which the trap message prints).
 * - FENCE: every MISC-MEM word with funct3 = 000, whatever its fm, rs1 and rd (the spec tells
 *   base implementations to ignore those fields, §2.7), so FENCE.TSO and PAUSE are FENCEs too;
 *   imm = inst[31:20] (fm, pred, succ) zero-extended, for the disassembler.
 * - FENCE.I (MISC-MEM funct3 = 001) belongs to Zifencei, which is not part of the machine:
 *   it decodes to ILLEGAL (a trap), as objdump shows it as a plain word for an rv64im ELF.
 * - CSR: every SYSTEM word with funct3 in {1,2,3,5,6,7} (csrrw..csrrci), imm = the CSR number
 *   (0..4095), rd = rd, rs1 = the rs1 field (the uimm for the *i forms). The kind of CSR
 *   access is raw[14:12]. ECALL and EBREAK are matched on the whole word; any other
 *   funct3 = 000 SYSTEM word (mret, wfi, ...) is ILLEGAL.
 * - Words whose low two bits are not 11 (compressed encodings) are ILLEGAL: the machine
 *   fetches 32-bit words only.
 * Usage: struct rv_insn in; rv_decode(word, &in); */
#include "frontend/decode.h"

#include <stddef.h>

enum {
    OPC_LOAD = 0x03, OPC_MISC_MEM = 0x0f, OPC_OP_IMM = 0x13, OPC_AUIPC = 0x17,
    OPC_OP_IMM_32 = 0x1b, OPC_STORE = 0x23, OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP_32 = 0x3b,
    OPC_BRANCH = 0x63, OPC_JALR = 0x67, OPC_JAL = 0x6f, OPC_SYSTEM = 0x73,
};

#define WORD_ECALL 0x00000073u
#define WORD_EBREAK 0x00100073u

static const char *const op_names[RV_OP_COUNT] = {
#define _(name, mnem, fmt, cls) [RV_OP_##name] = mnem,
#include "frontend/rv_insns.def"
#undef _
};

static const unsigned char op_formats[RV_OP_COUNT] = {
#define _(name, mnem, fmt, cls) [RV_OP_##name] = fmt,
#include "frontend/rv_insns.def"
#undef _
};

const unsigned char rv_op_classes[RV_OP_COUNT] = {
#define _(name, mnem, fmt, cls) [RV_OP_##name] = cls,
#include "frontend/rv_insns.def"
#undef _
};

/* Immediates, RISC-V Unprivileged ISA §2.3 (Figure 2.4). Arithmetic right shift of a signed
 * value is implementation-defined in C17 but arithmetic in GCC and Clang, the only compilers
 * this project builds with. */
static inline int64_t imm_i(uint32_t w) { return (int64_t)((int32_t)w >> 20); }

static inline int64_t imm_s(uint32_t w)
{
    return (int64_t)(((int32_t)w >> 25) * 32 + (int32_t)((w >> 7) & 0x1f));
}

static inline int64_t imm_b(uint32_t w)
{
    int32_t v = ((int32_t)w >> 31) * 4096;   /* imm[12], sign */
    v |= (int32_t)((w >> 7) & 1) << 11;        /* imm[11] */
    v |= (int32_t)((w >> 25) & 0x3f) << 5;     /* imm[10:5] */
    v |= (int32_t)((w >> 8) & 0xf) << 1;       /* imm[4:1] */
    return v;
}

static inline int64_t imm_j(uint32_t w)
{
    int32_t v = ((int32_t)w >> 31) * (1 << 20); /* imm[20], sign */
    v |= (int32_t)(w & 0xff000);                 /* imm[19:12] */
    v |= (int32_t)((w >> 20) & 1) << 11;         /* imm[11] */
    v |= (int32_t)((w >> 21) & 0x3ff) << 1;      /* imm[10:1] */
    return v;
}

static inline int64_t imm_u(uint32_t w) { return (int64_t)(int32_t)(w & 0xfffff000u); }

static const uint16_t op_r[8] = {
    RV_OP_ADD, RV_OP_SLL, RV_OP_SLT, RV_OP_SLTU, RV_OP_XOR, RV_OP_SRL, RV_OP_OR, RV_OP_AND,
};
static const uint16_t op_m[8] = {
    RV_OP_MUL, RV_OP_MULH, RV_OP_MULHSU, RV_OP_MULHU,
    RV_OP_DIV, RV_OP_DIVU, RV_OP_REM, RV_OP_REMU,
};
static const uint16_t op_mw[8] = {
    RV_OP_MULW, RV_OP_ILLEGAL, RV_OP_ILLEGAL, RV_OP_ILLEGAL,
    RV_OP_DIVW, RV_OP_DIVUW, RV_OP_REMW, RV_OP_REMUW,
};
static const uint16_t op_imm[8] = {
    RV_OP_ADDI, RV_OP_ILLEGAL, RV_OP_SLTI, RV_OP_SLTIU,
    RV_OP_XORI, RV_OP_ILLEGAL, RV_OP_ORI, RV_OP_ANDI,
};
static const uint16_t op_load[8] = {
    RV_OP_LB, RV_OP_LH, RV_OP_LW, RV_OP_LD, RV_OP_LBU, RV_OP_LHU, RV_OP_LWU, RV_OP_ILLEGAL,
};
static const uint16_t op_store[8] = {
    RV_OP_SB, RV_OP_SH, RV_OP_SW, RV_OP_SD,
    RV_OP_ILLEGAL, RV_OP_ILLEGAL, RV_OP_ILLEGAL, RV_OP_ILLEGAL,
};
static const uint16_t op_branch[8] = {
    RV_OP_BEQ, RV_OP_BNE, RV_OP_ILLEGAL, RV_OP_ILLEGAL,
    RV_OP_BLT, RV_OP_BGE, RV_OP_BLTU, RV_OP_BGEU,
};

static uint16_t decode_op(uint32_t f3, uint32_t f7)
{
    switch (f7) {
    case 0x00: return op_r[f3];
    case 0x01: return op_m[f3];
    case 0x20:
        if (f3 == 0)
            return RV_OP_SUB;
        if (f3 == 5)
            return RV_OP_SRA;
        return RV_OP_ILLEGAL;
    default: return RV_OP_ILLEGAL;
    }
}

static uint16_t decode_op32(uint32_t f3, uint32_t f7)
{
    switch (f7) {
    case 0x00:
        if (f3 == 0)
            return RV_OP_ADDW;
        if (f3 == 1)
            return RV_OP_SLLW;
        if (f3 == 5)
            return RV_OP_SRLW;
        return RV_OP_ILLEGAL;
    case 0x01: return op_mw[f3];
    case 0x20:
        if (f3 == 0)
            return RV_OP_SUBW;
        if (f3 == 5)
            return RV_OP_SRAW;
        return RV_OP_ILLEGAL;
    default: return RV_OP_ILLEGAL;
    }
}

/* Inlined into both entry points: a whole text decodes without a call per word. */
static inline void decode_one(uint32_t w, struct rv_insn *out)
{
    uint32_t f3 = (w >> 12) & 7, f7 = w >> 25;
    uint16_t op = RV_OP_ILLEGAL;
    uint8_t rd = (w >> 7) & 31, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
    int64_t imm = 0;

    switch (w & 0x7f) {
    case OPC_OP:
        op = decode_op(f3, f7);
        break;
    case OPC_OP_32:
        op = decode_op32(f3, f7);
        break;
    case OPC_OP_IMM:
        imm = imm_i(w);
        rs2 = 0;
        if (f3 == 1) {          /* slli: imm[11:6] = 0, shamt imm[5:0] (RV64I §5.2) */
            op = (w >> 26) == 0 ? RV_OP_SLLI : RV_OP_ILLEGAL;
            imm = (w >> 20) & 63;
        } else if (f3 == 5) {   /* srli: imm[11:6] = 0; srai: imm[11:6] = 010000 */
            op = (w >> 26) == 0 ? RV_OP_SRLI : (w >> 26) == 0x10 ? RV_OP_SRAI : RV_OP_ILLEGAL;
            imm = (w >> 20) & 63;
        } else {
            op = op_imm[f3];
        }
        break;
    case OPC_OP_IMM_32:
        imm = imm_i(w);
        rs2 = 0;
        if (f3 == 0) {
            op = RV_OP_ADDIW;
        } else if (f3 == 1) {   /* *W shifts: imm[11:5] = 0 (or 0100000), shamt imm[4:0] */
            op = f7 == 0 ? RV_OP_SLLIW : RV_OP_ILLEGAL;
            imm = (w >> 20) & 31;
        } else if (f3 == 5) {
            op = f7 == 0 ? RV_OP_SRLIW : f7 == 0x20 ? RV_OP_SRAIW : RV_OP_ILLEGAL;
            imm = (w >> 20) & 31;
        }
        break;
    case OPC_LUI:
        op = RV_OP_LUI;
        imm = imm_u(w);
        rs1 = rs2 = 0;
        break;
    case OPC_AUIPC:
        op = RV_OP_AUIPC;
        imm = imm_u(w);
        rs1 = rs2 = 0;
        break;
    case OPC_LOAD:
        op = op_load[f3];
        imm = imm_i(w);
        rs2 = 0;
        break;
    case OPC_STORE:
        op = op_store[f3];
        imm = imm_s(w);
        rd = 0;
        break;
    case OPC_BRANCH:
        op = op_branch[f3];
        imm = imm_b(w);
        rd = 0;
        break;
    case OPC_JAL:
        op = RV_OP_JAL;
        imm = imm_j(w);
        rs1 = rs2 = 0;
        break;
    case OPC_JALR:
        if (f3 == 0)
            op = RV_OP_JALR;
        imm = imm_i(w);
        rs2 = 0;
        break;
    case OPC_MISC_MEM:
        if (f3 == 0) {
            op = RV_OP_FENCE;
            imm = w >> 20;
            rd = rs1 = rs2 = 0;
        }
        break;
    case OPC_SYSTEM:
        if (f3 == 0) {
            if (w == WORD_ECALL)
                op = RV_OP_ECALL;
            else if (w == WORD_EBREAK)
                op = RV_OP_EBREAK;
            rd = rs1 = rs2 = 0;
        } else if (f3 != 4) {
            op = RV_OP_CSR;
            imm = w >> 20;
            rs2 = 0;
        }
        break;
    default:
        break;
    }
    if (op == RV_OP_ILLEGAL) {
        rd = rs1 = rs2 = 0;
        imm = 0;
    }
    out->op = op;
    out->rd = rd;
    out->rs1 = rs1;
    out->rs2 = rs2;
    out->imm = imm;
    out->raw = w;
}

void rv_decode(uint32_t w, struct rv_insn *out)
{
    decode_one(w, out);
}

void rv_decode_text(const uint32_t *words, uint64_t n, struct rv_insn *out)
{
    for (uint64_t i = 0; i < n; i++)
        decode_one(words[i], &out[i]);
}

const char *rv_op_name(enum rv_op op)
{
    return (unsigned)op < RV_OP_COUNT ? op_names[op] : "?";
}

enum rv_format rv_op_format(enum rv_op op)
{
    return (unsigned)op < RV_OP_COUNT ? (enum rv_format)op_formats[op] : RV_FMT_WORD;
}
