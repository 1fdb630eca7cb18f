#!/usr/bin/env bash
# bench_ab.sh — A/B study of rvtier configs (modes, opt levels, thresholds, trace on/off) against
# each other, qemu-riscv64 and native builds: interleaved repetitions, time ratios to a baseline,
# compile stats and the tier-up timeline, written to results/ab-<timestamp>/ (summary.md,
# runs.csv, study.json, plot.png). How to read them: docs/bench.md.
# Usage: scripts/bench_ab.sh [BUILD_DIR=build] [--programs fibonacci,sieve,sort]
#          [--configs "tier0; tier1 --opt-level 2; tiered --tier-threshold 100; tiered --trace;
#           qemu; native"] [--baseline LABEL] [--runs 5] [--insns 2e8] [--timeout S] [--no-plot]
#   BUILD_DIR is configured (RelWithDebInfo) and built (rvtier and the guests) if needed.
#   A config is "LABEL=ARGS" or "ARGS" (rvtier run arguments, the first word may be the mode).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# the optional first argument is a build directory, not an option
build=$src/build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
# Debian's python3 has Debian's python3-matplotlib; a python3 earlier in PATH (pyenv, venv)
# usually has not.
py=/usr/bin/python3
die() { echo "bench_ab: $1 not found; run scripts/setup.sh" >&2; exit 2; }
[[ -x $py ]] || py=$(command -v python3) || die python3
command -v cmake >/dev/null || die cmake
if [[ ! -x $build/rvtier || ! -d $build/guests/native ]]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 >/dev/null
exec "$py" "$src/scripts/bench_ab.py" --rvtier "$build/rvtier" --guests "$build/guests" \
    --out-dir "$src/results" "$@"
