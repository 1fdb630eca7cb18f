#!/usr/bin/env bash
# test.sh — sets up (scripts/setup.sh), then runs the whole test suite: every Check suite and
# end-to-end script under ctest in the normal build, then the unit suites, the guest tests and
# the service's API and program-cache tests (threads sharing and freeing programs) again in an
# ASan+UBSan build (build-asan/): a sanitizer error aborts the daemon, which fails its test.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
(cd build && ctest --output-on-failure -j"$(nproc)")

echo "== sanitizer build (ASan + UBSan) =="
RVT_BUILD=build-asan RVT_BUILD_TYPE=Debug bash scripts/setup.sh -DRVT_SANITIZE=ON
# LLVM's and the JIT's own allocations are not ours to leak-check; UBSan/ASan errors abort.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Under the sanitizers every mode still runs, with fewer tier-up variants and random programs:
# the full matrix already ran above, and the sanitizers look for memory errors, not mismatches.
export MODES="interp tier0 tier1 tiered,--tier-threshold=10,--sync-compile tiered,--tier-threshold=2"
export FULL=3 RVT_DIFFTEST_COUNT=1000 RVT_DIFFTEST_T1_COUNT=60
(cd build-asan && ctest --output-on-failure -j"$(nproc)" -R '^(unit|test_guests|test_faults|test_difftest|test_cli|test_serve|test_serve_programs)$')
