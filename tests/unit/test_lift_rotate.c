/* test_lift_rotate.c — the lifter's rotates (ir/lift_ops.c rotate_of): a shift each way of
 * one value and an or (or xor/add, with constant amounts) become one llvm.fshl/fshr, in
 * every spelling guest compilers use (W forms with constants, 64-bit constants, register
 * amounts negated with sub or subw, either operand order, the result over an operand), and
 * nothing that only looks like one does (xor of register-amount shifts, which differs at
 * amount 0; amounts that do not add up; the value changed between the two shifts; a
 * negation from a constant that is not a multiple of the width). Each form's result feeds
 * an accumulator over amounts 0..127, and tier 1's registers must be the interpreter's. */
#include <check.h>
#include <string.h>

#include "runtime/program.h"
#include "runtime/region.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tiers/tier1/tier1.h"

/* x6: the value (a xorshift step per iteration), x28: the amount (x5 & 127), x10: the sum. */
#define ROTATES 7
#define ROTATE_LOOP {                                                                          \
    RV_ADDI(5, 0, 200), RV_LUI(6, 0x12345), RV_ADDI(6, 6, 0x678), RV_ADDI(10, 0, 0),          \
    /* 4: loop */                                                                             \
    RV_SLLI(7, 6, 13), RV_XOR(6, 6, 7), RV_SRLI(7, 6, 7), RV_XOR(6, 6, 7),                    \
    RV_SLLI(7, 6, 17), RV_XOR(6, 6, 7), RV_ANDI(28, 5, 127),                                  \
    /* rotates */                                                                             \
    RV_SRLIW(7, 6, 7), RV_SLLIW(29, 6, 25), RV_OR(30, 7, 29), RV_ADD(10, 10, 30),             \
    RV_SRLI(7, 6, 13), RV_SLLI(29, 6, 51), RV_XOR(30, 29, 7), RV_XOR(10, 10, 30),             \
    RV_SLLI(7, 6, 63), RV_SRLI(29, 6, 1), RV_ADD(30, 7, 29), RV_ADD(10, 10, 30),              \
    RV_SLL(7, 6, 28), RV_SUBW(29, 0, 28), RV_SRL(31, 6, 29), RV_OR(30, 7, 31),                \
    RV_XOR(10, 10, 30),                                                                       \
    RV_SRL(7, 6, 28), RV_SUB(29, 0, 28), RV_SLL(31, 6, 29), RV_OR(30, 31, 7),                 \
    RV_ADD(10, 10, 30),                                                                       \
    RV_SLLW(7, 6, 28), RV_SUBW(29, 0, 28), RV_SRLW(31, 6, 29), RV_OR(30, 7, 31),              \
    RV_XOR(10, 10, 30),                                                                       \
    RV_SRLIW(7, 6, 3), RV_SLLIW(31, 6, 29), RV_OR(31, 31, 7), RV_ADD(10, 10, 31),             \
    /* look-alikes */                                                                         \
    RV_SLL(7, 6, 28), RV_SUBW(29, 0, 28), RV_SRL(31, 6, 29), RV_XOR(30, 7, 31),               \
    RV_ADD(10, 10, 30),                                                                       \
    RV_SRLIW(7, 6, 7), RV_SLLIW(29, 6, 24), RV_OR(30, 7, 29), RV_XOR(10, 10, 30),             \
    RV_SRLIW(7, 6, 5), RV_ADDI(6, 6, 1), RV_SLLIW(29, 6, 27), RV_OR(30, 7, 29),               \
    RV_ADD(10, 10, 30),                                                                       \
    RV_SLL(7, 6, 28), RV_ADDI(29, 0, 63), RV_SUB(29, 29, 28), RV_SRL(31, 6, 29),              \
    RV_OR(30, 7, 31), RV_XOR(10, 10, 30),                                                     \
    RV_ADDI(5, 5, -1),                                                                        \
}
#define LOOP_HEAD 4

/* The loop with its back edge and halt appended, loaded. */
static struct rvt_program *load_loop(void)
{
    const uint32_t body[] = ROTATE_LOOP;
    enum { N = sizeof body / 4 };
    uint32_t w[N + 3];
    memcpy(w, body, sizeof body);
    w[N] = RV_BNE(5, 0, -4 * (N - LOOP_HEAD));
    const uint32_t halt[] = {RV_HALT};
    memcpy(w + N + 1, halt, sizeof halt);
    return tu_load(w, N + 3, NULL, 0);
}

START_TEST(rotates_become_funnel_shifts_and_look_alikes_do_not)
{
    struct rvt_program *p = load_loop();
    char err[512];
    struct t1_engine *e = t1_engine_new(1, 1, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, LOOP_HEAD, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    struct t1_compiled c;
    ck_assert_msg(t1_compile(e, p, &r, NULL, 1, &c, err, sizeof err) == 0, "%s", err);
    /* the loop counts x5 down to 0: lifted once, as a counted loop (lift_loop.c) */
    ck_assert_uint_eq(tu_count(c.ir_before, "\ncounted:"), 1);
    const unsigned n = tu_count(c.ir_before, "call i32 @llvm.fsh") +
                       tu_count(c.ir_before, "call i64 @llvm.fsh");
    ck_assert_msg(n == ROTATES, "%u funnel shifts in the IR, not %d", n, ROTATES);
    ck_assert_uint_eq(tu_count(c.ir_before, "call i32 @llvm.fsh"), 3);
    t1_compiled_free(&c);
    rt_region_free(&r);
    t1_engine_free(e);
    rvt_program_free(p);
}
END_TEST

START_TEST(rotates_compute_what_the_interpreter_does)
{
    struct rvt_program *p = load_loop();
    struct rvt_options o;
    struct rvt_result ref, got;
    rvt_options_init(&o);
    o.mode = RVT_MODE_INTERP;
    ck_assert_int_eq(rvt_run(p, &o, &ref), 0);
    ck_assert_msg(ref.status == RVT_OK, "%s", ref.error);
    for (int level = 0; level <= 3; level++) {
        o.mode = RVT_MODE_TIER1;
        o.opt_level = level;
        struct rvt_program *q = load_loop();   /* the opt level is fixed per program */
        ck_assert_int_eq(rvt_run(q, &o, &got), 0);
        ck_assert_msg(got.status == RVT_OK, "%s", got.error);
        for (int i = 0; i < 32; i++)
            ck_assert_msg(got.regs[i] == ref.regs[i], "level %d: x%d = %#llx, interp %#llx",
                          level, i, (unsigned long long)got.regs[i],
                          (unsigned long long)ref.regs[i]);
        ck_assert_uint_eq(got.clk, ref.clk);
        ck_assert_uint_gt(got.stats.tier1_instructions, ref.stats.instructions / 2);
        rvt_result_free(&got);
        rvt_program_free(q);
    }
    rvt_result_free(&ref);
    rvt_program_free(p);
}
END_TEST

Suite *test_lift_rotate_suite(void)
{
    Suite *s = suite_create("lift_rotate");
    TCase *tc = tcase_create("lift_rotate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rotates_become_funnel_shifts_and_look_alikes_do_not);
    tcase_add_test(tc, rotates_compute_what_the_interpreter_does);
    suite_add_tcase(s, tc);
    return s;
}
