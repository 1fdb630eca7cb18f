#!/usr/bin/env python3
"""bench_tier0.py — the tier 0 benchmark (run through scripts/bench_tier0.sh).

For each CPU-heavy guest: picks a size (--input-u64 N) that makes it run about TARGET guest
instructions (calibrated with one tier 0 run at the default size and the size's known exponent),
then takes the median wall time over RUNS runs of: the native host build (RVT_INPUTS=u64:N),
rvtier --mode interp, --mode tier0, and --mode tier0 --trace /dev/null. A second table compares
with qemu-riscv64 at the same size N: the Linux-ABI ELF is copied with its size slot set to N
(benchlib.sized_linux_elf, into a temporary directory) and that one ELF runs under qemu-riscv64
and under rvtier --abi linux (interp, tier0, tier0 with trace), next to native at N; every run
of that table must print what qemu printed. Prints Markdown and writes it to
results/bench-tier0-<time>.md.
Usage: bench_tier0.py --rvtier BIN --guests DIR --out-dir DIR [--runs 3] [--insns 4e8]"""
import argparse
import datetime
import os
import sys
import tempfile

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (GUESTS, SizeSlotError, calibrate, fmt, instructions, median,  # noqa: E402
                      output, ratio, sized_linux_elf)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rvtier', required=True)
    ap.add_argument('--guests', required=True)
    ap.add_argument('--out-dir', required=True)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--insns', type=float, default=4e8)
    ap.add_argument('--only', default='')
    a = ap.parse_args()
    only = set(a.only.split(',')) - {''}
    trace = '/dev/null'   # the cost of recording, not of the disk
    rows, qrows = [], []
    tot = dict(native=0, interp=0, tier0=0, trace=0)
    qtot = dict(qemu=0, native=0, interp=0, tier0=0, trace=0)
    sized_dir = tempfile.TemporaryDirectory(prefix='rvt-bench-sized-')
    for name, n0, expo in GUESTS:
        if only and name not in only:
            continue
        sp1 = os.path.join(a.guests, 'sp1', name + '.elf')
        lin = os.path.join(a.guests, 'linux', name + '.elf')
        nat = os.path.join(a.guests, 'native', name)
        n, ins, tbytes = calibrate(a.rvtier, sp1, n0, expo, a.insns)
        arg = ['--input-u64', str(n)]
        env = dict(os.environ, RVT_INPUTS='u64:%d' % n)
        t = dict(native=median([nat], a.runs, env),
                 interp=median([a.rvtier, 'run', sp1, '--mode', 'interp'] + arg, a.runs),
                 tier0=median([a.rvtier, 'run', sp1, '--mode', 'tier0'] + arg, a.runs),
                 trace=median([a.rvtier, 'run', sp1, '--mode', 'tier0', '--trace', trace] + arg,
                              a.runs))
        trace_mb = tbytes / 1e6
        for k in tot:
            tot[k] += t[k]
        rows.append('| %s | %d | %.0f M | %s | %s | %s | %s | %s | %s | %s | %.0f |' % (
            name, n, ins / 1e6, fmt(t['native']), fmt(t['interp']), fmt(t['tier0']),
            fmt(t['trace']), ratio(t['interp'], t['native']), ratio(t['tier0'], t['native']),
            ratio(t['trace'], t['native']), trace_mb))
        try:
            lin_n = sized_linux_elf(lin, n, sized_dir.name)
        except (SizeSlotError, OSError) as e:
            sys.exit('bench: %s' % e)
        qi, _ = instructions(a.rvtier, lin_n, ['--abi', 'linux'])
        lx = ['--abi', 'linux']
        ref = output(['qemu-riscv64', lin_n])
        q = dict(qemu=median(['qemu-riscv64', lin_n], a.runs, expect=ref),
                 native=median([nat], a.runs, env, expect=ref),
                 interp=median([a.rvtier, 'run', lin_n, '--mode', 'interp'] + lx, a.runs,
                               expect=ref),
                 tier0=median([a.rvtier, 'run', lin_n, '--mode', 'tier0'] + lx, a.runs,
                              expect=ref),
                 trace=median([a.rvtier, 'run', lin_n, '--mode', 'tier0', '--trace', trace] + lx,
                              a.runs, expect=ref))
        for k in qtot:
            qtot[k] += q[k]
        qrows.append('| %s | %d | %.0f M | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            name, n, qi / 1e6, fmt(q['qemu']), fmt(q['native']), fmt(q['interp']),
            fmt(q['tier0']), fmt(q['trace']), ratio(q['qemu'], q['native']),
            ratio(q['qemu'], q['interp']), ratio(q['qemu'], q['tier0']),
            ratio(q['qemu'], q['trace'])))
        print('bench: %s done' % name, file=sys.stderr)
    sized_dir.cleanup()
    uname = os.uname()
    out = ['# rvtier tier 0 benchmark, %s' % datetime.datetime.now().strftime('%Y-%m-%d %H:%M'),
           '',
           'Host %s %s, %d CPUs; median wall seconds of %d runs (whole process: load, '
           'translation, run); tier0+trace = `--trace /dev/null` (recording cost, no disk).' % (
               uname.nodename, uname.machine, os.cpu_count(), a.runs),
           '',
           '## SP1 ELF, size N (`--input-u64 N`, native: `RVT_INPUTS=u64:N`)', '',
           '| program | N | guest insns | native s | interp s | tier0 s | tier0+trace s '
           '| interp/native | tier0/native | tier0+trace/native | trace MB |',
           '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'] + rows + [
           '| **total** | | | %s | %s | %s | %s | %s | %s | %s | |' % (
               fmt(tot['native']), fmt(tot['interp']), fmt(tot['tier0']), fmt(tot['trace']),
               ratio(tot['interp'], tot['native']), ratio(tot['tier0'], tot['native']),
               ratio(tot['trace'], tot['native'])),
           '',
           '## Linux-ABI ELF sized to the same N vs qemu-riscv64',
           '', 'One ELF per program (the Linux-ABI build with its size slot set to N, '
           '`benchlib.sized_linux_elf`) under `qemu-riscv64` and `rvtier run --abi linux`; '
           'native at N. Every run printed what qemu printed. Speedup = qemu seconds / '
           'rvtier seconds (> 1: rvtier is faster); qemu/native = how much slower qemu is '
           'than native.', '',
           '| program | N | guest insns | qemu s | native s | interp s | tier0 s '
           '| tier0+trace s | qemu/native | interp speedup | tier0 speedup '
           '| tier0+trace speedup |',
           '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'] + qrows + [
           '| **total** | | | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
               fmt(qtot['qemu']), fmt(qtot['native']), fmt(qtot['interp']),
               fmt(qtot['tier0']), fmt(qtot['trace']), ratio(qtot['qemu'], qtot['native']),
               ratio(qtot['qemu'], qtot['interp']), ratio(qtot['qemu'], qtot['tier0']),
               ratio(qtot['qemu'], qtot['trace']))]
    text = '\n'.join(out) + '\n'
    os.makedirs(a.out_dir, exist_ok=True)
    path = os.path.join(a.out_dir, 'bench-tier0-%s.md' % datetime.datetime.now().strftime(
        '%Y%m%d-%H%M%S'))
    with open(path, 'w') as f:
        f.write(text)
    print(text)
    print('bench: written to %s' % path, file=sys.stderr)


if __name__ == '__main__':
    main()
