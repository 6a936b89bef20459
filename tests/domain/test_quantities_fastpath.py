"""The fast path (affected_listings + calculated_quantities(ids)) never drifts from the full pass.

A random series of warehouse operations runs through the services; after each one, only the
listings its Changes record points at are recomputed, and the kept numbers must equal a full
recomputation of every listing.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from app.domain import catalog, fulfilment, inventory, orders, reference, settings
from app.domain.catalog import ProductSpec
from app.domain.errors import DomainError
from app.domain.quantities import affected_listings, calculated_quantities
from app.models import Listing, Order, OrderStatus, Unit, Variation
from tests.dbfixtures import make_imei

PRODUCTS = [ProductSpec("Apple", "iPhone 12", capacity="64GB"), ProductSpec("Samsung", "Galaxy S21", capacity="128GB")]
GRADES = ["A", "B", "C"]
SKUS = ["S1", "S2", "s1", "S3"]


def _setup(db, mode):
    with db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
        settings.set_(s, "backmarket.mapping", mode)
        settings.set_(s, "backmarket.warehouses", ["Main"])
        settings.set_(s, "backmarket.statuses", ["Available", "Processing"])
        reference.define_warehouse(s, "Annex")
        for p in PRODUCTS:
            for g in GRADES:
                catalog.variation_for(s, p, g, [])
        vids = list(s.scalars(select(Variation.id).order_by(Variation.id)))
        for i, v in enumerate(vids[:4]):
            catalog.assign_sku(s, [v], SKUS[i % 2])
        for i, sku in enumerate(["S1", "s2", "S3", "none"]):
            s.add(Listing(uuid=f"u{i}", sku=sku, sku_norm=sku.lower(), reserve=i % 2, max_listed=3 if i == 2 else None,
                          variation_id=vids[i * 2 % len(vids)] if mode == "variation" else None))
        s.add(Listing(uuid="unmapped", sku="S1", sku_norm="s1"))
    return vids


def _op(s, rng: random.Random, vids, counter):
    units = list(s.scalars(select(Unit.imei)))
    numbers = list(s.scalars(select(Order.number).join(OrderStatus).where(OrderStatus.is_open.is_(True))))
    kind = rng.choice(["receive", "receive", "receive", "move", "regrade", "order", "commit", "commit", "commit",
                       "uncommit", "status", "ship", "sku"])
    if kind == "receive" or not units:
        counter[0] += 1
        receipt = inventory.Receipt(rng.choice(PRODUCTS), rng.choice(GRADES), (),
                                    rng.choice(["Available", "Available", "Processing", "Repair"]), rng.choice(["Main", "Annex"]))
        return inventory.receive_unit(s, receipt, code=make_imei(counter[0]))[1]
    if kind == "move":
        return inventory.move_unit(s, rng.choice(units), status=rng.choice(["Available", "Repair", "Processing"]),
                                   warehouse=rng.choice(["Main", "Annex", None]))
    if kind == "regrade":
        return inventory.regrade_unit(s, rng.choice(units), rng.choice(GRADES))
    if kind == "order" or not numbers:
        lines = [orders.LineRequest(rng.randint(1, 3), variation_id=rng.choice(vids)) if rng.random() < 0.5
                 else orders.LineRequest(rng.randint(1, 3), sku=rng.choice(SKUS)) for _ in range(rng.randint(1, 2))]
        return orders.create_direct_order(s, "Buyer", lines)[1]
    number = rng.choice(numbers)
    if kind == "commit":
        return fulfilment.commit_unit(s, number, rng.choice(units)).changes
    if kind == "uncommit":
        return fulfilment.uncommit_unit(s, number, rng.choice(units))
    if kind == "status":
        return orders.set_order_status(s, number, rng.choice(["New", "Awaiting payment", "Ready to ship", "Cancelled"]))
    if kind == "ship":
        return fulfilment.ship_order(s, number, "T", allow_incomplete=rng.random() < 0.7)
    return catalog.assign_sku(s, [rng.choice(vids)], rng.choice(SKUS + [None]))


@pytest.mark.parametrize("mode", ["sku", "variation"])
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_path_matches_full_computation(db, mode, seed):
    rng = random.Random(seed)
    vids = _setup(db, mode)
    with db.reads() as s:
        known = calculated_quantities(s)
    counter = [0]
    applied = 0
    seen = set()
    for step in range(70):
        try:
            with db.sessions.begin() as s:
                changes = _op(s, rng, vids, counter)
        except DomainError:
            continue  # a refused operation changed nothing
        applied += 1
        with db.reads() as s:
            affected = affected_listings(s, changes)
            full = calculated_quantities(s)
            if affected is None:
                known = full
            else:
                fresh = calculated_quantities(s, affected)
                assert fresh == {lid: full[lid] for lid in affected}, f"step {step}: fast path computed differently"
                known.update(fresh)
        seen |= {q.calculated for q in full.values()}
        assert known == full, f"step {step}: {changes.message!r} left stale listings " + str(
            {lid: (known[lid], full[lid]) for lid in full if known[lid] != full[lid]})
    assert applied > 30
    assert seen - {None, 0}, "the scenario never listed anything: it tests too little"
