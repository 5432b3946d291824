#!/usr/bin/env bash
# Copyright (c) mmssl contributors. All rights reserved.
#
# The README's second command (and what .ci/run calls): set up .venv, lint
# with ruff, run the test suite with pytest. Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/setup_env.sh
PY=.venv/bin/python
echo "[tests] ruff check"
$PY -m ruff check .
echo "[tests] pytest"
$PY -m pytest "$@"
