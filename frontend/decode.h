/* decode.h — RV64IM instruction decoding into struct rv_insn.
 *
 * rv_decode() never fails: an undecodable word, EBREAK or a CSR instruction decodes to an
 * opcode of class RV_CLS_TRAP, so that data sitting in a text section can still be translated.
 * Usage: struct rv_insn in; rv_decode(word, &in); if (in.op == RV_OP_ADDI) ... */
#ifndef RVT_FRONTEND_DECODE_H
#define RVT_FRONTEND_DECODE_H

#include <stdint.h>

enum rv_format {
    RV_FMT_R, RV_FMT_I, RV_FMT_SHIFT, RV_FMT_S, RV_FMT_B, RV_FMT_U, RV_FMT_J,
    RV_FMT_NONE, RV_FMT_FENCE, RV_FMT_CSR, RV_FMT_WORD,
};

enum rv_class {
    RV_CLS_ALU, RV_CLS_ALU32, RV_CLS_MUL, RV_CLS_DIV, RV_CLS_LOAD, RV_CLS_STORE,
    RV_CLS_BRANCH, RV_CLS_JUMP, RV_CLS_SYSTEM, RV_CLS_NOP, RV_CLS_TRAP,
};

enum rv_op {
#define _(name, mnem, fmt, cls) RV_OP_##name,
#include "frontend/rv_insns.def"
#undef _
    RV_OP_COUNT
};

/* One decoded instruction. imm is sign-extended as the spec defines it per format:
 * I/S/B/J immediates sign-extended, U-type imm already shifted (imm = inst[31:12] << 12, sign-
 * extended to 64 bits), shift amounts in imm (0..63, or 0..31 for W forms), CSR number in imm. */
struct rv_insn {
    uint16_t op;       /* enum rv_op */
    uint8_t rd, rs1, rs2;
    int64_t imm;
    uint32_t raw;      /* the instruction word as fetched */
};

void rv_decode(uint32_t word, struct rv_insn *out);
/* out[i] = rv_decode(words[i]) for i < n. */
void rv_decode_text(const uint32_t *words, uint64_t n, struct rv_insn *out);

const char *rv_op_name(enum rv_op op);
enum rv_format rv_op_format(enum rv_op op);

/* Per-op class (generated from rv_insns.def); read through rv_op_class. Inline because
 * translation asks it several times per guest instruction. */
extern const unsigned char rv_op_classes[RV_OP_COUNT];
static inline enum rv_class rv_op_class(enum rv_op op)
{
    return (unsigned)op < RV_OP_COUNT ? (enum rv_class)rv_op_classes[op] : RV_CLS_TRAP;
}

/* Does this instruction end a basic block (branch, jump, ECALL, trap)? */
static inline int rv_insn_ends_block(const struct rv_insn *in)
{
    const enum rv_class c = rv_op_class((enum rv_op)in->op);
    return c == RV_CLS_BRANCH || c == RV_CLS_JUMP || c == RV_CLS_SYSTEM || c == RV_CLS_TRAP;
}

#endif
