/* semantics.h — RV64IM value semantics that are easy to get wrong, defined once as C: the
 * interpreter uses them, the tier tests check generated code against them, and tier 1 lifts
 * the same cases. RISC-V Unprivileged ISA 20191213: §7.1 (MULH*), §7.2 (division table:
 * x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0), §5.2 (W forms sign-extend 32-bit results). */
#ifndef RVT_TIERS_SEMANTICS_H
#define RVT_TIERS_SEMANTICS_H

#include <stdint.h>

#include "frontend/decode.h"

static inline uint64_t rv_sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

static inline uint64_t rv_mulh(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
}
static inline uint64_t rv_mulhu(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
static inline uint64_t rv_mulhsu(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
}

static inline uint64_t rv_div(uint64_t a, uint64_t b)
{
    if (b == 0)
        return UINT64_MAX;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
        return a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t rv_divu(uint64_t a, uint64_t b) { return b == 0 ? UINT64_MAX : a / b; }
static inline uint64_t rv_rem(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
        return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t rv_remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }

static inline uint64_t rv_divw(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return UINT64_MAX;
    if (x == INT32_MIN && y == -1)
        return rv_sext32((uint32_t)x);
    return rv_sext32((uint32_t)(x / y));
}
static inline uint64_t rv_divuw(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    return y == 0 ? UINT64_MAX : rv_sext32(x / y);
}
static inline uint64_t rv_remw(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return rv_sext32((uint32_t)x);
    if (x == INT32_MIN && y == -1)
        return 0;
    return rv_sext32((uint32_t)(x % y));
}
static inline uint64_t rv_remuw(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    return rv_sext32(y == 0 ? x : x % y);
}

/* The value every register-computing (ALU, ALU32, MUL, DIV, LUI, AUIPC) instruction writes to
 * rd, as one list: rv_alu_result() is generated from it, and RV_ALU_CASE_LABEL turns it into the
 * case labels of a tier's dispatch switch, so the list of ops and their semantics are one fact.
 * _(OP, expression over a1 = x[rs1], a2 = x[rs2], imm = the decoded immediate, pc) */
#define RV_ALU_SEMANTICS(_)                                           \
    _(ADD,    a1 + a2)                                                \
    _(SUB,    a1 - a2)                                                \
    _(SLL,    a1 << (a2 & 63))                                        \
    _(SLT,    (uint64_t)((int64_t)a1 < (int64_t)a2))                  \
    _(SLTU,   (uint64_t)(a1 < a2))                                    \
    _(XOR,    a1 ^ a2)                                                \
    _(SRL,    a1 >> (a2 & 63))                                        \
    _(SRA,    (uint64_t)((int64_t)a1 >> (a2 & 63)))                   \
    _(OR,     a1 | a2)                                                \
    _(AND,    a1 & a2)                                                \
    _(ADDW,   rv_sext32(a1 + a2))                                     \
    _(SUBW,   rv_sext32(a1 - a2))                                     \
    _(SLLW,   rv_sext32((uint32_t)a1 << (a2 & 31)))                   \
    _(SRLW,   rv_sext32((uint32_t)a1 >> (a2 & 31)))                   \
    _(SRAW,   rv_sext32((uint32_t)((int32_t)a1 >> (a2 & 31))))        \
    _(MUL,    a1 * a2)                                                \
    _(MULH,   rv_mulh(a1, a2))                                        \
    _(MULHSU, rv_mulhsu(a1, a2))                                      \
    _(MULHU,  rv_mulhu(a1, a2))                                       \
    _(DIV,    rv_div(a1, a2))                                         \
    _(DIVU,   rv_divu(a1, a2))                                        \
    _(REM,    rv_rem(a1, a2))                                         \
    _(REMU,   rv_remu(a1, a2))                                        \
    _(MULW,   rv_sext32(a1 * a2))                                     \
    _(DIVW,   rv_divw(a1, a2))                                        \
    _(DIVUW,  rv_divuw(a1, a2))                                       \
    _(REMW,   rv_remw(a1, a2))                                        \
    _(REMUW,  rv_remuw(a1, a2))                                       \
    _(ADDI,   a1 + imm)                                               \
    _(SLTI,   (uint64_t)((int64_t)a1 < (int64_t)imm))                 \
    _(SLTIU,  (uint64_t)(a1 < imm))                                   \
    _(XORI,   a1 ^ imm)                                               \
    _(ORI,    a1 | imm)                                               \
    _(ANDI,   a1 & imm)                                               \
    _(SLLI,   a1 << (imm & 63))                                       \
    _(SRLI,   a1 >> (imm & 63))                                       \
    _(SRAI,   (uint64_t)((int64_t)a1 >> (imm & 63)))                  \
    _(ADDIW,  rv_sext32(a1 + imm))                                    \
    _(SLLIW,  rv_sext32((uint32_t)a1 << (imm & 31)))                  \
    _(SRLIW,  rv_sext32((uint32_t)a1 >> (imm & 31)))                  \
    _(SRAIW,  rv_sext32((uint32_t)((int32_t)a1 >> (imm & 31))))       \
    _(LUI,    imm)                                                    \
    _(AUIPC,  pc + imm)

#define RV_ALU_CASE_LABEL(name, expr) case RV_OP_##name:

/* rd's new value for an op of RV_ALU_SEMANTICS (0 for any other op: callers dispatch only
 * those ops here, through RV_ALU_CASE_LABEL). */
static inline uint64_t rv_alu_result(enum rv_op op, uint64_t pc, uint64_t a1, uint64_t a2,
                                     uint64_t imm)
{
    switch (op) {
#define RV_ALU_RETURN(name, expr) case RV_OP_##name: return (expr);
    RV_ALU_SEMANTICS(RV_ALU_RETURN)
#undef RV_ALU_RETURN
    default:
        return 0;
    }
}

/* Bytes a load or store op accesses (0 for any other op). */
static inline unsigned rv_mem_width(enum rv_op op)
{
    switch (op) {
    case RV_OP_LB: case RV_OP_LBU: case RV_OP_SB: return 1;
    case RV_OP_LH: case RV_OP_LHU: case RV_OP_SH: return 2;
    case RV_OP_LW: case RV_OP_LWU: case RV_OP_SW: return 4;
    case RV_OP_LD: case RV_OP_SD: return 8;
    default: return 0;
    }
}

/* rd's value for a load whose rv_mem_width(op) bytes were read zero-extended into raw:
 * LB/LH/LW sign-extend, the U forms and LD keep the zero extension (§5.3). */
static inline uint64_t rv_load_extend(enum rv_op op, uint64_t raw)
{
    switch (op) {
    case RV_OP_LB: return (uint64_t)(int64_t)(int8_t)raw;
    case RV_OP_LH: return (uint64_t)(int64_t)(int16_t)raw;
    case RV_OP_LW: return (uint64_t)(int64_t)(int32_t)raw;
    default: return raw;
    }
}

#define RV_LOAD_CASE_LABELS                                                         \
    case RV_OP_LB: case RV_OP_LH: case RV_OP_LW: case RV_OP_LD: case RV_OP_LBU:     \
    case RV_OP_LHU: case RV_OP_LWU:
#define RV_STORE_CASE_LABELS case RV_OP_SB: case RV_OP_SH: case RV_OP_SW: case RV_OP_SD:
#define RV_BRANCH_CASE_LABELS                                                       \
    case RV_OP_BEQ: case RV_OP_BNE: case RV_OP_BLT: case RV_OP_BGE: case RV_OP_BLTU: \
    case RV_OP_BGEU:

/* Whether a conditional branch op is taken on a1 = x[rs1], a2 = x[rs2] (§2.5). */
static inline int rv_branch_taken(enum rv_op op, uint64_t a1, uint64_t a2)
{
    switch (op) {
    case RV_OP_BEQ:  return a1 == a2;
    case RV_OP_BNE:  return a1 != a2;
    case RV_OP_BLT:  return (int64_t)a1 < (int64_t)a2;
    case RV_OP_BGE:  return (int64_t)a1 >= (int64_t)a2;
    case RV_OP_BLTU: return a1 < a2;
    default:         return a1 >= a2;   /* BGEU */
    }
}

#endif
