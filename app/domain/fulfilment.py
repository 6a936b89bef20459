"""The packing station's rules: commit a scanned unit to an order, undo it, ship the order.

Every refusal is a ScanRefused whose `reason` names the failed check and whose message says,
in a packer's words, what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import lock_first
from app.domain import history, inventory, limits, orders, reference, scan_sql, settings
from app.domain.changes import Changes
from app.domain.codes import parse_unit_code
from app.domain.errors import DomainError, InvalidCode, NotFound, ScanRefused
from app.domain.station import Actor, current_actor
from app.models import Commitment, InventoryStatus, Order, OrderLine, OutboxMessage, Unit, UnitEvent, Variation
from app.models.base import utcnow
from app.domain.permissions import Permission, must_ask_users_exist, require, require_knowing
from app.domain.scan_transaction import note_written
from app.domain.dates import counted, day

# The checks, in the order the packing station applies them.
ORDER_CLOSED = "order_not_committable"
INVALID_CODE = "invalid_code"
UNKNOWN_UNIT = "unknown_unit"
ALREADY_COMMITTED = "already_committed"
ALREADY_SHIPPED = "already_shipped"
NOT_SELLABLE = "not_sellable"
NO_MATCHING_LINE = "no_matching_line"
LINE_COMPLETE = "line_complete"
ORDER_INCOMPLETE = "order_incomplete"


@dataclass(frozen=True)
class ScanVerdict:
    """A committed scan: which unit went onto which line, and how full the line is now."""

    order_number: str
    unit_id: int
    code: str
    line_id: int
    scanned: int
    wanted: int
    product: str
    changes: Changes

    @property
    def message(self) -> str:
        return f"{self.code} → {self.product} ({self.scanned}/{self.wanted})"


@dataclass(frozen=True)
class _ScannedUnit:
    """What the checks need to know about a scanned unit, read as one plain row."""

    id: int
    code: str
    variation_id: int
    sku_norm: str | None
    product: str
    grade: str
    status: str
    sellable: bool


@dataclass(frozen=True)
class _Line:
    id: int
    variation_id: int | None
    sku_norm: str | None
    quantity: int
    closed: bool
    unmapped: bool
    scanned: int


def _line_matches(line, unit: _ScannedUnit) -> bool:
    if line.closed or line.unmapped:
        return False
    if line.variation_id is not None:
        return line.variation_id == unit.variation_id
    return line.sku_norm is not None and line.sku_norm == unit.sku_norm


# The scan is the hot path of the packing station: fixed plain statements (scan_sql), plain rows,
# plain INSERTs; every check below is still made, in the same order. On PostgreSQL the locks and
# reads go to the server in one round trip and the writes in a second (scan_sql.run_together).
def _read_locked(session: Session, number: str, code: str | None):
    """PostgreSQL, in one round trip: whether users exist (when nobody is signed in; the permission
    is checked before anything is judged), lock the order and read it, lock the unit and read it,
    lock the order's lines and count them — each read after its lock. Returns (users exist, order
    row, unit row, lines with counts); with no valid code only the order is read."""
    by_number = {"number": number}
    ask_users = must_ask_users_exist()
    statements = [(scan_sql.USERS_EXIST, {})] if ask_users else []
    statements += [(scan_sql.LOCK_ORDER, by_number), (scan_sql.ORDER, by_number)]
    if code is not None:
        by_code = {"code": code}
        statements += [(scan_sql.LOCK_UNIT, by_code), (scan_sql.UNIT, by_code),
                       (scan_sql.LINES_LOCKED_BY_NUMBER, by_number), (scan_sql.COUNTS_BY_NUMBER, by_number)]
    results = scan_sql.run_together(session, *statements)
    users = bool(results.pop(0)[0][0]) if ask_users else False
    order = results[1][0] if results[1] else None
    if code is None:
        return users, order, None, []
    unit = results[3][0] if results[3] else None
    counts = dict(results[5])
    return users, order, unit, [(*line, counts.get(line[0], 0)) for line in results[4]]


def _scanned_unit(row, code: str) -> tuple[_ScannedUnit, int | None, str]:
    """The unit, the order it is actively committed to (or None), and the sold status's name."""
    if row is None:
        what = "IMEI" if code.isdigit() else "serial"
        raise ScanRefused(f"Unknown unit: no unit with {what} {code} has been received.", reason=UNKNOWN_UNIT)
    uid, imei, serial, vid, sku_norm, grade, status, sellable, *rest = row
    parts, current, sold = rest[:-2], rest[-2], rest[-1]
    sold_status = json.loads(sold) if sold is not None else settings.SPECS["inventory.sold_status"].default
    unit = _ScannedUnit(uid, imei or serial, vid, sku_norm, " ".join(p for p in parts if p), grade, status, bool(sellable))
    return unit, current, str(sold_status)


def commit_unit(session: Session, order_number: str, raw_code: str, *, actor: Actor | None = None) -> ScanVerdict:
    """Commit the scanned unit to the first line of the order it can fill."""
    actor = actor or current_actor()
    postgres = session.get_bind().dialect.name == "postgresql"
    try:
        code, bad_code = parse_unit_code(raw_code).value, None
    except InvalidCode as exc:
        code, bad_code = None, exc
    typed_number = order_number.strip().upper()
    if postgres:
        users_exist, order, unit_row, line_rows = _read_locked(session, typed_number, code)
        require_knowing(Permission.PACK, users_exist)
    else:  # the unit and the lines are read below, only when the checks get that far
        require_knowing(Permission.PACK, lambda: bool(scan_sql.run(session, scan_sql.USERS_EXIST).scalar()))
        order = scan_sql.run(session, scan_sql.ORDER, number=typed_number).first()
    if order is None:
        raise NotFound(f"There is no order {order_number}.", reason="unknown_order")
    order_id, number, status_name, allows_commit = order
    if not allows_commit:
        raise ScanRefused(f"Order {number} is {status_name}: units cannot be scanned onto it.", reason=ORDER_CLOSED)
    if bad_code is not None:
        raise ScanRefused(str(bad_code), reason=INVALID_CODE)
    if not postgres:
        unit_row = scan_sql.run(session, scan_sql.UNIT, code=code).first()
    unit, current, sold_status = _scanned_unit(unit_row, code)

    # The partial unique index answers this from the commitments of this one unit.
    if current is not None:
        where = "this order" if current == order_id else f"order {session.get(Order, current).number}"
        raise ScanRefused(f"{unit.code} is already committed to {where}.", reason=ALREADY_COMMITTED)
    # Checked even when sellable: a sold status someone marked sellable must not ship a phone twice.
    if unit.status.lower() == sold_status.strip().lower():
        shipped = inventory.last_shipment(session, unit.id)
        detail = f" on order {shipped[0]} ({day(shipped[1])})" if shipped else ""
        raise ScanRefused(f"{unit.code} was already shipped{detail}.", reason=ALREADY_SHIPPED)
    if not unit.sellable:
        raise ScanRefused(f"{unit.code} is in status {unit.status}, which is not sellable.", reason=NOT_SELLABLE)

    if not postgres:
        line_rows = scan_sql.run(session, scan_sql.LINES_COUNTED, order_id=order_id).all()
    lines = [_Line(*row) for row in line_rows]
    matching = [line for line in lines if _line_matches(line, unit)]
    if not matching:
        hint = ""
        if any(line.unmapped and not line.closed for line in lines):
            hint = " (a line of this order is for an unmapped Back Market listing: map it first)"
        raise ScanRefused(
            f"{unit.code} ({unit.product}, grade {unit.grade}) matches no line of order {number}{hint}.",
            reason=NO_MATCHING_LINE,
        )
    open_line = next((line for line in matching if line.scanned < line.quantity), None)
    if open_line is None:
        line = matching[0]
        raise ScanRefused(
            f"The line for {unit.product} is already complete ({line.scanned}/{line.quantity}).",
            reason=LINE_COMPLETE,
        )
    try:
        sku_variations = _write_commitment(session, postgres, unit, open_line, order_id, number, actor)
    except IntegrityError:
        # The partial unique index: another station committed this unit a moment ago. The
        # caller's transaction rolls back, so no savepoint is needed on this hot path.
        raise ScanRefused(f"{unit.code} was just committed at another station.", reason=ALREADY_COMMITTED) from None
    # Stock moved for the unit's variation; a SKU line's demand also touches every variation
    # carrying that SKU. Nothing else on the order changed.
    changes = Changes.of(orders={order_id}, units={unit.id}, variations={unit.variation_id} | sku_variations)
    return ScanVerdict(number, unit.id, unit.code, open_line.id, open_line.scanned + 1, open_line.quantity,
                       unit.product, changes)


def _write_commitment(session: Session, postgres: bool, unit: _ScannedUnit, line: _Line, order_id: int, number: str,
                      actor: Actor) -> set[int]:
    """The commitment and its history line; returns the variations carrying the line's SKU."""
    note_written(session)  # a refusal from here on (the unique index) rolls the scan back
    at = scan_sql.stamp(session, utcnow())
    commit = dict(unit_id=unit.id, line_id=line.id, order_id=order_id, active=True, at=at, station=actor.station)
    event = dict(kind=history.COMMITTED, detail=f"order {number}", operator=actor.operator)
    by_sku = {"sku_norm": line.sku_norm}
    if postgres:
        statements = [(scan_sql.COMMIT_WITH_EVENT, commit | event)]
        if line.sku_norm:
            statements.append((scan_sql.SKU_VARIATIONS, by_sku))
        results = scan_sql.run_together(session, *statements)
        return {row[0] for row in results[1]} if line.sku_norm else set()
    scan_sql.run(session, scan_sql.COMMIT, **commit)
    scan_sql.run(session, scan_sql.EVENT, unit_id=unit.id, at=at, order_id=order_id, station=actor.station, **event)
    if not line.sku_norm:
        return set()
    return {row[0] for row in scan_sql.run(session, scan_sql.SKU_VARIATIONS, **by_sku)}


def uncommit_unit(session: Session, order_number: str, raw_code: str, *, actor: Actor | None = None) -> Changes:
    """Undo a scan: the unit leaves the order and is free again."""
    require(session, Permission.PACK)
    order = orders.get_order(session, order_number, lock=True)
    unit = inventory.find_unit(session, raw_code, lock=True)
    commitment = session.scalar(
        select(Commitment).where(Commitment.unit_id == unit.id, Commitment.order_id == order.id, Commitment.active.is_(True))
    )
    if commitment is None:
        raise DomainError(f"{unit.code} is not committed to order {order.number}.", reason="not_committed")
    commitment.active = False
    commitment.released_at = utcnow()
    history.record(session, unit.id, history.UNCOMMITTED, f"order {order.number}", order_id=order.id, actor=actor)
    session.flush()
    return Changes.of(orders={order.id}, units={unit.id}, variations={unit.variation_id} | orders.affected_variations(session, order.id),
                      message=f"{unit.code} removed from {order.number}")


def missing_units(session: Session, order: Order) -> int:
    counts = orders.line_scanned_counts(session, order.id)
    return sum(max(0, line.quantity - counts.get(line.id, 0)) for line in order.lines if not line.closed)


def ship_order(
    session: Session,
    order_number: str,
    tracking: str,
    carrier: str | None = None,
    *,
    allow_incomplete: bool = False,
    actor: Actor | None = None,
) -> Changes:
    """Ship: scanned units become Sold, the order moves to the shipped status, Back Market is told."""
    require(session, Permission.PACK)
    actor = actor or current_actor()
    tracking = (tracking or "").strip()
    if not tracking:
        raise DomainError("Shipping needs a tracking number.", reason="no_tracking")
    limits.check_length("tracking number", tracking, Order.tracking_number)
    limits.check_length("carrier", (carrier or "").strip() or None, Order.carrier)
    order = orders.get_order(session, order_number, lock=True)
    if not order.status.is_open:
        raise DomainError(f"Order {order.number} is {order.status.name}; it cannot be shipped.", reason=ORDER_CLOSED)
    commitments = _locked_commitments(session, order.id)
    if not commitments:
        raise DomainError(f"Nothing is scanned onto order {order.number} yet.", reason=ORDER_INCOMPLETE)
    missing = missing_units(session, order)
    if missing and not allow_incomplete:
        raise DomainError(f"Order {order.number} is missing {counted(missing, 'unit')}; scan them or ship it as incomplete.",
                          reason=ORDER_INCOMPLETE)
    sold = reference.status(session, settings.get(session, "inventory.sold_status"))
    _recheck_units(session, order.number, commitments, sold.id)
    now = utcnow()
    unit_ids = set()
    for c in commitments:
        c.active = False
        c.shipped_at = now
        unit = session.get(Unit, c.unit_id)
        unit.status_id = sold.id
        unit_ids.add(unit.id)
        history.record(session, unit.id, history.SHIPPED, f"order {order.number} · {tracking}", order_id=order.id, actor=actor)
    variations = orders.affected_variations(session, order.id)
    order.status_id = orders.status_named(session, "orders.shipped_status").id
    order.tracking_number = tracking
    order.carrier = (carrier or "").strip() or None
    order.shipped_at = now
    if order.channel.name == reference.BACK_MARKET and order.external_id:
        # The sync sends it; persisted here, in the same transaction, so it survives a crash.
        session.add(OutboxMessage(kind="ship_order", order_id=order.id,
                                  payload=json.dumps({"tracking": tracking, "carrier": order.carrier})))
    session.flush()
    return Changes.of(orders={order.id}, units=unit_ids, variations=variations, message=f"Shipped {order.number}")


def _locked_commitments(session: Session, order_id: int) -> list[Commitment]:
    """The order's active commitments, read fresh after locking their units (order lock first, then the
    units in id order: the same order as a scan, so two stations never deadlock)."""
    active = (Commitment.order_id == order_id) & Commitment.active.is_(True)
    unit_ids = select(Commitment.unit_id).where(active)
    lock_first(session, select(Unit.id).where(Unit.id.in_(unit_ids)).order_by(Unit.id), of=Unit)
    return list(session.scalars(
        select(Commitment).where(active).order_by(Commitment.unit_id).with_for_update(of=Commitment)
        .execution_options(populate_existing=True)
    ))


def _recheck_units(session: Session, number: str, commitments: list[Commitment], sold_id: int) -> None:
    """Under the lock, each committed unit must still be shippable: in a sellable status, not shipped
    on another order (and never taken back), still what its line wants. One failure ships nothing."""
    rows = session.execute(
        select(Commitment.id, Unit.id, Unit.imei, Unit.serial, Unit.status_id, InventoryStatus.name,
               InventoryStatus.sellable, Unit.variation_id, Variation.sku_norm, OrderLine.variation_id,
               OrderLine.sku_norm, OrderLine.sku)
        .join(Unit, Unit.id == Commitment.unit_id)
        .join(InventoryStatus, InventoryStatus.id == Unit.status_id)
        .join(Variation, Variation.id == Unit.variation_id)
        .join(OrderLine, OrderLine.id == Commitment.line_id)
        .where(Commitment.id.in_([c.id for c in commitments]))
        .order_by(Unit.id)
    ).all()
    for _cid, uid, imei, serial, status_id, status, sellable, vid, sku_norm, line_vid, line_sku_norm, line_sku in rows:
        code = imei or serial
        refusal = f"Order {number} was not shipped: unit {code}"
        shipped = _shipped_and_not_returned(session, uid)
        if status_id == sold_id or shipped:
            on = f" on order {shipped[0]} ({shipped[1]})" if shipped else ""
            raise DomainError(f"{refusal} was already shipped{on} and not taken back through the returns desk — "
                              "uncommit it.", reason="unit_already_shipped")
        if not sellable:
            raise DomainError(f"{refusal} is in status {status}, which is not sellable — uncommit it or move it "
                              "back first.", reason="unit_not_sellable")
        matches = vid == line_vid if line_vid is not None else (line_sku_norm is not None and sku_norm == line_sku_norm)
        if not matches:
            wanted = f"variation {line_vid}" if line_vid is not None else f"SKU {line_sku}"
            raise DomainError(f"{refusal} no longer matches its line (it wants {wanted}) — uncommit it and scan "
                              "a matching unit.", reason="unit_mismatch")


def _shipped_and_not_returned(session: Session, unit_id: int) -> tuple[str, str] | None:
    """The last shipment of a unit the returns desk has not taken back since (data from before the
    protection rules may hold such a unit in a sellable status)."""
    shipped = inventory.last_shipment(session, unit_id)
    if shipped is None:
        return None
    returned = session.scalar(select(func.max(UnitEvent.at)).where(UnitEvent.unit_id == unit_id,
                                                                   UnitEvent.kind == history.RETURNED))
    if returned is not None and returned >= shipped[1]:
        return None
    return shipped[0], day(shipped[1])


def committed_count(session: Session, order_id: int) -> int:
    return session.scalar(
        select(func.count(Commitment.id)).where(Commitment.order_id == order_id, Commitment.active.is_(True))
    ) or 0
