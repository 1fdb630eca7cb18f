/* start_linux.S — entry point of Linux-ABI guests (gp and tp as in start_sp1.S). They must run
 * identically under qemu-riscv64 (whose kernel-style stack holds argv/envp at an address of its
 * choosing) and under rvtier --abi linux (no stack at all), so sp is set to a static 8 MiB stack
 * in .bss. */
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la tp, __tls_base
    la sp, rt_linux_stack_top
    call rt_start
1:  j 1b
    .size _start, . - _start

    .section .bss.rt_linux_stack, "aw", @nobits
    .balign 16
rt_linux_stack:
    .space 8 * 1024 * 1024
rt_linux_stack_top:
