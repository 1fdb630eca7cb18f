#!/usr/bin/env bash
# demo.sh — sets up (scripts/setup.sh), then runs the bundled example: the SP1-ABI fibonacci
# guest (tests/guests/src/fibonacci.c, built from source) computing fib(N), in the default mode,
# with its output, the committed public-values digest check and the run's stats.
# Usage: bash scripts/demo.sh [N]       (default N = 90)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
N=${1:-90}
echo "== rvtier run build/guests/sp1/fibonacci.elf --input-u64 $N --stats --trace build/fib.trace =="
build/rvtier run build/guests/sp1/fibonacci.elf --input-u64 "$N" --stats --trace build/fib.trace
echo "== the same run as JSON (public values, digest check) =="
build/rvtier run build/guests/sp1/fibonacci.elf --input-u64 "$N" --json
echo "== rvtier trace build/fib.trace =="
build/rvtier trace build/fib.trace
