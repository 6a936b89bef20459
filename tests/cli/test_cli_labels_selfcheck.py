"""`refurbdesk self-check` and `refurbdesk label … --pdf` through real subprocesses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.codes import luhn_check_digit


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=120)


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)]


def test_self_check_reports_each_check_and_passes(tmp_path):
    result = run(tmp_path, "self-check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ("qt", "database", "csv-check", "keyring", "label", "serial"):
        assert any(re.match(rf"ok\s+{name}\b", line) for line in lines), result.stdout
    assert lines[-1] == "usable"


def test_unit_label_and_packing_slip_as_pdf(tmp_path):
    db = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    body = "35693803564380"
    imei = body + luhn_check_digit(body)
    csv = tmp_path / "units.csv"
    csv.write_text(
        "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"
        f"{imei},Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,A,SC,Available,Main,IP13-A\n"
    )
    assert run(tmp_path, "--db", db, "init").returncode == 0  # a new database is made by init only
    assert run(tmp_path, "--db", db, "import-inventory", str(csv)).returncode == 0
    number = run(tmp_path, "--db", db, "order", "create", "--customer", "Acme", "--line", "sku=IP13-A,qty=1").stdout.strip()
    assert run(tmp_path, "--db", db, "fulfil", number, "--scan", imei).returncode == 0

    unit_pdf, slip_pdf = tmp_path / "unit.pdf", tmp_path / "slip.pdf"
    result = run(tmp_path, "--db", db, "label", "unit", imei, "--pdf", str(unit_pdf))
    assert result.returncode == 0, result.stderr
    (w, h), = media_boxes(unit_pdf.read_bytes())
    assert w == pytest.approx(2.25 * 72, abs=1) and h == pytest.approx(1.25 * 72, abs=1)

    result = run(tmp_path, "--db", db, "label", "slip", number, "--pdf", str(slip_pdf), "--size", "4x6")
    assert result.returncode == 0, result.stderr
    assert media_boxes(slip_pdf.read_bytes())[0] == (pytest.approx(4 * 72, abs=1), pytest.approx(6 * 72, abs=1))


def test_label_for_an_unknown_unit_says_so(tmp_path):
    db = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert run(tmp_path, "--db", db, "init").returncode == 0
    result = run(tmp_path, "--db", db, "label", "unit", "356938035643809", "--pdf", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert "Unknown unit" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
