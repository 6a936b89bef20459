"""Purchasing reaches Back Market (the sandbox on 127.0.0.1): units bought on a PO and passed by
diagnostics raise the listing's quantity; shipping a vendor RMA lowers it again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import catalog
from app.domain.purchasing import rma, rma_flow
from app.models import Unit
from tests.dbfixtures import db, empty_db_url, make_imei, pg_cluster, pg_database_url, pg_template_name, sqlite_template_file  # noqa: F401
from tests.purchasing.helpers import call, grade, receive_all, vendor_po
from tests.sync.sync_helpers import World


@pytest.fixture
def world(db, sandbox, naps, token):  # noqa: F811 - the fixture from tests.dbfixtures
    w = World(db, sandbox, naps, token)
    w.store.add_listing("IP12-A", "iPhone 12", "EXCELLENT", "399.00", quantity=0)
    return w


def test_graded_units_raise_the_quantity_and_an_rma_lowers_it(world):
    db = world.db
    po = vendor_po(db, qty=3)
    good, better, broken = (make_imei(n) for n in (1, 2, 3))
    receive_all(db, po, [good, better, broken])
    assert world.cycle().ok
    assert world.store.find_listing_by_sku("IP12-A").quantity == 0  # Incoming is not sellable
    grade(db, [(good, "A", ""), (better, "A", ""), (broken, "A", "Face ID")])
    with db.sessions.begin() as s:
        variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == good))
        catalog.assign_sku(s, [variation_id], "IP12-A")
    assert world.cycle().ok
    assert world.store.find_listing_by_sku("IP12-A").quantity == 2  # the failing unit sits in Repair

    number = call(db, rma.create_rma, "PhoneLots", "RA-1").number
    call(db, rma.add_to_rma, number, better, "screen burn-in")
    call(db, rma.add_to_rma, number, broken, "Face ID")
    call(db, rma.approve_rma, number)
    assert world.cycle().ok
    assert world.store.find_listing_by_sku("IP12-A").quantity == 2  # approved, not shipped: still ours to sell
    call(db, rma_flow.ship_rma, number, "1Z999")
    assert world.cycle().ok
    assert world.store.find_listing_by_sku("IP12-A").quantity == 1
