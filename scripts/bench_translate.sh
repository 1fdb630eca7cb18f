#!/usr/bin/env bash
# bench_translate.sh — tier 0 translation speed on 1..N threads against one thread in the same
# run (scripts/bench_translate.py has the details), written to results/translate-<time>/.
# Usage: scripts/bench_translate.sh [BUILD_DIR=build] [--sizes 250000,1000000] [--runs 7]
#        [--threads 1,2] [--callgrind]
#   BUILD_DIR is configured (RelWithDebInfo) and rvt_xlate_bench built if needed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
for tool in python3 cmake; do
    command -v "$tool" >/dev/null || { echo "bench_translate: $tool not found; run scripts/setup.sh" >&2; exit 2; }
done
[[ -f $build/CMakeCache.txt ]] || cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target rvt_xlate_bench >/dev/null
exec python3 "$src/scripts/bench_translate.py" --bench "$build/tests/rvt_xlate_bench" \
    --src "$src" --out-dir "$src/results" "$@"
