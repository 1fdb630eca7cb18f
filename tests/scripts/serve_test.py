#!/usr/bin/env python3
"""serve_test.py — end-to-end tests of `rvtier serve` / `rvtier submit` (docs/service.md).

Run by tests/scripts/test_serve*.sh with one group: api | load | shutdown. Each group starts its
own daemons on free loopback ports (--listen 127.0.0.1:0) with state directories under a
temporary directory, prints one PASS/FAIL line per check and exits 1 if any failed.
Needs RVT_BIN (the rvtier binary) and RVT_GUEST_DIR (build/guests), as ctest sets them.
Usage: python3 serve_test.py api|load|shutdown
"""
import base64
import concurrent.futures
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

BIN = os.environ.get("RVT_BIN", "")
GUESTS = os.path.join(os.environ.get("RVT_GUEST_DIR", ""), "sp1")
FAILED = []
PASSED = [0]

# Stats that measure time (or the tier-up timing) differ between any two runs.
TIMING_STATS = {"seconds", "translate_seconds", "mips", "compile_seconds_total",
                "compile_seconds_median", "timeline", "regions_warm", "regions_compiled",
                "tierups", "tier1_instructions", "tier1_entries"}


def check(name, ok, why=""):
    if ok:
        PASSED[0] += 1
        print(f"PASS {name}")
    else:
        FAILED.append(name)
        print(f"FAIL {name}: {why}"[:2000])


def elf(name):
    return os.path.join(GUESTS, name + ".elf")


class Daemon:
    """One `rvtier serve` process; its stderr (the JSON log) goes to a file."""

    def __init__(self, tmp, state, *args):
        self.log_path = os.path.join(tmp, f"serve-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        self.state = state
        self.p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--state-dir", state,
                                   *args], stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("listening on http://"):
            raise RuntimeError(f"rvtier serve did not start: {line!r}, log: "
                               f"{open(self.log_path).read()}")
        self.url = line.split()[-1]
        hostport = self.url[len("http://"):]
        self.host, self.port = hostport.rsplit(":", 1)

    def req(self, method, path, body=None, headers=None, timeout=60):
        c = http.client.HTTPConnection(self.host, int(self.port), timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, dict(r.getheaders()), data
        finally:
            c.close()

    def json(self, method, path, obj=None, raw=None):
        body = raw if raw is not None else (json.dumps(obj) if obj is not None else None)
        st, hdr, data = self.req(method, path, body,
                                 {"Content-Type": "application/json"} if body else None)
        try:
            return st, hdr, json.loads(data) if data else None
        except ValueError:
            return st, hdr, data

    def upload(self, name):
        with open(elf(name), "rb") as f:
            st, _, data = self.req("POST", "/programs?name=" + name, f.read())
        assert st in (200, 201), (st, data)
        return json.loads(data)["id"]

    def submit(self, pid, spec):
        st, _, j = self.json("POST", f"/programs/{pid}/jobs", spec)
        assert st == 202, (st, j)
        return j["id"]

    def wait(self, jid, seconds=50):
        st, _, doc = self.json("GET", f"/jobs/{jid}?wait={seconds}")
        assert st == 200, (st, doc)
        return doc

    def wait_running(self, jid, seconds=20):
        """Until the job has left the queue (tests that need it on a worker)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            st, _, doc = self.json("GET", f"/jobs/{jid}")
            if st == 200 and doc["state"] != "queued":
                return doc["state"]
            time.sleep(0.01)
        return "queued"

    def metrics(self):
        st, _, data = self.req("GET", "/metrics")
        assert st == 200
        m = {}
        for line in data.decode().splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                m[k] = float(v)
        return m

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "hung"
        self.log.close()
        return rc


def run_json(args, trace=None):
    """`rvtier run --json` with the same inputs: the reference result."""
    cmd = [BIN, "run", *args, "--json"]
    if trace:
        cmd += ["--trace", trace[0], "--chunk-size", str(trace[1])]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout)


def strip_timing(r):
    r = dict(r)
    r["stats"] = {k: v for k, v in r["stats"].items() if k not in TIMING_STATS}
    return r


def spec_for(args):
    """rvtier run arguments (inputs, mode, max-cycles) -> a job request."""
    spec, inputs, it = {}, [], iter(args)
    for a in it:
        v = next(it)
        if a == "--input-u64":
            inputs.append({"u64": int(v)})
        elif a == "--input-hex":
            inputs.append(base64.b64encode(bytes.fromhex(v)).decode())
        elif a == "--mode":
            spec["mode"] = v
        elif a == "--max-cycles":
            spec["max_cycles"] = int(v)
    spec["inputs"] = inputs
    return spec


# Cases compared with `rvtier run --json`: guest, run arguments (small sizes: CI is 2 cores).
EQUAL_CASES = [
    ("hello", []),
    ("fibonacci", ["--input-u64", "90"]),
    ("sort", ["--input-u64", "3"]),
    ("sha256", ["--input-u64", "55"]),
    ("keccak", ["--input-u64", "136"]),
    ("syscalls", ["--input-u64", "7", "--input-hex", "0102030405",
                  "--input-hex", "000102030405060708090a0b0c0d0e0f10"]),
    ("precompiles", []),
    ("fault_load_high", []),
    ("fault_bad_syscall", []),
    ("fault_runaway", ["--max-cycles", "100000"]),
]


def group_api(tmp):
    d = Daemon(tmp, os.path.join(tmp, "state"), "--workers", "2", "--max-body", str(4 << 20),
               "--unix", os.path.join(tmp, "serve.sock"), "--perf-map")
    try:
        api_equal(d, tmp)
        api_errors(d, tmp)
        api_submit(d, tmp)
        api_perf_map(d)
    finally:
        rc = d.stop()
        check("api: SIGTERM exits 0", rc == 0, f"exit {rc}")
        try:
            os.unlink(f"/tmp/perf-{d.p.pid}.map")
        except FileNotFoundError:
            pass


def api_equal(d, tmp):
    modes = ["interp", "tier0"]
    probe = subprocess.run([BIN, "run", elf("hello"), "--mode", "tiered"], capture_output=True,
                           text=True, timeout=60)
    if probe.returncode == 0:
        modes.append("tiered")
    else:   # said, not skipped silently: tiered lands with tier 1
        print(f"NOTE tiered mode not compared: {probe.stderr.strip()[:200]}")
    for mode in modes:
        for guest, args in EQUAL_CASES:
            name = f"equal [{mode}] {guest} {' '.join(args)}"
            args = args + ["--mode", mode]
            tr = os.path.join(tmp, "ref.trace")
            _, ref = run_json([elf(guest), *args], (tr, 4096))
            pid = d.upload(guest)
            spec = spec_for(args)
            spec.update(trace=True, chunk_size=4096)
            jid = d.submit(pid, spec)
            doc = d.wait(jid)
            st, _, res = d.json("GET", f"/jobs/{jid}/result")
            want_state = "succeeded" if ref["status"] == "ok" else "failed"
            ok = (doc["state"] == want_state and st == 200 and doc["result"] == res
                  and strip_timing(res) == strip_timing(ref))
            check(name, ok, f"state {doc['state']}, got {res}, want {ref}")
            st, _, trace = d.req("GET", f"/jobs/{jid}/trace")
            with open(tr, "rb") as f:
                want = f.read()
            check(name + " trace bytes", st == 200 and trace == want and len(want) > 0,
                  f"status {st}, {len(trace)} bytes vs {len(want)}")
    # a second upload of the same ELF is a cache hit with the same id
    with open(elf("hello"), "rb") as f:
        st, _, data = d.req("POST", "/programs", f.read())
    j = json.loads(data)
    check("re-upload is cached", st == 200 and j["cached"] is True, data)


def api_perf_map(d):
    """--perf-map: the start event names /tmp/perf-PID.map; while the daemon runs it already
    holds every uploaded program's tier 0 blocks and, once its compile thread has installed
    one, a tier 1 region (perf reads the file when it reports, possibly mid-run)."""
    with open(d.log_path) as f:
        start = next(json.loads(l) for l in f if '"event":"start"' in l)
    path = start.get("perf_map")
    check("perf map: path in the start event", path == f"/tmp/perf-{d.p.pid}.map", str(path))
    if not path:
        return
    jid = d.submit(d.upload("sieve"), {"mode": "tiered", "inputs": [{"u64": 2000000}]})
    doc = d.wait(jid)
    lines, end = [], time.monotonic() + 20
    while time.monotonic() < end:
        with open(path) as f:
            lines = f.read().splitlines()
        if any(" r_" in l for l in lines):
            break
        time.sleep(0.05)
    bad = [l for l in lines if not re.fullmatch(r"[0-9a-f]+ [0-9a-f]+ (t0_\w+|r_[0-9a-f]+(_rec)?)", l)]
    check("perf map: tier 0 blocks and a tier 1 region, while running",
          doc["state"] == "succeeded" and not bad and any(" t0_" in l for l in lines)
          and any(" r_" in l for l in lines),
          f"state {doc['state']}, {len(lines)} lines, malformed {bad[:3]}")


def is_json_error(st, hdr, body, code):
    return (st == code and isinstance(body, dict) and isinstance(body.get("error"), str)
            and body.get("status") == code
            and hdr.get("Content-Type", "").startswith("application/json"))


def api_errors(d, tmp):
    pid = d.upload("hello")
    cases = [
        ("unknown job id", "GET", "/jobs/999999", None, None, 404),
        ("non-numeric job id", "GET", "/jobs/abc", None, None, 404),
        ("unknown job result", "GET", "/jobs/999999/result", None, None, 404),
        ("delete unknown job", "DELETE", "/jobs/424242", None, None, 404),
        ("unknown program", "GET", "/programs/" + "0" * 64, None, None, 404),
        ("job for unknown program", "POST", "/programs/" + "ab" * 32 + "/jobs", None, "{}", 404),
        ("unknown path", "GET", "/nothing/here", None, None, 404),
        ("malformed JSON", "POST", f"/programs/{pid}/jobs", None, '{"inputs": [', 400),
        ("JSON not an object", "POST", f"/programs/{pid}/jobs", None, "[1,2]", 400),
        ("bad base64", "POST", f"/programs/{pid}/jobs", {"inputs": ["!!!="]}, None, 400),
        ("bad base64 length", "POST", f"/programs/{pid}/jobs", {"inputs": ["abc"]}, None, 400),
        ("bad hex", "POST", f"/programs/{pid}/jobs", {"inputs": [{"hex": "zz"}]}, None, 400),
        ("negative u64", "POST", f"/programs/{pid}/jobs", {"inputs": [{"u64": -1}]}, None, 400),
        ("inputs not an array", "POST", f"/programs/{pid}/jobs", {"inputs": "x"}, None, 400),
        ("unknown mode", "POST", f"/programs/{pid}/jobs", {"mode": "turbo"}, None, 400),
        ("unknown key", "POST", f"/programs/{pid}/jobs", {"max_cycle": 5}, None, 400),
        ("chunk_size without trace", "POST", f"/programs/{pid}/jobs", {"chunk_size": 5}, None,
         400),
        ("bad ELF", "POST", "/programs", None, "this is not an ELF file", 400),
        ("empty ELF", "POST", "/programs", None, "", 400),
        ("wrong method on /programs", "PUT", "/programs", None, "x", 405),
        ("wrong method on /metrics", "DELETE", "/metrics", None, None, 405),
        ("wrong method on a job", "POST", "/jobs/1", None, "{}", 405),
        ("wrong method on jobs", "GET", f"/programs/{pid}/jobs", None, None, 405),
    ]
    for name, method, path, obj, raw, code in cases:
        st, hdr, body = d.json(method, path, obj, raw)
        check(f"error: {name} -> {code}", is_json_error(st, hdr, body, code),
              f"{st} {hdr.get('Content-Type')} {body}")
        if code == 405:
            check(f"error: {name} has Allow", "Allow" in hdr, hdr)
    st, _, body = d.json("POST", "/programs", raw="this is not an ELF file")
    check("bad ELF message is the loader's", "ELF" in body.get("error", ""), body)
    st, _, body = d.json("POST", f"/programs/{pid}/jobs", {"inputs": ["!!!="]})
    check("bad base64 message says where", "inputs[0]" in body.get("error", ""), body)
    # bodies over --max-body (4 MiB): declared length refused before reading, chunked drained
    big = os.path.join(tmp, "big.bin")
    with open(big, "wb") as f:
        f.write(b"\0" * (5 << 20))
    for name, extra in (("declared length", []),
                        ("chunked", ["-H", "Transfer-Encoding: chunked"])):
        p = subprocess.run(["curl", "-s", "-o", os.path.join(tmp, "413.json"), "-w",
                            "%{http_code}", "--data-binary", "@" + big, *extra,
                            d.url + "/programs"], capture_output=True, text=True, timeout=30)
        try:
            body = json.load(open(os.path.join(tmp, "413.json")))
        except ValueError:
            body = None
        check(f"error: oversized body ({name}) -> 413",
              p.stdout == "413" and isinstance(body, dict) and "max-body" in body["error"],
              f"{p.stdout} {body}")
    # result/trace of an unfinished job -> 409; DELETE cancels it; then DELETE frees it
    rid = d.upload("fault_runaway")
    jid = d.submit(rid, {"timeout_seconds": 20})
    d.wait_running(jid)
    st, hdr, body = d.json("GET", f"/jobs/{jid}/result")
    check("error: result of a running job -> 409", is_json_error(st, hdr, body, 409), body)
    st, _, body = d.json("DELETE", f"/jobs/{jid}")
    check("DELETE of a running job -> 202", st == 202, (st, body))
    doc = d.wait(jid, 10)
    check("deleted job is cancelled", doc["state"] == "cancelled"
          and doc["result"]["status"] == "cancelled", doc)
    st, _, body = d.json("DELETE", f"/jobs/{jid}")
    st2, hdr, body2 = d.json("GET", f"/jobs/{jid}")
    check("DELETE of a final job frees it", st == 200 and is_json_error(st2, hdr, body2, 404),
          (st, body, st2, body2))
    st, _, body = d.json("GET", f"/jobs/{d.submit(pid, {})}/trace?wait=10")
    check("error: trace of a job without one -> 404", st == 404, body)
    # limits fail their job with a clear error
    jid = d.submit(rid, {"timeout_seconds": 0.3})
    doc = d.wait(jid, 20)
    check("wall-clock timeout fails the job", doc["state"] == "failed"
          and "timeout" in doc["error"], doc)
    jid = d.submit(rid, {"max_memory_bytes": 4096})
    doc = d.wait(jid, 20)
    check("memory limit fails the job", doc["state"] == "failed"
          and "memory" in doc["error"], doc)
    st, _, body = d.json("GET", "/healthz")
    check("healthz", st == 200 and body == {"status": "ok"}, body)
    p = subprocess.run(["curl", "-s", "--unix-socket", os.path.join(tmp, "serve.sock"),
                        "http://localhost/healthz"], capture_output=True, text=True, timeout=10)
    check("Unix socket answers", p.stdout.strip() == '{"status":"ok"}', p.stdout)


def api_submit(d, tmp):
    for guest, args in (("fibonacci", ["--input-u64", "90"]), ("fault_load_high", []),
                        ("syscalls", EQUAL_CASES[5][1])):
        ref_rc, ref = run_json([elf(guest), *args, "--mode", "tier0"])
        p = subprocess.run([BIN, "submit", "--server", d.url, elf(guest), *args, "--mode",
                            "tier0", "--wait", "--json"], capture_output=True, text=True,
                           timeout=60)
        try:
            got = json.loads(p.stdout)
        except ValueError:
            got = None
        check(f"submit --json {guest}", p.returncode == ref_rc and got is not None
              and strip_timing(got) == strip_timing(ref), f"rc {p.returncode}/{ref_rc} {p}")
        plain = subprocess.run([BIN, "run", elf(guest), *args], capture_output=True, timeout=60)
        p = subprocess.run([BIN, "submit", "--server", d.url, elf(guest), *args, "--wait"],
                           capture_output=True, timeout=60)
        check(f"submit {guest} prints like run", p.returncode == plain.returncode
              and p.stdout == plain.stdout and p.stderr.endswith(plain.stderr),
              f"{p.returncode}/{plain.returncode} {p.stdout[:200]} {p.stderr[-300:]}")
    p = subprocess.run([BIN, "submit", "--server", d.url, "/etc/hostname", "--wait"],
                       capture_output=True, text=True, timeout=30)
    check("submit of a bad ELF exits 2", p.returncode == 2 and "refused" in p.stderr, p)
    tr = os.path.join(tmp, "sub.trace")
    p = subprocess.run([BIN, "submit", "--unix-socket", os.path.join(tmp, "serve.sock"),
                        "--server", "http://localhost", elf("fibonacci"), "--trace", tr,
                        "--wait"], capture_output=True, timeout=60)
    t = subprocess.run([BIN, "trace", tr, "--program", elf("fibonacci")], capture_output=True,
                       timeout=60)
    check("submit over the Unix socket with --trace", p.returncode == 0 and t.returncode == 0,
          (p, t))


# The load mix: (weight, guest, job request, expected state, error pattern).
LOAD_MIX = [
    (30, "fibonacci", {"inputs": [{"u64": 50}]}, "succeeded", None),
    (20, "fibonacci", {"inputs": [{"u64": 90}], "mode": "interp"}, "succeeded", None),
    (30, "sort", {"inputs": [{"u64": 3}]}, "succeeded", None),
    (30, "crc32", {"inputs": [{"u64": 1}]}, "succeeded", None),
    (30, "sha256", {"inputs": [{"u64": 55}]}, "succeeded", None),
    (20, "hello", {}, "succeeded", None),
    (20, "keccak", {"inputs": [{"u64": 136}], "trace": True, "chunk_size": 65536},
     "succeeded", None),
    (3, "fault_load_high", {}, "failed", "out of range"),
    (3, "fault_misaligned_sd", {}, "failed", "align"),
    (3, "fault_illegal", {}, "failed", ""),
    (3, "fault_bad_syscall", {}, "failed", "0x777"),
    (3, "fault_runaway", {"max_cycles": 100000}, "failed", "cycle"),
    (3, "fault_runaway", {"timeout_seconds": 0.2}, "failed", "timeout"),
    (2, "fault_runaway", {"max_memory_bytes": 4096}, "failed", "memory"),
    (2, "fault_hint_exhausted", {}, "failed", "hint|input"),
]


def group_load(tmp):
    import re
    # RVT_SERVE_MODE=tiered: the same load with another default job mode
    mode = os.environ.get("RVT_SERVE_MODE")
    d = Daemon(tmp, os.path.join(tmp, "state"), "--workers", "2",
               *(["--mode", mode] if mode else []))
    try:
        pids = {g: d.upload(g) for _, g, _, _, _ in LOAD_MIX}
        jobs = [(g, spec, state, pat) for w, g, spec, state, pat in LOAD_MIX
                for _ in range(w)]
        check("load: at least 200 jobs, 10% faulting or over limits",
              len(jobs) >= 200 and sum(1 for j in jobs if j[2] == "failed") >= len(jobs) // 10,
              len(jobs))
        # reference results of the good jobs, once per distinct request
        refs = {}
        for g, spec, state, _ in jobs:
            key = (g, json.dumps(spec, sort_keys=True))
            if state == "succeeded" and key not in refs:
                args = [elf(g)] + [x for i in spec.get("inputs", [])
                                   for x in ("--input-u64", str(i["u64"]))]
                args += ["--mode", spec.get("mode", "tier0")]
                tr = (os.path.join(tmp, "ref.trace"), spec["chunk_size"]) if spec.get("trace") \
                    else None
                refs[key] = strip_timing(run_json(args, tr)[1])
        order = list(range(len(jobs)))
        order = order[::7] + [i for i in order if i % 7]   # interleave programs

        def one(i):
            g, spec, _, _ = jobs[i]
            jid = d.submit(pids[g], spec)
            return i, jid, d.wait(jid, 55)

        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=100) as ex:
            done = list(ex.map(one, order))
        secs = time.monotonic() - t0
        bad = []
        instructions = 0
        for i, jid, doc in done:
            g, spec, state, pat = jobs[i]
            res = doc.get("result")
            if res:
                instructions += res["stats"]["instructions"]
            if doc["state"] != state:
                bad.append((g, spec, doc))
            elif state == "succeeded":
                if strip_timing(res) != refs[(g, json.dumps(spec, sort_keys=True))]:
                    bad.append((g, spec, "result differs", res))
            elif not re.search(pat, doc["error"] or "", re.I):
                bad.append((g, spec, "error", doc["error"]))
        check(f"load: {len(done)} jobs final and right in {secs:.1f} s", not bad,
              f"{len(bad)} wrong, first: {bad[:2]}")
        st, _, body = d.json("GET", "/healthz")
        check("load: daemon still up", st == 200, body)
        m = d.metrics()
        n = len(jobs)
        fin = sum(m[f'rvtier_jobs_finished_total{{state="{s}"}}']
                  for s in ("succeeded", "failed", "cancelled"))
        n_ok = sum(1 for j in jobs if j[2] == "succeeded")
        ok = (m["rvtier_jobs_submitted_total"] == n and fin == n
              and m['rvtier_jobs_finished_total{state="succeeded"}'] == n_ok
              and m['rvtier_jobs{state="succeeded"}'] == n_ok
              and m['rvtier_jobs{state="failed"}'] == n - n_ok
              and m["rvtier_jobs_in_flight"] == 0 and m["rvtier_queue_length"] == 0
              and m["rvtier_guest_instructions_total"] == instructions
              and m["rvtier_trace_bytes_total"] > 0
              and m["rvtier_programs"] == len(pids))
        check("load: metrics add up", ok, json.dumps(m, indent=0)[:1500])
    finally:
        rc = d.stop()
        check("load: SIGTERM exits 0", rc == 0, f"exit {rc}")


def group_shutdown(tmp):
    state = os.path.join(tmp, "state")
    d = Daemon(tmp, state, "--workers", "1", "--queue", "2", "--shutdown-grace", "0.5")
    hello, runaway = d.upload("hello"), d.upload("fault_runaway")
    done_id = d.submit(hello, {})
    done_doc = d.wait(done_id)
    run_id = d.submit(runaway, {"timeout_seconds": 30})
    d.wait_running(run_id)
    q1, q2 = d.submit(hello, {}), d.submit(hello, {})
    st, hdr, body = d.json("POST", f"/programs/{hello}/jobs", {})
    check("queue full -> 503 with Retry-After", is_json_error(st, hdr, body, 503)
          and hdr.get("Retry-After") == "1", (st, hdr, body))
    t0 = time.monotonic()
    rc = d.stop()
    secs = time.monotonic() - t0
    check(f"SIGTERM with jobs in flight exits 0 ({secs:.2f} s)", rc == 0 and secs < 10, rc)
    docs = {j: json.load(open(os.path.join(state, "jobs", f"{j}.json")))
            for j in (done_id, run_id, q1, q2)}
    check("SIGTERM: running job cancelled after the grace period, state written",
          docs[run_id]["state"] == "cancelled" and "grace" in docs[run_id]["error"],
          docs[run_id])
    check("SIGTERM: queued jobs cancelled, states written",
          all(docs[j]["state"] == "cancelled" and docs[j]["result"] is None
              for j in (q1, q2)), (docs[q1], docs[q2]))

    # a second daemon on the same state dir serves the earlier results again
    d = Daemon(tmp, state, "--workers", "1", "--shutdown-grace", "5")
    st, _, raw = d.req("GET", f"/jobs/{done_id}")
    check("restart: finished job served again, same document",
          st == 200 and json.loads(raw) == done_doc, raw[:300])
    st, _, body = d.json("GET", f"/jobs/{run_id}")
    check("restart: cancelled job served again", st == 200 and body["state"] == "cancelled",
          body)
    # a job that finishes within the grace period finishes
    pid = d.upload("sieve")
    fin_id = d.submit(pid, {"inputs": [{"u64": 3000000}], "mode": "interp"})
    d.wait_running(fin_id)
    rc = d.stop()
    doc = json.load(open(os.path.join(state, "jobs", f"{fin_id}.json")))
    check("SIGTERM: a job that ends within the grace period finishes",
          rc == 0 and doc["state"] == "succeeded", (rc, doc["state"], doc["error"]))

    # a crash (SIGKILL) with a job running: on restart it is failed, the rest survives
    d = Daemon(tmp, state, "--workers", "1")
    st, _, before = d.req("GET", f"/jobs/{fin_id}")
    runaway = d.upload("fault_runaway")
    crash_id = d.submit(runaway, {})
    d.wait_running(crash_id)
    d.stop(signal.SIGKILL)
    d = Daemon(tmp, state, "--workers", "1")
    try:
        doc = d.wait(crash_id, 5)
        check("crash: in-flight job reported failed on restart", doc["state"] == "failed"
              and doc["error"] == "service restarted while the job ran", doc)
        st, _, after = d.req("GET", f"/jobs/{fin_id}")
        check("crash: finished results survive", after == before, after[:200])
        jid = d.submit(d.upload("hello"), {})
        check("restart: new job ids continue after the old ones", int(jid) > int(crash_id),
              jid)
    finally:
        rc = d.stop()
        check("restart: SIGTERM exits 0", rc == 0, rc)


def run_groups(prefix, groups):
    """Runs each group (a function of a temporary directory) in one directory made for them,
    an exception counting as a failure with its reason (never a skip); prints the summary
    line the shell scripts read, and returns the exit status."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        for group in groups:
            try:
                group(tmp)
            except Exception as e:
                import traceback
                traceback.print_exc()
                check(f"{group.__name__}: no exception", False, repr(e))
    print(f"{PASSED[0]} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


def main():
    if not (BIN and os.access(BIN, os.X_OK) and os.path.isdir(GUESTS)):
        print("FAIL setup: RVT_BIN and RVT_GUEST_DIR must be set (run through ctest)")
        return 1
    group = sys.argv[1] if len(sys.argv) > 1 else "api"
    groups = {"api": group_api, "load": group_load, "shutdown": group_shutdown}
    return run_groups("rvt_serve.", [groups[group]])


if __name__ == "__main__":
    sys.exit(main())
