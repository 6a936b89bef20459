#!/usr/bin/env bash
# Set up (first run only takes a minute) and start the RefurbDesk demo: a throw-away SQLite
# database with demo stock, the local Back Market sandbox started and connected.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/refurbdesk demo "$@"
