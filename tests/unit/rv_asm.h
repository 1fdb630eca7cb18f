/* rv_asm.h — a tiny RV64IM assembler for tests: one encoder per format (RISC-V Unprivileged
 * ISA §2.2-2.3), and named instructions built on them. Header-only so every suite can use it.
 * Usage: uint32_t w[] = { RV_ADDI(10, 0, 42), RV_ADDI(5, 0, 0), RV_ECALL }; */
#ifndef RVT_TESTS_RV_ASM_H
#define RVT_TESTS_RV_ASM_H

#include <stdint.h>

static inline uint32_t rv_r(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static inline uint32_t rv_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static inline uint32_t rv_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}
static inline uint32_t rv_b(int32_t off, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static inline uint32_t rv_u(int32_t imm20, uint32_t rd, uint32_t opc)
{
    return ((uint32_t)imm20 & 0xfffff) << 12 | rd << 7 | opc;
}
static inline uint32_t rv_j(int32_t off, uint32_t rd)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

#define RV_ADDI(rd, rs1, imm) rv_i((imm), (rs1), 0, (rd), 0x13)
#define RV_ADDIW(rd, rs1, imm) rv_i((imm), (rs1), 0, (rd), 0x1b)
#define RV_SLLI(rd, rs1, sh) rv_i((sh), (rs1), 1, (rd), 0x13)
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

/* Encodings of the R-type and OP-IMM ALU operations, by funct7/funct3/opcode. */
struct rv_rtype { const char *name; uint32_t f7, f3, opc; };
#define RV_OPC_OP 0x33
#define RV_OPC_OP32 0x3b
#define RV_OPC_OPIMM 0x13
#define RV_OPC_OPIMM32 0x1b

#endif
