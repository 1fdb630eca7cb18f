#!/bin/bash
# test_disasm_objdump.sh — `rvtier disasm` against GNU objdump -d -M no-aliases,numeric:
# on tests/scripts/disasm_all.S (every operation of frontend/rv_insns.def, built here) and on
# every guest ELF under $RVT_GUEST_DIR/{sp1,linux} (when that directory exists, it must hold
# ELFs). Compared: address, word, mnemonic and operands of every objdump line at a 4-aligned
# address. Rules for where objdump and the machine legitimately differ:
#   - objdump "<symbol>" and "# comment" annotations are dropped;
#   - objdump shows a 16-bit unit (compressed-looking word): rvtier must show ".4byte" with
#     the same low halfword (the machine fetches 32-bit words only);
#   - objdump shows ".word"/".short"/".byte" (data marked by a mapping symbol): only the word
#     must match;
#   - objdump shows ".4byte" where rvtier shows a csr* instruction: accepted, with the same
#     word (an ELF whose attributes lack Zicsr; objdump then does not name CSR instructions).
# Usage: RVT_BIN=build/rvtier RVT_SRC_DIR=. RVT_GUEST_DIR=build/guests bash test_disasm_objdump.sh
set -euo pipefail

: "${RVT_BIN:?set RVT_BIN to the rvtier binary (ctest does)}"
: "${RVT_SRC_DIR:?set RVT_SRC_DIR to the source tree (ctest does)}"
for tool in riscv64-unknown-elf-gcc riscv64-unknown-elf-objdump; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool not found; run scripts/setup.sh"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One "addr|word|text" line per instruction line of a listing, annotations dropped.
normalize() {
    awk -F'\t' '
        /^ *[0-9a-f]+:\t/ {
            addr = $1; sub(/^ */, "", addr); sub(/:$/, "", addr)
            word = $2; sub(/ +$/, "", word)
            text = $3
            for (i = 4; i <= NF; i++) text = text " " $i
            sub(/ *<.*$/, "", text); sub(/ *#.*$/, "", text)
            gsub(/[ \t]+/, " ", text); sub(/ $/, "", text)
            print addr "|" word "|" text
        }'
}

# compare ELF: returns nonzero (and prints the differences) on any mismatch.
compare() {
    local elf=$1
    if ! "$RVT_BIN" disasm "$elf" > "$tmp/mine.raw" 2> "$tmp/mine.err"; then
        echo "FAIL: $RVT_BIN disasm $elf: $(cat "$tmp/mine.err")"
        return 1
    fi
    riscv64-unknown-elf-objdump -d -M no-aliases,numeric "$elf" > "$tmp/od.raw"
    normalize < "$tmp/mine.raw" > "$tmp/mine.txt"
    normalize < "$tmp/od.raw" > "$tmp/od.txt"
    awk -F'|' -v elf="$elf" '
        FNR == NR { word[$1] = $2; text[$1] = $3; next }
        $1 !~ /[048c]$/ { next }
        {
            n++
            if (!($1 in word)) {
                bad++
                if (bad <= 10) print "  " $1 ": objdump \"" $2 " " $3 "\", rvtier: no line"
                next
            }
            ok = 0
            if ($3 ~ /^\.(word|short|byte|2byte|8byte|dword)/ && length($2) == 8)
                ok = (word[$1] == $2)
            else if (length($2) == 4)
                ok = (text[$1] ~ /^\.4byte/ && substr(word[$1], 5, 4) == $2)
            else if (length($2) == 8 && $3 ~ /^\.4byte/ && text[$1] ~ /^csrr/)
                ok = (word[$1] == $2)
            else
                ok = (word[$1] == $2 && text[$1] == $3)
            if (!ok && ++bad <= 10)
                print "  " $1 ": objdump \"" $2 " " $3 "\", rvtier \"" word[$1] " " text[$1] "\""
        }
        END {
            if (n == 0) { print "FAIL: " elf ": objdump listed no instructions"; exit 1 }
            if (bad) { print "FAIL: " elf ": " bad " of " n " lines differ"; exit 1 }
            print "ok: " elf ": " n " lines match"
        }' "$tmp/mine.txt" "$tmp/od.txt"
}

failed=0

# 1. Every operation of rv_insns.def.
src="$RVT_SRC_DIR/tests/scripts/disasm_all.S"
riscv64-unknown-elf-gcc -march=rv64im_zicsr -mabi=lp64 -nostdlib -Wl,-Ttext=0x10000 \
    "$src" -o "$tmp/all.elf"
riscv64-unknown-elf-objdump -d -M no-aliases,numeric "$tmp/all.elf" | normalize \
    | cut -d'|' -f3 | cut -d' ' -f1 | sort -u > "$tmp/mnemonics"
# The mnemonics the list defines (csr = the six Zicsr forms, .word = the undecodable word).
sed -n 's/^_([A-Z]*, *"\([^"]*\)".*/\1/p' "$RVT_SRC_DIR/frontend/rv_insns.def" \
    | sed -e 's/^csr$/csrrw csrrs csrrc csrrwi csrrsi csrrci/' -e 's/^\.word$/.4byte/' \
    | tr ' ' '\n' > "$tmp/wanted"
missing=$(grep -vxF -f "$tmp/mnemonics" "$tmp/wanted" || true)
if [ -n "$missing" ]; then
    echo "FAIL: disasm_all.S does not cover: $missing"
    failed=1
fi
[ "$(wc -l < "$tmp/wanted")" -ge 70 ] || { echo "FAIL: could not read rv_insns.def"; failed=1; }
compare "$tmp/all.elf" || failed=1

# 2. The guest programs, when built.
if [ -n "${RVT_GUEST_DIR:-}" ] && [ -d "$RVT_GUEST_DIR" ]; then
    for abi in sp1 linux; do
        shopt -s nullglob
        elfs=("$RVT_GUEST_DIR/$abi"/*.elf)
        shopt -u nullglob
        if [ ${#elfs[@]} -eq 0 ]; then
            echo "FAIL: no guest ELFs in $RVT_GUEST_DIR/$abi (build the 'guests' target)"
            failed=1
        fi
        for elf in "${elfs[@]}"; do
            compare "$elf" || failed=1
        done
    done
else
    echo "note: RVT_GUEST_DIR (${RVT_GUEST_DIR:-unset}) does not exist; guests not compared"
fi

exit $failed
