"""Scan-to-verdict as a packer meets it: the full main window, every tab loaded, the Back Market sync
worker running against the sandbox (in a process of its own, as the real marketplace is), sounds
on, scans back to back at a packer's pace — then the same while a CSV import runs.

    python -m bench.gui_window_bench DB_URL [--scans 200] [--import-rows 100000] [--pace-ms 333]

Each scan is 15 digit keys and an Enter, delivered by Qt itself as it delivers a USB scanner's input
(each key's ShortcutOverride, press and release, back to back), through the real application-wide
wedge filter, the main window's scan router and the packing tab. A new scan
starts every PACE ms whether the last verdict came or not (the packer does not wait); each scan's
clock runs from its first key event to its own verdict on the banner, repainted.

`scan_during_import_*`: the import is started the way a user starts it (the main window's
File → Import, `inventory.csv.import_file(path)`), and scans go on at the same pace until it ends.
A failure is a scan refused (e.g. "database is locked") or never answered.

DB_URL must be an initialized database (the bench's own, or `refurbdesk init`); the bench adds a
product with two batches of units, an order for each, and a listing for its SKU.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.core import make_import_csv, percentile  # noqa: E402
from bench.window_scanner import PacedScanner, wait_for  # noqa: E402

PACE_MS = 333  # three scans a second
TOKEN = "bench-window-token"


def _codes(family: int, n: int) -> list[str]:
    from app.domain.codes import luhn_check_digit

    return [body + luhn_check_digit(body) for body in (f"98{family:07d}{i:05d}" for i in range(n))]


def _prepare(db, family: int, n: int, sku: str, model: str) -> tuple[str, list[str]]:
    """n units of the bench phone and a direct order wanting them all."""
    from app.domain import inventory, orders
    from app.domain.catalog import ProductSpec

    codes = _codes(family, n)
    with db.sessions.begin() as s:
        receipt = inventory.Receipt(ProductSpec("Bench", model, "W1", "Unlocked", "64GB", "Grey"), "A", sku=sku)
        for code in codes:
            inventory.receive_unit(s, receipt, imei=code)
        order, _ = orders.create_direct_order(s, "Bench window customer", [orders.LineRequest(n, sku=sku)])
        return order.number, codes


def _add_listing(db, sku: str) -> None:
    from sqlalchemy import func, select

    from app.domain.catalog import normalize_sku
    from app.models import Listing

    with db.sessions.begin() as s:
        next_id = (s.scalar(select(func.max(Listing.listing_id))) or 0) + 1
        s.add(Listing(uuid=f"bench-window-{sku.lower()}", listing_id=next_id, sku=sku, sku_norm=normalize_sku(sku),
                      title=f"Listing {sku}", grade="GOOD", price="199.00", currency="EUR", bm_quantity=0,
                      publication_state=3))


def _start_sandbox(db, workdir: Path) -> tuple[subprocess.Popen, str]:
    from sqlalchemy import select

    from app.models import Listing

    with db.reads() as s:
        rows = [list(r) for r in s.execute(select(Listing.uuid, Listing.listing_id, Listing.sku, Listing.bm_quantity))]
    path = workdir / "listings.json"
    path.write_text(json.dumps(rows))
    process = subprocess.Popen([sys.executable, "-m", "bench.sandbox_process", str(path), TOKEN],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        process.kill()
        raise RuntimeError("the sandbox process did not start")
    return process, url


def run_window_bench(url: str, scans: int = 200, import_rows: int = 100_000, pace_ms: int = PACE_MS,
                     log=lambda _m: None) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.db import open_database
    from app.domain import settings
    from app.domain.events import EventBus
    from app.station_config import StationConfig
    from app.sync import secrets
    from app.ui import sounds
    from app.ui.bridge import EventBridge
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.scan_router import ScannerInputs
    from app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([sys.argv[0]])
    workdir = Path(tempfile.mkdtemp(prefix="refurbdesk-window-bench-"))
    db = open_database(url)
    family = int(time.time()) % 10_000_000
    sku = f"BENCH-W{family:07d}"
    # A scan every pace for as long as the import runs: units for ten minutes of scans at 100k rows.
    during_units = max(scans, min(1800, import_rows // 50))
    model = f"WindowPhone {family}"  # a product of this run's own: a kept database never clashes
    number, codes = _prepare(db, family, scans, sku, model)
    number2, codes2 = _prepare(db, (family + 1) % 10_000_000, during_units, sku, model)
    _add_listing(db, sku)
    sandbox, sandbox_url = _start_sandbox(db, workdir)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.api_url", sandbox_url)
    old_token = os.environ.get(secrets.ENV_VAR)
    os.environ[secrets.ENV_VAR] = TOKEN
    # QTest's key events carry no timestamp, so the wedge times a burst's gaps by its own clock as it
    # handles them; a real scanner's keys carry the device's timestamps, which a busy moment in the
    # window cannot stretch. A stall between two handled keys must not split a scan here either.
    station = StationConfig(station_name="Bench window", sounds=True, wedge_scanner=True, scanner_max_gap_ms=1000.0)
    ctx = UiContext(db, EventBridge(EventBus()), TaskRunner(), station)
    scanners = ScannerInputs(station, app)
    window = MainWindow(ctx, scanners=scanners, geometry=QSettings(str(workdir / "geometry.ini"), QSettings.Format.IniFormat),
                        station_path=workdir / "station.json")
    player = sounds.find_player()
    out: dict = {
        "gui_scan_conditions": (f"MainWindow, all tabs loaded, sync worker against the sandbox (own process), "
                                f"sounds on (player: {player[0] if player else 'none here: refusals ring the bell'}), "
                                f"a scan every {pace_ms} ms"),
        "gui_scan_pace_ms": pace_ms,
    }
    try:
        window.resize(1280, 800)
        window.show()
        started = time.perf_counter()
        wait_for(app, lambda: window.backmarket.listings_model.rowCount() > 0 and window.catalog.model.match_count > 0,
              120, "the tabs loading")
        out["gui_window_tabs_loaded_s"] = round(time.perf_counter() - started, 2)
        wait_for(app, lambda: window.sync.running, 30, "the sync worker starting")
        out["gui_scan_backmarket_listings"] = window.backmarket.listings_model.rowCount()
        window.tabs.setCurrentWidget(window.packing)
        target = window.packing.lines_view
        scanner = PacedScanner(app, window, target)

        def open_order(order_number: str) -> None:
            scanner.send(order_number)
            wait_for(app, lambda: window.packing.detail is not None and window.packing.detail.number == order_number,
                  60, f"order {order_number} opening")

        open_order(number)
        cycles_before, pushes_before = _sync_counts(window)
        log(f"  window bench: {scans} scans at one every {pace_ms} ms, sync running")
        sent = scanner.paced(codes, pace_ms)
        cycles_after, pushes_after = _sync_counts(window)
        out.update(scanner.summary("gui_scan_to_verdict", sent))
        commits = sorted(scanner.commits)
        if commits:
            out["commit_transaction_p50_ms"] = round(statistics.median(commits), 2)
            out["commit_transaction_p95_ms"] = round(percentile(commits, 95), 2)
        out["gui_scan_sync_cycles_finished_during"] = cycles_after - cycles_before
        out["gui_scan_sync_fast_pushes_during"] = pushes_after - pushes_before
        out["gui_scan_sync_state_after"] = window.sync.state

        # --- the same while a CSV import runs ------------------------------------------------
        csv_path = workdir / "import.csv"
        log(f"  window bench: generating a {import_rows:,}-row CSV")
        csv_path.write_text(make_import_csv(db, import_rows, random.Random(11)), encoding="utf-8")
        open_order(number2)
        outcome: list[str] = []
        csv = window.inventory.csv
        csv.finished.connect(outcome.append)
        log("  window bench: scanning while the import runs")
        import_started = time.perf_counter()
        csv.import_file(str(csv_path))
        importing = lambda: not outcome and csv.problems_dialog is None and (  # noqa: E731
            ctx.runner.busy or csv.progress_dialog is not None)
        sent2 = scanner.paced(codes2, pace_ms, keep_going=importing, timeout_s=120)
        outlasted = importing()
        wait_for(app, lambda: not importing(), 600, "the import ending")
        import_s = time.perf_counter() - import_started
        during = scanner.summary("scan_during_import", sent2)
        during["scan_during_import_failures"] = during.pop("scan_during_import_refused") + during.pop(
            "scan_during_import_unanswered")
        refusals = [scanner.answered[c] for c in sent2 if c in scanner.answered and scanner.answered[c][0] != "ok"]
        out.update(during)
        out["scan_during_import_rows"] = import_rows
        out["scan_during_import_import_s"] = round(import_s, 2)
        out["scan_during_import_outcome"] = (outcome[0] if outcome else
                                             "refused" if csv.problems_dialog is not None else "unknown")[:200]
        if refusals:
            out["scan_during_import_first_refusal"] = refusals[0][0]
        if len(sent2) == len(codes2) and outlasted:
            out["scan_during_import_note"] = f"the import outlasted {len(sent2)} scans; later ones were not measured"
        elif len(sent2) < 20:
            out["scan_during_import_note"] = f"the import ended after {len(sent2)} scans: too few for a p95"
    finally:
        window.shutdown()
        if not window.threads_ended and not window.sync.wait_stopped(120_000):  # a cycle not yet at a check
            log("  window bench: the sync thread was still running two minutes after the window closed")
        scanners.stop()
        window.deleteLater()
        app.processEvents()
        ctx.events.close()
        sandbox.stdin.close()
        try:
            sandbox.wait(10)
        except subprocess.TimeoutExpired:
            sandbox.kill()
        if old_token is None:
            os.environ.pop(secrets.ENV_VAR, None)
        else:
            os.environ[secrets.ENV_VAR] = old_token
        db.dispose()
        for f in workdir.iterdir():
            f.unlink()
        workdir.rmdir()
    return out


def _sync_counts(window) -> tuple[int, int]:
    worker = getattr(window.sync, "_worker", None)
    return (worker.cycles, worker.pushes) if worker is not None else (0, 0)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.gui_window_bench")
    parser.add_argument("url")
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--pace-ms", type=int, default=PACE_MS)
    args = parser.parse_args(argv)
    from app.threads import tune_for_latency

    tune_for_latency()  # as `refurbdesk` does at start (app/cli)
    result = run_window_bench(args.url, args.scans, args.import_rows, args.pace_ms,
                              log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
