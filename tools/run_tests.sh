#!/usr/bin/env bash
# Copyright (c) mmssl contributors. All rights reserved.
#
# The README's second command (and what .ci/run calls): set up .venv, lint
# with ruff, build the docs with sphinx-build -W, run the test suite with
# pytest. Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/setup_env.sh
PY=.venv/bin/python
echo "[tests] ruff check"
$PY -m ruff check .
echo "[tests] docs: sphinx-build -W (offline)"
DOCS_OUT=$(mktemp -d)
trap 'rm -rf "$DOCS_OUT"' EXIT
$PY -m sphinx -W --keep-going -q -b html docs/en "$DOCS_OUT"
echo "[tests] pytest"
$PY -m pytest "$@"
