#!/usr/bin/env bash
# test_serve_shutdown.sh — `rvtier serve` end to end (docs/service.md), group "shutdown" of
# serve_test.py:
# queue full -> 503, SIGTERM with jobs in flight, restart on the same state dir, crash
# (SIGKILL) recovery.
# Usage: run by ctest (RVT_BIN, RVT_GUEST_DIR set); each finishes well under 60 s on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3
t_require_tool curl
timeout 120 python3 "$(dirname "$0")/serve_test.py" shutdown
