/* test_tier0_loops.c — tier 0's loops that keep registers swapped into GPRs across
 * iterations (t0_swap.c): a one-block loop and a rotated two-block loop, each against the
 * interpreter (untraced, traced with small chunks, at every cycle limit, and faulting from
 * inside the swaps), and the machine code of the branch back (its direct edge past the head's
 * swap-in, into a body aligned to T0_LOOP_ALIGN). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/program.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tiers/tier0/tier0.h"
#include "tier0_compare.h"

/* Whether branch's code has t0_loop_branch's cmp dword [r13 + disp], imm32 against the low
 * half of head's tier-0-only table entry, then (after jne rel32) its jmp rel32 into the
 * loop's body, which starts on a 32-byte boundary (t0_emit.h T0_LOOP_ALIGN). */
static int loop_edge(const struct t0_code *code, uint32_t branch, uint32_t head)
{
    const uint8_t *at = code->code + code->insn_off[branch];
    const uint8_t *end = code->code + t0_insn_end(code, branch);
    const uint32_t want = (uint32_t)(uintptr_t)code->t0_only.table[head];
    for (; at + 22 <= end; at++)
        if (at[0] == 0x41 && at[1] == 0x81 && (at[2] & 0x3F) == 0x3D) {   /* /7, rm r13 */
            const int disp = (at[2] >> 6) == 1 ? 1 : (at[2] >> 6) == 2 ? 4 : -1;
            if (disp < 0)
                continue;
            uint32_t imm;
            int32_t rel;
            memcpy(&imm, at + 3 + disp, 4);
            if (imm != want)
                continue;
            const uint8_t *jne = at + 7 + disp;
            ck_assert(jne[0] == 0x0F && jne[1] == 0x85);
            const uint8_t *jmp = jne + 6;
            ck_assert_uint_eq(jmp[0], 0xE9);
            memcpy(&rel, jmp + 1, 4);
            const size_t body = (size_t)(jmp + 5 + rel - code->code);
            ck_assert_msg(body % 32 == 0, "the loop's body starts at +%#zx", body);
            ck_assert_uint_gt(body, code->insn_off[head]);
            return 1;
        }
    return 0;
}

/* A loop over XMM-resident registers (x22 = the store's stride) against the interpreter:
 * untraced and traced with chunks 1 and 7, at every cycle limit up to max_limit, and with a
 * stride that walks the store out of guest memory (a fault from inside the swaps). */
static void compare_loop(const struct rvt_program *p, const char *name, uint64_t max_limit)
{
    uint64_t regs[32] = {0};
    regs[22] = 8;
    struct outcome ref;
    char what[96];
    const uint64_t chunks[] = {0, 1, 7};
    for (size_t k = 0; k < 3; k++) {
        t0cmp_compare(p, regs, chunks[k], 0, name, &ref);
        ck_assert_int_eq(ref.halted, 1);
        free(ref.trace);
    }
    for (uint64_t limit = 1; limit <= max_limit; limit++) {
        snprintf(what, sizeof what, "%s, --max-cycles %llu", name, (unsigned long long)limit);
        t0cmp_compare(p, regs, 7, limit, what, &ref);
        free(ref.trace);
    }
    regs[22] = 1ull << 38;   /* the 5th store is at 2^40 + 0x20000: outside guest memory */
    snprintf(what, sizeof what, "%s that faults", name);
    t0cmp_compare(p, regs, 7, 0, what, &ref);
    ck_assert_int_eq(ref.status, RVT_FAULT);
    free(ref.trace);
}

/* RV_ONE_BLOCK_LOOP (rv_asm.h): its block swaps its registers into GPRs, and in a
 * tier-0-only run the branch back stays in the swaps and jumps past the head's swap-in
 * (t0_loop_branch). It must match the interpreter untraced, traced with small chunks, at every
 * cycle limit, and when the store walks out of guest memory (a fault exit from inside the
 * swaps); and the branch must have that direct edge. */
START_TEST(one_block_loop_keeps_its_swaps)
{
    const uint32_t w[] = RV_ONE_BLOCK_LOOP(6);
    uint8_t data[64] = {0};
    struct rvt_program *p = t0cmp_load(w, sizeof w / 4, data, sizeof data);
    compare_loop(p, "one-block loop", 64);   /* 59 instructions, then the halt */
    struct outcome ref;
    char what[64];

    /* the branch back: compares the head's table entry with its tier-0-only value */
    struct t0_code *code;
    char err[512];
    ck_assert_msg(t0_translate(p, &code, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(loop_edge(code, 10, 2), "the loop's branch has no direct edge past the head's "
                  "swap-in");
    t0_code_free(code);
    rvt_program_free(p);

    /* a loop shorter than T0_MIN_BLOCK is looked at too */
    const uint32_t w2[] = {
        RV_ADDI(5, 0, 5),               /* 0 */
        rv_r(0, 5, 18, 0, 18, 0x33),    /* 1: head: x18 += x5 */
        RV_ADDI(5, 5, -1),              /* 2 */
        RV_BNE(5, 0, -8),               /* 3: back to 1 */
        RV_ADDI(10, 18, 0),             /* 4 */
        RV_HALT,
    };
    p = t0cmp_load(w2, sizeof w2 / 4, NULL, 0);
    for (uint64_t limit = 0; limit <= 20; limit++) {
        snprintf(what, sizeof what, "short loop, --max-cycles %llu", (unsigned long long)limit);
        t0cmp_compare(p, NULL, 0, limit, what, &ref);
        free(ref.trace);
    }
    ck_assert_uint_eq(ref.regs[10], 15);
    ck_assert_msg(t0_translate(p, &code, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(loop_edge(code, 3, 1), "the short loop's branch has no direct edge past its "
                  "swap-in");
    t0_code_free(code);
    rvt_program_free(p);
}
END_TEST

/* A rotated loop entered in its middle (j to the condition block, which branches back to the
 * body: gcc's shape for while loops): its two blocks keep one set of swaps (t0_swap.c
 * straight_loop_end), the inner leader has an entry from the home map that makes them (both
 * tables and the gate enter there) which the body falling in jumps over, and the branch back
 * has the direct edge. It must match the interpreter untraced, traced with small chunks, at
 * every cycle limit, and when its store walks out of guest memory. */
START_TEST(rotated_loop_keeps_its_swaps_across_blocks)
{
    const uint32_t w[] = {
        RV_ADDI(5, 0, 6),               /* 0 */
        RV_LUI(9, TU_DATA_ADDR >> 12),  /* 1 */
        RV_JAL(0, 24),                  /* 2: into the loop's middle, 8 */
        rv_r(0, 5, 18, 0, 18, 0x33),    /* 3: head: x18 += x5 */
        rv_r(0, 18, 19, 4, 19, 0x33),   /* 4: x19 ^= x18 */
        RV_ADDI(20, 20, 3),             /* 5 */
        rv_r(0, 20, 19, 0, 19, 0x33),   /* 6: x19 += x20 */
        RV_SD(19, 9, 0),                /* 7: falls into 8 */
        RV_LD(21, 9, 0),                /* 8: inner leader (the jump's target) */
        rv_r(0, 22, 9, 0, 9, 0x33),     /* 9: x9 += x22 */
        RV_ADDI(5, 5, -1),              /* 10 */
        RV_BNE(5, 0, -32),              /* 11: back to 3 */
        RV_ADDI(10, 21, 0),             /* 12 */
        RV_HALT,                        /* 13, 14 */
    };
    uint8_t data[64] = {0};
    struct rvt_program *p = t0cmp_load(w, sizeof w / 4, data, sizeof data);
    ck_assert(p->leader[3] && p->leader[8] && p->leader[12]);
    compare_loop(p, "rotated loop", 60);

    struct t0_code *code;
    char err[512];
    ck_assert_msg(t0_translate(p, &code, err, sizeof err) == 0, "%s", err);
    /* instruction 7 ends with jmp rel32 past 8's swap-in, into 8's own code */
    const size_t end7 = t0_insn_end(code, 7);
    const uint8_t *j = code->code + end7 - 5;
    int32_t rel;
    memcpy(&rel, j + 1, 4);
    ck_assert_uint_eq(j[0], 0xE9);
    ck_assert_uint_eq(end7, code->insn_off[8]);
    ck_assert_uint_gt(end7 + (size_t)(int64_t)rel, code->insn_off[8]);
    ck_assert_uint_lt(end7 + (size_t)(int64_t)rel, t0_insn_end(code, 8));
    ck_assert_ptr_eq(code->t0_only.table[8], code->code + code->insn_off[8]);
    ck_assert_msg(loop_edge(code, 11, 3), "the loop's branch has no direct edge past the head's "
                  "swap-in");
    t0_code_free(code);
    rvt_program_free(p);
}
END_TEST

Suite *test_tier0_loops_suite(void)
{
    Suite *s = suite_create("tier0_loops");
    TCase *tc = tcase_create("tier0_loops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_block_loop_keeps_its_swaps);
    tcase_add_test(tc, rotated_loop_keeps_its_swaps_across_blocks);
    suite_add_tcase(s, tc);
    return s;
}
