#!/usr/bin/env bash
# test_bench_compile.sh — smoke test of the tier 1 compile benchmark (tests/bench/
# rvt_compile_bench.c): four of sha256's static regions, once each, at opt levels 1 and 2 must
# report four regions with a positive median and phase shares that add up to ~100%; a file
# that is not an ELF is refused with exit status 1 and the loader's message. ~1 s.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... RVT_BUILD_DIR=... bash test_bench_compile.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3
t_require_built bench tests/rvt_compile_bench rvt_compile_bench
elf=$RVT_GUEST_DIR/sp1/sha256.elf
[[ -f $elf ]] || t_abort "no guest '$elf' (build target guests; use ctest)"

for opt in 1 2; do
    t_run "$T_TMP/b$opt" "$bench" "$elf" 1 $opt 4
    if [[ $T_RC != 0 ]]; then
        t_fail "opt level $opt runs" "exit $T_RC: $(tail -c 600 "$T_TMP/b$opt.err")"
        continue
    fi
    if python3 - "$T_TMP/b$opt.out" $opt <<'PY'
import re, sys
line = open(sys.argv[1]).read()
m = re.match(r'4 regions, (\d+) instructions, opt level (\d): compile median ([\d.]+) ms per '
             r'region, total ([\d.]+) ms \(medians of 1\); lift (\d+)%, IR passes (\d+)%, code '
             r'generation (\d+)%, link (\d+)%$', line.strip())
assert m, line
assert int(m.group(1)) >= 4 and m.group(2) == sys.argv[2], line
assert float(m.group(3)) > 0 and float(m.group(4)) >= float(m.group(3)), line
assert 97 <= sum(int(m.group(k)) for k in range(5, 9)) <= 103, line
PY
    then t_pass "opt level $opt: four regions, positive times, phases add up"
    else t_fail "opt level $opt report" "$(cat "$T_TMP/b$opt.out")"; fi
done

printf 'not an elf\n' > "$T_TMP/bad.elf"
t_run "$T_TMP/bad" "$bench" "$T_TMP/bad.elf"
if [[ $T_RC == 1 ]] && [[ -s $T_TMP/bad.err ]]; then
    t_pass "a non-ELF file is refused ($(head -c 120 "$T_TMP/bad.err"))"
else
    t_fail "a non-ELF file is refused" "exit $T_RC: $(head -c 300 "$T_TMP/bad.err")"
fi

t_finish
