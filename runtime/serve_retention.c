/* serve_retention.c — the retention policy for finished jobs, so that a daemon running for
 * weeks keeps a bounded number of results (docs/service.md, "Retention"):
 *   --keep-jobs N        at most N final jobs (succeeded, failed, cancelled) are kept
 *   --job-ttl SECONDS    a final job is kept at most this long after it finished
 * Evicted first: the oldest-finished. Queued and running jobs are never evicted. Evicting is
 * exactly DELETE of a final job (sv_job_remove_final: table, metrics, document and trace
 * files). The final jobs form one list in finish order, so the check is O(1) per job and per
 * watchdog tick. It runs when a job becomes final, on every watchdog tick (only the TTL can
 * come due without a job finishing) and once after restart recovery.
 * Usage (lock held): sv_final_append(s, j) when j becomes final; sv_retention_enforce(s, now). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/serve.h"

void sv_final_append(struct sv_server *s, struct sv_job *j)
{
    j->final_next = NULL;
    j->final_prev = s->final_tail;
    if (s->final_tail)
        s->final_tail->final_next = j;
    else
        s->final_head = j;
    s->final_tail = j;
    s->n_final++;
}

void sv_final_unlink(struct sv_server *s, struct sv_job *j)
{
    if (j->final_prev)
        j->final_prev->final_next = j->final_next;
    else if (s->final_head == j)
        s->final_head = j->final_next;
    else
        return;   /* not in the list */
    if (j->final_next)
        j->final_next->final_prev = j->final_prev;
    else
        s->final_tail = j->final_prev;
    j->final_prev = j->final_next = NULL;
    s->n_final--;
}

static int by_finish(const void *a, const void *b)
{
    const struct sv_job *x = *(struct sv_job *const *)a, *y = *(struct sv_job *const *)b;
    if (x->finished != y->finished)
        return x->finished < y->finished ? -1 : 1;
    return x->num < y->num ? -1 : x->num > y->num;
}

/* Recovered documents come in directory order; the list wants finish order. */
void sv_final_rebuild(struct sv_server *s)
{
    s->final_head = s->final_tail = NULL;
    s->n_final = 0;
    struct sv_job **v = malloc((s->n_slots ? s->n_slots : 1) * sizeof *v);
    size_t n = 0;
    for (size_t k = 0; k < s->n_slots; k++)
        if (s->jobs[k] && sv_state_final(s->jobs[k]->state)) {
            if (v)
                v[n++] = s->jobs[k];
            else   /* out of memory: table order, still every final job */
                sv_final_append(s, s->jobs[k]);
        }
    if (v) {
        qsort(v, n, sizeof *v, by_finish);
        for (size_t i = 0; i < n; i++)
            sv_final_append(s, v[i]);
    }
    free(v);
}

static int over_ttl(const struct sv_server *s, const struct sv_job *j, double now)
{
    return s->cfg.job_ttl > 0 && now - j->finished >= s->cfg.job_ttl;
}

int sv_retention_due(const struct sv_server *s, double now)
{
    return s->final_head && ((s->cfg.keep_jobs && s->n_final > s->cfg.keep_jobs) ||
                             over_ttl(s, s->final_head, now));
}

size_t sv_retention_enforce(struct sv_server *s, double now)
{
    size_t by_count = 0, by_ttl = 0;
    uint64_t first = 0, last = 0;
    double oldest = 0;
    while (s->final_head) {
        struct sv_job *j = s->final_head;
        if (s->cfg.keep_jobs && s->n_final > s->cfg.keep_jobs)
            by_count++;
        else if (over_ttl(s, j, now))
            by_ttl++;
        else
            break;
        if (!first)
            first = j->num, oldest = j->finished;
        last = j->num;
        if (j->num > s->evicted_max)
            s->evicted_max = j->num;
        s->m.evicted++;
        sv_job_remove_final(s, j);
    }
    size_t n = by_count + by_ttl;
    if (!n)
        return 0;
    sv_store_journal_ids(s);
    fprintf(stderr, "{\"event\":\"evict\",\"jobs\":%zu,\"by_count\":%zu,\"by_ttl\":%zu,"
            "\"first_id\":\"%" PRIu64 "\",\"last_id\":\"%" PRIu64 "\",\"oldest_finished_at\":"
            "%.6f,\"kept\":%zu,\"keep_jobs\":%zu,\"job_ttl_seconds\":%g}\n", n, by_count, by_ttl,
            first, last, oldest, s->n_final, s->cfg.keep_jobs, s->cfg.job_ttl);
    return n;
}

void sv_job_missing(const struct sv_server *s, const char *id, char *msg, size_t msglen)
{
    char *end;
    unsigned long long n = strtoull(id, &end, 10);
    if (end != id && !*end && id[0] != '0' && id[0] != '-' && n && n <= s->evicted_max) {
        char ttl[64] = "with no age limit", keep[64] = "with no count limit";
        if (s->cfg.job_ttl > 0)
            snprintf(ttl, sizeof ttl, "up to %g s after they finish", s->cfg.job_ttl);
        if (s->cfg.keep_jobs)
            snprintf(keep, sizeof keep, "at most the newest %zu", s->cfg.keep_jobs);
        snprintf(msg, msglen, "job '%s' was evicted by the retention policy (finished jobs are "
                 "kept %s and %s: --job-ttl, --keep-jobs) or deleted; its document, result and "
                 "trace are gone", id, ttl, keep);
    } else {
        snprintf(msg, msglen, "no job '%s' (GET /jobs lists the jobs)", id);
    }
}
