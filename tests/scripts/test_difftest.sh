#!/usr/bin/env bash
# test_difftest.sh — the random-program differential tester (tests/fuzz/rvt_difftest.c): random
# RV64IM programs run in interp and tier 0 mode (translated whole, or in 3 slices on 3
# threads) through the library, everything observable compared (status, error text, exit
# code, pc, registers, clocks, data-area checksum, trace bytes). A fixed seed keeps CI deterministic; set RVT_DIFFTEST_SEED / RVT_DIFFTEST_COUNT to
# explore further. About 15 s for 3000 programs in a Debug build on 2 cores.
# Usage: RVT_BUILD_DIR=build [RVT_DIFFTEST_SEED=S] [RVT_DIFFTEST_COUNT=N] bash test_difftest.sh
set -euo pipefail

tool=${RVT_BUILD_DIR:-}/tests/fuzz/rvt_difftest
if [[ -z ${RVT_BUILD_DIR:-} || ! -x $tool ]]; then
    echo "FAIL setup: '$tool' is not an executable (build target rvt_difftest; use ctest)"
    echo "0 passed, 1 failed"
    exit 1
fi
seed=${RVT_DIFFTEST_SEED:-20261120}
count=${RVT_DIFFTEST_COUNT:-3000}
# tier 0 on many programs; tier 1 and tier-up (thresholds 1, 10, 2 in the background, and
# tier 1 linked from a code cache the run before filled) on fewer: each of their programs
# costs LLVM compiles
"$tool" --count "$count" --seed "$seed" --faults 3
exec "$tool" --count "${RVT_DIFFTEST_T1_COUNT:-150}" --seed "$((seed + 7919))" --faults 3 \
    --modes tier1,tiered1,tiered10,tieredbg,tier1cache
