#!/usr/bin/env bash
# bench_serve.sh — service overhead of `rvtier serve` (docs/service.md): job latency over the
# guest's own run time for a warm program with a trivial guest, throughput of small jobs with
# 1 and 2 workers, and the first vs second job of a hot program (tier-1 regions compiled by
# the first job are installed for the second). Prints a Markdown table and writes it to
# results/bench-serve-<timestamp>.md. Not a ctest test (machine dependent).
# Usage: scripts/bench_serve.sh [BUILD_DIR=build] [--jobs N] [--hot-guest sieve]
#        [--hot-input 3000000] [--hot-mode tiered]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# the optional first argument is a build directory, not an option
build=$src/build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
command -v python3 >/dev/null ||
    { echo "bench_serve: python3 not found; run scripts/setup.sh" >&2; exit 2; }
if [[ ! -x $build/rvtier || ! -d $build/guests/sp1 ]]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 >/dev/null
exec python3 "$src/scripts/bench_serve.py" --rvtier "$build/rvtier" --guests "$build/guests" \
    --out-dir "$src/results" "$@"
