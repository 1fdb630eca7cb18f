/* trace_replay.c — see trace_replay.h. One chunk at a time: the chunk's header and records, the
 * next chunk's header (the state this one must end in), a small interpreter whose loads, stores,
 * HINT_LEN and precompile steps take their values from the records, and a sparse map of the
 * doublewords the chunk has touched so later records can be checked against earlier ones. */
#include "runtime/trace_replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/ctx.h"
#include "runtime/memory.h"
#include "runtime/precompile.h"
#include "runtime/program.h"
#include "runtime/trace.h"
#include "tiers/semantics.h"

/* SP1 codes, from syscalls.def (RP_HALT, RP_WRITE, ...). */
enum {
#define RT_SYSCALL(name, c, fn, flags) RP_##name = c,
#include "runtime/syscalls.def"
#undef RT_SYSCALL
};
enum { FD_HOOK_FIRST = 15, FD_HOOK_LAST = 21 };
enum { LINUX_WRITE = 64, LINUX_EXIT = 93, LINUX_EXIT_GROUP = 94 };

/* A doubleword the chunk touched: key = address / 8 + 1 (0 = empty slot). known = 0 after
 * HINT_READ overwrote it (its next record comes from the hint, with clk 0). */
struct mem_slot {
    uint64_t key, clk, value;
    int known;
};

struct replay {
    const struct rvt_program *prog;
    enum rvt_abi abi;
    const struct rt_precompile_set *pcs;
    uint64_t chunk_size;

    /* the chunk being replayed */
    uint64_t n;                          /* its index */
    const struct rv_trace_header *h;
    const struct rv_mem_record *rec;
    uint64_t used;                       /* records consumed */
    int last;
    struct mem_slot *map;
    size_t map_cap;                      /* power of two */

    /* replay state */
    uint64_t regs[32], pc, clk, global_clk;
    int halted;
    int unc_candidate;                   /* an ENTER after which the run may have stopped */

    uint64_t instructions, records;
    char *err;
    size_t errlen;
};

static int fail(struct replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct replay *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

#define ULL(v) ((unsigned long long)(v))

/* ---- the chunk's memory map ---- */

static struct mem_slot *map_find(struct replay *r, uint64_t a, int insert)
{
    uint64_t key = (a >> 3) + 1;
    size_t mask = r->map_cap - 1;
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
    while (r->map[i].key != 0 && r->map[i].key != key)
        i = (i + 1) & mask;
    if (r->map[i].key == 0) {
        if (!insert)
            return NULL;
        r->map[i].key = key;
    }
    return &r->map[i];
}

/* Sized for the chunk: every slot is made by a record, so twice the records always fits. */
static int map_reset(struct replay *r, uint64_t records)
{
    size_t cap = 64;
    while (cap < 2 * records + 2)
        cap *= 2;
    if (cap > r->map_cap) {
        free(r->map);
        r->map = malloc(cap * sizeof *r->map);
        if (!r->map) {
            r->map_cap = 0;
            return fail(r, "out of memory replaying chunk %llu (%llu records)", ULL(r->n),
                        ULL(records));
        }
        r->map_cap = cap;
    }
    memset(r->map, 0, r->map_cap * sizeof *r->map);
    return 0;
}

/* Takes the next record for an access to doubleword a (what: "8-byte load", ...) and checks it
 * against what the chunk left there before, or, on first touch, that it predates the chunk. */
static int take_mem(struct replay *r, uint64_t a, const char *what, struct rv_mem_record *out)
{
    if (r->used >= r->h->num_mem_reads)
        return fail(r, "chunk %llu, pc 0x%llx: the %s of 0x%llx needs record %llu, but the chunk "
                    "has only %llu records (num_mem_reads); the record count is short",
                    ULL(r->n), ULL(r->pc), what, ULL(a), ULL(r->used), ULL(r->h->num_mem_reads));
    *out = r->rec[r->used];
    struct mem_slot *s = map_find(r, a, 0);
    if (s && s->known) {
        if (out->clk != s->clk || out->value != s->value)
            return fail(r, "chunk %llu, pc 0x%llx: record %llu (%s of doubleword 0x%llx) is "
                        "{clk %llu, value 0x%llx}, but earlier in the chunk that doubleword was "
                        "left as {clk %llu, value 0x%llx}", ULL(r->n), ULL(r->pc), ULL(r->used),
                        what, ULL(a & ~7ull), ULL(out->clk), ULL(out->value), ULL(s->clk),
                        ULL(s->value));
    } else if (out->clk >= r->h->clk_start) {
        return fail(r, "chunk %llu, pc 0x%llx: record %llu (%s of doubleword 0x%llx, first "
                    "touched in this chunk) has clk %llu, not before the chunk's clk_start %llu",
                    ULL(r->n), ULL(r->pc), ULL(r->used), what, ULL(a & ~7ull), ULL(out->clk),
                    ULL(r->h->clk_start));
    }
    r->used++;
    return 0;
}

static void map_set(struct replay *r, uint64_t a, uint64_t clk, uint64_t value)
{
    struct mem_slot *s = map_find(r, a, 1);
    s->clk = clk;
    s->value = value;
    s->known = 1;
}

/* HINT_READ wrote [ptr, ptr + 8*dwords) without records: forget what the chunk knew there. */
static void map_forget(struct replay *r, uint64_t ptr, uint64_t dwords)
{
    if (dwords < r->map_cap) {
        for (uint64_t i = 0; i < dwords; i++) {
            struct mem_slot *s = map_find(r, ptr + 8 * i, 0);
            if (s)
                s->known = 0;
        }
        return;
    }
    for (size_t i = 0; i < r->map_cap; i++) {
        uint64_t a = (r->map[i].key - 1) * 8;
        if (r->map[i].key && a >= ptr && (a - ptr) / 8 < dwords)
            r->map[i].known = 0;
    }
}

/* ---- instructions ---- */

static inline void wr(struct replay *r, unsigned rd, uint64_t v)
{
    r->regs[rd] = v;
    r->regs[0] = 0;
}

static int would_fault(struct replay *r, const char *why)
{
    return fail(r, "chunk %llu, pc 0x%llx (clk %llu): %s, so the run would have stopped here, "
                "yet the chunk runs on to clk_end %llu", ULL(r->n), ULL(r->pc), ULL(r->clk), why,
                ULL(r->h->clk_end));
}

static int load(struct replay *r, uint64_t a, unsigned size, uint64_t *v)
{
    char what[64];
    snprintf(what, sizeof what, "%u-byte load", size);
    if ((a & (size - 1)) || a >= RV_MEM_ADDR_LIMIT) {
        snprintf(what, sizeof what, "misaligned or out-of-range %u-byte load of 0x%llx", size,
                 ULL(a));
        return would_fault(r, what);
    }
    struct rv_mem_record m;
    if (take_mem(r, a, what, &m) != 0)
        return -1;
    uint64_t x = m.value >> (8 * (a & 7));
    *v = size == 8 ? x : x & ((1ull << (8 * size)) - 1);
    map_set(r, a, r->clk + 1, m.value);
    return 0;
}

static int store(struct replay *r, uint64_t a, unsigned size, uint64_t v)
{
    char what[64];
    snprintf(what, sizeof what, "%u-byte store", size);
    if ((a & (size - 1)) || a >= RV_MEM_ADDR_LIMIT) {
        snprintf(what, sizeof what, "misaligned or out-of-range %u-byte store to 0x%llx", size,
                 ULL(a));
        return would_fault(r, what);
    }
    struct rv_mem_record m;
    if (take_mem(r, a, what, &m) != 0)
        return -1;
    unsigned sh = 8 * (unsigned)(a & 7);
    uint64_t mask = size == 8 ? UINT64_MAX : ((1ull << (8 * size)) - 1) << sh;
    map_set(r, a, r->clk + 1, (m.value & ~mask) | ((v << sh) & mask));
    return 0;
}

/* ---- syscalls ---- */

static int precompile(struct replay *r, const struct rt_precompile *p)
{
    for (unsigned g = 1; g < 32; g++)
        if ((p->zero_regs >> g & 1) && r->regs[g] != 0)
            return would_fault(r, "a precompile argument register that must be 0 is not");
    uint64_t ptrs[RT_PC_MAX_ARGS];
    for (unsigned i = 0; i < p->n_args; i++) {
        ptrs[i] = r->regs[p->args[i].reg];
        if ((ptrs[i] & 7) || !rt_mem_range_ok(ptrs[i], 8ull * p->args[i].dwords))
            return would_fault(r, "a precompile pointer is misaligned or outside memory");
    }
    uint64_t mclk = r->clk;   /* the memory clock of the schedule */
    size_t n = 0;
    while (n < RT_PC_MAX_STEPS && p->steps[n].kind != RT_PC_STOP)
        n++;
    for (size_t i = 0; i < n; i++) {
        size_t lo = i, hi = i + 1;
        unsigned times = 1;
        if (p->steps[i].kind == RT_PC_LOOP) {
            times = p->steps[i].count;
            lo = i + 1;
            hi = lo;
            while (hi < n && p->steps[hi].kind != RT_PC_END)
                hi++;
            i = hi;
        }
        for (unsigned it = 0; it < times; it++)
            for (size_t j = lo; j < hi; j++) {
                const struct rt_pc_step *s = &p->steps[j];
                if (s->kind == RT_PC_BUMP) {
                    mclk++;
                    continue;
                }
                for (unsigned k = 0; k < s->count; k++) {
                    uint64_t a = ptrs[s->arg] + 8ull * (s->first + it + k);
                    struct rv_mem_record m;
                    if (take_mem(r, a, p->name, &m) != 0)
                        return -1;
                    if (s->kind == RT_PC_READ) {
                        map_set(r, a, mclk, m.value);
                    } else if (s->kind == RT_PC_PEEK) {
                        map_set(r, a, m.clk, m.value);
                    } else {   /* WRITE: the old entry, then the new one */
                        if (r->used >= r->h->num_mem_reads)
                            return fail(r, "chunk %llu, pc 0x%llx: %s's write of 0x%llx needs a "
                                        "second record, but the chunk has only %llu",
                                        ULL(r->n), ULL(r->pc), p->name, ULL(a),
                                        ULL(r->h->num_mem_reads));
                        const struct rv_mem_record *w = &r->rec[r->used];
                        if (w->clk != mclk)
                            return fail(r, "chunk %llu, pc 0x%llx: record %llu (%s's new value "
                                        "of 0x%llx) has clk %llu, but the write happens at "
                                        "memory clock %llu", ULL(r->n), ULL(r->pc),
                                        ULL(r->used), p->name, ULL(a), ULL(w->clk), ULL(mclk));
                        map_set(r, a, mclk, w->value);
                        r->used++;
                    }
                }
            }
    }
    return 0;
}

/* SP1 ECALL. Returns 0 (go on), 1 (halted), -1 (error). Clocks are advanced by the caller. */
static int ecall_sp1(struct replay *r)
{
    uint32_t code = (uint32_t)r->regs[RV_REG_T0];
    uint64_t a0 = r->regs[RV_REG_A0], a1 = r->regs[RV_REG_A1], a2 = r->regs[RV_REG_A2];
    r->regs[RV_REG_T0] = code;   /* SP1's answer when a syscall has none of its own */
    switch (code) {
    case RP_HALT:
        return 1;
    case RP_WRITE:
        if (!rt_mem_range_ok(a1, a2))
            return would_fault(r, "WRITE's buffer is outside guest memory");
        if (a0 >= FD_HOOK_FIRST && a0 <= FD_HOOK_LAST)
            return would_fault(r, "WRITE to an SP1 host-hook fd, which rvtier does not run");
        return 0;
    case RP_ENTER_UNCONSTRAINED:
        /* Nothing inside the block is recorded and EXIT restores the state right after ENTER
         * with t0 = 0: pc + 4, clk + 264, global_clk + 1 (the caller's ECALL advance). If the
         * run stopped inside the block, this chunk (the last) ends with these records used and
         * this global_clk, somewhere at or after clk + 264. */
        if (r->last && !r->unc_candidate && r->used == r->h->num_mem_reads &&
            r->global_clk == r->h->global_clk_end &&
            r->h->clk_end >= r->clk + RV_CLK_STEP + RV_CLK_ECALL_XTRA)
            r->unc_candidate = 1;
        r->regs[RV_REG_T0] = 0;
        return 0;
    case RP_EXIT_UNCONSTRAINED:
        return would_fault(r, "EXIT_UNCONSTRAINED outside an unconstrained block");
    case RP_COMMIT:
        if (a0 >= 8)
            return would_fault(r, "COMMIT's word index (a0) is 8 or more");
        return 0;
    case RP_COMMIT_DEFERRED_PROOFS:
    case RP_VERIFY_SP1_PROOF:
        return 0;
    case RP_HINT_LEN:
        if (r->used >= r->h->num_mem_reads)
            return fail(r, "chunk %llu, pc 0x%llx: HINT_LEN needs record %llu, but the chunk has "
                        "only %llu records (num_mem_reads)", ULL(r->n), ULL(r->pc), ULL(r->used),
                        ULL(r->h->num_mem_reads));
        if (r->rec[r->used].clk != UINT64_MAX)
            return fail(r, "chunk %llu, pc 0x%llx: record %llu should be HINT_LEN's {clk "
                        "UINT64_MAX, length} but has clk %llu", ULL(r->n), ULL(r->pc),
                        ULL(r->used), ULL(r->rec[r->used].clk));
        r->regs[RV_REG_T0] = r->rec[r->used++].value;
        return 0;
    case RP_HINT_READ: {
        uint64_t dwords = a1 / 8 + 1;
        if ((a0 & 7) || a1 / 8 >= RV_MEM_ADDR_LIMIT / 8 || !rt_mem_range_ok(a0, 8 * dwords))
            return would_fault(r, "HINT_READ's destination is misaligned or outside memory");
        map_forget(r, a0, dwords);
        return 0;
    }
    default:
        break;
    }
    const struct rt_precompile *p = rt_precompile_find(r->pcs, code);
    if (p) {
        int rc = precompile(r, p);
        r->regs[RV_REG_T0] = code;
        return rc;
    }
    char why[160];
    const char *name = rt_syscall_name(code);
    if (name)
        snprintf(why, sizeof why, "syscall %s (0x%08x) is not supported or not loaded", name,
                 code);
    else
        snprintf(why, sizeof why, "t0 = 0x%08x is no SP1 syscall code", code);
    return would_fault(r, why);
}

static int ecall_linux(struct replay *r)
{
    uint64_t nr = r->regs[RV_REG_A7];
    if (nr == LINUX_EXIT || nr == LINUX_EXIT_GROUP)
        return 1;
    if (nr == LINUX_WRITE) {
        uint64_t fd = r->regs[RV_REG_A0];
        if ((fd != 1 && fd != 2) || !rt_mem_range_ok(r->regs[RV_REG_A1], r->regs[RV_REG_A2]))
            return would_fault(r, "Linux write to a bad fd or buffer");
        wr(r, RV_REG_A0, r->regs[RV_REG_A2]);
        return 0;
    }
    char why[96];
    snprintf(why, sizeof why, "Linux syscall %llu (a7) is not supported", ULL(nr));
    return would_fault(r, why);
}

/* One instruction at r->pc. *boundary_point: 1 after a load, store or ECALL (where a chunk may
 * end). Returns 0, 1 (halted) or -1. */
static int step(struct replay *r, int *boundary_point)
{
    int64_t idx = rt_program_index(r->prog, r->pc);
    if (idx < 0)
        return would_fault(r, "pc is outside the program's text");
    const struct rv_insn *in = &r->prog->insns[idx];
    uint64_t *x = r->regs;
    const uint64_t pc = r->pc, a1 = x[in->rs1], a2 = x[in->rs2], imm = (uint64_t)in->imm;
    uint64_t next = pc + 4, v = 0;
    *boundary_point = 0;

    switch ((enum rv_op)in->op) {
        RV_ALU_SEMANTICS(RV_ALU_CASE_LABEL)
            wr(r, in->rd, rv_alu_result((enum rv_op)in->op, pc, a1, a2, imm));
            break;

    RV_LOAD_CASE_LABELS
        if (load(r, a1 + imm, rv_mem_width((enum rv_op)in->op), &v) != 0)
            return -1;
        wr(r, in->rd, rv_load_extend((enum rv_op)in->op, v));
        *boundary_point = 1;
        break;
    RV_STORE_CASE_LABELS
        if (store(r, a1 + imm, rv_mem_width((enum rv_op)in->op), a2) != 0)
            return -1;
        *boundary_point = 1;
        break;

    RV_BRANCH_CASE_LABELS
        if (rv_branch_taken((enum rv_op)in->op, a1, a2))
            next = pc + imm;
        break;
    case RV_OP_JAL:
        next = pc + imm;
        wr(r, in->rd, pc + 4);
        break;
    case RV_OP_JALR:
        next = (a1 + imm) & ~1ull;
        wr(r, in->rd, pc + 4);
        break;

    case RV_OP_ECALL: {
        int rc = r->abi == RVT_ABI_LINUX ? ecall_linux(r) : ecall_sp1(r);
        if (rc < 0)
            return -1;
        r->pc = pc + 4;
        r->clk += RV_CLK_STEP + RV_CLK_ECALL_XTRA;
        r->global_clk++;
        *boundary_point = 1;
        return rc;
    }
    case RV_OP_FENCE:
        break;
    case RV_OP_EBREAK:
    case RV_OP_CSR:
    case RV_OP_ILLEGAL:
    case RV_OP_COUNT:
        return would_fault(r, "the instruction traps (EBREAK, CSR or illegal)");
    }
    if (next != pc + 4 && rt_program_index(r->prog, next) < 0) {
        /* the interpreter checks the target before writing rd: undo nothing, just report */
        char why[96];
        snprintf(why, sizeof why, "the jump to 0x%llx leaves the text", ULL(next));
        return would_fault(r, why);
    }
    r->pc = next;
    r->clk += RV_CLK_STEP;
    r->global_clk++;
    return 0;
}

/* ---- chunks ---- */

/* The replay of chunk r->n stopped at its end: compare with its header and the next chunk. */
static int check_end(struct replay *r, const struct rv_trace_header *next)
{
    const struct rv_trace_header *h = r->h;
    if (r->clk != h->clk_end || r->used != h->num_mem_reads || r->global_clk != h->global_clk_end)
        return fail(r, "chunk %llu ends at pc 0x%llx with clk %llu, global_clk %llu and %llu "
                    "records consumed, but its header says clk_end %llu, global_clk_end %llu, "
                    "num_mem_reads %llu", ULL(r->n), ULL(r->pc), ULL(r->clk), ULL(r->global_clk),
                    ULL(r->used), ULL(h->clk_end), ULL(h->global_clk_end),
                    ULL(h->num_mem_reads));
    if (!next)
        return 0;
    unsigned bad = 32;
    for (unsigned i = 0; i < 32 && bad == 32; i++)
        if (r->regs[i] != next->start_registers[i])
            bad = i;
    if (r->pc != next->pc_start || bad != 32) {
        unsigned g = bad == 32 ? 10 : bad;
        return fail(r, "chunk %llu ends at pc 0x%llx, x%u=0x%llx, but chunk %llu starts at pc "
                    "0x%llx, x%u=0x%llx", ULL(r->n), ULL(r->pc), g, ULL(r->regs[g]),
                    ULL(r->n + 1), ULL(next->pc_start), g, ULL(next->start_registers[g]));
    }
    return 0;
}

static int replay_chunk(struct replay *r, const struct rv_trace_header *next)
{
    const struct rv_trace_header *h = r->h;
    memcpy(r->regs, h->start_registers, sizeof r->regs);
    r->pc = h->pc_start;
    r->clk = h->clk_start;
    r->used = 0;
    r->unc_candidate = 0;
    if (map_reset(r, h->num_mem_reads) != 0)
        return -1;
    for (;;) {
        if (r->clk >= h->clk_end) {
            if (r->clk > h->clk_end)
                return fail(r, "chunk %llu: the replay reaches pc 0x%llx at clk %llu, past the "
                            "chunk's clk_end %llu", ULL(r->n), ULL(r->pc), ULL(r->clk),
                            ULL(h->clk_end));
            if (!r->last)
                return fail(r, "chunk %llu reaches its clk_end %llu at pc 0x%llx with %llu "
                            "records consumed, fewer than the chunk size %llu: a chunk ends only "
                            "after a load, store or ECALL that fills it", ULL(r->n),
                            ULL(h->clk_end), ULL(r->pc), ULL(r->used), ULL(r->chunk_size));
            return check_end(r, NULL);   /* the run stopped here (fault, cycle limit) */
        }
        int boundary_point;
        int rc = step(r, &boundary_point);
        if (rc < 0)
            return -1;
        r->instructions++;
        if (rc > 0) {
            r->halted = 1;
            if (!r->last)
                return fail(r, "chunk %llu halts at pc 0x%llx (clk %llu), but chunk %llu "
                            "follows", ULL(r->n), ULL(r->pc - 4), ULL(r->clk), ULL(r->n + 1));
            return check_end(r, NULL);
        }
        if (boundary_point && r->used >= r->chunk_size) {
            if (r->last)
                return fail(r, "chunk %llu is full after the instruction at pc 0x%llx (%llu "
                            "records), so a next chunk must start at pc 0x%llx, but it is the "
                            "last chunk", ULL(r->n), ULL(r->pc), ULL(r->used), ULL(r->pc));
            return check_end(r, next);
        }
    }
}

static int read_exact(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n ? 0 : -1;
}

int rt_trace_replay(FILE *f, const struct rvt_program *prog, enum rvt_abi abi,
                    const struct rt_precompile_set *precompiles, struct rt_replay_summary *s,
                    char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    struct replay r = {.prog = prog, .abi = abi, .pcs = precompiles, .err = err,
                       .errlen = errlen};
    struct rv_trace_file_header fh;
    struct rv_trace_header hdr[2];
    struct rv_mem_record *rec = NULL;
    size_t rec_cap = 0;
    int rc = -1;

    rewind(f);
    if (read_exact(f, &fh, sizeof fh) != 0 || memcmp(fh.magic, RV_TRACE_FILE_MAGIC, 8) != 0 ||
        fh.version != RV_TRACE_FILE_VERSION || fh.chunk_size == 0) {
        fail(&r, "not an rvtier trace (version %d): bad file header", RV_TRACE_FILE_VERSION);
        goto out;
    }
    r.chunk_size = fh.chunk_size;
    if (read_exact(f, &hdr[0], sizeof hdr[0]) != 0) {
        fail(&r, "the trace holds no chunk");
        goto out;
    }
    if (hdr[0].pc_start != prog->img.entry || hdr[0].clk_start != RV_CLK_START) {
        fail(&r, "chunk 0 starts at pc 0x%llx, clk %llu, but the program starts at its entry "
             "0x%llx with clk %d; is this the program the trace was recorded from?",
             ULL(hdr[0].pc_start), ULL(hdr[0].clk_start), ULL(prog->img.entry), RV_CLK_START);
        goto out;
    }
    r.global_clk = 0;
    for (uint64_t n = 0;; n++) {
        struct rv_trace_header *h = &hdr[n & 1], *next = &hdr[(n + 1) & 1];
        uint64_t cnt = h->num_mem_reads;
        if (cnt > r.chunk_size + RV_TRACE_SLACK_RECORDS) {
            fail(&r, "chunk %llu claims %llu records, more than a chunk can hold (%llu)", ULL(n),
                 ULL(cnt), ULL(r.chunk_size + RV_TRACE_SLACK_RECORDS));
            goto out;
        }
        if (cnt > rec_cap) {
            free(rec);
            rec_cap = cnt;
            rec = malloc(rec_cap * sizeof *rec);
            if (!rec) {
                fail(&r, "out of memory for %llu records of chunk %llu", ULL(cnt), ULL(n));
                goto out;
            }
        }
        if (cnt && read_exact(f, rec, cnt * sizeof *rec) != 0) {
            fail(&r, "chunk %llu is truncated: fewer than its %llu records", ULL(n), ULL(cnt));
            goto out;
        }
        size_t got = fread(next, 1, sizeof *next, f);
        if (got != 0 && got != sizeof *next) {
            fail(&r, "the header of chunk %llu is truncated", ULL(n + 1));
            goto out;
        }
        r.n = n;
        r.h = h;
        r.rec = rec;
        r.last = got == 0;
        if (replay_chunk(&r, r.last ? NULL : next) != 0) {
            if (!(r.last && r.unc_candidate))
                goto out;
            s->stopped_unconstrained = 1;   /* explained: see ecall_sp1 */
            r.global_clk = h->global_clk_end;
        }
        r.records += h->num_mem_reads;
        s->chunks = n + 1;
        if (r.last)
            break;
    }
    rc = 0;
    s->halted = r.halted && !s->stopped_unconstrained;
out:
    s->instructions = r.instructions;
    s->records = r.records;
    free(rec);
    free(r.map);
    return rc;
}
