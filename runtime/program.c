/* program.c — rvt_program_load(): validate the ELF, keep a private copy, decode the text
 * once and find its basic blocks (a large text on one thread per CPU). A program is immutable
 * afterwards and shared by runs. */
#include "runtime/program.h"
#include "runtime/tierup.h"
#include "runtime/wallclock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/blocks.h"
#include "runtime/bigalloc.h"
#include "runtime/fork_join.h"
#include "runtime/perf_map.h"
#include "include/rvtier.h"
#include "tiers/tier0/tier0.h"

void rvt_program_free(struct rvt_program *p)
{
    if (!p)
        return;
    rt_tier1_free(p->tier1);   /* before the tier 0 code its regions are installed in */
    if (p->t0)
        t0_code_free(p->t0);
    pthread_mutex_destroy(&p->lock);
    free(p->name);
    free(p->elf);
    rt_big_free(p->insns, p->n_insns * sizeof *p->insns);
    rt_big_free(p->leader, p->n_insns);
    rt_big_free(p->loop_head, p->n_insns);
    free(p);
}

/* A large text is decoded and its leaders marked in slices, one thread each, as tier 0
 * translates it (tiers/tier0/tier0.h, t0_options): decoding costs ~60 host instructions per
 * guest instruction, so a slice of fewer than LOAD_SLICE_MIN would not pay for its thread. */
#define LOAD_SLICE_MIN 32768u
#define LOAD_MAX_THREADS 8u

struct load_slice {
    const uint32_t *words;
    struct rvt_program *p;
    uint64_t first, end;
};

static void *decode_slice(void *arg)
{
    struct load_slice *s = arg;
    struct rvt_program *p = s->p;
    rv_decode_text(s->words + s->first, s->end - s->first, p->insns + s->first);
    rv_mark_leaders(p->insns, s->first, s->end, p->n_insns, p->pc_base, p->leader,
                    p->loop_head);
    return NULL;
}

/* Decodes words into p->insns and fills p->leader and p->loop_head (both cleared). */
static void decode_text(struct rvt_program *p, const uint32_t *words)
{
    const uint64_t n = p->n_insns;
    const uint64_t k = rt_fork_join_parts(n, LOAD_SLICE_MIN, LOAD_MAX_THREADS);
    struct load_slice s[LOAD_MAX_THREADS];
    for (uint64_t j = 0; j < k; j++)
        s[j] = (struct load_slice){words, p, n * j / k, n * (j + 1) / k};
    rt_fork_join(k, decode_slice, s, sizeof s[0]);
    const int64_t entry = rt_program_index(p, p->img.entry);
    if (entry >= 0)
        p->leader[entry] = 1;
}

int rvt_program_load(const uint8_t *elf, size_t len, const char *name,
                     struct rvt_program **out, char *err, size_t errlen)
{
    *out = NULL;
    struct rvt_program *p = calloc(1, sizeof *p);
    if (!p)
        goto oom;
    pthread_mutex_init(&p->lock, NULL);
    p->name = strdup(name ? name : "program");
    p->elf = malloc(len ? len : 1);
    if (!p->name || !p->elf)
        goto oom;
    memcpy(p->elf, elf, len);
    p->elf_len = len;
    if (rv_elf_parse(p->elf, len, p->name, &p->img, err, errlen) != 0)
        goto fail;

    p->pc_base = p->img.text_start;
    p->n_insns = (p->img.text_end - p->img.text_start) / 4;
    /* Words of the executable segments; gaps and .bss-like tails read as 0 (a trap). */
    const size_t words_bytes = p->n_insns * sizeof(uint32_t);
    uint32_t *words = rt_big_alloc(words_bytes);
    p->insns = rt_big_alloc(p->n_insns * sizeof *p->insns);
    p->leader = rt_big_alloc(p->n_insns);
    p->loop_head = rt_big_alloc(p->n_insns);
    if (!words || !p->insns || !p->leader || !p->loop_head) {
        rt_big_free(words, words_bytes);
        goto oom;
    }
    for (unsigned i = 0; i < p->img.n_seg; i++) {
        const struct rv_segment *s = &p->img.seg[i];
        if (!s->exec)
            continue;
        memcpy((uint8_t *)words + (s->vaddr - p->pc_base), s->data, s->filesz);
    }
    decode_text(p, words);   /* leader is zeroed: rt_big_alloc */
    rt_big_free(words, words_bytes);
    *out = p;
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory loading a %zu-byte ELF", name ? name : "program", len);
fail:
    rvt_program_free(p);
    return -1;
}

int rvt_program_load_file(const char *path, struct rvt_program **out, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory reading the file", path);
                return -1;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err) {
        free(buf);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    int rc = rvt_program_load(buf, len, path, out, err, errlen);
    free(buf);
    return rc;
}

const struct t0_code *rt_program_tier0(struct rvt_program *p, unsigned threads,
                                       enum rvt_reg_home home, char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    if (!p->t0) {
        const double t0 = rt_wallclock();
        struct rv_regmap xmm;   /* RVT_REGS_CTX: the default map (t0_options.map NULL) */
        if (home == RVT_REGS_XMM)
            rv_regmap_default_in(RV_LAYOUT_XMM, &xmm);
        const struct t0_options o = {.threads = threads,
                                     .map = home == RVT_REGS_XMM ? &xmm : NULL};
        if (t0_translate_opts(p, &o, &p->t0, err, errlen) != 0)
            p->t0 = NULL;
        else if (p->perf_map)
            rt_perf_map_tier0(p->perf_map, p, p->t0);
        p->t0_translate_seconds = rt_wallclock() - t0;
    }
    const struct t0_code *c = p->t0;
    pthread_mutex_unlock(&p->lock);
    return c;
}
