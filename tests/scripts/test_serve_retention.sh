#!/usr/bin/env bash
# test_serve_retention.sh — `rvtier serve` retention policy and durability options
# (docs/service.md, "Retention"), with the Daemon helpers of serve_test.py:
# --keep-jobs 3 with 6 jobs (first 3 evicted: 404 that says so, files gone; last 3 served),
# --job-ttl 1 (a finished job is gone after ~1-3 s, polled), a running job is never evicted,
# rvtier_jobs_evicted_total, the policy on restart recovery (ids never reused), bad option
# values -> exit 2 with a usage message, --fsync never.
# Usage: run by ctest (RVT_BIN, RVT_GUEST_DIR set); finishes in ~10 s on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3

# Bad option values: a usage error (exit 2) naming the option, before anything listens.
t_serve_bad_options "--keep-jobs -1" "--keep-jobs abc" "--keep-jobs 2.5" "--keep-jobs inf" \
    "--job-ttl -5" "--job-ttl xyz" "--job-ttl nan" "--fsync sometimes"
t_run "$T_TMP/help" "$RVT_BIN" serve --help
if [[ $T_RC == 0 ]] && grep -q -- "--keep-jobs N" "$T_TMP/help.out" &&
    grep -q -- "--job-ttl SECONDS" "$T_TMP/help.out" && grep -q -- "--fsync" "$T_TMP/help.out"
then
    t_pass "serve --help describes --keep-jobs, --job-ttl and --fsync"
else
    t_fail "serve --help" "exit $T_RC, $(grep -c -- '--keep-jobs\|--job-ttl\|--fsync' \
        "$T_TMP/help.out") option lines"
fi

set +e
T_TESTDIR=$(cd "$(dirname "$0")" && pwd) timeout 120 python3 - > "$T_TMP/py.out" 2>&1 <<'EOF'
import json, os, sys, time
sys.path.insert(0, os.environ["T_TESTDIR"])
from serve_test import Daemon, check, run_groups


def files(state, jid):
    return [f for f in (f"{jid}.json", f"{jid}.trace")
            if os.path.exists(os.path.join(state, "jobs", f))]


def log_events(d, event):
    with open(d.log_path) as f:
        return [json.loads(l) for l in f if l.startswith("{") and f'"event":"{event}"' in l]


def keep_jobs(tmp):
    state = os.path.join(tmp, "keep")
    d = Daemon(tmp, state, "--workers", "1", "--keep-jobs", "3", "--job-ttl", "0")
    try:
        hello = d.upload("hello")
        ids = []
        for _ in range(6):
            jid = d.submit(hello, {"trace": True})
            doc = d.wait(jid)
            assert doc["state"] == "succeeded", doc
            ids.append(jid)
        for jid in ids[:3]:
            st, _, body = d.json("GET", f"/jobs/{jid}")
            check(f"keep-jobs 3: job {jid} (of 6) is 404, evicted",
                  st == 404 and "evicted by the retention policy" in body.get("error", ""),
                  (st, body))
            st, _, body = d.json("GET", f"/jobs/{jid}/result")
            check(f"keep-jobs 3: job {jid} result is 404", st == 404, (st, body))
            check(f"keep-jobs 3: job {jid} files gone from the state dir",
                  files(state, jid) == [], files(state, jid))
        for jid in ids[3:]:
            st, _, body = d.json("GET", f"/jobs/{jid}")
            check(f"keep-jobs 3: job {jid} served", st == 200 and body["state"] == "succeeded",
                  (st, body))
            check(f"keep-jobs 3: job {jid} document and trace kept",
                  files(state, jid) == [f"{jid}.json", f"{jid}.trace"], files(state, jid))
        st, _, body = d.json("GET", "/jobs")
        check("keep-jobs 3: GET /jobs lists the last 3",
              [j["id"] for j in body["jobs"]] == ids[3:], body)
        st, _, body = d.json("GET", "/jobs/999")
        check("an id never given out is 'no job', not evicted",
              st == 404 and body["error"].startswith("no job '999'"), body)
        m = d.metrics()
        check("metrics: rvtier_jobs_evicted_total 3",
              m.get("rvtier_jobs_evicted_total") == 3, m.get("rvtier_jobs_evicted_total"))
        check("metrics: 3 succeeded jobs in the table",
              m.get('rvtier_jobs{state="succeeded"}') == 3, m.get('rvtier_jobs{state="succeeded"}'))
        ev = log_events(d, "evict")
        check("log: one evict line per batch, 3 jobs in all",
              len(ev) == 3 and sum(e["jobs"] for e in ev) == 3 and ev[0]["first_id"] == ids[0],
              ev)
    finally:
        check("keep-jobs: SIGTERM exits 0", d.stop() == 0)


def ttl(tmp):
    state = os.path.join(tmp, "ttl")
    d = Daemon(tmp, state, "--workers", "2", "--keep-jobs", "1", "--job-ttl", "1")
    try:
        hello, runaway = d.upload("hello"), d.upload("fault_runaway")
        run_id = d.submit(runaway, {"timeout_seconds": 30})
        check("ttl: runaway job running", d.wait_running(run_id) == "running", run_id)
        jid = d.submit(hello, {"trace": True})
        doc = d.wait(jid)
        done = time.monotonic()
        check("ttl: job finished", doc["state"] == "succeeded", doc)
        gone = None
        while time.monotonic() - done < 5:
            st, _, body = d.json("GET", f"/jobs/{jid}")
            if st == 404:
                gone = time.monotonic() - done
                break
            time.sleep(0.05)
        check(f"ttl 1: finished job gone after 0.9..3 s ({gone})",
              gone is not None and 0.9 <= gone <= 3, (gone, body))
        check("ttl 1: its 404 says evicted",
              gone is not None and "evicted by the retention policy" in body.get("error", ""),
              body)
        check("ttl 1: its files are gone", files(state, jid) == [], files(state, jid))
        for _ in range(3):   # one at a time: with keep-jobs 1 each evicts the one before
            d.wait(d.submit(hello, {}))
        st, _, body = d.json("GET", f"/jobs/{run_id}")
        check("ttl 1 + keep-jobs 1, 3 more jobs finished: the running job is not evicted",
              st == 200 and body["state"] == "running", (st, body))
        m = d.metrics().get("rvtier_jobs_evicted_total")
        check(f"metrics: rvtier_jobs_evicted_total 3 (4 if the last passed its ttl): {m}",
              m in (3, 4))
        st, _, body = d.json("DELETE", f"/jobs/{run_id}")
        doc = d.wait(run_id)
        check("ttl: the running job is cancelled by DELETE", doc["state"] == "cancelled", doc)
        end = time.monotonic() + 5
        while time.monotonic() < end and d.json("GET", f"/jobs/{run_id}")[0] != 404:
            time.sleep(0.05)
        check("ttl 1: once final, the cancelled job is evicted too",
              d.json("GET", f"/jobs/{run_id}")[0] == 404)
        m = d.metrics().get("rvtier_jobs_evicted_total")
        check(f"metrics: rvtier_jobs_evicted_total 5 in the end: {m}", m == 5)
        check("state dir: no job files left", os.listdir(os.path.join(state, "jobs")) == [],
              os.listdir(os.path.join(state, "jobs")))
    finally:
        check("ttl: SIGTERM exits 0", d.stop() == 0)


def restart(tmp):
    state = os.path.join(tmp, "restart")
    d = Daemon(tmp, state, "--workers", "1", "--keep-jobs", "0", "--job-ttl", "0")
    hello = d.upload("hello")
    ids = [d.submit(hello, {}) for _ in range(4)]
    for jid in ids:
        d.wait(jid)
    d.stop()
    d = Daemon(tmp, state, "--workers", "1", "--keep-jobs", "2", "--job-ttl", "0")
    try:
        st = [d.json("GET", f"/jobs/{j}")[0] for j in ids]
        check("restart with --keep-jobs 2: the policy applies to recovered jobs",
              st == [404, 404, 200, 200], st)
        check("restart: evicted files gone", files(state, ids[0]) + files(state, ids[1]) == [],
              os.listdir(os.path.join(state, "jobs")))
        check("restart: metrics count the recovered evictions",
              d.metrics().get("rvtier_jobs_evicted_total") == 2)
        jid = d.submit(hello, {})
        check("restart: ids continue after evicted ones", int(jid) == int(ids[-1]) + 1, jid)
        d.wait(jid)
    finally:
        d.stop()
    d = Daemon(tmp, state, "--workers", "1", "--job-ttl", "0", "--fsync", "never")
    try:
        st, _, body = d.json("GET", f"/jobs/{ids[0]}")
        check("second restart: an evicted id still says evicted",
              st == 404 and "evicted" in body.get("error", ""), (st, body))
        jid2 = d.submit(hello, {})
        check("--fsync never: a job runs", d.wait(jid2)["state"] == "succeeded")
        check("second restart: ids never reused", int(jid2) == int(jid) + 1, (jid, jid2))
        starts = log_events(d, "start")
        check("start log line reports the policy and fsync",
              starts and starts[0]["fsync"] is False and starts[0]["keep_jobs"] == 10000
              and starts[0]["job_ttl_seconds"] == 0, starts)
    finally:
        check("restart: SIGTERM exits 0", d.stop() == 0)


sys.exit(run_groups("rvt_serve_ret.", [keep_jobs, ttl, restart]))
EOF
t_python_checks "$?" "$T_TMP/py.out" "service retention checks"
t_finish
