/* t0_emit.c — tier 0 translation driver: operand access through the register map, the
 * per-opcode dispatch (a
 * switch with no default: a missing opcode is a compile error), the exit stubs, the slices
 * (threads) a large text is translated in, and the W^X code mapping.
 * Layout of the buffer: [entry prologue][exit pc + epilogue][exit tails][tier 1 gate]
 * [slice 0's instructions] .. [slice k's instructions] [slice 0's stubs] .. [slice k's stubs,
 * the fall-off stub last]. Each block head starts with its execution counter (profiling for
 * tier-up), and every jump to a known target goes through the dispatch table.
 * Usage: t0_translate(prog, &code, err, n) (tier0.h). */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime/bigalloc.h"
#include "runtime/ctx.h"
#include "runtime/fork_join.h"
#include "runtime/memory.h"
#include "tiers/semantics.h"
#include "tiers/tier0/t0_emit.h"
#include "tiers/tier0/tier0.h"


int t0_label_for_pc(const struct t0_emitter *e, uint64_t target)
{
    int64_t idx = rt_program_index(e->p, target);
    return idx < 0 ? -1 : (int)idx;
}

uint64_t t0_move_make(struct t0_emitter *e, int store, unsigned r, enum x86_reg g,
                      uint64_t *slot)
{
    uint8_t bytes[X86_MAX_INSN + 8] = {0};
    struct x86_asm a = {.buf = bytes, .pos = bytes, .cap = sizeof bytes, .fixed = 1};
    if (store)
        t0_store_reg_enc(&a, e->home, r, g);
    else
        t0_load_reg_enc(&a, e->home, g, r);
    const size_t len = x86_here(&a);   /* at most 7 (pextrq, pinsrq, a disp8 load) but for a
                                          disp32 into ctx */
    if (len > 7) {
        __atomic_store_n(slot, T0_MOVE_LONG, __ATOMIC_RELAXED);
        return T0_MOVE_LONG;
    }
    uint64_t m = 0;
    memcpy(&m, bytes, 7);
    m |= (uint64_t)(T0_MOVE_MADE | len) << 56;
    __atomic_store_n(slot, m, __ATOMIC_RELAXED);
    return m;
}

/* ---- exit stubs ---- */

static inline void add_clocks(struct x86_asm *a, uint32_t pend)
{
    if (pend)
        x86_add_ri(a, RM_CLK, (int32_t)(pend * RV_CLK_STEP));
}

/* A new stub in the stub area for (reason, pc or rax) with the clocks pending now: the n
 * bytes of code at pre first (none: pre = NULL), add the clocks, pc into rcx, then the
 * reason's tail. Returns its offset from the start of the code. */
static size_t emit_stub(struct t0_emitter *e, int reason, int pc_in_rax, uint64_t pc,
                        const uint8_t *pre, size_t n)
{
    struct x86_asm *s = &e->s;
    /* in a block with swaps, its undo tail (made on first use) */
    const size_t tail = e->n_swaps ? t0_exit_tail(e, reason) : e->exit_tail[reason];
    const size_t at = t0_code_at(e, s);
    if (n && !s->error) {   /* room: STUB_ROOM holds an instruction's stubs */
        memcpy(s->pos, pre, n);
        s->pos += n;
    }
    add_clocks(s, e->pend);
    if (pc_in_rax)
        x86_mov_rr(s, RM_TMP_D, RM_TMP_C);
    else if (pc <= UINT32_MAX)   /* the common case, without x86_mov_imm's other forms */
        x86_mov_ri32(s, RM_TMP_D, (uint32_t)pc);
    else
        x86_mov_imm(s, RM_TMP_D, pc);
    x86_jmp_rel32(s, t0_rel(e, s, tail, 5));
    return at;
}

/* jcc/jmp rel32 from the main code to code offset `to`. */
static void jcc_to(struct t0_emitter *e, int cc, size_t to)
{
    const int32_t rel = t0_rel(e, &e->a, to, cc < 0 ? 5 : 6);
    if (cc < 0)
        x86_jmp_rel32(&e->a, rel);
    else
        x86_jcc_rel32(&e->a, (enum x86_cc)cc, rel);
}

size_t t0_exit_stub(struct t0_emitter *e, int reason, uint64_t pc)
{
    return emit_stub(e, reason, 0, pc, NULL, 0);
}

void t0_bind_exit_after(struct t0_emitter *e, size_t rel_at, int reason, uint64_t pc,
                        size_t code_at)
{
    struct x86_asm *a = &e->a;
    const size_t to = emit_stub(e, reason, 0, pc, a->buf + code_at, x86_here(a) - code_at);
    const int64_t rel = (int64_t)to - (int64_t)(e->main_off + rel_at + 4);
    if (a->error || rel < INT32_MIN || rel > INT32_MAX)
        return;   /* code_room reports errors; rel32 reaches across CODE_MAX */
    const int32_t r = (int32_t)rel;
    memcpy(a->buf + rel_at, &r, 4);
}

void t0_jcc_exit(struct t0_emitter *e, enum x86_cc cc, int reason, uint64_t pc)
{
    jcc_to(e, (int)cc, emit_stub(e, reason, 0, pc, NULL, 0));
}

void t0_jmp_exit(struct t0_emitter *e, int reason, uint64_t pc)
{
    jcc_to(e, -1, emit_stub(e, reason, 0, pc, NULL, 0));
}

void t0_jcc_exit_rax(struct t0_emitter *e, enum x86_cc cc, int reason)
{
    jcc_to(e, (int)cc, emit_stub(e, reason, 1, 0, NULL, 0));
}


/* ---- clocks and table jumps ---- */

void t0_commit_clock(struct t0_emitter *e)
{
    add_clocks(&e->a, e->pend);
    e->pend = 0;
}

void t0_owed_correct(struct t0_emitter *e)
{
    struct x86_asm *a = &e->a;
    x86_mov_rm32(a, RM_TMP_D, x86_mem_idx(RM_JUMP_TABLE, RM_TMP_A, 4, e->owed_disp));
    x86_sub_rr(a, RM_CLK, RM_TMP_D);
}

void t0_cycle_check(struct t0_emitter *e, uint64_t next_pc)
{
    t0_commit_clock(e);
    x86_cmp_rm(&e->a, RM_CLK, t0_ctx(RV_CTX_CLK_LIMIT));
    t0_jcc_exit(e, X86_CC_A, RV_EXIT_CYCLES, next_pc);
}

void t0_jump_to(struct t0_emitter *e, uint32_t idx)
{
    x86_mov_ri32(&e->a, RM_TMP_A, idx);
    x86_jmp_m(&e->a, x86_mem(RM_JUMP_TABLE, 8 * (int32_t)idx));
}

void t0_jump_checked(struct t0_emitter *e, uint32_t idx)
{
    if (e->n_swaps) {   /* its exits must undo the swaps: a stub of its own */
        t0_cycle_check(e, t0_pc(e, idx));
        t0_jump_to(e, idx);
        return;
    }
    t0_commit_clock(e);
    x86_mov_ri32(&e->a, RM_TMP_A, idx);   /* flag-neutral; rbx is set for the jump anyway */
    x86_cmp_rm(&e->a, RM_CLK, t0_ctx(RV_CTX_CLK_LIMIT));
    jcc_to(e, X86_CC_A, e->cycles_rbx);
    x86_jmp_m(&e->a, x86_mem(RM_JUMP_TABLE, 8 * (int32_t)idx));
}

void t0_cycle_check_rax(struct t0_emitter *e)
{
    x86_cmp_rm(&e->a, RM_CLK, t0_ctx(RV_CTX_CLK_LIMIT));
    if (e->n_swaps || e->pend)
        t0_jcc_exit_rax(e, X86_CC_A, RV_EXIT_CYCLES);
    else
        jcc_to(e, X86_CC_A, e->cycles_rax);
}

/* ---- entry, exit and the tier 1 gate ---- */

/* Profiling at a block head: one decrement of its counter; reaching 0 exits with HOT before
 * the block runs (so the state is exactly the head's), once per 2^32 executions at most. */
static void emit_block_counter(struct t0_emitter *e, uint64_t i)
{
    x86_alu_mi(&e->a, X86_ALU_SUB, 0, t0_counter(e, i), 1);
    t0_jcc_exit(e, X86_CC_E, RV_EXIT_HOT, t0_pc(e, i));
}

static void emit_insn(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    switch ((enum rv_op)in->op) {
    case RV_OP_ADD: case RV_OP_SUB: case RV_OP_SLL: case RV_OP_SLT: case RV_OP_SLTU:
    case RV_OP_XOR: case RV_OP_SRL: case RV_OP_SRA: case RV_OP_OR: case RV_OP_AND:
    case RV_OP_ADDW: case RV_OP_SUBW: case RV_OP_SLLW: case RV_OP_SRLW: case RV_OP_SRAW:
    case RV_OP_ADDI: case RV_OP_SLTI: case RV_OP_SLTIU: case RV_OP_XORI: case RV_OP_ORI:
    case RV_OP_ANDI: case RV_OP_SLLI: case RV_OP_SRLI: case RV_OP_SRAI: case RV_OP_ADDIW:
    case RV_OP_SLLIW: case RV_OP_SRLIW: case RV_OP_SRAIW: case RV_OP_LUI: case RV_OP_AUIPC:
        t0_emit_alu(e, i, in);
        break;
    case RV_OP_MUL: case RV_OP_MULH: case RV_OP_MULHSU: case RV_OP_MULHU: case RV_OP_DIV:
    case RV_OP_DIVU: case RV_OP_REM: case RV_OP_REMU: case RV_OP_MULW: case RV_OP_DIVW:
    case RV_OP_DIVUW: case RV_OP_REMW: case RV_OP_REMUW:
        t0_emit_muldiv(e, i, in);
        break;
    RV_LOAD_CASE_LABELS
    RV_STORE_CASE_LABELS
        t0_emit_mem(e, i, in);
        break;
    RV_BRANCH_CASE_LABELS
        t0_emit_branch(e, i, in);
        break;
    case RV_OP_JAL: case RV_OP_JALR:
        t0_emit_jump(e, i, in);
        break;
    case RV_OP_ECALL:
        /* C runs the syscall (rt_ecall_step) with pc = the ECALL and its clk, then re-enters */
        t0_jmp_exit(e, RV_EXIT_ECALL, t0_pc(e, i));
        e->pend = 0;   /* nothing falls through: the next label starts afresh */
        t0_block_forget(e);
        break;
    case RV_OP_FENCE:
        t0_step_clock(e);
        break;
    case RV_OP_EBREAK: case RV_OP_CSR: case RV_OP_ILLEGAL: case RV_OP_COUNT:
        /* translation never fails on these (data may sit in text): executing one traps */
        t0_jmp_exit(e, RV_EXIT_FAULT, t0_pc(e, i));
        e->pend = 0;
        t0_block_forget(e);
        break;
    }
}

/* The code is written straight into its final mapping: a reservation (MAP_NORESERVE, so only
 * touched pages cost) aligned to 2 MiB and marked for transparent huge pages, then made R+X
 * and trimmed. The text is cut into slices of whole blocks (plan_slices), each translated by
 * its own emitter, the first on the calling thread and the others on threads of their own:
 * the emitters share nothing but the per-instruction tables, which they write at disjoint
 * indices, and everything a slice's code refers to outside the slice (the exit tails, the
 * gate, other instructions through the table) is fixed before they start. Each slice has two
 * areas, sized by its instruction and block counts before anything is written: its guest
 * code (the guest code areas first, in text order, the first one after the prologue,
 * epilogue and gate) and its exit stubs (all stub areas after all guest code), so each stub
 * is written when its jump is, with no fixups, and nothing moves afterwards (the unused
 * address space between areas is never run, and only its first bytes may be written by a
 * fixed-size copy at an area's end). A slice whose last instruction can fall
 * through ends with a jmp to the next slice's first instruction, where its code would have
 * continued. Copying from a malloc'ed buffer into a fresh mapping faulted in every page twice
 * and was most of the translation time. Neither assembler grows: room for the next
 * instruction (INSN_ROOM, STUB_ROOM) is checked before it is emitted. */
#define MAIN_PER_INSN 160u         /* the longest guest instruction's code is ~100 bytes */
#define STUBS_PER_INSN 64u         /* at most 3 stubs of <= 17 bytes per instruction */
#define STUBS_PER_BLOCK 1024u      /* a block with swaps: re-entry, undo tails, loop exit (t0_swap.c) */
#define INSN_ROOM 1024u            /* far above the longest sequence one instruction emits */
#define STUB_ROOM 1024u            /* an instruction's stubs and its block's */
#define SHARED_ROOM 4096u          /* prologue, epilogue, exit tails and gate: ~1.5 KB */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_MIN_INSNS 65536u      /* ~3 MB of code */
#define CODE_MAX ((size_t)INT32_MAX)   /* rel32 jumps must reach across the code */

struct slice {
    struct t0_emitter e;
    uint64_t first, end;          /* its instructions [first, end), end a leader or n */
    size_t main_size, stubs_size; /* its areas */
    struct t0_code *c;
};

/* Cuts the text into at most k slices of about equal length, each starting at a leader (so
 * no block is cut: the promotion analysis sees whole blocks). Returns their number. */
static unsigned plan_slices(const struct rvt_program *p, unsigned k, struct slice *sl)
{
    const uint64_t n = p->n_insns;
    unsigned m = 0;
    uint64_t first = 0;
    for (unsigned j = 1; j <= k && first < n; j++) {
        uint64_t end = j == k ? n : n * j / k;
        if (end <= first)
            continue;
        const uint8_t *next = memchr(p->leader + end, 1, n - end);
        end = next ? (uint64_t)(next - p->leader) : n;
        sl[m].first = first;
        sl[m].end = end;
        m++;
        first = end;
    }
    return m;
}

static unsigned slice_count(const struct rvt_program *p, const struct t0_options *o)
{
    if (o->threads == 0)
        return (unsigned)rt_fork_join_parts(p->n_insns, T0_SLICE_MIN, T0_MAX_SLICES);
    return o->threads < T0_MAX_SLICES ? o->threads : T0_MAX_SLICES;
}

/* Reserves the buffer for the slices' areas and points their assemblers at them (slice 0's
 * guest code area is also where the shared code goes). */
static int reserve_code(struct slice *sl, unsigned m, uint8_t **code, size_t *reserved,
                        char *err, size_t errlen)
{
    const struct rvt_program *p = sl[0].e.p;
    size_t size = SHARED_ROOM;
    for (unsigned k = 0; k < m; k++) {
        const uint64_t n = sl[k].end - sl[k].first;
        uint64_t blocks = 0;
        for (uint64_t i = sl[k].first; i < sl[k].end; i++)
            blocks += p->leader[i];
        sl[k].main_size = ((n * MAIN_PER_INSN + blocks * T0_LOOP_ALIGN + 2 * INSN_ROOM) +
                           63) & ~(size_t)63;
        sl[k].stubs_size = ((n * STUBS_PER_INSN + blocks * STUBS_PER_BLOCK + 2 * STUB_ROOM) +
                            63) & ~(size_t)63;
        size += sl[k].main_size + sl[k].stubs_size;
    }
    if (size > CODE_MAX) {
        snprintf(err, errlen, "tier 0: %llu instructions need more than 2 GiB of code; use "
                 "--mode interp", (unsigned long long)p->n_insns);
        return -1;
    }
    size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uint8_t *m0 = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m0 == MAP_FAILED) {
        snprintf(err, errlen, "tier 0: cannot reserve %zu bytes of address space for "
                 "generated code; raise ulimit -v or use --mode interp", size);
        return -1;
    }
    uint8_t *base = (uint8_t *)(((uintptr_t)m0 + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (base > m0)
        munmap(m0, (size_t)(base - m0));
    munmap(base + size, (size_t)(m0 + HUGE_PAGE - base));
    /* a hint (without THP it is just slower); small programs skip it: the first touch of a
     * huge page clears all 2 MiB of it */
    if (p->n_insns >= HUGE_MIN_INSNS)
        madvise(base, size, MADV_HUGEPAGE);
    /* never realloc'ed: code_room() keeps the forms inside their areas */
    size_t main_at = 0, stubs_at = SHARED_ROOM;
    for (unsigned k = 0; k < m; k++)
        stubs_at += sl[k].main_size;
    for (unsigned k = 0; k < m; k++) {
        struct t0_emitter *e = &sl[k].e;
        const size_t main_cap = sl[k].main_size + (k == 0 ? SHARED_ROOM : 0);
        e->code = base;
        e->main_off = main_at;
        e->a.buf = e->a.pos = base + main_at;
        e->a.cap = main_cap;
        e->a.fixed = 1;
        e->stubs_off = stubs_at;
        e->s.buf = e->s.pos = base + stubs_at;
        e->s.cap = sl[k].stubs_size;
        e->s.fixed = 1;
        main_at += main_cap;
        stubs_at += sl[k].stubs_size;
    }
    *code = base;
    *reserved = size;
    return 0;
}

/* 0 if the next instruction's code and stubs fit; sets the assembler error otherwise. */
static int code_room(struct t0_emitter *e)
{
    /* an error sets cap = len (x86_asm_fail), so this catches it too */
    if (e->a.cap - x86_here(&e->a) < INSN_ROOM || e->s.cap - x86_here(&e->s) < STUB_ROOM) {
        if (!e->a.error && !e->s.error)
            x86_asm_fail(&e->a, "generated code outgrew its reservation");
        return -1;
    }
    return 0;
}

/* Translates one slice's instructions into its areas (arg: its struct slice). */
static void *translate_slice(void *arg)
{
    struct slice *sl = arg;
    struct t0_emitter *e = &sl->e;
    struct t0_code *c = sl->c;
    const struct rvt_program *p = e->p;
    uint32_t *owed = c->t0_only.owed_clk;
    const void **t0_only = c->t0_only.table;
    e->limit = sl->end;
    for (uint64_t i = sl->first; i < sl->end && code_room(e) == 0; i++) {
        if (p->leader[i] && e->n_swaps && i < e->range_end) {
            /* inside a loop that keeps its swaps across blocks (t0_swap.c) */
            c->insn_off[i] = (uint32_t)t0_inner_leader(e, i, t0_only);
            owed[i] = 0;
            emit_block_counter(e, i);
            emit_insn(e, i, &p->insns[i]);
            continue;
        }
        if (p->leader[i]) {
            t0_block_end(e);   /* falling into the next block: the home map again */
            t0_commit_clock(e);   /* direct jumps land on leaders with nothing pending */
        }
        const size_t at = t0_code_at(e, &e->a);
        c->insn_off[i] = (uint32_t)at;
        owed[i] = e->pend * RV_CLK_STEP;
        /* the code is written at its final address: table entries are final too */
        if (p->leader[i]) {
            emit_block_counter(e, i);
            /* tier-0-only runs never tier up: their table jumps skip the counter (the tiered
             * table, t0_code_tiered, enters at insn_off, before it) */
            t0_only[i] = e->code + t0_code_at(e, &e->a);
            t0_block_begin(e, i, c->insn_off, t0_only);
        } else if (!e->n_swaps) {   /* with swaps, the block's re-entry stub */
            t0_only[i] = e->code + at;
        }
        emit_insn(e, i, &p->insns[i]);
    }
    t0_block_end(e);
    if (sl->end < p->n_insns) {
        /* where the next slice's first instruction (a leader) would have followed */
        t0_commit_clock(e);
        x86_jmp_rel32(&e->a, t0_rel(e, &e->a, sl[1].e.main_off, 5));
        e->main_end = t0_code_at(e, &e->a);
    } else {
        e->main_end = t0_code_at(e, &e->a);
        /* falling off the end of the text: the interpreter reports a jump fault from the
         * last instruction to text end, after that instruction completed */
        if (code_room(e) == 0)
            t0_jmp_exit(e, RV_EXIT_FAULT, t0_pc(e, p->n_insns));
    }
    if (!e->a.error && !e->s.error)
        x86_asm_finish(&e->a);
    return NULL;
}

static int map_code(struct slice *sl, unsigned m, struct t0_code *c, uint8_t *base,
                    size_t reserved, char *err, size_t errlen)
{
    const struct t0_emitter *last = &sl[m - 1].e;
    const size_t len = last->stubs_off + x86_here(&last->s);
    size_t size = (len + 4095) & ~(size_t)4095;
    if (mprotect(base, size, PROT_READ | PROT_EXEC) != 0) {
        snprintf(err, errlen, "tier 0: cannot make generated code executable (mprotect R+X "
                 "refused: is the process under a W^X policy?); use --mode interp");
        return -1;
    }
    if (reserved > size)
        munmap(base + size, reserved - size);
    c->code = base;
    c->code_size = size;
    c->code_len = len;
    c->code_bytes = 0;
    c->n_slices = m;
    for (unsigned k = 0; k < m; k++) {
        const struct t0_emitter *e = &sl[k].e;
        c->slice[k].first = sl[k].first;
        c->slice[k].main_end = e->main_end;
        c->slice[k].stubs = e->stubs_off;
        c->slice[k].stubs_end = e->stubs_off + x86_here(&e->s);
        c->code_bytes += e->main_end - e->main_off + x86_here(&e->s);
    }
    c->epilogue_off = sl[0].e.epilogue_off;
    c->stubs_off = sl[0].e.stubs_off;
    c->insn_off[c->n_insns] = (uint32_t)last->main_end;
    c->t1_gate = base + sl[0].e.gate_off;
    c->entry = (void (*)(struct rv_ctx *, uint8_t *))base;   /* the prologue is at offset 0 */
    return 0;
}

static size_t dispatch_bytes(uint64_t n, int with_t1)
{
    return 8 * T0_COUNTER_SLOTS(n) + 32 + n * 8 * (with_t1 ? 3 : 1);
}

/* [owed_clk][counters][masks][table] (+ [t1_fn][t1_fn_rec] when with_t1): struct t0_dispatch.
 * Counters start at INT32_MAX (no HOT exit for 2^31 executions) until the dispatcher arms
 * them. */
static int alloc_dispatch(struct t0_dispatch *d, uint64_t n, int with_t1)
{
    const uint64_t slots = T0_COUNTER_SLOTS(n);   /* keeps the table 8-byte aligned */
    uint8_t *b = rt_big_alloc(dispatch_bytes(n, with_t1));
    if (!b)
        return -1;
    d->block = b;
    d->owed_clk = (uint32_t *)b;
    d->counters = (int32_t *)(b + 4 * slots);
    d->masks = (uint64_t *)(b + 8 * slots);
    d->table = (const void **)(b + 8 * slots + 32);
    d->t1_fn = with_t1 ? d->table + n : NULL;
    d->t1_fn_rec = with_t1 ? d->table + 2 * n : NULL;
    for (uint64_t i = 0; i < n; i++)
        d->counters[i] = INT32_MAX;
    for (unsigned k = 0; k < 4; k++)
        d->masks[k] = ~(RV_MEM_ADDR_LIMIT - 1) | ((1ull << k) - 1);
    return 0;
}

int t0_translate(const struct rvt_program *p, struct t0_code **out, char *err, size_t errlen)
{
    const struct t0_options o = {0};
    return t0_translate_opts(p, &o, out, err, errlen);
}

int t0_translate_opts(const struct rvt_program *p, const struct t0_options *o,
                      struct t0_code **out, char *err, size_t errlen)
{
    *out = NULL;
    if (p->n_insns == 0 || p->n_insns > T0_MAX_INSNS) {
        snprintf(err, errlen, "tier 0: text of %llu instructions cannot be translated (must "
                 "be 1 .. 2^27); use --mode interp", (unsigned long long)p->n_insns);
        return -1;
    }
    struct slice sl[T0_MAX_SLICES];
    memset(sl, 0, sizeof sl);
    struct t0_moves moves;   /* lives as long as the emitters: this call */
    memset(&moves, 0, sizeof moves);
    struct t0_emitter *e = &sl[0].e;   /* the shared code's and the first slice's */
    uint8_t *base = NULL;
    size_t reserved = 0;
    struct t0_code *c = calloc(1, sizeof *c);
    if (c)
        c->n_insns = p->n_insns;   /* first: t0_code_free sizes the tables by it */
    if (!c || !(c->insn_off = rt_big_alloc((p->n_insns + 1) * sizeof *c->insn_off)) ||
        alloc_dispatch(&c->t0_only, p->n_insns, 0) != 0) {
        snprintf(err, errlen, "tier 0: out of memory for the jump tables (%llu entries)",
                 (unsigned long long)p->n_insns);
        goto fail;
    }
    c->pc_base = p->pc_base;
    if (o->map)
        c->map = *o->map;
    else
        rv_regmap_default(&c->map);
    e->p = p;
    e->map = e->home = &c->map;
    e->moves = &moves;
    for (unsigned r = 1; r < 32; r++) {
        const uint8_t kind = c->map.loc[r].kind;
        e->promotable |= (uint32_t)(kind == RV_LOC_XMM || kind == RV_LOC_CTX) << r;
        e->gpr_regs |= (uint32_t)(kind == RV_LOC_GPR) << r;
    }
    e->insn_off = c->insn_off;
    e->t0_table = c->t0_only.table;
    e->owed_disp = T0_OWED_DISP(p->n_insns);
    e->counters_disp = T0_COUNTERS_DISP(p->n_insns);
    const unsigned m = plan_slices(p, slice_count(p, o), sl);
    for (unsigned k = 1; k < m; k++)
        sl[k].e = *e;   /* nothing emitted yet: no assembler state is shared */
    if (reserve_code(sl, m, &base, &reserved, err, errlen) != 0)
        goto fail;

    t0_emit_entry_code(e);
    for (unsigned k = 1; k < m; k++) {   /* what the shared code left in the emitter */
        struct t0_emitter *ek = &sl[k].e;
        memcpy(ek->exit_tail, e->exit_tail, sizeof e->exit_tail);
        ek->epilogue_off = e->epilogue_off;
        ek->gate_off = e->gate_off;
        ek->cycles_rbx = e->cycles_rbx;
        ek->cycles_rax = e->cycles_rax;
    }
    for (unsigned k = 0; k < m; k++)
        sl[k].c = c;
    rt_fork_join(m, translate_slice, sl, sizeof sl[0]);
    for (unsigned k = 0; k < m; k++) {
        const struct t0_emitter *ek = &sl[k].e;
        if (ek->a.error || ek->s.error) {
            snprintf(err, errlen, "tier 0: %s; this is an rvtier bug, use --mode interp",
                     ek->a.error ? ek->a.err : ek->s.err);
            goto fail;
        }
    }
    if (map_code(sl, m, c, base, reserved, err, errlen) != 0)
        goto fail;
    for (unsigned k = 0; k < m; k++) {
        x86_asm_free(&sl[k].e.a);
        x86_asm_free(&sl[k].e.s);
    }
    *out = c;
    return 0;
fail:
    if (base)   /* the reservation: unmapped, never free()d */
        munmap(base, reserved);
    for (unsigned k = 0; k < T0_MAX_SLICES; k++) {
        x86_asm_free(&sl[k].e.a);
        x86_asm_free(&sl[k].e.s);
    }
    t0_code_free(c);
    return -1;
}

int t0_code_tiered(struct t0_code *c, const struct rvt_program *p)
{
    if (c->tiered.block)
        return 0;
    const uint64_t n = c->n_insns;
    struct t0_dispatch *d = &c->tiered;
    if (alloc_dispatch(d, n, 1) != 0)
        return -1;
    memcpy(d->owed_clk, c->t0_only.owed_clk, n * sizeof *d->owed_clk);
    /* as the tier-0-only table, but block heads enter at their counter */
    for (uint64_t i = 0; i < n; i++)
        d->table[i] = p->leader[i] ? c->code + c->insn_off[i] : c->t0_only.table[i];
    return 0;
}

void t0_code_free(struct t0_code *c)
{
    if (!c)
        return;
    if (c->code)
        munmap(c->code, c->code_size);
    rt_big_free(c->insn_off, (c->n_insns + 1) * sizeof *c->insn_off);
    rt_big_free(c->t0_only.block, dispatch_bytes(c->n_insns, 0));
    rt_big_free(c->tiered.block, dispatch_bytes(c->n_insns, 1));
    free(c);
}
