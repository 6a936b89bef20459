"""Landed cost: freight and fees on a PO, spread over the units received on it so far — equally,
or in proportion to each unit's purchase cost — and added to each unit's cost."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import limits
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.domain.station import current_actor
from app.models import LandedCost, LandedCostShare, PoReceipt, Unit

EQUAL, BY_COST = "equal", "by_cost"


@dataclass(frozen=True)
class LandedCostResult:
    po_number: str
    amount: Decimal
    method: str
    units: int
    shares: dict[str, Decimal]  # unit code → its share
    changes: Changes


def split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`amount` in cents over `weights`, each share rounded down, the cents left over going one by
    one to the largest weights first, so the shares add up to `amount` exactly."""
    total = sum(weights)
    shares = [(amount * w / total).quantize(common.CENT, rounding=ROUND_DOWN) for w in weights]
    left = int((amount - sum(shares)) / common.CENT)
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    for i in order[:left]:
        shares[i] += common.CENT
    return shares


def add_landed_cost(session: Session, po_number: str, amount, *, method: str = EQUAL,
                    description: str = "") -> LandedCostResult:
    """Spread `amount` over the units received on the PO (a vendor's replacements included, since
    they came in on it too) and add each share to the unit's cost (manager)."""
    require(session, Permission.PURCHASING)
    limits.check_amount("landed cost", amount)
    amount = Decimal(amount).quantize(common.CENT)
    if amount <= 0:
        raise InvalidInput("A landed cost is an amount above 0.")
    if method not in (EQUAL, BY_COST):
        raise InvalidInput(f"Spread a landed cost “{EQUAL}” or “{BY_COST}”, not “{method}”.")
    description = " ".join((description or "").split())
    limits.check_length("description", description, LandedCost.description)
    po = common.get_po(session, po_number, lock=True)
    if po.status == common.CANCELLED:
        raise Conflict(f"{po.number} is cancelled.", reason="po_status")
    rows = session.execute(select(Unit, PoReceipt.unit_cost).join(PoReceipt, PoReceipt.unit_id == Unit.id)
                           .where(PoReceipt.po_id == po.id).order_by(PoReceipt.id)).all()
    if not rows:
        raise Conflict(f"{po.number} has no received units to spread a landed cost over.", reason="nothing_received")
    if method == EQUAL:
        weights = [Decimal(1)] * len(rows)
    else:
        weights = [Decimal(cost or 0) for _, cost in rows]
        if sum(weights) <= 0:
            raise InvalidInput(f"The units of {po.number} have no purchase cost: spread it equally instead.")
    shares = split(amount, weights)
    actor = current_actor()
    landed = LandedCost(po_id=po.id, description=description, amount=amount, method=method,
                        station=actor.station, operator=actor.operator)
    session.add(landed)
    session.flush()
    for (unit, _), share in zip(rows, shares):
        limits.check_amount("unit cost with landed cost", (unit.cost or Decimal(0)) + share)
        unit.cost = (unit.cost or Decimal(0)) + share
        session.add(LandedCostShare(landed_cost_id=landed.id, unit_id=unit.id, amount=share))
    session.flush()
    return LandedCostResult(po.number, amount, method, len(rows),
                            {unit.code: share for (unit, _), share in zip(rows, shares)},
                            Changes.of(units={u.id for u, _ in rows}, message=f"Landed cost {amount} on {po.number}"))
