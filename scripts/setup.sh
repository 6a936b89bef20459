#!/usr/bin/env bash
# Set up a machine to run RefurbDesk from source: Qt's system libraries, a venv, the package.
# Usage: bash scripts/setup.sh [--test]   (--test adds pytest, pytest-qt, hypothesis, psycopg)
set -euo pipefail
cd "$(dirname "$0")/.."

QT_DEBS="libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 fonts-dejavu-core"
DESKTOP_DEBS="libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libx11-xcb1"
TEST_DEBS="postgresql"

want=("$QT_DEBS" "$DESKTOP_DEBS")
[[ "${1:-}" == "--test" ]] && want+=("$TEST_DEBS")

if command -v dpkg >/dev/null 2>&1; then
  missing=()
  for pkg in ${want[*]}; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    echo "Installing system packages: ${missing[*]}"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [[ "${1:-}" == "--test" ]]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "RefurbDesk is set up in $(pwd)/.venv"
