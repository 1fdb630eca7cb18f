/* test_interp.c — the reference interpreter, instruction by instruction: the ALU edge-case
 * vectors in every operand shape, immediates, loads/stores with extension, x0, clocks,
 * trace records and chunk boundaries, and the faults. Tier suites reuse the same programs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/trace.h"
#include "rv_asm.h"
#include "testutil.h"

struct alu_vec { const char *name; uint32_t f7, f3, opc; uint64_t a, b, expect; };
static const struct alu_vec alu_vecs[] = {
#define V(n, f7, f3, opc, a, b, e) {#n, f7, f3, opc, a, b, e},
#include "alu_vectors.inc"
#undef V
};
#define N_ALU (sizeof alu_vecs / sizeof alu_vecs[0])

/* Registers of the operand shapes: tier 0 maps x10 (a0) to a GPR and the others to XMM lanes
 * 0 and 1, so the shapes cover every kind of location and aliasing. */
struct shape { uint32_t rd, rs1, rs2; };
static const struct shape shapes[] = {
    {9, 7, 8},     /* all different, lane 0 registers */
    {7, 7, 8},     /* rd = rs1 */
    {8, 7, 8},     /* rd = rs2 */
    {10, 10, 8},   /* a0 (GPR in tier 0) as rd and rs1 */
    {20, 21, 10},  /* lane 1 registers and a0 as rs2 */
    {0, 7, 8},     /* rd = x0: the result is dropped */
};

/* data: a at 0x20000, b at 0x20008. Program: x6 = 0x20000; rs1 = a; rs2 = b; op; halt. */
static void run_alu(const struct alu_vec *v, const struct shape *s, enum rvt_mode mode,
                    struct rvt_result *r)
{
    uint64_t data[2] = {v->a, v->b};
    uint32_t w[] = {
        RV_LUI(6, 0x20),
        RV_LD(s->rs1, 6, 0),
        RV_LD(s->rs2, 6, 8),
        rv_r(v->f7, s->rs2, s->rs1, v->f3, s->rd, v->opc),
        RV_ADDI(5, 0, 0),
        RV_ECALL,
    };
    tu_run(w, sizeof w / sizeof w[0], (const uint8_t *)data, sizeof data, mode, NULL, 0, 0, r);
}

START_TEST(alu_vectors_all_shapes)
{
    for (size_t i = 0; i < N_ALU; i++)
        for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            const struct alu_vec *v = &alu_vecs[i];
            const struct shape *s = &shapes[k];
            struct rvt_result r;
            run_alu(v, s, RVT_MODE_INTERP, &r);
            ck_assert_msg(r.status == RVT_OK, "%s: %s", v->name, r.error);
            uint64_t want = s->rd ? v->expect : 0;
            ck_assert_msg(r.regs[s->rd] == want, "%s(%#llx, %#llx) rd=x%u: got %#llx want %#llx",
                          v->name, (unsigned long long)v->a, (unsigned long long)v->b, s->rd,
                          (unsigned long long)r.regs[s->rd], (unsigned long long)want);
            ck_assert_uint_eq(r.regs[0], 0);
            rvt_result_free(&r);
        }
}
END_TEST

static void run_words(const uint32_t *w, size_t n, struct rvt_result *r)
{
    static const uint64_t data[4] = {0x8081828384858687ull, 0xfedcba9876543210ull, 0, 0};
    tu_run(w, n, (const uint8_t *)data, sizeof data, RVT_MODE_INTERP, NULL, 0, 0, r);
    ck_assert_msg(r->status == RVT_OK, "%s", r->error);
}
#define RUN(r, ...) do { uint32_t w_[] = {__VA_ARGS__, RV_HALT}; \
                         run_words(w_, sizeof w_ / sizeof w_[0], r); } while (0)

START_TEST(immediates)
{
    struct rvt_result r;
    RUN(&r, RV_ADDI(7, 0, -1), RV_ADDI(8, 7, -2048), RV_ADDIW(9, 7, 0),
        rv_i(-1, 0, 3, 11, 0x13) /* sltiu x11, x0, -1 */, rv_i(-1, 7, 2, 12, 0x13) /* slti x12,x7,-1 */,
        RV_SLLI(13, 7, 63), rv_i(0x400 | 63, 13, 5, 14, 0x13) /* srai x14,x13,63 */,
        rv_i(31, 7, 1, 15, 0x1b) /* slliw x15,x7,31 */, rv_i(0x400 | 31, 15, 5, 16, 0x1b) /* sraiw */,
        rv_i(31, 15, 5, 17, 0x1b) /* srliw */, RV_LUI(18, 0x80000), RV_AUIPC(19, 1),
        rv_i(0x7ff, 7, 4, 20, 0x13) /* xori */, rv_i(-16, 7, 7, 21, 0x13) /* andi */,
        rv_i(0x123, 0, 6, 22, 0x13) /* ori */);
    ck_assert_uint_eq(r.regs[7], UINT64_MAX);
    ck_assert_uint_eq(r.regs[8], (uint64_t)-2049);
    ck_assert_uint_eq(r.regs[9], UINT64_MAX);
    ck_assert_uint_eq(r.regs[11], 1);
    ck_assert_uint_eq(r.regs[12], 0);
    ck_assert_uint_eq(r.regs[13], 0x8000000000000000ull);
    ck_assert_uint_eq(r.regs[14], UINT64_MAX);
    ck_assert_uint_eq(r.regs[15], 0xffffffff80000000ull);
    ck_assert_uint_eq(r.regs[16], UINT64_MAX);
    ck_assert_uint_eq(r.regs[17], 1);
    ck_assert_uint_eq(r.regs[18], 0xffffffff80000000ull);
    ck_assert_uint_eq(r.regs[19], TU_TEXT_ADDR + 11 * 4 + 0x1000);
    ck_assert_uint_eq(r.regs[20], (uint64_t)~0x7ffull);
    ck_assert_uint_eq(r.regs[21], (uint64_t)-16);
    ck_assert_uint_eq(r.regs[22], 0x123);
    rvt_result_free(&r);
}
END_TEST

START_TEST(loads_stores_extend)
{
    struct rvt_result r;
    RUN(&r, RV_LUI(6, 0x20), RV_LB(7, 6, 0), RV_LBU(8, 6, 0), RV_LH(9, 6, 0), RV_LHU(11, 6, 0),
        RV_LW(12, 6, 4), RV_LWU(13, 6, 4), RV_LD(14, 6, 8), RV_LB(15, 6, 7),
        /* stores into the zeroed doubleword at +16, then read it whole */
        RV_SB(14, 6, 23), RV_SH(14, 6, 20), RV_SW(14, 6, 16), RV_LD(16, 6, 16),
        RV_SD(14, 6, 24), RV_LD(17, 6, 24), RV_ADDI(0, 6, 1));
    ck_assert_uint_eq(r.regs[7], 0xffffffffffffff87ull);
    ck_assert_uint_eq(r.regs[8], 0x87);
    ck_assert_uint_eq(r.regs[9], 0xffffffffffff8687ull);
    ck_assert_uint_eq(r.regs[11], 0x8687);
    ck_assert_uint_eq(r.regs[12], 0xffffffff80818283ull);
    ck_assert_uint_eq(r.regs[13], 0x80818283ull);
    ck_assert_uint_eq(r.regs[14], 0xfedcba9876543210ull);
    ck_assert_uint_eq(r.regs[15], 0xffffffffffffff80ull);
    ck_assert_uint_eq(r.regs[16], 0x1000321076543210ull);
    ck_assert_uint_eq(r.regs[17], 0xfedcba9876543210ull);
    ck_assert_uint_eq(r.regs[0], 0);
    rvt_result_free(&r);
}
END_TEST

START_TEST(branches_and_clocks)
{
    /* x7 counts 5 down to 0 in a loop; then jal/jalr round trip. */
    uint32_t w[] = {
        RV_ADDI(7, 0, 5),          /* 0 */
        RV_ADDI(7, 7, -1),         /* 1: loop */
        RV_BNE(7, 0, -4),          /* 2 */
        RV_JAL(1, 12),             /* 3 -> 6 */
        RV_ADDI(10, 0, 77),        /* 4: return here */
        RV_JAL(0, 12),             /* 5 -> 8 */
        RV_ADDI(9, 0, 3),          /* 6 */
        RV_JALR(0, 1, 0),          /* 7 -> 4 */
        RV_HALT,                   /* 8, 9 */
    };
    struct rvt_result r;
    tu_run(w, sizeof w / sizeof w[0], NULL, 0, RVT_MODE_INTERP, NULL, 0, 0, &r);
    ck_assert_msg(r.status == RVT_OK, "%s", r.error);
    ck_assert_int_eq(r.exit_code, 77);
    ck_assert_uint_eq(r.regs[9], 3);
    ck_assert_uint_eq(r.regs[1], TU_TEXT_ADDR + 16);
    /* 1 + 5*2 + jal + addi + jalr + addi + jal + addi(t0) = 16 instructions + the ECALL */
    uint64_t n = 1 + 10 + 6;
    ck_assert_uint_eq(r.global_clk, n + 1);
    ck_assert_uint_eq(r.clk, 1 + 8 * (n + 1) + 256);
    ck_assert_uint_eq(r.pc, TU_TEXT_ADDR + 10 * 4);
    rvt_result_free(&r);
}
END_TEST

static char *tmp_trace(void)
{
    char *p = strdup("/tmp/rvt-test-trace-XXXXXX");
    int fd = mkstemp(p);
    ck_assert_int_ge(fd, 0);
    close(fd);
    return p;
}

START_TEST(trace_records_and_chunks)
{
    /* three memory accesses to the same doubleword: ld, sd, ld; chunk size 2 */
    uint64_t data[1] = {0x1111};
    uint32_t w[] = {RV_LUI(6, 0x20), RV_LD(7, 6, 0), RV_ADDI(7, 7, 1), RV_SD(7, 6, 0),
                    RV_LD(8, 6, 0), RV_ADDI(10, 8, 0), RV_HALT};
    char *path = tmp_trace();
    struct rvt_result r;
    tu_run(w, sizeof w / sizeof w[0], (const uint8_t *)data, sizeof data, RVT_MODE_INTERP, path,
           2, 0, &r);
    ck_assert_msg(r.status == RVT_OK, "%s", r.error);
    ck_assert_uint_eq(r.stats.chunks, 2);
    size_t len;
    uint8_t *t = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(len, 32 + RV_TRACE_HDR_SIZE + 2 * 16 + RV_TRACE_HDR_SIZE + 1 * 16);
    ck_assert_int_eq(memcmp(t, RV_TRACE_FILE_MAGIC, 8), 0);
    struct rv_trace_header h0, h1;
    memcpy(&h0, t + 32, sizeof h0);
    const struct rv_mem_record *rec0 = (const void *)(t + 32 + RV_TRACE_HDR_SIZE);
    memcpy(&h1, t + 32 + RV_TRACE_HDR_SIZE + 32, sizeof h1);
    const struct rv_mem_record *rec1 = (const void *)(t + 32 + 2 * RV_TRACE_HDR_SIZE + 32);
    /* chunk 0: ld at clk 9 records the initial {0, 0x1111}; sd at clk 25 records {10, 0x1111};
     * the boundary comes after the sd (2 records), so chunk 1 starts at the second ld. */
    ck_assert_uint_eq(h0.pc_start, TU_TEXT_ADDR);
    ck_assert_uint_eq(h0.clk_start, 1);
    ck_assert_uint_eq(h0.num_mem_reads, 2);
    ck_assert_uint_eq(rec0[0].clk, 0);
    ck_assert_uint_eq(rec0[0].value, 0x1111);
    ck_assert_uint_eq(rec0[1].clk, 9 + 1);
    ck_assert_uint_eq(rec0[1].value, 0x1111);
    ck_assert_uint_eq(h0.clk_end, 1 + 4 * 8);
    ck_assert_uint_eq(h0.global_clk_end, 4);
    ck_assert_uint_eq(h1.pc_start, TU_TEXT_ADDR + 16);
    ck_assert_uint_eq(h1.clk_start, h0.clk_end);
    ck_assert_uint_eq(h1.start_registers[7], 0x1112);
    ck_assert_uint_eq(h1.num_mem_reads, 1);
    ck_assert_uint_eq(rec1[0].clk, 25 + 1);
    ck_assert_uint_eq(rec1[0].value, 0x1112);
    ck_assert_uint_eq(h1.clk_end, r.clk);
    ck_assert_uint_eq(h1.global_clk_end, r.global_clk);
    ck_assert_int_eq(r.exit_code, 0x1112 & 0xff);
    free(t);
    unlink(path);
    free(path);
    rvt_result_free(&r);
}
END_TEST

static void expect_fault(const uint32_t *w, size_t n, enum rvt_status st, const char *needle,
                         uint64_t max_cycles)
{
    struct rvt_result r;
    tu_run(w, n, NULL, 0, RVT_MODE_INTERP, NULL, 0, max_cycles, &r);
    ck_assert_int_eq(r.status, st);
    ck_assert_msg(strstr(r.error, needle), "'%s' not in '%s'", needle, r.error);
    rvt_result_free(&r);
}
#define FAULT(st, needle, cycles, ...) do { uint32_t w_[] = {__VA_ARGS__}; \
    expect_fault(w_, sizeof w_ / sizeof w_[0], st, needle, cycles); } while (0)

START_TEST(faults)
{
    FAULT(RVT_FAULT, "misaligned", 0, RV_LUI(6, 0x20), RV_LD(7, 6, 4), RV_HALT);
    FAULT(RVT_FAULT, "misaligned", 0, RV_LUI(6, 0x20), RV_SH(7, 6, 1), RV_HALT);
    FAULT(RVT_FAULT, "pc 0x10008: address 0x10000000000 is out of range", 0,
          RV_ADDI(6, 0, 1), RV_SLLI(6, 6, 40), RV_LB(7, 6, 0), RV_HALT);
    FAULT(RVT_FAULT, "out of range", 0, RV_ADDI(6, 0, -8), RV_SD(7, 6, 0), RV_HALT);
    FAULT(RVT_FAULT, "outside the program text", 0, RV_LUI(6, 0x40), RV_JALR(1, 6, 0), RV_HALT);
    FAULT(RVT_FAULT, "not 4-byte aligned", 0, RV_AUIPC(6, 0), RV_JALR(1, 6, 6), RV_HALT);
    FAULT(RVT_FAULT, "EBREAK", 0, RV_EBREAK, RV_HALT);
    FAULT(RVT_FAULT, "CSR", 0, 0xc0002573u /* csrrs x10, cycle, x0 */, RV_HALT);
    FAULT(RVT_FAULT, "word 0x00000000", 0, 0, RV_HALT);
    FAULT(RVT_CYCLE_LIMIT, "cycle limit of 1000", 1000, RV_ADDI(7, 7, 1), RV_BEQ(0, 0, -4));
    FAULT(RVT_SYSCALL_ERROR, "0x7777", 0, RV_LUI(5, 0x7), RV_ADDI(5, 5, 0x777), RV_ECALL, RV_HALT);
    /* running off the end of the text */
    FAULT(RVT_FAULT, "outside the program text", 0, RV_ADDI(7, 0, 1));
}
END_TEST

START_TEST(cycle_limit_is_exact)
{
    /* a loop of 2 instructions; limit 1000 cycles -> stops at the first branch with clk > 8001 */
    uint32_t w[] = {RV_ADDI(7, 7, 1), RV_BEQ(0, 0, -4)};
    struct rvt_result r;
    tu_run(w, 2, NULL, 0, RVT_MODE_INTERP, NULL, 0, 1000, &r);
    ck_assert_int_eq(r.status, RVT_CYCLE_LIMIT);
    ck_assert_uint_eq(r.clk, 1 + 8 * 1002);
    ck_assert_uint_eq(r.regs[7], 501);
    rvt_result_free(&r);
}
END_TEST

Suite *test_interp_suite(void)
{
    Suite *s = suite_create("interp");
    TCase *tc = tcase_create("semantics");
    tcase_add_test(tc, alu_vectors_all_shapes);
    tcase_add_test(tc, immediates);
    tcase_add_test(tc, loads_stores_extend);
    tcase_add_test(tc, branches_and_clocks);
    tcase_add_test(tc, trace_records_and_chunks);
    tcase_add_test(tc, faults);
    tcase_add_test(tc, cycle_limit_is_exact);
    suite_add_tcase(s, tc);
    return s;
}
