/* region.c — region formation (region.h): a breadth-first walk over static edges from the
 * head, keeping warm blocks, stopping at the size cap. */
#include "runtime/region.h"

#include <stdlib.h>

#include "frontend/blocks.h"

struct walk {
    const struct rvt_program *p;
    const int32_t *counters;
    int32_t armed;
    const uint8_t *heads;
    int64_t min_runs;     /* executions that make a block warm */
    struct rt_region *r;
    uint8_t *in_callee;   /* per member block: reached through a call the walk followed */
    uint32_t cap_blocks;
};

int rt_region_block_of(const struct rt_region *r, uint32_t idx)
{
    for (uint32_t k = 0; k < r->n_blocks; k++)
        if (r->blocks[k].start == idx)
            return (int)k;
    return -1;
}

/* Adds the block at leader idx if it is warm, new and fits. jump: the edge is a taken branch
 * or a jump, which tier 0 takes through the table (a fall-through is not). callee: the block
 * is reached through a call the walk followed. 0 on success or skip, -1 OOM. */
static int visit(struct walk *w, uint64_t pc, int jump, int callee, uint32_t max_insns)
{
    int64_t idx = rt_program_index(w->p, pc);
    if (idx < 0 || !w->p->leader[idx])
        return 0;
    struct rt_region *r = w->r;
    if (r->n_blocks && jump && (uint32_t)idx == r->head)
        r->has_back_edge = 1;
    /* (another run may be changing heads: an atomic load) */
    const uint8_t st = w->heads ? __atomic_load_n(&w->heads[idx], __ATOMIC_ACQUIRE) : 0;
    /* a head that got hot had its counter re-armed: its count was reset, not its heat */
    const int was_hot = st == RT_HEAD_RETRY || st == RT_HEAD_BUSY || st == RT_HEAD_INSTALLED;
    if (w->counters && (int64_t)w->armed - w->counters[idx] < w->min_runs &&
        (uint32_t)idx != r->head && !was_hot)
        return 0;   /* (almost) never ran since profiling began: leave it to tier 0 */
    if (callee && (st == RT_HEAD_BUSY || st == RT_HEAD_INSTALLED))
        return 0;   /* a called function's loop with a region of its own: leave to it */
    if (rt_region_block_of(r, (uint32_t)idx) >= 0)
        return 0;
    uint64_t end = rv_block_end(w->p->insns, w->p->leader, w->p->n_insns, (uint64_t)idx);
    if (r->n_insns + (end - (uint64_t)idx) > max_insns)
        return 0;
    if (r->n_blocks == w->cap_blocks) {
        uint32_t cap = w->cap_blocks ? 2 * w->cap_blocks : 16;
        struct rt_block *b = realloc(r->blocks, cap * sizeof *b);
        if (!b)
            return -1;
        r->blocks = b;
        uint8_t *c = realloc(w->in_callee, cap);
        if (!c)
            return -1;
        w->in_callee = c;
        w->cap_blocks = cap;
    }
    w->in_callee[r->n_blocks] = (uint8_t)callee;
    r->blocks[r->n_blocks++] = (struct rt_block){(uint32_t)idx, (uint32_t)end};
    r->n_insns += (uint32_t)(end - (uint64_t)idx);
    return 0;
}

/* 1 if a member block ends with a taken branch or JAL to instruction idx. */
static int jumped_to(const struct rvt_program *p, const struct rt_region *r, uint32_t idx)
{
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        const uint32_t last = r->blocks[k].end - 1;
        uint64_t target;
        if (rv_insn_static_target(&p->insns[last], p->pc_base + 4ull * last, &target) &&
            target == p->pc_base + 4ull * idx)
            return 1;
    }
    return 0;
}

/* The member block that falls through into instruction idx (ends there without a jump), or
 * -1. */
static int falls_into(const struct rvt_program *p, const struct rt_region *r, uint32_t idx)
{
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        const struct rt_block b = r->blocks[k];
        const enum rv_op op = (enum rv_op)p->insns[b.end - 1].op;
        if (b.end == idx && op != RV_OP_JAL && op != RV_OP_JALR &&
            rv_op_class(op) != RV_CLS_SYSTEM && rv_op_class(op) != RV_CLS_TRAP)
            return (int)k;
    }
    return -1;
}

/* A loop that closes by falling into the head (no member jumps to it): walk back along the
 * fall-through chain to the first block a member jumps to (region.h, rejoin). */
static void find_rejoin(const struct rvt_program *p, struct rt_region *r)
{
    uint32_t at = r->head;
    for (uint32_t steps = 0; steps < r->n_blocks; steps++) {
        int k = falls_into(p, r, at);
        if (k < 0 || r->blocks[k].start == r->head)
            return;
        at = r->blocks[k].start;
        if (jumped_to(p, r, at)) {
            r->rejoin = at;
            return;
        }
    }
}

int rt_region_form(const struct rvt_program *p, uint32_t head, const int32_t *counters,
                   int32_t armed, const uint8_t *heads, uint32_t max_insns,
                   struct rt_region *out)
{
    *out = (struct rt_region){.head = head, .rejoin = RT_REGION_NO_REJOIN};
    struct walk w = {p, NULL, armed, heads, armed / RT_REGION_WARM_SHARE, out, NULL, 0};
    if (w.min_runs < 1)
        w.min_runs = 1;
    if (visit(&w, p->pc_base + 4ull * head, 0, 0, UINT32_MAX) != 0)   /* whatever its size */
        goto oom;
    w.counters = counters;
    for (uint32_t k = 0; k < out->n_blocks; k++) {
        const struct rt_block b = out->blocks[k];
        const int callee = w.in_callee[k];
        const struct rv_insn *last = &p->insns[b.end - 1];
        const uint64_t last_pc = p->pc_base + 4ull * (b.end - 1), next = last_pc + 4;
        uint64_t target;
        switch (rv_op_class((enum rv_op)last->op)) {
        case RV_CLS_BRANCH:
            if (rv_insn_static_target(last, last_pc, &target) &&
                visit(&w, target, 1, callee, max_insns))
                goto oom;
            if (visit(&w, next, 0, callee, max_insns))
                goto oom;
            break;
        case RV_CLS_JUMP:
            out->has_calls = 1;
            /* without a profile, calls are not followed: a loop's region would otherwise pull
             * in every function reachable from it */
            if (counters && last->op == RV_OP_JAL &&
                rv_insn_static_target(last, last_pc, &target) &&
                visit(&w, target, 1, callee || last->rd != 0, max_insns))
                goto oom;
            /* where the callee returns: reached by its JALR, through the table */
            if (last->rd != 0 && visit(&w, next, 1, callee, max_insns))
                goto oom;
            break;
        case RV_CLS_SYSTEM:
        case RV_CLS_TRAP:
            break;   /* ECALL and traps leave the region */
        default:
            if (visit(&w, next, 0, callee, max_insns))   /* fall-through into the next leader */
                goto oom;
            break;
        }
    }
    if (!out->has_back_edge)
        find_rejoin(p, out);
    free(w.in_callee);
    return 0;
oom:
    free(w.in_callee);
    rt_region_free(out);
    return -1;
}

void rt_region_free(struct rt_region *r)
{
    free(r->blocks);
    r->blocks = NULL;
    r->n_blocks = 0;
}

int64_t rt_region_static_heads(const struct rvt_program *p, uint32_t **heads)
{
    uint8_t *is_head = calloc(p->n_insns, 1);
    if (!is_head)
        return -1;
    for (uint64_t i = 0; i < p->n_insns; i++) {
        const struct rv_insn *in = &p->insns[i];
        const uint64_t pc = p->pc_base + 4 * i;
        uint64_t target;
        if (!rv_insn_static_target(in, pc, &target))
            continue;
        int64_t t = rt_program_index(p, target);
        if (t >= 0 && target <= pc)   /* a backward edge: t heads a loop */
            is_head[t] = 1;
    }
    uint64_t n = 0;
    for (uint64_t i = 0; i < p->n_insns; i++)
        n += is_head[i];
    *heads = malloc((n ? n : 1) * sizeof **heads);
    if (!*heads) {
        free(is_head);
        return -1;
    }
    n = 0;
    for (uint64_t i = 0; i < p->n_insns; i++)
        if (is_head[i])
            (*heads)[n++] = (uint32_t)i;
    free(is_head);
    return (int64_t)n;
}
