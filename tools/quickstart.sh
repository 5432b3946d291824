#!/usr/bin/env bash
# Copyright (c) mmssl contributors. All rights reserved.
#
# The README's first command: set up .venv (tools/setup_env.sh), then run the
# main job, the digits benchmark at 4 labels per class: FixMatch and the
# supervised-only baseline, each trained from its config on the same 40
# labeled images for seeds 0, 1, 2, with the scikit-learn reference rows
# computed on the same splits; writes and prints the leaderboard, then
# tests FixMatch's seed-0 checkpoint with tools/test.py.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/setup_env.sh
PY=.venv/bin/python
WORK_DIR=work_dirs/quickstart
CONFIG=configs/fixmatch/fixmatch_digits-cnn_2k_digits-4.py
rm -rf "$WORK_DIR"
echo "[quickstart] digits benchmark, 4 labels per class, seeds 0 1 2" \
     "(work dir: $WORK_DIR)"
$PY tools/benchmark/leaderboard.py --suite digits-main --work-dir "$WORK_DIR"
echo "[quickstart] testing FixMatch's seed-0 checkpoint (EMA weights)"
$PY tools/test.py "$CONFIG" \
    "$WORK_DIR/fixmatch_digits-cnn_2k_digits-4/seed0/iter_2000.pth" \
    --seed 0 --work-dir "$WORK_DIR/test"
