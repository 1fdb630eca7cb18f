#!/usr/bin/env bash
# test_qemu_diff.sh — every Linux-ABI case of tests/guests/manifest.txt runs under qemu-riscv64
# and under `rvtier run --abi linux` in each mode of $MODES (default "interp tier0"); stdout bytes and
# exit status must match qemu's.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... [MODES="interp tier0"] bash test_qemu_diff.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool qemu-riscv64
t_require_tool cmp

MODES=${MODES:-interp tier0}
read -r -a modes <<< "$MODES"
declare -A done_guest=()

while read -r case guest abi code args; do
    [[ $abi == linux ]] || continue
    [[ -z ${args:-} ]] || { t_fail "$case" "linux cases take no inputs (args: $args)"; continue; }
    [[ -z ${done_guest[$guest]:-} ]] || continue
    done_guest[$guest]=1
    elf=$RVT_GUEST_DIR/linux/$guest.elf
    if [[ ! -f $elf ]]; then
        t_fail "$guest" "guest $elf missing (build the 'guests' target)"
        continue
    fi
    q=$T_TMP/$guest.qemu
    t_run "$q" qemu-riscv64 "$elf"
    qrc=$T_RC
    if [[ $qrc != "$code" ]]; then
        t_fail "$guest [qemu]" "qemu-riscv64 exit $qrc, manifest says $code"
    fi
    for mode in "${modes[@]}"; do
        p=$T_TMP/$guest.$mode
        t_run "$p" "$RVT_BIN" run "$elf" --abi linux --mode "$mode"
        if [[ $T_RC != "$qrc" ]]; then
            t_fail "$guest [$mode vs qemu]" "exit $T_RC, qemu $qrc; stderr: $(head -c 300 "$p.err")"
        elif ! cmp -s "$p.out" "$q.out"; then
            t_fail "$guest [$mode vs qemu]" "stdout differs:"
            t_show_diff "$q.out" "$p.out"
        else
            t_pass "$guest [$mode vs qemu]"
        fi
    done
done < <(t_manifest)

t_finish
