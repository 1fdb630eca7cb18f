/* job.c — one run's state: set-up and tear-down, failures, guest output, the SP1 input queue,
 * and the fault messages every tier shares (so they read the same in every mode). */
#include "runtime/job.h"
#include "runtime/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rt_bytes_append(struct rt_bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Reallocate with the buffers re-centred, so that pushes at either end have room. */
static int inputs_grow(struct rt_input_queue *q)
{
    size_t cap = q->cap ? q->cap * 2 : 8;
    struct rt_bytes *b = malloc(cap * sizeof *b);
    if (!b)
        return -1;
    size_t head = (cap - q->count) / 2;
    if (q->count)
        memcpy(b + head, q->bufs + q->head, q->count * sizeof *b);
    free(q->bufs);
    q->bufs = b;
    q->head = head;
    q->cap = cap;
    return 0;
}

static struct rt_bytes bytes_copy(const uint8_t *d, size_t n, int *fail)
{
    struct rt_bytes b = {0};
    if (rt_bytes_append(&b, d, n) != 0)
        *fail = 1;
    return b;
}

int rt_inputs_push_back(struct rt_input_queue *q, const uint8_t *d, size_t n)
{
    if (q->head + q->count >= q->cap && inputs_grow(q) != 0)
        return -1;
    int fail = 0;
    q->bufs[q->head + q->count] = bytes_copy(d, n, &fail);
    if (fail)
        return -1;
    q->count++;
    return 0;
}

int rt_inputs_push_front(struct rt_input_queue *q, const uint8_t *d, size_t n)
{
    if (q->head == 0 && inputs_grow(q) != 0)
        return -1;
    int fail = 0;
    struct rt_bytes b = bytes_copy(d, n, &fail);
    if (fail)
        return -1;
    q->head--;
    q->bufs[q->head] = b;
    q->count++;
    return 0;
}

struct rt_bytes *rt_inputs_front(struct rt_input_queue *q)
{
    return q->count ? &q->bufs[q->head] : NULL;
}

void rt_inputs_pop_front(struct rt_input_queue *q)
{
    if (!q->count)
        return;
    free(q->bufs[q->head].data);
    q->head++;
    q->count--;
}

void rt_inputs_free(struct rt_input_queue *q)
{
    while (q->count)
        rt_inputs_pop_front(q);
    free(q->bufs);
    memset(q, 0, sizeof *q);
}

int rt_job_init(struct rt_job *job, const struct rvt_program *p, const struct rvt_options *o,
                struct rvt_result *res)
{
    memset(job, 0, sizeof *job);
    job->prog = p;
    job->opt = o;
    job->res = res;
    job->mem.fd = -1;
    for (size_t i = 0; i < o->n_inputs; i++)
        if (rt_inputs_push_back(&job->inputs, o->inputs[i].data, o->inputs[i].len) != 0)
            return rt_job_fail(job, RVT_HOST_ERROR, "out of memory copying input %zu", i);
    if (rt_mem_init(&job->mem, res->error, sizeof res->error) != 0) {
        res->status = RVT_HOST_ERROR;
        return -1;
    }
    for (unsigned i = 0; i < p->img.n_seg; i++) {
        const struct rv_segment *s = &p->img.seg[i];
        rt_mem_write(job->mem.base, s->vaddr, s->data, s->filesz);
    }
    struct rv_ctx *c = &job->ctx;
    c->pc = p->img.entry;
    c->clk = RV_CLK_START;
    c->mem = job->mem.base;
    c->pc_base = p->pc_base;
    c->text_words = p->n_insns;
    c->clk_limit = UINT64_MAX;
    if (o->max_cycles && o->max_cycles < (UINT64_MAX - RV_CLK_START) / RV_CLK_STEP)
        c->clk_limit = RV_CLK_START + o->max_cycles * RV_CLK_STEP;
    c->job = job;
    for (int f = 0; f < 4; f++)   /* 0 / 0: see rv_ctx.div_memo */
        c->div_memo[f][RV_DIV_MEMO_Q] = UINT64_MAX;
    return 0;
}

void rt_job_fini(struct rt_job *job)
{
    rt_mem_free(&job->mem);
    rt_inputs_free(&job->inputs);
    free(job->public_values.data);
    job->public_values = (struct rt_bytes){0};
}

int rt_job_fail(struct rt_job *job, enum rvt_status s, const char *fmt, ...)
{
    if (job->stopped)      /* keep the first error: it is the cause */
        return -1;
    job->stopped = 1;
    job->res->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->res->error, sizeof job->res->error, fmt, ap);
    va_end(ap);
    return -1;
}

void rt_job_output(struct rt_job *job, int fd, const uint8_t *data, size_t len)
{
    if (job->opt->output) {
        job->opt->output(job->opt->output_user, fd, data, len);
        return;
    }
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n <= 0)
            return;   /* our own stdout is gone: nothing sensible to do for the guest */
        data += n;
        len -= (size_t)n;
    }
}

int rt_fault_mem(struct rt_job *job, uint64_t pc, uint64_t addr, unsigned size, int is_store)
{
    const char *what = is_store ? "store" : "load";
    if (!rt_mem_range_ok(addr, size))
        return rt_job_fail(job, RVT_FAULT,
                           "%u-byte %s at pc 0x%llx: address 0x%llx is out of range (guest memory "
                           "is [0, 2^40)); the guest computed a bad pointer",
                           size, what, (unsigned long long)pc, (unsigned long long)addr);
    return rt_job_fail(job, RVT_FAULT,
                       "%u-byte %s at pc 0x%llx: address 0x%llx is misaligned (must be a multiple "
                       "of %u); compile the guest for a target without misaligned accesses",
                       size, what, (unsigned long long)pc, (unsigned long long)addr, size);
}

int rt_fault_jump(struct rt_job *job, uint64_t pc, uint64_t target)
{
    const struct rvt_program *p = job->prog;
    if (target & 3)
        return rt_job_fail(job, RVT_FAULT,
                           "jump at pc 0x%llx to 0x%llx: target is not 4-byte aligned "
                           "(compressed code is not supported)",
                           (unsigned long long)pc, (unsigned long long)target);
    return rt_job_fail(job, RVT_FAULT,
                       "jump at pc 0x%llx to 0x%llx: target is outside the program text "
                       "[0x%llx, 0x%llx)",
                       (unsigned long long)pc, (unsigned long long)target,
                       (unsigned long long)p->img.text_start, (unsigned long long)p->img.text_end);
}

int rt_fault_trap(struct rt_job *job, uint64_t pc, uint32_t word)
{
    struct rv_insn in;
    rv_decode(word, &in);
    const char *why = in.op == RV_OP_EBREAK ? "EBREAK"
                    : in.op == RV_OP_CSR    ? "CSR instruction (Zicsr is not supported)"
                                            : "undecodable instruction (not RV64IM)";
    return rt_job_fail(job, RVT_FAULT, "trap at pc 0x%llx: %s, word 0x%08x",
                       (unsigned long long)pc, why, word);
}

int rt_fault_cycles(struct rt_job *job, uint64_t pc)
{
    char why[200];
    if (job->opt->monitor && rt_monitor_cancelled(job->opt->monitor, why, sizeof why))
        return rt_job_fail(job, RVT_CANCELLED, "cancelled at pc 0x%llx: %s",
                           (unsigned long long)pc, why);
    return rt_job_fail(job, RVT_CYCLE_LIMIT,
                       "cycle limit of %llu reached at pc 0x%llx (clk %llu); raise --max-cycles "
                       "if the guest is expected to run this long",
                       (unsigned long long)job->opt->max_cycles, (unsigned long long)pc,
                       (unsigned long long)job->ctx.clk);
}
