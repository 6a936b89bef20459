"""Grading from a diagnostics export: every row checked first, every bad row listed, then all or
nothing. Each unit is re-graded (a new variation when its grade, conditions or product changed),
its run is kept with battery health and failed tests and written to its history, and it moves to
the pass status (default Available) or, with any failed test, the fail status (default Repair).

Columns: imei (or serial), grade, failed_tests (';'-separated; empty = passed), and optionally
conditions (';'-separated codes), battery_health (%), tool, tester and the inventory CSV's product
columns (manufacturer, model, model_number, network, capacity, color) when the tool knows the
model better than the PO did. `columns` maps another tool's headers onto these names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import catalog, history, inventory, limits, reference
from app.domain.catalog import PRODUCT_FIELDS, ProductSpec
from app.domain.changes import Changes
from app.domain.codes import unit_codes
from app.domain.csv_import import CsvImportError, read_rows
from app.domain.errors import Conflict, DomainError, InvalidCode
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.domain.purchasing.diagnostics_columns import REQUIRED, apply_mapping
from app.domain.station import current_actor
from app.models import Commitment, Condition, DiagnosticRun, Grade, Order, Product, Unit, UnitCode

DIAGNOSTICS = "diagnostics"  # the history event's kind


@dataclass(frozen=True)
class DiagnosticsResult:
    units: int
    passed: int
    failed: int
    regraded: int
    new_variations: int
    changes: Changes


@dataclass
class _Row:
    line: int
    unit_id: int
    grade: str
    conditions: tuple[str, ...]
    battery: int | None
    failed: tuple[str, ...]
    tool: str
    tester: str
    product: dict[str, str]


def _battery(value: str) -> int | None:
    cleaned = value.strip().rstrip("%").strip()
    if not cleaned:
        return None
    number = int(float(cleaned))  # ValueError for words
    if not 0 <= number <= 100:
        raise ValueError
    return number


def _check_rows(session: Session, rows, problems) -> list[_Row]:
    grades = {n.lower(): n for n in session.scalars(select(Grade.name))}
    codes_known = {c.upper(): c for c in session.scalars(select(Condition.code))}
    gone = common.gone_status_ids(session) | {common.status_id(session, common.VENDOR_RMA)}
    seen: dict[int, int] = {}
    parsed: list[_Row] = []
    for line, raw in rows:
        errors: list[str] = []
        unit = None
        try:
            codes = unit_codes(raw.get("imei") or None, raw.get("serial") or None, None)
            if not codes:
                errors.append("no IMEI and no serial")
            else:
                code = codes[0][0]
                unit = session.scalar(select(Unit).join(UnitCode, UnitCode.unit_id == Unit.id).where(UnitCode.code == code))
                if unit is None:
                    errors.append(f"{code} is not in stock (no unit with it has been received)")
                elif unit.status_id in gone:
                    errors.append(f"{code} is not in stock ({unit.status.name})")
                else:
                    order = session.scalar(select(Order.number).join(Commitment, Commitment.order_id == Order.id)
                                           .where(Commitment.unit_id == unit.id, Commitment.active.is_(True)))
                    if order:
                        errors.append(f"{code} is on order {order}: uncommit it before grading")
                    elif unit.id in seen:
                        errors.append(f"{code} is also on line {seen[unit.id]}")
        except InvalidCode as exc:
            errors.append(str(exc))
        grade = raw.get("grade", "")
        if grade.lower() not in grades:
            errors.append(f"unknown grade “{grade}”" if grade else "no grade")
        conditions = tuple(sorted({c.strip().upper() for c in raw.get("conditions", "").split(";") if c.strip()}))
        errors += [f"unknown condition “{c}”" for c in conditions if c not in codes_known]
        battery = None
        try:
            battery = _battery(raw.get("battery_health", ""))
        except ValueError:
            errors.append(f"battery_health “{raw.get('battery_health')}” is not a percentage from 0 to 100")
        failed = tuple(t.strip() for t in raw.get("failed_tests", "").split(";") if t.strip())
        product = {f: " ".join(raw.get(f, "").split()) for f in PRODUCT_FIELDS}
        for f in PRODUCT_FIELDS:
            problem = limits.length_problem(f, product[f], getattr(Product, f))
            if problem:
                errors.append(problem)
        for f in ("tool", "tester"):
            problem = limits.length_problem(f, raw.get(f, ""), getattr(DiagnosticRun, f))
            if problem:
                errors.append(problem)
        if errors:
            problems.append((line, "; ".join(errors)))
            continue
        seen[unit.id] = line
        parsed.append(_Row(line, unit.id, grades[grade.lower()], conditions, battery, failed, raw.get("tool", ""),
                           raw.get("tester", ""), product))
    return parsed


def import_diagnostics(session: Session, text: str, *, pass_status: str = common.AVAILABLE,
                       fail_status: str = common.REPAIR, columns: dict[str, str | None] | None = None) -> DiagnosticsResult:
    """Grade units from a diagnostics CSV. Raises CsvImportError listing every bad row (nothing
    changes then); an unknown or unsuitable pass/fail status is refused before any row is read."""
    require(session, Permission.GRADE)
    statuses = {}
    for label, name in (("pass", pass_status), ("fail", fail_status)):
        status = reference.status(session, name)
        if status.id in common.gone_status_ids(session) or status.name.lower() == common.VENDOR_RMA.lower():
            raise Conflict(f"Graded units cannot go to {status.name} (the {label} status): choose a stock status.",
                           reason="bad_status")
        statuses[label] = status
    problems: list[tuple[int, str]] = []
    header, rows = read_rows(text, problems)
    header, rows, mapping_problems = apply_mapping(header, rows, columns)
    if mapping_problems:
        raise CsvImportError([(1, p) for p in mapping_problems])
    twice = sorted({c for c in header if c and header.count(c) > 1})
    missing = [c for c in REQUIRED if c not in header and not (c == "imei" and "serial" in header)]
    if twice or missing:
        raise CsvImportError([(1, f"column “{c}” appears more than once") for c in twice]
                             + ([(1, f"missing column(s): {', '.join(missing)}")] if missing else []))
    if not rows and not problems:
        raise CsvImportError([(1, "the file has no rows")])
    parsed = _check_rows(session, rows, problems)
    if problems:
        raise CsvImportError(sorted(problems))
    return _write(session, parsed, statuses["pass"], statuses["fail"])


def _write(session: Session, parsed: list[_Row], pass_status, fail_status) -> DiagnosticsResult:
    actor = current_actor()
    touched: set[int] = set()
    passed = regraded = created_count = 0
    for row in parsed:
        unit = inventory.find_unit(session, _code_of(session, row.unit_id), lock=True)
        old = unit.variation
        spec = ProductSpec(**{f: row.product[f] or getattr(old.product, f) for f in PRODUCT_FIELDS})
        variation, created = catalog.variation_for(session, spec, row.grade, row.conditions)
        created_count += created
        ok = not row.failed
        passed += ok
        label = "+".join(row.conditions)
        detail = (f"{row.tool or 'diagnostics'}" + (f" by {row.tester}" if row.tester else "")
                  + (": passed" if ok else f": failed {'; '.join(row.failed)}")
                  + (f" · battery {row.battery}%" if row.battery is not None else "")
                  + f" · grade {row.grade}" + (f" ({label})" if label else ""))
        history.record(session, unit.id, DIAGNOSTICS, detail, actor=actor)
        session.add(DiagnosticRun(unit_id=unit.id, tool=row.tool, tester=row.tester, grade=row.grade,
                                  conditions=";".join(row.conditions), battery_health=row.battery,
                                  failed_tests=";".join(row.failed), passed=ok, station=actor.station,
                                  operator=actor.operator))
        if variation.id != old.id:
            regraded += 1
            moved = "" if variation.product_id == old.product_id else f" · product {spec.display_name}"
            history.record(session, unit.id, history.GRADE, f"{old.grade.name} → {row.grade}"
                           + (f" ({label})" if label else "") + moved, actor=actor)
            touched |= {old.id, variation.id}
            unit.variation_id = variation.id
        target = pass_status if ok else fail_status
        if unit.status_id != target.id:
            history.record(session, unit.id, history.STATUS, f"{unit.status.name} → {target.name} (diagnostics)",
                           actor=actor)
            unit.status_id = target.id
            touched.add(variation.id)
        session.flush()
    changes = Changes.of(variations=touched, units={r.unit_id for r in parsed}, catalog=created_count > 0,
                         message=f"Graded {len(parsed)} units: {passed} passed, {len(parsed) - passed} failed")
    return DiagnosticsResult(len(parsed), passed, len(parsed) - passed, regraded, created_count, changes)


def _code_of(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    if unit is None:  # pragma: no cover - checked above in the same transaction
        raise DomainError("unit vanished")
    return unit.code
