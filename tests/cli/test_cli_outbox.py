"""`refurbdesk backmarket outbox [--json] [--all] [--retry ID|all]`: what Back Market was not told, and Retry."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from app.domain.bm_orders import OrderSettings, upsert_order
from app.models import Order, OutboxMessage
from app.models.base import utcnow
from tests.cli.cli_helpers import Cli

REMOTE = {"order_id": 41001, "state": 3, "date_creation": "2026-11-30T10:00:00Z",
          "shipping_address": {"first_name": "Jane", "last_name": "Doe"},
          "orderlines": [{"id": 91001, "listing": "IP13-A", "quantity": 1, "price": "429.00", "state": 2,
                          "product": "iPhone 13"}]}


def _seed(db) -> dict[str, int]:
    """A Back Market order with three updates: one given up, one waiting after an error, one sent."""
    with db.sessions.begin() as s:
        upsert_order(s, REMOTE, OrderSettings.load(s))
        order_id = s.scalar(select(Order.id).where(Order.external_id == "41001"))
        rows = {
            "failed": OutboxMessage(kind="ship_order", order_id=order_id, payload="{}", attempts=3, failed=True,
                                    last_error="Gave up after 3 attempts: Back Market refused the request: bad tracking"),
            "waiting": OutboxMessage(kind="accept_line", order_id=order_id, payload="{}", line_ref="91001",
                                     last_error="Waiting to retry: Could not reach Back Market.",
                                     next_attempt_at=utcnow() + timedelta(minutes=5)),
            "sent": OutboxMessage(kind="accept_line", order_id=order_id, payload="{}", line_ref="91000",
                                  attempts=1, done_at=utcnow()),
        }
        s.add_all(rows.values())
        s.flush()
        return {name: row.id for name, row in rows.items()}


def test_outbox_lists_retries_and_refuses(db, tmp_path):
    ids = _seed(db)
    cli = Cli(str(db.engine.url.render_as_string(hide_password=False)), tmp_path / "data")

    listed = cli.json("backmarket", "outbox", "--json")
    assert [(i["id"], i["kind"], i["order"], i["state"], i["attempts"]) for i in listed] == [
        (ids["failed"], "ship_order", "BM41001", "failed", 3), (ids["waiting"], "accept_line", "BM41001", "pending", 0)]
    assert set(listed[0]) == {"id", "kind", "order", "state", "attempts", "last_error", "created_at"}
    assert "bad tracking" in listed[0]["last_error"]
    assert {i["state"] for i in cli.json("backmarket", "outbox", "--json", "--all")} == {"failed", "pending", "sent"}

    table = cli.run("backmarket", "outbox").stdout
    assert "send shipment & IMEIs" in table and "accept line" in table and "BM41001" in table and "failed" in table

    for bad, words in ((["--retry", "999"], "no Back Market update 999"), (["--retry", "x"], "--retry takes"),
                       (["--retry", str(ids["sent"])], "already sent")):
        refused = cli.run("backmarket", "outbox", *bad, ok=False)
        assert words in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert cli.json("backmarket", "outbox", "--json") == listed  # the refusals changed nothing

    assert "1 Back Market update will" in cli.run("backmarket", "outbox", "--retry", str(ids["failed"])).stdout
    again = {i["id"]: i for i in cli.json("backmarket", "outbox", "--json")}
    assert (again[ids["failed"]]["state"], again[ids["failed"]]["attempts"]) == ("pending", 0)
    assert "2 Back Market updates will" in cli.run("backmarket", "outbox", "--retry", "all").stdout
    with db.reads() as s:
        due = s.scalars(select(OutboxMessage.next_attempt_at).where(OutboxMessage.done_at.is_(None))).all()
    assert all(moment <= utcnow() for moment in due)


def test_nothing_waiting(db, tmp_path):
    cli = Cli(str(db.engine.url.render_as_string(hide_password=False)), tmp_path / "data")
    assert cli.run("backmarket", "outbox").stdout.strip() == "Nothing waiting: every Back Market update was sent."
    assert json.loads(cli.run("backmarket", "outbox", "--json").stdout) == []
