/* interp.h — the reference interpreter: defines the semantics every other tier is tested
 * against. Simple and obviously right beats fast here.
 * Usage: interp_run(job) after rt_job_init + trace set-up; returns when the guest halts or the
 * run stops (job->halted / job->stopped say which). */
#ifndef RVT_TIERS_INTERP_H
#define RVT_TIERS_INTERP_H

struct rt_job;

/* Runs until HALT or a stop. Returns 0 when the guest halted, -1 otherwise. */
int interp_run(struct rt_job *job);

#endif
