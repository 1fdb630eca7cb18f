/* job.h — the state of one run: memory, context, trace, input queue, outputs, fault.
 * One struct rt_job per rvt_run(); nothing is shared between jobs but the immutable program.
 * Usage (inside librvtier): rt_job_init(&job, prog, opts, result); ...; rt_job_fini(&job); */
#ifndef RVT_RUNTIME_JOB_H
#define RVT_RUNTIME_JOB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "include/rvtier.h"
#include "runtime/ctx.h"
#include "runtime/memory.h"
#include "runtime/program.h"
#include "runtime/trace.h"

struct rt_tierup;

struct rt_bytes {
    uint8_t *data;
    size_t len, cap;
};
int rt_bytes_append(struct rt_bytes *b, const void *p, size_t n);

/* SP1 stdin: a deque of byte buffers; WRITE to fd 14 pushes to the front. */
struct rt_input_queue {
    struct rt_bytes *bufs;   /* bufs[head .. head+count) */
    size_t head, count, cap;
};

/* State saved by ENTER_UNCONSTRAINED and put back by EXIT_UNCONSTRAINED (memory is the
 * copy-on-write view in struct rt_memory). */
struct rt_unconstrained_snapshot {
    uint64_t regs[32];
    uint64_t pc, clk, global_clk;
    uint64_t num_mem_reads;
    uint64_t *trace_tail;
    size_t public_values_len;
};

struct rt_job {
    const struct rvt_program *prog;
    const struct rvt_options *opt;
    struct rvt_result *res;
    struct rv_ctx ctx;
    struct rt_memory mem;
    struct rt_trace trace;
    struct rt_input_queue inputs;
    struct rt_bytes public_values;
    uint32_t committed[8];
    struct rt_unconstrained_snapshot snap;
    uint64_t instructions_unconstrained;  /* executed inside unconstrained blocks */
    uint64_t ecalls;
    int halted;
    int exit_code;
    int stopped;                          /* a fault or error ended the run */
    struct rt_tierup *tierup;             /* tier1/tiered runs (runtime/tierup.h), else NULL */
};

int rt_job_init(struct rt_job *job, const struct rvt_program *p, const struct rvt_options *o,
                struct rvt_result *res);
void rt_job_fini(struct rt_job *job);

/* Stop the run with status s and a message (what, where, what to do). Returns -1. */
int rt_job_fail(struct rt_job *job, enum rvt_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Guest output to fd 1/2 through the options' callback (or the host's own fds). */
void rt_job_output(struct rt_job *job, int fd, const uint8_t *data, size_t len);

/* Input queue (SP1 stdin). */
int rt_inputs_push_back(struct rt_input_queue *q, const uint8_t *d, size_t n);
int rt_inputs_push_front(struct rt_input_queue *q, const uint8_t *d, size_t n);
struct rt_bytes *rt_inputs_front(struct rt_input_queue *q);   /* NULL if empty */
void rt_inputs_pop_front(struct rt_input_queue *q);            /* frees the buffer */
void rt_inputs_free(struct rt_input_queue *q);

/* Faults shared by every tier, so the messages are identical in every mode. Each returns -1
 * after rt_job_fail(). kind: "load", "store", "jump", ... */
int rt_fault_mem(struct rt_job *job, uint64_t pc, uint64_t addr, unsigned size, int is_store);
int rt_fault_jump(struct rt_job *job, uint64_t pc, uint64_t target);
int rt_fault_trap(struct rt_job *job, uint64_t pc, uint32_t word);
int rt_fault_cycles(struct rt_job *job, uint64_t pc);

#endif
