/* region.h — region formation for tier 1: the unit LLVM compiles.
 *
 * A region is a head block plus the blocks reachable from it along static edges (branch
 * taken/not taken, fall-through, JAL target, and a call's return point) that are warm: executed
 * at least armed / RT_REGION_WARM_SHARE times (and at least once) since profiling was armed
 * (or, without a profile, all of them but callees), up to a size cap. A rare path left out
 * costs a trip through tier 0 when taken; kept in, it costs compile time on every region. Back edges to the head or to any member stay inside, so a loop becomes one region.
 * The region is entered only at its head; every other edge leaves it (to the dispatch table).
 * Usage: struct rt_region r; if (rt_region_form(p, head, counters, armed, cap, &r) == 0) {
 *          ... r.blocks[k].start/.end ...; rt_region_free(&r); } */
#ifndef RVT_RUNTIME_REGION_H
#define RVT_RUNTIME_REGION_H

#include <stdint.h>

#include "runtime/program.h"

struct rt_block {
    uint32_t start;   /* instruction index of the leader */
    uint32_t end;     /* one past the block's last instruction */
};

struct rt_region {
    uint32_t head;              /* = blocks[0].start */
    uint32_t n_blocks;
    struct rt_block *blocks;    /* in discovery (breadth-first) order, head first */
    uint32_t n_insns;
    uint8_t has_calls;          /* a JAL/JALR inside: JALR targets may be member blocks */
    uint8_t has_back_edge;      /* some member jumps or branches back to the head: a loop */
    /* Set when no member jumps to the head but the region loops by falling into it (a rotated
     * loop first entered in its middle): the nearest block up that fall-through chain that a
     * member jumps to, else RT_REGION_NO_REJOIN. Tier 0 reaches such a head only by falling
     * through, never through the table, so the region should be rooted at rejoin instead. */
    uint32_t rejoin;
    /* Which variant tier 1 compiles (set by the caller; 0 from rt_region_form): a recording
     * one (every load and store takes a trace record, the chunk can fill) or a plain one (no
     * records, no chunk). Each is specialized at compile time, so the plain one carries none
     * of the record bookkeeping (keccak's round loop ran 1.8x faster that way). */
    uint8_t recording;
};

#define RT_REGION_NO_REJOIN UINT32_MAX

/* What tier-up knows of a leader, per variant (runtime/tierup.c): RT_HEAD_BUSY = heads a
 * region being formed or compiled, RT_HEAD_INSTALLED = heads an installed region,
 * RT_HEAD_COVERED = a member of a busy or installed region (forms no region of its own),
 * RT_HEAD_RETRY = got hot but formed no loop yet, its counter re-armed to look again later.
 * A walk counts a RETRY, BUSY or INSTALLED block as warm whatever its counter says: each got
 * hot and had its counter re-armed, which reset its count, not its heat. Without this, at
 * threshold 1 the two blocks of gcc's rotated loop (fibonacci's) each formed a one-block
 * region, the first before the second ever ran and the second just after the first's counter
 * was re-armed at its install, and every iteration went through the gate twice: 40x slower. */
enum rt_head_state { RT_HEAD_NONE, RT_HEAD_BUSY, RT_HEAD_INSTALLED, RT_HEAD_REJECTED,
                     RT_HEAD_COVERED, RT_HEAD_RETRY };

#define RT_REGION_MAX_INSNS 1500u
#define RT_REGION_WARM_SHARE 64
#define RT_REGION_STATIC_MAX_INSNS 400u

/* Forms the region at head (a leader). counters: the profile (struct t0_dispatch.counters;
 * a block is warm when counters[leader] < armed), or NULL to take every reachable block.
 * heads (enum rt_head_state per instruction, or NULL): in a function the walk calls, blocks
 * heading another busy or installed region are left out; the region leaves to them through
 * the table and their own region runs them. Without this every caller's loop compiles its own
 * copy of a hot callee's loop (sha256: rounds inside compress inside update inside main's
 * loop, 3x the code, compiled too late for a 0.2 s run). A loop nested in the same function
 * is kept: leaving to it would cost two trips through the gate per outer iteration. Returns
 * 0, or -1 if out of memory. */
int rt_region_form(const struct rvt_program *p, uint32_t head, const int32_t *counters,
                   int32_t armed, const uint8_t *heads, uint32_t max_insns,
                   struct rt_region *out);
void rt_region_free(struct rt_region *r);

/* Index of the member block starting at instruction idx, or -1. */
int rt_region_block_of(const struct rt_region *r, uint32_t idx);

/* Heads tier1 mode compiles before running: targets of backward branches and jumps (loop
 * heads). Without a profile a region does not follow calls, and stays small (see
 * RT_REGION_STATIC_MAX_INSNS). Fills heads (caller frees); returns count, or -1 if OOM. */
int64_t rt_region_static_heads(const struct rvt_program *p, uint32_t **heads);

#endif
