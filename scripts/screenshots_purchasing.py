"""Render the receiving screen, a vendor RMA and the reports to docs/screenshots, at 1280×800 and
1024×700 (offscreen, on a throw-away database with demo data and a day of purchasing).

    .venv/bin/python scripts/screenshots_purchasing.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REFURBDESK_STATION", "Receiving 1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZES = ((1280, 800, ""), (1024, 700, "-1024"))


def imei(n: int, prefix: str = "35391611") -> str:
    from app.domain.codes import luhn_check_digit

    body = f"{prefix}{n:06d}"
    return body + luhn_check_digit(body)


def settle(app: QApplication, runner) -> None:
    for _ in range(200):
        runner.wait()
        app.processEvents()
        if not runner.busy:
            app.processEvents()
            return


def purchasing_day(db) -> tuple[str, str]:
    """Three vendors, four POs with manifests, units received, graded and one RMA under way."""
    from app.domain.purchasing import diagnostics, landed, manifest, orders, receiving, rma, rma_flow, vendors
    from app.domain.purchasing.orders import PoLineSpec
    from app.models import Unit
    from app.models.base import utcnow

    with db.sessions.begin() as s:
        for name, contact in (("Phone Lots Ltd", "sales@phonelots.example"), ("EuroGrade GmbH", "+49 30 1234"),
                              ("Pacific Wholesale", "ops@pacific.example")):
            vendors.add_vendor(s, name, contact)
    lines = [PoLineSpec("Apple", "iPhone 13", 12, Decimal("310.00"), capacity="128GB", color="Midnight"),
             PoLineSpec("Apple", "iPhone 12", 8, Decimal("215.00"), capacity="64GB", color="Blue"),
             PoLineSpec("Samsung", "Galaxy S21", 6, Decimal("160.00"), capacity="128GB", color="Phantom Gray")]
    with db.sessions.begin() as s:
        big = orders.create_po(s, "Phone Lots Ltd", lines, reference_text="LOT-2291").number
        old = orders.create_po(s, "EuroGrade GmbH", [PoLineSpec("Apple", "iPhone 11", 10, Decimal("150.00"),
                                                               capacity="64GB", color="Black")],
                               reference_text="EG-88").number
        pac = orders.create_po(s, "Pacific Wholesale", [PoLineSpec("Google", "Pixel 7", 5, Decimal("190.00"),
                                                                  capacity="128GB", color="Obsidian")]).number
        for number in (big, old, pac):
            orders.place_po(s, number)
    rows = ["imei,manufacturer,model,capacity,color"]
    rows += [f"{imei(n)},Apple,iPhone 13,128GB,Midnight" for n in range(1, 13)]
    rows += [f"{imei(n)},Apple,iPhone 12,64GB,Blue" for n in range(13, 21)]
    rows += [f"{imei(n)},Samsung,Galaxy S21,128GB,Phantom Gray" for n in range(21, 27)]
    with db.sessions.begin() as s:
        manifest.import_manifest(s, big, "\n".join(rows) + "\n", filename="phonelots-2291.csv")
        manifest.import_manifest(s, old, "imei\n" + "\n".join(imei(n) for n in range(100, 110)) + "\n")
    with db.sessions.begin() as s:
        for n in range(100, 110):
            receiving.receive_scan(s, old, imei(n))
        for n in range(200, 204):
            receiving.receive_scan(s, pac, imei(n))
        landed.add_landed_cost(s, old, Decimal("85.00"), description="freight")
        for unit in s.query(Unit).all():  # the EuroGrade lot came in two months ago
            if unit.code in {imei(n) for n in range(100, 106)}:
                unit.received_at = utcnow() - timedelta(days=70)
    grades = "imei,grade,conditions,battery_health,failed_tests\n" + "\n".join(
        f"{imei(n)},{'B' if n % 3 else 'A'},{'SC' if n % 3 else ''},{86 + n % 10},"
        f"{'Face ID' if n in (101, 104, 107) else ''}" for n in range(100, 110)) + "\n"
    with db.sessions.begin() as s:
        diagnostics.import_diagnostics(s, grades)
    with db.sessions.begin() as s:
        number = rma.create_rma(s, "EuroGrade GmbH", "RA-55120").number
        for n, reason in ((101, "Face ID fails"), (104, "Face ID fails"), (107, "no power after charge")):
            rma.add_to_rma(s, number, imei(n), reason)
        rma.approve_rma(s, number)
        rma_flow.ship_rma(s, number, "1Z999AA10123456784")
        rma_flow.resolve_rma_line(s, number, imei(101), "credited", credit=Decimal("150.00"))
        rma_flow.resolve_rma_line(s, number, imei(104), "replaced", replacement=imei(150))
    return big, number


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from app.db import open_database
    from app.demo.seed import mark_demo, seed_demo
    from app.domain.events import EventBus
    from app.domain.purchasing import receiving
    from app.domain.setup import initialize
    from app.station_config import StationConfig
    from app.ui.bridge import EventBridge
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="refurbdesk-purchasing-shots-"))
    db = open_database(f"sqlite:///{folder / 'shots.sqlite3'}")
    initialize(db)
    seed_demo(db)
    mark_demo(db, sync=False)  # as `refurbdesk demo --no-sandbox` does: no getting-started list over the screens
    po_number, rma_number = purchasing_day(db)
    with db.sessions.begin() as s:  # the receiver is halfway through the box
        for n in range(1, 9):
            receiving.receive_scan(s, po_number, imei(n))

    runner = TaskRunner()
    ctx = UiContext(db, EventBridge(EventBus()), runner, StationConfig(station_name="Receiving 1", sounds=False))
    window = MainWindow(ctx, geometry=QSettings(str(folder / "geometry.ini"), QSettings.Format.IniFormat),
                        station_path=folder / "station.json", start_sync=False)
    window.show()
    page = window.purchasing.receiving
    page.print_labels.setChecked(False)
    window.tabs.setCurrentWidget(window.purchasing)
    settle(app, runner)
    page.handle_scan(po_number)
    settle(app, runner)
    for code in (imei(9), imei(9), imei(10), imei(777)):  # green, red duplicate, green, amber
        page.handle_scan(code)
        settle(app, runner)
    shots = []
    for width, height, suffix in SIZES:
        window.resize(width, height)
        settle(app, runner)
        shots.append((window.grab(), f"purchasing-receive{suffix}.png"))
    page.handle_scan(imei(9))
    settle(app, runner)
    for width, height, suffix in SIZES:
        window.resize(width, height)
        settle(app, runner)
        shots.append((window.grab(), f"purchasing-receive-refused{suffix}.png"))

    window.tabs.setCurrentWidget(window.vendor_returns)
    window.vendor_returns.show_rma(rma_number)
    settle(app, runner)
    window.vendor_returns.lines_view.selectRow(2)
    for width, height, suffix in SIZES:
        window.resize(width, height)
        settle(app, runner)
        shots.append((window.grab(), f"purchasing-rma{suffix}.png"))

    window.tabs.setCurrentWidget(window.reports)
    settle(app, runner)
    for width, height, suffix in SIZES:
        window.resize(width, height)
        settle(app, runner)
        shots.append((window.grab(), f"purchasing-reports{suffix}.png"))

    grading = window.purchasing.grading
    window.tabs.setCurrentWidget(window.purchasing)
    window.purchasing.pages.setCurrentWidget(grading)
    export = folder / "phonecheck-export.csv"
    export.write_text("IMEI/MEID,Model Name,Cosmetic Grade,Battery Health,Result Failures,Damage,Tester Name\n"
                      + "".join(f"{imei(n)},iPhone 13,{'A' if n % 2 else 'B'},{88 + n}%,"
                                f"{'Speaker' if n == 4 else ''},{'' if n % 2 else 'SC'},Jo\n" for n in range(1, 9)),
                      encoding="utf-8")
    grading.open_file(str(export))
    settle(app, runner)
    grading.set_column("failed_tests", "result failures")
    for width, height, suffix in SIZES:
        window.resize(width, height)
        settle(app, runner)
        shots.append((window.grab(), f"purchasing-grading{suffix}.png"))

    window.purchasing.pages.setCurrentWidget(window.purchasing.orders)
    window.purchasing.orders.show_po(po_number)
    settle(app, runner)
    for width, height, suffix in SIZES:
        window.resize(width, height)
        settle(app, runner)
        shots.append((window.grab(), f"purchasing-orders{suffix}.png"))

    for pixmap, name in shots:
        pixmap.save(str(out / name))
        print(out / name)
    window.shutdown()
    window.close()
    runner.wait()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
