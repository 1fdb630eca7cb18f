/* test_blocks.c — leaders and block extents on a small hand-made program covering every
 * reason for a leader (entry, branch/JAL targets, after branch/jump/ECALL/trap) and the
 * targets that must be ignored (outside the text, misaligned, JALR). */
#include <check.h>
#include <string.h>

#include "frontend/blocks.h"
#include "rv_enc.h"

#define BASE 0x10000

static const uint32_t prog[] = {
    /*  0 */ I(10, 0, 0, 10, OPIMM),          /* addi x10,x0,10           entry */
    /*  1 */ I(0, 0, 0, 11, OPIMM),           /* addi x11,x0,0 */
    /*  2 */ R(0, 10, 11, 0, 11, OP),         /* add x11,x11,x10          target of 4 */
    /*  3 */ I(-1, 10, 0, 10, OPIMM),         /* addi x10,x10,-1 */
    /*  4 */ B(-8, 0, 10, 1, BRANCH),         /* bne x10,x0,2 */
    /*  5 */ J(12, 1, JAL),                   /* jal x1,8                 after branch */
    /*  6 */ 0x00000073,                      /* ecall                    after jal */
    /*  7 */ B(6, 0, 0, 0, BRANCH),           /* beq x0,x0,pc+6 (misaligned: ignored) */
    /*  8 */ I(0, 1, 0, 0, JALR),             /* jalr x0,0(x1)            target of 5, after 7 */
    /*  9 */ 0x00000000,                      /* illegal                  after jalr */
    /* 10 */ I(1, 0, 0, 5, OPIMM),            /* addi x5,x0,1             after trap */
    /* 11 */ B(0x1000, 0, 0, 0, BRANCH),      /* beq x0,x0,+0x1000 (outside the text) */
    /* 12 */ 0x0ff0000f,                      /* fence                    after branch */
    /* 13 */ J(-52, 0, JAL),                  /* jal x0,0 */
    /* 14 */ U(1, 5, LUI),                    /* lui x5,1                 after jal */
    /* 15 */ 0x00100073,                      /* ebreak */
    /* 16 */ B(-4096, 0, 0, 0, BRANCH),       /* beq x0,x0,-4096 (before the text) */
};
#define N (sizeof(prog) / sizeof(prog[0]))

static void decode_all(struct rv_insn *out)
{
    for (size_t i = 0; i < N; i++)
        rv_decode(prog[i], &out[i]);
}

START_TEST(test_leaders)
{
    struct rv_insn in[N];
    uint8_t leader[N];
    decode_all(in);
    static const uint8_t want[N] = {1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1};
    uint64_t count = rv_find_leaders(in, N, BASE, BASE, leader);
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(leader[i] == want[i], "insn %zu: leader %u, want %u", i, leader[i],
                      want[i]);
    ck_assert_uint_eq(count, 11);

    /* Entry elsewhere: it becomes a leader; insn 0 is then one only as the target of 13. */
    memset(leader, 7, sizeof(leader));
    rv_find_leaders(in, N, BASE, BASE + 4, leader);
    ck_assert_uint_eq(leader[1], 1);
    ck_assert_uint_eq(leader[0], 1);
    ck_assert_uint_eq(leader[3], 0);

    /* An entry outside the text marks nothing (and does not write out of bounds). */
    uint8_t guard[N + 1];
    guard[N] = 0x5a;
    rv_find_leaders(in, N, BASE, BASE + 4 * N, guard);
    ck_assert_uint_eq(guard[N], 0x5a);
}
END_TEST

/* Marking in ranges (as threads do, rv_mark_leaders) gives what one pass gives, wherever
 * the text is cut; loop heads are the targets of backward conditional branches only (2, of
 * the bne at 4: not 0, the backward jal's; not the misaligned or outside targets). */
START_TEST(test_mark_in_ranges)
{
    struct rv_insn in[N];
    uint8_t want[N], got[N], heads[N];
    static const uint8_t want_heads[N] = {[2] = 1};
    decode_all(in);
    rv_find_leaders(in, N, BASE, BASE, want);
    for (uint64_t a = 0; a <= N; a++)
        for (uint64_t b = a; b <= N; b++) {
            memset(got, 0, sizeof got);
            memset(heads, 0, sizeof heads);
            got[0] = 1;   /* the entry */
            rv_mark_leaders(in, b, N, N, BASE, got, heads);
            rv_mark_leaders(in, 0, a, N, BASE, got, heads);
            rv_mark_leaders(in, a, b, N, BASE, got, NULL);
            if (a <= 4 && b > 4)   /* the third range, with the bne, marked no heads */
                ck_assert_msg(memcmp(heads, (uint8_t[N]){0}, N) == 0, "heads without loop_head");
            else
                ck_assert_msg(memcmp(heads, want_heads, N) == 0, "loop heads cut at %llu, %llu",
                              (unsigned long long)a, (unsigned long long)b);
            ck_assert_msg(memcmp(got, want, N) == 0, "cut at %llu and %llu",
                          (unsigned long long)a, (unsigned long long)b);
        }
}
END_TEST

START_TEST(test_block_end)
{
    struct rv_insn in[N];
    uint8_t leader[N];
    decode_all(in);
    rv_find_leaders(in, N, BASE, BASE, leader);
    ck_assert_uint_eq(rv_block_end(in, leader, N, 0), 2);   /* falls into the loop head */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 2), 5);   /* ends with the bne */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 5), 6);   /* lone jal */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 6), 7);   /* lone ecall */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 10), 12); /* addi; beq */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 12), 14); /* fence; jal */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 14), 16); /* lui; ebreak */
    ck_assert_uint_eq(rv_block_end(in, leader, N, 16), 17); /* last insn */

    /* Walking the blocks visits every instruction exactly once, leader to leader. */
    uint64_t blocks = 0, i = 0;
    while (i < N) {
        ck_assert_uint_eq(leader[i], 1);
        uint64_t e = rv_block_end(in, leader, N, i);
        ck_assert_uint_gt(e, i);
        i = e;
        blocks++;
    }
    ck_assert_uint_eq(i, N);
    ck_assert_uint_eq(blocks, 11);
}
END_TEST

START_TEST(test_static_target)
{
    struct rv_insn in[N];
    decode_all(in);
    uint64_t t = 0;
    ck_assert_int_eq(rv_insn_static_target(&in[4], BASE + 16, &t), 1);
    ck_assert_uint_eq(t, BASE + 8);
    ck_assert_int_eq(rv_insn_static_target(&in[5], BASE + 20, &t), 1);
    ck_assert_uint_eq(t, BASE + 32);
    t = 99;
    ck_assert_int_eq(rv_insn_static_target(&in[8], BASE + 32, &t), 0); /* jalr */
    ck_assert_int_eq(rv_insn_static_target(&in[0], BASE, &t), 0);
    ck_assert_uint_eq(t, 99);
}
END_TEST

Suite *test_blocks_suite(void)
{
    Suite *s = suite_create("blocks");
    TCase *tc = tcase_create("blocks");
    tcase_add_test(tc, test_leaders);
    tcase_add_test(tc, test_mark_in_ranges);
    tcase_add_test(tc, test_block_end);
    tcase_add_test(tc, test_static_target);
    suite_add_tcase(s, tc);
    return s;
}
