/* trace_writer.c — see trace_writer.h. */
#include "runtime/trace_writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct rt_trace_writer {
    FILE *out;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* a chunk was put, one was written, or stop */
    const uint8_t *data;      /* the chunk to write, NULL when idle */
    size_t len;
    int stop;
    int error;                /* errno of the first failed write */
};

static void *writer_main(void *arg)
{
    struct rt_trace_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->data && !w->stop)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->data)
            break;
        const uint8_t *data = w->data;
        const size_t len = w->len;
        const int failed = w->error != 0;
        pthread_mutex_unlock(&w->lock);
        /* after a failure nothing more is written: the file would have a hole */
        int err = 0;
        if (!failed && fwrite(data, 1, len, w->out) != len)
            err = errno ? errno : EIO;
        pthread_mutex_lock(&w->lock);
        if (err && !w->error)
            w->error = err;
        w->data = NULL;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct rt_trace_writer *rt_trace_writer_start(FILE *out)
{
    struct rt_trace_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

int rt_trace_writer_wait(struct rt_trace_writer *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->data)
        pthread_cond_wait(&w->cond, &w->lock);
    int err = w->error;
    pthread_mutex_unlock(&w->lock);
    return err;
}

void rt_trace_writer_put(struct rt_trace_writer *w, const uint8_t *data, size_t len)
{
    pthread_mutex_lock(&w->lock);
    w->data = data;
    w->len = len;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

int rt_trace_writer_stop(struct rt_trace_writer *w)
{
    int err = rt_trace_writer_wait(w);
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return err;
}
