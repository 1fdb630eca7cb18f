"""benchlib.py — helpers shared by the benchmark scripts (bench_tier0.py, bench_ab.py).

Owns: the table of CPU-heavy guests with their default size and work exponent, timing a
subprocess by wall clock, size calibration (the --input-u64 N that makes a guest run about a
given number of guest instructions), sized Linux-ABI ELFs (a copy with the size slot of
tests/guests/rt/rt_linux.c set to N, so qemu-riscv64 runs the guest at size N too), and number
formatting for the Markdown tables.
API: GUESTS, GUEST_SIZES, timed(cmd, env, timeout) -> Timed, wall(cmd, env, expect),
     median(cmd, runs, env, expect), output(cmd, env) -> stdout bytes, instructions(rvtier, elf, extra), calibrate(rvtier, sp1_elf, n0, expo, insns),
     sized_linux_elf(src_elf, n, out_dir) -> path (SizeSlotError), fmt(x), ratio(a, b)
Usage: sys.path.insert(0, os.path.dirname(__file__)); import benchlib
       python3 -B scripts/benchlib.py sized-linux-elf SRC.elf N OUT_DIR   (prints the path)"""
import collections
import json
import os
import shutil
import statistics
import struct
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


def wall(cmd, env=None, expect=None):
    """Wall seconds of cmd; exits the script if cmd fails or, when expect (bytes) is given,
    prints anything else on stdout (a fast wrong answer is not a result)."""
    r = timed(cmd, env, capture_stdout=expect is not None)
    if r.returncode != 0:
        sys.exit('bench: %s exited %s: %s' % (' '.join(cmd), r.returncode,
                                              r.stderr.decode(errors='replace')[:300]))
    if expect is not None and r.stdout != expect:
        sys.exit('bench: %s printed %d bytes that differ from the reference output (%d bytes): '
                 '%r' % (' '.join(cmd), len(r.stdout), len(expect), r.stdout[:200]))
    return r.seconds


def median(cmd, runs, env=None, expect=None):
    return statistics.median(wall(cmd, env, expect) for _ in range(runs))


def output(cmd, env=None):
    """stdout (bytes) of one run of cmd; exits the script if cmd fails."""
    r = timed(cmd, env, capture_stdout=True)
    if r.returncode != 0:
        sys.exit('bench: %s exited %s: %s' % (' '.join(cmd), r.returncode,
                                              r.stderr.decode(errors='replace')[:300]))
    return r.stdout


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


# The size slot of Linux-ABI guests (tests/guests/rt/rt_linux.c rt_linux_size): these magic
# bytes, then the size as a little-endian u64; NO_SIZE (the built-in value) means no input.
SIZE_MAGIC = b'RVTSIZE!'
NO_SIZE = 2 ** 64 - 1


class SizeSlotError(Exception):
    """The ELF cannot be sized: not an ELF, no size slot, or more than one."""


def sized_linux_elf(src_elf, n, out_dir):
    """Copies src_elf to OUT_DIR/<name>-n<N>.elf with its size slot set to n, so the guest's
    rt_read_u64_or(dflt) returns n, as `--input-u64 n` does for the SP1 ELF. Every other byte
    stays as it is. Returns the new path; raises SizeSlotError (what, where, what to do)."""
    if not 0 <= n < NO_SIZE:
        raise SizeSlotError('size %d for %s is out of range: it must be 0..2^64-2 (2^64-1 '
                            'means "no input")' % (n, src_elf))
    with open(src_elf, 'rb') as f:
        data = bytearray(f.read())
    if data[:4] != b'\x7fELF':
        raise SizeSlotError('%s is not an ELF file' % src_elf)
    at = data.find(SIZE_MAGIC)
    if at < 0:
        raise SizeSlotError(
            '%s has no size slot (magic %r not found): only Linux-ABI guests that read a size '
            'with rt_read_u64_or, built with tests/guests/rt/rt_linux.c, can be sized' % (
                src_elf, SIZE_MAGIC.decode()))
    again = data.find(SIZE_MAGIC, at + 1)
    if again >= 0:
        raise SizeSlotError('%s holds the size magic %r twice (file offsets %d and %d), so the '
                            'slot is ambiguous: the magic must occur only in rt_linux.c\'s '
                            'rt_linux_size' % (src_elf, SIZE_MAGIC.decode(), at, again))
    if at + 16 > len(data):
        raise SizeSlotError('%s: the size magic at file offset %d is not followed by 8 bytes '
                            '(truncated ELF?)' % (src_elf, at))
    data[at + 8:at + 16] = struct.pack('<Q', n)
    base = os.path.basename(src_elf)
    stem = base[:-4] if base.endswith('.elf') else base
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, '%s-n%d.elf' % (stem, n))
    if os.path.abspath(out) == os.path.abspath(src_elf):
        raise SizeSlotError('%s: the sized copy would overwrite its source; give another '
                            'out_dir' % src_elf)
    with open(out, 'wb') as f:
        f.write(data)
    shutil.copymode(src_elf, out)
    return out


def fmt(x):
    return '%.3f' % x if x < 10 else '%.2f' % x


def ratio(a, b):
    return '%.2f' % (a / b) if b > 0 else '-'


def main(argv):
    """Command line: sized-linux-elf SRC.elf N OUT_DIR -> prints the sized copy's path."""
    if len(argv) != 4 or argv[0] != 'sized-linux-elf':
        print('usage: benchlib.py sized-linux-elf SRC.elf N OUT_DIR', file=sys.stderr)
        return 2
    try:
        n = int(argv[2], 0)
    except ValueError:
        print('benchlib: error: size %r is not an integer' % argv[2], file=sys.stderr)
        return 2
    try:
        print(sized_linux_elf(argv[1], n, argv[3]))
    except (SizeSlotError, OSError) as e:
        print('benchlib: error: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
