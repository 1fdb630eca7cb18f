/* syscall.c — rt_syscall(): the one syscall path every tier calls at an ECALL.
 *
 * SP1 ABI: code in t0, arguments a0, a1 (a2 for WRITE), result in t0; the codes and their
 * handlers are the data in syscalls.def, precompiles the tables of precompile.h. Linux ABI
 * (--abi linux): a7 = number, exit/exit_group/write only, no trace records.
 * Semantics, with the SP1 sources they follow: docs/syscalls.md.
 * Usage: see syscall.h (the caller advances pc/clk/global_clk after RT_SC_NEXT). */
#include "runtime/syscall.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/job.h"
#include "runtime/precompile.h"
#include "runtime/trace.h"

/* SP1 file descriptors (sp1-primitives consts::fd). */
enum {
    FD_STDOUT = 1,
    FD_STDERR = 2,
    FD_PUBLIC_VALUES = 13,
    FD_HINT = 14,
    FD_HOOK_FIRST = 15,     /* ECRECOVER, ED_DECOMPRESS, RSA_MUL_MOD, BLS12_381_SQRT, */
    FD_HOOK_LAST = 21,      /* BLS12_381_INVERSE, FP_SQRT, FP_INV */
};

/* Linux ABI numbers (riscv64 asm-generic). */
enum { LINUX_WRITE = 64, LINUX_EXIT = 93, LINUX_EXIT_GROUP = 94 };

typedef enum rt_sc_result sc_fn(struct rt_job *job, uint32_t code, const char *name);

static enum rt_sc_result sc_fail(struct rt_job *job, enum rvt_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum rt_sc_result sc_fail(struct rt_job *job, enum rvt_status s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rt_job_fail(job, s, "%s", msg);
    return RT_SC_STOP;
}

#define PC(job) ((unsigned long long)(job)->ctx.pc)
#define REG(job, r) ((job)->ctx.regs[r])

const char *rt_syscall_name(uint32_t code)
{
    switch (code) {
#define RT_SYSCALL(name, c, fn, flags) case c: return #name;
#include "runtime/syscalls.def"
#undef RT_SYSCALL
    default:
        return NULL;
    }
}

/* Copies guest bytes [a, a+len) out in pieces and hands each to sink (fd 1/2 and 13 need no
 * single contiguous copy). Returns -1 if sink failed. */
static int for_each_piece(struct rt_job *job, uint64_t a, uint64_t len, int fd,
                          int (*sink)(struct rt_job *, int, const uint8_t *, size_t))
{
    uint8_t piece[16384];
    while (len) {
        size_t n = len < sizeof piece ? (size_t)len : sizeof piece;
        rt_mem_read(job->ctx.mem, a, piece, n);
        if (sink(job, fd, piece, n) != 0)
            return -1;
        a += n;
        len -= n;
    }
    return 0;
}

static int sink_output(struct rt_job *job, int fd, const uint8_t *d, size_t n)
{
    rt_job_output(job, fd, d, n);
    return 0;
}

static int sink_public_values(struct rt_job *job, int fd, const uint8_t *d, size_t n)
{
    (void)fd;
    return rt_bytes_append(&job->public_values, d, n);
}

/* ---- SP1 syscalls ---- */

static enum rt_sc_result sc_halt(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    job->halted = 1;
    /* SP1 keeps a0 as u32, but its guests pass a u8 (syscall_halt(exit_code: u8)) and a
     * process status holds 8 bits: rvtier keeps the low 8 bits under both ABIs. */
    job->exit_code = (int)(REG(job, RV_REG_A0) & 0xff);
    return RT_SC_HALT;
}

static enum rt_sc_result sc_write(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    uint64_t fd = REG(job, RV_REG_A0), buf = REG(job, RV_REG_A1), len = REG(job, RV_REG_A2);
    if (!rt_mem_range_ok(buf, len))
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall WRITE at pc 0x%llx: buffer 0x%llx with %llu bytes (fd %llu) is "
                       "outside guest memory [0, 2^40); check the pointer and length the guest "
                       "passes in a1, a2",
                       PC(job), (unsigned long long)buf, (unsigned long long)len,
                       (unsigned long long)fd);
    if (fd == FD_STDOUT || fd == FD_STDERR) {
        for_each_piece(job, buf, len, (int)fd, sink_output);
        return RT_SC_NEXT;
    }
    if (fd == FD_PUBLIC_VALUES) {
        if (for_each_piece(job, buf, len, (int)fd, sink_public_values) != 0)
            return sc_fail(job, RVT_HOST_ERROR, "syscall WRITE at pc 0x%llx: out of memory "
                           "holding %llu bytes of public values", PC(job),
                           (unsigned long long)(job->public_values.len + len));
        return RT_SC_NEXT;
    }
    if (fd == FD_HINT) {
        uint8_t *d = malloc(len ? len : 1);
        if (!d)
            return sc_fail(job, RVT_HOST_ERROR, "syscall WRITE at pc 0x%llx: out of memory for "
                           "a %llu-byte hint", PC(job), (unsigned long long)len);
        rt_mem_read(job->ctx.mem, buf, d, len);
        int r = rt_inputs_push_front(&job->inputs, d, len);
        free(d);
        if (r != 0)
            return sc_fail(job, RVT_HOST_ERROR, "syscall WRITE at pc 0x%llx: out of memory "
                           "queueing a %llu-byte hint", PC(job), (unsigned long long)len);
        return RT_SC_NEXT;
    }
    if (fd >= FD_HOOK_FIRST && fd <= FD_HOOK_LAST)
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall WRITE at pc 0x%llx: fd %llu is an SP1 host hook (ecrecover, "
                       "ed_decompress, rsa_mul_mod, bls12_381 sqrt/inverse, fp sqrt/inverse), "
                       "which rvtier does not implement; avoid the hook in the guest",
                       PC(job), (unsigned long long)fd);
    return RT_SC_NEXT;   /* SP1 warns about other fds and ignores the write */
}

static enum rt_sc_result sc_enter(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    struct rv_ctx *c = &job->ctx;
    struct rt_unconstrained_snapshot *s = &job->snap;
    memcpy(s->regs, c->regs, sizeof s->regs);
    s->pc = c->pc;
    s->clk = c->clk;
    s->global_clk = c->global_clk;
    s->num_mem_reads = c->num_mem_reads;
    s->trace_tail = c->trace_tail;
    s->public_values_len = job->public_values.len;
    char err[256];
    if (rt_mem_snapshot(&job->mem, err, sizeof err) != 0)
        return sc_fail(job, RVT_HOST_ERROR, "syscall ENTER_UNCONSTRAINED at pc 0x%llx: %s",
                       PC(job), err);
    c->mem = job->mem.base;
    c->is_unconstrained = 1;
    c->regs[RV_REG_T0] = 1;
    /* SP1 adds global_clk after the handler, by the mode it leaves: ENTER itself is not
     * counted (it is at EXIT), so this ECALL advances pc and clk only. */
    c->pc += 4;
    c->clk += RV_CLK_STEP + RV_CLK_ECALL_XTRA;
    return RT_SC_RESUME;
}

static enum rt_sc_result sc_exit(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    struct rv_ctx *c = &job->ctx;
    if (!c->is_unconstrained)
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall EXIT_UNCONSTRAINED at pc 0x%llx outside an unconstrained block; "
                       "pair it with ENTER_UNCONSTRAINED in the guest", PC(job));
    char err[256];
    if (rt_mem_restore(&job->mem, err, sizeof err) != 0)
        return sc_fail(job, RVT_HOST_ERROR, "syscall EXIT_UNCONSTRAINED at pc 0x%llx: %s",
                       PC(job), err);
    const struct rt_unconstrained_snapshot *s = &job->snap;
    c->mem = job->mem.base;
    memcpy(c->regs, s->regs, sizeof c->regs);
    c->regs[RV_REG_T0] = 0;
    c->pc = s->pc + 4;
    c->clk = s->clk + RV_CLK_STEP + RV_CLK_ECALL_XTRA;
    c->global_clk = s->global_clk + 1;
    c->is_unconstrained = 0;
    return RT_SC_RESUME;
}

static enum rt_sc_result sc_commit(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    uint64_t i = REG(job, RV_REG_A0);
    if (i >= 8)
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall COMMIT at pc 0x%llx: digest word index %llu (a0) is out of range "
                       "(0..7); the guest's commit loop is broken", PC(job),
                       (unsigned long long)i);
    job->committed[i] = (uint32_t)REG(job, RV_REG_A1);
    return RT_SC_NEXT;
}

static enum rt_sc_result sc_nop(struct rt_job *job, uint32_t code, const char *name)
{
    (void)job, (void)code, (void)name;
    return RT_SC_NEXT;
}

static enum rt_sc_result sc_hint_len(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    struct rv_ctx *c = &job->ctx;
    const struct rt_bytes *front = rt_inputs_front(&job->inputs);
    uint64_t v = front ? front->len : UINT64_MAX;
    if (rt_tracing(c))
        rt_trace_push(c, UINT64_MAX, v);
    c->regs[RV_REG_T0] = v;
    return RT_SC_NEXT;
}

static enum rt_sc_result sc_hint_read(struct rt_job *job, uint32_t code, const char *name)
{
    (void)code, (void)name;
    struct rv_ctx *c = &job->ctx;
    uint64_t ptr = REG(job, RV_REG_A0), len = REG(job, RV_REG_A1);
    const struct rt_bytes *front = rt_inputs_front(&job->inputs);
    if (!front)
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall HINT_READ at pc 0x%llx: the input stream is exhausted (no buffer "
                       "left to read); give the guest every input it reads (--input, "
                       "--input-hex, --input-u64)", PC(job));
    if (front->len != len)
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall HINT_READ at pc 0x%llx: the guest reads %llu bytes (a1) but the "
                       "next input buffer has %zu; check the order and sizes of the inputs",
                       PC(job), (unsigned long long)len, front->len);
    /* SP1 writes len/8 whole doublewords and then always one more holding the remaining
     * len%8 bytes, zero-padded (a zero doubleword when len%8 == 0). */
    uint64_t full = len / 8;
    if ((ptr & 7) || !rt_mem_range_ok(ptr, 8 * (full + 1)))
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall HINT_READ at pc 0x%llx: destination 0x%llx (a0) for %llu bytes "
                       "must be 8-aligned with %llu doublewords inside guest memory [0, 2^40); "
                       "check the buffer the guest passes",
                       PC(job), (unsigned long long)ptr, (unsigned long long)len,
                       (unsigned long long)(full + 1));
    const uint8_t *d = front->data;
    for (uint64_t i = 0; i < full; i++) {
        uint64_t *e = rt_mem_entry(c->mem, ptr + 8 * i);
        e[0] = 0;
        memcpy(&e[1], d + 8 * i, 8);
    }
    uint64_t last = 0;
    if (len % 8)
        memcpy(&last, d + 8 * full, len % 8);
    uint64_t *e = rt_mem_entry(c->mem, ptr + 8 * full);
    e[0] = 0;
    e[1] = last;
    rt_inputs_pop_front(&job->inputs);
    return RT_SC_NEXT;
}

static enum rt_sc_result sc_precompile(struct rt_job *job, uint32_t code, const char *name)
{
    const struct rt_precompile *p = rt_precompile_find(job->opt->precompiles, code);
    if (!p)
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall %s (0x%08x) at pc 0x%llx: this SP1 precompile is not built into "
                       "rvtier; load a library that provides it (rt_precompile_load_library) or "
                       "avoid it in the guest", name, code, PC(job));
    return rt_precompile_exec(job, p);
}

static enum rt_sc_result sc_unsupported(struct rt_job *job, uint32_t code, const char *name)
{
    return sc_fail(job, RVT_SYSCALL_ERROR,
                   "syscall %s (0x%08x) at pc 0x%llx is not supported by rvtier; avoid it in "
                   "the guest", name, code, PC(job));
}

static enum rt_sc_result sp1_dispatch(struct rt_job *job, uint32_t code, const char *name,
                                      unsigned flags, sc_fn *fn)
{
    struct rv_ctx *c = &job->ctx;
    if (c->is_unconstrained && !(flags & RT_SYS_UNCONSTRAINED_OK))
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "syscall %s (0x%08x) at pc 0x%llx inside an unconstrained block: SP1 "
                       "allows only WRITE and EXIT_UNCONSTRAINED there; move the call out of "
                       "the block", name, code, PC(job));
    /* SP1 answers code (t0 as u32) when a syscall has no result of its own. */
    c->regs[RV_REG_T0] = code;
    return fn(job, code, name);
}

static enum rt_sc_result sp1_syscall(struct rt_job *job)
{
    uint32_t code = (uint32_t)REG(job, RV_REG_T0);
    switch (code) {
#define RT_SYSCALL(name, c, fn, flags) case c: return sp1_dispatch(job, code, #name, flags, fn);
#include "runtime/syscalls.def"
#undef RT_SYSCALL
    default:
        break;
    }
    const struct rt_precompile *p = rt_precompile_find(job->opt->precompiles, code);
    if (p)   /* a library precompile with a code of its own */
        return sp1_dispatch(job, code, p->name, RT_SYS_PRECOMPILE, sc_precompile);
    return sc_fail(job, RVT_SYSCALL_ERROR,
                   "unknown syscall code 0x%08x (t0 = 0x%llx) at pc 0x%llx; the guest was built "
                   "for another SP1 version, or it needs a precompile library, or t0 is corrupt",
                   code, (unsigned long long)REG(job, RV_REG_T0), PC(job));
}

/* ---- Linux ABI ---- */

static enum rt_sc_result linux_syscall(struct rt_job *job)
{
    uint64_t nr = REG(job, RV_REG_A7);
    switch (nr) {
    case LINUX_EXIT:
    case LINUX_EXIT_GROUP:
        job->halted = 1;
        job->exit_code = (int)(REG(job, RV_REG_A0) & 0xff);   /* as the kernel reports it */
        return RT_SC_HALT;
    case LINUX_WRITE: {
        uint64_t fd = REG(job, RV_REG_A0), buf = REG(job, RV_REG_A1), len = REG(job, RV_REG_A2);
        if (fd != FD_STDOUT && fd != FD_STDERR)
            return sc_fail(job, RVT_SYSCALL_ERROR,
                           "Linux write at pc 0x%llx to fd %llu: only fd 1 and 2 exist under "
                           "--abi linux", PC(job), (unsigned long long)fd);
        if (!rt_mem_range_ok(buf, len))
            return sc_fail(job, RVT_SYSCALL_ERROR,
                           "Linux write at pc 0x%llx: buffer 0x%llx with %llu bytes is outside "
                           "guest memory [0, 2^40); check the pointer and length in a1, a2",
                           PC(job), (unsigned long long)buf, (unsigned long long)len);
        for_each_piece(job, buf, len, (int)fd, sink_output);
        job->ctx.regs[RV_REG_A0] = len;
        return RT_SC_NEXT;
    }
    default:
        return sc_fail(job, RVT_SYSCALL_ERROR,
                       "Linux syscall %llu (a7) at pc 0x%llx is not supported: --abi linux "
                       "implements write (64) to fd 1/2, exit (93) and exit_group (94)",
                       (unsigned long long)nr, PC(job));
    }
}

enum rt_sc_result rt_syscall(struct rt_job *job)
{
    if (job->opt->abi == RVT_ABI_LINUX)
        return linux_syscall(job);
    return sp1_syscall(job);
}
