/* fault_jump_misaligned.S — must stop the run with an error (SP1 ABI):
 * jalr to a text address that is 2 mod 4 (IALIGN is 32 without C).
 * fault_site labels the faulting instruction; test_faults.sh looks it up with nm and expects
 * its address in the error message (faults.txt). */
    .section .rodata
msg:    .string "fault_jump_misaligned: not stopped\n"
    .data
    .balign 16
buf:    .dword 0x1122334455667788, 0x99aabbccddeeff00
    .text
    .globl main
    .type main, @function
main:
    addi sp, sp, -16
    sd ra, 0(sp)
    la t1, landing
    addi t1, t1, 2
    .globl fault_site
fault_site:
    jalr ra, 0(t1)
    .globl landing
landing:
    nop
    nop
    /* still running: the fault was missed */
    la a0, msg
    call printf
    li a0, 99
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
    .size main, . - main
