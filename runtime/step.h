/* step.h — the parts of executing one instruction that every tier hands back to C: the
 * ECALL (syscall, then advance and boundary checks exactly as the interpreter defines them).
 * Usage: in a tier's run loop, on RV_EXIT_ECALL: r = rt_ecall_step(job); r<0 stop, r>0 halt. */
#ifndef RVT_RUNTIME_STEP_H
#define RVT_RUNTIME_STEP_H

struct rt_job;

/* Executes the ECALL at ctx->pc: the syscall, then pc += 4, clk += 264, global_clk += 1 (if not
 * unconstrained at its start), the chunk boundary and the cycle-limit check.
 * Returns 0 to continue at ctx->pc, 1 if the guest halted, -1 if the run stopped. */
int rt_ecall_step(struct rt_job *job);

#endif
