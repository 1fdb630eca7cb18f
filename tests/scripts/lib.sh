# lib.sh — shared helpers for the end-to-end test scripts (sourced, not run): environment
# checks, pass/fail bookkeeping with one line per case and the final "N passed, M failed" line,
# manifest reading, and symbol lookup in guest ELFs.
# Usage: source "$(dirname "$0")/lib.sh"; t_require_env; ...; t_pass NAME; t_fail NAME WHY;
#        t_finish   (prints the summary, exits 1 if anything failed)

T_PASSED=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rvt_test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

t_pass() { T_PASSED=$((T_PASSED + 1)); echo "PASS $1"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL $1: $2"; }

t_finish() {
    echo "$T_PASSED passed, $T_FAILED failed"
    [[ $T_FAILED == 0 ]]
}

# A missing tool or input is a failure, never a skip: record it and stop.
t_abort() {
    t_fail setup "$1"
    t_finish || exit 1
    exit 1
}

t_require_tool() {
    command -v "$1" > /dev/null 2>&1 || t_abort "$1 not found (run scripts/setup.sh)"
}

# RVT_BIN, RVT_GUEST_DIR and RVT_SRC_DIR come from ctest (tests/CMakeLists.txt).
t_require_env() {
    [[ -n ${RVT_BIN:-} && -x ${RVT_BIN} ]] || t_abort "RVT_BIN='${RVT_BIN:-}' is not an executable (build rvtier; run through ctest)"
    [[ -n ${RVT_GUEST_DIR:-} && -d ${RVT_GUEST_DIR} ]] || t_abort "RVT_GUEST_DIR='${RVT_GUEST_DIR:-}' is not a directory (build the 'guests' target)"
    [[ -n ${RVT_SRC_DIR:-} && -d ${RVT_SRC_DIR}/tests/guests ]] || t_abort "RVT_SRC_DIR='${RVT_SRC_DIR:-}' is not the rvtier source tree"
    T_TIMEOUT=${RVT_TEST_TIMEOUT:-300}
    t_require_tool timeout
}

# t_require_built VAR PATH TARGET: VAR = $RVT_BUILD_DIR/PATH, which must be an executable (built
# by target TARGET), or abort.
t_require_built() {
    local path=${RVT_BUILD_DIR:-}/$2
    [[ -n ${RVT_BUILD_DIR:-} && -x $path ]] || t_abort "'$path' is not an executable (build target $3; use ctest)"
    printf -v "$1" '%s' "$path"
}

# Lines of tests/guests/manifest.txt without comments and blanks.
t_manifest() {
    grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$RVT_SRC_DIR/tests/guests/manifest.txt"
}

# t_run OUTPREFIX CMD...: run CMD with a timeout; stdout/stderr to OUTPREFIX.out/.err, the exit
# status to T_RC.
t_run() {
    local prefix=$1
    shift
    set +e
    timeout "$T_TIMEOUT" "$@" > "$prefix.out" 2> "$prefix.err"
    T_RC=$?
    set -e
}

# t_symbol_regex ELF SYM[+N]: an extended regex matching the address as 0x-hex, leading zeros
# optional. Fails (non-zero) if the symbol is missing.
t_symbol_regex() {
    local elf=$1 spec=$2 sym off=0 addr
    sym=${spec%%+*}
    [[ $spec == *+* ]] && off=${spec#*+}
    addr=$(riscv64-unknown-elf-nm "$elf" | awk -v s="$sym" '$3 == s { print $1; exit }')
    [[ -n $addr ]] || return 1
    printf '0x0*%x' $((16#$addr + off))
}

# t_serve_bad_options "OPT VALUE"...: each makes `rvtier serve` a usage error (exit 2) whose
# message quotes the option, before anything listens.
t_serve_bad_options() {
    local bad
    for bad in "$@"; do
        # shellcheck disable=SC2086  # word-split the option and its value
        t_run "$T_TMP/bad" timeout 10 "$RVT_BIN" serve --listen 127.0.0.1:0 \
            --state-dir "$T_TMP/bad_state" $bad
        if [[ $T_RC == 2 ]] && grep -q -- "${bad%% *} '" "$T_TMP/bad.err"; then
            t_pass "bad option value '$bad' -> exit 2 with a message"
        else
            t_fail "bad option value '$bad'" "exit $T_RC, stderr: $(head -c 300 "$T_TMP/bad.err")"
        fi
    done
}

# t_python_checks RC OUT NAME: after a python block that printed PASS/FAIL lines and "N passed,
# M failed" into OUT and exited RC: show OUT, count its passes, and fail NAME unless it passed.
t_python_checks() {
    local rc=$1 out=$2 summary
    cat "$out"
    summary=$(tail -n 1 "$out")
    if [[ $rc == 0 && $summary =~ ^([0-9]+)\ passed,\ 0\ failed$ ]]; then
        T_PASSED=$((T_PASSED + BASH_REMATCH[1]))
    else
        t_fail "$3" "python exit $rc ($summary)"
    fi
}

# Show the first differing lines of two files, indented, for a failure message.
t_show_diff() {
    diff "$1" "$2" | head -n 8 | sed 's/^/    /' || true
}

# A mode spec is a --mode name, optionally with more run options after commas:
# "tiered,--tier-threshold=1" -> --mode tiered --tier-threshold=1 (word-split by the caller)
t_mode_args() {
    echo "--mode ${1//,/ }"
}
