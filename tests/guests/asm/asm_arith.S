/* asm_arith.S — RV64IM corner cases checked instruction by instruction (both ABIs): division
 * and remainder by zero and MIN/-1 (RISC-V spec, M extension, table 7.1), the W forms' 32-bit
 * semantics and sign extension, MULH/MULHSU/MULHU, shift amounts (6 bits, 5 for W forms), SLT
 * vs SLTU, LUI/ADDIW sign extension, AUIPC, and writes to x0. Each failed check adds 1 to s11;
 * main prints the count and returns it. */
    .section .rodata
fmt:    .string "asm_arith: %ld checks, %ld failures\n"

    .text
/* CHECK reg, value: compare reg with a 64-bit constant, count checks in s10, failures in s11. */
    .macro CHECK reg, value
    li t6, \value
    addi s10, s10, 1
    beq \reg, t6, 1f
    addi s11, s11, 1
1:
    .endm

    .globl main
    .type main, @function
main:
    addi sp, sp, -32
    sd ra, 0(sp)
    sd s10, 8(sp)
    sd s11, 16(sp)
    li s10, 0
    li s11, 0

    /* division by zero */
    li a1, 1234
    li a2, 0
    div a0, a1, a2
    CHECK a0, -1
    divu a0, a1, a2
    CHECK a0, 0xFFFFFFFFFFFFFFFF
    rem a0, a1, a2
    CHECK a0, 1234
    remu a0, a1, a2
    CHECK a0, 1234
    li a1, -77
    divw a0, a1, a2
    CHECK a0, -1
    divuw a0, a1, a2
    CHECK a0, -1
    remw a0, a1, a2
    CHECK a0, -77
    remuw a0, a1, a2
    CHECK a0, -77            /* remuw returns rs1[31:0] sign-extended */

    /* overflow: MIN / -1 */
    li a1, 0x8000000000000000
    li a2, -1
    div a0, a1, a2
    CHECK a0, 0x8000000000000000
    rem a0, a1, a2
    CHECK a0, 0
    li a1, 0xFFFFFFFF80000000
    divw a0, a1, a2
    CHECK a0, 0xFFFFFFFF80000000
    remw a0, a1, a2
    CHECK a0, 0
    /* W forms ignore the upper 32 bits of their operands */
    li a1, 0x123456780000000A
    li a2, 0xFFFFFFFF00000003
    divw a0, a1, a2
    CHECK a0, 3
    remw a0, a1, a2
    CHECK a0, 1
    li a1, 0x00000000FFFFFFF6   /* -10 as 32 bits, zero-extended in 64 */
    li a2, 3
    divw a0, a1, a2
    CHECK a0, -3
    remw a0, a1, a2
    CHECK a0, -1
    divuw a0, a1, a2
    CHECK a0, 0x55555552
    remuw a0, a1, a2
    CHECK a0, 0
    /* signed division rounds toward zero */
    li a1, -7
    li a2, 2
    div a0, a1, a2
    CHECK a0, -3
    rem a0, a1, a2
    CHECK a0, -1
    divu a0, a1, a2
    CHECK a0, 0x7FFFFFFFFFFFFFFC
    remu a0, a1, a2
    CHECK a0, 1

    /* high multiplies */
    li a1, -1
    li a2, -1
    mulh a0, a1, a2
    CHECK a0, 0
    mulhu a0, a1, a2
    CHECK a0, 0xFFFFFFFFFFFFFFFE
    mulhsu a0, a1, a2
    CHECK a0, -1
    li a1, 0x8000000000000000
    li a2, 0x8000000000000000
    mulh a0, a1, a2
    CHECK a0, 0x4000000000000000
    mulhsu a0, a1, a2
    CHECK a0, 0xC000000000000000
    mulhu a0, a1, a2
    CHECK a0, 0x4000000000000000
    mul a0, a1, a2
    CHECK a0, 0
    li a1, 0x00000000FFFFFFFF
    li a2, 0x0000000000000002
    mulw a0, a1, a2
    CHECK a0, -2
    li a1, 0x7FFFFFFF
    mulw a0, a1, a1
    CHECK a0, 1

    /* shifts: 6-bit amounts (5 for W), arithmetic vs logical */
    li a1, 0x8000000000000001
    li a2, 65                  /* uses 1 */
    sll a0, a1, a2
    CHECK a0, 2
    srl a0, a1, a2
    CHECK a0, 0x4000000000000000
    sra a0, a1, a2
    CHECK a0, 0xC000000000000000
    li a2, 33                  /* W forms use 1 */
    li a1, 0x0000000080000001
    sllw a0, a1, a2
    CHECK a0, 2
    srlw a0, a1, a2
    CHECK a0, 0x40000000
    sraw a0, a1, a2
    CHECK a0, 0xFFFFFFFFC0000000
    slliw a0, a1, 31
    CHECK a0, 0xFFFFFFFF80000000
    srai a0, a1, 63
    CHECK a0, 0
    srli a0, a1, 63
    CHECK a0, 0
    li a1, -16
    srai a0, a1, 2
    CHECK a0, -4
    srli a0, a1, 60
    CHECK a0, 15
    sraiw a0, a1, 2
    CHECK a0, -4
    srliw a0, a1, 2
    CHECK a0, 0x3FFFFFFC
    srliw a0, a1, 0      /* by 0: the low word, sign-extended (tier 0 skips the sext from 1 on) */
    CHECK a0, -16
    li a1, 0x180000001   /* bit 31 and a bit above the word */
    srliw a0, a1, 1
    CHECK a0, 0x40000000

    /* comparisons */
    li a1, -1
    li a2, 1
    slt a0, a1, a2
    CHECK a0, 1
    sltu a0, a1, a2
    CHECK a0, 0
    slti a0, a1, 0
    CHECK a0, 1
    sltiu a0, a2, -1           /* imm sign-extends, then unsigned compare */
    CHECK a0, 1
    sltiu a0, zero, 1          /* seqz */
    CHECK a0, 1

    /* sign extension of immediates and W results */
    lui a0, 0x80000
    CHECK a0, 0xFFFFFFFF80000000
    li a1, 0x7FFFFFFF
    addiw a0, a1, 1
    CHECK a0, 0xFFFFFFFF80000000
    addw a0, a1, a1
    CHECK a0, -2
    li a2, 0xFFFFFFFF
    subw a0, zero, a2
    CHECK a0, 1
    addiw a0, a2, 0            /* sext.w */
    CHECK a0, -1
    xori a0, zero, -1
    CHECK a0, -1
    andi a0, a2, -2048
    CHECK a0, 0xFFFFF800
    ori a0, zero, 0x7FF
    CHECK a0, 0x7FF

    /* auipc: pc-relative */
aui_here:
    auipc a0, 1
    la a1, aui_here
    sub a0, a0, a1
    CHECK a0, 4096

    /* x0 is hard-wired */
    addi zero, zero, 5
    li a1, 77
    add zero, a1, a1
    mv a0, zero
    CHECK a0, 0

    /* branches: signed vs unsigned */
    li a1, -5
    li a2, 3
    li a0, 0
    blt a1, a2, 2f
    addi a0, a0, 1
2:  bltu a1, a2, 3f
    addi a0, a0, 2
3:  bge a2, a1, 4f
    addi a0, a0, 4
4:  bgeu a2, a1, 5f
    addi a0, a0, 8
5:  CHECK a0, 10               /* bltu and bgeu fall through */

    la a0, fmt
    mv a1, s10
    mv a2, s11
    call printf
    mv a0, s11
    ld ra, 0(sp)
    ld s10, 8(sp)
    ld s11, 16(sp)
    addi sp, sp, 32
    ret
    .size main, . - main
