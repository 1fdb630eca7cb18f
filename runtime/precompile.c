/* precompile.c — the built-in precompile table, the generic executor (checks, copy in, libffi
 * call, schedule replay) and loading more precompiles from shared libraries. See precompile.h;
 * the schedules are SP1's, step by step, in docs/syscalls.md. */
#include "runtime/precompile.h"

#include <dlfcn.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/job.h"
#include "runtime/trace.h"

#define R(a, f, n) {RT_PC_READ, (a), (f), (n)}
#define P(a, f, n) {RT_PC_PEEK, (a), (f), (n)}
#define W(a, f, n) {RT_PC_WRITE, (a), (f), (n)}
#define BUMP {RT_PC_BUMP, 0, 0, 0}
#define LOOP(n) {RT_PC_LOOP, 0, 0, (n)}
#define END {RT_PC_END, 0, 0, 0}

const struct rt_precompile rt_precompiles_builtin[] = {
    /* sha256/extend.rs: bump; then for i in 16..64: read w[i-15], w[i-2], w[i-16], w[i-7],
     * write w[i], bump. a1 must be 0. */
    {.code = 0x00300105, .name = "SHA_EXTEND", .n_args = 1, .args = {{RV_REG_A0, 64}},
     .zero_regs = 1u << RV_REG_A1,
     .steps = {BUMP, LOOP(48), R(0, 1, 1), R(0, 14, 1), R(0, 0, 1), R(0, 9, 1), W(0, 16, 1), BUMP,
               END},
     .fn = (rt_pc_fn *)rt_pc_sha_extend},
    /* sha256/compress.rs: read h[0..8]; bump; read w[0..64]; bump; write h[0..8]. */
    {.code = 0x00010106, .name = "SHA_COMPRESS", .n_args = 2,
     .args = {{RV_REG_A0, 64}, {RV_REG_A1, 8}},
     .steps = {R(1, 0, 8), BUMP, R(0, 0, 64), BUMP, W(1, 0, 8)},
     .fn = (rt_pc_fn *)rt_pc_sha_compress},
    /* keccak.rs: read state[0..25]; bump; write state[0..25]. a1 must be 0. */
    {.code = 0x00010109, .name = "KECCAK_PERMUTE", .n_args = 1, .args = {{RV_REG_A0, 25}},
     .zero_regs = 1u << RV_REG_A1,
     .steps = {R(0, 0, 25), BUMP, W(0, 0, 25)},
     .fn = (rt_pc_fn *)rt_pc_keccak_permute},
    /* uint256.rs: x read without stamping (mr_slice_unsafe), y and modulus read; bump; write x. */
    {.code = 0x0001011D, .name = "UINT256_MUL", .n_args = 2,
     .args = {{RV_REG_A0, 4}, {RV_REG_A1, 8}},
     .steps = {P(0, 0, 4), R(1, 0, 8), BUMP, W(0, 0, 4)},
     .fn = (rt_pc_fn *)rt_pc_uint256_mul},
};
const size_t rt_precompiles_builtin_count =
    sizeof rt_precompiles_builtin / sizeof rt_precompiles_builtin[0];

/* ---- layout checks ---- */

static size_t schedule_len(const struct rt_precompile *p)
{
    size_t n = 0;
    while (n < RT_PC_MAX_STEPS && p->steps[n].kind != RT_PC_STOP)
        n++;
    return n;
}

int rt_precompile_check(const struct rt_precompile *p, char *err, size_t errlen)
{
    const char *name = p->name ? p->name : "(unnamed)";
#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)
    if (!p->name || !p->fn)
        BAD("precompile 0x%08x: name and function must be set", p->code);
    if (p->n_args == 0 || p->n_args > RT_PC_MAX_ARGS)
        BAD("precompile %s: %u arguments (1 to %d allowed)", name, p->n_args, RT_PC_MAX_ARGS);
    unsigned total = 0;
    for (unsigned i = 0; i < p->n_args; i++) {
        if (p->args[i].reg == 0 || p->args[i].reg > 31 || p->args[i].dwords == 0)
            BAD("precompile %s: argument %u needs a register x1..x31 and at least one "
                "doubleword", name, i);
        total += p->args[i].dwords;
    }
    if (total > RT_PC_MAX_DWORDS)
        BAD("precompile %s: %u doublewords in all (at most %d)", name, total, RT_PC_MAX_DWORDS);
    size_t n = schedule_len(p);
    unsigned loop = 0;       /* iterations of the open LOOP, 0 outside */
    for (size_t i = 0; i < n; i++) {
        const struct rt_pc_step *s = &p->steps[i];
        switch (s->kind) {
        case RT_PC_READ:
        case RT_PC_PEEK:
        case RT_PC_WRITE: {
            if (s->arg >= p->n_args || s->count == 0)
                BAD("precompile %s: step %zu names argument %u of %u or has no doublewords",
                    name, i, s->arg, p->n_args);
            unsigned last = s->first + s->count + (loop ? loop - 1 : 0);
            if (last > p->args[s->arg].dwords)
                BAD("precompile %s: step %zu reaches doubleword %u of argument %u, which has %u",
                    name, i, last - 1, s->arg, p->args[s->arg].dwords);
            break;
        }
        case RT_PC_BUMP:
            break;
        case RT_PC_LOOP:
            if (loop || s->count == 0)
                BAD("precompile %s: step %zu: loops cannot nest and need a count", name, i);
            loop = s->count;
            break;
        case RT_PC_END:
            if (!loop)
                BAD("precompile %s: step %zu: END without LOOP", name, i);
            loop = 0;
            break;
        default:
            BAD("precompile %s: step %zu has unknown kind %u", name, i, s->kind);
        }
    }
    if (loop)
        BAD("precompile %s: LOOP without END", name);
    if (rt_precompile_records(p) > RV_TRACE_SLACK_RECORDS)
        BAD("precompile %s: leaves %llu trace records per call (at most %d)", name,
            (unsigned long long)rt_precompile_records(p), RV_TRACE_SLACK_RECORDS);
#undef BAD
    return 0;
}

uint64_t rt_precompile_records(const struct rt_precompile *p)
{
    uint64_t n = 0, times = 1;
    for (size_t i = 0; i < schedule_len(p); i++) {
        const struct rt_pc_step *s = &p->steps[i];
        if (s->kind == RT_PC_LOOP)
            times = s->count;
        else if (s->kind == RT_PC_END)
            times = 1;
        else if (s->kind == RT_PC_READ || s->kind == RT_PC_PEEK)
            n += times * s->count;
        else if (s->kind == RT_PC_WRITE)
            n += 2 * times * s->count;
    }
    return n;
}

const struct rt_precompile *rt_precompile_find(const struct rt_precompile_set *s, uint32_t code)
{
    for (size_t i = 0; i < rt_precompiles_builtin_count; i++)
        if (rt_precompiles_builtin[i].code == code)
            return &rt_precompiles_builtin[i];
    if (s)
        for (size_t i = 0; i < s->n; i++)
            if (s->entries[i].code == code)
                return &s->entries[i];
    return NULL;
}

/* ---- the generic executor ---- */

/* One READ/PEEK/WRITE step at loop index idx, with the memory clock clk. */
static void replay_step(struct rv_ctx *c, const struct rt_pc_step *s, unsigned idx, uint64_t clk,
                        int tracing, const uint64_t *ptrs, uint64_t *const *bufs)
{
    for (unsigned k = 0; k < s->count; k++) {
        unsigned dw = s->first + idx + k;
        uint64_t *e = rt_mem_entry(c->mem, ptrs[s->arg] + 8ULL * dw);
        if (s->kind == RT_PC_WRITE) {
            uint64_t v = bufs[s->arg][dw];
            if (tracing) {
                rt_trace_push(c, e[0], e[1]);
                rt_trace_push(c, clk, v);
            }
            e[0] = clk;
            e[1] = v;
        } else if (tracing) {
            rt_trace_push(c, e[0], e[1]);
            if (s->kind == RT_PC_READ)
                e[0] = clk;
        }
    }
}

static void replay(struct rv_ctx *c, const struct rt_precompile *p, const uint64_t *ptrs,
                   uint64_t *const *bufs)
{
    const int tracing = rt_tracing(c);
    uint64_t clk = c->clk;
    size_t n = schedule_len(p);
    for (size_t i = 0; i < n; i++) {
        const struct rt_pc_step *s = &p->steps[i];
        if (s->kind == RT_PC_BUMP) {
            clk++;
        } else if (s->kind == RT_PC_LOOP) {
            size_t end = i + 1;
            while (p->steps[end].kind != RT_PC_END)
                end++;
            for (unsigned it = 0; it < s->count; it++)
                for (size_t j = i + 1; j < end; j++) {
                    if (p->steps[j].kind == RT_PC_BUMP)
                        clk++;
                    else
                        replay_step(c, &p->steps[j], it, clk, tracing, ptrs, bufs);
                }
            i = end;
        } else {
            replay_step(c, s, 0, clk, tracing, ptrs, bufs);
        }
    }
}

enum rt_sc_result rt_precompile_exec(struct rt_job *job, const struct rt_precompile *p)
{
    struct rv_ctx *c = &job->ctx;
    for (unsigned r = 1; r < 32; r++)
        if ((p->zero_regs >> r & 1) && c->regs[r] != 0) {
            rt_job_fail(job, RVT_SYSCALL_ERROR,
                        "syscall %s at pc 0x%llx: register x%u is 0x%llx but must be 0; "
                        "check the guest's call of this precompile",
                        p->name, (unsigned long long)c->pc, r, (unsigned long long)c->regs[r]);
            return RT_SC_STOP;
        }

    uint64_t buf[RT_PC_MAX_DWORDS];
    uint64_t ptrs[RT_PC_MAX_ARGS];
    uint64_t *bufs[RT_PC_MAX_ARGS];
    unsigned used = 0;
    for (unsigned i = 0; i < p->n_args; i++) {
        const struct rt_pc_arg *a = &p->args[i];
        uint64_t ptr = c->regs[a->reg];
        if ((ptr & 7) || !rt_mem_range_ok(ptr, 8ULL * a->dwords)) {
            rt_job_fail(job, RVT_SYSCALL_ERROR,
                        "syscall %s at pc 0x%llx: argument x%u = 0x%llx must be 8-aligned with "
                        "%u doublewords inside guest memory [0, 2^40); check the pointer the "
                        "guest passes",
                        p->name, (unsigned long long)c->pc, a->reg, (unsigned long long)ptr,
                        a->dwords);
            return RT_SC_STOP;
        }
        ptrs[i] = ptr;
        bufs[i] = buf + used;
        for (unsigned k = 0; k < a->dwords; k++)
            bufs[i][k] = rt_mem_entry(c->mem, ptr + 8ULL * k)[1];
        used += a->dwords;
    }

    ffi_cif cif;
    ffi_type *types[RT_PC_MAX_ARGS];
    void *values[RT_PC_MAX_ARGS];
    for (unsigned i = 0; i < p->n_args; i++) {
        types[i] = &ffi_type_pointer;
        values[i] = &bufs[i];
    }
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, p->n_args, &ffi_type_sint, types) != FFI_OK) {
        rt_job_fail(job, RVT_HOST_ERROR, "syscall %s at pc 0x%llx: libffi cannot prepare the "
                    "call (%u pointer arguments)", p->name, (unsigned long long)c->pc, p->n_args);
        return RT_SC_STOP;
    }
    ffi_arg rc = 0;
    ffi_call(&cif, p->fn, &rc, values);
    if ((int)rc != 0) {
        rt_job_fail(job, RVT_SYSCALL_ERROR,
                    "syscall %s at pc 0x%llx: the precompile rejected its input (returned %d); "
                    "check the values the guest passes",
                    p->name, (unsigned long long)c->pc, (int)rc);
        return RT_SC_STOP;
    }
    replay(c, p, ptrs, bufs);
    return RT_SC_NEXT;
}

/* ---- sets and libraries ---- */

void rt_precompile_set_init(struct rt_precompile_set *s)
{
    memset(s, 0, sizeof *s);
}

void rt_precompile_set_free(struct rt_precompile_set *s)
{
    free(s->entries);
    for (size_t i = 0; i < s->n_libs; i++)
        dlclose(s->libs[i]);
    free(s->libs);
    memset(s, 0, sizeof *s);
}

/* Is code one that a library may not take: a syscall run by rvtier itself, a built-in
 * precompile, or one already loaded? Returns what holds it, or NULL. */
static const char *code_taken(const struct rt_precompile_set *s, uint32_t code)
{
#define RT_SYSCALL(name, c, fn, flags) \
    if (code == (c) && !((flags) & RT_SYS_PRECOMPILE)) return "an rvtier syscall";
#include "runtime/syscalls.def"
#undef RT_SYSCALL
    for (size_t i = 0; i < rt_precompiles_builtin_count; i++)
        if (rt_precompiles_builtin[i].code == code)
            return "a built-in precompile";
    for (size_t i = 0; s && i < s->n; i++)
        if (s->entries[i].code == code)
            return "a precompile loaded before";
    return NULL;
}

int rt_precompile_load_library(struct rt_precompile_set *s, const char *path, char *err,
                               size_t errlen)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, errlen, "cannot load precompile library %s: %s; give the path of a shared "
                 "library built against runtime/precompile.h", path, dlerror());
        return -1;
    }
    const struct rt_precompile_table *t = dlsym(h, RT_PRECOMPILE_TABLE_SYMBOL);
    char why[256];
    if (!t) {
        snprintf(err, errlen, "precompile library %s does not export the symbol %s; define "
                 "`const struct rt_precompile_table %s` in it", path, RT_PRECOMPILE_TABLE_SYMBOL,
                 RT_PRECOMPILE_TABLE_SYMBOL);
        goto fail;
    }
    if (t->abi_version != RT_PRECOMPILE_ABI_VERSION) {
        snprintf(err, errlen, "precompile library %s has table version %u, this rvtier reads "
                 "version %d; rebuild it against this runtime/precompile.h", path, t->abi_version,
                 RT_PRECOMPILE_ABI_VERSION);
        goto fail;
    }
    for (uint32_t i = 0; i < t->count; i++) {
        const struct rt_precompile *p = &t->entries[i];
        if (rt_precompile_check(p, why, sizeof why) != 0) {
            snprintf(err, errlen, "precompile library %s, entry %u: %s", path, i, why);
            goto fail;
        }
        const char *taken = code_taken(s, p->code);
        for (uint32_t j = 0; !taken && j < i; j++)
            if (t->entries[j].code == p->code)
                taken = "an earlier entry of the same table";
        if (taken) {
            snprintf(err, errlen, "precompile library %s, entry %u (%s): code 0x%08x is already "
                     "%s; choose another code", path, i, p->name, p->code, taken);
            goto fail;
        }
    }
    if (s->n + t->count > s->cap) {
        size_t cap = s->cap ? s->cap : 8;
        while (cap < s->n + t->count)
            cap *= 2;
        struct rt_precompile *e = realloc(s->entries, cap * sizeof *e);
        if (!e) {
            snprintf(err, errlen, "out of memory loading precompile library %s", path);
            goto fail;
        }
        s->entries = e;
        s->cap = cap;
    }
    void **libs = realloc(s->libs, (s->n_libs + 1) * sizeof *libs);
    if (!libs) {
        snprintf(err, errlen, "out of memory loading precompile library %s", path);
        goto fail;
    }
    s->libs = libs;
    s->libs[s->n_libs++] = h;
    if (t->count)
        memcpy(s->entries + s->n, t->entries, t->count * sizeof *t->entries);
    s->n += t->count;
    return 0;
fail:
    dlclose(h);
    return -1;
}
