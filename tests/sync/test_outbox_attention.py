"""Nothing is given up silently: transport errors never use a message's attempts; a message that keeps
being refused is shown in the "needs attention" list, noted on its order, and can be retried."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import DomainError
from app.models import Order, OutboxMessage
from app.models.base import utcnow
from app.sync import attention
from app.sync.auto_accept import pending_accepts
from app.sync.client import BackMarketClient
from app.sync.outbox import send_pending
from app.sync.prune import prune_old
from tests.dbfixtures import db, empty_db_url, pg_cluster, pg_database_url, pg_template_name, sqlite_template_file  # noqa: F401
from tests.sync.sync_helpers import JANE, World, configure, pack_and_ship, receive

LATER = timedelta(days=2)  # every backed-off message is due by then


@pytest.fixture
def world(db, sandbox, naps, token):  # noqa: F811 - the fixture from tests.dbfixtures
    w = World(db, sandbox, naps, token)
    w.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    return w


def _ready_to_ship(world) -> tuple[int, str]:
    configure(world.db, auto_accept=True)  # accepted in the first cycle: the next POST is the ship
    units = receive(world.db, "IP13-A", 1)
    placed = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    assert world.cycle().ok
    pack_and_ship(world.db, f"BM{placed['order_id']}", units, tracking="TRK-9")
    return placed["order_id"], units[0]


def _send(world, client=None):
    with (client or world.client()) as bm:
        return send_pending(world.db, bm, lambda _text: None, now=utcnow() + LATER)


def _ship_message(world) -> OutboxMessage:
    with world.db.reads() as s:
        return s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "ship_order"))


@pytest.mark.parametrize("fault, method", [("500", "POST"), ("503", "POST"), ("slow", "*")])
def test_transport_errors_and_server_errors_never_count(world, fault, method):
    order_id, imei = _ready_to_ship(world)
    world.timeout = 0.2
    world.store.add_fault(fault, method=method, path_prefix=f"/ws/orders/{order_id}", count=100, delay=0.3)
    for _ in range(9):  # more than any attempt budget
        with pytest.raises(Exception):
            _send(world)
    msg = _ship_message(world)
    assert msg.attempts == 0 and not msg.failed and msg.done_at is None
    assert msg.last_error and msg.next_attempt_at > utcnow()  # backed off, reason kept
    world.store.clear_faults()
    world.timeout = 5.0
    assert _send(world).sent == 1
    assert world.store.order(order_id)["state"] == 9


def test_offline_never_counts(world, naps):
    _ready_to_ship(world)
    dead = BackMarketClient("http://127.0.0.1:9", world.token, sleep=naps, timeout=0.5)
    for _ in range(9):
        with pytest.raises(Exception):
            _send(world, dead)
    msg = _ship_message(world)
    assert msg.attempts == 0 and not msg.failed and "reach" in msg.last_error


def test_refused_shipment_is_shown_noted_and_retried(world):
    order_id, imei = _ready_to_ship(world)
    number = f"BM{order_id}"
    world.store.add_fault("400", method="POST", path_prefix=f"/ws/orders/{order_id}", count=3)
    warnings = []
    for _ in range(3):
        warnings += _send(world).warnings
    msg = _ship_message(world)
    assert msg.failed and msg.attempts == 3
    assert any(number in w and "send shipment" in w for w in warnings), warnings
    with world.db.reads() as s:
        note = s.scalar(select(Order.note).where(Order.external_id == str(order_id)))
        items = attention.needs_attention(s)
    assert "not sent to Back Market" in note and "shipment" in note and "refused" in note
    [item] = items
    assert (item.order, item.kind_words, item.state, item.attempts) == (number, "send shipment & IMEIs", "failed", 3)
    assert "refused" in item.last_error
    assert world.store.order(order_id)["state"] != 9

    with world.db.sessions.begin() as s:
        assert attention.retry(s, [item.id]) == 1
    with world.db.reads() as s:
        [again] = attention.outbox_items(s)
        assert (again.state, again.attempts) == ("pending", 0)
        assert attention.needs_attention(s) == []
    assert _send(world).sent == 1
    assert world.store.order(order_id)["state"] == 9
    assert world.store.order(order_id)["orderlines"][0]["imei"] == imei


def test_retry_refusals_change_nothing(world):
    _ready_to_ship(world)
    with world.db.sessions.begin() as s:
        with pytest.raises(DomainError, match="no Back Market update 999"):
            attention.retry(s, [999])
    assert _send(world).sent == 1
    msg = _ship_message(world)
    with world.db.sessions.begin() as s:
        with pytest.raises(DomainError, match="already sent"):
            attention.retry(s, [msg.id])
        assert attention.retry(s, None) == 0  # "all": nothing is waiting
    assert _ship_message(world).done_at is not None


def test_accepts_are_indexed_by_line(world):
    configure(world.db, auto_accept=True)
    receive(world.db, "IP13-A", 1)
    placed = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    world.store.add_fault("503", method="POST", path_prefix="/ws/orders", count=100)
    world.cycle()
    line_id = str(world.store.order(placed["order_id"])["orderlines"][0]["id"])
    with world.db.sessions.begin() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "accept_line"))
        assert row.line_ref == line_id
        row.payload = "{}"  # the index alone answers
        assert pending_accepts(s) == {line_id}


def test_sent_messages_are_pruned_after_some_days(world):
    old = utcnow() - timedelta(days=30 + 1)  # sync.keep_sent_days defaults to 30
    with world.db.sessions.begin() as s:
        s.add_all([
            OutboxMessage(kind="ship_order", payload="{}", done_at=old, created_at=old),  # done long ago: goes
            OutboxMessage(kind="ship_order", payload="{}", done_at=utcnow(), created_at=old),  # done today: stays
            OutboxMessage(kind="ship_order", payload="{}", failed=True, created_at=old,
                          next_attempt_at=utcnow() + LATER * 10),  # given up: stays until retried
        ])
    assert prune_old(world.db).outbox == 1
    with world.db.reads() as s:
        left = s.execute(select(OutboxMessage.done_at.is_(None), OutboxMessage.failed)).all()
    assert sorted(tuple(r) for r in left) == [(False, False), (True, True)]


def test_outbox_items_list_in_words(world):
    order_id, _ = _ready_to_ship(world)
    with world.db.reads() as s:
        waiting = attention.outbox_items(s)
        everything = attention.outbox_items(s, include_sent=True)
    assert [(i.kind_words, i.order, i.state) for i in waiting] == [("send shipment & IMEIs", f"BM{order_id}", "pending")]
    assert {i.kind for i in everything} == {"accept_line", "ship_order"}
    assert json.loads(json.dumps([i.as_json() for i in everything]))[0].keys() == {
        "id", "kind", "order", "state", "attempts", "last_error", "created_at"}
