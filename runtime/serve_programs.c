/* serve_programs.c — the service's program cache. A program is keyed by the SHA-256 of its
 * ELF, loaded once (rvt_program_load) and its tier 0 code translated at upload, then kept for
 * the daemon's life: every job of the program shares that code and the tier-1 regions later
 * compiled for it, so a warm program starts in its fast code.
 * Usage: sv_program_add(s, elf, len, "name", 1, &p, &cached, err, sizeof err); */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime/program.h"
#include "runtime/serve.h"
#include "runtime/sha256.h"

struct sv_program *sv_program_find(struct sv_server *s, const char *id)
{
    for (struct sv_program *p = s->programs; p; p = p->next)
        if (!strcmp(p->id, id))
            return p;
    return NULL;
}

int sv_program_add(struct sv_server *s, const uint8_t *elf, size_t len, const char *name,
                   int persist, struct sv_program **out, int *cached, char *err, size_t errlen)
{
    uint8_t d[32];
    char id[65];
    rt_sha256(elf, len, d);
    for (int i = 0; i < 32; i++)
        snprintf(id + 2 * i, 3, "%02x", d[i]);

    pthread_mutex_lock(&s->lock);
    struct sv_program *p = sv_program_find(s, id);
    if (p)
        s->m.program_hits++;
    pthread_mutex_unlock(&s->lock);
    if (p) {
        *out = p;
        *cached = 1;
        return 0;
    }

    /* Load and translate outside the lock: jobs keep running meanwhile. */
    double t = sv_now();
    struct rvt_program *prog;
    if (rvt_program_load(elf, len, name, &prog, err, errlen) != 0)
        return -1;
    prog->perf_map = s->cfg.perf_map;
    char terr[512];
    if (!rt_program_tier0(prog, 0, terr, sizeof terr))   /* interp jobs can still run it */
        fprintf(stderr, "{\"event\":\"program\",\"id\":\"%s\",\"warning\":\"tier 0 translation "
                "failed; tier0 jobs will fail\"}\n", id);
    p = calloc(1, sizeof *p);
    if (!p) {
        rvt_program_free(prog);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(p->id, id, sizeof id);
    p->name = strdup(name ? name : "upload");
    p->prog = prog;
    p->elf_len = len;
    p->load_seconds = sv_now() - t;

    pthread_mutex_lock(&s->lock);
    struct sv_program *again = sv_program_find(s, id);   /* a concurrent upload won */
    if (again) {
        s->m.program_hits++;
    } else {
        s->m.program_misses++;
        p->next = s->programs;
        s->programs = p;
        s->n_programs++;
    }
    pthread_mutex_unlock(&s->lock);
    if (again) {
        rvt_program_free(p->prog);
        free(p->name);
        free(p);
        *out = again;
        *cached = 1;
        return 0;
    }
    if (persist && sv_store_write_program(s, p, elf, len) != 0)
        fprintf(stderr, "{\"event\":\"program\",\"id\":\"%s\",\"warning\":\"could not save the "
                "ELF in the state directory; it will not survive a restart\"}\n", id);
    *out = p;
    *cached = 0;
    return 0;
}

char *sv_program_json(const struct sv_program *p, int cached)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:b}", "id", p->id, "name",
                          p->name, "size", (json_int_t)p->elf_len, "instructions",
                          (json_int_t)p->prog->n_insns, "tier0_instructions",
                          (json_int_t)(p->prog->t0 ? p->prog->n_insns : 0), "load_seconds",
                          p->load_seconds, "translate_seconds", p->prog->t0_translate_seconds,
                          "cached", cached);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(o);
    return text;
}
