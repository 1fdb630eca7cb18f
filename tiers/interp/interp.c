/* interp.c — the reference interpreter over the pre-decoded text (struct rvt_program).
 *
 * One switch over enum rv_op with no default, so a missing instruction is a compile error
 * (-Wswitch). Order of effects per instruction, shared by every tier:
 *   1. check (memory range/alignment, jump target) — a faulting instruction has no effect;
 *   2. trace the memory access (rt_trace_mem_access), then perform it, write rd (x0 dropped);
 *   3. pc = next, clk += 8, global_clk += 1 unless unconstrained;
 *   4. after a load/store: chunk boundary if num_mem_reads >= max_trace_size;
 *      after a branch/jump: cycle limit check (clk > clk_limit). ECALLs: runtime/step.c. */
#include "tiers/interp/interp.h"

#include <string.h>

#include "runtime/job.h"
#include "runtime/step.h"
#include "tiers/semantics.h"

static inline void wr(uint64_t *x, unsigned rd, uint64_t v)
{
    x[rd] = v;
    x[0] = 0;
}

static inline int mem_ok(uint64_t a, unsigned size)
{
    return (a & (size - 1)) == 0 && a < RV_MEM_ADDR_LIMIT;
}

static inline uint64_t load(struct rv_ctx *c, uint64_t a, unsigned size)
{
    uint64_t v = 0;
    rt_trace_mem_access(c, a);
    memcpy(&v, rt_mem_byte(c->mem, a), size);
    return v;
}

static inline void store(struct rv_ctx *c, uint64_t a, unsigned size, uint64_t v)
{
    rt_trace_mem_access(c, a);
    memcpy(rt_mem_byte(c->mem, a), &v, size);
}

int interp_run(struct rt_job *job)
{
    struct rv_ctx *c = &job->ctx;
    const struct rvt_program *p = job->prog;
    uint64_t *x = c->regs;

    for (;;) {
        int64_t idx = rt_program_index(p, c->pc);
        if (idx < 0)   /* only reachable by falling off the end of the text */
            return rt_fault_jump(job, c->pc - 4, c->pc);
        const struct rv_insn *in = &p->insns[idx];
        const uint64_t pc = c->pc;
        const uint64_t a1 = x[in->rs1], a2 = x[in->rs2];
        const uint64_t imm = (uint64_t)in->imm;
        uint64_t next = pc + 4;
        int mem_op = 0, control = 0;
        uint64_t a;

        const enum rv_op op = (enum rv_op)in->op;
        switch (op) {
        RV_ALU_SEMANTICS(RV_ALU_CASE_LABEL)
            wr(x, in->rd, rv_alu_result(op, pc, a1, a2, imm));
            break;

        RV_LOAD_CASE_LABELS
            a = a1 + imm;
            if (!mem_ok(a, rv_mem_width(op)))
                return rt_fault_mem(job, pc, a, rv_mem_width(op), 0);
            wr(x, in->rd, rv_load_extend(op, load(c, a, rv_mem_width(op))));
            mem_op = 1;
            break;
        RV_STORE_CASE_LABELS
            a = a1 + imm;
            if (!mem_ok(a, rv_mem_width(op)))
                return rt_fault_mem(job, pc, a, rv_mem_width(op), 1);
            store(c, a, rv_mem_width(op), a2);
            mem_op = 1;
            break;

        RV_BRANCH_CASE_LABELS
            control = 1;
            if (rv_branch_taken((enum rv_op)in->op, a1, a2)) {
                next = pc + imm;
                if (rt_program_index(p, next) < 0)
                    return rt_fault_jump(job, pc, next);
            }
            break;
        case RV_OP_JAL:
            next = pc + imm;
            if (rt_program_index(p, next) < 0)
                return rt_fault_jump(job, pc, next);
            wr(x, in->rd, pc + 4);
            control = 1;
            break;
        case RV_OP_JALR:
            next = (a1 + imm) & ~1ULL;
            if (rt_program_index(p, next) < 0)
                return rt_fault_jump(job, pc, next);
            wr(x, in->rd, pc + 4);
            control = 1;
            break;

        case RV_OP_ECALL: {
            int r = rt_ecall_step(job);
            if (r != 0)
                return r > 0 ? 0 : -1;
            continue;   /* rt_ecall_step advanced pc and clocks and checked limits */
        }
        case RV_OP_FENCE:
            break;
        case RV_OP_EBREAK:
        case RV_OP_CSR:
        case RV_OP_ILLEGAL:
            return rt_fault_trap(job, pc, in->raw);
        case RV_OP_COUNT:
            return rt_fault_trap(job, pc, in->raw);
        }

        c->pc = next;
        c->clk += RV_CLK_STEP;
        c->global_clk += !c->is_unconstrained;
        if (mem_op && c->num_mem_reads >= c->max_trace_size && c->max_trace_size)
            rt_trace_next_chunk(&job->trace, c);
        if (control && c->clk > __atomic_load_n(&c->clk_limit, __ATOMIC_RELAXED))
            return rt_fault_cycles(job, c->pc);
    }
}
