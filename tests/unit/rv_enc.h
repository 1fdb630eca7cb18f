/* rv_enc.h — RV64IM instruction encoders for the unit tests (RISC-V Unprivileged ISA
 * Figures 2.3/2.4): constant expressions, so tables of words can be written as encodings.
 * Usage: static const uint32_t prog[] = {I(10, 0, 0, 10, OPIMM), ...}; */
#ifndef RVT_TESTS_RV_ENC_H
#define RVT_TESTS_RV_ENC_H

#include <stdint.h>

enum {
    LOAD = 0x03, MISC = 0x0f, OPIMM = 0x13, AUIPC = 0x17, OPIMM32 = 0x1b, STORE = 0x23,
    OP = 0x33, LUI = 0x37, OP32 = 0x3b, BRANCH = 0x63, JALR = 0x67, JAL = 0x6f, SYSTEM = 0x73,
};

#define R(f7, rs2, rs1, f3, rd, opc)                                                          \
    ((uint32_t)(f7) << 25 | (uint32_t)(rs2) << 20 | (uint32_t)(rs1) << 15 |                \
     (uint32_t)(f3) << 12 | (uint32_t)(rd) << 7 | (uint32_t)(opc))
#define I(imm, rs1, f3, rd, opc)                                                              \
    (((uint32_t)(imm) & 0xfff) << 20 | (uint32_t)(rs1) << 15 | (uint32_t)(f3) << 12 |      \
     (uint32_t)(rd) << 7 | (uint32_t)(opc))
#define S(imm, rs2, rs1, f3, opc)                                                             \
    ((((uint32_t)(imm) >> 5) & 0x7f) << 25 | (uint32_t)(rs2) << 20 | (uint32_t)(rs1) << 15 | \
     (uint32_t)(f3) << 12 | ((uint32_t)(imm) & 0x1f) << 7 | (uint32_t)(opc))
#define B(imm, rs2, rs1, f3, opc)                                                             \
    ((((uint32_t)(imm) >> 12) & 1) << 31 | (((uint32_t)(imm) >> 5) & 0x3f) << 25 |         \
     (uint32_t)(rs2) << 20 | (uint32_t)(rs1) << 15 | (uint32_t)(f3) << 12 |                \
     (((uint32_t)(imm) >> 1) & 0xf) << 8 | (((uint32_t)(imm) >> 11) & 1) << 7 |            \
     (uint32_t)(opc))
#define U(imm20, rd, opc) (((uint32_t)(imm20) & 0xfffff) << 12 | (uint32_t)(rd) << 7 | (opc))
#define J(imm, rd, opc)                                                                       \
    ((((uint32_t)(imm) >> 20) & 1) << 31 | (((uint32_t)(imm) >> 1) & 0x3ff) << 21 |        \
     (((uint32_t)(imm) >> 11) & 1) << 20 | (((uint32_t)(imm) >> 12) & 0xff) << 12 |        \
     (uint32_t)(rd) << 7 | (uint32_t)(opc))

#endif
