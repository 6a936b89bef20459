"""Big catalogs for GUI measurements: bulk inserts, seconds for 100,000 variations."""

from __future__ import annotations

import itertools
import logging

from sqlalchemy import insert, select

from app.db import Database
from app.domain.codes import luhn_check_digit
from app.models import Condition, Grade, InventoryStatus, Product, Unit, UnitCode, Variation, VariationCondition, Warehouse

log = logging.getLogger(__name__)

MAKERS = (("Apple", "iPhone"), ("Samsung", "Galaxy S"), ("Google", "Pixel"), ("Motorola", "Moto G"), ("Xiaomi", "Redmi Note"))
NETWORKS = ("Unlocked", "Verizon", "AT&T", "T-Mobile", "Sprint")
CAPACITIES = ("64GB", "128GB", "256GB", "512GB")
COLOURS = ("Black", "White", "Blue", "Red", "Green", "Gold", "Silver", "Purple")
CONDITION_SETS = ((), ("SC",), ("CG",), ("SC", "BS"))


def make_catalog(db: Database, variations: int, *, units_per_variation: float = 0.0, chunk: int = 5000) -> int:
    """Add about `variations` variations (products × grades × condition sets) to an initialized database.

    With `units_per_variation`, that many units on average (round-robin over the variations,
    valid IMEIs, spread over the statuses). Returns the number of variations added.
    """
    with db.sessions.begin() as s:
        grades = list(s.scalars(select(Grade.id).order_by(Grade.position)))
        conds = {c.code: c.id for c in s.scalars(select(Condition))}
        statuses = list(s.scalars(select(InventoryStatus.id).order_by(InventoryStatus.position)))
        warehouse = s.scalar(select(Warehouse.id).limit(1))
        per_product = len(grades) * len(CONDITION_SETS)
        n_products = -(-variations // per_product)
        start = (s.scalar(select(Product.id).order_by(Product.id.desc()).limit(1)) or 0) + 1
        products = []
        for i in range(n_products):
            maker, family = MAKERS[i % len(MAKERS)]
            n = start + i
            products.append({"manufacturer": maker, "model": f"{family} {n // 40 + 1}", "model_number": f"M{n:06d}",
                             "network": NETWORKS[n % len(NETWORKS)], "capacity": CAPACITIES[n % len(CAPACITIES)],
                             "color": COLOURS[n % len(COLOURS)]})
        for part in _chunks(products, chunk):
            s.execute(insert(Product), part)
        product_ids = list(s.scalars(select(Product.id).where(Product.id >= start).order_by(Product.id)))
        rows, links = [], []
        combos = itertools.product(product_ids, grades, CONDITION_SETS)
        for pid, gid, cset in itertools.islice(combos, variations):
            ids = sorted(conds[c] for c in cset if c in conds)
            rows.append({"product_id": pid, "grade_id": gid, "condition_key": ",".join(map(str, ids)),
                         "sku": f"SKU-{pid}-{gid}-{len(ids)}" if len(rows) % 3 == 0 else None})
            rows[-1]["sku_norm"] = rows[-1]["sku"].lower() if rows[-1]["sku"] else None
            links.append(ids)
        variation_ids: list[int] = []
        for part in _chunks(list(range(len(rows))), chunk):
            result = s.execute(insert(Variation).returning(Variation.id, sort_by_parameter_order=True), [rows[i] for i in part])
            variation_ids.extend(result.scalars().all())
        pairs = [{"variation_id": vid, "condition_id": cid} for vid, ids in zip(variation_ids, links) for cid in ids]
        for part in _chunks(pairs, chunk):
            s.execute(insert(VariationCondition), part)
        total_units = int(len(variation_ids) * units_per_variation)
        for part in _chunks(list(range(total_units)), chunk):
            units = [{"imei": _imei(i), "variation_id": variation_ids[i % len(variation_ids)],
                      "status_id": statuses[(i // 7) % len(statuses)] if i % 3 else statuses[0], "warehouse_id": warehouse}
                     for i in part]
            ids = s.execute(insert(Unit).returning(Unit.id, sort_by_parameter_order=True), units).scalars().all()
            s.execute(insert(UnitCode), [{"code": u["imei"], "unit_id": uid, "kind": "imei"} for u, uid in zip(units, ids)])
    log.info("made %d variations, %d units", len(variation_ids), total_units)
    return len(variation_ids)


def _imei(i: int) -> str:
    body = f"35{i + 10_000_000:012d}"
    return body + luhn_check_digit(body)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
