"""One bad record blocks nothing: a malformed Back Market order or listing is set aside with its reason,
every other one is imported and the checkpoint moves on; the "quiet" checkpoint decision trusts only
Back Market's own timestamps, whatever its clock says compared with ours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.domain import settings
from app.domain.bm_orders import parse_time
from app.models import Listing, Order, OrderLine, QuarantinedRecord
from app.sync.client import BackMarketClient
from app.sync.engine import SyncEngine
from app.sync.mapping import LISTING_GONE
from app.sync.sandbox.wire_patch import ABSENT
from tests.dbfixtures import db, empty_db_url, pg_cluster, pg_database_url, pg_template_name, sqlite_template_file  # noqa: F401
from tests.sync.sync_helpers import JANE, World, make_db

HOURS = 3600.0


@pytest.fixture
def world(db, sandbox, naps, token):  # noqa: F811 - the fixture from tests.dbfixtures
    w = World(db, sandbox, naps, token)
    w.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=50)
    w.store.add_listing("IP14-B", "iPhone 14", "GOOD", "529.00", quantity=50)
    return w


def _place(world, n: int = 1, sku: str = "IP13-A") -> list[int]:
    return [world.store.place_order([{"sku": sku, "quantity": 1}], shipping_address=JANE)["order_id"] for _ in range(n)]


def _checkpoint(world):
    with world.db.reads() as s:
        return parse_time(settings.get(s, "backmarket.orders_checkpoint"))


def _quarantine(world, kind="order"):
    with world.db.reads() as s:
        return {r.external_id: r for r in s.scalars(select(QuarantinedRecord).where(QuarantinedRecord.kind == kind))}


def _imported(world) -> set[str]:
    with world.db.reads() as s:
        return set(s.scalars(select(Order.external_id).where(Order.external_id.is_not(None))))


BAD_LINES = [
    ({"quantity": 0}, "quantity 0"),
    ({"quantity": -1}, "quantity -1"),
    ({"quantity": "two"}, "quantity 'two'"),
    ({"quantity": 10**12}, "quantity 1000000000000"),
    ({"quantity": True}, "quantity True"),
    ({"listing": ABSENT}, "no listing"),
    ({"listing": ""}, "no listing"),
    ({"listing": "X" * 500}, "longer than 120"),
    ({"id": ABSENT}, "no id"),
    ({"price": "cheap"}, "price 'cheap'"),
]


@pytest.mark.parametrize("patch, words", BAD_LINES, ids=[w for _, w in BAD_LINES])
def test_a_malformed_order_is_set_aside_and_the_batch_goes_on(tmp_path, sandbox, naps, token, patch, words):
    world = World(make_db(tmp_path), sandbox, naps, token)
    world.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=50)
    before, bad, after = _place(world), _place(world), _place(world)
    world.store.patch_order_wire(bad[0], {"lines": {"0": patch}})
    report = world.cycle()
    assert report.ok, report.error
    assert _imported(world) == {str(before[0]), str(after[0])}
    record = _quarantine(world)[str(bad[0])]
    assert words in record.reason and "line 1" in record.reason and record.resolved_at is None
    assert any(f"order {bad[0]} set aside" in w and words in w for w in report.warnings), report.warnings
    assert _checkpoint(world) is not None  # the checkpoint moved on


def test_a_malformed_order_on_both_databases_then_read_cleanly(world):
    good, bad = _place(world, 3), _place(world, 1, sku="IP14-B")[0]
    world.store.patch_order_wire(bad, {"lines": {"0": {"quantity": 0}}})
    world.store.set_page_size_cap(2)  # several pages, one chunk
    report = world.cycle()
    assert report.ok, report.error
    assert _imported(world) == {str(i) for i in good}
    assert "line 1 has quantity 0" in _quarantine(world)[str(bad)].reason
    first = _checkpoint(world)
    assert first is not None

    world.store.patch_order_wire(bad, None)  # Back Market sends it properly again
    report = world.cycle()
    assert report.ok, report.error
    assert str(bad) in _imported(world)
    assert _quarantine(world)[str(bad)].resolved_at is not None
    assert not any("set aside" in w for w in report.warnings)
    with world.db.reads() as s:
        quantities = s.scalars(select(OrderLine.quantity).join(Order).where(Order.external_id == str(bad))).all()
    assert quantities == [1]
    assert _checkpoint(world) > first


def test_an_order_with_a_100000_character_name_is_set_aside(world):
    good, bad = _place(world), _place(world)
    world.store.patch_order_wire(bad[0], {"fields": {"shipping_address": {"first_name": "J" * 100_000, "last_name": "Doe"}}})
    report = world.cycle()
    assert report.ok, report.error
    assert _imported(world) == {str(good[0])}
    assert "name is longer than 200 characters" in _quarantine(world)[str(bad[0])].reason


def test_an_order_without_an_id_is_set_aside(world):
    good, bad = _place(world), _place(world)
    world.store.patch_order_wire(bad[0], {"fields": {"order_id": ABSENT}})
    report = world.cycle()
    assert report.ok, report.error
    assert _imported(world) == {str(good[0])}
    [record] = _quarantine(world).values()
    assert "no order id" in record.reason
    assert _checkpoint(world) is not None


def test_a_malformed_listing_is_set_aside(world):
    world.store.patch_listing_wire("IP14-B", {"fields": {"quantity": "lots"}})
    report = world.cycle()
    assert report.ok, report.error
    with world.db.reads() as s:
        skus = set(s.scalars(select(Listing.sku)))
    assert skus == {"IP13-A"}
    record = next(iter(_quarantine(world, "listing").values()))
    assert "IP14-B" in record.reason and "quantity 'lots'" in record.reason
    world.store.patch_listing_wire("IP14-B", None)
    assert world.cycle().ok
    with world.db.reads() as s:
        assert set(s.scalars(select(Listing.sku))) == {"IP13-A", "IP14-B"}
    assert next(iter(_quarantine(world, "listing").values())).resolved_at is not None


def test_a_listing_set_aside_later_is_not_marked_gone(world):
    assert world.cycle().ok
    world.store.patch_listing_wire("IP14-B", {"fields": {"quantity": -3}})
    assert world.cycle().ok
    with world.db.reads() as s:
        row = s.scalar(select(Listing).where(Listing.sku == "IP14-B"))
    assert row.publication_state != LISTING_GONE and row.bm_quantity == 50  # kept as last read cleanly


@pytest.mark.parametrize("offset_hours", [5, -5])
def test_checkpoint_moves_whatever_back_markets_clock_says(world, offset_hours):
    world.store.configure(clock_offset_seconds=offset_hours * HOURS)
    placed = _place(world, 3)
    report = world.cycle()
    assert report.ok, report.error
    newest = max(parse_time(world.store.order(i)["date_modification"]) for i in placed)
    assert _checkpoint(world) == newest  # Back Market's own timestamp (to the microsecond), not ours
    later = _place(world)
    assert world.cycle().ok
    assert str(later[0]) in _imported(world)
    assert _checkpoint(world) == parse_time(world.store.order(later[0])["date_modification"])


def test_page_shift_with_back_markets_clock_behind_ours(world, sandbox, naps, token):
    """Back Market's clock 5 hours behind ours: an order modified mid-crawl shifts the pages and
    another, older order is skipped. The pass is not quiet, and no order is lost."""
    store = world.store
    store.configure(clock_offset_seconds=-6 * HOURS)
    placed = _place(world, 5)
    store.configure(clock_offset_seconds=-5 * HOURS)  # an hour later on Back Market's clock
    store.set_page_size_cap(2)
    touched = []

    class ShiftingClient(BackMarketClient):
        def iter_orders(self, **kwargs):
            for index, order in enumerate(super().iter_orders(**kwargs), 1):
                yield order
                if index == 2 and not touched:  # between page 1 and page 2
                    touched.append(store.touch_order(placed[0]))

    world.engine = SyncEngine(world.db, lambda: ShiftingClient(sandbox.url, token, sleep=naps), station="t (pid 2)")
    assert world.cycle().ok and touched
    assert world.cycle().ok
    assert _imported(world) == {str(i) for i in placed}


def test_sandbox_admin_sets_its_clock_and_malformed_records_over_http(sandbox, token):
    import httpx

    sandbox.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=5)
    assert httpx.post(f"{sandbox.url}/_admin/config", json={"clock_offset_seconds": 3 * HOURS}).status_code == 200
    placed = httpx.post(f"{sandbox.url}/_admin/orders", json={"lines": [{"sku": "IP13-A", "quantity": 1}]}).json()
    ahead = parse_time(placed["date_creation"]) - datetime.now(timezone.utc)
    assert timedelta(hours=2, minutes=50) < ahead <= timedelta(hours=3)  # Back Market's clock, 3 hours ahead of ours
    patched = httpx.post(f"{sandbox.url}/_admin/orders/{placed['order_id']}/wire",
                         json={"lines": {"0": {"quantity": 0, "listing": ABSENT}}}).json()
    assert patched["orderlines"][0]["quantity"] == 0 and "listing" not in patched["orderlines"][0]
    restored = httpx.post(f"{sandbox.url}/_admin/orders/{placed['order_id']}/wire", json={}).json()
    assert restored["orderlines"][0]["quantity"] == 1 and restored["orderlines"][0]["listing"] == "IP13-A"
    assert httpx.post(f"{sandbox.url}/_admin/listings/IP13-A/wire", json={"oops": 1}).status_code == 400
