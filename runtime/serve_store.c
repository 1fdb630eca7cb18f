/* serve_store.c — the service's state directory, so that a daemon crash or restart loses no
 * finished result:
 *   STATE/jobs/N.json         the job document (what GET /jobs/N answers), rewritten on each
 *                             state change (queued, running, final) by write + rename
 *   STATE/jobs/N.result.json  the result object (GET /jobs/N/result), written before the
 *                             final document
 *   STATE/jobs/N.trace        the trace, when the job asked for one
 *   STATE/programs/SHA.elf    every uploaded ELF, loaded again on restart
 * sv_store_init() creates the directories and recovers: programs are loaded again, final jobs
 * are served as they were, and jobs that were queued or running are made final as failed.
 * Files are not fsync'd: they survive the daemon, not the machine (docs/service.md).
 * Usage: sv_store_init(s, err, sizeof err) once before the workers start. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "runtime/serve.h"

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.tmp.%s.%ld", dir, name, (long)gettid());
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || w != len || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n + 65536 + 1 > cap) {
            cap = (n + 65536 + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, 65536, f);
        n += r;
    } while (r > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static void jobs_dir(const struct sv_server *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s/jobs", s->cfg.state_dir);
}

void sv_store_trace_path(const struct sv_server *s, uint64_t num, char *buf, size_t len)
{
    snprintf(buf, len, "%s/jobs/%" PRIu64 ".trace", s->cfg.state_dir, num);
}

int sv_store_write_job(struct sv_server *s, const struct sv_job *j, const char *doc)
{
    char dir[PATH_MAX], name[64];
    jobs_dir(s, dir, sizeof dir);
    if (j->result) {
        snprintf(name, sizeof name, "%" PRIu64 ".result.json", j->num);
        if (write_file(dir, name, j->result, strlen(j->result)) != 0)
            return -1;
    }
    snprintf(name, sizeof name, "%" PRIu64 ".json", j->num);
    return write_file(dir, name, doc, strlen(doc));
}

int sv_store_write_program(struct sv_server *s, const struct sv_program *p,
                           const uint8_t *elf, size_t len)
{
    char dir[PATH_MAX], name[80];
    snprintf(dir, sizeof dir, "%s/programs", s->cfg.state_dir);
    snprintf(name, sizeof name, "%s.elf", p->id);
    return write_file(dir, name, elf, len);
}

void sv_store_remove_job(struct sv_server *s, uint64_t num)
{
    char path[PATH_MAX];
    static const char *const ext[] = {"json", "result.json", "trace"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        snprintf(path, sizeof path, "%s/jobs/%" PRIu64 ".%s", s->cfg.state_dir, num, ext[i]);
        unlink(path);
    }
}

static int mkdir_p(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "state directory: cannot create '%s': %s (pass --state-dir "
                 "DIR with a writable DIR)", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void recover_programs(struct sv_server *s)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/programs", s->cfg.state_dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n != 68 || strcmp(e->d_name + 64, ".elf"))
            continue;
        char path[PATH_MAX + 256], err[512];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *elf = read_file(path, &len);
        struct sv_program *p;
        int cached;
        if (!elf || sv_program_add(s, (uint8_t *)elf, len, e->d_name, 0, &p, &cached, err,
                                   sizeof err) != 0)
            fprintf(stderr, "{\"event\":\"recover\",\"file\":\"%s\",\"warning\":\"program not "
                    "loaded again\"}\n", e->d_name);
        free(elf);
    }
    if (d)
        closedir(d);
}

int sv_table_put(struct sv_server *s, struct sv_job *j)
{
    if (j->num > s->cap_jobs) {
        size_t cap = s->cap_jobs ? s->cap_jobs : 1024;
        while (cap < j->num)
            cap *= 2;
        struct sv_job **nj = realloc(s->jobs, cap * sizeof *nj);
        if (!nj)
            return -1;
        memset(nj + s->cap_jobs, 0, (cap - s->cap_jobs) * sizeof *nj);
        s->jobs = nj;
        s->cap_jobs = cap;
    }
    s->jobs[j->num - 1] = j;
    if (j->num > s->n_jobs)
        s->n_jobs = j->num;
    return 0;
}

/* One STATE/jobs/N.json back into the table. */
static void recover_job(struct sv_server *s, const char *dir, uint64_t num)
{
    char path[PATH_MAX + 64];
    size_t len;
    snprintf(path, sizeof path, "%s/%" PRIu64 ".json", dir, num);
    char *doc = read_file(path, &len);
    json_error_t je;
    /* INT_AS_REAL: the result object holds u64 values jansson's integers cannot. */
    json_t *o = doc ? json_loadb(doc, len, JSON_DECODE_INT_AS_REAL, &je) : NULL;
    const char *state = json_string_value(json_object_get(o, "state"));
    const char *prog = json_string_value(json_object_get(o, "program"));
    const char *mode = json_string_value(json_object_get(o, "mode"));
    struct sv_job *j = calloc(1, sizeof *j);
    if (!o || !state || !prog || !mode || !j) {
        fprintf(stderr, "{\"event\":\"recover\",\"job\":\"%" PRIu64 "\",\"warning\":\"unreadable "
                "job document skipped\"}\n", num);
        goto out;
    }
    j->num = num;
    snprintf(j->program_id, sizeof j->program_id, "%s", prog);
    j->program = sv_program_find(s, prog);
    sv_mode_parse(mode, &j->spec.mode);
    j->spec.trace = json_is_true(json_object_get(o, "trace"));
    j->created = json_number_value(json_object_get(o, "created_at"));
    j->started = json_number_value(json_object_get(o, "started_at"));
    j->finished = json_number_value(json_object_get(o, "finished_at"));
    j->state = SV_FAILED;
    for (int st = 0; st < SV_N_STATES; st++)
        if (!strcmp(state, sv_state_name((enum sv_state)st)))
            j->state = (enum sv_state)st;
    if (sv_table_put(s, j) != 0)
        goto out;
    if (sv_state_final(j->state)) {
        snprintf(path, sizeof path, "%s/%" PRIu64 ".result.json", dir, num);
        j->result = read_file(path, &len);
        j->doc = doc;
        doc = NULL;
        s->m.in_state[j->state]++;
    } else {
        const char *why = j->state == SV_RUNNING ? "service restarted while the job ran"
                                                 : "service restarted before the job started";
        s->m.in_state[j->state]++;
        sv_job_finalize(s, j, SV_FAILED, why, NULL, NULL);
    }
    j = NULL;
out:
    free(j);
    json_decref(o);
    free(doc);
}

static void recover_jobs(struct sv_server *s)
{
    char dir[PATH_MAX];
    jobs_dir(s, dir, sizeof dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char *end;
        unsigned long long num = strtoull(e->d_name, &end, 10);
        if (num == 0 || end == e->d_name || strcmp(end, ".json"))
            continue;
        recover_job(s, dir, num);
    }
    if (d)
        closedir(d);
}

int sv_store_init(struct sv_server *s, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (mkdir_p(s->cfg.state_dir, err, errlen))
        return -1;
    snprintf(path, sizeof path, "%s/jobs", s->cfg.state_dir);
    if (mkdir_p(path, err, errlen))
        return -1;
    snprintf(path, sizeof path, "%s/programs", s->cfg.state_dir);
    if (mkdir_p(path, err, errlen))
        return -1;
    recover_programs(s);
    pthread_mutex_lock(&s->lock);
    recover_jobs(s);
    pthread_mutex_unlock(&s->lock);
    return 0;
}
