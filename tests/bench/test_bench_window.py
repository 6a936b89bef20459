"""The main-window scan bench runs end to end at a tiny size: every scan answered, none refused,
and the keys say what was run. (Numbers are the bench's business, never a test's.)"""

from __future__ import annotations

import pytest

from bench.build import build_database
from bench.gui_window_bench import run_window_bench

pytestmark = pytest.mark.gui


def test_window_bench_smoke(qapp, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    build_database(url, 2000, 200, 50, 1)
    results = run_window_bench(url, scans=6, import_rows=300, pace_ms=100)
    assert results["gui_scan_to_verdict_scans"] == 6
    assert results["gui_scan_to_verdict_refused"] == 0 and results["gui_scan_to_verdict_unanswered"] == 0
    assert results["gui_scan_to_verdict_p95_ms"] > 0
    assert results["gui_scan_backmarket_listings"] == 51  # the built ones and the bench phone's
    assert "MainWindow" in results["gui_scan_conditions"] and "sounds on" in results["gui_scan_conditions"]
    assert results["scan_during_import_rows"] == 300 and results["scan_during_import_scans"] >= 1
    assert results["scan_during_import_failures"] == 0
    assert results["scan_during_import_outcome"].startswith("Imported 300 units")
