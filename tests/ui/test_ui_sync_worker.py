"""The sync worker thread against the real sandbox on 127.0.0.1: start, stop, push, report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.db import Database
from app.demo.catalog import DEMO_VARIATIONS
from app.domain import inventory, settings
from app.domain.catalog import ProductSpec
from app.sync.config import store_token
from app.sync.sandbox import DEMO_TOKEN, SandboxServer
from app.ui.sync.controller import SyncController

from packing_helpers import make_imei, seed_stock

pytestmark = pytest.mark.gui


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0, demo=True, block_seconds=0.2, task_delay_seconds=0.1, demo_order_interval=3600)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def configure(db: Database, url: str, token: str | None = DEMO_TOKEN) -> None:
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.api_url", url)
        settings.set_(s, "backmarket.interval_seconds", 3600)
    if token:
        store_token(db, token)


@pytest.fixture
def controller(qtbot, ctx) -> Iterator[SyncController]:
    sync = SyncController(ctx, push_debounce=0.2)
    yield sync
    sync.shutdown()
    ctx.runner.wait()


def test_without_a_token_it_says_not_configured_and_does_not_spin(qtbot, ctx, controller) -> None:
    lines: list[str] = []
    controller.state_changed.connect(lines.append)
    controller.start()
    qtbot.waitUntil(lambda: lines == ["Back Market: not configured"], timeout=5000)  # the keyring is read off the GUI thread
    assert not controller.running


def test_start_and_stop_twenty_times_without_a_crash(qtbot, db, ctx, controller, sandbox) -> None:
    seed_stock(db)
    configure(db, sandbox.url)
    reports: list = []
    controller.sync_finished.connect(reports.append)
    for round_ in range(20):
        with qtbot.waitSignal(controller.running_changed, timeout=5000):
            controller.start()
        assert controller.running
        if round_ % 3 == 1:  # stop mid-cycle, once it is really talking to Back Market
            qtbot.waitUntil(lambda: controller.progress != "", timeout=10000)
        elif round_ % 3 == 2:  # stop after a whole cycle
            with qtbot.waitSignal(controller.sync_finished, timeout=20000):
                pass
        assert controller.stop(), f"round {round_}: the thread did not end"
        assert not controller.running
    assert len(reports) >= 6  # every third round ran a whole cycle; stopped workers' reports are dropped
    assert all(r.ok and r.listings_imported > 0 for r in reports)


def test_a_cycle_reports_and_a_stock_change_is_pushed_within_seconds(qtbot, db, ctx, controller, sandbox) -> None:
    seed_stock(db)
    configure(db, sandbox.url)
    reports: list = []
    controller.sync_finished.connect(reports.append)
    with qtbot.waitSignal(controller.sync_finished, timeout=20000):
        controller.start()
    report = reports[0]
    assert report.ok and report.listings_imported == len(DEMO_VARIATIONS) + 1 and report.orders_imported == 2
    assert controller.state.startswith("Back Market: synced")
    demo = DEMO_VARIATIONS[3]  # no demo order takes from it: its quantity is its units
    assert sandbox.store.listing(demo.sku)["quantity"] == demo.units

    spec = ProductSpec(demo.manufacturer, demo.model, demo.model_number, demo.network, demo.capacity, demo.color)
    with db.sessions.begin() as s:
        _unit, changes = inventory.receive_unit(s, inventory.Receipt(spec, demo.grade, demo.conditions),
                                                imei=make_imei(77_000_001))
    ctx.events.publish(changes)  # what the receiving screen announces
    qtbot.waitUntil(lambda: sandbox.store.listing(demo.sku)["quantity"] == demo.units + 1, timeout=5000)
    qtbot.waitUntil(lambda: "1 quantity pushed" in controller.last_push, timeout=5000)


def test_a_rejected_token_is_reported_in_words(qtbot, db, ctx, controller, sandbox) -> None:
    configure(db, sandbox.url, token="not-the-right-token")
    failures: list[str] = []
    controller.sync_failed.connect(failures.append)
    with qtbot.waitSignal(controller.sync_finished, timeout=20000):
        controller.start()
    assert controller.state == "Back Market: token rejected"
    assert failures and "token" in failures[0].lower()
