/* sp1_unconstrained.S — ENTER/EXIT_UNCONSTRAINED at the register level (SP1 ABI): inside the
 * block, callee-saved registers, sp and a memory word are changed and a hint is pushed (fd 14);
 * after EXIT execution resumes after the ENTER ecall with t0 = 0 and everything but the input
 * queue as it was. Also HINT_LEN on the pushed hint and HINT_READ of it. Failures counted in
 * s11, printed, and returned. */
    .section .rodata
fmt:    .string "sp1_unconstrained: t0=%ld s1=%ld word=%ld hint_len=%ld hint=%lx failures=%ld\n"
    .data
    .balign 8
word:   .dword 222
hint_val: .dword 0x4242424242424242
    .bss
    .balign 8
hint_buf: .space 16

    .text
    .globl main
    .type main, @function
main:
    addi sp, sp, -48
    sd ra, 0(sp)
    sd s1, 8(sp)
    sd s2, 16(sp)
    sd s3, 24(sp)
    sd s11, 32(sp)
    li s11, 0
    li s1, 111
    mv s2, sp

    li t0, 0x03                 /* ENTER_UNCONSTRAINED */
    ecall
    beqz t0, after
    /* unconstrained: clobber, push a hint, leave */
    li s1, 999
    la t1, word
    li t2, 999
    sd t2, 0(t1)
    addi sp, sp, -64
    li a0, 14                   /* WRITE fd 14: push to the front of the input queue */
    la a1, hint_val
    li a2, 8
    li t0, 0x02
    ecall
    li t0, 0x04                 /* EXIT_UNCONSTRAINED */
    ecall
    j .                         /* not reached */
after:
    mv s3, t0
    beqz s3, 1f
    addi s11, s11, 1
1:  li t1, 111
    beq s1, t1, 1f
    addi s11, s11, 1
1:  beq sp, s2, 1f
    addi s11, s11, 1
1:  la t1, word
    ld t2, 0(t1)
    li t3, 222
    beq t2, t3, 1f
    addi s11, s11, 1
1:  li t0, 0xF0                 /* HINT_LEN */
    ecall
    mv s2, t0
    li t1, 8
    beq s2, t1, 1f
    addi s11, s11, 1
1:  la a0, hint_buf
    li a1, 8
    li t0, 0xF1                 /* HINT_READ */
    ecall
    la t1, hint_buf
    ld t2, 0(t1)
    la t1, hint_val
    ld t3, 0(t1)
    beq t2, t3, 1f
    addi s11, s11, 1
1:
    la a0, fmt
    mv a1, s3
    mv a2, s1
    la t1, word
    ld a3, 0(t1)
    mv a4, s2
    la t1, hint_buf
    ld a5, 0(t1)
    mv a6, s11
    call printf
    mv a0, s11
    ld ra, 0(sp)
    ld s1, 8(sp)
    ld s2, 16(sp)
    ld s3, 24(sp)
    ld s11, 32(sp)
    addi sp, sp, 48
    ret
    .size main, . - main
