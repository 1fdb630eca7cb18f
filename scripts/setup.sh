#!/usr/bin/env bash
# setup.sh — idempotent set-up: installs the Debian packages rvtier needs (only those missing),
# then configures and builds into build/ (or $RVT_BUILD, with extra cmake args from $@).
# Usage: bash scripts/setup.sh [cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(cmake make gcc pkg-config
      llvm-19-dev clang-19            # LLVM-C 19: tier 1 (ORC) and the host disassembler
      zlib1g-dev libzstd-dev          # what LLVM's static libraries link against
      libffi-dev                      # the generic syscall/precompile call path
      check                           # unit tests
      gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf   # guest programs from source
      binutils-riscv64-unknown-elf    # objdump, the disassembler's reference
      qemu-user                       # reference runner for differential tests
      libmicrohttpd-dev libjansson-dev libcurl4-gnutls-dev   # rvtier serve / submit
      curl                            # service tests and README examples
      python3 python3-matplotlib)     # matplotlib: the plots of scripts/bench_ab.py

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD=${RVT_BUILD:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=${RVT_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
echo "setup: built $BUILD/rvtier"
