/* syscall.h — the one generic syscall path, called by every tier at an ECALL.
 *
 * On entry ctx->regs hold the guest registers, ctx->pc is the ECALL's pc and ctx->clk its clk
 * (before the ECALL's own +8+256). The caller then advances pc/clk/global_clk as for any
 * instruction unless the handler answers RT_SC_RESUME (it set the whole state itself, e.g.
 * EXIT_UNCONSTRAINED), RT_SC_HALT or RT_SC_STOP. Codes and semantics: docs/syscalls.md.
 * Usage: switch (rt_syscall(job)) { case RT_SC_NEXT: advance; ... } */
#ifndef RVT_RUNTIME_SYSCALL_H
#define RVT_RUNTIME_SYSCALL_H

struct rt_job;

enum rt_sc_result {
    RT_SC_NEXT = 0,   /* continue with the next instruction */
    RT_SC_RESUME,     /* the handler set pc, clocks and registers: continue at ctx->pc as is */
    RT_SC_HALT,       /* the guest halted (job->halted, job->exit_code set) */
    RT_SC_STOP,       /* error: rt_job_fail() was called */
};

enum rt_sc_result rt_syscall(struct rt_job *job);

#endif
