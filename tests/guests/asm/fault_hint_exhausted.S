/* fault_hint_exhausted.S — must stop the run with an error (SP1 ABI):
 * HINT_READ with an empty input queue (SP1 panics: input stream exhausted).
 * fault_site labels the faulting instruction; test_faults.sh looks it up with nm and expects
 * its address in the error message (faults.txt). */
    .section .rodata
msg:    .string "fault_hint_exhausted: not stopped\n"
    .data
    .balign 16
buf:    .dword 0x1122334455667788, 0x99aabbccddeeff00
    .text
    .globl main
    .type main, @function
main:
    addi sp, sp, -16
    sd ra, 0(sp)
    la a0, buf
    li a1, 8
    li t0, 0xF1
    .globl fault_site
fault_site:
    ecall
    /* still running: the fault was missed */
    la a0, msg
    call printf
    li a0, 99
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
    .size main, . - main
