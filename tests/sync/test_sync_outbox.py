"""The outbox: retries with growing waits, giving up with the reason visible, never duplicating."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import OutboxMessage
from tests.sync.sync_helpers import JANE, World, configure, make_db, receive


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    w = World(make_db(tmp_path), sandbox, naps, token)
    w.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    return w


def _message(world):
    with world.db.reads() as s:
        return s.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))


def test_refused_message_backs_off_then_gives_up(world):
    placed = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    assert world.cycle().ok
    with world.db.sessions.begin() as s:
        s.add(OutboxMessage(kind="accept_line", payload=json.dumps(
            {"order_id": placed["order_id"], "sku": "IP13-A", "line_id": 1})))  # no such line
    waits = []
    for _ in range(3):
        report = world.cycle()
        assert report.ok  # one refused message does not fail the cycle
        msg = _message(world)
        waits.append((msg.next_attempt_at - msg.created_at).total_seconds())
        with world.db.sessions.begin() as s:
            s.get(OutboxMessage, msg.id).next_attempt_at = msg.created_at
    msg = _message(world)
    assert msg.failed and msg.attempts == 3 and msg.done_at is None
    assert msg.last_error.startswith("Gave up after 3 attempts") and "no line 1" in msg.last_error
    assert waits[1] > waits[0]
    assert report.outbox_failed == 1


def test_auto_accept_only_what_stock_covers_and_only_once(world):
    configure(world.db, auto_accept=True)
    receive(world.db, "IP13-A", 1)
    first = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    second = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    report = world.cycle()
    assert report.ok and report.lines_accepted == 1
    assert world.store.order(first["order_id"])["orderlines"][0]["state"] == 2
    assert world.store.order(second["order_id"])["orderlines"][0]["state"] == 1  # not covered: left to the manager
    world.store.clear_request_log()
    report = world.cycle()
    assert report.lines_accepted == 0
    assert not [r for r in world.writes() if r["path"].startswith("/ws/orders")]
