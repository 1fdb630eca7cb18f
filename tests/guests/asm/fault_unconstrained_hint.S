/* fault_unconstrained_hint.S — must stop the run with an error (SP1 ABI):
 * HINT_LEN inside an unconstrained block (SP1 allows only WRITE and EXIT there).
 * fault_site labels the faulting instruction; test_faults.sh looks it up with nm and expects
 * its address in the error message (faults.txt). */
    .section .rodata
msg:    .string "fault_unconstrained_hint: not stopped\n"
    .data
    .balign 16
buf:    .dword 0x1122334455667788, 0x99aabbccddeeff00
    .text
    .globl main
    .type main, @function
main:
    addi sp, sp, -16
    sd ra, 0(sp)
    li t0, 0x03
    ecall
    beqz t0, 1f
    li t0, 0xF0
    .globl fault_site
fault_site:
    ecall
    li t0, 0x04
    ecall
1:
    /* still running: the fault was missed */
    la a0, msg
    call printf
    li a0, 99
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
    .size main, . - main
