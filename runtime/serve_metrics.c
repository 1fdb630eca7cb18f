/* serve_metrics.c — GET /metrics: the service's counters in the Prometheus text exposition
 * format (version 0.0.4). Counters count since the daemon started; gauges are now.
 * How they add up: rvtier_jobs_submitted_total = sum of rvtier_jobs_finished_total{state}
 * + rvtier_jobs_in_flight + rvtier_queue_length for a fresh state directory.
 * Usage: char *t = sv_metrics_text(s);   (lock held) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/serve.h"

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *sv_metrics_text(struct sv_server *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    const struct sv_metrics *m = &s->m;

    metric(f, "rvtier_jobs", "gauge", "Jobs in the job table by state.");
    for (int st = 0; st < SV_N_STATES; st++)
        fprintf(f, "rvtier_jobs{state=\"%s\"} %" PRIu64 "\n", sv_state_name((enum sv_state)st),
                m->in_state[st]);
    metric(f, "rvtier_jobs_submitted_total", "counter", "Jobs accepted into the queue.");
    fprintf(f, "rvtier_jobs_submitted_total %" PRIu64 "\n", m->submitted);
    metric(f, "rvtier_jobs_finished_total", "counter", "Jobs that reached a final state.");
    for (int st = SV_SUCCEEDED; st < SV_N_STATES; st++)
        fprintf(f, "rvtier_jobs_finished_total{state=\"%s\"} %" PRIu64 "\n",
                sv_state_name((enum sv_state)st), m->finished[st]);
    metric(f, "rvtier_jobs_evicted_total", "counter",
           "Final jobs removed by the retention policy (--keep-jobs, --job-ttl).");
    fprintf(f, "rvtier_jobs_evicted_total %" PRIu64 "\n", m->evicted);
    metric(f, "rvtier_jobs_rejected_total", "counter", "Jobs refused with 503, queue full.");
    fprintf(f, "rvtier_jobs_rejected_total %" PRIu64 "\n", m->rejected_queue_full);
    metric(f, "rvtier_jobs_in_flight", "gauge", "Jobs running on a worker.");
    fprintf(f, "rvtier_jobs_in_flight %" PRIu64 "\n", m->in_state[SV_RUNNING]);
    metric(f, "rvtier_queue_length", "gauge", "Jobs waiting for a worker.");
    fprintf(f, "rvtier_queue_length %zu\n", s->queue_len);
    metric(f, "rvtier_workers", "gauge", "Worker threads.");
    fprintf(f, "rvtier_workers %u\n", s->cfg.workers);
    metric(f, "rvtier_guest_instructions_total", "counter",
           "Guest instructions executed by finished jobs.");
    fprintf(f, "rvtier_guest_instructions_total %" PRIu64 "\n", m->instructions);
    metric(f, "rvtier_guest_seconds_total", "counter", "Run time of finished jobs.");
    fprintf(f, "rvtier_guest_seconds_total %.6f\n", m->run_seconds);
    metric(f, "rvtier_tierups_total", "counter", "Tier-1 regions installed during jobs.");
    fprintf(f, "rvtier_tierups_total %" PRIu64 "\n", m->tierups);
    metric(f, "rvtier_regions_compiled_total", "counter", "Tier-1 regions compiled.");
    fprintf(f, "rvtier_regions_compiled_total %" PRIu64 "\n", m->regions_compiled);
    metric(f, "rvtier_regions_cached_total", "counter",
           "Tier-1 regions of rvtier_regions_compiled_total linked from the code cache "
           "(--code-cache) instead of compiled.");
    fprintf(f, "rvtier_regions_cached_total %" PRIu64 "\n", m->regions_cached);
    metric(f, "rvtier_compile_seconds_total", "counter", "Tier-1 compile time.");
    fprintf(f, "rvtier_compile_seconds_total %.6f\n", m->compile_seconds);
    metric(f, "rvtier_trace_bytes_total", "counter", "Trace bytes written by finished jobs.");
    fprintf(f, "rvtier_trace_bytes_total %" PRIu64 "\n", m->trace_bytes);
    metric(f, "rvtier_program_cache_hits_total", "counter",
           "Program uploads and jobs that found the program already loaded.");
    fprintf(f, "rvtier_program_cache_hits_total %" PRIu64 "\n",
            m->program_hits + m->job_program_hits);
    metric(f, "rvtier_program_cache_misses_total", "counter",
           "Program uploads that loaded and translated a new program.");
    fprintf(f, "rvtier_program_cache_misses_total %" PRIu64 "\n", m->program_misses);
    metric(f, "rvtier_programs", "gauge", "Programs loaded.");
    fprintf(f, "rvtier_programs %zu\n", s->n_programs);
    metric(f, "rvtier_programs_removed_total", "counter",
           "Programs removed: by DELETE, or evicted as the least recently used idle one when "
           "an upload found --max-programs loaded.");
    fprintf(f, "rvtier_programs_removed_total{reason=\"deleted\"} %" PRIu64 "\n",
            m->programs_deleted);
    fprintf(f, "rvtier_programs_removed_total{reason=\"evicted\"} %" PRIu64 "\n",
            m->programs_evicted);
    metric(f, "rvtier_http_responses_total", "counter", "HTTP responses by status class.");
    for (int c = 2; c <= 5; c++)
        fprintf(f, "rvtier_http_responses_total{class=\"%dxx\"} %" PRIu64 "\n", c,
                m->http_responses[c]);
    metric(f, "rvtier_uptime_seconds", "gauge", "Seconds since the daemon started.");
    fprintf(f, "rvtier_uptime_seconds %.3f\n", sv_now() - s->started_at);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
