/* test_trace.c — trace chunk writing (runtime/trace.c) and the checker (runtime/trace_check.c):
 * chunk layout on disk, boundaries, and each inconsistency the checker must catch. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/job.h"
#include "runtime/trace.h"
#include "runtime/trace_check.h"

/* Writes a 3-chunk trace into a memory stream the way a run does. */
static char *make_trace(size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct rt_trace t;
    char err[256];
    ck_assert_int_eq(rt_trace_open_stream(&t, f, 2, err, sizeof err), 0);
    struct rv_ctx c = {0};
    c.clk = 1;
    c.pc = 0x1000;
    c.max_trace_size = 2;
    c.regs[5] = 55;
    rt_trace_begin_chunk(&t, &c);
    for (int i = 0; i < 5; i++) {
        rt_trace_push(&c, 0, 100 + i);
        c.clk += 8;
        c.global_clk++;
        c.pc += 4;
        if (c.num_mem_reads >= c.max_trace_size)
            rt_trace_next_chunk(&t, &c);
    }
    rt_trace_end_chunk(&t, &c);
    ck_assert_uint_eq(t.chunks, 3);
    ck_assert_int_eq(rt_trace_close(&t, err, sizeof err), 0);
    fclose(f);
    return buf;
}

static int check_buf(const char *buf, size_t len, char *err, size_t n, struct rt_trace_summary *s)
{
    FILE *f = fmemopen((void *)buf, len, "rb");
    int rc = rt_trace_check(f, s, NULL, err, n);
    fclose(f);
    return rc;
}

START_TEST(written_layout)
{
    size_t len;
    char *b = make_trace(&len);
    ck_assert_uint_eq(len, 32 + 3 * RV_TRACE_HDR_SIZE + 5 * 16);
    struct rv_trace_header h;
    memcpy(&h, b + 32, sizeof h);
    ck_assert_uint_eq(h.pc_start, 0x1000);
    ck_assert_uint_eq(h.clk_start, 1);
    ck_assert_uint_eq(h.clk_end, 17);
    ck_assert_uint_eq(h.num_mem_reads, 2);
    ck_assert_uint_eq(h.start_registers[5], 55);
    memcpy(&h, b + 32 + RV_TRACE_HDR_SIZE + 32, sizeof h);
    ck_assert_uint_eq(h.pc_start, 0x1008);
    ck_assert_uint_eq(h.clk_start, 17);
    ck_assert_uint_eq(h.global_clk_end, 4);
    struct rt_trace_summary s;
    char err[256];
    ck_assert_msg(check_buf(b, len, err, sizeof err, &s) == 0, "%s", err);
    ck_assert_uint_eq(s.chunks, 3);
    ck_assert_uint_eq(s.records, 5);
    ck_assert_uint_eq(s.clk_last, 41);
    free(b);
}
END_TEST

START_TEST(checker_catches)
{
    size_t len;
    char *good = make_trace(&len);
    char *b = malloc(len);
    struct rt_trace_summary s;
    char err[256];
    const size_t h1 = 32 + RV_TRACE_HDR_SIZE + 32;   /* second chunk's header */

    memcpy(b, good, len);
    b[0] = 'X';
    ck_assert_int_eq(check_buf(b, len, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "not an rvtier trace"));

    ck_assert_int_eq(check_buf(good, len - 8, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "truncated"));

    memcpy(b, good, len);
    uint64_t v = 9;   /* still <= its clk_end, but not where chunk 0 ended */
    memcpy(b + h1 + RV_TRACE_HDR_CLK_START, &v, 8);
    ck_assert_int_eq(check_buf(b, len, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "starts at clk 9 but chunk 0 ended at clk 17"));

    memcpy(b, good, len);
    v = 999;
    memcpy(b + h1 + RV_TRACE_HDR_CLK_START, &v, 8);
    ck_assert_int_eq(check_buf(b, len, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "clk_end 33 < clk_start 999"));

    memcpy(b, good, len);
    v = 0;
    memcpy(b + h1 + RV_TRACE_HDR_GLOBAL_CLK_END, &v, 8);
    ck_assert_int_eq(check_buf(b, len, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "global_clk_end"));

    memcpy(b, good, len);
    v = 1000;   /* a record clk after the chunk's end */
    memcpy(b + 32 + RV_TRACE_HDR_SIZE, &v, 8);
    ck_assert_int_eq(check_buf(b, len, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "record 0"));

    memcpy(b, good, len);
    v = 7;
    memcpy(b + 32, &v, 8);   /* x0 */
    ck_assert_int_eq(check_buf(b, len, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "x0"));

    ck_assert_int_eq(check_buf(good, 32, err, sizeof err, &s), -1);
    ck_assert_ptr_nonnull(strstr(err, "no chunk"));
    free(b);
    free(good);
}
END_TEST

START_TEST(input_queue_order)
{
    struct rt_input_queue q = {0};
    for (int i = 0; i < 20; i++) {
        uint8_t v = (uint8_t)i;
        ck_assert_int_eq(rt_inputs_push_back(&q, &v, 1), 0);
    }
    for (int i = 0; i < 20; i++) {
        uint8_t v = (uint8_t)(100 + i);
        ck_assert_int_eq(rt_inputs_push_front(&q, &v, 1), 0);
    }
    for (int i = 19; i >= 0; i--) {
        ck_assert_uint_eq(rt_inputs_front(&q)->data[0], 100 + i);
        rt_inputs_pop_front(&q);
    }
    for (int i = 0; i < 20; i++) {
        ck_assert_uint_eq(rt_inputs_front(&q)->data[0], i);
        rt_inputs_pop_front(&q);
    }
    ck_assert_ptr_null(rt_inputs_front(&q));
    rt_inputs_free(&q);
}
END_TEST

Suite *test_trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, written_layout);
    tcase_add_test(tc, checker_catches);
    tcase_add_test(tc, input_queue_order);
    suite_add_tcase(s, tc);
    return s;
}
