#!/usr/bin/env bash
# test_linux_sized.sh — sized Linux-ABI ELFs (scripts/benchlib.py sized_linux_elf, the size slot
# of tests/guests/rt/rt_linux.c): for a few guests at a non-default size N, the patched ELF under
# qemu-riscv64, under `rvtier run --abi linux` in each mode of $MODES (default "tier0") and the
# native build with RVT_INPUTS=u64:N must print the same stdout and exit alike; that output must
# differ from the default-size run (the patch took effect); the copy differs from its source in
# the 8 size bytes only. Patching an ELF without the slot, with the slot twice, or a size of
# 2^64-1 must fail with a clear message.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... [MODES="tier0 interp"] bash test_linux_sized.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool qemu-riscv64
t_require_tool python3
t_require_tool cmp

MODES=${MODES:-tier0}
read -r -a modes <<< "$MODES"
sized() { python3 -B "$RVT_SRC_DIR/scripts/benchlib.py" sized-linux-elf "$@"; }

# guest and a size that is neither its default nor tiny (each run well under a second)
cases=("sieve 123457" "sort 3001" "crc32 70001" "fibonacci 54321")
for c in "${cases[@]}"; do
    read -r guest n <<< "$c"
    elf=$RVT_GUEST_DIR/linux/$guest.elf
    nat=$RVT_GUEST_DIR/native/$guest
    if [[ ! -f $elf || ! -x $nat ]]; then
        t_fail "$guest" "$elf or $nat missing (build the 'guests' target)"
        continue
    fi
    if ! patched=$(sized "$elf" "$n" "$T_TMP" 2> "$T_TMP/$guest.patch.err"); then
        t_fail "$guest [patch]" "sized-linux-elf failed: $(head -c 300 "$T_TMP/$guest.patch.err")"
        continue
    fi
    # the copy differs in the 8 little-endian size bytes and nowhere else
    ndiff=$(cmp -l "$elf" "$patched" | wc -l || true)
    if [[ $(stat -c %s "$elf") != "$(stat -c %s "$patched")" || $ndiff -lt 1 || $ndiff -gt 8 ]]; then
        t_fail "$guest [patch]" "$patched differs from $elf in $ndiff bytes or in size (want 1..8 bytes, same size)"
    else
        t_pass "$guest [patch: $ndiff bytes]"
    fi

    q=$T_TMP/$guest.qemu
    t_run "$q" qemu-riscv64 "$patched"
    qrc=$T_RC
    d=$T_TMP/$guest.default
    t_run "$d" qemu-riscv64 "$elf"
    if [[ $qrc != 0 ]]; then
        t_fail "$guest [qemu N=$n]" "exit $qrc (want 0); stderr: $(head -c 300 "$q.err")"
    elif cmp -s "$q.out" "$d.out"; then
        t_fail "$guest [qemu N=$n vs default]" "same stdout as the default size: the size slot had no effect"
        t_show_diff "$d.out" "$q.out"
    else
        t_pass "$guest [qemu N=$n differs from default]"
    fi

    for mode in "${modes[@]}"; do
        p=$T_TMP/$guest.$mode
        t_run "$p" "$RVT_BIN" run "$patched" --abi linux --mode "$mode"
        if [[ $T_RC != "$qrc" ]]; then
            t_fail "$guest [$mode N=$n vs qemu]" "exit $T_RC, qemu $qrc; stderr: $(head -c 300 "$p.err")"
        elif ! cmp -s "$p.out" "$q.out"; then
            t_fail "$guest [$mode N=$n vs qemu]" "stdout differs:"
            t_show_diff "$q.out" "$p.out"
        else
            t_pass "$guest [$mode N=$n vs qemu]"
        fi
    done

    h=$T_TMP/$guest.native
    RVT_INPUTS=u64:$n t_run "$h" "$nat"
    if [[ $T_RC != "$qrc" ]]; then
        t_fail "$guest [native N=$n vs qemu]" "exit $T_RC, qemu $qrc; stderr: $(head -c 300 "$h.err")"
    elif ! cmp -s "$h.out" "$q.out"; then
        t_fail "$guest [native N=$n vs qemu]" "stdout differs:"
        t_show_diff "$h.out" "$q.out"
    else
        t_pass "$guest [native N=$n vs qemu]"
    fi
done

# sized_linux_elf must refuse, with a message naming the problem, and write nothing.
# expect_refusal NAME PATTERN SRC N: sized-linux-elf SRC N fails and stderr matches PATTERN.
expect_refusal() {
    local name=$1 pattern=$2 src=$3 n=$4 out=$T_TMP/refuse.$1
    mkdir -p "$out"
    if sized "$src" "$n" "$out" > "$out.stdout" 2> "$out.err"; then
        t_fail "refuse $name" "sized-linux-elf $src $n succeeded: $(cat "$out.stdout")"
    elif ! grep -q -- "$pattern" "$out.err"; then
        t_fail "refuse $name" "stderr does not say '$pattern': $(head -c 300 "$out.err")"
    elif [[ -n $(ls -A "$out") ]]; then
        t_fail "refuse $name" "it still wrote $(ls "$out")"
    else
        t_pass "refuse $name: $(head -c 120 "$out.err")"
    fi
}
# hello reads no size: the linker drops the slot with the rest of the input code
expect_refusal no-slot "has no size slot" "$RVT_GUEST_DIR/linux/hello.elf" 5
cat "$RVT_GUEST_DIR/linux/sort.elf" <(printf 'RVTSIZE!\377\377\377\377\377\377\377\377') > "$T_TMP/twice.elf"
expect_refusal two-slots "twice" "$T_TMP/twice.elf" 5
printf 'not an elf RVTSIZE!\377\377\377\377\377\377\377\377' > "$T_TMP/notelf.elf"
expect_refusal not-elf "is not an ELF file" "$T_TMP/notelf.elf" 5
expect_refusal no-input-value "out of range" "$RVT_GUEST_DIR/linux/sort.elf" 18446744073709551615

t_finish
