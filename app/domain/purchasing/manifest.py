"""The vendor's IMEI list for a PO: a CSV with a header — `imei` or `serial`, optionally the
inventory CSV's product columns, `grade` and `cost`. All rows or none; every bad row listed.

A row with a product (manufacturer and model at least) is matched to the PO line of that model; a
row without one belongs to the PO's only line, or to whichever line has room when it is received.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.domain import limits
from app.domain.catalog import PRODUCT_FIELDS
from app.domain.changes import Changes
from app.domain.codes import unit_codes
from app.domain.csv_import import CsvImportError, read_rows
from app.domain.errors import Conflict, InvalidCode
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.domain.station import current_actor
from app.models import Grade, Manifest, ManifestRow, Product, PurchaseOrderLine, PoReceipt, UnitCode

COLUMNS = ("imei", "serial", *PRODUCT_FIELDS, "grade", "cost")


@dataclass(frozen=True)
class ManifestResult:
    po_number: str
    rows: int
    replaced: int  # rows of the list this one replaced
    changes: Changes


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def match_line(lines: list[PurchaseOrderLine], product: dict[str, str]) -> PurchaseOrderLine | None:
    """The first PO line of this model: manufacturer and model must match; model number, network,
    capacity and colour must match where both the line and the row give them."""
    for line in lines:
        if not (_same(line.manufacturer, product["manufacturer"]) and _same(line.model, product["model"])):
            continue
        if all(not getattr(line, f) or not product[f] or _same(getattr(line, f), product[f]) for f in PRODUCT_FIELDS[2:]):
            return line
    return None


def _line_name(product: dict[str, str]) -> str:
    return " ".join(v for v in (product[f] for f in PRODUCT_FIELDS) if v)


def import_manifest(session: Session, po_number: str, text: str, *, filename: str = "") -> ManifestResult:
    """Attach (or replace) the vendor's list for a PO (manager). Raises CsvImportError listing every
    bad row — nothing is changed then."""
    require(session, Permission.PURCHASING)
    po = common.get_po(session, po_number, lock=True)
    if po.status in (common.CLOSED, common.CANCELLED):
        raise Conflict(f"{po.number} is {po.status}: its manifest cannot change.", reason="po_status")
    problems: list[tuple[int, str]] = []
    header, rows = read_rows(text, problems)
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise CsvImportError([(1, f"column “{c}” appears more than once") for c in twice])
    if "imei" not in header and "serial" not in header:
        raise CsvImportError([(1, "missing column: imei (or serial)")])
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        raise CsvImportError([(1, f"unknown column(s): {', '.join(unknown)} (a manifest has "
                                  f"{', '.join(COLUMNS)})")])
    if not rows and not problems:
        raise CsvImportError([(1, "the file has no rows")])
    lines = list(po.lines)
    grades = {name.lower(): name for name in session.scalars(select(Grade.name))}
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for line_no, raw in rows:
        errors: list[str] = []
        code = kind = None
        try:
            codes = unit_codes(raw.get("imei") or None, raw.get("serial") or None, None)
            if codes:
                code, kind = codes[0]
            else:
                errors.append("no IMEI and no serial")
        except InvalidCode as exc:
            errors.append(str(exc))
        product = {f: " ".join(raw.get(f, "").split()) for f in PRODUCT_FIELDS}
        for f in PRODUCT_FIELDS:
            problem = limits.length_problem(f, product[f], getattr(Product, f))
            if problem:
                errors.append(problem)
        line = None
        if any(product.values()):
            if not product["manufacturer"] or not product["model"]:
                errors.append("a product needs manufacturer and model")
            else:
                line = match_line(lines, product)
                if line is None:
                    errors.append(f"{_line_name(product)} matches no line of {po.number}")
        elif len(lines) == 1:
            line = lines[0]
        grade = raw.get("grade", "")
        if grade and grade.lower() not in grades:
            errors.append(f"unknown grade “{grade}”")
        cost_problem = limits.amount_problem("cost", raw.get("cost") or None)
        if cost_problem:
            errors.append(cost_problem)
        if code and code in seen:
            errors.append(f"{code} is also on line {seen[code]}")
        if errors:
            problems.append((line_no, "; ".join(errors)))
            continue
        seen[code] = line_no
        parsed.append(dict(line_no=line_no, code=code, kind=kind, po_line_id=line.id if line else None, **product,
                           grade=grades.get(grade.lower(), "") if grade else "",
                           cost=Decimal(raw["cost"]) if raw.get("cost") else None))
    # A code already in stock is a bad row, unless it was received on this very PO (a list re-sent).
    codes = list(seen)
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        taken = session.execute(select(UnitCode.code, PoReceipt.po_id).join(PoReceipt, PoReceipt.unit_id == UnitCode.unit_id,
                                                                         isouter=True)
                                .where(UnitCode.code.in_(chunk))).all()
        for code, po_id in taken:
            if po_id != po.id:
                problems.append((seen[code], f"{code} is already in stock (received earlier)"))
    if problems:
        raise CsvImportError(sorted(problems))
    replaced = session.scalar(select(func.count(ManifestRow.id)).where(ManifestRow.po_id == po.id)) or 0
    session.execute(delete(ManifestRow).where(ManifestRow.po_id == po.id))
    session.execute(delete(Manifest).where(Manifest.po_id == po.id))
    actor = current_actor()
    manifest = Manifest(po_id=po.id, filename=(filename or "")[:260], station=actor.station, operator=actor.operator)
    session.add(manifest)
    session.flush()
    session.add_all(ManifestRow(manifest_id=manifest.id, po_id=po.id, **row) for row in parsed)
    session.flush()
    return ManifestResult(po.number, len(parsed), replaced, Changes.of(message=f"Manifest of {po.number}: {len(parsed)} units"))
