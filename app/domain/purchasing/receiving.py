"""Receiving against a purchase order, one scan at a time, with a verdict for the receiver:

- green: the code is on the PO's manifest (or the PO has no manifest) — received;
- amber: not on the manifest — refused unless accepted (`allow_unexpected`), then received onto a
  line with room and flagged unexpected;
- red: refused — not a valid code, already received, the PO is closed, a line is full and the
  operator is not a manager.

Each received unit enters Incoming (not sellable) with its line's unit cost (or the manifest's),
its product and grade from the manifest row, else from the PO line (grade Ungraded when neither
gives one), and a receipt linking it to its PO line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import inventory, reference
from app.domain.catalog import PRODUCT_FIELDS, ProductSpec
from app.domain.changes import Changes
from app.domain.codes import CodeKind, parse_unit_code
from app.domain.errors import Conflict, DomainError, InvalidInput, NotFound, ScanRefused
from app.domain.permissions import Permission, allowed, require
from app.domain.purchasing import common, orders
from app.domain.purchasing.approval import Approval, verify
from app.domain.station import Actor, current_actor
from app.models import ManifestRow, PurchaseOrder, PurchaseOrderLine, PoReceipt, UnitCode, Warehouse

GREEN, AMBER, RED = "green", "amber", "red"


@dataclass(frozen=True)
class ReceiveOutcome:
    """A received unit: what the receiving screen shows and the label needs."""

    verdict: str  # green | amber (accepted although not on the manifest)
    message: str
    code: str
    unit_id: int
    po_number: str
    line_id: int
    line_number: int  # 1-based, as `po show` numbers lines
    product: str
    grade: str
    unexpected: bool
    over_receipt: bool
    received_on_line: int
    line_quantity: int
    changes: Changes


def verdict_of(error: DomainError) -> str:
    """The colour of a refused scan: amber for a unit not on the manifest (accept it or set it
    aside), red for everything else."""
    return AMBER if getattr(error, "reason", "") == "unexpected" else RED


def line_counts(session: Session, po_id: int) -> dict[int, int]:
    """Units received per PO line, a vendor's replacements not counted."""
    return dict(session.execute(
        select(PoReceipt.po_line_id, func.count(PoReceipt.id))
        .where(PoReceipt.po_id == po_id, PoReceipt.replaces_unit_id.is_(None)).group_by(PoReceipt.po_line_id)).all())


def _refuse_duplicate(session: Session, code: str) -> None:
    row = session.execute(
        select(UnitCode.unit_id, PurchaseOrder.number, PoReceipt.received_at)
        .join(PoReceipt, PoReceipt.unit_id == UnitCode.unit_id, isouter=True)
        .join(PurchaseOrder, PurchaseOrder.id == PoReceipt.po_id, isouter=True)
        .where(UnitCode.code == code)).first()
    if row is None:
        return
    where = f" on {row[1]} ({row[2]:%Y-%m-%d %H:%M})" if row[1] else ""
    raise Conflict(f"Already received: {code} was received{where} — a duplicate, set it aside.", reason="duplicate")


def _pick_line(po: PurchaseOrder, counts: dict[int, int], wanted: int | None) -> PurchaseOrderLine:
    lines = list(po.lines)
    if wanted is not None:
        for line in lines:
            if line.id == wanted:
                return line
        raise NotFound(f"{po.number} has no line {wanted}.", reason="unknown_line")
    return next((line for line in lines if counts.get(line.id, 0) < line.quantity), lines[0])


def line_name(line: PurchaseOrderLine) -> str:
    return " ".join(v for v in (getattr(line, f) for f in PRODUCT_FIELDS) if v)


def receive_scan(session: Session, po_number: str, raw_code: str, *, allow_unexpected: bool = False,
                 line_id: int | None = None, warehouse: str | None = None, status: str = common.INCOMING,
                 actor: Actor | None = None, approved_by: Approval | None = None) -> ReceiveOutcome:
    """Receive one scanned IMEI/serial onto a PO. Refusals raise (DomainError with `reason`:
    invalid_code, duplicate, po_status, unexpected, over_receipt, unknown_line, approval);
    `verdict_of` gives their colour. `line_id` puts the unit on that line (an amber unit accepted to
    a line). `approved_by`: a manager's name+PIN or badge lets this one scan over-receive at a
    packer's station, recorded in the unit's history (checked first: a wrong PIN is counted)."""
    require(session, Permission.RECEIVE)
    approver = verify(session, approved_by, Permission.OVER_RECEIVE, "an over-receipt") if approved_by else None
    parsed = parse_unit_code(raw_code)
    code = parsed.value
    target = reference.status(session, status)
    if target.id in common.gone_status_ids(session) or target.name.lower() == common.VENDOR_RMA.lower():
        raise InvalidInput(f"A unit received on a PO goes to a stock status, not {target.name}.")
    po = common.get_po(session, po_number, lock=True)  # one receipt at a time per PO: line counts stay true
    if po.status not in common.RECEIVABLE:
        raise Conflict(f"{po.number} is {po.status}: nothing more can be received on it.", reason="po_status")
    _refuse_duplicate(session, code)
    row = session.scalar(select(ManifestRow).where(ManifestRow.po_id == po.id, ManifestRow.code == code))
    has_manifest = row is not None or session.scalar(
        select(ManifestRow.id).where(ManifestRow.po_id == po.id).limit(1)) is not None
    unexpected = has_manifest and row is None
    if unexpected and not allow_unexpected:
        elsewhere = session.scalar(select(PurchaseOrder.number).join(ManifestRow, ManifestRow.po_id == PurchaseOrder.id)
                                   .where(ManifestRow.code == code, PurchaseOrder.id != po.id).limit(1))
        hint = f" (it is on {elsewhere}'s manifest)" if elsewhere else ""
        raise ScanRefused(f"Unexpected: {code} is not on {po.number}'s manifest{hint} — accept it to a line "
                          "(--allow-unexpected) or set it aside for quarantine.", reason="unexpected")
    counts = line_counts(session, po.id)
    line = _pick_line(po, counts, line_id if line_id is not None else (row.po_line_id if row else None))
    over = counts.get(line.id, 0) >= line.quantity
    if over and approver is None and not allowed(session, Permission.OVER_RECEIVE):
        raise ScanRefused(f"Line {line_number(po, line)} of {po.number} ({line_name(line)}) is complete "
                          f"({counts.get(line.id, 0)}/{line.quantity}): receiving more needs a manager.",
                          reason="over_receipt")
    if row is not None and row.manufacturer and row.model:
        product = ProductSpec(**{f: getattr(row, f) or getattr(line, f) for f in PRODUCT_FIELDS})
    else:
        product = ProductSpec(**{f: getattr(line, f) for f in PRODUCT_FIELDS})
    grade = (row.grade if row is not None and row.grade else None) or _line_grade(session, line) or common.UNGRADED
    cost = row.cost if row is not None and row.cost is not None else line.unit_cost
    warehouse = warehouse or session.scalar(select(Warehouse.name).order_by(Warehouse.id).limit(1)) or "Main"
    number = line_number(po, line)
    approval = f" approved by {approver.name}" if over and approver is not None else ""
    flags = (" · unexpected" if unexpected else "") + (f" · over-receipt{approval}" if over else "")
    unit, changes = inventory.receive_unit(
        session, inventory.Receipt(product, grade, (), status, warehouse, cost=cost),
        **({"imei": code} if parsed.kind is CodeKind.IMEI else {"serial": code}),
        actor=actor, note=f"{po.number} line {number}{flags}")
    actor = actor or current_actor()
    session.add(PoReceipt(unit_id=unit.id, po_id=po.id, po_line_id=line.id, unit_cost=cost, unexpected=unexpected,
                        over_receipt=over, station=actor.station, operator=actor.operator))
    session.flush()
    orders.refresh_status(session, po)
    session.flush()
    done = counts.get(line.id, 0) + 1
    verdict = AMBER if unexpected else GREEN
    said = ("Unexpected unit accepted: " if unexpected else "Received ") + f"{code} → {po.number} line {number} " \
        f"({product.display_name} · {grade}) {done}/{line.quantity}" + (f" — over-receipt{approval}" if over else "")
    return ReceiveOutcome(verdict, said, code, unit.id, po.number, line.id, number, product.display_name, grade,
                          unexpected, over, done, line.quantity, changes)


def line_number(po: PurchaseOrder, line: PurchaseOrderLine) -> int:
    return [candidate.id for candidate in po.lines].index(line.id) + 1


def _line_grade(session: Session, line: PurchaseOrderLine) -> str | None:
    if line.expected_grade_id is None:
        return None
    from app.models import Grade

    return session.get(Grade, line.expected_grade_id).name


def line_id_for(session: Session, po_number: str, number: int) -> int:
    """The id of a PO's line numbered `number` (1-based, as `po show` numbers them)."""
    po = common.get_po(session, po_number)
    if not 1 <= number <= len(po.lines):
        raise InvalidInput(f"{po.number} has lines 1 to {len(po.lines)}, not {number}.")
    return po.lines[number - 1].id


def codes_from_csv(text: str) -> list[str]:
    """The codes of a receiving CSV (a header with `imei` or `serial`; e.g. the manifest itself)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "imei" not in fields and "serial" not in fields:
        raise InvalidInput("The receiving file needs a header with an imei or serial column.")
    reader.fieldnames = fields
    codes = [(row.get("imei") or row.get("serial") or "").strip() for row in reader]
    codes = [c for c in codes if c]
    if not codes:
        raise InvalidInput("The receiving file has no codes.")
    return codes
