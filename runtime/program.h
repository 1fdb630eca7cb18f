/* program.h — a loaded program: the validated ELF image, a private copy of its bytes, the
 * decoded text and its basic blocks. Immutable after rvt_program_load(); shared by runs.
 * Tier code that belongs to a program (tier 0 translation, later tier-1 regions) hangs here. */
#ifndef RVT_RUNTIME_PROGRAM_H
#define RVT_RUNTIME_PROGRAM_H

#include <pthread.h>
#include <stdint.h>

#include "frontend/decode.h"
#include "frontend/elf.h"
#include "include/rvtier.h"

struct rvt_program {
    char *name;
    uint8_t *elf;             /* private copy: image segments point into it */
    size_t elf_len;
    struct rv_image img;
    uint64_t pc_base;         /* = img.text_start */
    uint64_t n_insns;         /* (text_end - text_start) / 4 */
    struct rv_insn *insns;    /* decoded text, index (pc - pc_base) / 4 */
    uint8_t *leader;          /* 1 where a basic block starts (frontend/blocks.h) */
    uint8_t *loop_head;       /* 1 where a backward conditional branch lands (rv_mark_leaders) */

    /* Tier 0 code, translated once on first use and shared by every later run (runs may
     * start on several threads at once: `lock` guards the translation). */
    pthread_mutex_t lock;
    struct t0_code *t0;
    double t0_translate_seconds;
    /* Tier 1 (runtime/tierup.c): created by the first tier1/tiered run, then shared. */
    struct rt_tier1 *tier1;
    /* Where the JIT code is named for perf (runtime/perf_map.h), or NULL; set before the
     * first run, not owned. */
    struct rt_perf_map *perf_map;
};

/* The program's tier 0 code, translating it on first use on `threads` threads (struct
 * t0_options; 0: automatic) with the registers without a GPR home in `home`; later calls get
 * the code the first one made. Returns NULL with err filled if translation failed.
 * Thread-safe. */
const struct t0_code *rt_program_tier0(struct rvt_program *p, unsigned threads,
                                       enum rvt_reg_home home, char *err, size_t errlen);

/* Index of pc in the text, or -1 if pc is outside it or not 4-aligned. */
static inline int64_t rt_program_index(const struct rvt_program *p, uint64_t pc)
{
    if ((pc & 3) || pc < p->pc_base || pc - p->pc_base >= p->n_insns * 4)
        return -1;
    return (int64_t)((pc - p->pc_base) / 4);
}

#endif
