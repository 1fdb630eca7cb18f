/* rv_asm.h — named RV64IM instructions for tests (RV_ADDI, RV_LD, RV_BNE, ...), built on the
 * format encoders of rv_enc.h. Header-only so every suite can use it.
 * Usage: uint32_t w[] = { RV_ADDI(10, 0, 42), RV_ADDI(5, 0, 0), RV_ECALL }; */
#ifndef RVT_TESTS_RV_ASM_H
#define RVT_TESTS_RV_ASM_H

#include <stdint.h>

#include "rv_enc.h"

/* Typed wrappers over rv_enc.h's encoders (the bit layouts are defined there, once). */
static inline uint32_t rv_r(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc)
{
    return R(f7, rs2, rs1, f3, rd, opc);
}
static inline uint32_t rv_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc)
{
    return I(imm, rs1, f3, rd, opc);
}
static inline uint32_t rv_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc)
{
    return S(imm, rs2, rs1, f3, opc);
}
static inline uint32_t rv_b(int32_t off, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
    return B(off, rs2, rs1, f3, BRANCH);
}
static inline uint32_t rv_u(int32_t imm20, uint32_t rd, uint32_t opc) { return U(imm20, rd, opc); }
static inline uint32_t rv_j(int32_t off, uint32_t rd) { return J(off, rd, JAL); }

#define RV_ADDI(rd, rs1, imm) rv_i((imm), (rs1), 0, (rd), 0x13)
#define RV_ADDIW(rd, rs1, imm) rv_i((imm), (rs1), 0, (rd), 0x1b)
#define RV_SLLI(rd, rs1, sh) rv_i((sh), (rs1), 1, (rd), 0x13)
#define RV_ANDI(rd, rs1, imm) rv_i((imm), (rs1), 7, (rd), 0x13)
#define RV_SRLI(rd, rs1, sh) rv_i((sh), (rs1), 5, (rd), 0x13)
#define RV_SLLIW(rd, rs1, sh) rv_i((sh), (rs1), 1, (rd), 0x1b)
#define RV_SRLIW(rd, rs1, sh) rv_i((sh), (rs1), 5, (rd), 0x1b)
#define RV_ADD(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 0, (rd), 0x33)
#define RV_SUB(rd, rs1, rs2) rv_r(0x20, (rs2), (rs1), 0, (rd), 0x33)
#define RV_SLL(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 1, (rd), 0x33)
#define RV_XOR(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 4, (rd), 0x33)
#define RV_SRL(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 5, (rd), 0x33)
#define RV_OR(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 6, (rd), 0x33)
#define RV_SUBW(rd, rs1, rs2) rv_r(0x20, (rs2), (rs1), 0, (rd), 0x3b)
#define RV_SLLW(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 1, (rd), 0x3b)
#define RV_SRLW(rd, rs1, rs2) rv_r(0, (rs2), (rs1), 5, (rd), 0x3b)
#define RV_LUI(rd, imm20) rv_u((imm20), (rd), 0x37)
#define RV_AUIPC(rd, imm20) rv_u((imm20), (rd), 0x17)
#define RV_LD(rd, rs1, imm) rv_i((imm), (rs1), 3, (rd), 0x03)
#define RV_LW(rd, rs1, imm) rv_i((imm), (rs1), 2, (rd), 0x03)
#define RV_LB(rd, rs1, imm) rv_i((imm), (rs1), 0, (rd), 0x03)
#define RV_LBU(rd, rs1, imm) rv_i((imm), (rs1), 4, (rd), 0x03)
#define RV_LH(rd, rs1, imm) rv_i((imm), (rs1), 1, (rd), 0x03)
#define RV_LHU(rd, rs1, imm) rv_i((imm), (rs1), 5, (rd), 0x03)
#define RV_LWU(rd, rs1, imm) rv_i((imm), (rs1), 6, (rd), 0x03)
#define RV_SD(rs2, rs1, imm) rv_s((imm), (rs2), (rs1), 3, 0x23)
#define RV_SW(rs2, rs1, imm) rv_s((imm), (rs2), (rs1), 2, 0x23)
#define RV_SH(rs2, rs1, imm) rv_s((imm), (rs2), (rs1), 1, 0x23)
#define RV_SB(rs2, rs1, imm) rv_s((imm), (rs2), (rs1), 0, 0x23)
#define RV_BEQ(rs1, rs2, off) rv_b((off), (rs2), (rs1), 0)
#define RV_BNE(rs1, rs2, off) rv_b((off), (rs2), (rs1), 1)
#define RV_BLT(rs1, rs2, off) rv_b((off), (rs2), (rs1), 4)
#define RV_BGE(rs1, rs2, off) rv_b((off), (rs2), (rs1), 5)
#define RV_BLTU(rs1, rs2, off) rv_b((off), (rs2), (rs1), 6)
#define RV_BGEU(rs1, rs2, off) rv_b((off), (rs2), (rs1), 7)
#define RV_JAL(rd, off) rv_j((off), (rd))
#define RV_JALR(rd, rs1, imm) rv_i((imm), (rs1), 0, (rd), 0x67)
#define RV_ECALL 0x00000073u
#define RV_EBREAK 0x00100073u
/* HALT in the SP1 ABI with exit code a0 already set: t0 = 0; ecall */
#define RV_HALT RV_ADDI(5, 0, 0), RV_ECALL

/* A loop of one block (2..10) over registers that live in XMM lanes in the default map (x5,
 * x9, x18..x22), with a store and a load at TU_DATA_ADDR + 8k when x22 = 8; rounds <= 2047;
 * halts with a0 = the last value loaded. Tier 0 keeps such a loop in its block-local swaps
 * (tiers/tier0/t0_swap.c). */
#define RV_ONE_BLOCK_LOOP(rounds)                                                             \
    {                                                                                         \
        RV_ADDI(5, 0, rounds),          /* 0 */                                               \
        RV_LUI(9, TU_DATA_ADDR >> 12),  /* 1 */                                               \
        rv_r(0, 5, 18, 0, 18, 0x33),    /* 2: head: x18 += x5 */                              \
        rv_r(0, 18, 19, 4, 19, 0x33),   /* 3: x19 ^= x18 */                                   \
        RV_ADDI(20, 20, 3),             /* 4 */                                               \
        rv_r(0, 20, 19, 0, 19, 0x33),   /* 5: x19 += x20 */                                   \
        RV_SD(19, 9, 0),                /* 6 */                                               \
        RV_LD(21, 9, 0),                /* 7 */                                               \
        rv_r(0, 22, 9, 0, 9, 0x33),     /* 8: x9 += x22 */                                    \
        RV_ADDI(5, 5, -1),              /* 9 */                                               \
        RV_BNE(5, 0, -32),              /* 10: back to 2 */                                   \
        RV_ADDI(10, 21, 0),             /* 11 */                                              \
        RV_HALT,                        /* 12, 13 */                                          \
    }

#endif
