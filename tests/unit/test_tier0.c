/* test_tier0.c — tier 0 against the reference interpreter: the same program, initial registers
 * and options run in both, and everything observable must be identical: status, error message,
 * exit code, pc, all registers, clk, global_clk, and the trace bytes (chunked in memory).
 * Covers the register map, the ALU edge vectors in every operand shape (GPR, XMM lane 0/1, x0,
 * aliasing), random ALU/M programs, loads/stores with tracing and chunk boundaries, branches,
 * JAL/JALR, every fault kind, the cycle limit, ECALLs and unconstrained blocks (the runs and
 * comparisons: tier0_compare.h; loops that keep their swaps: test_tier0_loops.c). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/program.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tiers/regmap.h"
#include "tiers/tier0/tier0.h"
#include "tier0_compare.h"

/* ---- the register map ---- */

/* Every guest register but x0 has one location of its own, never a pinned or scratch host
 * register, a solo XMM register's lane 1 is empty (its movq write zeroes it), and a ctx
 * resident is in its own ctx->regs slot (the gate and C read it there). */
static void check_map(const struct rv_regmap *m, const char *what)
{
    static const enum x86_reg taken[] = {RM_TRACE_TAIL, RM_MEM, RM_CTX, RM_JUMP_TABLE, RM_CLK,
                                         RM_TMP_A, RM_TMP_C, RM_TMP_D, RM_TMP_E, X86_RSP};
    int seen_gpr[16] = {0}, seen_xmm[16][2] = {{0}}, solo[16] = {0}, gprs = 0;
    ck_assert_int_eq(m->loc[0].kind, RV_LOC_ZERO);
    for (int r = 1; r < 32; r++) {
        struct rv_loc l = m->loc[r];
        ck_assert_msg(l.kind != RV_LOC_ZERO, "%s: x%d has no location", what, r);
        if (l.kind == RV_LOC_CTX) {
            ck_assert_msg(l.reg == r, "%s: x%d in ctx slot %u", what, r, l.reg);
            continue;
        }
        ck_assert_int_lt(l.lane, 2);
        ck_assert_int_lt(l.reg, 16);
        if (l.kind == RV_LOC_GPR) {
            for (size_t k = 0; k < sizeof taken / sizeof taken[0]; k++)
                ck_assert_msg(l.reg != taken[k], "%s: x%d in a pinned or scratch GPR", what, r);
            ck_assert_msg(!seen_gpr[l.reg], "%s: x%d shares a GPR", what, r);
            seen_gpr[l.reg] = 1;
            gprs++;
            continue;
        }
        ck_assert_msg(l.reg != RM_XTMP, "%s: x%d in the scratch xmm", what, r);
        ck_assert_msg(!seen_xmm[l.reg][l.lane], "%s: x%d shares a location", what, r);
        seen_xmm[l.reg][l.lane] = 1;
        if (l.solo) {
            ck_assert_msg(l.lane == 0, "%s: x%d solo but in lane 1", what, r);
            solo[l.reg] = 1;
        }
    }
    ck_assert_int_eq(gprs, RV_REGMAP_GPRS);
    for (int x = 0; x < 16; x++)
        ck_assert_msg(!(solo[x] && seen_xmm[x][1]), "%s: xmm%d solo but lane 1 is used", what, x);
}

/* l's class: 0 GPR, 1 solo XMM, 2 lane 0 of a pair, 3 lane 1, 4 ctx. */
static int loc_class(struct rv_loc l)
{
    return l.kind == RV_LOC_GPR ? 0 : l.kind == RV_LOC_CTX ? 4 : l.solo ? 1 : 2 + l.lane;
}

static void count_classes(const struct rv_regmap *m, int n[5])
{
    for (int r = 1; r < 32; r++)
        n[loc_class(m->loc[r])]++;
}

START_TEST(regmap_is_a_bijection)
{
    struct rv_regmap m;
    rv_regmap_default(&m);
    check_map(&m, "default");
    /* the default ranking that the operand shapes below rely on, and the default layout:
     * six GPRs, the rest in ctx */
    for (unsigned r = 10; r <= 15; r++)
        ck_assert_int_eq(m.loc[r].kind, RV_LOC_GPR);
    int n[5] = {0};
    count_classes(&m, n);
    ck_assert_int_eq(n[0], RV_REGMAP_GPRS);
    ck_assert_int_eq(n[4], 31 - RV_REGMAP_GPRS);
    /* DESIGN.md's layout: the rest in xmm0-14, five alone, ten pairs */
    static const uint8_t ident[31] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                      12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                      23, 24, 25, 26, 27, 28, 29, 30, 31};
    rv_regmap_ranked(ident, RV_LAYOUT_XMM, &m);
    check_map(&m, "xmm");
    memset(n, 0, sizeof n);
    count_classes(&m, n);
    ck_assert(n[0] == 6 && n[1] == 5 && n[2] == 10 && n[3] == 10 && n[4] == 0);
    ck_assert(m.loc[7].solo && m.loc[12].lane == 0 && !m.loc[12].solo && m.loc[22].lane == 1);
    /* any ranking gives a valid map, and every register gets every class over a few */
    int classes[32][5] = {{0}};
    for (uint64_t seed = 1; seed <= 200; seed++) {
        t0cmp_shuffled_map(seed * 0x9e3779b97f4a7c15ull, &m);
        check_map(&m, "shuffled");
        for (int r = 1; r < 32; r++)
            classes[r][loc_class(m.loc[r])]++;
    }
    for (int r = 1; r < 32; r++)
        ck_assert_msg(classes[r][0] && classes[r][1] && classes[r][2] && classes[r][3] &&
                          classes[r][4],
                      "x%d: not in every location class", r);
}
END_TEST

/* ---- ALU edge vectors in every operand shape ---- */

struct alu_vec { const char *name; uint32_t f7, f3, opc; uint64_t a, b, expect; };
static const struct alu_vec alu_vecs[] = {
#define V(n, f7, f3, opc, a, b, e) {#n, f7, f3, opc, a, b, e},
#include "alu_vectors.inc"
#undef V
};

/* One guest register of every location class (tiers/regmap.h): x0, two GPR homes (a2 = r8,
 * a5 = rsi: REX and non-REX encodings), a solo XMM (t1), an XMM lane 0 (sp) and lane 1 (ra).
 * Every (rd, rs1, rs2) over them: all aliasing shapes in every mix of classes. */
static const uint32_t SHAPE_REGS[] = {0, 12, 15, 6, 2, 1};
#define N_SHAPE_REGS (sizeof SHAPE_REGS / sizeof SHAPE_REGS[0])

struct shape { uint32_t rd, rs1, rs2; };

static struct shape shape_at(size_t k)
{
    return (struct shape){SHAPE_REGS[k % N_SHAPE_REGS], SHAPE_REGS[k / N_SHAPE_REGS % N_SHAPE_REGS],
                          SHAPE_REGS[k / (N_SHAPE_REGS * N_SHAPE_REGS)]};
}

START_TEST(alu_vectors_all_shapes)
{
    char what[128];
    for (size_t i = 0; i < sizeof alu_vecs / sizeof alu_vecs[0]; i++) {
        const struct alu_vec *v = &alu_vecs[i];
        for (size_t k = 0; k < N_SHAPE_REGS * N_SHAPE_REGS * N_SHAPE_REGS; k++) {
            const struct shape sk = shape_at(k), *s = &sk;
            uint64_t regs[32];
            for (int r = 0; r < 32; r++)
                regs[r] = 0x1111111111111111ull * (uint64_t)r;
            regs[s->rs2] = v->b;
            regs[s->rs1] = v->a;
            uint32_t w[] = {rv_r(v->f7, s->rs2, s->rs1, v->f3, s->rd, v->opc)};
            snprintf(what, sizeof what, "%s #%zu shape (x%u, x%u, x%u)", v->name, i, s->rd,
                     s->rs1, s->rs2);
            struct outcome ref;
            t0cmp_compare_words(w, 1, NULL, 0, regs, 0, 0, what, &ref);
            /* and the spec's value, independently of the interpreter */
            if (s->rd && s->rs1 && s->rs2 && s->rs1 != s->rs2)
                ck_assert_msg(ref.regs[s->rd] == v->expect, "%s: %#llx, want %#llx", what,
                              (unsigned long long)ref.regs[s->rd],
                              (unsigned long long)v->expect);
            free(ref.trace);
        }
    }
}
END_TEST

/* ---- random ALU / M / immediate programs ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static const uint64_t EDGES[] = {0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
                                 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                 0xffffffffffffffffull, 0xfffffffffffffffeull,
                                 0xffffffff80000000ull, 0x123456789abcdef0ull};
#define N_EDGES (sizeof EDGES / sizeof EDGES[0])

static uint64_t rand_value(uint64_t *s)
{
    uint64_t r = rng_next(s);
    return (r & 3) ? EDGES[(r >> 8) % N_EDGES] : rng_next(s);
}

static uint32_t rand_reg(uint64_t *s)
{
    static const uint32_t regs[] = {0, 10, 5, 7, 1, 19, 20, 31, 2, 11, 12, 13, 14, 15, 6, 16};
    return regs[rng_next(s) % (sizeof regs / sizeof regs[0])];
}

static uint32_t rand_alu_insn(uint64_t *s)
{
    static const uint32_t r_ops[][3] = {   /* f7, f3, opcode */
        {0x00, 0, 0x33}, {0x20, 0, 0x33}, {0x00, 1, 0x33}, {0x00, 2, 0x33}, {0x00, 3, 0x33},
        {0x00, 4, 0x33}, {0x00, 5, 0x33}, {0x20, 5, 0x33}, {0x00, 6, 0x33}, {0x00, 7, 0x33},
        {0x00, 0, 0x3b}, {0x20, 0, 0x3b}, {0x00, 1, 0x3b}, {0x00, 5, 0x3b}, {0x20, 5, 0x3b},
        {0x01, 0, 0x33}, {0x01, 1, 0x33}, {0x01, 2, 0x33}, {0x01, 3, 0x33}, {0x01, 4, 0x33},
        {0x01, 5, 0x33}, {0x01, 6, 0x33}, {0x01, 7, 0x33}, {0x01, 0, 0x3b}, {0x01, 4, 0x3b},
        {0x01, 5, 0x3b}, {0x01, 6, 0x3b}, {0x01, 7, 0x3b},
    };
    static const int32_t imms[] = {0, 1, -1, 2047, -2048, 5, -7, 0x555};
    uint32_t rd = rand_reg(s), rs1 = rand_reg(s), rs2 = rand_reg(s);
    uint64_t k = rng_next(s) % 41;
    int32_t imm = (rng_next(s) & 1) ? imms[rng_next(s) % 8] : (int32_t)(rng_next(s) % 4096) - 2048;
    uint32_t sh = (uint32_t)(rng_next(s) % 64), sh32 = sh & 31;
    if (k < 28)
        return rv_r(r_ops[k][0], rs2, rs1, r_ops[k][1], rd, r_ops[k][2]);
    switch (k) {
    case 28: return rv_i(imm, rs1, 0, rd, 0x13);                   /* addi */
    case 29: return rv_i(imm, rs1, 2, rd, 0x13);                   /* slti */
    case 30: return rv_i(imm, rs1, 3, rd, 0x13);                   /* sltiu */
    case 31: return rv_i(imm, rs1, (rng_next(s) & 1) ? 4 : 6, rd, 0x13);   /* xori / ori */
    case 32: return rv_i(imm, rs1, 7, rd, 0x13);                   /* andi */
    case 33: return rv_i((int32_t)sh, rs1, 1, rd, 0x13);           /* slli */
    case 34: return rv_i((int32_t)(sh | 0x400), rs1, 5, rd, 0x13); /* srai */
    case 35: return rv_i((int32_t)sh, rs1, 5, rd, 0x13);           /* srli */
    case 36: return rv_i(imm, rs1, 0, rd, 0x1b);                   /* addiw */
    case 37: return rv_i((int32_t)sh32, rs1, 1, rd, 0x1b);         /* slliw */
    case 38: return rv_i((int32_t)(sh32 | ((rng_next(s) & 1) << 10)), rs1, 5, rd, 0x1b);
                                                                    /* srliw / sraiw */
    case 39: return rv_u((int32_t)rng_next(s), rd, 0x37);          /* lui */
    default: return rv_u((int32_t)rng_next(s), rd, 0x17);          /* auipc */
    }
}

START_TEST(random_alu_programs)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    char what[64];
    for (int prog = 0; prog < 300; prog++) {
        uint32_t w[40];
        for (size_t k = 0; k < 40; k++)
            w[k] = rand_alu_insn(&s);
        uint64_t regs[32];
        for (int r = 0; r < 32; r++)
            regs[r] = rand_value(&s);
        snprintf(what, sizeof what, "random ALU program %d", prog);
        struct outcome ref;
        t0cmp_compare_words(w, 40, NULL, 0, regs, 0, 0, what, &ref);
        ck_assert_int_eq(ref.clk, 1 + 8 * 40);
        free(ref.trace);
    }
}
END_TEST

/* ---- division pairs (t0_emit_div.c) ---- */

/* A div/rem and the rem/div of the same operands after it share one division (the memo in
 * ctx); every family and order, edge operands (x/0, MIN/-1), and a second pass that jumps
 * into the consumer past its producer with another dividend, so the memo must be missed. */
START_TEST(division_pairs_match_interp)
{
    static const uint32_t fams[][3] = {   /* div f3, rem f3, opcode */
        {5, 7, 0x33}, {4, 6, 0x33}, {5, 7, 0x3b}, {4, 6, 0x3b},
    };
    char what[96];
    for (size_t f = 0; f < 4; f++)
        for (int order = 0; order < 2; order++)
            for (size_t i = 0; i < N_EDGES; i++)
                for (size_t j = 0; j < N_EDGES; j += 2) {
                    const uint32_t first = fams[f][order], second = fams[f][!order];
                    uint64_t regs[32] = {0};
                    regs[10] = EDGES[i];
                    regs[11] = EDGES[j];
                    regs[12] = EDGES[(i + 5) % N_EDGES];
                    uint32_t w[] = {
                        rv_r(1, 11, 10, first, 5, fams[f][2]),    /* 0: the producer */
                        RV_ADDI(7, 7, 1),                         /* 1 */
                        rv_r(1, 11, 10, second, 6, fams[f][2]),   /* 2: the consumer */
                        RV_BNE(13, 0, 20),                        /* 3: second pass: to 8 */
                        RV_ADDI(13, 0, 1),                        /* 4 */
                        RV_ADDI(10, 12, 0),                       /* 5: another dividend */
                        RV_AUIPC(14, 0),                          /* 6 */
                        RV_JALR(0, 14, -16),                      /* 7: to 2 */
                    };
                    snprintf(what, sizeof what, "division pair f3 %u then %u op %#x, %zu / %zu",
                             first, second, fams[f][2], i, j);
                    struct outcome ref;
                    t0cmp_compare_words(w, sizeof w / 4, NULL, 0, regs, 0, 0, what, &ref);
                    ck_assert_uint_eq(ref.regs[13], 1);   /* both passes ran */
                    free(ref.trace);
                }
}
END_TEST

/* ---- memory, tracing, chunks ---- */

static uint32_t rand_mem_insn(uint64_t *s)
{
    static const uint32_t base_regs[] = {10, 5, 19};   /* each holds an address in the data */
    uint32_t base = base_regs[rng_next(s) % 3];
    uint32_t other = rand_reg(s);
    uint32_t f3 = (uint32_t)(rng_next(s) % 7);          /* lb lh lw ld lbu lhu lwu */
    unsigned size = 1u << (f3 & 3);
    if (f3 == 3)
        size = 8;
    int32_t off = (int32_t)((rng_next(s) % 32) * 8) - 64 + (int32_t)((rng_next(s) % (8 / size)) * size);
    if (other == base)
        other = 7;
    if (rng_next(s) & 1)
        return rv_i(off, base, f3, other, 0x03);
    return rv_s(off, other, base, f3 & 3, 0x23);        /* sb sh sw sd */
}

START_TEST(random_memory_programs_traced)
{
    uint64_t s = 0x1234567887654321ull;
    uint8_t data[512];
    char what[96];
    static const uint64_t chunks[] = {0, 1, 3, 7, 1000};
    for (int prog = 0; prog < 120; prog++) {
        for (size_t k = 0; k < sizeof data; k++)
            data[k] = (uint8_t)rng_next(&s);
        uint32_t w[48];
        for (size_t k = 0; k < 48; k++)
            w[k] = (k % 3 == 2) ? rand_alu_insn(&s) : rand_mem_insn(&s);
        /* keep the three base registers pointing into the data: ALU ops must not write them */
        for (size_t k = 0; k < 48; k++) {
            uint32_t rd = (w[k] >> 7) & 31, opc = w[k] & 0x7f;
            if (opc != 0x23 && (rd == 10 || rd == 5 || rd == 19))
                w[k] = (w[k] & ~(31u << 7)) | (7u << 7);
        }
        uint64_t regs[32];
        for (int r = 0; r < 32; r++)
            regs[r] = rand_value(&s);
        regs[10] = TU_DATA_ADDR + 128;
        regs[5] = TU_DATA_ADDR + 256;
        regs[19] = TU_DATA_ADDR + 384;
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            snprintf(what, sizeof what, "memory program %d, chunk %llu", prog,
                     (unsigned long long)chunks[c]);
            struct outcome ref;
            t0cmp_compare_words(w, 48, data, sizeof data, regs, chunks[c], 0, what, &ref);
            ck_assert_msg(ref.status == RVT_FAULT && strstr(ref.error, "outside the program"),
                          "%s: %s", what, ref.error);   /* ran to the end of the text */
            if (chunks[c])
                ck_assert_uint_gt(ref.trace_len, 304);
            free(ref.trace);
        }
    }
}
END_TEST

/* ---- control flow ---- */

START_TEST(branches_loops_calls)
{
    static const uint32_t br_f3[] = {0, 1, 4, 5, 6, 7};
    char what[96];
    /* every branch kind over edge operands, taken and not taken, in lane/GPR shapes */
    for (size_t b = 0; b < 6; b++)
        for (size_t i = 0; i < N_EDGES; i++)
            for (size_t j = 0; j < N_EDGES; j += 3) {
                uint64_t regs[32] = {0};
                regs[10] = EDGES[i];
                regs[19] = EDGES[j];
                uint32_t w[] = {
                    rv_b(12, 19, 10, br_f3[b]),   /* 0: if cond goto 3 */
                    RV_ADDI(7, 7, 1),             /* 1 */
                    RV_JAL(0, 8),                 /* 2: goto 4 */
                    RV_ADDI(7, 7, 100),           /* 3 */
                    RV_ADDI(11, 0, 1),            /* 4 */
                };
                snprintf(what, sizeof what, "branch f3=%u %zu,%zu", br_f3[b], i, j);
                struct outcome ref;
                t0cmp_compare_words(w, 5, NULL, 0, regs, 0, 0, what, &ref);
                free(ref.trace);
            }
    /* a loop summing 1..100 with a call/return through JALR */
    uint32_t w[] = {
        RV_ADDI(10, 0, 0),          /* 0: a0 = 0 */
        RV_ADDI(19, 0, 100),        /* 1: s3 = 100 */
        RV_JAL(1, 20),              /* 2: call 7 */
        RV_ADDI(19, 19, -1),        /* 3 */
        RV_BNE(19, 0, -8),          /* 4: loop to 2 */
        RV_ADDI(5, 0, 0),           /* 5: halt(a0) */
        RV_ECALL,                   /* 6 */
        rv_r(0, 19, 10, 0, 10, 0x33), /* 7: a0 += s3 */
        RV_JALR(0, 1, 0),           /* 8: ret */
    };
    struct outcome ref;
    t0cmp_compare_words(w, sizeof w / 4, NULL, 0, NULL, 0, 0, "loop", &ref);
    ck_assert_int_eq(ref.halted, 1);
    ck_assert_uint_eq(ref.regs[10], 5050);
    free(ref.trace);
    /* JALR with rd = rs1 and an odd offset (bit 0 cleared) */
    uint32_t w2[] = {
        RV_AUIPC(5, 0),             /* 0: t0 = pc */
        RV_JALR(5, 5, 13),          /* 1: goto pc0 + 12 (13 & ~1), t0 = link */
        RV_ADDI(7, 0, 1),           /* 2: skipped */
        RV_ADDI(11, 5, 0),          /* 3 */
    };
    t0cmp_compare_words(w2, 4, NULL, 0, NULL, 0, 0, "jalr rd=rs1", &ref);
    ck_assert_uint_eq(ref.regs[11], TU_TEXT_ADDR + 8);
    ck_assert_uint_eq(ref.regs[7], 0);
    free(ref.trace);
}
END_TEST

/* ---- faults and the cycle limit ---- */

START_TEST(faults_match_interp)
{
    struct {
        const char *what;
        uint32_t w[4];
        size_t n;
        uint64_t a0;
    } cases[] = {
        {"misaligned lh", {RV_LH(7, 10, 1)}, 1, TU_DATA_ADDR},
        {"misaligned sd", {RV_SD(7, 10, 4)}, 1, TU_DATA_ADDR},
        {"misaligned lw", {RV_LW(7, 10, 2)}, 1, TU_DATA_ADDR},
        {"load at 2^40", {RV_LB(7, 10, 0)}, 1, 1ull << 40},
        {"store near 2^64", {RV_SB(7, 10, -1)}, 1, 0},
        {"ld at 2^40 - 8 is fine", {RV_LD(7, 10, -8)}, 1, 1ull << 40},
        {"jalr misaligned", {RV_JALR(1, 10, 2)}, 1, TU_TEXT_ADDR},
        {"jalr below text", {RV_JALR(1, 10, 0)}, 1, TU_TEXT_ADDR - 4},
        {"jalr past text", {RV_JALR(1, 10, 0), RV_ADDI(7, 0, 1)}, 2, TU_TEXT_ADDR + 8},
        {"branch outside", {RV_BEQ(0, 0, -16)}, 1, 0},
        {"branch outside not taken", {RV_BNE(0, 0, -16)}, 1, 0},
        {"jal outside", {RV_JAL(1, 64)}, 1, 0},
        {"ebreak", {RV_ADDI(7, 0, 3), RV_EBREAK}, 2, 0},
        {"csr", {0x30002573u}, 1, 0},
        {"illegal zero word", {RV_ADDI(7, 0, 3), 0}, 2, 0},
        {"fall off", {RV_ADDI(7, 0, 3)}, 1, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint64_t regs[32] = {0};
        regs[10] = cases[k].a0;
        regs[7] = 0x77;
        struct outcome ref;
        t0cmp_compare_words(cases[k].w, cases[k].n, NULL, 0, regs, 4, 0, cases[k].what, &ref);
        ck_assert_msg(ref.status != RVT_OK, "%s did not fail", cases[k].what);
        free(ref.trace);
    }
    /* cycle limit inside an endless loop, at every small limit */
    uint32_t loop[] = {RV_ADDI(7, 7, 1), RV_JAL(0, -4)};
    for (uint64_t lim = 1; lim < 12; lim++) {
        struct outcome ref;
        t0cmp_compare_words(loop, 2, NULL, 0, NULL, 0, lim, "cycle limit", &ref);
        ck_assert_int_eq(ref.status, RVT_CYCLE_LIMIT);
        free(ref.trace);
    }
    /* a JALR loop hits the limit with a run-time pc */
    uint32_t jloop[] = {RV_AUIPC(5, 0), RV_JALR(0, 5, 0)};
    struct outcome ref;
    t0cmp_compare_words(jloop, 2, NULL, 0, NULL, 0, 7, "jalr cycle limit", &ref);
    ck_assert_int_eq(ref.status, RVT_CYCLE_LIMIT);
    free(ref.trace);
}
END_TEST

/* ---- ECALLs: halt, and an unconstrained block (global_clk and tracing pause) ---- */

START_TEST(ecalls_and_unconstrained)
{
    uint32_t w[] = {
        RV_ADDI(5, 0, 3),            /* 0: t0 = ENTER_UNCONSTRAINED */
        RV_ECALL,                    /* 1: t0 = 1 first, 0 after EXIT */
        RV_BEQ(5, 0, 24),            /* 2: done -> 8 */
        RV_LD(11, 10, 0),            /* 3: traced? no: unconstrained */
        RV_SD(11, 10, 8),            /* 4 */
        RV_ADDI(11, 11, 5),          /* 5 */
        RV_ADDI(5, 0, 4),            /* 6: EXIT_UNCONSTRAINED */
        RV_ECALL,                    /* 7 */
        RV_LD(12, 10, 0),            /* 8: traced */
        RV_ADDI(10, 0, 42),          /* 9 */
        RV_ADDI(5, 0, 0),            /* 10: HALT */
        RV_ECALL,                    /* 11 */
    };
    static const uint64_t data[4] = {0x1122334455667788ull, 0, 0, 0};
    uint64_t regs[32] = {0};
    regs[10] = TU_DATA_ADDR;
    static const uint64_t chunks[] = {0, 1, 2, 100};
    for (size_t c = 0; c < 4; c++) {
        struct outcome ref;
        t0cmp_compare_words(w, sizeof w / 4, (const uint8_t *)data, sizeof data, regs, chunks[c], 0,
                            "unconstrained", &ref);
        ck_assert_msg(ref.halted && ref.exit_code == 42, "%s", ref.error);
        free(ref.trace);
    }
}
END_TEST

/* ---- translation never fails on data in the text: random words, then run them ---- */

START_TEST(random_words_translate_and_match)
{
    uint64_t s = 0xdeadbeefcafef00dull;
    static uint32_t w[4096];
    for (size_t k = 0; k < 4096; k++)
        w[k] = (uint32_t)rng_next(&s);
    struct rvt_program *p = t0cmp_load(w, 4096, NULL, 0);
    struct t0_code *code;
    char err[512];
    ck_assert_msg(t0_translate(p, &code, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(code->n_insns, 4096);
    t0_code_free(code);
    rvt_program_free(p);
    /* and executing random words stops the same way in both modes */
    for (int prog = 0; prog < 200; prog++) {
        uint32_t v[16];
        for (size_t k = 0; k < 16; k++)
            v[k] = (rng_next(&s) & 1) ? (uint32_t)rng_next(&s) : rand_alu_insn(&s);
        uint64_t regs[32];
        for (int r = 0; r < 32; r++)
            regs[r] = rand_value(&s);
        struct outcome ref;
        t0cmp_compare_words(v, 16, NULL, 0, regs, 2, 1000, "random words", &ref);
        free(ref.trace);
    }
}
END_TEST

/* A text translated in slices (t0_options.threads): the slices start at leaders, in text
 * order, each slice's guest code and stubs inside its own areas and the areas disjoint; the
 * listing accounts for every byte; a slice that falls through ends with a jmp to the next
 * slice's first instruction. (That the code runs as the interpreter does is checked by every
 * t0cmp_compare (tier0_compare.c), which runs each program translated in slices too.) */
START_TEST(slices_are_whole_blocks_in_their_own_areas)
{
    char path[2048], err[512];
    snprintf(path, sizeof path, "%s/sp1/sha256.elf", tu_guest_dir());
    struct rvt_program *p;
    ck_assert_msg(rvt_program_load_file(path, &p, err, sizeof err) == 0, "%s", err);
    for (unsigned threads = 1; threads <= T0_MAX_SLICES; threads++) {
        struct t0_code *c;
        const struct t0_options o = {.threads = threads};
        ck_assert_msg(t0_translate_opts(p, &o, &c, err, sizeof err) == 0, "%s", err);
        ck_assert_uint_eq(c->n_slices, threads);
        size_t bytes = 0, prev_end = 0, prev_stubs_end = c->stubs_off;
        for (unsigned k = 0; k < c->n_slices; k++) {
            const struct t0_slice_span *sp = &c->slice[k];
            const uint64_t end = k + 1 < c->n_slices ? c->slice[k + 1].first : p->n_insns;
            ck_assert(p->leader[sp->first]);
            ck_assert_uint_lt(sp->first, end);
            const size_t main_start = k == 0 ? 0 : c->insn_off[sp->first];
            ck_assert_uint_ge(main_start, prev_end);
            for (uint64_t i = sp->first; i + 1 < end; i++)
                ck_assert_uint_lt(c->insn_off[i], c->insn_off[i + 1]);
            ck_assert_uint_le(t0_insn_end(c, end - 1), sp->main_end);
            ck_assert_uint_lt(sp->main_end, c->stubs_off);
            ck_assert_uint_ge(sp->stubs, prev_stubs_end);
            ck_assert_uint_le(sp->stubs_end, c->code_len);
            if (k + 1 < c->n_slices) {   /* the last bytes: jmp rel32 to the next slice */
                const uint8_t *j = c->code + sp->main_end - 5;
                int32_t rel;
                memcpy(&rel, j + 1, 4);
                ck_assert_uint_eq(j[0], 0xE9);
                ck_assert_uint_eq(sp->main_end + (size_t)(int64_t)rel, c->insn_off[end]);
            }
            bytes += sp->main_end - main_start + (sp->stubs_end - sp->stubs);
            prev_end = sp->main_end;
            prev_stubs_end = sp->stubs_end;
        }
        ck_assert_uint_eq(bytes, t0_code_bytes(c));
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        ck_assert_msg(t0_dump_asm(f, p, c, err, sizeof err) == 0, "%s", err);
        fclose(f);
        free(text);
        t0_code_free(c);
    }
    rvt_program_free(p);
}
END_TEST

/* ---- the built guest programs, every ABI, traced ---- */

START_TEST(guest_programs)
{
    static const char *const abis[] = {"sp1", "linux"};
    int ran = 0;
    for (int k = 0; k < 2; k++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", tu_guest_dir(), abis[k]);
        DIR *d = opendir(dir);
        ck_assert_msg(d != NULL, "no guest directory %s: build the guests first", dir);
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            size_t n = strlen(de->d_name);
            if (n < 5 || strcmp(de->d_name + n - 4, ".elf") != 0)
                continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            struct rvt_program *p;
            char err[512];
            ck_assert_msg(rvt_program_load_file(path, &p, err, sizeof err) == 0, "%s", err);
            struct outcome ref;
            t0cmp_compare_abi(p, NULL, 1 << 12, 20000000, k ? RVT_ABI_LINUX : RVT_ABI_SP1, path,
                              &ref);
            free(ref.trace);
            rvt_program_free(p);
            ran++;
        }
        closedir(d);
    }
    ck_assert_int_gt(ran, 10);
}
END_TEST

Suite *test_tier0_suite(void)
{
    Suite *s = suite_create("tier0");
    TCase *tc = tcase_create("vs_interp");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, regmap_is_a_bijection);
    tcase_add_test(tc, alu_vectors_all_shapes);
    tcase_add_test(tc, random_alu_programs);
    tcase_add_test(tc, division_pairs_match_interp);
    tcase_add_test(tc, random_memory_programs_traced);
    tcase_add_test(tc, branches_loops_calls);
    tcase_add_test(tc, faults_match_interp);
    tcase_add_test(tc, ecalls_and_unconstrained);
    tcase_add_test(tc, random_words_translate_and_match);
    tcase_add_test(tc, slices_are_whole_blocks_in_their_own_areas);
    tcase_add_test(tc, guest_programs);
    suite_add_tcase(s, tc);
    return s;
}
