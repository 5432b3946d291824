#!/usr/bin/env bash
# Copyright (c) mmssl contributors. All rights reserved.
#
# The README's first command: set up .venv (tools/setup_env.sh), then run the
# main job: train the supervised digits classifier from its config on
# scikit-learn's bundled digits and print its test accuracy.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/setup_env.sh
PY=.venv/bin/python
CONFIG=configs/supervised/supervised_digits-cnn_30e_digits.py
WORK_DIR=work_dirs/quickstart
rm -rf "$WORK_DIR"
echo "[quickstart] training $CONFIG (work dir: $WORK_DIR)"
$PY tools/train.py "$CONFIG" --work-dir "$WORK_DIR"
echo "[quickstart] testing the final checkpoint"
$PY tools/test.py "$CONFIG" "$WORK_DIR/epoch_30.pth" --work-dir "$WORK_DIR"
