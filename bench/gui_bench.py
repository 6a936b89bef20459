"""GUI timings on a big database: catalog first rows, catalog filter, scan-to-verdict.

    .venv/bin/python -m bench.gui_bench sqlite:////tmp/gui100k.sqlite3 [--make 100000]

`run_gui_bench(url)` is what the bench runner calls; it needs an initialized database with a
catalog in it (see bench.gui_data.make_catalog).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from bench.core import percentile

# "iphone" is the broad word (62 % of the bench catalog): it counts in catalog_filter_ms like every other.
BROAD = "iphone"
FILTERS = (BROAD, "samsung 128gb", "pixel blue verizon", "B SC", "sku-12", "m000123", "zzzz-no-match")


def run_gui_bench(url: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from app.db import open_database
    from app.domain import catalog_query
    from app.domain.events import EventBus
    from app.models import UnitCode
    from app.station_config import StationConfig
    from app.ui.bridge import EventBridge
    from app.ui.catalog import CatalogTab
    from app.ui.context import UiContext
    from app.ui.inventory import InventoryTab
    from app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    db = open_database(url)
    ctx = UiContext(db, EventBridge(EventBus()), TaskRunner(), StationConfig(sounds=False))

    def wait_for(signal, start) -> float:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(30000, loop.quit)
        t0 = time.perf_counter()
        start()
        loop.exec()
        signal.disconnect(loop.quit)
        return time.perf_counter() - t0

    t0 = time.perf_counter()
    holder = {}

    def build() -> None:
        holder["tab"] = CatalogTab(ctx)
        holder["tab"].filter_applied.connect(loop_quit)

    loop = QEventLoop()
    loop_quit = loop.quit
    QTimer.singleShot(30000, loop.quit)
    build()
    loop.exec()
    first_rows = time.perf_counter() - t0
    tab = holder["tab"]
    tab.resize(1280, 800)
    tab.show()
    app.processEvents()
    if not tab.model.count_known:  # the first page came first; the count follows
        wait_for(tab.count_shown, lambda: None)
    variations = tab.model.match_count

    filter_ms: dict[str, float] = {}
    for text in FILTERS:
        runs = []
        for _ in range(5):
            tab.filter_edit.blockSignals(True)  # measure the query, not the 150 ms typing pause
            tab.filter_edit.setText(text if len(runs) % 2 == 0 else text + " ")
            tab.filter_edit.blockSignals(False)
            runs.append(wait_for(tab.filter_applied, tab.reload) * 1000)
            app.processEvents()
        filter_ms[text] = statistics.median(runs)

    with db.reads() as s:
        codes = list(s.scalars(select(UnitCode.code).limit(200)))
        broad_matches = catalog_query.match_count(s, BROAD)
    verdicts: list[float] = []
    if codes:
        inventory = InventoryTab(ctx)
        page = inventory.lookup
        inventory.show_page(page)
        for code in codes:
            wait_for(page.verdict_shown, lambda code=code: page.handle_scan(code))
            verdicts.append(page.last_verdict_ms or 0.0)
        inventory.deleteLater()
    ctx.runner.wait()
    tab.deleteLater()
    app.processEvents()
    ctx.events.close()
    db.dispose()
    return {
        "catalog_variations": variations,
        "catalog_first_rows_s": round(first_rows, 3),
        # What the packer waits for: the first page on screen (the count follows on its own).
        "catalog_filter_ms": round(max(filter_ms.values()), 1),
        "catalog_filter_broad_ms": round(filter_ms[BROAD], 1),
        "catalog_filter_broad_share": round(broad_matches / variations, 3) if variations else None,
        "catalog_filter_ms_by_filter": {k: round(v, 1) for k, v in filter_ms.items()},
        "lookup_scan_to_verdict_p95_ms": round(percentile(verdicts, 95), 1) if verdicts else None,
        "lookup_scan_to_verdict_median_ms": round(statistics.median(verdicts), 1) if verdicts else None,
    }


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--make", type=int, default=0, help="first build a catalog of this many variations")
    parser.add_argument("--units-per-variation", type=float, default=2.0)
    args = parser.parse_args(argv)
    if args.make:
        from app.db import open_database
        from app.domain.setup import initialize
        from bench.gui_data import make_catalog

        db = open_database(args.url)
        initialize(db)
        make_catalog(db, args.make, units_per_variation=args.units_per_variation)
        db.dispose()
    print(json.dumps(run_gui_bench(args.url), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
