/* dt_gen.c — rvt_difftest's random program generator (dt_gen.h): each item kind, and the
 * program around the items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_gen.h"
#include "rv_enc.h"

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

/* A rotate as guest compilers spell it (RV64IM has none), which tier 1 lifts as one funnel
 * shift (ir/lift_ops.c), or a look-alike it must not: the two shifts of x by k and w - k
 * (srliw/slliw or srli/slli) or by n and -n (sll/srl or sllw/srlw, the negation by sub or
 * subw), joined by or, xor or add (with register amounts only or rotates), either order; or
 * amounts that do not add up. Any register may be x0 or be overwritten before the second
 * shift reads it. */
static void dt_rotate(struct dt_gen *g)
{
    const unsigned form = dt_below(&g->rng, 5), w = form == 0 || form == 3 ? 32 : 64;
    const unsigned opc = w == 32 ? OPIMM32 : OPIMM, ropc = w == 32 ? OP32 : OP;
    static const uint8_t join[] = {6, 4, 0};   /* or, xor, add */
    unsigned x = dt_rs(g, 0), a = dt_rd(g), b = dt_rd(g), c = dt_rd(g);
    if (form == 0 || form == 1 || form == 4) {
        unsigned k = 1 + dt_below(&g->rng, w - 1);
        unsigned k2 = form == 4 ? dt_below(&g->rng, w) : w - k;
        dt_emit(g, I((int32_t)k, x, 5, a, opc));    /* srl(i)w a, x, k */
        dt_emit(g, I((int32_t)k2, x, 1, b, opc));   /* sll(i)w b, x, w - k */
    } else {
        unsigned n = dt_rs(g, 0), t = dt_rd(g), left = dt_chance(&g->rng, 50);
        dt_emit(g, R(0, n, x, left ? 1 : 5, a, ropc));            /* a = x << n (or >>) */
        dt_emit(g, R(0x20, n, 0, 0, t, dt_chance(&g->rng, 50) ? OP : OP32));   /* t = -n */
        dt_emit(g, R(0, t, x, left ? 5 : 1, b, ropc));            /* b = x >> t (or <<) */
    }
    const int swap = dt_chance(&g->rng, 50);
    dt_emit(g, R(0, swap ? a : b, swap ? b : a, join[dt_below(&g->rng, 3)], c, OP));
}

/* A quotient and remainder of the same operands, as C's / and % make them, which tier 0
 * computes with one division (tiers/tier0/t0_emit_div.c): div/rem of one family, either
 * order, sometimes with an operand or the first's rd overwritten in between (no pair then),
 * sometimes of different families (no pair either). */
static void dt_div_pair(struct dt_gen *g)
{
    static const uint8_t div_f3[] = {4, 5}, rem_f3[] = {6, 7};
    const unsigned sgn = dt_below(&g->rng, 2), opc = dt_chance(&g->rng, 50) ? OP32 : OP;
    unsigned q = dt_rd(g), r = dt_rd(g), a = dt_rs(g, 0), b = dt_rs(g, 0);
    const int rem_first = dt_chance(&g->rng, 50);
    dt_emit(g, R(1, b, a, rem_first ? rem_f3[sgn] : div_f3[sgn], rem_first ? r : q, opc));
    if (dt_chance(&g->rng, 50))
        dt_alu_r(g);
    const unsigned opc2 = dt_chance(&g->rng, 10) ? (opc == OP ? OP32 : OP) : opc;
    const unsigned sgn2 = dt_chance(&g->rng, 10) ? !sgn : sgn;
    dt_emit(g, R(1, b, a, rem_first ? div_f3[sgn2] : rem_f3[sgn2], rem_first ? q : r, opc2));
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

/* A deliberate fault: misaligned or out-of-range access (alone, or the last of a run of
 * accesses off one base, ir/lift_ops.c), or a jump to a bad target. */
static void dt_fault(struct dt_gen *g)
{
    switch (dt_below(&g->rng, 6)) {
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
    case 4: {   /* accesses off one base, the last misaligned: area + 4, lw 0, sh 2, sd 8 */
        dt_emit(g, I(4, DT_BASE_B, 0, DT_SCRATCH, OPIMM));
        dt_emit(g, I(0, DT_SCRATCH, 2, dt_rd(g), LOAD));
        dt_emit(g, S(2, dt_below(&g->rng, 32), DT_SCRATCH, 1, STORE));
        dt_emit(g, S(8, dt_below(&g->rng, 32), DT_SCRATCH, 3, STORE));
        break;
    }
    case 5: {   /* accesses off one base, the last beyond 2^40: 2^40 - 16, ld 0, sd 8, ld 16 */
        dt_emit(g, I(1, 0, 0, DT_SCRATCH, OPIMM));
        dt_emit(g, I(40, DT_SCRATCH, 1, DT_SCRATCH, OPIMM));
        dt_emit(g, I(-16, DT_SCRATCH, 0, DT_SCRATCH, OPIMM));
        dt_emit(g, I(0, DT_SCRATCH, 3, dt_rd(g), LOAD));
        dt_emit(g, S(8, dt_below(&g->rng, 32), DT_SCRATCH, 3, STORE));
        dt_emit(g, I(16, DT_SCRATCH, 3, dt_rd(g), LOAD));
        break;
    }
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
    if (k < 35)
        dt_alu_r(g);
    else if (k < 37)
        dt_rotate(g);
    else if (k < 38)
        dt_div_pair(g);
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

void dt_generate(uint64_t seed, unsigned len, unsigned fault_percent, struct dt_gen *g,
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
