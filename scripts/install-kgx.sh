#!/usr/bin/env bash
# KGX (the Biolink knowledge-graph exchange tool) in a virtual environment of its own, .venv-kgx:
# every kgx release pins what serkg's environment cannot take (kgx 2.6 needs pyarrow<16 and so
# numpy<2; kgx 2.7 needs click<8.2, which linkml refuses). The tests run `kgx validate` on the
# KGX export with this environment's Python (tests/kgx_validate.py). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV=.venv-kgx
KGX_VERSION=2.6.0
# the Biolink model the export targets (docs/exports.md); biolink-model ships it, so nothing
# is fetched when kgx loads the model
BIOLINK_VERSION=4.4.6
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$KGX_VERSION" "$BIOLINK_VERSION" <<'PY'
import sys
from importlib.metadata import version
sys.exit(0 if (version("kgx"), version("biolink-model")) == tuple(sys.argv[1:]) else 1)
PY
then
  echo "kgx: $KGX_VERSION present in $VENV"
  exit 0
fi
echo "kgx: installing kgx $KGX_VERSION and biolink-model $BIOLINK_VERSION into $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "kgx==$KGX_VERSION" "biolink-model==$BIOLINK_VERSION"
