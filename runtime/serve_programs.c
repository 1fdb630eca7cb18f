/* serve_programs.c — the service's program cache. A program is keyed by the SHA-256 of its
 * ELF, loaded once (rvt_program_load) and its tier 0 code translated at upload, then kept:
 * every job of the program shares that code and the tier-1 regions later compiled for it, so
 * a warm program starts in its fast code. It goes when a client deletes it, or when an upload
 * finds cfg.max_programs loaded and it is the least recently used of those no job is on (a
 * daemon that sees every release of its guests must not keep them all: each holds its code,
 * its tables and, once a tiered job ran, an LLVM JIT and its compile thread).
 * Usage: status = sv_program_add(s, elf, len, "name", 1, &json, err, sizeof err); */
#include <inttypes.h>
#include <math.h>
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

void sv_program_missing(const struct sv_server *s, const char *id, char *msg, size_t msglen)
{
    char why[160] = "";
    if (s->cfg.max_programs)
        snprintf(why, sizeof why, ", or evicted (an upload that finds --max-programs %zu "
                 "loaded removes the least recently used idle one),", s->cfg.max_programs);
    snprintf(msg, msglen, "no program '%s': upload the ELF with POST /programs (the id is the "
             "SHA-256 of the ELF; a program that was deleted%s must be uploaded again)", id,
             why);
}

void sv_program_free(struct sv_program *p)
{
    if (!p)
        return;
    rvt_program_free(p->prog);   /* joins its compile thread, if a tiered job made one */
    free(p->name);
    free(p);
}

static double microseconds(double t)   /* so that 16 digits print as few */
{
    return round(t * 1e6) / 1e6;
}

/* Takes p out of the list, its ELF out of the state directory (under the lock, so that a
 * concurrent upload of the same ELF, which saves it under the lock too, is not undone), and
 * logs why (lock held). */
static void program_unlink(struct sv_server *s, struct sv_program *p, const char *why)
{
    struct sv_program **pp = &s->programs;
    while (*pp != p)
        pp = &(*pp)->next;
    *pp = p->next;
    p->next = NULL;
    s->n_programs--;
    sv_store_remove_program(s, p);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:I}", "event", "program", "id", p->id,
                          "name", p->name, "outcome", why, "last_used_at",
                          microseconds(p->last_used), "programs", (json_int_t)s->n_programs);
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(16)) : NULL;
    if (line)
        fprintf(stderr, "%s\n", line);
    free(line);
    json_decref(o);
}

static size_t idle_programs(const struct sv_server *s)
{
    size_t n = 0;
    for (const struct sv_program *p = s->programs; p; p = p->next)
        n += p->jobs == 0;
    return n;
}

/* Whether one more program fits under cfg.max_programs, evicting idle ones (lock held). */
static int room_possible(const struct sv_server *s)
{
    size_t max = s->cfg.max_programs;
    return !max || s->n_programs < max || idle_programs(s) >= s->n_programs - max + 1;
}

/* Room for one more program under cfg.max_programs: evicts the least recently used idle
 * programs onto *evicted (freed by the caller without the lock), or returns -1 having evicted
 * nothing when too few are idle (lock held). */
static int make_room(struct sv_server *s, struct sv_program **evicted)
{
    if (!room_possible(s))
        return -1;
    while (s->cfg.max_programs && s->n_programs >= s->cfg.max_programs) {
        struct sv_program *lru = NULL;
        for (struct sv_program *p = s->programs; p; p = p->next)
            if (!p->jobs && (!lru || p->last_used < lru->last_used))
                lru = p;
        program_unlink(s, lru, "evicted");
        s->m.programs_evicted++;
        lru->next = *evicted;
        *evicted = lru;
    }
    return 0;
}

static int busy_error(const struct sv_server *s, char *err, size_t errlen)
{
    snprintf(err, errlen, "%zu programs are loaded (--max-programs %zu) and every one has "
             "queued or running jobs; retry when one is idle, or DELETE /programs/{id} one "
             "you no longer need", s->n_programs, s->cfg.max_programs);
    return 503;
}

/* A known program: counted as a hit, used now, its object into *json (lock held). */
static int program_hit(struct sv_server *s, struct sv_program *p, char **json)
{
    s->m.program_hits++;
    p->last_used = sv_now();
    if (json)
        *json = sv_program_json(p, 1);
    return 200;
}

int sv_program_add(struct sv_server *s, const uint8_t *elf, size_t len, const char *name,
                   int persist, char **json, char *err, size_t errlen)
{
    uint8_t d[32];
    char id[65];
    rt_sha256(elf, len, d);
    for (int i = 0; i < 32; i++)
        snprintf(id + 2 * i, 3, "%02x", d[i]);
    if (json)
        *json = NULL;

    pthread_mutex_lock(&s->lock);
    struct sv_program *p = sv_program_find(s, id);
    int status = p ? program_hit(s, p, json)
               : !room_possible(s) ? busy_error(s, err, errlen)   /* before the work of loading */
               : 0;
    pthread_mutex_unlock(&s->lock);
    if (status)
        return status;

    /* Load and translate outside the lock: jobs keep running meanwhile. */
    double t = sv_now();
    struct rvt_program *prog;
    if (rvt_program_load(elf, len, name, &prog, err, errlen) != 0)
        return 400;
    prog->perf_map = s->cfg.perf_map;
    char terr[512];
    /* interp jobs can still run it */
    if (!rt_program_tier0(prog, 0, RVT_REGS_CTX, terr, sizeof terr))
        fprintf(stderr, "{\"event\":\"program\",\"id\":\"%s\",\"warning\":\"tier 0 translation "
                "failed; tier0 jobs will fail\"}\n", id);
    p = calloc(1, sizeof *p);
    if (!p || !(p->name = strdup(name ? name : "upload"))) {
        free(p);
        rvt_program_free(prog);
        snprintf(err, errlen, "out of memory");
        return 500;
    }
    memcpy(p->id, id, sizeof id);
    p->prog = prog;
    p->elf_len = len;
    p->load_seconds = sv_now() - t;

    struct sv_program *evicted = NULL;
    pthread_mutex_lock(&s->lock);
    struct sv_program *again = sv_program_find(s, id);   /* a concurrent upload won */
    if (again)
        status = program_hit(s, again, json);
    else if (make_room(s, &evicted) != 0)
        status = busy_error(s, err, errlen);   /* jobs came while this one loaded */
    else {
        s->m.program_misses++;
        p->last_used = sv_now();
        p->next = s->programs;
        s->programs = p;
        s->n_programs++;
        if (persist && sv_store_write_program(s, p, elf, len) != 0)
            fprintf(stderr, "{\"event\":\"program\",\"id\":\"%s\",\"warning\":\"could not save "
                    "the ELF in the state directory; it will not survive a restart\"}\n", id);
        if (json)
            *json = sv_program_json(p, 0);
        status = 201;
        p = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    sv_program_free(p);   /* the one that lost, or was refused */
    while (evicted) {
        struct sv_program *next = evicted->next;
        sv_program_free(evicted);
        evicted = next;
    }
    return status;
}

int sv_program_delete(struct sv_server *s, const char *id, char *msg, size_t msglen)
{
    pthread_mutex_lock(&s->lock);
    struct sv_program *p = sv_program_find(s, id);
    int status = 200;
    if (!p) {
        sv_program_missing(s, id, msg, msglen);
        status = 404;
    } else if (p->jobs) {
        snprintf(msg, msglen, "program '%s' has %zu queued or running job%s; delete it once "
                 "they are final (DELETE /jobs/{id} cancels one)", id, p->jobs,
                 p->jobs == 1 ? "" : "s");
        status = 409;
        p = NULL;
    } else {
        program_unlink(s, p, "deleted");
        s->m.programs_deleted++;
    }
    pthread_mutex_unlock(&s->lock);
    sv_program_free(p);   /* NULL unless it was removed */
    return status;
}

char *sv_program_json(const struct sv_program *p, int cached)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:b, s:I, s:f}", "id", p->id,
                          "name", p->name, "size", (json_int_t)p->elf_len, "instructions",
                          (json_int_t)p->prog->n_insns, "tier0_instructions",
                          (json_int_t)(p->prog->t0 ? p->prog->n_insns : 0), "load_seconds",
                          microseconds(p->load_seconds), "translate_seconds",
                          microseconds(p->prog->t0_translate_seconds), "cached", cached, "jobs",
                          (json_int_t)p->jobs, "last_used_at", microseconds(p->last_used));
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(16)) : NULL;
    json_decref(o);
    return text;
}
