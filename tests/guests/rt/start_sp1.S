/* start_sp1.S — entry point of SP1-ABI guests: gp, tp (TLS, see guest.ld), sp = 0x78000000 (SP1's
 * stack top), then rt_start() (rt_common.c) which calls main and halts. .bss is not cleared here:
 * it is NOLOAD at the end of the RW segment and every loader zeroes it (and clearing it would add
 * stores to the trace). */
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la tp, __tls_base
    li sp, 0x78000000
    call rt_start
1:  j 1b
    .size _start, . - _start
