#!/usr/bin/env bash
# test_bench_translate.sh — smoke test of the translation benchmark (scripts/bench_translate.py):
# a tiny run (5000 random instructions, 1 and 3 threads, 1 repetition) must exit 0 and write a
# summary whose rows name the slices actually used (1 and 3), with positive times and the
# baseline's ratio 1.00; bad arguments are refused with exit status 1 and a message. ~2 s.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... RVT_BUILD_DIR=... bash test_bench_translate.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3
t_require_built bench tests/rvt_xlate_bench rvt_xlate_bench
BT=$RVT_SRC_DIR/scripts/bench_translate.py

t_run "$T_TMP/bt" python3 "$BT" --bench "$bench" --src "$RVT_SRC_DIR" --out-dir "$T_TMP/out" \
    --sizes 5000 --runs 1 --threads 1,3
if [[ $T_RC != 0 ]]; then
    t_fail "benchmark runs" "exit $T_RC: $(tail -c 600 "$T_TMP/bt.err")"
    t_finish || exit 1
fi
t_pass "benchmark runs (exit 0)"
md=("$T_TMP"/out/translate-*/summary.md)
[[ -f ${md[0]} ]] || t_abort "no summary.md under $T_TMP/out"
if python3 - "${md[0]}" <<'PY'
import re, sys
rows = [l.split('|')[1:-1] for l in open(sys.argv[1]) if re.match(r'\| 5000 \|', l)]
assert len(rows) == 2, rows
cells = [[c.strip() for c in r] for r in rows]
assert [c[1] for c in cells] == ['1', '3'] and [c[2] for c in cells] == ['1', '3'], cells
for c in cells:
    assert float(c[3]) > 0 and float(c[4]) > 0 and float(c[5]) > 0, c
assert cells[0][6] == '1.00', cells
PY
then t_pass "summary rows (slices 1 and 3, positive times, baseline ratio 1.00)"
else t_fail "summary rows" "$(cat "${md[0]}")"; fi

t_run "$T_TMP/bad" python3 "$BT" --bench "$bench" --src "$RVT_SRC_DIR" --out-dir "$T_TMP/out" \
    --threads 1,9
if [[ $T_RC == 1 ]] && grep -q 'thread counts 1..8' "$T_TMP/bad.err"; then
    t_pass "bad --threads refused"
else
    t_fail "bad --threads refused" "exit $T_RC: $(head -c 300 "$T_TMP/bad.err")"
fi

t_finish
