/* perf_map.c — see perf_map.h. */
#include "runtime/perf_map.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/lift.h"
#include "tiers/tier0/tier0.h"

struct rt_perf_map {
    pthread_mutex_t lock;   /* compile threads install regions while runs translate */
    FILE *f;                /* NULL once finished */
    int error;              /* errno of the first failed write, 0 while none */
    char path[64];
};

int rt_perf_map_open(struct rt_perf_map **out, char *err, size_t errlen)
{
    struct rt_perf_map *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "--perf-map: out of memory");
        return -1;
    }
    snprintf(m->path, sizeof m->path, "/tmp/perf-%ld.map", (long)getpid());
    if (!(m->f = fopen(m->path, "w"))) {
        snprintf(err, errlen, "--perf-map: cannot create %s: %s", m->path, strerror(errno));
        free(m);
        return -1;
    }
    pthread_mutex_init(&m->lock, NULL);
    *out = m;
    return 0;
}

const char *rt_perf_map_path(const struct rt_perf_map *m)
{
    return m->path;
}

/* After a batch of lines: flushed, so a perf report taken while the process runs sees them. */
static void flushed(struct rt_perf_map *m, int failed)
{
    if ((failed || fflush(m->f) != 0 || ferror(m->f)) && !m->error)
        m->error = errno ? errno : EIO;
}

void rt_perf_map_tier0(struct rt_perf_map *m, const struct rvt_program *p,
                       const struct t0_code *c)
{
    pthread_mutex_lock(&m->lock);
    if (m->f)
        flushed(m, t0_perf_map(m->f, p, c) != 0);
    pthread_mutex_unlock(&m->lock);
}

void rt_perf_map_region(struct rt_perf_map *m, const void *fn, size_t size, uint64_t head_pc,
                        int recording)
{
    char name[64];
    ir_region_name(head_pc, recording, name, sizeof name);
    pthread_mutex_lock(&m->lock);
    if (m->f)
        flushed(m, fprintf(m->f, "%" PRIxPTR " %zx %s\n", (uintptr_t)fn, size, name) < 0);
    pthread_mutex_unlock(&m->lock);
}

int rt_perf_map_finish(struct rt_perf_map *m, char *err, size_t errlen)
{
    if (!m)
        return 0;
    pthread_mutex_lock(&m->lock);
    if (m->f && fclose(m->f) != 0 && !m->error)
        m->error = errno ? errno : EIO;
    m->f = NULL;
    const int e = m->error;
    pthread_mutex_unlock(&m->lock);
    if (e)
        snprintf(err, errlen, "--perf-map: writing %s: %s", m->path, strerror(e));
    return e ? -1 : 0;
}

void rt_perf_map_free(struct rt_perf_map *m)
{
    if (!m)
        return;
    char err[128];
    rt_perf_map_finish(m, err, sizeof err);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
