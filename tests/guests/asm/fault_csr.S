/* fault_csr.S — must stop the run with an error (SP1 ABI):
 * a CSR instruction (csrrs t0, cycle, x0 = 0xc00022f3).
 * fault_site labels the faulting instruction; test_faults.sh looks it up with nm and expects
 * its address in the error message (faults.txt). */
    .section .rodata
msg:    .string "fault_csr: not stopped\n"
    .data
    .balign 16
buf:    .dword 0x1122334455667788, 0x99aabbccddeeff00
    .text
    .globl main
    .type main, @function
main:
    addi sp, sp, -16
    sd ra, 0(sp)
    .globl fault_site
fault_site:
    .word 0xc00022f3          /* csrrs t0, cycle, x0: rv64im has no Zicsr to assemble it */
    /* still running: the fault was missed */
    la a0, msg
    call printf
    li a0, 99
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
    .size main, . - main
