#!/usr/bin/env bash
# bench_tier0.sh — tier 0 benchmark: native vs qemu-riscv64 vs rvtier interp / tier0 / tier0 with
# trace on the CPU-heavy guests (fibonacci sieve sort matmul crc32 sha256 keccak bigint); median
# wall seconds and ratios as a Markdown table, printed and written to
# results/bench-tier0-<timestamp>.md. Not a ctest test (minutes, machine dependent).
# Usage: scripts/bench_tier0.sh [BUILD_DIR=build] [--runs N] [--insns GUEST_INSNS]
#        [--only fibonacci,sort]
#   BUILD_DIR is configured and built (rvtier and the guests target) if needed.
#   --insns: guest instructions per SP1 run (default 4e8: the whole bench takes ~3-5 min on
#   2 cores).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# the optional first argument is a build directory, not an option
build=$src/build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
for tool in qemu-riscv64 python3 cmake; do
    command -v "$tool" >/dev/null || { echo "bench_tier0: $tool not found; run scripts/setup.sh" >&2; exit 2; }
done
if [[ ! -x $build/rvtier || ! -d $build/guests/native ]]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 >/dev/null
exec python3 "$src/scripts/bench_tier0.py" --rvtier "$build/rvtier" --guests "$build/guests" \
    --out-dir "$src/results" "$@"
