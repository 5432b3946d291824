#!/usr/bin/env bash
# Copyright (c) mmssl contributors. All rights reserved.
#
# Set up (or check) the virtual environment at <repo>/.venv with the stack
# mmssl is tested with. Idempotent: when nothing changed since the last
# successful run it only checks the environment and returns in seconds.
#
#   bash tools/setup_env.sh            # CPU (or whatever torch wheel pip picks)
#   FORCE_CUDA=1 bash tools/setup_env.sh   # build mmcv's CUDA ops too
#
# Environment variables:
#   PYTHON       interpreter for the venv (default: python3.11, else python3)
#   MMSSL_VENV   venv location (default: <repo>/.venv)
#   TORCH_SPEC   torch requirement (default: torch==2.13.0)
#   FORCE_CUDA   1 to compile mmcv's CUDA ops (needs nvcc matching torch)
#   MAX_JOBS     parallel compile jobs for mmcv (default: number of cores)
#
# Each step's pip output goes to .venv/setup-logs/<step>.log; on failure the
# script says which step failed, what to do, and shows the log's last lines.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${MMSSL_VENV:-$ROOT/.venv}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
FORCE_CUDA=${FORCE_CUDA:-0}
MAX_JOBS=${MAX_JOBS:-$(nproc 2>/dev/null || echo 2)}
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '[setup] %s\n' "$*"; }

fail() {  # fail STEP_NAME LOG HINT
    printf '\n[setup] FAILED: %s\n' "$1" >&2
    printf '[setup] what to do: %s\n' "$3" >&2
    if [ -f "$2" ]; then
        printf '[setup] last lines of %s:\n' "$2" >&2
        grep -v 'WARNING: Location' "$2" | tail -n 15 | sed 's/^/    /' >&2
    fi
    exit 1
}

run_step() {  # run_step NAME HINT CMD...
    local name=$1 hint=$2
    shift 2
    local log="$VENV/setup-logs/${name// /_}.log"
    local t0=$SECONDS
    say "$name ..."
    if ! "$@" >"$log" 2>&1; then
        fail "$name" "$log" "$hint"
    fi
    say "$name done ($((SECONDS - t0)) s)"
}

# --- fingerprint of everything that decides the environment ---------------
fingerprint() {
    cat "$ROOT/tools/setup_env.sh" "$ROOT/requirements/"*.txt \
        "$ROOT/setup.cfg" "$ROOT/pyproject.toml" 2>/dev/null
    echo "$TORCH_SPEC $FORCE_CUDA"
}
FP=$(fingerprint | sha256sum | cut -d' ' -f1)
STAMP="$VENV/.mmssl-setup-done"

check_env() {
    "$VENV/bin/python" - <<'EOF' >/dev/null 2>&1
import mmcv, mmcv._ext, mmdet, mmseg, mmdet3d, mmengine, torch, mmssl
from mmcv.ops import nms
EOF
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$FP" ] && check_env; then
    say "environment at $VENV is up to date (nothing to install)"
    exit 0
fi

t_start=$SECONDS

# --- 1. the virtual environment --------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3 || true)}
    [ -n "$PYTHON" ] || fail "find Python" /dev/null \
        "install Python 3.10 or 3.11 and/or set PYTHON=/path/to/python"
    ver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    case "$ver" in
        3.10|3.11) ;;
        *) fail "check Python version" /dev/null \
            "mmssl needs Python 3.10 or 3.11 (found $ver at $PYTHON); set PYTHON=/path/to/python3.11" ;;
    esac
    say "creating $VENV with $PYTHON (Python $ver)"
    "$PYTHON" -m venv "$VENV" || fail "create venv" /dev/null \
        "python -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
fi
mkdir -p "$VENV/setup-logs"
PY="$VENV/bin/python"
PIP=("$PY" -m pip)
CONSTRAINTS="$VENV/setup-logs/constraints.txt"
cp "$ROOT/requirements/constraints.txt" "$CONSTRAINTS"

# --- 2. build tools (setuptools < 82 keeps pkg_resources for mmcv/mmengine)
run_step "build tools" \
    "check that PyPI is reachable (pip install 'setuptools<82' wheel ninja)" \
    "${PIP[@]}" install -c "$CONSTRAINTS" "setuptools<82" wheel ninja

# --- 3. torch ---------------------------------------------------------------
run_step "torch" \
    "pip could not install $TORCH_SPEC; on a GPU host pick the wheel for your CUDA (see README), or set TORCH_SPEC" \
    "${PIP[@]}" install -c "$CONSTRAINTS" "$TORCH_SPEC" "numpy>=2.0,<2.5"
torch_version=$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])')
echo "torch==$torch_version" >>"$CONSTRAINTS"

# --- 4. mmcv 2.1.0 from source, with its compiled ops -----------------------
mmcv_installed=$("$PY" -c 'import importlib.metadata as m; print(m.version("mmcv"))' 2>/dev/null || true)
if [ "$mmcv_installed" != "2.1.0" ]; then
    extra=()
    if [ "$FORCE_CUDA" = "1" ]; then
        # A wheel cached from a CPU build must not be reused for CUDA.
        extra=(--no-cache-dir)
    fi
    say "building mmcv 2.1.0 with ops from source (about 10 minutes on 2 cores;"
    say "  pip caches the wheel, so later set-ups on this machine take seconds)"
    run_step "mmcv build" \
        "the mmcv 2.1.0 source build failed: see the log; it needs gcc/g++, the Python headers, torch importable, and setuptools<82 (on GPU hosts a CUDA toolkit matching torch.version.cuda)" \
        env MMCV_WITH_OPS=1 FORCE_CUDA="$FORCE_CUDA" MAX_JOBS="$MAX_JOBS" \
        "${PIP[@]}" install -c "$CONSTRAINTS" --no-build-isolation --no-deps \
        "${extra[@]}" mmcv==2.1.0
fi
# --- 5. the OpenMMLab stack and the rest ------------------------------------
run_step "runtime packages" \
    "pip could not install requirements/runtime.txt: check the network/PyPI and the log" \
    "${PIP[@]}" install -c "$CONSTRAINTS" -r "$ROOT/requirements/runtime.txt"
run_step "test packages" \
    "pip could not install requirements/tests.txt" \
    "${PIP[@]}" install -c "$CONSTRAINTS" -r "$ROOT/requirements/tests.txt"
run_step "docs packages" \
    "pip could not install requirements/docs.txt" \
    "${PIP[@]}" install -c "$CONSTRAINTS" -r "$ROOT/requirements/docs.txt"

run_step "tools packages" \
    "pip could not install requirements/tools.txt (tensorboard, what mim imports)" \
    "${PIP[@]}" install -c "$CONSTRAINTS" -r "$ROOT/requirements/tools.txt"
run_step "openmim (no-deps)" \
    "pip could not install requirements/mim.txt" \
    "${PIP[@]}" install -c "$CONSTRAINTS" --no-deps -r "$ROOT/requirements/mim.txt"

# mmdet3d with --no-deps (requirements/mmdet3d.txt says why), then what it
# really imports.
run_step "mmdet3d (no-deps)" \
    "pip could not install requirements/mmdet3d.txt" \
    "${PIP[@]}" install -c "$CONSTRAINTS" --no-deps -r "$ROOT/requirements/mmdet3d.txt"
run_step "mmdet3d imports" \
    "pip could not install requirements/mmdet3d-deps.txt" \
    "${PIP[@]}" install -c "$CONSTRAINTS" -r "$ROOT/requirements/mmdet3d-deps.txt"

run_step "mmcv ops check" \
    "mmcv installed without its compiled ops (mmcv._ext): run 'pip uninstall mmcv mmcv-lite', 'pip cache remove mmcv', then this script again" \
    "$PY" -c 'import mmcv, mmcv._ext; from mmcv.ops import nms; print(mmcv.__version__)'
if [ "$FORCE_CUDA" = "1" ]; then
    run_step "mmcv CUDA ops check" \
        "mmcv ops were built without CUDA: install a CUDA toolkit matching torch.version.cuda, run 'pip cache remove mmcv' and retry" \
        "$PY" -c 'from mmcv.ops import get_compiling_cuda_version as v; assert v() != "not available", v()'
fi

# --- 6. mmssl itself (editable) ---------------------------------------------
run_step "mmssl (editable)" \
    "pip install -e . failed: see the log" \
    "${PIP[@]}" install -c "$CONSTRAINTS" --no-deps --no-build-isolation -e "$ROOT"

# --- 7. check ---------------------------------------------------------------
run_step "import check" \
    "the environment installed but does not import; run '$PY -m mmssl.utils.collect_env' to see which package fails" \
    "$PY" -c 'import mmssl, mmdet.models, mmseg.models, mmdet3d.models, mmcv._ext, pycocotools, nibabel, sklearn, skimage, sphinx, myst_parser, sphinx_rtd_theme; print("ok")'

echo "$FP" >"$STAMP"
say "environment ready at $VENV ($((SECONDS - t_start)) s)"
"$PY" -m mmssl.utils.collect_env | sed 's/^/    /'
