#!/usr/bin/env python3
"""bench_ab.py — A/B study runner (run through scripts/bench_ab.sh; docs/bench.md).

Runs each program under each config RUNS times, interleaved (every repetition runs every
program under every config, the config order rotated per repetition, so machine noise hits all
configs alike), and computes each run's wall-time ratio to the baseline config's run of the same
program in the same repetition. A config is "LABEL=ARGS" or "ARGS": ARGS are extra `rvtier run`
arguments whose first word may be a mode ("tier1 --opt-level 3" = "--mode tier1 --opt-level 3";
a bare "--trace" records to /dev/null); "qemu" (qemu-riscv64) and "native" (the x86 build) are
the reference builds. Two sets of runs:
  sp1:   the SP1 ELF at size N (--input-u64 N, calibrated to about --insns guest instructions;
         native gets RVT_INPUTS=u64:N) — every config but qemu;
  linux: only if qemu is a config — the Linux-ABI ELF at the same size N: a copy with its size
         slot set to N (benchlib.sized_linux_elf, in OUT_DIR/ab-<timestamp>/linux-sized/), run
         by qemu, every rvtier config with --abi linux, and native with RVT_INPUTS=u64:N. A
         program with no known size (or --insns 0) runs its unmodified ELF at the default size.
Every run's stdout must equal the first config's of the same program and set (a fast wrong
answer is a failure, not a win). rvtier runs use --json: stats.seconds, translate_seconds,
regions_compiled, tierups, compile times, tier1_instructions and the tier-up timeline are
recorded (a key the CLI does not print counts as 0).
Writes into OUT_DIR/ab-<timestamp>/: summary.md, runs.csv (one row per run), study.json (all
runs with timelines, the summary) and plot.png (time ratios; tier-up timeline).
Exit status: 0; 3 when some config failed or gave a different answer (outputs still written,
failures listed in summary.md); 2 for usage errors.
Usage: bench_ab.py --rvtier BIN --guests DIR --out-dir DIR --programs fibonacci,sort
         --configs "tier0; tier1 --opt-level 2; tiered --tier-threshold 100; qemu; native"
         [--runs 5] [--insns 2e8] [--baseline LABEL] [--timeout 600] [--no-plot]"""
import argparse
import collections
import csv
import datetime
import json
import math
import os
import re
import shlex
import statistics
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (GUEST_SIZES, SizeSlotError, calibrate, fmt, instructions,  # noqa: E402
                      sized_linux_elf, timed)

Config = collections.namedtuple('Config', 'label kind args spec')

# Options bench_ab sets itself: a config that gave them would measure something else.
MANAGED = {'--json', '--input', '--input-hex', '--input-u64', '--abi'}
# Short label parts for the usual options (auto labels only).
ABBREV = {'--opt-level': '-O', '--tier-threshold': '-t', '--compile-threads': '-j',
          '--chunk-size': '-chunk', '--max-cycles': '-max'}
STAT_KEYS = ['instructions', 'seconds', 'translate_seconds', 'regions_warm', 'regions_compiled',
             'regions_cached', 'tierups', 'tier1_instructions', 'tier1_entries',
             'compile_seconds_total', 'compile_seconds_median', 'trace_bytes']
CSV_COLUMNS = ['set', 'program', 'size', 'config', 'kind', 'rep', 'order', 'status',
               'wall_seconds', 'ratio_to_baseline', 'ratio_to_native', 'ratio_to_qemu',
               'instructions', 'run_seconds', 'translate_seconds', 'regions_warm',
               'regions_compiled', 'regions_cached', 'tierups', 'tier1_instructions',
               'tier1_entries', 'compile_seconds_total', 'compile_seconds_median', 'trace_bytes', 'error']


def die(msg):
    print('bench_ab: ' + msg, file=sys.stderr)
    sys.exit(2)


def takes_value(words, i):
    return i + 1 < len(words) and not words[i + 1].startswith('--')


def auto_label(words):
    parts = []
    i = 0
    if words and not words[0].startswith('--'):
        parts.append(words[0])
        i = 1
    while i < len(words):
        w = words[i]
        if w == '--mode' and takes_value(words, i):
            parts.insert(0, words[i + 1])
            i += 2
        elif w in ('--trace', '--code-cache'):   # their values are paths, not settings
            parts.append('+trace' if w == '--trace' else '+cache')
            i += 2 if takes_value(words, i) else 1
        elif takes_value(words, i):
            parts.append(ABBREV.get(w, '-' + w.lstrip('-')) + words[i + 1])
            i += 2
        else:
            parts.append('+' + w.lstrip('-'))
            i += 1
    return ''.join(parts) or 'rvtier'


def parse_config(spec):
    m = re.match(r'^\s*([A-Za-z0-9_.+-]+)\s*=(.*)$', spec)
    label, rest = (m.group(1), m.group(2)) if m and not m.group(1).startswith('-') else (None,
                                                                                         spec)
    try:
        words = shlex.split(rest)
    except ValueError as e:
        die('config "%s": %s' % (spec, e))
    if words in (['qemu'], ['native']):
        return Config(label or words[0], words[0], [], spec.strip())
    if not words:
        die('config "%s" is empty: give a mode (interp, tier0, tier1, tiered), rvtier run '
            'options, qemu or native' % spec)
    if words[0] in ('qemu', 'native'):
        die('config "%s": %s takes no options' % (spec, words[0]))
    args = []
    i = 0
    if not words[0].startswith('--'):
        args += ['--mode', words[0]]
        i = 1
    while i < len(words):
        w = words[i]
        if w.split('=')[0] in MANAGED:
            die('config "%s": %s is set by bench_ab itself (sizes: --insns; ABI: the sp1 and '
                'linux sets)' % (spec, w))
        args.append(w)
        if w == '--trace' and not takes_value(words, i):
            args.append('/dev/null')   # the cost of recording, not of the disk
        i += 1
    return Config(label or auto_label(words), 'rvtier', args, spec.strip())


def parse_configs(text):
    configs = [parse_config(s) for s in text.split(';') if s.strip()]
    if not configs:
        die('--configs is empty; e.g. --configs "tier0; tiered; native"')
    seen = set()
    for c in configs:
        if c.label in seen:
            die('two configs are labelled "%s"; name them: "LABEL=ARGS"' % c.label)
        seen.add(c.label)
    return configs


def run_once(a, cfg, prog, set_name):
    """One timed run: a dict with wall_seconds, status, error, stdout and the rvtier stats."""
    rec = dict(set=set_name, program=prog['name'], config=cfg.label, kind=cfg.kind)
    env = dict(os.environ)
    env.pop('RVT_INPUTS', None)
    sized = prog['size'] is not None   # the linux set runs the ELF sized to the same N
    if cfg.kind == 'native':
        cmd = [prog['native']]
        if sized:
            env['RVT_INPUTS'] = 'u64:%d' % prog['size']
    elif cfg.kind == 'qemu':
        cmd = ['qemu-riscv64', prog['linux_run']]
    elif set_name == 'sp1':
        cmd = [a.rvtier, 'run', prog['sp1'], '--json'] + cfg.args
        if sized:
            cmd += ['--input-u64', str(prog['size'])]
    else:
        cmd = [a.rvtier, 'run', prog['linux_run'], '--abi', 'linux', '--json'] + cfg.args
    r = timed(cmd, env, a.timeout, capture_stdout=True)
    rec['wall_seconds'] = r.seconds
    rec['status'], rec['error'], rec['stdout'] = 'ok', '', r.stdout
    err = r.stderr.decode(errors='replace').strip()[:400]
    if r.timed_out:
        rec['status'], rec['error'] = 'failed', 'timed out after %g s' % a.timeout
    elif cfg.kind == 'rvtier':
        try:
            out = json.loads(r.stdout)
        except ValueError:
            out = None
        if out is None:
            rec['status'] = 'failed'
            rec['error'] = 'exit %d, no JSON on stdout: %s' % (r.returncode, err)
        else:
            st = out.get('stats') or {}
            for k in STAT_KEYS:
                rec['run_seconds' if k == 'seconds' else k] = st.get(k, 0) or 0
            rec['timeline'] = st.get('timeline') or []
            rec['stdout'] = (out.get('stdout') or '').encode()
            if out.get('status') != 'ok' or r.returncode != 0:
                rec['status'] = 'failed'
                rec['error'] = 'rvtier %s, exit %d: %s' % (out.get('status'), r.returncode,
                                                           out.get('error') or err)
    elif r.returncode != 0:
        rec['status'], rec['error'] = 'failed', 'exit %d: %s' % (r.returncode, err)
    if rec['status'] != 'ok':
        rec['error'] += ' (command: %s)' % ' '.join(shlex.quote(c) for c in cmd)
    return rec


def prepare_programs(a, names, want_linux, study_dir):
    progs = []
    for name in names:
        p = dict(name=name, sp1=os.path.join(a.guests, 'sp1', name + '.elf'),
                 linux=os.path.join(a.guests, 'linux', name + '.elf'),
                 native=os.path.join(a.guests, 'native', name), size=None)
        need = [p['sp1']] + ([p['linux']] if want_linux else []) + \
            ([p['native']] if a.native else [])
        for f in need:
            if not os.path.exists(f):
                die('%s: %s not found (build the guests target; names are those of '
                    'tests/guests/src/*.c)' % (name, f))
        if a.insns > 0 and name in GUEST_SIZES:
            n0, expo = GUEST_SIZES[name]
            p['size'], p['insns'], _ = calibrate(a.rvtier, p['sp1'], n0, expo, a.insns)
        else:
            if a.insns > 0:
                print('bench_ab: %s has no known size parameter (benchlib.GUESTS); it runs at '
                      'its default size' % name, file=sys.stderr)
            p['insns'], _ = instructions(a.rvtier, p['sp1'], [])
        if want_linux:
            p['linux_run'] = p['linux']
            if p['size'] is not None:
                try:
                    p['linux_run'] = sized_linux_elf(p['linux'], p['size'],
                                                     os.path.join(study_dir, 'linux-sized'))
                except (SizeSlotError, OSError) as e:
                    die('%s: %s (rebuild the guests target, or drop the qemu config)' % (
                        name, e))
            p['linux_insns'], _ = instructions(a.rvtier, p['linux_run'], ['--abi', 'linux'])
        progs.append(p)
    return progs


def rel(runs, ref_label):
    """Per-run ratio of wall time to ref_label's run of the same set/program/repetition."""
    ref = {(r['set'], r['program'], r['rep']): r['wall_seconds'] for r in runs
           if r['config'] == ref_label and r['status'] == 'ok'}
    return [ref.get((r['set'], r['program'], r['rep'])) for r in runs]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def summarise(runs, sets, configs, progs):
    """One entry per (set, program, config) with medians; one per (set, config) geomean."""
    rows = []
    for set_name, set_cfgs, base in sets:
        labels = [c.label for c in set_cfgs]
        for p in progs:
            for c in set_cfgs:
                rs = [r for r in runs if r['set'] == set_name and r['program'] == p['name']
                      and r['config'] == c.label]
                ok = [r for r in rs if r['status'] == 'ok']
                e = dict(set=set_name, program=p['name'], config=c.label, kind=c.kind,
                         baseline=base, runs=len(ok),
                         failed=next((r['error'] for r in rs if r['status'] != 'ok'), None),
                         size=p['size'],
                         guest_insns=p['insns'] if set_name == 'sp1' else p.get('linux_insns'))
                e['median_wall_seconds'] = med(r['wall_seconds'] for r in ok)
                e['min_wall_seconds'] = min((r['wall_seconds'] for r in ok), default=None)
                e['max_wall_seconds'] = max((r['wall_seconds'] for r in ok), default=None)
                for ref in ('baseline', 'native', 'qemu'):
                    key = 'ratio_to_' + ref
                    if ref != 'baseline' and ref not in labels:
                        e[key] = None
                    else:
                        e[key] = med(r.get(key) for r in ok)
                if c.kind == 'rvtier':
                    for k in STAT_KEYS:
                        k2 = 'run_seconds' if k == 'seconds' else k
                        e['median_' + k2] = med(r.get(k2, 0) for r in ok)
                rows.append(e)
    geo = []
    for set_name, set_cfgs, base in sets:
        for c in set_cfgs:
            rs = [e for e in rows if e['set'] == set_name and e['config'] == c.label]
            geo.append(dict(set=set_name, config=c.label, baseline=base,
                            geomean_ratio_to_baseline=geomean(e['ratio_to_baseline'] for e in rs),
                            programs=sum(1 for e in rs if e['ratio_to_baseline'])))
    return rows, geo


def pick_timelines(runs, sets):
    """For each program: the median-time run of the first config of the sp1 set (else the linux
    set) that installed regions. {program: (set, config, run)}."""
    out = {}
    for set_name, set_cfgs, _ in sets:
        for c in set_cfgs:
            by_prog = collections.defaultdict(list)
            for r in runs:
                if (r['set'] == set_name and r['config'] == c.label and r['status'] == 'ok'
                        and r.get('timeline')):
                    by_prog[r['program']].append(r)
            for prog, rs in by_prog.items():
                if prog not in out:
                    rs.sort(key=lambda r: r['wall_seconds'])
                    out[prog] = (set_name, c.label, rs[(len(rs) - 1) // 2])
    return out


def load_pyplot():
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        import matplotlib.ticker  # noqa: F401 (plot_ratios)
    except ImportError:
        die('matplotlib is not importable by %s: run scripts/setup.sh (Debian\'s '
            'python3-matplotlib, for /usr/bin/python3), run with /usr/bin/python3 as '
            'bench_ab.sh does, or pass --no-plot' % sys.executable)
    return plt


def plot_ratios(ax, study, set_name, colors):
    """Diverging bars from the baseline line at 1: above = slower, below = faster."""
    from matplotlib import ticker
    base = study['baseline'][set_name]
    rows = [e for e in study['summary'] if e['set'] == set_name]
    labels = [c['label'] for c in study['configs']
              if c['label'] != base and (set_name == 'linux' or c['kind'] != 'qemu')]
    progs = [p['name'] for p in study['programs']] + ['geomean']
    val = {(e['program'], e['config']): e['ratio_to_baseline'] for e in rows}
    for g in study['geomean']:
        if g['set'] == set_name:
            val[('geomean', g['config'])] = g['geomean_ratio_to_baseline']
    vals = [v for v in val.values() if v]
    spread = max(vals + [1]) / min(vals + [1])
    log = spread > 8
    if log:
        ax.set_yscale('log')
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: '%g' % y))
        # label the 2s and 5s between the decades too: most ratios lie between 0.1 and 10
        ax.yaxis.set_minor_formatter(ticker.FuncFormatter(
            lambda y, _: '%g' % y if round(y / 10 ** math.floor(math.log10(y) + 1e-9), 6)
            in (2, 5) else ''))
        ax.tick_params(axis='y', which='minor', labelsize=7)
    width = 0.8 / max(1, len(labels))
    for j, lb in enumerate(labels):
        for i, prog in enumerate(progs):
            x = i - 0.4 + width * (j + 0.5)
            v = val.get((prog, lb))
            if not v:
                ax.text(x, 1, 'failed', rotation=90, ha='center', va='bottom', fontsize=7,
                        color='red')
                continue
            ax.bar(x, v - 1, width * 0.92, bottom=1, color=colors[lb],
                   label=lb if i == 0 else None, edgecolor='black', linewidth=0.4,
                   hatch='//' if prog == 'geomean' else None)
            ax.text(x, v, ratio_s(v) if v < 10 else '%.0f' % v, ha='center',
                    va='bottom' if v >= 1 else 'top', fontsize=7,
                    rotation=90 if len(labels) * len(progs) > 24 else 0)
    ax.axhline(1, color='black', linestyle='--', linewidth=1.2,
               label='baseline: %s = 1' % base)
    lo, hi = min(vals + [1]), max(vals + [1])
    if log:
        ax.set_ylim(lo / 2.2, hi * 2.2)
    else:
        ax.set_ylim(0, hi * 1.25)
    ax.set_xticks(range(len(progs)))
    ax.set_xticklabels(progs)
    ax.set_xlim(-0.6, len(progs) - 0.4)
    ax.set_ylabel('wall time / %s wall time\n(%s; < 1 = faster)' % (
        base, 'log scale' if log else 'linear'))
    ax.grid(axis='y', which='both', alpha=0.3)
    ax.legend(fontsize=8, loc='upper left', bbox_to_anchor=(1.005, 1.0), borderaxespad=0)
    insns = [p['insns'] for p in study['programs']]
    if set_name == 'sp1':
        what = ('SP1 ELF, ~%.0f M guest insns per run' % (statistics.median(insns) / 1e6)
                if study['insns'] > 0 else 'SP1 ELF at default sizes')
    else:
        what = ('Linux-ABI ELF sized to the same N (qemu-riscv64 comparison)'
                if study['insns'] > 0 else 'Linux-ABI ELF at default size (qemu-riscv64 '
                'comparison)')
    ax.set_title('%s\nwall time relative to %s (median of %d interleaved runs)' % (
        what, base, study['runs_per_config']), fontsize=11)


def plot_timeline(ax, timelines, cmap):
    ax.set_xlabel('time since the run started (s)')
    ax.set_ylabel('tier-1 regions installed\n(cumulative)')
    if not timelines:
        ax.text(0.5, 0.5, 'no tier-up timeline: no run installed a tier-1 region\n'
                '(no tier1/tiered config, or this rvtier has no tier 1)',
                ha='center', va='center', transform=ax.transAxes, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title('Tier-up timeline')
        return
    from matplotlib.ticker import MaxNLocator
    cfgs = sorted({lb for _, lb, _ in timelines.values()})
    for k, (prog, (_, _, r)) in enumerate(sorted(timelines.items())):
        ats = sorted(t.get('at_seconds', 0) for t in r['timeline'])
        end = max([r.get('run_seconds', 0)] + ats)
        xs = [0] + ats + [end]
        ys = [0] + list(range(1, len(ats) + 1)) + [len(ats)]
        line, = ax.step(xs, ys, where='post', color=cmap(k % 8), linewidth=1.6,
                        label='%s (%d regions, run %.3f s)' % (prog, len(ats), end))
        ax.plot(ats, range(1, len(ats) + 1), 'o', markersize=3, color=line.get_color())
        ax.plot([end], [len(ats)], '|', markersize=12, color=line.get_color())
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc='upper left', bbox_to_anchor=(1.005, 1.0), borderaxespad=0)
    ax.set_title('Tier-up timeline: one %s run per program\n(dot = a region installed, '
                 'bar = the run ended)' % '/'.join(cfgs), fontsize=11)


def plot(path, study, timelines):
    plt = load_pyplot()
    sets = list(study['baseline'])
    labels = [c['label'] for c in study['configs']]
    cmap = plt.get_cmap('tab10')
    colors = {lb: cmap(i % 10) for i, lb in enumerate(labels)}
    groups = len(study['programs']) + 1
    width = max(10.0, min(26.0, 4.5 + groups * (0.35 * len(labels) + 0.5)))
    tl_height = 4.3 if timelines else 1.6
    fig, axes = plt.subplots(len(sets) + 1, 1, squeeze=False,
                             figsize=(width, 4.3 * len(sets) + tl_height),
                             gridspec_kw=dict(height_ratios=[4.3] * len(sets) + [tl_height]))
    for ax, set_name in zip(axes[:, 0], sets):
        plot_ratios(ax, study, set_name, colors)
    plot_timeline(axes[-1, 0], timelines, plt.get_cmap('Dark2'))   # not the config colours
    fig.suptitle('rvtier A/B study %s (%s, %d CPUs)' % (study['started'], study['host'],
                                                        study['cpus']), fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.98))   # room for the suptitle
    fig.savefig(path, dpi=110)
    plt.close(fig)


def num(x, f='%.3f'):
    return '-' if x is None else f % x


def insns_s(n):
    return '%.1f M' % (n / 1e6) if n >= 1e5 else '%.1f k' % (n / 1e3)


def ratio_s(x):
    return '-' if x is None else ('%.3f' % x if x < 0.1 else '%.2f' % x)


def markdown(a, configs, sets, progs, rows, geo, timelines, failures, started):
    u = os.uname()
    out = ['# rvtier A/B study, %s' % started.strftime('%Y-%m-%d %H:%M'), '',
           'Host %s %s, %d CPUs. %d runs of each program under each config, interleaved (each '
           'repetition runs every config, order rotated). Times are wall seconds of the whole '
           'process (load, translation, compilation, run). **Ratio = config time / baseline '
           'time of the same program in the same repetition, median over repetitions: < 1 is '
           'faster than the baseline.** "× native" and "× qemu" are the same ratio against '
           'those builds.' % (u.nodename, u.machine, os.cpu_count(), a.runs), '',
           'Command: `%s`' % ' '.join(shlex.quote(x) for x in sys.argv), '',
           '## Configs', '', '| label | runs | as given |', '|---|---|---|']
    for c in configs:
        what = {'qemu': '`qemu-riscv64 linux/P.elf` (linux set only)',
                'native': '`native/P` (x86 build of the same C)'}.get(
                    c.kind, '`rvtier run P.elf %s`' % ' '.join(c.args))
        out.append('| %s | %s | `%s` |' % (c.label, what, c.spec))
    for set_name, set_cfgs, base in sets:
        labels = [c.label for c in set_cfgs]
        if set_name == 'sp1':
            out += ['', ('## SP1 ELF, sized (`--input-u64 N`, native `RVT_INPUTS=u64:N`); '
                         if a.insns > 0 else '## SP1 ELF at default sizes; ')
                    + 'baseline **%s**' % base, '']
        else:
            out += ['', ('## Linux-ABI ELF sized to the same N vs qemu-riscv64; '
                         if a.insns > 0 else '## Linux-ABI ELF at default sizes vs '
                         'qemu-riscv64; ') + 'baseline **%s**' % base, '',
                    'One ELF per program, the Linux-ABI build with its size slot set to N '
                    '(`linux-sized/`; programs without a known size run unmodified at their '
                    'default size): qemu-riscv64 runs it, rvtier runs it with `--abi linux`, '
                    'native gets `RVT_INPUTS=u64:N`.', '']
        out += ['### Time ratio to %s (lower is faster)' % base, '',
                '| program | size N | guest insns | ' + ' | '.join(labels) + ' |',
                '|---|---:|---:|' + '---:|' * len(labels)]
        for p in progs:
            es = {e['config']: e for e in rows if e['set'] == set_name
                  and e['program'] == p['name']}
            e0 = es[labels[0]]
            cells = ['FAILED' if es[lb]['failed'] and es[lb]['runs'] == 0
                     else ratio_s(es[lb]['ratio_to_baseline']) for lb in labels]
            out.append('| %s | %s | %s | %s |' % (
                p['name'], e0['size'] if e0['size'] is not None else 'default',
                insns_s(e0['guest_insns']), ' | '.join(cells)))
        gs = {g['config']: g for g in geo if g['set'] == set_name}
        out.append('| **geomean** | | | %s |' % ' | '.join(
            ratio_s(gs[lb]['geomean_ratio_to_baseline']) for lb in labels))
        out += ['', '### Details', '',
                '| program | config | median s | min–max s | ratio | × native | × qemu '
                '| rvtier run s | translate s | regions compiled (warm, cached) | tier-ups '
                '| compile s total / median | tier-1 insns |',
                '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
        for e in rows:
            if e['set'] != set_name:
                continue
            if e['runs'] == 0:
                out.append('| %s | %s | FAILED | | | | | | | | | | |' % (e['program'],
                                                                       e['config']))
                continue
            rv = e['kind'] == 'rvtier'
            tier1 = '-'
            if rv and e['guest_insns']:
                tier1 = '%.0f%%' % (100.0 * e['median_tier1_instructions'] / e['guest_insns'])
            out.append('| %s | %s | %s | %s–%s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                e['program'], e['config'], fmt(e['median_wall_seconds']),
                fmt(e['min_wall_seconds']), fmt(e['max_wall_seconds']),
                ratio_s(e['ratio_to_baseline']), ratio_s(e['ratio_to_native']),
                ratio_s(e['ratio_to_qemu']),
                num(e.get('median_run_seconds')) if rv else '-',
                num(e.get('median_translate_seconds'), '%.4f') if rv else '-',
                ('%d (%d, %d)' % (e['median_regions_compiled'], e['median_regions_warm'],
                                  e['median_regions_cached']))
                if rv else '-',
                num(e.get('median_tierups'), '%d') if rv else '-',
                ('%s / %s' % (num(e['median_compile_seconds_total'], '%.4f'),
                              num(e['median_compile_seconds_median'], '%.4f'))) if rv else '-',
                tier1))
    out += ['', '## Tier-up timeline', '']
    if not timelines:
        out.append('No run installed a tier-1 region (no tiered/tier1 config, or tier 1 is not '
                   'in this rvtier), so there is no timeline.')
    else:
        out += ['One run per program (the median-time run of the first config that tiered '
                'up); at = seconds since the run started.', '',
                '| program | set | config | regions installed | first at s | last at s '
                '| run s | compile s (sum) |', '|---|---|---|---:|---:|---:|---:|---:|']
        for prog, (set_name, label, r) in sorted(timelines.items()):
            tl = r['timeline']
            ats = [t.get('at_seconds', 0) for t in tl]
            out.append('| %s | %s | %s | %d | %.4f | %.4f | %.3f | %.4f |' % (
                prog, set_name, label, len(tl), min(ats), max(ats), r.get('run_seconds', 0),
                sum(t.get('compile_seconds', 0) for t in tl)))
    if failures:
        out += ['', '## Failures', '']
        out += ['- %s' % f for f in failures]
    out += ['', 'Files: runs.csv (one row per run), study.json (runs with timelines, this '
            'summary), plot.png. How to read them: docs/bench.md.']
    return '\n'.join(out) + '\n'


def write_outputs(a, d, configs, sets, progs, runs, failures, started, done_reps, final):
    """Writes summary.md, runs.csv and study.json (after every repetition, so an interrupted
    study keeps what it measured) and, when final, plot.png. Returns the Markdown text."""
    base_of = {s: b for s, _, b in sets}
    for key, ref in (('ratio_to_native', 'native'), ('ratio_to_qemu', 'qemu')):
        for r, t in zip(runs, rel(runs, ref)):
            r[key] = r['wall_seconds'] / t if t and r['status'] == 'ok' else None
    for set_name, _, b in sets:
        for r, t in zip(runs, rel(runs, b)):
            if r['set'] == set_name:
                r['ratio_to_baseline'] = (r['wall_seconds'] / t if t and r['status'] == 'ok'
                                          else None)
    rows, geo = summarise(runs, sets, configs, progs)
    timelines = pick_timelines(runs, sets)
    text = markdown(a, configs, sets, progs, rows, geo, timelines, failures, started)
    if not final:
        text = ('> **Incomplete: %d of %d repetitions so far.**\n\n' % (done_reps, a.runs)
                + text)
    with open(os.path.join(d, 'summary.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(d, 'runs.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, CSV_COLUMNS, extrasaction='ignore')
        w.writeheader()
        for r in runs:
            w.writerow({k: ('' if r.get(k) is None else r.get(k)) for k in CSV_COLUMNS})
    study = dict(
        started=started.isoformat(timespec='seconds'), host=os.uname().nodename,
        cpus=os.cpu_count(), command=sys.argv, runs_per_config=a.runs,
        repetitions_done=done_reps, complete=final, insns=a.insns, baseline=base_of,
        configs=[dict(label=c.label, kind=c.kind, args=c.args, spec=c.spec) for c in configs],
        programs=[{k: v for k, v in p.items()} for p in progs],
        summary=rows, geomean=geo,
        timeline_runs={k: dict(set=s, config=lb, rep=r['rep'])
                       for k, (s, lb, r) in timelines.items()},
        failures=failures, runs=runs)
    with open(os.path.join(d, 'study.json'), 'w') as f:
        json.dump(study, f, indent=1)
    if final and not a.no_plot:
        plot(os.path.join(d, 'plot.png'), study, timelines)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rvtier', required=True)
    ap.add_argument('--guests', required=True, help='build/guests')
    ap.add_argument('--out-dir', required=True, help='the study goes into OUT_DIR/ab-<time>/')
    ap.add_argument('--programs', default='fibonacci,sieve,sort')
    ap.add_argument('--configs', default='tier0; tiered; native; qemu')
    ap.add_argument('--baseline', default=None, help='label (default: the first config)')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--insns', type=float, default=2e8,
                    help='guest instructions per SP1 run (0: default sizes)')
    ap.add_argument('--timeout', type=float, default=600, help='seconds per run')
    ap.add_argument('--no-plot', action='store_true')
    a = ap.parse_args()
    if a.runs < 1:
        die('--runs must be >= 1')
    if not a.no_plot:
        load_pyplot()   # fail before the study, not after it
    started = datetime.datetime.now()
    configs = parse_configs(a.configs)
    labels = [c.label for c in configs]
    base = a.baseline or labels[0]
    if base not in labels:
        die('--baseline %s is not a config label (labels: %s)' % (base, ', '.join(labels)))
    a.native = any(c.kind == 'native' for c in configs)
    want_linux = any(c.kind == 'qemu' for c in configs)
    if want_linux and not any(os.access(os.path.join(d, 'qemu-riscv64'), os.X_OK)
                              for d in os.environ.get('PATH', '').split(os.pathsep)):
        die('qemu-riscv64 not found; run scripts/setup.sh or drop the qemu config')
    if not os.access(a.rvtier, os.X_OK):
        die('%s is not an executable rvtier' % a.rvtier)
    names = [n for n in a.programs.split(',') if n]
    if not names:
        die('--programs is empty')
    sets = []
    sp1_cfgs = [c for c in configs if c.kind != 'qemu']
    if sp1_cfgs:
        sets.append(('sp1', sp1_cfgs, base if base in [c.label for c in sp1_cfgs]
                     else sp1_cfgs[0].label))
    if want_linux:
        sets.append(('linux', configs, base))
    for set_name, _, b in sets:
        if b != base:
            print('bench_ab: the %s set has no %s; its baseline is %s' % (set_name, base, b),
                  file=sys.stderr)
    d = os.path.join(a.out_dir, 'ab-' + started.strftime('%Y%m%d-%H%M%S'))
    os.makedirs(d, exist_ok=True)
    print('bench_ab: calibrating sizes', file=sys.stderr)
    progs = prepare_programs(a, names, want_linux, d)
    pmap = {p['name']: p for p in progs}
    runs, failures, broken = [], [], set()
    expected = {}
    for rep in range(a.runs):
        for p in progs:
            for set_name, set_cfgs, _ in sets:
                k = rep % len(set_cfgs)
                order = set_cfgs[k:] + set_cfgs[:k]
                for pos, c in enumerate(order):
                    key = (set_name, p['name'], c.label)
                    if key in broken:
                        continue
                    r = run_once(a, c, pmap[p['name']], set_name)
                    r.update(rep=rep, order=pos, size=p['size'])
                    ek = (set_name, p['name'])
                    if r['status'] == 'ok':
                        if ek not in expected:
                            expected[ek] = (c.label, r['stdout'])
                        elif r['stdout'] != expected[ek][1]:
                            r['status'] = 'failed'
                            r['error'] = 'stdout differs from %s\'s (%d vs %d bytes)' % (
                                expected[ek][0], len(r['stdout']), len(expected[ek][1]))
                    del r['stdout']
                    if r['status'] != 'ok':
                        broken.add(key)
                        failures.append('%s / %s / %s (repetition %d): %s' % (
                            set_name, p['name'], c.label, rep + 1, r['error']))
                        print('bench_ab: FAILED ' + failures[-1], file=sys.stderr)
                    runs.append(r)
                    print('bench_ab: [%d/%d] %s %s %s: %.3f s %s' % (
                        rep + 1, a.runs, set_name, p['name'], c.label, r['wall_seconds'],
                        r['status']), file=sys.stderr)
        write_outputs(a, d, configs, sets, progs, runs, failures, started, rep + 1, False)
        print('bench_ab: repetition %d/%d done (partial results in %s)' % (rep + 1, a.runs, d),
              file=sys.stderr)
    text = write_outputs(a, d, configs, sets, progs, runs, failures, started, a.runs, True)
    print(text)
    print('bench_ab: study written to %s' % d, file=sys.stderr)
    return 3 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
