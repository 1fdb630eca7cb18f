/* t0_run.c — entering tier 0 code from C and handling its exits (tier0.h).
 *
 * The generated code keeps only clk (tiers/regmap.h): every instruction it runs steps clk by
 * exactly 8 (ECALLs run here, in C), so global_clk grows by the clk steps of the entry unless
 * the entry ran unconstrained (which only an ECALL can change). Likewise it keeps only the
 * trace tail, from which the record count follows.
 * Faults are reported through the shared rt_fault_* messages, re-deriving address / target /
 * word from the faulting instruction, which had no effect (its operands are unchanged).
 * Usage: t0_run_job(job, code) — see tier0.h. */
#include "tiers/tier0/tier0.h"

#include "runtime/job.h"
#include "runtime/step.h"
#include "runtime/tierup.h"
#include "runtime/trace.h"
#include "tiers/semantics.h"

void t0_run(const struct t0_code *code, const struct t0_dispatch *d, struct rv_ctx *ctx)
{
    const uint64_t clk0 = ctx->clk, global_clk0 = ctx->global_clk;
    uint8_t *rec = rt_tracing(ctx) ? ctx->trace_buf : NULL;
    uint64_t *const records = rec ? (uint64_t *)(rec + RV_TRACE_HDR_SIZE) : NULL;
    ctx->trace_limit = rec ? records + 2 * ctx->max_trace_size : (uint64_t *)UINTPTR_MAX;
    ctx->jump_table = d->table;
    ctx->exit_reason = RV_EXIT_NONE;
    code->entry(ctx, rec);
    /* assigned, not added: tier 1 regions run inside the entry update ctx->global_clk too */
    if (!ctx->is_unconstrained)
        ctx->global_clk = global_clk0 + (ctx->clk - clk0) / RV_CLK_STEP;
    else
        ctx->global_clk = global_clk0;
    if (rec)
        ctx->num_mem_reads = (uint64_t)(ctx->trace_tail - records) / 2;
}

static int report_fault(struct rt_job *job)
{
    const struct rv_ctx *c = &job->ctx;
    const struct rvt_program *p = job->prog;
    const uint64_t pc = c->pc;
    int64_t idx = rt_program_index(p, pc);
    if (idx < 0)   /* fell off the end of the text */
        return rt_fault_jump(job, pc - 4, pc);
    const struct rv_insn *in = &p->insns[idx];
    const uint64_t a1 = c->regs[in->rs1], imm = (uint64_t)in->imm;
    switch (rv_op_class((enum rv_op)in->op)) {
    case RV_CLS_LOAD:
        return rt_fault_mem(job, pc, a1 + imm, rv_mem_width((enum rv_op)in->op), 0);
    case RV_CLS_STORE:
        return rt_fault_mem(job, pc, a1 + imm, rv_mem_width((enum rv_op)in->op), 1);
    case RV_CLS_BRANCH:
        return rt_fault_jump(job, pc, pc + imm);
    case RV_CLS_JUMP:
        return rt_fault_jump(job, pc, in->op == RV_OP_JAL ? pc + imm : (a1 + imm) & ~1ULL);
    case RV_CLS_TRAP:
        return rt_fault_trap(job, pc, in->raw);
    default:
        return rt_job_fail(job, RVT_HOST_ERROR,
                           "tier 0 internal error: fault exit at pc 0x%llx (%s) which cannot "
                           "fault; report this and use --mode interp",
                           (unsigned long long)pc, rv_op_name((enum rv_op)in->op));
    }
}

int t0_run_job(struct rt_job *job, const struct t0_code *code)
{
    struct rv_ctx *c = &job->ctx;
    const struct t0_dispatch *d = job->tierup ? &code->tiered : &code->t0_only;
    for (;;) {
        if (rt_program_index(job->prog, c->pc) < 0)
            return rt_fault_jump(job, c->pc - 4, c->pc);
        t0_run(code, d, c);
        switch ((enum rv_exit)c->exit_reason) {
        case RV_EXIT_HOT:
            if (job->tierup && rt_tierup_hot(job, c->pc) != 0)
                return -1;
            break;
        case RV_EXIT_ECALL: {
            int r = rt_ecall_step(job);
            if (r != 0)
                return r > 0 ? 0 : -1;
            break;
        }
        case RV_EXIT_CHUNK:
            rt_trace_next_chunk(&job->trace, c);
            break;
        case RV_EXIT_CYCLES:
            return rt_fault_cycles(job, c->pc);
        case RV_EXIT_FAULT:
            return report_fault(job);
        case RV_EXIT_NONE:
        case RV_EXIT_HALT:
            return rt_job_fail(job, RVT_HOST_ERROR,
                               "tier 0 internal error: exit reason %llu at pc 0x%llx; report "
                               "this and use --mode interp",
                               (unsigned long long)c->exit_reason, (unsigned long long)c->pc);
        }
    }
}
