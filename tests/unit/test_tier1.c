/* test_tier1.c — tier 1 pieces on their own: the lifter makes IR LLVM accepts for every
 * region of every guest; a compiled region reports its code size; a run is cancellable from
 * another thread in every mode, also while a tier 1 loop runs (clk_limit is re-read). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>

#include "ir/lift.h"
#include "runtime/program.h"
#include "runtime/region.h"
#include "runtime/tierup.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tier1_compare.h"
#include "tiers/tier0/tier0.h"
#include "tiers/tier1/tier1.h"

/* Lifts every static region of p in both variants (plain, recording); returns how many
 * regions, failing on invalid IR. */
static int lift_all(const struct rvt_program *p, const char *name)
{
    uint32_t *heads;
    int64_t n = rt_region_static_heads(p, &heads);
    ck_assert_int_ge(n, 0);
    for (int64_t k = 0; k < 2 * n; k++) {
        struct rt_region r;
        ck_assert_int_eq(rt_region_form(p, heads[k / 2], NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
        r.recording = (uint8_t)(k % 2);
        LLVMContextRef c = LLVMContextCreate();
        LLVMModuleRef m = LLVMModuleCreateWithNameInContext("t", c);
        uint64_t entries = 0;
        ir_lift_region(m, p, &r, k % 4 < 2 ? &entries : NULL);
        char *msg = NULL;
        int bad = LLVMVerifyModule(m, LLVMReturnStatusAction, &msg);
        ck_assert_msg(!bad, "%s: region at index %u (%s): %s", name, heads[k / 2],
                      r.recording ? "recording" : "plain", msg);
        LLVMDisposeMessage(msg);
        LLVMDisposeModule(m);
        LLVMContextDispose(c);
        rt_region_free(&r);
    }
    free(heads);
    return (int)n;
}

START_TEST(every_guest_region_lifts_to_valid_ir)
{
    char *dir = tu_guest_path("sp1", "x");
    *strrchr(dir, '/') = 0;
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    int programs = 0, regions = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".elf") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct rvt_program *p;
        char err[512];
        ck_assert_msg(rvt_program_load_file(path, &p, err, sizeof err) == 0, "%s", err);
        regions += lift_all(p, de->d_name);
        programs++;
        rvt_program_free(p);
    }
    closedir(d);
    free(dir);
    ck_assert_int_ge(programs, 10);
    ck_assert_int_ge(regions, 100);
}
END_TEST

START_TEST(compiled_region_has_code)
{
    const uint32_t w[] = {RV_ADDI(5, 0, 10), RV_ADDI(6, 6, 1), RV_ADDI(5, 5, -1),
                                 RV_BNE(5, 0, -8), RV_ADDI(10, 6, 0), RV_HALT};
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    char err[512];
    struct t1_engine *e = t1_engine_new(2, 1, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    struct t1_compiled c;
    ck_assert_msg(t1_compile(e, p, &r, NULL, 1, &c, err, sizeof err) == 0, "%s", err);
    ck_assert_ptr_nonnull(c.fn);
    ck_assert_uint_gt(c.size, 16);
    ck_assert_ptr_nonnull(strstr(c.ir_before, "define i64 @r_10004("));
    ck_assert_ptr_nonnull(strstr(c.ir_after, "define"));
    t1_compiled_free(&c);
    /* a region without its head block is refused with a message, not lifted */
    struct rt_region empty = {.head = 1, .rejoin = RT_REGION_NO_REJOIN};
    ck_assert_int_eq(t1_compile(e, p, &empty, NULL, 1, &c, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "does not start with its head block") != NULL, "%s", err);
    rt_region_free(&r);
    t1_engine_free(e);
    rvt_program_free(p);
}
END_TEST

/* A rotated loop: 0: x5 = 10   1: x6 = 0   2: j 4   3: loop: x7 = x6   4: x6 += 1
 * 5: x5 -= 1   6: bne x5, x0, loop   7-8: halt. The back edge lands on the head (block 3),
 * so the head's guard covers the rest of the region (ir/lift.c guard_plan): one guard
 * instead of three. Then every cycle limit must still stop tier 1 exactly where the
 * interpreter stops. */
#define ROTATED_WORDS {RV_ADDI(5, 0, 10), RV_ADDI(6, 0, 0), RV_JAL(0, 8), RV_ADDI(7, 6, 0), \
                       RV_ADDI(6, 6, 1), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -12), RV_HALT}

/* A loop with an if/else, memory accesses in every block but the head: 0: x5 = 12
 * 1: x9 = data   2: head: x6 = x5 & 1   3: beq x6, x0, 6   4: sd x5, 0(x9)   5: j 7
 * 6: ld x7, 8(x9)   7: join: ld x8, 0(x9)   8: x7 += x8   9: sd x7, 8(x9)   10: x5 -= 1
 * 11: bne x5, x0, head   12: a0 = x7   13-14: halt. Only the head takes a back edge, so
 * its guard alone covers an iteration: 12 instructions and 3 records on the longest path
 * (head, then, join, halt). */
#define IF_ELSE_WORDS {RV_ADDI(5, 0, 12), RV_LUI(9, TU_DATA_ADDR >> 12), RV_ANDI(6, 5, 1),  \
                       RV_BEQ(6, 0, 12), RV_SD(5, 9, 0), RV_JAL(0, 8), RV_LD(7, 9, 8),     \
                       RV_LD(8, 9, 0), RV_ADD(7, 7, 8), RV_SD(7, 9, 8), RV_ADDI(5, 5, -1), \
                       RV_BNE(5, 0, -36), RV_ADDI(10, 7, 0), RV_HALT}

/* Compiles the region headed at instruction head of p in the given variant; asserts that
 * `what` occurs n times in its IR before optimization. */
static void expect_in_ir(struct rvt_program *p, uint32_t head, uint32_t blocks, int recording,
                         const char *what, unsigned n)
{
    char err[512];
    struct t1_engine *e = t1_engine_new(1, 1, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, head, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    ck_assert_uint_eq(r.n_blocks, blocks);
    r.recording = (uint8_t)recording;
    struct t1_compiled c;
    ck_assert_msg(t1_compile(e, p, &r, NULL, 1, &c, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(tu_count(c.ir_before, what) == n, "\"%s\" %u times in the IR, not %u", what,
                  tu_count(c.ir_before, what), n);
    t1_compiled_free(&c);
    rt_region_free(&r);
    t1_engine_free(e);
}

/* The IR reads clk_limit `guards` times (once per guard). */
static void expect_guards(struct rvt_program *p, uint32_t head, uint32_t blocks, int recording,
                          unsigned guards)
{
    expect_in_ir(p, head, blocks, recording, "load atomic", guards);
}

START_TEST(guard_moves_into_the_predecessor)
{
    const uint32_t w[] = ROTATED_WORDS;
    struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
    expect_guards(p, 3, 3, 0, 1);
    t1cmp_every_limit(p, 0, 0, 2);
    rvt_program_free(p);
}
END_TEST

/* The head's guard covers the if/else, the accesses of both arms and the join: in both
 * variants one clk_limit read per iteration, not five. Tier 1 must still stop exactly
 * where the interpreter does under every cycle limit, and a traced run must cut the same
 * chunks when the guard's record count crosses a chunk end (chunks of 1, 2, 3 and 7
 * records, and the default). */
START_TEST(one_guard_covers_an_if_else_with_accesses)
{
    const uint32_t w[] = IF_ELSE_WORDS;
    uint8_t data[16] = {0};
    struct rvt_program *p = tu_load(w, sizeof w / 4, data, sizeof data);
    expect_guards(p, 2, 5, 0, 1);
    expect_guards(p, 2, 5, 1, 1);
    t1cmp_every_limit(p, 0, 0, 2);
    /* most of the loop in tier 1 with the default chunk; with 7 records, only when the chunk
     * still has room for an iteration's 3; with 1-3, the guard always leaves */
    const uint64_t chunks[] = {1, 2, 3, 7, 0};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++)
        t1cmp_every_limit(p, 1, chunks[k], chunks[k] == 0 ? 2 : chunks[k] > 3 ? 1 : 0);
    rvt_program_free(p);
}
END_TEST

/* Access runs (ir/lift_ops.c ir_check_access_run): one check for a block's accesses off one
 * base register. Each program faults inside a run, in a loop that ran clean before, and must
 * fault at the same instruction, with the same message, registers, clk and records as in the
 * interpreter, under every cycle limit, traced and not. */
#define TOP_RUN_WORDS /* range: x9 climbs to 2^40; the sd at 16(x9) reaches it first */      \
    {RV_ADDI(9, 0, 1), RV_SLLI(9, 9, 40), RV_ADDI(9, 9, -256), RV_ADDI(5, 0, 40),          \
     RV_LD(6, 9, 0), RV_SD(6, 9, 16), RV_ADDI(7, 6, 1), RV_LBU(7, 9, 31), RV_LD(8, 9, 24), \
     RV_ADDI(9, 9, 16), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -28), RV_ADDI(10, 7, 0), RV_HALT}
#define ALIGN_RUN_WORDS /* alignment: at x13 = x9 + 4 (when x5 == 3) the sd is misaligned */ \
    {RV_LUI(9, TU_DATA_ADDR >> 12), RV_ADDI(5, 0, 12), RV_ADDI(12, 5, -3),                  \
     rv_i(1, 12, 3, 12, 0x13) /* sltiu x12, x12, 1 */, RV_SLLI(12, 12, 2), RV_ADD(13, 9, 12), \
     RV_LW(6, 13, 0), RV_LH(7, 13, 2), RV_SD(6, 13, 8), RV_ADDI(9, 9, 16), RV_ADDI(5, 5, -1),  \
     RV_BNE(5, 0, -36), RV_ADDI(10, 6, 0), RV_HALT}
#define COPY_RUN_WORDS /* two runs at once: loads off x9, stores off x11, which reaches 2^40 */ \
    {RV_LUI(9, TU_DATA_ADDR >> 12), RV_ADDI(11, 0, 1), RV_SLLI(11, 11, 40),                  \
     RV_ADDI(11, 11, -64), RV_ADDI(5, 0, 40), RV_LD(6, 9, 0), RV_SD(6, 11, 0),              \
     RV_LD(7, 9, 8), RV_SD(7, 11, 8), RV_ADDI(11, 11, 16), RV_ADDI(5, 5, -1),               \
     RV_BNE(5, 0, -24), RV_ADDI(10, 6, 0), RV_HALT}
#define CHASE_RUN_WORDS /* a load into the base ends the run: the next access is x9's new */ \
    {RV_LUI(9, TU_DATA_ADDR >> 12), RV_ADDI(5, 0, 20), RV_LD(6, 9, 8), RV_LD(9, 9, 0),      \
     RV_LD(7, 9, 8), RV_ADD(6, 6, 7), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -20),                 \
     RV_ADDI(10, 6, 0), RV_HALT}

static void faults_in_a_run(const uint32_t *w, size_t n, const uint8_t *data, size_t dlen,
                            const char *fault_pc)
{
    struct rvt_program *p = tu_load(w, n, data, dlen);
    struct rvt_options o;
    struct rvt_result ref;
    rvt_options_init(&o);
    o.mode = RVT_MODE_INTERP;
    ck_assert_int_eq(rvt_run(p, &o, &ref), 0);
    ck_assert_msg(ref.status == RVT_FAULT && strstr(ref.error, fault_pc) != NULL, "%s: %s",
                  rvt_status_name(ref.status), ref.error);
    rvt_result_free(&ref);
    t1cmp_every_limit(p, 0, 0, 2);
    t1cmp_every_limit(p, 1, 0, 2);
    rvt_program_free(p);
}

START_TEST(access_runs_fault_where_the_interpreter_does)
{
    const uint32_t top[] = TOP_RUN_WORDS, align[] = ALIGN_RUN_WORDS, chase[] = CHASE_RUN_WORDS;
    uint8_t zero[16] = {0};
    faults_in_a_run(top, sizeof top / 4, zero, sizeof zero, "pc 0x10014");
    faults_in_a_run(align, sizeof align / 4, zero, sizeof zero, "pc 0x10020");
    /* the stores' run starts inside the loads' one: one check each, no check of its own on
     * any access (ir_exit_if's branch weights: this counted loop's exit to tier 0 at its
     * head, when no trip fits or the count is not exact, and the two runs' checks) */
    const uint32_t copy[] = COPY_RUN_WORDS;
    struct rvt_program *p = tu_load(copy, sizeof copy / 4, zero, sizeof zero);
    expect_in_ir(p, 5, 2, 0, "!prof", 3);
    rvt_program_free(p);
    faults_in_a_run(copy, sizeof copy / 4, zero, sizeof zero, "pc 0x10018");
    /* eight nodes {next, value}; the last one's next is 2^40, outside guest memory */
    uint8_t list[128];
    for (uint64_t k = 0; k < 8; k++) {
        uint64_t next = k < 7 ? TU_DATA_ADDR + 16 * (k + 1) : 1ull << 40, value = k + 1;
        memcpy(list + 16 * k, &next, 8);
        memcpy(list + 16 * k + 8, &value, 8);
    }
    faults_in_a_run(chase, sizeof chase / 4, list, sizeof list, "pc 0x10010");
}
END_TEST

/* A loop that never ends: 0: addi x6, x6, 1   1: jal x0, -4 */
static void run_cancelled(enum rvt_mode mode)
{
    const uint32_t w[] = {RV_ADDI(6, 6, 1), RV_JAL(0, -4)};
    struct rvt_program *p = tu_load(w, 2, NULL, 0);
    struct rvt_result r;
    t1cmp_run_cancelled(p, mode, &r);
    ck_assert_uint_gt(r.regs[6], 1000);   /* it really ran */
    if (mode == RVT_MODE_TIER1 || mode == RVT_MODE_TIERED)
        ck_assert_uint_gt(r.stats.tier1_instructions, 0);
    rvt_result_free(&r);
    rvt_program_free(p);
}

START_TEST(cancel_in_every_mode)
{
    run_cancelled(RVT_MODE_INTERP);
    run_cancelled(RVT_MODE_TIER0);
    run_cancelled(RVT_MODE_TIER1);
    run_cancelled(RVT_MODE_TIERED);
}
END_TEST

/* A rotated loop first entered in its middle (test_region.c has the shape): block 3 runs
 * first, so its counter fires first, but tier 0 only ever falls into it; a region headed there
 * is entered once (right after the HOT exit, with --sync-compile) and never again, which with
 * background compilation meant never (gcc lays out fibonacci like this). The region must be
 * headed at block 2, where the loop jumps back through the table. */
START_TEST(rotated_loop_region_headed_where_it_jumps_back)
{
    const uint32_t w[] = {RV_LUI(5, 0x18), RV_JAL(0, 8), RV_ADDI(7, 6, 0), RV_ADDI(6, 6, 3),
                          RV_ADDI(5, 5, -1), RV_BNE(5, 0, -12), RV_ADDI(10, 7, 0), RV_HALT};
    /* threshold 1: block 3 gets hot before block 2 ever ran, forms no loop and is re-armed
     * to look again, which the run's resumption through its counter must not use up at once
     * (tierup.c); block 2 then gets hot and its region must take block 3 in (region.h: a
     * RETRY block is warm) and keep the back edge inside. Before, block 3's retries fired
     * back to back, it got a one-block region of its own, and so did block 2: two regions
     * leaving to each other, two trips through the gate per iteration */
    const uint64_t thresholds[] = {10, 1};
    for (size_t t = 0; t < 2; t++) {
        /* loaded anew: a program keeps its regions for later runs */
        struct rvt_program *p = tu_load(w, sizeof w / 4, NULL, 0);
        char dir[] = "/tmp/rvt_test_rotated_XXXXXX";
        ck_assert_ptr_nonnull(mkdtemp(dir));
        struct rvt_options o;
        rvt_options_init(&o);
        o.mode = RVT_MODE_TIERED;
        o.tier_threshold = thresholds[t];
        o.sync_compile = 1;
        o.dump_ir_dir = dir;
        struct rvt_result r;
        ck_assert_int_eq(rvt_run(p, &o, &r), 0);
        ck_assert_msg(r.status == RVT_OK, "%s", r.error);
        const uint64_t rounds = 0x18000;   /* lui x5 = 0x18 << 12 */
        ck_assert_uint_eq(r.regs[6], 3 * rounds);
        ck_assert_uint_eq(r.regs[7], 3 * (rounds - 1));
        ck_assert_uint_gt(r.stats.tier1_instructions, r.stats.instructions / 2);
        char path[256];
        snprintf(path, sizeof path, "%s/index.tsv", dir);
        size_t n;
        char *index = (char *)tu_read_file(path, &n);
        ck_assert_ptr_nonnull(index);
        index = realloc(index, n + 1);
        index[n] = 0;
        /* head, first pc, last pc, 2 blocks, 4 instructions */
        ck_assert_msg(strstr(index, "\n0x10008\t0x10008\t0x10014\t2\t4\t") != NULL,
                      "threshold %d: no two-block region headed at block 2:\n%s",
                      (int)thresholds[t], index);
        ck_assert_msg(strstr(index, "\n0x1000c\t") == NULL,
                      "threshold %d: a region headed at block 3:\n%s", (int)thresholds[t],
                      index);
        free(index);
        ck_assert_int_eq(tu_remove_dir(dir), 0);
        rvt_result_free(&r);
        rvt_program_free(p);
    }
}
END_TEST

/* A one-block loop entered once (RV_ONE_BLOCK_LOOP): tier 0 keeps it in its swaps, and in a
 * tier-0-only run its branch back skips the table (t0_loop_branch); in a tiered run that
 * branch must still go through the table, or the loop never reaches its counter nor, once
 * compiled, its region. */
/* RV_ONE_BLOCK_LOOP(2000) loaded, run by the interpreter into *ref and tiered (threshold 10,
 * compiled on the spot) into *r; o is left set for more tiered runs. */
static struct rvt_program *loop_interp_and_tiered(struct rvt_options *o, struct rvt_result *ref,
                                                  struct rvt_result *r)
{
    const uint32_t w[] = RV_ONE_BLOCK_LOOP(2000);
    uint8_t data[16] = {0};
    struct rvt_program *p = tu_load(w, sizeof w / 4, data, sizeof data);
    rvt_options_init(o);
    o->mode = RVT_MODE_INTERP;
    ck_assert_int_eq(rvt_run(p, o, ref), 0);
    o->mode = RVT_MODE_TIERED;
    o->tier_threshold = 10;
    o->sync_compile = 1;
    ck_assert_int_eq(rvt_run(p, o, r), 0);
    ck_assert_msg(r->status == RVT_OK && ref->status == RVT_OK, "%s | %s", r->error, ref->error);
    return p;
}

START_TEST(one_block_loop_tiers_up)
{
    struct rvt_options o;
    struct rvt_result ref, r;
    struct rvt_program *p = loop_interp_and_tiered(&o, &ref, &r);
    ck_assert(memcmp(r.regs, ref.regs, sizeof r.regs) == 0 && r.clk == ref.clk);
    ck_assert_msg(r.stats.tier1_instructions > r.stats.instructions / 2,
                  "%llu of %llu instructions in tier 1",
                  (unsigned long long)r.stats.tier1_instructions,
                  (unsigned long long)r.stats.instructions);
    rvt_result_free(&r);
    rvt_result_free(&ref);
    rvt_program_free(p);
}
END_TEST

/* A head whose region is queued stops counting (rt_tierup_stop_counting): its tiered table
 * entry moves from its counter to the tier-0-only entry past it, and the program still runs
 * exactly; an entry that already leads to the gate (an installed region) is left alone. */
START_TEST(queued_head_stops_counting)
{
    struct rvt_options o;
    struct rvt_result ref, r;
    struct rvt_program *p = loop_interp_and_tiered(&o, &ref, &r);
    rvt_result_free(&r);
    const struct t0_code *c = p->t0;
    const void **table = c->tiered.table;
    uint32_t installed = UINT32_MAX, counting = UINT32_MAX;
    for (uint32_t i = 0; i < p->n_insns; i++) {
        if (table[i] == c->t1_gate && installed == UINT32_MAX)
            installed = i;
        if (p->leader[i] && table[i] == c->code + c->insn_off[i] && counting == UINT32_MAX)
            counting = i;
    }
    ck_assert_msg(installed != UINT32_MAX, "no region installed");
    ck_assert_msg(counting != UINT32_MAX, "no block head still counting");
    rt_tierup_stop_counting(p->tier1, installed);
    ck_assert_ptr_eq(table[installed], c->t1_gate);
    rt_tierup_stop_counting(p->tier1, counting);
    ck_assert_ptr_eq(table[counting], c->t0_only.table[counting]);
    ck_assert_ptr_ne(table[counting], c->code + c->insn_off[counting]);
    ck_assert_int_eq(rvt_run(p, &o, &r), 0);
    ck_assert_msg(r.status == RVT_OK, "%s", r.error);
    ck_assert(memcmp(r.regs, ref.regs, sizeof r.regs) == 0 && r.clk == ref.clk);
    rvt_result_free(&r);
    rvt_result_free(&ref);
    rvt_program_free(p);
}
END_TEST

static void discard_output(void *user, int fd, const uint8_t *data, size_t len)
{
    (void)user, (void)fd, (void)data, (void)len;
}

/* One tiered run of p (threshold 10, compiled on the spot), with a trace to path or none. */
static void run_tiered(struct rvt_program *p, const char *trace_path, struct rvt_result *r)
{
    struct rvt_options o;
    rvt_options_init(&o);
    o.output = discard_output;
    o.mode = RVT_MODE_TIERED;
    o.tier_threshold = 10;
    o.sync_compile = 1;
    o.trace = trace_path != NULL;
    o.trace_path = trace_path;
    ck_assert_int_eq(rvt_run(p, &o, r), 0);
    ck_assert_msg(r->status == RVT_OK, "%s", r->error);
}

/* The two variants of a region (ir/lift.h): a program run untraced, then traced, as a
 * service does. The first run compiles plain regions; the second finds them useless (it
 * records), runs their heads in tier 0 until they are hot again, and compiles recording
 * variants of its own. Its trace must be the interpreter's, byte for byte, and most of it run
 * in tier 1; a third, untraced run finds its regions compiled. (Not all of them: the profile
 * is the program's, so a block that reached the threshold only over the three runs forms its
 * region in the third.) */
START_TEST(variants_for_traced_and_untraced_runs)
{
    struct rvt_program *p;
    char err[512], dir[] = "/tmp/rvt_test_variants_XXXXXX";
    char *path = tu_guest_path("sp1", "sha256");
    ck_assert_msg(rvt_program_load_file(path, &p, err, sizeof err) == 0, "%s", err);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char t_interp[300], t_tiered[300];
    snprintf(t_interp, sizeof t_interp, "%s/interp.trace", dir);
    snprintf(t_tiered, sizeof t_tiered, "%s/tiered.trace", dir);
    struct rvt_result plain, rec, again, ref;
    run_tiered(p, NULL, &plain);
    ck_assert_uint_gt(plain.stats.regions_compiled, 0);
    ck_assert_uint_gt(plain.stats.tier1_instructions, plain.stats.instructions / 2);
    run_tiered(p, t_tiered, &rec);
    ck_assert_uint_gt(rec.stats.regions_compiled, 0);   /* its own, recording variants */
    ck_assert_uint_gt(rec.stats.tier1_instructions, rec.stats.instructions / 2);
    /* every region call is counted, and a call runs a region's worth of instructions */
    ck_assert_uint_gt(rec.stats.tier1_entries, 0);
    ck_assert_uint_lt(rec.stats.tier1_entries, rec.stats.tier1_instructions / 4);
    run_tiered(p, NULL, &again);
    ck_assert_uint_le(again.stats.regions_compiled * 10, plain.stats.regions_compiled);
    ck_assert_uint_gt(again.stats.tier1_instructions, again.stats.instructions / 2);
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = RVT_MODE_INTERP;
    o.output = discard_output;
    o.trace = 1;
    o.trace_path = t_interp;
    ck_assert_int_eq(rvt_run(p, &o, &ref), 0);
    size_t na, nb;
    uint8_t *a = tu_read_file(t_interp, &na), *b = tu_read_file(t_tiered, &nb);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_msg(na == nb && memcmp(a, b, na) == 0, "traces differ (%zu vs %zu bytes)", na,
                  nb);
    for (int k = 0; k < 32; k++)
        ck_assert_uint_eq(plain.regs[k], ref.regs[k]);
    free(a);
    free(b);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
    rvt_result_free(&plain);
    rvt_result_free(&rec);
    rvt_result_free(&again);
    rvt_result_free(&ref);
    rvt_program_free(p);
    free(path);
}
END_TEST

Suite *test_tier1_suite(void)
{
    Suite *s = suite_create("tier1");
    TCase *tc = tcase_create("tier1");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_guest_region_lifts_to_valid_ir);
    tcase_add_test(tc, compiled_region_has_code);
    tcase_add_test(tc, guard_moves_into_the_predecessor);
    tcase_add_test(tc, one_guard_covers_an_if_else_with_accesses);
    tcase_add_test(tc, access_runs_fault_where_the_interpreter_does);
    tcase_add_test(tc, cancel_in_every_mode);
    tcase_add_test(tc, rotated_loop_region_headed_where_it_jumps_back);
    tcase_add_test(tc, one_block_loop_tiers_up);
    tcase_add_test(tc, queued_head_stops_counting);
    tcase_add_test(tc, variants_for_traced_and_untraced_runs);
    suite_add_tcase(s, tc);
    return s;
}
