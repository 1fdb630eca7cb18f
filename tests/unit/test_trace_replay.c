/* test_trace_replay.c — the replay verifier (runtime/trace_replay.h): real guests (SP1 syscalls,
 * precompiles, sha256, unconstrained blocks, fibonacci; Linux) traced by rvt_run at chunk sizes
 * 1, 7, 1000 and the default replay cleanly; a corrupted record value, start register, pc_start
 * or record count, and the wrong program, are each reported with the chunk that broke. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/program.h"
#include "runtime/trace.h"
#include "runtime/trace_replay.h"
#include "testutil.h"

struct guest_case {
    const char *abi, *name;
    uint64_t u64;       /* first input (0 = none) */
    int syscalls_inputs;
};

static const struct guest_case cases[] = {
    {"sp1", "syscalls", 7, 1},
    {"sp1", "precompiles", 5, 0},
    {"sp1", "sha256", 55, 0},
    {"sp1", "sp1_unconstrained", 0, 0},
    {"sp1", "fibonacci", 90, 0},
    {"linux", "hello", 0, 0},
    {"linux", "memops", 0, 0},
};
static const uint64_t chunk_sizes[] = {1, 7, 1000, 0};

static void quiet_output(void *user, int fd, const uint8_t *d, size_t n)
{
    (void)user, (void)fd, (void)d, (void)n;
}

/* Runs the guest with a trace into a temp file; returns the loaded program and the trace bytes. */
static uint8_t *trace_guest(const struct guest_case *g, uint64_t chunk_size,
                            struct rvt_program **prog, size_t *len, uint64_t *chunks)
{
    char *path = tu_guest_path(g->abi, g->name);
    char err[512];
    ck_assert_msg(rvt_program_load_file(path, prog, err, sizeof err) == 0, "%s", err);
    free(path);
    static const uint8_t hex1[] = {1, 2, 3, 4, 5};
    uint8_t u64[8], hex2[17];
    for (int i = 0; i < 8; i++)
        u64[i] = (uint8_t)(g->u64 >> (8 * i));
    for (int i = 0; i < 17; i++)
        hex2[i] = (uint8_t)i;
    struct rvt_input in[3] = {{u64, 8}, {hex1, sizeof hex1}, {hex2, sizeof hex2}};
    char tpath[] = "/tmp/rvt_replay_XXXXXX";
    int fd = mkstemp(tpath);
    ck_assert_int_ge(fd, 0);
    close(fd);
    struct rvt_options o;
    rvt_options_init(&o);
    o.abi = !strcmp(g->abi, "linux") ? RVT_ABI_LINUX : RVT_ABI_SP1;
    o.inputs = in;
    o.n_inputs = g->syscalls_inputs ? 3 : g->u64 ? 1 : 0;
    o.trace = 1;
    o.trace_path = tpath;
    o.chunk_size = chunk_size;
    o.output = quiet_output;
    struct rvt_result r;
    ck_assert_int_eq(rvt_run(*prog, &o, &r), 0);
    ck_assert_msg(r.status == RVT_OK && r.exit_code == 0, "%s/%s: %s", g->abi, g->name, r.error);
    *chunks = r.stats.chunks;
    rvt_result_free(&r);
    uint8_t *b = tu_read_file(tpath, len);
    ck_assert_ptr_nonnull(b);
    unlink(tpath);
    return b;
}

static int replay_buf(uint8_t *b, size_t len, const struct rvt_program *p, enum rvt_abi abi,
                      struct rt_replay_summary *s, char *err, size_t errlen)
{
    FILE *f = fmemopen(b, len, "rb");
    ck_assert_ptr_nonnull(f);
    int rc = rt_trace_replay(f, p, abi, NULL, s, err, errlen);
    fclose(f);
    return rc;
}

/* Offsets of chunk k's header and its first record. */
static size_t chunk_off(const uint8_t *b, size_t len, uint64_t k)
{
    size_t off = 32;
    for (uint64_t i = 0; i < k; i++) {
        uint64_t n;
        memcpy(&n, b + off + RV_TRACE_HDR_NUM_MEM_READS, 8);
        off += RV_TRACE_HDR_SIZE + 16 * n;
        ck_assert_uint_lt(off, len);
    }
    return off;
}

START_TEST(guests_replay_clean)
{
    const struct guest_case *g = &cases[_i / 4];
    uint64_t cs = chunk_sizes[_i % 4];
    struct rvt_program *p;
    size_t len;
    uint64_t chunks;
    uint8_t *b = trace_guest(g, cs, &p, &len, &chunks);
    struct rt_replay_summary s;
    char err[512];
    enum rvt_abi abi = !strcmp(g->abi, "linux") ? RVT_ABI_LINUX : RVT_ABI_SP1;
    ck_assert_msg(replay_buf(b, len, p, abi, &s, err, sizeof err) == 0, "%s/%s chunk size %llu: %s",
                  g->abi, g->name, (unsigned long long)cs, err);
    ck_assert_uint_eq(s.chunks, chunks);
    ck_assert_int_eq(s.halted, 1);
    ck_assert_uint_gt(s.instructions, 100);
    if (cs == 1)
        ck_assert_uint_ge(s.chunks, 100);   /* the boundary logic is really exercised */
    free(b);
    rvt_program_free(p);
}
END_TEST

/* Chunk size 1: every record is the last of its chunk, so a load's value reaches the next
 * chunk's start registers. Flipping a load record's value must be caught, for each one. */
START_TEST(corrupt_load_records)
{
    struct rvt_program *p;
    size_t len;
    uint64_t chunks;
    uint8_t *b = trace_guest(&cases[0], 1, &p, &len, &chunks);
    struct rt_replay_summary s;
    char err[512];
    unsigned tried = 0;
    for (uint64_t k = 0; k + 1 < chunks && tried < 150; k++) {
        size_t off = chunk_off(b, len, k);
        uint64_t n, next_pc;
        memcpy(&n, b + off + RV_TRACE_HDR_NUM_MEM_READS, 8);
        if (n != 1)
            continue;
        memcpy(&next_pc, b + off + RV_TRACE_HDR_SIZE + 16 + RV_TRACE_HDR_PC_START, 8);
        const struct rv_insn *in = &p->insns[rt_program_index(p, next_pc - 4)];
        if (rv_op_class((enum rv_op)in->op) != RV_CLS_LOAD || in->rd == 0)
            continue;
        uint64_t *v = (uint64_t *)(void *)(b + off + RV_TRACE_HDR_SIZE + 8);
        *v ^= UINT64_MAX;
        ck_assert_msg(replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err) == -1,
                      "corrupt record of chunk %llu not caught", (unsigned long long)k);
        char want[64];
        snprintf(want, sizeof want, "chunk %llu ends at pc", (unsigned long long)k);
        ck_assert_msg(strstr(err, want) != NULL, "chunk %llu: %s", (unsigned long long)k, err);
        *v ^= UINT64_MAX;
        tried++;
    }
    ck_assert_uint_ge(tried, 100);
    ck_assert_int_eq(replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err), 0);
    free(b);
    rvt_program_free(p);
}
END_TEST

/* Chunk size 1000: a record that disagrees with what an earlier access in the same chunk left
 * is caught at once, whatever happens to the loaded value later. */
START_TEST(corrupt_record_in_chunk)
{
    struct rvt_program *p;
    size_t len;
    uint64_t chunks;
    uint8_t *b = trace_guest(&cases[2], 1000, &p, &len, &chunks);
    struct rt_replay_summary s;
    char err[512];
    size_t rec0 = 32 + RV_TRACE_HDR_SIZE;
    uint64_t n;
    memcpy(&n, b + 32 + RV_TRACE_HDR_NUM_MEM_READS, 8);
    unsigned caught = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t *v = (uint64_t *)(void *)(b + rec0 + 16 * i + 8);
        *v += 1;
        if (replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err) != 0) {
            ck_assert_ptr_nonnull(strstr(err, "chunk 0"));
            caught++;
        }
        *v -= 1;
    }
    /* every record after the first touch of its doubleword is cross-checked, and a first
     * touch by a load reaches a register (958 of the 1000 are caught when this was written) */
    ck_assert_uint_ge(caught, n * 9 / 10);
    free(b);
    rvt_program_free(p);
}
END_TEST

START_TEST(corrupt_headers)
{
    struct rvt_program *p, *other;
    size_t len;
    uint64_t chunks;
    uint8_t *b = trace_guest(&cases[0], 7, &p, &len, &chunks);
    ck_assert_uint_gt(chunks, 10);
    struct rt_replay_summary s;
    char err[512];
    size_t h3 = chunk_off(b, len, 3);
    uint64_t *x2 = (uint64_t *)(void *)(b + h3 + 8 * 2);
    uint64_t *pc = (uint64_t *)(void *)(b + h3 + RV_TRACE_HDR_PC_START);

    *x2 += 8;
    ck_assert_int_eq(replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "chunk 2 ends at pc") && strstr(err, "x2=") &&
                  strstr(err, "but chunk 3 starts"), "%s", err);
    ck_assert_uint_eq(s.chunks, 2);
    *x2 -= 8;

    *pc += 4;
    ck_assert_int_eq(replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "chunk 2 ends at pc") && strstr(err, "but chunk 3 starts at pc"),
                  "%s", err);
    *pc -= 4;

    /* chunk 3 loses its last record: the file stays well-formed, the count is short */
    uint64_t *cnt = (uint64_t *)(void *)(b + h3 + RV_TRACE_HDR_NUM_MEM_READS);
    ck_assert_uint_ge(*cnt, 7);
    size_t cut = h3 + RV_TRACE_HDR_SIZE + 16 * (*cnt - 1);
    uint8_t *t = malloc(len);
    memcpy(t, b, len);
    ((uint64_t *)(void *)(t + h3 + RV_TRACE_HDR_NUM_MEM_READS))[0] -= 1;
    memmove(t + cut, t + cut + 16, len - cut - 16);
    ck_assert_int_eq(replay_buf(t, len - 16, p, RVT_ABI_SP1, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "chunk 3") && strstr(err, "only"), "%s", err);
    free(t);

    /* a clean chunk size 7 trace fills each chunk to exactly 7 except the last */
    ck_assert_int_eq(replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err), 0);
    ck_assert_uint_eq(s.chunks, chunks);

    /* the wrong program */
    char *path = tu_guest_path("sp1", "fibonacci");
    ck_assert_int_eq(rvt_program_load_file(path, &other, err, sizeof err), 0);
    free(path);
    ck_assert_int_eq(replay_buf(b, len, other, RVT_ABI_SP1, &s, err, sizeof err), -1);
    rvt_program_free(other);

    /* a bad file header */
    b[0] = 'X';
    ck_assert_int_eq(replay_buf(b, len, p, RVT_ABI_SP1, &s, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not an rvtier trace"));
    free(b);
    rvt_program_free(p);
}
END_TEST

Suite *test_trace_replay_suite(void)
{
    Suite *s = suite_create("trace_replay");
    TCase *tc = tcase_create("trace_replay");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, guests_replay_clean, 0, (int)(4 * (sizeof cases / sizeof cases[0])));
    tcase_add_test(tc, corrupt_load_records);
    tcase_add_test(tc, corrupt_record_in_chunk);
    tcase_add_test(tc, corrupt_headers);
    suite_add_tcase(s, tc);
    return s;
}
