#!/usr/bin/env bash
# test_serve.sh — `rvtier serve` end to end (docs/service.md), group "api" of
# serve_test.py:
# results equal to rvtier run --json (and trace bytes), bad requests -> 4xx JSON errors, limits,
# DELETE, Unix socket, rvtier submit.
# Usage: run by ctest (RVT_BIN, RVT_GUEST_DIR set); each finishes well under 60 s on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t_require_env
t_require_tool python3
t_require_tool curl
timeout 120 python3 "$(dirname "$0")/serve_test.py" api
