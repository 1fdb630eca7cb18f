/* dt_gen.h — rvt_difftest's random RV64IM program generator: from a seed, a valid program
 * (every R/I/W ALU and M form, lui/auipc, fence, loads and stores of every width into a data
 * area, forward branches and jumps, bounded loops, calls to small functions, hot runs that keep
 * reusing two or three registers) that ends by folding the whole data area into a register
 * and halting with that register as a0; now and then one deliberate fault.
 *
 * Register roles in generated programs (everything else is fair game, x0 and a0 included):
 *   x3 = data base A (area + 0x800), x9 = data base B (area + 0x400): never written;
 *   x28 = scratch for auipc/jalr and fault addresses; x29 = saved ra in functions and fold
 *   temporary; x30 = loop counter (loops do not nest, functions have no loops).
 * Usage: struct dt_gen g; uint8_t data[DT_DATA_SIZE];
 *        dt_generate(seed, len, fault_percent, &g, data); ... g.w[0..g.n) ...; free(g.w); */
#ifndef RVT_TESTS_FUZZ_DT_GEN_H
#define RVT_TESTS_FUZZ_DT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "testutil.h"

#define DT_DATA_SIZE 4096u
#define DT_DATA_ADDR TU_DATA_ADDR
#define DT_BASE_A 3
#define DT_BASE_B 9
#define DT_SCRATCH 28
#define DT_SAVE 29
#define DT_COUNTER 30
#define DT_MAX_FUNCS 4
#define DT_MAX_CALLS 256

/* ---- random numbers: splitmix64, state passed explicitly ---- */

struct dt_rng {
    uint64_t s;
};

static inline uint64_t dt_next(struct dt_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t dt_below(struct dt_rng *r, uint32_t n)
{
    return (uint32_t)(dt_next(r) % n);
}

static inline int dt_chance(struct dt_rng *r, unsigned percent)
{
    return dt_below(r, 100) < percent;
}

/* ---- the program being generated ---- */

enum dt_call_kind { DT_CALL_JAL, DT_CALL_AUIPC_JALR };

struct dt_call {
    size_t at;         /* index of the jal, or of the auipc of an auipc+jalr pair */
    int fn;
    enum dt_call_kind kind;
};

struct dt_gen {
    struct dt_rng rng;
    uint32_t *w;
    size_t n, cap;
    size_t items;          /* items generated so far (numbering for the fault) */
    long fault_item;       /* item number replaced by a deliberate fault; -1: none */
    int n_funcs;
    size_t func_at[DT_MAX_FUNCS];
    struct dt_call calls[DT_MAX_CALLS];
    size_t n_calls;
    unsigned hot[3];       /* during a hot run: the few registers it keeps using */
    unsigned n_hot;
};

/* Generates the program for `seed` into g (g->w is malloc'ed: the caller frees it) and the data
 * area's initial bytes into data[DT_DATA_SIZE]: prologue, body of `len` items, fold + halt,
 * functions. fault_percent: the chance that one item is a deliberate fault. */
void dt_generate(uint64_t seed, unsigned len, unsigned fault_percent, struct dt_gen *g,
                 uint8_t *data);

#endif
