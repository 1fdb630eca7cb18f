/* serve_store.c — the service's state directory, so that a daemon crash or restart loses no
 * finished result:
 *   STATE/jobs/N.json         the final job document (what GET /jobs/N answers; its "result"
 *                             is the result object), written once by write + fsync + rename
 *                             to a new name + fsync of the directory
 *   STATE/jobs/N.trace        the trace, when the job asked for one
 *   STATE/journal             one appended JSON line per job accepted (fsync'd before the
 *                             client hears 202), started or deleted, and the highest id given
 *                             out and evicted; emptied when no job is queued or running and it
 *                             exceeds 4 MiB
 *   STATE/programs/SHA.elf    every uploaded ELF, loaded again on restart
 * sv_store_init() creates the directories and recovers: programs are loaded again, final jobs
 * are served as they were, and journal jobs without a final document (they were queued or
 * running) are made final as failed, then the retention policy applies. With cfg.fsync
 * (--fsync always, the default) a final document, its trace and an accepted job survive a
 * machine crash; with --fsync never they survive the daemon, not the machine.
 * Also the job table: sv_table_put/get/clear.
 * Usage: sv_store_init(s, err, sizeof err) once before the workers start. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "runtime/serve.h"

#define SV_JOURNAL_KEEP_BYTES (4u << 20)

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write to a temporary name, then rename: a reader sees the whole file or none. With sync,
 * the data is on disk before the rename and the rename is on disk before we return. */
static int write_file(const char *dir, const char *name, const void *data, size_t len,
                      int sync)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.tmp.%s.%ld", dir, name, (long)gettid());
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int bad = done != len || (sync && fsync(fd) != 0);
    if (close(fd) != 0 || bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return sync ? sync_dir(dir) : 0;
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
    snprintf(name, sizeof name, "%" PRIu64 ".json", j->num);
    return write_file(dir, name, doc, strlen(doc), s->cfg.fsync);
}

/* One line appended (a single write: lines from threads do not interleave). */
static void journal_append(struct sv_server *s, const char *line)
{
    size_t n = strlen(line);
    s->journal_bytes += n;
    if (s->journal_fd < 0 || write(s->journal_fd, line, n) != (ssize_t)n)
        fprintf(stderr, "{\"event\":\"store\",\"warning\":\"could not append to %s/journal: "
                "%s; a crash now would not report in-flight jobs\"}\n", s->cfg.state_dir,
                strerror(errno));
}

void sv_store_journal_job(struct sv_server *s, const struct sv_job *j)
{
    char line[256];
    snprintf(line, sizeof line, "{\"job\":\"%" PRIu64 "\",\"program\":\"%s\",\"mode\":\"%s\","
             "\"trace\":%s,\"created_at\":%.6f}\n", j->num, j->program_id,
             rvt_mode_name(j->spec.mode), j->spec.trace ? "true" : "false", j->created);
    journal_append(s, line);
}

void sv_store_journal_start(struct sv_server *s, const struct sv_job *j)
{
    char line[96];
    snprintf(line, sizeof line, "{\"started\":\"%" PRIu64 "\",\"at\":%.6f}\n", j->num,
             j->started);
    journal_append(s, line);
}

void sv_store_journal_deleted(struct sv_server *s, uint64_t num)
{
    char line[64];
    snprintf(line, sizeof line, "{\"deleted\":\"%" PRIu64 "\"}\n", num);
    journal_append(s, line);
}

static void ids_line(const struct sv_server *s, char *line, size_t len)
{
    snprintf(line, len, "{\"ids\":\"%" PRIu64 "\",\"evicted_max\":\"%" PRIu64 "\"}\n",
             s->n_jobs, s->evicted_max);
}

void sv_store_journal_ids(struct sv_server *s)
{
    char line[96];
    ids_line(s, line, sizeof line);
    journal_append(s, line);
}

/* A new journal holding only the ids line, put in place by rename (a crash never sees an
 * empty journal, which would let ids be given out again). dup2 keeps journal_fd's number, so
 * an fdatasync running without the lock never sees a closed descriptor. */
static int journal_reset(struct sv_server *s, char *err, size_t errlen)
{
    char line[96], path[PATH_MAX];
    ids_line(s, line, sizeof line);
    snprintf(path, sizeof path, "%s/journal", s->cfg.state_dir);
    int fd = -1;
    if (write_file(s->cfg.state_dir, "journal", line, strlen(line), s->cfg.fsync) != 0 ||
        (fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "state directory: cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    if (s->journal_fd < 0) {
        s->journal_fd = fd;
    } else {
        dup3(fd, s->journal_fd, O_CLOEXEC);
        close(fd);
    }
    s->journal_bytes = 0;
    return 0;
}

void sv_store_journal_sync(struct sv_server *s)
{
    if (s->cfg.fsync && s->journal_fd >= 0 && fdatasync(s->journal_fd) != 0)
        fprintf(stderr, "{\"event\":\"store\",\"warning\":\"could not fsync %s/journal: "
                "%s; a machine crash now would not report accepted jobs\"}\n",
                s->cfg.state_dir, strerror(errno));
}

void sv_store_sync_trace(struct sv_server *s, uint64_t num)
{
    char path[PATH_MAX];
    sv_store_trace_path(s, num, path, sizeof path);
    int fd = s->cfg.fsync ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        if (fsync(fd) != 0)
            fprintf(stderr, "{\"event\":\"store\",\"id\":\"%" PRIu64 "\",\"warning\":"
                    "\"could not fsync %s: %s\"}\n", num, path, strerror(errno));
        close(fd);
    }
}

/* Emptied only once it is large: on ext4 replacing it and the first write to the new file
 * cost ~1 ms on the job's time. It starts again with the ids line (its only state that
 * outlives the jobs in it). */
void sv_store_journal_idle(struct sv_server *s)
{
    if (s->journal_bytes < SV_JOURNAL_KEEP_BYTES)
        return;
    char err[PATH_MAX + 128];
    if (journal_reset(s, err, sizeof err) != 0)
        fprintf(stderr, "{\"event\":\"store\",\"warning\":\"could not empty the journal: "
                "%s\"}\n", err);
}

int sv_store_write_program(struct sv_server *s, const struct sv_program *p,
                           const uint8_t *elf, size_t len)
{
    char dir[PATH_MAX], name[80];
    snprintf(dir, sizeof dir, "%s/programs", s->cfg.state_dir);
    snprintf(name, sizeof name, "%s.elf", p->id);
    return write_file(dir, name, elf, len, s->cfg.fsync);
}

void sv_store_remove_program(struct sv_server *s, const struct sv_program *p)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/programs/%s.elf", s->cfg.state_dir, p->id);
    if (unlink(path) != 0 && errno != ENOENT)
        fprintf(stderr, "{\"event\":\"store\",\"program\":\"%s\",\"warning\":\"could not "
                "remove %s: %s; the program will be loaded again on restart\"}\n", p->id, path,
                strerror(errno));
}

void sv_store_remove_job(struct sv_server *s, uint64_t num)
{
    char path[PATH_MAX];
    static const char *const ext[] = {"json", "trace"};
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

struct saved_program {
    char name[69];
    struct timespec mtime;
};

static int by_mtime(const void *a, const void *b)
{
    const struct timespec *x = &((const struct saved_program *)a)->mtime;
    const struct timespec *y = &((const struct saved_program *)b)->mtime;
    return x->tv_sec != y->tv_sec ? (x->tv_sec > y->tv_sec) - (x->tv_sec < y->tv_sec)
                                  : (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* The saved ELFs, loaded again oldest-uploaded first, so that --max-programs keeps the most
 * recently uploaded ones when there are more than it allows. */
static void recover_programs(struct sv_server *s)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/programs", s->cfg.state_dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    struct saved_program *list = NULL;
    size_t n = 0, cap = 0;
    while (d && (e = readdir(d))) {
        struct stat st;
        if (strlen(e->d_name) != 68 || strcmp(e->d_name + 64, ".elf") ||
            fstatat(dirfd(d), e->d_name, &st, 0) != 0)
            continue;
        if (n == cap) {
            struct saved_program *l = realloc(list, (cap = cap ? 2 * cap : 16) * sizeof *l);
            if (!l)
                break;
            list = l;
        }
        memcpy(list[n].name, e->d_name, sizeof list[n].name);   /* 68 characters and NUL */
        list[n++].mtime = st.st_mtim;
    }
    if (d)
        closedir(d);
    if (n)
        qsort(list, n, sizeof *list, by_mtime);
    for (size_t k = 0; k < n; k++) {
        char path[PATH_MAX + 256], err[512];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, list[k].name);
        char *elf = read_file(path, &len);
        int status = elf ? sv_program_add(s, (uint8_t *)elf, len, list[k].name, 0, NULL, err,
                                          sizeof err) : 0;
        if (status != 200 && status != 201)
            fprintf(stderr, "{\"event\":\"recover\",\"file\":\"%s\",\"warning\":\"program not "
                    "loaded again\"}\n", list[k].name);
        free(elf);
    }
    free(list);
}

/* Drops the leading empty slots when they are at least half the table (so each slot moved
 * is paid for by a job that left): the table then spans the live jobs. Not while recovering,
 * which puts jobs in directory order. */
static void table_compact(struct sv_server *s)
{
    size_t z = 0;
    while (z < s->n_slots && !s->jobs[z])
        z++;
    if (s->recovering || !z || z < s->cap_jobs / 2)
        return;
    memmove(s->jobs, s->jobs + z, (s->n_slots - z) * sizeof *s->jobs);
    memset(s->jobs + s->n_slots - z, 0, z * sizeof *s->jobs);
    s->n_slots -= z;
    s->jobs_base += z;
}

int sv_table_put(struct sv_server *s, struct sv_job *j)
{
    if (j->num <= s->jobs_base)
        return -1;
    if (j->num - s->jobs_base > s->cap_jobs)
        table_compact(s);
    uint64_t need = j->num - s->jobs_base;
    if (need > s->cap_jobs) {
        size_t cap = s->cap_jobs ? s->cap_jobs : 1024;
        while (cap < need)
            cap *= 2;
        struct sv_job **nj = realloc(s->jobs, cap * sizeof *nj);
        if (!nj)
            return -1;
        memset(nj + s->cap_jobs, 0, (cap - s->cap_jobs) * sizeof *nj);
        s->jobs = nj;
        s->cap_jobs = cap;
    }
    s->jobs[need - 1] = j;
    if (need > s->n_slots)
        s->n_slots = need;
    if (j->num > s->n_jobs)
        s->n_jobs = j->num;
    return 0;
}

struct sv_job *sv_table_get(const struct sv_server *s, uint64_t num)
{
    if (num <= s->jobs_base || num - s->jobs_base > s->n_slots)
        return NULL;
    return s->jobs[num - s->jobs_base - 1];
}

void sv_table_clear(struct sv_server *s, uint64_t num)
{
    if (sv_table_get(s, num))
        s->jobs[num - s->jobs_base - 1] = NULL;
}

/* The result object inside a final document: the envelope's last key, spliced in by
 * job_doc() (a '"' inside a JSON string is escaped, so the first match is the key). */
static char *doc_result(const char *doc)
{
    const char *p = strstr(doc, ",\"result\":");
    if (!p)
        return NULL;
    p += strlen(",\"result\":");
    size_t n = strlen(p);
    if (n < 2 || !strncmp(p, "null}", 5))
        return NULL;
    return strndup(p, n - 1);
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
    sv_mode_parse(mode, &j->spec.mode);
    j->spec.trace = json_is_true(json_object_get(o, "trace"));
    j->created = json_number_value(json_object_get(o, "created_at"));
    j->started = json_number_value(json_object_get(o, "started_at"));
    j->finished = json_number_value(json_object_get(o, "finished_at"));
    j->state = SV_FAILED;
    for (int st = 0; st < SV_N_STATES; st++)
        if (!strcmp(state, sv_state_name((enum sv_state)st)))
            j->state = (enum sv_state)st;
    if (!sv_state_final(j->state) || sv_table_put(s, j) != 0)
        goto out;
    j->result = doc_result(doc);
    j->doc = doc;
    doc = NULL;
    s->m.in_state[j->state]++;
    j = NULL;
out:
    free(j);
    json_decref(o);
    free(doc);
}

/* Jobs the journal accepted that have no final document: queued or running at the crash. */
static void recover_journal(struct sv_server *s)
{
    char path[PATH_MAX];
    size_t len;
    snprintf(path, sizeof path, "%s/journal", s->cfg.state_dir);
    char *text = read_file(path, &len);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        else
            next = line + strlen(line);
        json_t *o = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(o, "job"));
        const char *started = json_string_value(json_object_get(o, "started"));
        const char *deleted = json_string_value(json_object_get(o, "deleted"));
        const char *ids = json_string_value(json_object_get(o, "ids"));
        const char *evicted = json_string_value(json_object_get(o, "evicted_max"));
        if (ids && strtoull(ids, NULL, 10) > s->n_jobs)
            s->n_jobs = strtoull(ids, NULL, 10);
        if (evicted && strtoull(evicted, NULL, 10) > s->evicted_max)
            s->evicted_max = strtoull(evicted, NULL, 10);
        struct sv_job *j = sv_job_find(s, id ? id : started ? started : "");
        if (id && !j && (j = calloc(1, sizeof *j))) {
            j->num = strtoull(id, NULL, 10);
            snprintf(j->program_id, sizeof j->program_id, "%s",
                     json_string_value(json_object_get(o, "program")) ?: "");
            sv_mode_parse(json_string_value(json_object_get(o, "mode")) ?: "", &j->spec.mode);
            j->spec.trace = json_is_true(json_object_get(o, "trace"));
            j->created = json_number_value(json_object_get(o, "created_at"));
            j->state = SV_QUEUED;
            if (j->num && sv_table_put(s, j) == 0)
                s->m.in_state[SV_QUEUED]++;
            else
                free(j);
        } else if (deleted && j && !sv_state_final(j->state)) {
            s->m.in_state[j->state]--;
            sv_table_clear(s, j->num);
            free(j);
        } else if (started && j && j->state == SV_QUEUED) {
            s->m.in_state[SV_QUEUED]--;
            j->state = SV_RUNNING;
            s->m.in_state[SV_RUNNING]++;
            j->started = json_number_value(json_object_get(o, "at"));
        }
        json_decref(o);
    }
    free(text);
    for (size_t k = 0; k < s->n_slots; k++) {
        struct sv_job *j = s->jobs[k];
        if (j && !sv_state_final(j->state))
            sv_job_finalize(s, j, SV_FAILED, j->state == SV_RUNNING
                            ? "service restarted while the job ran"
                            : "service restarted before the job started", NULL, NULL);
    }
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
    s->recovering = 1;
    recover_jobs(s);
    recover_journal(s);
    s->recovering = 0;
    pthread_mutex_unlock(&s->lock);
    if (journal_reset(s, err, errlen) != 0)
        return -1;
    pthread_mutex_lock(&s->lock);
    sv_final_rebuild(s);
    sv_retention_enforce(s, sv_now());
    pthread_mutex_unlock(&s->lock);
    sv_store_journal_sync(s);
    return 0;
}
