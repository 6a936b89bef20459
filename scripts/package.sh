#!/usr/bin/env bash
# Build the one-folder executable with PyInstaller, then prove the frozen program works:
# self-check, and init / import-inventory / catalog --json on a fresh database.
# Usage: bash scripts/package.sh   -> dist/refurbdesk/refurbdesk
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v objdump >/dev/null || { SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"; $SUDO apt-get install -y -qq binutils >/dev/null; }
.venv/bin/python -m pip install -q -e ".[package]"

start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN packaging/pyinstaller.spec
echo "built in $(( $(date +%s) - start )) s; size: $(du -sh dist/refurbdesk | cut -f1)"

EXE=dist/refurbdesk/refurbdesk
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export REFURBDESK_DATA_DIR="$WORK/data"
DB="sqlite:///$WORK/smoke.sqlite3"
"$EXE" self-check
"$EXE" --db "$DB" init
cat > "$WORK/units.csv" <<'CSV'
imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku
356938035643809,Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,A,,Available,Main,IP13-128-MID-A
490154203237518,Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,B,SC,Available,Main,IP13-128-MID-B
CSV
"$EXE" --db "$DB" import-inventory "$WORK/units.csv"
"$EXE" --db "$DB" catalog --json | tee "$WORK/catalog.json"
grep -q '"IP13-128-MID-B"' "$WORK/catalog.json"
/usr/bin/env time -f "frozen start-up (--version): %e s" "$EXE" --version 2>&1 || "$EXE" --version
echo "frozen program OK"
