/* test_region.c — region formation (runtime/region.c): loops close inside the region, a
 * rotated loop names where to re-root it, cold blocks and called functions' regions stay out, the
 * size cap, static loop heads. */
#include <check.h>
#include <stdlib.h>

#include "runtime/program.h"
#include "runtime/region.h"
#include "rv_asm.h"
#include "testutil.h"

/* 0: x5 = 10   1: loop: x6 += 1   2: x5 -= 1   3: bne x5, x0, loop   4: a0 = x6   5-6: halt */
#define LOOP_WORDS {RV_ADDI(5, 0, 10), RV_ADDI(6, 6, 1), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -8), \
                    RV_ADDI(10, 6, 0), RV_HALT}


START_TEST(loop_region_without_profile)
{
    const uint32_t w[] = LOOP_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.head, 1);
    ck_assert_uint_eq(r.blocks[0].start, 1);
    ck_assert_uint_eq(r.blocks[0].end, 4);       /* the loop body ends at its branch */
    ck_assert_uint_eq(r.n_blocks, 2);            /* + the exit block 4..6 */
    ck_assert_uint_eq(r.blocks[1].start, 4);
    ck_assert_uint_eq(r.n_insns, 6);
    ck_assert(r.has_back_edge);
    ck_assert_uint_eq(r.rejoin, RT_REGION_NO_REJOIN);
    ck_assert_int_eq(rt_region_block_of(&r, 4), 1);
    ck_assert_int_eq(rt_region_block_of(&r, 2), -1);   /* not a block start */
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

/* A rotated loop entered in its middle (as gcc lays out fibonacci's): 0: x5 = 10
 * 1: j 3   2: loop: x7 = x6   3: x6 += 1   4: x5 -= 1   5: bne x5, x0, loop   6: a0 = x6
 * 7-8: halt. Block 3 runs first, so its counter fires first, but tier 0 only falls into it
 * from 2: the region must be rooted at 2, where the loop jumps back. */
START_TEST(rotated_loop_rejoins_where_it_jumps_back)
{
    const uint32_t w[] = {RV_ADDI(5, 0, 10), RV_JAL(0, 8), RV_ADDI(7, 6, 0), RV_ADDI(6, 6, 1),
                          RV_ADDI(5, 5, -1), RV_BNE(5, 0, -12), RV_ADDI(10, 6, 0), RV_HALT};
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 3, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert(!r.has_back_edge);
    ck_assert_int_ge(rt_region_block_of(&r, 2), 0);
    ck_assert_uint_eq(r.rejoin, 2);
    rt_region_free(&r);
    ck_assert_int_eq(rt_region_form(p, 2, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert(r.has_back_edge);                    /* rooted at 2, the loop closes on its head */
    ck_assert_uint_eq(r.rejoin, RT_REGION_NO_REJOIN);
    ck_assert_int_ge(rt_region_block_of(&r, 3), 0);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

START_TEST(cold_blocks_stay_out)
{
    const uint32_t w[] = LOOP_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    int32_t counters[7] = {0, 0, 0, 0, 0, 0, 0};
    const int32_t armed = 100;
    counters[1] = 0;        /* the hot head */
    counters[4] = armed;    /* never ran since arming */
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 1);
    ck_assert(r.has_back_edge);
    rt_region_free(&r);
    counters[4] = armed - 1;   /* ran once: warm (armed / RT_REGION_WARM_SHARE < 1) */
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 2);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

/* A block that got hot and had its counter re-armed (to look again: RT_HEAD_RETRY; or heading
 * a region of its own, busy or installed) is warm whatever its counter says. */
START_TEST(retried_blocks_are_warm)
{
    const uint32_t w[] = LOOP_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    int32_t counters[7] = {0, 0, 0, 0, 0, 0, 0};
    uint8_t heads[7] = {0};
    const int32_t armed = 100;
    counters[4] = armed;   /* re-armed: no runs since */
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, heads, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 1);
    rt_region_free(&r);
    const uint8_t hot[] = {RT_HEAD_RETRY, RT_HEAD_BUSY, RT_HEAD_INSTALLED};
    for (size_t k = 0; k < 3; k++) {
        heads[4] = hot[k];
        ck_assert_int_eq(rt_region_form(p, 1, counters, armed, heads, RT_REGION_MAX_INSNS, &r),
                         0);
        ck_assert_uint_eq(r.n_blocks, 2);
        ck_assert_int_ge(rt_region_block_of(&r, 4), 0);
        rt_region_free(&r);
    }
    heads[4] = RT_HEAD_REJECTED;   /* no region could be made there: no evidence either way */
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, heads, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 1);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

/* With a large threshold a block must have run a share of it: a rare path stays in tier 0. */
START_TEST(rare_blocks_stay_out)
{
    const uint32_t w[] = LOOP_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    int32_t counters[7] = {0, 0, 0, 0, 0, 0, 0};
    const int32_t armed = 100 * RT_REGION_WARM_SHARE;
    const int32_t share = armed / RT_REGION_WARM_SHARE;
    struct rt_region r;
    counters[4] = armed - (share - 1);   /* ran, but less than the share */
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 1);
    rt_region_free(&r);
    counters[4] = armed - share;
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 2);
    rt_region_free(&r);
    counters[4] = -5;   /* went past 0 (its own region was compiled): ran more than armed */
    ck_assert_int_eq(rt_region_form(p, 1, counters, armed, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 2);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

/* A loop that calls a function with a loop of its own: 0: x5 = 3   1: outer: call f
 * 2: x5 -= 1   3: bne x5, x0, outer   4-5: halt   6: f: x7 = 4   7: inner: x7 -= 1
 * 8: bne x7, x0, inner   9: ret. Once the callee's loop heads a region of its own (busy or
 * installed), the caller's region leaves to it instead of compiling a copy; a block that is
 * only a member of another region is still taken, and so is a loop nested in the same
 * function (leaving it costs two trips through the gate per outer iteration). */
START_TEST(called_regions_stay_out)
{
    const uint32_t w[] = {RV_ADDI(5, 0, 3), RV_JAL(1, 20), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -8),
                          RV_HALT, RV_ADDI(7, 0, 4), RV_ADDI(7, 7, -1), RV_BNE(7, 0, -4),
                          RV_JALR(0, 1, 0)};
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    int32_t counters[10] = {0};   /* all ran: warm */
    uint8_t heads[10] = {0};
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, counters, 100, heads, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_int_ge(rt_region_block_of(&r, 6), 0);   /* no other region yet: all inside */
    ck_assert_int_ge(rt_region_block_of(&r, 7), 0);
    ck_assert(r.has_back_edge);
    rt_region_free(&r);
    const uint8_t other[] = {RT_HEAD_BUSY, RT_HEAD_INSTALLED};
    for (size_t k = 0; k < 2; k++) {
        heads[7] = other[k];
        ck_assert_int_eq(rt_region_form(p, 1, counters, 100, heads, RT_REGION_MAX_INSNS, &r),
                         0);
        ck_assert_int_ge(rt_region_block_of(&r, 6), 0);   /* the call up to the loop */
        ck_assert_int_eq(rt_region_block_of(&r, 7), -1);
        ck_assert_int_eq(rt_region_block_of(&r, 9), -1);  /* only reached through it */
        ck_assert_int_ge(rt_region_block_of(&r, 2), 0);   /* where it returns */
        ck_assert(r.has_back_edge);
        rt_region_free(&r);
    }
    heads[7] = RT_HEAD_COVERED;
    ck_assert_int_eq(rt_region_form(p, 1, counters, 100, heads, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_int_ge(rt_region_block_of(&r, 7), 0);
    rt_region_free(&r);
    rvt_program_free(p);
    /* nested in one function: 1: outer: x7 = 4   2: inner: x7 -= 1   3: bne x7, x0, inner
     * 4: x5 -= 1   5: bne x5, x0, outer */
    const uint32_t n[] = {RV_ADDI(5, 0, 3), RV_ADDI(7, 0, 4), RV_ADDI(7, 7, -1),
                          RV_BNE(7, 0, -4), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -16), RV_HALT};
    p = tu_load(n, sizeof n / 4, NULL, 0);
    uint8_t nheads[8] = {0};
    nheads[2] = RT_HEAD_INSTALLED;
    nheads[1] = RT_HEAD_BUSY;   /* the head's own state (its caller claimed it) is no reason */
    ck_assert_int_eq(rt_region_form(p, 1, counters, 100, nheads, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_int_ge(rt_region_block_of(&r, 2), 0);
    ck_assert_int_ge(rt_region_block_of(&r, 4), 0);
    ck_assert(r.has_back_edge);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

START_TEST(size_cap_keeps_the_head)
{
    const uint32_t w[] = LOOP_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, NULL, 0, NULL, 2, &r), 0);
    ck_assert_uint_eq(r.n_blocks, 1);   /* the head alone is 3 insns: over the cap, kept */
    ck_assert_uint_eq(r.n_insns, 3);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

START_TEST(static_heads_are_loop_heads)
{
    const uint32_t w[] = LOOP_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    uint32_t *heads;
    ck_assert_int_eq(rt_region_static_heads(p, &heads), 1);
    ck_assert_uint_eq(heads[0], 1);
    free(heads);
    rvt_program_free(p);
}
END_TEST

/* A call inside a loop: the callee and the return point join the region only with a profile
 * (without one, calls are not followed). */
START_TEST(calls_followed_with_profile)
{
    const uint32_t w[] = {
        RV_ADDI(5, 0, 3),          /* 0 */
        RV_JAL(1, 16),             /* 1: loop: call f (at 5) */
        RV_ADDI(5, 5, -1),         /* 2: return point */
        RV_BNE(5, 0, -8),          /* 3: -> 1 */
        RV_JAL(0, 12),             /* 4: -> 7 */
        RV_ADDI(6, 6, 1),          /* 5: f */
        RV_JALR(0, 1, 0),          /* 6: ret */
        RV_HALT,                   /* 7, 8 */
    };
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    int32_t counters[9] = {0};
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, counters, 10, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_int_ge(rt_region_block_of(&r, 5), 0);   /* the callee */
    ck_assert_int_ge(rt_region_block_of(&r, 2), 0);   /* the return point */
    ck_assert(r.has_calls && r.has_back_edge);
    rt_region_free(&r);
    ck_assert_int_eq(rt_region_form(p, 1, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_int_eq(rt_region_block_of(&r, 5), -1);
    ck_assert_int_ge(rt_region_block_of(&r, 2), 0);
    rt_region_free(&r);
    rvt_program_free(p);
}
END_TEST

Suite *test_region_suite(void)
{
    Suite *s = suite_create("region");
    TCase *tc = tcase_create("form");
    tcase_add_test(tc, loop_region_without_profile);
    tcase_add_test(tc, rotated_loop_rejoins_where_it_jumps_back);
    tcase_add_test(tc, cold_blocks_stay_out);
    tcase_add_test(tc, rare_blocks_stay_out);
    tcase_add_test(tc, retried_blocks_are_warm);
    tcase_add_test(tc, called_regions_stay_out);
    tcase_add_test(tc, size_cap_keeps_the_head);
    tcase_add_test(tc, static_heads_are_loop_heads);
    tcase_add_test(tc, calls_followed_with_profile);
    suite_add_tcase(s, tc);
    return s;
}
