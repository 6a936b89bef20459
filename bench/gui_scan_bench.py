"""Scan-to-verdict on a lone PackingTab, idle between scans: the kindest case, kept to separate the
tab's own cost from what the full window adds. The bench's headline `gui_scan_to_verdict_*` comes
from bench/gui_window_bench.py (the main window, sync running, sounds on, 3 scans a second).

Real key events → WedgeScanFilter → PackingTab → banner repainted.

    python -m bench.gui_scan_bench [DB_URL] [N]

Each of N scans is 15 digit key presses and an Enter, 4 ms apart as a USB scanner sends them
(QKeyEvents with explicit timestamps, through the real application-wide filter). The clock starts
when the first key event is sent and stops when the banner shows the verdict and has repainted.
Scans are spaced out (the packer picks up the next phone), so each is measured on its own.

On DB_URL (default: a throw-away SQLite file) it receives N units of a bench-only product and
creates one order wanting them all; the database must be initialized (`refurbdesk init`).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.core import percentile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.db import open_database  # noqa: E402
from app.domain import inventory, orders  # noqa: E402
from app.domain.catalog import ProductSpec  # noqa: E402
from app.domain.codes import luhn_check_digit  # noqa: E402
from app.domain.events import EventBus  # noqa: E402
from app.domain.setup import initialize  # noqa: E402
from app.scanner.decoder import ScannerSettings  # noqa: E402
from app.station_config import StationConfig  # noqa: E402
from app.ui.bridge import EventBridge  # noqa: E402
from app.ui.context import UiContext  # noqa: E402
from app.ui.packing.tab import PackingTab  # noqa: E402
from app.ui.scanner import WedgeScanFilter  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402

KEY_GAP_MS = 4
BENCH_PRODUCT = ProductSpec("Bench", "ScanPhone", "B1", "Unlocked", "64GB", "Grey")


def _imeis(n: int) -> list[str]:
    family = f"{int(time.time()) % 10_000_000:07d}"  # a fresh family per run: never received before
    return [body + luhn_check_digit(body) for body in (f"99{family}{i:05d}" for i in range(n))]


def _prepare(url: str, n: int) -> tuple[str, list[str]]:
    db = open_database(url)
    try:
        codes = _imeis(n)
        sku = f"BENCH-{codes[0][2:9]}"
        with db.sessions.begin() as s:
            receipt = inventory.Receipt(BENCH_PRODUCT, "A", sku=sku)
            for code in codes:
                inventory.receive_unit(s, receipt, imei=code)
            order, _ = orders.create_direct_order(s, "Bench customer", [orders.LineRequest(n, sku=sku)])
            return order.number, codes
    finally:
        db.dispose()


def _wait(app: QApplication, done, timeout_s: float = 10.0, wake=None) -> None:
    """Run the event loop until done() — sleeping between events as the real app does. A busy
    processEvents() loop would hold the GIL and slow the runner's thread it is waiting for."""
    if done():
        return
    loop = QEventLoop()
    poll = QTimer(interval=2)
    poll.timeout.connect(lambda: done() and loop.quit())
    if wake is not None:
        wake.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    poll.start()
    while not done():
        started = time.perf_counter()
        loop.exec()
        if not done() and time.perf_counter() - started >= timeout_s:
            raise TimeoutError("the packing tab did not answer in time")
    poll.stop()
    if wake is not None:
        wake.disconnect(loop.quit)


def _send_scan(app: QApplication, target, code: str, start_ts: int) -> None:
    ts = start_ts
    for ch in code + "\r":
        key = Qt.Key.Key_Return.value if ch == "\r" else Qt.Key.Key_0.value + int(ch)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, "" if ch == "\r" else ch)
            event.setTimestamp(ts)
            QApplication.sendEvent(target, event)
        ts += KEY_GAP_MS


def run_gui_scan_bench(url: str | None = None, n: int = 200) -> dict:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    tmp = None
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="refurbdesk-gui-bench-")
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
        initialize(open_database(url))
    number, codes = _prepare(url, n)
    db = open_database(url)
    ctx = UiContext(db, EventBridge(EventBus()), TaskRunner(max_threads=2), StationConfig(sounds=False))
    wedge = WedgeScanFilter(ScannerSettings())
    app.installEventFilter(wedge)
    tab = PackingTab(ctx)
    tab.resize(1280, 800)
    tab.show()
    wedge.code_scanned.connect(lambda code: tab.handle_scan(code) or tab.open_order(code))
    shown: list[tuple[str, float]] = []

    commits: list[float] = []

    def on_verdict(kind: str, _text: str) -> None:
        tab.banner.repaint()  # count the paint the packer waits for, not only the setText
        shown.append((kind, time.perf_counter()))
        commits.append(tab.last_commit_ms)

    tab.verdict_shown.connect(on_verdict)
    try:
        tab.open_order(number)
        _wait(app, lambda: tab.detail is not None and not ctx.runner.busy)
        latencies: list[float] = []
        refused = 0
        timestamp = 10_000_000
        for code in codes:
            _wait(app, lambda: not ctx.runner.busy)  # the previous scan's refreshes are done
            before = len(shown)
            timestamp += 2000
            started = time.perf_counter()
            _send_scan(app, tab, code, timestamp)  # nothing on the packing screen takes focus
            _wait(app, lambda: len(shown) > before, wake=tab.verdict_shown)
            kind, at = shown[before]
            refused += kind != "ok"
            latencies.append((at - started) * 1000.0)
        overhead = sorted(total - commit for total, commit in zip(latencies, commits))
        commits.sort()
        latencies.sort()
        return {
            "gui_scan_to_verdict_p95_ms": round(percentile(latencies, 95), 2),
            "gui_scan_to_verdict_p50_ms": round(statistics.median(latencies), 2),
            "gui_scan_to_verdict_max_ms": round(latencies[-1], 2),
            "commit_transaction_p50_ms": round(statistics.median(commits), 2),
            "commit_transaction_p95_ms": round(percentile(commits, 95), 2),
            "gui_overhead_p50_ms": round(statistics.median(overhead), 2),
            "gui_overhead_p95_ms": round(percentile(overhead, 95), 2),
            "scans": len(latencies),
            "refused": refused,
            "db": "sqlite (temporary)" if tmp else db.engine.dialect.name,
        }
    finally:
        tab.shutdown()
        ctx.runner.wait()
        app.processEvents()
        app.removeEventFilter(wedge)
        tab.deleteLater()
        app.processEvents()
        ctx.events.close()
        db.dispose()
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    arg_url = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    print(json.dumps(run_gui_scan_bench(arg_url, count), indent=2))
