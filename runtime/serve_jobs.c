/* serve_jobs.c — the service's jobs: the job table (id = N, index N - 1), the bounded FIFO
 * queue, the worker threads that run jobs with rvt_run on the shared program, the watchdog
 * thread that enforces wall-clock and memory limits through each run's rvt_monitor, DELETE,
 * long polls, SIGTERM, the final step of every job (document, state file, metrics, one
 * JSON log line on stderr, the retention policy) and the removal of a final job.
 * States: queued -> running -> succeeded | failed | cancelled (docs/service.md).
 * Usage: sv_workers_start(s, ...); id = sv_job_submit(s, prog, &spec, &code, ...); ...
 *        sv_shutdown_jobs(s); */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "runtime/job.h"
#include "runtime/result_json.h"
#include "runtime/serve.h"

#define SV_WATCHDOG_PERIOD_NS 10000000L   /* limits are checked every 10 ms */

double sv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *sv_state_name(enum sv_state s)
{
    static const char *const names[SV_N_STATES] = {"queued", "running", "succeeded", "failed",
                                                     "cancelled"};
    return (unsigned)s < SV_N_STATES ? names[s] : "unknown";
}

int sv_state_final(enum sv_state s)
{
    return s == SV_SUCCEEDED || s == SV_FAILED || s == SV_CANCELLED;
}

int sv_server_init(struct sv_server *s, const struct sv_config *cfg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->accepting = 1;
    s->listen_fd[0] = s->listen_fd[1] = -1;
    s->journal_fd = -1;
    s->started_at = sv_now();
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->queue_cv, NULL);
    pthread_cond_init(&s->final_cv, NULL);
    s->running = calloc(cfg->workers, sizeof *s->running);
    s->worker_threads = calloc(cfg->workers, sizeof *s->worker_threads);
    if (!s->running || !s->worker_threads) {
        snprintf(err, errlen, "out of memory for %u workers", cfg->workers);
        return -1;
    }
    return sv_store_init(s, err, errlen);
}

static void job_free(struct sv_job *j)
{
    sv_spec_free(&j->spec);
    free(j->doc);
    free(j->result);
    free(j);
}

void sv_server_fini(struct sv_server *s)
{
    for (size_t k = 0; k < s->n_slots; k++)
        if (s->jobs[k])
            job_free(s->jobs[k]);
    free(s->jobs);
    while (s->programs) {
        struct sv_program *p = s->programs;
        s->programs = p->next;
        sv_program_free(p);
    }
    if (s->journal_fd >= 0)
        close(s->journal_fd);
    free(s->running);
    free(s->worker_threads);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->queue_cv);
    pthread_cond_destroy(&s->final_cv);
}

/* jansson wants UTF-8; error texts may quote guest bytes. */
static json_t *json_text(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    char *c = strdup(s);
    for (char *p = c; p && *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    v = json_string(c ? c : "");
    free(c);
    return v;
}

static json_t *json_time(double t)
{
    return t > 0 ? json_real(t) : json_null();
}

/* The job document: the envelope by jansson, then the result object spliced in as text (it
 * holds u64 values jansson cannot print; result_json.h). */
static char *job_doc(const struct sv_job *j, const char *error)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, j->num);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "program", json_string(j->program_id));
    json_object_set_new(o, "mode", json_string(rvt_mode_name(j->spec.mode)));
    json_object_set_new(o, "state", json_string(sv_state_name(j->state)));
    json_object_set_new(o, "trace", json_boolean(j->spec.trace));
    json_object_set_new(o, "created_at", json_time(j->created));
    json_object_set_new(o, "started_at", json_time(j->started));
    json_object_set_new(o, "finished_at", json_time(j->finished));
    if (j->state == SV_RUNNING && j->monitor)
        json_object_set_new(o, "instructions_so_far",
                            json_integer((json_int_t)rvt_monitor_instructions(j->monitor)));
    json_object_set_new(o, "error", error ? json_text(error) : json_null());
    char *env = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(16));
    json_decref(o);
    if (!env || !sv_state_final(j->state))
        return env;
    const char *res = j->result ? j->result : "null";
    size_t n = strlen(env);
    char *doc = malloc(n + strlen(res) + 16);
    if (doc)
        sprintf(doc, "%.*s,\"result\":%s}", (int)(n - 1), env, res);
    free(env);
    return doc;
}

char *sv_job_json(const struct sv_job *j)
{
    return j->doc ? strdup(j->doc) : job_doc(j, NULL);
}

struct sv_job *sv_job_find(struct sv_server *s, const char *id)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(id, &end, 10);
    if (errno || end == id || *end || id[0] == '0' || id[0] == '-' || n == 0)
        return NULL;
    return sv_table_get(s, n);
}

static void set_state(struct sv_server *s, struct sv_job *j, enum sv_state st)
{
    s->m.in_state[j->state]--;
    j->state = st;
    s->m.in_state[st]++;
}

static void log_job(const struct sv_job *j, const struct rvt_result *r, const char *error)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, j->num);
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string("job"));
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "program", json_string(j->program_id));
    json_object_set_new(o, "mode", json_string(rvt_mode_name(j->spec.mode)));
    json_object_set_new(o, "outcome", json_string(sv_state_name(j->state)));
    if (r) {
        json_object_set_new(o, "status", json_string(rvt_status_name(r->status)));
        json_object_set_new(o, "exit_code", json_integer(r->exit_code));
        json_object_set_new(o, "cycles", json_integer((json_int_t)r->global_clk));
        json_object_set_new(o, "instructions", json_integer((json_int_t)r->stats.instructions));
        json_object_set_new(o, "seconds", json_real(r->stats.seconds));
    }
    json_object_set_new(o, "queue_seconds",
                        json_real(j->started > 0 ? j->started - j->created : 0));
    json_object_set_new(o, "wall_seconds", json_real(j->finished - j->created));
    if (error)
        json_object_set_new(o, "error", json_text(error));
    char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (line)
        fprintf(stderr, "%s\n", line);
    free(line);
}

void sv_job_finalize(struct sv_server *s, struct sv_job *j, enum sv_state st,
                     const char *error, const struct rvt_result *r, char *result_text)
{
    j->result = result_text;
    j->finished = sv_now();
    if (j->program) {   /* its worker is done with the program's code */
        j->program->jobs--;
        j->program = NULL;
    }
    sv_spec_free(&j->spec);   /* the inputs are not needed any more; mode and trace stay */
    set_state(s, j, st);
    s->m.finished[st]++;
    if (r) {
        s->m.instructions += r->stats.instructions;
        s->m.tierups += r->stats.tierups;
        s->m.regions_compiled += r->stats.regions_compiled;
        s->m.regions_cached += r->stats.regions_cached;
        s->m.compile_seconds += r->stats.compile_seconds_total;
        s->m.trace_bytes += r->stats.trace_bytes;
        s->m.run_seconds += r->stats.seconds;
    }
    j->doc = job_doc(j, error);
    if (j->spec.trace && r)
        sv_store_sync_trace(s, j->num);   /* before the document that points at it */
    if (!j->doc || sv_store_write_job(s, j, j->doc) != 0)
        fprintf(stderr, "{\"event\":\"store\",\"id\":\"%" PRIu64 "\",\"warning\":\"could not "
                "write the final job document to %s/jobs: %s\"}\n", j->num, s->cfg.state_dir,
                strerror(errno));
    log_job(j, r, error);
    sv_final_append(s, j);
    if (!s->recovering)
        sv_retention_enforce(s, j->finished);
    if (!s->m.in_state[SV_QUEUED] && !s->m.in_state[SV_RUNNING])
        sv_store_journal_idle(s);
    pthread_cond_broadcast(&s->final_cv);
}

uint64_t sv_job_submit(struct sv_server *s, const char *pid, struct sv_job_spec *spec,
                       int *http_status, char *err, size_t errlen)
{
    struct sv_job *j = calloc(1, sizeof *j);
    if (!j) {
        *http_status = 500;
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    struct sv_program *p = sv_program_find(s, pid);   /* not freed while it has jobs */
    if (!p) {
        *http_status = 404;
        sv_program_missing(s, pid, err, errlen);
        goto fail;
    }
    if (!s->accepting) {
        *http_status = 503;
        snprintf(err, errlen, "the service is shutting down; submit the job elsewhere");
        goto fail;
    }
    if (s->queue_len >= s->cfg.queue_max) {
        *http_status = 503;
        s->m.rejected_queue_full++;
        snprintf(err, errlen, "the job queue is full (%zu jobs waiting, --queue %zu); retry "
                 "later", s->queue_len, s->cfg.queue_max);
        goto fail;
    }
    j->num = s->n_jobs + 1;
    if (sv_table_put(s, j) != 0) {
        *http_status = 500;
        snprintf(err, errlen, "out of memory for the job table");
        goto fail;
    }
    j->program = p;
    p->jobs++;
    p->last_used = sv_now();
    memcpy(j->program_id, p->id, sizeof j->program_id);
    j->spec = *spec;
    memset(spec, 0, sizeof *spec);
    j->state = SV_QUEUED;
    j->created = sv_now();
    s->m.in_state[SV_QUEUED]++;
    s->m.submitted++;
    s->m.job_program_hits++;
    sv_store_journal_job(s, j);
    if (s->queue_tail)
        s->queue_tail->queue_next = j;
    else
        s->queue_head = j;
    s->queue_tail = j;
    s->queue_len++;
    uint64_t num = j->num;   /* j may be run, finished and evicted once the lock is gone */
    pthread_cond_signal(&s->queue_cv);
    pthread_mutex_unlock(&s->lock);
    sv_store_journal_sync(s);   /* accepted means on disk; not under the lock */
    return num;
fail:
    pthread_mutex_unlock(&s->lock);
    free(j);
    return 0;
}

struct capture {
    struct rt_bytes out, err;
    size_t max;
};

/* Guest stdout/stderr, kept up to cfg.max_output bytes per stream. */
static void capture_output(void *user, int fd, const uint8_t *data, size_t len)
{
    struct capture *c = user;
    struct rt_bytes *b = fd == 2 ? &c->err : &c->out;
    if (b->len < c->max)
        rt_bytes_append(b, data, len < c->max - b->len ? len : c->max - b->len);
}

static void run_job(struct sv_server *s, struct sv_job *j, unsigned worker)
{
    char trace_path[4096];
    struct capture cap = {.max = s->cfg.max_output};
    struct rvt_options o;
    rvt_options_init(&o);
    o.abi = j->spec.abi;
    o.mode = j->spec.mode;
    o.inputs = j->spec.inputs;
    o.n_inputs = j->spec.n_inputs;
    o.max_cycles = j->spec.max_cycles;
    o.code_cache_dir = s->cfg.code_cache_dir;
    o.code_cache_max = s->cfg.code_cache_max;
    o.output = capture_output;
    o.output_user = &cap;
    if (j->spec.trace) {
        sv_store_trace_path(s, j->num, trace_path, sizeof trace_path);
        o.trace = 1;
        o.trace_path = trace_path;
        o.chunk_size = j->spec.chunk_size;
    }
    struct rvt_monitor *mon = rvt_monitor_new();
    o.monitor = mon;

    pthread_mutex_lock(&s->lock);
    j->monitor = mon;
    j->worker = (int)worker;
    s->running[worker] = j;
    if (j->cancel != SV_CANCEL_NONE && mon)
        rvt_monitor_cancel(mon, "deleted by the client");
    pthread_mutex_unlock(&s->lock);

    struct rvt_result r;
    memset(&r, 0, sizeof r);
    int rc = mon ? rvt_run(j->program->prog, &o, &r) : -1;
    if (!mon)
        snprintf(r.error, sizeof r.error, "out of memory creating the run's monitor");
    char *text = rc == 0 ? rt_result_json(&r, cap.out.data, cap.out.len, cap.err.data,
                                          cap.err.len) : NULL;

    pthread_mutex_lock(&s->lock);
    j->monitor = NULL;
    s->running[worker] = NULL;
    enum sv_state st = SV_FAILED;
    const char *error = r.error;
    if (rc != 0)
        st = SV_FAILED;
    else if (!text)
        error = "out of memory writing the result object";
    else if (r.status == RVT_OK)
        st = SV_SUCCEEDED, error = NULL;
    else if (r.status == RVT_CANCELLED &&
             (j->cancel == SV_CANCEL_DELETE || j->cancel == SV_CANCEL_SHUTDOWN))
        st = SV_CANCELLED;
    sv_job_finalize(s, j, st, error, rc == 0 ? &r : NULL, text);
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)
        rvt_result_free(&r);
    rvt_monitor_free(mon);
    free(cap.out.data);
    free(cap.err.data);
}

struct worker_arg {
    struct sv_server *s;
    unsigned index;
};

static void *worker_main(void *arg)
{
    struct worker_arg wa = *(struct worker_arg *)arg;
    free(arg);
    struct sv_server *s = wa.s;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->queue_head && !s->stopping)
            pthread_cond_wait(&s->queue_cv, &s->lock);
        struct sv_job *j = s->queue_head;
        if (!j)
            break;   /* stopping and nothing left */
        s->queue_head = j->queue_next;
        if (!s->queue_head)
            s->queue_tail = NULL;
        s->queue_len--;
        j->queue_next = NULL;
        set_state(s, j, SV_RUNNING);
        j->started = sv_now();
        sv_store_journal_start(s, j);
        pthread_mutex_unlock(&s->lock);
        run_job(s, j, wa.index);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Every 10 ms: wall-clock timeouts, memory limits, after SIGTERM the grace deadline, and the
 * retention policy's --job-ttl (an O(1) check of the oldest final job). */
static void *watchdog_main(void *arg)
{
    struct sv_server *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->watchdog_stop) {
        double now = sv_now();
        for (unsigned i = 0; i < s->cfg.workers; i++) {
            struct sv_job *j = s->running[i];
            if (!j || !j->monitor || j->cancel != SV_CANCEL_NONE)
                continue;
            char why[160];
            uint64_t mem;
            if (j->spec.timeout > 0 && now - j->started > j->spec.timeout) {
                j->cancel = SV_CANCEL_TIMEOUT;
                snprintf(why, sizeof why, "wall-clock timeout of %g s exceeded "
                         "(timeout_seconds)", j->spec.timeout);
            } else if (j->spec.max_memory &&
                       (mem = rvt_monitor_memory_bytes(j->monitor)) > j->spec.max_memory) {
                j->cancel = SV_CANCEL_MEMORY;
                snprintf(why, sizeof why, "guest memory touched (%" PRIu64 " bytes) exceeds "
                         "max_memory_bytes %" PRIu64, mem, j->spec.max_memory);
            } else if (s->shutdown_deadline > 0 && now > s->shutdown_deadline) {
                j->cancel = SV_CANCEL_SHUTDOWN;
                snprintf(why, sizeof why, "the service shut down (SIGTERM) and the job did "
                         "not finish within the %g s grace period", s->cfg.shutdown_grace);
            } else {
                continue;
            }
            rvt_monitor_cancel(j->monitor, why);
        }
        if (sv_retention_due(s, now))
            sv_retention_enforce(s, now);
        pthread_mutex_unlock(&s->lock);
        nanosleep(&(struct timespec){0, SV_WATCHDOG_PERIOD_NS}, NULL);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int sv_workers_start(struct sv_server *s, char *err, size_t errlen)
{
    for (unsigned i = 0; i < s->cfg.workers; i++) {
        struct worker_arg *wa = malloc(sizeof *wa);
        *wa = (struct worker_arg){s, i};
        if (pthread_create(&s->worker_threads[i], NULL, worker_main, wa) != 0) {
            snprintf(err, errlen, "cannot start worker thread %u of %u", i + 1, s->cfg.workers);
            free(wa);
            return -1;
        }
        s->n_workers_started++;
    }
    if (pthread_create(&s->watchdog_thread, NULL, watchdog_main, s) != 0) {
        snprintf(err, errlen, "cannot start the watchdog thread");
        return -1;
    }
    s->watchdog_started = 1;
    return 0;
}

int sv_job_delete(struct sv_server *s, const char *id, char *msg, size_t msglen)
{
    struct sv_job *j = sv_job_find(s, id);
    if (!j) {
        sv_job_missing(s, id, msg, msglen);
        return 404;
    }
    if (j->state == SV_QUEUED) {
        struct sv_job **pp = &s->queue_head, *prev = NULL;
        while (*pp && *pp != j)
            prev = *pp, pp = &(*pp)->queue_next;
        if (*pp) {
            *pp = j->queue_next;
            if (s->queue_tail == j)
                s->queue_tail = prev;
            s->queue_len--;
        }
        j->cancel = SV_CANCEL_DELETE;
        sv_job_finalize(s, j, SV_CANCELLED, "cancelled: deleted by the client before it "
                        "started", NULL, NULL);
        snprintf(msg, msglen, "cancelled");
        return 200;
    }
    if (j->state == SV_RUNNING) {
        if (j->cancel == SV_CANCEL_NONE) {
            j->cancel = SV_CANCEL_DELETE;
            if (j->monitor)
                rvt_monitor_cancel(j->monitor, "deleted by the client");
        }
        snprintf(msg, msglen, "cancelling");
        return 202;
    }
    sv_job_remove_final(s, j);
    snprintf(msg, msglen, "deleted");
    return 200;
}

void sv_job_remove_final(struct sv_server *s, struct sv_job *j)
{
    sv_table_clear(s, j->num);
    sv_final_unlink(s, j);
    s->m.in_state[j->state]--;
    sv_store_remove_job(s, j->num);
    if (s->m.in_state[SV_QUEUED] || s->m.in_state[SV_RUNNING])
        sv_store_journal_deleted(s, j->num);
    job_free(j);
}

void sv_job_wait(struct sv_server *s, const char *id, double seconds)
{
    double until = sv_now() + seconds;
    for (;;) {
        struct sv_job *j = sv_job_find(s, id);
        if (!j || sv_state_final(j->state) || s->stopping || sv_now() >= until)
            return;
        struct timespec ts;
        double t = until < sv_now() + 1 ? until : sv_now() + 1;
        ts.tv_sec = (time_t)t;
        ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
        pthread_cond_timedwait(&s->final_cv, &s->lock, &ts);
    }
}

void sv_shutdown_jobs(struct sv_server *s)
{
    pthread_mutex_lock(&s->lock);
    s->accepting = 0;
    while (s->queue_head) {
        struct sv_job *j = s->queue_head;
        s->queue_head = j->queue_next;
        s->queue_len--;
        j->cancel = SV_CANCEL_SHUTDOWN;
        sv_job_finalize(s, j, SV_CANCELLED, "cancelled: the service shut down (SIGTERM) before "
                        "the job started", NULL, NULL);
    }
    s->queue_tail = NULL;
    s->shutdown_deadline = sv_now() + s->cfg.shutdown_grace;
    s->stopping = 1;
    pthread_cond_broadcast(&s->queue_cv);
    pthread_cond_broadcast(&s->final_cv);
    pthread_mutex_unlock(&s->lock);
    for (unsigned i = 0; i < s->n_workers_started; i++)
        pthread_join(s->worker_threads[i], NULL);
    pthread_mutex_lock(&s->lock);
    s->watchdog_stop = 1;
    pthread_mutex_unlock(&s->lock);
    if (s->watchdog_started)
        pthread_join(s->watchdog_thread, NULL);
}
