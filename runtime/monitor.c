/* monitor.c — struct rvt_monitor: another thread's handle on a run in progress (rvtier.h).
 *
 * Cancelling must reach generated code that never calls out to C in a hot loop. Every tier
 * already compares clk with ctx->clk_limit after each control transfer and syscall, so a cancel
 * stores 0 there: the run stops at its next control transfer through the ordinary cycle-limit
 * exit, and rt_fault_cycles() reports it as a cancel. No extra check on any hot path.
 * The lock orders attach/detach (the job's lifetime) against the watchers.
 * Usage: rt_monitor_attach(m, job) after rt_job_init, rt_monitor_detach(m) before rt_job_fini. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/job.h"
#include "runtime/monitor.h"

struct rvt_monitor {
    pthread_mutex_t lock;
    struct rt_job *job;        /* the run, while it runs */
    int cancelled;
    char reason[200];
};

struct rvt_monitor *rvt_monitor_new(void)
{
    struct rvt_monitor *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void rvt_monitor_free(struct rvt_monitor *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static void stop_job(struct rt_job *job)
{
    __atomic_store_n(&job->ctx.clk_limit, 0, __ATOMIC_RELAXED);
}

void rvt_monitor_cancel(struct rvt_monitor *m, const char *reason)
{
    pthread_mutex_lock(&m->lock);
    if (!m->cancelled) {
        m->cancelled = 1;
        snprintf(m->reason, sizeof m->reason, "%s", reason ? reason : "cancelled by request");
    }
    if (m->job)
        stop_job(m->job);
    pthread_mutex_unlock(&m->lock);
}

uint64_t rvt_monitor_memory_bytes(struct rvt_monitor *m)
{
    uint64_t bytes = 0;
    pthread_mutex_lock(&m->lock);
    struct stat st;
    if (m->job && m->job->mem.fd >= 0 && fstat(m->job->mem.fd, &st) == 0)
        bytes = (uint64_t)st.st_blocks * 512;
    pthread_mutex_unlock(&m->lock);
    return bytes;
}

uint64_t rvt_monitor_instructions(struct rvt_monitor *m)
{
    uint64_t n = 0;
    pthread_mutex_lock(&m->lock);
    if (m->job)
        n = __atomic_load_n(&m->job->ctx.global_clk, __ATOMIC_RELAXED) +
            m->job->instructions_unconstrained;
    pthread_mutex_unlock(&m->lock);
    return n;
}

void rt_monitor_attach(struct rvt_monitor *m, struct rt_job *job)
{
    pthread_mutex_lock(&m->lock);
    m->job = job;
    if (m->cancelled)
        stop_job(job);
    pthread_mutex_unlock(&m->lock);
}

void rt_monitor_detach(struct rvt_monitor *m)
{
    pthread_mutex_lock(&m->lock);
    m->job = NULL;
    pthread_mutex_unlock(&m->lock);
}

int rt_monitor_cancelled(struct rvt_monitor *m, char *reason, size_t len)
{
    pthread_mutex_lock(&m->lock);
    int c = m->cancelled;
    if (c)
        snprintf(reason, len, "%s", m->reason);
    pthread_mutex_unlock(&m->lock);
    return c;
}
