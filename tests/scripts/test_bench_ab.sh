#!/usr/bin/env bash
# test_bench_ab.sh — smoke test of the A/B study runner (scripts/bench_ab.py): a tiny study (2
# small guests, tier0 / interp / qemu / native, plus tiered when this rvtier has it, 1 run, ~2M
# guest instructions) must exit 0 and write summary.md, runs.csv, study.json and plot.png that
# are well-formed: PNG signature and size, the CSV's columns and one row per run with positive
# times and ratios (1 for the baseline), the JSON's summary, geomeans and configs, both tables in
# the Markdown. Then a failing config must give exit 3 and a Failures section, and duplicate
# labels a usage error (2). Takes ~10 s.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... bash test_bench_ab.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool qemu-riscv64
# Debian's python3 is the one with Debian's python3-matplotlib (scripts/setup.sh).
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || t_abort "python3 not found (run scripts/setup.sh)"
"$PY" -c 'import matplotlib' 2>/dev/null \
    || t_abort "$PY cannot import matplotlib (run scripts/setup.sh: python3-matplotlib)"
AB=$RVT_SRC_DIR/scripts/bench_ab.py

configs="tier0; interp; qemu; native"
tiered=0
help=$("$RVT_BIN" run --help 2>&1 || true)
if [[ $help == *--sync-compile* && $help == *tiered* ]]; then
    configs="tier0; interp; tiered --tier-threshold 10 --sync-compile; qemu; native"
    tiered=1
fi
echo "configs: $configs"

out=$T_TMP/study
t_run "$T_TMP/ab" timeout 60 "$PY" "$AB" --rvtier "$RVT_BIN" --guests "$RVT_GUEST_DIR" \
    --out-dir "$out" --programs fibonacci,sieve --configs "$configs" --runs 1 --insns 2e6
if [[ $T_RC != 0 ]]; then
    t_fail "study runs" "exit $T_RC: $(tail -c 600 "$T_TMP/ab.err")"
    t_finish || exit 1
fi
t_pass "study runs (exit 0)"
dirs=("$out"/ab-*)
[[ ${#dirs[@]} == 1 && -d ${dirs[0]} ]] \
    || t_abort "expected one $out/ab-<time> folder, got: ${dirs[*]}"
d=${dirs[0]}
for f in summary.md runs.csv study.json plot.png; do
    [[ -s $d/$f ]] && t_pass "$f written" || t_fail "$f written" "$d/$f missing or empty"
done

# Every check prints PASS/FAIL NAME: WHY lines; the bash side counts them.
"$PY" - "$d" "$tiered" > "$T_TMP/checks" 2>&1 <<'PYEOF' || true
import csv, json, os, struct, sys
d, tiered = sys.argv[1], sys.argv[2] == '1'
def check(name, ok, why=''):
    print('%s %s%s' % ('PASS' if ok else 'FAIL', name, '' if ok else ': ' + why))
png = open(os.path.join(d, 'plot.png'), 'rb').read()
check('plot.png signature', png[:8] == b'\x89PNG\r\n\x1a\n', repr(png[:8]))
w, h = struct.unpack('>II', png[16:24])
check('plot.png size', len(png) > 20000 and 800 <= w <= 4000 and 400 <= h <= 4000,
      '%d bytes, %dx%d' % (len(png), w, h))
rows = list(csv.DictReader(open(os.path.join(d, 'runs.csv'))))
cols = open(os.path.join(d, 'runs.csv')).readline().strip().split(',')
need = ['set', 'program', 'config', 'rep', 'status', 'wall_seconds', 'ratio_to_baseline',
        'ratio_to_native', 'ratio_to_qemu', 'run_seconds', 'regions_compiled', 'tierups',
        'compile_seconds_total', 'tier1_instructions', 'tier1_entries']
check('runs.csv columns', all(c in cols for c in need),
      'missing %s' % [c for c in need if c not in cols])
n_rv = 3 if tiered else 2
want = 2 * ((n_rv + 1) + (n_rv + 2))   # 2 programs x (sp1: rvtier + native; linux: + qemu)
check('runs.csv rows', len(rows) == want, '%d rows, want %d' % (len(rows), want))
check('runs all ok', all(r['status'] == 'ok' for r in rows),
      '; '.join(r['error'] for r in rows if r['status'] != 'ok')[:400])
check('wall times > 0', all(float(r['wall_seconds']) > 0 for r in rows))
check('ratios > 0', all(float(r['ratio_to_baseline']) > 0 for r in rows),
      str([r['ratio_to_baseline'] for r in rows]))
check('baseline ratio 1', all(float(r['ratio_to_baseline']) == 1.0 for r in rows
                              if r['config'] == 'tier0'))
check('ratio to qemu in the linux set', all(float(r['ratio_to_qemu']) > 0 for r in rows
                                            if r['set'] == 'linux'))
check('both sets', {r['set'] for r in rows} == {'sp1', 'linux'})
check('sp1 set sized', all(int(r['size']) > 1000 for r in rows if r['set'] == 'sp1'))
check('rvtier stats read', all(int(r['instructions']) > 1000000 for r in rows
                               if r['kind'] == 'rvtier' and r['set'] == 'sp1'))
s = json.load(open(os.path.join(d, 'study.json')))
check('study.json summary', len(s['summary']) == want and
      all(e['ratio_to_baseline'] > 0 and e['median_wall_seconds'] > 0 for e in s['summary']))
check('study.json geomean', all(g['geomean_ratio_to_baseline'] > 0 for g in s['geomean']) and
      len(s['geomean']) == (n_rv + 1) + (n_rv + 2))
check('study.json configs', [c['label'] for c in s['configs']][:2] == ['tier0', 'interp'] and
      s['baseline'] == {'sp1': 'tier0', 'linux': 'tier0'}, str(s['baseline']))
md = open(os.path.join(d, 'summary.md')).read()
check('summary.md tables', md.count('### Time ratio to tier0') == 2 and
      md.count('| fibonacci |') >= 2 and md.count('| sieve |') >= 2 and 'FAILED' not in md)
if tiered:
    tl = [r for r in s['runs'] if r['config'].startswith('tiered') and r.get('timeline')]
    check('tiered runs tier up', len(tl) > 0 and all(
        r['tierups'] == len(r['timeline']) and r['regions_compiled'] > 0 and
        r['tier1_entries'] >= r['tierups'] for r in tl),
        'no tiered run has a timeline')
    check('timeline in summary', '## Tier-up timeline' in md and len(s['timeline_runs']) > 0)
PYEOF
while read -r verdict name; do
    case $verdict in
        PASS) t_pass "$name" ;;
        FAIL) t_fail "${name%%:*}" "${name#*: }" ;;
        *) t_fail "checker" "$verdict $name" ;;
    esac
done < "$T_TMP/checks"

# A config rvtier refuses: the study still writes its outputs, exits 3 and lists the failure.
t_run "$T_TMP/bad" timeout 60 "$PY" "$AB" --rvtier "$RVT_BIN" --guests "$RVT_GUEST_DIR" \
    --out-dir "$T_TMP/bad_study" --programs fibonacci --configs "tier0; bad=--mode nosuchmode" \
    --runs 1 --insns 1e6 --no-plot
bad_md=("$T_TMP"/bad_study/ab-*/summary.md)
if [[ $T_RC == 3 && -f ${bad_md[0]} ]] && grep -q '^## Failures' "${bad_md[0]}" \
        && grep -q 'bad' "${bad_md[0]}"; then
    t_pass "failing config reported (exit 3)"
else
    t_fail "failing config reported" "exit $T_RC, want 3 and a Failures section"
fi
t_run "$T_TMP/dup" "$PY" "$AB" --rvtier "$RVT_BIN" --guests "$RVT_GUEST_DIR" \
    --out-dir "$T_TMP/dup" --configs "tier0; tier0" --no-plot
if [[ $T_RC == 2 ]] && grep -q 'two configs are labelled' "$T_TMP/dup.err"; then
    t_pass "duplicate labels refused (exit 2)"
else
    t_fail "duplicate labels refused" "exit $T_RC: $(head -c 300 "$T_TMP/dup.err")"
fi

t_finish
