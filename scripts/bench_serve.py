#!/usr/bin/env python3
"""bench_serve.py — measures what the service adds to a run (scripts/bench_serve.sh runs it).

1. Latency: a warm program with a trivial guest (hello), one job at a time on one keep-alive
   connection: POST the job, GET /jobs/{id}?wait until final. Overhead = client-measured
   latency minus the guest's own run time (result stats.seconds). Median and p90.
2. Throughput of small jobs with 1 and 2 workers: N jobs submitted by 8 client threads.
3. Hot program: the same CPU-heavy job twice in --hot-mode (default tiered); the second starts
   with the regions the first compiled. Reports both run times and the speed-up; when the mode
   is not available yet, the row says so (and tier0 is measured instead).
Usage: bench_serve.py --rvtier BIN --guests DIR --out-dir DIR [--jobs N] [--hot-guest G]
       [--hot-input N] [--hot-mode M]
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import statistics
import subprocess
import tempfile
import time


class Service:
    def __init__(self, rvtier, state, workers):
        self.p = subprocess.Popen([rvtier, "serve", "--listen", "127.0.0.1:0", "--state-dir",
                                   state, "--workers", str(workers)],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.p.stdout.readline()
        assert line.startswith("listening on http://"), line
        self.host, port = line.split()[-1][len("http://"):].rsplit(":", 1)
        self.port = int(port)

    def conn(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=300)

    @staticmethod
    def call(c, method, path, body=None):
        c.request(method, path, body=body)
        r = c.getresponse()
        data = r.read()
        assert r.status < 300, (r.status, data)
        return json.loads(data)

    def upload(self, path):
        with open(path, "rb") as f:
            return self.call(self.conn(), "POST", "/programs", f.read())["id"]

    def job(self, c, pid, spec):
        jid = self.call(c, "POST", f"/programs/{pid}/jobs", json.dumps(spec))["id"]
        return self.call(c, "GET", f"/jobs/{jid}?wait=300")

    def stop(self):
        self.p.terminate()
        self.p.wait(30)


def latency(svc, pid, n):
    c = svc.conn()
    for _ in range(20):                      # warm-up: connection, caches
        svc.job(c, pid, {"mode": "tier0"})
    over, total = [], []
    for _ in range(n):
        t = time.perf_counter()
        doc = svc.job(c, pid, {"mode": "tier0"})
        dt = time.perf_counter() - t
        total.append(dt)
        over.append(dt - doc["result"]["stats"]["seconds"])
    over.sort()
    return statistics.median(total), statistics.median(over), over[int(len(over) * 0.9)]


def throughput(svc, pid, n):
    def one(_):
        c = svc.conn()
        doc = svc.job(c, pid, {"mode": "tier0"})
        c.close()
        return doc["state"]
    t = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
        states = list(ex.map(one, range(n)))
    dt = time.perf_counter() - t
    assert all(s == "succeeded" for s in states), states
    return n / dt


def hot(svc, pid, mode, size):
    c = svc.conn()
    spec = {"mode": mode, "inputs": [{"u64": size}]}
    a, b = svc.job(c, pid, spec), svc.job(c, pid, spec)
    if a["state"] != "succeeded":
        return None, a["error"]
    return (a["result"]["stats"], b["result"]["stats"]), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rvtier", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--jobs", type=int, default=500)
    ap.add_argument("--hot-guest", default="sieve")
    ap.add_argument("--hot-input", type=int, default=3000000)
    ap.add_argument("--hot-mode", default="tiered")
    a = ap.parse_args()
    g = lambda name: os.path.join(a.guests, "sp1", name + ".elf")
    rows = []
    with tempfile.TemporaryDirectory(prefix="rvt_bench_serve.") as tmp:
        # process-per-job baseline: what the service saves on top of its own overhead
        t = time.perf_counter()
        for _ in range(50):
            subprocess.run([a.rvtier, "run", g("hello"), "--mode", "tier0"],
                           stdout=subprocess.DEVNULL, check=True)
        per_process = (time.perf_counter() - t) / 50
        for workers in (1, 2):
            svc = Service(a.rvtier, os.path.join(tmp, f"s{workers}"), workers)
            try:
                pid = svc.upload(g("hello"))
                if workers == 1:
                    med, over, p90 = latency(svc, pid, a.jobs)
                    rows.append(("latency, warm trivial job (hello), median", f"{med*1e3:.3f} ms"))
                    rows.append(("service overhead over the guest's run, median / p90",
                                 f"{over*1e3:.3f} ms / {p90*1e3:.3f} ms (target <= 1 ms)"))
                    rows.append(("`rvtier run` process per job (hello), mean",
                                 f"{per_process*1e3:.2f} ms"))
                rows.append((f"throughput, small jobs, {workers} worker(s)",
                             f"{throughput(svc, pid, a.jobs):.0f} jobs/s"))
                if workers == 2:
                    hp = svc.upload(g(a.hot_guest))
                    for mode in dict.fromkeys([a.hot_mode, "tier0"]):
                        stats, err = hot(svc, hp, mode, a.hot_input)
                        name = f"hot program {a.hot_guest} {a.hot_input} [{mode}]"
                        if err:
                            rows.append((name, f"n/a: {err}"))
                            continue
                        s1, s2 = stats
                        rows.append((name + ": job 1 / job 2 run seconds",
                                     f"{s1['seconds']:.4f} / {s2['seconds']:.4f} "
                                     f"(speed-up {s1['seconds'] / max(s2['seconds'], 1e-9):.2f}x; "
                                     f"regions compiled {s1.get('regions_compiled', 0)} / "
                                     f"warm at job 2 {s2.get('regions_warm', 0)})"))
            finally:
                svc.stop()
    out = ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    text = "# rvtier serve benchmark\n\n" + "\n".join(out) + "\n"
    print(text)
    os.makedirs(a.out_dir, exist_ok=True)
    path = os.path.join(a.out_dir, time.strftime("bench-serve-%Y%m%d-%H%M%S.md"))
    with open(path, "w") as f:
        f.write(text)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
