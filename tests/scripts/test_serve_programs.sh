#!/usr/bin/env bash
# test_serve_programs.sh — the service's program cache (docs/service.md, "Programs"), with the
# Daemon helpers of serve_test.py:
# DELETE /programs/{id} (409 while a job runs on it, then 200: 404 after, ELF file gone, final
# jobs still served, upload again works), --max-programs 2 (the least recently used idle
# program evicted, a job counts as use; 503 with Retry-After when every program is busy),
# restart with fewer allowed (the most recently uploaded kept), metrics and log lines,
# concurrent uploads, deletes and jobs under --max-programs 1 (no crash, every job final),
# --code-cache (a re-uploaded program and a restarted daemon link the regions compiled
# before; by default the cache is under the state directory, none turns it off), bad option
# values -> exit 2; rvtier submit uploads again when its job gets 404 (a stand-in
# service).
# Usage: run by ctest (RVT_BIN, RVT_GUEST_DIR set); finishes in a few seconds on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3

t_serve_bad_options "--max-programs -1" "--max-programs abc" "--max-programs 1.5" \
    "--code-cache /nonexistent/x" "--code-cache-max -5" "--code-cache-max 1k"
t_run "$T_TMP/help" "$RVT_BIN" serve --help
if [[ $T_RC == 0 ]] && grep -q -- "--max-programs N" "$T_TMP/help.out" &&
    grep -q "DELETE /programs/{id}" "$T_TMP/help.out"; then
    t_pass "serve --help describes --max-programs and DELETE /programs/{id}"
else
    t_fail "serve --help" "exit $T_RC"
fi

set +e
T_TESTDIR=$(cd "$(dirname "$0")" && pwd) timeout 150 python3 - > "$T_TMP/py.out" 2>&1 <<'EOF'
import concurrent.futures, hashlib, json, os, sys, time
sys.path.insert(0, os.environ["T_TESTDIR"])
from serve_test import Daemon, check, run_groups, elf


def sha(name):
    with open(elf(name), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def saved(state):
    d = os.path.join(state, "programs")
    return sorted(f[:-4] for f in os.listdir(d)) if os.path.isdir(d) else []


def log_events(d, event):
    with open(d.log_path) as f:
        return [json.loads(l) for l in f if l.startswith("{") and f'"event":"{event}"' in l]


def program_ids(d):
    st, _, body = d.json("GET", "/programs")
    return sorted(p["id"] for p in body["programs"])


def delete(tmp):
    state = os.path.join(tmp, "delete")
    d = Daemon(tmp, state, "--workers", "2")
    try:
        hello, runaway = d.upload("hello"), d.upload("fault_runaway")
        before = d.wait(d.submit(hello, {"inputs": []}))
        jid = d.submit(runaway, {"timeout_seconds": 30})
        check("delete: runaway job running", d.wait_running(jid) == "running", jid)
        st, _, body = d.json("GET", f"/programs/{runaway}")
        check("GET /programs/{id} counts the running job", st == 200 and body["jobs"] == 1, body)
        st, _, body = d.json("DELETE", f"/programs/{runaway}")
        check("DELETE of a program with a running job -> 409 that says why",
              st == 409 and "1 queued or running job" in body.get("error", ""), (st, body))
        check("  ... and the job keeps running", d.json("GET", f"/jobs/{jid}")[2]["state"]
              == "running")
        d.json("DELETE", f"/jobs/{jid}")
        check("delete: job cancelled", d.wait(jid)["state"] == "cancelled")
        st, _, body = d.json("DELETE", f"/programs/{runaway}")
        check("DELETE of an idle program -> 200 deleted",
              st == 200 and body == {"id": runaway, "outcome": "deleted"}, (st, body))
        st, _, body = d.json("GET", f"/programs/{runaway}")
        check("a deleted program is 404, saying to upload it again",
              st == 404 and "uploaded again" in body.get("error", ""), (st, body))
        st, _, body = d.json("POST", f"/programs/{runaway}/jobs", {})
        check("a job on a deleted program -> 404", st == 404, (st, body))
        st, _, body = d.json("DELETE", f"/programs/{runaway}")
        check("DELETE again -> 404", st == 404, (st, body))
        check("its ELF is gone from the state dir", saved(state) == [hello], saved(state))
        check("GET /programs lists the rest", program_ids(d) == [hello], program_ids(d))
        st, _, body = d.json("GET", f"/jobs/{jid}")
        check("its final job is still served", st == 200 and body["state"] == "cancelled",
              (st, body))
        st, hdr, _ = d.req("PUT", f"/programs/{hello}")
        check("PUT /programs/{id} -> 405, Allow: GET, DELETE",
              st == 405 and hdr.get("Allow") == "GET, DELETE", (st, hdr))
        check("upload again -> 201 (loaded and translated again)",
              d.req("POST", "/programs", open(elf("fault_runaway"), "rb").read())[0] == 201)
        d.json("DELETE", f"/programs/{hello}")
        pid = d.upload("hello")
        after = d.wait(d.submit(pid, {"inputs": []}))
        check("a job on the uploaded-again program gives the same result",
              after["state"] == "succeeded" and after["result"]["stdout"]
              == before["result"]["stdout"], (before, after))
        m = d.metrics()
        check("metrics: 2 deleted, 0 evicted, 2 loaded",
              m.get('rvtier_programs_removed_total{reason="deleted"}') == 2
              and m.get('rvtier_programs_removed_total{reason="evicted"}') == 0
              and m.get("rvtier_programs") == 2, m)
        ev = log_events(d, "program")
        check("log: one line per deleted program",
              [(e["id"], e["outcome"]) for e in ev] == [(runaway, "deleted"), (hello, "deleted")],
              ev)
    finally:
        check("delete: SIGTERM exits 0", d.stop() == 0)


def max_programs(tmp):
    state = os.path.join(tmp, "max")
    d = Daemon(tmp, state, "--workers", "2", "--max-programs", "2")
    try:
        hello, fib = d.upload("hello"), d.upload("fibonacci")
        d.wait(d.submit(hello, {}))   # hello is now the more recently used
        sort = d.upload("sort")
        check("max-programs 2: a third upload evicts the least recently used (fibonacci)",
              program_ids(d) == sorted([hello, sort]), program_ids(d))
        check("  ... whose ELF is gone from the state dir", saved(state) == sorted([hello, sort]),
              saved(state))
        st, _, body = d.json("POST", f"/programs/{fib}/jobs", {})
        check("  ... and a job on it is 404 that names --max-programs",
              st == 404 and "--max-programs 2" in body.get("error", ""), (st, body))
        ev = log_events(d, "program")
        check("log: the eviction", [(e["id"], e["outcome"]) for e in ev] == [(fib, "evicted")],
              ev)
        runaway = d.upload("fault_runaway")   # evicts hello or sort, whichever is older
        busy = [d.submit(runaway, {"timeout_seconds": 30}) for _ in range(2)]
        for j in busy:
            d.wait_running(j)
        other = [p for p in program_ids(d) if p != runaway][0]
        more = d.submit(other, {})   # queued behind the two: a queued job makes it busy too
        st, hdr, body = d.json("POST", "/programs", raw=open(elf("keccak"), "rb").read())
        check("every loaded program busy: an upload -> 503 with Retry-After, saying why",
              st == 503 and hdr.get("Retry-After") == "1" and "--max-programs 2"
              in body.get("error", ""), (st, hdr, body))
        check("  ... and nothing was evicted", len(program_ids(d)) == 2, program_ids(d))
        for j in [more] + busy:   # the queued one first, so that it never runs
            d.json("DELETE", f"/jobs/{j}")
            d.wait(j)
        st, _, body = d.json("POST", "/programs", raw=open(elf("keccak"), "rb").read())
        check("once idle, the upload evicts one -> 201", st == 201, (st, body))
        m = d.metrics()
        check("metrics: 3 evicted (fibonacci, then one for fault_runaway, one for keccak), "
              "2 loaded", m.get('rvtier_programs_removed_total{reason="evicted"}') == 3
              and m.get("rvtier_programs") == 2, m)
        time.sleep(0.05)
        newest = d.upload("sha256")   # the keccak upload above was the most recent before it
    finally:
        check("max-programs: SIGTERM exits 0", d.stop() == 0)
    kept = saved(state)
    check("before the restart: the last two uploads saved (keccak, sha256)",
          kept == sorted([sha("keccak"), newest]), kept)
    d = Daemon(tmp, state, "--max-programs", "1")
    try:
        check("restart with --max-programs 1 keeps the most recently uploaded",
              program_ids(d) == [newest] and saved(state) == [newest], (kept, program_ids(d)))
        starts = log_events(d, "start")
        check("start line reports max_programs", starts and starts[0]["max_programs"] == 1
              and starts[0]["programs"] == 1, starts)
    finally:
        check("restart: SIGTERM exits 0", d.stop() == 0)


def race(tmp):
    """Uploads, deletes and jobs racing under --max-programs 1: each request gets a sane
    answer and every accepted job ends final with the run's own result."""
    d = Daemon(tmp, os.path.join(tmp, "race"), "--workers", "2", "--max-programs", "1",
               "--fsync", "never")
    names = ["hello", "fibonacci", "sort"]
    specs = {"hello": {}, "fibonacci": {"inputs": [{"u64": 30}]}, "sort": {"inputs": [{"u64": 3}]}}
    elfs = {n: open(elf(n), "rb").read() for n in names}
    answers, jobs = [], []

    def client(k):
        for i in range(12):
            n = names[(k + i) % 3]
            st, _, body = d.json("POST", "/programs", raw=elfs[n])
            answers.append(("upload", st))
            if st in (200, 201):
                st, _, b = d.json("POST", f"/programs/{body['id']}/jobs", specs[n])
                answers.append(("job", st))
                if st == 202:
                    jobs.append(b["id"])
            if i % 4 == 3:
                st, _, _ = d.json("DELETE", f"/programs/{sha(n)}")
                answers.append(("delete", st))
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            list(ex.map(client, range(4)))
        allowed = {"upload": {200, 201, 503}, "job": {202, 404}, "delete": {200, 404, 409}}
        bad = [a for a in answers if a[1] not in allowed[a[0]]]
        check(f"race: {len(answers)} answers, each one of the allowed statuses", not bad, bad)
        docs = [d.wait(j) for j in jobs]
        check(f"race: all {len(jobs)} accepted jobs succeeded",
              jobs and all(doc["state"] == "succeeded" for doc in docs),
              [doc for doc in docs if doc["state"] != "succeeded"][:2])
        check("race: at most one program loaded", len(program_ids(d)) <= 1, program_ids(d))
    finally:
        check("race: the daemon survived and exits 0 on SIGTERM", d.stop() == 0)


def code_cache(tmp):
    """--code-cache: a program uploaded again after DELETE, and after a restart, links the
    regions its first job compiled; the results are the same."""
    state, cache = os.path.join(tmp, "cc_state"), os.path.join(tmp, "cc")
    spec = {"mode": "tier1", "inputs": [{"u64": 3000}]}

    def job(d):
        doc = d.wait(d.submit(d.upload("sha256"), spec))
        assert doc["state"] == "succeeded", doc
        return doc["result"]
    d = Daemon(tmp, state, "--workers", "1", "--code-cache", cache)
    try:
        first = job(d)
        n = first["stats"]["regions_compiled"]
        check(f"code cache: the first job compiles {n} regions, none cached",
              n > 10 and first["stats"]["regions_cached"] == 0, first["stats"])
        d.json("DELETE", f"/programs/{sha('sha256')}")
        again = job(d)
        check("code cache: uploaded again after DELETE, its job links every region",
              again["stats"]["regions_cached"] == n, again["stats"])
        check("  ... with the same result", again["regs"] == first["regs"]
              and again["stdout"] == first["stdout"], (first, again))
        starts = log_events(d, "start")
        check("start line names the code cache", starts and starts[0]["code_cache"] == cache,
              starts)
    finally:
        check("code cache: SIGTERM exits 0", d.stop() == 0)
    d = Daemon(tmp, state, "--workers", "1", "--code-cache", cache)
    try:
        after = job(d)
        check("code cache: after a restart the job links every region",
              after["stats"]["regions_cached"] == n and after["regs"] == first["regs"],
              after["stats"])
    finally:
        check("code cache restart: SIGTERM exits 0", d.stop() == 0)
    # By default the cache is STATE/code-cache, bounded; none turns it off.
    state = os.path.join(tmp, "cc_default")
    for k in range(2):
        d = Daemon(tmp, state, "--workers", "1")
        try:
            got = job(d)["stats"]
            start = log_events(d, "start")[0]
            check(f"default code cache, daemon {k + 1}: under the state directory, 1 GiB",
                  start["code_cache"] == os.path.join(state, "code-cache")
                  and start["code_cache_max"] == 1 << 30, start)
            check(f"  ... its job {'compiles' if k == 0 else 'links'} every region",
                  got["regions_cached"] == (0 if k == 0 else n), got)
            m = d.metrics()
            check("  ... and the metrics count what it compiled and linked",
                  m.get("rvtier_regions_compiled_total") == n
                  and m.get("rvtier_regions_cached_total") == (0 if k == 0 else n), m)
        finally:
            check(f"default code cache, daemon {k + 1}: SIGTERM exits 0", d.stop() == 0)
    d = Daemon(tmp, state, "--workers", "1", "--code-cache", "none",
               "--code-cache-max", "0")
    try:
        got = job(d)["stats"]
        start = log_events(d, "start")[0]
        check("--code-cache none: no cache, the job compiles every region",
              start["code_cache"] is None and got["regions_cached"] == 0
              and got["regions_compiled"] == n, (start, got))
    finally:
        check("--code-cache none: SIGTERM exits 0", d.stop() == 0)


def submit_retry(tmp):
    """rvtier submit against a stand-in service whose first job POST answers 404, as when
    another client's upload evicted the program between this one's upload and its job:
    the client uploads again and retries (at most 3 times), so it still gets its job."""
    import http.server, subprocess, threading
    seen, refuse = [], [1]

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append(self.path.split("?")[0])
            if self.path.startswith("/programs?"):
                code, body = 201, {"id": "abc"}
            elif refuse[0] > 0:
                refuse[0] -= 1
                code, body = 404, {"error": "no program 'abc'", "status": 404}
            else:
                code, body = 202, {"id": "7", "state": "queued", "location": "/jobs/7"}
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        p = subprocess.run([os.environ["RVT_BIN"], "submit", "--server", url, elf("hello")],
                           capture_output=True, text=True, timeout=30)
        check("submit: a 404 for the job -> upload again, then the job is queued",
              p.returncode == 0 and "job 7 queued" in p.stdout and seen ==
              ["/programs", "/programs/abc/jobs"] * 2, (p.returncode, p.stdout, p.stderr, seen))
        seen.clear()
        refuse[0] = 10
        p = subprocess.run([os.environ["RVT_BIN"], "submit", "--server", url, elf("hello")],
                           capture_output=True, text=True, timeout=30)
        check("submit: gives up after 4 tries with the service's 404 message, exit 2",
              p.returncode == 2 and "no program 'abc'" in p.stderr and len(seen) == 8,
              (p.returncode, p.stderr, seen))
    finally:
        srv.shutdown()


sys.exit(run_groups("rvt_serve_prog.", [delete, max_programs, race, code_cache, submit_retry]))
EOF
t_python_checks "$?" "$T_TMP/py.out" "service program-cache checks"
t_finish
