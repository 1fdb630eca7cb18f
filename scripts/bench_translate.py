#!/usr/bin/env python3
"""bench_translate.py — tier 0 translation speed (load and translate of random RV64IM texts,
scripts/gen_big_elf.py) on 1..N threads, with one thread as the baseline measured in the same
run. Each measurement is a one-shot tests/bench/rvt_xlate_bench process (a fresh process pays
its page faults, as `rvtier run` does); repetitions interleave the thread counts, rotating
their order, and the table gives medians and the median of per-repetition ratios (the
machine is shared and noisy: read the ratios, not the seconds). With --callgrind, also the
host instructions per guest instruction of one single-threaded translation (valgrind's
callgrind: deterministic, unlike the times).
Usage: scripts/bench_translate.sh [BUILD_DIR=build] [--sizes 250000,1000000] [--runs 7]
       [--threads 1,2] [--callgrind]
Writes results/translate-<timestamp>.md (and the generated texts next to it)."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

LINE = re.compile(r'(\d+) instructions: load ([\d.]+) ms, translate ([\d.]+) ms .*?(\d+) threads?')


def one_shot(bench, elf, threads):
    p = subprocess.run([bench, elf, '1', str(threads)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    m = LINE.search(p.stdout.decode())
    if p.returncode != 0 or not m:
        sys.exit('bench_translate: %s %s failed: %s' % (bench, elf,
                                                         (p.stdout + p.stderr).decode()[:400]))
    return float(m.group(2)), float(m.group(3)), int(m.group(4))


def callgrind_ir(bench, elf, tmp):
    out = os.path.join(tmp, 'cg.out')
    p = subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out, bench,
                        elf, '1', '1'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    m = re.search(rb'refs:\s+([\d,]+)', p.stderr)
    if p.returncode != 0 or not m:
        sys.exit('bench_translate: callgrind failed: ' + p.stderr.decode()[-400:])
    return int(m.group(1).replace(b',', b''))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bench', required=True, help='rvt_xlate_bench executable')
    ap.add_argument('--src', required=True, help='rvtier source tree')
    ap.add_argument('--out-dir', required=True)
    ap.add_argument('--sizes', default='250000,1000000')
    ap.add_argument('--runs', type=int, default=7)
    ap.add_argument('--threads', default=None, help='thread counts (default 1..CPUs, at most 8)')
    ap.add_argument('--callgrind', action='store_true')
    a = ap.parse_args()
    try:
        sizes = [int(float(x)) for x in a.sizes.split(',')]
        threads = ([int(x) for x in a.threads.split(',')] if a.threads else
                   list(range(1, min(os.cpu_count() or 1, 8) + 1)))
    except ValueError as e:
        sys.exit('bench_translate: --sizes and --threads take comma-separated numbers: %s' % e)
    if any(n < 4 for n in sizes) or any(not 1 <= t <= 8 for t in threads) or a.runs < 1:
        sys.exit('bench_translate: sizes must be >= 4, thread counts 1..8, --runs >= 1')
    if 1 not in threads:
        threads = [1] + threads   # the baseline
    if a.callgrind and not shutil.which('valgrind'):
        sys.exit('bench_translate: --callgrind needs valgrind (apt-get install valgrind)')
    out = os.path.join(a.out_dir, 'translate-' + time.strftime('%Y%m%d-%H%M%S'))
    os.makedirs(out, exist_ok=True)
    rows = []
    for n in sizes:
        elf = os.path.join(out, 'text-%d.elf' % n)
        subprocess.run([sys.executable, os.path.join(a.src, 'scripts', 'gen_big_elf.py'), elf,
                        str(n), '1'], check=True, stdout=subprocess.DEVNULL)
        load = {t: [] for t in threads}
        xlate = {t: [] for t in threads}
        used = {}
        for r in range(a.runs):
            order = threads[r % len(threads):] + threads[:r % len(threads)]
            for t in order:
                ld, tr, u = one_shot(a.bench, elf, t)
                load[t].append(ld)
                xlate[t].append(tr)
                used[t] = u
        for t in threads:
            ratios = [xlate[t][k] / xlate[1][k] for k in range(a.runs)]
            med = statistics.median(xlate[t])
            rows.append((n, t, used[t], statistics.median(load[t]), med, n / med / 1e3,
                         statistics.median(ratios)))
        if a.callgrind:
            rows.append((n, 'callgrind', callgrind_ir(a.bench, elf, out) / n))
    lines = ['# tier 0 translation speed, %s' % time.strftime('%Y-%m-%d %H:%M'), '',
             'Host %s, %d CPUs; %d one-shot runs per cell, thread counts interleaved. '
             'translate = t0_translate_opts alone; load = reading, decoding and leader marking '
             '(always on its automatic threads). Ratio = translate time / one thread\'s in the '
             'same repetition, median: < 1 is faster.' % (os.uname().nodename, os.cpu_count() or 1,
                                                          a.runs), '',
             '| instructions | threads asked | slices | load ms | translate ms | M instr/s | '
             'ratio to 1 thread |', '|---:|---:|---:|---:|---:|---:|---:|']
    for row in rows:
        if row[1] == 'callgrind':
            lines.append('| %d | callgrind, 1 thread | | | %.0f host instructions per guest '
                         'instruction (load + translate) | | |' % (row[0], row[2]))
        else:
            lines.append('| %d | %d | %d | %.1f | %.1f | %.1f | %.2f |' % row)
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(out, 'summary.md'), 'w') as f:
        f.write(text)
    print(text)
    print('bench_translate: written to %s/summary.md' % out)


if __name__ == '__main__':
    main()
