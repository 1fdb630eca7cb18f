/* step.c — see step.h. */
#include "runtime/step.h"

#include "runtime/job.h"
#include "runtime/syscall.h"

int rt_ecall_step(struct rt_job *job)
{
    struct rv_ctx *c = &job->ctx;
    const uint64_t was_unconstrained = c->is_unconstrained;
    enum rt_sc_result r = rt_syscall(job);
    job->ecalls++;
    if (r == RT_SC_STOP)
        return -1;
    if (r != RT_SC_RESUME) {
        c->pc += 4;
        c->clk += RV_CLK_STEP + RV_CLK_ECALL_XTRA;
        c->global_clk += !was_unconstrained;
    }
    if (r == RT_SC_HALT)
        return 1;
    if (c->max_trace_size && c->num_mem_reads >= c->max_trace_size)
        rt_trace_next_chunk(&job->trace, c);
    if (c->clk > c->clk_limit)
        return rt_fault_cycles(job, c->pc);
    return 0;
}
