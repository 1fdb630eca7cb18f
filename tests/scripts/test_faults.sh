#!/usr/bin/env bash
# test_faults.sh — every guest of tests/guests/faults.txt must stop `rvtier run` with exit
# status 101 and "rvtier: error:" on stderr matching the listed patterns (pc, address, kind), in
# every mode of $MODES (default: interp, tier0, tier1, tiered at thresholds 1 and 10), with
# the same stderr text in each mode.
# Usage: RVT_BIN=... RVT_GUEST_DIR=... RVT_SRC_DIR=... [MODES="interp tier0"] bash test_faults.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool riscv64-unknown-elf-nm

MODES=${MODES:-interp tier0 tier1 tiered,--tier-threshold=1,--sync-compile tiered,--tier-threshold=10}
read -r -a modes <<< "$MODES"
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

while IFS='|' read -r guest args patterns; do
    guest=$(trim "$guest")
    [[ -z $guest || $guest == \#* ]] && continue
    read -r -a argv <<< "$(trim "$args")"
    elf=$RVT_GUEST_DIR/sp1/$guest.elf
    if [[ ! -f $elf ]]; then
        t_fail "$guest" "guest $elf missing (build the 'guests' target)"
        continue
    fi
    # Resolve @SYM[+N] into address regexes once per guest.
    regexes=()
    bad_spec=""
    IFS=';' read -r -a pats <<< "$patterns"
    for pat in "${pats[@]}"; do
        pat=$(trim "$pat")
        [[ -z $pat ]] && continue
        if [[ $pat == @* ]]; then
            if ! pat=$(t_symbol_regex "$elf" "${pat#@}"); then
                bad_spec="symbol ${pat#@} not in $elf"
                break
            fi
        fi
        regexes+=("$pat")
    done
    if [[ -n $bad_spec ]]; then
        t_fail "$guest" "$bad_spec"
        continue
    fi
    first_err=""
    for mode in "${modes[@]}"; do
        name="$guest [$mode]"
        p=$T_TMP/$guest.${mode//[^a-z0-9]/_}
        t_run "$p" "$RVT_BIN" run "$elf" $(t_mode_args "$mode") "${argv[@]}"
        why=""
        if [[ $T_RC != 101 ]]; then
            why="exit status $T_RC, expected 101"
        elif ! grep -q 'rvtier: error:' "$p.err"; then
            why="no 'rvtier: error:' line"
        else
            for re in "${regexes[@]}"; do
                grep -Eiq -- "$re" "$p.err" || why+="no match for /$re/; "
            done
        fi
        if [[ -n $why ]]; then
            t_fail "$name" "$why stderr: $(head -c 300 "$p.err")"
        else
            t_pass "$name: $(grep -m1 'rvtier: error:' "$p.err" | head -c 160)"
        fi
        if [[ -z $first_err ]]; then
            first_err=$p.err
        elif cmp -s "$first_err" "$p.err"; then
            t_pass "$guest [$mode] same error text as ${modes[0]}"
        else
            t_fail "$guest [$mode]" "error text differs from ${modes[0]}:"
            t_show_diff "$first_err" "$p.err"
        fi
    done
done < "$RVT_SRC_DIR/tests/guests/faults.txt"

t_finish
