#!/usr/bin/env bash
# test_serve_load.sh — `rvtier serve` end to end (docs/service.md), group "load" of
# serve_test.py:
# 200+ concurrent jobs on mixed programs, ~10% faulting or over limits: every job final
# and right, the daemon stays up, /metrics adds up.
# Usage: run by ctest (RVT_BIN, RVT_GUEST_DIR set); each finishes well under 60 s on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3
t_require_tool curl
timeout 120 python3 "$(dirname "$0")/serve_test.py" load
