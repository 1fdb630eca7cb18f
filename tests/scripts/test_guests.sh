#!/usr/bin/env bash
# test_guests.sh — every case of tests/guests/manifest.txt under `rvtier run` in every mode of
# $MODES: stdout byte-identical to tests/guests/expected/CASE.ABI.out, exit
# status as in the manifest, and for SP1 cases `--json` reporting digest_match true. Each guest
# ELF is checked to be free of compressed (16-bit) instructions. For the small SP1 cases of
# $TRACE_CASES, the first mode's trace must pass `rvtier trace`, and every further mode must
# write byte-identical trace files at chunk sizes 1, 7, 1000 and the default.
# A mode is a --mode name, optionally with more run options after commas
# (tiered,--tier-threshold=1,--sync-compile). The default covers every tier and tier-up with
# thresholds 1, 10 and 1000, synchronous and background compilation; the threshold-10 run's
# tier 0 code is translated in 3 slices (--translate-threads) with DESIGN.md's XMM register
# map (--reg-home xmm), which must change nothing.
# tier1 runs with an object cache (--code-cache) shared by the whole script: the first run of
# each program compiles its regions and stores them, every later run (other inputs, --json,
# each chunk size) links the same machine code from the cache, which the comparisons then
# check too, and the script does not pay ~2 s of compiling per run.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... [MODES="interp tier0"] bash test_guests.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool riscv64-unknown-elf-objdump
t_require_tool riscv64-unknown-elf-readelf
t_require_tool cmp

MODES=${MODES:-interp tier0 tier1,--code-cache=$T_TMP/code-cache tiered,--tier-threshold=1,--sync-compile tiered,--tier-threshold=10,--translate-threads=3,--reg-home=xmm tiered,--tier-threshold=1000,--sync-compile}
# Every mode runs every case; the --json rerun (digest check) and the traces at every chunk size
# are for the first FULL modes, the others compare traces at TRACE_CHUNKS_SHORT: each tier-up
# run pays LLVM compiles, and CI has 2 cores.
FULL=${FULL:-4}
TRACE_CHUNKS_SHORT=${TRACE_CHUNKS_SHORT:-"7 default"}
read -r -a modes <<< "$MODES"
TRACE_CASES=${TRACE_CASES-"hello fibonacci-n90 sort-n3 matmul-n7 crc32-n1 sha256-n55 keccak-n136 bigint-n100 syscalls precompiles asm_arith sp1_unconstrained"}
TRACE_CHUNKS=${TRACE_CHUNKS:-"1 7 1000 default"}
expected_dir=$RVT_SRC_DIR/tests/guests/expected

declare -A elf_checked=()
check_elf() {
    local elf=$1 name=$2 flags bad
    [[ -n ${elf_checked[$elf]:-} ]] && return 0
    elf_checked[$elf]=1
    flags=$(riscv64-unknown-elf-readelf -h "$elf" | awk -F: '/Flags/ { print $2 }')
    if [[ $flags == *RVC* ]]; then
        t_fail "elf $name" "e_flags has RVC:$flags"
        return 0
    fi
    bad=$(riscv64-unknown-elf-objdump -d "$elf" |
          awk -F'\t' '/^ +[0-9a-f]+:\t/ { w = $2; gsub(/ /, "", w); if (length(w) != 8) { print $1; exit } }')
    if [[ -n $bad ]]; then
        t_fail "elf $name" "16-bit instruction at $bad"
    else
        t_pass "elf $name (rv64im, no compressed instructions)"
    fi
}

while read -r case guest abi code args; do
    read -r -a argv <<< "${args:-}"
    elf=$RVT_GUEST_DIR/$abi/$guest.elf
    exp=$expected_dir/$case.$abi.out
    if [[ ! -f $elf ]]; then
        t_fail "$case.$abi" "guest $elf missing (build the 'guests' target)"
        continue
    fi
    if [[ ! -f $exp ]]; then
        t_fail "$case.$abi" "expected output $exp missing"
        continue
    fi
    check_elf "$elf" "$abi/$guest"
    mode_no=-1
    for mode in "${modes[@]}"; do
        mode_no=$((mode_no + 1))
        name="$case.$abi [$mode]"
        p=$T_TMP/$case.$abi.${mode//[^a-z0-9]/_}
        t_run "$p" "$RVT_BIN" run "$elf" --abi "$abi" $(t_mode_args "$mode") "${argv[@]}"
        if [[ $T_RC != "$code" ]]; then
            t_fail "$name" "exit status $T_RC, expected $code; stderr: $(head -c 300 "$p.err")"
        elif ! cmp -s "$p.out" "$exp"; then
            t_fail "$name" "stdout differs from $exp:"
            t_show_diff "$exp" "$p.out"
        else
            t_pass "$name"
        fi
        if [[ $abi == sp1 && $mode_no -lt $FULL ]]; then
            t_run "$p.json" "$RVT_BIN" run "$elf" --abi "$abi" $(t_mode_args "$mode") --json "${argv[@]}"
            if grep -Eq '"digest_match" *: *true' "$p.json.out"; then
                t_pass "$name --json digest_match"
            else
                t_fail "$name --json digest_match" "not true (exit $T_RC): $(head -c 300 "$p.json.out") $(head -c 200 "$p.json.err")"
            fi
        fi
    done

    # Traces: only the small SP1 cases (chunk size 1 writes a 304-byte header per access).
    [[ $abi == sp1 && " $TRACE_CASES " == *" $case "* ]] || continue
    first=${modes[0]}
    for chunk in $TRACE_CHUNKS; do
        copt=()
        [[ $chunk != default ]] && copt=(--chunk-size "$chunk")
        ref=$T_TMP/$case.first.$chunk.trace
        t_run "$T_TMP/tr" "$RVT_BIN" run "$elf" --abi sp1 $(t_mode_args "$first") --trace "$ref" "${copt[@]}" "${argv[@]}"
        if [[ $T_RC != "$code" || ! -s $ref ]]; then
            t_fail "$case trace [$first, chunk $chunk]" "exit $T_RC or no trace written: $(head -c 300 "$T_TMP/tr.err")"
            continue
        fi
        if [[ $chunk == default || $chunk == 7 ]]; then
            t_run "$T_TMP/chk" "$RVT_BIN" trace "$ref"
            if [[ $T_RC == 0 ]]; then
                t_pass "$case trace check [$first, chunk $chunk]"
            else
                t_fail "$case trace check [$first, chunk $chunk]" "rvtier trace exit $T_RC: $(head -c 300 "$T_TMP/chk.out") $(head -c 300 "$T_TMP/chk.err")"
            fi
        fi
        mode_no=0
        for mode in "${modes[@]:1}"; do
            mode_no=$((mode_no + 1))
            [[ $mode_no -ge $FULL && " $TRACE_CHUNKS_SHORT " != *" $chunk "* ]] && continue
            other=$T_TMP/$case.other.$chunk.trace
            t_run "$T_TMP/tr" "$RVT_BIN" run "$elf" --abi sp1 $(t_mode_args "$mode") --trace "$other" "${copt[@]}" "${argv[@]}"
            if [[ $T_RC != "$code" ]]; then
                t_fail "$case trace [$mode, chunk $chunk]" "exit $T_RC: $(head -c 300 "$T_TMP/tr.err")"
            elif cmp -s "$ref" "$other"; then
                t_pass "$case trace [$mode == $first, chunk $chunk]"
            else
                t_fail "$case trace [$mode, chunk $chunk]" "differs from $first: $(cmp "$ref" "$other" 2>&1 | head -n 1)"
            fi
            rm -f "$other"
        done
        rm -f "$ref"
    done
done < <(t_manifest)

t_finish
