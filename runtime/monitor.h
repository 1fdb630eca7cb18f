/* monitor.h — the runtime's side of struct rvt_monitor (the public side is in rvtier.h).
 * Usage: rt_monitor_attach(m, job) once the job is set up, rt_monitor_detach(m) before it is
 * torn down; rt_fault_cycles() asks rt_monitor_cancelled() whether a cycle-limit exit was a
 * cancel. */
#ifndef RVT_RUNTIME_MONITOR_H
#define RVT_RUNTIME_MONITOR_H

#include <stddef.h>

struct rvt_monitor;
struct rt_job;

void rt_monitor_attach(struct rvt_monitor *m, struct rt_job *job);
void rt_monitor_detach(struct rvt_monitor *m);
/* 1 (and the reason) if the run was cancelled. */
int rt_monitor_cancelled(struct rvt_monitor *m, char *reason, size_t len);

#endif
