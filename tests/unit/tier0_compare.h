/* tier0_compare.h — running one program in the reference interpreter and in tier 0 (default
 * register map, a map scrambled from the program's words, the text translated in slices) and
 * asserting that everything observable is identical: status, error message, exit code, pc,
 * all registers, clk, global_clk, the trace bytes (chunked in memory) and the guest's output.
 * Shared by test_tier0.c and test_tier0_loops.c.
 * Usage: struct outcome ref; t0cmp_compare(p, regs, chunk, max_cycles, "what", &ref);
 *        ... ref.regs ...; free(ref.trace); */
#ifndef RVT_TESTS_TIER0_COMPARE_H
#define RVT_TESTS_TIER0_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "rvtier.h"
#include "tiers/regmap.h"

struct rvt_program;

struct outcome {
    int rc;
    enum rvt_status status;
    char error[512];
    int halted, exit_code;
    uint64_t regs[32], pc, clk, global_clk;
    char *trace;
    size_t trace_len;
    char *output;            /* guest writes to fd 1 and 2, tagged by fd */
    size_t output_len;
};

/* The words as a test ELF (data at TU_DATA_ADDR), loaded; fails the test if refused. */
struct rvt_program *t0cmp_load(const uint32_t *w, size_t n, const uint8_t *data, size_t dlen);
/* A register ranking shuffled by a seed (Fisher-Yates over xorshift). */
void t0cmp_shuffled_map(uint64_t seed, struct rv_regmap *m);
/* One run as rvt_run does it, but with initial registers and the trace kept in memory.
 * chunk == 0: no trace. tier0: 0 = interpreter, 1 = tier 0 with the default register map,
 * 2 = with a map scrambled from the program's words, 3 = translated in slices (3 threads). */
void t0cmp_run_mode(const struct rvt_program *p, const uint64_t *regs, int tier0,
                    uint64_t chunk, uint64_t max_cycles, enum rvt_abi abi, struct outcome *out);
/* Asserts that a tier 0 outcome t (run_mode's kind map) equals the interpreter's ref. */
void t0cmp_expect_same(const char *what, int map, const struct outcome *t,
                       const struct outcome *ref);
/* Runs p in the interpreter and in tier 0 three ways and asserts identical outcomes;
 * returns the interpreter's in *ref (its trace for the caller to free). */
void t0cmp_compare_abi(const struct rvt_program *p, const uint64_t *regs, uint64_t chunk,
                       uint64_t max_cycles, enum rvt_abi abi, const char *what,
                       struct outcome *ref);
/* t0cmp_compare_abi with the SP1 ABI. */
void t0cmp_compare(const struct rvt_program *p, const uint64_t *regs, uint64_t chunk,
                   uint64_t max_cycles, const char *what, struct outcome *ref);
/* t0cmp_compare of the words loaded with t0cmp_load. */
void t0cmp_compare_words(const uint32_t *w, size_t n, const uint8_t *data, size_t dlen,
                         const uint64_t *regs, uint64_t chunk, uint64_t max_cycles,
                         const char *what, struct outcome *ref);

#endif
