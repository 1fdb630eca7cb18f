/* t0_perf_map.c — tier 0's code as perf map lines (runtime/perf_map.h, the --perf-map of run
 * and serve): one symbol per guest block, t0_<pc of its head>, over the block's host code, and
 * one each for the shared code before the first instruction (prologue, epilogue, exit tails,
 * the tier 1 gate) and for each slice's exit stubs. perf reads /tmp/perf-<pid>.map ("START
 * SIZE NAME", hex, one per line) when it reports, so JIT samples get guest-level names
 * instead of bare addresses.
 * Usage: t0_perf_map(f, prog, code) (tier0.h). */
#include <inttypes.h>
#include <stdio.h>

#include "runtime/program.h"
#include "tiers/tier0/tier0.h"

static void line(FILE *out, const struct t0_code *c, size_t from, size_t to, const char *name,
                 uint64_t pc)
{
    if (to <= from)
        return;
    fprintf(out, "%" PRIxPTR " %zx %s", (uintptr_t)(c->code + from), to - from, name);
    if (pc != UINT64_MAX)
        fprintf(out, "%" PRIx64, pc);
    fputc('\n', out);
}

int t0_perf_map(FILE *out, const struct rvt_program *p, const struct t0_code *c)
{
    line(out, c, 0, c->insn_off[0], "t0_entry_exits_gate", UINT64_MAX);
    for (uint64_t i = 0; i < c->n_insns;) {
        uint64_t end = i + 1;   /* the next leader, or a slice's end (its code stops there) */
        size_t to = t0_insn_end(c, i);
        while (end < c->n_insns && !p->leader[end] && to == c->insn_off[end])
            to = t0_insn_end(c, end++);
        line(out, c, c->insn_off[i], to, "t0_", p->pc_base + 4 * i);
        i = end;
    }
    for (unsigned k = 0; k < c->n_slices; k++)
        line(out, c, c->slice[k].stubs, c->slice[k].stubs_end, "t0_stubs", UINT64_MAX);
    return ferror(out) ? -1 : 0;
}
