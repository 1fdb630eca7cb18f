/* rvt_difftest.c — random-program differential tester: tier 0, tier 1 and tier-up against
 * the reference interpreter.
 *
 * From a seed it generates a valid RV64IM program (every R/I/W ALU and M form, lui/auipc,
 * fence, loads and stores of every width into a data area, forward branches and jumps, bounded
 * loops, calls to small functions, hot runs that keep reusing two or three registers) that ends by folding the whole data area into a register
 * and halting with that register as a0. The program runs through rvt_run() in interp mode and
 * in one compiled variant of --modes (tier0; tier0x3: tier 0 translated in 3 slices, one
 * thread each; tier1; tiered1 / tiered10: tier-up at threshold 1
 * or 10, compiled synchronously; tieredbg: threshold 2, background compile thread), taken in
 * turn by seed, with the same options (trace off, or on with chunk size 1, 7, 1000 or the default;
 * sometimes a cycle limit) and everything observable must be identical: status, error text,
 * exit code, pc, all 32 registers, clk, global_clk, instruction/ecall counts and the trace
 * bytes. Without a cycle limit of its own, the compiled run gets one far above the
 * interpreter's clk, so a compiled program that never stops is a reported mismatch. On a mismatch it prints the seed, the first differing field and the program's
 * disassembly, saves the ELF, and exits 1.
 *
 * Register roles in generated programs (everything else is fair game, x0 and a0 included):
 *   x3 = data base A (area + 0x800), x9 = data base B (area + 0x400): never written;
 *   x28 = scratch for auipc/jalr and fault addresses; x29 = saved ra in functions and fold
 *   temporary; x30 = loop counter (loops do not nest, functions have no loops).
 * Program i of a session uses seed S + i, so `--seed S+i --count 1` reproduces it.
 *
 * Usage: rvt_difftest [--count N] [--seed S] [--len L] [--faults PERCENT] [--modes LIST]
 *        [--verbose] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/decode.h"
#include "frontend/disasm.h"
#include "include/rvtier.h"
#include "runtime/ctx.h"
#include "rv_enc.h"
#include "testutil.h"

#define DT_DATA_SIZE 4096u
#define DT_DATA_ADDR TU_DATA_ADDR
#define DT_BASE_A 3
#define DT_BASE_B 9
#define DT_SCRATCH 28
#define DT_SAVE 29
#define DT_COUNTER 30
#define DT_MAX_FUNCS 4
#define DT_MAX_CALLS 256

/* ---- random numbers: splitmix64, state passed explicitly ---- */

struct dt_rng {
    uint64_t s;
};

static uint64_t dt_next(struct dt_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t dt_below(struct dt_rng *r, uint32_t n)
{
    return (uint32_t)(dt_next(r) % n);
}

static int dt_chance(struct dt_rng *r, unsigned percent)
{
    return dt_below(r, 100) < percent;
}

/* ---- the program being generated ---- */

enum dt_call_kind { DT_CALL_JAL, DT_CALL_AUIPC_JALR };

struct dt_call {
    size_t at;         /* index of the jal, or of the auipc of an auipc+jalr pair */
    int fn;
    enum dt_call_kind kind;
};

struct dt_gen {
    struct dt_rng rng;
    uint32_t *w;
    size_t n, cap;
    size_t items;          /* items generated so far (numbering for the fault) */
    long fault_item;       /* item number replaced by a deliberate fault; -1: none */
    int n_funcs;
    size_t func_at[DT_MAX_FUNCS];
    struct dt_call calls[DT_MAX_CALLS];
    size_t n_calls;
    unsigned hot[3];       /* during a hot run: the few registers it keeps using */
    unsigned n_hot;
};

static void dt_emit(struct dt_gen *g, uint32_t word)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1024;
        g->w = realloc(g->w, g->cap * sizeof *g->w);
        if (!g->w) {
            fprintf(stderr, "rvt_difftest: out of memory growing the program\n");
            exit(2);
        }
    }
    g->w[g->n++] = word;
}

static int dt_is_reserved(unsigned r)
{
    return r == DT_BASE_A || r == DT_BASE_B || r == DT_SCRATCH || r == DT_SAVE ||
           r == DT_COUNTER;
}

/* A destination: any register the program may clobber, x0 now and then, a0 a bit more often. */
static unsigned dt_rd(struct dt_gen *g)
{
    if (g->n_hot && dt_chance(&g->rng, 85))
        return g->hot[dt_below(&g->rng, g->n_hot)];
    if (dt_chance(&g->rng, 5))
        return 0;
    if (dt_chance(&g->rng, 8))
        return 10;
    for (;;) {
        unsigned r = 1 + dt_below(&g->rng, 31);
        if (!dt_is_reserved(r))
            return r;
    }
}

/* A source: any register; sometimes the destination itself (aliasing). */
static unsigned dt_rs(struct dt_gen *g, unsigned rd)
{
    if (g->n_hot && dt_chance(&g->rng, 85))
        return g->hot[dt_below(&g->rng, g->n_hot)];
    if (dt_chance(&g->rng, 15))
        return rd;
    if (dt_chance(&g->rng, 4))
        return 0;
    return dt_below(&g->rng, 32);
}

static int32_t dt_imm12(struct dt_gen *g)
{
    static const int32_t edge[] = {0, 1, -1, 2047, -2048, 31, 32, 63, -2, 0x7ff & ~7};
    if (dt_chance(&g->rng, 30))
        return edge[dt_below(&g->rng, sizeof edge / sizeof edge[0])];
    return (int32_t)dt_below(&g->rng, 4096) - 2048;
}

/* Values for the initial registers: half edge values for the ALU and M ops. */
static uint64_t dt_value(struct dt_rng *r)
{
    static const uint64_t edge[] = {
        0, 1, 2, 3, UINT64_MAX, UINT64_MAX - 1, 0x8000000000000000ull, 0x7fffffffffffffffull,
        0xffffffff80000000ull, 0x80000000ull, 0x7fffffffull, 0xffffffffull, 0x100000000ull,
        63, 64, 31, 32, 0xffffffff7fffffffull, 0x8000000000000001ull,
    };
    switch (dt_below(r, 4)) {
    case 0:
    case 1:
        return edge[dt_below(r, sizeof edge / sizeof edge[0])];
    case 2:
        return (uint64_t)(int64_t)(int32_t)dt_next(r);   /* a sign-extended word */
    default:
        return dt_next(r);
    }
}

static void dt_alu_r(struct dt_gen *g)
{
    /* {funct7, funct3, opcode}: every OP and OP-32 form, M included. */
    static const uint8_t forms[][3] = {
        {0x00, 0, OP}, {0x20, 0, OP}, {0x00, 1, OP}, {0x00, 2, OP}, {0x00, 3, OP},
        {0x00, 4, OP}, {0x00, 5, OP}, {0x20, 5, OP}, {0x00, 6, OP}, {0x00, 7, OP},
        {0x01, 0, OP}, {0x01, 1, OP}, {0x01, 2, OP}, {0x01, 3, OP}, {0x01, 4, OP},
        {0x01, 5, OP}, {0x01, 6, OP}, {0x01, 7, OP},
        {0x00, 0, OP32}, {0x20, 0, OP32}, {0x00, 1, OP32}, {0x00, 5, OP32}, {0x20, 5, OP32},
        {0x01, 0, OP32}, {0x01, 4, OP32}, {0x01, 5, OP32}, {0x01, 6, OP32}, {0x01, 7, OP32},
    };
    const uint8_t *f = forms[dt_below(&g->rng, sizeof forms / sizeof forms[0])];
    unsigned rd = dt_rd(g), rs1 = dt_rs(g, rd), rs2 = dt_chance(&g->rng, 10) ? rs1 : dt_rs(g, rd);
    dt_emit(g, R(f[0], rs2, rs1, f[1], rd, f[2]));
}

static void dt_alu_i(struct dt_gen *g)
{
    unsigned rd = dt_rd(g), rs1 = dt_rs(g, rd);
    int32_t imm = dt_imm12(g);
    switch (dt_below(&g->rng, 13)) {
    case 0: case 1: case 2: case 3: case 4: case 5: {   /* addi slti sltiu xori ori andi */
        static const uint8_t f3[] = {0, 2, 3, 4, 6, 7};
        dt_emit(g, I(imm, rs1, f3[dt_below(&g->rng, 6)], rd, OPIMM));
        break;
    }
    case 6: case 7: {   /* slli srli srai, 6-bit shift amount */
        unsigned sh = dt_below(&g->rng, 64), k = dt_below(&g->rng, 3);
        uint32_t hi = k == 2 ? 0x400 : 0;
        dt_emit(g, I(hi | sh, rs1, k == 0 ? 1 : 5, rd, OPIMM));
        break;
    }
    case 8: case 9:     /* addiw */
        dt_emit(g, I(imm, rs1, 0, rd, OPIMM32));
        break;
    case 10: case 11: { /* slliw srliw sraiw */
        unsigned sh = dt_below(&g->rng, 32), k = dt_below(&g->rng, 3);
        uint32_t hi = k == 2 ? 0x400 : 0;
        dt_emit(g, I(hi | sh, rs1, k == 0 ? 1 : 5, rd, OPIMM32));
        break;
    }
    default:            /* lui / auipc */
        dt_emit(g, U(dt_next(&g->rng), rd, dt_chance(&g->rng, 50) ? LUI : AUIPC));
        break;
    }
}

/* An in-bounds, aligned data-area address for an access of `size` bytes, as base + offset. */
static void dt_mem_operand(struct dt_gen *g, unsigned size, unsigned *base, int32_t *off)
{
    *base = dt_chance(&g->rng, 50) ? DT_BASE_A : DT_BASE_B;
    uint32_t base_off = *base == DT_BASE_A ? 0x800 : 0x400;
    /* B reaches [0, 0xc00) of the area with a 12-bit offset; A reaches all of it. */
    uint32_t span = *base == DT_BASE_A ? DT_DATA_SIZE : 0xc00;
    uint32_t addr = dt_below(&g->rng, span / size) * size;
    *off = (int32_t)addr - (int32_t)base_off;
}

static void dt_load_store(struct dt_gen *g)
{
    unsigned lg = dt_below(&g->rng, 4), size = 1u << lg, base;
    int32_t off;
    dt_mem_operand(g, size, &base, &off);
    if (dt_chance(&g->rng, 50)) {
        unsigned rd = dt_rd(g);
        /* funct3: lb lh lw ld, and the unsigned lbu lhu lwu. */
        unsigned f3 = lg < 3 && dt_chance(&g->rng, 50) ? lg + 4 : lg;
        dt_emit(g, I(off, base, f3, rd, LOAD));
    } else {
        dt_emit(g, S(off, dt_below(&g->rng, 32), base, lg, STORE));
    }
}

/* A deliberate fault: misaligned or out-of-range access, or a jump to a bad target. */
static void dt_fault(struct dt_gen *g)
{
    switch (dt_below(&g->rng, 4)) {
    case 0: {   /* misaligned */
        unsigned lg = 1 + dt_below(&g->rng, 3), size = 1u << lg, base;
        int32_t off;
        dt_mem_operand(g, size, &base, &off);
        off += 1 + (int32_t)dt_below(&g->rng, size - 1);
        if (off > 2047)
            off -= (int32_t)size;
        if (dt_chance(&g->rng, 50))
            dt_emit(g, I(off, base, lg, dt_rd(g), LOAD));
        else
            dt_emit(g, S(off, dt_below(&g->rng, 32), base, lg, STORE));
        break;
    }
    case 1: {   /* beyond guest memory: 0xffffffff80000000 + offset */
        unsigned lg = dt_below(&g->rng, 4);
        dt_emit(g, U(0x80000, DT_SCRATCH, LUI));
        if (dt_chance(&g->rng, 50))
            dt_emit(g, I(0, DT_SCRATCH, lg, dt_rd(g), LOAD));
        else
            dt_emit(g, S(0, dt_below(&g->rng, 32), DT_SCRATCH, lg, STORE));
        break;
    }
    case 2:     /* jalr to a 2-aligned address */
        dt_emit(g, I(2 + 4 * (int32_t)dt_below(&g->rng, 100), 0, 0, DT_SCRATCH, OPIMM));
        dt_emit(g, I(0, DT_SCRATCH, 0, dt_rd(g), JALR));
        break;
    default:    /* jalr outside the text */
        dt_emit(g, U(0x40 + dt_below(&g->rng, 0x100), DT_SCRATCH, LUI));
        dt_emit(g, I(0, DT_SCRATCH, 0, dt_rd(g), JALR));
        break;
    }
}

static void dt_simple(struct dt_gen *g)
{
    if (g->fault_item >= 0 && (long)g->items == g->fault_item) {
        g->items++;
        dt_fault(g);
        return;
    }
    g->items++;
    unsigned k = dt_below(&g->rng, 100);
    if (k < 38)
        dt_alu_r(g);
    else if (k < 66)
        dt_alu_i(g);
    else if (k < 99)
        dt_load_store(g);
    else
        dt_emit(g, I(0x0ff, 0, 0, 0, MISC));   /* fence iorw, iorw */
}

/* A hot run: 6-17 simple instructions that keep using two or three registers, as a round of a
 * hash does; tier 0 promotes such registers into GPRs for the block (t0_swap.c), so faults,
 * chunk ends and JALRs into the middle of such blocks meet the swapped map. */
static void dt_hot_run(struct dt_gen *g)
{
    g->n_hot = 2 + dt_below(&g->rng, 2);
    for (unsigned k = 0; k < g->n_hot; k++) {
        unsigned r = 1 + dt_below(&g->rng, 31);
        while (dt_is_reserved(r))
            r = 1 + dt_below(&g->rng, 31);
        g->hot[k] = r;
    }
    const unsigned len = 6 + dt_below(&g->rng, 12);
    for (unsigned i = 0; i < len; i++)
        dt_simple(g);
    g->n_hot = 0;
}

/* Forward branch (any condition, any registers) or jump over `skip` simple instructions. */
static void dt_forward(struct dt_gen *g)
{
    unsigned skip = dt_below(&g->rng, 7), kind = dt_below(&g->rng, 10);
    size_t at = g->n;
    if (kind == 9) {   /* auipc + jalr with a random link register */
        dt_emit(g, U(0, DT_SCRATCH, AUIPC));
        dt_emit(g, 0);
    } else {
        dt_emit(g, 0);
    }
    if (dt_chance(&g->rng, 25))
        dt_hot_run(g);   /* a kind 9 jump lands in its middle */
    for (unsigned i = 0; i < skip; i++)
        dt_simple(g);
    int32_t delta = (int32_t)((g->n - at) * 4);
    if (kind == 9) {
        g->w[at + 1] = I(delta, DT_SCRATCH, 0, dt_rd(g), JALR);
    } else if (kind == 8) {   /* jal with a random link register */
        g->w[at] = J(delta, dt_rd(g), JAL);
    } else {
        static const uint8_t f3[] = {0, 1, 4, 5, 6, 7};
        unsigned a = dt_below(&g->rng, 32), b = dt_chance(&g->rng, 15) ? a : dt_below(&g->rng, 32);
        g->w[at] = B(delta, b, a, f3[dt_below(&g->rng, 6)], BRANCH);
    }
}

static void dt_call(struct dt_gen *g)
{
    if (g->n_funcs == 0 || g->n_calls == DT_MAX_CALLS) {
        dt_simple(g);
        return;
    }
    struct dt_call *c = &g->calls[g->n_calls++];
    c->at = g->n;
    c->fn = (int)dt_below(&g->rng, (uint32_t)g->n_funcs);
    c->kind = dt_chance(&g->rng, 70) ? DT_CALL_JAL : DT_CALL_AUIPC_JALR;
    dt_emit(g, 0);
    if (c->kind == DT_CALL_AUIPC_JALR)
        dt_emit(g, 0);
}

static void dt_item(struct dt_gen *g, int in_loop);

/* A bounded loop on the counter register, closed by a backward branch or a backward jal. */
static void dt_loop(struct dt_gen *g)
{
    unsigned trips = 1 + dt_below(&g->rng, 6), body = 1 + dt_below(&g->rng, 10);
    dt_emit(g, I((int32_t)trips, 0, 0, DT_COUNTER, OPIMM));
    size_t top = g->n;
    if (dt_chance(&g->rng, 70)) {
        for (unsigned i = 0; i < body; i++)
            dt_item(g, 1);
        dt_emit(g, I(-1, DT_COUNTER, 0, DT_COUNTER, OPIMM));
        int32_t back = -(int32_t)((g->n - top) * 4);
        switch (dt_below(&g->rng, 3)) {
        case 0: dt_emit(g, B(back, 0, DT_COUNTER, 1, BRANCH)); break;  /* bne x30, x0 */
        case 1: dt_emit(g, B(back, DT_COUNTER, 0, 4, BRANCH)); break;  /* blt x0, x30 */
        default: dt_emit(g, B(back, DT_COUNTER, 0, 6, BRANCH)); break; /* bltu x0, x30 */
        }
    } else {   /* top: beq x30, x0, out; body; addi; jal x0, top; out: */
        dt_emit(g, 0);
        for (unsigned i = 0; i < body; i++)
            dt_item(g, 1);
        dt_emit(g, I(-1, DT_COUNTER, 0, DT_COUNTER, OPIMM));
        dt_emit(g, J(-(int32_t)((g->n - top) * 4), 0, JAL));
        g->w[top] = B((int32_t)((g->n - top) * 4), 0, DT_COUNTER, 0, BRANCH);
    }
}

static void dt_item(struct dt_gen *g, int in_loop)
{
    unsigned k = dt_below(&g->rng, 100);
    if (k < 68)
        dt_simple(g);
    else if (k < 74)
        dt_hot_run(g);
    else if (k < 86)
        dt_forward(g);
    else if (k < 93)
        dt_call(g);
    else if (!in_loop)
        dt_loop(g);
    else
        dt_simple(g);
}

/* Generates the program for `seed`: prologue, body of `len` items, fold + halt, functions. */
static void dt_generate(uint64_t seed, unsigned len, unsigned fault_percent, struct dt_gen *g,
                        uint8_t *data)
{
    memset(g, 0, sizeof *g);
    g->rng.s = seed;
    for (unsigned i = 0; i < DT_DATA_SIZE; i += 8) {
        uint64_t v = dt_value(&g->rng);
        memcpy(data + i, &v, 8);
    }
    g->n_funcs = (int)dt_below(&g->rng, DT_MAX_FUNCS + 1);
    g->fault_item = dt_chance(&g->rng, fault_percent) ? (long)dt_below(&g->rng, len + 1) : -1;

    /* Prologue: base A, every other register from the table at the start of the area, base B. */
    dt_emit(g, U(0x21, DT_BASE_A, LUI));
    dt_emit(g, I(-0x800, DT_BASE_A, 0, DT_BASE_A, OPIMM));
    for (unsigned r = 0; r < 32; r++)
        if (r != DT_BASE_A && r != DT_BASE_B)
            dt_emit(g, I((int32_t)(r * 8) - 0x800, DT_BASE_A, 3, r, LOAD));
    dt_emit(g, U(0x20, DT_BASE_B, LUI));
    dt_emit(g, I(0x400, DT_BASE_B, 0, DT_BASE_B, OPIMM));

    for (unsigned i = 0; i < len; i++)
        dt_item(g, 0);

    /* Fold the data area into acc (position-dependent: add the address, rotate by one). */
    unsigned acc = 1 + dt_below(&g->rng, 31);
    while (dt_is_reserved(acc))
        acc = 1 + dt_below(&g->rng, 31);
    dt_emit(g, U(DT_DATA_ADDR >> 12, DT_SCRATCH, LUI));
    dt_emit(g, I((int32_t)(DT_DATA_SIZE / 8), 0, 0, DT_COUNTER, OPIMM));
    size_t top = g->n;
    dt_emit(g, I(0, DT_SCRATCH, 3, DT_SAVE, LOAD));
    dt_emit(g, R(0, DT_SCRATCH, DT_SAVE, 0, DT_SAVE, OP));
    dt_emit(g, R(0, DT_SAVE, acc, 4, acc, OP));
    dt_emit(g, I(1, acc, 1, DT_SAVE, OPIMM));
    dt_emit(g, I(63, acc, 5, acc, OPIMM));
    dt_emit(g, R(0, DT_SAVE, acc, 6, acc, OP));
    dt_emit(g, I(8, DT_SCRATCH, 0, DT_SCRATCH, OPIMM));
    dt_emit(g, I(-1, DT_COUNTER, 0, DT_COUNTER, OPIMM));
    dt_emit(g, B(-(int32_t)((g->n - top) * 4), 0, DT_COUNTER, 1, BRANCH));
    dt_emit(g, I(0, acc, 0, 10, OPIMM));   /* a0 = acc */
    dt_emit(g, I(0, 0, 0, 5, OPIMM));      /* t0 = 0: HALT */
    dt_emit(g, 0x00000073);                /* ecall */

    /* Functions: save ra, a few straight-line items, return through the saved copy. */
    for (int f = 0; f < g->n_funcs; f++) {
        g->func_at[f] = g->n;
        dt_emit(g, I(0, 1, 0, DT_SAVE, OPIMM));
        unsigned body = 1 + dt_below(&g->rng, 8);
        for (unsigned i = 0; i < body; i++) {
            if (dt_chance(&g->rng, 15))
                dt_forward(g);
            else
                dt_simple(g);
        }
        dt_emit(g, I(0, DT_SAVE, 0, 0, JALR));
    }
    for (size_t i = 0; i < g->n_calls; i++) {
        const struct dt_call *c = &g->calls[i];
        int32_t delta = (int32_t)((g->func_at[c->fn] - c->at) * 4);
        if (c->kind == DT_CALL_JAL) {
            g->w[c->at] = J(delta, 1, JAL);
        } else {
            int32_t hi = (delta + 0x800) >> 12, lo = delta - hi * 4096;
            g->w[c->at] = U(hi, DT_SCRATCH, AUIPC);
            g->w[c->at + 1] = I(lo, DT_SCRATCH, 0, 1, JALR);
        }
    }
}

/* ---- running and comparing ---- */

struct dt_outcome {
    int rc;
    struct rvt_result r;
    uint8_t *trace;
    size_t trace_len;
};

struct dt_config {
    int trace;
    uint64_t chunk;        /* 0 = default */
    uint64_t max_cycles;   /* 0 = none */
};

static void dt_discard_output(void *user, int fd, const uint8_t *data, size_t len)
{
    (void)user, (void)fd, (void)data, (void)len;
}

/* A compiled mode the interpreter is compared with. */
struct dt_variant {
    const char *name;
    enum rvt_mode mode;
    uint64_t threshold;
    int sync;
    unsigned translate_threads;   /* tier 0 translated in this many slices (0: default) */
};

static const struct dt_variant DT_VARIANTS[] = {
    {"tier0", RVT_MODE_TIER0, 0, 0, 0},
    {"tier0x3", RVT_MODE_TIER0, 0, 0, 3},
    {"tier1", RVT_MODE_TIER1, 0, 0, 0},
    {"tiered1", RVT_MODE_TIERED, 1, 1, 0},
    {"tiered10", RVT_MODE_TIERED, 10, 1, 0},
    {"tieredbg", RVT_MODE_TIERED, 2, 0, 0},
};
#define DT_N_VARIANTS (sizeof DT_VARIANTS / sizeof DT_VARIANTS[0])

static const struct dt_variant DT_INTERP = {"interp", RVT_MODE_INTERP, 0, 0, 0};

static int dt_run(const struct rvt_program *p, const struct dt_variant *v,
                  const struct dt_config *cfg, const char *trace_path, struct dt_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = v->mode;
    o.tier_threshold = v->threshold;
    o.sync_compile = v->sync;
    o.translate_threads = v->translate_threads;
    o.trace = cfg->trace;
    o.trace_path = cfg->trace ? trace_path : NULL;
    o.chunk_size = cfg->chunk;
    o.max_cycles = cfg->max_cycles;
    o.output = dt_discard_output;
    out->rc = rvt_run(p, &o, &out->r);
    if (cfg->trace && out->rc == 0) {
        out->trace = tu_read_file(trace_path, &out->trace_len);
        if (!out->trace) {
            fprintf(stderr, "rvt_difftest: cannot read back the trace %s\n", trace_path);
            return -1;
        }
    }
    return 0;
}

static void dt_outcome_free(struct dt_outcome *o)
{
    rvt_result_free(&o->r);
    free(o->trace);
}

/* Describes the first field where t differs from ref into buf; returns 0 if none differs. */
static int dt_compare(const struct dt_outcome *ref, const struct dt_outcome *t, char *buf,
                      size_t len)
{
    const struct rvt_result *a = &ref->r, *b = &t->r;
    if (ref->rc != t->rc)
        return snprintf(buf, len, "rvt_run returned %d (interp) vs %d (compiled)", ref->rc,
                        t->rc), 1;
    if (a->status != b->status)
        return snprintf(buf, len, "status %s (interp) vs %s (compiled); errors '%s' vs '%s'",
                        rvt_status_name(a->status), rvt_status_name(b->status), a->error,
                        b->error), 1;
    if (strcmp(a->error, b->error) != 0)
        return snprintf(buf, len, "error text\n  interp:   %s\n  compiled: %s", a->error,
                        b->error), 1;
    if (a->exit_code != b->exit_code)
        return snprintf(buf, len, "exit code %d (interp) vs %d (compiled)", a->exit_code,
                        b->exit_code), 1;
    if (a->pc != b->pc)
        return snprintf(buf, len, "pc 0x%" PRIx64 " (interp) vs 0x%" PRIx64 " (compiled)", a->pc,
                        b->pc), 1;
    for (int i = 0; i < 32; i++)
        if (a->regs[i] != b->regs[i])
            return snprintf(buf, len, "x%d = 0x%" PRIx64 " (interp) vs 0x%" PRIx64 " (compiled)", i,
                            a->regs[i], b->regs[i]), 1;
    if (a->clk != b->clk)
        return snprintf(buf, len, "clk %" PRIu64 " (interp) vs %" PRIu64 " (compiled)", a->clk,
                        b->clk), 1;
    if (a->global_clk != b->global_clk)
        return snprintf(buf, len, "global_clk %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->global_clk, b->global_clk), 1;
    if (a->stats.instructions != b->stats.instructions)
        return snprintf(buf, len, "instructions %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->stats.instructions, b->stats.instructions), 1;
    if (a->stats.ecalls != b->stats.ecalls)
        return snprintf(buf, len, "ecalls %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->stats.ecalls, b->stats.ecalls), 1;
    if (a->stats.chunks != b->stats.chunks)
        return snprintf(buf, len, "trace chunks %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->stats.chunks, b->stats.chunks), 1;
    size_t n = ref->trace_len < t->trace_len ? ref->trace_len : t->trace_len;
    for (size_t i = 0; i < n; i++)
        if (ref->trace[i] != t->trace[i])
            return snprintf(buf, len,
                            "trace byte %zu: 0x%02x (interp) vs 0x%02x (compiled) (%zu vs %zu "
                            "bytes; byte %zu is in 16-byte record slot %zu)",
                            i, ref->trace[i], t->trace[i], ref->trace_len, t->trace_len, i,
                            i / 16), 1;
    if (ref->trace_len != t->trace_len)
        return snprintf(buf, len, "trace length %zu (interp) vs %zu (compiled), equal prefix",
                        ref->trace_len, t->trace_len), 1;
    return 0;
}

static void dt_disasm(FILE *f, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct rv_insn in;
        char buf[RV_DISASM_MAX];
        uint64_t pc = TU_TEXT_ADDR + 4 * i;
        rv_decode(w[i], &in);
        rv_disasm(&in, pc, buf, sizeof buf);
        fprintf(f, "  %6" PRIx64 ":\t%08x\t%s\n", pc, w[i], buf);
    }
}

struct dt_session {
    const struct dt_variant *variants[DT_N_VARIANTS];
    unsigned n_variants;
    const char *tmpdir;
    char trace_a[4096], trace_b[4096];
    unsigned len, fault_percent;
    int verbose;
    uint64_t insns;        /* guest instructions run in interp mode, summed */
    uint64_t runs;         /* option sets compared */
    unsigned listed;       /* mismatches printed with a full listing */
};

/* One option set: run both modes, compare, report. 0 same, 1 mismatch, -1 host problem. */
static int dt_one_config(struct dt_session *s, uint64_t seed, const struct dt_gen *g,
                         const uint8_t *elf, size_t elf_len, const struct rvt_program *p,
                         const struct dt_config *cfg)
{
    struct dt_outcome ref, t;
    int ret = -1;
    const struct dt_variant *v = s->variants[seed % s->n_variants];
    if (dt_run(p, &DT_INTERP, cfg, s->trace_a, &ref) != 0)
        return -1;
    /* a watchdog for the compiled run: a limit the interpreter's run stays far below, so a
     * correct run is unaffected and one that loops forever is reported, not waited for */
    struct dt_config watched = *cfg;
    if (!watched.max_cycles)
        watched.max_cycles = ref.r.clk / RV_CLK_STEP * 2 + 100000;
    if (dt_run(p, v, &watched, s->trace_b, &t) != 0)
        goto out_ref;
    char why[1200];
    ret = dt_compare(&ref, &t, why, sizeof why);
    s->insns += ref.r.stats.instructions;
    s->runs++;
    if (s->verbose)
        printf("seed %" PRIu64 ": %zu words, trace %s chunk %" PRIu64 ", max_cycles %" PRIu64
               ": %s, exit %d, %" PRIu64 " insns, %zu trace bytes%s%s\n",
               seed, g->n, cfg->trace ? "on" : "off", cfg->chunk, cfg->max_cycles,
               rvt_status_name(ref.r.status), ref.r.exit_code, ref.r.stats.instructions,
               ref.trace_len, ref.r.status != RVT_OK ? ": " : "", ref.r.error);
    if (ret) {
        char path[4200];
        snprintf(path, sizeof path, "%s/rvt_difftest_%" PRIu64 ".elf",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", seed);
        FILE *f = fopen(path, "wb");
        int saved = f && fwrite(elf, 1, elf_len, f) == elf_len;
        if (f)
            fclose(f);
        printf("MISMATCH seed %" PRIu64 " interp vs %s (\"compiled\" below) "
               "(trace %s, chunk size %" PRIu64 ", max cycles %" PRIu64 "): %s\n",
               seed, v->name, cfg->trace ? "on" : "off", cfg->chunk, cfg->max_cycles, why);
        printf("  interp: %s, exit %d, pc 0x%" PRIx64 ", %" PRIu64 " instructions%s%s\n",
               rvt_status_name(ref.r.status), ref.r.exit_code, ref.r.pc,
               ref.r.stats.instructions, ref.r.status != RVT_OK ? ": " : "", ref.r.error);
        printf("  reproduce: rvt_difftest --seed %" PRIu64 " --count 1 --len %u --faults %u"
               " --modes %s%s%s\n",
               seed, s->len, s->fault_percent, v->name, saved ? "; ELF saved as " : "",
               saved ? path : "");
        /* Full listings for the first few only: one broken instruction fails most programs. */
        if (s->listed < 3) {
            s->listed++;
            printf("  data area at 0x%llx (%u bytes); program (%zu words):\n",
                   (unsigned long long)DT_DATA_ADDR, DT_DATA_SIZE, g->n);
            dt_disasm(stdout, g->w, g->n);
        }
        fflush(stdout);
    }
    dt_outcome_free(&t);
out_ref:
    dt_outcome_free(&ref);
    return ret;
}

/* Runs one program both ways. Returns 0 (same), 1 (mismatch, reported), -1 (host problem). */
static int dt_one(struct dt_session *s, uint64_t seed)
{
    struct dt_gen g;
    uint8_t *data = malloc(DT_DATA_SIZE);
    /* Every fourth program is shorter (1..len items): small programs pin bugs down faster. */
    unsigned len = seed % 4 == 3 ? 1 + (unsigned)(seed / 4 % s->len) : s->len;
    dt_generate(seed, len, s->fault_percent, &g, data);

    /* Option sets: one random (trace chunking, sometimes a cycle limit), then trace off. */
    struct dt_rng cr = {seed ^ 0x5bd1e9955bd1e995ull};
    static const uint64_t chunks[] = {1, 7, 1000, 0};
    struct dt_config cfgs[2] = {{0, 0, 0}, {0, 0, 0}};
    unsigned pick = dt_below(&cr, 5);
    cfgs[0].trace = pick < 4;
    cfgs[0].chunk = cfgs[0].trace ? chunks[pick] : 0;
    if (dt_chance(&cr, 5))
        cfgs[0].max_cycles = 1 + dt_below(&cr, 4000);
    int n_cfgs = cfgs[0].trace || cfgs[0].max_cycles ? 2 : 1;

    size_t elf_len;
    uint8_t *elf = tu_make_elf(g.w, g.n, data, DT_DATA_SIZE, DT_DATA_ADDR, &elf_len);
    struct rvt_program *p;
    char err[512];
    int ret = -1;
    if (rvt_program_load(elf, elf_len, "difftest", &p, err, sizeof err) != 0) {
        fprintf(stderr, "rvt_difftest: seed %" PRIu64 ": generated program refused: %s\n", seed,
                err);
        dt_disasm(stderr, g.w, g.n);
        goto out;
    }
    ret = 0;
    for (int c = 0; c < n_cfgs && ret == 0; c++)
        ret = dt_one_config(s, seed, &g, elf, elf_len, p, &cfgs[c]);
    rvt_program_free(p);
out:
    free(elf);
    free(data);
    free(g.w);
    return ret;
}

static int dt_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    *v = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

static void dt_usage(FILE *f)
{
    fprintf(f, "usage: rvt_difftest [--count N] [--seed S] [--len L] [--faults PERCENT] "
               "[--modes LIST] [--verbose]\n"
               "  runs N random RV64IM programs (seeds S, S+1, ...) in interp mode and in one\n"
               "  mode of LIST (comma-separated: tier0 tier0x3 tier1 tiered1 tiered10 tieredbg;\n"
               "  default tier0,tier0x3), the mode chosen by seed, and compares everything\n"
               "  observable (every\n"
               "  fourth program has 1..L items);\n"
               "  defaults: N=1000, S from the clock, L=300 body\n"
               "  items, faults=2 (percent of programs with one deliberate fault)\n");
}

int main(int argc, char **argv)
{
    uint64_t count = 1000, seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid(), len = 300,
             faults = 2;
    int verbose = 0;
    const char *modes = "tier0,tier0x3";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *dst = !strcmp(a, "--count")    ? &count
                        : !strcmp(a, "--seed")   ? &seed
                        : !strcmp(a, "--len")    ? &len
                        : !strcmp(a, "--faults") ? &faults
                                                 : NULL;
        if (dst) {
            if (i + 1 >= argc || dt_parse_u64(argv[i + 1], dst) != 0) {
                fprintf(stderr, "rvt_difftest: %s needs a number\n", a);
                dt_usage(stderr);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--modes") && i + 1 < argc) {
            modes = argv[++i];
        } else if (!strcmp(a, "--verbose")) {
            verbose = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            dt_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "rvt_difftest: unknown argument '%s'\n", a);
            dt_usage(stderr);
            return 2;
        }
    }
    if (len < 1 || len > 20000 || faults > 100) {
        fprintf(stderr, "rvt_difftest: --len must be 1..20000 and --faults 0..100\n");
        return 2;
    }

    char tmpl[4096];
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpl, sizeof tmpl, "%s/rvt_difftest.XXXXXX", tmp);
    struct dt_session s = {.len = (unsigned)len, .fault_percent = (unsigned)faults,
                           .verbose = verbose};
    char list[256];
    snprintf(list, sizeof list, "%s", modes);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        size_t k = 0;
        while (k < DT_N_VARIANTS && strcmp(DT_VARIANTS[k].name, tok) != 0)
            k++;
        if (k == DT_N_VARIANTS || s.n_variants == DT_N_VARIANTS) {
            fprintf(stderr, "rvt_difftest: --modes: unknown or repeated mode '%s'\n", tok);
            dt_usage(stderr);
            return 2;
        }
        s.variants[s.n_variants++] = &DT_VARIANTS[k];
    }
    if (s.n_variants == 0) {
        fprintf(stderr, "rvt_difftest: --modes is empty\n");
        return 2;
    }
    s.tmpdir = mkdtemp(tmpl);
    if (!s.tmpdir) {
        fprintf(stderr, "rvt_difftest: cannot create a temporary directory under %s "
                        "(set TMPDIR to a writable directory)\n", tmp);
        return 2;
    }
    snprintf(s.trace_a, sizeof s.trace_a, "%s/interp.trace", s.tmpdir);
    snprintf(s.trace_b, sizeof s.trace_b, "%s/compiled.trace", s.tmpdir);

    printf("rvt_difftest: %" PRIu64 " programs from seed %" PRIu64 ", %u items each, interp vs "
           "%s\n", count, seed, s.len, modes);
    fflush(stdout);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t passed = 0, failed = 0;
    int host_error = 0;
    for (uint64_t i = 0; i < count; i++) {
        int r = dt_one(&s, seed + i);
        if (r < 0) {
            host_error = 1;
            break;
        }
        if (r == 0)
            passed++;
        else
            failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    unlink(s.trace_a);
    unlink(s.trace_b);
    rmdir(s.tmpdir);
    printf("%.2f s, %.0f programs/s, %" PRIu64 " option sets, %" PRIu64
           " guest instructions per mode\n",
           secs, secs > 0 ? (double)(passed + failed) / secs : 0.0, s.runs, s.insns);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
    return host_error ? 2 : failed ? 1 : 0;
}
