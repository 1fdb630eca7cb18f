/* serve.h — the internals of `rvtier serve` (docs/service.md), shared by its parts:
 *   serve_http.c      the HTTP/1.1 JSON API on libmicrohttpd: routing, bodies, responses
 *   serve_request.c   a job request (JSON) -> the job's options and inputs
 *   serve_programs.c  the program cache: one loaded, translated program per ELF SHA-256,
 *                     removed by DELETE or, idle and least recently used, by --max-programs
 *   serve_jobs.c      the job table, the bounded queue, the worker pool and the watchdog
 *   serve_store.c     the state directory: job documents, traces, uploaded ELFs, the job table
 *   serve_retention.c the retention policy: finished jobs evicted by count and age
 *   serve_metrics.c   GET /metrics in Prometheus text format
 * One struct sv_server holds everything; one mutex (lock) guards its tables, queue and
 * counters. Jobs run on worker threads and share the program's code (tier 0, later tier 1).
 * Usage (cli_serve.c): sv_server_init(&s, &cfg); sv_store_recover(&s); sv_workers_start(&s);
 *   sv_http_start(&s); ...SIGTERM...; sv_http_quiesce(&s); sv_shutdown_jobs(&s);
 *   sv_http_stop(&s); sv_server_fini(&s); */
#ifndef RVT_RUNTIME_SERVE_H
#define RVT_RUNTIME_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "include/rvtier.h"

struct MHD_Daemon;

struct sv_config {
    const char *listen;          /* HOST:PORT (port 0: any free port), or NULL */
    const char *unix_path;       /* Unix socket path, or NULL */
    const char *state_dir;       /* job documents, traces and ELFs live here */
    unsigned workers;            /* concurrent jobs */
    size_t queue_max;            /* queued (not yet running) jobs before 503 */
    size_t max_body;             /* bytes per request body before 413 */
    size_t max_output;           /* captured guest stdout/stderr bytes per stream and job */
    enum rvt_mode default_mode;
    double default_timeout;      /* seconds of wall clock per job, 0 = none */
    uint64_t default_max_memory; /* guest memory touched per job in bytes, 0 = none */
    double shutdown_grace;       /* seconds running jobs may finish after SIGTERM */
    size_t keep_jobs;            /* finished jobs kept, oldest-finished evicted; 0 = no limit */
    double job_ttl;              /* seconds a finished job is kept, 0 = no limit */
    int fsync;                   /* 1: final documents and accepted jobs are fsync'd */
    size_t max_programs;         /* programs kept loaded; above it the least recently used
                                    idle one is evicted; 0 = no limit */
    struct rt_perf_map *perf_map; /* names every program's JIT code for perf, or NULL */
    const char *code_cache_dir;  /* tier 1's object cache for every program, or NULL */
    uint64_t code_cache_max;     /* its bound in bytes (rvt_options.code_cache_max) */
};

enum sv_state { SV_QUEUED, SV_RUNNING, SV_SUCCEEDED, SV_FAILED, SV_CANCELLED, SV_N_STATES };

/* Why a monitor cancel was asked for: decides the job's final state and its error. */
enum sv_cancel { SV_CANCEL_NONE, SV_CANCEL_DELETE, SV_CANCEL_TIMEOUT, SV_CANCEL_MEMORY,
                 SV_CANCEL_SHUTDOWN };

struct sv_program {
    char id[65];                 /* SHA-256 of the ELF, hex */
    char *name;
    struct rvt_program *prog;    /* loaded once, kept until deleted or evicted */
    size_t elf_len;
    double load_seconds;
    /* Under the lock: queued and running jobs on it (it is freed only at 0: their workers
     * run its code), and its last upload or job submission (--max-programs evicts the
     * least recent idle one). */
    size_t jobs;
    double last_used;
    struct sv_program *next;
};

/* What a job asked for (serve_request.c fills it). */
struct sv_job_spec {
    struct rvt_input *inputs;    /* each data malloc'd */
    size_t n_inputs;
    enum rvt_mode mode;
    enum rvt_abi abi;
    uint64_t max_cycles;
    uint64_t max_memory;         /* bytes, 0 = none */
    double timeout;              /* seconds, 0 = none */
    int trace;
    uint64_t chunk_size;
};

struct sv_job {
    uint64_t num;                /* the id, printed as decimal */
    struct sv_program *program;  /* queued or running: its program (counted in its jobs);
                                    NULL once final, and for a recovered job */
    char program_id[65];
    enum sv_state state;
    struct sv_job_spec spec;
    double created, started, finished;   /* wall-clock epoch seconds, 0 = not yet */
    struct rvt_monitor *monitor; /* while running */
    enum sv_cancel cancel;
    int worker;                  /* index while running */
    char *doc;                   /* final: the GET /jobs/{id} JSON text (also on disk) */
    char *result;                /* final: the result object text, NULL if the run never
                                    started (then doc's "error" says why) */
    struct sv_job *queue_next;
    struct sv_job *final_prev, *final_next;   /* final jobs, oldest-finished first */
};

struct sv_metrics {
    uint64_t submitted, rejected_queue_full, finished[SV_N_STATES];
    uint64_t in_state[SV_N_STATES];
    uint64_t instructions, tierups, regions_compiled, regions_cached, trace_bytes;
    double compile_seconds, run_seconds;
    uint64_t program_hits, program_misses, job_program_hits;
    uint64_t http_responses[6];  /* by status class 1xx..5xx (index 1..5) */
    uint64_t evicted;            /* final jobs removed by the retention policy */
    uint64_t programs_deleted, programs_evicted;   /* DELETE; --max-programs */
};

struct sv_server {
    struct sv_config cfg;
    pthread_mutex_t lock;
    pthread_cond_t queue_cv;     /* a job was queued, or stopping */
    pthread_cond_t final_cv;     /* a job reached a final state (long polls wait on it) */
    /* The job table (serve_store.c): jobs[k] is job jobs_base + 1 + k, NULL once deleted or
     * evicted; slots below jobs_base were all NULL and are dropped, so the table spans the
     * live jobs, not every job since the state directory was made. */
    struct sv_job **jobs;
    size_t n_slots, cap_jobs;
    uint64_t jobs_base;
    uint64_t n_jobs;             /* the highest id given out (kept across restarts) */
    uint64_t evicted_max;        /* the highest id the retention policy evicted */
    struct sv_job *final_head, *final_tail;   /* final jobs by finish time (retention) */
    size_t n_final;
    int recovering;              /* sv_store_init is reading the state directory */
    struct sv_job *queue_head, *queue_tail;
    size_t queue_len;
    struct sv_job **running;     /* per worker */
    struct sv_program *programs;
    size_t n_programs;
    struct sv_metrics m;
    int accepting;               /* 0 after SIGTERM: new jobs get 503 */
    int stopping;                /* workers and the watchdog end */
    double shutdown_deadline;    /* after SIGTERM: running jobs are cancelled after this */
    int watchdog_stop;
    pthread_t *worker_threads;
    unsigned n_workers_started;
    pthread_t watchdog_thread;
    int watchdog_started;
    struct MHD_Daemon *httpd[2];
    int listen_fd[2];
    int journal_fd;              /* STATE/journal (serve_store.c) */
    size_t journal_bytes;        /* appended since it was last emptied */
    double started_at;
};

double sv_now(void);
const char *sv_state_name(enum sv_state s);
int sv_state_final(enum sv_state s);

int sv_server_init(struct sv_server *s, const struct sv_config *cfg, char *err, size_t errlen);
void sv_server_fini(struct sv_server *s);

/* serve_http.c */
int sv_http_start(struct sv_server *s, char *err, size_t errlen);  /* prints "listening on" */
void sv_http_quiesce(struct sv_server *s);   /* stop accepting connections */
void sv_http_stop(struct sv_server *s);

/* serve_request.c: parses body (JSON; empty = defaults) into spec. Returns 0, or -1 with a
 * message for a 400 answer. */
int sv_request_parse(const struct sv_config *cfg, const char *body, size_t len,
                     struct sv_job_spec *spec, char *err, size_t errlen);
void sv_spec_free(struct sv_job_spec *spec);
int sv_mode_parse(const char *name, enum rvt_mode *out);

/* serve_programs.c. sv_program_add loads and translates the ELF unless it is known, saves it
 * in the state directory (persist) and evicts for cfg.max_programs; it returns the HTTP
 * status (201 new, 200 known, 400 bad ELF, 503 every loaded program busy, 500) with *json
 * the program object (malloc'd; json may be NULL) or err. Takes the lock itself. */
int sv_program_add(struct sv_server *s, const uint8_t *elf, size_t len, const char *name,
                   int persist, char **json, char *err, size_t errlen);
/* DELETE /programs/{id}: 200 (removed: code freed, ELF unlinked), 404, or 409 while it has
 * queued or running jobs, with msg. Takes the lock itself. */
int sv_program_delete(struct sv_server *s, const char *id, char *msg, size_t msglen);
struct sv_program *sv_program_find(struct sv_server *s, const char *id);  /* lock held */
char *sv_program_json(const struct sv_program *p, int cached);  /* lock held; malloc'd */
/* The 404 message for a program id sv_program_find does not know. */
void sv_program_missing(const struct sv_server *s, const char *id, char *msg, size_t msglen);
/* Frees a program no job uses (no lock needed: it is out of the list). */
void sv_program_free(struct sv_program *p);

/* serve_jobs.c (the lock is taken inside unless said otherwise) */
int sv_workers_start(struct sv_server *s, char *err, size_t errlen);
/* Queues a job of program pid; takes ownership of spec. Returns the job's id (the job itself
 * may be gone by the time the caller looks: finished and evicted), or 0 with *http_status
 * 404 (no such program), 503 (queue full / shutting down) and err. The job's journal line
 * is on disk when it returns. */
uint64_t sv_job_submit(struct sv_server *s, const char *pid, struct sv_job_spec *spec,
                       int *http_status, char *err, size_t errlen);
struct sv_job *sv_job_find(struct sv_server *s, const char *id);      /* lock held */
/* The 404 message for an id sv_job_find does not know (lock held): says so when the
 * retention policy evicted it. */
void sv_job_missing(const struct sv_server *s, const char *id, char *msg, size_t msglen);
/* Removes a final job: table, retention list, metrics, files, job (lock held). DELETE and
 * the retention policy both end a final job here. */
void sv_job_remove_final(struct sv_server *s, struct sv_job *j);
char *sv_job_json(const struct sv_job *j);                              /* lock held */
/* DELETE: cancels a queued or running job (returns 202), frees a final one (200). */
int sv_job_delete(struct sv_server *s, const char *id, char *msg, size_t msglen);
/* Waits (lock held) until the job is final, the server stops or `seconds` pass. */
void sv_job_wait(struct sv_server *s, const char *id, double seconds);
/* SIGTERM: queued jobs cancelled, running ones get cfg.shutdown_grace seconds to finish and
 * are cancelled after that; every final state is written; workers joined. */
void sv_shutdown_jobs(struct sv_server *s);
/* Makes the job final (lock held): takes result_text (the result object, or NULL when the
 * run never ran), builds and writes the document, counts r in the metrics, logs a line. */
void sv_job_finalize(struct sv_server *s, struct sv_job *j, enum sv_state st,
                     const char *error, const struct rvt_result *r, char *result_text);

/* serve_retention.c (lock held): the final jobs in finish order, and eviction by
 * cfg.keep_jobs and cfg.job_ttl. */
void sv_final_append(struct sv_server *s, struct sv_job *j);
void sv_final_unlink(struct sv_server *s, struct sv_job *j);
void sv_final_rebuild(struct sv_server *s);      /* after recovery: every final job, sorted */
int sv_retention_due(const struct sv_server *s, double now);        /* cheap; watchdog */
size_t sv_retention_enforce(struct sv_server *s, double now);      /* evicts, logs a line */

/* serve_store.c */
int sv_store_init(struct sv_server *s, char *err, size_t errlen);   /* mkdirs, recover */
int sv_store_write_job(struct sv_server *s, const struct sv_job *j, const char *doc);
/* The journal (lock held): a job accepted, a job started, and "nothing in flight" (empties
 * it); a final job deleted while others are in flight. */
void sv_store_journal_job(struct sv_server *s, const struct sv_job *j);
void sv_store_journal_start(struct sv_server *s, const struct sv_job *j);
void sv_store_journal_deleted(struct sv_server *s, uint64_t num);
void sv_store_journal_idle(struct sv_server *s);
/* The highest id given out and evicted, so ids are never reused and an evicted id is told
 * from an unknown one after a restart. */
void sv_store_journal_ids(struct sv_server *s);
/* fsync of the journal (accepted jobs) and of a job's trace, unless cfg.fsync is 0; without
 * the lock. */
void sv_store_journal_sync(struct sv_server *s);
void sv_store_sync_trace(struct sv_server *s, uint64_t num);
int sv_store_write_program(struct sv_server *s, const struct sv_program *p,
                           const uint8_t *elf, size_t len);
void sv_store_remove_program(struct sv_server *s, const struct sv_program *p);
void sv_store_remove_job(struct sv_server *s, uint64_t num);
/* The job table (lock held): put j at j->num, get job num (NULL if none), clear a slot. */
int sv_table_put(struct sv_server *s, struct sv_job *j);
struct sv_job *sv_table_get(const struct sv_server *s, uint64_t num);
void sv_table_clear(struct sv_server *s, uint64_t num);
/* Path of the job's trace file into buf. */
void sv_store_trace_path(const struct sv_server *s, uint64_t num, char *buf, size_t len);

/* serve_metrics.c: the Prometheus text (lock held), malloc'd. */
char *sv_metrics_text(struct sv_server *s);

#endif
