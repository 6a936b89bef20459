"""The Back Market tab shows what needs attention: updates not sent (with Retry) and records set aside,
and sync health lists its warnings instead of only saying "ok"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from app.domain.bm_orders import OrderSettings, upsert_order
from app.models import Order, OutboxMessage, SyncRun
from app.models.base import utcnow
from app.sync import quarantine
from app.ui.backmarket.attention_panel import AttentionModel, AttentionPanel
from app.ui.backmarket.tab import BackMarketTab
from app.ui.sync.controller import SyncController

pytestmark = pytest.mark.gui

REMOTE = {"order_id": 41001, "state": 3, "date_creation": "2026-11-30T10:00:00Z",
          "shipping_address": {"first_name": "Jane", "last_name": "Doe"},
          "orderlines": [{"id": 91001, "listing": "IP13-A", "quantity": 1, "price": "429.00", "state": 2,
                          "product": "iPhone 13"}]}
REFUSED = "Gave up after 3 attempts: Back Market refused the request: the tracking number is not valid for UPS"


@pytest.fixture
def seeded(db):
    with db.sessions.begin() as s:
        upsert_order(s, REMOTE, OrderSettings.load(s))
        upsert_order(s, {**REMOTE, "order_id": 41002, "orderlines": [{**REMOTE["orderlines"][0], "id": 91002}]},
                     OrderSettings.load(s))
        first, second = s.scalars(select(Order.id).order_by(Order.id)).all()
        s.add_all([
            OutboxMessage(kind="ship_order", order_id=first, payload="{}", attempts=3, failed=True, last_error=REFUSED,
                          created_at=utcnow() - timedelta(hours=3)),
            OutboxMessage(kind="accept_line", order_id=second, payload="{}", line_ref="91002",
                          last_error="Waiting to retry: Could not reach Back Market.", next_attempt_at=utcnow() + timedelta(minutes=5)),
            OutboxMessage(kind="accept_line", order_id=second, payload="{}", line_ref="91003", done_at=utcnow()),
        ])
        quarantine.set_aside(s, quarantine.ORDER, "123", "line 2 has quantity 0 (Back Market quantities are 1 to 10,000)",
                             {"order_id": 123})
        s.add(SyncRun(station="Bench 1", finished_at=utcnow(), summary=json.dumps({
            "listings_imported": 2, "warnings": ["Order BM41001: the line for IP13-A is for a listing that is not mapped yet.",
                                                 "Back Market order 123 set aside: line 2 has quantity 0."]})))
    return db


@pytest.fixture
def sync(ctx) -> Iterator[SyncController]:
    controller = SyncController(ctx)
    yield controller
    controller.shutdown()


@pytest.fixture
def tab(qtbot, ctx, sync, seeded) -> Iterator[BackMarketTab]:
    widget = BackMarketTab(ctx, sync)
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    qtbot.waitUntil(lambda: widget.attention.model.rowCount() == 2 and widget.health.warnings_model.rowCount() == 2,
                    timeout=5000)
    yield widget
    widget.shutdown()
    ctx.runner.wait()


def _cells(model: AttentionModel, row: int) -> list[str]:
    return [model.index(row, c).data(Qt.ItemDataRole.DisplayRole) for c in range(model.columnCount())]


def test_needs_attention_lists_what_was_not_sent(qtbot, tab) -> None:
    panel = tab.attention
    assert panel.isVisible()
    assert panel.title.text() == "Needs attention — 2 Back Market updates not sent (1 given up, 1 waiting to retry)"
    assert panel.model.column_titles() == ["Order", "What", "State", "Attempts", "Last error", "Created"]
    order, what, state, attempts, error, created = _cells(panel.model, 0)
    assert (order, what, state, attempts) == ("BM41001", "send shipment & IMEIs", "given up", "3")
    assert "tracking number is not valid" in error and created
    assert _cells(panel.model, 1)[:3] == ["BM41002", "accept line", "waiting to retry"]
    assert not panel.retry_button.isEnabled() and panel.retry_all_button.isEnabled()
    for panel_ in (tab.health, tab.attention):  # laid out at their full height, nothing squeezed
        qtbot.waitUntil(lambda p=panel_: p.height() >= p.minimumSizeHint().height(), timeout=5000)
    tab.grab().save("/tmp/attention.png")


def test_health_lists_warnings_and_records_set_aside(tab) -> None:
    health = tab.health
    assert health.warnings_title.text() == "1 warning · 1 Back Market record set aside (could not be read)"
    lines = health.warnings_model.stringList()
    assert lines[0].startswith("Back Market order 123 set aside: line 2 has quantity 0")
    assert "not mapped yet" in lines[1]
    assert health.warnings_view.isVisible()


def test_retry_one_then_all(qtbot, tab, seeded) -> None:
    panel = tab.attention
    panel.view.selectionModel().select(panel.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                       | QItemSelectionModel.SelectionFlag.Rows)
    assert panel.retry_button.isEnabled()
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    assert [_cells(panel.model, r)[0] for r in range(panel.model.rowCount())] == ["BM41002"]
    with seeded.reads() as s:
        ship = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "ship_order"))
    assert (ship.failed, ship.attempts, ship.last_error) == (False, 0, None)
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        qtbot.mouseClick(panel.retry_all_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0 and not panel.isVisible()


def test_attention_model_passes_the_model_tester(qtmodeltester, ctx, seeded) -> None:
    from app.sync import attention

    panel = AttentionPanel(ctx)
    with seeded.reads() as s:
        panel.show_items(attention.needs_attention(s))
    qtmodeltester.check(panel.model)
    panel.deleteLater()
