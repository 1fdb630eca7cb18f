/* fault_load_high.S — must stop the run with an error (SP1 ABI):
 * a doubleword load at 2^40, just past the guest address space.
 * fault_site labels the faulting instruction; test_faults.sh looks it up with nm and expects
 * its address in the error message (faults.txt). */
    .section .rodata
msg:    .string "fault_load_high: not stopped\n"
    .data
    .balign 16
buf:    .dword 0x1122334455667788, 0x99aabbccddeeff00
    .text
    .globl main
    .type main, @function
main:
    addi sp, sp, -16
    sd ra, 0(sp)
    li t1, 0x10000000000
    .globl fault_site
fault_site:
    ld t2, 0(t1)
    /* still running: the fault was missed */
    la a0, msg
    call printf
    li a0, 99
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
    .size main, . - main
