#!/usr/bin/env bash
# test_cli.sh — the command line as a user meets it: --help of every subcommand, usage errors
# and refused ELFs (exit 2 with a message that says what is wrong), input options in order,
# --json that parses and agrees with the plain run, --stats, and `rvtier trace` on good and
# damaged files.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3
B=$RVT_BIN
G=$RVT_GUEST_DIR

# expect NAME WANT_STATUS PATTERN CMD...: exit status and a regex on stdout+stderr
expect() {
    local name=$1 want=$2 pat=$3
    shift 3
    local out st
    out=$("$@" 2>&1)
    st=$?
    if [[ $st != "$want" ]]; then
        t_fail "$name" "exit $st, want $want: $(head -c 300 <<< "$out")"
    elif ! grep -Eq -- "$pat" <<< "$out"; then
        t_fail "$name" "output lacks /$pat/: $(head -c 300 <<< "$out")"
    else
        t_pass "$name"
    fi
}

expect "help" 0 "commands:" "$B" help
# every command main() dispatches is in the top-level help
for c in run disasm trace serve submit; do
    expect "help names $c" 0 "  $c " "$B" help
done
expect "no args" 2 "usage: rvtier" "$B"
expect "unknown command" 2 "unknown command 'frob'" "$B" frob
expect "run --help" 0 "--max-cycles N" "$B" run --help
expect "disasm --help" 0 "objdump" "$B" disasm --help
expect "trace --help" 0 "consistent" "$B" trace --help
expect "run without program" 2 "expected exactly one PROGRAM.elf" "$B" run
expect "bad --abi" 2 "expected sp1 or linux" "$B" run "$G/sp1/hello.elf" --abi x86
expect "bad --mode" 2 "expected interp, tier0, tier1 or tiered" "$B" run "$G/sp1/hello.elf" --mode fast
expect "--tier-threshold 0" 2 "must be 1" "$B" run "$G/sp1/hello.elf" --tier-threshold 0
expect "--tier-threshold in tier0" 2 "need --mode tiered" "$B" run "$G/sp1/hello.elf" --mode tier0 --tier-threshold 5
expect "--compile-threads in tier0" 2 "needs --mode tiered or tier1" "$B" run "$G/sp1/hello.elf" --mode tier0 --compile-threads 2
expect "--opt-level 4" 2 "must be 0, 1, 2 or 3" "$B" run "$G/sp1/hello.elf" --opt-level 4
expect "--opt-level in interp" 2 "needs --mode tiered or tier1" "$B" run "$G/sp1/hello.elf" --mode interp --opt-level 1
expect "--translate-threads 0" 2 "must be 1 .. 8" "$B" run "$G/sp1/hello.elf" --translate-threads 0
expect "--translate-threads 9" 2 "must be 1 .. 8" "$B" run "$G/sp1/hello.elf" --translate-threads 9
expect "--translate-threads in interp" 2 "needs a compiling mode" "$B" run "$G/sp1/hello.elf" --mode interp --translate-threads 2
expect "bad --reg-home" 2 "--reg-home 'lanes': expected ctx or xmm" "$B" run "$G/sp1/hello.elf" --reg-home lanes
expect "--reg-home in interp" 2 "--reg-home needs a compiling mode" "$B" run "$G/sp1/hello.elf" --mode interp --reg-home xmm
expect "--dump-asm in interp" 2 "needs a compiling mode" "$B" run "$G/sp1/hello.elf" --mode interp --dump-asm "$T_TMP/x.s"
expect "--perf-map in interp" 2 "needs a compiling mode" "$B" run "$G/sp1/hello.elf" --mode interp --perf-map
expect "--code-cache in tier0" 2 "--code-cache needs --mode tiered or tier1" "$B" run "$G/sp1/hello.elf" --mode tier0 --code-cache "$T_TMP/cc"
expect "--code-cache with --dump-ir" 2 "and no --dump-ir" "$B" run "$G/sp1/hello.elf" --code-cache "$T_TMP/cc" --dump-ir "$T_TMP/ir0"
expect "--code-cache unmakeable" 2 "--code-cache '.*': cannot create the directory" "$B" run "$G/sp1/hello.elf" --code-cache /nonexistent/dir/cc
expect "bad --input-hex" 2 "odd number of hex digits" "$B" run "$G/sp1/hello.elf" --input-hex abc
expect "bad --input-hex digit" 2 "is not hex" "$B" run "$G/sp1/hello.elf" --input-hex zz
expect "bad --input-u64" 2 "not an unsigned 64-bit number" "$B" run "$G/sp1/hello.elf" --input-u64 -3
expect "missing --input file" 2 "No such file" "$B" run "$G/sp1/hello.elf" --input /nonexistent
expect "--chunk-size without --trace" 2 "needs --trace" "$B" run "$G/sp1/hello.elf" --chunk-size 5
expect "--chunk-size 0" 2 "at least 1" "$B" run "$G/sp1/hello.elf" --trace "$T_TMP/x" --chunk-size 0
expect "missing program" 2 "cannot open" "$B" run /nonexistent.elf
printf 'hello world, not an ELF at all........................................................' > "$T_TMP/notelf"
expect "not an ELF" 2 "not an ELF" "$B" run "$T_TMP/notelf"
expect "disasm not an ELF" 2 "not an ELF" "$B" disasm "$T_TMP/notelf"
expect "trace of non-trace" 1 "not an rvtier trace" "$B" trace "$T_TMP/notelf"

# inputs keep their order: fibonacci reads one u64; the same value as hex gives the same output
a=$("$B" run "$G/sp1/fibonacci.elf" --input-u64 30 2>&1)
b=$("$B" run "$G/sp1/fibonacci.elf" --input-hex 1e00000000000000 2>&1)
printf '\x1e\0\0\0\0\0\0\0' > "$T_TMP/in30"
c=$("$B" run "$G/sp1/fibonacci.elf" --input "$T_TMP/in30" 2>&1)
if [[ -n $a && $a == "$b" && $a == "$c" ]]; then t_pass "input forms agree"; else t_fail "input forms agree" "'$a' / '$b' / '$c'"; fi

# --json parses, and agrees with the plain run's stdout and exit status
for mode in interp tier0 tier1 tiered; do
    plain=$("$B" run "$G/sp1/fibonacci.elf" --input-u64 30 --mode $mode)
    pst=$?
    "$B" run "$G/sp1/fibonacci.elf" --input-u64 30 --mode $mode --json > "$T_TMP/r.json"
    if python3 - "$T_TMP/r.json" "$pst" "$plain" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "ok", r
assert r["exit_code"] == int(sys.argv[2]), r["exit_code"]
assert r["stdout"] == sys.argv[3] or r["stdout"].rstrip("\n") == sys.argv[3], r["stdout"]
assert r["digest_match"] is True
assert len(r["public_values_sha256"]) == 64 and len(r["regs"]) == 32 and r["regs"][0] == 0
assert r["stats"]["instructions"] == r["global_clk"] > 0
PY
    then t_pass "--json [$mode]"; else t_fail "--json [$mode]" "$(cat "$T_TMP/r.json")"; fi
done

expect "--stats" 0 "instructions.*MIPS" "$B" run "$G/sp1/hello.elf" --stats
expect "--stats tier0 translation" 0 "tier 0 translated [0-9]+ instructions" "$B" run "$G/sp1/hello.elf" --stats --mode tier0
expect "--stats translation threads" 0 "tier 0 translated [0-9]+ instructions .* on 3 threads" "$B" run "$G/sp1/sha256.elf" --stats --mode tier0 --translate-threads 3
expect "--stats register home" 0 "on 1 thread, registers without a GPR in ctx" "$B" run "$G/sp1/hello.elf" --stats --mode tier0 --translate-threads 1
expect "--stats --reg-home xmm" 0 "registers without a GPR in XMM lanes" "$B" run "$G/sp1/hello.elf" --stats --mode tier0 --reg-home xmm
expect "--stats tier 1" 0 "tier 1: [1-9][0-9]* regions compiled.*ran in tier 1" "$B" run "$G/sp1/fibonacci.elf" --stats --sync-compile --tier-threshold 10

# tier1 mode compiles its regions up front on --compile-threads threads: 1 and 3 threads
# compile the same regions, and the run gives the same result
"$B" run "$G/sp1/sha256.elf" --mode tier1 --compile-threads 1 --json > "$T_TMP/c1.json"
"$B" run "$G/sp1/sha256.elf" --mode tier1 --compile-threads 3 --json > "$T_TMP/c3.json"
if python3 - "$T_TMP/c1.json" "$T_TMP/c3.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sa, sb = a.pop("stats"), b.pop("stats")
assert sa["regions_compiled"] == sb["regions_compiled"] > 10, (sa, sb)
assert sa["tier1_instructions"] == sb["tier1_instructions"] > 0, (sa, sb)
assert a == b, (a, b)
PY
then t_pass "tier1 --compile-threads 1 == 3"; else t_fail "tier1 --compile-threads 1 == 3" "$(head -c 300 "$T_TMP/c3.json")"; fi

# --json of a tiered run: the tier-up stats add up and the timeline has one entry per tier-up
"$B" run "$G/sp1/sieve.elf" --json --sync-compile --tier-threshold 50 > "$T_TMP/t.json"
if python3 - "$T_TMP/t.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
assert s["tierups"] >= 1 and s["regions_compiled"] == s["tierups"], s
assert len(s["timeline"]) == s["tierups"], s
assert 0 < s["tier1_instructions"] <= s["instructions"], s
assert s["tier1_entries"] >= s["tierups"], s
assert s["compile_seconds_total"] >= s["compile_seconds_median"] > 0, s
for e in s["timeline"]:
    assert e["head_pc"].startswith("0x") and e["n_insns"] > 0 and e["at_seconds"] >= 0, e
PY
then t_pass "--json tier-up stats"; else t_fail "--json tier-up stats" "$(head -c 600 "$T_TMP/t.json")"; fi

# --dump-ir: before/after IR per region and an index line per region
rm -rf "$T_TMP/ir"
"$B" run "$G/sp1/sieve.elf" --sync-compile --tier-threshold 50 --dump-ir "$T_TMP/ir" > /dev/null
n_idx=$(grep -vc '^#' "$T_TMP/ir/index.tsv" || true)
n_ll=$(ls "$T_TMP/ir" | grep -c '\.after\.ll$' || true)
if [[ $n_idx -ge 1 && $n_idx == "$n_ll" ]] && grep -q 'define i64 @r_' "$T_TMP/ir/"*.before.ll; then
    t_pass "--dump-ir ($n_idx regions)"
else
    t_fail "--dump-ir" "index lines $n_idx, after.ll files $n_ll"
fi

# --dump-asm in tiered mode ends with the tier 1 regions' machine code
"$B" run "$G/sp1/sieve.elf" --sync-compile --tier-threshold 50 --dump-asm "$T_TMP/all.s" > /dev/null
if grep -q '^# tier 1 region r_' "$T_TMP/all.s" && grep -A3 '^# tier 1 region' "$T_TMP/all.s" | grep -q 'mov\|push\|add'; then
    t_pass "--dump-asm tier 1 regions"
else
    t_fail "--dump-asm tier 1 regions" "$(grep -c 'tier 1 region' "$T_TMP/all.s") regions listed"
fi

# --perf-map: /tmp/perf-PID.map (perf's fixed path, on stderr) names tier 0's blocks and the
# installed tier 1 regions, in perf's "START SIZE NAME" hex format, without overlaps
"$B" run "$G/sp1/sieve.elf" --sync-compile --tier-threshold 50 --perf-map > /dev/null 2> "$T_TMP/pm.err"
pm_rc=$?
pm_file=$(sed -n 's|^rvtier: perf map: \(/tmp/perf-[0-9]*\.map\)$|\1|p' "$T_TMP/pm.err")
if [[ $pm_rc == 0 && -n $pm_file ]] && python3 - "$pm_file" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
spans, names = [], []
for l in lines:
    m = re.fullmatch(r'([0-9a-f]+) ([0-9a-f]+) (\S+)', l)
    assert m, 'malformed line: %r' % l
    spans.append((int(m[1], 16), int(m[2], 16), m[3]))
    names.append(m[3])
spans.sort()
for (a, n, x), (b, _, y) in zip(spans, spans[1:]):
    assert n > 0 and a + n <= b, '%s overlaps %s' % (x, y)
assert 't0_entry_exits_gate' in names and 't0_stubs' in names, 'shared code unnamed'
blocks = [x for x in names if x.startswith('t0_') and x not in ('t0_entry_exits_gate', 't0_stubs')]
assert len(blocks) > 100 and all(int(x[3:], 16) % 4 == 0 for x in blocks), 'block names'
assert len(set(blocks)) == len(blocks), 'a block named twice'
assert any(re.fullmatch(r'r_[0-9a-f]+(_rec)?', x) for x in names), 'no tier 1 region'
PY
then
    t_pass "--perf-map ($(wc -l < "$pm_file") symbols)"
else
    t_fail "--perf-map" "exit $pm_rc, $(cat "$T_TMP/pm.err"), $(head -c 300 "${pm_file:-/dev/null}")"
fi
[[ -n $pm_file ]] && rm -f "$pm_file"

# --code-cache: the second run links every region the first compiled, and its output and trace
# are the first's
for k in 1 2; do
    "$B" run "$G/sp1/sha256.elf" --input-u64 3000 --mode tier1 --code-cache "$T_TMP/cc" \
        --trace "$T_TMP/cc$k.bin" --json > "$T_TMP/cc$k.json" 2> /dev/null
done
if python3 - "$T_TMP/cc1.json" "$T_TMP/cc2.json" <<'PY' && cmp -s "$T_TMP/cc1.bin" "$T_TMP/cc2.bin"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["status"] == b["status"] == "ok" and a["regs"] == b["regs"], "results differ"
n = a["stats"]["regions_compiled"]
assert n > 10 and a["stats"]["regions_cached"] == 0, a["stats"]
assert b["stats"]["regions_compiled"] == n and b["stats"]["regions_cached"] == n, b["stats"]
PY
then
    t_pass "--code-cache: second run links every region, same result and trace"
else
    t_fail "--code-cache" "$(head -c 400 "$T_TMP/cc2.json")"
fi

# --code-cache-max: a bound far below what the run compiles keeps the directory under it (the
# least recently used objects go), and the run is still right
"$B" run "$G/sp1/sha256.elf" --input-u64 3000 --mode tier1 --code-cache "$T_TMP/ccmax" \
    --code-cache-max 30000 --json > "$T_TMP/ccmax.json" 2> /dev/null
if python3 - "$T_TMP/cc1.json" "$T_TMP/ccmax.json" "$T_TMP/ccmax" <<'PY'
import json, os, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert b["status"] == "ok" and a["regs"] == b["regs"], "results differ"
sizes = [os.path.getsize(os.path.join(sys.argv[3], f)) for f in os.listdir(sys.argv[3])]
full = sum(os.path.getsize(os.path.join(sys.argv[3] + "/../cc", f))
           for f in os.listdir(sys.argv[3] + "/../cc"))
assert full > 3 * 30000, f"the unbounded run stored only {full} bytes"
assert sizes and sum(sizes) <= 30000, f"{len(sizes)} files, {sum(sizes)} bytes"
PY
then
    t_pass "--code-cache-max: the directory stays under the bound, same result"
else
    t_fail "--code-cache-max" "$(head -c 400 "$T_TMP/ccmax.json")"
fi
expect "--code-cache-max without --code-cache" 2 "--code-cache-max needs --code-cache" "$B" run "$G/sp1/hello.elf" --code-cache-max 100
expect "--code-cache-max bad" 2 "--code-cache-max 'x': not an unsigned" "$B" run "$G/sp1/hello.elf" --code-cache "$T_TMP/cc" --code-cache-max x

# a failed run: 101 and the message on stderr; --json still prints a result object
expect "fault exit 101" 101 "rvtier: error: .*out of range" "$B" run "$G/sp1/fault_load_high.elf"
"$B" run "$G/sp1/fault_load_high.elf" --json > "$T_TMP/f.json" 2>/dev/null
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["status"]=="fault" and "out of range" in r["error"]' "$T_TMP/f.json"
then t_pass "--json on a fault"; else t_fail "--json on a fault" "$(cat "$T_TMP/f.json")"; fi

# trace subcommand: a good trace passes; a truncated one is reported
"$B" run "$G/sp1/sha256.elf" --trace "$T_TMP/t.bin" --chunk-size 500 > /dev/null
expect "trace consistent" 0 "^consistent" "$B" trace "$T_TMP/t.bin"
expect "trace --chunks" 0 "chunk +1: pc_start" "$B" trace "$T_TMP/t.bin" --chunks
head -c $(( $(stat -c %s "$T_TMP/t.bin") - 100 )) "$T_TMP/t.bin" > "$T_TMP/cut.bin"
expect "trace truncated" 1 "INCONSISTENT: .*truncated" "$B" trace "$T_TMP/cut.bin"

t_finish
