/* test_trace.c — trace chunk writing (runtime/trace.c, trace_writer.c) and the checker
 * (runtime/trace_check.c): chunk layout on disk, boundaries, the writer thread, and each
 * inconsistency the checker must catch. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/job.h"
#include "runtime/trace.h"
#include "runtime/trace_check.h"

/* Records n accesses in chunks of chunk_size into f the way a run does; chunks of at least
 * async_min bytes go through the writer thread. Returns rt_trace_close's result. */
static int record(FILE *f, uint64_t chunk_size, int n, size_t async_min, uint64_t *chunks,
                  char *err, size_t errlen)
{
    struct rt_trace t;
    ck_assert_int_eq(rt_trace_open_stream(&t, f, chunk_size, err, errlen), 0);
    t.async_min_bytes = async_min;
    struct rv_ctx c = {0};
    c.clk = 1;
    c.pc = 0x1000;
    c.max_trace_size = chunk_size;
    c.regs[5] = 55;
    rt_trace_begin_chunk(&t, &c);
    for (int i = 0; i < n; i++) {
        rt_trace_push(&c, (uint64_t)i * 3, 100 + (uint64_t)i);
        c.clk += 8;
        c.global_clk++;
        c.pc += 4;
        c.regs[6] = (uint64_t)i;
        if (c.num_mem_reads >= c.max_trace_size)
            rt_trace_next_chunk(&t, &c);
    }
    rt_trace_end_chunk(&t, &c);
    *chunks = t.chunks;
    return rt_trace_close(&t, err, errlen);
}

static int check_buf(const char *buf, size_t len, char *err, size_t n,
                     struct rt_trace_summary *s);

/* A 3-chunk trace in a memory stream, written without the writer thread. */
static char *make_trace(size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    char err[256];
    uint64_t chunks;
    ck_assert_int_eq(record(f, 2, 5, SIZE_MAX, &chunks, err, sizeof err), 0);
    ck_assert_uint_eq(chunks, 3);
    fclose(f);
    return buf;
}

/* Chunks written by the writer thread, which swaps buffers under the run, are the bytes the
 * run would have written itself (every chunk through it, and the default threshold). */
START_TEST(writer_thread_writes_the_same_bytes)
{
    const size_t mins[] = {0, RV_TRACE_ASYNC_MIN_BYTES};
    const uint64_t sizes[] = {1, 7, 4000, 40000};   /* 40000 records: over the threshold */
    const int counts[] = {20000, 20000, 20000, 200000};
    for (size_t k = 0; k < 4; k++) {
        char *ref = NULL, *got = NULL, err[256];
        size_t ref_len, got_len;
        uint64_t ref_chunks, got_chunks;
        FILE *f = open_memstream(&ref, &ref_len);
        ck_assert_int_eq(record(f, sizes[k], counts[k], SIZE_MAX, &ref_chunks, err, sizeof err), 0);
        fclose(f);
        for (size_t m = 0; m < 2; m++) {
            f = open_memstream(&got, &got_len);
            ck_assert_int_eq(record(f, sizes[k], counts[k], mins[m], &got_chunks, err, sizeof err),
                             0);
            fclose(f);
            ck_assert_uint_eq(got_chunks, ref_chunks);
            ck_assert_uint_eq(got_len, ref_len);
            ck_assert_msg(memcmp(got, ref, ref_len) == 0, "chunk size %llu, threshold %zu",
                          (unsigned long long)sizes[k], mins[m]);
            free(got);
        }
        struct rt_trace_summary s;
        ck_assert_msg(check_buf(ref, ref_len, err, sizeof err, &s) == 0, "%s", err);
        ck_assert_uint_eq(s.records, (uint64_t)counts[k]);
        free(ref);
    }
}
END_TEST

/* A stream that takes its first 1 MB, then fails as a full disk does. */
static ssize_t fill_up(void *cookie, const char *buf, size_t len)
{
    (void)buf;
    size_t *room = cookie;
    if (*room < len) {
        errno = ENOSPC;
        return -1;
    }
    *room -= len;
    return (ssize_t)len;
}

/* A write that fails in the writer thread (a full disk) is reported when the trace closes. */
START_TEST(writer_thread_failure_is_reported)
{
    size_t room = 1 << 20;
    FILE *f = fopencookie(&room, "w", (cookie_io_functions_t){.write = fill_up});
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IONBF, 0);
    char err[256];
    uint64_t chunks;
    ck_assert_int_eq(record(f, 40000, 200000, RV_TRACE_ASYNC_MIN_BYTES, &chunks, err,
                            sizeof err), -1);
    ck_assert_msg(strstr(err, "writing the trace failed") && strstr(err, "space"), "%s", err);
    ck_assert_uint_eq(chunks, 6);
    ck_assert_uint_lt(room, (size_t)640 << 10);   /* it wrote the first chunk, then failed */
    fclose(f);
}
END_TEST

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
    tcase_add_test(tc, writer_thread_writes_the_same_bytes);
    tcase_add_test(tc, writer_thread_failure_is_reported);
    suite_add_tcase(s, tc);
    return s;
}
