#!/usr/bin/env bash
# gen_expected.sh — (re)write tests/guests/expected/CASE.ABI.out for every case in manifest.txt,
# independently of rvtier: C guests run as host builds (build/guests/native/GUEST, inputs via
# RVT_INPUTS), assembly guests under qemu-riscv64 (linux build; the SP1 build prints the same).
# sp1_* assembly guests have hand-written expected files and are left alone. Also checks that
# each case exits with the manifest's code.
# Usage: tests/guests/gen_expected.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: gen_expected.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
gdir=$build/guests
status=0
while read -r case guest abi code args; do
    [[ -z "$case" || "$case" == \#* ]] && continue
    out=$here/expected/$case.$abi.out
    inputs=""
    read -r -a argv <<< "${args:-}"
    for ((i = 0; i < ${#argv[@]}; i += 2)); do
        case "${argv[i]}" in
            --input-u64) inputs+="u64:${argv[i+1]} " ;;
            --input-hex) inputs+="hex:${argv[i+1]} " ;;
            *) echo "gen_expected: $case: cannot translate argument ${argv[i]}" >&2; exit 1 ;;
        esac
    done
    if [[ -x $gdir/native/$guest ]]; then
        set +e; RVT_INPUTS="$inputs" "$gdir/native/$guest" > "$out" 2>/dev/null; rc=$?; set -e
    elif [[ $guest == asm_* ]]; then
        set +e; qemu-riscv64 "$gdir/linux/$guest.elf" > "$out"; rc=$?; set -e
    else
        [[ -f $out ]] || { echo "gen_expected: $case: no generator and no hand-written $out" >&2; status=1; }
        continue
    fi
    if [[ $rc != "$code" ]]; then
        echo "gen_expected: $case.$abi exited $rc, manifest says $code" >&2
        status=1
    fi
    echo "wrote $out"
done < "$here/manifest.txt"
exit $status
