/* test_lift_loop.c — counted self-loops (ir/lift_loop.c, and lift.c's lift_counted): which
 * blocks count as one (every branch and direction the trip count handles, and the look-alikes
 * that must not), that such a block is lifted as batches without a guard, that it computes
 * what the interpreter does for induction values at the edges of the signed and unsigned ranges
 * (wrap arounds included) under cycle limits that stop the run on every instruction of a loop
 * and in traces cut into small chunks, that a loop longer than one batch runs as the
 * interpreter does across its batches, and that a cancel still stops a long counted loop. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ir/lift_int.h"
#include "runtime/program.h"
#include "runtime/region.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tier1_compare.h"
#include "tiers/tier1/tier1.h"

/* iv x18, bound x19 (not x5: RV_HALT writes it) */
enum { IV = 18, N = 19 };

struct form {
    uint32_t branch;   /* at the loop's end, offset -12: back to its start */
    int64_t step;
    int side;          /* 1: iv is the branch's rs2 */
};

static uint32_t back_branch(int op, int side)
{
    const unsigned a = side ? N : IV, b = side ? IV : N;
    switch (op) {
    case 0: return RV_BNE(a, b, -12);
    case 1: return RV_BLT(a, b, -12);
    case 2: return RV_BLTU(a, b, -12);
    case 3: return RV_BGE(a, b, -12);
    default: return RV_BGEU(a, b, -12);
    }
}

/* The forms the trip count handles: bne either way; blt(u) and bge(u) in the direction that
 * ends (iv < n and n >= iv counting up, n < iv and iv >= n counting down). */
static unsigned counted_forms(struct form *out)
{
    static const int64_t steps[] = {1, 3, -1, -4};
    unsigned n = 0;
    for (int op = 0; op < 5; op++)
        for (int side = 0; side < 2; side++)
            for (unsigned s = 0; s < 4; s++) {
                const int up = steps[s] > 0;
                if (op == 1 || op == 2) {
                    if (up == side)
                        continue;
                } else if (op >= 3 && up != side) {
                    continue;
                }
                out[n++] = (struct form){back_branch(op, side), steps[s], side};
            }
    return n;
}

/* 0: lui x9; 1: addi x10, x0, 0; 2: loop: addi x10, x10, 1; 3: sd x10, 8(x9);
 * 4: addi iv, iv, step; 5: the branch; 6, 7: halt. */
static struct rvt_program *load_self_loop(uint32_t branch, uint32_t step_word)
{
    const uint32_t w[] = {RV_LUI(9, TU_DATA_ADDR >> 12), RV_ADDI(10, 0, 0), RV_ADDI(10, 10, 1),
                          RV_SD(10, 9, 8), step_word, branch, RV_HALT};
    uint8_t data[16] = {0};
    return tu_load(w, sizeof w / 4, data, sizeof data);
}

static int counted(uint32_t branch, uint32_t step_word, struct ir_counted *c)
{
    struct rvt_program *p = load_self_loop(branch, step_word);
    const struct rt_block blk = {2, 6};
    const int got = ir_counted_loop(p, &blk, c);
    rvt_program_free(p);
    return got;
}

START_TEST(which_loops_are_counted)
{
    struct form f[40];
    const unsigned n = counted_forms(f);
    ck_assert_uint_eq(n, 24);
    struct ir_counted c;
    for (unsigned k = 0; k < n; k++) {
        ck_assert_msg(counted(f[k].branch, RV_ADDI(IV, IV, f[k].step), &c), "form %u", k);
        ck_assert_uint_eq(c.iv, IV);
        ck_assert_uint_eq(c.bound, N);
        ck_assert_int_eq(c.step, f[k].step);
    }
    /* the direction that need not end; beq; the bound written; iv written twice, or by
     * addiw, or from another register; the branch not to the block's start; iv == bound */
    ck_assert(!counted(RV_BLTU(IV, N, -12), RV_ADDI(IV, IV, -1), &c));
    ck_assert(!counted(RV_BGE(IV, N, -12), RV_ADDI(IV, IV, 1), &c));
    ck_assert(!counted(RV_BEQ(IV, N, -12), RV_ADDI(IV, IV, 1), &c));
    ck_assert(!counted(RV_BNE(IV, 10, -12), RV_ADDI(IV, IV, 1), &c));
    ck_assert(counted(RV_BNE(10, N, -12), RV_ADDI(IV, IV, 1), &c));   /* x10 counts too */
    ck_assert(c.iv == 10 && c.bound == N && c.step == 1);
    ck_assert(!counted(RV_BNE(IV, N, -12), RV_ADDIW(IV, IV, 1), &c));
    ck_assert(!counted(RV_BNE(IV, N, -12), RV_ADDI(IV, 20, 1), &c));
    ck_assert(counted(RV_BNE(IV, N, -12), RV_ADDI(N, N, 1), &c));   /* the other way round */
    ck_assert(c.iv == N && c.bound == IV);
    ck_assert(!counted(RV_BNE(IV, N, -8), RV_ADDI(IV, IV, 1), &c));
    ck_assert(!counted(RV_BNE(IV, IV, -12), RV_ADDI(IV, IV, 1), &c));
    ck_assert(!counted(RV_BNE(IV, N, -12), RV_LD(IV, 9, 0), &c));
}
END_TEST

/* The region of a counted loop has its batch loop and no guard (the one clk_limit read is the
 * batch's); a loop that is not counted has its guard and no batch. */
START_TEST(a_counted_loop_runs_in_batches)
{
    char err[512];
    for (int k = 0; k < 2; k++) {
        struct t1_engine *e = t1_engine_new(1, 1, err, sizeof err);   /* one name per engine */
        ck_assert_msg(e != NULL, "%s", err);
        struct rvt_program *p =
            load_self_loop(RV_BNE(IV, N, -12), k ? RV_ADDIW(IV, IV, 1) : RV_ADDI(IV, IV, 1));
        struct rt_region r;
        ck_assert_int_eq(rt_region_form(p, 2, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
        struct t1_compiled c;
        ck_assert_msg(t1_compile(e, p, &r, NULL, 1, &c, err, sizeof err) == 0, "%s", err);
        ck_assert_uint_eq(tu_count(c.ir_before, "\ncounted:"), k ? 0 : 1);
        ck_assert_uint_eq(tu_count(c.ir_before, "\nbatch:"), k ? 0 : 1);
        ck_assert_uint_eq(tu_count(c.ir_before, "load atomic"), 1);
        t1_compiled_free(&c);
        rt_region_free(&r);
        rvt_program_free(p);
        t1_engine_free(e);
    }
}
END_TEST

/* How many times a form's loop body runs from iv = v0 with bound n, by the branch's
 * definition; 0 when more than `most`. */
static uint64_t trips(const struct form *f, uint64_t v0, uint64_t n, uint64_t most)
{
    const int op = (int)(((f->branch >> 12) & 7));   /* funct3 */
    uint64_t iv = v0;
    for (uint64_t k = 1; k <= most; k++) {
        iv += (uint64_t)f->step;
        const uint64_t a = f->side ? n : iv, b = f->side ? iv : n;
        int go;
        switch (op) {
        case 1: go = a != b; break;
        case 4: go = (int64_t)a < (int64_t)b; break;
        case 6: go = a < b; break;
        case 5: go = (int64_t)a >= (int64_t)b; break;
        default: go = a >= b; break;   /* 7 */
        }
        if (!go)
            return k;
    }
    return 0;
}

static const uint64_t edge_values[] = {
    0, 1, 2, 7, 100, 1000, 1ull << 62, (1ull << 63) - 2, 1ull << 63, (1ull << 63) + 5,
    UINT64_MAX - 99, UINT64_MAX - 7, UINT64_MAX - 1, UINT64_MAX,
};
enum { N_EDGE = sizeof edge_values / sizeof edge_values[0], MOST = 400 };

/* One program per form that runs the loop once per (v0, n) of a table (data: count, scratch,
 * then the pairs), folding each pair's trip count and final iv into x11:
 * 0: lui x9; 1: ld x20, 0(x9); 2: addi x21, x9, 16; 3: addi x11, x0, 0;
 * 4: outer: ld iv, 0(x21); 5: ld n, 8(x21); 6: addi x10, x0, 0;
 * 7: loop: addi x10, x10, 1; 8: sd x10, 8(x9); 9: addi iv, iv, step; 10: branch to 7;
 * 11: add x11, x11, x10; 12: slli x12, x11, 5; 13: add x11, x11, x12; 14: xor x11, x11, iv;
 * 15: addi x21, x21, 16; 16: addi x20, x20, -1; 17: bne x20, x0, outer; 18, 19: halt */
static struct rvt_program *load_table(const struct form *f, const uint64_t (*pairs)[2],
                                      uint64_t n_pairs)
{
    const uint32_t w[] = {RV_LUI(9, TU_DATA_ADDR >> 12), RV_LD(20, 9, 0), RV_ADDI(21, 9, 16),
                          RV_ADDI(11, 0, 0), RV_LD(IV, 21, 0), RV_LD(N, 21, 8),
                          RV_ADDI(10, 0, 0), RV_ADDI(10, 10, 1), RV_SD(10, 9, 8),
                          RV_ADDI(IV, IV, f->step), f->branch, RV_ADD(11, 11, 10),
                          RV_SLLI(12, 11, 5), RV_ADD(11, 11, 12), RV_XOR(11, 11, IV),
                          RV_ADDI(21, 21, 16), RV_ADDI(20, 20, -1), RV_BNE(20, 0, -52),
                          RV_HALT};
    const size_t len = 16 + 16 * n_pairs;
    uint8_t *data = calloc(1, len);
    memcpy(data, &n_pairs, 8);
    memcpy(data + 16, pairs, 16 * n_pairs);
    struct rvt_program *p = tu_load(w, sizeof w / 4, data, len);
    free(data);
    return p;
}

START_TEST(counted_loops_run_as_the_interpreter)
{
    struct form f[40];
    const unsigned n_forms = counted_forms(f);
    uint64_t (*pairs)[2] = malloc(sizeof *pairs * N_EDGE * N_EDGE * 2);
    for (unsigned k = 0; k < n_forms; k++) {
        uint64_t n_pairs = 0, endless[2] = {0, 0};
        int have_endless = 0;
        for (unsigned i = 0; i < N_EDGE; i++)
            for (unsigned j = 0; j < N_EDGE; j++) {
                /* also one past and before each, so that every remainder of a step comes up */
                for (int d = 0; d < 2; d++) {
                    const uint64_t v0 = edge_values[i] + (uint64_t)d, n = edge_values[j];
                    if (trips(&f[k], v0, n, MOST)) {
                        pairs[n_pairs][0] = v0;
                        pairs[n_pairs++][1] = n;
                    } else if (!have_endless) {
                        endless[0] = v0;
                        endless[1] = n;
                        have_endless = 1;
                    }
                }
            }
        ck_assert_uint_gt(n_pairs, 20);
        struct rvt_program *p = load_table(&f[k], (const uint64_t (*)[2])pairs, n_pairs);
        struct t1cmp c;
        t1cmp_open(&c, 0, 0);
        const struct t1cmp_run all = t1cmp_limit(&c, p, 0);
        ck_assert_int_eq(all.status, RVT_OK);
        ck_assert_uint_gt(all.tier1_instructions, all.instructions / 2);
        /* limits all over the run, and on every instruction of its first loops */
        for (uint64_t limit = 1; limit < 200; limit++)
            t1cmp_limit(&c, p, limit);
        for (uint64_t limit = 200; limit < all.instructions; limit += all.instructions / 40)
            t1cmp_limit(&c, p, limit);
        t1cmp_close(&c);
        /* traced: chunks of 1 and 3 records (a chunk ends inside most loops) and 1000 */
        static const uint64_t chunks[] = {1, 3, 1000};
        for (unsigned ch = 0; ch < 3; ch++) {
            t1cmp_open(&c, 1, chunks[ch]);
            t1cmp_limit(&c, p, 0);
            t1cmp_limit(&c, p, all.instructions / 3);
            t1cmp_close(&c);
        }
        rvt_program_free(p);
        /* a pair whose loop runs on (past MOST trips, or around the 2^64 range): stopped by
         * the limit, in tier 0 (a batch takes only the trips that fit; a count that is not
         * exact leaves at once) */
        ck_assert_msg(have_endless, "form %u", k);
        p = load_table(&f[k], (const uint64_t (*)[2])endless, 1);
        t1cmp_open(&c, 0, 0);
        for (uint64_t limit = 3000; limit < 3010; limit++)
            ck_assert_int_eq(t1cmp_limit(&c, p, limit).status, RVT_CYCLE_LIMIT);
        t1cmp_close(&c);
        rvt_program_free(p);
    }
    free(pairs);
}
END_TEST

/* A counted loop of 3 instructions and 3 * 2^24 + 5 trips runs in three batches (at most
 * 2^26 / 3 trips each): as the interpreter, with no limit and with limits in each batch, at the
 * instructions around the first batch's end, and at the run's last instructions. */
START_TEST(a_loop_longer_than_a_batch_runs_as_the_interpreter)
{
    const uint32_t w[] = {RV_ADDI(N, 0, 3), RV_SLLI(N, N, 24), RV_ADDI(N, N, 5),
                          RV_ADDI(10, 10, 1), RV_ADDI(IV, IV, 1), RV_BNE(IV, N, -8), RV_HALT};
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    struct t1cmp c;
    t1cmp_open(&c, 0, 0);
    const struct t1cmp_run all = t1cmp_limit(&c, p, 0);
    ck_assert_int_eq(all.status, RVT_OK);
    ck_assert_uint_eq(all.instructions, 3 + 3 * (3ull << 24 | 5) + 2);
    ck_assert_uint_gt(all.tier1_instructions, all.instructions - 100);
    const uint64_t batch = 3 + 3 * ((1u << 26) / 3);   /* the first batch ends here */
    const uint64_t limits[] = {batch - 1, batch, batch + 1, batch + 2, 2 * batch + 7,
                               all.instructions - 3, all.instructions - 1, all.instructions};
    for (unsigned k = 0; k < sizeof limits / sizeof limits[0]; k++)
        t1cmp_limit(&c, p, limits[k]);
    t1cmp_close(&c);
    rvt_program_free(p);
}
END_TEST

/* 2^40 trips of a counted loop: far more than one batch may run (a cancel lowers clk_limit,
 * which only the batch reads), so a cancel still stops it. Without that bound this run would
 * take hours. */
START_TEST(a_cancel_stops_a_long_counted_loop)
{
    const uint32_t w[] = {RV_ADDI(N, 0, 1), RV_SLLI(N, N, 40), RV_ADDI(10, 10, 1),
                          RV_ADDI(IV, IV, 1), RV_BNE(IV, N, -8), RV_HALT};
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    struct rvt_result r;
    t1cmp_run_cancelled(p, RVT_MODE_TIER1, &r);
    ck_assert_uint_gt(r.stats.tier1_instructions, 1000);
    rvt_result_free(&r);
    rvt_program_free(p);
}
END_TEST

Suite *test_lift_loop_suite(void)
{
    Suite *s = suite_create("lift_loop");
    TCase *tc = tcase_create("lift_loop");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, which_loops_are_counted);
    tcase_add_test(tc, a_counted_loop_runs_in_batches);
    tcase_add_test(tc, counted_loops_run_as_the_interpreter);
    tcase_add_test(tc, a_loop_longer_than_a_batch_runs_as_the_interpreter);
    tcase_add_test(tc, a_cancel_stops_a_long_counted_loop);
    suite_add_tcase(s, tc);
    return s;
}
