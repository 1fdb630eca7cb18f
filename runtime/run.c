/* run.c — rvt_run(): one run of a loaded program in the chosen mode. Sets up the job
 * (memory, inputs, trace), hands it to the tier, then closes the trace and fills the result
 * (status, registers, clocks, public values and the committed-digest check, stats). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "include/rvtier.h"
#include "runtime/job.h"
#include "runtime/wallclock.h"
#include "runtime/monitor.h"
#include "runtime/sha256.h"
#include "runtime/tierup.h"
#include "tiers/interp/interp.h"
#include "tiers/tier0/tier0.h"

void rvt_options_init(struct rvt_options *o)
{
    memset(o, 0, sizeof *o);
    o->abi = RVT_ABI_SP1;
    o->mode = RVT_MODE_INTERP;
    o->opt_level = -1;
}

const char *rvt_status_name(enum rvt_status s)
{
    switch (s) {
    case RVT_OK: return "ok";
    case RVT_FAULT: return "fault";
    case RVT_SYSCALL_ERROR: return "syscall_error";
    case RVT_CYCLE_LIMIT: return "cycle_limit";
    case RVT_HOST_ERROR: return "host_error";
    case RVT_CANCELLED: return "cancelled";
    }
    return "unknown";
}

const char *rvt_mode_name(enum rvt_mode m)
{
    switch (m) {
    case RVT_MODE_INTERP: return "interp";
    case RVT_MODE_TIER0: return "tier0";
    case RVT_MODE_TIER1: return "tier1";
    case RVT_MODE_TIERED: return "tiered";
    }
    return "unknown";
}

void rvt_result_free(struct rvt_result *r)
{
    free(r->stats.timeline);
    r->stats.timeline = NULL;
    free(r->public_values);
    r->public_values = NULL;
    r->public_values_len = 0;
}

/* The program's tier 0 code (translated on first use: the program is shared but translation
 * is idempotent and locked, so the cast does not break sharing between runs). */
static const struct t0_code *tier0_code(struct rt_job *job)
{
    struct rvt_program *p = (struct rvt_program *)job->prog;
    char err[400];
    const struct t0_code *code = rt_program_tier0(p, job->opt->translate_threads,
                                                  job->opt->reg_home, err, sizeof err);
    job->res->stats.translate_seconds = p->t0_translate_seconds;
    job->res->stats.translated_instructions = code ? p->n_insns : 0;
    job->res->stats.translate_threads = code ? code->n_slices : 0;
    job->res->stats.reg_home = code && rv_regmap_uses_xmm(&code->map) ? RVT_REGS_XMM
                                                                      : RVT_REGS_CTX;
    if (!code)
        rt_job_fail(job, RVT_HOST_ERROR, "tier 0 translation failed: %s", err);
    return code;
}

static int run_tier(struct rt_job *job, const struct t0_code *code)
{
    if (job->opt->mode == RVT_MODE_INTERP)
        return interp_run(job);
    return t0_run_job(job, code);
}

static void fill_result(struct rt_job *job, struct rvt_result *r)
{
    const struct rv_ctx *c = &job->ctx;
    r->pc = c->pc;
    memcpy(r->regs, c->regs, sizeof r->regs);
    r->clk = c->clk;
    r->global_clk = c->global_clk;
    memcpy(r->committed_digest, job->committed, sizeof r->committed_digest);
    r->public_values = job->public_values.data;
    r->public_values_len = job->public_values.len;
    job->public_values = (struct rt_bytes){0};   /* ownership moves to the result */
    r->digest_match = rt_digest_matches(r->public_values, r->public_values_len,
                                        r->committed_digest, r->public_values_sha256);
    r->stats.instructions = c->global_clk + job->instructions_unconstrained;
    r->stats.ecalls = job->ecalls;
    r->stats.chunks = job->trace.chunks;
    r->stats.trace_bytes = job->trace.bytes;
    if (job->halted) {
        r->status = RVT_OK;
        r->exit_code = job->exit_code;
    }
}

int rvt_run(const struct rvt_program *p, const struct rvt_options *o, struct rvt_result *r)
{
    memset(r, 0, sizeof *r);
    struct rt_job *job = calloc(1, sizeof *job);   /* large: keep it off small thread stacks */
    if (!job) {
        r->status = RVT_HOST_ERROR;
        snprintf(r->error, sizeof r->error, "out of memory starting a run");
        return -1;
    }
    if (rt_job_init(job, p, o, r) != 0) {
        rt_job_fini(job);
        free(job);
        return -1;
    }
    struct rv_ctx *c = &job->ctx;
    if (o->trace) {
        if (rt_trace_open(&job->trace, o->trace_path, o->chunk_size, r->error, sizeof r->error) != 0) {
            r->status = RVT_HOST_ERROR;
            rt_job_fini(job);
            free(job);
            return -1;
        }
        c->max_trace_size = job->trace.chunk_size;
        rt_trace_begin_chunk(&job->trace, c);
    }

    /* translation and tier1 mode's up-front compiles are not run time (stats say each) */
    const struct t0_code *code = NULL;
    struct rt_tierup tu;
    int tiering = o->mode == RVT_MODE_TIER1 || o->mode == RVT_MODE_TIERED;
    int ready = 1;
    if (o->mode != RVT_MODE_INTERP)
        ready = (code = tier0_code(job)) != NULL;
    if (ready && tiering)
        ready = rt_tierup_begin(job, &tu, code) == 0;
    double t0 = rt_wallclock();
    if (o->monitor)
        rt_monitor_attach(o->monitor, job);
    if (ready)
        run_tier(job, code);
    if (o->monitor)
        rt_monitor_detach(o->monitor);
    r->stats.seconds = rt_wallclock() - t0;
    if (job->tierup)
        rt_tierup_end(job, &tu);

    if (o->trace) {
        rt_trace_end_chunk(&job->trace, c);   /* the last chunk, also after a fault */
        fill_result(job, r);
        char err[256];
        if (rt_trace_close(&job->trace, err, sizeof err) != 0 && !job->stopped)
            rt_job_fail(job, RVT_HOST_ERROR, "%s", err);
    } else {
        fill_result(job, r);
    }
    rt_job_fini(job);
    free(job);
    return 0;
}
