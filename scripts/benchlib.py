"""benchlib.py — helpers shared by the benchmark scripts (bench_tier0.py, bench_ab.py).

Owns: the table of CPU-heavy guests with their default size and work exponent, timing a
subprocess by wall clock, size calibration (the --input-u64 N that makes a guest run about a
given number of guest instructions), and number formatting for the Markdown tables.
API: GUESTS, GUEST_SIZES, timed(cmd, env, timeout) -> Timed, wall(cmd, env), median(cmd, runs,
     env), instructions(rvtier, elf, extra), calibrate(rvtier, sp1_elf, n0, expo, insns),
     fmt(x), ratio(a, b)
Usage: sys.path.insert(0, os.path.dirname(__file__)); import benchlib"""
import collections
import json
import statistics
import subprocess
import sys
import time

# guest, default N (tests/guests/src/*.c rt_read_u64_or), work ~ N^exponent
GUESTS = [('fibonacci', 1000000, 1), ('sieve', 500000, 1), ('sort', 10000, 1),
          ('matmul', 64, 3), ('crc32', 262144, 1), ('sha256', 65536, 1),
          ('keccak', 32768, 1), ('bigint', 1000, 2)]
GUEST_SIZES = {name: (n0, expo) for name, n0, expo in GUESTS}

# One timed process: wall seconds, exit status, captured stdout/stderr (bytes); timed_out is
# True when it was killed at the timeout (returncode is then None).
Timed = collections.namedtuple('Timed', 'seconds returncode stdout stderr timed_out')


def timed(cmd, env=None, timeout=None, capture_stdout=False):
    """Runs cmd once; the wall time covers the whole process (load, translation, run, exit)."""
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Timed(time.perf_counter() - t, None, e.stdout or b'', e.stderr or b'', True)
    return Timed(time.perf_counter() - t, p.returncode, p.stdout or b'', p.stderr, False)


def wall(cmd, env=None):
    """Wall seconds of cmd; exits the script if cmd fails."""
    r = timed(cmd, env)
    if r.returncode != 0:
        sys.exit('bench: %s exited %d: %s' % (' '.join(cmd), r.returncode,
                                              r.stderr.decode(errors='replace')[:300]))
    return r.seconds


def median(cmd, runs, env=None):
    return statistics.median(wall(cmd, env) for _ in range(runs))


def instructions(rvtier, elf, extra):
    """(guest instructions, trace bytes) of one traced tier 0 run."""
    p = subprocess.run([rvtier, 'run', elf, '--mode', 'tier0', '--json', '--trace', '/dev/null']
                       + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit('bench: %s failed: %s' % (elf, p.stderr.decode(errors='replace')[:300]))
    st = json.loads(p.stdout)['stats']
    return st['instructions'], st['trace_bytes']


def calibrate(rvtier, sp1_elf, n0, expo, insns):
    """(N, guest instructions at N, trace bytes at N): N makes the guest run about insns guest
    instructions, from one run at the default size n0 and work ~ N^expo."""
    i0, _ = instructions(rvtier, sp1_elf, ['--input-u64', str(n0)])
    n = max(1, int(n0 * (insns / i0) ** (1.0 / expo)))
    ins, tbytes = instructions(rvtier, sp1_elf, ['--input-u64', str(n)])
    return n, ins, tbytes


def fmt(x):
    return '%.3f' % x if x < 10 else '%.2f' % x


def ratio(a, b):
    return '%.2f' % (a / b) if b > 0 else '-'
